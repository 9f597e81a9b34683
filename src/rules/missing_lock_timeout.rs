//! ## What it does
//! Flags the first statement of a migration that takes a lock blocking
//! writes (SHARE or stronger) on a table that existed before the
//! migration, when no `lock_timeout` was set earlier in the migration. It
//! reports once per migration.
//!
//! ## Why is this bad?
//! A lock request waits behind every transaction that holds a conflicting
//! lock: a long query, a forgotten open transaction, an autovacuum. While
//! it waits, every new query on the table queues behind it, reads included
//! for ACCESS EXCLUSIVE. A statement that takes a millisecond can so stall
//! all traffic to the table for as long as the longest transaction runs.
//!
//! ## Example
//! ```sql
//! ALTER TABLE users ADD COLUMN nickname text;
//! ```
//!
//! ## Use instead
//! Set a `lock_timeout` at the top of the migration: the statement gives up
//! instead of stalling traffic, and the migration can be retried.
//!
//! ```sql
//! SET lock_timeout = '2s';
//! ALTER TABLE users ADD COLUMN nickname text;
//! ```
//!
//! ## References
//! - <https://www.postgresql.org/docs/current/runtime-config-client.html#GUC-LOCK-TIMEOUT>
//! - squawk: `require-timeout-settings`; eugene: `E9`

use super::{Check, MigrationInput, Rule, Violation, a_lock};
use crate::diagnostic::Severity;

pub static RULE: Rule = Rule {
    name: "missing-lock-timeout",
    severity: Severity::Warning,
    source: include_str!("missing_lock_timeout.rs"),
    check: Check::Migration(check),
};

fn check(input: &MigrationInput) -> Vec<Violation> {
    let mut blocking = input.statements.iter().filter_map(|r| {
        // The strongest lock; of equals, the first (the statement's own table).
        let lock = r
            .classification
            .hazards
            .locks
            .iter()
            .rev()
            .filter(|l| !l.new && l.mode.blocks_writes())
            .max_by_key(|l| l.mode)?;
        (!r.lock_timeout).then_some((r, lock))
    });
    let Some((first, lock)) = blocking.next() else {
        return Vec::new();
    };
    let more = blocking.count();
    let more = match more {
        0 => String::new(),
        1 => " (and 1 more statement of this migration)".to_owned(),
        n => format!(" (and {n} more statements of this migration)"),
    };
    vec![
        Violation::new(format!(
            "this statement waits for {} on {} with no lock_timeout set{more}: behind a long transaction it waits indefinitely, and {} on {} queue behind it meanwhile",
            a_lock(lock.mode),
            lock.table,
            lock.mode.blocks(),
            lock.table
        ))
        .help(
            "start the migration with `SET lock_timeout = '2s';` so a blocked statement fails instead of stalling traffic, and retry the migration",
        )
        .at(first.location.clone()),
    ]
}
