//! ## What it does
//! Flags an `UPDATE`, `DELETE`, `MERGE` or `INSERT ... SELECT` on a table
//! that existed before the migration when it runs in the same transaction
//! as a lock that blocks writes (SHARE or stronger) on an existing table:
//! a backfill inside a schema migration.
//!
//! ## Why is this bad?
//! A backfill touches many rows and takes as long as the table is large.
//! In the schema change's transaction, the schema lock is held for the
//! whole backfill (blocking the table's writes, or its reads too for
//! ACCESS EXCLUSIVE), and every row the backfill changed stays locked
//! until the whole migration commits, blocking the application's updates
//! of those rows.
//!
//! ## Example
//! ```sql
//! BEGIN;
//! ALTER TABLE users ADD COLUMN nickname text;
//! UPDATE users SET nickname = name;
//! COMMIT;
//! ```
//!
//! ## Use instead
//! Change the schema in one migration; backfill in another that runs
//! outside a transaction, in batches that each commit on their own:
//!
//! ```sql
//! UPDATE users SET nickname = name WHERE id BETWEEN 1 AND 10000 AND nickname IS NULL;
//! ```
//!
//! ## References
//! - <https://www.postgresql.org/docs/current/explicit-locking.html#LOCKING-ROWS>
//! - strong_migrations: "Backfilling data"

use super::{Check, MigrationInput, Rule, StatementRecord, Violation, a_lock};
use crate::classify::TableLock;
use crate::diagnostic::Severity;
use crate::sql::ir::Stmt;

pub static RULE: Rule = Rule {
    name: "backfill-in-schema-migration",
    severity: Severity::Warning,
    source: include_str!("backfill_in_schema_migration.rs"),
    check: Check::Migration(check),
};

fn check(input: &MigrationInput) -> Vec<Violation> {
    let tx = input.transactions();
    let mut out = Vec::new();
    for (i, r) in input.statements.iter().enumerate() {
        if !r.in_transaction {
            continue;
        }
        let Some((verb, target)) = backfill(r) else {
            continue;
        };
        // The nearest statement of the same transaction with such a lock,
        // and its strongest lock (of equals, the statement's own table).
        let lock = |j: usize| -> Option<(&StatementRecord, &TableLock)> {
            let other = &input.statements[j];
            other
                .classification
                .hazards
                .locks
                .iter()
                .rev()
                .filter(|l| !l.new && l.mode.blocks_writes())
                .max_by_key(|l| l.mode)
                .map(|l| (other, l))
        };
        let same = |j: &usize| tx[*j] == tx[i] && *j != i;
        let before = (0..i).rev().filter(same).find_map(lock);
        let after = (i + 1..input.statements.len()).filter(same).find_map(lock);
        let message = match (before, after) {
            (Some((other, l)), _) => format!(
                "this {verb} of {target} runs in the transaction that took {} on {} at line {}: {} stays blocked ({}) for the whole backfill, and the changed rows stay locked until the migration commits",
                a_lock(l.mode),
                l.table,
                other.location.line,
                l.table,
                l.mode.blocks()
            ),
            (None, Some((other, l))) => format!(
                "this {verb} of {target} runs in the transaction that then takes {} on {} at line {}: every row it changed stays locked until the migration commits, including while that lock is waited for and held",
                a_lock(l.mode),
                l.table,
                other.location.line
            ),
            (None, None) => continue,
        };
        out.push(
            Violation::new(message)
                .help(format!(
                    "move the backfill of {target} to a migration of its own that runs outside a transaction, in batches that each commit on their own"
                ))
                .at(r.location.clone()),
        );
    }
    out
}

/// The statement's verb and target when it changes rows of an existing
/// table in bulk.
fn backfill(r: &StatementRecord) -> Option<(&str, String)> {
    let Stmt::Dml(d) = &r.stmt else {
        return None;
    };
    let target = d.target.as_ref()?;
    let bulk = match d.verb.as_str() {
        "UPDATE" | "DELETE" | "MERGE" => true,
        // INSERT ... VALUES adds the rows it lists; INSERT ... SELECT FROM
        // copies a table.
        "INSERT" => d.relations.iter().any(|rel| rel != target),
        _ => false,
    };
    if !bulk {
        return None;
    }
    let lock = r
        .classification
        .hazards
        .locks
        .iter()
        .find(|l| l.table.name == target.name && !l.new)?;
    Some((d.verb.as_str(), lock.table.to_string()))
}
