//! `turquoise plan`: a migration that breaks running code as expand /
//! backfill / deploy / contract phases; printed, written as migrations
//! (`--emit`), or run on a real server (`--verify`).

use super::lint::HistoryArgs;
use super::{Cli, settings_from};
use crate::plan::{self, Fill, Options, Selection};
use anyhow::{Result, anyhow};
use clap::{Args, ValueEnum};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PlanFormat {
    /// For reviewers: the phases, the application versions in each, the
    /// SQL, the hazards, the rollbacks.
    Markdown,
    /// The plan as JSON.
    Json,
    /// The phases as one SQL document (rollbacks as comments).
    Sql,
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    /// The migration to plan (default: the last one).
    #[arg(value_name = "VERSION", conflicts_with_all = ["from", "to"])]
    pub version: Option<String>,
    /// Plan a range of migrations as one: the first...
    #[arg(long, value_name = "VERSION", requires = "to")]
    pub from: Option<String>,
    /// ...and the last (inclusive).
    #[arg(long, value_name = "VERSION", requires = "from")]
    pub to: Option<String>,
    #[command(flatten)]
    pub history: HistoryArgs,
    /// Output format.
    #[arg(long, value_enum, default_value = "markdown")]
    pub format: PlanFormat,
    /// Rows per backfill batch (each batch is one transaction).
    #[arg(long, value_name = "ROWS", default_value_t = 1000, value_parser = clap::value_parser!(u32).range(1..))]
    pub batch_size: u32,
    /// The lock_timeout each transaction of the plan sets.
    #[arg(long, value_name = "DURATION", default_value = "5s")]
    pub lock_timeout: String,
    /// The value of a new NOT NULL column for the rows already there and
    /// for old code's writes: `TABLE.COLUMN=EXPRESSION` (repeatable).
    #[arg(long, value_name = "TABLE.COLUMN=EXPR", value_parser = Fill::parse)]
    pub fill: Vec<Fill>,
    /// Run the plan on a real PostgreSQL (a scratch database with the
    /// schema before the migration and rows in it): every phase, every
    /// rollback, and the statements blue and green issue in between.
    #[arg(long, conflicts_with = "emit")]
    pub verify: bool,
    /// Write the phases as new migrations into DIR, in the history's
    /// layout, numbered after the planned migration (never overwrites a
    /// file).
    #[arg(long, value_name = "DIR")]
    pub emit: Option<PathBuf>,
    /// The server for --verify (default: TURQUOISE_DATABASE_URL, then
    /// `[verify] database_url`, then a throwaway local cluster).
    #[arg(long, value_name = "URL", requires = "verify")]
    pub database_url: Option<String>,
}

pub fn run_plan(cli: &Cli, args: &PlanArgs) -> Result<ExitCode> {
    let s = settings_from(
        cli.config.as_deref(),
        &args.history.source(),
        args.history.dir.clone(),
    )?;
    if !valid_duration(&args.lock_timeout) {
        return Err(anyhow!(
            "--lock-timeout {}: expected a duration such as 5s, 500ms or 1min",
            args.lock_timeout
        ));
    }
    let history = super::load(&s, None)?;
    let selection = match (&args.version, &args.from, &args.to) {
        (Some(v), _, _) => Selection {
            from: Some(v.clone()),
            to: Some(v.clone()),
        },
        (None, from, to) => Selection {
            from: from.clone(),
            to: to.clone(),
        },
    };
    let options = Options {
        batch_size: args.batch_size,
        lock_timeout: args.lock_timeout.clone(),
        fills: args.fill.clone(),
        pg_version: s.pg_version,
        search_path: s.search_path.clone(),
    };
    let plan = plan::plan(&history, &selection, &options)?;
    if args.verify {
        return verify(args, &s, &history, &selection, &plan);
    }
    if let Some(dir) = &args.emit {
        return emit(&plan, &history, dir);
    }
    let out = match args.format {
        PlanFormat::Markdown => plan::format::markdown(&plan),
        PlanFormat::Json => plan::format::json(&plan),
        PlanFormat::Sql => plan::format::sql(&plan),
    };
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(out.as_bytes())?;
    stdout.flush()?;
    Ok(if plan.refusals.is_empty() && plan.check.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// `--emit DIR`: writes the phases as migrations and says what ships when.
fn emit(plan: &plan::Plan, history: &crate::history::History, dir: &Path) -> Result<ExitCode> {
    use std::fmt::Write as _;
    let migrations: Vec<crate::source::Migration> = history
        .migrations
        .iter()
        .map(|m| m.migration.clone())
        .collect();
    let emitted = match plan::emit::emit(plan, &migrations, history.layout, dir) {
        Ok(e) => e,
        Err(e @ (plan::emit::EmitError::Refused(_) | plan::emit::EmitError::Unchecked)) => {
            eprintln!("turquoise: {e}");
            return Ok(ExitCode::from(1));
        }
        Err(e) => return Err(e.into()),
    };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "wrote {} migrations in {} layout to {}:",
        emitted.migrations.len(),
        history.layout,
        dir.display()
    );
    for w in &emitted.migrations {
        let files: Vec<String> = w
            .files
            .iter()
            .map(|f| f.strip_prefix(dir).unwrap_or(f).display().to_string())
            .collect();
        let _ = writeln!(out, "  {:<9} {}", w.phase.title(), files.join(", "));
    }
    if !emitted.sqitch_plan.is_empty() {
        let _ = writeln!(
            out,
            "add these lines to sqitch.plan (turquoise does not edit it):"
        );
        for l in &emitted.sqitch_plan {
            let _ = writeln!(out, "  {l}");
        }
    }
    let originals: Vec<String> = plan
        .migrations
        .iter()
        .map(|m| m.up.display().to_string())
        .collect();
    let _ = writeln!(
        out,
        "they replace {}: delete it before committing them.",
        originals.join(", ")
    );
    let _ = writeln!(
        out,
        "ship the expand and backfill migrations before (or with) the release that replaces blue; ship the contract ones in a later release, once green runs everywhere (see docs/plans.md)."
    );
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(out.as_bytes())?;
    stdout.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// `--verify`: runs the plan on a server and prints what happened.
fn verify(
    args: &PlanArgs,
    s: &super::Settings,
    history: &crate::history::History,
    selection: &Selection,
    plan: &plan::Plan,
) -> Result<ExitCode> {
    let server = match super::database_url_of(args.database_url.as_deref(), s) {
        Some(u) => crate::pg::Server::from_url(&u)?,
        None => crate::pg::Server::start_throwaway()?,
    };
    let report = crate::pg::plan::verify(&server, history, selection, &s.search_path, plan)?;
    let out = match args.format {
        PlanFormat::Json => serde_json::to_string_pretty(&report)? + "\n",
        _ => verify_text(&report, plan, &server),
    };
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(out.as_bytes())?;
    stdout.flush()?;
    Ok(if report.ok() && plan.refusals.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn verify_text(
    report: &crate::pg::plan::Report,
    plan: &plan::Plan,
    server: &crate::pg::Server,
) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let _ = writeln!(out, "plan for {}", plan::format::title(plan));
    for r in &report.rows {
        let _ = writeln!(out, "  rows: {r}");
    }
    for b in report.boundaries.iter().filter(|b| b.phase.is_none()) {
        boundary(&mut out, b);
    }
    for kind in plan::PhaseKind::ALL {
        if !kind.has_sql() {
            for b in report.boundaries.iter().filter(|b| b.phase == Some(kind)) {
                boundary(&mut out, b);
            }
            continue;
        }
        if let Some(p) = report.phases.iter().find(|p| p.phase == kind) {
            match &p.run.error {
                None => {
                    let _ = writeln!(out, "{}: ran", kind.title());
                }
                Some(_) => failed(&mut out, kind.title(), &p.run),
            }
            for b in report
                .boundaries
                .iter()
                .filter(|b| b.phase == Some(kind) && !b.rollback)
            {
                boundary(&mut out, b);
            }
            if let Some(r) = &p.rollback {
                match &r.error {
                    None if p.rollback_differences.is_empty() => {
                        let irreversible = if p.irreversible.is_empty() {
                            String::new()
                        } else {
                            format!(" (but for {}, which it cannot)", p.irreversible.join(", "))
                        };
                        let _ = writeln!(
                            out,
                            "  rollback: restores the catalog before {}{irreversible}",
                            kind.title()
                        );
                    }
                    None => {
                        for d in &p.rollback_differences {
                            let _ = writeln!(out, "  rollback does not restore: {d}");
                        }
                    }
                    Some(_) => failed(&mut out, "  rollback", r),
                }
            }
            for b in report
                .boundaries
                .iter()
                .filter(|b| b.phase == Some(kind) && b.rollback)
            {
                boundary(&mut out, b);
            }
            if let Some(a) = &p.again {
                match &a.error {
                    None if p.again_differences.is_empty() => {
                        let _ = writeln!(out, "  runs again after its rollback");
                    }
                    None => {
                        for d in &p.again_differences {
                            let _ = writeln!(out, "  run again, differs: {d}");
                        }
                    }
                    Some(e) => {
                        let _ = writeln!(out, "  run again FAILED: {e}");
                    }
                }
            }
        }
    }
    for k in &report.not_run {
        let _ = writeln!(out, "{}: not run after the failure above", k.title());
    }
    match &report.original {
        Some(o) if !o.ok => {
            let _ = writeln!(
                out,
                "the migration itself fails on the same schema and rows: {}\n  (the rows turquoise made up break the migration, not only the plan: check the failure against your data)",
                o.error.as_deref().unwrap_or("")
            );
        }
        Some(_) => {
            let _ = writeln!(
                out,
                "the migration itself runs on the same schema and rows: the failure is the plan's"
            );
        }
        None => {}
    }
    if report.not_run.is_empty() && report.phases.iter().all(|p| p.run.ok) {
        if report.final_differences.is_empty() {
            let _ = writeln!(
                out,
                "after contract: the catalog is the one the migration itself makes"
            );
        } else {
            for d in &report.final_differences {
                let _ = writeln!(
                    out,
                    "after contract, against the migration's own schema: {d}"
                );
            }
        }
    }
    let version = report.server_version;
    let _ = writeln!(
        out,
        "verified on PostgreSQL {}.{} ({}) in {:.1} s: {}",
        version / 10000,
        version % 10000,
        server.describe(),
        report.seconds,
        if report.ok() && plan.refusals.is_empty() {
            "the plan holds".to_owned()
        } else if report.ok() {
            format!(
                "the plan holds, but leaves out {} changes with no safe plan",
                plan.refusals.len()
            )
        } else {
            "PROBLEMS above".to_owned()
        }
    );
    out
}

/// `what FAILED: message` and the first line of the statement.
fn failed(out: &mut String, what: &str, o: &crate::pg::plan::Outcome) {
    use std::fmt::Write as _;
    let at = o
        .statement
        .as_deref()
        .unwrap_or("")
        .lines()
        .next()
        .unwrap_or("");
    let _ = writeln!(
        out,
        "{what} FAILED: {}\n    at: {at}",
        o.error.as_deref().unwrap_or("")
    );
}

fn boundary(out: &mut String, b: &crate::pg::plan::Boundary) {
    use std::fmt::Write as _;
    let mut apps: Vec<String> = b.probes.iter().map(|p| p.app.to_string()).collect();
    apps.dedup();
    let ok = b.probes.iter().filter(|p| p.ok).count();
    let unusable = b.probes.iter().filter(|p| p.unusable).count();
    if b.probes.is_empty() && b.syncs.is_empty() {
        let _ = writeln!(out, "  {}: nothing to run", b.at);
        return;
    }
    let _ = write!(
        out,
        "  {}: {} statements of {} succeed",
        b.at,
        format_args!("{ok}/{}", b.probes.len()),
        if apps.is_empty() {
            "no release".to_owned()
        } else {
            apps.join(" and ")
        }
    );
    if unusable > 0 {
        let _ = write!(
            out,
            " ({unusable} fail on their own schema too: values turquoise cannot make for it, left out)"
        );
    }
    if !b.syncs.is_empty() {
        let equal = b.syncs.iter().filter(|s| s.differing == 0).count();
        let _ = write!(out, "; {equal}/{} synced column pairs equal", b.syncs.len());
    }
    out.push('\n');
    for p in b.probes.iter().filter(|p| !p.ok && !p.unusable) {
        let _ = writeln!(
            out,
            "    {} {} FAILED: {}\n      {}",
            p.app,
            p.what,
            p.error.as_deref().unwrap_or(""),
            p.sql
        );
    }
    for s in b.syncs.iter().filter(|s| s.differing != 0) {
        let _ = writeln!(
            out,
            "    {}: {} and {} differ in {} rows",
            s.table, s.old, s.new, s.differing
        );
    }
}

/// A PostgreSQL duration: digits and a unit (`5s`, `500ms`, `2min`), or
/// bare milliseconds.
fn valid_duration(text: &str) -> bool {
    let digits: String = text.chars().take_while(|c| c.is_ascii_digit()).collect();
    let unit = &text[digits.len()..];
    !digits.is_empty() && matches!(unit.trim(), "" | "ms" | "s" | "min" | "h" | "d" | "us")
}
