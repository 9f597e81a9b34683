//! `--format summary`: how many findings of each severity and of each rule,
//! one line each, then the summary line. For a quick look at a large
//! history, or a CI log that should stay short.

use super::{Row, Summary};
use crate::diagnostic::Severity;
use std::collections::BTreeMap;

pub fn render(rows: &[Row], summary: Summary) -> String {
    let mut by_rule: BTreeMap<&str, (usize, Severity)> = BTreeMap::new();
    for row in rows {
        let f = row.finding;
        let entry = by_rule.entry(f.code).or_insert((0, f.severity));
        entry.0 += 1;
        entry.1 = entry.1.max(f.severity);
    }
    // Most frequent first; ties by name (the map is sorted by name and the
    // sort is stable).
    let mut rules: Vec<(&str, usize, Severity)> =
        by_rule.into_iter().map(|(c, (n, s))| (c, n, s)).collect();
    rules.sort_by_key(|r| std::cmp::Reverse(r.1));
    let width = [summary.errors, summary.warnings, summary.hints]
        .into_iter()
        .chain(rules.iter().map(|r| r.1))
        .max()
        .unwrap_or(0)
        .to_string()
        .len();
    let mut out = String::new();
    for (n, s) in [
        (summary.errors, Severity::Error),
        (summary.warnings, Severity::Warning),
        (summary.hints, Severity::Hint),
    ] {
        let plural = if n == 1 { "" } else { "s" };
        out.push_str(&format!("{n:>width$} {s}{plural}\n"));
    }
    for (code, n, s) in rules {
        out.push_str(&format!("{n:>width$} {code} ({s})\n"));
    }
    out.push_str(&super::summary_line(summary));
    out
}
