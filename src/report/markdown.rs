//! `--format markdown`: a pull-request comment. A heading with the counts,
//! then one table row per finding: severity, rule (linked to its page),
//! location and message, with the help folded into a `<details>` block.

use super::{Row, Summary};

pub fn render(rows: &[Row], summary: Summary) -> String {
    let mut out = format!(
        "### turquoise: {}\n",
        super::summary_line(summary).trim_end()
    );
    if rows.is_empty() {
        out.push_str("\nNo findings: every migration is safe to deploy with the running code.\n");
        return out;
    }
    out.push_str("\n| severity | rule | location | message |\n| --- | --- | --- | --- |\n");
    for row in rows {
        let f = row.finding;
        let rule = match crate::rules::find(f.code) {
            Some(r) => format!("[{}]({})", r.name, super::rule_url(r.name)),
            None => f.code.to_owned(),
        };
        let location = if f.location.line == 0 {
            row.file.clone()
        } else {
            format!("{}:{}:{}", row.file, f.location.line, f.location.column)
        };
        let mut message = cell(&f.message);
        if let Some(help) = &f.help {
            message.push_str(&format!(
                "<details><summary>help</summary>{}</details>",
                cell(help)
            ));
        }
        if let Some(note) = &f.note {
            message.push_str(&format!(
                "<details><summary>note</summary><pre>{}</pre></details>",
                cell(note)
            ));
        }
        out.push_str(&format!(
            "| {} | {rule} | `{}` | {message} |\n",
            f.severity,
            location.replace('`', "'").replace('|', "\\|")
        ));
    }
    out
}

/// Text that stays inside one table cell and is not read as HTML. Inside
/// `code spans` entities would show as typed, and `<` is literal anyway,
/// so only the text between them is escaped.
fn cell(s: &str) -> String {
    let mut out = String::new();
    for (i, part) in s.split('`').enumerate() {
        if i > 0 {
            out.push('`');
        }
        if i % 2 == 0 {
            out.push_str(
                &part
                    .replace('&', "&amp;")
                    .replace('<', "&lt;")
                    .replace('>', "&gt;"),
            );
        } else {
            out.push_str(part);
        }
    }
    out.replace('|', "\\|")
        .replace("\r\n", "<br>")
        .replace('\n', "<br>")
}

#[cfg(test)]
mod tests {
    #[test]
    fn cells_keep_pipes_and_tags_literal() {
        assert_eq!(super::cell("a | b <c>\nd"), "a \\| b &lt;c&gt;<br>d");
        assert_eq!(
            super::cell("in `<stdin>` & <x>"),
            "in `<stdin>` &amp; &lt;x&gt;"
        );
    }
}
