//! Comparing two catalogs: a structured list of differences, and a unified
//! text diff of their rendered SQL.
//!
//! Each catalog is flattened into one entry per object (table, column,
//! constraint, index, view, sequence, type, function, trigger, schema,
//! extension) keyed by the object's name and described canonically; the two
//! maps are then compared key by key. Internal oids never take part, so two
//! catalogs built separately compare by what they mean.

use super::catalog::*;
use super::render::{self, column_definition, constraint_definition, index_definition};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;

/// How an object differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DiffKind {
    /// In the expected catalog only.
    Missing,
    /// In the actual catalog only.
    Unexpected,
    /// In both, described differently.
    Changed,
}

/// One object that differs between an expected and an actual catalog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Difference {
    /// What it is, e.g. `column public.users.email`.
    pub object: String,
    pub kind: DiffKind,
    pub expected: Option<String>,
    pub actual: Option<String>,
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            DiffKind::Missing => write!(
                f,
                "{} is missing (expected: {})",
                self.object,
                self.expected.as_deref().unwrap_or("")
            ),
            DiffKind::Unexpected => write!(
                f,
                "{} is not expected (found: {})",
                self.object,
                self.actual.as_deref().unwrap_or("")
            ),
            DiffKind::Changed => write!(
                f,
                "{} differs: expected {}, found {}",
                self.object,
                self.expected.as_deref().unwrap_or(""),
                self.actual.as_deref().unwrap_or("")
            ),
        }
    }
}

/// The objects that differ, sorted by object.
pub fn compare(expected: &Catalog, actual: &Catalog) -> Vec<Difference> {
    let a = entries(&expected.persistent(), None);
    let b = entries(&actual.persistent(), None);
    differences(a, b)
}

/// Like [`compare`], for two catalogs where one grew from a copy of the
/// other (a schema before a migration, and after its up and down): an
/// object identical in both, oid included, is skipped without being
/// described, which makes comparing a large schema cheap when little
/// changed. Only objects that differ are described, so a difference shows
/// on the object that changed, not on the objects that name it.
///
/// What a migration cannot give back is not counted: the position of a
/// column dropped and added again, and how SQL text was spelled (keyword
/// case, `CREATE OR REPLACE` against `CREATE`).
pub fn compare_shared(expected: &Catalog, actual: &Catalog) -> Vec<Difference> {
    let a = entries(expected, Some(actual));
    let b = entries(actual, Some(expected));
    let spelled = |s: &String| s.to_lowercase().replace("create or replace ", "create ");
    differences(a, b)
        .into_iter()
        .filter(|d| match (&d.expected, &d.actual) {
            (Some(x), Some(y)) => spelled(x) != spelled(y),
            _ => true,
        })
        .collect()
}

fn differences(a: BTreeMap<String, String>, b: BTreeMap<String, String>) -> Vec<Difference> {
    let mut out = Vec::new();
    for (k, va) in &a {
        match b.get(k) {
            None => out.push(Difference {
                object: k.clone(),
                kind: DiffKind::Missing,
                expected: Some(va.clone()),
                actual: None,
            }),
            Some(vb) if vb != va => out.push(Difference {
                object: k.clone(),
                kind: DiffKind::Changed,
                expected: Some(va.clone()),
                actual: Some(vb.clone()),
            }),
            Some(_) => {}
        }
    }
    for (k, vb) in &b {
        if !a.contains_key(k) {
            out.push(Difference {
                object: k.clone(),
                kind: DiffKind::Unexpected,
                expected: None,
                actual: Some(vb.clone()),
            });
        }
    }
    out.sort_by(|x, y| x.object.cmp(&y.object));
    out
}

/// A unified diff of the two catalogs' rendered SQL (empty when equal).
pub fn unified(expected: &Catalog, actual: &Catalog, labels: (&str, &str)) -> String {
    let a = render::to_sql(expected);
    let b = render::to_sql(actual);
    if a == b {
        return String::new();
    }
    similar::TextDiff::from_lines(&a, &b)
        .unified_diff()
        .context_radius(2)
        .header(labels.0, labels.1)
        .to_string()
}

fn with_comment(mut s: String, comment: &Option<String>) -> String {
    if let Some(c) = comment {
        s.push_str(" COMMENT ");
        s.push_str(&render::literal(c));
    }
    s
}

/// Whitespace-insensitive form of SQL text kept as written.
fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The objects of one kind in `mine`; with `theirs`, only those it does
/// not hold equal under the same key.
fn differing<'a, K: Ord + Clone, V: Clone + PartialEq>(
    mine: &'a Objects<K, V>,
    theirs: Option<&'a Objects<K, V>>,
) -> Box<dyn Iterator<Item = &'a V> + 'a> {
    match theirs {
        Some(t) => Box::new(mine.differing_from(t)),
        None => Box::new(mine.values()),
    }
}

/// One entry per object: its name and a canonical description. With
/// `other`, objects identical there are left out, and temporary ones too.
fn entries(c: &Catalog, other: Option<&Catalog>) -> BTreeMap<String, String> {
    let mut m = BTreeMap::new();
    let temp = |s: &str| other.is_some() && s == TEMP_SCHEMA;
    let rel = |oid: Oid| {
        c.relation_name(oid)
            .map_or_else(|| "?".to_owned(), ToString::to_string)
    };
    for s in differing(&c.schemas, other.map(|o| &o.schemas)) {
        if temp(&s.name) {
            continue;
        }
        m.insert(
            format!("schema {}", s.name),
            with_comment(String::new(), &s.comment),
        );
    }
    for e in differing(&c.extensions, other.map(|o| &o.extensions)) {
        m.insert(
            format!("extension {}", e.name),
            with_comment(
                format!(
                    "in schema {}, version {}",
                    e.schema,
                    e.version.as_deref().unwrap_or("default")
                ),
                &e.comment,
            ),
        );
    }
    for t in differing(&c.types, other.map(|o| &o.types)) {
        if temp(&t.name.schema) {
            continue;
        }
        let kind = serde_json::to_string(&t.kind).unwrap_or_default();
        m.insert(format!("type {}", t.name), with_comment(kind, &t.comment));
    }
    for f in differing(&c.functions, other.map(|o| &o.functions)) {
        if temp(&f.key.name.schema) {
            continue;
        }
        m.insert(
            format!("function {}", f.key),
            with_comment(squash(&f.definition), &f.comment),
        );
    }
    for s in differing(&c.sequences, other.map(|o| &o.sequences)).filter(|s| !s.identity) {
        if temp(&s.name.schema) {
            continue;
        }
        let owned = s
            .owned_by
            .and_then(|(t, a)| {
                c.tables
                    .get(&t)
                    .map(|t| format!(" OWNED BY {}.{}", t.name, t.column_name(a)))
            })
            .unwrap_or_default();
        m.insert(
            format!("sequence {}", s.name),
            with_comment(
                format!("{}{owned}", render::sequence_options(s, true).trim()),
                &s.comment,
            ),
        );
    }
    for t in differing(&c.tables, other.map(|o| &o.tables)) {
        if temp(&t.name.schema) {
            continue;
        }
        let mut desc = match &t.kind {
            TableKind::Ordinary => "table".to_owned(),
            TableKind::Partitioned { by } => format!("partitioned by {by}"),
        };
        if t.unlogged {
            desc.push_str(", unlogged");
        }
        if let Some((p, bound)) = &t.partition_of {
            desc.push_str(&format!(", partition of {} {bound}", rel(*p)));
        }
        if !t.inherits.is_empty() {
            let ps: Vec<String> = t.inherits.iter().map(|p| rel(*p)).collect();
            desc.push_str(&format!(", inherits {}", ps.join(", ")));
        }
        let mut cols: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
        if other.is_some() {
            // Compared for the set of columns only: their order cannot be
            // restored by a migration.
            cols.sort_unstable();
        }
        desc.push_str(&format!(", columns ({})", cols.join(", ")));
        m.insert(format!("table {}", t.name), with_comment(desc, &t.comment));
        // The parts the other side holds equal are left out too (an
        // identity column's text shows its sequence, which is compared
        // nowhere else).
        let twin = other.and_then(|o| o.tables.get(&t.oid));
        for col in &t.columns {
            if col.identity.is_none() && twin.is_some_and(|tw| tw.column(&col.name) == Some(col)) {
                continue;
            }
            m.insert(
                format!("column {}.{}", t.name, col.name),
                with_comment(column_definition(c, col), &col.comment),
            );
        }
        for con in &t.constraints {
            if twin.is_some_and(|tw| tw.constraints.iter().any(|x| x == con)) {
                continue;
            }
            m.insert(
                format!("constraint {} on {}", con.name, t.name),
                with_comment(constraint_definition(c, t, con), &con.comment),
            );
        }
        for tr in &t.triggers {
            if twin.is_some_and(|tw| tw.triggers.iter().any(|x| x == tr)) {
                continue;
            }
            m.insert(
                format!("trigger {} on {}", tr.name, t.name),
                with_comment(render::trigger_definition(t, tr), &tr.comment),
            );
        }
    }
    for i in differing(&c.indexes, other.map(|o| &o.indexes)).filter(|i| i.constraint.is_none()) {
        if temp(&i.name.schema) {
            continue;
        }
        m.insert(
            format!("index {}", i.name),
            with_comment(index_definition(c, i), &i.comment),
        );
    }
    for v in differing(&c.views, other.map(|o| &o.views)) {
        if temp(&v.name.schema) {
            continue;
        }
        let kind = if v.materialized {
            "materialized view"
        } else {
            "view"
        };
        let mut desc = format!("{kind} AS {}", squash(&v.query));
        if !v.columns.is_empty() {
            desc = format!("({}) {desc}", v.columns.join(", "));
        }
        m.insert(format!("view {}", v.name), with_comment(desc, &v.comment));
        for (col, text) in &v.column_comments {
            m.insert(
                format!("column {}.{col}", v.name),
                with_comment(String::new(), &Some(text.clone())),
            );
        }
    }
    m
}
