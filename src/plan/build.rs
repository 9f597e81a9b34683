//! The planner's working state: the statements strategies contribute, each
//! with its phase, its place in the phase and its rollback, and what they
//! say about the transition. [`Cx::phase`] turns the contributions into a
//! [`Phase`].

use super::model::{App, Auxiliary, Phase, PhaseKind, PlannedChange, Refusal, Step, Sync};
use super::{Options, intent::Intent};
use crate::classify::Compatibility;
use crate::diagnostic::Location;
use crate::graph::Node;
use crate::model::catalog::{Catalog, ObjectName, Oid};
use std::collections::BTreeMap;

/// Where in its phase a statement goes; phases run their statements in
/// this order (then in the order contributed, then as the dependency graph
/// says for drops: see `order`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Slot {
    // expand
    /// Tables renamed, with the views that keep their old names.
    Rename,
    /// New schemas, extensions, types, functions, sequences and tables.
    Create,
    /// New columns and replacement columns, relaxed NOT NULLs, defaults.
    Column,
    /// Sync and fill triggers with their functions.
    Sync,
    /// Constraints, `NOT VALID`.
    Constrain,
    /// New and rebuilt views.
    View,
    /// Comments, grants, and other statements kept as written.
    Other,
    /// Indexes built concurrently.
    Index,
    // backfill
    /// Row changes, batched.
    Data,
    /// Index copies and unique indexes, built concurrently once the rows are in.
    Copy,
    /// `VALIDATE CONSTRAINT`.
    Validate,
    /// Unique constraints over the indexes just built.
    Attach,
    // contract
    /// Sync and fill triggers, their functions, views under old names.
    Unsync,
    /// Views (and other dependents) of what is dropped below.
    Undepend,
    /// Foreign keys that reference a key about to be swapped.
    Unlink,
    /// What the migration drops.
    Drop,
    /// Replacement columns and copies take the original names.
    Swap,
    /// Validated checks become NOT NULL.
    NotNull,
    /// Keys over the copied indexes.
    Key,
    /// Foreign keys again, `NOT VALID`.
    Relink,
    /// Dependents made again as the migration leaves them.
    Redepend,
    /// Defaults and comments that wait for the swap.
    Finish,
    /// Foreign keys made again, validated.
    Revalidate,
}

/// One statement a strategy contributes.
#[derive(Debug, Clone)]
pub(crate) struct Draft {
    pub phase: PhaseKind,
    pub slot: Slot,
    pub seq: usize,
    pub step: Step,
    /// What undoes it, run in this order (the phase's rollback runs the
    /// undos of its statements last first).
    pub undo: Vec<Step>,
    /// The object it drops, for ordering drops by the dependency graph.
    pub drops: Option<Node>,
}

/// A phase's statements in order, each with what undoes it.
#[derive(Debug, Clone, Default)]
pub(crate) struct Ordered {
    pub steps: Vec<Step>,
    pub undo: Vec<Vec<Step>>,
}

impl Ordered {
    /// The undos, last statement first: the phase's rollback.
    pub fn rollback(&self) -> Vec<Step> {
        self.undo.iter().rev().flatten().cloned().collect()
    }
}

/// The planner's state while strategies run.
pub(crate) struct Cx<'a> {
    pub before: &'a Catalog,
    pub after: &'a Catalog,
    pub options: &'a Options,
    pub intent: &'a Intent,
    pub drafts: Vec<Draft>,
    pub auxiliary: Vec<Auxiliary>,
    pub syncs: Vec<Sync>,
    /// Relations made only in contract (their name is taken until then).
    pub late: Vec<ObjectName>,
    pub refusals: Vec<Refusal>,
    pub changes: Vec<PlannedChange>,
    pub instructions: BTreeMap<PhaseKind, Vec<String>>,
    /// What green does that the release before it need not: said where
    /// green is deployed.
    pub green: Vec<String>,
    pub hazards: BTreeMap<PhaseKind, Vec<String>>,
    pub rollback_notes: BTreeMap<PhaseKind, Vec<String>>,
    pub irreversible: BTreeMap<PhaseKind, Vec<String>>,
    /// Some change needs a release between blue and green.
    pub turquoise: bool,
    /// Views to make again in contract whatever they depend on.
    pub rebuild: Vec<Node>,
    seq: usize,
}

impl<'a> Cx<'a> {
    pub fn new(
        before: &'a Catalog,
        after: &'a Catalog,
        options: &'a Options,
        intent: &'a Intent,
    ) -> Self {
        Cx {
            before,
            after,
            options,
            intent,
            drafts: Vec::new(),
            auxiliary: Vec::new(),
            syncs: Vec::new(),
            late: Vec::new(),
            refusals: Vec::new(),
            changes: Vec::new(),
            instructions: BTreeMap::new(),
            green: Vec::new(),
            hazards: BTreeMap::new(),
            rollback_notes: BTreeMap::new(),
            irreversible: BTreeMap::new(),
            turquoise: false,
            rebuild: Vec::new(),
            seq: 0,
        }
    }

    /// Adds a statement and what undoes it.
    pub fn add(&mut self, phase: PhaseKind, slot: Slot, step: Step, undo: Vec<Step>) {
        self.add_drop(phase, slot, step, undo, None);
    }

    /// Adds a statement that drops `node` (ordered by the dependency graph
    /// among the drops of its slot).
    pub fn add_drop(
        &mut self,
        phase: PhaseKind,
        slot: Slot,
        step: Step,
        undo: Vec<Step>,
        drops: Option<Node>,
    ) {
        self.seq += 1;
        self.drafts.push(Draft {
            phase,
            slot,
            seq: self.seq,
            step,
            undo,
            drops,
        });
    }

    pub fn instruct(&mut self, phase: PhaseKind, text: impl Into<String>) {
        push_unique(self.instructions.entry(phase).or_default(), text.into());
    }

    /// The objects the statements drafted so far drop in contract.
    pub fn dropped_in_contract(&self) -> Vec<Node> {
        self.drafts
            .iter()
            .filter(|d| d.phase == PhaseKind::Contract)
            .filter_map(|d| d.drops.clone())
            .collect()
    }

    /// What green does (and a turquoise release, if one is needed, does
    /// not have to).
    pub fn instruct_green(&mut self, text: impl Into<String>) {
        push_unique(&mut self.green, text.into());
    }

    pub fn hazard(&mut self, phase: PhaseKind, text: impl Into<String>) {
        push_unique(self.hazards.entry(phase).or_default(), text.into());
    }

    pub fn rollback_note(&mut self, phase: PhaseKind, text: impl Into<String>) {
        push_unique(self.rollback_notes.entry(phase).or_default(), text.into());
    }

    pub fn irreversible(&mut self, phase: PhaseKind, object: impl Into<String>) {
        push_unique(self.irreversible.entry(phase).or_default(), object.into());
    }

    pub fn aux(
        &mut self,
        object: String,
        purpose: impl Into<String>,
        created: PhaseKind,
        removed: PhaseKind,
    ) {
        self.auxiliary.push(Auxiliary {
            object,
            purpose: purpose.into(),
            created,
            removed,
        });
    }

    pub fn refuse(
        &mut self,
        object: impl Into<String>,
        reason: impl Into<String>,
        location: Option<Location>,
    ) {
        self.refusals.push(Refusal {
            object: object.into(),
            reason: reason.into(),
            location,
        });
    }

    /// Records a change of the range and what the plan does with it.
    pub fn planned(
        &mut self,
        object: String,
        action: &str,
        compatibility: Compatibility,
        how: impl Into<String>,
    ) {
        self.changes.push(PlannedChange {
            object,
            action: action.to_owned(),
            compatibility,
            how: how.into(),
        });
    }

    /// The table's name during the transition: its new name once renamed
    /// (renames run first in expand), its old one if the range drops it.
    pub fn table_name(&self, oid: Oid) -> Option<ObjectName> {
        self.after
            .tables
            .get(&oid)
            .map(|t| t.name.clone())
            .or_else(|| self.before.tables.get(&oid).map(|t| t.name.clone()))
    }

    /// The statements of `phase`, ordered, each with what undoes it.
    pub fn steps(&self, phase: PhaseKind, order: &dyn Fn(&mut Vec<&Draft>)) -> Ordered {
        let mut drafts: Vec<&Draft> = self.drafts.iter().filter(|d| d.phase == phase).collect();
        drafts.sort_by_key(|d| (d.slot, d.seq));
        order(&mut drafts);
        Ordered {
            steps: drafts.iter().map(|d| d.step.clone()).collect(),
            undo: drafts.iter().map(|d| d.undo.clone()).collect(),
        }
    }

    /// The phase with its statements, rollback and what was said about it.
    pub fn phase(&self, kind: PhaseKind, ordered: Ordered) -> Phase {
        let mut p = Phase::new(kind);
        p.rollback = ordered.rollback();
        p.steps = ordered.steps;
        p.undo = ordered.undo;
        p.instructions = self.instructions.get(&kind).cloned().unwrap_or_default();
        let green_here = if self.turquoise {
            kind == PhaseKind::DeployGreen
        } else {
            kind == PhaseKind::DeployTurquoise
        };
        if green_here {
            for g in &self.green {
                push_unique(&mut p.instructions, g.clone());
            }
        }
        p.hazards = self.hazards.get(&kind).cloned().unwrap_or_default();
        p.rollback_notes = self.rollback_notes.get(&kind).cloned().unwrap_or_default();
        p.irreversible = self.irreversible.get(&kind).cloned().unwrap_or_default();
        if !self.turquoise {
            // Blue and green both run on the schema between backfill and
            // contract: the turquoise release is green itself.
            match kind {
                PhaseKind::DeployTurquoise => {
                    p.during = vec![App::Blue, App::Green];
                    p.after = vec![App::Green];
                }
                PhaseKind::DeployGreen => {
                    p.during = vec![App::Green];
                    p.after = vec![App::Green];
                    p.after_rollback = vec![App::Green];
                }
                _ => {}
            }
        }
        p.summary = summary(kind, &p, self.turquoise);
        p
    }
}

fn push_unique(list: &mut Vec<String>, text: String) {
    if !list.contains(&text) {
        list.push(text);
    }
}

fn summary(kind: PhaseKind, p: &Phase, turquoise: bool) -> String {
    let n = p.steps.len();
    match kind {
        PhaseKind::Expand if n == 0 => "nothing to add".to_owned(),
        PhaseKind::Expand => format!("{n} additive statements while blue serves"),
        PhaseKind::Backfill if n == 0 => "nothing to copy or validate".to_owned(),
        PhaseKind::Backfill => format!("{n} statements: batched copies, then validation"),
        PhaseKind::DeployTurquoise if turquoise => {
            "replace blue with the turquoise release".to_owned()
        }
        PhaseKind::DeployTurquoise => {
            "replace blue with green: the schema now serves both".to_owned()
        }
        PhaseKind::DeployGreen if turquoise => "replace turquoise with green".to_owned(),
        PhaseKind::DeployGreen => "nothing more to deploy: green already runs".to_owned(),
        PhaseKind::Contract if n == 0 => "nothing to remove".to_owned(),
        PhaseKind::Contract => format!("{n} statements once blue is gone"),
    }
}
