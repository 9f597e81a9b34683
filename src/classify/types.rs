//! Facts about types and expressions that decide rewrites: which type
//! changes PostgreSQL makes without touching the rows, and which defaults
//! are volatile (evaluated per row, so adding the column rewrites the table).

use crate::model::Catalog;
use crate::sql::ir::{SqlExpr, TypeName};

/// Built-in functions PostgreSQL marks VOLATILE that show up in defaults.
const VOLATILE_BUILTINS: &[&str] = &[
    "random",
    "gen_random_uuid",
    "uuid_generate_v1",
    "uuid_generate_v1mc",
    "uuid_generate_v4",
    "uuidv4",
    "uuidv7",
    "uuid_generate_v7",
    "clock_timestamp",
    "timeofday",
    "nextval",
    "txid_current",
    "pg_current_xact_id",
    "gen_random_bytes",
    "random_normal",
    "setseed",
];

/// Whether a default expression is evaluated per row: it calls a volatile
/// built-in, or a function of the schema not declared IMMUTABLE or STABLE.
pub fn volatile_default(expr: &SqlExpr, catalog: &Catalog) -> bool {
    expr.functions.iter().any(|f| {
        let f = f.to_ascii_lowercase();
        if VOLATILE_BUILTINS.contains(&f.as_str()) {
            return true;
        }
        let mut user = catalog
            .functions
            .values()
            .filter(|u| u.key.name.name == f)
            .peekable();
        if user.peek().is_none() {
            return false;
        }
        user.any(|u| {
            !u.volatility.as_deref().is_some_and(|v| {
                v.eq_ignore_ascii_case("immutable") || v.eq_ignore_ascii_case("stable")
            })
        })
    })
}

/// The length limit in a type's first modifier (`varchar(20)` -> 20).
fn limit(t: &TypeName) -> Option<u64> {
    t.modifiers.first().and_then(|m| m.trim().parse().ok())
}

/// `numeric(p, s)`: precision and scale, when written.
fn precision_scale(t: &TypeName) -> Option<(u64, u64)> {
    let p = t.modifiers.first()?.trim().parse().ok()?;
    let s = t
        .modifiers
        .get(1)
        .map_or(Some(0), |s| s.trim().parse().ok())?;
    Some((p, s))
}

/// Whether changing a column from `old` to `new` makes PostgreSQL rewrite
/// the table (and rebuild its indexes). `using` is whether a USING clause
/// was given. Unknown old types count as rewriting.
pub fn type_change_rewrites(old: &TypeName, new: &TypeName, using: bool) -> bool {
    if old == new {
        return false;
    }
    if using || old.array_dims != new.array_dims || old.schema.is_some() || new.schema.is_some() {
        return true;
    }
    let (o, n) = (old.name.as_str(), new.name.as_str());
    let widening = |o: &TypeName, n: &TypeName| match (limit(o), limit(n)) {
        (_, None) => true,
        (Some(a), Some(b)) => b >= a,
        (None, Some(_)) => false,
    };
    match (o, n) {
        ("character varying", "character varying") | ("bit varying", "bit varying") => {
            !widening(old, new)
        }
        ("character varying", "text") => false,
        ("text", "character varying") => limit(new).is_some(),
        ("numeric", "numeric") => match (precision_scale(old), precision_scale(new)) {
            (_, None) => false,
            (Some((p1, s1)), Some((p2, s2))) => !(s1 == s2 && p2 >= p1),
            (None, Some(_)) => true,
        },
        // Precision of time types only affects rounding of new values.
        (a, b)
            if a == b
                && matches!(
                    a,
                    "timestamp without time zone"
                        | "timestamp with time zone"
                        | "time without time zone"
                        | "time with time zone"
                        | "interval"
                ) =>
        {
            !widening(old, new)
        }
        ("cidr", "inet") => false,
        _ => true,
    }
}

/// Whether `ALTER COLUMN ... TYPE` from `old` to `new` rewrites the table
/// on PostgreSQL `pg`, in a session whose time zone is known to be UTC
/// (`utc`) or not: from 12 on, `timestamp` and `timestamptz` convert into
/// each other without touching the rows when the session is on UTC, since
/// the stored values are then the same.
pub fn column_type_change_rewrites(
    old: &TypeName,
    new: &TypeName,
    using: bool,
    pg: u32,
    utc: bool,
) -> bool {
    const PLAIN: &str = "timestamp without time zone";
    const ZONED: &str = "timestamp with time zone";
    let zone_change = matches!(
        (old.name.as_str(), new.name.as_str()),
        (PLAIN, ZONED) | (ZONED, PLAIN)
    ) && old.schema.is_none()
        && new.schema.is_none()
        && old.array_dims == 0
        && new.array_dims == 0
        && match (limit(old), limit(new)) {
            (_, None) => true,
            (Some(a), Some(b)) => b >= a,
            (None, Some(_)) => false,
        };
    if zone_change && !using && pg >= 12 && utc {
        return false;
    }
    type_change_rewrites(old, new, using)
}

/// Whether a `SET timezone` value names UTC (or a zone always equal to it).
pub fn is_utc_zone(value: &str) -> bool {
    let v = value
        .trim()
        .trim_matches('\'')
        .trim_matches('"')
        .to_ascii_lowercase();
    let v = v.strip_prefix("etc/").unwrap_or(&v);
    matches!(
        v,
        "utc"
            | "uct"
            | "gmt"
            | "gmt0"
            | "gmt+0"
            | "gmt-0"
            | "universal"
            | "zulu"
            | "greenwich"
            | "z"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sql::types::parse_type;

    fn rewrites(a: &str, b: &str) -> bool {
        let (a, b) = (parse_type(a), parse_type(b));
        assert!(
            a.is_some() && b.is_some(),
            "a type in the test does not parse"
        );
        match (a, b) {
            (Some(a), Some(b)) => type_change_rewrites(&a.type_name, &b.type_name, false),
            _ => false,
        }
    }

    #[test]
    fn binary_coercible_changes_do_not_rewrite() {
        assert!(!rewrites("varchar(10)", "varchar(20)"));
        assert!(!rewrites("varchar(10)", "varchar"));
        assert!(!rewrites("varchar(10)", "text"));
        assert!(!rewrites("text", "varchar"));
        assert!(!rewrites("numeric(10,2)", "numeric(12,2)"));
        assert!(!rewrites("numeric(10,2)", "numeric"));
        assert!(!rewrites("timestamp(3)", "timestamp(6)"));
        assert!(!rewrites("cidr", "inet"));
    }

    #[test]
    fn timestamps_change_zone_in_place_on_a_utc_session_from_12() {
        let (Some(plain), Some(zoned)) = (parse_type("timestamp"), parse_type("timestamptz"))
        else {
            panic!("timestamp types parse");
        };
        let (a, b) = (&plain.type_name, &zoned.type_name);
        assert!(!column_type_change_rewrites(a, b, false, 12, true));
        assert!(!column_type_change_rewrites(b, a, false, 15, true));
        assert!(column_type_change_rewrites(a, b, false, 11, true));
        assert!(column_type_change_rewrites(a, b, false, 15, false));
        assert!(column_type_change_rewrites(a, b, true, 15, true));
        assert!(is_utc_zone("'UTC'"));
        assert!(is_utc_zone("'Etc/UTC'"));
        assert!(!is_utc_zone("'Europe/Paris'"));
    }

    #[test]
    fn other_changes_rewrite() {
        assert!(rewrites("varchar(20)", "varchar(10)"));
        assert!(rewrites("text", "varchar(10)"));
        assert!(rewrites("int", "bigint"));
        assert!(rewrites("numeric(10,2)", "numeric(12,3)"));
        assert!(rewrites("char(2)", "char(3)"));
        assert!(rewrites("timestamp", "timestamptz"));
        assert!(rewrites("varchar", "varchar(10)"));
    }
}
