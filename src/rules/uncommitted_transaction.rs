//! ## What it does
//! Flags an explicit `BEGIN` that no `COMMIT` or `ROLLBACK` closes before
//! the end of a migration that the framework does not wrap in a
//! transaction of its own (or that golang-migrate sends as one query, whose
//! implicit transaction a `BEGIN` makes explicit).
//!
//! ## Why is this bad?
//! The script ends with the transaction still open. When the connection
//! closes, PostgreSQL rolls it back: every change after the `BEGIN` is
//! lost, while the runner may already have recorded the migration as
//! applied. On a connection that stays open, the runner's next statements
//! run inside the stray transaction, and its locks stay held.
//!
//! ## Example
//! ```sql
//! BEGIN;
//! ALTER TABLE users ADD COLUMN nickname text;
//! ```
//!
//! ## Use instead
//! ```sql
//! BEGIN;
//! ALTER TABLE users ADD COLUMN nickname text;
//! COMMIT;
//! ```
//!
//! ## References
//! - <https://www.postgresql.org/docs/current/sql-begin.html>
//! - squawk: `ban-uncommitted-transaction`

use super::{Check, MigrationInput, Rule, StatementRecord, Violation};
use crate::diagnostic::Severity;
use crate::source::Layout;
use crate::sql::ir::{Stmt, TransactionStmt};

pub static RULE: Rule = Rule {
    name: "uncommitted-transaction",
    severity: Severity::Error,
    source: include_str!("uncommitted_transaction.rs"),
    check: Check::Migration(check),
};

fn check(input: &MigrationInput) -> Vec<Violation> {
    // A framework's transaction ends with the framework's COMMIT, which
    // would close a transaction left open. golang-migrate sends no COMMIT:
    // its transaction is the implicit one of a multi-statement query, which
    // ends with the query unless a BEGIN made it explicit.
    if input.migration.transaction && input.layout != Layout::GolangMigrate {
        return Vec::new();
    }
    let implicit = input.layout == Layout::GolangMigrate;
    let mut open: Option<&StatementRecord> = None;
    for r in input.statements {
        match &r.stmt {
            Stmt::Transaction(TransactionStmt::Begin)
                if open.is_none() && (!r.in_transaction || implicit) =>
            {
                open = Some(r)
            }
            Stmt::Transaction(TransactionStmt::Commit | TransactionStmt::Rollback) => open = None,
            _ => {}
        }
    }
    open.map(|begin| {
        Violation::new(
            "this BEGIN is never committed: the migration ends with its transaction open, and PostgreSQL rolls every change after it back when the connection closes",
        )
        .help("end the transaction with `COMMIT;` at the end of the migration")
        .at(begin.location.clone())
    })
    .into_iter()
    .collect()
}
