//! `turquoise check --base REF`: the CI gate. Lints the migrations the
//! branch added or changed since it left REF, against the whole history,
//! and reports only those, with what merging the branch into REF breaks
//! (`turquoise conflicts`) and a stale `turquoise.sum`.

use super::lint::{HistoryArgs, OutputArgs, print_result};
use super::{Cli, settings_from};
use crate::lint::{self, LintOptions, LintResult, Selection};
use crate::report::Format;
use crate::source::{self, git};
use anyhow::Result;
use clap::Args;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The branch or commit to compare with (e.g. `origin/main`): the
    /// migrations added or changed since its merge base with HEAD are
    /// checked, committed or not.
    #[arg(long, value_name = "REF")]
    pub base: String,
    #[command(flatten)]
    pub history: HistoryArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub fn run_check(cli: &Cli, args: &CheckArgs) -> Result<ExitCode> {
    let s = settings_from(
        cli.config.as_deref(),
        &args.history.source(),
        args.history.dir.clone(),
    )?;
    let discovery = source::discover(&s.dir, s.layout)?;
    let changes = git::changed_since(&s.dir, &args.base)?;
    let short = &changes.merge_base[..changes.merge_base.len().min(12)];
    // Most branches change no migration: skip the replay then.
    let root = std::fs::canonicalize(&s.dir).unwrap_or_else(|_| s.dir.clone());
    let inside: Vec<PathBuf> = changes
        .files
        .iter()
        .filter(|f| std::fs::canonicalize(f).is_ok_and(|f| f.starts_with(&root)))
        .cloned()
        .collect();
    let result = if inside.is_empty() {
        None
    } else {
        let options = LintOptions {
            history: crate::history::Options {
                layout: s.layout,
                search_path: s.search_path.clone(),
                ..crate::history::Options::default()
            },
            pg_version: s.pg_version,
            levels: s.rules.clone(),
            selection: Selection::Files(inside),
        };
        Some(lint::lint(discovery, &options)?).filter(|r| r.linted > 0)
    };
    let conflicts = super::conflicts::for_check(&s, &args.base)?;
    if result.is_none() && conflicts.findings.is_empty() {
        return nothing_changed(&args.base, short, &s.dir, &args.output);
    }
    let mut result = result.unwrap_or_else(|| LintResult {
        findings: Vec::new(),
        sources: Default::default(),
        linted: conflicts.added,
        replayed: 0,
    });
    // Discovery's duplicate-version, when conflicts says it too (with the
    // version to rename to), is said once.
    result.findings.retain(|f| {
        !conflicts
            .findings
            .iter()
            .any(|c| c.code == f.code && c.location.path == f.location.path)
    });
    result.findings.extend(conflicts.findings);
    crate::diagnostic::sort(&mut result.findings);
    result.sources.extend(conflicts.sources);
    print_result(&result, &s.dir, &args.output)
}

/// Says that no migration changed; machine formats still get an empty
/// report, and the sentence goes to standard error.
fn nothing_changed(
    reference: &str,
    merge_base: &str,
    dir: &Path,
    output: &OutputArgs,
) -> Result<ExitCode> {
    let sentence = format!(
        "no migration in {} changed since {reference} (merge base {merge_base}); nothing to check\n",
        dir.display()
    );
    if output.format == Format::Text {
        let mut stdout = std::io::stdout().lock();
        stdout.write_all(sentence.as_bytes())?;
        stdout.flush()?;
        return Ok(ExitCode::SUCCESS);
    }
    eprint!("{sentence}");
    let empty = LintResult {
        findings: Vec::new(),
        sources: Default::default(),
        linted: 0,
        replayed: 0,
    };
    print_result(&empty, dir, output)
}
