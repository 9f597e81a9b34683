//! Rewriting identifiers inside SQL text (renames carried into expressions).
//!
//! Defaults, checks, index expressions and view queries are kept as SQL text;
//! when a column or table they mention is renamed, the text must follow.
//! Only identifier tokens are touched, spliced by byte offset so everything
//! else (strings, comments, spacing, case) stays exactly as written. This
//! module does not decide what a name refers to: callers say what to rename.

use super::fallback::cursor::{fold, located_tokens};
use super::ir::quote_ident;
use sqlparser::tokenizer::Token;

/// Replaces every identifier token equal (after folding) to `old` with `new`
/// (quoted when needed), leaving strings, comments and everything else as is.
/// Text the tokenizer rejects comes back unchanged.
pub fn rename_identifier(sql: &str, old: &str, new: &str) -> String {
    rename_words(sql, old, new, false)
}

/// Like [`rename_identifier`], for a column: a word followed by `(` is a
/// function's name (`date(date)`) and stays.
pub fn rename_column(sql: &str, old: &str, new: &str) -> String {
    rename_words(sql, old, new, true)
}

/// The word tokens equal to `old` replaced with `new`; with `skip_calls`,
/// not those followed by `(`.
fn rename_words(sql: &str, old: &str, new: &str, skip_calls: bool) -> String {
    let Some(toks) = located_tokens(sql) else {
        return sql.to_owned();
    };
    let replacement = quote_ident(new);
    let mut out = String::with_capacity(sql.len());
    let mut copied = 0;
    for (i, t) in toks.iter().enumerate() {
        // sqlparser tags words like `value` or `data` as keywords, but in an
        // expression they are names all the same: any word token counts.
        if !matches!(t.token, Token::Word(_)) || fold(&t.token).as_deref() != Some(old) {
            continue;
        }
        let called = || {
            toks[i + 1..]
                .iter()
                .find(|n| !matches!(n.token, Token::Whitespace(_)))
                .is_some_and(|n| n.token == Token::LParen)
        };
        if skip_calls && called() {
            continue;
        }
        let (Some(before), true) = (sql.get(copied..t.start), t.start < t.end) else {
            continue;
        };
        out.push_str(before);
        out.push_str(&replacement);
        copied = t.end;
    }
    out.push_str(sql.get(copied..).unwrap_or(""));
    out
}

/// Replaces each `*` and `q.*` of the outermost select list with the
/// columns it stands for, as PostgreSQL does once when it stores a view.
/// `columns(qualifier)` gives the column names for a star (`None` for a
/// bare `*`), or `None` when it cannot tell. Returns `None` when any star
/// cannot be expanded or the text is not a plain `SELECT ... FROM`; the
/// caller then keeps the text as written.
pub fn expand_stars(
    sql: &str,
    columns: impl Fn(Option<&str>) -> Option<Vec<String>>,
) -> Option<String> {
    let toks: Vec<_> = located_tokens(sql)?
        .into_iter()
        .filter(|t| !t.is_trivia())
        .collect();
    let word = |i: usize, w: &str| matches!(&toks.get(i).map(|t| &t.token), Some(Token::Word(x)) if x.quote_style.is_none() && x.value.eq_ignore_ascii_case(w));
    if !word(0, "SELECT") {
        return None;
    }
    let mut out = String::with_capacity(sql.len());
    let mut copied = 0;
    let mut depth = 0usize;
    let mut item_start = true;
    let mut i = 1;
    if word(1, "ALL") {
        i = 2;
    }
    while let Some(t) = toks.get(i) {
        match &t.token {
            Token::LParen | Token::LBracket => depth += 1,
            Token::RParen | Token::RBracket => depth = depth.saturating_sub(1),
            _ => {}
        }
        if depth == 0 && (word(i, "FROM") || word(i, "UNION") || word(i, "INTO")) {
            break;
        }
        if depth == 0 && item_start {
            // `*` or `q.*` making up a whole item.
            let (qualifier, star) = match (&t.token, toks.get(i + 1), toks.get(i + 2)) {
                (Token::Mul, _, _) => (None, i),
                (Token::Word(_), Some(dot), Some(s))
                    if dot.token == Token::Period && s.token == Token::Mul =>
                {
                    (fold(&t.token), i + 2)
                }
                _ => (None, usize::MAX),
            };
            if star != usize::MAX {
                let ends_item = match toks.get(star + 1) {
                    None => true,
                    Some(n) => n.token == Token::Comma || word(star + 1, "FROM"),
                };
                if ends_item {
                    let names = columns(qualifier.as_deref())?;
                    if names.is_empty() {
                        return None;
                    }
                    let prefix = qualifier
                        .as_deref()
                        .map(|q| format!("{}.", quote_ident(q)))
                        .unwrap_or_default();
                    let list: Vec<String> = names
                        .iter()
                        .map(|n| format!("{prefix}{}", quote_ident(n)))
                        .collect();
                    out.push_str(sql.get(copied..t.start)?);
                    out.push_str(&list.join(", "));
                    copied = toks.get(star)?.end;
                    i = star + 1;
                    item_start = false;
                    continue;
                }
            }
        }
        item_start = depth == 0 && t.token == Token::Comma;
        i += 1;
    }
    out.push_str(sql.get(copied..)?);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::{expand_stars, rename_column, rename_identifier};

    #[test]
    fn a_column_named_like_a_function_renames_only_the_column() {
        assert_eq!(
            rename_column("date(date) + 1", "date", "day"),
            "date(day) + 1"
        );
        assert_eq!(
            rename_column("t.date > now()", "date", "day"),
            "t.day > now()"
        );
    }

    #[test]
    fn stars_expand_in_the_outer_select_list_only() {
        let cols = |q: Option<&str>| match q {
            None | Some("b") => Some(vec!["id".to_owned(), "Name".to_owned()]),
            _ => None,
        };
        assert_eq!(
            expand_stars("SELECT * FROM base", cols).as_deref(),
            Some("SELECT id, \"Name\" FROM base")
        );
        assert_eq!(
            expand_stars("SELECT b.*, count(*) AS n FROM base b", cols).as_deref(),
            Some("SELECT b.id, b.\"Name\", count(*) AS n FROM base b")
        );
        assert_eq!(
            expand_stars("SELECT 2 * 3 AS six", cols).as_deref(),
            Some("SELECT 2 * 3 AS six")
        );
        assert_eq!(expand_stars("SELECT c.* FROM base c", cols), None);
    }

    #[test]
    fn renames_words_only() {
        assert_eq!(
            rename_identifier(
                "(price > 0) AND t.Price < 'price' -- price",
                "price",
                "cost"
            ),
            "(cost > 0) AND t.cost < 'price' -- price"
        );
        assert_eq!(
            rename_identifier("lower(\"Name\") || name", "Name", "full name"),
            "lower(\"full name\") || name"
        );
        assert_eq!(
            rename_identifier("lower(\"Name\") || name", "name", "NewName"),
            "lower(\"Name\") || \"NewName\""
        );
    }

    #[test]
    fn keeps_text_byte_for_byte() {
        let sql = "CASE WHEN é_col  >  $$x$$ THEN   /* c */ E'a\\'' ELSE  \"é_col\" END";
        assert_eq!(
            rename_identifier(sql, "é_col", "b"),
            "CASE WHEN b  >  $$x$$ THEN   /* c */ E'a\\'' ELSE  b END"
        );
        assert_eq!(rename_identifier(sql, "missing", "b"), sql);
    }

    #[test]
    fn keywords_used_as_names_are_renamed() {
        assert_eq!(
            rename_identifier("\"order\" + \"user\" + position", "order", "sort"),
            "sort + \"user\" + position"
        );
        assert_eq!(
            rename_identifier("data->>'k' = value", "value", "v2"),
            "data->>'k' = v2"
        );
        // The new name is quoted when it is a reserved word.
        assert_eq!(rename_identifier("a + 1", "a", "select"), "\"select\" + 1");
    }

    #[test]
    fn tokenizer_errors_return_input() {
        assert_eq!(
            rename_identifier("a + 'unterminated", "a", "b"),
            "a + 'unterminated"
        );
    }
}
