//! ## What it does
//! Flags `ADD COLUMN ... NOT NULL` without a default on a table that
//! existed before the migration.
//!
//! ## Why is this bad?
//! On a table with rows, PostgreSQL refuses the statement (the existing rows
//! would hold NULL). On an empty table it succeeds, and then every INSERT of
//! the running (blue) application, which does not know the column, fails
//! with a not-null violation.
//!
//! ## Example
//! ```sql
//! ALTER TABLE users ADD COLUMN tenant_id bigint NOT NULL;
//! ```
//!
//! ## Use instead
//! Add the column as nullable (or with a constant default), backfill it,
//! deploy code that always writes it, then add the NOT NULL constraint
//! through a `CHECK (...) NOT VALID` constraint that is validated separately.
//!
//! ```sql
//! ALTER TABLE users ADD COLUMN tenant_id bigint;
//! ```
//!
//! ## References
//! - <https://www.postgresql.org/docs/current/sql-altertable.html>
//! - squawk: `adding-required-field`; Atlas: `MF103`

use super::{Check, Rule, StatementInput, Violation};
use crate::diagnostic::Severity;
use crate::model::{Action, ObjectRef, State};

pub static RULE: Rule = Rule {
    name: "adding-required-column",
    severity: Severity::Error,
    source: include_str!("adding_required_column.rs"),
    check: Check::Statement(check),
};

fn check(input: &StatementInput) -> Vec<Violation> {
    let c = input.classification;
    c.changes
        .iter()
        .filter(|ch| ch.change.action == Action::Create)
        .filter_map(|ch| match (&ch.change.object, &ch.change.after) {
            (ObjectRef::Column { table, column }, Some(State::Column(col)))
                if col.not_null
                    && col.default.is_none()
                    && col.identity.is_none()
                    && col.generated.is_none()
                    && c.on_existing(table) =>
            {
                let ty = col.data_type.to_sql();
                Some(
                    Violation::new(format!(
                        "adding NOT NULL column {column} without a default to {table} fails if the table has rows, and otherwise breaks every INSERT of the running code, which does not set {column}"
                    ))
                    .help(format!(
                        "add it as nullable (`ALTER TABLE {table} ADD COLUMN {column} {ty};`), backfill it, then enforce NOT NULL in a later migration"
                    )),
                )
            }
            _ => None,
        })
        .collect()
}
