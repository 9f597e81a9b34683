//! Constraints added to tables that have rows. Checks and foreign keys go
//! in `NOT VALID` in expand (new writes are checked at once, nothing is
//! read) and are validated in backfill, after the migration's own UPDATEs,
//! under a lock that lets reads and writes through. Unique keys and primary
//! keys are built as an index concurrently in backfill and attached to the
//! constraint; a primary key waits for contract, where its columns are NOT
//! NULL.

use super::{Strategy, concurrently, unvalidate};
use crate::model::catalog::{Constraint, ConstraintDef, Index, ObjectName, Table};
use crate::model::{Replay, State, render};
use crate::plan::build::{Cx, Slot};
use crate::plan::delta::NetChange;
use crate::plan::model::{PhaseKind, Step};
use crate::plan::objects::alter_table;
use crate::plan::statements;
use crate::sql::ir::quote_ident;

fn parts<'a>(cx: &Cx<'a>, change: &NetChange) -> Option<(&'a Table, &'a Constraint)> {
    let t = cx.after.tables.get(&change.table?)?;
    let name = match &change.change.after {
        Some(State::Constraint(c)) => &c.name,
        _ => return None,
    };
    Some((t, t.constraint(name)?))
}

/// A constraint added to a table that has rows.
pub(crate) struct AddConstraint {
    pub change: NetChange,
}

impl Strategy for AddConstraint {
    fn early(&self, cx: &mut Cx) {
        let Some((t, c)) = parts(cx, &self.change) else {
            return;
        };
        add(cx, t, c, &self.change);
    }

    fn contract(&self, cx: &mut Cx, _p: &Replay) {
        let Some((t, c)) = parts(cx, &self.change) else {
            return;
        };
        if matches!(c.kind, ConstraintDef::PrimaryKey { .. })
            && let Some(k) = key_index(cx, c, c.name.clone())
        {
            attach(cx, &t.name, c, &k, PhaseKind::Contract, Slot::Key);
        }
    }
}

fn add(cx: &mut Cx, t: &Table, c: &Constraint, change: &NetChange) {
    let name = &t.name;
    let alter = alter_table(name);
    let q = quote_ident(&c.name);
    let object = format!("constraint {q} on {name}");
    match &c.kind {
        ConstraintDef::Check { .. } | ConstraintDef::ForeignKey { .. } => {
            let def = super::definition(cx.after, t, c);
            cx.add(
                PhaseKind::Expand,
                Slot::Constrain,
                Step::new(
                    "checked for new writes from now on; the rows already there are not read",
                    format!("{alter} ADD CONSTRAINT {q} {def} NOT VALID"),
                ),
                vec![Step::new(
                    "the constraint goes",
                    format!("{alter} DROP CONSTRAINT {q}"),
                )],
            );
            if c.validated {
                cx.add(
                    PhaseKind::Backfill,
                    Slot::Validate,
                    Step::new(
                        "the rows already there, read without blocking writes",
                        statements::validate(name, &c.name),
                    )
                    .alone(),
                    unvalidate(name, &c.name, &def),
                );
                cx.hazard(
                    PhaseKind::Backfill,
                    format!("the VALIDATE of {q} fails if a row of {name} breaks it; the migration's own UPDATEs run before it"),
                );
            }
            cx.hazard(
                PhaseKind::Expand,
                format!("from now on blue's writes to {name} that break {q} fail"),
            );
            cx.instruct(
                PhaseKind::DeployTurquoise,
                format!("never writes a row of {name} that breaks {q}"),
            );
            cx.planned(
                object,
                "create",
                change.compatibility,
                "NOT VALID in expand, validated in backfill",
            );
        }
        ConstraintDef::Unique { .. } | ConstraintDef::PrimaryKey { .. } => {
            let Some(k) = key_index(cx, c, c.name.clone()) else {
                return;
            };
            build(cx, &k);
            let primary = matches!(c.kind, ConstraintDef::PrimaryKey { .. });
            if !primary {
                attach(cx, name, c, &k, PhaseKind::Backfill, Slot::Attach);
            }
            cx.instruct(
                PhaseKind::DeployTurquoise,
                format!("never writes a duplicate of {q} into {name}"),
            );
            let (phase, what) = if primary {
                ("contract", "the key")
            } else {
                ("backfill", "the constraint")
            };
            let how = match &k {
                KeyIndex::Existing(i) => {
                    format!("{what} over the existing index {}, in {phase}", i.name)
                }
                KeyIndex::Built { .. } if primary => {
                    "index built concurrently in backfill; the key over it in contract".to_owned()
                }
                KeyIndex::Built { .. } => {
                    "index built concurrently in backfill, then the constraint over it".to_owned()
                }
            };
            cx.planned(object, "create", change.compatibility, how);
        }
        ConstraintDef::Exclusion { .. } | ConstraintDef::NotNull { .. } => {
            let def = super::definition(cx.after, t, c);
            cx.add(
                PhaseKind::Backfill,
                Slot::Attach,
                Step::new(
                    "PostgreSQL has no concurrent way to add this constraint",
                    format!("{alter} ADD CONSTRAINT {q} {def}"),
                )
                .alone(),
                vec![Step::new(
                    "the constraint goes",
                    format!("{alter} DROP CONSTRAINT {q}"),
                )],
            );
            cx.hazard(
                PhaseKind::Backfill,
                format!("adding {q} reads {name} under an ACCESS EXCLUSIVE lock: reads and writes wait until it is done"),
            );
            cx.planned(
                object,
                "create",
                change.compatibility,
                "added as written in backfill (no safe form)",
            );
        }
    }
}

/// The index a key stands on: one that existed before the range and the
/// key takes over (`USING INDEX`), or one the plan builds under `name`.
enum KeyIndex<'a> {
    Existing(&'a Index),
    Built {
        name: ObjectName,
        definition: String,
    },
}

impl KeyIndex<'_> {
    fn name(&self) -> &ObjectName {
        match self {
            KeyIndex::Existing(i) => &i.name,
            KeyIndex::Built { name, .. } => name,
        }
    }
}

fn key_index<'a>(cx: &Cx<'a>, c: &Constraint, build_name: String) -> Option<KeyIndex<'a>> {
    let oid = c.kind.index()?;
    if let Some(b) = cx
        .before
        .indexes
        .get(&oid)
        .filter(|b| b.constraint.is_none())
    {
        return Some(KeyIndex::Existing(b));
    }
    let i = cx.after.indexes.get(&oid)?;
    let mut plain = i.clone();
    plain.constraint = None;
    plain.name = ObjectName::new(&i.name.schema, &build_name);
    Some(KeyIndex::Built {
        definition: render::index_definition(cx.after, &plain),
        name: plain.name,
    })
}

/// The key's index, built concurrently in backfill once the migration's
/// UPDATEs ran (nothing for an index that exists).
fn build(cx: &mut Cx, k: &KeyIndex) {
    let KeyIndex::Built { name, definition } = k else {
        return;
    };
    cx.add(
        PhaseKind::Backfill,
        Slot::Copy,
        Step::new(
            "the key's index, built without blocking writes once the migration's UPDATEs ran",
            concurrently(definition),
        )
        .outside(),
        vec![Step::new("the index goes", format!("DROP INDEX CONCURRENTLY {name}")).outside()],
    );
    cx.hazard(
        PhaseKind::Backfill,
        format!(
            "the build of {name} fails on duplicates (blue's writes included): it then leaves an invalid index, to drop with DROP INDEX CONCURRENTLY {name} before running it again"
        ),
    );
}

/// `ADD CONSTRAINT ... USING INDEX`: the key over its index, which takes
/// the key's name.
fn attach(
    cx: &mut Cx,
    table: &ObjectName,
    c: &Constraint,
    k: &KeyIndex,
    phase: PhaseKind,
    slot: Slot,
) {
    let alter = alter_table(table);
    let q = quote_ident(&c.name);
    let kind = match &c.kind {
        ConstraintDef::PrimaryKey { .. } => "PRIMARY KEY",
        ConstraintDef::Unique { .. } => "UNIQUE",
        _ => return,
    };
    let mut deferrable = String::new();
    if c.deferrable {
        deferrable.push_str(" DEFERRABLE");
        if c.initially_deferred {
            deferrable.push_str(" INITIALLY DEFERRED");
        }
    }
    // The index as it stood: dropping the key drops it too. In the
    // rollback's transaction, not concurrently: the undo of a statement
    // runs the way the statement does.
    let again = match k {
        KeyIndex::Existing(i) => render::index_definition(cx.before, i),
        KeyIndex::Built { definition, .. } => definition.clone(),
    };
    cx.add(
        phase,
        slot,
        Step::new(
            format!(
                "the constraint over {} (a moment's ACCESS EXCLUSIVE, nothing read)",
                k.name()
            ),
            format!(
                "{alter} ADD CONSTRAINT {q} {kind} USING INDEX {}{deferrable}",
                quote_ident(&k.name().name)
            ),
        ),
        vec![
            Step::new(
                "the constraint goes, with its index",
                format!("{alter} DROP CONSTRAINT {q}"),
            ),
            Step::new("the index again (blocks writes while it builds)", again),
        ],
    );
}

/// A constraint of the same name that changed: validated in the range, or
/// made anew.
pub(crate) struct AlterConstraint {
    pub change: NetChange,
}

impl Strategy for AlterConstraint {
    fn early(&self, cx: &mut Cx) {
        let (Some(State::Constraint(b)), Some((t, a))) =
            (&self.change.change.before, parts(cx, &self.change))
        else {
            return;
        };
        let name = &t.name;
        let q = quote_ident(&a.name);
        let object = format!("constraint {q} on {name}");
        let def = super::definition(cx.after, t, a);
        let mut same = b.clone();
        same.validated = a.validated;
        if same == *a && a.validated {
            cx.add(
                PhaseKind::Backfill,
                Slot::Validate,
                Step::new(
                    "the rows already there, read without blocking writes",
                    statements::validate(name, &a.name),
                )
                .alone(),
                unvalidate(name, &a.name, &def),
            );
            cx.planned(
                object,
                "alter",
                self.change.compatibility,
                "validated in backfill",
            );
            return;
        }
        if let Some(k) = key_index(cx, a, crate::plan::objects::aux_name(&[&a.name])) {
            // A key: its new index is built first, taken over in contract.
            build(cx, &k);
            cx.planned(
                object,
                "alter",
                self.change.compatibility,
                format!("dropped in contract and made again over {}", k.name()),
            );
            return;
        }
        cx.planned(
            object,
            "alter",
            self.change.compatibility,
            "dropped and added again, NOT VALID, in contract; validated after",
        );
    }

    fn contract(&self, cx: &mut Cx, p: &Replay) {
        let (Some(State::Constraint(b)), Some((t, a))) =
            (&self.change.change.before, parts(cx, &self.change))
        else {
            return;
        };
        let mut same = b.clone();
        same.validated = a.validated;
        if same == *a {
            return;
        }
        let name = &t.name;
        let alter = alter_table(name);
        let q = quote_ident(&a.name);
        let def = super::definition(cx.after, t, a);
        let object = crate::model::ObjectRef::Constraint {
            table: name.clone(),
            name: a.name.clone(),
        };
        cx.add_drop(
            PhaseKind::Contract,
            Slot::Drop,
            Step::new(
                "the old definition goes",
                format!("{alter} DROP CONSTRAINT {q}"),
            ),
            super::recreate(&p.catalog, std::slice::from_ref(&object)),
            super::node_of(&p.catalog, &object),
        );
        if let Some(k) = key_index(cx, a, crate::plan::objects::aux_name(&[&a.name])) {
            attach(cx, name, a, &k, PhaseKind::Contract, Slot::Key);
            return;
        }
        cx.add(
            PhaseKind::Contract,
            Slot::Relink,
            Step::new(
                "the new definition, for new writes",
                format!("{alter} ADD CONSTRAINT {q} {def} NOT VALID"),
            ),
            vec![Step::new(
                "the new definition goes",
                format!("{alter} DROP CONSTRAINT {q}"),
            )],
        );
        if a.validated {
            cx.add(
                PhaseKind::Contract,
                Slot::Revalidate,
                Step::new(
                    "the rows already there",
                    statements::validate(name, &a.name),
                )
                .alone(),
                unvalidate(name, &a.name, &def),
            );
        }
    }
}
