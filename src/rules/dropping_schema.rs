//! ## What it does
//! Flags `DROP SCHEMA` of a schema that existed before the migration.
//!
//! ## Why is this bad?
//! Everything in the schema goes with it (with CASCADE): tables and their
//! rows, views, functions, types, sequences. The running (blue) application
//! fails on whatever it still uses there, and no rollback of the deploy
//! brings the data back. Each relation dropped is locked ACCESS EXCLUSIVE
//! until the transaction ends.
//!
//! ## Example
//! ```sql
//! DROP SCHEMA reporting CASCADE;
//! ```
//!
//! ## Use instead
//! Move what is still used out of the schema, deploy code that no longer
//! uses anything in it, then drop it in a later migration (without
//! CASCADE, so the drop fails if something is left).
//!
//! ## References
//! - <https://www.postgresql.org/docs/current/sql-dropschema.html>

use super::{Check, MigrationInput, Rule, Violation, listing};
use crate::diagnostic::Severity;
use crate::model::{Action, ObjectRef};
use crate::sql::ir::Stmt;

pub static RULE: Rule = Rule {
    name: "dropping-schema",
    severity: Severity::Error,
    source: include_str!("dropping_schema.rs"),
    check: Check::Migration(check),
};

fn check(input: &MigrationInput) -> Vec<Violation> {
    let mut out = Vec::new();
    for r in input.statements {
        let Stmt::DropSchema { .. } = r.stmt else {
            continue;
        };
        let changes = &r.classification.changes;
        for ch in changes {
            let (Action::Drop, ObjectRef::Schema { name }) = (ch.change.action, &ch.change.object)
            else {
                continue;
            };
            if !input.before.schemas.contains_key(name) {
                continue;
            }
            // What went with it: the objects in the schema and their
            // dependents elsewhere.
            let contents: Vec<String> = changes
                .iter()
                .filter(|o| {
                    o.change.action == Action::Drop
                        && !matches!(o.change.object, ObjectRef::Schema { .. })
                })
                .map(|o| o.change.object.to_string())
                .collect();
            let reach = if contents.is_empty() {
                String::new()
            } else {
                format!(" ({})", listing(&contents))
            };
            out.push(
                Violation::new(format!(
                    "dropping schema {name} removes everything in it{reach} for good; running code that still uses anything there breaks"
                ))
                .help(format!(
                    "move what is still used out of {name} and deploy code that no longer uses it first; drop the schema in a later migration, without CASCADE"
                ))
                .at(r.location.clone()),
            );
        }
    }
    out
}
