//! Replay: apply statement summaries to a catalog the way PostgreSQL would,
//! and record what each statement changed.
//!
//! A statement that PostgreSQL would reject (a drop of a missing column, a
//! second table of the same name, a RESTRICT drop with dependents) changes
//! nothing and produces a finding at the statement's location; the replay
//! goes on. Names follow PostgreSQL: `search_path` for unqualified names,
//! generated names for unnamed constraints, indexes and sequences.

use super::catalog::*;
use super::change::{Action, Change, ObjectRef, State};
use super::names::{choose_name, column_addition};
use crate::diagnostic::{Finding, Location, Severity};
use crate::graph::{DependencyGraph, Node};
use crate::sql::ir::{self, QualifiedName, SqlExpr, Stmt, TypeName};
use crate::sql::rewrite::rename_identifier;
use std::cell::RefCell;
use std::rc::Rc;

/// What one statement did.
#[derive(Debug, Clone, Default)]
pub struct Effect {
    pub changes: Vec<Change>,
    pub findings: Vec<Finding>,
}

/// A catalog and the session state that replay needs (search_path).
#[derive(Debug, Clone)]
pub struct Replay {
    pub catalog: Catalog,
    search_path: Vec<String>,
    local_search_path: Option<Vec<String>>,
    /// The dependency graph, brought in step with `catalog` each time it is
    /// used (which costs what changed since). Shared by the copies of this
    /// replay (`clone`), which use it in turn; in a `RefCell` so readers
    /// (the classifier's impact) can sync it too.
    graph: Rc<RefCell<DependencyGraph>>,
    /// In a copy made by [`Replay::fork`]: the stamps of the catalog it was
    /// forked from, for as long as the copy has only taken objects away
    /// since. While the graph is still that catalog's, drops read it, less
    /// what is gone (see [`only_removes`]).
    fork_base: Option<Stamps>,
}

/// Per-statement working state: where we are and what happened.
struct Ctx<'a> {
    location: &'a Location,
    effect: Effect,
}

impl Ctx<'_> {
    fn finding(&mut self, code: &'static str, severity: Severity, message: String) {
        self.effect
            .findings
            .push(Finding::new(code, severity, self.location.clone(), message));
    }
    fn missing(&mut self, what: String) {
        self.finding(
            "missing-object",
            Severity::Error,
            format!("{what} does not exist at this point of the history; PostgreSQL rejects this statement"),
        );
    }
    fn duplicate(&mut self, what: String) {
        self.finding(
            "duplicate-object",
            Severity::Error,
            format!("{what} already exists at this point of the history; PostgreSQL rejects this statement"),
        );
    }
    fn change(
        &mut self,
        action: Action,
        object: ObjectRef,
        before: Option<State>,
        after: Option<State>,
    ) {
        self.effect.changes.push(Change {
            action,
            object,
            before,
            after,
        });
    }
}

impl Replay {
    /// A replay over an empty database with the given `search_path`.
    pub fn new(search_path: Vec<String>) -> Self {
        Replay {
            catalog: Catalog::new(),
            search_path,
            local_search_path: None,
            graph: Rc::default(),
            fork_base: None,
        }
    }

    /// A copy to replay a down script on. Like `clone`, it shares the
    /// objects and the dependency graph; unlike a clone, as long as its
    /// statements only take objects away (as most downs do), its drops
    /// find what goes with them in the graph of this replay's catalog,
    /// leaving out what the copy has already dropped, instead of bringing
    /// the shared graph in step with the copy and then back.
    pub fn fork(&self) -> Replay {
        let stamps = {
            let mut graph = self.graph.borrow_mut();
            graph.sync(&self.catalog);
            graph.stamps()
        };
        let mut copy = self.clone();
        copy.fork_base = Some(stamps);
        copy
    }

    /// Ends a transaction (or a migration): `SET LOCAL` settings lapse.
    pub fn end_transaction(&mut self) {
        self.local_search_path = None;
    }

    pub fn search_path(&self) -> &[String] {
        self.local_search_path
            .as_deref()
            .unwrap_or(&self.search_path)
    }

    /// Applies one statement.
    pub fn apply(&mut self, stmt: &Stmt, location: &Location) -> Effect {
        if self.fork_base.is_some() && !only_removes(stmt) {
            self.fork_base = None;
        }
        let mut ctx = Ctx {
            location,
            effect: Effect::default(),
        };
        self.apply_in(stmt, &mut ctx);
        ctx.effect
    }

    // ----- name resolution -------------------------------------------------

    /// The schema a new object goes into: the one named, or the first schema
    /// of the search_path that exists.
    fn creation_schema(&self, name: &QualifiedName) -> String {
        if let Some(s) = &name.schema {
            return s.clone();
        }
        self.search_path()
            .iter()
            .find(|s| self.catalog.schemas.contains_key(*s))
            .cloned()
            .unwrap_or_else(|| "public".to_owned())
    }

    fn target(&self, name: &QualifiedName) -> ObjectName {
        ObjectName::new(&self.creation_schema(name), &name.name)
    }

    /// Where a new relation goes: `pg_temp` for temporary ones.
    fn relation_target(&self, name: &QualifiedName, temporary: bool) -> ObjectName {
        if temporary {
            ObjectName::new(TEMP_SCHEMA, &name.name)
        } else {
            self.target(name)
        }
    }

    /// Schemas to look an unqualified name up in, in order.
    fn lookup_schemas<'a>(&'a self, name: &'a QualifiedName) -> Vec<&'a str> {
        match &name.schema {
            Some(s) => vec![s.as_str()],
            None => {
                // Temporary relations and types shadow everything else.
                let mut v: Vec<&str> = std::iter::once(TEMP_SCHEMA)
                    .chain(self.search_path().iter().map(String::as_str))
                    .collect();
                if v.len() == 1 {
                    // pg_dump clears search_path and qualifies everything; an
                    // unqualified name there can only mean public.
                    v.push("public");
                }
                v
            }
        }
    }

    /// Runs `f` on the dependency graph of the current catalog (synced to
    /// it first: the work is what changed since the graph last saw it).
    pub fn with_graph<R>(&self, f: impl FnOnce(&DependencyGraph) -> R) -> R {
        let mut graph = self.graph.borrow_mut();
        graph.sync(&self.catalog);
        f(&graph)
    }

    /// The relation `name` means under the current search_path.
    pub fn resolve_relation(&self, name: &QualifiedName) -> Option<(RelKind, Oid)> {
        self.lookup_schemas(name)
            .into_iter()
            .find_map(|s| self.catalog.relation_in(s, &name.name))
    }

    /// The table `name` means under the current search_path.
    pub fn resolve_table(&self, name: &QualifiedName) -> Option<Oid> {
        match self.resolve_relation(name) {
            Some((RelKind::Table, oid)) => Some(oid),
            _ => None,
        }
    }

    fn resolve_type(&self, name: &QualifiedName) -> Option<ObjectName> {
        self.lookup_schemas(name).into_iter().find_map(|s| {
            let n = ObjectName::new(s, &name.name);
            self.catalog.types.contains_key(&n).then_some(n)
        })
    }

    /// The user type `t` names under the current search_path; `None` for a
    /// built-in or unknown type.
    pub fn user_type(&self, t: &TypeName) -> Option<&UserType> {
        let name = QualifiedName::new(t.schema.as_deref(), &t.name);
        self.resolve_type(&name)
            .and_then(|n| self.catalog.types.get(&n))
    }

    /// Qualifies a user type's name with its schema, so that the model
    /// refers to it the way the catalog does; built-in types stay bare.
    fn resolve_type_name(&self, t: &TypeName) -> TypeName {
        let mut t = t.clone();
        if t.schema.as_deref() == Some("pg_catalog") {
            t.schema = None;
        } else if t.schema.is_none()
            && let Some(n) = self.resolve_type(&QualifiedName::unqualified(&t.name))
        {
            t.schema = Some(n.schema);
        }
        t
    }

    fn table_name(&self, oid: Oid) -> ObjectName {
        self.catalog
            .relation_name(oid)
            .cloned()
            .unwrap_or_else(|| ObjectName::new("?", "?"))
    }

    fn find_functions(&self, f: &ir::FunctionRef) -> Vec<FunctionKey> {
        let schemas = self.lookup_schemas(&f.name);
        let wanted: Option<Vec<String>> = f.arg_types.as_ref().map(|ts| {
            ts.iter()
                .map(|t| self.resolve_type_name(t).to_sql())
                .collect()
        });
        for s in schemas {
            let found: Vec<FunctionKey> = self
                .catalog
                .functions
                .keys()
                .filter(|k| k.name.schema == s && k.name.name == f.name.name)
                .filter(|k| wanted.as_ref().is_none_or(|w| &k.arg_types == w))
                .cloned()
                .collect();
            if !found.is_empty() {
                return found;
            }
        }
        Vec::new()
    }

    // ----- dispatch --------------------------------------------------------

    fn apply_in(&mut self, stmt: &Stmt, ctx: &mut Ctx) {
        match stmt {
            Stmt::CreateSchema {
                name,
                if_not_exists,
            } => {
                if self.catalog.schemas.contains_key(name) {
                    if !if_not_exists {
                        ctx.duplicate(format!("schema {name}"));
                    }
                    return;
                }
                let s = Schema {
                    name: name.clone(),
                    comment: None,
                };
                self.catalog.schemas.insert(name.clone(), s.clone());
                ctx.change(
                    Action::Create,
                    ObjectRef::Schema { name: name.clone() },
                    None,
                    Some(State::Schema(s)),
                );
            }
            Stmt::DropSchema {
                names,
                if_exists,
                cascade,
            } => {
                for n in names {
                    if !self.catalog.schemas.contains_key(n) {
                        if !if_exists {
                            ctx.missing(format!("schema {n}"));
                        }
                        continue;
                    }
                    self.drop_nodes(Node::Schema(n.clone()), *cascade, ctx);
                }
            }
            Stmt::RenameSchema { name, new_name } => self.rename_schema(name, new_name, ctx),
            Stmt::CreateTable(ct) => self.create_table(ct, ctx),
            Stmt::AlterTable(at) => self.alter_table(at, ctx),
            Stmt::DropTable {
                names,
                if_exists,
                cascade,
            } => self.drop_relations(names, RelKind::Table, *if_exists, *cascade, ctx),
            Stmt::CreateIndex(ci) => self.create_index(ci, ctx),
            Stmt::DropIndex {
                names,
                if_exists,
                cascade,
                ..
            } => {
                for n in names {
                    match self.resolve_relation(n) {
                        Some((RelKind::Index, oid)) => {
                            if let Some(con) = self
                                .catalog
                                .indexes
                                .get(&oid)
                                .and_then(|i| i.constraint.clone())
                            {
                                ctx.finding(
                                    "dependent-objects",
                                    Severity::Error,
                                    format!(
                                        "cannot drop index {n} because constraint {con} requires it; drop the constraint instead"
                                    ),
                                );
                                continue;
                            }
                            self.drop_nodes(Node::Index(oid), *cascade, ctx)
                        }
                        Some((kind, _)) => ctx.finding(
                            "wrong-object-type",
                            Severity::Error,
                            format!("{n} is a {}, not an index", kind.describe()),
                        ),
                        None if *if_exists => {}
                        None => ctx.missing(format!("index {n}")),
                    }
                }
            }
            Stmt::AlterIndex {
                name,
                if_exists,
                action,
            } => self.alter_index(name, *if_exists, action, ctx),
            Stmt::Reindex { .. } | Stmt::RefreshMaterializedView { .. } => {}
            Stmt::CreateView(cv) => self.create_view(cv, ctx),
            Stmt::DropView {
                names,
                materialized,
                if_exists,
                cascade,
            } => {
                let kind = if *materialized {
                    RelKind::MaterializedView
                } else {
                    RelKind::View
                };
                self.drop_relations(names, kind, *if_exists, *cascade, ctx)
            }
            Stmt::AlterView {
                name,
                if_exists,
                action,
                ..
            } => self.alter_view(name, *if_exists, action, ctx),
            Stmt::CreateSequence(cs) => self.create_sequence(cs, ctx),
            Stmt::AlterSequence(a) => self.alter_sequence(a, ctx),
            Stmt::DropSequence {
                names,
                if_exists,
                cascade,
            } => self.drop_relations(names, RelKind::Sequence, *if_exists, *cascade, ctx),
            Stmt::CreateType(ct) => self.create_type(ct, ctx),
            Stmt::AlterType(at) => self.alter_type(at, ctx),
            Stmt::DropType {
                names,
                if_exists,
                cascade,
                domain,
            } => {
                for n in names {
                    match self.resolve_type(n) {
                        Some(t) => self.drop_nodes(Node::Type(t), *cascade, ctx),
                        None if *if_exists => {}
                        None => {
                            ctx.missing(format!("{} {n}", if *domain { "domain" } else { "type" }))
                        }
                    }
                }
            }
            Stmt::CreateDomain(cd) => self.create_domain(cd, ctx),
            Stmt::AlterDomain { name, action } => self.alter_domain(name, action, ctx),
            Stmt::CreateFunction(cf) => self.create_function(cf, ctx),
            Stmt::AlterFunction { function, action } => self.alter_function(function, action, ctx),
            Stmt::DropFunction {
                functions,
                if_exists,
                cascade,
            } => {
                for f in functions {
                    let found = self.find_functions(f);
                    match found.as_slice() {
                        [] if *if_exists => {}
                        [] => ctx.missing(format!("function {}", f.name)),
                        [one] => self.drop_nodes(Node::Function(one.clone()), *cascade, ctx),
                        _ => ctx.finding(
                            "ambiguous-function",
                            Severity::Error,
                            format!(
                                "function name {} is not unique; name the argument types",
                                f.name
                            ),
                        ),
                    }
                }
            }
            Stmt::CreateTrigger(ct) => self.create_trigger(ct, ctx),
            Stmt::DropTrigger {
                name,
                table,
                if_exists,
                cascade,
            } => match self.resolve_table(table) {
                Some(oid)
                    if self
                        .catalog
                        .tables
                        .get(&oid)
                        .is_some_and(|t| t.triggers.iter().any(|tr| &tr.name == name)) =>
                {
                    self.drop_nodes(Node::Trigger(oid, name.clone()), *cascade, ctx)
                }
                _ if *if_exists => {}
                Some(_) => ctx.missing(format!("trigger {name} on table {table}")),
                None => ctx.missing(format!("table {table}")),
            },
            Stmt::AlterTrigger {
                name,
                table,
                new_name,
            } => {
                let Some(oid) = self.resolve_table(table) else {
                    return ctx.missing(format!("table {table}"));
                };
                let tname = self.table_name(oid);
                let Some(t) = self.catalog.tables.get_mut(&oid) else {
                    return;
                };
                if t.triggers.iter().any(|tr| &tr.name == new_name) {
                    return ctx.duplicate(format!("trigger {new_name} on table {tname}"));
                }
                match t.triggers.iter_mut().find(|tr| &tr.name == name) {
                    Some(tr) => {
                        let before = tr.clone();
                        tr.name = new_name.clone();
                        let after = tr.clone();
                        ctx.change(
                            Action::Rename,
                            ObjectRef::Trigger {
                                table: tname,
                                name: name.clone(),
                            },
                            Some(State::Trigger(before)),
                            Some(State::Trigger(after)),
                        );
                    }
                    None => ctx.missing(format!("trigger {name} on table {tname}")),
                }
            }
            Stmt::CreateExtension {
                name,
                if_not_exists,
                schema,
                version,
            } => {
                if self.catalog.extensions.contains_key(name) {
                    if !if_not_exists {
                        ctx.duplicate(format!("extension {name}"));
                    }
                    return;
                }
                let schema = schema
                    .clone()
                    .unwrap_or_else(|| self.creation_schema(&QualifiedName::unqualified(name)));
                let e = Extension {
                    name: name.clone(),
                    schema,
                    version: version.clone(),
                    comment: None,
                };
                self.catalog.extensions.insert(name.clone(), e.clone());
                ctx.change(
                    Action::Create,
                    ObjectRef::Extension { name: name.clone() },
                    None,
                    Some(State::Extension(e)),
                );
            }
            Stmt::DropExtension {
                names,
                if_exists,
                cascade,
            } => {
                for n in names {
                    if !self.catalog.extensions.contains_key(n) {
                        if !if_exists {
                            ctx.missing(format!("extension {n}"));
                        }
                        continue;
                    }
                    self.drop_nodes(Node::Extension(n.clone()), *cascade, ctx);
                }
            }
            Stmt::Comment { target, text } => self.comment(target, text.clone(), ctx),
            Stmt::Set { name, value, local } => {
                if name == "search_path" {
                    let path = value
                        .as_deref()
                        .map(parse_search_path)
                        .unwrap_or_else(|| vec!["public".to_owned()]);
                    if *local {
                        self.local_search_path = Some(path);
                    } else {
                        self.search_path = path;
                    }
                }
            }
            Stmt::Transaction(t) => {
                if matches!(
                    t,
                    ir::TransactionStmt::Commit | ir::TransactionStmt::Rollback
                ) {
                    self.end_transaction();
                }
            }
            Stmt::Dml(_)
            | Stmt::Truncate { .. }
            | Stmt::Lock { .. }
            | Stmt::Do { .. }
            | Stmt::Other { .. } => {}
        }
    }

    // ----- drops -----------------------------------------------------------

    /// DROP TABLE / VIEW / MATERIALIZED VIEW / SEQUENCE: each name must be a
    /// relation of `want`'s kind.
    fn drop_relations(
        &mut self,
        names: &[QualifiedName],
        want: RelKind,
        if_exists: bool,
        cascade: bool,
        ctx: &mut Ctx,
    ) {
        for n in names {
            match self.resolve_relation(n) {
                Some((kind, oid)) if kind == want => {
                    let node = match kind {
                        RelKind::Table => Node::Table(oid),
                        RelKind::View | RelKind::MaterializedView => Node::View(oid),
                        RelKind::Sequence => Node::Sequence(oid),
                        RelKind::Index => Node::Index(oid),
                    };
                    self.drop_nodes(node, cascade, ctx)
                }
                Some((kind, _)) => ctx.finding(
                    "wrong-object-type",
                    Severity::Error,
                    format!("{n} is a {}, not a {}", kind.describe(), want.describe()),
                ),
                None if if_exists => {}
                None => ctx.missing(format!("{} {n}", want.describe())),
            }
        }
    }

    /// Drops `root` and what goes with it, or refuses (RESTRICT with
    /// dependents) with a finding.
    fn drop_nodes(&mut self, root: Node, cascade: bool, ctx: &mut Ctx) {
        let on_base = self.fork_base.and_then(|base| {
            let graph = self.graph.borrow();
            (graph.stamps() == base)
                .then(|| graph.drop_set_among(&root, |n| crate::graph::exists(&self.catalog, n)))
        });
        let set = on_base.unwrap_or_else(|| self.with_graph(|graph| graph.drop_set(&root)));
        if !cascade && !set.dependents.is_empty() {
            let names: Vec<String> = set.dependents.iter().map(|n| self.describe(n)).collect();
            ctx.finding(
                "dependent-objects",
                Severity::Error,
                format!(
                    "cannot drop {} because other objects depend on it: {}; PostgreSQL needs CASCADE",
                    self.describe(&root),
                    names.join(", ")
                ),
            );
            return;
        }
        let mut all = set.owned;
        all.extend(set.dependents);
        self.remove_nodes(&all, ctx);
    }

    /// A node in words, for messages.
    fn describe(&self, node: &Node) -> String {
        crate::graph::describe(&self.catalog, node)
    }

    /// Removes nodes from the catalog, recording a change for each object
    /// that is not part of another removed object.
    fn remove_nodes(&mut self, nodes: &[Node], ctx: &mut Ctx) {
        let dropped_tables: Vec<Oid> = nodes
            .iter()
            .filter_map(|n| match n {
                Node::Table(o) => Some(*o),
                _ => None,
            })
            .collect();
        let part_of_dropped_table = |o: &Oid| dropped_tables.contains(o);
        // Sub-objects of tables first, then relations, then the rest.
        for n in nodes {
            match n {
                Node::Default(o, a) if !part_of_dropped_table(o) => {
                    let tname = self.table_name(*o);
                    if let Some(c) = self
                        .catalog
                        .tables
                        .get_mut(o)
                        .and_then(|t| t.columns.iter_mut().find(|c| c.attnum == *a))
                    {
                        let before = c.clone();
                        c.default = None;
                        let after = c.clone();
                        ctx.change(
                            Action::Alter,
                            ObjectRef::Column {
                                table: tname,
                                column: c.name.clone(),
                            },
                            Some(State::Column(before)),
                            Some(State::Column(after)),
                        );
                    }
                }
                Node::Trigger(o, name) if !part_of_dropped_table(o) => {
                    let tname = self.table_name(*o);
                    if let Some(t) = self.catalog.tables.get_mut(o)
                        && let Some(pos) = t.triggers.iter().position(|tr| &tr.name == name)
                    {
                        let tr = t.triggers.remove(pos);
                        ctx.change(
                            Action::Drop,
                            ObjectRef::Trigger {
                                table: tname,
                                name: name.clone(),
                            },
                            Some(State::Trigger(tr)),
                            None,
                        );
                    }
                }
                Node::Constraint(o, name) if !part_of_dropped_table(o) => {
                    let tname = self.table_name(*o);
                    if let Some(t) = self.catalog.tables.get_mut(o)
                        && let Some(pos) = t.constraints.iter().position(|c| &c.name == name)
                    {
                        let c = t.constraints.remove(pos);
                        ctx.change(
                            Action::Drop,
                            ObjectRef::Constraint {
                                table: tname,
                                name: name.clone(),
                            },
                            Some(State::Constraint(c)),
                            None,
                        );
                    }
                }
                _ => {}
            }
        }
        for n in nodes {
            match n {
                Node::Index(o) => {
                    let on_dropped = self
                        .catalog
                        .indexes
                        .get(o)
                        .is_some_and(|i| part_of_dropped_table(&i.table));
                    if let Some(i) = self.catalog.indexes.remove(o) {
                        self.catalog.unbind_name(&i.name, i.oid);
                        if !on_dropped {
                            ctx.change(
                                Action::Drop,
                                ObjectRef::Index {
                                    name: i.name.clone(),
                                },
                                Some(State::Index(i)),
                                None,
                            );
                        }
                    }
                }
                Node::Sequence(o) => {
                    let owned_by_dropped = self
                        .catalog
                        .sequences
                        .get(o)
                        .and_then(|s| s.owned_by)
                        .is_some_and(|(t, _)| part_of_dropped_table(&t));
                    if let Some(s) = self.catalog.sequences.remove(o) {
                        self.catalog.unbind_name(&s.name, s.oid);
                        if !owned_by_dropped {
                            ctx.change(
                                Action::Drop,
                                ObjectRef::Sequence {
                                    name: s.name.clone(),
                                },
                                Some(State::Sequence(s)),
                                None,
                            );
                        }
                    }
                }
                Node::View(o) => {
                    if let Some(v) = self.catalog.views.remove(o) {
                        self.catalog.unbind_name(&v.name, v.oid);
                        ctx.change(
                            Action::Drop,
                            ObjectRef::View {
                                name: v.name.clone(),
                            },
                            Some(State::View(Box::new(v))),
                            None,
                        );
                    }
                }
                Node::Column(o, a) if !part_of_dropped_table(o) => {
                    let tname = self.table_name(*o);
                    if let Some(t) = self.catalog.tables.get_mut(o)
                        && let Some(pos) = t.columns.iter().position(|c| c.attnum == *a)
                    {
                        let c = t.columns.remove(pos);
                        ctx.change(
                            Action::Drop,
                            ObjectRef::Column {
                                table: tname,
                                column: c.name.clone(),
                            },
                            Some(State::Column(c)),
                            None,
                        );
                    }
                }
                _ => {}
            }
        }
        for n in nodes {
            match n {
                Node::Table(o) => {
                    if let Some(t) = self.catalog.tables.remove(o) {
                        self.catalog.unbind_name(&t.name, t.oid);
                        ctx.change(
                            Action::Drop,
                            ObjectRef::Table {
                                name: t.name.clone(),
                            },
                            Some(State::Table(Box::new(t))),
                            None,
                        );
                    }
                }
                Node::Type(name) => {
                    if let Some(t) = self.catalog.types.remove(name) {
                        ctx.change(
                            Action::Drop,
                            ObjectRef::Type { name: name.clone() },
                            Some(State::Type(t)),
                            None,
                        );
                    }
                }
                Node::Function(k) => {
                    if let Some(f) = self.catalog.functions.remove(k) {
                        ctx.change(
                            Action::Drop,
                            ObjectRef::Function { key: k.clone() },
                            Some(State::Function(Box::new(f))),
                            None,
                        );
                    }
                }
                Node::Extension(e) => {
                    if let Some(x) = self.catalog.extensions.remove(e) {
                        ctx.change(
                            Action::Drop,
                            ObjectRef::Extension { name: e.clone() },
                            Some(State::Extension(x)),
                            None,
                        );
                    }
                }
                _ => {}
            }
        }
        for n in nodes {
            if let Node::Schema(s) = n
                && let Some(x) = self.catalog.schemas.remove(s)
            {
                ctx.change(
                    Action::Drop,
                    ObjectRef::Schema { name: s.clone() },
                    Some(State::Schema(x)),
                    None,
                );
            }
        }
    }

    fn rename_schema(&mut self, name: &str, new_name: &str, ctx: &mut Ctx) {
        if !self.catalog.schemas.contains_key(name) {
            return ctx.missing(format!("schema {name}"));
        }
        if self.catalog.schemas.contains_key(new_name) {
            return ctx.duplicate(format!("schema {new_name}"));
        }
        let moved = |n: &ObjectName| n.schema == name;
        let oids: Vec<Oid> = self
            .catalog
            .tables
            .values()
            .map(|t| (t.oid, &t.name))
            .chain(self.catalog.views.values().map(|v| (v.oid, &v.name)))
            .chain(self.catalog.sequences.values().map(|s| (s.oid, &s.name)))
            .chain(self.catalog.indexes.values().map(|i| (i.oid, &i.name)))
            .filter(|(_, n)| moved(n))
            .map(|(o, _)| o)
            .collect();
        for o in oids {
            if let Some(n) = self.catalog.relation_name(o).cloned() {
                self.catalog
                    .rename_relation(o, ObjectName::new(new_name, &n.name));
            }
        }
        let types: Vec<ObjectName> = self
            .catalog
            .types
            .keys()
            .filter(|n| moved(n))
            .cloned()
            .collect();
        for t in types {
            if let Some(mut ut) = self.catalog.types.remove(&t) {
                ut.name.schema = new_name.to_owned();
                self.catalog.types.insert(ut.name.clone(), ut);
            }
        }
        let funcs: Vec<FunctionKey> = self
            .catalog
            .functions
            .keys()
            .filter(|k| moved(&k.name))
            .cloned()
            .collect();
        for k in funcs {
            if let Some(mut f) = self.catalog.functions.remove(&k) {
                f.key.name.schema = new_name.to_owned();
                self.catalog.functions.insert(f.key.clone(), f);
            }
        }
        if let Some(mut s) = self.catalog.schemas.remove(name) {
            let before = s.clone();
            s.name = new_name.to_owned();
            self.catalog.schemas.insert(new_name.to_owned(), s.clone());
            ctx.change(
                Action::Rename,
                ObjectRef::Schema {
                    name: name.to_owned(),
                },
                Some(State::Schema(before)),
                Some(State::Schema(s)),
            );
        }
    }
}

/// Parses the value of `SET search_path` (`a, "B", public`).
fn parse_search_path(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty() && *s != "''" && *s != "\"\"")
        .map(|s| {
            if let Some(q) = s.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
                q.replace("\"\"", "\"")
            } else if let Some(q) = s.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')) {
                q.to_owned()
            } else {
                s.to_lowercase()
            }
        })
        .filter(|s| s != "$user")
        .collect()
}

/// Renames a column in an expression (not a function of that name).
fn rename_in(expr: &mut SqlExpr, old: &str, new: &str) {
    if expr.columns.iter().any(|c| c == old) {
        expr.sql = crate::sql::rewrite::rename_column(&expr.sql, old, new);
        for c in &mut expr.columns {
            if c == old {
                *c = new.to_owned();
            }
        }
    }
}

mod objects;
mod tables;

/// Whether `stmt` can only take objects (or parts of tables) away, never
/// add a dependency or change one: after such statements, the graph of the
/// catalog before them, less the objects gone, is the graph of the catalog
/// after them. Anything not known to be so counts as not.
fn only_removes(stmt: &Stmt) -> bool {
    use ir::AlterTableOp as Op;
    match stmt {
        Stmt::DropSchema { .. }
        | Stmt::DropTable { .. }
        | Stmt::DropIndex { .. }
        | Stmt::DropView { .. }
        | Stmt::DropSequence { .. }
        | Stmt::DropType { .. }
        | Stmt::DropFunction { .. }
        | Stmt::DropTrigger { .. }
        | Stmt::DropExtension { .. }
        | Stmt::Comment { .. }
        | Stmt::Set { .. }
        | Stmt::Transaction(_)
        | Stmt::Dml(_)
        | Stmt::Truncate { .. }
        | Stmt::Lock { .. } => true,
        Stmt::AlterTable(a) => a.ops.iter().all(|op| {
            matches!(
                op,
                Op::DropColumn { .. }
                    | Op::DropConstraint { .. }
                    | Op::DropDefault { .. }
                    | Op::DropNotNull { .. }
            )
        }),
        _ => false,
    }
}
