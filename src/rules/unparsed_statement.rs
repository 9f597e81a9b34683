//! ## What it does
//! Reports a statement turquoise could not parse. The statement is skipped:
//! the replay goes on without it, and no rule looks at it.
//!
//! ## Why is this bad?
//! Either the statement has a syntax error (PostgreSQL will reject the
//! migration), or it uses syntax turquoise does not know yet. In both cases
//! nothing checks what it does to the schema, its locks or its rewrites, and
//! the model may differ from the real database after it.
//!
//! ## Example
//! ```sql
//! ALTER TABLE users ADD COLUMN email text NOT NULL DEFAULT ''
//! ALTER TABLE users DROP COLUMN login;
//! ```
//!
//! ## Use instead
//! Fix the syntax error (here, the missing `;`). If PostgreSQL accepts the
//! statement, please report it; until then, silence it with
//! `-- turquoise-ignore: unparsed-statement` and review it by hand.
//!
//! ## References
//! - <https://www.postgresql.org/docs/current/sql-commands.html>

use super::{Check, Rule};
use crate::diagnostic::Severity;

/// Reported by the SQL stage (`crate::sql::parse_script`).
pub static RULE: Rule = Rule {
    name: "unparsed-statement",
    severity: Severity::Warning,
    source: include_str!("unparsed_statement.rs"),
    check: Check::Stage,
};
