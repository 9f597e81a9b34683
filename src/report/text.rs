//! `--format text`: rustc-style code frames for people, drawn by
//! `annotate-snippets`. Each finding shows the statement it is about with
//! the statement underlined, the classification as a `note`, and the help.
//! Frames stay short: a statement longer than [`MAX_LINES`] lines shows its
//! first lines only and says where it ends.

use super::{Row, Summary};
use crate::diagnostic::{Detail, Severity};
use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};

/// The most lines of a statement a frame shows.
pub const MAX_LINES: usize = 4;

pub fn render(rows: &[Row], summary: Summary, color: bool) -> String {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut out = String::new();
    for row in rows {
        out.push_str(&renderer.render(&[group(row)]));
        out.push_str("\n\n");
    }
    out.push_str(&super::summary_line(summary));
    out
}

fn level(s: Severity) -> Level<'static> {
    match s {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Hint => Level::NOTE.with_name("hint"),
    }
}

fn group<'a>(row: &'a Row) -> Group<'a> {
    let f = row.finding;
    let mut group = level(f.severity)
        .primary_title(f.message.as_str())
        .id(f.code)
        .element(place(row));
    if let Some(note) = f.detail.as_deref().and_then(note) {
        group = group.element(Level::NOTE.message(note));
    }
    if let Some(note) = &f.note {
        group = group.element(Level::NOTE.message(note.as_str()));
    }
    if let Some(help) = &f.help {
        group = group.element(Level::HELP.message(help.as_str()));
    }
    group
}

/// The statement in a frame, or just the file when the finding has no
/// position (or its text is unknown).
fn place<'a>(row: &'a Row) -> annotate_snippets::Element<'a> {
    let f = row.finding;
    let loc = &f.location;
    let frame = row
        .source
        .filter(|_| loc.line != 0)
        .and_then(|text| frame(text, loc.start, loc.end, loc.line as usize));
    match frame {
        Some(Frame { lines, span, label }) => {
            let mut annotation = AnnotationKind::Primary.span(span);
            if let Some(label) = label {
                annotation = annotation.label(label);
            }
            Snippet::source(lines)
                .line_start(loc.line as usize)
                .path(row.file.as_str())
                .annotation(annotation)
                .into()
        }
        None if loc.line == 0 => Origin::path(row.file.as_str()).into(),
        None => Origin::path(row.file.as_str())
            .line(loc.line as usize)
            .char_column(loc.column as usize)
            .into(),
    }
}

/// The lines shown for a statement and the span to underline in them.
struct Frame<'a> {
    lines: &'a str,
    span: std::ops::Range<usize>,
    label: Option<String>,
}

/// Cuts the lines of `text` that hold bytes `start..end` (at most
/// [`MAX_LINES`] of them); `line` is the line `start` is on.
fn frame(text: &str, start: usize, end: usize, line: usize) -> Option<Frame<'_>> {
    let end = end.min(text.len());
    if start > end || !text.is_char_boundary(start) || !text.is_char_boundary(end) {
        return None;
    }
    let first = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let body = text[start..end].trim_end();
    let end = start + body.len();
    let total = body.lines().count().max(1);
    let last = if total > MAX_LINES {
        // The end of the last line shown.
        let mut at = start;
        for _ in 0..MAX_LINES {
            at += text[at..].find('\n').map_or(text.len() - at, |i| i + 1);
        }
        at - 1
    } else {
        end + text[end..].find('\n').unwrap_or(text.len() - end)
    };
    let lines = text[first..last].trim_end_matches('\r');
    let cut = end.min(first + lines.len());
    let label =
        (total > MAX_LINES).then(|| format!("statement continues to line {}", line + total - 1));
    Some(Frame {
        lines,
        span: start - first..cut - first,
        label,
    })
}

/// `contract; ACCESS EXCLUSIVE on public.users; rewrites the table`.
fn note(d: &Detail) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(c) = d.compatibility {
        parts.push(c.to_string());
    }
    match (d.lock, &d.table) {
        (Some(lock), Some(table)) => parts.push(format!("{lock} on {table}")),
        (Some(lock), None) => parts.push(format!("{lock} lock")),
        _ => {}
    }
    if let Some(r) = d.rewrite {
        parts.push(match r {
            crate::classify::Rewrite::Table => "rewrites the table".to_owned(),
            crate::classify::Rewrite::Index => "builds indexes, reading the whole table".to_owned(),
        });
    }
    if !d.impact.is_empty() {
        parts.push(format!("also affects {}", d.impact.join(", ")));
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frame_of_a_one_line_statement() {
        let text = "-- c\nDROP TABLE t;\nSELECT 1;\n";
        let f = frame(text, 5, 17, 2).unwrap();
        assert_eq!(f.lines, "DROP TABLE t;");
        assert_eq!(&f.lines[f.span], "DROP TABLE t");
        assert!(f.label.is_none());
    }

    fn row<'a>(finding: &'a crate::diagnostic::Finding, source: &'a str) -> Row<'a> {
        Row {
            finding,
            file: "m.sql".to_owned(),
            end_line: 0,
            end_column: 0,
            source: Some(source),
        }
    }

    #[test]
    fn crlf_and_wide_characters_frame_cleanly() {
        use crate::diagnostic::{Finding, Location};
        let text = "-- ü\r\nDROP TABLE \"dürer\";\r\nSELECT 1;\r\n";
        let start = text.find("DROP").unwrap();
        let end = text.find(';').unwrap();
        let loc = Location {
            path: "m.sql".into(),
            line: 2,
            column: 1,
            start,
            end,
        };
        let f = Finding::new("dropping-table", Severity::Error, loc, "gone");
        let out = render(&[row(&f, text)], Summary::default(), false);
        assert!(!out.contains('\r'), "{out}");
        assert!(out.contains("2 | DROP TABLE \"dürer\";\n"), "{out}");
        assert!(out.contains("  | ^^^^^^^^^^^^^^^^^^\n"), "{out}");
    }

    #[test]
    fn file_level_findings_have_no_frame() {
        use crate::diagnostic::{Finding, Location};
        let f = Finding::new(
            "missing-down",
            Severity::Warning,
            Location::file("m.sql"),
            "no down",
        );
        let out = render(&[row(&f, "SELECT 1;")], Summary::default(), false);
        assert_eq!(
            out,
            "warning[missing-down]: no down\n--> m.sql\n\n0 errors, 0 warnings, 0 hints in 0 migrations\n"
        );
    }

    #[test]
    fn long_statements_show_their_first_lines() {
        let text = "ALTER TABLE t\n  ADD a int,\n  ADD b int,\n  ADD c int,\n  ADD d int;\n";
        let f = frame(text, 0, text.len() - 2, 1).unwrap();
        assert_eq!(f.lines.lines().count(), MAX_LINES);
        assert_eq!(f.label.as_deref(), Some("statement continues to line 5"));
    }
}
