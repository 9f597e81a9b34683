//! ## What it does
//! Reports two migrations with one version: in one folder (found when the
//! migrations are read), or in the history a merge would make, where the
//! branch adds a version that the branch it merges into already has, or
//! adds one version twice (`turquoise conflicts`, `turquoise check`).
//!
//! ## Why is this bad?
//! The framework identifies a migration by its version. With two, it
//! refuses the folder (golang-migrate, goose, Flyway) or records one and
//! never runs the other (diesel, dbmate, sqlx). Two branches that each pass
//! CI alone produce this as soon as both are merged.
//!
//! ## Example
//! `main` added `20240103120000_add_nickname/up.sql` after the branch left
//! it; the branch adds `20240103120000_add_avatar/up.sql`:
//! ```sql
//! ALTER TABLE users ADD COLUMN avatar text;
//! ```
//!
//! ## Use instead
//! The branch's migration gets the next free version after `main`'s newest,
//! in the layout's own style: `20240103120001_add_avatar/up.sql`.
//! `turquoise conflicts --base main --fix` renames it (and the branch's
//! migrations after it), changing no file's content.
//!
//! ## References
//! - `docs/conflicts.md`
//! - goose on out-of-order and duplicate versions: <https://pressly.github.io/goose/blog/2021/out-of-order-migrations/>

use super::{Check, Rule};
use crate::diagnostic::Severity;

/// Reported when migrations are read (`crate::source`) and by `crate::conflict`.
pub static RULE: Rule = Rule {
    name: "duplicate-version",
    severity: Severity::Error,
    source: include_str!("duplicate_version.rs"),
    check: Check::Conflict,
};
