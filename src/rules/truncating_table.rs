//! ## What it does
//! Flags `TRUNCATE` of a table that existed before the migration.
//!
//! ## Why is this bad?
//! Every row of the table is deleted for good: a rollback of the deploy or
//! a down script cannot bring them back. TRUNCATE also takes an ACCESS
//! EXCLUSIVE lock, so all reads and writes of the table wait behind it, and
//! the running (blue) application suddenly finds the table empty.
//!
//! ## Example
//! ```sql
//! TRUNCATE audit_log;
//! ```
//!
//! ## Use instead
//! If the rows really must go, delete them in batches in a data migration
//! (`DELETE ... WHERE id < ...`), which takes only row locks, or empty the
//! table by hand once no deployed code needs its rows.
//!
//! ## References
//! - <https://www.postgresql.org/docs/current/sql-truncate.html>

use super::{Check, Rule, StatementInput, Violation};
use crate::diagnostic::Severity;
use crate::sql::ir::Stmt;

pub static RULE: Rule = Rule {
    name: "truncating-table",
    severity: Severity::Error,
    source: include_str!("truncating_table.rs"),
    check: Check::Statement(check),
};

fn check(input: &StatementInput) -> Vec<Violation> {
    let Stmt::Truncate { .. } = input.stmt else {
        return Vec::new();
    };
    // The lock list holds every table the statement empties, the tables a
    // CASCADE reaches included.
    input
        .classification
        .hazards
        .locks
        .iter()
        .filter(|l| !l.new)
        .map(|l| {
            let table = &l.table;
            Violation::new(format!(
                "truncating {table} deletes all its rows for good and takes an {} lock, blocking {} until the transaction ends; running code finds it empty",
                l.mode,
                l.mode.blocks()
            ))
            .help(format!(
                "if the rows of {table} must go, delete them in batches (`DELETE FROM {table} WHERE ...`) in a data migration, or empty it by hand once no deployed code needs them"
            ))
        })
        .collect()
}
