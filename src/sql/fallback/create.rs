//! CREATE forms sqlparser rejects: sequences with pg_dump's options,
//! extensions with SCHEMA/VERSION, tables with LIKE or PARTITION OF,
//! materialized views WITH [NO] DATA, aggregates, and routines with
//! SQL-standard `BEGIN ATOMIC` bodies.

use super::cursor::{Cursor, fold};
use super::{done, function_arg, lower_sql, sequence, sql_expr, table_element, type_name};
use crate::sql::ir::{
    CreateFunction, CreateTable, CreateView, FunctionArg, PartitionOf, QualifiedName, QueryInfo,
    RoutineKind, Stmt, TableElement, quote_ident,
};
use crate::sql::keywords::is_reserved;
use sqlparser::tokenizer::Token;

/// The cursor is at CREATE.
pub(super) fn create(c: &mut Cursor<'_>) -> Option<Stmt> {
    c.expect_keyword("CREATE")?;
    let or_replace = c.eat_keywords(&["OR", "REPLACE"]);
    if !c.eat_keyword("GLOBAL") {
        c.eat_keyword("LOCAL");
    }
    let temporary = c.eat_keyword("TEMP") || c.eat_keyword("TEMPORARY");
    let unlogged = c.eat_keyword("UNLOGGED");
    match c.peek_word_upper()?.as_str() {
        "SEQUENCE" => sequence::create(c, temporary),
        "EXTENSION" => extension(c),
        "TABLE" => table(c, temporary, unlogged),
        "MATERIALIZED" => materialized_view(c),
        "AGGREGATE" => aggregate(c, or_replace),
        "FUNCTION" | "PROCEDURE" => routine(c, or_replace),
        "TRIGGER" | "CONSTRAINT" => trigger(c),
        "DOMAIN" => domain(c),
        _ => None,
    }
}

/// `CREATE EXTENSION [IF NOT EXISTS] name [WITH] [SCHEMA s] [VERSION v]
/// [FROM old] [CASCADE]`
fn extension(c: &mut Cursor<'_>) -> Option<Stmt> {
    c.expect_keyword("EXTENSION")?;
    let if_not_exists = c.eat_keywords(&["IF", "NOT", "EXISTS"]);
    let name = c.parse_ident()?;
    c.eat_keyword("WITH");
    let (mut schema, mut version) = (None, None);
    loop {
        if c.eat_keyword("SCHEMA") {
            schema = Some(c.parse_ident()?);
        } else if c.eat_keyword("VERSION") {
            version = Some(c.parse_string().or_else(|| c.parse_ident())?);
        } else if c.eat_keyword("FROM") {
            c.parse_string().or_else(|| c.parse_ident())?;
        } else if !c.eat_keyword("CASCADE") {
            break;
        }
    }
    done(
        c,
        Stmt::CreateExtension {
            name,
            if_not_exists,
            schema,
            version,
        },
    )
}

/// Clause words that end a PARTITION BY or a partition bound.
fn at_table_clause(c: &Cursor<'_>) -> bool {
    ["USING", "WITH", "WITHOUT", "TABLESPACE", "ON"]
        .iter()
        .any(|w| c.peek_keyword(w))
        || c.peek_keywords(&["PARTITION", "BY"])
}

/// `CREATE TABLE [IF NOT EXISTS] name (elements) [INHERITS (...)]
/// [PARTITION BY ...] ...` or `... PARTITION OF parent [(elements)] bound`.
/// LIKE elements are read here; every other element goes to sqlparser.
fn table(c: &mut Cursor<'_>, temporary: bool, unlogged: bool) -> Option<Stmt> {
    c.expect_keyword("TABLE")?;
    let if_not_exists = c.eat_keywords(&["IF", "NOT", "EXISTS"]);
    let name = c.parse_qualified_name()?;
    let mut partition_of = None;
    if c.eat_keywords(&["PARTITION", "OF"]) {
        partition_of = Some(c.parse_qualified_name()?);
    }
    let mut elements = Vec::new();
    if let Some(inner) = c.skip_balanced_parens() {
        for mut el in c.sub(inner.start, inner.end).split_commas() {
            if el.toks.is_empty() {
                continue;
            }
            elements.push(if el.eat_keyword("LIKE") {
                like(&mut el)?
            } else if partition_of.is_some() {
                partition_element(&mut el)?
            } else {
                table_element(el.rest_as_text())?
            });
        }
    } else if partition_of.is_none() {
        return None;
    }
    let partition_of = match partition_of {
        Some(parent) => {
            let from = c.pos;
            if !c.eat_keywords(&["FOR", "VALUES"]) && !c.eat_keyword("DEFAULT") {
                return None;
            }
            let to = c.skip_until(at_table_clause);
            Some(PartitionOf {
                parent,
                bound: c.text(from, to).to_owned(),
            })
        }
        None => None,
    };
    let mut inherits = Vec::new();
    if c.eat_keyword("INHERITS") {
        let inner = c.skip_balanced_parens()?;
        inherits = c.sub(inner.start, inner.end).parse_qualified_list()?;
    }
    let mut partition_by = None;
    if c.eat_keywords(&["PARTITION", "BY"]) {
        let from = c.pos;
        let to = c.skip_until(at_table_clause);
        partition_by = Some(c.text(from, to).to_owned());
    }
    // Storage clauses (USING, WITH (...), TABLESPACE, ON COMMIT) do not
    // change the model.
    c.skip_until(|c| c.peek_keyword("AS"));
    done(
        c,
        Stmt::CreateTable(CreateTable {
            name,
            if_not_exists,
            unlogged,
            temporary,
            elements,
            inherits,
            partition_by,
            partition_of,
            as_query: None,
        }),
    )
}

/// An element of `PARTITION OF parent (...)`: a table constraint, or
/// `column [WITH OPTIONS] options` with no type (the parent's column's).
/// The column comes back typed `unknown`; the replay only merges its
/// options into the parent's column.
fn partition_element(c: &mut Cursor<'_>) -> Option<TableElement> {
    const CONSTRAINT_WORDS: &[&str] = &[
        "CONSTRAINT",
        "PRIMARY",
        "UNIQUE",
        "CHECK",
        "FOREIGN",
        "EXCLUDE",
    ];
    if CONSTRAINT_WORDS.iter().any(|w| c.peek_keyword(w)) {
        return table_element(c.rest_as_text());
    }
    let name = c.parse_ident()?;
    c.eat_keywords(&["WITH", "OPTIONS"]);
    let rest = c.rest_as_text();
    match table_element(&format!("{} unknown {rest}", quote_ident(&name)))? {
        TableElement::Column(mut col) => {
            col.name = name;
            Some(TableElement::Column(col))
        }
        _ => None,
    }
}

/// After LIKE: `source [{INCLUDING | EXCLUDING} option ...]`
fn like(c: &mut Cursor<'_>) -> Option<TableElement> {
    let source = c.parse_qualified_name()?;
    let mut options = Vec::new();
    while let Some(word) = c.peek_word_upper() {
        if word != "INCLUDING" && word != "EXCLUDING" {
            return None;
        }
        c.next();
        let option = c.peek_word_upper()?;
        c.next();
        options.push(format!("{word} {option}"));
    }
    done(c, TableElement::Like { source, options })
}

/// `CREATE MATERIALIZED VIEW [IF NOT EXISTS] name [(cols)] [USING m]
/// [WITH (opts)] [TABLESPACE t] AS query [WITH [NO] DATA]`
fn materialized_view(c: &mut Cursor<'_>) -> Option<Stmt> {
    let start = c.pos;
    c.expect_keyword("MATERIALIZED")?;
    c.expect_keyword("VIEW")?;
    let if_not_exists = c.eat_keywords(&["IF", "NOT", "EXISTS"]);
    let name = c.parse_qualified_name()?;
    let mut columns = Vec::new();
    if let Some(inner) = c.skip_balanced_parens() {
        for mut col in c.sub(inner.start, inner.end).split_commas() {
            columns.push(col.parse_ident()?);
            if !col.at_end() {
                return None;
            }
        }
    }
    c.skip_until(|c| c.peek_keyword("AS"));
    c.expect_keyword("AS")?;
    let query_start = c.pos;
    let n = c.toks.len();
    let tail = |k: usize| c.sub(n.saturating_sub(k), n);
    let (query_end, with_data) =
        if n >= query_start + 3 && tail(3).peek_keywords(&["WITH", "NO", "DATA"]) {
            (n - 3, false)
        } else if n >= query_start + 2 && tail(2).peek_keywords(&["WITH", "DATA"]) {
            (n - 2, true)
        } else {
            (n, true)
        };
    if query_end <= query_start {
        return None;
    }
    // sqlparser reads the statement without its WITH DATA clause: its
    // summary of the query is the one every other view gets.
    let head = format!("CREATE {}", c.text(start, query_end));
    let query = match lower_sql(&head) {
        Some(Stmt::CreateView(v)) => v.query,
        _ => query_info(&c.sub(query_start, query_end)),
    };
    Some(Stmt::CreateView(CreateView {
        name,
        or_replace: false,
        materialized: true,
        temporary: false,
        if_not_exists,
        columns,
        query,
        with_data,
    }))
}

/// Words that are never column names in a query, beyond the reserved ones.
const QUERY_WORDS: &[&str] = &[
    "by",
    "current",
    "data",
    "exclude",
    "filter",
    "first",
    "following",
    "groups",
    "last",
    "materialized",
    "no",
    "nulls",
    "ordinality",
    "others",
    "over",
    "partition",
    "preceding",
    "range",
    "recursive",
    "rows",
    "ties",
    "unbounded",
    "within",
];

/// A query summarised from its tokens alone: relations after FROM / JOIN,
/// identifiers as columns, output names when every select item names one.
pub(super) fn query_info(q: &Cursor<'_>) -> QueryInfo {
    let toks = q.toks;
    let mut relations: Vec<QualifiedName> = Vec::new();
    let mut columns: Vec<String> = Vec::new();
    let mut used = vec![false; toks.len()];
    let mut i = 0;
    while i < toks.len() {
        let kw = |w: &str| matches!(&toks[i].token, Token::Word(x) if x.quote_style.is_none() && x.value.eq_ignore_ascii_case(w));
        if kw("FROM") || kw("JOIN") {
            let mut c = q.sub(0, toks.len());
            c.pos = i + 1;
            loop {
                while c.eat(&Token::LParen) || c.eat_keyword("ONLY") || c.eat_keyword("LATERAL") {}
                let from = c.pos;
                let is_query = ["SELECT", "VALUES", "WITH"]
                    .iter()
                    .any(|w| c.peek_keyword(w));
                if is_query {
                    break;
                }
                let Some(name) = c.parse_qualified_name() else {
                    break;
                };
                if c.peek() == Some(&Token::LParen) {
                    // A set-returning function, not a relation.
                    c.pos = from;
                    break;
                }
                if !relations.contains(&name) {
                    relations.push(name);
                }
                c.eat_keyword("AS");
                if matches!(c.peek(), Some(Token::Word(w)) if w.quote_style.is_some() || !is_alias_stop(&w.value))
                {
                    c.next();
                }
                used[from..c.pos].iter_mut().for_each(|u| *u = true);
                if !c.eat(&Token::Comma) {
                    break;
                }
            }
            i = c.pos.max(i + 1);
            continue;
        }
        i += 1;
    }
    let mut i = 0;
    while i < toks.len() {
        let Some(part) = (!used[i]).then(|| fold(&toks[i].token)).flatten() else {
            i += 1;
            continue;
        };
        let quoted = matches!(&toks[i].token, Token::Word(w) if w.quote_style.is_some());
        let after_cast = i > 0 && toks[i - 1].token == Token::DoubleColon;
        let after_as = i > 0
            && matches!(&toks[i - 1].token, Token::Word(w) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case("AS"));
        // Follow a dotted name to its last part.
        let mut last = part;
        let mut j = i + 1;
        while j + 1 < toks.len() && toks[j].token == Token::Period {
            match fold(&toks[j + 1].token) {
                Some(p) => last = p,
                None => break,
            }
            j += 2;
        }
        let call = toks.get(j).map(|t| &t.token) == Some(&Token::LParen);
        let keyword = !quoted && (is_reserved(&last) || QUERY_WORDS.contains(&last.as_str()));
        if !call && !keyword && !after_cast && !after_as && !columns.contains(&last) {
            columns.push(last);
        }
        i = j;
    }
    QueryInfo {
        sql: q.rest_as_text().to_owned(),
        relations,
        // Without a syntax tree, qualifiers are not known: every identifier
        // may belong to any relation read.
        column_refs: columns.iter().map(|c| (None, c.clone())).collect(),
        aliases: Vec::new(),
        columns,
        output_columns: output_columns(q),
    }
}

/// Words after a relation that are clauses, not its alias.
fn is_alias_stop(word: &str) -> bool {
    let w = word.to_ascii_lowercase();
    is_reserved(&w) || QUERY_WORDS.contains(&w.as_str())
}

/// The select list's names when each item is a plain column or has an AS
/// alias; `None` otherwise.
pub(super) fn output_columns(q: &Cursor<'_>) -> Option<Vec<String>> {
    let mut c = q.clone();
    c.expect_keyword("SELECT")?;
    if c.peek_keyword("DISTINCT") || c.peek_keyword("ALL") {
        return None;
    }
    let from = c.pos;
    let to = c.skip_until(|c| c.peek_keyword("FROM"));
    let mut names = Vec::new();
    for item in c.sub(from, to).split_commas() {
        let n = item.toks.len();
        let name = if n >= 2 && item.sub(n - 2, n - 1).peek_keyword("AS") {
            fold(&item.toks[n - 1].token)?
        } else {
            let mut plain = item.clone();
            let parts = plain.parse_name_parts()?;
            if !plain.at_end() {
                return None;
            }
            parts.last()?.clone()
        };
        names.push(name);
    }
    Some(names)
}

/// `CREATE [OR REPLACE] AGGREGATE name ([args] [ORDER BY args]) (params)`
/// or the old `CREATE AGGREGATE name (BASETYPE = t, ...)`.
fn aggregate(c: &mut Cursor<'_>, or_replace: bool) -> Option<Stmt> {
    c.expect_keyword("AGGREGATE")?;
    let name = c.parse_qualified_name()?;
    let first = c.skip_balanced_parens()?;
    let mut args = Vec::new();
    if c.skip_balanced_parens().is_some() {
        let list = c.sub(first.start, first.end);
        let star = list.toks.len() == 1 && list.peek() == Some(&Token::Mul);
        if !star {
            // The direct and aggregated arguments of an ordered-set
            // aggregate together make its signature.
            let mut parts = Vec::new();
            let mut l = list.clone();
            let split = l.skip_until(|c| c.peek_keywords(&["ORDER", "BY"]));
            parts.extend(list.sub(0, split).split_commas());
            if split < list.toks.len() {
                parts.extend(list.sub(split + 2, list.toks.len()).split_commas());
            }
            for mut part in parts {
                if part.toks.is_empty() {
                    continue;
                }
                let (mode, name, ty, _) = function_arg(&mut part)?;
                args.push(FunctionArg {
                    mode,
                    name,
                    data_type: type_name(ty)?,
                    default: None,
                });
            }
        }
    } else {
        for mut param in c.sub(first.start, first.end).split_commas() {
            if param.eat_keyword("BASETYPE") {
                param.require(&Token::Eq)?;
                let ty = param.rest_as_text();
                if !ty.eq_ignore_ascii_case("any") && !ty.eq_ignore_ascii_case("'any'") {
                    args.push(FunctionArg {
                        mode: "in".to_owned(),
                        name: None,
                        data_type: type_name(ty)?,
                        default: None,
                    });
                }
            }
        }
    }
    done(
        c,
        Stmt::CreateFunction(CreateFunction {
            name,
            kind: RoutineKind::Aggregate,
            or_replace,
            args,
            returns: None,
            language: None,
            body: None,
            volatility: None,
            definition: c.src.to_owned(),
        }),
    )
}

/// Words that start a routine option, ending a RETURNS clause.
const ROUTINE_OPTIONS: &[&str] = &[
    "AS",
    "BEGIN",
    "CALLED",
    "COST",
    "EXTERNAL",
    "IMMUTABLE",
    "LANGUAGE",
    "LEAKPROOF",
    "NOT",
    "PARALLEL",
    "RETURNS",
    "ROWS",
    "SECURITY",
    "SET",
    "STABLE",
    "STRICT",
    "SUPPORT",
    "TRANSFORM",
    "VOLATILE",
    "WINDOW",
];

/// `CREATE [OR REPLACE] FUNCTION | PROCEDURE name (args) [RETURNS ...]
/// options [BEGIN ATOMIC ... END]`: sqlparser has no SQL-standard bodies.
fn routine(c: &mut Cursor<'_>, or_replace: bool) -> Option<Stmt> {
    let kind = if c.eat_keyword("FUNCTION") {
        RoutineKind::Function
    } else {
        c.expect_keyword("PROCEDURE")?;
        RoutineKind::Procedure
    };
    let name = c.parse_qualified_name()?;
    let inner = c.skip_balanced_parens()?;
    let mut args = Vec::new();
    for mut arg in c.sub(inner.start, inner.end).split_commas() {
        if arg.toks.is_empty() {
            continue;
        }
        let (mode, name, ty, default) = function_arg(&mut arg)?;
        args.push(FunctionArg {
            mode,
            name,
            data_type: type_name(ty)?,
            default: match default {
                Some(d) => Some(sql_expr(d)?),
                None => None,
            },
        });
    }
    let mut returns = None;
    if c.eat_keyword("RETURNS") {
        let from = c.pos;
        let to = c.skip_until(|c| ROUTINE_OPTIONS.iter().any(|w| c.peek_keyword(w)));
        returns = Some(c.text(from, to).to_owned()).filter(|r| !r.is_empty());
    }
    let (mut language, mut body, mut volatility) = (None, None, None);
    while !c.at_end() {
        let word = c.peek_word_upper()?;
        match word.as_str() {
            "LANGUAGE" => {
                c.next();
                language = Some(c.parse_ident().or_else(|| c.parse_string())?.to_lowercase());
            }
            "IMMUTABLE" | "STABLE" | "VOLATILE" => {
                c.next();
                volatility = Some(word.to_ascii_lowercase());
            }
            "AS" => {
                c.next();
                body = Some(c.parse_string()?);
                // The C form's second string (link symbol).
                if c.eat(&Token::Comma) {
                    c.parse_string()?;
                }
            }
            "BEGIN" if c.peek_keyword_nth(1, "ATOMIC") => {
                // The standard body runs to the end of the statement.
                let text = c.rest_as_text();
                let words: Vec<_> = text.split_whitespace().collect();
                if !words.last().is_some_and(|w| w.eq_ignore_ascii_case("END")) {
                    return None;
                }
                body = Some(text.to_owned());
                c.pos = c.toks.len();
            }
            _ => {
                // Other options (STRICT, SECURITY DEFINER, SET x = y, COST n,
                // PARALLEL SAFE...) run up to the next option word.
                c.next();
                c.skip_until(|c| ROUTINE_OPTIONS.iter().any(|w| c.peek_keyword(w)));
            }
        }
    }
    Some(Stmt::CreateFunction(CreateFunction {
        name,
        kind,
        or_replace,
        args,
        returns,
        language,
        body,
        volatility,
        definition: c.src.to_owned(),
    }))
}

/// `CREATE [CONSTRAINT] TRIGGER ... EXECUTE {FUNCTION | PROCEDURE} f(args)`
/// with string arguments, which sqlparser takes for a type list: the
/// statement goes to sqlparser without them and they are put back as
/// written.
fn trigger(c: &mut Cursor<'_>) -> Option<Stmt> {
    let mut at = c.clone();
    at.skip_until(|c| c.peek_keyword("EXECUTE"));
    at.expect_keyword("EXECUTE")?;
    if !at.eat_keyword("FUNCTION") {
        at.expect_keyword("PROCEDURE")?;
    }
    at.parse_qualified_name()?;
    let args = at.skip_balanced_parens()?;
    if !at.at_end() {
        return None;
    }
    let toks = at.toks;
    let open = toks.get(args.start.checked_sub(1)?)?;
    let close = toks.get(args.end)?;
    let src = c.src;
    let without = format!("{}(){}", src.get(..open.start)?, src.get(close.end..)?);
    let Stmt::CreateTrigger(mut ct) = lower_sql(&without)? else {
        return None;
    };
    ct.arguments = at
        .sub(args.start, args.end)
        .split_commas()
        .iter()
        .map(|a| a.rest_as_text().to_owned())
        .filter(|a| !a.is_empty())
        .collect();
    ct.definition = src.trim().to_owned();
    c.pos = c.toks.len();
    done(c, Stmt::CreateTrigger(ct))
}

/// `CREATE DOMAIN name [AS] type [COLLATE c] [DEFAULT e]
/// [[CONSTRAINT n] {NOT NULL | NULL | CHECK (e)}] ...`: sqlparser rejects
/// NOT NULL on domains.
fn domain(c: &mut Cursor<'_>) -> Option<Stmt> {
    const CLAUSES: &[&str] = &["COLLATE", "DEFAULT", "CONSTRAINT", "NOT", "NULL", "CHECK"];
    let at_clause = |c: &Cursor<'_>| CLAUSES.iter().any(|w| c.peek_keyword(w));
    c.expect_keyword("DOMAIN")?;
    let name = c.parse_qualified_name()?;
    c.eat_keyword("AS");
    let from = c.pos;
    let to = c.skip_until(at_clause);
    let data_type = type_name(c.text(from, to))?;
    let (mut collation, mut default, mut not_null, mut checks) = (None, None, false, Vec::new());
    while !c.at_end() {
        if c.eat_keyword("COLLATE") {
            collation = Some(c.parse_ident()?);
            continue;
        }
        if c.eat_keyword("DEFAULT") {
            let from = c.pos;
            let to = c.skip_until(at_clause);
            default = Some(sql_expr(c.text(from, to))?);
            continue;
        }
        let constraint = if c.eat_keyword("CONSTRAINT") {
            Some(c.parse_ident()?)
        } else {
            None
        };
        if c.eat_keywords(&["NOT", "NULL"]) {
            not_null = true;
        } else if c.eat_keyword("NULL") {
            not_null = false;
        } else if c.eat_keyword("CHECK") {
            let inner = c.skip_balanced_parens()?;
            let expr = sql_expr(c.text(inner.start, inner.end))?;
            checks.push((constraint, expr));
        } else {
            return None;
        }
    }
    done(
        c,
        Stmt::CreateDomain(crate::sql::ir::CreateDomain {
            name,
            data_type,
            default,
            not_null,
            collation,
            checks,
        }),
    )
}
