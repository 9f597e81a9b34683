//! Canonical PostgreSQL type names (`int4` -> `integer`, `varchar(n)` ->
//! `character varying(n)`, `timestamptz` -> `timestamp with time zone`).
//!
//! A type as written is tokenized with sqlparser's tokenizer and brought to
//! the spelling PostgreSQL's `format_type` prints (what pg_dump writes), so
//! the model can compare types written different ways. Nothing here looks up
//! a catalog: user types keep their (folded) name and written modifiers.

use super::ir::TypeName;
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::tokenizer::{Token, Tokenizer, Word};

/// A type as written, in canonical form, and whether it was a `serial` pseudo-type.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedType {
    pub type_name: TypeName,
    pub serial: bool,
}

/// Parses a type as written (`varchar(255)`, `int[]`, `public.mood`,
/// `timestamp(3) with time zone`, `serial`) into canonical form.
///
/// `None` for what is not a type name: `%TYPE` references (their type is
/// another column's, unknown here), empty or unbalanced text.
pub fn parse_type(text: &str) -> Option<ParsedType> {
    let tokens: Vec<Token> = Tokenizer::new(&PostgreSqlDialect {}, text)
        .tokenize()
        .ok()?
        .into_iter()
        .filter(|t| !matches!(t, Token::Whitespace(_)))
        .collect();
    let mut p = Cursor { tokens, pos: 0 };
    let parsed = p.parse()?;
    // Anything left over (`%TYPE`, stray tokens) means this was not a plain type.
    if p.pos == p.tokens.len() {
        Some(parsed)
    } else {
        None
    }
}

struct Cursor {
    tokens: Vec<Token>,
    pos: usize,
}

/// One part of a dotted name: folded value and whether it was quoted.
struct NamePart {
    value: String,
    quoted: bool,
}

impl Cursor {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn peek_at(&self, n: usize) -> Option<&Token> {
        self.tokens.get(self.pos + n)
    }

    /// The next token as an unquoted word, lower-cased.
    fn peek_keyword(&self, n: usize) -> Option<String> {
        match self.peek_at(n) {
            Some(Token::Word(Word {
                value,
                quote_style: None,
                ..
            })) => Some(value.to_ascii_lowercase()),
            _ => None,
        }
    }

    /// Whether token `n` ahead is the unquoted word `word` (lower case).
    fn is_keyword(&self, n: usize, word: &str) -> bool {
        matches!(
            self.peek_at(n),
            Some(Token::Word(Word { value, quote_style: None, .. }))
                if value.eq_ignore_ascii_case(word)
        )
    }

    fn eat_keywords(&mut self, words: &[&str]) -> bool {
        let all = words.iter().enumerate().all(|(i, w)| self.is_keyword(i, w));
        if all {
            self.pos += words.len();
        }
        all
    }

    fn eat(&mut self, token: &Token) -> bool {
        if self.peek() == Some(token) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn name_part(&mut self) -> Option<NamePart> {
        match self.peek() {
            Some(Token::Word(w)) => {
                let part = NamePart {
                    value: match w.quote_style {
                        Some(_) => w.value.clone(),
                        None => w.value.to_lowercase(),
                    },
                    quoted: w.quote_style.is_some(),
                };
                self.pos += 1;
                Some(part)
            }
            _ => None,
        }
    }

    /// `( mod [, mod]* )`, each modifier as its tokens joined; empty when no
    /// parenthesis follows.
    fn modifiers(&mut self) -> Option<Vec<String>> {
        if !self.eat(&Token::LParen) {
            return Some(Vec::new());
        }
        let mut mods = Vec::new();
        let mut current = String::new();
        let mut depth = 0usize;
        let mut last_was_word = false;
        loop {
            let token = self.peek()?.clone();
            self.pos += 1;
            match token {
                Token::RParen if depth == 0 => {
                    mods.push(current);
                    return Some(mods);
                }
                Token::Comma if depth == 0 => {
                    mods.push(std::mem::take(&mut current));
                    last_was_word = false;
                    continue;
                }
                Token::LParen => depth += 1,
                Token::RParen => depth -= 1,
                _ => {}
            }
            let is_word = matches!(token, Token::Word(_) | Token::Number(..));
            // Two words in a row need the space that separated them.
            if is_word && last_was_word {
                current.push(' ');
            }
            current.push_str(&token.to_string());
            last_was_word = is_word;
        }
    }

    /// Array decorations: `[]`, `[3]`, `[][]`, `ARRAY`, `ARRAY[4]`.
    fn array_dims(&mut self) -> Option<u32> {
        let mut dims = 0;
        loop {
            if self.eat(&Token::LBracket) {
                if matches!(self.peek(), Some(Token::Number(..))) {
                    self.pos += 1;
                }
                if !self.eat(&Token::RBracket) {
                    return None;
                }
                dims += 1;
            } else if self.eat_keywords(&["array"]) {
                if self.eat(&Token::LBracket) {
                    if matches!(self.peek(), Some(Token::Number(..))) {
                        self.pos += 1;
                    }
                    if !self.eat(&Token::RBracket) {
                        return None;
                    }
                }
                dims += 1;
            } else {
                return Some(dims);
            }
        }
    }

    /// `WITH TIME ZONE` (true), `WITHOUT TIME ZONE` (false) or neither.
    fn time_zone(&mut self) -> Option<bool> {
        if self.eat_keywords(&["with", "time", "zone"]) {
            Some(true)
        } else if self.eat_keywords(&["without", "time", "zone"]) {
            Some(false)
        } else {
            None
        }
    }

    /// Interval field restrictions (`day to second`, `year`), as
    /// `format_type` prints them after `interval`.
    fn interval_fields(&mut self) -> Option<String> {
        const FIELDS: &[&str] = &["year", "month", "day", "hour", "minute", "second"];
        let first = self
            .peek_keyword(0)
            .filter(|w| FIELDS.contains(&w.as_str()))?;
        self.pos += 1;
        if self.is_keyword(0, "to") {
            let second = self
                .peek_keyword(1)
                .filter(|w| FIELDS.contains(&w.as_str()))?;
            self.pos += 2;
            Some(format!("{first} to {second}"))
        } else {
            Some(first)
        }
    }

    fn parse(&mut self) -> Option<ParsedType> {
        // Multi-word SQL-standard spellings first: they are keywords, never
        // schema-qualified, and take their modifiers in odd places.
        let (name, mods) = if self.eat_keywords(&["double", "precision"]) {
            ("double precision".to_owned(), Vec::new())
        } else if self.eat_keywords(&["character", "varying"])
            || self.eat_keywords(&["char", "varying"])
            || self.eat_keywords(&["national", "character", "varying"])
            || self.eat_keywords(&["national", "char", "varying"])
        {
            ("character varying".to_owned(), self.modifiers()?)
        } else if self.eat_keywords(&["bit", "varying"]) {
            ("bit varying".to_owned(), self.modifiers()?)
        } else if self.eat_keywords(&["national", "character"])
            || self.eat_keywords(&["national", "char"])
            || self.eat_keywords(&["nchar"])
        {
            character(self.modifiers()?)
        } else if (self.is_keyword(0, "timestamp") || self.is_keyword(0, "time"))
            && self.peek_at(1) != Some(&Token::Period)
        {
            let base = self.peek_keyword(0)?;
            self.pos += 1;
            let mods = self.modifiers()?;
            let zone = if self.time_zone() == Some(true) {
                "with"
            } else {
                "without"
            };
            (format!("{base} {zone} time zone"), mods)
        } else if self.is_keyword(0, "interval") && self.peek_at(1) != Some(&Token::Period) {
            self.pos += 1;
            let mut name = "interval".to_owned();
            if let Some(fields) = self.interval_fields() {
                name = format!("interval {fields}");
            }
            (name, self.modifiers()?)
        } else {
            return self.parse_named();
        };
        let array_dims = self.array_dims()?;
        Some(ParsedType {
            type_name: TypeName {
                schema: None,
                name,
                modifiers: mods,
                // format_type prints one `[]` whatever the declared
                // dimensions: PostgreSQL does not enforce them.
                array_dims: array_dims.min(1),
            },
            serial: false,
        })
    }

    /// A possibly qualified name, its modifiers and array decorations.
    fn parse_named(&mut self) -> Option<ParsedType> {
        let mut parts = vec![self.name_part()?];
        while self.eat(&Token::Period) {
            parts.push(self.name_part()?);
        }
        let mods = self.modifiers()?;
        let array_dims = self.array_dims()?.min(1);
        let last = parts.pop()?;
        // `db.schema.type`: the database part names the current database.
        let schema = parts.pop();
        let builtin_schema = match &schema {
            None => true,
            Some(s) => s.value == "pg_catalog",
        };
        if builtin_schema
            && let Some((name, mods, serial)) = canonical(&last, mods.clone(), schema.is_none())
        {
            // Arrays of serial do not exist; refuse rather than guess.
            if serial && array_dims > 0 {
                return None;
            }
            return Some(ParsedType {
                type_name: TypeName {
                    schema: None,
                    name,
                    modifiers: mods,
                    array_dims,
                },
                serial,
            });
        }
        Some(ParsedType {
            type_name: TypeName {
                schema: schema.map(|s| s.value),
                name: last.value,
                modifiers: mods,
                array_dims,
            },
            serial: false,
        })
    }
}

/// `character` / `char`: a missing length means one character.
fn character(mods: Vec<String>) -> (String, Vec<String>) {
    let mods = if mods.is_empty() {
        vec!["1".to_owned()]
    } else {
        mods
    };
    ("character".to_owned(), mods)
}

/// The canonical name of a built-in type written as one word: `(name,
/// modifiers, serial)`, or `None` for a user type. `unqualified` allows the
/// serial pseudo-types, which PostgreSQL only recognises without a schema.
fn canonical(
    part: &NamePart,
    mods: Vec<String>,
    unqualified: bool,
) -> Option<(String, Vec<String>, bool)> {
    let plain = |name: &str, mods: Vec<String>| Some((name.to_owned(), mods, false));
    let serial = |name: &str| {
        if unqualified {
            Some((name.to_owned(), Vec::new(), true))
        } else {
            None
        }
    };
    // A quoted `"char"` is the one-byte internal type, not character(1).
    if part.quoted && part.value == "char" {
        return plain("\"char\"", Vec::new());
    }
    match part.value.as_str() {
        "int" | "int4" | "integer" => plain("integer", Vec::new()),
        "int8" | "bigint" => plain("bigint", Vec::new()),
        "int2" | "smallint" => plain("smallint", Vec::new()),
        "serial" | "serial4" => serial("integer"),
        "bigserial" | "serial8" => serial("bigint"),
        "smallserial" | "serial2" => serial("smallint"),
        "float" => {
            // float(p): binary digits of precision pick the type.
            let precision = match mods.as_slice() {
                [] => 53,
                [p] => p.parse::<u32>().ok()?,
                _ => return None,
            };
            if precision <= 24 {
                plain("real", Vec::new())
            } else {
                plain("double precision", Vec::new())
            }
        }
        "float8" => plain("double precision", Vec::new()),
        "float4" | "real" => plain("real", Vec::new()),
        "decimal" | "dec" | "numeric" => plain("numeric", mods),
        "bool" | "boolean" => plain("boolean", Vec::new()),
        "varchar" => plain("character varying", mods),
        "char" | "character" => {
            let (name, mods) = character(mods);
            plain(&name, mods)
        }
        // `bpchar` without a length is blank-padded text of any length, and
        // format_type keeps its internal name for it.
        "bpchar" if mods.is_empty() => plain("bpchar", Vec::new()),
        "bpchar" => plain("character", mods),
        "varbit" => plain("bit varying", mods),
        "bit" if mods.is_empty() => plain("bit", vec!["1".to_owned()]),
        "timestamptz" => plain("timestamp with time zone", mods),
        "timetz" => plain("time with time zone", mods),
        "timestamp" => plain("timestamp without time zone", mods),
        "time" => plain("time without time zone", mods),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The canonical spelling of `text`, and whether it was serial.
    fn canon(text: &str) -> (String, bool) {
        let parsed = parse_type(text).unwrap_or_else(|| panic!("{text} did not parse"));
        (parsed.type_name.to_sql(), parsed.serial)
    }

    fn sql(text: &str) -> String {
        canon(text).0
    }

    #[test]
    fn integers() {
        for t in [
            "int",
            "INT",
            "int4",
            "integer",
            "INTEGER",
            "pg_catalog.int4",
        ] {
            assert_eq!(canon(t), ("integer".to_owned(), false), "{t}");
        }
        assert_eq!(sql("int8"), "bigint");
        assert_eq!(sql("BIGINT"), "bigint");
        assert_eq!(sql("int2"), "smallint");
        assert_eq!(sql("smallint"), "smallint");
        let p = parse_type("pg_catalog.int4").unwrap_or_else(|| panic!("no parse"));
        assert_eq!(p.type_name.schema, None);
    }

    #[test]
    fn serials() {
        assert_eq!(canon("serial"), ("integer".to_owned(), true));
        assert_eq!(canon("serial4"), ("integer".to_owned(), true));
        assert_eq!(canon("SERIAL"), ("integer".to_owned(), true));
        assert_eq!(canon("bigserial"), ("bigint".to_owned(), true));
        assert_eq!(canon("serial8"), ("bigint".to_owned(), true));
        assert_eq!(canon("smallserial"), ("smallint".to_owned(), true));
        assert_eq!(canon("serial2"), ("smallint".to_owned(), true));
        assert_eq!(parse_type("serial[]"), None);
    }

    #[test]
    fn floats() {
        assert_eq!(sql("float"), "double precision");
        assert_eq!(sql("float8"), "double precision");
        assert_eq!(sql("double precision"), "double precision");
        assert_eq!(sql("DOUBLE PRECISION"), "double precision");
        assert_eq!(sql("float4"), "real");
        assert_eq!(sql("real"), "real");
        assert_eq!(sql("float(10)"), "real");
        assert_eq!(sql("float(24)"), "real");
        assert_eq!(sql("float(25)"), "double precision");
        assert_eq!(sql("FLOAT(53)"), "double precision");
    }

    #[test]
    fn numerics() {
        assert_eq!(sql("numeric"), "numeric");
        assert_eq!(sql("decimal"), "numeric");
        assert_eq!(sql("NUMERIC(10,2)"), "numeric(10,2)");
        assert_eq!(sql("decimal(10, 2)"), "numeric(10,2)");
        assert_eq!(sql("dec(5)"), "numeric(5)");
        assert_eq!(sql("money"), "money");
    }

    #[test]
    fn booleans() {
        assert_eq!(sql("bool"), "boolean");
        assert_eq!(sql("BOOLEAN"), "boolean");
    }

    #[test]
    fn characters() {
        assert_eq!(sql("varchar"), "character varying");
        assert_eq!(sql("VARCHAR(255)"), "character varying(255)");
        assert_eq!(sql("character varying(5)"), "character varying(5)");
        assert_eq!(sql("CHARACTER VARYING"), "character varying");
        assert_eq!(sql("char varying(3)"), "character varying(3)");
        assert_eq!(sql("char"), "character(1)");
        assert_eq!(sql("character"), "character(1)");
        assert_eq!(sql("char(4)"), "character(4)");
        assert_eq!(sql("CHARACTER(4)"), "character(4)");
        assert_eq!(sql("bpchar"), "bpchar");
        assert_eq!(sql("bpchar(3)"), "character(3)");
        assert_eq!(sql("\"char\""), "\"char\"");
        assert_eq!(sql("text"), "text");
        assert_eq!(sql("TEXT"), "text");
        assert_eq!(sql("bytea"), "bytea");
        assert_eq!(sql("name"), "name");
    }

    #[test]
    fn times() {
        assert_eq!(sql("timestamp"), "timestamp without time zone");
        assert_eq!(
            sql("timestamp without time zone"),
            "timestamp without time zone"
        );
        assert_eq!(
            sql("TIMESTAMP(3) WITHOUT TIME ZONE"),
            "timestamp(3) without time zone"
        );
        assert_eq!(sql("timestamp(6)"), "timestamp(6) without time zone");
        assert_eq!(sql("timestamptz"), "timestamp with time zone");
        assert_eq!(sql("timestamptz(3)"), "timestamp(3) with time zone");
        assert_eq!(sql("timestamp with time zone"), "timestamp with time zone");
        assert_eq!(
            sql("timestamp (6) with time zone"),
            "timestamp(6) with time zone"
        );
        assert_eq!(sql("time"), "time without time zone");
        assert_eq!(sql("time(2) with time zone"), "time(2) with time zone");
        assert_eq!(sql("timetz"), "time with time zone");
        assert_eq!(sql("date"), "date");
        assert_eq!(sql("\"timestamp\""), "timestamp without time zone");
    }

    #[test]
    fn intervals() {
        assert_eq!(sql("interval"), "interval");
        assert_eq!(sql("INTERVAL(3)"), "interval(3)");
        assert_eq!(sql("interval day to second"), "interval day to second");
        assert_eq!(sql("INTERVAL YEAR"), "interval year");
        assert_eq!(sql("interval second(3)"), "interval second(3)");
        assert_eq!(
            sql("interval day to second(3)"),
            "interval day to second(3)"
        );
        assert_eq!(sql("interval hour to minute"), "interval hour to minute");
    }

    #[test]
    fn other_builtins() {
        for t in [
            "json",
            "jsonb",
            "uuid",
            "inet",
            "cidr",
            "macaddr",
            "tsvector",
            "xml",
            "oid",
            "regclass",
            "int4range",
            "tstzrange",
        ] {
            assert_eq!(sql(t), t);
            assert_eq!(sql(&t.to_uppercase()), t);
        }
    }

    #[test]
    fn bits() {
        assert_eq!(sql("bit"), "bit(1)");
        assert_eq!(sql("bit(3)"), "bit(3)");
        assert_eq!(sql("bit varying"), "bit varying");
        assert_eq!(sql("bit varying(5)"), "bit varying(5)");
        assert_eq!(sql("varbit"), "bit varying");
        assert_eq!(sql("varbit(5)"), "bit varying(5)");
    }

    #[test]
    fn arrays() {
        assert_eq!(sql("int[]"), "integer[]");
        assert_eq!(sql("int[3]"), "integer[]");
        assert_eq!(sql("integer ARRAY"), "integer[]");
        assert_eq!(sql("INT ARRAY[4]"), "integer[]");
        assert_eq!(sql("text[][]"), "text[]");
        assert_eq!(sql("varchar(10)[]"), "character varying(10)[]");
        assert_eq!(sql("timestamptz(3)[]"), "timestamp(3) with time zone[]");
        assert_eq!(sql("double precision[]"), "double precision[]");
        assert_eq!(sql("public.mood[]"), "public.mood[]");
    }

    #[test]
    fn user_types() {
        let p = parse_type("public.mood").unwrap_or_else(|| panic!("no parse"));
        assert_eq!(p.type_name.schema.as_deref(), Some("public"));
        assert_eq!(p.type_name.name, "mood");
        assert_eq!(sql("Public.Mood"), "public.mood");
        assert_eq!(sql("mood"), "mood");
        let q = parse_type("\"MyType\"").unwrap_or_else(|| panic!("no parse"));
        assert_eq!(q.type_name.name, "MyType");
        assert_eq!(q.type_name.to_sql(), "\"MyType\"");
        assert_eq!(sql("\"Foo\".\"Bar\""), "\"Foo\".\"Bar\"");
        assert_eq!(sql("db.public.mood"), "public.mood");
        assert_eq!(sql("citext"), "citext");
        assert_eq!(sql("vector(3)"), "vector(3)");
        assert_eq!(sql("geometry(Point,4326)"), "geometry(Point,4326)");
        assert_eq!(sql("geometry(Point, 4326)"), "geometry(Point,4326)");
        // A user type that happens to be called like a serial is not one.
        assert_eq!(
            canon("myschema.serial"),
            ("myschema.serial".to_owned(), false)
        );
    }

    #[test]
    fn not_types() {
        assert_eq!(parse_type("t.c%TYPE"), None);
        assert_eq!(parse_type("users.id%type"), None);
        assert_eq!(parse_type(""), None);
        assert_eq!(parse_type("varchar(10"), None);
        assert_eq!(parse_type("int int"), None);
    }
}
