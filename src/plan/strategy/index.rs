//! Indexes on tables that have rows: built `CONCURRENTLY`, so writes go on
//! while PostgreSQL reads the table; unique ones in backfill, after the
//! migration's own UPDATEs. Renamed indexes are renamed in expand; an
//! index whose definition changed is built again in contract.

use super::{Strategy, concurrently, node_of, recreate};
use crate::model::catalog::Index;
use crate::model::{Action, ObjectRef, Replay, State, render};
use crate::plan::build::{Cx, Slot};
use crate::plan::delta::NetChange;
use crate::plan::model::{PhaseKind, Step};
use crate::sql::ir::quote_ident;

fn after_index<'a>(cx: &Cx<'a>, change: &NetChange) -> Option<&'a Index> {
    cx.after.indexes.get(&change.oid?)
}

/// An index created on a table that existed before the range.
pub(crate) struct CreateIndex {
    pub change: NetChange,
}

impl Strategy for CreateIndex {
    fn early(&self, cx: &mut Cx) {
        let Some(i) = after_index(cx, &self.change) else {
            return;
        };
        let (phase, slot, when) = if i.unique {
            (
                PhaseKind::Backfill,
                Slot::Copy,
                "built concurrently in backfill, after the migration's UPDATEs",
            )
        } else {
            (
                PhaseKind::Expand,
                Slot::Index,
                "built concurrently in expand",
            )
        };
        cx.add(
            phase,
            slot,
            Step::new(
                "built without blocking writes (reads the whole table)",
                concurrently(&render::index_definition(cx.after, i)),
            )
            .outside(),
            vec![
                Step::new(
                    "the index goes",
                    format!("DROP INDEX CONCURRENTLY {}", i.name),
                )
                .outside(),
            ],
        );
        cx.hazard(
            phase,
            format!(
                "if the build of {} fails or is cancelled it leaves an invalid index: drop it with DROP INDEX CONCURRENTLY {} and run it again",
                i.name, i.name
            ),
        );
        if i.unique {
            cx.instruct(
                PhaseKind::DeployTurquoise,
                format!("never writes a duplicate that {} forbids", i.name),
            );
        }
        cx.planned(
            format!("index {}", i.name),
            "create",
            self.change.compatibility,
            when,
        );
    }
}

/// An index renamed, or made again with another definition.
pub(crate) struct ChangeIndex {
    pub change: NetChange,
}

impl Strategy for ChangeIndex {
    fn early(&self, cx: &mut Cx) {
        let (Some(State::Index(b)), Some(a)) =
            (&self.change.change.before, after_index(cx, &self.change))
        else {
            return;
        };
        if self.change.change.action == Action::Rename {
            cx.add(
                PhaseKind::Expand,
                Slot::Other,
                Step::new(
                    "its new name",
                    format!(
                        "ALTER INDEX {} RENAME TO {}",
                        b.name,
                        quote_ident(&a.name.name)
                    ),
                ),
                vec![Step::new(
                    "its old name",
                    format!(
                        "ALTER INDEX {} RENAME TO {}",
                        a.name,
                        quote_ident(&b.name.name)
                    ),
                )],
            );
            cx.planned(
                format!("index {}", b.name),
                "rename",
                self.change.compatibility,
                "renamed in expand",
            );
        } else {
            cx.planned(
                format!("index {}", b.name),
                "alter",
                self.change.compatibility,
                "dropped and built again, concurrently, in contract",
            );
        }
    }

    fn contract(&self, cx: &mut Cx, p: &Replay) {
        if self.change.change.action == Action::Rename {
            return;
        }
        let (Some(State::Index(b)), Some(a)) =
            (&self.change.change.before, after_index(cx, &self.change))
        else {
            return;
        };
        let object = ObjectRef::Index {
            name: b.name.clone(),
        };
        cx.add_drop(
            PhaseKind::Contract,
            Slot::Drop,
            Step::new(
                "the old definition goes",
                format!("DROP INDEX CONCURRENTLY {}", b.name),
            )
            .outside(),
            recreate(&p.catalog, std::slice::from_ref(&object))
                .into_iter()
                .map(|s| {
                    Step {
                        sql: concurrently(&s.sql),
                        ..s
                    }
                    .outside()
                })
                .collect(),
            node_of(&p.catalog, &object),
        );
        cx.add(
            PhaseKind::Contract,
            Slot::Redepend,
            Step::new(
                "the new definition",
                concurrently(&render::index_definition(cx.after, a)),
            )
            .outside(),
            vec![
                Step::new(
                    "the new definition goes",
                    format!("DROP INDEX CONCURRENTLY {}", a.name),
                )
                .outside(),
            ],
        );
    }
}
