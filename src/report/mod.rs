//! Presenting findings: text for people, JSON for machines, and the
//! formats CI systems read. One file per lint format. Nothing here decides
//! anything; it only formats what it is given.

pub mod github;
pub mod gitlab;
pub mod json;
pub mod markdown;
pub mod sarif;
pub mod summary;
pub mod text;

use crate::diagnostic::{Finding, LineIndex, Severity, Sources};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// The output formats of `lint` and `check` (docs/output.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Code frames with the statement underlined, for people.
    Text,
    /// Stable JSON for scripts; fields are only ever added.
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// GitHub Actions workflow commands: annotations on the pull request.
    Github,
    /// GitLab Code Quality report (a JSON array).
    Gitlab,
    /// A Markdown table for a pull-request comment.
    Markdown,
    /// Counts per severity and per rule only.
    Summary,
}

impl Format {
    /// Formats read by CI name files from the current folder (the root of
    /// the checkout, where CI runs), so annotations land on the right file;
    /// the others name them from the migrations folder.
    pub fn paths_from_checkout(self) -> bool {
        matches!(
            self,
            Format::Sarif | Format::Github | Format::Gitlab | Format::Markdown
        )
    }
}

/// Counts of findings by severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub migrations: usize,
    pub errors: usize,
    pub warnings: usize,
    pub hints: usize,
}

impl Summary {
    pub fn of(findings: &[Finding], migrations: usize) -> Self {
        let count = |s| findings.iter().filter(|f| f.severity == s).count();
        Summary {
            migrations,
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
            hints: count(Severity::Hint),
        }
    }
}

/// A finding with what every format needs worked out: the file as shown
/// (relative to the base folder) and where the statement ends.
pub struct Row<'a> {
    pub finding: &'a Finding,
    pub file: String,
    pub end_line: u32,
    pub end_column: u32,
    /// The whole text of the file, when known (for code frames).
    pub source: Option<&'a str>,
}

/// Works out rows for findings; `sources` holds the text of their files.
/// A run of findings in one file (lint sorts them by file) shares the
/// file's text, line index and shown name, worked out once.
pub fn rows<'a>(findings: &'a [Finding], sources: &'a Sources, base: &Path) -> Vec<Row<'a>> {
    let mut file: Option<(&Path, Option<&str>, Option<LineIndex>, String)> = None;
    findings
        .iter()
        .map(|f| {
            let path = f.location.path.as_path();
            let (_, source, index, shown) = match &mut file {
                Some(same) if same.0 == path => same,
                other => other.insert((
                    path,
                    sources.get(path).map(|s| &**s),
                    None,
                    tidy(shown_path(path, base)),
                )),
            };
            let source = *source;
            let (end_line, end_column) = match source {
                Some(text) if f.location.line != 0 => index
                    .get_or_insert_with(|| LineIndex::new(text))
                    .line_col(text, f.location.end),
                _ => (f.location.line, f.location.column),
            };
            Row {
                finding: f,
                file: shown.clone(),
                end_line,
                end_column,
                source,
            }
        })
        .collect()
}

/// A path relative to `base` when inside it, and never empty: a finding
/// about the folder itself names the folder.
pub fn shown_path<'a>(path: &'a Path, base: &Path) -> &'a Path {
    path.strip_prefix(base)
        .ok()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(path)
}

/// A shown path without `./` steps.
fn tidy(path: &Path) -> String {
    let clean: PathBuf = path
        .components()
        .filter(|c| *c != std::path::Component::CurDir)
        .collect();
    if clean.as_os_str().is_empty() {
        path.display().to_string()
    } else {
        clean.display().to_string()
    }
}

/// Renders lint findings in `format`. Only `text` has colour, and only when
/// `color` is true.
pub fn render(format: Format, rows: &[Row], summary: Summary, color: bool) -> String {
    match format {
        Format::Text => text::render(rows, summary, color),
        Format::Json => json::render(rows, summary),
        Format::Sarif => sarif::render(rows),
        Format::Github => github::render(rows, summary),
        Format::Gitlab => gitlab::render(rows),
        Format::Markdown => markdown::render(rows, summary),
        Format::Summary => summary::render(rows, summary),
    }
}

/// Where the project's repository lives (Cargo.toml `repository`, empty
/// until the project is published); rule documentation links point into it.
pub const REPOSITORY: &str = env!("CARGO_PKG_REPOSITORY");

/// The documentation page of a rule: `docs/rules/<name>.md` in the
/// repository, or that relative path while no repository is set.
pub fn rule_url(name: &str) -> String {
    if REPOSITORY.is_empty() {
        format!("docs/rules/{name}.md")
    } else {
        format!("{REPOSITORY}/blob/main/docs/rules/{name}.md")
    }
}

/// A finding's message with its help and note on lines of their own, for
/// formats that have one text field.
pub fn full_message(f: &Finding) -> String {
    let mut out = f.message.clone();
    if let Some(help) = &f.help {
        out.push_str(&format!("\nhelp: {help}"));
    }
    if let Some(note) = &f.note {
        out.push_str(&format!("\nnote: {note}"));
    }
    out
}

/// `3 errors, 1 warning, 0 hints in 12 migrations`.
pub fn summary_line(s: Summary) -> String {
    let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
    format!(
        "{}, {}, {} in {}\n",
        plural(s.errors, "error"),
        plural(s.warnings, "warning"),
        plural(s.hints, "hint"),
        plural(s.migrations, "migration")
    )
}

/// Findings as text, one per line, paths shown relative to `base` when
/// they are inside it.
pub fn text(findings: &[Finding], base: &Path) -> String {
    let mut out = String::new();
    for f in findings {
        // Relative to the migrations folder, but never empty: a finding
        // about the folder itself names the folder.
        let path = shown_path(&f.location.path, base);
        if f.location.line == 0 {
            out.push_str(&format!("{}", path.display()));
        } else {
            out.push_str(&format!(
                "{}:{}:{}",
                path.display(),
                f.location.line,
                f.location.column
            ));
        }
        out.push_str(&format!(": {}[{}]: {}\n", f.severity, f.code, f.message));
        if let Some(h) = &f.help {
            out.push_str(&format!("  help: {h}\n"));
        }
    }
    out
}
