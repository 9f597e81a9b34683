//! Classification: what each replayed statement means for a blue-green
//! deployment. Its compatibility (can the old code keep running? can the
//! new code start?), what else it affects, and its hazards (locks,
//! rewrites, scans, data loss) on the target PostgreSQL version.
//!
//! It reads the IR summary of a statement, the changes the replay recorded
//! and the schema just before the statement. It never parses SQL and never
//! talks to a server. It keeps a running transaction context per migration
//! (locks held, `lock_timeout`, tables created earlier) because a statement's
//! hazards depend on what ran before it.

mod compat;
mod impact;
mod locks;
mod types;

pub use compat::{change_compatibility, combine};
pub use impact::{Impact, ImpactVia};
pub use locks::set_not_null_scans;
pub use types::{column_type_change_rewrites, is_utc_zone, type_change_rewrites, volatile_default};

use crate::model::catalog::{ObjectName, Oid};
use crate::model::{Change, Replay};
use crate::sql::ir::{Stmt, TransactionStmt};
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};
use std::fmt;

/// The PostgreSQL major assumed when none is configured: the oldest major
/// the PostgreSQL community still supports (14 reached end of life in
/// November 2026).
pub const DEFAULT_PG_VERSION: u32 = 15;

/// Whether code written for the schema before a change still works after it,
/// and whether code for the schema after it can run before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Compatibility {
    /// Comments, grants, statistics: nothing code sees.
    #[serde(rename = "neutral")]
    Neutral,
    /// Row changes: backfills.
    #[serde(rename = "data")]
    Data,
    /// Old code keeps working; new code can start.
    #[serde(rename = "expand")]
    Expand,
    /// Old code breaks: something it reads or writes is removed or narrowed.
    #[serde(rename = "contract")]
    Contract,
    /// Breaks old code and new code cannot run before it: needs phases.
    #[serde(rename = "expand+contract")]
    ExpandContract,
}

impl Compatibility {
    pub fn as_str(self) -> &'static str {
        match self {
            Compatibility::Neutral => "neutral",
            Compatibility::Data => "data",
            Compatibility::Expand => "expand",
            Compatibility::Contract => "contract",
            Compatibility::ExpandContract => "expand+contract",
        }
    }

    /// Whether old code can break.
    pub fn breaks_old_code(self) -> bool {
        matches!(
            self,
            Compatibility::Contract | Compatibility::ExpandContract
        )
    }
}

impl fmt::Display for Compatibility {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// PostgreSQL's table-level lock modes, weakest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LockMode {
    AccessShare,
    RowShare,
    RowExclusive,
    ShareUpdateExclusive,
    Share,
    ShareRowExclusive,
    Exclusive,
    AccessExclusive,
}

impl LockMode {
    /// The SQL spelling: `ACCESS EXCLUSIVE`.
    pub fn sql(self) -> &'static str {
        match self {
            LockMode::AccessShare => "ACCESS SHARE",
            LockMode::RowShare => "ROW SHARE",
            LockMode::RowExclusive => "ROW EXCLUSIVE",
            LockMode::ShareUpdateExclusive => "SHARE UPDATE EXCLUSIVE",
            LockMode::Share => "SHARE",
            LockMode::ShareRowExclusive => "SHARE ROW EXCLUSIVE",
            LockMode::Exclusive => "EXCLUSIVE",
            LockMode::AccessExclusive => "ACCESS EXCLUSIVE",
        }
    }

    /// The name `pg_locks.mode` shows: `AccessExclusiveLock`.
    pub fn pg_name(self) -> &'static str {
        match self {
            LockMode::AccessShare => "AccessShareLock",
            LockMode::RowShare => "RowShareLock",
            LockMode::RowExclusive => "RowExclusiveLock",
            LockMode::ShareUpdateExclusive => "ShareUpdateExclusiveLock",
            LockMode::Share => "ShareLock",
            LockMode::ShareRowExclusive => "ShareRowExclusiveLock",
            LockMode::Exclusive => "ExclusiveLock",
            LockMode::AccessExclusive => "AccessExclusiveLock",
        }
    }

    /// Parses `ACCESS EXCLUSIVE`, `access exclusive` or `AccessExclusiveLock`.
    pub fn parse(text: &str) -> Option<LockMode> {
        let key: String = text
            .chars()
            .filter(|c| c.is_ascii_alphabetic())
            .collect::<String>()
            .to_ascii_lowercase();
        let key = key.strip_suffix("lock").unwrap_or(&key);
        Some(match key {
            "accessshare" => LockMode::AccessShare,
            "rowshare" => LockMode::RowShare,
            "rowexclusive" => LockMode::RowExclusive,
            "shareupdateexclusive" => LockMode::ShareUpdateExclusive,
            "share" => LockMode::Share,
            "sharerowexclusive" => LockMode::ShareRowExclusive,
            "exclusive" => LockMode::Exclusive,
            "accessexclusive" => LockMode::AccessExclusive,
            _ => return None,
        })
    }

    /// Whether plain `SELECT`s wait behind this lock.
    pub fn blocks_reads(self) -> bool {
        self == LockMode::AccessExclusive
    }

    /// Whether `INSERT` / `UPDATE` / `DELETE` wait behind this lock.
    pub fn blocks_writes(self) -> bool {
        self >= LockMode::Share
    }

    /// What waits behind the lock, for messages.
    pub fn blocks(self) -> &'static str {
        if self.blocks_reads() {
            "all reads and writes"
        } else if self.blocks_writes() {
            "writes (INSERT, UPDATE, DELETE)"
        } else if self >= LockMode::ShareUpdateExclusive {
            "other schema changes, VACUUM and index builds"
        } else {
            "only ACCESS EXCLUSIVE locks"
        }
    }
}

impl fmt::Display for LockMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.sql())
    }
}

/// A lock a statement takes on one relation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TableLock {
    pub table: ObjectName,
    pub mode: LockMode,
    /// The relation was created earlier in the same migration: it is empty
    /// and nobody else can see it yet, so the lock costs nothing.
    pub new: bool,
}

/// What a statement rewrites.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rewrite {
    /// The whole table and all its indexes are written anew.
    Table,
    /// Indexes are built or rebuilt; the table is read in full.
    Index,
}

impl fmt::Display for Rewrite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Rewrite::Table => "table",
            Rewrite::Index => "index",
        })
    }
}

/// The operational hazards of one statement on the target version. Rewrite
/// and scan are only set for tables that existed before the migration.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Hazards {
    pub locks: Vec<TableLock>,
    pub rewrite: Option<Rewrite>,
    /// Reads the whole table while holding its lock (validation, index build).
    pub scan: bool,
    /// Rows or values are lost and a down cannot bring them back.
    pub data_loss: bool,
    /// PostgreSQL refuses to run it inside a transaction block.
    pub no_transaction: bool,
}

impl Hazards {
    /// The strongest lock on a relation that existed before the migration;
    /// of equally strong ones, the first taken (the statement's target,
    /// which messages name).
    pub fn strongest(&self) -> Option<&TableLock> {
        self.locks
            .iter()
            .filter(|l| !l.new)
            .fold(None, |best: Option<&TableLock>, l| match best {
                Some(b) if b.mode >= l.mode => Some(b),
                _ => Some(l),
            })
    }

    /// The strongest lock on any relation, new or not.
    pub fn strongest_any(&self) -> Option<LockMode> {
        self.locks.iter().map(|l| l.mode).max()
    }
}

/// The transaction state a statement runs in: what earlier statements of the
/// same migration left behind.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// The statement runs inside a transaction block (the framework's, or an
    /// explicit BEGIN).
    pub in_transaction: bool,
    /// The open transaction block was opened by an explicit BEGIN (not by
    /// the framework).
    pub explicit: bool,
    /// Locks still held from earlier statements of the open transaction,
    /// strongest per relation.
    pub held: BTreeMap<ObjectName, LockMode>,
    /// Where those locks were taken: the statement index holding each lock.
    pub held_since: BTreeMap<ObjectName, usize>,
    /// A non-zero `lock_timeout` is in force.
    pub lock_timeout: bool,
    /// The session time zone is known to be UTC (an earlier `SET
    /// timezone`), which lets timestamp zone changes skip their rewrite.
    pub utc: bool,
    /// Relations created earlier in this migration (by oid: renames keep it).
    pub created: HashSet<Oid>,
    /// Columns added earlier in this migration, by table oid and name.
    pub new_columns: HashSet<(Oid, String)>,
}

impl Context {
    /// Whether the relation named `name` (resolved) is new in this migration.
    pub fn is_new(&self, replay: &Replay, name: &ObjectName) -> bool {
        replay
            .catalog
            .relation(name)
            .is_some_and(|(_, oid)| self.created.contains(&oid))
    }

    /// Whether a column is new in this migration (or its table is).
    pub fn is_new_column(&self, replay: &Replay, table: &ObjectName, column: &str) -> bool {
        replay.catalog.relation(table).is_some_and(|(_, oid)| {
            self.created.contains(&oid) || self.new_columns.contains(&(oid, column.to_owned()))
        })
    }

    /// The held ACCESS EXCLUSIVE locks on tables that existed before the
    /// migration, with the statement that took each.
    pub fn held_access_exclusive(&self) -> Vec<(&ObjectName, usize)> {
        self.held
            .iter()
            .filter(|(_, m)| **m == LockMode::AccessExclusive)
            .map(|(n, _)| (n, self.held_since.get(n).copied().unwrap_or(0)))
            .collect()
    }
}

/// One classified change.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClassifiedChange {
    pub change: Change,
    pub compatibility: Compatibility,
    pub impact: Vec<Impact>,
}

/// Everything the classifier says about one statement.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Classification {
    /// The statement's overall compatibility: its changes combined.
    pub compatibility: Compatibility,
    pub changes: Vec<ClassifiedChange>,
    pub hazards: Hazards,
}

impl Classification {
    /// Whether the statement acts on `table` as a relation that existed
    /// before the migration (it locks it, and it is not new).
    pub fn on_existing(&self, table: &ObjectName) -> bool {
        self.hazards
            .locks
            .iter()
            .any(|l| &l.table == table && !l.new)
    }

    /// Every affected object, once.
    pub fn impact(&self) -> Vec<&Impact> {
        let mut seen = HashSet::new();
        self.changes
            .iter()
            .flat_map(|c| &c.impact)
            .filter(|i| seen.insert(&i.object))
            .collect()
    }
}

/// Hazards and impact computed before a statement is applied, when the
/// schema still shows what the statement acts on.
#[derive(Debug, Clone, Default)]
pub struct Before {
    pub hazards: Hazards,
    pub impact: Vec<(String, Vec<Impact>)>,
}

/// The running classifier of one migration.
#[derive(Debug, Clone)]
pub struct Classifier {
    pub pg_version: u32,
    pub context: Context,
    /// The session's `lock_timeout`, which a `SET LOCAL` overrides only
    /// until the transaction ends.
    session_lock_timeout: bool,
}

impl Classifier {
    pub fn new(pg_version: u32, wrapped: bool) -> Self {
        Classifier {
            pg_version,
            context: Context {
                in_transaction: wrapped,
                ..Context::default()
            },
            session_lock_timeout: false,
        }
    }

    /// Hazards and impact of `stmt` against the schema before it.
    pub fn before(&self, stmt: &Stmt, replay: &Replay) -> Before {
        Before {
            hazards: locks::hazards(stmt, replay, &self.context, self.pg_version),
            impact: impact::before(stmt, replay),
        }
    }

    /// Completes the classification once the statement has been applied.
    /// The context still shows the state before the statement until
    /// [`Classifier::advance`] is called.
    pub fn classify(
        &self,
        stmt: &Stmt,
        before: Before,
        changes: &[Change],
        replay: &Replay,
    ) -> Classification {
        // Tables this very statement creates are as new as those created
        // earlier in the migration: their constraints and indexes reject
        // nothing old code wrote.
        let made_here: Vec<Oid> = changes
            .iter()
            .filter(|c| c.action == crate::model::Action::Create)
            .filter_map(|c| match &c.object {
                crate::model::ObjectRef::Table { name } => replay.catalog.relation(name),
                _ => None,
            })
            .map(|(_, oid)| oid)
            .collect();
        let widened;
        let context = if made_here.is_empty() {
            &self.context
        } else {
            let mut c = self.context.clone();
            c.created.extend(made_here);
            widened = c;
            &widened
        };
        let classified: Vec<ClassifiedChange> = changes
            .iter()
            .map(|c| {
                let key = c.object.to_string();
                let impact = before
                    .impact
                    .iter()
                    .find(|(k, _)| *k == key)
                    .map(|(_, i)| i.clone())
                    .unwrap_or_default();
                ClassifiedChange {
                    compatibility: change_compatibility(c, context, replay),
                    change: c.clone(),
                    impact,
                }
            })
            .collect();
        let compatibility = if classified.is_empty() {
            compat::statement_compatibility(stmt)
        } else {
            combine(classified.iter().map(|c| c.compatibility))
        };
        Classification {
            compatibility,
            changes: classified,
            hazards: before.hazards,
        }
    }

    /// Moves the transaction context past a statement.
    pub fn advance(
        &mut self,
        index: usize,
        stmt: &Stmt,
        hazards: &Hazards,
        changes: &[Change],
        replay: &Replay,
    ) {
        use crate::model::{Action, ObjectRef};
        for c in changes {
            if c.action != Action::Create {
                continue;
            }
            match &c.object {
                ObjectRef::Table { name }
                | ObjectRef::View { name }
                | ObjectRef::Sequence { name } => {
                    if let Some((_, oid)) = replay.catalog.relation(name) {
                        self.context.created.insert(oid);
                    }
                }
                ObjectRef::Column { table, column } => {
                    if let Some((_, oid)) = replay.catalog.relation(table) {
                        self.context.new_columns.insert((oid, column.clone()));
                    }
                }
                _ => {}
            }
        }
        match stmt {
            Stmt::Transaction(TransactionStmt::Begin) => {
                // A BEGIN inside an open transaction only warns.
                self.context.explicit |= !self.context.in_transaction;
                self.context.in_transaction = true;
            }
            Stmt::Transaction(TransactionStmt::Commit | TransactionStmt::Rollback) => {
                // A COMMIT inside a framework's transaction ends it too: what
                // follows runs in autocommit.
                self.context.explicit = false;
                self.context.in_transaction = false;
                self.context.held.clear();
                self.context.held_since.clear();
                self.context.lock_timeout = self.session_lock_timeout;
            }
            Stmt::Set { name, value, local } if name.eq_ignore_ascii_case("lock_timeout") => {
                let on = value.as_deref().is_some_and(timeout_is_set);
                // SET LOCAL outside a transaction block does nothing.
                if !*local {
                    self.session_lock_timeout = on;
                    self.context.lock_timeout = on;
                } else if self.context.in_transaction {
                    self.context.lock_timeout = on;
                }
            }
            Stmt::Set { name, value, .. } if name.eq_ignore_ascii_case("timezone") => {
                self.context.utc = value.as_deref().is_some_and(is_utc_zone);
            }
            _ => {}
        }
        if !self.context.in_transaction {
            self.context.held.clear();
            self.context.held_since.clear();
        } else {
            for l in &hazards.locks {
                if l.new {
                    continue;
                }
                // `held_since` names the statement that took the lock now
                // held: a stronger lock moves it, a weaker or equal one not.
                if self.context.held.get(&l.table).is_none_or(|m| l.mode > *m) {
                    self.context.held.insert(l.table.clone(), l.mode);
                    self.context.held_since.insert(l.table.clone(), index);
                }
            }
        }
    }
}

/// Whether a `lock_timeout` value turns the timeout on (`0` turns it off).
fn timeout_is_set(value: &str) -> bool {
    let v = value.trim().trim_matches('\'').trim();
    let digits: String = v.chars().take_while(|c| c.is_ascii_digit()).collect();
    !(v.is_empty() || v.eq_ignore_ascii_case("default") || digits.parse::<u64>() == Ok(0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Location;

    /// Replays `setup` (tables that exist before the migration), then
    /// classifies `migration`; returns each statement's classification and
    /// the context before it.
    pub(crate) fn classify_script(
        setup: &[&str],
        migration: &[&str],
        wrapped: bool,
        pg: u32,
    ) -> Vec<(Classification, Context)> {
        let loc = Location::file("t.sql");
        let mut replay = Replay::new(vec!["public".to_owned()]);
        for s in setup {
            let stmt = crate::sql::parse_statement(s).expect("setup parses");
            replay.apply(&stmt, &loc);
        }
        let mut classifier = Classifier::new(pg, wrapped);
        let mut out = Vec::new();
        for (i, s) in migration.iter().enumerate() {
            let stmt = crate::sql::parse_statement(s).expect("statement parses");
            let before = classifier.before(&stmt, &replay);
            let effect = replay.apply(&stmt, &loc);
            let c = classifier.classify(&stmt, before, &effect.changes, &replay);
            let context = classifier.context.clone();
            classifier.advance(i, &stmt, &c.hazards, &effect.changes, &replay);
            out.push((c, context));
        }
        out
    }

    #[test]
    fn set_local_lock_timeout_lapses_with_the_transaction() {
        let run = classify_script(
            &[],
            &[
                "BEGIN",
                "SET LOCAL lock_timeout = '2s'",
                "SELECT 1",
                "COMMIT",
                "SELECT 1",
                "SET lock_timeout = '2s'",
                "BEGIN",
                "SET LOCAL lock_timeout = 0",
                "COMMIT",
                "SELECT 1",
                "SET LOCAL lock_timeout = 0",
                "SELECT 1",
            ],
            false,
            15,
        );
        let on: Vec<bool> = run.iter().map(|(_, c)| c.lock_timeout).collect();
        assert_eq!(
            on,
            [
                false, false, true, true, false, false, true, true, false, true, true, true
            ]
        );
    }

    #[test]
    fn adding_a_column_of_a_constrained_domain_rewrites_the_table() {
        let setup = [
            "CREATE TABLE t (a int)",
            "CREATE DOMAIN plain AS int",
            "CREATE DOMAIN positive AS int CHECK (VALUE > 0)",
            "CREATE DOMAIN small_positive AS positive",
            "CREATE DOMAIN required AS text NOT NULL",
        ];
        let rewrite = |sql: &str| {
            classify_script(&setup, &[sql], true, 15)[0]
                .0
                .hazards
                .rewrite
        };
        assert_eq!(rewrite("ALTER TABLE t ADD COLUMN b plain"), None);
        assert_eq!(rewrite("ALTER TABLE t ADD COLUMN b plain[]"), None);
        for ty in ["positive", "small_positive", "required"] {
            assert_eq!(
                rewrite(&format!("ALTER TABLE t ADD COLUMN b {ty}")),
                Some(Rewrite::Table),
                "{ty}"
            );
        }
    }

    #[test]
    fn cluster_of_every_table_refuses_a_transaction_block() {
        let no_tx = |sql: &str| {
            classify_script(&["CREATE TABLE t (a int PRIMARY KEY)"], &[sql], true, 15)[0]
                .0
                .hazards
                .no_transaction
        };
        assert!(no_tx("CLUSTER"));
        assert!(!no_tx("CLUSTER t USING t_pkey"));
    }

    #[test]
    fn validating_a_domain_constraint_blocks_writes_before_postgresql_19() {
        let setup = [
            "CREATE DOMAIN positive AS int",
            "CREATE TABLE t (a positive)",
            "ALTER DOMAIN positive ADD CONSTRAINT positive_check CHECK (VALUE > 0) NOT VALID",
        ];
        let mode = |pg: u32| {
            classify_script(
                &setup,
                &["ALTER DOMAIN positive VALIDATE CONSTRAINT positive_check"],
                true,
                pg,
            )[0]
            .0
            .hazards
            .strongest()
            .map(|l| l.mode)
        };
        assert_eq!(mode(18), Some(LockMode::Share));
        assert_eq!(mode(19), Some(LockMode::ShareUpdateExclusive));
    }

    #[test]
    fn a_sequence_created_in_the_migration_is_new() {
        let run = classify_script(
            &[],
            &["CREATE SEQUENCE tmp_numbers", "DROP SEQUENCE tmp_numbers"],
            true,
            15,
        );
        let locks = &run[1].0.hazards.locks;
        assert_eq!(locks.len(), 1);
        assert!(locks[0].new, "{locks:?}");
    }

    #[test]
    fn held_since_names_the_statement_that_took_the_held_lock() {
        let run = classify_script(
            &["CREATE TABLE t (a int)"],
            &[
                "UPDATE t SET a = 1",
                "ALTER TABLE t ADD COLUMN b int",
                "ALTER TABLE t ADD COLUMN c int",
                "SELECT 1",
            ],
            true,
            15,
        );
        let last = &run[3].1;
        let t = ObjectName::new("public", "t");
        assert_eq!(last.held.get(&t), Some(&LockMode::AccessExclusive));
        // The UPDATE took only ROW EXCLUSIVE; the first ALTER took the
        // ACCESS EXCLUSIVE lock that is held, the second re-took it.
        assert_eq!(last.held_since.get(&t), Some(&1));
        assert_eq!(last.held_access_exclusive(), vec![(&t, 1)]);
    }

    #[test]
    fn creating_a_table_with_keys_is_expand() {
        let (catalog, _) =
            crate::history::replay_sql("x.sql", "CREATE TABLE users (id bigint PRIMARY KEY);");
        let mut replay = Replay::new(vec!["public".to_owned()]);
        replay.catalog = catalog;
        let sql = "CREATE TABLE follows (id serial PRIMARY KEY, user_id bigint REFERENCES users, UNIQUE (user_id));";
        let script = crate::source::Script::whole("y.sql".into(), std::sync::Arc::from(sql));
        let parsed = crate::sql::parse_script(&script);
        let classifier = Classifier::new(15, true);
        for st in &parsed.statements {
            if let crate::sql::StatementKind::Parsed(stmt) = &st.kind {
                let before = classifier.before(stmt, &replay);
                let effect = replay.apply(stmt, &st.location);
                let c = classifier.classify(stmt, before, &effect.changes, &replay);
                assert_eq!(c.compatibility, Compatibility::Expand, "{c:?}");
            }
        }
    }

    #[test]
    fn a_body_must_name_the_table_too() {
        let (catalog, _) = crate::history::replay_sql(
            "x.sql",
            "CREATE TABLE users (id bigint, email text);
             CREATE TABLE orders (id bigint);
             CREATE FUNCTION f() RETURNS void LANGUAGE sql AS $$ UPDATE orders SET id = 1 $$;
             CREATE FUNCTION g() RETURNS bigint LANGUAGE sql AS $$ SELECT id FROM users $$;",
        );
        let mut replay = Replay::new(vec!["public".to_owned()]);
        replay.catalog = catalog;
        let sql = "ALTER TABLE users DROP COLUMN id;";
        let script = crate::source::Script::whole("y.sql".into(), std::sync::Arc::from(sql));
        let parsed = crate::sql::parse_script(&script);
        let classifier = Classifier::new(15, true);
        let crate::sql::StatementKind::Parsed(stmt) = &parsed.statements[0].kind else {
            return;
        };
        let before = classifier.before(stmt, &replay);
        let impact: Vec<String> = before
            .impact
            .iter()
            .flat_map(|(_, i)| i.iter().map(|i| i.object.clone()))
            .collect();
        assert!(
            impact.iter().any(|i| i.starts_with("function public.g")),
            "{impact:?}"
        );
        assert!(
            !impact.iter().any(|i| i.starts_with("function public.f")),
            "{impact:?}"
        );
    }

    #[test]
    fn lock_modes_parse_every_spelling() {
        for m in [
            LockMode::AccessShare,
            LockMode::RowShare,
            LockMode::RowExclusive,
            LockMode::ShareUpdateExclusive,
            LockMode::Share,
            LockMode::ShareRowExclusive,
            LockMode::Exclusive,
            LockMode::AccessExclusive,
        ] {
            assert_eq!(LockMode::parse(m.sql()), Some(m));
            assert_eq!(LockMode::parse(m.pg_name()), Some(m));
        }
        assert_eq!(LockMode::parse("nonsense"), None);
    }

    #[test]
    fn set_timezone_tells_whether_the_session_is_on_utc() {
        let replay = Replay::new(vec!["public".to_owned()]);
        let mut c = Classifier::new(15, true);
        for (sql, utc) in [
            ("SET timezone = 'UTC'", true),
            ("SET TIME ZONE 'Europe/Paris'", false),
            ("SET LOCAL timezone TO 'Etc/UTC'", true),
            ("RESET timezone", false),
        ] {
            let Ok(stmt) = crate::sql::parse_statement(sql) else {
                panic!("{sql} parses");
            };
            c.advance(0, &stmt, &Hazards::default(), &[], &replay);
            assert_eq!(c.context.utc, utc, "{sql}");
        }
    }

    #[test]
    fn lock_timeout_values() {
        assert!(timeout_is_set("'5s'"));
        assert!(timeout_is_set("1000"));
        assert!(!timeout_is_set("0"));
        assert!(!timeout_is_set("'0'"));
        assert!(!timeout_is_set("DEFAULT"));
    }
}
