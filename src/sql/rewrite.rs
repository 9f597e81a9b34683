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
    let Some(toks) = located_tokens(sql) else {
        return sql.to_owned();
    };
    let replacement = quote_ident(new);
    let mut out = String::with_capacity(sql.len());
    let mut copied = 0;
    for t in &toks {
        // sqlparser tags words like `value` or `data` as keywords, but in an
        // expression they are names all the same: any word token counts.
        if !matches!(t.token, Token::Word(_)) || fold(&t.token).as_deref() != Some(old) {
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

#[cfg(test)]
mod tests {
    use super::rename_identifier;

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
