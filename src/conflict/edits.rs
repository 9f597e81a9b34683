//! Edited and deleted history: a migration of the merge base whose files
//! changed on a side (compared byte for byte, down script and transaction
//! mode included), or that a side no longer has. Databases that already
//! ran it keep the old version, so no renumbering helps; the fix is to
//! restore it and put the change in a new migration.

use super::order::Plan;
use super::{Side, Sides, Split, Which, codes};
use crate::diagnostic::{Finding, LineIndex, Location, Severity};
use crate::source::{Layout, Migration, Script};

pub(crate) fn findings(sides: &Sides, split: &Split, plan: &Plan) -> Vec<Finding> {
    let mut out = Vec::new();
    let new_migration = match &plan.next_free {
        Some(v) => format!("a new migration (version {v})"),
        None => "a new migration".to_owned(),
    };
    let ancestor = sides.merge_base.as_ref().unwrap_or(&sides.base);
    for &(which, old, now) in &split.edited {
        if old.repeatable {
            // Flyway runs a changed repeatable migration again: editing
            // one is how it is meant to be used.
            continue;
        }
        let (location, what) = first_difference(old, now);
        let side = side_of(sides, which);
        let message = format!(
            "migration {} is in the history both branches share, and {} edited it ({what}); {}",
            old.version,
            side.name,
            edit_behaviour(sides.layout)
        );
        let help = match which {
            Which::Head => format!(
                "{}, and put the change in {new_migration}: no renumbering helps an edited migration",
                restore(sides, ancestor, old)
            ),
            Which::Base => format!(
                "{} edited a migration this branch shares; nothing here to rename: the edit belongs in a new migration on {}",
                side.name, side.name
            ),
        };
        out.push(
            Finding::new(codes::EDITED_HISTORY, severity(which), location, message).with_help(help),
        );
    }
    for &(which, old) in &split.deleted {
        if old.repeatable {
            continue;
        }
        let side = side_of(sides, which);
        let message = format!(
            "migration {} is in the history both branches share, and {} deleted it; databases that ran it keep its changes, and new ones never get them",
            old.version, side.name
        );
        let help = match which {
            Which::Head => format!(
                "{}; to undo its changes, add {new_migration} that reverts them",
                restore(sides, ancestor, old)
            ),
            Which::Base => format!(
                "{} deleted a migration this branch shares; nothing here to rename",
                side.name
            ),
        };
        out.push(
            Finding::new(
                codes::DELETED_HISTORY,
                severity(which),
                Location::file(&old.up.path),
                message,
            )
            .with_help(help),
        );
    }
    out
}

/// Head's edits are the branch's own doing; base's are reported so the
/// merge is not a surprise, but this branch cannot fix them.
fn severity(which: Which) -> Severity {
    match which {
        Which::Head => Severity::Error,
        Which::Base => Severity::Warning,
    }
}

fn side_of(sides: &Sides, which: Which) -> &Side {
    match which {
        Which::Base => &sides.base,
        Which::Head => &sides.head,
    }
}

/// How to get the shared version of `m` back.
fn restore(sides: &Sides, ancestor: &Side, m: &Migration) -> String {
    let files: Vec<String> = std::iter::once(&m.up)
        .chain(m.down.as_ref())
        .map(|s| ancestor.repo_path(&s.path))
        .fold(Vec::new(), |mut v, p| {
            if !v.contains(&p) {
                v.push(p);
            }
            v
        });
    match &sides.merge_base_commit {
        Some(commit) => format!(
            "restore it as the merge base has it (`git checkout {} -- {}`)",
            &commit[..commit.len().min(12)],
            files.join(" ")
        ),
        None => format!("restore it as {} has it", sides.base.name),
    }
}

/// Where `now` first differs from `old`, and what differs, in words.
fn first_difference(old: &Migration, now: &Migration) -> (Location, String) {
    if old.up.text != now.up.text {
        return (at_difference(&old.up, &now.up), "its up script".to_owned());
    }
    match (&old.down, &now.down) {
        (Some(a), Some(b)) if a.text != b.text => {
            return (at_difference(a, b), "its down script".to_owned());
        }
        (Some(_), None) => {
            return (
                Location::file(&now.up.path),
                "its down script is gone".to_owned(),
            );
        }
        (None, Some(b)) => {
            return (
                Location::file(&b.path),
                "a down script was added".to_owned(),
            );
        }
        _ => {}
    }
    let mode = if now.transaction {
        "it now runs in a transaction"
    } else {
        "it now runs outside a transaction"
    };
    (Location::file(&now.up.path), mode.to_owned())
}

/// The line of `now`'s file where it first differs from `old`'s.
fn at_difference(old: &Script, now: &Script) -> Location {
    let (a, b) = (old.text.as_bytes(), now.text.as_bytes());
    let mut at = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let text = &*now.text;
    while at > 0 && !text.is_char_boundary(at) {
        at -= 1;
    }
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let (line, column) = LineIndex::new(text).line_col(text, start);
    Location {
        path: now.path.clone(),
        line,
        column,
        start,
        end,
    }
}

/// What the framework does when a migration it already ran was edited.
fn edit_behaviour(layout: Layout) -> String {
    match layout {
        Layout::Sqlx => "sqlx refuses to migrate databases that ran the old version: its checksum no longer matches".to_owned(),
        Layout::Flyway => "Flyway's validation fails on databases that ran the old version: its checksum no longer matches".to_owned(),
        _ => format!(
            "{layout} does not notice: databases that already ran it keep the old version and new ones get the new one, so they differ"
        ),
    }
}
