//! ## What it does
//! Flags a foreign key added by the migration whose referencing columns
//! are not the leading columns of any index on the referencing table, as
//! the table stands at the end of the migration.
//!
//! ## Why is this bad?
//! Every DELETE of a referenced row, and every UPDATE of its key, makes
//! PostgreSQL look for referencing rows: without an index that is a scan of
//! the whole referencing table, per row deleted, while the deleting
//! transaction holds its locks. Deletes that were instant become slow as
//! the referencing table grows; `ON DELETE CASCADE` makes it worse.
//!
//! ## Example
//! ```sql
//! ALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey
//!     FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;
//! ```
//!
//! ## Use instead
//! Index the referencing columns (concurrently, on an existing table):
//!
//! ```sql
//! CREATE INDEX CONCURRENTLY orders_user_id_idx ON orders (user_id);
//! ```
//!
//! ## References
//! - <https://www.postgresql.org/docs/current/ddl-constraints.html#DDL-CONSTRAINTS-FK>
//!   ("it is often a good idea to index the referencing columns too")
//! - eugene: `E15`

use super::{Check, MigrationInput, Rule, Violation};
use crate::diagnostic::Severity;
use crate::model::catalog::{AttNum, Catalog, ConstraintDef, Index, Oid, Table};
use crate::model::{Action, ObjectRef};
use crate::sql::ir::quote_ident;

pub static RULE: Rule = Rule {
    name: "unindexed-foreign-key",
    severity: Severity::Hint,
    source: include_str!("unindexed_foreign_key.rs"),
    check: Check::Migration(check),
};

fn check(input: &MigrationInput) -> Vec<Violation> {
    let mut out = Vec::new();
    // A table the migration left alone has no new foreign key.
    for table in input.after.tables.differing_from(&input.before.tables) {
        for k in &table.constraints {
            let ConstraintDef::ForeignKey {
                columns, ref_table, ..
            } = &k.kind
            else {
                continue;
            };
            if existed(input.before, table.oid, &k.name) || covered(input.after, table.oid, columns)
            {
                continue;
            }
            let names: Vec<&str> = columns.iter().map(|&a| table.column_name(a)).collect();
            let list = names
                .iter()
                .map(|c| quote_ident(c))
                .collect::<Vec<_>>()
                .join(", ");
            let referenced = input
                .after
                .relation_name(*ref_table)
                .map_or_else(|| "the referenced table".to_owned(), ToString::to_string);
            let index = quote_ident(&format!("{}_{}_idx", table.name.name, names.join("_")));
            let mut v = Violation::new(format!(
                "foreign key {} on {} ({}) has no index on its columns: every DELETE from {referenced}, and every change of its key, scans {} for referencing rows",
                k.name,
                table.name,
                names.join(", "),
                table.name
            ))
            .help(format!(
                "add `CREATE INDEX CONCURRENTLY {index} ON {} ({list});` (in a migration without a transaction)",
                table.name
            ));
            if let Some(loc) = created_at(input, table, &k.name) {
                v = v.at(loc);
            }
            out.push(v);
        }
    }
    out
}

fn existed(before: &Catalog, table: Oid, name: &str) -> bool {
    before.tables.get(&table).is_some_and(|t| {
        t.constraint(name)
            .is_some_and(|k| matches!(k.kind, ConstraintDef::ForeignKey { .. }))
    })
}

/// Whether an index can find the referencing rows: its leading keys are
/// exactly the foreign key's columns (in any order), it covers every row
/// (no predicate), and its method can search by equality on them.
fn covered(catalog: &Catalog, table: Oid, columns: &[AttNum]) -> bool {
    catalog.indexes_on(table).any(|i| leads_with(i, columns))
}

fn leads_with(i: &Index, columns: &[AttNum]) -> bool {
    if i.predicate.is_some() || i.keys.len() < columns.len() {
        return false;
    }
    let usable = match i.method.as_str() {
        "btree" => true,
        "hash" => columns.len() == 1,
        _ => false,
    };
    usable
        && i.keys[..columns.len()]
            .iter()
            .all(|k| k.column.is_some_and(|c| columns.contains(&c)))
        && columns
            .iter()
            .all(|c| i.keys[..columns.len()].iter().any(|k| k.column == Some(*c)))
}

/// Where the statement that created the constraint is.
fn created_at(
    input: &MigrationInput,
    table: &Table,
    name: &str,
) -> Option<crate::diagnostic::Location> {
    let created = |want: &dyn Fn(&ObjectRef) -> bool| {
        input
            .statements
            .iter()
            .find(|r| {
                r.classification
                    .changes
                    .iter()
                    .any(|ch| ch.change.action == Action::Create && want(&ch.change.object))
            })
            .map(|r| r.location.clone())
    };
    // The constraint's own creation, else its table's (CREATE TABLE).
    created(&|o| matches!(o, ObjectRef::Constraint { table: t, name: n } if *t == table.name && n == name))
        .or_else(|| created(&|o| matches!(o, ObjectRef::Table { name: t } if *t == table.name)))
}
