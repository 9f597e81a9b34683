//! ## What it does
//! Flags `ALTER TABLE ... ADD CONSTRAINT ... EXCLUDE` on a table that
//! existed before the migration.
//!
//! ## Why is this bad?
//! PostgreSQL builds the constraint's index (and checks every row against
//! every other) while it holds an ACCESS EXCLUSIVE lock on the table: all
//! reads and writes wait for the whole build. Unlike unique constraints,
//! there is no online alternative: an exclusion index cannot be built
//! concurrently and then attached with `USING INDEX`.
//!
//! ## Example
//! ```sql
//! ALTER TABLE bookings ADD CONSTRAINT bookings_no_overlap
//!     EXCLUDE USING gist (room_id WITH =, during WITH &&);
//! ```
//!
//! ## Use instead
//! Add exclusion constraints when the table is created, while it is empty.
//! On a table with traffic, add it in a maintenance window, with a
//! `lock_timeout` so the wait for the lock cannot stall traffic:
//!
//! ```sql
//! SET lock_timeout = '2s';
//! ALTER TABLE bookings ADD CONSTRAINT bookings_no_overlap
//!     EXCLUDE USING gist (room_id WITH =, during WITH &&);
//! ```
//!
//! ## References
//! - <https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-ADD-TABLE-CONSTRAINT-USING-INDEX>
//!   (`USING INDEX` takes unique and primary key indexes only)
//! - <https://www.postgresql.org/docs/current/ddl-constraints.html#DDL-CONSTRAINTS-EXCLUSION>
//! - eugene: `E8`

use super::{Check, Rule, StatementInput, Violation, altered_table, created_constraints};
use crate::diagnostic::Severity;
use crate::model::catalog::ConstraintDef;
use crate::sql::ir::{AlterTableOp, ConstraintKind, Stmt};

pub static RULE: Rule = Rule {
    name: "exclusion-constraint",
    severity: Severity::Warning,
    source: include_str!("exclusion_constraint.rs"),
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
        matches!(k, ConstraintDef::Exclusion { .. })
    })
    .into_iter();
    at.ops
        .iter()
        .filter_map(|op| match op {
            AlterTableOp::AddConstraint(k) => match &k.kind {
                ConstraintKind::Exclusion { method, .. } => Some((k, method)),
                _ => None,
            },
            _ => None,
        })
        .map(|(k, method)| {
            let name = names
                .next()
                .or_else(|| k.name.clone())
                .unwrap_or_else(|| "the exclusion constraint".to_owned());
            Violation::new(format!(
                "adding exclusion constraint {name} builds its {method} index while holding an ACCESS EXCLUSIVE lock on {}, blocking all reads and writes for the whole build; PostgreSQL cannot build it concurrently",
                lock.table
            ))
            .help(format!(
                "add it when {} is created or still small, or in a maintenance window after `SET lock_timeout = '2s';` so the wait for the lock cannot stall traffic",
                at.name
            ))
        })
        .collect()
}
