//! Version parsing: turns the version part of a file name into a [`Version`]
//! whose key orders the way the framework orders it. Pure string work.

use super::{Version, VersionKey};

/// Parses a run of ASCII digits as one number. Runs too long for `u128`
/// (over 38 digits) have no numeric value.
fn number(digits: &str) -> Option<u128> {
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// A plain integer version (`20240101120000`, `42`): golang-migrate, sqlx,
/// popx, goose, dbmate. `None` unless `text` is all digits.
pub(crate) fn integer(text: &str) -> Option<Version> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let key = match number(text) {
        Some(n) => VersionKey::Numeric(vec![n]),
        None => VersionKey::Text(text.to_string()),
    };
    Some(Version {
        text: text.to_string(),
        key,
    })
}

/// A diesel version: digits with `-` separators (`20161115111853`,
/// `2019-03-22-170700`, `2026-06-26-100902-0000`).
///
/// Diesel strips the dashes and compares what is left, so the key is the
/// digit string: its first 14 digits (a `YYYYMMDDHHMMSS` timestamp) as one
/// number and any longer tail as a second. That keeps
/// `20161115111853 < 2019-03-22-170700 < 2026-06-26-100902-0000`, which a
/// plain number would break (the 18-digit form would outrank any 14-digit one).
pub(crate) fn diesel(text: &str) -> Option<Version> {
    let first = text.bytes().next()?;
    if !first.is_ascii_digit() || !text.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
        return None;
    }
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    let key = if digits.len() > 14 {
        let (stamp, tail) = digits.split_at(14);
        match (number(stamp), number(tail)) {
            (Some(a), Some(b)) => VersionKey::Numeric(vec![a, b]),
            _ => VersionKey::Text(digits.clone()),
        }
    } else {
        match number(&digits) {
            Some(n) => VersionKey::Numeric(vec![n]),
            None => VersionKey::Text(digits.clone()),
        }
    };
    Some(Version {
        text: text.to_string(),
        key,
    })
}

/// A Flyway version: numbers separated by `.` or `_` (`1.2.10`, `1_1`).
///
/// Flyway compares part by part and ignores trailing zero parts (`1.0` is
/// `1`), so those are dropped from the key; that also makes `V1` and `V1.0`
/// the duplicates Flyway says they are.
pub(crate) fn flyway(text: &str) -> Option<Version> {
    let mut parts = Vec::new();
    for part in text.split(['.', '_']) {
        parts.push(number(part)?);
    }
    while parts.len() > 1 && parts.last() == Some(&0) {
        parts.pop();
    }
    Some(Version {
        text: text.to_string(),
        key: VersionKey::Numeric(parts),
    })
}

/// A version taken from a file stem's leading digits, for layouts that order
/// by name with numbers compared as numbers (sql-migrate, plain). Returns the
/// version and the rest of the stem as the name. A stem with no leading
/// digits is its own version, compared as text after every numeric one.
pub(crate) fn prefixed(stem: &str) -> (Version, String) {
    let digits_end = stem
        .bytes()
        .position(|b| !b.is_ascii_digit())
        .unwrap_or(stem.len());
    let (digits, rest) = stem.split_at(digits_end);
    match integer(digits) {
        Some(version) => {
            let name = rest.trim_start_matches(['_', '-', '.', ' ']);
            let name = if name.is_empty() { stem } else { name };
            (version, name.to_string())
        }
        None => (
            Version {
                text: stem.to_string(),
                key: VersionKey::Text(stem.to_string()),
            },
            stem.to_string(),
        ),
    }
}

/// Splits `<version>_<name>` at the first underscore.
pub(crate) fn split_underscore(stem: &str) -> Option<(&str, &str)> {
    stem.split_once('_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(v: Option<Version>) -> VersionKey {
        v.map_or(VersionKey::Text(String::new()), |v| v.key)
    }

    #[test]
    fn integers_compare_numerically() {
        assert!(key(integer("9")) < key(integer("10")));
        assert_eq!(key(integer("001")), key(integer("1")));
        assert!(integer("1a").is_none());
        assert!(integer("").is_none());
    }

    #[test]
    fn diesel_forms_sort_by_time() {
        let a = key(diesel("20161115111853"));
        let b = key(diesel("2019-03-22-170700"));
        let c = key(diesel("2026-06-26-100902-0000"));
        let d = key(diesel("20270101000000"));
        assert!(a < b && b < c && c < d);
        assert_eq!(
            key(diesel("2019-03-22-170700")),
            key(diesel("20190322170700"))
        );
        assert!(key(diesel("00000000000000")) < a);
        assert!(diesel("-1").is_none());
        assert!(diesel("2019_x").is_none());
    }

    #[test]
    fn flyway_parts_compare_numerically() {
        assert!(key(flyway("1.2.9")) < key(flyway("1.2.10")));
        assert_eq!(key(flyway("1_1")), key(flyway("1.1")));
        assert_eq!(key(flyway("1.0")), key(flyway("1")));
        assert!(key(flyway("1.1")) < key(flyway("2")));
        assert!(flyway("1..2").is_none());
        assert!(flyway("").is_none());
    }

    #[test]
    fn prefixed_splits_number_and_name() {
        let (v, n) = prefixed("10-add-index");
        assert_eq!((v.text.as_str(), n.as_str()), ("10", "add-index"));
        let (v9, _) = prefixed("9_x");
        assert!(v9 < v);
        let (t, n) = prefixed("seed");
        assert_eq!(t.key, VersionKey::Text("seed".into()));
        assert_eq!(n, "seed");
        assert!(v < t);
    }
}
