//! Views that read what contract drops (an old column, a dropped table)
//! must go before it and, when the migration keeps them, come back after
//! it reading what replaced it. Which views that is comes from the
//! dependency graph of the schema as backfill leaves it; they come back as
//! the range leaves them, in dependency order.

use super::{node_of, object_of, recreate};
use crate::graph::{DependencyGraph, Node};
use crate::model::catalog::ObjectName;
use crate::model::{ObjectRef, Replay};
use crate::plan::build::{Cx, Slot};
use crate::plan::model::{PhaseKind, Step};
use crate::plan::objects;

/// Marks the view `name` to be made again in contract (its definition
/// changed in a way `CREATE OR REPLACE` cannot follow).
pub(crate) fn rebuild_view(cx: &mut Cx, p: &Replay, name: &ObjectName) {
    let o = ObjectRef::View { name: name.clone() };
    if let Some(n) = node_of(&p.catalog, &o) {
        cx.rebuild.push(n);
    }
}

/// Drops and makes again the views that depend on what contract drops.
pub(crate) fn rebuild(cx: &mut Cx, p: &Replay) {
    let dropped = cx.dropped_in_contract();
    let mut views: Vec<Node> = cx.rebuild.clone();
    p.with_graph(|g| {
        for n in dropped.iter().chain(cx.rebuild.iter()) {
            let set = g.drop_set(n);
            for m in set.owned.iter().chain(set.dependents.iter()) {
                if matches!(m, Node::View(_)) && !dropped.contains(m) && !views.contains(m) {
                    views.push(m.clone());
                }
            }
        }
    });
    triggers(cx, p, &dropped);
    if views.is_empty() {
        return;
    }
    // Dropped last-reader first (the order pass puts dependents first),
    // made again in the order of the schema after the range.
    let mut again: Vec<ObjectName> = Vec::new();
    for v in &views {
        let Some(o) = object_of(&p.catalog, v) else {
            continue;
        };
        let Some(step) = objects::drop_step(&p.catalog, &o) else {
            continue;
        };
        let ObjectRef::View { name } = &o else {
            continue;
        };
        let kept = cx
            .after
            .relation(name)
            .is_some_and(|(_, oid)| cx.after.views.contains_key(&oid));
        cx.add_drop(
            PhaseKind::Contract,
            Slot::Undepend,
            Step {
                comment: if kept {
                    "reads what goes below; made again after it".to_owned()
                } else {
                    "reads what goes below".to_owned()
                },
                ..step
            },
            recreate(&p.catalog, std::slice::from_ref(&o)),
            Some(v.clone()),
        );
        if kept {
            again.push(name.clone());
        }
    }
    let order = DependencyGraph::views_in_dependency_order(cx.after);
    for oid in order {
        let Some(v) = cx.after.views.get(&oid) else {
            continue;
        };
        if !again.contains(&v.name) {
            continue;
        }
        let o = ObjectRef::View {
            name: v.name.clone(),
        };
        let drop = objects::drop_step(cx.after, &o)
            .into_iter()
            .collect::<Vec<_>>();
        for (i, s) in recreate(cx.after, std::slice::from_ref(&o))
            .into_iter()
            .enumerate()
        {
            cx.add(
                PhaseKind::Contract,
                Slot::Redepend,
                Step::new(
                    if i == 0 {
                        "as the migration leaves it"
                    } else {
                        "its comment"
                    },
                    s.sql,
                ),
                if i == 0 { drop.clone() } else { Vec::new() },
            );
        }
    }
}

/// Triggers that fire on a column contract drops (`UPDATE OF`, or named
/// in `WHEN`): PostgreSQL will not drop the column under them, so they go
/// before it and come back, as the range leaves them, after it.
fn triggers(cx: &mut Cx, p: &Replay, dropped: &[Node]) {
    let mut found: Vec<ObjectRef> = Vec::new();
    for n in dropped {
        let Node::Column(oid, attnum) = n else {
            continue;
        };
        let Some(t) = p.catalog.tables.get(oid) else {
            continue;
        };
        let Some(col) = t.column_by_num(*attnum) else {
            continue;
        };
        for tr in &t.triggers {
            let names_it = tr.update_columns.contains(&col.name)
                || tr
                    .when
                    .as_ref()
                    .is_some_and(|w| w.columns.contains(&col.name));
            let o = ObjectRef::Trigger {
                table: t.name.clone(),
                name: tr.name.clone(),
            };
            if names_it && !found.contains(&o) {
                found.push(o);
            }
        }
    }
    for o in found {
        let Some(step) = objects::drop_step(&p.catalog, &o) else {
            continue;
        };
        cx.add_drop(
            PhaseKind::Contract,
            Slot::Undepend,
            Step {
                comment: "fires on a column that goes below; made again after it".to_owned(),
                ..step
            },
            recreate(&p.catalog, std::slice::from_ref(&o)),
            node_of(&p.catalog, &o),
        );
        let again = recreate(cx.after, std::slice::from_ref(&o));
        let undo = objects::drop_step(cx.after, &o)
            .into_iter()
            .collect::<Vec<_>>();
        for (i, s) in again.into_iter().enumerate() {
            cx.add(
                PhaseKind::Contract,
                Slot::Redepend,
                Step::new("as the migration leaves it", s.sql),
                if i == 0 { undo.clone() } else { Vec::new() },
            );
        }
    }
}
