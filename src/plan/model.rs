//! The plan as a value: phases with their SQL, rollbacks, the application
//! versions that may run, hazards and instructions. Built by the planner,
//! printed by [`super::format`], written out by [`super::emit`] and run by
//! `pg::plan`; nothing here decides anything.

use crate::classify::Compatibility;
use crate::diagnostic::Location;
use serde::Serialize;
use std::fmt;

/// The five phases, in the order they run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PhaseKind {
    /// Additive schema work, while blue serves.
    Expand,
    /// Batched data copies and constraint validation, while blue serves.
    Backfill,
    /// The turquoise release replaces blue.
    DeployTurquoise,
    /// The green release replaces turquoise.
    DeployGreen,
    /// What blue needed goes, once blue is gone.
    Contract,
}

impl PhaseKind {
    pub const ALL: [PhaseKind; 5] = [
        PhaseKind::Expand,
        PhaseKind::Backfill,
        PhaseKind::DeployTurquoise,
        PhaseKind::DeployGreen,
        PhaseKind::Contract,
    ];

    /// The name in file names and JSON: `expand`, `deploy_green`.
    pub fn name(self) -> &'static str {
        match self {
            PhaseKind::Expand => "expand",
            PhaseKind::Backfill => "backfill",
            PhaseKind::DeployTurquoise => "deploy_turquoise",
            PhaseKind::DeployGreen => "deploy_green",
            PhaseKind::Contract => "contract",
        }
    }

    /// The name for people: `deploy turquoise`.
    pub fn title(self) -> &'static str {
        match self {
            PhaseKind::Expand => "expand",
            PhaseKind::Backfill => "backfill",
            PhaseKind::DeployTurquoise => "deploy turquoise",
            PhaseKind::DeployGreen => "deploy green",
            PhaseKind::Contract => "contract",
        }
    }

    /// Whether the phase runs SQL (the deploy phases ship code).
    pub fn has_sql(self) -> bool {
        !matches!(self, PhaseKind::DeployTurquoise | PhaseKind::DeployGreen)
    }
}

impl fmt::Display for PhaseKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.title())
    }
}

/// A version of the application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum App {
    /// Written for the schema before the migration.
    Blue,
    /// The release in between: works on the schema of every phase from
    /// backfill to contract, next to blue and next to green.
    Turquoise,
    /// Written for the schema after the migration.
    Green,
}

impl fmt::Display for App {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            App::Blue => "blue",
            App::Turquoise => "turquoise",
            App::Green => "green",
        })
    }
}

/// How a statement must be run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Run {
    /// In a transaction, with the statements next to it that may too.
    Transaction,
    /// In a transaction of its own (`VALIDATE CONSTRAINT`, `ADD VALUE`):
    /// it takes a lock the others should not wait behind, or what follows
    /// cannot see its effect in the same transaction.
    Alone,
    /// Outside any transaction block (`CREATE INDEX CONCURRENTLY`, a batched
    /// backfill that commits each batch).
    NoTransaction,
}

/// One statement of a phase or of a rollback.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Step {
    /// Why the statement is there, in one line.
    pub comment: String,
    /// The statement, without its terminating `;`.
    pub sql: String,
    pub run: Run,
    /// A row change its rollback keeps: run once, not again when the phase
    /// runs again after its rollback.
    #[serde(skip)]
    pub once: bool,
}

impl Step {
    pub fn new(comment: impl Into<String>, sql: impl Into<String>) -> Self {
        Step {
            comment: comment.into(),
            sql: sql.into(),
            run: Run::Transaction,
            once: false,
        }
    }

    pub fn once(mut self) -> Self {
        self.once = true;
        self
    }

    pub fn alone(mut self) -> Self {
        self.run = Run::Alone;
        self
    }

    pub fn outside(mut self) -> Self {
        self.run = Run::NoTransaction;
        self
    }
}

/// The statements of a phase grouped as they must run: consecutive
/// [`Run::Transaction`] steps share one transaction; every other step is a
/// group of its own.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Group<'a> {
    /// Whether the group runs in a transaction block.
    pub transaction: bool,
    pub steps: Vec<&'a Step>,
}

/// Groups steps into transactions (see [`Group`]).
pub fn groups(steps: &[Step]) -> Vec<Group<'_>> {
    let mut out: Vec<Group> = Vec::new();
    for s in steps {
        match (s.run, out.last_mut()) {
            (Run::Transaction, Some(g)) if g.transaction && g.steps[0].run == Run::Transaction => {
                g.steps.push(s)
            }
            (run, _) => out.push(Group {
                transaction: run != Run::NoTransaction,
                steps: vec![s],
            }),
        }
    }
    out
}

/// One phase.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Phase {
    pub kind: PhaseKind,
    /// What the phase does, in one line.
    pub summary: String,
    /// The application versions that may run while the phase runs...
    pub during: Vec<App>,
    /// ...once it is done...
    pub after: Vec<App>,
    /// ...and once its rollback is done.
    pub after_rollback: Vec<App>,
    pub steps: Vec<Step>,
    /// Statements that return the schema to the state before the phase.
    pub rollback: Vec<Step>,
    /// What undoes each of `steps` (`rollback` is these, last first): a
    /// part of the phase written as a migration gets the undos of its
    /// statements as its down.
    #[serde(skip)]
    pub undo: Vec<Vec<Step>>,
    /// What the release must do (deploy phases), or what the operator
    /// should know (the others).
    pub instructions: Vec<String>,
    /// Locks, rewrites, scans and the writes that start failing.
    pub hazards: Vec<String>,
    /// What the rollback cannot give back (data written meanwhile).
    pub rollback_notes: Vec<String>,
    /// Objects the rollback cannot restore, named as catalog differences
    /// name them (`type public.order_status`): `verify` leaves them out of
    /// its comparison and says so.
    pub irreversible: Vec<String>,
}

impl Phase {
    pub fn new(kind: PhaseKind) -> Self {
        let (during, after, after_rollback) = match kind {
            PhaseKind::Expand | PhaseKind::Backfill => {
                (vec![App::Blue], vec![App::Blue], vec![App::Blue])
            }
            PhaseKind::DeployTurquoise => (
                vec![App::Blue, App::Turquoise],
                vec![App::Turquoise],
                vec![App::Blue],
            ),
            PhaseKind::DeployGreen => (
                vec![App::Turquoise, App::Green],
                vec![App::Green],
                vec![App::Turquoise],
            ),
            PhaseKind::Contract => (vec![App::Green], vec![App::Green], vec![App::Green]),
        };
        Phase {
            kind,
            summary: String::new(),
            during,
            after,
            after_rollback,
            steps: Vec::new(),
            rollback: Vec::new(),
            undo: Vec::new(),
            instructions: Vec::new(),
            hazards: Vec::new(),
            rollback_notes: Vec::new(),
            irreversible: Vec::new(),
        }
    }
}

/// One change of the planned range, as the classifier sees it, and what the
/// plan does with it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlannedChange {
    /// `column public.customers.full_name`.
    pub object: String,
    /// `rename`, `alter`, `create`, `drop`, `comment`, `data`.
    pub action: String,
    pub compatibility: Compatibility,
    /// What the plan does, in one line.
    pub how: String,
}

/// An object the plan creates for the transition and removes again.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Auxiliary {
    /// `trigger tq_sync_display_name on public.customers`.
    pub object: String,
    pub purpose: String,
    /// The phase that creates it and the one that removes it.
    pub created: PhaseKind,
    pub removed: PhaseKind,
}

/// Two columns a sync trigger keeps equal from expand to contract.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Sync {
    /// The table, by its name during the transition.
    pub table: crate::model::catalog::ObjectName,
    /// The column blue writes.
    pub old: String,
    /// The column that replaces it.
    pub new: String,
    /// What the new column holds, computed from the old one (SQL over the
    /// row's columns): `"full_name"`, `CAST(price_cents AS bigint)`.
    pub expected: String,
    /// Writes to the new column are copied back too.
    pub both_ways: bool,
}

/// A change for which no safe plan exists, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Refusal {
    pub object: String,
    pub reason: String,
    /// The statement that makes the change, when one statement does.
    pub location: Option<Location>,
}

/// A migration of the planned range.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Source {
    pub version: String,
    pub name: String,
    pub up: std::path::PathBuf,
}

/// The whole plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    /// The migrations planned, in order.
    pub migrations: Vec<Source>,
    pub changes: Vec<PlannedChange>,
    /// Always five, in [`PhaseKind::ALL`] order.
    pub phases: Vec<Phase>,
    pub auxiliary: Vec<Auxiliary>,
    /// Column pairs kept equal by sync triggers between expand and contract.
    pub syncs: Vec<Sync>,
    /// Tables and views made only in contract, because they take the name
    /// of one the range drops: green must not use them before contract.
    pub late: Vec<crate::model::catalog::ObjectName>,
    /// Changes with no safe plan: the plan leaves them out.
    pub refusals: Vec<Refusal>,
    /// Whether a turquoise release is needed at all (otherwise green can
    /// replace blue directly: the schema serves both at once).
    pub turquoise_needed: bool,
    /// What replaying the plan on the model found: empty when the phases
    /// reach the schema of the original migration and every rollback
    /// restores the schema before its phase (and when some change has no
    /// safe plan: an incomplete plan is not checked).
    pub check: Vec<String>,
    /// Statements of the migration the plan leaves out on purpose (session
    /// settings, transaction control), and why.
    pub ignored: Vec<String>,
    /// Settings the plan was made with.
    pub batch_size: u32,
    pub lock_timeout: String,
}

impl Plan {
    pub fn phase(&self, kind: PhaseKind) -> Option<&Phase> {
        self.phases.iter().find(|p| p.kind == kind)
    }

    /// Whether nothing in the range breaks old code: the plan is then the
    /// migration in safe forms, in one phase.
    pub fn breaking(&self) -> bool {
        self.changes
            .iter()
            .any(|c| c.compatibility.breaks_old_code())
    }
}
