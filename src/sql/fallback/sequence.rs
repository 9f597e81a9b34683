//! CREATE / ALTER SEQUENCE and the sequence options they share with identity
//! columns (`GENERATED ... AS IDENTITY (options)`, `ALTER COLUMN ... SET ...`).

use super::cursor::Cursor;
use super::{done, if_exists, type_name};
use crate::sql::ir::{AlterSequence, AlterSequenceAction, CreateSequence, SequenceOptions, Stmt};
use sqlparser::tokenizer::Token;

/// Words that start a sequence option; a type after `AS` ends at one.
const OPTION_WORDS: &[&str] = &[
    "AS",
    "CACHE",
    "CYCLE",
    "INCREMENT",
    "LOGGED",
    "MAXVALUE",
    "MINVALUE",
    "NO",
    "OWNED",
    "RESTART",
    "SEQUENCE",
    "START",
    "UNLOGGED",
];

/// Reads sequence options until something that is not one; `None` when an
/// option is malformed. `allow_set`: identity columns write `SET INCREMENT
/// BY 2` and `SET GENERATED ...` (the latter is left to the caller).
pub(super) fn options(
    c: &mut Cursor<'_>,
    opts: &mut SequenceOptions,
    allow_set: bool,
) -> Option<()> {
    loop {
        let save = c.pos;
        if allow_set && c.eat_keyword("SET") && c.peek_keyword("GENERATED") {
            c.pos = save;
            return Some(());
        }
        if !option(c, opts)? {
            c.pos = save;
            return Some(());
        }
    }
}

/// One option; `Some(false)` when the cursor is not at an option.
fn option(c: &mut Cursor<'_>, o: &mut SequenceOptions) -> Option<bool> {
    let Some(word) = c.peek_word_upper() else {
        return Some(false);
    };
    match word.as_str() {
        "AS" => {
            c.next();
            let from = c.pos;
            let to = c.skip_until(|c| {
                OPTION_WORDS.iter().any(|w| c.peek_keyword(w)) || c.peek() == Some(&Token::RParen)
            });
            o.data_type = Some(type_name(c.text(from, to))?);
        }
        "INCREMENT" => {
            c.next();
            c.eat_keyword("BY");
            o.increment = Some(c.parse_number()?);
        }
        "MINVALUE" => {
            c.next();
            o.min_value = Some(Some(c.parse_number()?));
        }
        "MAXVALUE" => {
            c.next();
            o.max_value = Some(Some(c.parse_number()?));
        }
        "NO" => {
            c.next();
            match c.peek_word_upper()?.as_str() {
                "MINVALUE" => o.min_value = Some(None),
                "MAXVALUE" => o.max_value = Some(None),
                "CYCLE" => o.cycle = Some(false),
                _ => return None,
            }
            c.next();
        }
        "START" => {
            c.next();
            c.eat_keyword("WITH");
            o.start = Some(c.parse_number()?);
        }
        "RESTART" => {
            c.next();
            let with = c.eat_keyword("WITH");
            let n = c.parse_number();
            if with && n.is_none() {
                return None;
            }
            o.restart = Some(n);
        }
        "CACHE" => {
            c.next();
            o.cache = Some(c.parse_number()?);
        }
        "CYCLE" => {
            c.next();
            o.cycle = Some(true);
        }
        "OWNED" => {
            c.next();
            c.expect_keyword("BY")?;
            if c.eat_keyword("NONE") {
                o.owned_by = Some(None);
            } else {
                let mut parts = c.parse_name_parts()?;
                let column = parts.pop()?;
                let table = parts.pop()?;
                let table = crate::sql::ir::QualifiedName {
                    schema: parts.pop(),
                    name: table,
                };
                o.owned_by = Some(Some((table, column)));
            }
        }
        // The implicit sequence's name and persistence: nothing the model
        // keeps about a sequence.
        "SEQUENCE" => {
            c.next();
            c.expect_keyword("NAME")?;
            c.parse_qualified_name()?;
        }
        "LOGGED" | "UNLOGGED" => {
            c.next();
        }
        _ => return Some(false),
    }
    Some(true)
}

/// `CREATE [TEMP | UNLOGGED] SEQUENCE [IF NOT EXISTS] name options`; the
/// cursor is past CREATE and the persistence words.
pub(super) fn create(c: &mut Cursor<'_>, temporary: bool) -> Option<Stmt> {
    c.expect_keyword("SEQUENCE")?;
    let if_not_exists = c.eat_keywords(&["IF", "NOT", "EXISTS"]);
    let name = c.parse_qualified_name()?;
    let mut opts = SequenceOptions::default();
    options(c, &mut opts, false)?;
    done(
        c,
        Stmt::CreateSequence(CreateSequence {
            name,
            if_not_exists,
            temporary,
            options: opts,
        }),
    )
}

/// `ALTER SEQUENCE [IF EXISTS] name options | RENAME TO | SET SCHEMA | ...`;
/// the cursor is past ALTER.
pub(super) fn alter(c: &mut Cursor<'_>) -> Option<Stmt> {
    c.expect_keyword("SEQUENCE")?;
    let if_exists = if_exists(c);
    let name = c.parse_qualified_name()?;
    let action = if c.eat_keywords(&["RENAME", "TO"]) {
        AlterSequenceAction::RenameTo {
            new_name: c.parse_ident()?,
        }
    } else if c.eat_keywords(&["SET", "SCHEMA"]) {
        AlterSequenceAction::SetSchema {
            schema: c.parse_ident()?,
        }
    } else if c.eat_keywords(&["OWNER", "TO"]) {
        c.next()?;
        AlterSequenceAction::Other {
            what: "OWNER TO".to_owned(),
        }
    } else if c.peek_keywords(&["SET", "LOGGED"]) || c.peek_keywords(&["SET", "UNLOGGED"]) {
        let what = format!(
            "SET {}",
            c.peek_nth(1)
                .map(|t| t.to_string().to_uppercase())
                .unwrap_or_default()
        );
        c.pos += 2;
        AlterSequenceAction::Other { what }
    } else {
        let mut opts = SequenceOptions::default();
        options(c, &mut opts, false)?;
        if opts == SequenceOptions::default() {
            return None;
        }
        AlterSequenceAction::Options(opts)
    };
    done(
        c,
        Stmt::AlterSequence(AlterSequence {
            name,
            if_exists,
            action,
        }),
    )
}
