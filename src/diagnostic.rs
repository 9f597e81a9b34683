//! Findings: what turquoise tells the user about their input, as values.
//!
//! A finding is never an error of the tool itself: bad input produces findings
//! and the run goes on. Nothing here prints; `report` and the CLI decide how
//! findings look.

use crate::classify::{Compatibility, LockMode, Rewrite};
use serde::Serialize;
use std::ffi::OsStr;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

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

/// The text of files by path, for code frames and ignore comments. Keyed
/// by the path's bytes: hashing a `Path` walks its components.
#[derive(Debug, Clone, Default)]
pub struct Sources(rustc_hash::FxHashMap<std::ffi::OsString, Arc<str>>);

impl Sources {
    pub fn insert(&mut self, path: &Path, text: Arc<str>) {
        self.0.insert(path.as_os_str().to_owned(), text);
    }

    pub fn get(&self, path: &Path) -> Option<&Arc<str>> {
        self.0.get(path.as_os_str())
    }

    pub fn contains(&self, path: &Path) -> bool {
        self.0.contains_key(path.as_os_str())
    }

    /// The paths, in no particular order.
    pub fn paths(&self) -> impl Iterator<Item = &Path> {
        self.0.keys().map(Path::new)
    }

    pub fn extend(&mut self, other: Sources) {
        self.0.extend(other.0);
    }
}

impl<'a> FromIterator<(&'a Path, Arc<str>)> for Sources {
    fn from_iter<I: IntoIterator<Item = (&'a Path, Arc<str>)>>(items: I) -> Self {
        let mut sources = Sources::default();
        for (path, text) in items {
            sources.insert(path, text);
        }
        sources
    }
}

/// Sorts findings by file, then position, then code: the order every
/// report lists them in.
pub fn sort(findings: &mut [Finding]) {
    sort_by_file(findings, |f| (f.location.start, f.code));
}

/// Sorts findings by file, then by `key`, keeping equal ones in place.
/// A `Path` compares and hashes component by component, which costs about
/// a thousand instructions each time: each distinct path is ranked once
/// here, and findings are sorted by rank.
pub fn sort_by_file<K: Ord>(findings: &mut [Finding], key: impl Fn(&Finding) -> K) {
    let ranks = path_ranks(findings.iter().map(|f| f.location.path.as_path()));
    let mut keyed: Vec<(usize, K, usize)> = findings
        .iter()
        .zip(ranks)
        .enumerate()
        .map(|(i, (f, rank))| (rank, key(f), i))
        .collect();
    keyed.sort_unstable();
    permute(findings, keyed.into_iter().map(|k| k.2));
}

/// For each path, its rank among the distinct paths in `Path` order: each
/// distinct path is split into components once, and looked up by its
/// bytes.
fn path_ranks<'a>(paths: impl Iterator<Item = &'a Path> + Clone) -> Vec<usize> {
    let distinct: rustc_hash::FxHashSet<&OsStr> = paths.clone().map(Path::as_os_str).collect();
    let mut order: Vec<&Path> = distinct.into_iter().map(Path::new).collect();
    order.sort_by_cached_key(|p| p.components().collect::<Vec<_>>());
    let rank: rustc_hash::FxHashMap<&OsStr, usize> = order
        .iter()
        .enumerate()
        .map(|(i, p)| (p.as_os_str(), i))
        .collect();
    paths.map(|p| rank[p.as_os_str()]).collect()
}

/// Puts `items` in the order `order` gives (a permutation of their
/// indexes), by following its cycles.
fn permute<T>(items: &mut [T], order: impl Iterator<Item = usize>) {
    // Where each item goes.
    let mut to = vec![0; items.len()];
    for (new, old) in order.enumerate() {
        to[old] = new;
    }
    for start in 0..items.len() {
        while to[start] != start {
            let dest = to[start];
            items.swap(start, dest);
            to.swap(start, dest);
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The ranked sort gives what a plain stable sort by `Path` gives,
    /// including paths whose byte order differs from their component
    /// order (`a/b` before `a-b`), and keeps equal findings in place.
    #[test]
    fn sort_orders_like_paths_do() {
        let paths = [
            "m/a-b.sql",
            "m/a/b.sql",
            "m/a.sql",
            "m/b/up.sql",
            "m/a/b.sql",
            "m",
        ];
        let mut findings = Vec::new();
        for i in 0..60usize {
            let path = paths[(i * 7) % paths.len()];
            let start = (i * 13) % 5;
            let code = ["b-rule", "a-rule"][i % 2];
            let location = Location {
                path: PathBuf::from(path),
                line: 1,
                column: 1,
                start,
                end: start,
            };
            findings.push(Finding::new(code, Severity::Hint, location, format!("{i}")));
        }
        let mut expected = findings.clone();
        expected.sort_by(|a, b| {
            (&a.location.path, a.location.start, a.code).cmp(&(
                &b.location.path,
                b.location.start,
                b.code,
            ))
        });
        sort(&mut findings);
        let messages = |v: &[Finding]| v.iter().map(|f| f.message.clone()).collect::<Vec<_>>();
        assert_eq!(messages(&findings), messages(&expected));
    }
}
