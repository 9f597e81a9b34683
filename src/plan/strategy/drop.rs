//! What the range drops goes in contract, once blue, which may still use
//! it, is gone; what goes with another dropped object (a table's indexes,
//! a column's constraints) is not dropped on its own. The rollback makes
//! each dropped object again as backfill left it, without its rows.
//! Constraints whose drop only relaxes (checks, foreign keys) go in expand.

use super::{Strategy, describe, node_of, recreate};
use crate::graph::Node;
use crate::model::{ObjectRef, Replay};
use crate::plan::build::{Cx, Slot};
use crate::plan::delta::NetChange;
use crate::plan::model::{PhaseKind, Step};
use crate::plan::objects;

pub(crate) struct Drop {
    pub changes: Vec<NetChange>,
}

impl Strategy for Drop {
    fn early(&self, cx: &mut Cx) {
        for c in &self.changes {
            match &c.change.object {
                ObjectRef::Column { .. } => {}
                ObjectRef::Table { name } => {
                    cx.instruct_green(format!(
                        "neither reads nor writes {name} (it goes in contract)"
                    ));
                    cx.rollback_note(
                        PhaseKind::Contract,
                        format!("the rollback makes {name} again, empty: its rows are gone"),
                    );
                    cx.planned(describe(c), "drop", c.compatibility, "dropped in contract");
                }
                o => {
                    cx.instruct_green(format!("does not use {o} (it goes in contract)"));
                    cx.planned(describe(c), "drop", c.compatibility, "dropped in contract");
                }
            }
        }
    }

    fn contract(&self, cx: &mut Cx, p: &Replay) {
        // The objects as backfill leaves them: columns of renamed tables
        // by their table's name then.
        let objects: Vec<(ObjectRef, Node)> = self
            .changes
            .iter()
            .filter_map(|c| {
                let o = now(cx, c);
                let n = node_of(&p.catalog, &o)?;
                Some((o, n))
            })
            .collect();
        // Drop only the roots: what goes with another dropped object is
        // left to it.
        let owned_by_other: Vec<bool> = objects
            .iter()
            .map(|(_, n)| {
                objects
                    .iter()
                    .any(|(_, m)| m != n && p.with_graph(|g| g.drop_set(m).owned.contains(n)))
            })
            .collect();
        // What other strategies drop themselves, their undos make again.
        let dropped_elsewhere = cx.dropped_in_contract();
        for ((o, n), owned) in objects.iter().zip(owned_by_other) {
            if owned {
                continue;
            }
            let Some(step) = objects::drop_step(&p.catalog, o) else {
                continue;
            };
            let mut undo = Vec::new();
            if let ObjectRef::Column { table, column } = o
                && let Some(t) = objects::table(&p.catalog, table)
                && let Some(col) = t.column(column)
            {
                let mut def = crate::model::render::column_definition(&p.catalog, col);
                if col.not_null && col.default.is_none() {
                    def = def.replace(" NOT NULL", "");
                }
                let parts: Vec<ObjectRef> = super::owned_parts(p, n)
                    .into_iter()
                    .filter(|o| {
                        node_of(&p.catalog, o).is_none_or(|n| !dropped_elsewhere.contains(&n))
                    })
                    .collect();
                // A sequence the column's default reads comes first.
                let (sequences, rest): (Vec<Step>, Vec<Step>) = recreate(&p.catalog, &parts)
                    .into_iter()
                    .partition(|s| s.sql.to_ascii_uppercase().starts_with("CREATE SEQUENCE"));
                undo.extend(sequences);
                undo.push(Step::new(
                    "the column again, without its values",
                    format!("{} ADD COLUMN {def}", objects::alter_table(table)),
                ));
                if let Some(text) = &col.comment {
                    undo.push(Step::new(
                        "its comment",
                        format!(
                            "COMMENT ON COLUMN {table}.{} IS {}",
                            crate::sql::ir::quote_ident(column),
                            crate::model::render::literal(text)
                        ),
                    ));
                }
                undo.extend(rest);
            } else {
                undo = recreate(&p.catalog, std::slice::from_ref(o));
                if let ObjectRef::Index { .. } = o {
                    undo = undo
                        .into_iter()
                        .map(|s| {
                            Step {
                                sql: super::concurrently(&s.sql),
                                ..s
                            }
                            .outside()
                        })
                        .collect();
                }
            }
            let comment = match o {
                ObjectRef::Column { .. } | ObjectRef::Table { .. } => {
                    "blue is gone: nothing uses it any more"
                }
                _ => "blue is gone",
            };
            cx.add_drop(
                PhaseKind::Contract,
                Slot::Drop,
                Step {
                    comment: comment.to_owned(),
                    ..step
                },
                undo,
                Some(n.clone()),
            );
        }
    }
}

/// The object of a drop as named once backfill is done (a renamed
/// table's parts under its new name).
fn now(cx: &Cx, c: &NetChange) -> ObjectRef {
    let renamed = |oid: Option<crate::model::catalog::Oid>,
                   old: &crate::model::catalog::ObjectName| {
        oid.and_then(|o| cx.table_name(o))
            .unwrap_or_else(|| old.clone())
    };
    match &c.change.object {
        ObjectRef::Column { table, column } => ObjectRef::Column {
            table: renamed(c.table, table),
            column: column.clone(),
        },
        ObjectRef::Constraint { table, name } => ObjectRef::Constraint {
            table: renamed(c.table, table),
            name: name.clone(),
        },
        ObjectRef::Trigger { table, name } => ObjectRef::Trigger {
            table: renamed(c.table, table),
            name: name.clone(),
        },
        o => o.clone(),
    }
}

/// A constraint whose drop only lets more rows in: in expand.
pub(crate) struct RelaxConstraint {
    pub change: NetChange,
}

impl Strategy for RelaxConstraint {
    fn early(&self, cx: &mut Cx) {
        let o = now(cx, &self.change);
        let Some(step) = objects::drop_step(cx.before, &o) else {
            return;
        };
        let before_name = self.change.change.object.clone();
        cx.add(
            PhaseKind::Expand,
            Slot::Column,
            Step {
                comment: "only lets more rows in: blue is not affected".to_owned(),
                ..step
            },
            recreate(cx.before, std::slice::from_ref(&before_name)),
        );
        cx.rollback_note(
            PhaseKind::Expand,
            format!("{before_name} comes back only if no row written meanwhile breaks it"),
        );
        cx.planned(
            describe(&self.change),
            "drop",
            self.change.compatibility,
            "dropped in expand",
        );
    }
}
