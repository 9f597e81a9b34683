//! What depends on what in a schema model, as a petgraph graph.
//!
//! Edges point from a dependent object to the object it depends on, and carry
//! PostgreSQL's two kinds of dependency that matter for DROP: *auto* (the
//! dependent is part of what it depends on and goes with it: a table's
//! columns, indexes, constraints, triggers, owned sequences) and *normal*
//! (the drop needs CASCADE: views reading a table, foreign keys from other
//! tables, columns of a dropped type). The graph is built from a catalog and
//! never changes it.

use crate::model::catalog::{
    AttNum, Catalog, ConstraintDef, FunctionKey, ObjectName, Oid, RelKind, TypeKind,
};
use petgraph::Direction;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::stable_graph::StableDiGraph;
use petgraph::visit::EdgeRef;
use rustc_hash::FxHashMap as HashMap;
use std::collections::{HashSet, VecDeque};

/// A schema object, as a node of the graph.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Node {
    Schema(String),
    Extension(String),
    Table(Oid),
    Column(Oid, AttNum),
    /// A column's default expression (separate so a sequence or function it
    /// uses can take the default away with CASCADE).
    Default(Oid, AttNum),
    Constraint(Oid, String),
    Index(Oid),
    View(Oid),
    Sequence(Oid),
    Type(ObjectName),
    Function(FunctionKey),
    Trigger(Oid, String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DepKind {
    Auto,
    Normal,
}

/// The dependency graph of one catalog.
#[derive(Debug, Clone)]
pub struct DependencyGraph {
    // Stable indices: dropped objects are removed in place, so a run of
    // drops does not rebuild the graph of the whole schema each time.
    graph: StableDiGraph<Node, DepKind>,
    index: HashMap<Node, NodeIndex>,
}

/// A node in words, for messages: `column public.users.email`.
pub fn describe(catalog: &Catalog, node: &Node) -> String {
    let rel = |o: &Oid| {
        catalog
            .relation_name(*o)
            .map_or_else(|| format!("#{o}"), ToString::to_string)
    };
    let col = |o: &Oid, a: &AttNum| {
        catalog
            .tables
            .get(o)
            .map_or("?", |t| t.column_name(*a))
            .to_owned()
    };
    match node {
        Node::Schema(s) => format!("schema {s}"),
        Node::Extension(e) => format!("extension {e}"),
        Node::Table(o) => format!("table {}", rel(o)),
        Node::Column(o, a) => format!("column {}.{}", rel(o), col(o, a)),
        Node::Default(o, a) => format!("default of column {}.{}", rel(o), col(o, a)),
        Node::Constraint(o, n) => format!("constraint {n} on {}", rel(o)),
        Node::Index(o) => format!("index {}", rel(o)),
        Node::View(o) => format!("view {}", rel(o)),
        Node::Sequence(o) => format!("sequence {}", rel(o)),
        Node::Type(n) => format!("type {n}"),
        Node::Function(k) => format!("function {k}"),
        Node::Trigger(o, n) => format!("trigger {n} on {}", rel(o)),
    }
}

/// What dropping an object takes with it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DropSet {
    /// The object and the parts that go with it without CASCADE.
    pub owned: Vec<Node>,
    /// Objects that go only with CASCADE (RESTRICT refuses the drop).
    pub dependents: Vec<Node>,
}

impl DependencyGraph {
    pub fn build(catalog: &Catalog) -> Self {
        let mut g = DependencyGraph {
            graph: StableDiGraph::default(),
            index: HashMap::default(),
        };
        g.add_catalog(catalog);
        g
    }

    /// Forgets objects that were removed from the catalog, with their
    /// edges, so the graph stays that of the catalog after the removal.
    pub fn remove(&mut self, nodes: &[Node]) {
        for n in nodes {
            if let Some(i) = self.index.remove(n) {
                self.graph.remove_node(i);
            }
        }
    }

    fn node(&mut self, node: Node) -> NodeIndex {
        if let Some(&i) = self.index.get(&node) {
            return i;
        }
        let i = self.graph.add_node(node.clone());
        self.index.insert(node, i);
        i
    }

    fn edge(&mut self, dependent: Node, on: Node, kind: DepKind) {
        let a = self.node(dependent);
        let b = self.node(on);
        self.graph.add_edge(a, b, kind);
    }

    fn add_catalog(&mut self, catalog: &Catalog) {
        let type_node = |catalog: &Catalog, t: &crate::sql::ir::TypeName| {
            let schema = t.schema.clone()?;
            let name = ObjectName::new(&schema, &t.name);
            catalog
                .types
                .contains_key(&name)
                .then_some(Node::Type(name))
        };
        for s in catalog.schemas.keys() {
            self.node(Node::Schema(s.clone()));
        }
        for e in catalog.extensions.values() {
            self.edge(
                Node::Extension(e.name.clone()),
                Node::Schema(e.schema.clone()),
                DepKind::Normal,
            );
        }
        for t in catalog.types.values() {
            let me = Node::Type(t.name.clone());
            self.edge(
                me.clone(),
                Node::Schema(t.name.schema.clone()),
                DepKind::Normal,
            );
            let used: Vec<&crate::sql::ir::TypeName> = match &t.kind {
                TypeKind::Composite { attributes } => attributes.iter().map(|(_, t)| t).collect(),
                TypeKind::Domain { base, .. } => vec![base],
                TypeKind::Range { subtype } => vec![subtype],
                _ => vec![],
            };
            for u in used {
                if let Some(n) = type_node(catalog, u) {
                    self.edge(me.clone(), n, DepKind::Normal);
                }
            }
        }
        for f in catalog.functions.values() {
            self.edge(
                Node::Function(f.key.clone()),
                Node::Schema(f.key.name.schema.clone()),
                DepKind::Normal,
            );
        }
        for s in catalog.sequences.values() {
            let me = Node::Sequence(s.oid);
            self.edge(
                me.clone(),
                Node::Schema(s.name.schema.clone()),
                DepKind::Normal,
            );
            if let Some((t, a)) = s.owned_by {
                self.edge(me, Node::Column(t, a), DepKind::Auto);
            }
        }
        for t in catalog.tables.values() {
            let me = Node::Table(t.oid);
            self.edge(
                me.clone(),
                Node::Schema(t.name.schema.clone()),
                DepKind::Normal,
            );
            if let Some((parent, _)) = &t.partition_of {
                self.edge(me.clone(), Node::Table(*parent), DepKind::Auto);
            }
            for p in &t.inherits {
                self.edge(me.clone(), Node::Table(*p), DepKind::Normal);
            }
            for c in &t.columns {
                let col = Node::Column(t.oid, c.attnum);
                self.edge(col.clone(), me.clone(), DepKind::Auto);
                if let Some(n) = type_node(catalog, &c.data_type) {
                    self.edge(col.clone(), n, DepKind::Normal);
                }
                if let Some(d) = &c.default {
                    let def = Node::Default(t.oid, c.attnum);
                    self.edge(def.clone(), col.clone(), DepKind::Auto);
                    if let Some((schema, name)) = nextval_target(&d.sql) {
                        let schemas = match &schema {
                            Some(s) => vec![s.as_str()],
                            None => vec![t.name.schema.as_str(), "public"],
                        };
                        let found = schemas.into_iter().find_map(|s| {
                            match catalog.relation(&ObjectName::new(s, &name)) {
                                Some((RelKind::Sequence, oid)) => Some(oid),
                                _ => None,
                            }
                        });
                        if let Some(oid) = found {
                            self.edge(def.clone(), Node::Sequence(oid), DepKind::Normal);
                        }
                    }
                }
                if let Some((_, seq)) = c.identity {
                    self.edge(Node::Sequence(seq), col.clone(), DepKind::Auto);
                }
                if let Some(g) = &c.generated {
                    for other in &t.columns {
                        if other.attnum != c.attnum && g.columns.contains(&other.name) {
                            self.edge(
                                col.clone(),
                                Node::Column(t.oid, other.attnum),
                                DepKind::Auto,
                            );
                        }
                    }
                }
            }
            for con in &t.constraints {
                let me_c = Node::Constraint(t.oid, con.name.clone());
                self.edge(me_c.clone(), me.clone(), DepKind::Auto);
                let own_cols: Vec<AttNum> = match &con.kind {
                    ConstraintDef::PrimaryKey {
                        columns, include, ..
                    }
                    | ConstraintDef::Unique {
                        columns, include, ..
                    } => columns.iter().chain(include).copied().collect(),
                    ConstraintDef::ForeignKey { columns, .. } => columns.clone(),
                    ConstraintDef::Check { expr, .. } => t
                        .columns
                        .iter()
                        .filter(|c| expr.columns.contains(&c.name))
                        .map(|c| c.attnum)
                        .collect(),
                    ConstraintDef::Exclusion {
                        elements, include, ..
                    } => t
                        .columns
                        .iter()
                        .filter(|c| elements.iter().any(|(e, _)| e.columns.contains(&c.name)))
                        .map(|c| c.attnum)
                        .chain(include.iter().copied())
                        .collect(),
                    ConstraintDef::NotNull { column } => vec![*column],
                };
                for a in own_cols {
                    self.edge(me_c.clone(), Node::Column(t.oid, a), DepKind::Auto);
                }
                if let ConstraintDef::ForeignKey {
                    ref_table,
                    ref_columns,
                    ..
                } = &con.kind
                {
                    for a in ref_columns {
                        self.edge(me_c.clone(), Node::Column(*ref_table, *a), DepKind::Normal);
                    }
                    // The foreign key rests on the unique index of the
                    // referenced columns.
                    if let Some(rt) = catalog.tables.get(ref_table) {
                        for rc in &rt.constraints {
                            let cols = match &rc.kind {
                                ConstraintDef::PrimaryKey { columns, .. }
                                | ConstraintDef::Unique { columns, .. } => columns,
                                _ => continue,
                            };
                            if same_set(cols, ref_columns) {
                                self.edge(
                                    me_c.clone(),
                                    Node::Constraint(*ref_table, rc.name.clone()),
                                    DepKind::Normal,
                                );
                                break;
                            }
                        }
                    }
                }
            }
            for tr in &t.triggers {
                let me_t = Node::Trigger(t.oid, tr.name.clone());
                self.edge(me_t.clone(), me.clone(), DepKind::Auto);
                for f in catalog.functions.keys() {
                    if f.name == tr.function && f.arg_types.is_empty() {
                        self.edge(me_t.clone(), Node::Function(f.clone()), DepKind::Normal);
                    }
                }
            }
        }
        for i in catalog.indexes.values() {
            let me = Node::Index(i.oid);
            let on = if catalog.views.contains_key(&i.table) {
                Node::View(i.table)
            } else {
                Node::Table(i.table)
            };
            self.edge(me.clone(), on, DepKind::Auto);
            if let Some(con) = &i.constraint {
                self.edge(
                    me.clone(),
                    Node::Constraint(i.table, con.clone()),
                    DepKind::Auto,
                );
            }
            if let Some(t) = catalog.tables.get(&i.table) {
                let mut cols: HashSet<AttNum> = i.include.iter().copied().collect();
                for k in &i.keys {
                    if let Some(a) = k.column {
                        cols.insert(a);
                    }
                    if let Some(e) = &k.expr {
                        cols.extend(
                            t.columns
                                .iter()
                                .filter(|c| e.columns.contains(&c.name))
                                .map(|c| c.attnum),
                        );
                    }
                }
                if let Some(p) = &i.predicate {
                    cols.extend(
                        t.columns
                            .iter()
                            .filter(|c| p.columns.contains(&c.name))
                            .map(|c| c.attnum),
                    );
                }
                for a in cols {
                    self.edge(me.clone(), Node::Column(i.table, a), DepKind::Auto);
                }
            }
        }
        for v in catalog.views.values() {
            let me = Node::View(v.oid);
            self.edge(
                me.clone(),
                Node::Schema(v.name.schema.clone()),
                DepKind::Normal,
            );
            for r in &v.reads {
                if catalog.views.contains_key(r) {
                    self.edge(me.clone(), Node::View(*r), DepKind::Normal);
                } else if catalog.tables.contains_key(r) {
                    self.edge(me.clone(), Node::Table(*r), DepKind::Normal);
                }
            }
            for (t, a) in &v.read_columns {
                if catalog
                    .tables
                    .get(t)
                    .is_some_and(|t| t.column_by_num(*a).is_some())
                {
                    self.edge(me.clone(), Node::Column(*t, *a), DepKind::Normal);
                }
            }
        }
    }

    /// What dropping `root` takes with it: its own parts, and the objects
    /// that need CASCADE.
    pub fn drop_set(&self, root: &Node) -> DropSet {
        let Some(&start) = self.index.get(root) else {
            return DropSet {
                owned: vec![root.clone()],
                dependents: vec![],
            };
        };
        // Parts: reachable from the root through auto edges only.
        let mut owned: HashSet<NodeIndex> = HashSet::from([start]);
        let mut queue = VecDeque::from([start]);
        while let Some(n) = queue.pop_front() {
            for e in self.graph.edges_directed(n, Direction::Incoming) {
                if *e.weight() == DepKind::Auto && owned.insert(e.source()) {
                    queue.push_back(e.source());
                }
            }
        }
        // Everything else that depends on any part, transitively.
        let mut all = owned.clone();
        let mut queue: VecDeque<NodeIndex> = owned.iter().copied().collect();
        let mut dependents = Vec::new();
        while let Some(n) = queue.pop_front() {
            for e in self.graph.edges_directed(n, Direction::Incoming) {
                if all.insert(e.source()) {
                    dependents.push(e.source());
                    queue.push_back(e.source());
                }
            }
        }
        let mut owned: Vec<Node> = owned.into_iter().map(|i| self.graph[i].clone()).collect();
        owned.sort();
        let mut dependents: Vec<Node> = dependents
            .into_iter()
            .map(|i| self.graph[i].clone())
            .collect();
        dependents.sort();
        DropSet { owned, dependents }
    }

    /// Views in an order where each comes after the views it reads.
    pub fn views_in_dependency_order(catalog: &Catalog) -> Vec<Oid> {
        let mut g: DiGraph<Oid, ()> = DiGraph::new();
        let mut idx = HashMap::default();
        for (&oid, _) in catalog.views.iter() {
            idx.insert(oid, g.add_node(oid));
        }
        for v in catalog.views.values() {
            for r in &v.reads {
                if let (Some(&a), Some(&b)) = (idx.get(r), idx.get(&v.oid))
                    && a != b
                {
                    g.add_edge(a, b, ());
                }
            }
        }
        match petgraph::algo::toposort(&g, None) {
            Ok(order) => order.into_iter().map(|i| g[i]).collect(),
            // A cycle cannot exist in PostgreSQL; fall back to name order.
            Err(_) => catalog.views.keys().copied().collect(),
        }
    }
}

fn same_set(a: &[AttNum], b: &[AttNum]) -> bool {
    a.len() == b.len() && a.iter().all(|x| b.contains(x))
}

/// The sequence a default's `nextval('...')` names: its schema, if written,
/// and its name (folded as regclass input is).
pub fn nextval_target(sql: &str) -> Option<(Option<String>, String)> {
    let at = sql.to_ascii_lowercase().find("nextval(")?;
    let rest = sql.get(at + "nextval(".len()..)?.trim_start();
    let literal = rest.strip_prefix('\'')?;
    let end = literal.find('\'')?;
    let text = &literal[..end];
    let parts: Vec<String> = split_regclass(text);
    match parts.as_slice() {
        [name] => Some((None, name.clone())),
        [schema, name] => Some((Some(schema.clone()), name.clone())),
        [.., schema, name] => Some((Some(schema.clone()), name.clone())),
        [] => None,
    }
}

/// `a."B".c` as regclass input reads it: dotted parts, quoted ones kept,
/// others folded to lower case.
fn split_regclass(text: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                cur.push('"');
            }
            '"' => quoted = !quoted,
            '.' if !quoted => parts.push(std::mem::take(&mut cur)),
            c if quoted => cur.push(c),
            c => cur.push(c.to_ascii_lowercase()),
        }
    }
    parts.push(cur);
    parts
}

/// Whether a default expression calls `nextval` on `seq` (spelled qualified
/// or not).
pub fn default_uses_sequence(sql: &str, seq: &ObjectName) -> bool {
    nextval_target(sql)
        .is_some_and(|(schema, name)| name == seq.name && schema.is_none_or(|s| s == seq.schema))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nextval_targets_are_read_like_regclass() {
        assert_eq!(
            nextval_target("nextval('public.users_id_seq'::regclass)"),
            Some((Some("public".into()), "users_id_seq".into()))
        );
        assert_eq!(
            nextval_target("NEXTVAL('Users_Seq')"),
            Some((None, "users_seq".into()))
        );
        assert_eq!(
            nextval_target(r#"nextval('"App"."My.Seq"'::regclass)"#),
            Some((Some("App".into()), "My.Seq".into()))
        );
        assert_eq!(nextval_target("now()"), None);
    }
}
