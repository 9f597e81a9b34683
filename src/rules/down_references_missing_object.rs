//! ## What it does
//! Replays the down script right after its up and flags every statement of
//! the down that names an object which does not exist at that point, or
//! creates one that already does.
//!
//! ## Why is this bad?
//! The down is the rollback path, and it is rarely run before it is needed.
//! A down that drops a misspelled index or recreates a column that the up
//! never removed fails halfway, in the middle of an incident, and leaves the
//! schema between two versions.
//!
//! ## Example
//! Up: `CREATE INDEX users_email_idx ON users (email);`, down:
//! ```sql
//! DROP INDEX user_email_idx;
//! ```
//!
//! ## Use instead
//! ```sql
//! DROP INDEX users_email_idx;
//! ```
//!
//! ## References
//! - turquoise's own check: it needs the whole history replayed.
//! - `turquoise verify` runs downs on a real server.

use super::{Check, MigrationInput, Rule, Violation};
use crate::diagnostic::Severity;

pub static RULE: Rule = Rule {
    name: "down-references-missing-object",
    severity: Severity::Error,
    source: include_str!("down_references_missing_object.rs"),
    check: Check::Migration(check),
};

fn check(input: &MigrationInput) -> Vec<Violation> {
    let Some(down) = input.down else {
        return Vec::new();
    };
    down.problems
        .iter()
        .map(|p| {
            Violation::new(format!(
                "the down script fails after its up: {}",
                p.message
            ))
            .help("make the down undo exactly what the up did, object by object, in reverse order")
            .at(p.location.clone())
        })
        .collect()
}
