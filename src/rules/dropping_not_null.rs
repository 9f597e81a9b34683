//! ## What it does
//! Flags `ALTER TABLE ... ALTER COLUMN ... DROP NOT NULL` on a column that
//! existed before the migration.
//!
//! ## Why is this bad?
//! The statement itself is quick, and the running (blue) application can
//! keep writing as before. But once the new (green) code writes NULL to the
//! column, blue code that reads it may not expect NULL: a model field that
//! is not optional, an arithmetic or string operation, a comparison that now
//! drops rows.
//!
//! ## Example
//! ```sql
//! ALTER TABLE users ALTER COLUMN phone DROP NOT NULL;
//! ```
//!
//! ## Use instead
//! Deploy code that handles NULL in the column first; only then deploy code
//! that writes NULL to it. The statement itself can stay.
//!
//! ## References
//! - <https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-SET-DROP-NOT-NULL>

use super::{Check, Rule, StatementInput, Violation, type_known};
use crate::diagnostic::Severity;
use crate::model::{ObjectRef, State};
use crate::sql::ir::{AlterTableOp, Stmt};

pub static RULE: Rule = Rule {
    name: "dropping-not-null",
    severity: Severity::Hint,
    source: include_str!("dropping_not_null.rs"),
    check: Check::Statement(check),
};

fn check(input: &StatementInput) -> Vec<Violation> {
    let Stmt::AlterTable(at) = input.stmt else {
        return Vec::new();
    };
    let c = input.classification;
    let Some(table) = input
        .replay
        .resolve_table(&at.name)
        .and_then(|oid| input.replay.catalog.tables.get(&oid))
    else {
        return Vec::new();
    };
    let name = &table.name;
    at.ops
        .iter()
        .filter_map(|op| match op {
            AlterTableOp::DropNotNull { column } => Some(column),
            _ => None,
        })
        .filter(|column| {
            let dropped = c.changes.iter().any(|ch| {
                matches!(
                    (&ch.change.object, &ch.change.before, &ch.change.after),
                    (ObjectRef::Column { column: n, .. }, Some(State::Column(a)), Some(State::Column(b)))
                        if n == *column && a.not_null && !b.not_null
                )
            });
            // A column only assumed to exist is taken to be NOT NULL, as
            // the statement says.
            let assumed = table
                .column(column)
                .is_some_and(|col| !type_known(&col.data_type));
            (dropped || assumed)
                && c.on_existing(name)
                && !input.context.is_new_column(input.replay, name, column)
        })
        .map(|column| {
            Violation::new(format!(
                "column {column} of {name} may hold NULL from now on; once new code writes NULL there, running code that reads {column} may not expect it"
            ))
            .help(format!(
                "deploy code that handles NULL in {name}.{column} before code that writes NULL to it"
            ))
        })
        .collect()
}
