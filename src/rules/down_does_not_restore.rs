//! ## What it does
//! Replays the up script, then the down, and compares the schema with the
//! one before the up. Flags every object the round trip does not give back
//! as it was.
//!
//! ## Why is this bad?
//! A rollback that leaves a column, index or constraint behind (or loses
//! one) leaves the database in a state no version of the code was written
//! for; the next deploy's migrations then run on a schema they never saw.
//!
//! ## Example
//! Up:
//! ```sql
//! ALTER TABLE users ADD COLUMN nickname text;
//! CREATE INDEX users_nickname_idx ON users (nickname);
//! ```
//! Down:
//! ```sql
//! DROP INDEX users_nickname_idx;
//! ```
//!
//! ## Use instead
//! ```sql
//! DROP INDEX users_nickname_idx;
//! ALTER TABLE users DROP COLUMN nickname;
//! ```
//!
//! ## References
//! - turquoise's own check: it needs the whole history replayed.
//! - `turquoise verify` checks the same on a real server.

use super::{Check, MigrationInput, Rule, Violation};
use crate::diagnostic::{Location, Severity};

pub static RULE: Rule = Rule {
    name: "down-does-not-restore",
    severity: Severity::Warning,
    source: include_str!("down_does_not_restore.rs"),
    check: Check::Migration(check),
};

fn check(input: &MigrationInput) -> Vec<Violation> {
    let Some(down) = input.down else {
        return Vec::new();
    };
    // A down that fails is reported by down-references-missing-object;
    // its residue would only repeat it.
    if down.residue.is_empty() || !down.problems.is_empty() {
        return Vec::new();
    }
    let path = input
        .migration
        .down_path()
        .unwrap_or(input.migration.up_path())
        .to_path_buf();
    let shown: Vec<String> = down
        .residue
        .iter()
        .take(5)
        .map(ToString::to_string)
        .collect();
    let more = down.residue.len().saturating_sub(5);
    let tail = if more > 0 {
        format!("; and {more} more")
    } else {
        String::new()
    };
    vec![
        Violation::new(format!(
            "up then down does not give back the schema before migration {}: {}{tail}",
            input.migration.version,
            shown.join("; ")
        ))
        .help("make the down undo every change of the up; `turquoise verify` checks it on a real server")
        .at(Location::file(path)),
    ]
}
