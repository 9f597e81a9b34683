//! ## What it does
//! Flags `varchar(n)` (`character varying(n)`) columns in CREATE TABLE,
//! ADD COLUMN and ALTER COLUMN ... TYPE.
//!
//! ## Why is this bad?
//! The limit is part of the column's type. Raising it later is an
//! `ALTER COLUMN ... TYPE`, which takes an ACCESS EXCLUSIVE lock on the
//! table (brief, as PostgreSQL skips the rewrite for a longer limit), and
//! lowering it rewrites the table. In PostgreSQL `text` and `varchar` are
//! stored alike, so the limit buys no space or speed; it is a constraint,
//! and a `CHECK` constraint can be changed without touching the type, with
//! `NOT VALID` and a separate validation.
//!
//! ## Example
//! ```sql
//! CREATE TABLE users (id bigint PRIMARY KEY, email varchar(255));
//! ```
//!
//! ## Use instead
//! ```sql
//! CREATE TABLE users (
//!     id bigint PRIMARY KEY,
//!     email text CONSTRAINT users_email_length CHECK (length(email) <= 255)
//! );
//! ```
//!
//! ## References
//! - <https://www.postgresql.org/docs/current/datatype-character.html>
//! - <https://wiki.postgresql.org/wiki/Don%27t_Do_This#Don.27t_use_varchar.28n.29_by_default>
//! - squawk: `prefer-text-field`

use super::{
    Check, Rule, StatementInput, Violation, describe_columns, is_builtin, join, typed_columns,
};
use crate::diagnostic::Severity;
use crate::sql::ir::{QualifiedName, TypeName, quote_ident};

pub static RULE: Rule = Rule {
    name: "varchar-length-limit",
    severity: Severity::Hint,
    source: include_str!("varchar_length_limit.rs"),
    check: Check::Statement(check),
};

fn check(input: &StatementInput) -> Vec<Violation> {
    let columns: Vec<(&QualifiedName, &str, &TypeName)> = typed_columns(input.stmt)
        .into_iter()
        .filter(|(_, _, t)| {
            is_builtin(input.replay, t, "character varying") && !t.modifiers.is_empty()
        })
        .collect();
    let Some((table, _, _)) = columns.first() else {
        return Vec::new();
    };
    let list: Vec<(&str, &TypeName)> = columns.iter().map(|(_, c, t)| (*c, *t)).collect();
    let fixes = join(columns.iter().map(|(_, c, t)| {
        let limit = t.modifiers.first().map_or("", String::as_str);
        format!(
            "`{c} text CHECK (length({c}) <= {limit})`",
            c = quote_ident(c)
        )
    }));
    vec![
        Violation::new(format!(
            "{}; changing the limit later takes an ACCESS EXCLUSIVE lock on {table} (and rewrites it when lowered), while text with a CHECK constraint can be changed without touching the column",
            describe_columns(table, &list, "varchar(n)")
        ))
        .help(format!("use {fixes}")),
    ]
}
