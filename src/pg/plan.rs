//! `plan --verify`: a plan run on a real server, in a scratch database
//! that holds the schema before the migration and rows in every table.
//!
//! The phases run in order. At each boundary the statements of the
//! application versions that may run there are issued (blue's written from
//! the schema before the migration, green's from the one after it, see
//! [`crate::plan::probe`]), and the sync triggers are checked to have kept
//! old and new columns equal. Each phase's rollback runs after the phase
//! and must give back the catalog from before it (then the phase runs
//! again); after contract the catalog must be the one the original
//! migration makes, read the same way through a second scratch database.

use super::PgError;
use super::error::Op;
use super::introspect::introspect;
use super::server::Server;
use crate::history::History;
use crate::model::{Catalog, render};
use crate::plan::model::{App, Phase, PhaseKind, Plan, Step, groups};
use crate::plan::{Selection, probe};
use postgres::Client;
use serde::Serialize;
use std::time::Instant;

/// Rows put in every table before the plan runs.
pub const ROWS: usize = 8;

/// How running some SQL went.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcome {
    pub ok: bool,
    /// The server's message, and the statement it failed on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statement: Option<String>,
}

impl Outcome {
    fn ok() -> Self {
        Outcome {
            ok: true,
            error: None,
            statement: None,
        }
    }
}

/// One statement of an application version at a boundary.
#[derive(Debug, Clone, Serialize)]
pub struct ProbeResult {
    pub app: App,
    pub what: String,
    pub ok: bool,
    /// It fails on the very schema its version was written for (blue's
    /// before expand, green's after contract): the values turquoise made
    /// do not pass a check or trigger of the project's, which says nothing
    /// about the plan. Left out of the verdict.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub unusable: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The form that ran (or the last one tried).
    pub sql: String,
}

/// Whether a sync trigger kept two columns equal.
#[derive(Debug, Clone, Serialize)]
pub struct SyncResult {
    pub table: String,
    pub old: String,
    pub new: String,
    /// Over the whole table (after backfill) or only the rows written
    /// since expand.
    pub whole_table: bool,
    /// Rows where they differ.
    pub differing: i64,
}

/// What ran at one boundary.
#[derive(Debug, Clone, Serialize)]
pub struct Boundary {
    /// `before expand`, `after backfill`, `after the contract rollback`.
    pub at: String,
    /// The phase just run (or rolled back); `None` before the first.
    pub phase: Option<PhaseKind>,
    /// Whether the phase's rollback just ran.
    pub rollback: bool,
    pub probes: Vec<ProbeResult>,
    pub syncs: Vec<SyncResult>,
}

impl Boundary {
    pub fn ok(&self) -> bool {
        self.probes.iter().all(|p| p.ok || p.unusable)
            && self.syncs.iter().all(|s| s.differing == 0)
    }
}

/// How the original migration ran on the rows the plan ran on.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Original {
    pub ok: bool,
    /// The server's message and the statement's place, when it failed.
    pub error: Option<String>,
}

/// One phase: its run, its rollback, and its run again.
#[derive(Debug, Clone, Serialize)]
pub struct PhaseResult {
    pub phase: PhaseKind,
    pub run: Outcome,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rollback: Option<Outcome>,
    /// How the catalog after the rollback differs from the one before the
    /// phase.
    pub rollback_differences: Vec<String>,
    /// Objects left out of that comparison: the plan says its rollback
    /// cannot restore them.
    pub irreversible: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub again: Option<Outcome>,
    /// How the catalog after running the phase again differs from the one
    /// after its first run.
    pub again_differences: Vec<String>,
}

impl PhaseResult {
    pub fn ok(&self) -> bool {
        self.run.ok
            && self.rollback.as_ref().is_none_or(|r| r.ok)
            && self.rollback_differences.is_empty()
            && self.again.as_ref().is_none_or(|r| r.ok)
            && self.again_differences.is_empty()
    }
}

/// The whole run.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub server_version: u32,
    /// Tables left without rows, and why.
    pub rows: Vec<String>,
    pub phases: Vec<PhaseResult>,
    pub boundaries: Vec<Boundary>,
    /// How the catalog after contract differs from the one the original
    /// migration makes.
    pub final_differences: Vec<String>,
    /// Phases not run after a failure.
    pub not_run: Vec<PhaseKind>,
    /// After a failure: the original migration run on the same schema and
    /// rows, and where it failed (then the rows turquoise made up are at
    /// fault, not the plan); `None` when it was not run.
    pub original: Option<Original>,
    pub seconds: f64,
}

impl Report {
    pub fn ok(&self) -> bool {
        self.phases.iter().all(PhaseResult::ok)
            && self.boundaries.iter().all(Boundary::ok)
            && self.final_differences.is_empty()
            && self.not_run.is_empty()
    }
}

/// Runs `plan` (made from `selection` of `history`) on `server`.
pub fn verify(
    server: &Server,
    history: &History,
    selection: &Selection,
    search_path: &[String],
    plan: &Plan,
) -> Result<Report, PgError> {
    let started = Instant::now();
    let schemas = crate::plan::schemas(history, selection, search_path)
        .map_err(|e| PgError::Other(e.to_string()))?;
    let server_version = server.version_num()?;
    let scratch = server.create_scratch()?;
    let shadow = server.create_scratch()?;
    let mut client = scratch.connect()?;
    let setup = if search_path == ["public"] {
        String::new()
    } else {
        let path: Vec<String> = search_path
            .iter()
            .map(|s| crate::sql::ir::quote_ident(s))
            .collect();
        format!("SET search_path TO {}", path.join(", "))
    };
    if !setup.is_empty() {
        client
            .batch_execute(&setup)
            .map_err(|e| PgError::from_postgres(e, server, Op::Doing("setting search_path")))?;
    }
    load(
        server,
        &mut client,
        &schemas.before,
        "the schema before the migration",
    )?;
    let rows = fill(server, &mut client, &schemas)?;
    let mut run = Run {
        server,
        client,
        before: &schemas.before,
        after: &schemas.after,
        tables: &schemas.tables,
        plan,
    };
    let mut boundaries = vec![run.boundary(None, false, &[App::Blue], None)?];
    let mut phases = Vec::new();
    let mut not_run = Vec::new();
    let mut stopped = false;
    for (i, phase) in plan.phases.iter().enumerate() {
        if stopped {
            not_run.push(phase.kind);
            continue;
        }
        let next = plan.phases.get(i + 1);
        let mut apps: Vec<App> = phase.after.clone();
        if let Some(n) = next {
            apps.extend(n.during.iter().copied());
        }
        apps.sort();
        apps.dedup();
        // Sync checks while both columns stand: partly after expand,
        // fully once backfill has run.
        let syncs = match phase.kind {
            PhaseKind::Expand => Some(false),
            PhaseKind::Backfill | PhaseKind::DeployTurquoise | PhaseKind::DeployGreen => Some(true),
            PhaseKind::Contract => None,
        };
        if !phase.kind.has_sql() {
            boundaries.push(run.boundary(Some(phase.kind), false, &apps, syncs)?);
            continue;
        }
        let before = run.catalog()?;
        let outcome = run.steps(&phase.steps)?;
        let mut result = PhaseResult {
            phase: phase.kind,
            run: outcome.clone(),
            rollback: None,
            rollback_differences: Vec::new(),
            irreversible: phase.irreversible.clone(),
            again: None,
            again_differences: Vec::new(),
        };
        if !outcome.ok {
            phases.push(result);
            stopped = true;
            continue;
        }
        let after = run.catalog()?;
        boundaries.push(run.boundary(Some(phase.kind), false, &apps, syncs)?);
        if !phase.rollback.is_empty() {
            rollback(
                &mut run,
                phase,
                &before,
                &after,
                &mut result,
                &mut boundaries,
            )?;
        }
        stopped = !result.ok();
        phases.push(result);
    }
    let mut shadow_client = shadow.connect()?;
    if !setup.is_empty() {
        shadow_client
            .batch_execute(&setup)
            .map_err(|e| PgError::from_postgres(e, server, Op::Doing("setting search_path")))?;
    }
    let mut original = None;
    let final_differences = if stopped {
        // The migration as written, on the same schema and rows.
        load(
            server,
            &mut shadow_client,
            &schemas.before,
            "the schema before the migration",
        )?;
        fill(server, &mut shadow_client, &schemas)?;
        let (from, to) =
            crate::plan::range(history, selection).map_err(|e| PgError::Other(e.to_string()))?;
        let mut result = Original {
            ok: true,
            error: None,
        };
        for i in from..=to {
            if let super::verify::Step::Failed { message, location } =
                super::verify::run_up(server, &mut shadow_client, history, i)?
            {
                result.ok = false;
                result.error = Some(match location {
                    Some(l) => format!("{message} (at {l})"),
                    None => message,
                });
                break;
            }
        }
        original = Some(result);
        Vec::new()
    } else {
        load(
            server,
            &mut shadow_client,
            &schemas.after,
            "the schema the migration makes",
        )?;
        let expected = introspect(server, &mut shadow_client)?.catalog;
        let actual = run.catalog()?;
        crate::plan::differences(&expected, &actual, &[])
    };
    drop(run);
    drop(scratch);
    drop(shadow);
    unusable(&mut boundaries);
    Ok(Report {
        server_version,
        rows,
        phases,
        boundaries,
        final_differences,
        not_run,
        original,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// Marks the statements that fail on the schema their version was written
/// for: blue's before expand, green's after contract (when the catalog
/// there is the migration's own, checked apart).
fn unusable(boundaries: &mut [Boundary]) {
    let failing = |b: Option<&Boundary>, app: App| -> Vec<String> {
        b.map(|b| {
            b.probes
                .iter()
                .filter(|p| p.app == app && !p.ok)
                .map(|p| p.what.clone())
                .collect()
        })
        .unwrap_or_default()
    };
    let blue = failing(boundaries.first(), App::Blue);
    let last = boundaries
        .iter()
        .rev()
        .find(|b| b.phase == Some(PhaseKind::Contract) && !b.rollback);
    let green = failing(last, App::Green);
    for b in boundaries.iter_mut() {
        for p in &mut b.probes {
            let list = match p.app {
                App::Blue => &blue,
                App::Green => &green,
                App::Turquoise => continue,
            };
            p.unusable = list.contains(&p.what);
        }
    }
}

/// The rollback of a phase, what runs after it, and the phase again.
fn rollback(
    run: &mut Run,
    phase: &Phase,
    before: &Catalog,
    after: &Catalog,
    result: &mut PhaseResult,
    boundaries: &mut Vec<Boundary>,
) -> Result<(), PgError> {
    let back = run.steps(&phase.rollback)?;
    result.rollback = Some(back.clone());
    if !back.ok {
        return Ok(());
    }
    let now = run.catalog()?;
    result.rollback_differences = crate::plan::differences(before, &now, &phase.irreversible);
    boundaries.push(run.boundary(Some(phase.kind), true, &phase.after_rollback, None)?);
    let again = run.steps(&undone(phase))?;
    result.again = Some(again.clone());
    if again.ok {
        let now = run.catalog()?;
        result.again_differences = crate::plan::differences(after, &now, &[]);
    }
    Ok(())
}

/// The steps of `phase` that run again after its rollback: all but the
/// row changes the rollback keeps (made twice, an INSERT would fail).
fn undone(phase: &Phase) -> Vec<Step> {
    phase.steps.iter().filter(|s| !s.once).cloned().collect()
}

/// The scratch database and what the checks need.
struct Run<'a> {
    server: &'a Server,
    client: Client,
    before: &'a Catalog,
    after: &'a Catalog,
    tables: &'a [crate::model::catalog::Oid],
    plan: &'a Plan,
}

impl Run<'_> {
    /// Runs transaction control; failing, the session is gone.
    fn exec(&mut self, sql: &str) -> Result<(), PgError> {
        self.client
            .batch_execute(sql)
            .map_err(|e| PgError::from_postgres(e, self.server, Op::Doing("running the checks")))
    }

    fn catalog(&mut self) -> Result<Catalog, PgError> {
        Ok(introspect(self.server, &mut self.client)?.catalog)
    }

    /// Runs statements as the plan groups them: each transaction with its
    /// lock_timeout, the rest on their own.
    fn steps(&mut self, steps: &[Step]) -> Result<Outcome, PgError> {
        let timeout = render::literal(&self.plan.lock_timeout);
        for g in groups(steps) {
            if g.transaction {
                let begin = format!("BEGIN; SET LOCAL lock_timeout = {timeout}");
                self.client.batch_execute(&begin).map_err(|e| {
                    PgError::from_postgres(e, self.server, Op::Doing("starting a transaction"))
                })?;
            }
            for s in &g.steps {
                if let Err(e) = self.client.batch_execute(&s.sql) {
                    fatal(&e, self.server)?;
                    if g.transaction {
                        let _ = self.client.batch_execute("ROLLBACK");
                    }
                    return Ok(Outcome {
                        ok: false,
                        error: Some(message(&e)),
                        statement: Some(s.sql.clone()),
                    });
                }
            }
            if g.transaction
                && let Err(e) = self.client.batch_execute("COMMIT")
            {
                fatal(&e, self.server)?;
                return Ok(Outcome {
                    ok: false,
                    error: Some(message(&e)),
                    statement: Some("COMMIT".to_owned()),
                });
            }
        }
        Ok(Outcome::ok())
    }

    /// The statements of `apps` and, with `syncs`, the sync checks (over
    /// the whole table when `Some(true)`).
    fn boundary(
        &mut self,
        phase: Option<PhaseKind>,
        rollback: bool,
        apps: &[App],
        syncs: Option<bool>,
    ) -> Result<Boundary, PgError> {
        let at = match (phase, rollback) {
            (None, _) => "before expand".to_owned(),
            (Some(k), false) => format!("after {}", k.title()),
            (Some(k), true) => format!("after the {} rollback", k.title()),
        };
        // Everything runs in one transaction that is rolled back: each
        // boundary sees the same rows, and the same statements (the same
        // values) run at every boundary.
        self.exec("BEGIN")?;
        let mut probes = Vec::new();
        for app in apps {
            let list = match app {
                App::Blue => probe::probes(
                    App::Blue,
                    (self.before, self.after),
                    self.tables,
                    ROWS,
                    1,
                    false,
                ),
                // Until contract, a retyped column has its old type, and a
                // table that takes the name of a dropped one is not there.
                App::Green => {
                    let before_contract = phase != Some(PhaseKind::Contract) || rollback;
                    let tables: Vec<_> = self
                        .tables
                        .iter()
                        .filter(|oid| {
                            !before_contract
                                || self
                                    .after
                                    .relation_name(**oid)
                                    .is_none_or(|n| !self.plan.late.contains(n))
                        })
                        .copied()
                        .collect();
                    probe::probes(
                        App::Green,
                        (self.after, self.before),
                        &tables,
                        ROWS,
                        2,
                        before_contract,
                    )
                }
                App::Turquoise => Vec::new(),
            };
            for p in list {
                let mut result = ProbeResult {
                    app: p.app,
                    what: p.what.clone(),
                    ok: false,
                    unusable: false,
                    error: None,
                    sql: String::new(),
                };
                for v in &p.variants {
                    result.sql = v.clone();
                    self.exec("SAVEPOINT tq_probe")?;
                    match self.client.batch_execute(v) {
                        Ok(()) => {
                            self.exec("RELEASE SAVEPOINT tq_probe")?;
                            result.ok = true;
                            result.error = None;
                            break;
                        }
                        Err(e) => {
                            fatal(&e, self.server)?;
                            self.exec("ROLLBACK TO SAVEPOINT tq_probe")?;
                            result.error = Some(message(&e));
                        }
                    }
                }
                probes.push(result);
            }
        }
        let mut checks = Vec::new();
        if let Some(whole) = syncs {
            for s in &self.plan.syncs {
                let sql = probe::sync_check(s, whole);
                self.exec("SAVEPOINT tq_probe")?;
                let differing = match self.client.query_one(sql.as_str(), &[]) {
                    Ok(row) => row.get::<_, i64>(0),
                    Err(e) => {
                        fatal(&e, self.server)?;
                        self.exec("ROLLBACK TO SAVEPOINT tq_probe")?;
                        -1
                    }
                };
                checks.push(SyncResult {
                    table: s.table.to_string(),
                    old: s.old.clone(),
                    new: s.new.clone(),
                    whole_table: whole,
                    differing,
                });
            }
        }
        self.exec("ROLLBACK")?;
        Ok(Boundary {
            at,
            phase,
            rollback,
            probes,
            syncs: checks,
        })
    }
}

/// Puts the made-up rows in every table; returns the tables left empty,
/// and why.
fn fill(
    server: &Server,
    client: &mut Client,
    schemas: &crate::plan::Schemas,
) -> Result<Vec<String>, PgError> {
    let mut rows = Vec::new();
    for (table, variants) in probe::rows(&schemas.before, &schemas.after, ROWS) {
        let mut error = None;
        for sql in &variants {
            match client.batch_execute(sql) {
                Ok(()) => {
                    error = None;
                    break;
                }
                Err(e) => {
                    fatal(&e, server)?;
                    error = Some(message(&e));
                }
            }
        }
        if let Some(e) = error {
            rows.push(format!("{table}: no rows ({e})"));
        }
    }
    Ok(rows)
}

/// Loads a model's schema into an empty database.
fn load(
    server: &Server,
    client: &mut Client,
    catalog: &Catalog,
    what: &str,
) -> Result<(), PgError> {
    client.batch_execute(&render::to_sql(catalog)).map_err(|e| {
        let m = message(&e);
        if e.as_db_error().is_some() {
            PgError::Other(format!(
                "{what} does not load into PostgreSQL ({m}); this is a turquoise bug: please report it with the migrations"
            ))
        } else {
            PgError::from_postgres(e, server, Op::Doing("loading a schema"))
        }
    })
}

/// The server's message for an error.
fn message(e: &postgres::Error) -> String {
    e.as_db_error()
        .map_or_else(|| e.to_string(), |d| d.message().to_owned())
}

/// An error that ends the run (the connection is gone), as a [`PgError`].
fn fatal(e: &postgres::Error, server: &Server) -> Result<(), PgError> {
    if e.is_closed() || e.as_db_error().is_none() {
        return Err(PgError::Other(format!(
            "lost the connection to {} ({e})",
            server.describe()
        )));
    }
    Ok(())
}
