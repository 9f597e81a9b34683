//! ## What it does
//! Flags a foreign key added to a table that existed before the migration
//! without `NOT VALID`: `ALTER TABLE ... ADD CONSTRAINT ... FOREIGN KEY`,
//! and `ADD COLUMN ... REFERENCES`.
//!
//! ## Why is this bad?
//! PostgreSQL checks every existing row against the referenced table while
//! it holds a SHARE ROW EXCLUSIVE lock on both tables (ACCESS EXCLUSIVE on
//! the referencing one for `ADD COLUMN`): writes to both wait for the whole
//! scan, and until the transaction ends.
//!
//! ## Example
//! ```sql
//! ALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey
//!     FOREIGN KEY (user_id) REFERENCES users (id);
//! ```
//!
//! ## Use instead
//! Add it `NOT VALID` (new rows are checked at once, existing ones are
//! not), then validate it in a separate migration: `VALIDATE CONSTRAINT`
//! takes only a SHARE UPDATE EXCLUSIVE lock, which blocks neither reads nor
//! writes.
//!
//! ```sql
//! ALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey
//!     FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;
//! -- in a later migration:
//! ALTER TABLE orders VALIDATE CONSTRAINT orders_user_id_fkey;
//! ```
//!
//! ## References
//! - <https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-ADD-TABLE-CONSTRAINT>
//! - squawk: `adding-foreign-key-constraint`; eugene: `E1`

use super::{
    Check, Rule, StatementInput, Violation, a_lock, altered_table, created_constraints, lock_on,
};
use crate::classify::{Classification, TableLock};
use crate::diagnostic::Severity;
use crate::model::catalog::ConstraintDef;
use crate::sql::ir::{AlterTableOp, ConstraintKind, FkAction, QualifiedName, Stmt, quote_ident};

pub static RULE: Rule = Rule {
    name: "foreign-key-without-not-valid",
    severity: Severity::Error,
    source: include_str!("foreign_key_without_not_valid.rs"),
    check: Check::Statement(check),
};

fn check(input: &StatementInput) -> Vec<Violation> {
    let Stmt::AlterTable(at) = input.stmt else {
        return Vec::new();
    };
    let c = input.classification;
    if altered_table(c).is_none() {
        return Vec::new();
    }
    let mut names =
        created_constraints(c, |k| matches!(k, ConstraintDef::ForeignKey { .. })).into_iter();
    let mut out = Vec::new();
    for op in &at.ops {
        let (constraints, column) = match op {
            AlterTableOp::AddConstraint(k) => (std::slice::from_ref(k), None),
            AlterTableOp::AddColumn { column, .. } => (&column.constraints[..], Some(column)),
            _ => continue,
        };
        for k in constraints {
            let ConstraintKind::ForeignKey {
                columns,
                ref_table,
                ref_columns,
                on_delete,
                on_update,
                match_full,
            } = &k.kind
            else {
                continue;
            };
            let name = names
                .next()
                .or_else(|| k.name.clone())
                .unwrap_or_else(|| "the foreign key".to_owned());
            if k.not_valid {
                continue;
            }
            let table = &at.name;
            let mut clause = format!("FOREIGN KEY ({}) REFERENCES {ref_table}", idents(columns));
            if !ref_columns.is_empty() {
                clause.push_str(&format!(" ({})", idents(ref_columns)));
            }
            if *match_full {
                clause.push_str(" MATCH FULL");
            }
            if *on_delete != FkAction::NoAction {
                clause.push_str(&format!(" ON DELETE {}", on_delete.to_sql()));
            }
            if *on_update != FkAction::NoAction {
                clause.push_str(&format!(" ON UPDATE {}", on_update.to_sql()));
            }
            let add = format!(
                "`ALTER TABLE {table} ADD CONSTRAINT {} {clause} NOT VALID;`",
                quote_ident(&name)
            );
            let validate = format!(
                "`ALTER TABLE {table} VALIDATE CONSTRAINT {};` in a separate migration",
                quote_ident(&name)
            );
            let help = match column {
                Some(col) => format!(
                    "add {} without REFERENCES, then {add}, then {validate}",
                    quote_ident(&col.name)
                ),
                None => format!("add it as {add}, then {validate}"),
            };
            out.push(
                Violation::new(format!(
                    "adding foreign key {name} checks every existing row of {} against {} while holding {}, for the whole scan and until the transaction ends",
                    locks_text(c, table),
                    locks_text(c, ref_table),
                    held(c, table, ref_table)
                ))
                .help(help),
            );
        }
    }
    out
}

fn idents(columns: &[String]) -> String {
    columns
        .iter()
        .map(|c| quote_ident(c))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The referencing table's resolved name.
fn locks_text(c: &Classification, table: &QualifiedName) -> String {
    lock_on(c, table).map_or_else(|| table.to_string(), |l| l.table.to_string())
}

/// "a SHARE ROW EXCLUSIVE lock on a and b, which blocks writes ..." for
/// the locks on the existing ones of the two tables.
fn held(c: &Classification, table: &QualifiedName, ref_table: &QualifiedName) -> String {
    let mut locks: Vec<&TableLock> = Vec::new();
    for name in [table, ref_table] {
        if let Some(l) = lock_on(c, name).filter(|l| !l.new)
            && !locks.iter().any(|k| k.table == l.table)
        {
            locks.push(l);
        }
    }
    match locks[..] {
        [a, b] if a.mode == b.mode => format!(
            "{} on {} and {}, which blocks {} on both",
            a_lock(a.mode),
            a.table,
            b.table,
            a.mode.blocks()
        ),
        _ => locks
            .iter()
            .map(|l| {
                format!(
                    "{} on {}, which blocks {}",
                    a_lock(l.mode),
                    l.table,
                    l.mode.blocks()
                )
            })
            .collect::<Vec<_>>()
            .join(", and "),
    }
}
