//! ## What it does
//! Flags a single-column primary key, an identity column or a serial
//! column of type `integer` or `smallint` (`serial`, `int4`,
//! `smallserial`), in CREATE TABLE or ALTER TABLE. A primary key that is
//! also a foreign key takes its values from the table it references, and
//! is left to that table's finding.
//!
//! ## Why is this bad?
//! An `integer` key stops at 2147483647 (a `smallint` at 32767); a sequence
//! also burns values on rolled-back inserts. Once it is reached, every
//! INSERT fails. Widening the column then rewrites the table, and every
//! column that references it, under ACCESS EXCLUSIVE locks: hours of
//! downtime on exactly the tables that grew large.
//!
//! ## Example
//! ```sql
//! CREATE TABLE events (id serial PRIMARY KEY, payload jsonb);
//! ```
//!
//! ## Use instead
//! `bigint` (8 bytes instead of 4, and no overflow in practice):
//!
//! ```sql
//! CREATE TABLE events (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, payload jsonb);
//! ```
//!
//! ## References
//! - <https://www.postgresql.org/docs/current/datatype-numeric.html#DATATYPE-INT>
//! - squawk: `prefer-bigint-over-int`, `prefer-identity`

use super::{Check, Rule, StatementInput, Violation, is_builtin};
use crate::diagnostic::Severity;
use crate::model::Replay;
use crate::model::catalog::ConstraintDef;
use crate::sql::ir::{
    AlterTableOp, ColumnDef, ConstraintKind, QualifiedName, Stmt, TableElement, TypeName,
    quote_ident,
};

pub static RULE: Rule = Rule {
    name: "integer-key-overflow",
    severity: Severity::Warning,
    source: include_str!("integer_key_overflow.rs"),
    check: Check::Statement(check),
};

fn check(input: &StatementInput) -> Vec<Violation> {
    let mut keys: Vec<(&QualifiedName, &str, TypeName, &str)> = Vec::new();
    match input.stmt {
        Stmt::CreateTable(ct) => {
            let columns: Vec<&ColumnDef> = ct
                .elements
                .iter()
                .filter_map(|e| match e {
                    TableElement::Column(c) => Some(c),
                    _ => None,
                })
                .collect();
            for c in &columns {
                if let Some(why) = column_key(c) {
                    keys.push((&ct.name, &c.name, c.data_type.clone(), why));
                }
            }
            for e in &ct.elements {
                if let TableElement::Constraint(k) = e
                    && let ConstraintKind::PrimaryKey { columns: pk, .. } = &k.kind
                    && let [only] = &pk[..]
                    && let Some(c) = columns.iter().find(|c| c.name == *only)
                    && column_key(c).is_none()
                {
                    keys.push((&ct.name, &c.name, c.data_type.clone(), "primary key"));
                }
            }
        }
        Stmt::AlterTable(at) => {
            for op in &at.ops {
                match op {
                    AlterTableOp::AddColumn { column, .. } => {
                        if let Some(why) = column_key(column) {
                            keys.push((&at.name, &column.name, column.data_type.clone(), why));
                        }
                    }
                    AlterTableOp::AddConstraint(k) => {
                        if let ConstraintKind::PrimaryKey { columns, .. } = &k.kind
                            && let [only] = &columns[..]
                            && let Some(t) = column_type(input.replay, &at.name, only)
                        {
                            keys.push((&at.name, only, t, "primary key"));
                        }
                    }
                    AlterTableOp::AddIdentity { column, .. } => {
                        if let Some(t) = column_type(input.replay, &at.name, column) {
                            keys.push((&at.name, column, t, "identity column"));
                        }
                    }
                    _ => {}
                }
            }
        }
        _ => {}
    }
    keys.into_iter()
        // A key that references another table's key takes its values from
        // there: the overflow is that table's (and reported there).
        .filter(|(table, column, _, why)| {
            *why != "primary key" || !references(input.replay, table, column)
        })
        .filter_map(|(table, column, t, why)| {
            let max = if is_builtin(input.replay, &t, "integer") {
                "2147483647"
            } else if is_builtin(input.replay, &t, "smallint") {
                "32767"
            } else {
                return None;
            };
            if t.array_dims > 0 {
                return None;
            }
            Some(
                Violation::new(format!(
                    "{why} {column} of {table} is {t}: its values stop at {max}, after which every INSERT fails, and widening it then rewrites the table and every column referencing it under ACCESS EXCLUSIVE locks"
                ))
                .help(format!(
                    "use bigint for {}{}",
                    quote_ident(column),
                    match why {
                        "serial column" => " (`bigserial`, or `bigint GENERATED BY DEFAULT AS IDENTITY`)",
                        "identity column" => " (`bigint GENERATED ... AS IDENTITY`)",
                        _ => "",
                    }
                )),
            )
        })
        .collect()
}

/// Why a column definition is a key whose type matters: serial, identity,
/// or a primary key of its own.
fn column_key(c: &ColumnDef) -> Option<&'static str> {
    if c.serial {
        Some("serial column")
    } else if c.identity.is_some() {
        Some("identity column")
    } else if c.constraints.iter().any(
        |k| matches!(&k.kind, ConstraintKind::PrimaryKey { columns, .. } if columns.len() <= 1),
    ) {
        Some("primary key")
    } else {
        None
    }
}

/// The type of an existing column, from the schema after the statement.
fn column_type(replay: &Replay, table: &QualifiedName, column: &str) -> Option<TypeName> {
    let oid = replay.resolve_table(table)?;
    Some(
        replay
            .catalog
            .tables
            .get(&oid)?
            .column(column)?
            .data_type
            .clone(),
    )
}

/// Whether the column is one of a foreign key's referencing columns, in
/// the schema after the statement.
fn references(replay: &Replay, table: &QualifiedName, column: &str) -> bool {
    let Some(t) = replay
        .resolve_table(table)
        .and_then(|oid| replay.catalog.tables.get(&oid))
    else {
        return false;
    };
    let Some(attnum) = t.column(column).map(|c| c.attnum) else {
        return false;
    };
    t.constraints.iter().any(|k| {
        matches!(&k.kind, ConstraintDef::ForeignKey { columns, .. } if columns.contains(&attnum))
    })
}
