//! Splitting a script into statements with exact byte ranges.
//!
//! One linear pass over the bytes, following psql's own lexer closely enough
//! to agree with it on where a statement ends: quotes of every kind, nested
//! block comments, `BEGIN ATOMIC ... END` function bodies, parentheses,
//! psql meta-commands and inline `COPY ... FROM stdin` data. It knows nothing
//! about what a statement means (that is the parser's job) and never fails:
//! input it cannot make sense of ends up in a piece the parser will report.

use std::ops::Range;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PieceKind {
    Sql,
    Meta,
}

/// One statement (or psql meta-command) of a script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    /// Byte range in the file's text, from the statement's first token to its
    /// last (the terminating `;` excluded).
    pub range: Range<usize>,
    pub kind: PieceKind,
}

/// Splits `text[range]` into statements. `blocks` are ranges that each make
/// one statement whatever they contain.
pub fn split(text: &str, range: Range<usize>, blocks: &[Range<usize>]) -> Vec<Piece> {
    let end = floor_boundary(text, range.end.min(text.len()));
    let start = floor_boundary(text, range.start.min(end));
    let mut blocks: Vec<Range<usize>> = blocks
        .iter()
        .map(|b| {
            floor_boundary(text, b.start.clamp(start, end))
                ..floor_boundary(text, b.end.clamp(start, end))
        })
        .filter(|b| b.start < b.end)
        .collect();
    blocks.sort_by_key(|b| (b.start, b.end));

    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut at = start;
    for block in blocks {
        // Overlapping blocks come from a confused source; the first one wins.
        if block.start < at {
            continue;
        }
        Scanner::new(bytes, at, block.start, false).run(&mut out);
        Scanner::new(bytes, block.start, block.end, true).run(&mut out);
        at = block.end;
    }
    Scanner::new(bytes, at, end, false).run(&mut out);
    out
}

/// The largest char boundary at or below `i`, so that ranges handed in from
/// outside can never make us slice inside a UTF-8 sequence.
fn floor_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

/// PostgreSQL's `ident_start`: bytes >= 0x80 count as letters, which also
/// keeps multi-byte characters whole.
fn is_ident_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_' || c >= 0x80
}

fn is_ident_cont(c: u8) -> bool {
    is_ident_start(c) || c.is_ascii_digit() || c == b'$'
}

/// Words at the head of a statement that matter for `BEGIN ATOMIC` and
/// `COPY ... FROM stdin` detection, as psql tracks them.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Head {
    Create,
    Or,
    Replace,
    Routine,
    Copy,
    Other,
}

struct Scanner<'a> {
    b: &'a [u8],
    from: usize,
    to: usize,
    /// A block: the whole range is one statement, `;` and `\` are ordinary.
    one: bool,
}

/// Per-statement lexer state.
#[derive(Default)]
struct Stmt {
    start: Option<usize>,
    /// End of the last token seen (never a `;`).
    last: usize,
    parens: u32,
    words: u32,
    head: [Option<Head>; 4],
    /// `CREATE [OR REPLACE] FUNCTION|PROCEDURE`: BEGIN ATOMIC may follow.
    routine: bool,
    pending_begin: bool,
    /// Open `BEGIN ATOMIC` and `CASE` inside it, each closed by an `END`.
    atomic: u32,
    copy_from: bool,
    copy_stdin: bool,
}

impl Scanner<'_> {
    fn new(b: &[u8], from: usize, to: usize, one: bool) -> Scanner<'_> {
        Scanner { b, from, to, one }
    }

    fn at(&self, i: usize) -> u8 {
        if i < self.to { self.b[i] } else { 0 }
    }

    fn run(&self, out: &mut Vec<Piece>) {
        let b = self.b;
        let to = self.to;
        let mut i = self.from;
        let mut st = Stmt::default();
        // psql looks at whether a line starts with a backslash, so find out
        // whether the range starts a line (ignoring indentation).
        let mut k = i;
        while k > 0 && matches!(b[k - 1], b' ' | b'\t') {
            k -= 1;
        }
        let mut line_blank = k == 0 || b[k - 1] == b'\n';

        while i < to {
            let c = b[i];
            if is_space(c) {
                if c == b'\n' {
                    line_blank = true;
                }
                i += 1;
                continue;
            }
            if c == b'-' && self.at(i + 1) == b'-' {
                while i < to && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            if c == b'/' && self.at(i + 1) == b'*' {
                match self.block_comment_end(i) {
                    Some(e) => {
                        i = e;
                        continue;
                    }
                    None => return self.rest(out, st.start.unwrap_or(i)),
                }
            }
            if c == b'\\' && st.start.is_none() && line_blank && !self.one {
                let mut e = i;
                while e < to && b[e] != b'\n' {
                    e += 1;
                }
                let mut t = e;
                while t > i && is_space(b[t - 1]) {
                    t -= 1;
                }
                out.push(Piece {
                    range: i..t,
                    kind: PieceKind::Meta,
                });
                i = e;
                continue;
            }
            line_blank = false;
            if c == b';' {
                i += 1;
                let Some(start) = st.start else { continue };
                if self.one || st.parens > 0 || st.atomic > 0 {
                    continue;
                }
                out.push(Piece {
                    range: start..st.last,
                    kind: PieceKind::Sql,
                });
                if st.copy_stdin {
                    i = self.skip_copy_data(i);
                    line_blank = true;
                }
                st = Stmt::default();
                continue;
            }
            if st.start.is_none() {
                st.start = Some(i);
            }
            let end = match c {
                b'\'' => self.quoted_end(i, b'\'', false),
                b'"' => self.quoted_end(i, b'"', false),
                b'$' => match self.dollar_tag_end(i) {
                    Some(tag_end) => self.dollar_body_end(i, tag_end),
                    None => Some(i + 1),
                },
                b'(' => {
                    st.parens += 1;
                    Some(i + 1)
                }
                b')' => {
                    st.parens = st.parens.saturating_sub(1);
                    Some(i + 1)
                }
                c if is_ident_start(c) => {
                    let mut e = i + 1;
                    while e < to && is_ident_cont(b[e]) {
                        e += 1;
                    }
                    if e == i + 1 && matches!(c, b'e' | b'E') && self.at(e) == b'\'' {
                        self.quoted_end(e, b'\'', true)
                    } else {
                        self.word(&mut st, &b[i..e]);
                        Some(e)
                    }
                }
                c if c.is_ascii_digit() => {
                    // Digits and what sticks to them (`1e5`, `0x1F`, `1_000`)
                    // are one token, so a `$` after them is no dollar quote.
                    let mut e = i + 1;
                    while e < to && (b[e].is_ascii_alphanumeric() || b[e] == b'_' || b[e] == b'.') {
                        e += 1;
                    }
                    Some(e)
                }
                _ => Some(i + 1),
            };
            match end {
                Some(e) => {
                    i = e;
                    st.last = e;
                }
                None => return self.rest(out, st.start.unwrap_or(i)),
            }
        }
        if let Some(start) = st.start {
            out.push(Piece {
                range: start..st.last,
                kind: PieceKind::Sql,
            });
        }
    }

    /// Something never closed: the rest of the range is one piece, which the
    /// parser will reject with a better message than we could give.
    fn rest(&self, out: &mut Vec<Piece>, start: usize) {
        let mut e = self.to;
        while e > start && is_space(self.b[e - 1]) {
            e -= 1;
        }
        if start < e {
            out.push(Piece {
                range: start..e,
                kind: PieceKind::Sql,
            });
        }
    }

    /// Tracks the words psql tracks: the statement head, and BEGIN ATOMIC /
    /// CASE / END inside routine definitions.
    fn word(&self, st: &mut Stmt, w: &[u8]) {
        let is = |k: &str| w.eq_ignore_ascii_case(k.as_bytes());
        if (st.words as usize) < st.head.len() {
            let head = if is("create") {
                Head::Create
            } else if is("or") {
                Head::Or
            } else if is("replace") {
                Head::Replace
            } else if is("function") || is("procedure") {
                Head::Routine
            } else if is("copy") {
                Head::Copy
            } else {
                Head::Other
            };
            st.head[st.words as usize] = Some(head);
            use Head::*;
            st.routine = matches!(
                st.head,
                [Some(Create), Some(Routine), ..]
                    | [Some(Create), Some(Or), Some(Replace), Some(Routine)]
            );
        }
        st.words = st.words.saturating_add(1);
        if st.head[0] == Some(Head::Copy) && st.parens == 0 {
            if st.copy_from && is("stdin") {
                st.copy_stdin = true;
            }
            st.copy_from = is("from");
        }
        if !st.routine {
            return;
        }
        if st.pending_begin {
            st.pending_begin = false;
            if is("atomic") {
                st.atomic += 1;
                return;
            }
        }
        if st.atomic > 0 {
            if is("case") {
                st.atomic += 1;
            } else if is("end") {
                st.atomic -= 1;
            }
        } else if st.parens == 0 && is("begin") {
            st.pending_begin = true;
        }
    }

    /// End of a `'...'` string or `"..."` identifier starting at `i`; a
    /// doubled quote is an escaped one, and in `E'...'` strings a backslash
    /// escapes the next byte. `None` when it is never closed.
    fn quoted_end(&self, i: usize, q: u8, backslash: bool) -> Option<usize> {
        let b = self.b;
        let mut j = i + 1;
        while j < self.to {
            let c = b[j];
            if backslash && c == b'\\' {
                j += 2;
            } else if c == q {
                if self.at(j + 1) == q {
                    j += 2;
                } else {
                    return Some(j + 1);
                }
            } else {
                j += 1;
            }
        }
        None
    }

    /// If a dollar-quote opening tag (`$$`, `$tag$`) starts at `i`, the index
    /// after it. `$1` and a lone `$` are not tags.
    fn dollar_tag_end(&self, i: usize) -> Option<usize> {
        let mut j = i + 1;
        if self.at(j) == b'$' {
            return Some(j + 1);
        }
        if !is_ident_start(self.at(j)) {
            return None;
        }
        while j < self.to && (is_ident_start(self.b[j]) || self.b[j].is_ascii_digit()) {
            j += 1;
        }
        (self.at(j) == b'$').then_some(j + 1)
    }

    fn dollar_body_end(&self, i: usize, tag_end: usize) -> Option<usize> {
        let tag = &self.b[i..tag_end];
        let mut j = tag_end;
        while j < self.to {
            if self.b[j] == b'$' && self.b[j..self.to].starts_with(tag) {
                return Some(j + tag.len());
            }
            j += 1;
        }
        None
    }

    /// End of a (nested) block comment starting at `i`.
    fn block_comment_end(&self, i: usize) -> Option<usize> {
        let mut depth = 0u32;
        let mut j = i;
        while j < self.to {
            if self.b[j] == b'/' && self.at(j + 1) == b'*' {
                depth += 1;
                j += 2;
            } else if self.b[j] == b'*' && self.at(j + 1) == b'/' {
                depth -= 1;
                j += 2;
                if depth == 0 {
                    return Some(j);
                }
            } else {
                j += 1;
            }
        }
        None
    }

    /// Skips the data lines psql sends after `COPY ... FROM stdin;`, up to
    /// and including the `\.` line, returning where SQL resumes.
    fn skip_copy_data(&self, mut i: usize) -> usize {
        let b = self.b;
        // The data starts on the line after the statement.
        while i < self.to && b[i] != b'\n' {
            i += 1;
        }
        while i < self.to {
            i += 1;
            let line_start = i;
            while i < self.to && b[i] != b'\n' {
                i += 1;
            }
            let line = &b[line_start..i];
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            if line == b"\\." {
                return i;
            }
        }
        self.to
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(text: &str) -> Vec<&str> {
        split(text, 0..text.len(), &[])
            .into_iter()
            .map(|p| &text[p.range])
            .collect()
    }

    fn kinds(text: &str) -> Vec<(PieceKind, &str)> {
        split(text, 0..text.len(), &[])
            .into_iter()
            .map(|p| (p.kind, &text[p.range]))
            .collect()
    }

    #[test]
    fn plain_statements_with_exact_ranges() {
        let text = "  -- header\nCREATE TABLE a (id int) ; /* c */ SELECT 1 -- tail\n;\n\n";
        assert_eq!(pieces(text), ["CREATE TABLE a (id int)", "SELECT 1"]);
        assert_eq!(pieces("SELECT 1"), ["SELECT 1"]);
        assert_eq!(pieces(";;  ; -- nothing\n/* at all */"), Vec::<&str>::new());
        assert_eq!(pieces(""), Vec::<&str>::new());
    }

    #[test]
    fn single_quotes_and_escape_strings() {
        assert_eq!(
            pieces("SELECT 'a;''b'; SELECT 2"),
            ["SELECT 'a;''b'", "SELECT 2"]
        );
        // A backslash does not escape in a standard string...
        assert_eq!(
            pieces(r"SELECT 'a\'; SELECT 2"),
            [r"SELECT 'a\'", "SELECT 2"]
        );
        // ...but does in an E string, where `''` still works too.
        assert_eq!(
            pieces(r"SELECT E'a\';b''c;'; SELECT e'\\'; SELECT 3"),
            [r"SELECT E'a\';b''c;'", r"SELECT e'\\'", "SELECT 3"]
        );
        // `xe'...'` is an identifier and a standard string.
        assert_eq!(
            pieces(r"SELECT xe'\'; SELECT 2"),
            [r"SELECT xe'\'", "SELECT 2"]
        );
        assert_eq!(
            pieces(r"SELECT U&'d\0061t;a'; SELECT 2"),
            [r"SELECT U&'d\0061t;a'", "SELECT 2"]
        );
    }

    #[test]
    fn dollar_quotes() {
        let f = "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql";
        assert_eq!(pieces(&format!("{f};SELECT 2")), [f, "SELECT 2"]);
        let g = "DO $body$ BEGIN PERFORM 1; RAISE '$$;'; END $body$";
        assert_eq!(pieces(&format!("{g};\nSELECT 2;")), [g, "SELECT 2"]);
        // `$1` is a parameter, `a$b$` an identifier: neither opens a quote.
        assert_eq!(
            pieces("PREPARE p AS SELECT $1; SELECT a$b$; SELECT 3"),
            ["PREPARE p AS SELECT $1", "SELECT a$b$", "SELECT 3"]
        );
        // A different tag inside does not close the quote.
        let h = "SELECT $a$ $b$ ; $b$ ; $a$";
        assert_eq!(pieces(&format!("{h}; SELECT 1")), [h, "SELECT 1"]);
    }

    #[test]
    fn quoted_identifiers_and_comments() {
        assert_eq!(
            pieces(r#"CREATE TABLE "a;""b" (x int); SELECT 1"#),
            [r#"CREATE TABLE "a;""b" (x int)"#, "SELECT 1"]
        );
        assert_eq!(
            pieces("SELECT 1 /* outer /* inner ; */ still ; */ + 2; SELECT 3"),
            ["SELECT 1 /* outer /* inner ; */ still ; */ + 2", "SELECT 3"]
        );
        assert_eq!(
            pieces("SELECT 1 -- ; no\n + 2; SELECT 3"),
            ["SELECT 1 -- ; no\n + 2", "SELECT 3"]
        );
    }

    #[test]
    fn begin_atomic_bodies() {
        let f = "CREATE OR REPLACE FUNCTION f(a int) RETURNS int LANGUAGE sql\n\
                 BEGIN ATOMIC\n  SELECT CASE WHEN a > 0 THEN 1 ELSE 2 END;\n  SELECT 3;\nEND";
        assert_eq!(pieces(&format!("{f};\nSELECT 4;")), [f, "SELECT 4"]);
        let p = "CREATE PROCEDURE p() begin /* c */ atomic insert into t values (1); end";
        assert_eq!(pieces(&format!("{p}; SELECT 1")), [p, "SELECT 1"]);
        // BEGIN outside a routine definition is a transaction.
        assert_eq!(
            pieces("BEGIN; SELECT 1; END;"),
            ["BEGIN", "SELECT 1", "END"]
        );
        // A plpgsql body's BEGIN is inside the dollar quote and ignored.
        let q = "CREATE FUNCTION g() RETURNS void AS $$ BEGIN END $$ LANGUAGE plpgsql";
        assert_eq!(pieces(&format!("{q}; SELECT 1")), [q, "SELECT 1"]);
    }

    #[test]
    fn semicolons_inside_parentheses_do_not_split() {
        assert_eq!(
            pieces("SELECT (1;2); SELECT 3"),
            ["SELECT (1;2)", "SELECT 3"]
        );
        assert_eq!(pieces("SELECT 1); SELECT 3"), ["SELECT 1)", "SELECT 3"]);
    }

    #[test]
    fn meta_commands() {
        let text =
            "\\set ON_ERROR_STOP 1\r\nSELECT 1;\n  \\connect db\nSELECT\n\\x;\n\\restrict key\n";
        assert_eq!(
            kinds(text),
            [
                (PieceKind::Meta, "\\set ON_ERROR_STOP 1"),
                (PieceKind::Sql, "SELECT 1"),
                (PieceKind::Meta, "\\connect db"),
                // Inside a statement a backslash is just a character.
                (PieceKind::Sql, "SELECT\n\\x"),
                (PieceKind::Meta, "\\restrict key"),
            ]
        );
    }

    #[test]
    fn copy_from_stdin_data_is_skipped() {
        let text = "COPY t (a, b) FROM stdin;\n1\t;x\n2\t'y\n\\.\nSELECT 1;";
        assert_eq!(pieces(text), ["COPY t (a, b) FROM stdin", "SELECT 1"]);
        assert_eq!(
            pieces("COPY t FROM '/tmp/x'; SELECT 1"),
            ["COPY t FROM '/tmp/x'", "SELECT 1"]
        );
    }

    #[test]
    fn blocks_are_one_statement_each() {
        let text = "SELECT 1;\n-- +goose StatementBegin\nCREATE FUNCTION f() RETURNS int AS '\n SELECT 1; ' LANGUAGE sql;\nSELECT 9;\n-- +goose StatementEnd\nSELECT 2;";
        let start = text.find("CREATE").unwrap_or(0);
        let end = text.find("-- +goose StatementEnd").unwrap_or(0);
        let got: Vec<_> = split(text, 0..text.len(), std::slice::from_ref(&(start..end)))
            .into_iter()
            .map(|p| &text[p.range])
            .collect();
        assert_eq!(
            got,
            [
                "SELECT 1",
                "CREATE FUNCTION f() RETURNS int AS '\n SELECT 1; ' LANGUAGE sql;\nSELECT 9",
                "SELECT 2"
            ]
        );
        // A comment-only block makes nothing.
        assert_eq!(
            split("-- x\n", 0..5, std::slice::from_ref(&(0..5))),
            Vec::new()
        );
    }

    #[test]
    fn sub_ranges_are_respected() {
        let text = "SELECT 0;\n-- up\nSELECT 1;SELECT 2;\n-- down\nSELECT 3;";
        let start = text.find("SELECT 1").unwrap_or(0);
        let end = text.find("-- down").unwrap_or(0);
        let got: Vec<_> = split(text, start..end, &[])
            .into_iter()
            .map(|p| (p.range.start, &text[p.range]))
            .collect();
        assert_eq!(got, [(start, "SELECT 1"), (start + 9, "SELECT 2")]);
    }

    #[test]
    fn unterminated_input_is_one_piece() {
        assert_eq!(
            pieces("SELECT 1; SELECT 'abc; SELECT 2;\n"),
            ["SELECT 1", "SELECT 'abc; SELECT 2;"]
        );
        assert_eq!(pieces("SELECT $x$ ; "), ["SELECT $x$ ;"]);
        assert_eq!(pieces("SELECT \"a ; "), ["SELECT \"a ;"]);
        assert_eq!(
            pieces("SELECT 1; /* /* */ SELECT 2;"),
            ["SELECT 1", "/* /* */ SELECT 2;"]
        );
        assert_eq!(pieces("SELECT E'\\"), ["SELECT E'\\"]);
        assert_eq!(pieces("SELECT $"), ["SELECT $"]);
        assert_eq!(
            pieces("CREATE FUNCTION f() BEGIN ATOMIC SELECT 1;"),
            ["CREATE FUNCTION f() BEGIN ATOMIC SELECT 1"]
        );
    }

    #[test]
    fn multi_byte_text_stays_whole() {
        let text = "SELECT 'é;'; SELECT café; SELECT \"ü;\"; SELECT 1 -- ñ\n;";
        assert_eq!(
            pieces(text),
            ["SELECT 'é;'", "SELECT café", "SELECT \"ü;\"", "SELECT 1"]
        );
        // A range that cuts a character in two is pulled back to a boundary.
        let text = "SELECT 'é'";
        let cut = text.find('é').unwrap_or(0) + 1;
        for p in split(text, 0..cut, std::slice::from_ref(&(0..cut))) {
            assert!(text.get(p.range).is_some());
        }
        assert!(split(text, Range { start: 5, end: 2 }, &[]).is_empty());
    }
}
