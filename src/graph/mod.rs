//! What depends on what in a schema model, as a petgraph graph.
//!
//! Edges point from a dependent object to the object it depends on, and carry
//! PostgreSQL's two kinds of dependency that matter for DROP: *auto* (the
//! dependent is part of what it depends on and goes with it: a table's
//! columns, indexes, constraints, triggers, owned sequences) and *normal*
//! (the drop needs CASCADE: views reading a table, foreign keys from other
//! tables, columns of a dropped type). The graph is built from a catalog and
//! never changes it.

mod edges;

use crate::model::catalog::{
    AttNum, Catalog, Extension, Function, FunctionKey, Index, ObjectName, Objects, Oid, Schema,
    Sequence, Stamp, Stamps, Table, UserType, View,
};
use edges::{Edges, Read, Unit};
use petgraph::Direction;
use petgraph::graph::{DiGraph, EdgeIndex, NodeIndex};
use petgraph::stable_graph::StableDiGraph;
use petgraph::visit::EdgeRef;
use rustc_hash::FxHashMap as HashMap;
use std::collections::{BTreeMap, BTreeSet, HashSet, VecDeque};
use std::sync::Arc;

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

/// The dependency graph of a catalog, kept up to date with it.
///
/// [`DependencyGraph::sync`] brings the graph in step with a catalog by
/// working out again only what changed since the last sync: the objects
/// the catalog no longer shares with the graph's snapshot (found by pointer,
/// see [`Objects`]), and the objects whose edges were read from them. A
/// graph can follow any catalog, each time at the cost of the difference;
/// a down replayed on a fork ([`crate::model::Replay::fork`]) that only
/// drops reads the graph of the schema it was forked from instead.
#[derive(Debug, Clone, Default)]
pub struct DependencyGraph {
    graph: StableDiGraph<Node, DepKind>,
    index: HashMap<Node, NodeIndex>,
    /// Each object's edges, and what they were read from.
    units: HashMap<Unit, Contribution>,
    /// The objects whose edges were read from a given object.
    readers: HashMap<Read, Vec<Unit>>,
    /// The objects as of the last sync.
    seen: Snapshot,
    /// The stamps of the catalog of the last sync.
    synced_to: Stamps,
}

#[derive(Debug, Clone, Default)]
struct Contribution {
    edges: Vec<EdgeIndex>,
    reads: Vec<Read>,
}

/// The catalog's objects as the graph last saw them: pointers shared with
/// the catalog, so any change there shows as a different pointer.
#[derive(Debug, Clone, Default)]
struct Snapshot {
    schemas: Seen<String, Schema>,
    extensions: Seen<String, Extension>,
    types: Seen<ObjectName, UserType>,
    functions: Seen<FunctionKey, Function>,
    sequences: Seen<Oid, Sequence>,
    tables: Seen<Oid, Table>,
    indexes: Seen<Oid, Index>,
    views: Seen<Oid, View>,
}

/// One kind of object as last seen, and the stamp of the map it was seen
/// in: when the catalog's map still has that stamp, nothing of that kind
/// changed.
#[derive(Debug, Clone)]
struct Seen<K, V> {
    objects: BTreeMap<K, Arc<V>>,
    stamp: Stamp,
}

impl<K, V> Default for Seen<K, V> {
    fn default() -> Self {
        Seen {
            objects: BTreeMap::new(),
            stamp: Stamp::default(),
        }
    }
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

/// Whether the object of `node` is in `catalog`.
pub fn exists(catalog: &Catalog, node: &Node) -> bool {
    let column = |o: &Oid, a: &AttNum| catalog.tables.get(o).and_then(|t| t.column_by_num(*a));
    let table = |o: &Oid| catalog.tables.get(o);
    match node {
        Node::Schema(s) => catalog.schemas.contains_key(s),
        Node::Extension(e) => catalog.extensions.contains_key(e),
        Node::Table(o) => catalog.tables.contains_key(o),
        Node::Column(o, a) => column(o, a).is_some(),
        Node::Default(o, a) => column(o, a).is_some_and(|c| c.default.is_some()),
        Node::Constraint(o, n) => {
            table(o).is_some_and(|t| t.constraints.iter().any(|c| &c.name == n))
        }
        Node::Index(o) => catalog.indexes.contains_key(o),
        Node::View(o) => catalog.views.contains_key(o),
        Node::Sequence(o) => catalog.sequences.contains_key(o),
        Node::Type(n) => catalog.types.contains_key(n),
        Node::Function(k) => catalog.functions.contains_key(k),
        Node::Trigger(o, n) => table(o).is_some_and(|t| t.triggers.iter().any(|tr| &tr.name == n)),
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
        let mut g = DependencyGraph::default();
        g.sync(catalog);
        g
    }

    /// The stamps of the catalog the graph was last synced to (see
    /// [`Catalog::stamps`]).
    pub fn stamps(&self) -> Stamps {
        self.synced_to
    }

    /// Brings the graph in step with `catalog`.
    pub fn sync(&mut self, catalog: &Catalog) {
        self.synced_to = catalog.stamps();
        // What changed, and the names others may have read it under.
        let mut touched: Vec<(Unit, Vec<Read>)> = Vec::new();
        let seen = &mut self.seen;
        changed(&mut seen.schemas, &catalog.schemas, |k, _, _| {
            touched.push((Unit::Schema(k.clone()), vec![]));
        });
        changed(&mut seen.extensions, &catalog.extensions, |k, _, _| {
            touched.push((Unit::Extension(k.clone()), vec![]));
        });
        changed(&mut seen.types, &catalog.types, |k, _, _| {
            touched.push((Unit::Type(k.clone()), vec![Read::Type(k.clone())]));
        });
        changed(&mut seen.functions, &catalog.functions, |k, _, _| {
            let read = Read::FunctionName(k.name.clone());
            touched.push((Unit::Function(k.clone()), vec![read]));
        });
        changed(&mut seen.sequences, &catalog.sequences, |k, old, new| {
            let reads = edges::relation_reads(*k, old.map(|s| &s.name), new.map(|s| &s.name));
            touched.push((Unit::Sequence(*k), reads));
        });
        changed(&mut seen.indexes, &catalog.indexes, |k, old, new| {
            let reads = edges::relation_reads(*k, old.map(|i| &i.name), new.map(|i| &i.name));
            touched.push((Unit::Index(*k), reads));
        });
        changed(&mut seen.tables, &catalog.tables, |k, old, new| {
            touched.push((Unit::Table(*k), edges::table_reads(*k, old, new)));
        });
        changed(&mut seen.views, &catalog.views, |k, old, new| {
            let reads = edges::relation_reads(*k, old.map(|v| &v.name), new.map(|v| &v.name));
            touched.push((Unit::View(*k), reads));
        });
        if touched.is_empty() {
            return;
        }
        let mut dirty: BTreeSet<Unit> = BTreeSet::new();
        for (unit, reads) in touched {
            for r in &reads {
                if let Some(units) = self.readers.get(r) {
                    dirty.extend(units.iter().cloned());
                }
            }
            dirty.insert(unit);
        }
        // Nodes that lose edges are removed only once the new edges are in,
        // if still bare: most get theirs back.
        let mut loose = Vec::new();
        let mut work = Edges::default();
        for unit in dirty {
            work.clear();
            let exists = edges::contribution(catalog, &unit, &mut work);
            self.rework(unit, exists, &mut work, &mut loose);
        }
        for i in loose {
            self.release(i);
        }
    }

    /// Replaces a unit's edges with `work`'s (none when the object no
    /// longer `exists`), leaving in place the edges that stay: removing
    /// an edge walks its nodes' edge lists, which for a schema holds an
    /// edge from every object in it. Nodes that lose edges go to `loose`.
    fn rework(&mut self, unit: Unit, exists: bool, work: &mut Edges, loose: &mut Vec<NodeIndex>) {
        let old = self.units.remove(&unit).unwrap_or_default();
        if !exists {
            // Gone: no edges, and it reads nothing any more.
            work.clear();
        }
        let mut new: Vec<(NodeIndex, NodeIndex, DepKind)> = Vec::with_capacity(work.edges.len());
        for (a, b, kind) in work.edges.drain(..) {
            let a = self.node(a);
            let b = self.node(b);
            new.push((a, b, kind));
        }
        let key = |&(a, b, kind): &(NodeIndex, NodeIndex, DepKind)| (a, b, kind == DepKind::Auto);
        new.sort_unstable_by_key(key);
        let mut had: Vec<((NodeIndex, NodeIndex, DepKind), EdgeIndex)> = old
            .edges
            .iter()
            .filter_map(|&e| {
                let (a, b) = self.graph.edge_endpoints(e)?;
                Some(((a, b, *self.graph.edge_weight(e)?), e))
            })
            .collect();
        had.sort_unstable_by_key(|(k, _)| key(k));
        // Walk both sorted lists: keep the edges in both, drop the old
        // ones only, add the new ones only.
        let mut kept = Vec::with_capacity(new.len());
        let mut had = had.into_iter().peekable();
        for n in new {
            while let Some(&(h, e)) = had.peek() {
                if key(&h) < key(&n) {
                    self.graph.remove_edge(e);
                    loose.extend([h.0, h.1]);
                    had.next();
                } else {
                    break;
                }
            }
            match had.peek() {
                Some(&(h, e)) if key(&h) == key(&n) => {
                    kept.push(e);
                    had.next();
                }
                _ => kept.push(self.graph.add_edge(n.0, n.1, n.2)),
            }
        }
        for (h, e) in had {
            self.graph.remove_edge(e);
            loose.extend([h.0, h.1]);
        }
        work.reads.sort_unstable();
        work.reads.dedup();
        if work.reads != old.reads {
            for r in &old.reads {
                if let Some(units) = self.readers.get_mut(r) {
                    units.retain(|u| *u != unit);
                    if units.is_empty() {
                        self.readers.remove(r);
                    }
                }
            }
            for r in &work.reads {
                self.readers
                    .entry(r.clone())
                    .or_default()
                    .push(unit.clone());
            }
        }
        if let Unit::Schema(s) = &unit {
            let i = self.node(Node::Schema(s.clone()));
            if !exists {
                loose.push(i);
            }
        }
        if exists {
            let reads = std::mem::take(&mut work.reads);
            self.units.insert(unit, Contribution { edges: kept, reads });
        }
    }

    /// Removes a node that no edge touches any more, unless it is a schema
    /// that exists.
    fn release(&mut self, i: NodeIndex) {
        if self.graph.neighbors_undirected(i).next().is_some() {
            return;
        }
        let Some(node) = self.graph.node_weight(i) else {
            return;
        };
        if let Node::Schema(s) = node
            && self.units.contains_key(&Unit::Schema(s.clone()))
        {
            return;
        }
        if let Some(node) = self.graph.remove_node(i) {
            self.index.remove(&node);
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

    /// The graph as a sorted list of edges and of nodes without edges, for
    /// comparing two graphs.
    pub fn canonical(&self) -> (Vec<(Node, Node, bool)>, Vec<Node>) {
        let mut edges: Vec<(Node, Node, bool)> = self
            .graph
            .edge_indices()
            .filter_map(|e| {
                let (a, b) = self.graph.edge_endpoints(e)?;
                let kind = *self.graph.edge_weight(e)?;
                Some((
                    self.graph[a].clone(),
                    self.graph[b].clone(),
                    kind == DepKind::Auto,
                ))
            })
            .collect();
        edges.sort();
        edges.dedup();
        let mut nodes: Vec<Node> = self.graph.node_weights().cloned().collect();
        nodes.sort();
        (edges, nodes)
    }

    /// What dropping `root` takes with it: its own parts, and the objects
    /// that need CASCADE.
    pub fn drop_set(&self, root: &Node) -> DropSet {
        self.drop_set_among(root, |_| true)
    }

    /// [`DependencyGraph::drop_set`] among the nodes `keep` accepts: the
    /// others are neither in the set nor passed through.
    pub fn drop_set_among(&self, root: &Node, keep: impl Fn(&Node) -> bool) -> DropSet {
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
                let s = e.source();
                if *e.weight() == DepKind::Auto && !owned.contains(&s) && keep(&self.graph[s]) {
                    owned.insert(s);
                    queue.push_back(s);
                }
            }
        }
        // Everything else that depends on any part, transitively.
        let mut all = owned.clone();
        let mut queue: VecDeque<NodeIndex> = owned.iter().copied().collect();
        let mut dependents = Vec::new();
        while let Some(n) = queue.pop_front() {
            for e in self.graph.edges_directed(n, Direction::Incoming) {
                let s = e.source();
                if !all.contains(&s) && keep(&self.graph[s]) {
                    all.insert(s);
                    dependents.push(s);
                    queue.push_back(s);
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

/// Walks a snapshot map and the catalog's map of the same objects side by
/// side, calls `on` with the key, the object as it was and as it is, for
/// every object added, removed or changed (a different pointer), and brings
/// the snapshot up to date.
fn changed<K: Ord + Clone, V: Clone>(
    seen: &mut Seen<K, V>,
    now: &Objects<K, V>,
    mut on: impl FnMut(&K, Option<&V>, Option<&V>),
) {
    if now.stamp() == seen.stamp {
        return;
    }
    seen.stamp = now.stamp();
    let seen = &mut seen.objects;
    let mut gone: Vec<K> = Vec::new();
    let mut came: Vec<(K, Arc<V>)> = Vec::new();
    let mut a = seen.iter().peekable();
    let mut b = now.shared().peekable();
    loop {
        let order = match (a.peek(), b.peek()) {
            (Some((ka, _)), Some((kb, _))) => ka.cmp(kb),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => break,
        };
        match order {
            std::cmp::Ordering::Less => {
                if let Some((k, old)) = a.next() {
                    on(k, Some(old), None);
                    gone.push(k.clone());
                }
            }
            std::cmp::Ordering::Greater => {
                if let Some((k, new)) = b.next() {
                    on(k, None, Some(new));
                    came.push((k.clone(), Arc::clone(new)));
                }
            }
            std::cmp::Ordering::Equal => {
                if let (Some((k, old)), Some((_, new))) = (a.next(), b.next())
                    && !Arc::ptr_eq(old, new)
                {
                    on(k, Some(old), Some(new));
                    came.push((k.clone(), Arc::clone(new)));
                }
            }
        }
    }
    for k in gone {
        seen.remove(&k);
    }
    seen.extend(came);
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
