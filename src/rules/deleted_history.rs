//! ## What it does
//! Reports a migration that both branches share (it is in their merge
//! base) and that one branch deleted. An error when the branch under check
//! deleted it, a warning when the branch it merges into did.
//!
//! ## Why is this bad?
//! Databases that ran it keep its changes; databases built after the
//! merge never get them. Frameworks that check their history (sqlx,
//! Flyway, golang-migrate for the current version) refuse to migrate
//! databases that ran a migration they no longer find.
//!
//! ## Example
//! The branch deletes `0004_add_nickname.sql`, which `main` and every
//! deployed database already have:
//! ```sql
//! ALTER TABLE users ADD COLUMN nickname text;
//! ```
//!
//! ## Use instead
//! Restore the file, and undo its change in a new migration:
//! ```sql
//! ALTER TABLE users DROP COLUMN nickname;
//! ```
//!
//! ## References
//! - `docs/conflicts.md`

use super::{Check, Rule};
use crate::diagnostic::Severity;

/// Reported by `crate::conflict`.
pub static RULE: Rule = Rule {
    name: "deleted-history",
    severity: Severity::Error,
    source: include_str!("deleted_history.rs"),
    check: Check::Conflict,
};
