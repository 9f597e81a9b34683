//! ## What it does
//! Flags `ALTER TABLE ... RENAME COLUMN` of a column that existed before the
//! migration.
//!
//! ## Why is this bad?
//! The running (blue) application still reads and writes the column by its
//! old name: its queries fail with `column does not exist` as soon as the
//! migration commits, and the new (green) code cannot run before it. There
//! is no moment at which both versions work. Views follow the column, but
//! function and trigger bodies that spell the old name break too.
//!
//! ## Example
//! ```sql
//! ALTER TABLE users RENAME COLUMN name TO full_name;
//! ```
//!
//! ## Use instead
//! Expand, then contract: add the new column, keep both in step with a
//! trigger, backfill the new one in batches, deploy code that reads the new
//! column, and drop the old one in a later migration.
//!
//! ```sql
//! ALTER TABLE users ADD COLUMN full_name text;
//! -- a trigger copies name to full_name (and back) on every write;
//! -- backfill full_name in batches, switch reads, drop name later
//! ```
//!
//! ## References
//! - <https://www.postgresql.org/docs/current/sql-altertable.html>
//! - squawk: `renaming-column`; strong_migrations: "Renaming a column"

use super::{Check, Rule, StatementInput, Violation, still_named_by, type_text};
use crate::diagnostic::Severity;
use crate::model::{Action, ObjectRef, State};

pub static RULE: Rule = Rule {
    name: "renaming-column",
    severity: Severity::Error,
    source: include_str!("renaming_column.rs"),
    check: Check::Statement(check),
};

fn check(input: &StatementInput) -> Vec<Violation> {
    let c = input.classification;
    c.changes
        .iter()
        .filter(|ch| ch.change.action == Action::Rename)
        .filter_map(|ch| match (&ch.change.object, &ch.change.after) {
            (ObjectRef::Column { table, column }, Some(State::Column(after)))
                if c.on_existing(table)
                    && !input.context.is_new_column(input.replay, table, column) =>
            {
                let new = &after.name;
                // Views hold the column by number and keep working; bodies
                // that spell the old name do not.
                let reach = still_named_by(&ch.impact);
                let ty = type_text(&after.data_type);
                Some(
                    Violation::new(format!(
                        "renaming column {column} of {table} to {new} breaks the running code that still reads or writes {column}{reach}"
                    ))
                    .help(format!(
                        "add the new column instead (`ALTER TABLE {table} ADD COLUMN {new} {ty};`), keep both in step with a trigger, backfill {new} in batches, deploy code that reads {new}, then drop {column} in a later migration"
                    )),
                )
            }
            _ => None,
        })
        .collect()
}
