//! The catalog: every schema object the replay knows, the way PostgreSQL
//! keeps them.
//!
//! Relations (tables, views, sequences, indexes) are identified by an [`Oid`]
//! that never changes, and columns by their attribute number, so renames touch
//! one name and every reference follows, as in `pg_catalog`. Expressions are
//! SQL text; renames are carried into them by the replay. Nothing here parses
//! SQL or applies statements.

use crate::sql::ir::{FkAction, QualifiedName, SqlExpr, TypeName, write_ident};
use serde::Serialize;
use std::borrow::Borrow;
use std::collections::BTreeMap;
use std::fmt::{self, Write};
use std::sync::Arc;

/// The schema of the session's temporary objects.
pub const TEMP_SCHEMA: &str = "pg_temp";

/// Identifies a relation for as long as it exists.
pub type Oid = u32;

/// A column's attribute number within its table (1-based, never reused).
pub type AttNum = i16;

/// A schema-qualified name, schema always resolved.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct ObjectName {
    pub schema: String,
    pub name: String,
}

impl ObjectName {
    pub fn new(schema: &str, name: &str) -> Self {
        ObjectName {
            schema: schema.to_owned(),
            name: name.to_owned(),
        }
    }
}

impl fmt::Display for ObjectName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_ident(f, &self.schema)?;
        f.write_char('.')?;
        write_ident(f, &self.name)
    }
}

impl From<&ObjectName> for QualifiedName {
    fn from(n: &ObjectName) -> Self {
        QualifiedName::new(Some(&n.schema), &n.name)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Schema {
    pub name: String,
    pub comment: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Extension {
    pub name: String,
    pub schema: String,
    pub version: Option<String>,
    pub comment: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TableKind {
    Ordinary,
    /// `PARTITION BY <spec>`.
    Partitioned {
        by: String,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Table {
    pub oid: Oid,
    pub name: ObjectName,
    pub kind: TableKind,
    pub unlogged: bool,
    pub columns: Vec<Column>,
    /// The next attribute number to hand out.
    pub next_attnum: AttNum,
    pub constraints: Vec<Constraint>,
    pub triggers: Vec<Trigger>,
    pub inherits: Vec<Oid>,
    /// `PARTITION OF parent FOR VALUES ...`: the parent and the bound.
    pub partition_of: Option<(Oid, String)>,
    pub comment: Option<String>,
}

impl Table {
    /// A table with no columns, constraints or anything else yet.
    pub fn new(oid: Oid, name: ObjectName, kind: TableKind, unlogged: bool) -> Self {
        Table {
            oid,
            name,
            kind,
            unlogged,
            columns: Vec::new(),
            next_attnum: 1,
            constraints: Vec::new(),
            triggers: Vec::new(),
            inherits: Vec::new(),
            partition_of: None,
            comment: None,
        }
    }

    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }
    pub fn column_mut(&mut self, name: &str) -> Option<&mut Column> {
        self.columns.iter_mut().find(|c| c.name == name)
    }
    pub fn column_by_num(&self, attnum: AttNum) -> Option<&Column> {
        self.columns.iter().find(|c| c.attnum == attnum)
    }
    /// The column's name, or `?` for a number that no longer exists.
    pub fn column_name(&self, attnum: AttNum) -> &str {
        self.column_by_num(attnum).map_or("?", |c| c.name.as_str())
    }
    pub fn constraint(&self, name: &str) -> Option<&Constraint> {
        self.constraints.iter().find(|c| c.name == name)
    }
    pub fn constraint_mut(&mut self, name: &str) -> Option<&mut Constraint> {
        self.constraints.iter_mut().find(|c| c.name == name)
    }
    pub fn primary_key(&self) -> Option<&Constraint> {
        self.constraints
            .iter()
            .find(|c| matches!(c.kind, ConstraintDef::PrimaryKey { .. }))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IdentityKind {
    Always,
    ByDefault,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Column {
    pub attnum: AttNum,
    pub name: String,
    pub data_type: TypeName,
    pub not_null: bool,
    pub default: Option<SqlExpr>,
    /// Identity column: its kind and the sequence behind it.
    pub identity: Option<(IdentityKind, Oid)>,
    /// `GENERATED ALWAYS AS (expr) STORED`.
    pub generated: Option<SqlExpr>,
    pub collation: Option<String>,
    /// Inherited from a parent table (INHERITS or PARTITION OF).
    pub inherited: bool,
    pub comment: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Constraint {
    pub name: String,
    pub kind: ConstraintDef,
    pub deferrable: bool,
    pub initially_deferred: bool,
    /// `false` after `NOT VALID` until `VALIDATE CONSTRAINT`.
    pub validated: bool,
    pub comment: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ConstraintDef {
    PrimaryKey {
        columns: Vec<AttNum>,
        include: Vec<AttNum>,
        index: Oid,
    },
    Unique {
        columns: Vec<AttNum>,
        include: Vec<AttNum>,
        nulls_not_distinct: bool,
        index: Oid,
    },
    ForeignKey {
        columns: Vec<AttNum>,
        ref_table: Oid,
        ref_columns: Vec<AttNum>,
        on_delete: FkAction,
        on_update: FkAction,
        match_full: bool,
    },
    Check {
        expr: SqlExpr,
        no_inherit: bool,
    },
    Exclusion {
        method: String,
        elements: Vec<(SqlExpr, String)>,
        include: Vec<AttNum>,
        predicate: Option<SqlExpr>,
        index: Oid,
    },
    NotNull {
        column: AttNum,
    },
}

impl ConstraintDef {
    /// The index that enforces the constraint, if it has one.
    pub fn index(&self) -> Option<Oid> {
        match self {
            ConstraintDef::PrimaryKey { index, .. }
            | ConstraintDef::Unique { index, .. }
            | ConstraintDef::Exclusion { index, .. } => Some(*index),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trigger {
    pub name: String,
    pub constraint: bool,
    pub timing: String,
    pub events: Vec<String>,
    pub update_columns: Vec<String>,
    pub for_each_row: bool,
    pub when: Option<SqlExpr>,
    pub function: ObjectName,
    pub arguments: Vec<String>,
    pub referencing: Vec<String>,
    /// Constraint triggers only.
    pub deferrable: bool,
    pub initially_deferred: bool,
    pub comment: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndexKeyDef {
    /// A plain column key.
    pub column: Option<AttNum>,
    /// An expression key (`None` for a plain column).
    pub expr: Option<SqlExpr>,
    pub collation: Option<String>,
    pub opclass: Option<String>,
    pub descending: bool,
    pub nulls_first: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Index {
    pub oid: Oid,
    pub name: ObjectName,
    /// The table or materialized view indexed.
    pub table: Oid,
    pub unique: bool,
    pub method: String,
    pub keys: Vec<IndexKeyDef>,
    pub include: Vec<AttNum>,
    pub predicate: Option<SqlExpr>,
    pub nulls_not_distinct: bool,
    pub with: Vec<String>,
    /// `ON ONLY` a partitioned table.
    pub only: bool,
    /// The constraint this index enforces (primary key, unique, exclusion).
    pub constraint: Option<String>,
    pub comment: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct View {
    pub oid: Oid,
    pub name: ObjectName,
    pub materialized: bool,
    /// Column names written after the view name.
    pub columns: Vec<String>,
    /// The query, as SQL.
    pub query: String,
    /// Relations the query reads.
    pub reads: Vec<Oid>,
    /// Table columns the query reads, resolved through qualifiers and
    /// aliases when it was created (held by number, like PostgreSQL does).
    pub read_columns: Vec<(Oid, AttNum)>,
    /// Output column names, where known.
    pub output_columns: Option<Vec<String>>,
    pub with_data: bool,
    pub comment: Option<String>,
    /// Column comments of the view.
    pub column_comments: BTreeMap<String, String>,
    /// The search_path the query was written for, when it was not just
    /// `public`: PostgreSQL resolved its names then, once and for all.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub search_path: Option<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sequence {
    pub oid: Oid,
    pub name: ObjectName,
    pub data_type: TypeName,
    pub start: i128,
    pub increment: i128,
    pub min_value: i128,
    pub max_value: i128,
    pub cache: i128,
    pub cycle: bool,
    /// `OWNED BY table.column`.
    pub owned_by: Option<(Oid, AttNum)>,
    /// Created for an identity column (printed with the column, not alone).
    pub identity: bool,
    pub comment: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TypeKind {
    Enum {
        values: Vec<String>,
    },
    Composite {
        attributes: Vec<(String, TypeName)>,
    },
    Domain {
        base: TypeName,
        not_null: bool,
        default: Option<SqlExpr>,
        collation: Option<String>,
        /// `(name, expression, validated)`.
        checks: Vec<(String, SqlExpr, bool)>,
    },
    Range {
        subtype: TypeName,
    },
    /// A base or shell type: only its name is known.
    Other,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UserType {
    pub name: ObjectName,
    pub kind: TypeKind,
    pub comment: Option<String>,
}

/// A function's identity: name and argument types (PostgreSQL overloads by
/// input argument types).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct FunctionKey {
    pub name: ObjectName,
    pub arg_types: Vec<String>,
}

impl fmt::Display for FunctionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}({})", self.name, self.arg_types.join(", "))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Function {
    pub key: FunctionKey,
    pub kind: crate::sql::ir::RoutineKind,
    pub returns: Option<String>,
    pub language: Option<String>,
    pub body: Option<String>,
    pub volatility: Option<String>,
    /// The statement that created it, as written.
    pub definition: String,
    /// The name it was created under (the definition spells that one).
    pub defined_as: ObjectName,
    pub comment: Option<String>,
}

/// The objects of one kind, by key, in key order.
///
/// Each object sits behind an `Arc`: a copy of the catalog (the schema
/// before a migration, a replay of its down on the side) copies pointers,
/// and changing an object through [`Objects::get_mut`] copies that object
/// only, when another catalog still shares it. Two catalogs that grew from
/// one copy hold the very same object where neither changed it, which one
/// pointer comparison tells: catalog comparisons
/// ([`Objects::differing_from`]) and the dependency graph skip such objects
/// without looking inside.
///
/// The map itself is shared the same way: a copy of the catalog copies one
/// pointer per kind of object, and a kind is copied (its pointers) when one
/// of the two sides first changes it.
///
/// The map also carries a stamp, new with every change and kept by copies:
/// two maps with one stamp hold the same objects
/// ([`Objects::unchanged_from`]), so a comparison can skip a whole kind of
/// object that neither side changed.
#[derive(Debug)]
pub struct Objects<K, V> {
    map: Arc<BTreeMap<K, Arc<V>>>,
    stamp: u64,
}

/// Identifies what an [`Objects`] map holds: a map that changes gets a
/// stamp no map has had, and a copy keeps its original's stamp, so two maps
/// with the same stamp hold the same objects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Stamp(u64);

/// A stamp no map has had before (0 is the stamp of every empty new map).
fn new_stamp() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

impl<K, V> Default for Objects<K, V> {
    fn default() -> Self {
        Objects {
            map: Arc::default(),
            stamp: 0,
        }
    }
}

impl<K, V> Clone for Objects<K, V> {
    fn clone(&self) -> Self {
        Objects {
            map: Arc::clone(&self.map),
            stamp: self.stamp,
        }
    }
}

impl<K: Ord + Clone, V: Clone> Objects<K, V> {
    pub fn get<Q: Ord + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        self.map.get(key).map(|v| &**v)
    }

    /// The object, to change: copied first when another catalog shares it.
    pub fn get_mut<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
    {
        if !self.map.contains_key(key) {
            return None;
        }
        self.stamp = new_stamp();
        Arc::make_mut(&mut self.map).get_mut(key).map(Arc::make_mut)
    }

    pub fn contains_key<Q: Ord + ?Sized>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
    {
        self.map.contains_key(key)
    }

    pub fn insert(&mut self, key: K, value: V) {
        self.stamp = new_stamp();
        Arc::make_mut(&mut self.map).insert(key, Arc::new(value));
    }

    /// Takes the object out (a copy of it when another catalog shares it).
    pub fn remove<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
    {
        if !self.map.contains_key(key) {
            return None;
        }
        self.stamp = new_stamp();
        Arc::make_mut(&mut self.map)
            .remove(key)
            .map(Arc::unwrap_or_clone)
    }

    /// Changes the objects `wants` picks, copying only those when shared:
    /// the way to follow a rename into every object that names it.
    pub fn update_where(&mut self, wants: impl Fn(&V) -> bool, mut change: impl FnMut(&mut V)) {
        if !self.map.values().any(|v| wants(v)) {
            return;
        }
        self.stamp = new_stamp();
        for v in Arc::make_mut(&mut self.map).values_mut() {
            if wants(v) {
                change(Arc::make_mut(v));
            }
        }
    }

    pub fn retain(&mut self, mut keep: impl FnMut(&K, &V) -> bool) {
        self.stamp = new_stamp();
        Arc::make_mut(&mut self.map).retain(|k, v| keep(k, v));
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &K> + Clone {
        self.map.keys()
    }

    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> + Clone {
        self.map.values().map(|v| &**v)
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&K, &V)> + Clone {
        self.map.iter().map(|(k, v)| (k, &**v))
    }

    /// The objects of this map that `other` does not hold equal under the
    /// same key, in key order: nothing when the two share their stamp,
    /// else a walk over both maps side by side, where an object the two
    /// share is passed over without looking inside.
    pub fn differing_from<'a>(&'a self, other: &'a Self) -> impl Iterator<Item = &'a V> + 'a
    where
        V: PartialEq,
    {
        let same = self.unchanged_from(other);
        let mut theirs = other.map.iter().peekable();
        self.map
            .iter()
            .take_while(move |_| !same)
            .filter_map(move |(k, v)| {
                while theirs.next_if(|(tk, _)| *tk < k).is_some() {}
                match theirs.next_if(|(tk, _)| *tk == k) {
                    Some((_, tv)) if Arc::ptr_eq(v, tv) || v == tv => None,
                    _ => Some(&**v),
                }
            })
    }

    /// Whether this map holds just what `other` held when one was copied
    /// from the other, neither having changed since (a quick, partial test:
    /// false says nothing).
    pub fn unchanged_from(&self, other: &Self) -> bool {
        self.stamp() == other.stamp()
    }

    /// The map's stamp: equal stamps, same objects (see [`Stamp`]).
    pub fn stamp(&self) -> Stamp {
        Stamp(self.stamp)
    }

    /// The entries as shared pointers, for a snapshot that notices later
    /// changes by pointer.
    pub fn shared(&self) -> impl Iterator<Item = (&K, &Arc<V>)> {
        self.map.iter()
    }
}

impl<K: Serialize, V: Serialize> Serialize for Objects<K, V> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.map.iter().map(|(k, v)| (k, &**v)))
    }
}

/// The whole schema model.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Catalog {
    pub schemas: Objects<String, Schema>,
    pub extensions: Objects<String, Extension>,
    pub tables: Objects<Oid, Table>,
    pub views: Objects<Oid, View>,
    pub sequences: Objects<Oid, Sequence>,
    pub indexes: Objects<Oid, Index>,
    pub types: Objects<ObjectName, UserType>,
    pub functions: Objects<FunctionKey, Function>,
    /// pg_class's namespace: relation names (tables, views, sequences,
    /// indexes) per schema. Kept in step with the maps above; shared between
    /// copies until one of them binds or unbinds a name.
    #[serde(skip)]
    relation_names: Arc<RelationNames>,
    #[serde(skip)]
    next_oid: Oid,
}

/// Which relation each schema-qualified name binds, keyed by a hash of the
/// name: a copy of the catalog copies numbers, not strings, and a lookup
/// needs no name of its own. The relation's own name confirms a hit; a name
/// whose hash another bound name already holds waits in `clashes`.
#[derive(Debug, Clone, Default)]
struct RelationNames {
    by_hash: rustc_hash::FxHashMap<u64, (RelKind, Oid)>,
    clashes: Vec<(ObjectName, RelKind, Oid)>,
}

fn name_hash(schema: &str, name: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    // `str`'s hash ends each string with a marker byte, so the pair
    // cannot run together.
    let mut h = rustc_hash::FxHasher::default();
    schema.hash(&mut h);
    name.hash(&mut h);
    // The crate's own tests keep three bits, so that names clash all the
    // time and every test that replays anything goes through `clashes`.
    if cfg!(test) {
        h.finish() & 7
    } else {
        h.finish()
    }
}

/// The kinds of relation that share one name space per schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RelKind {
    Table,
    View,
    MaterializedView,
    Sequence,
    Index,
}

impl RelKind {
    pub fn describe(self) -> &'static str {
        match self {
            RelKind::Table => "table",
            RelKind::View => "view",
            RelKind::MaterializedView => "materialized view",
            RelKind::Sequence => "sequence",
            RelKind::Index => "index",
        }
    }
}

/// The stamps of a catalog's maps, one per kind of object: equal stamps,
/// same objects (see [`Stamp`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Stamps(pub [Stamp; 8]);

impl Catalog {
    /// The stamps of its maps.
    pub fn stamps(&self) -> Stamps {
        Stamps([
            self.schemas.stamp(),
            self.extensions.stamp(),
            self.types.stamp(),
            self.functions.stamp(),
            self.sequences.stamp(),
            self.indexes.stamp(),
            self.tables.stamp(),
            self.views.stamp(),
        ])
    }

    /// An empty database: the `public` schema and nothing else.
    pub fn new() -> Self {
        let mut c = Catalog {
            next_oid: 16384,
            ..Catalog::default()
        };
        // A new database's public schema, as template0 has it.
        let public_comment = Some("standard public schema".to_owned());
        for (name, comment) in [("public", public_comment), (TEMP_SCHEMA, None)] {
            c.schemas.insert(
                name.into(),
                Schema {
                    name: name.into(),
                    comment,
                },
            );
        }
        c
    }

    /// The catalog without the session's temporary objects: what a dump of
    /// the database would show.
    pub fn persistent(&self) -> Catalog {
        let mut c = self.clone();
        let temp = |n: &ObjectName| n.schema == TEMP_SCHEMA;
        c.tables.retain(|_, t| !temp(&t.name));
        c.views.retain(|_, v| !temp(&v.name));
        c.sequences.retain(|_, s| !temp(&s.name));
        let tables = &c.tables;
        let views = &c.views;
        c.indexes
            .retain(|_, i| tables.contains_key(&i.table) || views.contains_key(&i.table));
        c.types.retain(|n, _| !temp(n));
        c.functions.retain(|k, _| !temp(&k.name));
        let mut names = (*c.relation_names).clone();
        names
            .by_hash
            .retain(|_, &mut (kind, oid)| c.named(kind, oid).is_some());
        names.clashes.retain(|(n, ..)| !temp(n));
        c.relation_names = Arc::new(names);
        c.schemas.remove(TEMP_SCHEMA);
        c
    }

    pub fn alloc_oid(&mut self) -> Oid {
        self.next_oid += 1;
        self.next_oid
    }

    pub fn relation(&self, name: &ObjectName) -> Option<(RelKind, Oid)> {
        self.relation_in(&name.schema, &name.name)
    }

    /// The relation `schema.name` names, if any.
    pub fn relation_in(&self, schema: &str, name: &str) -> Option<(RelKind, Oid)> {
        let names = &self.relation_names;
        let is = |n: &ObjectName| n.schema == schema && n.name == name;
        if let Some(&(kind, oid)) = names.by_hash.get(&name_hash(schema, name))
            && self.named(kind, oid).is_some_and(is)
        {
            return Some((kind, oid));
        }
        names
            .clashes
            .iter()
            .find(|(n, ..)| is(n))
            .map(|&(_, kind, oid)| (kind, oid))
    }

    pub fn relation_name_taken(&self, name: &ObjectName) -> bool {
        self.relation(name).is_some()
    }

    pub fn relation_name(&self, oid: Oid) -> Option<&ObjectName> {
        self.tables
            .get(&oid)
            .map(|t| &t.name)
            .or_else(|| self.views.get(&oid).map(|v| &v.name))
            .or_else(|| self.sequences.get(&oid).map(|s| &s.name))
            .or_else(|| self.indexes.get(&oid).map(|i| &i.name))
    }

    /// The name of relation `oid` of kind `kind`.
    fn named(&self, kind: RelKind, oid: Oid) -> Option<&ObjectName> {
        match kind {
            RelKind::Table => self.tables.get(&oid).map(|t| &t.name),
            RelKind::View | RelKind::MaterializedView => self.views.get(&oid).map(|v| &v.name),
            RelKind::Sequence => self.sequences.get(&oid).map(|s| &s.name),
            RelKind::Index => self.indexes.get(&oid).map(|i| &i.name),
        }
    }

    /// Registers `name` in the relation name space, for relation `oid`
    /// (which may be added to its map just after).
    pub fn bind_name(&mut self, name: ObjectName, kind: RelKind, oid: Oid) {
        let hash = name_hash(&name.schema, &name.name);
        let clash = self
            .relation_names
            .by_hash
            .get(&hash)
            .is_some_and(|&(k, o)| o != oid && self.named(k, o).is_some_and(|n| *n != name));
        let names = Arc::make_mut(&mut self.relation_names);
        if clash {
            names.clashes.retain(|(n, ..)| *n != name);
            names.clashes.push((name, kind, oid));
        } else {
            names.by_hash.insert(hash, (kind, oid));
        }
    }

    /// Frees `name`, which relation `oid` held.
    pub fn unbind_name(&mut self, name: &ObjectName, oid: Oid) {
        let hash = name_hash(&name.schema, &name.name);
        let names = Arc::make_mut(&mut self.relation_names);
        if names.by_hash.get(&hash).is_some_and(|&(_, o)| o == oid) {
            names.by_hash.remove(&hash);
        } else {
            names.clashes.retain(|(n, _, o)| !(n == name && *o == oid));
        }
    }

    /// Renames a relation of any kind, keeping the name space in step.
    pub fn rename_relation(&mut self, oid: Oid, new_name: ObjectName) {
        let Some(old) = self.relation_name(oid).cloned() else {
            return;
        };
        let Some((kind, _)) = self.relation(&old).filter(|&(_, o)| o == oid) else {
            return;
        };
        self.unbind_name(&old, oid);
        if let Some(t) = self.tables.get_mut(&oid) {
            t.name = new_name.clone();
        } else if let Some(v) = self.views.get_mut(&oid) {
            v.name = new_name.clone();
        } else if let Some(s) = self.sequences.get_mut(&oid) {
            s.name = new_name.clone();
        } else if let Some(i) = self.indexes.get_mut(&oid) {
            i.name = new_name.clone();
        }
        self.bind_name(new_name, kind, oid);
    }

    /// The table or materialized view `oid` as something with columns, for
    /// indexes (a materialized view has output columns but no attnums; its
    /// index keys are kept as expressions).
    pub fn table(&self, oid: Oid) -> Option<&Table> {
        self.tables.get(&oid)
    }

    /// Indexes on relation `oid`.
    pub fn indexes_on(&self, oid: Oid) -> impl Iterator<Item = &Index> {
        self.indexes.values().filter(move |i| i.table == oid)
    }

    /// Whether any constraint in schema `schema` on any table has this name
    /// (PostgreSQL's check for generated constraint names).
    pub fn constraint_name_used(&self, table: Oid, name: &str) -> bool {
        self.tables
            .get(&table)
            .is_some_and(|t| t.constraints.iter().any(|c| c.name == name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(c: &mut Catalog, schema: &str, name: &str) -> Oid {
        let oid = c.alloc_oid();
        let name = ObjectName::new(schema, name);
        c.bind_name(name.clone(), RelKind::Table, oid);
        c.tables
            .insert(oid, Table::new(oid, name, TableKind::Ordinary, false));
        oid
    }

    /// Names that clash (the tests' hash has three bits) bind, rename and
    /// unbind as a plain map of names would, in one catalog and its copy.
    #[test]
    fn clashing_names_resolve_like_a_plain_map() {
        let mut c = Catalog::new();
        let mut plain: BTreeMap<ObjectName, Oid> = BTreeMap::new();
        for i in 0..40 {
            let schema = if i % 3 == 0 { "public" } else { "app" };
            let name = format!("t{i}");
            let oid = table(&mut c, schema, &name);
            plain.insert(ObjectName::new(schema, &name), oid);
        }
        let copy = c.clone();
        let before = plain.clone();
        for i in (0..40).step_by(4) {
            let old = plain.keys().nth(i % plain.len()).cloned().unwrap();
            let oid = plain.remove(&old).unwrap();
            let new = ObjectName::new(&old.schema, &format!("{}_renamed", old.name));
            c.rename_relation(oid, new.clone());
            plain.insert(new, oid);
        }
        for i in (0..30).step_by(5) {
            let gone = plain.keys().nth(i % plain.len()).cloned().unwrap();
            let oid = plain.remove(&gone).unwrap();
            c.tables.remove(&oid);
            c.unbind_name(&gone, oid);
        }
        for (name, oid) in &plain {
            assert_eq!(c.relation(name), Some((RelKind::Table, *oid)), "{name}");
        }
        for name in before.keys().filter(|n| !plain.contains_key(*n)) {
            assert_eq!(c.relation(name), None, "{name}");
        }
        assert_eq!(c.relation_in("public", "t999"), None);
        // The copy still sees the names as they were.
        for (name, oid) in &before {
            assert_eq!(copy.relation(name), Some((RelKind::Table, *oid)), "{name}");
        }
    }
}
