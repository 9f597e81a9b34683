//! ## What it does
//! Flags `DROP VIEW` and `DROP MATERIALIZED VIEW` of a view that existed
//! before the migration and does not exist after it. A view dropped and
//! created again in the same migration (to change its query) is not
//! flagged.
//!
//! ## Why is this bad?
//! The running (blue) application may still query the view: those queries
//! fail with `relation does not exist` as soon as the migration commits.
//!
//! ## Example
//! ```sql
//! DROP VIEW active_users;
//! ```
//!
//! ## Use instead
//! Deploy code that no longer uses the view first, then drop it in a later
//! migration. To change a view, replace it in the same migration
//! (`CREATE OR REPLACE VIEW`, or drop and create it in one transaction).
//!
//! ## References
//! - <https://www.postgresql.org/docs/current/sql-dropview.html>

use super::{Check, MigrationInput, Rule, Violation};
use crate::diagnostic::Severity;
use crate::model::catalog::RelKind;
use crate::model::{Action, ObjectRef, State};
use crate::sql::ir::Stmt;

pub static RULE: Rule = Rule {
    name: "dropping-view",
    severity: Severity::Warning,
    source: include_str!("dropping_view.rs"),
    check: Check::Migration(check),
};

fn check(input: &MigrationInput) -> Vec<Violation> {
    let mut out = Vec::new();
    for r in input.statements {
        let Stmt::DropView { .. } = r.stmt else {
            continue;
        };
        for ch in &r.classification.changes {
            let (Action::Drop, ObjectRef::View { name }, Some(State::View(v))) =
                (ch.change.action, &ch.change.object, &ch.change.before)
            else {
                continue;
            };
            let existed = input
                .before
                .relation(name)
                .is_some_and(|(k, _)| matches!(k, RelKind::View | RelKind::MaterializedView));
            if !existed || input.after.relation(name).is_some() {
                continue;
            }
            let kind = if v.materialized {
                "materialized view"
            } else {
                "view"
            };
            out.push(
                Violation::new(format!(
                    "dropping {kind} {name} breaks the running code that still queries it"
                ))
                .help(format!(
                    "deploy code that no longer uses {name} first, then drop it in a later migration"
                ))
                .at(r.location.clone()),
            );
        }
    }
    out
}
