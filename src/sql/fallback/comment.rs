//! `COMMENT ON <object> IS '...' | NULL` for every object kind, including the
//! ones sqlparser rejects (functions by signature, constraints, triggers).

use super::cursor::Cursor;
use super::{done, function_ref};
use crate::sql::ir::{CommentTarget, QualifiedName, Stmt};

/// Object kinds the model does not track, longest first within a prefix.
const OTHER_KINDS: &[&[&str]] = &[
    &["ACCESS", "METHOD"],
    &["CAST"],
    &["COLLATION"],
    &["CONVERSION"],
    &["DATABASE"],
    &["EVENT", "TRIGGER"],
    &["FOREIGN", "DATA", "WRAPPER"],
    &["FOREIGN", "TABLE"],
    &["LANGUAGE"],
    &["LARGE", "OBJECT"],
    &["OPERATOR", "CLASS"],
    &["OPERATOR", "FAMILY"],
    &["OPERATOR"],
    &["POLICY"],
    &["PROCEDURAL", "LANGUAGE"],
    &["PUBLICATION"],
    &["ROLE"],
    &["RULE"],
    &["SERVER"],
    &["STATISTICS"],
    &["SUBSCRIPTION"],
    &["TABLESPACE"],
    &["TEXT", "SEARCH", "CONFIGURATION"],
    &["TEXT", "SEARCH", "DICTIONARY"],
    &["TEXT", "SEARCH", "PARSER"],
    &["TEXT", "SEARCH", "TEMPLATE"],
    &["TRANSFORM", "FOR"],
];

/// The cursor is at COMMENT.
pub(super) fn comment(c: &mut Cursor<'_>) -> Option<Stmt> {
    c.expect_keyword("COMMENT")?;
    c.expect_keyword("ON")?;
    // The object ends at the last top-level IS; what follows is the text.
    let mut probe = c.clone();
    let mut is_at = None;
    loop {
        let at = probe.skip_until(|c| c.peek_keyword("IS"));
        if probe.at_end() {
            break;
        }
        is_at = Some(at);
        probe.next();
    }
    let is_at = is_at?;
    let mut obj = c.sub(c.pos, is_at);
    let target = target(&mut obj)?;
    if !obj.at_end() {
        return None;
    }
    c.pos = is_at + 1;
    let text = if c.eat_keyword("NULL") {
        None
    } else {
        Some(c.parse_string()?)
    };
    done(c, Stmt::Comment { target, text })
}

fn target(c: &mut Cursor<'_>) -> Option<CommentTarget> {
    let kind = c.peek_word_upper()?;
    let simple: Option<fn(QualifiedName) -> CommentTarget> = match kind.as_str() {
        "TABLE" => Some(CommentTarget::Table),
        "VIEW" => Some(CommentTarget::View),
        "INDEX" => Some(CommentTarget::Index),
        "SEQUENCE" => Some(CommentTarget::Sequence),
        "TYPE" => Some(CommentTarget::Type),
        "DOMAIN" => Some(CommentTarget::Domain),
        _ => None,
    };
    if let Some(make) = simple {
        c.next();
        return Some(make(c.parse_qualified_name()?));
    }
    let target = match kind.as_str() {
        "MATERIALIZED" => {
            c.next();
            c.expect_keyword("VIEW")?;
            CommentTarget::MaterializedView(c.parse_qualified_name()?)
        }
        "COLUMN" => {
            c.next();
            let mut parts = c.parse_name_parts()?;
            let column = parts.pop()?;
            let name = parts.pop()?;
            CommentTarget::Column {
                table: QualifiedName {
                    schema: parts.pop(),
                    name,
                },
                column,
            }
        }
        "SCHEMA" => {
            c.next();
            CommentTarget::Schema(c.parse_ident()?)
        }
        "EXTENSION" => {
            c.next();
            CommentTarget::Extension(c.parse_ident()?)
        }
        "FUNCTION" | "PROCEDURE" | "AGGREGATE" | "ROUTINE" => {
            c.next();
            CommentTarget::Function(function_ref(c)?)
        }
        "CONSTRAINT" if !c.peek_keywords(&["CONSTRAINT", "TRIGGER"]) => {
            c.next();
            let name = c.parse_ident()?;
            c.expect_keyword("ON")?;
            if c.peek_keyword("DOMAIN") {
                let object = format!("{name} ON {}", c.rest_as_text());
                c.pos = c.toks.len();
                return Some(CommentTarget::Other {
                    kind: "CONSTRAINT".to_owned(),
                    object,
                });
            }
            CommentTarget::Constraint {
                name,
                table: c.parse_qualified_name()?,
            }
        }
        "TRIGGER" => {
            c.next();
            let name = c.parse_ident()?;
            c.expect_keyword("ON")?;
            CommentTarget::Trigger {
                name,
                table: c.parse_qualified_name()?,
            }
        }
        _ => {
            let words = OTHER_KINDS.iter().find(|k| c.peek_keywords(k))?;
            c.pos += words.len();
            let object = c.rest_as_text().to_owned();
            if object.is_empty() {
                return None;
            }
            c.pos = c.toks.len();
            CommentTarget::Other {
                kind: words.join(" "),
                object,
            }
        }
    };
    Some(target)
}
