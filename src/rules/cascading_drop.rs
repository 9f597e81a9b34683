//! ## What it does
//! Flags `DROP ... CASCADE` and `TRUNCATE ... CASCADE`. Every kind of drop
//! counts: schema, table, view, column, constraint, type, function,
//! sequence, index, trigger, extension.
//!
//! ## Why is this bad?
//! CASCADE removes whatever depends on the object without naming it: views,
//! foreign keys, defaults, functions, the rows of tables that reference a
//! truncated one. The migration's author rarely sees the whole list, and the
//! real database may hold dependents the migration history does not show
//! (objects created by hand, by another service, or by a later branch).
//!
//! ## Example
//! ```sql
//! DROP TABLE customers CASCADE;
//! ```
//!
//! ## Use instead
//! Drop the dependents explicitly, by name, and leave out CASCADE: the
//! statement then fails instead of removing something nobody meant to
//! remove.
//!
//! ```sql
//! DROP VIEW customer_totals;
//! ALTER TABLE orders DROP CONSTRAINT orders_customer_id_fkey;
//! DROP TABLE customers;
//! ```
//!
//! ## References
//! - <https://www.postgresql.org/docs/current/ddl-depend.html>

use super::{Check, Rule, StatementInput, Violation, listing};
use crate::diagnostic::Severity;
use crate::model::{Action, ObjectRef, State};
use crate::sql::ir::{AlterTableOp, Stmt};

pub static RULE: Rule = Rule {
    name: "cascading-drop",
    severity: Severity::Warning,
    source: include_str!("cascading_drop.rs"),
    check: Check::Statement(check),
};

fn check(input: &StatementInput) -> Vec<Violation> {
    let Some(what) = cascading(input.stmt) else {
        return Vec::new();
    };
    let c = input.classification;
    let also: Vec<String> = if let Stmt::Truncate { .. } = input.stmt {
        // The tables CASCADE reaches are locked beside the named ones.
        let named = named_tables(input);
        c.hazards
            .locks
            .iter()
            .filter(|l| !named.contains(&l.table.name))
            .map(|l| format!("table {}", l.table))
            .collect()
    } else {
        // The changes list the named objects first, then what went with
        // them; a dropped default shows as an altered column.
        c.changes
            .iter()
            .filter(|ch| !is_named(input.stmt, &ch.change.object))
            .filter_map(
                |ch| match (ch.change.action, &ch.change.before, &ch.change.after) {
                    (Action::Drop, _, _) => Some(ch.change.object.to_string()),
                    (Action::Alter, Some(State::Column(a)), Some(State::Column(b)))
                        if a.default.is_some() && b.default.is_none() =>
                    {
                        Some(format!("the default of {}", ch.change.object))
                    }
                    _ => None,
                },
            )
            .collect()
    };
    let (message, verb) = if let Stmt::Truncate { .. } = input.stmt {
        ("also empties", "truncate")
    } else {
        ("also drops", "drop")
    };
    let reach = if also.is_empty() {
        format!(
            "{what} with CASCADE: nothing in the migration history depends on it, but the real database may hold dependents it would {verb} without a word"
        )
    } else {
        format!(
            "{what} with CASCADE {message} {}; the real database may hold more",
            listing(&also)
        )
    };
    vec![
        Violation::new(reach).help(format!(
            "{verb} the dependents explicitly, by name, and leave out CASCADE so the statement fails if anything else depends on it"
        )),
    ]
}

/// The statement in words when it cascades.
fn cascading(stmt: &Stmt) -> Option<String> {
    let join = |names: Vec<String>| names.join(", ");
    Some(match stmt {
        Stmt::DropSchema {
            names,
            cascade: true,
            ..
        } => format!("dropping schema {}", join(names.clone())),
        Stmt::DropTable {
            names,
            cascade: true,
            ..
        } => format!(
            "dropping table {}",
            join(names.iter().map(ToString::to_string).collect())
        ),
        Stmt::DropView {
            names,
            cascade: true,
            materialized,
            ..
        } => format!(
            "dropping {} {}",
            if *materialized {
                "materialized view"
            } else {
                "view"
            },
            join(names.iter().map(ToString::to_string).collect())
        ),
        Stmt::DropIndex {
            names,
            cascade: true,
            ..
        } => format!(
            "dropping index {}",
            join(names.iter().map(ToString::to_string).collect())
        ),
        Stmt::DropSequence {
            names,
            cascade: true,
            ..
        } => format!(
            "dropping sequence {}",
            join(names.iter().map(ToString::to_string).collect())
        ),
        Stmt::DropType {
            names,
            cascade: true,
            domain,
            ..
        } => format!(
            "dropping {} {}",
            if *domain { "domain" } else { "type" },
            join(names.iter().map(ToString::to_string).collect())
        ),
        Stmt::DropFunction {
            functions,
            cascade: true,
            ..
        } => format!(
            "dropping function {}",
            join(functions.iter().map(|f| f.name.to_string()).collect())
        ),
        Stmt::DropTrigger {
            name,
            table,
            cascade: true,
            ..
        } => format!("dropping trigger {name} on {table}"),
        Stmt::DropExtension {
            names,
            cascade: true,
            ..
        } => format!("dropping extension {}", join(names.clone())),
        Stmt::Truncate {
            tables,
            cascade: true,
        } => format!(
            "truncating {}",
            join(tables.iter().map(ToString::to_string).collect())
        ),
        Stmt::AlterTable(at) => {
            let parts: Vec<String> = at
                .ops
                .iter()
                .filter_map(|op| match op {
                    AlterTableOp::DropColumn {
                        name,
                        cascade: true,
                        ..
                    } => Some(format!("column {name}")),
                    AlterTableOp::DropConstraint {
                        name,
                        cascade: true,
                        ..
                    } => Some(format!("constraint {name}")),
                    _ => None,
                })
                .collect();
            if parts.is_empty() {
                return None;
            }
            format!("dropping {} of {}", join(parts), at.name)
        }
        _ => return None,
    })
}

/// Whether a change is about an object the statement names (rather than
/// one that went with it).
fn is_named(stmt: &Stmt, object: &ObjectRef) -> bool {
    let rel = |names: &[crate::sql::ir::QualifiedName], n: &crate::model::catalog::ObjectName| {
        names
            .iter()
            .any(|q| q.name == n.name && q.schema.as_ref().is_none_or(|s| *s == n.schema))
    };
    match (stmt, object) {
        (Stmt::DropSchema { names, .. }, ObjectRef::Schema { name }) => names.contains(name),
        (Stmt::DropTable { names, .. }, ObjectRef::Table { name })
        | (Stmt::DropView { names, .. }, ObjectRef::View { name })
        | (Stmt::DropIndex { names, .. }, ObjectRef::Index { name })
        | (Stmt::DropSequence { names, .. }, ObjectRef::Sequence { name })
        | (Stmt::DropType { names, .. }, ObjectRef::Type { name }) => rel(names, name),
        (Stmt::DropFunction { functions, .. }, ObjectRef::Function { key }) => {
            functions.iter().any(|f| {
                f.name.name == key.name.name
                    && f.name.schema.as_ref().is_none_or(|s| *s == key.name.schema)
            })
        }
        (Stmt::DropTrigger { name, .. }, ObjectRef::Trigger { name: n, .. }) => name == n,
        (Stmt::DropExtension { names, .. }, ObjectRef::Extension { name }) => names.contains(name),
        (Stmt::AlterTable(at), ObjectRef::Column { column, .. }) => at
            .ops
            .iter()
            .any(|op| matches!(op, AlterTableOp::DropColumn { name, .. } if name == column)),
        (Stmt::AlterTable(at), ObjectRef::Constraint { name: n, .. }) => at
            .ops
            .iter()
            .any(|op| matches!(op, AlterTableOp::DropConstraint { name, .. } if name == n)),
        _ => false,
    }
}

/// The table names a TRUNCATE writes.
fn named_tables(input: &StatementInput) -> Vec<String> {
    match input.stmt {
        Stmt::Truncate { tables, .. } => tables.iter().map(|t| t.name.clone()).collect(),
        _ => Vec::new(),
    }
}
