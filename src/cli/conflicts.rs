//! `turquoise conflicts` (what merging the branch into REF breaks in the
//! migration history, and `--fix`) and `turquoise sum` (`turquoise.sum`).

use super::lint::{HistoryArgs, OutputArgs, print_result};
use super::{Cli, Settings, SourceArgs, settings, settings_from};
use crate::conflict::{self, Report, Sides, fix, sides, sum};
use crate::diagnostic::Finding;
use crate::lint::{Level, LintResult};
use crate::report::Format;
use anyhow::{Context, Result, anyhow};
use clap::{ArgGroup, Args};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("sides").required(true).args(["base", "base_dir"])))]
pub struct ConflictsArgs {
    /// The branch or commit the branch will be merged into (e.g.
    /// `origin/main`); the merge base is theirs.
    #[arg(long, value_name = "REF")]
    pub base: Option<String>,
    /// Compare this commit instead of the working tree.
    #[arg(long, value_name = "REF", requires = "base", conflicts_with = "fix")]
    pub head: Option<String>,
    /// Compare two folders instead of git revisions: base's migrations...
    #[arg(
        long,
        value_name = "DIR",
        requires = "head_dir",
        conflicts_with = "base"
    )]
    pub base_dir: Option<PathBuf>,
    /// ...and head's (what both hold under one name is shared history).
    #[arg(long, value_name = "DIR", requires = "base_dir")]
    pub head_dir: Option<PathBuf>,
    /// Rename head's new migrations to versions after base's newest,
    /// keeping the layout's naming; prints what it renamed.
    #[arg(long)]
    pub fix: bool,
    #[command(flatten)]
    pub history: HistoryArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub fn run_conflicts(cli: &Cli, args: &ConflictsArgs) -> Result<ExitCode> {
    let dir = args.head_dir.clone().or(args.history.dir.clone());
    let s = settings_from(cli.config.as_deref(), &args.history.source(), dir)?;
    let read = || -> Result<Sides> {
        Ok(match (&args.base, &args.base_dir) {
            (Some(base), _) => sides::from_git(&s.dir, base, args.head.as_deref(), s.layout)?,
            (None, Some(base_dir)) => sides::from_dirs(base_dir, &s.dir, s.layout)?,
            (None, None) => return Err(anyhow!("give --base REF, or --base-dir and --head-dir")),
        })
    };
    let mut sides = read()?;
    let mut report = find(&sides, &s);
    if args.fix {
        if !sides.head_on_disk {
            return Err(fix::FixError::NotOnDisk.into());
        }
        let moves = fix::apply(sides.layout, &sides.head.dir, &report.renames)?;
        let mut said = String::new();
        for mv in &moves {
            said.push_str(&format!(
                "renamed {} -> {}\n",
                mv.from.display(),
                mv.to.display()
            ));
        }
        if moves.is_empty() {
            said.push_str("nothing to rename\n");
        } else {
            sides = read()?;
            let file = s.dir.join(sum::FILE_NAME);
            if file.is_file() {
                std::fs::write(&file, sum::render(&s.dir, &sides.head.migrations))
                    .with_context(|| format!("cannot write {}", file.display()))?;
                said.push_str(&format!("rewrote {}\n", file.display()));
            }
            report = find(&sides, &s);
        }
        say(&said, args.output.format)?;
    }
    let result = LintResult {
        findings: report.findings,
        sources: report.sources,
        linted: report.added,
        replayed: 0,
    };
    print_result(&result, &s.dir, &args.output)
}

/// Conflict findings with the configured `[rules]` levels applied.
fn find(sides: &Sides, s: &Settings) -> Report {
    let options = conflict::Options {
        search_path: s.search_path.clone(),
    };
    let mut report = conflict::find(sides, &options);
    apply_levels(&mut report.findings, &s.rules);
    report
}

/// `[rules]` levels: a rule turned off drops its findings, a severity
/// replaces theirs.
pub(super) fn apply_levels(findings: &mut Vec<Finding>, levels: &BTreeMap<String, Level>) {
    findings.retain_mut(|f| match levels.get(f.code) {
        Some(Level::Off) => false,
        Some(Level::On(severity)) => {
            f.severity = *severity;
            true
        }
        None => true,
    });
}

/// Says something beside the report: on standard output for text, on
/// standard error when standard output holds a machine format.
fn say(text: &str, format: Format) -> Result<()> {
    if format == Format::Text {
        let mut stdout = std::io::stdout().lock();
        stdout.write_all(text.as_bytes())?;
        stdout.flush()?;
    } else {
        eprint!("{text}");
    }
    Ok(())
}

/// The conflicts `check` reports: the merge into `base`, and a stale
/// `turquoise.sum`.
pub(super) fn for_check(s: &Settings, base: &str) -> Result<Report> {
    let sides = sides::from_git(&s.dir, base, None, s.layout)?;
    let options = conflict::Options {
        search_path: s.search_path.clone(),
    };
    let mut report = conflict::find(&sides, &options);
    let file = s.dir.join(sum::FILE_NAME);
    if let Some((f, text)) = stale_sum(&file, &s.dir, &sides.head.migrations)? {
        report.sources.insert(&file, std::sync::Arc::from(text));
        report.findings.push(f);
    }
    apply_levels(&mut report.findings, &s.rules);
    Ok(report)
}

/// A `stale-sum` finding, with the file's text, when `file` exists and
/// does not match.
fn stale_sum(
    file: &Path,
    dir: &Path,
    migrations: &[crate::source::Migration],
) -> Result<Option<(Finding, String)>> {
    if !file.is_file() {
        return Ok(None);
    }
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    Ok(sum::check(dir, migrations, file, &text).map(|f| (f, text)))
}

/// `turquoise sum`: writes `turquoise.sum` in the migrations folder, or
/// with `check`, only says whether it is up to date.
pub fn run_sum(cli: &Cli, source: &SourceArgs, check: bool) -> Result<ExitCode> {
    let s = settings(cli.config.as_deref(), source)?;
    let discovery = crate::source::discover(&s.dir, s.layout)?;
    let file = s.dir.join(sum::FILE_NAME);
    if check {
        return Ok(match stale_sum(&file, &s.dir, &discovery.migrations)? {
            _ if !file.is_file() => {
                eprintln!(
                    "{}: no such file; `turquoise sum` writes it",
                    file.display()
                );
                ExitCode::from(1)
            }
            Some((f, _)) => {
                eprint!("{}", crate::report::text(&[f], Path::new("")));
                ExitCode::from(1)
            }
            None => ExitCode::SUCCESS,
        });
    }
    let text = sum::render(&s.dir, &discovery.migrations);
    std::fs::write(&file, &text).with_context(|| format!("cannot write {}", file.display()))?;
    let mut stdout = std::io::stdout().lock();
    let n = discovery.migrations.len();
    writeln!(
        stdout,
        "wrote {} ({n} migration{})",
        file.display(),
        if n == 1 { "" } else { "s" }
    )?;
    stdout.flush()?;
    Ok(ExitCode::SUCCESS)
}
