//! ## What it does
//! Flags a column typed `timestamp without time zone` (plain `timestamp`)
//! in CREATE TABLE, ADD COLUMN or ALTER COLUMN ... TYPE.
//!
//! ## Why is this bad?
//! `timestamp` stores a wall-clock reading with no time zone: PostgreSQL
//! cannot tell which instant it means. Values written by clients or
//! servers in different zones mix silently, `now()` is stored in the
//! session's zone, and around daylight-saving changes an hour repeats or
//! goes missing. `timestamp with time zone` stores the instant (as UTC) and
//! converts on the way in and out; it takes the same 8 bytes.
//!
//! ## Example
//! ```sql
//! ALTER TABLE orders ADD COLUMN shipped_at timestamp;
//! ```
//!
//! ## Use instead
//! ```sql
//! ALTER TABLE orders ADD COLUMN shipped_at timestamptz;
//! ```
//!
//! ## References
//! - <https://www.postgresql.org/docs/current/datatype-datetime.html>
//! - <https://wiki.postgresql.org/wiki/Don%27t_Do_This#Don.27t_use_timestamp_.28without_time_zone.29>
//! - squawk: `prefer-timestamptz`

use super::{Check, Rule, StatementInput, Violation, column_type_findings};
use crate::diagnostic::Severity;
use crate::sql::ir::TypeName;

pub static RULE: Rule = Rule {
    name: "timestamp-without-time-zone",
    severity: Severity::Hint,
    source: include_str!("timestamp_without_time_zone.rs"),
    check: Check::Statement(check),
};

fn check(input: &StatementInput) -> Vec<Violation> {
    column_type_findings(
        input,
        "timestamp without time zone",
        "stores a wall-clock reading without its zone: values written from sessions in different zones mix silently, and daylight-saving changes repeat or skip an hour",
        |t| TypeName {
            name: "timestamp with time zone".to_owned(),
            ..t.clone()
        },
        " (timestamptz)",
    )
}
