//! A renamed table: renamed in expand, with a view under its old name that
//! blue reads and writes through (PostgreSQL updates a simple view's table
//! in its place), dropped in contract.

use super::{Strategy, recreate};
use crate::model::catalog::Oid;
use crate::model::{ObjectRef, Replay};
use crate::plan::build::{Cx, Slot};
use crate::plan::model::{PhaseKind, Step};
use crate::sql::ir::quote_ident;

pub(crate) struct RenameTable {
    pub oid: Oid,
}

impl Strategy for RenameTable {
    fn early(&self, cx: &mut Cx) {
        let (Some(b), Some(a)) = (
            cx.before.tables.get(&self.oid),
            cx.after.tables.get(&self.oid),
        ) else {
            return;
        };
        let (old, new) = (b.name.clone(), a.name.clone());
        let mut at = old.clone();
        if old.schema != new.schema {
            let moved = crate::model::catalog::ObjectName::new(&new.schema, &old.name);
            cx.add(
                PhaseKind::Expand,
                Slot::Rename,
                Step::new(
                    format!("the table moves to schema {}", new.schema),
                    format!("ALTER TABLE {old} SET SCHEMA {}", quote_ident(&new.schema)),
                ),
                vec![Step::new(
                    "back to its schema",
                    format!(
                        "ALTER TABLE {moved} SET SCHEMA {}",
                        quote_ident(&old.schema)
                    ),
                )],
            );
            at = moved;
        }
        if at.name != new.name {
            cx.add(
                PhaseKind::Expand,
                Slot::Rename,
                Step::new(
                    "green's name for the table",
                    format!("ALTER TABLE {at} RENAME TO {}", quote_ident(&new.name)),
                ),
                vec![Step::new(
                    "back to its old name",
                    format!("ALTER TABLE {new} RENAME TO {}", quote_ident(&at.name)),
                )],
            );
        }
        let columns: Vec<String> = b.columns.iter().map(|c| quote_ident(&c.name)).collect();
        cx.add(
            PhaseKind::Expand,
            Slot::Rename,
            Step::new(
                format!(
                    "blue keeps using {old}: a simple view, which PostgreSQL lets it read and write"
                ),
                format!(
                    "CREATE VIEW {old} AS SELECT {} FROM {new}",
                    columns.join(", ")
                ),
            ),
            vec![Step::new("the view goes first", format!("DROP VIEW {old}"))],
        );
        cx.aux(
            format!("view {old}"),
            format!("the old name of {new}, for blue"),
            PhaseKind::Expand,
            PhaseKind::Contract,
        );
        cx.planned(
            format!("table {old}"),
            "rename",
            crate::classify::Compatibility::ExpandContract,
            format!(
                "renamed to {new} in expand; a view under the old name serves blue until contract"
            ),
        );
        cx.hazard(
            PhaseKind::Expand,
            format!(
                "from now on blue's statements on {old} go through a view: SELECT, INSERT, UPDATE, DELETE and ON CONFLICT work; TRUNCATE, LOCK, COPY ... FROM and ALTER TABLE on {old} fail"
            ),
        );
        cx.instruct(
            PhaseKind::DeployTurquoise,
            format!("may name the table {new} (its name from now on) or {old} (a view over it until contract)"),
        );
        cx.instruct(
            PhaseKind::DeployGreen,
            format!("uses {new}; {old} is gone after contract"),
        );
    }

    fn contract(&self, cx: &mut Cx, pr: &Replay) {
        let p = &pr.catalog;
        let Some(b) = cx.before.tables.get(&self.oid) else {
            return;
        };
        let view = ObjectRef::View {
            name: b.name.clone(),
        };
        cx.add_drop(
            PhaseKind::Contract,
            Slot::Unsync,
            Step::new(
                format!("blue is gone: the old name {} goes", b.name),
                format!("DROP VIEW {}", b.name),
            ),
            recreate(p, std::slice::from_ref(&view)),
            super::node_of(p, &view),
        );
    }
}
