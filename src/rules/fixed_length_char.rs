//! ## What it does
//! Flags a column typed `character(n)` (`char(n)`) in CREATE TABLE, ADD
//! COLUMN or ALTER COLUMN ... TYPE.
//!
//! ## Why is this bad?
//! `character(n)` pads every value with spaces to `n` characters and
//! stores the padding. The padding is ignored when comparing, dropped when
//! the value is converted to text, yet seen by `LIKE` and regular
//! expressions, which surprises application code. It is no faster than
//! `text` or `varchar`; widening it later is another schema change.
//!
//! ## Example
//! ```sql
//! CREATE TABLE countries (code char(2) PRIMARY KEY);
//! ```
//!
//! ## Use instead
//! `text` (with a CHECK on the length if it matters) or `varchar(n)`:
//!
//! ```sql
//! CREATE TABLE countries (code text PRIMARY KEY CHECK (length(code) = 2));
//! ```
//!
//! ## References
//! - <https://www.postgresql.org/docs/current/datatype-character.html>
//! - <https://wiki.postgresql.org/wiki/Don%27t_Do_This#Don.27t_use_char.28n.29>
//! - squawk: `ban-char-field`

use super::{Check, Rule, StatementInput, Violation, column_type_findings};
use crate::diagnostic::Severity;
use crate::sql::ir::TypeName;

pub static RULE: Rule = Rule {
    name: "fixed-length-char",
    severity: Severity::Hint,
    source: include_str!("fixed_length_char.rs"),
    check: Check::Statement(check),
};

fn check(input: &StatementInput) -> Vec<Violation> {
    column_type_findings(
        input,
        "character",
        "pads values with spaces to the full length; the padding is ignored by =, dropped when converted to text, yet seen by LIKE and regular expressions",
        |t| TypeName {
            name: "text".to_owned(),
            modifiers: Vec::new(),
            ..t.clone()
        },
        " (with a CHECK on the length if it matters), or character varying",
    )
}
