//! diesel: one folder per migration, `<version>_<name>/up.sql` and
//! `down.sql`, with an optional `metadata.toml` (`run_in_transaction`).
//! Reads folder names and those three files; nothing else.

use super::{Cx, Entry, Migration, Script, codes, version};
use crate::diagnostic::{Finding, Location, Severity};
use std::path::Path;

const EXPECTED: &str = "a folder `<version>_<name>/` holding `up.sql` and `down.sql`";

pub(crate) fn read(entries: &[Entry], cx: &mut Cx) {
    for entry in entries {
        if !entry.is_dir {
            // Loose SQL beside the migration folders is never run by diesel.
            if entry.is_sql_file() {
                cx.unrecognised(&entry.path, EXPECTED);
            }
            continue;
        }
        read_one(entry, cx);
    }
}

fn read_one(entry: &Entry, cx: &mut Cx) {
    let up_path = entry.path.join("up.sql");
    let down_path = entry.path.join("down.sql");
    // Read at once: one look tells whether each is there.
    let up = cx.files.read_file(&up_path).transpose();
    let down = cx.files.read_file(&down_path).transpose();
    if up.is_none() && down.is_none() {
        // Folders without migration files (docs, fixtures) are no concern
        // of diesel's unless they hold SQL that was probably meant to run.
        if holds_sql(cx, &entry.path) {
            cx.unrecognised(&entry.path, EXPECTED);
        }
        return;
    }
    // diesel takes everything before the first `_` as the version.
    let parsed = version::split_underscore(&entry.name)
        .and_then(|(v, n)| version::diesel(v).map(|v| (v, n.to_string())));
    let Some((version, name)) = parsed else {
        cx.unrecognised(&entry.path, EXPECTED);
        return;
    };
    let Some(up) = up else {
        cx.orphan_down(&down_path);
        return;
    };
    let Some(text) = cx.text(&up_path, up, "the migration is skipped") else {
        return;
    };
    let down = match down {
        Some(down) => cx
            .text(&down_path, down, "the migration is kept without its down")
            .map(|t| Script::whole(down_path, t)),
        None => {
            cx.missing_down(&up_path, "`down.sql`");
            None
        }
    };
    let transaction = run_in_transaction(&entry.path.join("metadata.toml"), cx);
    cx.push(Migration {
        version,
        name,
        up: Script::whole(up_path, text),
        down,
        transaction,
        repeatable: false,
    });
}

fn holds_sql(cx: &Cx, dir: &Path) -> bool {
    let mut skipped = Vec::new();
    super::list(cx.files, dir, &mut skipped)
        .map(|entries| entries.iter().any(Entry::is_sql_file))
        .unwrap_or(false)
}

/// diesel's `metadata.toml`: `run_in_transaction = false` runs the migration
/// outside a transaction. Missing file or key: in a transaction.
fn run_in_transaction(path: &Path, cx: &mut Cx) -> bool {
    let Some(bytes) = cx.files.read_file(path).transpose() else {
        return true;
    };
    let Some(text) = cx.text(
        path,
        bytes,
        "the migration is assumed to run in a transaction",
    ) else {
        return true;
    };
    let invalid = |cx: &mut Cx, why: String| {
        cx.finding(Finding::new(
            codes::INVALID_METADATA,
            Severity::Error,
            Location::file(path),
            format!("{why}; the migration is assumed to run in a transaction"),
        ));
    };
    match toml::from_str::<toml::Table>(&text) {
        Ok(table) => match table.get("run_in_transaction") {
            None => true,
            Some(toml::Value::Boolean(b)) => *b,
            Some(other) => {
                invalid(
                    cx,
                    format!("`run_in_transaction` must be true or false, not {other}"),
                );
                true
            }
        },
        Err(e) => {
            invalid(cx, format!("not valid TOML: {}", e.message()));
            true
        }
    }
}
