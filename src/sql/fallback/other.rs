//! Statements that leave the schema model alone (privileges, roles,
//! replication, operators, maintenance...) recognised by their leading
//! words, with the tables they touch where a keyword says where they are.

use super::cursor::Cursor;
use crate::sql::ir::{QualifiedName, Stmt};
use sqlparser::tokenizer::Token;

/// Where a statement names its tables: after the first top-level occurrence
/// of these words, as a comma-separated list.
type TablesAfter = &'static [&'static str];

/// Statement heads, each with where its tables are (empty: none known).
/// The longest matching head names the statement.
const HEADS: &[(&[&str], TablesAfter)] = &[
    (&["ALTER", "DEFAULT", "PRIVILEGES"], &[]),
    (&["ALTER", "DATABASE"], &[]),
    (&["ALTER", "EVENT", "TRIGGER"], &[]),
    (&["ALTER", "EXTENSION"], &[]),
    (&["ALTER", "FOREIGN", "DATA", "WRAPPER"], &[]),
    (&["ALTER", "GROUP"], &[]),
    (&["ALTER", "LANGUAGE"], &[]),
    (&["ALTER", "LARGE", "OBJECT"], &[]),
    (&["ALTER", "OPERATOR"], &[]),
    (&["ALTER", "POLICY"], &["ON"]),
    (&["ALTER", "PUBLICATION"], &["TABLE"]),
    (&["ALTER", "ROLE"], &[]),
    (&["ALTER", "RULE"], &["ON"]),
    (&["ALTER", "SERVER"], &[]),
    (&["ALTER", "STATISTICS"], &[]),
    (&["ALTER", "SUBSCRIPTION"], &[]),
    (&["ALTER", "SYSTEM"], &[]),
    (&["ALTER", "TABLESPACE"], &[]),
    (&["ALTER", "TEXT", "SEARCH"], &[]),
    (&["ALTER", "USER"], &[]),
    (&["ALTER", "USER", "MAPPING"], &[]),
    (&["ALTER", "COLLATION"], &[]),
    (&["ALTER", "CONVERSION"], &[]),
    (&["ANALYZE"], &["ANALYZE"]),
    (&["ANALYSE"], &["ANALYSE"]),
    (&["CHECKPOINT"], &[]),
    (&["CLUSTER"], &["CLUSTER"]),
    (&["CREATE", "ACCESS", "METHOD"], &[]),
    (&["CREATE", "CAST"], &[]),
    (&["CREATE", "COLLATION"], &[]),
    (&["CREATE", "CONVERSION"], &[]),
    (&["CREATE", "DEFAULT", "CONVERSION"], &[]),
    (&["CREATE", "EVENT", "TRIGGER"], &[]),
    (&["CREATE", "FOREIGN", "DATA", "WRAPPER"], &[]),
    (&["CREATE", "GROUP"], &[]),
    (&["CREATE", "LANGUAGE"], &[]),
    (&["CREATE", "OR", "REPLACE", "LANGUAGE"], &[]),
    (&["CREATE", "TRUSTED", "LANGUAGE"], &[]),
    (&["CREATE", "OPERATOR"], &[]),
    (&["CREATE", "OPERATOR", "CLASS"], &[]),
    (&["CREATE", "OPERATOR", "FAMILY"], &[]),
    (&["CREATE", "POLICY"], &["ON"]),
    (&["CREATE", "PUBLICATION"], &["TABLE"]),
    (&["CREATE", "ROLE"], &[]),
    (&["CREATE", "RULE"], &["TO"]),
    (&["CREATE", "OR", "REPLACE", "RULE"], &["TO"]),
    (&["CREATE", "SERVER"], &[]),
    (&["CREATE", "STATISTICS"], &["FROM"]),
    (&["CREATE", "SUBSCRIPTION"], &[]),
    (&["CREATE", "TABLESPACE"], &[]),
    (&["CREATE", "TEXT", "SEARCH"], &[]),
    (&["CREATE", "TRANSFORM"], &[]),
    (&["CREATE", "OR", "REPLACE", "TRANSFORM"], &[]),
    (&["CREATE", "USER"], &[]),
    (&["CREATE", "USER", "MAPPING"], &[]),
    (&["DISCARD"], &[]),
    (&["DROP", "ACCESS", "METHOD"], &[]),
    (&["DROP", "CAST"], &[]),
    (&["DROP", "COLLATION"], &[]),
    (&["DROP", "CONVERSION"], &[]),
    (&["DROP", "EVENT", "TRIGGER"], &[]),
    (&["DROP", "GROUP"], &[]),
    (&["DROP", "LANGUAGE"], &[]),
    (&["DROP", "OPERATOR"], &[]),
    (&["DROP", "OWNED"], &[]),
    (&["DROP", "POLICY"], &["ON"]),
    (&["DROP", "PUBLICATION"], &[]),
    (&["DROP", "ROLE"], &[]),
    (&["DROP", "RULE"], &["ON"]),
    (&["DROP", "SERVER"], &[]),
    (&["DROP", "STATISTICS"], &[]),
    (&["DROP", "SUBSCRIPTION"], &[]),
    (&["DROP", "TABLESPACE"], &[]),
    (&["DROP", "TEXT", "SEARCH"], &[]),
    (&["DROP", "TRANSFORM"], &[]),
    (&["DROP", "USER"], &[]),
    (&["DROP", "USER", "MAPPING"], &[]),
    (&["GRANT"], &["ON", "TABLE"]),
    (&["IMPORT", "FOREIGN", "SCHEMA"], &[]),
    (&["LISTEN"], &[]),
    (&["LOAD"], &[]),
    (&["NOTIFY"], &[]),
    (&["REASSIGN", "OWNED"], &[]),
    (&["REVOKE"], &["ON", "TABLE"]),
    (&["SECURITY", "LABEL"], &["ON", "TABLE"]),
    (&["UNLISTEN"], &[]),
    (&["VACUUM"], &["VACUUM"]),
];

/// Options and clause words that may sit between a keyword and its tables.
const SKIP_BEFORE_TABLES: &[&str] = &["ONLY", "VERBOSE", "ANALYZE", "FULL", "FREEZE", "TABLE"];

/// The cursor is at the statement's first word.
pub(super) fn other(c: &mut Cursor<'_>) -> Option<Stmt> {
    let (head, tables_after) = HEADS
        .iter()
        .filter(|(h, _)| c.peek_keywords(h))
        .max_by_key(|(h, _)| h.len())?;
    // Something must follow most heads; a bare `CREATE ROLE` is no statement.
    if c.toks.len() <= head.len()
        && !matches!(
            head[0],
            "CHECKPOINT" | "ANALYZE" | "VACUUM" | "LOAD" | "CLUSTER"
        )
    {
        return None;
    }
    let tables = if tables_after.is_empty() {
        Vec::new()
    } else {
        tables(c, tables_after)
    };
    let what = if *head == ["VACUUM"] && vacuum_full(c) {
        "VACUUM FULL".to_owned()
    } else {
        head.join(" ")
    };
    Some(Stmt::Other { what, tables })
}

/// `VACUUM FULL t` or `VACUUM (FULL) t`: the form that rewrites the table
/// under ACCESS EXCLUSIVE (`FULL false` is plain VACUUM).
fn vacuum_full(c: &Cursor<'_>) -> bool {
    let mut t = c.clone();
    while let Some(tok) = t.next() {
        if matches!(tok, Token::Word(w) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case("FULL"))
        {
            let off = t.peek_keyword("FALSE")
                || t.peek_keyword("OFF")
                || matches!(t.peek(), Some(Token::Number(n, _)) if n == "0");
            return !off;
        }
    }
    false
}

/// The comma-separated relation names after the first top-level occurrence
/// of `after`; empty when the words are absent or something else follows
/// (`GRANT ... ON SCHEMA s` names no table).
fn tables(c: &Cursor<'_>, after: &[&str]) -> Vec<QualifiedName> {
    let mut t = c.clone();
    // `ON TABLE` reads as `ON [TABLE]`: the last word is optional when more
    // than one is given, unless the object is some other kind.
    let (required, optional) = match after {
        [first, rest @ ..] if !rest.is_empty() => (
            &after[..1],
            rest.first().copied().filter(|_| *first == "ON"),
        ),
        _ => (after, None),
    };
    t.skip_until(|c| c.peek_keywords(required));
    if !t.eat_keywords(required) {
        return Vec::new();
    }
    if let Some(word) = optional
        && !t.eat_keyword(word)
    {
        const KINDS: &[&str] = &[
            "ALL",
            "DATABASE",
            "DOMAIN",
            "FOREIGN",
            "FUNCTION",
            "LANGUAGE",
            "LARGE",
            "PARAMETER",
            "PROCEDURE",
            "ROUTINE",
            "SCHEMA",
            "SEQUENCE",
            "TABLESPACE",
            "TYPE",
            "COLUMN",
            "VIEW",
            "MATERIALIZED",
            "AGGREGATE",
            "EVENT",
            "PUBLICATION",
            "ROLE",
            "SUBSCRIPTION",
        ];
        if KINDS.iter().any(|k| t.peek_keyword(k)) {
            return Vec::new();
        }
    }
    while t.peek() == Some(&sqlparser::tokenizer::Token::LParen) {
        // VACUUM (VERBOSE) t
        if t.skip_balanced_parens().is_none() {
            return Vec::new();
        }
    }
    while SKIP_BEFORE_TABLES.iter().any(|w| t.eat_keyword(w)) {}
    let mut names = Vec::new();
    while let Some(name) = t.parse_qualified_name() {
        names.push(name);
        // Column lists (`ANALYZE t (a, b)`) and clauses after a name.
        t.skip_balanced_parens();
        t.eat_keyword("USING").then(|| t.parse_ident());
        if !t.eat(&sqlparser::tokenizer::Token::Comma) {
            break;
        }
        t.eat_keyword("ONLY");
    }
    names
}
