//! ## What it does
//! Reports a migration the branch adds whose version sorts before the newest
//! migration on the branch it merges into, and says what the framework does
//! with it (`turquoise conflicts`, `turquoise check`).
//!
//! ## Why is this bad?
//! Databases that already ran the newer migration meet this one late.
//! golang-migrate keeps only the newest version and never runs it, without
//! a word; goose and Flyway refuse to migrate until told `-allow-missing` or
//! `outOfOrder`; diesel, dbmate and sqlx run it after the newer ones, while
//! a fresh database runs it before them: two orders, two schemas when the
//! changes do not commute.
//!
//! ## Example
//! `main`'s newest migration is `20240110000000_drop_legacy`; the branch,
//! started earlier, adds `20240105000000_add_index.up.sql`:
//! ```sql
//! CREATE INDEX CONCURRENTLY users_email ON users (email);
//! ```
//!
//! ## Use instead
//! Rename it to the next free version after `main`'s newest,
//! `20240110000001_add_index.up.sql`: `turquoise conflicts --base main
//! --fix` does it.
//!
//! ## References
//! - `docs/conflicts.md`
//! - goose on out-of-order migrations: <https://pressly.github.io/goose/blog/2021/out-of-order-migrations/>
//! - Flyway's `outOfOrder` setting, off by default.

use super::{Check, Rule};
use crate::diagnostic::Severity;

/// Reported by `crate::conflict`.
pub static RULE: Rule = Rule {
    name: "out-of-order",
    severity: Severity::Error,
    source: include_str!("out_of_order.rs"),
    check: Check::Conflict,
};
