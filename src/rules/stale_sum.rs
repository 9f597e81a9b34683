//! ## What it does
//! Reports a `turquoise.sum` that does not match the migrations beside it:
//! a migration added, changed, renamed or removed since `turquoise sum`
//! wrote it, or a file left with git's merge-conflict markers.
//! `turquoise check` reports it when the file exists.
//!
//! ## Why is this bad?
//! The file exists so that two branches that both add migrations clash in
//! git when merged, even when their migration files merge cleanly. A stale
//! file no longer does that, and a merged one with conflict markers means
//! two branches' migrations were merged without being checked together.
//!
//! ## Example
//! A branch adds `0005_add_avatar.sql` and commits without running
//! `turquoise sum`:
//! ```sql
//! ALTER TABLE users ADD COLUMN avatar text;
//! ```
//!
//! ## Use instead
//! Run `turquoise sum` and commit `turquoise.sum` with the migration. After
//! a merge conflict in it, check the merge with `turquoise conflicts`, then
//! write the file anew with `turquoise sum` rather than by hand.
//!
//! ## References
//! - `docs/conflicts.md`

use super::{Check, Rule};
use crate::diagnostic::Severity;

/// Reported by `turquoise check` (`crate::conflict::sum`).
pub static RULE: Rule = Rule {
    name: "stale-sum",
    severity: Severity::Error,
    source: include_str!("stale_sum.rs"),
    check: Check::Conflict,
};
