//! `--format json`: the stable machine-readable form, documented in
//! `docs/output.md`. Fields are only ever added, never renamed or removed.

use super::Row;
use serde::Serialize;

/// The JSON format's version; bumped only on a breaking change.
pub const VERSION: u32 = 1;

#[derive(Serialize)]
struct Out<'a> {
    version: u32,
    summary: super::Summary,
    findings: Vec<Item<'a>>,
}

#[derive(Serialize)]
struct Item<'a> {
    rule: &'a str,
    severity: crate::diagnostic::Severity,
    message: &'a str,
    help: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<&'a str>,
    file: String,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    migration: Option<&'a str>,
    statement: Option<usize>,
    compatibility: Option<crate::classify::Compatibility>,
    lock: Option<crate::classify::LockMode>,
    table: Option<&'a str>,
    rewrite: Option<crate::classify::Rewrite>,
    impact: Vec<&'a str>,
}

pub fn render(rows: &[Row], summary: super::Summary) -> String {
    let findings = rows
        .iter()
        .map(|r| {
            let f = r.finding;
            let d = f.detail.as_deref();
            Item {
                rule: f.code,
                severity: f.severity,
                message: &f.message,
                help: f.help.as_deref(),
                note: f.note.as_deref(),
                file: r.file.clone(),
                line: f.location.line,
                column: f.location.column,
                end_line: r.end_line,
                end_column: r.end_column,
                migration: d.map(|d| d.version.as_str()),
                statement: d.and_then(|d| d.statement),
                compatibility: d.and_then(|d| d.compatibility),
                lock: d.and_then(|d| d.lock),
                table: d.and_then(|d| d.table.as_deref()),
                rewrite: d.and_then(|d| d.rewrite),
                impact: d.map_or_else(Vec::new, |d| d.impact.iter().map(String::as_str).collect()),
            }
        })
        .collect();
    let out = Out {
        version: VERSION,
        summary,
        findings,
    };
    serde_json::to_string_pretty(&out).unwrap_or_default() + "\n"
}
