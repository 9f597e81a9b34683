//! Objects the history never created: a lone migration file, or a history
//! whose first migrations are missing, names tables that exist in the real
//! database. The linter takes them to exist already, with rows, by adding
//! an empty table (and the columns statements name) to the schema before
//! the statement, and says so once per object with an `assumed-existing`
//! hint. A table the history created and later dropped is not assumed: a
//! reference to it is a real mistake, which the replay reports.

use crate::diagnostic::{Finding, Location, Severity};
use crate::model::catalog::Oid;
use crate::model::{Action, Effect, ObjectRef, Replay, State};
use crate::sql::ir::{
    AlterTable, AlterTableOp, ColumnDef, ConstraintKind, CreateTable, QualifiedName, Stmt,
    TableElement, TypeName,
};
use std::collections::HashSet;

#[derive(Debug, Default)]
pub(super) struct Assumed {
    /// Relation names the history created or renamed to, ever.
    ever: HashSet<String>,
    /// Tables added here, by oid.
    stubs: HashSet<Oid>,
    hinted: HashSet<String>,
}

impl Assumed {
    /// Adds what `stmt` needs and the history never created; returns the
    /// hints to show and the statements that added it.
    pub(super) fn prepare(
        &mut self,
        stmt: &Stmt,
        location: &Location,
        replay: &mut Replay,
    ) -> (Vec<Finding>, Vec<Stmt>) {
        let mut hints = Vec::new();
        let mut added = Vec::new();
        for (table, columns) in references(stmt) {
            let oid = match replay.resolve_relation(table) {
                Some((_, oid)) => oid,
                None if !self.ever.contains(&table.name) => {
                    let create = Stmt::CreateTable(CreateTable {
                        name: table.clone(),
                        if_not_exists: false,
                        unlogged: false,
                        temporary: false,
                        elements: Vec::new(),
                        inherits: Vec::new(),
                        partition_by: None,
                        partition_of: None,
                        as_query: None,
                    });
                    replay.apply(&create, location);
                    added.push(create);
                    let Some(oid) = replay.resolve_table(table) else {
                        continue;
                    };
                    self.stubs.insert(oid);
                    self.hint(&mut hints, format!("table {table}"), location);
                    oid
                }
                None => continue,
            };
            if !self.stubs.contains(&oid) {
                continue;
            }
            for column in columns {
                let known = replay
                    .catalog
                    .tables
                    .get(&oid)
                    .is_none_or(|t| t.column(column).is_some());
                if known {
                    continue;
                }
                let add = Stmt::AlterTable(AlterTable {
                    name: table.clone(),
                    if_exists: false,
                    only: false,
                    ops: vec![AlterTableOp::AddColumn {
                        column: stub_column(column),
                        if_not_exists: false,
                    }],
                });
                replay.apply(&add, location);
                added.push(add);
                self.hint(&mut hints, format!("column {table}.{column}"), location);
            }
        }
        (hints, added)
    }

    fn hint(&mut self, hints: &mut Vec<Finding>, what: String, location: &Location) {
        if self.hinted.insert(what.clone()) {
            hints.push(Finding::new(
                "assumed-existing",
                Severity::Hint,
                location.clone(),
                format!(
                    "{what} is not created by any migration read here; taken to exist already, with rows"
                ),
            ));
        }
    }

    /// Remembers the relations a statement created or renamed.
    pub(super) fn observe(&mut self, effect: &Effect) {
        for c in &effect.changes {
            let name = match (c.action, &c.object, &c.after) {
                (Action::Create, ObjectRef::Table { name } | ObjectRef::View { name }, _)
                | (Action::Create, ObjectRef::Sequence { name } | ObjectRef::Index { name }, _) => {
                    name.name.clone()
                }
                (Action::Rename, _, Some(State::Table(t))) => t.name.name.clone(),
                (Action::Rename, _, Some(State::View(v))) => v.name.name.clone(),
                _ => continue,
            };
            self.ever.insert(name);
        }
    }
}

fn stub_column(name: &str) -> ColumnDef {
    ColumnDef {
        name: name.to_owned(),
        // The real type is unknown; a name no real type has keeps every
        // type comparison honest (a change from it counts as a rewrite).
        data_type: TypeName::simple("unknown"),
        serial: false,
        not_null: None,
        default: None,
        identity: None,
        generated: None,
        collation: None,
        constraints: Vec::new(),
    }
}

/// The tables a statement acts on, each with the columns it names.
fn references(stmt: &Stmt) -> Vec<(&QualifiedName, Vec<&str>)> {
    let mut out: Vec<(&QualifiedName, Vec<&str>)> = Vec::new();
    match stmt {
        Stmt::AlterTable(at) if !at.if_exists => {
            let mut cols = Vec::new();
            for op in &at.ops {
                use AlterTableOp as O;
                match op {
                    O::DropColumn {
                        name,
                        if_exists: false,
                        ..
                    }
                    | O::RenameColumn { name, .. } => cols.push(name.as_str()),
                    O::AlterColumnType { column, .. }
                    | O::SetDefault { column, .. }
                    | O::DropDefault { column }
                    | O::SetNotNull { column }
                    | O::DropNotNull { column }
                    | O::AddIdentity { column, .. }
                    | O::AlterIdentity { column, .. }
                    | O::AlterColumnOther { column, .. } => cols.push(column.as_str()),
                    O::AddConstraint(k) => {
                        cols.extend(constraint_columns(&k.kind));
                        out.extend(fk_targets(k));
                    }
                    O::AddColumn { column, .. } => {
                        out.extend(column.constraints.iter().filter_map(fk_targets));
                    }
                    _ => {}
                }
            }
            out.push((&at.name, cols));
        }
        Stmt::CreateTable(ct) => {
            for e in &ct.elements {
                match e {
                    TableElement::Column(c) => {
                        out.extend(c.constraints.iter().filter_map(fk_targets))
                    }
                    TableElement::Constraint(k) => out.extend(fk_targets(k)),
                    TableElement::Like { .. } => {}
                }
            }
        }
        Stmt::CreateIndex(ci) => out.push((
            &ci.table,
            ci.keys.iter().filter_map(|k| k.column.as_deref()).collect(),
        )),
        Stmt::DropTable {
            names,
            if_exists: false,
            ..
        }
        | Stmt::Truncate { tables: names, .. } => {
            out.extend(names.iter().map(|n| (n, Vec::new())));
        }
        Stmt::CreateTrigger(t) => out.push((&t.table, Vec::new())),
        Stmt::Dml(d) if d.verb != "SELECT" => {
            if let Some(t) = &d.target {
                out.push((t, d.columns.iter().map(String::as_str).collect()));
            }
        }
        _ => {}
    }
    out
}

fn fk_targets(k: &crate::sql::ir::TableConstraint) -> Option<(&QualifiedName, Vec<&str>)> {
    match &k.kind {
        ConstraintKind::ForeignKey {
            ref_table,
            ref_columns,
            ..
        } => Some((ref_table, ref_columns.iter().map(String::as_str).collect())),
        _ => None,
    }
}

fn constraint_columns(k: &ConstraintKind) -> Vec<&str> {
    match k {
        ConstraintKind::PrimaryKey { columns, .. }
        | ConstraintKind::Unique { columns, .. }
        | ConstraintKind::ForeignKey { columns, .. } => {
            columns.iter().map(String::as_str).collect()
        }
        ConstraintKind::Check { expr, .. } => expr.columns.iter().map(String::as_str).collect(),
        _ => Vec::new(),
    }
}
