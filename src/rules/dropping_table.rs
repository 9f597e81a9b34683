//! ## What it does
//! Flags `DROP TABLE` of a table that existed before the migration.
//!
//! ## Why is this bad?
//! The running (blue) application still queries the table and fails as soon
//! as the migration commits. Its rows are gone: a rollback of the deploy
//! cannot restore them. The drop waits for an ACCESS EXCLUSIVE lock, behind
//! every open transaction on the table, and blocks all queries meanwhile.
//!
//! ## Example
//! ```sql
//! DROP TABLE legacy_sessions;
//! ```
//!
//! ## Use instead
//! Remove every use of the table from the application and deploy that
//! first; drop the table in a later migration. Keep a backup (or rename the
//! table aside for a release) if its data may be needed.
//!
//! ## References
//! - <https://www.postgresql.org/docs/current/sql-droptable.html>
//! - squawk: `ban-drop-table`; Atlas: `DS102`

use super::{Check, Rule, StatementInput, Violation, also_affects};
use crate::diagnostic::Severity;
use crate::model::{Action, ObjectRef};

pub static RULE: Rule = Rule {
    name: "dropping-table",
    severity: Severity::Error,
    source: include_str!("dropping_table.rs"),
    check: Check::Statement(check),
};

fn check(input: &StatementInput) -> Vec<Violation> {
    let c = input.classification;
    c.changes
        .iter()
        .filter(|ch| ch.change.action == Action::Drop)
        .filter_map(|ch| match &ch.change.object {
            ObjectRef::Table { name } if c.on_existing(name) => {
                let reach = also_affects(&ch.impact);
                Some(
                    Violation::new(format!(
                        "dropping table {name} breaks the running code that still queries it and deletes its rows for good{reach}"
                    ))
                    .help(format!(
                        "deploy code that no longer uses {name} first, then drop it in a later migration"
                    )),
                )
            }
            _ => None,
        })
        .collect()
}
