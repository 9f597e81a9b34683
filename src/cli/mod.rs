//! The command line: clap arguments, `turquoise.toml`, one handler per
//! subcommand. Flags and the file become one validated [`Settings`] before
//! any work starts; handlers call the library and print; they decide nothing.
//!
//! Exit codes: 0 clean, 1 findings at or above the failing severity, 2 the
//! tool could not do its job (bad flag, unreadable directory, bad config).

pub mod config;

use crate::diagnostic::{Finding, Severity};
use crate::history::{self, History};
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
    pub layout: Option<Layout>,
    pub search_path: Vec<String>,
    pub pg_version: u32,
}

fn settings(cli_config: Option<&Path>, source: &SourceArgs) -> Result<Settings> {
    let file = match cli_config {
        Some(p) => Some(config::load(p)?),
        None => {
            let cwd = std::env::current_dir().context("cannot read the current directory")?;
            config::find(&cwd).map(|p| config::load(&p)).transpose()?
        }
    };
    let file = file.unwrap_or_default();
    let dir = match (&source.dir, &file.migrations) {
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
        layout: source.layout.or(file.layout),
        search_path,
        pg_version: source
            .pg_version
            .or(file.pg_version)
            .unwrap_or(config::DEFAULT_PG_VERSION),
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
        Command::Schema { source, at, format } => {
            let s = settings(cli.config.as_deref(), source)?;
            let history = load(&s, at.clone())?;
            let out = match format {
                SchemaFormat::Sql => crate::model::render::to_sql(&history.catalog),
                SchemaFormat::Json => {
                    serde_json::to_string_pretty(&crate::model::json::to_json(&history.catalog))?
                        + "\n"
                }
            };
            finish(&out, &history.findings, &s.dir)
        }
    }
}

fn load(s: &Settings, at: Option<String>) -> Result<History> {
    let options = history::Options {
        layout: s.layout,
        search_path: s.search_path.clone(),
        at,
        parse_downs: true,
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
