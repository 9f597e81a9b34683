//! SQL: split scripts into located statements and summarise each one.
//!
//! This is the only module that uses sqlparser types. Each statement is
//! parsed with sqlparser's PostgreSQL dialect and lowered to the [`ir`]
//! summary; forms sqlparser rejects are recognised by a small fallback on
//! sqlparser's tokenizer; anything else stays an opaque statement with its
//! location and the parser's message. Nothing here knows about the schema.

pub mod fallback;
// Statement summaries are built once and read many times; boxing the
// large variants would buy nothing measurable.
#[allow(clippy::large_enum_variant)]
pub mod ir;
pub mod keywords;
pub mod lower;
pub mod rewrite;
pub mod split;
pub mod types;

use crate::diagnostic::{Finding, LineIndex, Location, Severity};
use crate::source::Script;
pub use ir::*;
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::Tokenizer;

/// One statement of a script, with where it stands and what it is.
#[derive(Debug, Clone)]
pub struct Statement {
    pub location: Location,
    pub kind: StatementKind,
}

#[derive(Debug, Clone, PartialEq)]
#[allow(clippy::large_enum_variant)]
pub enum StatementKind {
    /// Understood: the summary.
    Parsed(Stmt),
    /// Not understood: the parser's message. The statement is skipped by the
    /// replay, with a warning.
    Opaque { message: String },
    /// A psql meta-command (`\set`, `\connect`): not SQL.
    Meta { command: String },
}

/// A script split and parsed: its statements in order and the findings
/// (opaque statements, meta-commands).
#[derive(Debug, Clone, Default)]
pub struct ParsedScript {
    pub statements: Vec<Statement>,
    pub findings: Vec<Finding>,
}

/// Splits `script` into statements and summarises each.
pub fn parse_script(script: &Script) -> ParsedScript {
    let text: &str = &script.text;
    let index = LineIndex::new(text);
    let mut out = ParsedScript::default();
    for piece in split::split(text, script.range.clone(), &script.blocks) {
        let (line, column) = index.line_col(text, piece.range.start);
        let location = Location {
            path: script.path.clone(),
            line,
            column,
            start: piece.range.start,
            end: piece.range.end,
        };
        let source = text.get(piece.range.clone()).unwrap_or("");
        let kind = match piece.kind {
            split::PieceKind::Meta => {
                let command = source.trim().to_owned();
                out.findings.push(Finding::new(
                    "psql-meta-command",
                    Severity::Warning,
                    location.clone(),
                    format!("psql meta-command `{command}` is not SQL; turquoise skips it"),
                ));
                StatementKind::Meta { command }
            }
            split::PieceKind::Sql => match parse_statement(source) {
                Ok(stmt) => StatementKind::Parsed(stmt),
                Err(message) => {
                    out.findings.push(Finding::new(
                        "unparsed-statement",
                        Severity::Warning,
                        location.clone(),
                        format!("statement not understood, the schema model skips it: {message}"),
                    ));
                    StatementKind::Opaque { message }
                }
            },
        };
        out.statements.push(Statement { location, kind });
    }
    out
}

/// Summarises one statement's SQL (without its terminating `;`).
///
/// sqlparser first; when it rejects the statement, or parses it into
/// something [`lower`] cannot summarise, the [`fallback`] gets a try. The
/// error is sqlparser's message when neither understands the statement.
pub fn parse_statement(source: &str) -> Result<Stmt, String> {
    let dialect = PostgreSqlDialect {};
    // What `Parser::try_with_sql` does, with the token list sized up front:
    // the corpora have about one token per five bytes of SQL, so it is
    // seldom copied as it grows.
    let mut tokens = Vec::with_capacity(source.len() / 4 + 16);
    let parsed = Tokenizer::new(&dialect, source)
        .tokenize_with_location_into_buf(&mut tokens)
        .map_err(ParserError::from)
        .and_then(|()| {
            Parser::new(&dialect)
                .with_tokens_with_locations(tokens)
                .parse_statements()
        });
    let message = match parsed {
        Ok(mut stmts) if stmts.len() == 1 => match lower::lower(&stmts.remove(0), source) {
            Ok(stmt) => return Ok(stmt),
            Err(message) => message,
        },
        Ok(stmts) if stmts.is_empty() => "empty statement".to_owned(),
        Ok(_) => "more than one statement where one was expected".to_owned(),
        Err(e) => e.to_string(),
    };
    fallback::parse(source).ok_or(message)
}
