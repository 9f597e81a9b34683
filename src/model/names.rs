//! PostgreSQL's generated names: `<table>_pkey`, `<table>_<col>_key`,
//! `<table>_<col>_fkey`, `<table>_<col>_check`, `<table>_<col>_idx`,
//! `<table>_<col>_seq`, truncated to 63 bytes and made unique with a number,
//! the way `makeObjectName` and `ChooseRelationName` do it.

use crate::sql::ir::MAX_IDENTIFIER_BYTES as MAX_IDENT;

/// The longest prefix of `s` of at most `bytes` bytes that ends on a
/// character boundary.
fn clip(s: &str, bytes: usize) -> &str {
    if s.len() <= bytes {
        return s;
    }
    let mut end = bytes;
    while end > 0 && !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// `makeObjectName(name1, name2, label)`: `name1_name2_label`, shortening the
/// longer of name1 and name2 first until the whole fits in 63 bytes.
pub fn make_object_name(name1: &str, name2: Option<&str>, label: &str) -> String {
    let overhead =
        if label.is_empty() { 0 } else { label.len() + 1 } + usize::from(name2.is_some());
    let avail = MAX_IDENT.saturating_sub(overhead);
    let mut n1 = name1.len();
    let mut n2 = name2.map_or(0, str::len);
    while n1 + n2 > avail {
        if n1 > n2 {
            n1 -= 1;
        } else {
            n2 -= 1;
        }
    }
    let mut out = clip(name1, n1).to_owned();
    if let Some(name2) = name2 {
        out.push('_');
        out.push_str(clip(name2, n2));
    }
    if !label.is_empty() {
        out.push('_');
        out.push_str(label);
    }
    out
}

/// `ChooseRelationName` / `ChooseConstraintName`: the generated name, with
/// `1`, `2`, ... appended to the label until `taken` says it is free.
pub fn choose_name(
    name1: &str,
    name2: Option<&str>,
    label: &str,
    taken: impl Fn(&str) -> bool,
) -> String {
    let mut candidate = make_object_name(name1, name2, label);
    let mut pass = 0u32;
    while taken(&candidate) {
        pass += 1;
        candidate = make_object_name(name1, name2, &format!("{label}{pass}"));
    }
    candidate
}

/// The column part of a generated name: the names joined with `_`, stopping
/// once it is long enough (`ChooseIndexNameAddition`).
pub fn column_addition<'a>(columns: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for c in columns {
        if !out.is_empty() {
            out.push('_');
        }
        out.push_str(c);
        if out.len() >= MAX_IDENT {
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_are_joined() {
        assert_eq!(make_object_name("users", None, "pkey"), "users_pkey");
        assert_eq!(
            make_object_name("users", Some("email"), "key"),
            "users_email_key"
        );
    }

    #[test]
    fn long_names_shorten_the_longer_part_first() {
        let table = "a".repeat(40);
        let column = "b".repeat(40);
        let name = make_object_name(&table, Some(&column), "fkey");
        assert_eq!(name.len(), 63);
        // 63 - "_fkey" - "_" = 57 characters split 29 / 28.
        assert_eq!(name, format!("{}_{}_fkey", "a".repeat(29), "b".repeat(28)));
    }

    #[test]
    fn taken_names_get_a_number() {
        let taken = ["t_a_key", "t_a_key1"];
        let name = choose_name("t", Some("a"), "key", |n| taken.contains(&n));
        assert_eq!(name, "t_a_key2");
    }
}
