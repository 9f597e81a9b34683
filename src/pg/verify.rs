//! `verify`: run a history on a real server and check the model against it.
//!
//! For each migration, in a scratch database: apply the up as its framework
//! would, compare the live catalog with the model's state after it, apply
//! the down and compare with the catalog before the up (a down must restore
//! it exactly), then apply the up again. The model's state is compared
//! through the server: it is loaded into a second scratch database (the
//! shadow) and read back, so both sides are spelled by PostgreSQL.

use super::PgError;
use super::error::Op;
use super::introspect::introspect;
use super::server::{ScratchDb, Server};
use super::trace::{self, StatementTrace};
use crate::diagnostic::{LineIndex, Location};
use crate::history::History;
use crate::model::diff::{self, Difference};
use crate::model::{Catalog, Replay, render};
use crate::source::Script;
use crate::sql::{ParsedScript, StatementKind};
use postgres::Client;
use serde::Serialize;
use std::collections::BTreeMap;
use std::time::Instant;

/// What to verify and how.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Skip downs (and the second up).
    pub no_down: bool,
    /// First version to verify (earlier migrations are applied, not checked).
    pub from: Option<String>,
    /// Last version to verify (inclusive); later ones are not run.
    pub to: Option<String>,
    /// Stop at the first failure or drift.
    pub fail_fast: bool,
    /// Record locks, rewrites and durations of every up statement.
    pub trace: bool,
}

/// How running one script went.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Step {
    Ok {
        ms: u128,
    },
    Failed {
        /// The server's message.
        message: String,
        /// The failing statement, at the position the server gave.
        location: Option<Location>,
    },
}

impl Step {
    pub fn failed(&self) -> bool {
        matches!(self, Step::Failed { .. })
    }
}

/// One difference between the model and the live catalog, with the
/// statement of this migration that changed the object, if one did.
#[derive(Debug, Clone, Serialize)]
pub struct Drift {
    #[serde(flatten)]
    pub difference: Difference,
    pub statement: Option<Location>,
}

/// What verify found for one migration.
#[derive(Debug, Clone, Serialize)]
pub struct MigrationReport {
    pub version: String,
    pub name: String,
    pub up: Step,
    /// Model versus server after the up (only what is new at this migration).
    pub drift: Vec<Drift>,
    /// When there is drift: a unified diff of the model's schema against the
    /// server's, both as SQL.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub drift_diff: String,
    pub down: Option<Step>,
    /// What the down left behind or removed in excess, against the catalog
    /// before the up.
    pub down_residue: Vec<Difference>,
    /// The up applied again after its down.
    pub reapply: Option<Step>,
    /// How the schema after that second up differs from the one after the
    /// first (a down that drops more than its up made, say).
    pub reapply_residue: Vec<Difference>,
    /// The down run during the full rollback (every down in reverse order
    /// after every up), as a release rollback would run it.
    pub rollback: Option<Step>,
    /// What that down left different from the catalog before the up; only
    /// checked while every later down of the rollback succeeded.
    pub rollback_residue: Vec<Difference>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub trace: Vec<StatementTrace>,
}

impl MigrationReport {
    pub fn ok(&self) -> bool {
        !self.up.failed()
            && self.drift.is_empty()
            && !self.down.as_ref().is_some_and(Step::failed)
            && self.down_residue.is_empty()
            && !self.reapply.as_ref().is_some_and(Step::failed)
            && self.reapply_residue.is_empty()
            && !self.rollback.as_ref().is_some_and(Step::failed)
            && self.rollback_residue.is_empty()
    }
}

/// The whole run.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub server_version: u32,
    pub migrations: Vec<MigrationReport>,
    /// Migrations not verified because an earlier failure left the database
    /// in a state the rest could not run on.
    pub not_run: Vec<String>,
    /// The scratch database, when kept.
    pub kept_database: Option<String>,
    pub seconds: f64,
}

impl Report {
    pub fn ok(&self) -> bool {
        self.migrations.iter().all(MigrationReport::ok) && self.not_run.is_empty()
    }
}

/// Called after each migration with (index, count, version).
pub type Progress<'a> = &'a mut dyn FnMut(usize, usize, &str);

/// Runs `history` on `server` in a scratch database.
pub fn verify(
    server: &Server,
    history: &History,
    search_path: &[String],
    options: &Options,
    keep: bool,
    progress: Progress,
) -> Result<Report, PgError> {
    let started = Instant::now();
    let server_version = server.version_num()?;
    let mut scratch = server.create_scratch()?;
    scratch.set_keep(keep);
    let shadow = server.create_scratch()?;
    let mut client = scratch.connect()?;
    // The session keeps the server's default search_path unless one is
    // configured, as the framework's own session would; the shadow session
    // uses the same, so functions that capture it (SET search_path FROM
    // CURRENT) agree.
    let session_setup = if search_path == ["public"] {
        String::new()
    } else {
        let path: Vec<String> = search_path
            .iter()
            .map(|s| crate::sql::ir::quote_ident(s))
            .collect();
        format!("SET search_path TO {}", path.join(", "))
    };
    let setup = |client: &mut Client| -> Result<(), PgError> {
        if !session_setup.is_empty() {
            client
                .batch_execute(&session_setup)
                .map_err(|e| PgError::from_postgres(e, server, Op::Doing("setting search_path")))?;
        }
        Ok(())
    };
    setup(&mut client)?;
    let mut shadow_client = shadow.connect()?;
    setup(&mut shadow_client)?;
    let mut replay = Replay::new(search_path.to_vec());
    let mut reported: BTreeMap<String, Difference> = BTreeMap::new();
    let mut shadow_cache: Option<(Catalog, Catalog)> = None;
    let mut reports = Vec::new();
    let mut not_run = Vec::new();
    let total = history.migrations.len();
    let index_of = |v: &Option<String>| {
        v.as_ref().and_then(|v| {
            history
                .migrations
                .iter()
                .position(|m| &m.migration.version.text == v)
        })
    };
    let from = index_of(&options.from).unwrap_or(0);
    let to = index_of(&options.to).unwrap_or(total.saturating_sub(1));
    let mut stopped = false;
    // The catalog before each checked migration's up, for the rollback.
    let mut befores: Vec<(usize, Catalog)> = Vec::new();
    for (i, m) in history.migrations.iter().enumerate() {
        let mig = &m.migration;
        if i > to {
            break;
        }
        if stopped {
            not_run.push(mig.version.text.clone());
            continue;
        }
        // The model's state after this migration.
        for st in &m.up.statements {
            if let StatementKind::Parsed(stmt) = &st.kind {
                replay.apply(stmt, &st.location);
            }
        }
        replay.end_transaction();
        let up_wrapped = wrapped(history, mig, &m.up);
        let checked = i >= from;
        if !checked {
            let step = run_script(server, &mut client, &mig.up, &m.up, up_wrapped)?;
            if let Step::Failed { message, .. } = &step {
                return Err(PgError::Other(format!(
                    "migration {} failed before --from was reached: {message}",
                    mig.version
                )));
            }
            progress(i + 1, total, &mig.version.text);
            continue;
        }
        let before = introspect(server, &mut client)?.catalog;
        let mut traces = Vec::new();
        let up = if options.trace {
            run_traced(
                server,
                &mut client,
                &mig.up,
                &m.up,
                mig.transaction,
                &mut traces,
            )?
        } else {
            run_script(server, &mut client, &mig.up, &m.up, up_wrapped)?
        };
        let mut report = MigrationReport {
            version: mig.version.text.clone(),
            name: mig.name.clone(),
            up,
            drift: Vec::new(),
            drift_diff: String::new(),
            down: None,
            down_residue: Vec::new(),
            reapply: None,
            reapply_residue: Vec::new(),
            rollback: None,
            rollback_residue: Vec::new(),
            trace: traces,
        };
        if report.up.failed() {
            reports.push(report);
            progress(i + 1, total, &mig.version.text);
            stopped = true;
            continue;
        }
        let after_up = introspect(server, &mut client)?.catalog;
        let expected = normalized(
            server,
            &mut shadow_client,
            &replay.catalog,
            &mut shadow_cache,
        )?;
        let differences = diff::compare(&expected, &after_up);
        let mut current = BTreeMap::new();
        for d in differences {
            let new = reported.get(&d.object) != Some(&d);
            current.insert(d.object.clone(), d.clone());
            if new {
                let statement = statement_for(&d.object, m);
                report.drift.push(Drift {
                    difference: d,
                    statement,
                });
            }
        }
        reported = current;
        if !report.drift.is_empty() {
            report.drift_diff = diff::unified(&expected, &after_up, ("model", "server"));
        }

        if let (Some(down_script), false) = (&mig.down, options.no_down) {
            let parsed = m
                .down
                .clone()
                .unwrap_or_else(|| crate::sql::parse_script(down_script));
            let down = run_script(
                server,
                &mut client,
                down_script,
                &parsed,
                wrapped(history, mig, &parsed),
            )?;
            if !down.failed() {
                let after_down = introspect(server, &mut client)?.catalog;
                report.down_residue = restored(&before, &after_down);
                let again = run_script(server, &mut client, &mig.up, &m.up, up_wrapped)?;
                if again.failed() {
                    // The database holds what the down left; put back the
                    // state after the up so the rest can run.
                    client = reset_to(server, &scratch, &setup, &after_up)?;
                } else {
                    let again_state = introspect(server, &mut client)?.catalog;
                    report.reapply_residue = restored(&after_up, &again_state);
                    if !report.reapply_residue.is_empty() {
                        client = reset_to(server, &scratch, &setup, &after_up)?;
                    }
                }
                report.reapply = Some(again);
            } else if !mig.transaction {
                // A failed down outside a transaction may have done half its
                // work: put back the state after the up.
                client = reset_to(server, &scratch, &setup, &after_up)?;
            }
            report.down = Some(down);
        }
        let failed = !report.ok();
        befores.push((i, before));
        reports.push(report);
        progress(i + 1, total, &mig.version.text);
        if failed && options.fail_fast {
            stopped = true;
        }
    }
    if !options.no_down && !stopped {
        rollback(
            server,
            &mut client,
            history,
            &befores,
            &mut reports,
            progress,
        )?;
    }
    drop(client);
    drop(shadow_client);
    let kept_database = keep.then(|| scratch.name.clone());
    drop(scratch);
    drop(shadow);
    Ok(Report {
        server_version,
        migrations: reports,
        not_run,
        kept_database,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// Runs every down in reverse order, as a full rollback of the release
/// would, and compares each state with the catalog before that migration's
/// up. After a failed or missing down the database holds what the authors
/// never saw, so later states are no longer compared, but the remaining
/// downs still run: their failures are what a real rollback would meet.
fn rollback(
    server: &Server,
    client: &mut Client,
    history: &History,
    befores: &[(usize, Catalog)],
    reports: &mut [MigrationReport],
    progress: Progress,
) -> Result<(), PgError> {
    let mut trustworthy = true;
    let total = befores.len();
    for (n, ((i, before), report)) in befores.iter().zip(reports.iter_mut()).rev().enumerate() {
        let m = &history.migrations[*i];
        let mig = &m.migration;
        let Some(down_script) = &mig.down else {
            trustworthy = false;
            continue;
        };
        let parsed = m
            .down
            .clone()
            .unwrap_or_else(|| crate::sql::parse_script(down_script));
        let step = run_script(
            server,
            client,
            down_script,
            &parsed,
            wrapped(history, mig, &parsed),
        )?;
        if step.failed() {
            trustworthy = false;
        } else if trustworthy {
            let now = introspect(server, client)?.catalog;
            report.rollback_residue = restored(before, &now);
            if !report.rollback_residue.is_empty() {
                trustworthy = false;
            }
        }
        report.rollback = Some(step);
        progress(n + 1, total, &format!("rollback {}", mig.version));
    }
    Ok(())
}

/// What a down (or an up run again) left different from `expected`: the
/// order of a table's columns does not count, since no migration can put
/// back a column dropped and added again where it stood.
fn restored(expected: &Catalog, actual: &Catalog) -> Vec<Difference> {
    diff::compare(expected, actual)
        .into_iter()
        .filter(|d| !crate::plan::column_order_only(d))
        .collect()
}

/// The model's catalog as the server spells it: loaded into the shadow
/// database and read back. The last result is reused while the model has
/// not changed.
fn normalized(
    server: &Server,
    shadow: &mut Client,
    model: &Catalog,
    cache: &mut Option<(Catalog, Catalog)>,
) -> Result<Catalog, PgError> {
    let model = model.persistent();
    if let Some((m, n)) = cache.as_ref()
        && render::to_sql(m) == render::to_sql(&model)
    {
        return Ok(n.clone());
    }
    load_schema(server, shadow, &model).map_err(|e| match e {
        PgError::Server { message, .. } => PgError::Other(format!(
            "the schema model does not load into PostgreSQL ({message}); this is a turquoise bug: please report it with the migration that precedes it"
        )),
        other => other,
    })?;
    let read = introspect(server, shadow)?.catalog;
    *cache = Some((model, read.clone()));
    Ok(read)
}

/// Puts the scratch database back in the state `catalog` describes, through
/// a new session: the old one may hold caches of what it ran (PostgreSQL
/// then fails the drops with "cache lookup failed").
fn reset_to(
    server: &Server,
    scratch: &ScratchDb,
    setup: &dyn Fn(&mut Client) -> Result<(), PgError>,
    catalog: &Catalog,
) -> Result<Client, PgError> {
    let mut client = scratch.connect()?;
    load_schema(server, &mut client, catalog)?;
    setup(&mut client)?;
    Ok(client)
}

/// Empties the database `client` is connected to and loads `catalog`
/// into it. verify works on schemas only, so this puts a database back in
/// any state it has read before.
fn load_schema(server: &Server, client: &mut Client, catalog: &Catalog) -> Result<(), PgError> {
    let doing = Op::Doing("resetting a scratch database");
    let schemas: Vec<String> = client
        .query(
            "SELECT quote_ident(nspname) FROM pg_namespace \
             WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'",
            &[],
        )
        .map_err(|e| PgError::from_postgres(e, server, doing))?
        .iter()
        .map(|r| r.get(0))
        .collect();
    // One statement, so PostgreSQL resolves dependencies across schemas
    // (dropping them one by one can fail half-way).
    let mut reset = String::new();
    if !schemas.is_empty() {
        reset.push_str(&format!("DROP SCHEMA {} CASCADE;\n", schemas.join(", ")));
    }
    reset.push_str("CREATE SCHEMA public;\n");
    client.batch_execute(&reset).map_err(|e| {
        PgError::from_postgres(e, server, Op::Doing("resetting a scratch database"))
    })?;
    client
        .batch_execute(&render::to_sql(catalog))
        .map_err(|e| PgError::from_postgres(e, server, Op::Doing("loading a schema")))
}

/// The location of the statement of `m` whose recorded changes touch
/// `object`, or else the object's table. Differences and changes name
/// objects the same way (`column public.users.email`).
fn statement_for(object: &str, m: &crate::history::ReplayedMigration) -> Option<Location> {
    let changed = |wanted: &dyn Fn(&str) -> bool| {
        m.up.statements
            .iter()
            .zip(&m.effects)
            .rev()
            .find(|(_, effect)| effect.changes.iter().any(|c| wanted(&c.object.to_string())))
            .map(|(st, _)| st.location.clone())
    };
    changed(&|name| name == object).or_else(|| {
        changed(&|name| {
            name.strip_prefix("table ").is_some_and(|table| {
                object.contains(&format!("{table}.")) || object.ends_with(&format!(" on {table}"))
            })
        })
    })
}

/// Runs the up of migration `index` of `history` as its framework would.
pub(crate) fn run_up(
    server: &Server,
    client: &mut Client,
    history: &History,
    index: usize,
) -> Result<Step, PgError> {
    let Some(m) = history.migrations.get(index) else {
        return Ok(Step::Ok { ms: 0 });
    };
    let mig = &m.migration;
    run_script(server, client, &mig.up, &m.up, wrapped(history, mig, &m.up))
}

/// Whether the framework runs `script` of `mig` inside a transaction
/// block. golang-migrate sends a file as one query: PostgreSQL runs a
/// file of several statements as one transaction, but a lone statement
/// (`CREATE INDEX CONCURRENTLY`) on its own.
fn wrapped(history: &History, mig: &crate::source::Migration, script: &ParsedScript) -> bool {
    let statements = script
        .statements
        .iter()
        .filter(|s| !matches!(s.kind, StatementKind::Meta { .. }))
        .count();
    mig.transaction && !(history.layout == crate::source::Layout::GolangMigrate && statements == 1)
}

/// The SQL of a statement as written in its file.
fn statement_sql<'a>(script: &'a Script, loc: &Location) -> &'a str {
    script.text.get(loc.start..loc.end).unwrap_or("")
}

/// Where in the file a server error points: the statement's own location,
/// moved to the character the server named.
fn error_location(script: &Script, loc: &Location, e: &postgres::Error) -> Location {
    let mut at = loc.clone();
    if let Some(postgres::error::ErrorPosition::Original(pos)) =
        e.as_db_error().and_then(|d| d.position())
    {
        let sql = statement_sql(script, loc);
        let offset: usize = sql
            .char_indices()
            .nth((*pos as usize).saturating_sub(1))
            .map_or(sql.len(), |(i, _)| i);
        let index = LineIndex::new(&script.text);
        let (line, column) = index.line_col(&script.text, loc.start + offset);
        at.line = line;
        at.column = column;
    }
    at
}

/// Whether the connection is gone (server stopped, network lost): then the
/// run cannot go on.
fn is_fatal(e: &postgres::Error) -> bool {
    e.is_closed() || e.as_db_error().is_none()
}

/// Runs a script's statements as the framework would: inside one
/// transaction unless the migration says otherwise. A failing statement
/// rolls the transaction back and is reported with the server's message.
fn run_script(
    server: &Server,
    client: &mut Client,
    script: &Script,
    parsed: &ParsedScript,
    transaction: bool,
) -> Result<Step, PgError> {
    let started = Instant::now();
    if transaction {
        client
            .batch_execute("BEGIN")
            .map_err(|e| PgError::from_postgres(e, server, Op::Doing("starting a transaction")))?;
    }
    for st in &parsed.statements {
        if matches!(st.kind, StatementKind::Meta { .. }) {
            continue;
        }
        let sql = statement_sql(script, &st.location);
        if let Err(e) = client.batch_execute(sql) {
            if is_fatal(&e) {
                let doing = format!("running {}", st.location);
                return Err(PgError::from_postgres(e, server, Op::Doing(&doing)));
            }
            let location = error_location(script, &st.location, &e);
            let message = e
                .as_db_error()
                .map_or_else(|| e.to_string(), |d| d.message().to_owned());
            let _ = client.batch_execute("ROLLBACK");
            return Ok(Step::Failed {
                message,
                location: Some(location),
            });
        }
    }
    if transaction && let Err(e) = client.batch_execute("COMMIT") {
        if is_fatal(&e) {
            return Err(PgError::from_postgres(e, server, Op::Doing("committing")));
        }
        return Ok(Step::Failed {
            message: e.to_string(),
            location: None,
        });
    }
    Ok(Step::Ok {
        ms: started.elapsed().as_millis(),
    })
}

/// Runs the up with each statement in a transaction of its own, recording
/// the locks it holds, the relations it rewrites and its duration.
fn run_traced(
    server: &Server,
    client: &mut Client,
    script: &Script,
    parsed: &ParsedScript,
    transaction: bool,
    traces: &mut Vec<StatementTrace>,
) -> Result<Step, PgError> {
    let started = Instant::now();
    for st in &parsed.statements {
        if matches!(st.kind, StatementKind::Meta { .. }) {
            continue;
        }
        let sql = statement_sql(script, &st.location);
        match trace::run_statement(server, client, sql, transaction, &st.location)? {
            Ok(t) => traces.push(t),
            Err(e) => {
                let location = error_location(script, &st.location, &e);
                let message = e
                    .as_db_error()
                    .map_or_else(|| e.to_string(), |d| d.message().to_owned());
                return Ok(Step::Failed {
                    message,
                    location: Some(location),
                });
            }
        }
    }
    Ok(Step::Ok {
        ms: started.elapsed().as_millis(),
    })
}
