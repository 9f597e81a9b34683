//! Printing a plan: Markdown for reviewers, SQL, JSON. The statements of a
//! phase are written out the same way everywhere ([`script`]): grouped
//! into transactions that set `lock_timeout`, with what runs outside a
//! transaction on its own. Nothing here decides anything.

mod markdown;
mod sql;

pub use markdown::markdown;
pub use sql::sql;

use super::model::{Plan, Step, groups};
use std::fmt::Write as _;

/// The plan as JSON (the [`Plan`] value; fields are only ever added).
pub fn json(plan: &Plan) -> String {
    serde_json::to_string_pretty(plan).unwrap_or_default() + "\n"
}

/// How a script marks its transactions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wrapping {
    /// `BEGIN; ... COMMIT;` around each transaction (psql, a runner that
    /// wraps nothing).
    Explicit,
    /// The framework wraps the script in one transaction: no `BEGIN`, and
    /// `SET LOCAL` lasts until its end.
    Framework,
}

/// The statements as a script: each transaction sets `lock_timeout`;
/// statements that must run outside a transaction stand alone.
pub fn script(steps: &[Step], lock_timeout: &str, wrapping: Wrapping) -> String {
    let mut out = String::new();
    let timeout = crate::model::render::literal(lock_timeout);
    for (i, g) in groups(steps).iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        if g.transaction {
            if wrapping == Wrapping::Explicit {
                out.push_str("BEGIN;\n");
            }
            let _ = writeln!(out, "SET LOCAL lock_timeout = {timeout};");
        }
        for (j, s) in g.steps.iter().enumerate() {
            if g.transaction || j > 0 {
                out.push('\n');
            }
            let _ = writeln!(out, "-- {}\n{};", s.comment, s.sql);
        }
        if g.transaction && wrapping == Wrapping::Explicit {
            out.push_str("\nCOMMIT;\n");
        }
    }
    out
}

/// `v1 name` of each planned migration, joined.
pub(crate) fn title(plan: &Plan) -> String {
    plan.migrations
        .iter()
        .map(|m| format!("{} {}", m.version, m.name))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `blue, turquoise`.
pub(crate) fn apps(list: &[super::model::App]) -> String {
    list.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(" + ")
}
