//! ## What it does
//! Says, once per object, that a table or column the migrations read here
//! never create is taken to exist already, with rows: as when linting a
//! lone migration file or a history whose first migrations are elsewhere.
//!
//! ## Why is this bad?
//! It is not bad in itself; it tells you what the other findings assume.
//! In a complete history it also catches a reference to an object that no
//! migration ever created: a typo, or a table made by hand outside the
//! migrations, which a fresh database will not have.
//!
//! ## Example
//! The whole history is this one file:
//! ```sql
//! ALTER TABLE users ADD COLUMN nickname text;
//! ```
//!
//! ## Use instead
//! Lint the whole history (`turquoise lint migrations/`), or create the
//! object in a migration:
//! ```sql
//! CREATE TABLE users (id bigint PRIMARY KEY);
//! ALTER TABLE users ADD COLUMN nickname text;
//! ```
//!
//! ## References
//! - squawk lints lone files the same way, without saying so.

use super::{Check, Rule};
use crate::diagnostic::Severity;

/// Reported by the linter when it adds the object to the schema.
pub static RULE: Rule = Rule {
    name: "assumed-existing",
    severity: Severity::Hint,
    source: include_str!("assumed_existing.rs"),
    check: Check::Stage,
};
