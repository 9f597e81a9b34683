//! ## What it does
//! Flags `ALTER TABLE ... DROP COLUMN` on a table that existed before the
//! migration.
//!
//! ## Why is this bad?
//! The running (blue) application still reads and writes the column: its
//! queries fail with `column does not exist` as soon as the migration
//! commits, and the column's data is gone, so rolling back the deploy cannot
//! bring it back. The statement also takes an ACCESS EXCLUSIVE lock.
//!
//! ## Example
//! ```sql
//! ALTER TABLE users DROP COLUMN nickname;
//! ```
//!
//! ## Use instead
//! Contract in a later release: first deploy code that no longer reads or
//! writes the column (for ORMs, mark it ignored), then drop it in a
//! migration of its own once no running version uses it.
//!
//! ## References
//! - <https://www.postgresql.org/docs/current/sql-altertable.html>
//! - strong_migrations: "Removing a column"

use super::{Check, Rule, StatementInput, Violation, also_affects};
use crate::diagnostic::Severity;
use crate::model::{Action, ObjectRef};

pub static RULE: Rule = Rule {
    name: "dropping-column",
    severity: Severity::Error,
    source: include_str!("dropping_column.rs"),
    check: Check::Statement(check),
};

fn check(input: &StatementInput) -> Vec<Violation> {
    let c = input.classification;
    c.changes
        .iter()
        .filter(|ch| ch.change.action == Action::Drop)
        .filter_map(|ch| match &ch.change.object {
            ObjectRef::Column { table, column }
                if input.classification.on_existing(table)
                    && !input.context.is_new_column(input.replay, table, column) =>
            {
                let reach = also_affects(&ch.impact);
                Some(
                    Violation::new(format!(
                        "dropping column {column} of {table} breaks the running code that still reads or writes it, and its data cannot be restored{reach}"
                    ))
                    .help(format!(
                        "stop using {table}.{column} in the application first; drop the column in a later migration, once no deployed version reads it"
                    )),
                )
            }
            _ => None,
        })
        .collect()
}
