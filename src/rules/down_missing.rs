//! ## What it does
//! Flags a migration that makes a contract change (a drop, a rename, a
//! narrowing) and has no down script, in a layout whose framework runs
//! downs.
//!
//! In `lint`, it replaces the reader's `missing-down` warning, which
//! `turquoise migrations` shows for every migration without a down.
//!
//! ## Why is this bad?
//! Blue-green deploys promise that every phase can be rolled back. A
//! contract change without a down cannot be undone by the framework: a
//! failed deploy then needs hand-written SQL under pressure.
//!
//! ## Example
//! `2024-01-01-000000_drop_nickname/up.sql` with no `down.sql`:
//! ```sql
//! ALTER TABLE users DROP COLUMN nickname;
//! ```
//!
//! ## Use instead
//! Write the down script that restores the schema (the data of a dropped
//! column cannot come back, so contract only what the running code no
//! longer uses):
//! ```sql
//! ALTER TABLE users ADD COLUMN nickname text;
//! ```
//!
//! ## References
//! - turquoise's own check: it needs the whole history replayed.

use super::{Check, MigrationInput, Rule, Violation};
use crate::diagnostic::Severity;

pub static RULE: Rule = Rule {
    name: "down-missing",
    severity: Severity::Warning,
    source: include_str!("down_missing.rs"),
    check: Check::Migration(check),
};

fn check(input: &MigrationInput) -> Vec<Violation> {
    if !input.layout_has_downs || input.migration.has_down() {
        return Vec::new();
    }
    let contracts: Vec<String> = input
        .statements
        .iter()
        .flat_map(|s| &s.classification.changes)
        .filter(|c| c.compatibility.breaks_old_code())
        .map(|c| format!("{} {}", verb(c.change.action), c.change.object))
        .collect();
    let Some(first) = input
        .statements
        .iter()
        .find(|s| s.classification.compatibility.breaks_old_code())
    else {
        return Vec::new();
    };
    let shown: Vec<&str> = contracts.iter().take(3).map(String::as_str).collect();
    let more = contracts.len().saturating_sub(3);
    let tail = if more > 0 {
        format!(" and {more} more")
    } else {
        String::new()
    };
    vec![
        Violation::new(format!(
            "migration {} makes contract changes ({}{tail}) and has no down script, so it cannot be rolled back",
            input.migration.version,
            shown.join(", ")
        ))
        .help("add a down script that restores the schema before this migration")
        .at(first.location.clone()),
    ]
}

fn verb(a: crate::model::Action) -> &'static str {
    use crate::model::Action::*;
    match a {
        Create => "creates",
        Alter => "alters",
        Drop => "drops",
        Rename => "renames",
        Comment => "comments on",
    }
}
