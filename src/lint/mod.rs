//! The linter: replays a whole history, classifies the statements of the
//! migrations being linted against the schema just before each, runs the
//! rule catalog on them, and applies configuration and ignore comments.
//!
//! Every migration is replayed, linted or not, so "an existing table" means
//! one the history created earlier. Objects the history never created are
//! taken to exist already, with rows (see [`assume`]), so a lone file or a
//! partial history still gets its lock and compatibility findings; they
//! are part of the schema before the migration too.

mod assume;
mod suppress;

use crate::classify::{Before, Classifier};
use crate::diagnostic::{Detail, Finding, Location, Severity, Sources};
use crate::history::{self, History, HistoryError, Observer, Options};
use crate::model::catalog::Catalog;
use crate::model::{Effect, Replay};
use crate::rules::{self, Check, DownReplay, MigrationInput, StatementInput, StatementRecord};
use crate::source::{Discovery, Layout, Migration};
use crate::sql::{ParsedScript, Statement, StatementKind};
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

/// A rule's configured level: a severity, or off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Off,
    On(Severity),
}

impl Level {
    pub fn parse(text: &str) -> Option<Level> {
        Some(match text {
            "off" => Level::Off,
            "hint" => Level::On(Severity::Hint),
            "warning" => Level::On(Severity::Warning),
            "error" => Level::On(Severity::Error),
            _ => return None,
        })
    }
}

/// Which migrations to report on.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Selection {
    #[default]
    All,
    /// Those whose up or down script is one of these files.
    Files(Vec<PathBuf>),
    /// Those after this version.
    Since(String),
}

/// How to lint.
#[derive(Debug, Clone)]
pub struct LintOptions {
    pub history: Options,
    pub pg_version: u32,
    /// Severity overrides and rules turned off, by rule name.
    pub levels: BTreeMap<String, Level>,
    pub selection: Selection,
}

impl Default for LintOptions {
    fn default() -> Self {
        LintOptions {
            history: Options::default(),
            pg_version: crate::classify::DEFAULT_PG_VERSION,
            levels: BTreeMap::new(),
            selection: Selection::All,
        }
    }
}

/// What a lint run produced.
#[derive(Debug)]
pub struct LintResult {
    /// Sorted by file, then position.
    pub findings: Vec<Finding>,
    /// The text of every file a finding points into, for code frames.
    pub sources: Sources,
    /// How many migrations were linted.
    pub linted: usize,
    /// How many migrations were replayed.
    pub replayed: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum LintError {
    #[error(transparent)]
    History(#[from] HistoryError),
    #[error("no migration has version {0}")]
    UnknownVersion(String),
}

/// Lints the migrations discovered in a folder (or built from files).
pub fn lint(discovery: Discovery, options: &LintOptions) -> Result<LintResult, LintError> {
    let selected: HashSet<String> = select(&discovery.migrations, &options.selection)?;
    let mut observer = Linter {
        options,
        downs_used: discovery.layout.has_downs()
            && discovery.migrations.iter().any(|m| m.down.is_some()),
        layout: discovery.layout,
        selected: &selected,
        current: None,
        assumed: assume::Assumed::default(),
        findings: Vec::new(),
        sources: Sources::default(),
        ranges: Default::default(),
    };
    let mut history_options = options.history.clone();
    history_options.keep_statements = false;
    history_options.parse_downs = true;
    let history = history::replay_observed(discovery, &history_options, &mut observer)?;
    let linted = selected.len();
    Ok(observer.finish(history, linted))
}

fn select(migrations: &[Migration], selection: &Selection) -> Result<HashSet<String>, LintError> {
    Ok(match selection {
        Selection::All => migrations.iter().map(|m| m.version.text.clone()).collect(),
        Selection::Files(files) => {
            let wanted: HashSet<PathBuf> = files.iter().map(|f| canonical(f)).collect();
            migrations
                .iter()
                .filter(|m| {
                    wanted.contains(&canonical(&m.up.path))
                        || m.down
                            .as_ref()
                            .is_some_and(|d| wanted.contains(&canonical(&d.path)))
                        || m.up
                            .path
                            .parent()
                            .is_some_and(|p| wanted.contains(&canonical(p)))
                })
                .map(|m| m.version.text.clone())
                .collect()
        }
        Selection::Since(v) => {
            let Some(pos) = migrations.iter().position(|m| &m.version.text == v) else {
                return Err(LintError::UnknownVersion(v.clone()));
            };
            migrations[pos + 1..]
                .iter()
                .map(|m| m.version.text.clone())
                .collect()
        }
    })
}

fn canonical(p: &std::path::Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf())
}

/// The migration being linted.
struct Current {
    migration: Migration,
    classifier: Classifier,
    before_catalog: Catalog,
    pending: Option<Before>,
    records: Vec<StatementRecord>,
    /// Byte ranges of the up's statements.
    ranges: Vec<(usize, usize)>,
}

struct Linter<'a> {
    options: &'a LintOptions,
    /// The framework runs downs and the history has some: a missing one
    /// is then an omission, not the project's way.
    downs_used: bool,
    layout: Layout,
    selected: &'a HashSet<String>,
    current: Option<Current>,
    assumed: assume::Assumed,
    findings: Vec<Finding>,
    sources: Sources,
    /// Byte ranges of the statements of every linted up script, by path.
    ranges: rustc_hash::FxHashMap<std::ffi::OsString, Vec<(usize, usize)>>,
}

impl Linter<'_> {
    fn finish(mut self, history: History, linted: usize) -> LintResult {
        let replayed = history.migrations.len();
        let everything = self.options.selection == Selection::All;
        let mut findings: Vec<Finding> = history
            .findings
            .into_iter()
            .filter(|f| everything || self.sources.contains(&f.location.path))
            // The reader warns about every migration without a down; the
            // linter's down-missing says it only where a rollback matters.
            .filter(|f| f.code != "missing-down")
            .collect();
        findings.append(&mut self.findings);
        // Ignore comments, per linted file.
        let mut ignores = Vec::new();
        // In a fixed order; by bytes, as `Path` compares slowly.
        let mut paths: Vec<&Path> = self.sources.paths().collect();
        paths.sort_unstable_by_key(|p| p.as_os_str());
        for path in paths {
            let ranges = self
                .ranges
                .get(path.as_os_str())
                .map_or(&[][..], Vec::as_slice);
            if let Some(text) = self.sources.get(path) {
                ignores.extend(suppress::parse(path, text, ranges));
            }
        }
        suppress::apply(&mut findings, &mut ignores);
        // Configured levels.
        findings.retain_mut(|f| match self.options.levels.get(f.code) {
            Some(Level::Off) => false,
            Some(Level::On(s)) => {
                f.severity = *s;
                true
            }
            None => true,
        });
        crate::diagnostic::sort_by_file(&mut findings, |f| {
            (f.location.line, f.location.column, f.code)
        });
        findings.dedup();
        LintResult {
            findings,
            sources: self.sources,
            linted,
            replayed,
        }
    }
}

fn to_finding(
    rule: &rules::Rule,
    v: rules::Violation,
    location: &Location,
    detail: Option<Detail>,
) -> Finding {
    let mut f = Finding::new(
        rule.name,
        rule.severity,
        v.location.unwrap_or_else(|| location.clone()),
        v.message,
    );
    f.help = v.help;
    f.detail = detail.map(Box::new);
    f
}

fn detail_of(version: &str, index: usize, c: &crate::classify::Classification) -> Detail {
    let lock = c.hazards.strongest();
    Detail {
        version: version.to_owned(),
        statement: Some(index + 1),
        compatibility: Some(c.compatibility),
        lock: lock.map(|l| l.mode),
        table: lock.map(|l| l.table.to_string()),
        rewrite: c.hazards.rewrite,
        impact: c.impact().into_iter().map(ToString::to_string).collect(),
    }
}

/// Replays a down script on a copy of the schema after the up, and compares
/// the result with the schema before the up.
fn replay_down(down: &ParsedScript, replay: &Replay, before: &Catalog) -> DownReplay {
    // A fork shares the objects and the dependency graph: both cost only
    // what the down changes.
    let mut r = replay.fork();
    let mut problems = Vec::new();
    for st in &down.statements {
        if let StatementKind::Parsed(stmt) = &st.kind {
            problems.extend(
                r.apply(stmt, &st.location)
                    .findings
                    .into_iter()
                    .filter(|f| f.severity >= Severity::Warning),
            );
        }
    }
    r.end_transaction();
    DownReplay {
        problems,
        residue: crate::model::diff::compare_shared(before, &r.catalog),
    }
}

impl Observer for Linter<'_> {
    fn migration_start(&mut self, migration: &Migration, replay: &Replay) {
        self.current = self
            .selected
            .contains(&migration.version.text)
            .then(|| Current {
                migration: migration.clone(),
                classifier: Classifier::new(self.options.pg_version, migration.transaction),
                before_catalog: replay.catalog.clone(),
                pending: None,
                records: Vec::new(),
                ranges: Vec::new(),
            });
        if self.current.is_some() {
            self.sources
                .insert(&migration.up.path, migration.up.text.clone());
            if let Some(d) = &migration.down {
                self.sources.insert(&d.path, d.text.clone());
            }
        }
    }

    fn before_statement(&mut self, _index: usize, statement: &Statement, replay: &mut Replay) {
        if let Some(cur) = &mut self.current {
            cur.ranges
                .push((statement.location.start, statement.location.end));
        }
        let StatementKind::Parsed(stmt) = &statement.kind else {
            return;
        };
        let (hints, added) = self.assumed.prepare(stmt, &statement.location, replay);
        if let Some(cur) = &mut self.current {
            // What is assumed to exist existed before the migration too.
            if !added.is_empty() {
                let mut before = Replay::new(replay.search_path().to_vec());
                before.catalog = std::mem::take(&mut cur.before_catalog);
                for s in &added {
                    before.apply(s, &statement.location);
                }
                cur.before_catalog = before.catalog;
            }
            cur.pending = Some(cur.classifier.before(stmt, replay));
            self.findings.extend(hints);
        }
    }

    fn after_statement(
        &mut self,
        index: usize,
        statement: &Statement,
        effect: &Effect,
        replay: &Replay,
    ) {
        self.assumed.observe(effect);
        let StatementKind::Parsed(stmt) = &statement.kind else {
            return;
        };
        let Some(cur) = &mut self.current else {
            return;
        };
        let Some(before) = cur.pending.take() else {
            return;
        };
        let classification = cur
            .classifier
            .classify(stmt, before, &effect.changes, replay);
        let text = &cur.migration.up.text;
        let sql = text
            .get(statement.location.start..statement.location.end)
            .unwrap_or("");
        let input = StatementInput {
            migration: &cur.migration,
            index,
            location: &statement.location,
            sql,
            stmt,
            classification: &classification,
            context: &cur.classifier.context,
            layout: self.layout,
            replay,
            pg_version: self.options.pg_version,
        };
        let detail = detail_of(&cur.migration.version.text, index, &classification);
        for rule in rules::RULES {
            if let Check::Statement(check) = rule.check {
                for v in check(&input) {
                    self.findings.push(to_finding(
                        rule,
                        v,
                        &statement.location,
                        Some(detail.clone()),
                    ));
                }
            }
        }
        // The record keeps the state the statement ran in, before advancing.
        let in_transaction = cur.classifier.context.in_transaction;
        let lock_timeout = cur.classifier.context.lock_timeout;
        let context = &cur.classifier.context;
        let held = context
            .held
            .iter()
            .map(|(t, m)| {
                (
                    t.clone(),
                    *m,
                    context.held_since.get(t).copied().unwrap_or(0),
                )
            })
            .collect();
        cur.classifier.advance(
            index,
            stmt,
            &classification.hazards,
            &effect.changes,
            replay,
        );
        cur.records.push(StatementRecord {
            index,
            location: statement.location.clone(),
            stmt: stmt.clone(),
            classification,
            in_transaction,
            lock_timeout,
            held,
        });
    }

    fn migration_end(
        &mut self,
        migration: &Migration,
        _up: &ParsedScript,
        down: Option<&ParsedScript>,
        replay: &Replay,
    ) {
        let Some(mut cur) = self.current.take() else {
            return;
        };
        self.ranges
            .entry(migration.up.path.as_os_str().to_owned())
            .or_default()
            .append(&mut cur.ranges);
        let down_replay = down
            .filter(|_| migration.has_down())
            .map(|d| replay_down(d, replay, &cur.before_catalog));
        let input = MigrationInput {
            migration,
            layout: self.layout,
            statements: &cur.records,
            before: &cur.before_catalog,
            after: &replay.catalog,
            down: down_replay.as_ref(),
            layout_has_downs: self.downs_used,
            pg_version: self.options.pg_version,
        };
        let mut out = Vec::new();
        for rule in rules::RULES {
            if let Check::Migration(f) = rule.check {
                for v in f(&input) {
                    out.push((*rule, v));
                }
            }
        }
        let file = Location::file(migration.up.path.clone());
        let version = &migration.version.text;
        for (rule, v) in out {
            // A finding on one of the migration's statements carries what
            // the classifier said of it; any other, the migration.
            let at = v.location.as_ref().unwrap_or(&file);
            let detail = match cur.records.iter().find(|r| {
                r.location.path == at.path && r.location.start == at.start && at.line != 0
            }) {
                Some(r) => detail_of(version, r.index, &r.classification),
                None => Detail {
                    version: version.clone(),
                    statement: None,
                    compatibility: None,
                    lock: None,
                    table: None,
                    rewrite: None,
                    impact: Vec::new(),
                },
            };
            self.findings.push(to_finding(rule, v, &file, Some(detail)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source;

    /// Wraps the linter to see each statement record as it is made.
    struct Spy<'a> {
        linter: Linter<'a>,
        seen: Vec<(bool, bool)>,
    }

    impl Observer for Spy<'_> {
        fn migration_start(&mut self, migration: &Migration, replay: &Replay) {
            self.linter.migration_start(migration, replay);
        }
        fn before_statement(&mut self, index: usize, statement: &Statement, replay: &mut Replay) {
            self.linter.before_statement(index, statement, replay);
        }
        fn after_statement(
            &mut self,
            index: usize,
            statement: &Statement,
            effect: &Effect,
            replay: &Replay,
        ) {
            self.linter
                .after_statement(index, statement, effect, replay);
            if let Some(r) = self.linter.current.as_ref().and_then(|c| c.records.last()) {
                self.seen.push((r.in_transaction, r.lock_timeout));
            }
        }
    }

    #[test]
    fn statement_records_hold_the_state_each_statement_ran_in() {
        let sql = "SET lock_timeout = '1s';\nBEGIN;\nSELECT 1;\nCOMMIT;\nSELECT 1;\n";
        let m = source::single(PathBuf::from("m.sql"), std::sync::Arc::from(sql));
        let selected: HashSet<String> = [m.version.text.clone()].into();
        let options = LintOptions::default();
        let mut spy = Spy {
            linter: Linter {
                options: &options,
                layout: Layout::Plain,
                downs_used: false,
                selected: &selected,
                current: None,
                assumed: assume::Assumed::default(),
                findings: Vec::new(),
                sources: Sources::default(),
                ranges: Default::default(),
            },
            seen: Vec::new(),
        };
        let discovery = Discovery {
            layout: Layout::Plain,
            migrations: vec![m],
            findings: Vec::new(),
        };
        history::replay_observed(discovery, &Options::default(), &mut spy).expect("replays");
        assert_eq!(
            spy.seen,
            [
                (false, false),
                (false, true),
                (true, true),
                (true, true),
                (false, true)
            ]
        );
    }
}
