//! The plan replayed on the model, before anyone runs it: every statement
//! must apply, the phases must reach the schema the original migration
//! makes, and each rollback must give back the schema before its phase.
//! The same replay classifies each statement, which gives the locks,
//! rewrites and scans the plan lists as its hazards. `verify` proves the
//! same on a real server.

use super::model::{Run, Step};
use crate::classify::{Classifier, LockMode};
use crate::diagnostic::{Location, Severity};
use crate::model::diff::{self, DiffKind, Difference};
use crate::model::{Catalog, Replay};
use crate::sql::StatementKind;

/// Applies `steps` to `replay`; returns what the model rejected and the
/// hazards of each statement.
pub(crate) fn apply(
    replay: &mut Replay,
    steps: &[Step],
    pg_version: u32,
    lock_timeout: &str,
    what: &str,
) -> (Vec<String>, Vec<String>) {
    let mut problems = Vec::new();
    let mut hazards = Vec::new();
    let mut classifier = Classifier::new(pg_version, true);
    for (i, step) in steps.iter().enumerate() {
        let script = crate::source::Script::whole(
            format!("<{what}>").into(),
            std::sync::Arc::from(step.sql.as_str()),
        );
        let parsed = crate::sql::parse_script(&script);
        for st in &parsed.statements {
            match &st.kind {
                StatementKind::Parsed(stmt) => {
                    classifier.context.in_transaction = step.run != Run::NoTransaction;
                    let before = classifier.before(stmt, replay);
                    let effect = replay.apply(stmt, &Location::file(format!("<{what}>")));
                    for f in effect
                        .findings
                        .iter()
                        .filter(|f| f.severity >= Severity::Warning)
                    {
                        problems.push(format!("{what}, statement {}: {}", i + 1, f.message));
                    }
                    let c = classifier.classify(stmt, before, &effect.changes, replay);
                    if let Some(h) = describe_hazards(&step.sql, &c.hazards, lock_timeout) {
                        hazards.push(h);
                    }
                    classifier.advance(i, stmt, &c.hazards, &effect.changes, replay);
                }
                StatementKind::Opaque { message } => problems.push(format!(
                    "{what}, statement {}: turquoise's parser does not understand it ({message})",
                    i + 1
                )),
                StatementKind::Meta { .. } => {}
            }
        }
        if step.run != Run::Transaction {
            replay.end_transaction();
        }
    }
    replay.end_transaction();
    (problems, hazards)
}

/// One line for a statement's hazards, or none when it takes no lock that
/// traffic waits behind and reads nothing whole.
fn describe_hazards(sql: &str, h: &crate::classify::Hazards, lock_timeout: &str) -> Option<String> {
    let first = sql.lines().next().unwrap_or("").trim();
    let head: String = if first.chars().count() > 90 {
        first.chars().take(87).collect::<String>() + "..."
    } else {
        first.to_owned()
    };
    let lock = h.strongest()?;
    let heavy = lock.mode >= LockMode::ShareRowExclusive;
    if !heavy && h.rewrite.is_none() && !h.scan {
        return None;
    }
    let mut s = format!(
        "`{head}`: {} on {} (blocks {})",
        lock.mode,
        lock.table,
        lock.mode.blocks()
    );
    match (h.rewrite, h.scan) {
        (Some(crate::classify::Rewrite::Index), _) => {
            s.push_str(", reads the whole table to build the index")
        }
        (Some(r), _) => s.push_str(&format!(", rewrites the {r}")),
        (None, true) => s.push_str(", reads the whole table"),
        (None, false) if lock.mode == LockMode::AccessExclusive => s.push_str(&format!(
            ", for a moment: nothing is read or written (lock_timeout {lock_timeout})"
        )),
        _ => {}
    }
    Some(s)
}

/// What differs between two schemas, as lines; the order of a table's
/// columns (which no migration can restore) and the objects in `ignore`
/// left out.
pub(crate) fn differences(expected: &Catalog, actual: &Catalog, ignore: &[String]) -> Vec<String> {
    diff::compare(expected, actual)
        .into_iter()
        .filter(|d| !ignore.contains(&d.object))
        .filter(|d| !column_order_only(d) && !spelling_only(d))
        .map(|d| d.to_string())
        .collect()
}

/// Two descriptions that differ only in how SQL text is spelled: keyword
/// case and redundant parentheses, which the model keeps as written and
/// PostgreSQL does not (`verify` compares what the server spells).
fn spelling_only(d: &Difference) -> bool {
    let plain = |s: &Option<String>| {
        s.as_deref()
            .unwrap_or("")
            .to_lowercase()
            .replace("create or replace ", "create ")
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '(' && *c != ')')
            .collect::<String>()
    };
    d.kind == DiffKind::Changed && plain(&d.expected) == plain(&d.actual)
}

/// A table described the same but for the order of its columns.
pub(crate) fn column_order_only(d: &Difference) -> bool {
    if d.kind != DiffKind::Changed || !d.object.starts_with("table ") {
        return false;
    }
    let sorted = |s: &Option<String>| {
        let s = s.as_deref().unwrap_or("");
        let Some(at) = s.find(", columns (") else {
            return s.to_owned();
        };
        let rest = &s[at + ", columns (".len()..];
        let Some(end) = rest.find(')') else {
            return s.to_owned();
        };
        let mut cols: Vec<&str> = rest[..end].split(", ").collect();
        cols.sort_unstable();
        format!(
            "{}, columns ({}){}",
            &s[..at],
            cols.join(", "),
            &rest[end + 1..]
        )
    };
    sorted(&d.expected) == sorted(&d.actual)
}
