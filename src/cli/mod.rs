//! The command line: clap arguments, `turquoise.toml`, one handler per
//! subcommand. Flags and the file become one validated [`Settings`] before
//! any work starts; handlers call the library and print; they decide nothing.
//!
//! Exit codes: 0 clean, 1 findings at or above the failing severity, 2 the
//! tool could not do its job (bad flag, unreadable directory, bad config,
//! for `check` an unknown git reference or no repository).

mod check;
pub mod config;
mod conflicts;
mod lint;
mod plan;

use crate::diagnostic::{Finding, Severity};
use crate::history::{self, History};
use crate::pg::Server;
use crate::pg::verify::{MigrationReport, Report, Step};
use crate::source::Layout;
use anyhow::{Context, Result, anyhow};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(
    name = "turquoise",
    version,
    about = "Safe zero-downtime PostgreSQL schema changes: read any migration history, replay it, find what breaks blue-green deploys."
)]
struct Cli {
    /// Configuration file (default: turquoise.toml in the current folder or a parent).
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Lint migrations: classify every change (expand, contract, data),
    /// with its locks and rewrites, and report what breaks a zero-downtime
    /// deploy.
    Lint(lint::LintArgs),
    /// The CI gate: lint the migrations added or changed since the branch
    /// left REF (committed or not), replaying the whole history, and report
    /// only those.
    Check(check::CheckArgs),
    /// What merging the branch into REF breaks in the migration history:
    /// duplicate versions, migrations out of order, edited or deleted
    /// history, and changes that do not commute. `--fix` renumbers the
    /// branch's new migrations.
    Conflicts(conflicts::ConflictsArgs),
    /// Plan a migration that breaks running code as phases blue,
    /// turquoise and green releases live through: expand, backfill,
    /// deploy turquoise, deploy green, contract; with the SQL and rollback
    /// of each (`--emit` writes them as migrations, `--verify` runs them on
    /// a real PostgreSQL).
    Plan(plan::PlanArgs),
    /// Write `turquoise.sum` (a hash per migration and one for the whole
    /// set) in the migrations folder, so that two branches that both add
    /// migrations clash in git when merged.
    Sum {
        #[command(flatten)]
        source: SourceArgs,
        /// Do not write: exit 1 when the file is missing or stale.
        #[arg(long)]
        check: bool,
    },
    /// List the lint rules.
    Rules {
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: ListFormat,
    },
    /// Print a rule's documentation.
    Explain {
        /// The rule's name, e.g. `dropping-column`.
        rule: String,
    },
    /// List the migrations found in a directory, in order.
    Migrations {
        #[command(flatten)]
        source: SourceArgs,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: ListFormat,
    },
    /// Print the schema the migrations build (after all ups, or up to --at).
    Schema {
        #[command(flatten)]
        source: SourceArgs,
        /// Stop after this migration version (inclusive).
        #[arg(long, value_name = "VERSION")]
        at: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value = "sql")]
        format: SchemaFormat,
        /// Read the schema of a live database instead (read-only).
        #[arg(long, value_name = "URL", conflicts_with = "at")]
        from_db: Option<String>,
    },
    /// Run the migrations on a real PostgreSQL, in a scratch database, and
    /// check the model against it: drift after every up, downs that do not
    /// restore their up exactly, ups that fail after their own down.
    Verify {
        #[command(flatten)]
        source: SourceArgs,
        /// The server to use (default: TURQUOISE_DATABASE_URL, then
        /// `[verify] database_url`, then a throwaway local cluster).
        #[arg(long, value_name = "URL")]
        database_url: Option<String>,
        /// Do not run downs.
        #[arg(long)]
        no_down: bool,
        /// First version to check (earlier ones are applied unchecked).
        #[arg(long, value_name = "VERSION")]
        from: Option<String>,
        /// Last version to run (inclusive).
        #[arg(long, value_name = "VERSION")]
        to: Option<String>,
        /// Stop at the first failure or drift.
        #[arg(long)]
        fail_fast: bool,
        /// Keep the scratch database and print its name.
        #[arg(long)]
        keep: bool,
        /// Record locks, rewrites and durations of every up statement (each
        /// statement then runs in a transaction of its own).
        #[arg(long)]
        trace: bool,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: ListFormat,
    },
}

#[derive(Debug, Args)]
struct SourceArgs {
    /// The migrations directory (default: `migrations` from turquoise.toml).
    dir: Option<PathBuf>,
    /// Force a layout instead of detecting it.
    #[arg(long, value_name = "NAME", value_parser = parse_layout)]
    layout: Option<Layout>,
    /// Schemas for unqualified names, comma separated (default: public).
    #[arg(long, value_name = "SCHEMAS")]
    search_path: Option<String>,
    /// Target PostgreSQL major version.
    #[arg(long, value_name = "MAJOR", value_parser = parse_pg_version)]
    pg_version: Option<u32>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ListFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum SchemaFormat {
    Sql,
    Json,
}

fn parse_layout(s: &str) -> Result<Layout, String> {
    Layout::from_name(s).ok_or_else(|| {
        format!(
            "unknown layout `{s}`; expected one of: {}",
            config::layout_names()
        )
    })
}

fn parse_pg_version(s: &str) -> Result<u32, String> {
    let v: u32 = s
        .parse()
        .map_err(|_| format!("`{s}` is not a PostgreSQL major version"))?;
    config::check_pg_version(v)
}

/// Flags and configuration file merged and validated.
#[derive(Debug, Clone)]
pub struct Settings {
    pub dir: PathBuf,
    pub database_url: Option<String>,
    pub layout: Option<Layout>,
    pub search_path: Vec<String>,
    pub pg_version: u32,
    /// Rule levels from `[rules]`.
    pub rules: std::collections::BTreeMap<String, crate::lint::Level>,
}

fn settings(cli_config: Option<&Path>, source: &SourceArgs) -> Result<Settings> {
    settings_from(cli_config, source, source.dir.clone())
}

/// Settings with the migrations directory given separately (`lint` takes
/// paths where other commands take DIR).
fn settings_from(
    cli_config: Option<&Path>,
    source: &SourceArgs,
    dir: Option<PathBuf>,
) -> Result<Settings> {
    let file = match cli_config {
        Some(p) => Some(config::load(p)?),
        None => {
            let cwd = std::env::current_dir().context("cannot read the current directory")?;
            config::find(&cwd).map(|p| config::load(&p)).transpose()?
        }
    };
    let file = file.unwrap_or_default();
    let dir = match (&dir, &file.migrations) {
        (Some(d), _) => d.clone(),
        (None, Some(d)) => d.clone(),
        (None, None) if Path::new("migrations").is_dir() => PathBuf::from("migrations"),
        (None, None) => {
            return Err(anyhow!(
                "no migrations directory: pass DIR, or set `migrations` in {}",
                config::FILE_NAME
            ));
        }
    };
    let search_path = source
        .search_path
        .as_deref()
        .map(config::split_search_path)
        .or(file.search_path)
        .unwrap_or_else(|| vec!["public".to_owned()]);
    Ok(Settings {
        dir,
        database_url: file.database_url.clone(),
        layout: source.layout.or(file.layout),
        search_path,
        pg_version: source
            .pg_version
            .or(file.pg_version)
            .unwrap_or(config::DEFAULT_PG_VERSION),
        rules: file.rules.clone(),
    })
}

/// Runs the command line; the binary's whole `main`.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            if is_broken_pipe(&e) {
                return ExitCode::SUCCESS;
            }
            eprintln!("turquoise: error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn run(cli: Cli) -> Result<ExitCode> {
    match &cli.command {
        Command::Lint(args) => lint::run_lint(&cli, args),
        Command::Check(args) => check::run_check(&cli, args),
        Command::Conflicts(args) => conflicts::run_conflicts(&cli, args),
        Command::Plan(args) => plan::run_plan(&cli, args),
        Command::Sum { source, check } => conflicts::run_sum(&cli, source, *check),
        Command::Rules { format } => lint::run_rules(matches!(format, ListFormat::Json)),
        Command::Explain { rule } => lint::run_explain(rule),
        Command::Migrations { source, format } => {
            let s = settings(cli.config.as_deref(), source)?;
            let history = load(&s, None)?;
            let out = match format {
                ListFormat::Text => migrations_text(&history, &s.dir),
                ListFormat::Json => {
                    serde_json::to_string_pretty(&migrations_json(&history))? + "\n"
                }
            };
            finish(&out, &history.findings, &s.dir)
        }
        Command::Schema {
            source,
            at,
            format,
            from_db,
        } => {
            let (catalog, findings, base) = match from_db {
                Some(url) => {
                    let server = Server::from_url(url)?;
                    let mut client = server.connect(None)?;
                    let read = crate::pg::introspect::introspect(&server, &mut client)?;
                    (read.catalog, read.findings, PathBuf::new())
                }
                None => {
                    let s = settings(cli.config.as_deref(), source)?;
                    let history = load_lean(&s, at.clone())?;
                    (history.catalog, history.findings, s.dir)
                }
            };
            let out = match format {
                SchemaFormat::Sql => crate::model::render::to_sql(&catalog),
                SchemaFormat::Json => {
                    serde_json::to_string_pretty(&crate::model::json::to_json(&catalog))? + "\n"
                }
            };
            finish(&out, &findings, &base)
        }
        Command::Verify {
            source,
            database_url,
            no_down,
            from,
            to,
            fail_fast,
            keep,
            trace,
            format,
        } => {
            let s = settings(cli.config.as_deref(), source)?;
            let history = load(&s, None)?;
            for v in [from, to].into_iter().flatten() {
                if !history
                    .migrations
                    .iter()
                    .any(|m| &m.migration.version.text == v)
                {
                    return Err(anyhow!("no migration has version {v}"));
                }
            }
            let server = match database_url_of(database_url.as_deref(), &s) {
                Some(u) => Server::from_url(&u)?,
                None if *keep => {
                    return Err(anyhow!(
                        "--keep needs a server that outlives turquoise: the throwaway server verify starts without a URL is removed when it ends; give --database-url (or TURQUOISE_DATABASE_URL, or [verify] database_url)"
                    ));
                }
                None => Server::start_throwaway()?,
            };
            let options = crate::pg::verify::Options {
                no_down: *no_down,
                from: from.clone(),
                to: to.clone(),
                fail_fast: *fail_fast,
                trace: *trace,
            };
            let mut progress = Progress::new(history.migrations.len());
            let report = crate::pg::verify::verify(
                &server,
                &history,
                &s.search_path,
                &options,
                *keep,
                &mut |i, n, v| progress.tick(i, n, v),
            );
            progress.finish();
            let report = report?;
            let out = match format {
                ListFormat::Text => verify_text(&report, &server, &s.dir),
                ListFormat::Json => serde_json::to_string_pretty(&report)? + "\n",
            };
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(out.as_bytes())?;
            stdout.flush()?;
            Ok(if report.ok() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
    }
}

/// The server URL to use: the flag, then `TURQUOISE_DATABASE_URL`, then
/// `[verify] database_url` (none: a throwaway server).
fn database_url_of(flag: Option<&str>, s: &Settings) -> Option<String> {
    flag.map(str::to_owned)
        .or_else(|| {
            std::env::var("TURQUOISE_DATABASE_URL")
                .ok()
                .filter(|u| !u.is_empty())
        })
        .or(s.database_url.clone())
}

fn load(s: &Settings, at: Option<String>) -> Result<History> {
    let options = history::Options {
        layout: s.layout,
        search_path: s.search_path.clone(),
        at,
        ..history::Options::default()
    };
    history::load(&s.dir, &options).map_err(Into::into)
}

/// The final schema and the findings only: downs are not parsed and no
/// statement is kept.
fn load_lean(s: &Settings, at: Option<String>) -> Result<History> {
    let options = history::Options {
        layout: s.layout,
        search_path: s.search_path.clone(),
        at,
        parse_downs: false,
        keep_statements: false,
    };
    history::load(&s.dir, &options).map_err(Into::into)
}

/// Prints the output, the findings on stderr, and picks the exit code.
fn finish(out: &str, findings: &[Finding], base: &Path) -> Result<ExitCode> {
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(out.as_bytes())?;
    stdout.flush()?;
    if !findings.is_empty() {
        eprint!("{}", crate::report::text(findings, base));
    }
    let failing = findings.iter().any(|f| f.severity >= Severity::Error);
    Ok(if failing {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn migrations_text(h: &History, base: &Path) -> String {
    let rel = |p: &Path| p.strip_prefix(base).unwrap_or(p).display().to_string();
    let mut out = format!("layout: {}\n", h.layout);
    for m in &h.migrations {
        let mig = &m.migration;
        let down = mig.down.as_ref().map_or_else(
            || "no down".to_owned(),
            |d| format!("down {}", rel(&d.path)),
        );
        let tx = if mig.transaction {
            ""
        } else {
            ", no transaction"
        };
        let unparsed = match m.unparsed() {
            0 => String::new(),
            n => format!(", {n} not understood"),
        };
        out.push_str(&format!(
            "{} {}: {} statements{unparsed}{tx}; up {}, {down}\n",
            mig.version,
            mig.name,
            m.up.statements.len(),
            rel(&mig.up.path),
        ));
    }
    out
}

fn migrations_json(h: &History) -> serde_json::Value {
    let migrations: Vec<serde_json::Value> = h
        .migrations
        .iter()
        .map(|m| {
            let mig = &m.migration;
            serde_json::json!({
                "version": mig.version.text,
                "name": mig.name,
                "up": mig.up.path,
                "down": mig.down.as_ref().map(|d| &d.path),
                "transaction": mig.transaction,
                "repeatable": mig.repeatable,
                "statements": m.up.statements.len(),
                "unparsed": m.unparsed(),
                "down_statements": m.down.as_ref().map(|d| d.statements.len()),
                "down_unparsed": m.down.as_ref().map(history::count_opaque),
            })
        })
        .collect();
    serde_json::json!({
        "layout": h.layout,
        "migrations": migrations,
        "findings": h.findings,
    })
}

/// Progress of `verify`: a bar on a terminal, plain lines otherwise.
struct Progress {
    bar: Option<indicatif::ProgressBar>,
}

impl Progress {
    fn new(total: usize) -> Self {
        use std::io::IsTerminal;
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = indicatif::ProgressBar::new(total as u64);
            if let Ok(style) = indicatif::ProgressStyle::with_template(
                "verify {bar:30} {pos}/{len} {msg} ({elapsed})",
            ) {
                bar.set_style(style);
            }
            bar
        });
        Progress { bar }
    }

    fn tick(&mut self, i: usize, n: usize, version: &str) {
        match &self.bar {
            Some(bar) => {
                bar.set_position(i as u64);
                bar.set_message(version.to_owned());
            }
            None => eprintln!("verify: {i}/{n} {version}"),
        }
    }

    fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}

fn verify_text(report: &Report, server: &Server, base: &Path) -> String {
    let rel = |l: &crate::diagnostic::Location| {
        let p = l.path.strip_prefix(base).unwrap_or(&l.path);
        format!("{}:{}:{}", p.display(), l.line, l.column)
    };
    let step = |what: &str, s: &Step, out: &mut String| {
        if let Step::Failed { message, location } = s {
            let at = location
                .as_ref()
                .map(|l| format!(" at {}", rel(l)))
                .unwrap_or_default();
            out.push_str(&format!("  {what} failed{at}: {message}\n"));
        }
    };
    let mut out = String::new();
    let failing: Vec<&MigrationReport> = report.migrations.iter().filter(|m| !m.ok()).collect();
    for m in &report.migrations {
        if m.ok() && m.trace.is_empty() {
            continue;
        }
        out.push_str(&format!("{} {}:\n", m.version, m.name));
        step("up", &m.up, &mut out);
        if !m.drift_diff.is_empty() {
            for line in m.drift_diff.lines() {
                out.push_str(&format!("    {line}\n"));
            }
        }
        for d in &m.drift {
            let at = d
                .statement
                .as_ref()
                .map(|l| format!(" ({})", rel(l)))
                .unwrap_or_default();
            out.push_str(&format!("  drift: {}{at}\n", d.difference));
        }
        if let Some(d) = &m.down {
            step("down", d, &mut out);
        }
        for r in &m.down_residue {
            out.push_str(&format!("  down does not restore: {r}\n"));
        }
        if let Some(a) = &m.reapply {
            step("up after down", a, &mut out);
        }
        for r in &m.reapply_residue {
            out.push_str(&format!("  up after down gives another schema: {r}\n"));
        }
        if let Some(r) = &m.rollback {
            step("down during the full rollback", r, &mut out);
        }
        for r in &m.rollback_residue {
            out.push_str(&format!(
                "  down during the full rollback does not restore: {r}\n"
            ));
        }
        for t in &m.trace {
            let locks: Vec<String> = t
                .locks
                .iter()
                .map(|l| format!("{} on {}", l.mode, l.relation))
                .collect();
            out.push_str(&format!(
                "  {} {:.1} ms{}{}{}\n",
                rel(&t.location),
                t.ms,
                if t.in_transaction {
                    ""
                } else {
                    ", outside a transaction"
                },
                if locks.is_empty() {
                    String::new()
                } else {
                    format!(", locks: {}", locks.join(", "))
                },
                if t.rewrites.is_empty() {
                    String::new()
                } else {
                    format!(", rewrites: {}", t.rewrites.join(", "))
                },
            ));
        }
    }
    if !report.not_run.is_empty() {
        out.push_str(&format!(
            "not run after the failure above: {} migrations ({} .. {})\n",
            report.not_run.len(),
            report.not_run.first().map(String::as_str).unwrap_or(""),
            report.not_run.last().map(String::as_str).unwrap_or("")
        ));
    }
    if let Some(db) = &report.kept_database {
        out.push_str(&format!("kept scratch database {db}\n"));
    }
    let version = report.server_version;
    out.push_str(&format!(
        "verified {} migrations on PostgreSQL {}.{} ({}) in {:.1} s: {}\n",
        report.migrations.len(),
        version / 10000,
        version % 10000,
        server.describe(),
        report.seconds,
        if failing.is_empty() && report.not_run.is_empty() {
            "no drift, every down restores its up".to_owned()
        } else {
            format!("{} with problems", failing.len())
        }
    ));
    out
}
