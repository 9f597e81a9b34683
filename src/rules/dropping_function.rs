//! ## What it does
//! Flags `DROP FUNCTION` of a function that existed before the migration
//! and does not exist after it. Procedures and aggregates count too; a
//! function dropped and created again with the same argument types in the
//! same migration (to change its return type) does not.
//!
//! ## Why is this bad?
//! The running (blue) application may still call the function, directly or
//! through a default, trigger or view of its own: those calls fail with
//! `function does not exist` as soon as the migration commits.
//!
//! ## Example
//! ```sql
//! DROP FUNCTION full_name(text, text);
//! ```
//!
//! ## Use instead
//! Deploy code that no longer calls the function first, then drop it in a
//! later migration. To change it, replace it in the same migration
//! (`CREATE OR REPLACE FUNCTION`, or drop and create it in one
//! transaction).
//!
//! ## References
//! - <https://www.postgresql.org/docs/current/sql-dropfunction.html>

use super::{Check, MigrationInput, Rule, Violation};
use crate::diagnostic::Severity;
use crate::model::{Action, ObjectRef};
use crate::sql::ir::Stmt;

pub static RULE: Rule = Rule {
    name: "dropping-function",
    severity: Severity::Warning,
    source: include_str!("dropping_function.rs"),
    check: Check::Migration(check),
};

fn check(input: &MigrationInput) -> Vec<Violation> {
    let mut out = Vec::new();
    for r in input.statements {
        let Stmt::DropFunction { .. } = r.stmt else {
            continue;
        };
        for ch in &r.classification.changes {
            let (Action::Drop, ObjectRef::Function { key }) = (ch.change.action, &ch.change.object)
            else {
                continue;
            };
            if !input.before.functions.contains_key(key) || input.after.functions.contains_key(key)
            {
                continue;
            }
            out.push(
                Violation::new(format!(
                    "dropping function {key} breaks the running code that still calls it"
                ))
                .help(format!(
                    "deploy code that no longer calls {key} first, then drop it in a later migration"
                ))
                .at(r.location.clone()),
            );
        }
    }
    out
}
