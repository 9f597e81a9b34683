//! ## What it does
//! Reports a statement that names an object which does not exist at that
//! point of the history, because an earlier migration dropped or renamed it
//! (objects the history never created are taken to exist; see
//! `assumed-existing`).
//!
//! ## Why is this bad?
//! PostgreSQL rejects the statement, so the migration fails on every
//! database built from this history, such as a new developer's or CI's.
//!
//! ## Example
//! ```sql
//! CREATE TABLE users (id bigint PRIMARY KEY, nickname text);
//! ALTER TABLE users DROP COLUMN nickname;
//! ALTER TABLE users DROP COLUMN nickname;
//! ```
//!
//! ## Use instead
//! ```sql
//! CREATE TABLE users (id bigint PRIMARY KEY, nickname text);
//! ALTER TABLE users DROP COLUMN nickname;
//! ```
//!
//! ## References
//! - `turquoise verify` runs the history on a real server.

use super::{Check, Rule};
use crate::diagnostic::Severity;

/// Reported by the replay (`crate::model::Replay`).
pub static RULE: Rule = Rule {
    name: "missing-object",
    severity: Severity::Error,
    source: include_str!("missing_object.rs"),
    check: Check::Stage,
};
