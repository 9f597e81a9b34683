//! ## What it does
//! Flags `ALTER TABLE ... ALTER COLUMN ... TYPE` that makes PostgreSQL
//! rewrite a table that existed before the migration.
//!
//! ## Why is this bad?
//! Unless the new type is binary compatible with the old one (a longer
//! `varchar`, `varchar` to `text`, a wider `numeric` of the same scale,
//! and from PostgreSQL 12 `timestamp` to `timestamptz` after
//! `SET timezone = 'UTC'`), PostgreSQL rewrites every row and rebuilds
//! every index of the table while holding an ACCESS EXCLUSIVE lock: all
//! reads and writes wait for the whole rewrite. The running (blue) application may also write values of the
//! old type that the new one rejects or changes.
//!
//! ## Example
//! ```sql
//! ALTER TABLE orders ALTER COLUMN amount TYPE bigint;
//! ```
//!
//! ## Use instead
//! Add a column of the new type, keep it in step with the old one (a
//! trigger), backfill it in batches, deploy code that reads it, and drop the
//! old column in a later migration. Changes PostgreSQL makes without a
//! rewrite are fine:
//!
//! ```sql
//! ALTER TABLE users ALTER COLUMN email TYPE varchar(320); -- was varchar(255)
//! ALTER TABLE users ALTER COLUMN bio TYPE text;           -- was varchar(500)
//! ```
//!
//! ## References
//! - <https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-NOTES>
//! - squawk: `changing-column-type`; strong_migrations: "Changing the type of a column"

use super::{Check, Rule, StatementInput, Violation, type_known};
use crate::classify::{Rewrite, column_type_change_rewrites};
use crate::diagnostic::Severity;
use crate::model::{Action, ObjectRef, State};
use crate::sql::ir::{AlterTableOp, Stmt};

pub static RULE: Rule = Rule {
    name: "changing-column-type",
    severity: Severity::Error,
    source: include_str!("changing_column_type.rs"),
    check: Check::Statement(check),
};

fn check(input: &StatementInput) -> Vec<Violation> {
    let Stmt::AlterTable(at) = input.stmt else {
        return Vec::new();
    };
    let c = input.classification;
    if c.hazards.rewrite != Some(Rewrite::Table) {
        return Vec::new();
    }
    c.changes
        .iter()
        .filter(|ch| ch.change.action == Action::Alter)
        .filter_map(|ch| match (&ch.change.object, &ch.change.before, &ch.change.after) {
            (
                ObjectRef::Column { table, column },
                Some(State::Column(old)),
                Some(State::Column(new)),
            ) if old.data_type != new.data_type && c.on_existing(table) => {
                let using = at.ops.iter().any(|op| {
                    matches!(op, AlterTableOp::AlterColumnType { column: col, using: Some(_), .. } if col == column)
                });
                if !column_type_change_rewrites(
                    &old.data_type,
                    &new.data_type,
                    using,
                    input.pg_version,
                    input.context.utc,
                ) {
                    return None;
                }
                let (from, to) = (old.data_type.to_sql(), new.data_type.to_sql());
                let what = if type_known(&old.data_type) {
                    format!("changing column {column} of {table} from {from} to {to}")
                } else {
                    format!(
                        "changing column {column} of {table} to {to} (its current type is not known here, so a rewrite is assumed)"
                    )
                };
                let old_code = if input.context.is_new_column(input.replay, table, column) {
                    String::new()
                } else if type_known(&old.data_type) {
                    format!("; running code that writes {from} values to {column} may fail or see them changed")
                } else {
                    format!("; running code that writes {column} the old way may fail or see its values changed")
                };
                Some(
                    Violation::new(format!(
                        "{what} rewrites the whole table and rebuilds its indexes under an ACCESS EXCLUSIVE lock on {table}, blocking all reads and writes until it ends{old_code}"
                    ))
                    .help(format!(
                        "add a new column instead (`ALTER TABLE {table} ADD COLUMN {column}_new {to};`), keep it in step with {column} through a trigger, backfill it in batches, deploy code that reads it, then drop {column} in a later migration"
                    )),
                )
            }
            _ => None,
        })
        .collect()
}
