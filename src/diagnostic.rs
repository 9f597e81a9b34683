//! Findings: what turquoise tells the user about their input, as values.
//!
//! A finding is never an error of the tool itself: bad input produces findings
//! and the run goes on. Nothing here prints; `report` and the CLI decide how
//! findings look.

use crate::classify::{Compatibility, LockMode, Rewrite};
use serde::Serialize;
use std::fmt;
use std::path::PathBuf;

/// How serious a finding is. Ordered: `Hint < Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Hint,
    Warning,
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Hint => "hint",
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// A place in a file: 1-based line and column (in characters), and the byte
/// range of the text the finding is about.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Location {
    pub path: PathBuf,
    pub line: u32,
    pub column: u32,
    pub start: usize,
    pub end: usize,
}

impl Location {
    /// A location that names only a file (no position inside it).
    pub fn file(path: impl Into<PathBuf>) -> Self {
        Location {
            path: path.into(),
            line: 0,
            column: 0,
            start: 0,
            end: 0,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}", self.path.display())
        } else {
            write!(f, "{}:{}:{}", self.path.display(), self.line, self.column)
        }
    }
}

/// One finding: a permanent kebab-case code, a severity, a message, and where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    pub location: Location,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// More to read, on lines of its own (a schema diff).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// What the linter knows of the statement the finding is about.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<Box<Detail>>,
}

/// The statement behind a lint finding: which migration, which statement,
/// and how the classifier saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Detail {
    pub version: String,
    /// 1-based position of the statement in its up script; `None` for a
    /// finding about the migration as a whole.
    pub statement: Option<usize>,
    pub compatibility: Option<Compatibility>,
    /// The strongest lock on a relation that existed before the migration.
    pub lock: Option<LockMode>,
    /// The relation that lock is on.
    pub table: Option<String>,
    pub rewrite: Option<Rewrite>,
    /// Other objects affected, in words.
    pub impact: Vec<String>,
}

impl Finding {
    pub fn new(
        code: &'static str,
        severity: Severity,
        location: Location,
        message: impl Into<String>,
    ) -> Self {
        Finding {
            code,
            severity,
            message: message.into(),
            location,
            help: None,
            note: None,
            detail: None,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.note = Some(note.into());
        self
    }
}

/// Sorts findings by file, then position, then code: the order every
/// report lists them in.
pub fn sort(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        (&a.location.path, a.location.start, a.code).cmp(&(
            &b.location.path,
            b.location.start,
            b.code,
        ))
    });
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} [{}]: {}",
            self.location, self.severity, self.code, self.message
        )
    }
}

/// Maps byte offsets of one text to 1-based line and column numbers.
#[derive(Debug, Clone)]
pub struct LineIndex {
    line_starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex { line_starts }
    }

    /// 1-based (line, column) of byte `offset`; the column counts characters.
    pub fn line_col(&self, text: &str, offset: usize) -> (u32, u32) {
        let offset = offset.min(text.len());
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let start = self.line_starts[line];
        let column = text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count());
        (line as u32 + 1, column as u32 + 1)
    }
}
