//! Tokens with byte offsets, and the cursor the fallback parsers walk them with.
//!
//! sqlparser's tokenizer reports line/column positions in characters; the
//! fallback and the identifier rewriter need byte offsets into the source to
//! quote text as written, so [`located_tokens`] converts them in one pass.
//! The cursor only reads tokens: it builds no IR itself.

use crate::sql::ir::{QualifiedName, truncate_identifier};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::tokenizer::{Location, Token, Tokenizer};

/// A token and the bytes of the source it was read from.
#[derive(Debug, Clone)]
pub(crate) struct Tok {
    pub token: Token,
    pub start: usize,
    pub end: usize,
}

impl Tok {
    pub fn is_trivia(&self) -> bool {
        matches!(self.token, Token::Whitespace(_))
    }
}

/// Tokenizes `src` with PostgreSQL's dialect, trivia (whitespace and
/// comments) included, or `None` when the tokenizer rejects it.
pub(crate) fn located_tokens(src: &str) -> Option<Vec<Tok>> {
    let dialect = PostgreSqlDialect {};
    let toks = Tokenizer::new(&dialect, src)
        .tokenize_with_location()
        .ok()?;
    let mut map = OffsetMap::new(src);
    let mut out = Vec::with_capacity(toks.len());
    for t in toks {
        if matches!(t.token, Token::EOF) {
            continue;
        }
        let start = map.offset(t.span.start);
        let end = map.offset(t.span.end).max(start);
        out.push(Tok {
            token: t.token,
            start,
            end,
        });
    }
    Some(out)
}

/// Converts ascending (line, column-in-chars) locations to byte offsets,
/// walking the source once overall rather than once per token.
struct OffsetMap<'a> {
    src: &'a str,
    line: u64,
    col: u64,
    byte: usize,
}

impl<'a> OffsetMap<'a> {
    fn new(src: &'a str) -> Self {
        OffsetMap {
            src,
            line: 1,
            col: 1,
            byte: 0,
        }
    }

    fn offset(&mut self, loc: Location) -> usize {
        let bytes = self.src.as_bytes();
        while self.line < loc.line && self.byte < bytes.len() {
            match bytes[self.byte..].iter().position(|&b| b == b'\n') {
                Some(nl) => {
                    self.byte += nl + 1;
                    self.line += 1;
                    self.col = 1;
                }
                None => {
                    self.byte = bytes.len();
                    return self.byte;
                }
            }
        }
        let rest = self.src.get(self.byte..).unwrap_or("");
        let mut chars = rest.chars();
        while self.col < loc.column {
            match chars.next() {
                Some('\n') | None => break,
                Some(c) => {
                    self.byte += c.len_utf8();
                    self.col += 1;
                }
            }
        }
        self.byte
    }
}

/// Folds an identifier token PostgreSQL's way: unquoted to lower case,
/// quoted verbatim. `None` for anything that is not a word.
pub(crate) fn fold(token: &Token) -> Option<String> {
    match token {
        Token::Word(w) if w.quote_style.is_some() => Some(truncate_identifier(w.value.clone())),
        Token::Word(w) => Some(truncate_identifier(w.value.to_ascii_lowercase())),
        _ => None,
    }
}

/// A position in a statement's significant tokens (trivia removed).
#[derive(Clone)]
pub(super) struct Cursor<'a> {
    pub src: &'a str,
    pub toks: &'a [Tok],
    pub pos: usize,
}

impl<'a> Cursor<'a> {
    pub fn new(src: &'a str, toks: &'a [Tok]) -> Self {
        Cursor { src, toks, pos: 0 }
    }

    pub fn at_end(&self) -> bool {
        self.pos >= self.toks.len()
    }

    pub fn peek(&self) -> Option<&'a Token> {
        self.peek_nth(0)
    }

    pub fn peek_nth(&self, n: usize) -> Option<&'a Token> {
        self.toks.get(self.pos + n).map(|t| &t.token)
    }

    pub fn next(&mut self) -> Option<&'a Token> {
        let t = self.peek();
        if t.is_some() {
            self.pos += 1;
        }
        t
    }

    /// Whether the token `n` ahead is the unquoted word `kw` (any case).
    pub fn peek_keyword_nth(&self, n: usize, kw: &str) -> bool {
        matches!(self.peek_nth(n), Some(Token::Word(w)) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case(kw))
    }

    pub fn peek_keyword(&self, kw: &str) -> bool {
        self.peek_keyword_nth(0, kw)
    }

    pub fn peek_keywords(&self, kws: &[&str]) -> bool {
        kws.iter()
            .enumerate()
            .all(|(n, kw)| self.peek_keyword_nth(n, kw))
    }

    pub fn eat_keyword(&mut self, kw: &str) -> bool {
        let hit = self.peek_keyword(kw);
        if hit {
            self.pos += 1;
        }
        hit
    }

    /// Consumes all of `kws` in order, or nothing.
    pub fn eat_keywords(&mut self, kws: &[&str]) -> bool {
        let hit = self.peek_keywords(kws);
        if hit {
            self.pos += kws.len();
        }
        hit
    }

    pub fn expect_keyword(&mut self, kw: &str) -> Option<()> {
        self.eat_keyword(kw).then_some(())
    }

    /// The upper-cased unquoted word at the cursor, if any.
    pub fn peek_word_upper(&self) -> Option<String> {
        match self.peek() {
            Some(Token::Word(w)) if w.quote_style.is_none() => Some(w.value.to_ascii_uppercase()),
            _ => None,
        }
    }

    pub fn eat(&mut self, token: &Token) -> bool {
        let hit = self.peek() == Some(token);
        if hit {
            self.pos += 1;
        }
        hit
    }

    pub fn require(&mut self, token: &Token) -> Option<()> {
        self.eat(token).then_some(())
    }

    /// One identifier, folded.
    pub fn parse_ident(&mut self) -> Option<String> {
        let name = fold(self.peek()?)?;
        self.pos += 1;
        Some(name)
    }

    /// `a`, `a.b`, `a.b.c`: the parts, folded.
    pub fn parse_name_parts(&mut self) -> Option<Vec<String>> {
        let mut parts = vec![self.parse_ident()?];
        while self.peek() == Some(&Token::Period) {
            self.pos += 1;
            parts.push(self.parse_ident()?);
        }
        Some(parts)
    }

    /// `name` or `schema.name` (a leading database part is dropped).
    pub fn parse_qualified_name(&mut self) -> Option<QualifiedName> {
        let mut parts = self.parse_name_parts()?;
        let name = parts.pop()?;
        Some(QualifiedName {
            schema: parts.pop(),
            name,
        })
    }

    pub fn parse_qualified_list(&mut self) -> Option<Vec<QualifiedName>> {
        let mut names = vec![self.parse_qualified_name()?];
        while self.eat(&Token::Comma) {
            names.push(self.parse_qualified_name()?);
        }
        Some(names)
    }

    /// A possibly signed integer literal.
    pub fn parse_number(&mut self) -> Option<i128> {
        let save = self.pos;
        let negative = if self.eat(&Token::Minus) {
            true
        } else {
            self.eat(&Token::Plus);
            false
        };
        let value = match self.next() {
            Some(Token::Number(n, _)) => n.parse::<i128>().ok(),
            _ => None,
        };
        match value {
            Some(v) => Some(if negative { -v } else { v }),
            None => {
                self.pos = save;
                None
            }
        }
    }

    /// A string literal of any PostgreSQL kind, unescaped by the tokenizer.
    pub fn parse_string(&mut self) -> Option<String> {
        let s = match self.peek()? {
            Token::SingleQuotedString(s)
            | Token::EscapedStringLiteral(s)
            | Token::UnicodeStringLiteral(s)
            | Token::NationalStringLiteral(s) => s.clone(),
            Token::DollarQuotedString(d) => d.value.clone(),
            _ => return None,
        };
        self.pos += 1;
        Some(s)
    }

    /// Skips a parenthesised group starting at the cursor; returns the token
    /// positions strictly inside it.
    pub fn skip_balanced_parens(&mut self) -> Option<std::ops::Range<usize>> {
        if self.peek() != Some(&Token::LParen) {
            return None;
        }
        let open = self.pos;
        let mut depth = 0usize;
        while let Some(t) = self.next() {
            match t {
                Token::LParen => depth += 1,
                Token::RParen => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(open + 1..self.pos - 1);
                    }
                }
                _ => {}
            }
        }
        self.pos = open;
        None
    }

    /// The source text of tokens `from..to` (positions), as written.
    pub fn text(&self, from: usize, to: usize) -> &'a str {
        if from >= to || to > self.toks.len() {
            return "";
        }
        self.src
            .get(self.toks[from].start..self.toks[to - 1].end)
            .unwrap_or("")
    }

    /// Everything from the cursor to the end, as written.
    pub fn rest_as_text(&self) -> &'a str {
        self.text(self.pos, self.toks.len())
    }

    /// A cursor over tokens `from..to` only.
    pub fn sub(&self, from: usize, to: usize) -> Cursor<'a> {
        Cursor {
            src: self.src,
            toks: self.toks.get(from..to).unwrap_or(&[]),
            pos: 0,
        }
    }

    /// Advances to the next token at parenthesis depth 0 for which `stop`
    /// holds (or the end); returns the position reached.
    pub fn skip_until(&mut self, stop: impl Fn(&Cursor<'a>) -> bool) -> usize {
        let mut depth = 0usize;
        while let Some(t) = self.peek() {
            if depth == 0 && stop(self) {
                break;
            }
            match t {
                Token::LParen | Token::LBracket => depth += 1,
                Token::RParen | Token::RBracket => depth = depth.saturating_sub(1),
                _ => {}
            }
            self.pos += 1;
        }
        self.pos
    }

    /// The rest split at top-level commas, each part as its own cursor.
    pub fn split_commas(&self) -> Vec<Cursor<'a>> {
        let mut parts = Vec::new();
        let mut c = self.clone();
        loop {
            let from = c.pos;
            let to = c.skip_until(|c| c.peek() == Some(&Token::Comma));
            parts.push(self.sub(from, to));
            if !c.eat(&Token::Comma) {
                break;
            }
        }
        parts
    }
}

/// A statement's significant tokens.
pub(super) fn significant(src: &str) -> Option<Vec<Tok>> {
    let mut toks = located_tokens(src)?;
    toks.retain(|t| !t.is_trivia());
    Some(toks)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_are_bytes_even_after_multi_byte_text() {
        let src = "SELECT 'é', \"ü\"\n  , x";
        let toks = located_tokens(src).unwrap_or_default();
        let texts: Vec<&str> = toks
            .iter()
            .filter(|t| !t.is_trivia())
            .map(|t| &src[t.start..t.end])
            .collect();
        assert_eq!(texts, ["SELECT", "'é'", ",", "\"ü\"", ",", "x"]);
    }

    #[test]
    fn cursor_helpers() {
        let src = r#"Public."Tab" (a, (b)) rest of it"#;
        let toks = significant(src).unwrap_or_default();
        let mut c = Cursor::new(src, &toks);
        assert_eq!(
            c.parse_qualified_name(),
            Some(QualifiedName::new(Some("public"), "Tab"))
        );
        let inner = c.skip_balanced_parens();
        assert_eq!(inner.map(|r| c.text(r.start, r.end)), Some("a, (b)"));
        assert!(c.peek_keywords(&["REST", "of"]));
        assert_eq!(c.rest_as_text(), "rest of it");
    }
}
