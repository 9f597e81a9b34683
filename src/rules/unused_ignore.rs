//! ## What it does
//! Reports a `-- turquoise-ignore: rule` comment that silences nothing: the
//! rule does not fire on the statement after it (or in the file, for
//! `-- turquoise-ignore-file:`), or no rule has that name.
//!
//! ## Why is this bad?
//! Stale ignore comments hide the next real finding on that statement, and
//! a misspelt rule name silences nothing while looking as if it did.
//!
//! ## Example
//! ```sql
//! -- turquoise-ignore: dropping-colum
//! ALTER TABLE users DROP COLUMN nickname;
//! ```
//!
//! ## Use instead
//! ```sql
//! -- turquoise-ignore: dropping-column
//! ALTER TABLE users DROP COLUMN nickname;
//! ```
//!
//! ## References
//! - squawk reports unused `squawk-ignore` comments the same way.

use super::{Check, Rule};
use crate::diagnostic::Severity;

/// Reported by the linter when it applies ignore comments.
pub static RULE: Rule = Rule {
    name: "unused-ignore",
    severity: Severity::Warning,
    source: include_str!("unused_ignore.rs"),
    check: Check::Stage,
};
