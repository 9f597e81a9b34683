//! A migration history, read and replayed: the one place where the stages
//! (source, sql, model) are put together.
//!
//! Loading never fails on bad SQL or broken migrations: those are findings.
//! It fails only when the directory itself cannot be read.

use crate::diagnostic::Finding;
use crate::model::{Catalog, Effect, Replay};
use crate::source::{self, Discovery, Layout, Migration, SourceError};
use crate::sql::{self, ParsedScript, Statement, StatementKind};
use std::path::Path;

/// How to read and replay a history.
#[derive(Debug, Clone)]
pub struct Options {
    /// Force a layout instead of detecting it.
    pub layout: Option<Layout>,
    /// The search_path the migrations run with.
    pub search_path: Vec<String>,
    /// Stop after this version (inclusive).
    pub at: Option<String>,
    /// Also split and parse the down scripts.
    pub parse_downs: bool,
    /// Keep every parsed statement and what it changed. Callers that need
    /// only the final schema and the findings turn this off: a long history
    /// then replays in little memory.
    pub keep_statements: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            layout: None,
            search_path: vec!["public".to_owned()],
            at: None,
            parse_downs: true,
            keep_statements: true,
        }
    }
}

/// One migration with its parsed scripts and what each up statement did.
#[derive(Debug, Clone)]
pub struct ReplayedMigration {
    pub migration: Migration,
    pub up: ParsedScript,
    pub down: Option<ParsedScript>,
    /// One effect per statement of `up`, in order.
    pub effects: Vec<Effect>,
}

impl ReplayedMigration {
    /// Statements of the up script that were not understood.
    pub fn unparsed(&self) -> usize {
        count_opaque(&self.up)
    }
}

/// Number of statements of a script that were not understood.
pub fn count_opaque(script: &ParsedScript) -> usize {
    script
        .statements
        .iter()
        .filter(|s| matches!(s.kind, StatementKind::Opaque { .. }))
        .count()
}

/// A history after replay.
#[derive(Debug, Clone)]
pub struct History {
    pub layout: Layout,
    pub migrations: Vec<ReplayedMigration>,
    /// The schema after the last replayed migration.
    pub catalog: Catalog,
    /// Every finding: discovery, parsing, replay; in migration order.
    pub findings: Vec<Finding>,
}

#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    #[error(transparent)]
    Source(#[from] SourceError),
    #[error("no migration has version {0}")]
    UnknownVersion(String),
}

/// Replays one SQL script (a schema dump, a catalog description) into a
/// fresh catalog; `label` names it in findings.
pub fn replay_sql(label: &str, sql: &str) -> (Catalog, Vec<Finding>) {
    let script = crate::source::Script::whole(label.into(), std::sync::Arc::from(sql));
    let parsed = sql::parse_script(&script);
    let mut replay = Replay::new(vec!["public".to_owned()]);
    let mut findings = parsed.findings;
    for st in &parsed.statements {
        if let StatementKind::Parsed(stmt) = &st.kind {
            findings.extend(replay.apply(stmt, &st.location).findings);
        }
    }
    (replay.catalog, findings)
}

/// Reads the migrations in `dir` and replays their ups in order.
pub fn load(dir: &Path, options: &Options) -> Result<History, HistoryError> {
    let discovery = source::discover(dir, options.layout)?;
    replay(discovery, options)
}

/// Watches a replay as it goes: the linter classifies each statement
/// against the schema as it was just before it, which no finished
/// [`History`] can give back. Every method has an empty default.
pub trait Observer {
    /// A migration is about to be replayed; `replay` holds the schema before it.
    fn migration_start(&mut self, _migration: &Migration, _replay: &Replay) {}
    /// `statement` (number `index` of the up script) is about to be applied.
    fn before_statement(&mut self, _index: usize, _statement: &Statement, _replay: &mut Replay) {}
    /// `statement` was applied with `effect`.
    fn after_statement(
        &mut self,
        _index: usize,
        _statement: &Statement,
        _effect: &Effect,
        _replay: &Replay,
    ) {
    }
    /// The migration's up script has been replayed.
    fn migration_end(
        &mut self,
        _migration: &Migration,
        _up: &ParsedScript,
        _down: Option<&ParsedScript>,
        _replay: &Replay,
    ) {
    }
}

/// An observer that watches nothing.
pub struct NoObserver;
impl Observer for NoObserver {}

/// Replays the parsed up script of `migration` onto `replay`, telling
/// `observer` about each step; one effect per statement, in order.
pub fn apply_up(
    replay: &mut Replay,
    migration: &Migration,
    up: &ParsedScript,
    down: Option<&ParsedScript>,
    observer: &mut dyn Observer,
) -> Vec<Effect> {
    observer.migration_start(migration, replay);
    let mut effects = Vec::with_capacity(up.statements.len());
    for (index, st) in up.statements.iter().enumerate() {
        observer.before_statement(index, st, replay);
        let effect = match &st.kind {
            StatementKind::Parsed(stmt) => replay.apply(stmt, &st.location),
            _ => Effect::default(),
        };
        observer.after_statement(index, st, &effect, replay);
        effects.push(effect);
    }
    replay.end_transaction();
    observer.migration_end(migration, up, down, replay);
    effects
}

/// Replays discovered migrations.
pub fn replay(discovery: Discovery, options: &Options) -> Result<History, HistoryError> {
    replay_observed(discovery, options, &mut NoObserver)
}

/// Replays discovered migrations, telling `observer` about each step.
pub fn replay_observed(
    discovery: Discovery,
    options: &Options,
    observer: &mut dyn Observer,
) -> Result<History, HistoryError> {
    let Discovery {
        layout,
        migrations,
        findings: discovery_findings,
    } = discovery;
    if let Some(at) = &options.at
        && !migrations.iter().any(|m| &m.version.text == at)
    {
        return Err(HistoryError::UnknownVersion(at.clone()));
    }
    let mut replay = Replay::new(options.search_path.clone());
    let mut findings = discovery_findings;
    let mut out = Vec::with_capacity(migrations.len());
    for migration in migrations {
        let up = sql::parse_script(&migration.up);
        let down = if options.parse_downs {
            migration.down.as_ref().map(sql::parse_script)
        } else {
            None
        };
        findings.extend(up.findings.iter().cloned());
        if let Some(d) = &down {
            findings.extend(d.findings.iter().cloned());
        }
        let effects = apply_up(&mut replay, &migration, &up, down.as_ref(), observer);
        for effect in &effects {
            findings.extend(effect.findings.iter().cloned());
        }
        let stop = options.at.as_ref() == Some(&migration.version.text);
        let (up, down, effects) = if options.keep_statements {
            (up, down, effects)
        } else {
            (ParsedScript::default(), None, Vec::new())
        };
        out.push(ReplayedMigration {
            migration,
            up,
            down,
            effects,
        });
        if stop {
            break;
        }
    }
    Ok(History {
        layout,
        migrations: out,
        catalog: replay.catalog,
        findings,
    })
}
