//! ## What it does
//! Flags a column typed `json` (in CREATE TABLE, ADD COLUMN or ALTER
//! COLUMN ... TYPE).
//!
//! ## Why is this bad?
//! `json` keeps the text as written and parses it again on every access.
//! It has no equality operator, so `=`, `DISTINCT`, `GROUP BY`, `UNION` and
//! unique constraints fail on it, and no index operator class, so
//! containment queries cannot use a GIN index. `jsonb` has all of these.
//!
//! ## Example
//! ```sql
//! CREATE TABLE events (id bigint PRIMARY KEY, payload json);
//! ```
//!
//! ## Use instead
//! ```sql
//! CREATE TABLE events (id bigint PRIMARY KEY, payload jsonb);
//! ```
//!
//! Keep `json` only when the exact text (key order, duplicate keys,
//! whitespace) must be preserved.
//!
//! ## References
//! - <https://www.postgresql.org/docs/current/datatype-json.html>
//! - eugene: `E3`

use super::{Check, Rule, StatementInput, Violation, column_type_findings};
use crate::diagnostic::Severity;
use crate::sql::ir::TypeName;

pub static RULE: Rule = Rule {
    name: "json-column",
    severity: Severity::Hint,
    source: include_str!("json_column.rs"),
    check: Check::Statement(check),
};

fn check(input: &StatementInput) -> Vec<Violation> {
    column_type_findings(
        input,
        "json",
        "has no equality operator (=, DISTINCT, GROUP BY and UNIQUE fail on it), no index support, and is parsed again on every access",
        |t| TypeName {
            name: "jsonb".to_owned(),
            ..t.clone()
        },
        "",
    )
}
