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
    // Tables (or materialized views, for indexes) made or dropped by the
    // range.
    let relation =
        |c: &crate::model::Catalog, o: &Oid| c.tables.contains_key(o) || c.views.contains_key(o);
    let new_table = |oid: Option<Oid>| oid.is_some_and(|o| !relation(cx.before, &o));
    let dropped_table = |oid: Option<Oid>| oid.is_some_and(|o| !relation(cx.after, &o));

    // Columns renamed or retyped with a rewrite: replaced.
    let mut replaced: Vec<(Oid, i16)> = Vec::new();
    for c in changes {
        let (Some(table), Some(attnum)) = (c.table, c.attnum) else {
            continue;
        };
        // A type change PostgreSQL makes by writing every row: the column
        // is replaced (the compatibility of the whole change may come
        // from its other parts, NOT NULL and default).
        let rewrites = c.change.action == Action::Alter
            && match (&c.change.before, &c.change.after) {
                (Some(State::Column(b)), Some(State::Column(a))) => {
                    b.data_type != a.data_type
                        && crate::classify::type_change_rewrites(
                            &b.data_type,
                            &a.data_type,
                            cx.intent.using.contains_key(&(table, attnum)),
                        )
                }
                _ => false,
            };
        if (c.change.action == Action::Rename || rewrites) && !replaced.contains(&(table, attnum)) {
            replaced.push((table, attnum));
        }
    }
    replaced.sort_unstable();
    for (table, attnum) in &replaced {
        let siblings = replaced
            .iter()
            .filter(|(t, _)| t == table)
            .map(|(_, a)| *a)
            .collect();
        out.push(Box::new(replace_column::ReplaceColumn {
            table: *table,
            attnum: *attnum,
            siblings,
        }));
    }
    // The indexes and constraints that name a replaced column go with it.
    let mut claimed_indexes: Vec<Oid> = Vec::new();
    let mut claimed_constraints: Vec<(Oid, String)> = Vec::new();
    for (t, a) in &replaced {
        let (i, c) = replace_column::claims(cx.before, cx.after, *t, *a);
        claimed_indexes.extend(i);
        claimed_constraints.extend(c.into_iter().map(|c| (*t, c)));
    }
    // Indexes on a materialized view the range makes, drops or makes
    // again come and go with the view.
    let views: Vec<Oid> = changes
        .iter()
        .filter(|c| matches!(c.change.object, ObjectRef::View { .. }))
        .flat_map(|c| {
            let mut oids: Vec<Oid> = c.oid.into_iter().collect();
            for s in [&c.change.before, &c.change.after].into_iter().flatten() {
                if let State::View(v) = s {
                    oids.push(v.oid);
                }
            }
            oids
        })
        .collect();
    let on_changed_view = |c: &NetChange| {
        [&c.change.before, &c.change.after]
            .into_iter()
            .flatten()
            .any(|s| matches!(s, State::Index(i) if views.contains(&i.table)))
    };
    let handled_elsewhere = |c: &NetChange| {
        on_changed_view(c)
            || matches!((c.table, c.attnum), (Some(t), Some(a)) if replaced.contains(&(t, a)))
            || match (&c.change.object, c.table) {
                (ObjectRef::Index { .. }, _) => c.oid.is_some_and(|o| claimed_indexes.contains(&o)),
                (ObjectRef::Constraint { name, .. }, Some(t)) => {
                    claimed_constraints.contains(&(t, name.clone()))
                }
                _ => false,
            }
    };

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
        if handled_elsewhere(c) {
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
                (
                    ObjectRef::Table { name } | ObjectRef::View { name },
                    ObjectRef::Index { name: index },
                ) => index_on(p, index, name),
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

/// Whether `index` is on the table or materialized view `relation`.
fn index_on(
    c: &Catalog,
    index: &crate::model::catalog::ObjectName,
    relation: &crate::model::catalog::ObjectName,
) -> bool {
    c.relation(index)
        .and_then(|(_, oid)| c.indexes.get(&oid))
        .and_then(|i| c.relation_name(i.table))
        .is_some_and(|n| n == relation)
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

/// The name for a trigger of the plan on table `t` (by its name during
/// the transition): `base`, with `z`s in front while a trigger of the
/// project's that fires before each row sorts after it. PostgreSQL fires
/// triggers in name order, and the plan's must see what the project's
/// set.
pub(crate) fn fires_last(cx: &Cx, t: &crate::model::catalog::ObjectName, base: String) -> String {
    let oid = cx.after.relation(t).map(|(_, o)| o);
    let theirs: Vec<&str> = [cx.before, cx.after]
        .iter()
        .filter_map(|c| oid.and_then(|o| c.tables.get(&o)))
        .flat_map(|t| t.triggers.iter())
        .filter(|tr| tr.for_each_row && tr.timing.eq_ignore_ascii_case("before"))
        .map(|tr| tr.name.as_str())
        .collect();
    let mut name = base;
    while theirs.iter().any(|n| *n >= name.as_str()) {
        name.insert(0, 'z');
    }
    name
}

/// A constraint's definition as `ADD CONSTRAINT` spells it, without
/// `NOT VALID` (the plan says where it wants one).
pub(crate) fn definition(
    catalog: &Catalog,
    table: &crate::model::catalog::Table,
    c: &crate::model::catalog::Constraint,
) -> String {
    let mut valid = c.clone();
    valid.validated = true;
    crate::model::render::constraint_definition(catalog, table, &valid)
}

/// `CREATE INDEX` made `CREATE INDEX CONCURRENTLY`.
pub(crate) fn concurrently(definition: &str) -> String {
    definition.replacen("INDEX ", "INDEX CONCURRENTLY ", 1)
}
