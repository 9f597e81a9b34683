//! ## What it does
//! Flags `REINDEX` without `CONCURRENTLY` of indexes on tables that existed
//! before the migration, when the target PostgreSQL (12 or later) offers
//! `REINDEX CONCURRENTLY`.
//!
//! ## Why is this bad?
//! A plain `REINDEX` takes a SHARE lock on each table whose indexes it
//! rebuilds, blocking every INSERT, UPDATE and DELETE for the whole
//! rebuild, and an ACCESS EXCLUSIVE lock on each index, blocking the reads
//! that would use it. On a large table that is minutes of stalled traffic.
//!
//! ## Example
//! ```sql
//! REINDEX INDEX users_email_idx;
//! ```
//!
//! ## Use instead
//! Rebuild it with `CONCURRENTLY`, in a migration that does not run inside
//! a transaction block:
//!
//! ```sql
//! REINDEX INDEX CONCURRENTLY users_email_idx;
//! ```
//!
//! ## References
//! - <https://www.postgresql.org/docs/current/sql-reindex.html#SQL-REINDEX-CONCURRENTLY>
//! - squawk: `require-concurrent-reindex`

use super::{Check, Rule, StatementInput, Violation};
use crate::diagnostic::Severity;
use crate::sql::ir::Stmt;

pub static RULE: Rule = Rule {
    name: "reindex-non-concurrently",
    severity: Severity::Warning,
    source: include_str!("reindex_non_concurrently.rs"),
    check: Check::Statement(check),
};

fn check(input: &StatementInput) -> Vec<Violation> {
    let Stmt::Reindex {
        target,
        name,
        concurrently: false,
    } = input.stmt
    else {
        return Vec::new();
    };
    if input.pg_version < 12 {
        return Vec::new();
    }
    let target = target.to_ascii_uppercase();
    // `REINDEX DATABASE` may leave the (current) database unnamed.
    let named = if name.name.is_empty() {
        String::new()
    } else {
        format!(" {name}")
    };
    let what = match target.as_str() {
        "INDEX" | "TABLE" => {
            let Some(lock) = input.classification.hazards.strongest() else {
                return Vec::new();
            };
            let (what, each) = if target == "INDEX" {
                (format!("index {name}"), "the index")
            } else {
                (format!("every index of {name}"), "each index in turn")
            };
            format!(
                "rebuilding {what} takes a SHARE lock on {}, blocking writes (INSERT, UPDATE, DELETE), and an ACCESS EXCLUSIVE lock on {each}, blocking the reads that use it, for the whole rebuild",
                lock.table
            )
        }
        "SCHEMA" | "DATABASE" => {
            // Without a table list, look for any table that existed before
            // the migration in the schema (or anywhere, for DATABASE).
            let catalog = &input.replay.catalog;
            let existing = catalog.tables.values().any(|t| {
                (target == "DATABASE" || t.name.schema == name.name)
                    && !input.context.created.contains(&t.oid)
            });
            if !existing {
                return Vec::new();
            }
            format!(
                "rebuilding every index in the {}{named} takes a SHARE lock on each table in turn, blocking its writes (INSERT, UPDATE, DELETE) while its indexes are rebuilt",
                target.to_ascii_lowercase()
            )
        }
        // REINDEX SYSTEM has no concurrent form.
        _ => return Vec::new(),
    };
    vec![Violation::new(what).help(format!(
        "use `REINDEX {target} CONCURRENTLY{named};` outside a transaction block"
    ))]
}
