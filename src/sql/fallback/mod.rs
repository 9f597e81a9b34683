//! Recognising statements sqlparser rejects, on sqlparser's tokenizer.
//!
//! Real migration histories and pg_dump output use forms sqlparser 0.63 does
//! not accept (`CREATE SEQUENCE ... AS integer`, `DROP INDEX CONCURRENTLY IF
//! EXISTS`, `DO $$...$$`, `COMMENT ON FUNCTION f(int)`...). This module reads
//! the token list with one small [`cursor::Cursor`] and one parser per
//! statement family. Column definitions, constraints and expressions inside
//! those forms are handed back to sqlparser and [`super::lower`] wrapped in a
//! `CREATE TABLE`, so there is one lowering of them, not two. Anything not
//! recognised completely is `None`: a wrong summary is worse than none.

mod alter;
mod comment;
mod create;
pub(crate) mod cursor;
mod other;
mod sequence;

use super::ir::{
    FunctionRef, QualifiedName, SequenceOptions, SqlExpr, Stmt, TableElement, TypeName,
};
use cursor::Cursor;
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;
use sqlparser::tokenizer::Token;

/// Recognises `source` (one statement without its `;`), or `None`.
pub fn parse(source: &str) -> Option<Stmt> {
    let toks = cursor::significant(source)?;
    let c = Cursor::new(source, &toks);
    let specific = match c.peek_word_upper()?.as_str() {
        "ALTER" => alter::alter(&mut c.clone()),
        "CREATE" => create::create(&mut c.clone()),
        "COMMENT" => comment::comment(&mut c.clone()),
        "DROP" => drop_index(&mut c.clone()),
        "DO" => do_block(&mut c.clone()),
        "REINDEX" => reindex(&mut c.clone()),
        "REFRESH" => refresh(&mut c.clone()),
        "SELECT" => set_config(&mut c.clone()),
        "SET" | "RESET" => set(&mut c.clone()),
        _ => None,
    };
    specific.or_else(|| other::other(&mut c.clone()))
}

/// The output column names of a query's select list, when every item is a
/// plain column or has an alias.
pub fn query_output_columns(sql: &str) -> Option<Vec<String>> {
    let toks = cursor::significant(sql)?;
    create::output_columns(&Cursor::new(sql, &toks))
}

/// `Some(value)` when the cursor consumed everything, so that a parser that
/// stops early never passes off half a statement as understood.
fn done<T>(c: &Cursor<'_>, value: T) -> Option<T> {
    c.at_end().then_some(value)
}

/// `[IF EXISTS]`
fn if_exists(c: &mut Cursor<'_>) -> bool {
    c.eat_keywords(&["IF", "EXISTS"])
}

/// `[CASCADE | RESTRICT]`: whether CASCADE was written.
fn cascade(c: &mut Cursor<'_>) -> bool {
    if c.eat_keyword("CASCADE") {
        return true;
    }
    c.eat_keyword("RESTRICT");
    false
}

/// `DROP INDEX [CONCURRENTLY] [IF EXISTS] a, b [CASCADE | RESTRICT]`
fn drop_index(c: &mut Cursor<'_>) -> Option<Stmt> {
    c.expect_keyword("DROP")?;
    c.expect_keyword("INDEX")?;
    let concurrently = c.eat_keyword("CONCURRENTLY");
    let if_exists = if_exists(c);
    let names = c.parse_qualified_list()?;
    let cascade = cascade(c);
    done(
        c,
        Stmt::DropIndex {
            names,
            if_exists,
            cascade,
            concurrently,
        },
    )
}

/// `DO [LANGUAGE l] body` (LANGUAGE may also follow the body).
fn do_block(c: &mut Cursor<'_>) -> Option<Stmt> {
    c.expect_keyword("DO")?;
    if c.eat_keyword("LANGUAGE") {
        c.next()?;
    }
    let body = c.parse_string()?;
    if c.eat_keyword("LANGUAGE") {
        c.next()?;
    }
    done(c, Stmt::Do { body })
}

/// `REINDEX [(options)] INDEX|TABLE|SCHEMA|DATABASE|SYSTEM [CONCURRENTLY] [name]`
fn reindex(c: &mut Cursor<'_>) -> Option<Stmt> {
    c.expect_keyword("REINDEX")?;
    let mut concurrently = false;
    if let Some(inner) = c.skip_balanced_parens() {
        let opts = c.sub(inner.start, inner.end);
        concurrently = (0..opts.toks.len()).any(|n| opts.peek_keyword_nth(n, "CONCURRENTLY"));
    }
    let target = c.peek_word_upper()?;
    if !matches!(
        target.as_str(),
        "INDEX" | "TABLE" | "SCHEMA" | "DATABASE" | "SYSTEM"
    ) {
        return None;
    }
    c.next();
    concurrently |= c.eat_keyword("CONCURRENTLY");
    let name = if c.at_end() {
        // `REINDEX DATABASE` / `SYSTEM` may omit the (current) database.
        QualifiedName::unqualified("")
    } else {
        c.parse_qualified_name()?
    };
    done(
        c,
        Stmt::Reindex {
            target,
            name,
            concurrently,
        },
    )
}

/// `REFRESH MATERIALIZED VIEW [CONCURRENTLY] name [WITH [NO] DATA]`
fn refresh(c: &mut Cursor<'_>) -> Option<Stmt> {
    c.expect_keyword("REFRESH")?;
    c.expect_keyword("MATERIALIZED")?;
    c.expect_keyword("VIEW")?;
    let concurrently = c.eat_keyword("CONCURRENTLY");
    let name = c.parse_qualified_name()?;
    let with_data = with_data(c)?;
    done(
        c,
        Stmt::RefreshMaterializedView {
            name,
            concurrently,
            with_data,
        },
    )
}

/// `[WITH [NO] DATA]`: whether data is wanted (the default); `None` for a
/// WITH that is not followed by `[NO] DATA`.
fn with_data(c: &mut Cursor<'_>) -> Option<bool> {
    if c.eat_keywords(&["WITH", "NO", "DATA"]) {
        return Some(false);
    }
    if c.eat_keyword("WITH") {
        c.expect_keyword("DATA")?;
    }
    Some(true)
}

/// pg_dump's header `SELECT pg_catalog.set_config('search_path', '', false)`:
/// a SET in disguise, and the one that matters most for name resolution.
fn set_config(c: &mut Cursor<'_>) -> Option<Stmt> {
    c.expect_keyword("SELECT")?;
    let func = c.parse_qualified_name()?;
    if func.name != "set_config" || func.schema.as_deref().is_some_and(|s| s != "pg_catalog") {
        return None;
    }
    c.require(&Token::LParen)?;
    let name = c.parse_string()?;
    c.require(&Token::Comma)?;
    let value = c.parse_string()?;
    c.require(&Token::Comma)?;
    let local = match c.peek_word_upper()?.as_str() {
        "TRUE" => true,
        "FALSE" => false,
        _ => return None,
    };
    c.next();
    c.require(&Token::RParen)?;
    done(
        c,
        Stmt::Set {
            name: name.to_lowercase(),
            value: Some(value),
            local,
        },
    )
}

/// `SET [SESSION | LOCAL] name {TO | =} value[, ...] | DEFAULT`,
/// `SET [LOCAL] TIME ZONE value`, `RESET name | ALL`.
fn set(c: &mut Cursor<'_>) -> Option<Stmt> {
    if c.eat_keyword("RESET") {
        let name = c.parse_name_parts()?.join(".");
        return done(
            c,
            Stmt::Set {
                name,
                value: None,
                local: false,
            },
        );
    }
    c.expect_keyword("SET")?;
    let local = c.eat_keyword("LOCAL");
    if !local {
        c.eat_keyword("SESSION");
    }
    let name = if c.eat_keywords(&["TIME", "ZONE"]) {
        "timezone".to_owned()
    } else {
        let name = c.parse_name_parts()?.join(".");
        if !c.eat_keyword("TO") {
            c.require(&Token::Eq)?;
        }
        name
    };
    if c.at_end() {
        return None;
    }
    let value = if c.peek_keyword("DEFAULT") && c.toks.len() == c.pos + 1 {
        None
    } else {
        let single = c.toks.len() == c.pos + 1;
        let text = c.rest_as_text().to_owned();
        let unquoted = if single { c.parse_string() } else { None };
        Some(unquoted.unwrap_or(text))
    };
    c.pos = c.toks.len();
    Some(Stmt::Set { name, value, local })
}

/// Lowers a statement built from pieces of the source through sqlparser and
/// [`super::lower`], the one place column definitions, constraints and
/// expressions are summarised.
fn lower_sql(sql: &str) -> Option<Stmt> {
    let mut stmts = Parser::new(&PostgreSqlDialect {})
        .try_with_sql(sql)
        .and_then(|mut p| p.parse_statements())
        .ok()?;
    if stmts.len() != 1 {
        return None;
    }
    let stmt = stmts.pop()?;
    super::lower::lower(&stmt, sql).ok()
}

/// One table element (column definition or table constraint) as written.
fn table_element(text: &str) -> Option<TableElement> {
    let lowered = match lower_sql(&format!("CREATE TABLE x ({text})")) {
        Some(Stmt::CreateTable(mut t)) if t.elements.len() == 1 => t.elements.pop(),
        _ => None,
    };
    lowered.or_else(|| identity_column(text))
}

/// A column `... GENERATED {ALWAYS | BY DEFAULT} AS IDENTITY (options)`:
/// sqlparser reads only some sequence options there, so the options are
/// read here and the column without them goes to sqlparser.
fn identity_column(text: &str) -> Option<TableElement> {
    let toks = cursor::significant(text)?;
    let mut c = Cursor::new(text, &toks);
    c.skip_until(|c| c.peek_keywords(&["AS", "IDENTITY"]));
    c.expect_keyword("AS")?;
    c.expect_keyword("IDENTITY")?;
    let inner = c.skip_balanced_parens()?;
    let mut options = SequenceOptions::default();
    let mut opts = c.sub(inner.start, inner.end);
    sequence::options(&mut opts, &mut options, false)?;
    if !opts.at_end() {
        return None;
    }
    let open = toks.get(inner.start.checked_sub(1)?)?;
    let close = toks.get(inner.end)?;
    let without = format!("{}{}", text.get(..open.start)?, text.get(close.end..)?);
    let Stmt::CreateTable(mut t) = lower_sql(&format!("CREATE TABLE x ({without})"))? else {
        return None;
    };
    let mut el = t.elements.pop()?;
    match &mut el {
        TableElement::Column(col) if t.elements.is_empty() => {
            col.identity.as_mut()?.options = options;
        }
        _ => return None,
    }
    Some(el)
}

/// An expression as written, summarised the way column defaults are.
fn sql_expr(text: &str) -> Option<SqlExpr> {
    match table_element(&format!("x integer DEFAULT {text}"))? {
        TableElement::Column(col) => col.default,
        _ => None,
    }
}

/// A type as written, canonical; `None` when it is not understood.
fn type_name(text: &str) -> Option<TypeName> {
    super::types::parse_type(text).map(|p| p.type_name)
}

/// Words that start a multi-word type name, so that the first word of a
/// function argument is not taken for the argument's name.
const TYPE_LEAD_WORDS: &[&str] = &[
    "BIT",
    "CHAR",
    "CHARACTER",
    "DOUBLE",
    "INTERVAL",
    "NATIONAL",
    "NCHAR",
    "SETOF",
    "TIME",
    "TIMESTAMP",
    "VARCHAR",
];

/// One function argument: `[mode] [name] type [{DEFAULT | =} expr]`.
/// Returns the mode (lower case), the name, the type text and the default
/// text.
fn function_arg<'a>(
    arg: &mut Cursor<'a>,
) -> Option<(String, Option<String>, &'a str, Option<&'a str>)> {
    let mut mode = "in".to_owned();
    for m in ["IN", "OUT", "INOUT", "VARIADIC"] {
        // `in` alone would be a type named "in": a mode needs something after.
        if arg.peek_keyword(m) && arg.peek_nth(1).is_some() {
            mode = m.to_ascii_lowercase();
            arg.next();
            break;
        }
    }
    let named = matches!(arg.peek(), Some(Token::Word(_)))
        && matches!(arg.peek_nth(1), Some(Token::Word(_)))
        && !TYPE_LEAD_WORDS.iter().any(|w| arg.peek_keyword(w))
        && !arg.peek_keyword_nth(1, "DEFAULT");
    let name = if named { arg.parse_ident() } else { None };
    let from = arg.pos;
    let to = arg.skip_until(|c| c.peek_keyword("DEFAULT") || c.peek() == Some(&Token::Eq));
    let ty = arg.text(from, to);
    if ty.is_empty() {
        return None;
    }
    let default = if arg.eat_keyword("DEFAULT") || arg.eat(&Token::Eq) {
        let d = arg.rest_as_text();
        arg.pos = arg.toks.len();
        Some(d)
    } else {
        None
    };
    Some((mode, name, ty, default))
}

/// `name [(argtypes)]` naming a function, procedure or aggregate. Only IN,
/// INOUT and VARIADIC arguments identify it, as in PostgreSQL.
fn function_ref(c: &mut Cursor<'_>) -> Option<FunctionRef> {
    let name = c.parse_qualified_name()?;
    let Some(inner) = c.skip_balanced_parens() else {
        return Some(FunctionRef {
            name,
            arg_types: None,
        });
    };
    let args = c.sub(inner.start, inner.end);
    let mut arg_types = Vec::new();
    // `count(*)`-style aggregates take any row and have no argument types.
    let star = args.toks.len() == 1 && args.peek() == Some(&Token::Mul);
    if !star {
        for mut arg in args.split_commas() {
            if arg.toks.is_empty() {
                continue;
            }
            let (mode, _, ty, _) = function_arg(&mut arg)?;
            if mode != "out" {
                arg_types.push(type_name(ty)?);
            }
        }
    }
    Some(FunctionRef {
        name,
        arg_types: Some(arg_types),
    })
}

#[cfg(test)]
mod tests;
