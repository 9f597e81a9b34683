//! `--format github`: GitHub Actions workflow commands. Each finding becomes
//! an `::error`, `::warning` or `::notice` line that GitHub shows as an
//! annotation on the file and lines of the pull request. Paths must be
//! relative to the checkout, so run turquoise from the repository root.

use super::{Row, Summary};
use crate::diagnostic::Severity;

pub fn render(rows: &[Row], summary: Summary) -> String {
    let mut out = String::new();
    for row in rows {
        out.push_str(&command(row));
        out.push('\n');
    }
    out.push_str(&super::summary_line(summary));
    out
}

fn command(row: &Row) -> String {
    let f = row.finding;
    let name = match f.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Hint => "notice",
    };
    let mut properties = vec![format!("file={}", property(&row.file))];
    if f.location.line != 0 {
        properties.push(format!("line={}", f.location.line));
        properties.push(format!("col={}", f.location.column));
        properties.push(format!("endLine={}", row.end_line));
        properties.push(format!("endColumn={}", row.end_column));
    }
    properties.push(format!("title={}", property(f.code)));
    format!(
        "::{name} {}::{}",
        properties.join(","),
        data(&super::full_message(f))
    )
}

/// Escapes a command's message as the Actions runner unescapes it.
fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value: as [`data`], and also the `:` and `,` that
/// would end it.
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_data_and_properties() {
        assert_eq!(data("50% done\r\nnext: a, b"), "50%25 done%0D%0Anext: a, b");
        assert_eq!(property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }
}
