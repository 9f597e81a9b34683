//! ## What it does
//! Flags `DROP DATABASE` in a migration.
//!
//! ## Why is this bad?
//! It deletes a whole database, every table and every row in it, and no
//! down script can bring them back. Whatever still connects to it fails at
//! once. A migration history describes one database's schema; removing a
//! database is an operation on the server, not a schema change to ship with
//! a deploy.
//!
//! ## Example
//! ```sql
//! DROP DATABASE analytics_old;
//! ```
//!
//! ## Use instead
//! Remove the database by hand (after a backup), outside the migration
//! history, once nothing connects to it.
//!
//! ## References
//! - <https://www.postgresql.org/docs/current/sql-dropdatabase.html>

use super::{Check, Rule, StatementInput, Violation};
use crate::diagnostic::Severity;
use crate::sql::ir::Stmt;

pub static RULE: Rule = Rule {
    name: "dropping-database",
    severity: Severity::Error,
    source: include_str!("dropping_database.rs"),
    check: Check::Statement(check),
};

fn check(input: &StatementInput) -> Vec<Violation> {
    match input.stmt {
        Stmt::Other { what, .. } if what == "DROP DATABASE" => {
            let name = database_name(input.sql)
                .map_or_else(|| "a database".to_owned(), |n| format!("database {n}"));
            vec![
                Violation::new(format!(
                    "dropping {name} deletes every table and row in it for good, and everything still connected to it fails"
                ))
                .help(format!(
                    "drop {name} by hand, after a backup and once nothing uses it, not in a migration"
                )),
            ]
        }
        _ => Vec::new(),
    }
}

/// The name after `DROP DATABASE [IF EXISTS]`, as written.
fn database_name(sql: &str) -> Option<&str> {
    let mut words = sql.split_whitespace().skip(2);
    let mut w = words.next()?;
    if w.eq_ignore_ascii_case("if") {
        words.next()?;
        w = words.next()?;
    }
    let w = w.trim_end_matches(';');
    (!w.is_empty()).then_some(w)
}

#[cfg(test)]
mod tests {
    use super::database_name;

    #[test]
    fn names_the_database() {
        assert_eq!(database_name("DROP DATABASE app;"), Some("app"));
        assert_eq!(
            database_name("drop database if exists \"App\""),
            Some("\"App\"")
        );
        assert_eq!(database_name("DROP DATABASE"), None);
    }
}
