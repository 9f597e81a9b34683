//! ## What it does
//! Flags `ALTER TABLE ... ALTER COLUMN ... SET NOT NULL` on a column that
//! existed before the migration, when PostgreSQL has to read the whole table
//! to prove there is no NULL.
//!
//! ## Why is this bad?
//! The statement takes an ACCESS EXCLUSIVE lock and scans every row while
//! holding it: all reads and writes of the table wait for the scan. Once it
//! commits, the running (blue) application fails wherever it still writes
//! NULL to the column. From PostgreSQL 12 on, a validated
//! `CHECK (column IS NOT NULL)` constraint lets it skip the scan.
//!
//! ## Example
//! ```sql
//! ALTER TABLE users ALTER COLUMN email SET NOT NULL;
//! ```
//!
//! ## Use instead
//! Add the rule as a `NOT VALID` check constraint (no scan), validate it in
//! a later migration (a scan that blocks no reads or writes), then set NOT
//! NULL, which PostgreSQL 12+ does without a scan, and drop the check:
//!
//! ```sql
//! ALTER TABLE users ADD CONSTRAINT users_email_not_null CHECK (email IS NOT NULL) NOT VALID;
//! -- next migration:
//! ALTER TABLE users VALIDATE CONSTRAINT users_email_not_null;
//! ALTER TABLE users ALTER COLUMN email SET NOT NULL;
//! ALTER TABLE users DROP CONSTRAINT users_email_not_null;
//! ```
//!
//! ## References
//! - <https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-SET-DROP-NOT-NULL>
//! - squawk: `adding-not-nullable-field`; strong_migrations: "Setting NOT NULL on an existing column"

use super::{Check, Rule, StatementInput, Violation};
use crate::classify::set_not_null_scans;
use crate::diagnostic::Severity;
use crate::model::{Action, ObjectRef, State};
use crate::sql::ir::{AlterTableOp, Stmt};

pub static RULE: Rule = Rule {
    name: "setting-not-null",
    severity: Severity::Error,
    source: include_str!("setting_not_null.rs"),
    check: Check::Statement(check),
};

fn check(input: &StatementInput) -> Vec<Violation> {
    let Stmt::AlterTable(at) = input.stmt else {
        return Vec::new();
    };
    let c = input.classification;
    if !c.hazards.scan {
        return Vec::new();
    }
    let set: Vec<&str> = at
        .ops
        .iter()
        .filter_map(|op| match op {
            AlterTableOp::SetNotNull { column } => Some(column.as_str()),
            _ => None,
        })
        .collect();
    c.changes
        .iter()
        .filter(|ch| ch.change.action == Action::Alter)
        .filter_map(|ch| match (&ch.change.object, &ch.change.before, &ch.change.after) {
            (ObjectRef::Column { table, column }, Some(State::Column(a)), Some(State::Column(b)))
                if !a.not_null
                    && b.not_null
                    && set.contains(&column.as_str())
                    && c.on_existing(table)
                    && !input.context.is_new_column(input.replay, table, column) =>
            {
                let scans = input
                    .replay
                    .catalog
                    .relation(table)
                    .and_then(|(_, oid)| input.replay.catalog.tables.get(&oid))
                    .is_none_or(|t| set_not_null_scans(t, column, input.pg_version));
                if !scans {
                    return None;
                }
                let check = format!("{}_{column}_not_null", table.name);
                let help = if input.pg_version >= 12 {
                    format!(
                        "add `ALTER TABLE {table} ADD CONSTRAINT {check} CHECK ({column} IS NOT NULL) NOT VALID;`, run `ALTER TABLE {table} VALIDATE CONSTRAINT {check};` in a later migration, then `ALTER TABLE {table} ALTER COLUMN {column} SET NOT NULL;` (no scan once the check is validated) and `ALTER TABLE {table} DROP CONSTRAINT {check};`"
                    )
                } else {
                    format!(
                        "PostgreSQL {} always scans for SET NOT NULL: add `ALTER TABLE {table} ADD CONSTRAINT {check} CHECK ({column} IS NOT NULL) NOT VALID;` and run `ALTER TABLE {table} VALIDATE CONSTRAINT {check};` in a later migration, and keep the check instead of NOT NULL",
                        input.pg_version
                    )
                };
                Some(
                    Violation::new(format!(
                        "setting NOT NULL on column {column} of {table} takes an ACCESS EXCLUSIVE lock and scans every row while holding it, blocking all reads and writes; running code that writes NULL to {column} then fails"
                    ))
                    .help(help),
                )
            }
            _ => None,
        })
        .collect()
}
