//! ## What it does
//! Flags `CREATE INDEX` without `CONCURRENTLY` on a table that existed
//! before the migration.
//!
//! ## Why is this bad?
//! A plain index build takes a SHARE lock on the table for as long as the
//! build runs: every INSERT, UPDATE and DELETE waits behind it. On a large
//! table that is minutes of failed or queued writes.
//!
//! ## Example
//! ```sql
//! CREATE INDEX users_email_idx ON users (email);
//! ```
//!
//! ## Use instead
//! Build it with `CONCURRENTLY`, in a migration that does not run inside a
//! transaction block:
//!
//! ```sql
//! CREATE INDEX CONCURRENTLY users_email_idx ON users (email);
//! ```
//!
//! ## References
//! - <https://www.postgresql.org/docs/current/sql-createindex.html#SQL-CREATEINDEX-CONCURRENTLY>
//! - squawk: `require-concurrent-index-creation`; eugene: `E6`

use super::{Check, Rule, StatementInput, Violation};
use crate::diagnostic::Severity;
use crate::sql::ir::Stmt;

pub static RULE: Rule = Rule {
    name: "creating-index-non-concurrently",
    severity: Severity::Error,
    source: include_str!("creating_index_non_concurrently.rs"),
    check: Check::Statement(check),
};

fn check(input: &StatementInput) -> Vec<Violation> {
    let Stmt::CreateIndex(ci) = input.stmt else {
        return Vec::new();
    };
    if ci.concurrently {
        return Vec::new();
    }
    let Some(lock) = input.classification.hazards.strongest() else {
        return Vec::new();
    };
    let name = ci.name.as_deref().unwrap_or("the index");
    let unique = if ci.unique { "UNIQUE " } else { "" };
    vec![
        Violation::new(format!(
            "building index {name} takes a {} lock on {} for the whole build, blocking {}",
            lock.mode,
            lock.table,
            lock.mode.blocks()
        ))
        .help(format!(
            "use `CREATE {unique}INDEX CONCURRENTLY` outside a transaction block"
        )),
    ]
}
