//! ## What it does
//! Flags `ALTER TYPE ... RENAME VALUE` of a value that an enum type had
//! before the migration.
//!
//! ## Why is this bad?
//! The running (blue) application still writes and compares the old label.
//! As soon as the migration commits, its writes fail with `invalid input
//! value for enum` and its comparisons with the old label match nothing.
//!
//! ## Example
//! ```sql
//! ALTER TYPE order_status RENAME VALUE 'canceled' TO 'cancelled';
//! ```
//!
//! ## Use instead
//! Add the new label, deploy code that writes it (and reads both), move the
//! rows over in batches, and stop using the old label; an enum value cannot
//! be dropped, so leave it unused or replace the type in a later migration.
//!
//! ```sql
//! ALTER TYPE order_status ADD VALUE 'cancelled';
//! ```
//!
//! ## References
//! - <https://www.postgresql.org/docs/current/sql-altertype.html>

use super::{Check, MigrationInput, Rule, Violation};
use crate::diagnostic::Severity;
use crate::model::catalog::TypeKind;
use crate::model::{Action, ObjectRef};
use crate::sql::ir::{AlterTypeAction, Stmt};

pub static RULE: Rule = Rule {
    name: "renaming-enum-value",
    severity: Severity::Error,
    source: include_str!("renaming_enum_value.rs"),
    check: Check::Migration(check),
};

fn check(input: &MigrationInput) -> Vec<Violation> {
    let mut out = Vec::new();
    for r in input.statements {
        let Stmt::AlterType(at) = &r.stmt else {
            continue;
        };
        let AlterTypeAction::RenameValue { value, new_value } = &at.action else {
            continue;
        };
        for ch in &r.classification.changes {
            let (Action::Alter, ObjectRef::Type { name }) = (ch.change.action, &ch.change.object)
            else {
                continue;
            };
            let existed = input.before.types.get(name).is_some_and(
                |t| matches!(&t.kind, TypeKind::Enum { values } if values.contains(value)),
            );
            if !existed {
                continue;
            }
            out.push(
                Violation::new(format!(
                    "renaming value '{value}' of enum {name} to '{new_value}' breaks the running code that still writes or compares '{value}'"
                ))
                .help(format!(
                    "add the new label instead (`ALTER TYPE {name} ADD VALUE '{new_value}';`), deploy code that writes '{new_value}' and reads both, move the rows over in batches, and stop using '{value}'"
                ))
                .at(r.location.clone()),
            );
        }
    }
    out
}
