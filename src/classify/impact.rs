//! Impact: the other objects a change reaches. Dependencies come from the
//! dependency graph; function and trigger bodies are plain text to the
//! model, so a body that names the object is a textual match, marked so.

use crate::graph::{self, DependencyGraph, Node};
use crate::model::catalog::Oid;
use crate::model::{ObjectRef, Replay};
use crate::sql::ir::{AlterTableOp, Stmt};
use serde::Serialize;

/// How an affected object was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ImpactVia {
    /// A dependency PostgreSQL records (view column, foreign key, index).
    Dependency,
    /// The object's body (a function, a trigger's function) names it: a
    /// textual match that may be a false one.
    BodyText,
}

/// One affected object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Impact {
    /// The object in words: `view public.active_users`.
    pub object: String,
    pub via: ImpactVia,
}

impl std::fmt::Display for Impact {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.via {
            ImpactVia::Dependency => f.write_str(&self.object),
            ImpactVia::BodyText => write!(f, "{} (its body names it)", self.object),
        }
    }
}

/// What each object a statement removes, renames or retypes reaches,
/// keyed by the change's object as [`ObjectRef`] prints it.
pub(super) fn before(stmt: &Stmt, replay: &Replay) -> Vec<(String, Vec<Impact>)> {
    let mut targets: Vec<(ObjectRef, Node, String)> = Vec::new();
    match stmt {
        Stmt::AlterTable(at) => {
            let Some(oid) = replay.resolve_table(&at.name) else {
                return Vec::new();
            };
            let Some(table) = replay.catalog.tables.get(&oid) else {
                return Vec::new();
            };
            for op in &at.ops {
                let column = match op {
                    AlterTableOp::DropColumn { name, .. }
                    | AlterTableOp::RenameColumn { name, .. } => name,
                    AlterTableOp::AlterColumnType { column, .. } => column,
                    _ => continue,
                };
                if let Some(c) = table.column(column) {
                    targets.push((
                        ObjectRef::Column {
                            table: table.name.clone(),
                            column: c.name.clone(),
                        },
                        Node::Column(oid, c.attnum),
                        c.name.clone(),
                    ));
                }
            }
            if at.ops.iter().any(|op| {
                matches!(
                    op,
                    AlterTableOp::RenameTo { .. } | AlterTableOp::SetSchema { .. }
                )
            }) {
                targets.push(table_target(oid, replay));
            }
        }
        Stmt::DropTable { names, .. } => {
            for n in names {
                if let Some(oid) = replay.resolve_table(n) {
                    targets.push(table_target(oid, replay));
                }
            }
        }
        _ => {}
    }
    if targets.is_empty() {
        return Vec::new();
    }
    // The replay's own graph: a DROP that follows reuses it.
    replay.with_graph(|graph| {
        targets
            .into_iter()
            .map(|(object, node, word)| {
                let key = object.to_string();
                (key, reach(graph, replay, &node, &word))
            })
            .collect()
    })
}

fn table_target(oid: Oid, replay: &Replay) -> (ObjectRef, Node, String) {
    let name = replay
        .catalog
        .relation_name(oid)
        .cloned()
        .unwrap_or_else(|| crate::model::catalog::ObjectName::new("?", "?"));
    let word = name.name.clone();
    (ObjectRef::Table { name }, Node::Table(oid), word)
}

/// Objects depending on `node` (other than its own parts, which go with it
/// silently), then functions whose body names `word`.
fn reach(graph: &DependencyGraph, replay: &Replay, node: &Node, word: &str) -> Vec<Impact> {
    let set = graph.drop_set(node);
    let own_table = match node {
        Node::Column(t, _) | Node::Table(t) => Some(*t),
        _ => None,
    };
    let mut out: Vec<Impact> = set
        .dependents
        .iter()
        .chain(
            set.owned
                .iter()
                .filter(|n| is_reported_part(n, node, own_table)),
        )
        .map(|n| Impact {
            object: graph::describe(&replay.catalog, n),
            via: ImpactVia::Dependency,
        })
        .collect();
    for f in replay.catalog.functions.values() {
        // A column name alone ("id", "name") is in many bodies; a body
        // that names the column and its table is far likelier to use it.
        let table_word = match node {
            Node::Column(t, _) => replay.catalog.relation_name(*t).map(|n| n.name.as_str()),
            _ => None,
        };
        let names = |b: &str| names_word(b, word) && table_word.is_none_or(|t| names_word(b, t));
        if f.body.as_deref().is_some_and(names) {
            out.push(Impact {
                object: format!("function {}", f.key),
                via: ImpactVia::BodyText,
            });
            for t in replay.catalog.tables.values() {
                for tr in t.triggers.iter().filter(|tr| tr.function == f.key.name) {
                    out.push(Impact {
                        object: format!("trigger {} on {}", tr.name, t.name),
                        via: ImpactVia::BodyText,
                    });
                }
            }
        }
    }
    out.sort_by(|a, b| a.object.cmp(&b.object));
    out.dedup();
    out
}

/// A part dropped with a column or table that a reviewer should hear
/// about: indexes and constraints on a column (rebuilt or lost), not the
/// column's own default.
fn is_reported_part(n: &Node, root: &Node, own_table: Option<Oid>) -> bool {
    if n == root {
        return false;
    }
    match (root, n) {
        (Node::Column(..), Node::Index(_) | Node::Constraint(..)) => true,
        (Node::Table(_), _) => false,
        (_, Node::Default(..)) => false,
        (_, Node::Column(t, _)) => Some(*t) != own_table,
        _ => false,
    }
}

/// Whether `text` contains `word` as a whole identifier (case-insensitive).
pub(crate) fn names_word(text: &str, word: &str) -> bool {
    if word.is_empty() {
        return false;
    }
    let (hay, needle) = (text.as_bytes(), word.as_bytes());
    let is_ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c == b'$';
    let first = needle[0];
    memchr::memchr2_iter(first.to_ascii_lowercase(), first.to_ascii_uppercase(), hay).any(|i| {
        hay.get(i..i + needle.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(needle))
            && !(i > 0 && is_ident(hay[i - 1]))
            && !hay.get(i + needle.len()).is_some_and(|&c| is_ident(c))
    })
}

#[cfg(test)]
mod tests {
    use super::names_word;

    #[test]
    fn whole_identifiers_only() {
        assert!(names_word("NEW.email := lower(NEW.email);", "email"));
        assert!(!names_word("NEW.email_verified := true;", "email"));
        assert!(names_word("UPDATE Users SET x = 1", "users"));
    }
}
