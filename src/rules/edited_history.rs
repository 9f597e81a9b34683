//! ## What it does
//! Reports a migration that both branches share (it is in their merge
//! base) whose files one branch changed: its up or down script, or whether
//! it runs in a transaction. An error when the branch under check made the
//! edit, a warning when the branch it merges into did.
//!
//! ## Why is this bad?
//! Databases that already ran the migration never run it again: they keep
//! the old version, new databases get the new one, and the two drift apart
//! silently. sqlx and Flyway notice the changed checksum and refuse to
//! migrate the old databases instead.
//!
//! ## Example
//! The merge base has `0003_users.sql` creating `users (id, email)`; the
//! branch edits it to:
//! ```sql
//! CREATE TABLE users (id bigint PRIMARY KEY, email text, nickname text);
//! ```
//!
//! ## Use instead
//! Restore the shared migration (`git checkout <merge base> -- 0003_users.sql`)
//! and put the change in a new migration with the next free version:
//! ```sql
//! ALTER TABLE users ADD COLUMN nickname text;
//! ```
//!
//! ## References
//! - `docs/conflicts.md`

use super::{Check, Rule};
use crate::diagnostic::Severity;

/// Reported by `crate::conflict`.
pub static RULE: Rule = Rule {
    name: "edited-history",
    severity: Severity::Error,
    source: include_str!("edited_history.rs"),
    check: Check::Conflict,
};
