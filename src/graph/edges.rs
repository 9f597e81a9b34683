//! The edges each catalog object puts in the dependency graph, and what
//! else in the catalog they were worked out from.
//!
//! An object (a [`Unit`]: a table with its columns, defaults, constraints
//! and triggers; an index; a view; a sequence; a type; a function; an
//! extension; a schema) contributes the edges that start at it or its
//! parts. Some depend on other objects too (a column's edge to its type
//! exists only if the type does; a foreign key rests on the referenced
//! table's unique constraint): each such lookup is recorded as a [`Read`],
//! so the graph knows which contributions to work out again when the
//! object read changes.

use super::{DepKind, Node, nextval_target, same_set};
use crate::model::catalog::{
    AttNum, Catalog, ConstraintDef, FunctionKey, ObjectName, Oid, RelKind, Table, TypeKind,
};
use crate::sql::ir::TypeName;
use std::collections::HashSet;

/// A catalog object that contributes edges.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(super) enum Unit {
    Schema(String),
    Extension(String),
    Type(ObjectName),
    Function(FunctionKey),
    Sequence(Oid),
    Table(Oid),
    Index(Oid),
    View(Oid),
}

/// Something a contribution looked up besides its own object.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(super) enum Read {
    /// Whether a table or view with this oid exists, and which it is.
    Relation(Oid),
    /// Whether table `oid` has a column with this number.
    Column(Oid, AttNum),
    /// Which column of table `oid`, if any, has this name.
    ColumnName(Oid, String),
    /// Table `oid`'s primary key and unique constraints: names and columns.
    Keys(Oid),
    /// Which relation, if any, has this name.
    RelationName(ObjectName),
    /// Whether this type exists.
    Type(ObjectName),
    /// The functions with this name (any arguments).
    FunctionName(ObjectName),
}

/// One unit's contribution, being worked out.
#[derive(Debug, Default)]
pub(super) struct Edges {
    pub edges: Vec<(Node, Node, DepKind)>,
    pub reads: Vec<Read>,
}

impl Edges {
    pub fn clear(&mut self) {
        self.edges.clear();
        self.reads.clear();
    }

    fn edge(&mut self, dependent: Node, on: Node, kind: DepKind) {
        self.edges.push((dependent, on, kind));
    }

    /// The node of a column's (or attribute's) type, if it is a type of the
    /// catalog.
    fn type_node(&mut self, catalog: &Catalog, t: &TypeName) -> Option<Node> {
        let schema = t.schema.as_ref()?;
        let name = ObjectName::new(schema, &t.name);
        let exists = catalog.types.contains_key(&name);
        self.reads.push(Read::Type(name.clone()));
        exists.then_some(Node::Type(name))
    }
}

/// Works out `unit`'s edges into `out`; false when the catalog has no such
/// object.
pub(super) fn contribution(catalog: &Catalog, unit: &Unit, out: &mut Edges) -> bool {
    match unit {
        Unit::Schema(s) => catalog.schemas.contains_key(s),
        Unit::Extension(name) => {
            let Some(e) = catalog.extensions.get(name) else {
                return false;
            };
            out.edge(
                Node::Extension(e.name.clone()),
                Node::Schema(e.schema.clone()),
                DepKind::Normal,
            );
            true
        }
        Unit::Type(name) => {
            let Some(t) = catalog.types.get(name) else {
                return false;
            };
            let me = Node::Type(t.name.clone());
            out.edge(
                me.clone(),
                Node::Schema(t.name.schema.clone()),
                DepKind::Normal,
            );
            let used: Vec<&TypeName> = match &t.kind {
                TypeKind::Composite { attributes } => attributes.iter().map(|(_, t)| t).collect(),
                TypeKind::Domain { base, .. } => vec![base],
                TypeKind::Range { subtype } => vec![subtype],
                _ => vec![],
            };
            for u in used {
                if let Some(n) = out.type_node(catalog, u) {
                    out.edge(me.clone(), n, DepKind::Normal);
                }
            }
            true
        }
        Unit::Function(key) => {
            let Some(f) = catalog.functions.get(key) else {
                return false;
            };
            out.edge(
                Node::Function(f.key.clone()),
                Node::Schema(f.key.name.schema.clone()),
                DepKind::Normal,
            );
            true
        }
        Unit::Sequence(oid) => {
            let Some(s) = catalog.sequences.get(oid) else {
                return false;
            };
            let me = Node::Sequence(s.oid);
            out.edge(
                me.clone(),
                Node::Schema(s.name.schema.clone()),
                DepKind::Normal,
            );
            if let Some((t, a)) = s.owned_by {
                out.edge(me, Node::Column(t, a), DepKind::Auto);
            }
            true
        }
        Unit::Table(oid) => table(catalog, *oid, out),
        Unit::Index(oid) => index(catalog, *oid, out),
        Unit::View(oid) => view(catalog, *oid, out),
    }
}

/// A table: its columns, their defaults, its constraints and triggers.
fn table(catalog: &Catalog, oid: Oid, out: &mut Edges) -> bool {
    let Some(t) = catalog.tables.get(&oid) else {
        return false;
    };
    let me = Node::Table(t.oid);
    out.edge(
        me.clone(),
        Node::Schema(t.name.schema.clone()),
        DepKind::Normal,
    );
    if let Some((parent, _)) = &t.partition_of {
        out.edge(me.clone(), Node::Table(*parent), DepKind::Auto);
    }
    for p in &t.inherits {
        out.edge(me.clone(), Node::Table(*p), DepKind::Normal);
    }
    for c in &t.columns {
        let col = Node::Column(t.oid, c.attnum);
        out.edge(col.clone(), me.clone(), DepKind::Auto);
        if let Some(n) = out.type_node(catalog, &c.data_type) {
            out.edge(col.clone(), n, DepKind::Normal);
        }
        if let Some(d) = &c.default {
            let def = Node::Default(t.oid, c.attnum);
            out.edge(def.clone(), col.clone(), DepKind::Auto);
            if let Some((schema, name)) = nextval_target(&d.sql) {
                let schemas = match &schema {
                    Some(s) => vec![s.as_str()],
                    None => vec![t.name.schema.as_str(), "public"],
                };
                let mut found = None;
                for s in schemas {
                    let candidate = ObjectName::new(s, &name);
                    if found.is_none()
                        && let Some((RelKind::Sequence, oid)) = catalog.relation(&candidate)
                    {
                        found = Some(oid);
                    }
                    out.reads.push(Read::RelationName(candidate));
                }
                if let Some(oid) = found {
                    out.edge(def.clone(), Node::Sequence(oid), DepKind::Normal);
                }
            }
        }
        if let Some((_, seq)) = c.identity {
            out.edge(Node::Sequence(seq), col.clone(), DepKind::Auto);
        }
        if let Some(g) = &c.generated {
            for other in &t.columns {
                if other.attnum != c.attnum && g.columns.contains(&other.name) {
                    out.edge(
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
        out.edge(me_c.clone(), me.clone(), DepKind::Auto);
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
            out.edge(me_c.clone(), Node::Column(t.oid, a), DepKind::Auto);
        }
        if let ConstraintDef::ForeignKey {
            ref_table,
            ref_columns,
            ..
        } = &con.kind
        {
            for a in ref_columns {
                out.edge(me_c.clone(), Node::Column(*ref_table, *a), DepKind::Normal);
            }
            // The foreign key rests on the unique index of the referenced
            // columns.
            out.reads.push(Read::Keys(*ref_table));
            let key = catalog.tables.get(ref_table).and_then(|rt| {
                rt.constraints.iter().find(|rc| match &rc.kind {
                    ConstraintDef::PrimaryKey { columns, .. }
                    | ConstraintDef::Unique { columns, .. } => same_set(columns, ref_columns),
                    _ => false,
                })
            });
            if let Some(rc) = key {
                out.edge(
                    me_c.clone(),
                    Node::Constraint(*ref_table, rc.name.clone()),
                    DepKind::Normal,
                );
            }
        }
    }
    for tr in &t.triggers {
        let me_t = Node::Trigger(t.oid, tr.name.clone());
        out.edge(me_t.clone(), me.clone(), DepKind::Auto);
        out.reads.push(Read::FunctionName(tr.function.clone()));
        for f in catalog.functions.keys() {
            if f.name == tr.function && f.arg_types.is_empty() {
                out.edge(me_t.clone(), Node::Function(f.clone()), DepKind::Normal);
            }
        }
    }
    true
}

/// An index: on its table (or materialized view) and the columns it uses.
fn index(catalog: &Catalog, oid: Oid, out: &mut Edges) -> bool {
    let Some(i) = catalog.indexes.get(&oid) else {
        return false;
    };
    let me = Node::Index(i.oid);
    out.reads.push(Read::Relation(i.table));
    let on = if catalog.views.contains_key(&i.table) {
        Node::View(i.table)
    } else {
        Node::Table(i.table)
    };
    out.edge(me.clone(), on, DepKind::Auto);
    if let Some(con) = &i.constraint {
        out.edge(
            me.clone(),
            Node::Constraint(i.table, con.clone()),
            DepKind::Auto,
        );
    }
    if let Some(t) = catalog.tables.get(&i.table) {
        let mut cols: HashSet<AttNum> = i.include.iter().copied().collect();
        let mut named = |names: &[String], cols: &mut HashSet<AttNum>| {
            for name in names {
                out.reads.push(Read::ColumnName(i.table, name.clone()));
                if let Some(c) = t.column(name) {
                    cols.insert(c.attnum);
                }
            }
        };
        for k in &i.keys {
            if let Some(a) = k.column {
                cols.insert(a);
            }
            if let Some(e) = &k.expr {
                named(&e.columns, &mut cols);
            }
        }
        if let Some(p) = &i.predicate {
            named(&p.columns, &mut cols);
        }
        for a in cols {
            out.edge(me.clone(), Node::Column(i.table, a), DepKind::Auto);
        }
    }
    true
}

/// A view: on the relations and columns its query reads.
fn view(catalog: &Catalog, oid: Oid, out: &mut Edges) -> bool {
    let Some(v) = catalog.views.get(&oid) else {
        return false;
    };
    let me = Node::View(v.oid);
    out.edge(
        me.clone(),
        Node::Schema(v.name.schema.clone()),
        DepKind::Normal,
    );
    for r in &v.reads {
        out.reads.push(Read::Relation(*r));
        if catalog.views.contains_key(r) {
            out.edge(me.clone(), Node::View(*r), DepKind::Normal);
        } else if catalog.tables.contains_key(r) {
            out.edge(me.clone(), Node::Table(*r), DepKind::Normal);
        }
    }
    for (t, a) in &v.read_columns {
        out.reads.push(Read::Column(*t, *a));
        if catalog
            .tables
            .get(t)
            .is_some_and(|t| t.column_by_num(*a).is_some())
        {
            out.edge(me.clone(), Node::Column(*t, *a), DepKind::Normal);
        }
    }
    true
}

/// What a changed table tells the objects that read it: `old` and `new`
/// are the table before and after (`None`: it did not exist).
pub(super) fn table_reads<'a>(
    oid: Oid,
    old: Option<&'a Table>,
    new: Option<&'a Table>,
) -> Vec<Read> {
    let mut reads = renamed(old.map(|t| &t.name), new.map(|t| &t.name));
    // The columns (number and name) one side has and the other not.
    let columns = |t: Option<&'a Table>| -> Vec<(AttNum, &'a str)> {
        let mut v: Vec<(AttNum, &str)> = t
            .map(|t| {
                t.columns
                    .iter()
                    .map(|c| (c.attnum, c.name.as_str()))
                    .collect()
            })
            .unwrap_or_default();
        v.sort_unstable();
        v
    };
    let (before, after) = (columns(old), columns(new));
    let only_in = |a: &[(AttNum, &'a str)], b: &[(AttNum, &'a str)]| {
        a.iter()
            .filter(|c| b.binary_search(c).is_err())
            .copied()
            .collect::<Vec<_>>()
    };
    if before != after {
        for (attnum, name) in only_in(&before, &after)
            .into_iter()
            .chain(only_in(&after, &before))
        {
            reads.push(Read::Column(oid, attnum));
            reads.push(Read::ColumnName(oid, name.to_owned()));
        }
    }
    match (old, new) {
        (Some(a), Some(b)) => {
            if !keys(a).eq(keys(b)) {
                reads.push(Read::Keys(oid));
            }
        }
        _ => reads.extend([Read::Relation(oid), Read::Keys(oid)]),
    }
    reads
}

/// A table's primary key and unique constraints: names and columns.
fn keys(t: &Table) -> impl Iterator<Item = (&String, &Vec<AttNum>)> {
    t.constraints.iter().filter_map(|c| match &c.kind {
        ConstraintDef::PrimaryKey { columns, .. } | ConstraintDef::Unique { columns, .. } => {
            Some((&c.name, columns))
        }
        _ => None,
    })
}

/// What a changed relation other than a table tells its readers: its
/// name when that changed, and whether it exists.
pub(super) fn relation_reads(
    oid: Oid,
    old: Option<&ObjectName>,
    new: Option<&ObjectName>,
) -> Vec<Read> {
    let mut reads = renamed(old, new);
    if old.is_none() || new.is_none() {
        reads.push(Read::Relation(oid));
    }
    reads
}

/// The names a relation was and is known by, when they differ (or it came
/// or went): lookups by name may now find something else.
fn renamed(old: Option<&ObjectName>, new: Option<&ObjectName>) -> Vec<Read> {
    if old == new {
        return Vec::new();
    }
    old.into_iter()
        .chain(new)
        .map(|n| Read::RelationName(n.clone()))
        .collect()
}
