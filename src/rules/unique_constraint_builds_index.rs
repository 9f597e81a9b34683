//! ## What it does
//! Flags `ALTER TABLE ... ADD CONSTRAINT ... UNIQUE` or `PRIMARY KEY`
//! without `USING INDEX` on a table that existed before the migration.
//!
//! ## Why is this bad?
//! PostgreSQL builds the constraint's index while it holds an ACCESS
//! EXCLUSIVE lock on the table: all reads and writes wait for the whole
//! index build, minutes on a large table.
//!
//! ## Example
//! ```sql
//! ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);
//! ```
//!
//! ## Use instead
//! Build the unique index concurrently (in a migration that does not run
//! in a transaction), then turn it into the constraint, which takes the
//! lock only for a moment:
//!
//! ```sql
//! CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email);
//! -- then:
//! ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key;
//! ```
//!
//! A primary key also needs its columns NOT NULL; when they are not yet,
//! `ADD PRIMARY KEY USING INDEX` scans the table to set it.
//!
//! ## References
//! - <https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-ADD-TABLE-CONSTRAINT-USING-INDEX>
//! - squawk: `disallow-unique-constraint`; eugene: `E7`

use super::{Check, Rule, StatementInput, Violation, altered_table, created_constraints};
use crate::diagnostic::Severity;
use crate::model::catalog::ConstraintDef;
use crate::sql::ir::{AlterTableOp, ConstraintKind, Stmt, quote_ident};

pub static RULE: Rule = Rule {
    name: "unique-constraint-builds-index",
    severity: Severity::Error,
    source: include_str!("unique_constraint_builds_index.rs"),
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
        matches!(
            k,
            ConstraintDef::PrimaryKey { .. } | ConstraintDef::Unique { .. }
        )
    })
    .into_iter();
    let mut out = Vec::new();
    for op in &at.ops {
        let k = match op {
            AlterTableOp::AddConstraint(k) => k,
            AlterTableOp::AddColumn { column, .. } => {
                for k in &column.constraints {
                    if matches!(
                        k.kind,
                        ConstraintKind::PrimaryKey { .. } | ConstraintKind::Unique { .. }
                    ) {
                        names.next();
                    }
                }
                continue;
            }
            _ => continue,
        };
        let (kind, columns, include, nulls_not_distinct) = match &k.kind {
            ConstraintKind::PrimaryKey { columns, include } => {
                ("PRIMARY KEY", columns, include, false)
            }
            ConstraintKind::Unique {
                columns,
                include,
                nulls_not_distinct,
            } => ("UNIQUE", columns, include, *nulls_not_distinct),
            _ => continue,
        };
        let name = names
            .next()
            .or_else(|| k.name.clone())
            .unwrap_or_else(|| format!("{}_key", lock.table.name));
        let quoted = quote_ident(&name);
        let table = &at.name;
        let list = |cols: &[String]| {
            cols.iter()
                .map(|c| quote_ident(c))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let include = if include.is_empty() {
            String::new()
        } else {
            format!(" INCLUDE ({})", list(include))
        };
        let nulls = if nulls_not_distinct {
            " NULLS NOT DISTINCT"
        } else {
            ""
        };
        let pk_note = if kind == "PRIMARY KEY" {
            " (with the columns already NOT NULL, or it scans the table to set them)"
        } else {
            ""
        };
        let what = if kind == "PRIMARY KEY" {
            "primary key"
        } else {
            "unique constraint"
        };
        out.push(
            Violation::new(format!(
                "adding {what} {name} builds its index while holding an ACCESS EXCLUSIVE lock on {}, blocking all reads and writes for the whole build",
                lock.table
            ))
            .help(format!(
                "build the index first with `CREATE UNIQUE INDEX CONCURRENTLY {quoted} ON {table} ({}){include}{nulls};` outside a transaction block, then `ALTER TABLE {table} ADD CONSTRAINT {quoted} {kind} USING INDEX {quoted};`{pk_note}",
                list(columns)
            )),
        );
    }
    out
}
