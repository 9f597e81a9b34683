//! Strategies: one per kind of change. Each classified change of the range
//! maps to one strategy, which contributes statements to the phases, each
//! with what undoes it, and says what the releases must do. A strategy
//! works in two steps: expand and backfill first; then contract, given the
//! schema as backfill leaves it (what contract drops is made again from
//! that schema by the rollback).
//!
//! | change | strategy |
//! | --- | --- |
//! | table renamed | [`rename_table`]: renamed in expand, a view under the old name until contract |
//! | column renamed, or retyped with a rewrite | [`replace_column`]: a new column kept in sync by a trigger, backfilled, swapped in contract with what refers to it |
//! | column added | [`column::NewColumn`]: nullable first, filled, NOT NULL through a validated check |
//! | column altered (NOT NULL, default, type without rewrite) | [`column::AlterColumn`], [`column::NotNull`] |
//! | constraint or index on an existing table | [`constraint`], [`index`]: `NOT VALID` then `VALIDATE`, indexes `CONCURRENTLY` |
//! | enum values added or renamed | [`enum_values`] |
//! | object created, altered or commented | [`create`] |
//! | object dropped | [`drop`]: in contract, after blue is gone |
//! | rows changed | [`data`]: batched in backfill |
//!
//! Views that read what contract drops are dropped and made again around it
//! ([`dependents`]).

pub(crate) mod column;
pub(crate) mod constraint;
pub(crate) mod create;
pub(crate) mod data;
pub(crate) mod dependents;
pub(crate) mod drop;
pub(crate) mod enum_values;
pub(crate) mod index;
pub(crate) mod rename_table;
pub(crate) mod replace_column;

use super::build::Cx;
use super::delta::NetChange;
use super::model::Step;
use super::objects;
use crate::classify::Compatibility;
use crate::graph::Node;
use crate::model::catalog::{Catalog, Oid};
use crate::model::{Action, ObjectRef, Replay, State};
use std::collections::HashSet;

/// A way to plan one change (or one group of changes that belong together).
pub(crate) trait Strategy {
    /// Statements of expand and backfill, and what the releases must do.
    fn early(&self, cx: &mut Cx);
    /// Statements of contract; `p` holds the schema once backfill is done.
    fn contract(&self, _cx: &mut Cx, _p: &Replay) {}
}

/// The strategies for the changes of the range, in the order they
/// contribute (which orders statements within a slot).
pub(crate) fn strategies(changes: &[NetChange], cx: &Cx) -> Vec<Box<dyn Strategy>> {
    let mut out: Vec<Box<dyn Strategy>> = Vec::new();
    let new_table = |oid: Option<Oid>| oid.is_some_and(|o| !cx.before.tables.contains_key(&o));
    let dropped_table = |oid: Option<Oid>| oid.is_some_and(|o| !cx.after.tables.contains_key(&o));

    // Columns renamed or retyped with a rewrite: replaced.
    let mut replaced: HashSet<(Oid, i16)> = HashSet::new();
    for c in changes {
        let (Some(table), Some(attnum)) = (c.table, c.attnum) else {
            continue;
        };
        let rewrites =
            c.change.action == Action::Alter && c.compatibility == Compatibility::ExpandContract;
        if (c.change.action == Action::Rename || rewrites) && replaced.insert((table, attnum)) {
            out.push(Box::new(replace_column::ReplaceColumn { table, attnum }));
        }
    }
    let is_replaced = |c: &NetChange| matches!((c.table, c.attnum), (Some(t), Some(a)) if replaced.contains(&(t, a)));

    for c in changes {
        if c.change.action == Action::Rename
            && let ObjectRef::Table { .. } = c.change.object
            && let Some(oid) = c.table
        {
            out.push(Box::new(rename_table::RenameTable { oid }));
        }
    }

    let mut created: Vec<NetChange> = Vec::new();
    let mut dropped: Vec<NetChange> = Vec::new();
    for c in changes {
        if is_replaced(c) {
            continue;
        }
        let on_new_table = new_table(c.table);
        match (&c.change.action, &c.change.object) {
            (Action::Rename, ObjectRef::Table { .. } | ObjectRef::Column { .. }) => {}
            (Action::Create, ObjectRef::Column { .. }) if !on_new_table => {
                out.push(Box::new(column::NewColumn { change: c.clone() }));
            }
            (Action::Create, ObjectRef::Constraint { .. }) if !on_new_table => {
                out.push(Box::new(constraint::AddConstraint { change: c.clone() }));
            }
            (Action::Create, ObjectRef::Index { .. }) if !on_new_table => {
                out.push(Box::new(index::CreateIndex { change: c.clone() }));
            }
            (
                Action::Create,
                ObjectRef::Column { .. } | ObjectRef::Constraint { .. } | ObjectRef::Index { .. },
            ) => {
                // Part of a new table: made with it.
            }
            (Action::Create, _) => created.push(c.clone()),
            (Action::Drop, ObjectRef::Column { .. }) => {
                out.push(Box::new(column::DropColumn { change: c.clone() }));
                dropped.push(c.clone());
            }
            (Action::Drop, _)
                if dropped_table(c.table)
                    && !matches!(c.change.object, ObjectRef::Table { .. }) =>
            {
                // Goes with its table.
            }
            (Action::Drop, ObjectRef::Constraint { .. })
                if c.compatibility != Compatibility::Contract =>
            {
                out.push(Box::new(drop::RelaxConstraint { change: c.clone() }));
            }
            (Action::Drop, _) => dropped.push(c.clone()),
            (Action::Alter, ObjectRef::Column { .. }) => {
                out.push(Box::new(column::AlterColumn { change: c.clone() }));
            }
            (Action::Alter, ObjectRef::Constraint { .. }) => {
                out.push(Box::new(constraint::AlterConstraint { change: c.clone() }));
            }
            (Action::Alter, ObjectRef::Type { .. }) => {
                out.push(Box::new(enum_values::AlterType { change: c.clone() }));
            }
            (Action::Rename, ObjectRef::Index { .. })
            | (Action::Alter, ObjectRef::Index { .. }) => {
                out.push(Box::new(index::ChangeIndex { change: c.clone() }));
            }
            (Action::Alter, _) | (Action::Comment, _) => {
                out.push(Box::new(create::Change { change: c.clone() }));
            }
            (Action::Rename, _) => out.push(Box::new(create::Unplanned { change: c.clone() })),
        }
    }
    if !created.is_empty() {
        // Made before everything else that may need them.
        out.insert(0, Box::new(create::Create { changes: created }));
    }
    out.push(Box::new(data::Data));
    out.push(Box::new(create::Other));
    if !dropped.is_empty() {
        out.push(Box::new(drop::Drop { changes: dropped }));
    }
    out
}

/// `column public.t.c`: how changes, differences and the plan name objects.
pub(crate) fn describe(c: &NetChange) -> String {
    c.change.object.to_string()
}

/// The action's name for the list of changes.
pub(crate) fn action_name(a: Action) -> &'static str {
    match a {
        Action::Create => "create",
        Action::Alter => "alter",
        Action::Drop => "drop",
        Action::Rename => "rename",
        Action::Comment => "comment",
    }
}

/// The statements that make `wanted` again as `p` holds them (with their
/// comments), to undo a drop.
pub(crate) fn recreate(p: &Catalog, wanted: &[ObjectRef]) -> Vec<Step> {
    let is_wanted = |o: &ObjectRef| {
        wanted.contains(o)
            || wanted.iter().any(|w| match (w, o) {
                // A table brings its parts.
                (ObjectRef::Table { name }, ObjectRef::Constraint { table, .. })
                | (ObjectRef::Table { name }, ObjectRef::Trigger { table, .. })
                | (ObjectRef::Table { name }, ObjectRef::Column { table, .. }) => name == table,
                (ObjectRef::Table { name }, ObjectRef::Index { name: index }) => {
                    index_on(p, index, name)
                }
                (ObjectRef::Table { name }, ObjectRef::Sequence { name: seq }) => {
                    sequence_owned_by(p, seq, name)
                }
                _ => false,
            })
    };
    objects::creation(p, &is_wanted)
        .into_iter()
        .map(|sql| Step::new("make it again as it was", sql))
        .collect()
}

fn index_on(
    c: &Catalog,
    index: &crate::model::catalog::ObjectName,
    table: &crate::model::catalog::ObjectName,
) -> bool {
    c.relation(index)
        .and_then(|(_, oid)| c.indexes.get(&oid))
        .and_then(|i| c.tables.get(&i.table))
        .is_some_and(|t| &t.name == table)
}

fn sequence_owned_by(
    c: &Catalog,
    seq: &crate::model::catalog::ObjectName,
    table: &crate::model::catalog::ObjectName,
) -> bool {
    c.relation(seq)
        .and_then(|(_, oid)| c.sequences.get(&oid))
        .and_then(|s| s.owned_by)
        .and_then(|(t, _)| c.tables.get(&t))
        .is_some_and(|t| &t.name == table)
}

/// The graph node of an object in `c`.
pub(crate) fn node_of(c: &Catalog, o: &ObjectRef) -> Option<Node> {
    let rel = |n: &crate::model::catalog::ObjectName| c.relation(n).map(|(_, oid)| oid);
    Some(match o {
        ObjectRef::Schema { name } => Node::Schema(name.clone()),
        ObjectRef::Extension { name } => Node::Extension(name.clone()),
        ObjectRef::Table { name } => Node::Table(rel(name)?),
        ObjectRef::Column { table, column } => {
            let oid = rel(table)?;
            Node::Column(oid, c.tables.get(&oid)?.column(column)?.attnum)
        }
        ObjectRef::Constraint { table, name } => Node::Constraint(rel(table)?, name.clone()),
        ObjectRef::Index { name } => Node::Index(rel(name)?),
        ObjectRef::View { name } => Node::View(rel(name)?),
        ObjectRef::Sequence { name } => Node::Sequence(rel(name)?),
        ObjectRef::Type { name } => Node::Type(name.clone()),
        ObjectRef::Function { key } => Node::Function(key.clone()),
        ObjectRef::Trigger { table, name } => Node::Trigger(rel(table)?, name.clone()),
    })
}

/// The object a graph node stands for in `c`.
pub(crate) fn object_of(c: &Catalog, n: &Node) -> Option<ObjectRef> {
    let rel = |oid: &Oid| c.relation_name(*oid).cloned();
    Some(match n {
        Node::Schema(s) => ObjectRef::Schema { name: s.clone() },
        Node::Extension(e) => ObjectRef::Extension { name: e.clone() },
        Node::Table(o) => ObjectRef::Table { name: rel(o)? },
        Node::Column(o, a) => ObjectRef::Column {
            table: rel(o)?,
            column: c.tables.get(o)?.column_by_num(*a)?.name.clone(),
        },
        Node::Default(..) => return None,
        Node::Constraint(o, name) => ObjectRef::Constraint {
            table: rel(o)?,
            name: name.clone(),
        },
        Node::Index(o) => ObjectRef::Index { name: rel(o)? },
        Node::View(o) => ObjectRef::View { name: rel(o)? },
        Node::Sequence(o) => ObjectRef::Sequence { name: rel(o)? },
        Node::Type(t) => ObjectRef::Type { name: t.clone() },
        Node::Function(k) => ObjectRef::Function { key: k.clone() },
        Node::Trigger(o, name) => ObjectRef::Trigger {
            table: rel(o)?,
            name: name.clone(),
        },
    })
}

/// What goes with `node` when it is dropped, other than itself: a
/// column's indexes and constraints, a table's parts.
pub(crate) fn owned_parts(p: &Replay, node: &Node) -> Vec<ObjectRef> {
    let owned = p.with_graph(|g| g.drop_set(node).owned);
    owned
        .iter()
        .filter(|n| *n != node)
        .filter_map(|n| object_of(&p.catalog, n))
        .filter(|o| !matches!(o, ObjectRef::Column { .. } | ObjectRef::Table { .. }))
        .collect()
}

/// The column state a change carries (after, else before).
pub(crate) fn column_state(c: &NetChange) -> Option<&crate::model::catalog::Column> {
    match (&c.change.after, &c.change.before) {
        (Some(State::Column(col)), _) | (None, Some(State::Column(col))) => Some(col),
        _ => None,
    }
}

/// Undo of `VALIDATE CONSTRAINT`: the constraint again, not validated.
pub(crate) fn unvalidate(
    table: &crate::model::catalog::ObjectName,
    name: &str,
    definition: &str,
) -> Vec<Step> {
    vec![
        Step::new(
            "back to not validated",
            format!(
                "{} DROP CONSTRAINT {}",
                objects::alter_table(table),
                crate::sql::ir::quote_ident(name)
            ),
        ),
        Step::new(
            "back to not validated",
            format!(
                "{} ADD CONSTRAINT {} {definition} NOT VALID",
                objects::alter_table(table),
                crate::sql::ir::quote_ident(name)
            ),
        ),
    ]
}

/// A trigger function with `body` and the BEFORE INSERT OR UPDATE trigger
/// that runs it on table `t`, in expand; `why` says what it does in the
/// plan, `purpose` in the list of auxiliary objects.
pub(crate) fn add_trigger(
    cx: &mut Cx,
    t: &crate::model::catalog::ObjectName,
    (function, trigger): (&crate::model::catalog::ObjectName, &str),
    body: &str,
    why: String,
    purpose: String,
) {
    use super::build::Slot;
    use super::model::PhaseKind;
    cx.add(
        PhaseKind::Expand,
        Slot::Sync,
        Step::new(why, super::statements::trigger_function(function, body)),
        vec![Step::new(
            "the function goes",
            format!("DROP FUNCTION {function}()"),
        )],
    );
    cx.add(
        PhaseKind::Expand,
        Slot::Sync,
        Step::new(
            format!("runs {function} on every INSERT and UPDATE of {t}"),
            super::statements::before_trigger(trigger, t, function),
        ),
        vec![Step::new(
            "the trigger goes",
            format!(
                "DROP TRIGGER {} ON {t}",
                crate::sql::ir::quote_ident(trigger)
            ),
        )],
    );
    cx.aux(
        format!("function {function}()"),
        purpose,
        PhaseKind::Expand,
        PhaseKind::Contract,
    );
    cx.aux(
        format!("trigger {} on {t}", crate::sql::ir::quote_ident(trigger)),
        format!("runs {function}"),
        PhaseKind::Expand,
        PhaseKind::Contract,
    );
}

/// `CREATE INDEX` made `CREATE INDEX CONCURRENTLY`.
pub(crate) fn concurrently(definition: &str) -> String {
    definition.replacen("INDEX ", "INDEX CONCURRENTLY ", 1)
}
