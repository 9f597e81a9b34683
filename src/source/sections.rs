//! Layouts that keep up and down in one file, cut by marker comments:
//! goose (`-- +goose Up`), dbmate (`-- migrate:up`) and sql-migrate
//! (`-- +migrate Up`). This module finds the markers and turns them into byte
//! ranges of one shared text; it never looks at the SQL between them.

use super::{Cx, Entry, Layout, Migration, Script, codes, version};
use crate::diagnostic::{Finding, Location, Severity};
use std::ops::Range;
use std::path::Path;

/// A marker line, as one of the three frameworks writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Marker {
    Up {
        no_transaction: bool,
    },
    Down,
    StatementBegin,
    StatementEnd,
    NoTransaction,
    /// A framework annotation that does not change what runs (goose's
    /// `ENVSUB ON`): not a section boundary, not SQL either.
    Other,
}

/// goose: `-- +goose <Command>`. goose trims the line and, since v3, reads
/// commands without regard to case; `NO TRANSACTION` applies to the file.
fn goose(line: &str) -> Option<Marker> {
    let rest = line.trim().strip_prefix("--")?.trim_start();
    let command = strip_prefix_ignore_case(rest, "+goose")?;
    if !(command.is_empty() || command.starts_with(char::is_whitespace)) {
        return None;
    }
    let words: Vec<String> = command
        .split_whitespace()
        .map(str::to_ascii_lowercase)
        .collect();
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    Some(match words.as_slice() {
        ["up"] => Marker::Up {
            no_transaction: false,
        },
        ["down"] => Marker::Down,
        ["statementbegin"] => Marker::StatementBegin,
        ["statementend"] => Marker::StatementEnd,
        ["no", "transaction"] => Marker::NoTransaction,
        _ => Marker::Other,
    })
}

/// dbmate: `-- migrate:up [option:value ...]` at the very start of a line
/// (dbmate's own pattern is `^--\s*migrate:up`). `transaction:false` on the
/// up marker runs the up outside a transaction.
fn dbmate(line: &str) -> Option<Marker> {
    let rest = line.trim_end().strip_prefix("--")?.trim_start();
    let rest = rest.strip_prefix("migrate:")?;
    let (command, options) = match rest.split_once(char::is_whitespace) {
        Some((c, o)) => (c, o),
        None => (rest, ""),
    };
    match command {
        "up" => Some(Marker::Up {
            no_transaction: options.split_whitespace().any(|o| o == "transaction:false"),
        }),
        "down" => Some(Marker::Down),
        _ => None,
    }
}

/// sql-migrate: `-- +migrate <Command> [notransaction]`.
fn sql_migrate(line: &str) -> Option<Marker> {
    let rest = line.trim().strip_prefix("--")?.trim_start();
    let rest = rest.strip_prefix("+migrate")?;
    if !rest.starts_with(char::is_whitespace) {
        return None;
    }
    let mut words = rest.split_whitespace();
    let command = words.next()?.to_ascii_lowercase();
    let no_transaction = words.any(|w| w.eq_ignore_ascii_case("notransaction"));
    Some(match command.as_str() {
        "up" => Marker::Up { no_transaction },
        "down" => Marker::Down,
        "statementbegin" => Marker::StatementBegin,
        "statementend" => Marker::StatementEnd,
        _ => Marker::Other,
    })
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| s.get(prefix.len()..))
        .flatten()
}

/// The marker layout of a file's text: the layout of its first marker line.
pub(crate) fn sniff(text: &str) -> Option<Layout> {
    text.lines().find_map(|line| {
        if goose(line).is_some() {
            Some(Layout::Goose)
        } else if dbmate(line).is_some() {
            Some(Layout::Dbmate)
        } else if sql_migrate(line).is_some() {
            Some(Layout::SqlMigrate)
        } else {
            None
        }
    })
}

/// Recognises one framework's marker lines.
type MarkerFn = fn(&str) -> Option<Marker>;

/// One section (up or down) cut from a file.
#[derive(Debug, Default)]
struct Section {
    range: Range<usize>,
    blocks: Vec<Range<usize>>,
}

/// What the markers of one file say.
#[derive(Debug, Default)]
struct Cut {
    up: Option<Section>,
    down: Option<Section>,
    no_transaction: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Which {
    Up,
    Down,
}

/// Cuts `text` into sections. A section runs from the line after its marker
/// to the next Up/Down marker or the end of the file. Blocks run from the
/// line after StatementBegin to the start of the StatementEnd line. Markers
/// the framework would reject are reported and otherwise ignored.
fn cut(text: &str, path: &Path, marker: MarkerFn, cx: &mut Cx) -> Cut {
    let mut out = Cut::default();
    let mut open: Option<(Which, Section)> = None;
    let mut block: Option<(usize, Location)> = None;
    let mut offset = 0;
    for (n, raw) in text.split_inclusive('\n').enumerate() {
        let start = offset;
        offset += raw.len();
        let Some(m) = marker(raw) else { continue };
        let location = || {
            let indent = raw.len() - raw.trim_start().len();
            let column = raw.get(..indent).map_or(1, |s| s.chars().count() + 1);
            Location {
                path: path.to_path_buf(),
                line: u32::try_from(n + 1).unwrap_or(u32::MAX),
                column: u32::try_from(column).unwrap_or(u32::MAX),
                start: start + indent,
                end: start + raw.trim_end().len(),
            }
        };
        match m {
            Marker::Up { .. } | Marker::Down => {
                let which = if m == Marker::Down {
                    Which::Down
                } else {
                    Which::Up
                };
                let taken = match which {
                    Which::Up => out.up.is_some(),
                    Which::Down => out.down.is_some(),
                } || open.as_ref().is_some_and(|(w, _)| *w == which);
                if taken {
                    misplaced(
                        cx,
                        location(),
                        "a second section marker of the same direction; it is ignored",
                    );
                    continue;
                }
                if let Some((_, at)) = block.take() {
                    misplaced(
                        cx,
                        at,
                        "StatementBegin is not closed before the next section; the block is ignored",
                    );
                }
                close(&mut out, open.take(), start);
                if let Marker::Up { no_transaction } = m {
                    out.no_transaction |= no_transaction;
                }
                open = Some((
                    which,
                    Section {
                        range: offset..offset,
                        blocks: Vec::new(),
                    },
                ));
            }
            Marker::StatementBegin => {
                if open.is_none() {
                    misplaced(
                        cx,
                        location(),
                        "StatementBegin before any Up or Down marker; it is ignored",
                    );
                } else if block.is_some() {
                    misplaced(
                        cx,
                        location(),
                        "StatementBegin inside another statement block; it is ignored",
                    );
                } else {
                    block = Some((offset, location()));
                }
            }
            Marker::StatementEnd => match (block.take(), open.as_mut()) {
                (Some((begin, _)), Some((_, section))) => section.blocks.push(begin..start),
                _ => misplaced(
                    cx,
                    location(),
                    "StatementEnd without a StatementBegin; it is ignored",
                ),
            },
            Marker::NoTransaction => out.no_transaction = true,
            Marker::Other => {}
        }
    }
    if let Some((_, at)) = block.take() {
        misplaced(
            cx,
            at,
            "StatementBegin is never closed; the block is ignored",
        );
    }
    close(&mut out, open.take(), text.len());
    out
}

fn close(out: &mut Cut, open: Option<(Which, Section)>, end: usize) {
    if let Some((which, mut section)) = open {
        section.range.end = end;
        match which {
            Which::Up => out.up = Some(section),
            Which::Down => out.down = Some(section),
        }
    }
}

fn misplaced(cx: &mut Cx, location: Location, message: &str) {
    cx.finding(Finding::new(
        codes::MISPLACED_MARKER,
        Severity::Error,
        location,
        message,
    ));
}

/// Reads a goose, dbmate or sql-migrate folder.
pub(crate) fn read(entries: &[Entry], layout: Layout, cx: &mut Cx) {
    let (marker, up_marker, expected): (MarkerFn, &str, &str) = match layout {
        Layout::Goose => (goose, "-- +goose Up", "`<version>_<name>.sql`"),
        Layout::Dbmate => (dbmate, "-- migrate:up", "`<version>_<name>.sql`"),
        _ => (sql_migrate, "-- +migrate Up", "`<name>.sql`"),
    };
    for entry in entries.iter().filter(|e| e.is_sql_file()) {
        let Some(stem) = entry.name.strip_suffix(".sql") else {
            continue;
        };
        let (version, name) = if layout == Layout::SqlMigrate {
            version::prefixed(stem)
        } else {
            let parsed = version::split_underscore(stem)
                .and_then(|(v, n)| version::integer(v).map(|v| (v, n.to_string())));
            match parsed {
                Some(found) => found,
                None => {
                    cx.unrecognised(&entry.path, expected);
                    continue;
                }
            }
        };
        let Some(text) = cx.read_text(&entry.path, "the migration is skipped") else {
            continue;
        };
        let sections = cut(&text, &entry.path, marker, cx);
        let Some(up) = sections.up else {
            cx.finding(
                Finding::new(
                    codes::MISSING_UP_MARKER,
                    Severity::Error,
                    Location::file(&entry.path),
                    format!("no `{up_marker}` marker; the framework will not run this file, and it is skipped"),
                )
                .with_help(format!("start the up part with a `{up_marker}` line")),
            );
            continue;
        };
        let script = |s: Section| Script {
            path: entry.path.clone(),
            text: text.clone(),
            range: s.range,
            blocks: s.blocks,
        };
        cx.push(Migration {
            version,
            name,
            up: script(up),
            down: sections.down.map(script),
            transaction: !sections.no_transaction,
            repeatable: false,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_are_recognised() {
        assert_eq!(
            goose("-- +goose Up"),
            Some(Marker::Up {
                no_transaction: false
            })
        );
        assert_eq!(
            goose("--  +goose  statementBegin \r\n"),
            Some(Marker::StatementBegin)
        );
        assert_eq!(
            goose("-- +goose NO TRANSACTION"),
            Some(Marker::NoTransaction)
        );
        assert_eq!(goose("-- +gooseUp"), None);
        assert_eq!(goose("SELECT 1; -- +goose Up"), None);
        assert_eq!(
            dbmate("-- migrate:up transaction:false"),
            Some(Marker::Up {
                no_transaction: true
            })
        );
        assert_eq!(dbmate("--migrate:down"), Some(Marker::Down));
        assert_eq!(dbmate("-- migrate:upgrade"), None);
        assert_eq!(
            sql_migrate("-- +migrate Up notransaction"),
            Some(Marker::Up {
                no_transaction: true
            })
        );
        assert_eq!(
            sql_migrate("-- +migrate StatementEnd"),
            Some(Marker::StatementEnd)
        );
    }

    #[test]
    fn sniff_picks_the_first_marker() {
        assert_eq!(sniff("-- a comment\n-- +goose Up\n"), Some(Layout::Goose));
        assert_eq!(sniff("-- migrate:up\n"), Some(Layout::Dbmate));
        assert_eq!(sniff("-- +migrate Up\n"), Some(Layout::SqlMigrate));
        assert_eq!(sniff("create table t ();\n"), None);
    }
}
