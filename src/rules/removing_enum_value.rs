//! ## What it does
//! Flags a migration after which an enum type lacks a value it had before:
//! the type was dropped and created again, or renamed away and replaced,
//! with fewer labels. (A label renamed in place is `renaming-enum-value`.)
//!
//! ## Why is this bad?
//! PostgreSQL cannot drop a value from an enum, so removing one means
//! replacing the type. The running (blue) application still writes the
//! removed label: those writes fail with `invalid input value for enum` as
//! soon as the migration commits, and rows that held it had to be changed.
//!
//! ## Example
//! ```sql
//! ALTER TYPE mood RENAME TO mood_old;
//! CREATE TYPE mood AS ENUM ('happy', 'ok');  -- 'sad' is gone
//! ALTER TABLE people ALTER COLUMN mood TYPE mood USING mood::text::mood;
//! DROP TYPE mood_old;
//! ```
//!
//! ## Use instead
//! Contract in a later release: deploy code that no longer writes the
//! value, move the rows that hold it to another value, and only then
//! replace the type.
//!
//! ## References
//! - <https://www.postgresql.org/docs/current/datatype-enum.html>
//! - <https://www.postgresql.org/docs/current/sql-altertype.html>

use super::{Check, MigrationInput, Rule, Violation, listing};
use crate::diagnostic::Severity;
use crate::model::catalog::TypeKind;
use crate::model::{Action, ObjectRef};
use crate::sql::ir::{AlterTypeAction, Stmt};

pub static RULE: Rule = Rule {
    name: "removing-enum-value",
    severity: Severity::Error,
    source: include_str!("removing_enum_value.rs"),
    check: Check::Migration(check),
};

fn check(input: &MigrationInput) -> Vec<Violation> {
    let mut out = Vec::new();
    for (name, before) in input.before.types.iter() {
        let TypeKind::Enum { values: had } = &before.kind else {
            continue;
        };
        let Some(TypeKind::Enum { values: has }) = input.after.types.get(name).map(|t| &t.kind)
        else {
            continue;
        };
        // Labels renamed in place are renaming-enum-value's findings.
        let renamed: Vec<&String> = input
            .statements
            .iter()
            .filter_map(|r| match &r.stmt {
                Stmt::AlterType(at) => match &at.action {
                    AlterTypeAction::RenameValue { value, .. }
                        if r.classification.changes.iter().any(
                            |ch| matches!(&ch.change.object, ObjectRef::Type { name: n } if n == name),
                        ) =>
                    {
                        Some(value)
                    }
                    _ => None,
                },
                _ => None,
            })
            .collect();
        let gone: Vec<String> = had
            .iter()
            .filter(|v| !has.contains(v) && !renamed.contains(v))
            .map(|v| format!("'{v}'"))
            .collect();
        if gone.is_empty() {
            continue;
        }
        // Point at the statement that took the old type away.
        let at = input.statements.iter().find(|r| {
            r.classification.changes.iter().any(|ch| {
                matches!(
                    ch.change.action,
                    Action::Drop | Action::Rename | Action::Alter
                ) && matches!(&ch.change.object, ObjectRef::Type { name: n } if n == name)
            })
        });
        let (values, them) = if gone.len() == 1 {
            ("value", "it")
        } else {
            ("values", "them")
        };
        let mut v = Violation::new(format!(
            "enum {name} no longer has {values} {} after this migration; running code that still writes {them} fails with invalid input value for enum",
            listing(&gone)
        ))
        .help(format!(
            "keep {} in {name} until no deployed code writes {them}: deploy that code first, move the rows off {them}, then replace the type in a later migration",
            listing(&gone)
        ));
        if let Some(r) = at {
            v = v.at(r.location.clone());
        }
        out.push(v);
    }
    out
}
