//! ## What it does
//! Flags `CREATE DOMAIN` with `CHECK` constraints, and `ALTER DOMAIN ...
//! ADD CONSTRAINT` without `NOT VALID` on a domain that columns of existing
//! tables use.
//!
//! ## Why is this bad?
//! A domain's constraint is hard to change online. Adding a column of a
//! constrained domain to an existing table rewrites the table under an
//! ACCESS EXCLUSIVE lock, since PostgreSQL checks each row's value. Adding
//! a constraint to the domain checks every column of that type in every
//! table while holding SHARE locks on them, blocking their writes. Table
//! CHECK constraints have none of these costs: they can be added `NOT
//! VALID` and validated under a lock that blocks nothing.
//!
//! ## Example
//! ```sql
//! CREATE DOMAIN email AS text CHECK (VALUE LIKE '%@%');
//! ```
//!
//! ## Use instead
//! A plain domain (or the base type), with the check on the table:
//!
//! ```sql
//! ALTER TABLE users ADD CONSTRAINT users_email_check CHECK (email LIKE '%@%') NOT VALID;
//! ```
//!
//! From PostgreSQL 19, a constraint can be added to an existing domain
//! `NOT VALID` and validated in a separate migration
//! (`ALTER DOMAIN email VALIDATE CONSTRAINT email_check;`) without blocking
//! writes; before 19 the validation takes the same SHARE locks.
//!
//! ## References
//! - <https://www.postgresql.org/docs/current/sql-alterdomain.html>
//! - <https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-NOTES>
//!   (a domain with constraints makes ADD COLUMN rewrite the table)
//! - squawk: `ban-create-domain-with-constraint`, `ban-alter-domain-with-add-constraint`

use super::{Check, Rule, StatementInput, Violation, join};
use crate::diagnostic::Severity;
use crate::sql::ir::{AlterDomainAction, Stmt, quote_ident};

pub static RULE: Rule = Rule {
    name: "domain-constraint",
    severity: Severity::Warning,
    source: include_str!("domain_constraint.rs"),
    check: Check::Statement(check),
};

fn check(input: &StatementInput) -> Vec<Violation> {
    match input.stmt {
        Stmt::CreateDomain(d) if !d.checks.is_empty() => vec![
            Violation::new(format!(
                "domain {} has CHECK constraints: adding a column of this type to an existing table rewrites the table, and changing the constraint later checks every column of the type while locking their tables against writes",
                d.name
            ))
            .help(format!(
                "create it without CHECK (`CREATE DOMAIN {} AS {};`) and put the check on each table column (`ADD CONSTRAINT ... CHECK (...) NOT VALID`, validated separately)",
                d.name, d.data_type
            )),
        ],
        Stmt::AlterDomain {
            name,
            action:
                AlterDomainAction::AddCheck {
                    name: cname,
                    expr,
                    not_valid: false,
                },
        } => {
            let tables: Vec<String> = input
                .classification
                .hazards
                .locks
                .iter()
                .filter(|l| !l.new)
                .map(|l| l.table.to_string())
                .collect();
            if tables.is_empty() {
                return Vec::new();
            }
            let constraint = cname
                .as_deref()
                .map(|c| format!("CONSTRAINT {} ", quote_ident(c)))
                .unwrap_or_default();
            let validate = cname.as_deref().map_or_else(
                || "VALIDATE CONSTRAINT <name>".to_owned(),
                |c| format!("VALIDATE CONSTRAINT {}", quote_ident(c)),
            );
            vec![
                Violation::new(format!(
                    "adding a constraint to domain {name} checks every value of its columns in {} while holding SHARE locks on them, blocking their writes (INSERT, UPDATE, DELETE) for the whole scan",
                    join(tables)
                ))
                .help(if input.pg_version >= 19 {
                    format!(
                        "add it as `ALTER DOMAIN {name} ADD {constraint}CHECK ({}) NOT VALID;`, then `ALTER DOMAIN {name} {validate};` in a separate migration, which does not block writes",
                        expr.sql
                    )
                } else {
                    "put the check on the table columns instead (`ALTER TABLE ... ADD CONSTRAINT ... CHECK (...) NOT VALID;`, validated in a separate migration): before PostgreSQL 19, validating a domain constraint blocks writes too".to_owned()
                }),
            ]
        }
        _ => Vec::new(),
    }
}
