//! `turquoise lint`, `turquoise rules` and `turquoise explain`.

use super::{Cli, SourceArgs, settings_from};
use crate::diagnostic::Severity;
use crate::lint::{self, LintOptions, LintResult, Selection};
use crate::report::{self, Format};
use crate::source::{self, Discovery, Layout};
use anyhow::{Context, Result, anyhow};
use clap::{Args, ValueEnum};
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

/// The lowest severity that fails the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Hint,
    /// Never fail on findings.
    Never,
}

impl FailOn {
    pub fn fails(self, s: Severity) -> bool {
        match self {
            FailOn::Error => s >= Severity::Error,
            FailOn::Warning => s >= Severity::Warning,
            FailOn::Hint => true,
            FailOn::Never => false,
        }
    }
}

#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// Exit 1 when a finding at or above this severity remains.
    #[arg(long, value_enum, default_value = "error")]
    pub fail_on: FailOn,
}

#[derive(Debug, Args)]
pub struct LintArgs {
    /// Migration files or folders to report on, or `-` for SQL on standard
    /// input. A file inside the migrations folder is linted against the
    /// whole history before it; other files are linted on their own.
    pub paths: Vec<PathBuf>,
    /// Report only on migrations after this version.
    #[arg(long, value_name = "VERSION")]
    pub since: Option<String>,
    #[command(flatten)]
    pub history: HistoryArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// How to find and replay the history: the flags `lint` and `check` share.
#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// The migrations directory (default: `migrations` from turquoise.toml,
    /// or ./migrations).
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// Force a layout instead of detecting it.
    #[arg(long, value_name = "NAME", value_parser = super::parse_layout)]
    pub layout: Option<Layout>,
    /// Schemas for unqualified names, comma separated (default: public).
    #[arg(long, value_name = "SCHEMAS")]
    pub search_path: Option<String>,
    /// Target PostgreSQL major version (default: pg_version from
    /// turquoise.toml, else the oldest supported major).
    #[arg(long, value_name = "MAJOR", value_parser = super::parse_pg_version)]
    pub pg_version: Option<u32>,
}

impl HistoryArgs {
    pub fn source(&self) -> SourceArgs {
        SourceArgs {
            dir: self.dir.clone(),
            layout: self.layout,
            search_path: self.search_path.clone(),
            pg_version: self.pg_version,
        }
    }
}

pub fn run_lint(cli: &Cli, args: &LintArgs) -> Result<ExitCode> {
    let (discovery, selection, base) = inputs(cli, args)?;
    let s = settings_from(
        cli.config.as_deref(),
        &args.history.source(),
        Some(base.clone()),
    )?;
    let options = LintOptions {
        history: crate::history::Options {
            layout: s.layout,
            search_path: s.search_path.clone(),
            ..crate::history::Options::default()
        },
        pg_version: s.pg_version,
        levels: s.rules.clone(),
        selection,
    };
    let result = lint::lint(discovery, &options)?;
    print_result(&result, &base, &args.output)
}

/// Prints a lint result and picks the exit code.
pub fn print_result(result: &LintResult, base: &Path, output: &OutputArgs) -> Result<ExitCode> {
    let cwd;
    let base = if output.format.paths_from_checkout() {
        cwd = std::env::current_dir().unwrap_or_default();
        &cwd
    } else {
        base
    };
    let rows = report::rows(&result.findings, &result.sources, base);
    let summary = report::Summary::of(&result.findings, result.linted);
    let color = output.format == Format::Text
        && std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let out = report::render(output.format, &rows, summary, color);
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(out.as_bytes())?;
    stdout.flush()?;
    let failing = result
        .findings
        .iter()
        .any(|f| output.fail_on.fails(f.severity));
    Ok(if failing {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// What to replay, what to report on, and the folder paths are shown
/// relative to.
fn inputs(cli: &Cli, args: &LintArgs) -> Result<(Discovery, Selection, PathBuf)> {
    let configured = settings_from(
        cli.config.as_deref(),
        &args.history.source(),
        args.history.dir.clone(),
    )
    .ok()
    .map(|s| s.dir);
    let layout = args.history.layout;
    // Standard input, and files outside any migrations folder: on their own.
    if args.paths.iter().any(|p| p.as_os_str() == "-") {
        if args.paths.len() > 1 {
            return Err(anyhow!(
                "`-` (standard input) cannot be combined with other paths"
            ));
        }
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .context("cannot read standard input")?;
        let m = source::single(PathBuf::from("<stdin>"), Arc::from(text));
        return Ok((lone(vec![m]), Selection::All, PathBuf::new()));
    }
    let dir = match (&args.paths[..], &configured) {
        ([], Some(d)) => return Ok((discover(d, layout)?, since(args), d.clone())),
        ([], None) => {
            return Err(anyhow!(
                "no migrations directory: pass PATHS or --dir, or set `migrations` in {}",
                super::config::FILE_NAME
            ));
        }
        ([one], _) if one.is_dir() && args.history.dir.is_none() => {
            return Ok((discover(one, layout)?, since(args), one.clone()));
        }
        (_, d) => d.clone(),
    };
    for p in &args.paths {
        if !p.exists() {
            return Err(anyhow!("{}: no such file or directory", p.display()));
        }
    }
    if let Some(dir) = dir {
        let root = std::fs::canonicalize(&dir).unwrap_or(dir.clone());
        let inside = args
            .paths
            .iter()
            .all(|p| std::fs::canonicalize(p).is_ok_and(|p| p.starts_with(&root) && p != root));
        if inside {
            return Ok((
                discover(&dir, layout)?,
                Selection::Files(args.paths.clone()),
                dir,
            ));
        }
    }
    let mut migrations = Vec::new();
    for p in &args.paths {
        let text =
            std::fs::read_to_string(p).with_context(|| format!("cannot read {}", p.display()))?;
        migrations.push(source::single(p.clone(), Arc::from(text)));
    }
    Ok((lone(migrations), Selection::All, PathBuf::new()))
}

fn since(args: &LintArgs) -> Selection {
    args.since.clone().map_or(Selection::All, Selection::Since)
}

fn discover(dir: &Path, layout: Option<Layout>) -> Result<Discovery> {
    source::discover(dir, layout).map_err(Into::into)
}

fn lone(migrations: Vec<source::Migration>) -> Discovery {
    Discovery {
        layout: Layout::Plain,
        migrations,
        findings: Vec::new(),
    }
}

/// `turquoise rules`: every rule with its default severity and summary.
pub fn run_rules(json: bool) -> Result<ExitCode> {
    let out = if json {
        let items: Vec<serde_json::Value> = crate::rules::RULES
            .iter()
            .map(|r| {
                serde_json::json!({
                    "name": r.name,
                    "severity": r.severity,
                    "summary": r.summary(),
                })
            })
            .collect();
        serde_json::to_string_pretty(&items)? + "\n"
    } else {
        let width = crate::rules::RULES
            .iter()
            .map(|r| r.name.len())
            .max()
            .unwrap_or(0);
        crate::rules::RULES
            .iter()
            .map(|r| {
                format!(
                    "{:width$}  {:7}  {}\n",
                    r.name,
                    r.severity.to_string(),
                    r.summary()
                )
            })
            .collect()
    };
    std::io::stdout().lock().write_all(out.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

/// `turquoise explain RULE`: the rule's documentation.
pub fn run_explain(name: &str) -> Result<ExitCode> {
    let rule = crate::rules::find(name)
        .ok_or_else(|| anyhow!("no rule is called `{name}`; `turquoise rules` lists them"))?;
    let out = crate::rules::docs::page(rule);
    std::io::stdout().lock().write_all(out.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}
