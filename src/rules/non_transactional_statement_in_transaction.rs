//! ## What it does
//! Flags a statement PostgreSQL refuses to run inside a transaction block
//! (`CREATE INDEX CONCURRENTLY`, `DROP INDEX CONCURRENTLY`, `REINDEX ...
//! CONCURRENTLY`, `DETACH PARTITION ... CONCURRENTLY`, `VACUUM`, `CREATE
//! DATABASE`, and `ALTER TYPE ... ADD VALUE` before PostgreSQL 12) when the
//! migration runs it inside one: the framework's transaction, or an explicit
//! `BEGIN`.
//!
//! ## Why is this bad?
//! PostgreSQL rejects the statement (`ERROR: CREATE INDEX CONCURRENTLY
//! cannot run inside a transaction block`): the migration fails at deploy
//! time, and the statements before it in the same transaction are rolled
//! back.
//!
//! ## Example
//! A migration that the framework wraps in a transaction:
//!
//! ```sql
//! CREATE INDEX CONCURRENTLY users_email_idx ON users (email);
//! ```
//!
//! ## Use instead
//! Turn the framework's transaction off for this migration, and keep the
//! statement in a migration of its own: diesel `run_in_transaction = false`
//! in `metadata.toml`; sqlx `-- no-transaction` as the first line; goose
//! `-- +goose NO TRANSACTION`; dbmate `-- migrate:up transaction:false`;
//! sql-migrate `-- +migrate Up notransaction`; Flyway
//! `executeInTransaction=false` in the script's `.conf`. golang-migrate
//! sends a file as one query, which PostgreSQL runs as one transaction when
//! it holds several statements: give the statement a file of its own. Move
//! it out of an explicit `BEGIN ... COMMIT` block.
//!
//! ```sql
//! -- no-transaction
//! CREATE INDEX CONCURRENTLY users_email_idx ON users (email);
//! ```
//!
//! ## References
//! - <https://www.postgresql.org/docs/current/sql-createindex.html#SQL-CREATEINDEX-CONCURRENTLY>
//! - <https://www.postgresql.org/docs/11/sql-altertype.html> (ADD VALUE)
//! - squawk: `ban-concurrent-index-creation-in-transaction`

use super::{Check, MigrationInput, Rule, Violation, no_transaction_switch};
use crate::diagnostic::Severity;
use crate::source::Layout;
use crate::sql::ir::{AlterTableOp, Stmt, TransactionStmt};

pub static RULE: Rule = Rule {
    name: "non-transactional-statement-in-transaction",
    severity: Severity::Error,
    source: include_str!("non_transactional_statement_in_transaction.rs"),
    check: Check::Migration(check),
};

fn check(input: &MigrationInput) -> Vec<Violation> {
    // golang-migrate sends the file as one query: PostgreSQL runs a lone
    // statement outside any transaction block, several in an implicit one.
    let implicit = input.layout == Layout::GolangMigrate;
    if implicit && input.statements.len() < 2 {
        return Vec::new();
    }
    let mut explicit = false;
    let mut out = Vec::new();
    for r in input.statements {
        match &r.stmt {
            // Inside a framework's transaction a BEGIN only warns; in
            // golang-migrate's implicit one it makes it explicit.
            Stmt::Transaction(TransactionStmt::Begin) => explicit |= !r.in_transaction || implicit,
            Stmt::Transaction(TransactionStmt::Commit | TransactionStmt::Rollback) => {
                explicit = false
            }
            _ => {}
        }
        if !(r.classification.hazards.no_transaction && r.in_transaction) {
            continue;
        }
        let what = describe(&r.stmt, input.pg_version);
        let (who, help) = if input.migration.transaction && !explicit {
            if implicit {
                (
                    "golang-migrate sends this file as one query of several statements, which PostgreSQL runs as one transaction".to_owned(),
                    "move the statement to a migration file of its own: PostgreSQL runs a query of a single statement outside any transaction block".to_owned(),
                )
            } else {
                (
                    "the framework runs this migration inside a transaction".to_owned(),
                    format!(
                        "run this statement in a migration of its own, outside a transaction: {}",
                        no_transaction_switch(input.layout, input.migration)
                    ),
                )
            }
        } else {
            (
                "an earlier BEGIN opened one".to_owned(),
                "move the statement out of the BEGIN ... COMMIT block".to_owned(),
            )
        };
        out.push(
            Violation::new(format!(
                "PostgreSQL refuses {what} inside a transaction block and {who}: the migration fails here"
            ))
            .help(help)
            .at(r.location.clone()),
        );
    }
    out
}

/// The statement's kind, as PostgreSQL's error message names it.
fn describe(stmt: &Stmt, pg: u32) -> String {
    match stmt {
        Stmt::CreateIndex(_) => "CREATE INDEX CONCURRENTLY".to_owned(),
        Stmt::DropIndex { .. } => "DROP INDEX CONCURRENTLY".to_owned(),
        Stmt::Reindex {
            target,
            concurrently,
            ..
        } => {
            let target = target.to_ascii_uppercase();
            if *concurrently {
                format!("REINDEX {target} CONCURRENTLY")
            } else {
                format!("REINDEX {target}")
            }
        }
        Stmt::AlterTable(at)
            if at
                .ops
                .iter()
                .any(|op| matches!(op, AlterTableOp::DetachPartition { .. })) =>
        {
            "DETACH PARTITION CONCURRENTLY".to_owned()
        }
        Stmt::AlterType(_) => format!("ALTER TYPE ... ADD VALUE on PostgreSQL {pg}"),
        Stmt::Other { what, .. } => what.clone(),
        _ => "this statement".to_owned(),
    }
}
