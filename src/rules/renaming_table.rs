//! ## What it does
//! Flags `ALTER TABLE ... RENAME TO` and `ALTER TABLE ... SET SCHEMA` of a
//! table that existed before the migration, unless the migration leaves
//! something (a view) answering to the old name.
//!
//! ## Why is this bad?
//! The running (blue) application queries the table by its old name: every
//! query fails with `relation does not exist` as soon as the migration
//! commits, and the new (green) code cannot run before it. Views follow the
//! table, but function and trigger bodies that spell the old name break
//! too.
//!
//! ## Example
//! ```sql
//! ALTER TABLE customers RENAME TO clients;
//! ```
//!
//! ## Use instead
//! Keep the old name working through a view for one release: a view over a
//! single table is updatable, so old code can keep reading and writing.
//! Deploy code that uses the new name, then drop the view in a later
//! migration.
//!
//! ```sql
//! ALTER TABLE customers RENAME TO clients;
//! CREATE VIEW customers AS SELECT * FROM clients;
//! ```
//!
//! ## References
//! - <https://www.postgresql.org/docs/current/sql-altertable.html>
//! - <https://www.postgresql.org/docs/current/sql-createview.html#SQL-CREATEVIEW-UPDATABLE-VIEWS>
//! - squawk: `renaming-table`; strong_migrations: "Renaming a table"

use super::{Check, MigrationInput, Rule, Violation, still_named_by};
use crate::diagnostic::Severity;
use crate::model::{Action, ObjectRef, State};

pub static RULE: Rule = Rule {
    name: "renaming-table",
    severity: Severity::Error,
    source: include_str!("renaming_table.rs"),
    check: Check::Migration(check),
};

fn check(input: &MigrationInput) -> Vec<Violation> {
    let mut out = Vec::new();
    for r in input.statements {
        let c = &r.classification;
        for ch in &c.changes {
            // RENAME TO records a rename, SET SCHEMA an alteration; both
            // leave the table under another name.
            let (old, new) = match (ch.change.action, &ch.change.object, &ch.change.after) {
                (
                    Action::Rename | Action::Alter,
                    ObjectRef::Table { name },
                    Some(State::Table(t)),
                ) if t.name != *name => (name, &t.name),
                _ => continue,
            };
            if !c.on_existing(old) || input.after.relation(old).is_some() {
                continue;
            }
            let reach = still_named_by(&ch.impact);
            out.push(
                Violation::new(format!(
                    "renaming table {old} to {new} breaks the running code that still queries {old}{reach}"
                ))
                .help(format!(
                    "keep the old name working for a release: add `CREATE VIEW {old} AS SELECT * FROM {new};` after the rename (a simple view is updatable), deploy code that uses {new}, then drop the view in a later migration"
                ))
                .at(r.location.clone()),
            );
        }
    }
    out
}
