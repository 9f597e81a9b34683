//! ## What it does
//! Reports migrations that the branch and the branch it merges into each
//! added since their merge base and that do not commute: replayed from the
//! shared history, base's new migrations then the branch's, and the
//! branch's then base's, one order has a statement PostgreSQL rejects (one
//! that succeeds when its own branch runs alone), or the two orders build
//! different schemas. The finding points at the failing statement and
//! carries a diff of the two schemas.
//!
//! ## Why is this bad?
//! Each branch passes CI alone, and the merge has no textual conflict, yet
//! the merged history fails on deploy: one branch drops a column the other
//! branch's new view reads, both add a column of the same name, both rename
//! one table. Which order a database sees depends on which branch reached
//! it first, so staging and production may end up with different schemas.
//!
//! ## Example
//! `main` adds:
//! ```sql
//! ALTER TABLE users DROP COLUMN email;
//! ```
//! while the branch adds:
//! ```sql
//! CREATE VIEW contacts AS SELECT id, email FROM users;
//! ```
//!
//! ## Use instead
//! No renumbering helps: one side must change. Rebase the branch onto
//! `main` and write its migration for the schema `main` now has:
//! ```sql
//! CREATE VIEW contacts AS SELECT id FROM users;
//! ```
//!
//! ## References
//! - `docs/conflicts.md`

use super::{Check, Rule};
use crate::diagnostic::Severity;

/// Reported by `crate::conflict`.
pub static RULE: Rule = Rule {
    name: "semantic-conflict",
    severity: Severity::Error,
    source: include_str!("semantic_conflict.rs"),
    check: Check::Conflict,
};
