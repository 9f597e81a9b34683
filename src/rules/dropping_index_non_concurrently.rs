//! ## What it does
//! Flags `DROP INDEX` without `CONCURRENTLY` of an index on a table that
//! existed before the migration.
//!
//! ## Why is this bad?
//! A plain `DROP INDEX` takes an ACCESS EXCLUSIVE lock on the index's
//! table: every query on the table, reads included, waits until the
//! transaction ends. The drop itself is quick, but it first waits behind
//! every open transaction that touched the table, and all new queries queue
//! behind it meanwhile.
//!
//! ## Example
//! ```sql
//! DROP INDEX users_email_idx;
//! ```
//!
//! ## Use instead
//! Drop it with `CONCURRENTLY` (one index per statement, without
//! `CASCADE`), in a migration that does not run inside a transaction block:
//!
//! ```sql
//! DROP INDEX CONCURRENTLY users_email_idx;
//! ```
//!
//! ## References
//! - <https://www.postgresql.org/docs/current/sql-dropindex.html>
//! - squawk: `require-concurrent-index-deletion`

use super::{Check, Rule, StatementInput, Violation, join};
use crate::diagnostic::Severity;
use crate::sql::ir::Stmt;

pub static RULE: Rule = Rule {
    name: "dropping-index-non-concurrently",
    severity: Severity::Warning,
    source: include_str!("dropping_index_non_concurrently.rs"),
    check: Check::Statement(check),
};

fn check(input: &StatementInput) -> Vec<Violation> {
    let Stmt::DropIndex {
        names,
        if_exists,
        concurrently: false,
        ..
    } = input.stmt
    else {
        return Vec::new();
    };
    let tables: Vec<String> = input
        .classification
        .hazards
        .locks
        .iter()
        .filter(|l| !l.new)
        .map(|l| l.table.to_string())
        .collect();
    if tables.is_empty() {
        return Vec::new();
    }
    let indexes = join(names.iter().map(ToString::to_string));
    let indexes = if names.len() == 1 {
        format!("index {indexes}")
    } else {
        format!("indexes {indexes}")
    };
    let if_exists = if *if_exists { "IF EXISTS " } else { "" };
    let statements = join(
        names
            .iter()
            .map(|n| format!("`DROP INDEX CONCURRENTLY {if_exists}{n};`")),
    );
    vec![
        Violation::new(format!(
            "dropping {indexes} takes an ACCESS EXCLUSIVE lock on {}, which blocks all reads and writes until the transaction ends",
            join(tables)
        ))
        .help(format!(
            "use {statements} outside a transaction block"
        )),
    ]
}
