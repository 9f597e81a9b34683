//! ## What it does
//! Flags `ALTER TABLE ... ADD CONSTRAINT ... CHECK` without `NOT VALID` on
//! a table that existed before the migration.
//!
//! ## Why is this bad?
//! PostgreSQL checks every existing row while it holds an ACCESS EXCLUSIVE
//! lock on the table: all reads and writes of the table wait for the whole
//! scan, and until the transaction ends.
//!
//! ## Example
//! ```sql
//! ALTER TABLE orders ADD CONSTRAINT orders_amount_positive CHECK (amount > 0);
//! ```
//!
//! ## Use instead
//! Add it `NOT VALID` (new and updated rows are checked at once, existing
//! ones are not), then validate it in a separate migration: `VALIDATE
//! CONSTRAINT` takes only a SHARE UPDATE EXCLUSIVE lock, which blocks
//! neither reads nor writes.
//!
//! ```sql
//! ALTER TABLE orders ADD CONSTRAINT orders_amount_positive CHECK (amount > 0) NOT VALID;
//! -- in a later migration:
//! ALTER TABLE orders VALIDATE CONSTRAINT orders_amount_positive;
//! ```
//!
//! ## References
//! - <https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-NOTES>
//! - squawk: `constraint-missing-not-valid`; eugene: `E1`

use super::{Check, Rule, StatementInput, Violation, altered_table, created_constraints};
use crate::diagnostic::Severity;
use crate::model::catalog::ConstraintDef;
use crate::sql::ir::{AlterTableOp, ConstraintKind, Stmt, quote_ident};

pub static RULE: Rule = Rule {
    name: "check-constraint-without-not-valid",
    severity: Severity::Error,
    source: include_str!("check_constraint_without_not_valid.rs"),
    check: Check::Statement(check),
};

fn check(input: &StatementInput) -> Vec<Violation> {
    let Stmt::AlterTable(at) = input.stmt else {
        return Vec::new();
    };
    let Some(lock) = altered_table(input.classification) else {
        return Vec::new();
    };
    let mut names = created_constraints(input.classification, |k| {
        matches!(k, ConstraintDef::Check { .. })
    })
    .into_iter();
    let mut out = Vec::new();
    for op in &at.ops {
        // Column CHECKs of ADD COLUMN are created too; keep the names in step.
        let k = match op {
            AlterTableOp::AddConstraint(k) => k,
            AlterTableOp::AddColumn { column, .. } => {
                for k in &column.constraints {
                    if matches!(k.kind, ConstraintKind::Check { .. }) {
                        names.next();
                    }
                }
                continue;
            }
            _ => continue,
        };
        let ConstraintKind::Check { expr, no_inherit } = &k.kind else {
            continue;
        };
        let name = names
            .next()
            .or_else(|| k.name.clone())
            .unwrap_or_else(|| "the constraint".to_owned());
        if k.not_valid {
            continue;
        }
        let table = &at.name;
        let no_inherit = if *no_inherit { " NO INHERIT" } else { "" };
        let quoted = quote_ident(&name);
        out.push(
            Violation::new(format!(
                "adding CHECK constraint {name} checks every existing row of {} while holding an ACCESS EXCLUSIVE lock on it, blocking all reads and writes for the whole scan and until the transaction ends",
                lock.table
            ))
            .help(format!(
                "add it as `ALTER TABLE {table} ADD CONSTRAINT {quoted} CHECK ({}){no_inherit} NOT VALID;`, then `ALTER TABLE {table} VALIDATE CONSTRAINT {quoted};` in a separate migration",
                expr.sql
            )),
        );
    }
    out
}
