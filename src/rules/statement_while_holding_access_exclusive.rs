//! ## What it does
//! Flags a statement that does real work (scans or rewrites a table,
//! changes rows of an existing table in bulk, or waits for a lock on
//! another existing table) while the open transaction already holds an
//! ACCESS EXCLUSIVE lock, taken by an earlier statement, on a table that
//! existed before the migration. It reports each held lock once, at the
//! first such statement.
//!
//! ## Why is this bad?
//! An ACCESS EXCLUSIVE lock blocks every query on the table, reads
//! included, until the transaction ends. Whatever runs after it in the same
//! transaction adds to that time: a backfill, an index build, or the wait
//! for a lock on another table that some long transaction holds.
//!
//! ## Example
//! ```sql
//! BEGIN;
//! ALTER TABLE users ADD COLUMN nickname text;
//! CREATE INDEX users_email_idx ON users (email);
//! COMMIT;
//! ```
//!
//! ## Use instead
//! Take the ACCESS EXCLUSIVE lock last, just before the commit, or commit
//! before the slow statement (a separate migration):
//!
//! ```sql
//! CREATE INDEX CONCURRENTLY users_email_idx ON users (email);
//! -- in a separate migration:
//! ALTER TABLE users ADD COLUMN nickname text;
//! ```
//!
//! ## References
//! - <https://www.postgresql.org/docs/current/explicit-locking.html#LOCKING-TABLES>
//! - eugene: `E4` (running more statements after taking an ACCESS EXCLUSIVE lock)

use super::{Check, MigrationInput, Rule, StatementRecord, Violation, a_lock, join};
use crate::classify::{LockMode, Rewrite};
use crate::diagnostic::Severity;
use crate::model::catalog::ObjectName;
use crate::sql::ir::Stmt;
use std::collections::HashSet;

pub static RULE: Rule = Rule {
    name: "statement-while-holding-access-exclusive",
    severity: Severity::Warning,
    source: include_str!("statement_while_holding_access_exclusive.rs"),
    check: Check::Migration(check),
};

fn check(input: &MigrationInput) -> Vec<Violation> {
    // Each held lock is reported once: by its table and the statement
    // that took it.
    let mut reported: HashSet<(ObjectName, usize)> = HashSet::new();
    let mut out = Vec::new();
    for r in input.statements {
        let locks = &r.classification.hazards.locks;
        // A held table the statement itself locks ACCESS EXCLUSIVE would be
        // blocked by the statement anyway: holding it adds nothing.
        let held: Vec<&(ObjectName, LockMode, usize)> = r
            .held
            .iter()
            .filter(|(t, m, i)| {
                *m == LockMode::AccessExclusive
                    && !reported.contains(&(t.clone(), *i))
                    && !locks
                        .iter()
                        .any(|l| &l.table == t && l.mode == LockMode::AccessExclusive)
            })
            .collect();
        if held.is_empty() {
            continue;
        }
        let Some(work) = work(r) else {
            continue;
        };
        let tables = join(held.iter().map(|(t, _, i)| {
            let taken = input.statements.iter().find(|s| s.index == *i).map_or_else(
                || format!("statement {}", i + 1),
                |s| format!("line {}", s.location.line),
            );
            format!("{t} (taken at {taken})")
        }));
        let them = if held.len() == 1 { "it" } else { "them" };
        reported.extend(held.iter().map(|(t, _, i)| (t.clone(), *i)));
        out.push(
            Violation::new(format!(
                "this statement {work} while the transaction holds an ACCESS EXCLUSIVE lock on {tables}: every query on {them} waits meanwhile, reads included"
            ))
            .help(
                "take the ACCESS EXCLUSIVE lock last, just before COMMIT, or commit before this statement (move it to a separate migration)",
            )
            .at(r.location.clone()),
        );
    }
    out
}

/// What the statement does that lengthens the time the lock is held.
fn work(r: &StatementRecord) -> Option<String> {
    let h = &r.classification.hazards;
    let existing = || h.locks.iter().filter(|l| !l.new);
    if let Some(rewrite) = h.rewrite {
        let table = h
            .strongest()
            .map(|l| l.table.to_string())
            .unwrap_or_default();
        return Some(match rewrite {
            Rewrite::Table => format!("rewrites {table}"),
            Rewrite::Index => format!("builds an index on {table}"),
        });
    }
    if h.scan {
        let table = h
            .strongest()
            .map(|l| l.table.to_string())
            .unwrap_or_default();
        return Some(format!("scans {table}"));
    }
    if let Stmt::Dml(d) = &r.stmt
        && let Some(target) = &d.target
        && let Some(l) = existing().find(|l| l.table.name == target.name)
        // INSERT ... VALUES adds the rows it lists: quick.
        && match d.verb.as_str() {
            "UPDATE" | "DELETE" | "MERGE" | "COPY" => true,
            "INSERT" => d.relations.iter().any(|rel| rel != target),
            _ => false,
        }
    {
        return Some(format!("changes rows of {}", l.table));
    }
    // Waits for a lock the transaction does not hold yet.
    let waits: Vec<String> = existing()
        .filter(|l| !r.held.iter().any(|(t, m, _)| *t == l.table && *m >= l.mode))
        .map(|l| format!("{} on {}", a_lock(l.mode), l.table))
        .collect();
    (!waits.is_empty()).then(|| format!("waits for {}", join(waits)))
}
