//! Objects the history never created: a lone migration file, or a history
//! whose first migrations are missing, names tables that exist in the real
//! database. The linter takes them to exist already, with rows, by adding
//! an empty table (and the columns statements name) to the schema before
//! the statement, and says so once per object with an `assumed-existing`
//! hint. Views, functions, types and schemas that a statement drops (and
//! enum types whose values it renames or places new ones against) are
//! assumed the same way, with only what the statement tells of them. A
//! table the history created and later dropped is not assumed: a reference
//! to it is a real mistake, which the replay reports.

use crate::diagnostic::{Finding, Location, Severity};
use crate::model::catalog::Oid;
use crate::model::{Action, Effect, ObjectRef, Replay, State};
use crate::sql::ir::{
    AlterTable, AlterTableOp, AlterTypeAction, ColumnDef, ConstraintKind, CreateFunction,
    CreateTable, CreateType, CreateView, FunctionArg, FunctionRef, QualifiedName, QueryInfo,
    RoutineKind, Stmt, TableElement, TypeDefinition, TypeName,
};
use std::collections::HashSet;

#[derive(Debug, Default)]
pub(super) struct Assumed {
    /// Relation names the history created or renamed to, ever; schemas,
    /// types and functions with their kind before the name (`type:mood`).
    ever: HashSet<String>,
    /// Tables added here, by oid.
    stubs: HashSet<Oid>,
    hinted: HashSet<String>,
}

impl Assumed {
    /// Adds what `stmt` needs and the history never created; returns the
    /// hints to show and the statements that added it, for the linter to
    /// add the same to its schema before the migration.
    pub(super) fn prepare(
        &mut self,
        stmt: &Stmt,
        location: &Location,
        replay: &mut Replay,
    ) -> (Vec<Finding>, Vec<Stmt>) {
        let mut hints = Vec::new();
        let mut added = Vec::new();
        for (what, stub) in self.other_objects(stmt, replay) {
            replay.apply(&stub, location);
            self.hint(&mut hints, what, "", location);
            added.push(stub);
        }
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
                    self.hint(&mut hints, format!("table {table}"), ROWS, location);
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
                self.hint(
                    &mut hints,
                    format!("column {table}.{column}"),
                    ROWS,
                    location,
                );
            }
        }
        (hints, added)
    }

    fn hint(&mut self, hints: &mut Vec<Finding>, what: String, rows: &str, location: &Location) {
        if self.hinted.insert(what.clone()) {
            hints.push(Finding::new(
                "assumed-existing",
                Severity::Hint,
                location.clone(),
                format!(
                    "{what} is not created by any migration read here; taken to exist already{rows}"
                ),
            ));
        }
    }

    /// Views, functions, types and schemas `stmt` needs that neither exist
    /// nor were ever created, each with the statement that stands in for it.
    fn other_objects(&self, stmt: &Stmt, replay: &Replay) -> Vec<(String, Stmt)> {
        let never = |key: String| !self.ever.contains(&key);
        let mut out = Vec::new();
        match stmt {
            Stmt::DropView {
                names,
                materialized,
                if_exists: false,
                ..
            } => {
                for n in names {
                    if replay.resolve_relation(n).is_none() && never(n.name.clone()) {
                        let kind = if *materialized {
                            "materialized view"
                        } else {
                            "view"
                        };
                        out.push((format!("{kind} {n}"), stub_view(n, *materialized)));
                    }
                }
            }
            Stmt::DropFunction {
                functions,
                if_exists: false,
                ..
            } => {
                for f in functions {
                    let known = replay.catalog.functions.keys().any(|k| {
                        k.name.name == f.name.name
                            && f.name.schema.as_ref().is_none_or(|s| *s == k.name.schema)
                    });
                    if !known && never(format!("function:{}", f.name.name)) {
                        let args = f.arg_types.as_ref().map_or(String::new(), |ts| {
                            let ts: Vec<String> = ts.iter().map(TypeName::to_sql).collect();
                            format!("({})", ts.join(", "))
                        });
                        out.push((format!("function {}{args}", f.name), stub_function(f)));
                    }
                }
            }
            Stmt::DropType {
                names,
                if_exists: false,
                domain: false,
                ..
            } => {
                for n in names {
                    if !type_known(replay, n) && never(format!("type:{}", n.name)) {
                        out.push((format!("type {n}"), stub_type(n, None)));
                    }
                }
            }
            Stmt::AlterType(at) => {
                let value = match &at.action {
                    AlterTypeAction::RenameValue { value, .. } => Some(value),
                    AlterTypeAction::AddValue {
                        position: Some((_, other)),
                        ..
                    } => Some(other),
                    _ => None,
                };
                if let Some(v) = value
                    && !type_known(replay, &at.name)
                    && never(format!("type:{}", at.name.name))
                {
                    out.push((format!("type {}", at.name), stub_type(&at.name, Some(v))));
                }
            }
            Stmt::DropSchema {
                names,
                if_exists: false,
                ..
            } => {
                for n in names {
                    if !replay.catalog.schemas.contains_key(n) && never(format!("schema:{n}")) {
                        out.push((
                            format!("schema {n}"),
                            Stmt::CreateSchema {
                                name: n.clone(),
                                if_not_exists: false,
                            },
                        ));
                    }
                }
            }
            _ => {}
        }
        out
    }

    /// Remembers the relations a statement created or renamed.
    pub(super) fn observe(&mut self, effect: &Effect) {
        for c in &effect.changes {
            let name = match (c.action, &c.object, &c.after) {
                (Action::Create, ObjectRef::Table { name } | ObjectRef::View { name }, _)
                | (Action::Create, ObjectRef::Sequence { name } | ObjectRef::Index { name }, _) => {
                    name.name.clone()
                }
                (Action::Create, ObjectRef::Schema { name }, _) => format!("schema:{name}"),
                (Action::Create, ObjectRef::Type { name }, _) => format!("type:{}", name.name),
                (Action::Create, ObjectRef::Function { key }, _) => {
                    format!("function:{}", key.name.name)
                }
                (Action::Rename, _, Some(State::Table(t))) => t.name.name.clone(),
                (Action::Rename, _, Some(State::View(v))) => v.name.name.clone(),
                _ => continue,
            };
            self.ever.insert(name);
        }
    }
}

/// After "taken to exist already": tables and their columns have rows.
const ROWS: &str = ", with rows";

fn type_known(replay: &Replay, name: &QualifiedName) -> bool {
    replay
        .catalog
        .types
        .keys()
        .any(|k| k.name == name.name && name.schema.as_ref().is_none_or(|s| *s == k.schema))
}

fn stub_view(name: &QualifiedName, materialized: bool) -> Stmt {
    Stmt::CreateView(CreateView {
        name: name.clone(),
        or_replace: false,
        materialized,
        temporary: false,
        if_not_exists: false,
        columns: Vec::new(),
        query: QueryInfo {
            sql: "SELECT".to_owned(),
            relations: Vec::new(),
            columns: Vec::new(),
            column_refs: Vec::new(),
            aliases: Vec::new(),
            output_columns: Some(Vec::new()),
        },
        with_data: true,
    })
}

/// A function with the argument types the statement names (none when it
/// names none); its body is unknown.
fn stub_function(f: &FunctionRef) -> Stmt {
    let args: Vec<FunctionArg> = f
        .arg_types
        .iter()
        .flatten()
        .map(|t| FunctionArg {
            mode: "in".to_owned(),
            name: None,
            data_type: t.clone(),
            default: None,
        })
        .collect();
    let list: Vec<String> = args.iter().map(|a| a.data_type.to_sql()).collect();
    Stmt::CreateFunction(CreateFunction {
        name: f.name.clone(),
        kind: RoutineKind::Function,
        or_replace: false,
        definition: format!(
            "CREATE FUNCTION {}({}) RETURNS void LANGUAGE sql AS ''",
            f.name,
            list.join(", ")
        ),
        args,
        returns: Some("void".to_owned()),
        language: Some("sql".to_owned()),
        body: None,
        volatility: None,
    })
}

/// An enum holding the one value the statement names, or a type of which
/// nothing is known.
fn stub_type(name: &QualifiedName, value: Option<&String>) -> Stmt {
    Stmt::CreateType(CreateType {
        name: name.clone(),
        definition: match value {
            Some(v) => TypeDefinition::Enum {
                values: vec![v.clone()],
            },
            None => TypeDefinition::Other,
        },
    })
}

fn stub_column(name: &str) -> ColumnDef {
    ColumnDef {
        name: name.to_owned(),
        // The real type is unknown; a name no real type has keeps every
        // type comparison honest (a change from it counts as a rewrite).
        data_type: TypeName::simple(crate::rules::ASSUMED_TYPE),
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
            // A foreign key to the table being created is no reference to
            // an existing one.
            out.retain(|(t, _)| t.name != ct.name.name);
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

#[cfg(test)]
mod tests {
    use crate::lint::{LintOptions, lint};
    use crate::source::{Discovery, Layout, single};
    use std::path::PathBuf;
    use std::sync::Arc;

    fn codes(sql: &str) -> Vec<(&'static str, String)> {
        let m = single(PathBuf::from("lone.sql"), Arc::from(sql));
        let discovery = Discovery {
            layout: Layout::Plain,
            migrations: vec![m],
            findings: Vec::new(),
        };
        match lint(discovery, &LintOptions::default()) {
            Ok(r) => r
                .findings
                .into_iter()
                .map(|f| (f.code, f.message))
                .collect(),
            Err(e) => vec![("lint-error", e.to_string())],
        }
    }

    #[test]
    fn a_table_referencing_itself_is_not_assumed() {
        let found = codes(
            "CREATE TABLE nodes (id bigint PRIMARY KEY, parent_id bigint REFERENCES nodes (id));\n",
        );
        assert!(
            found
                .iter()
                .all(|(c, _)| *c != "assumed-existing" && *c != "duplicate-object"),
            "{found:?}"
        );
    }

    #[test]
    fn a_lone_file_may_drop_views_functions_types_and_schemas() {
        let found = codes(
            "DROP VIEW v;\nDROP FUNCTION f(int);\nDROP TYPE color;\n\
             ALTER TYPE mood RENAME VALUE 'sad' TO 'blue';\nDROP SCHEMA legacy;\n",
        );
        let hints: Vec<&str> = found
            .iter()
            .filter(|(c, _)| *c == "assumed-existing")
            .map(|(_, m)| m.split(" is not").next().unwrap_or(""))
            .collect();
        assert_eq!(
            hints,
            [
                "view v",
                "function f(integer)",
                "type color",
                "type mood",
                "schema legacy"
            ],
            "{found:?}"
        );
        assert!(
            found.iter().all(|(c, _)| *c != "missing-object"),
            "{found:?}"
        );
    }

    #[test]
    fn an_object_created_and_dropped_earlier_is_not_assumed() {
        let found = codes("CREATE VIEW v AS SELECT 1 AS one;\nDROP VIEW v;\nDROP VIEW v;\n");
        assert!(
            found.iter().any(|(c, _)| *c == "missing-object"),
            "{found:?}"
        );
    }
}
