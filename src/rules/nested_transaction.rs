//! ## What it does
//! Flags `BEGIN` (or `START TRANSACTION`) while a transaction is already
//! open: inside a migration the framework runs in a transaction, or after
//! an earlier `BEGIN` that was not committed.
//!
//! ## Why is this bad?
//! PostgreSQL does not nest transactions: the inner `BEGIN` only warns
//! (`there is already a transaction in progress`). The `COMMIT` that was
//! meant to close it commits the outer transaction instead, so the
//! statements after it run outside any transaction (each one commits on
//! its own, and a failure no longer rolls the migration back), and the
//! framework's own final `COMMIT` finds no transaction.
//!
//! ## Example
//! In a migration the framework wraps in a transaction:
//!
//! ```sql
//! BEGIN;
//! ALTER TABLE users ADD COLUMN nickname text;
//! COMMIT;
//! ```
//!
//! ## Use instead
//! Leave transaction control to the framework and drop `BEGIN` and
//! `COMMIT`; if the migration must control its transactions itself, turn
//! the framework's transaction off for it.
//!
//! ```sql
//! ALTER TABLE users ADD COLUMN nickname text;
//! ```
//!
//! ## References
//! - <https://www.postgresql.org/docs/current/sql-begin.html>
//! - squawk: `transaction-nesting`

use super::{Check, Rule, StatementInput, Violation, no_transaction_switch};
use crate::diagnostic::Severity;
use crate::source::Layout;
use crate::sql::ir::{Stmt, TransactionStmt};

pub static RULE: Rule = Rule {
    name: "nested-transaction",
    severity: Severity::Warning,
    source: include_str!("nested_transaction.rs"),
    check: Check::Statement(check),
};

fn check(input: &StatementInput) -> Vec<Violation> {
    if !(matches!(input.stmt, Stmt::Transaction(TransactionStmt::Begin))
        && input.context.in_transaction)
    {
        return Vec::new();
    }
    // Before any explicit BEGIN, the open transaction is the framework's.
    let framework = input.migration.transaction && !input.context.explicit;
    // golang-migrate sends the file as one query: PostgreSQL runs it in an
    // implicit transaction block, which a BEGIN turns into an explicit one
    // without a warning, and its COMMIT ends.
    if framework && input.layout == Layout::GolangMigrate {
        return Vec::new();
    }
    let (whose, help) = if framework {
        (
            "the framework already runs this migration in a transaction",
            format!(
                "remove this BEGIN and its COMMIT: the framework's transaction covers the migration (or turn that transaction off: {})",
                no_transaction_switch(input.layout, input.migration)
            ),
        )
    } else {
        (
            "an earlier BEGIN is still open",
            "COMMIT the open transaction before this BEGIN, or remove this BEGIN".to_owned(),
        )
    };
    vec![
        Violation::new(format!(
            "{whose}: this BEGIN does nothing but warn, and the next COMMIT ends the outer transaction, so what follows it runs without one"
        ))
        .help(help),
    ]
}
