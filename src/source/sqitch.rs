//! Sqitch: `sqitch.plan` lists changes in deploy order; change `x` deploys
//! with `deploy/x.sql` and reverts with `revert/x.sql` (`verify/` is not a
//! migration and is not read). This module parses the plan's change and tag
//! lines only; pragmas, notes and dependencies are skipped.
//!
//! A change's version text is its name, and its key is its 1-based position
//! in the plan, so plan order is the migration order. A change reworked after
//! a tag appears twice in the plan: the earlier one reads
//! `deploy/x@<tag>.sql`, where `<tag>` is the first tag after it (that is
//! where `sqitch rework` copies it), and has version text `x@<tag>`.
//!
//! Sqitch does not wrap scripts in a transaction (they say `BEGIN;` and
//! `COMMIT;` themselves), so every migration has `transaction = false`.

use super::{Cx, Entry, Migration, Script, Version, VersionKey, codes};
use crate::diagnostic::{Finding, Location, Severity};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

struct Change {
    name: String,
    location: Location,
}

/// The plan's changes, and for each tag the number of changes before it.
#[derive(Default)]
struct Plan {
    changes: Vec<Change>,
    tags: Vec<(String, usize)>,
}

fn parse_plan(path: &Path, text: &str, cx: &mut Cx) -> Plan {
    let mut plan = Plan::default();
    let mut offset = 0;
    for (n, raw) in text.split_inclusive('\n').enumerate() {
        let start = offset;
        offset += raw.len();
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with('%') {
            continue;
        }
        let indent = raw.len() - raw.trim_start().len();
        let location = Location {
            path: path.to_path_buf(),
            line: u32::try_from(n + 1).unwrap_or(u32::MAX),
            column: u32::try_from(indent + 1).unwrap_or(u32::MAX),
            start: start + indent,
            end: start + raw.trim_end().len(),
        };
        let token = line.split_whitespace().next().unwrap_or_default();
        if let Some(tag) = token.strip_prefix('@') {
            plan.tags.push((tag.to_string(), plan.changes.len()));
            continue;
        }
        // Old plans mark deploys with `+` and reverts with `-`; a revert
        // line undoes an earlier change and deploys nothing.
        if token.starts_with('-') {
            continue;
        }
        let name = token.strip_prefix('+').unwrap_or(token);
        if name.is_empty() || name.contains(['[', ']', '<', '>', '#', '@', ':']) {
            cx.finding(Finding::new(
                codes::INVALID_PLAN_ENTRY,
                Severity::Warning,
                location,
                "not a change, tag, pragma or comment; the line is skipped",
            ));
            continue;
        }
        plan.changes.push(Change {
            name: name.to_string(),
            location,
        });
    }
    plan
}

pub(crate) fn read(dir: &Path, entries: &[Entry], cx: &mut Cx) {
    let Some(plan_entry) = entries
        .iter()
        .find(|e| !e.is_dir && (e.name == "sqitch.plan" || e.name == "sqlitch.plan"))
    else {
        cx.finding(Finding::new(
            codes::MISSING_SCRIPT,
            Severity::Error,
            Location::file(dir.join("sqitch.plan")),
            "no sqitch.plan in the folder; no changes can be read",
        ));
        return;
    };
    let plan_path = &plan_entry.path;
    let Some(text) = cx.read_text(plan_path, "no changes can be read") else {
        return;
    };
    let plan = parse_plan(plan_path, &text, cx);

    // Last position of each name, to know which entries were reworked.
    let mut last: HashMap<&str, usize> = HashMap::new();
    for (i, c) in plan.changes.iter().enumerate() {
        last.insert(c.name.as_str(), i);
    }
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let mut listed: HashSet<PathBuf> = HashSet::new();
    for (i, change) in plan.changes.iter().enumerate() {
        let name = change.name.as_str();
        if let Some(prev) = seen.insert(name, i) {
            // A name may come back only after a tag (a rework).
            if first_tag_after(&plan, prev).is_none_or(|(_, pos)| pos > i) {
                cx.finding(
                    Finding::new(
                        codes::DUPLICATE_VERSION,
                        Severity::Error,
                        change.location.clone(),
                        format!("change `{name}` is already in the plan, with no tag between; it is skipped"),
                    )
                    .with_help("use `sqitch rework` after a tag, or give the change its own name"),
                );
                continue;
            }
        }
        let reworked = last.get(name).is_some_and(|&l| l > i);
        let tag = if reworked {
            first_tag_after(&plan, i).map(|(t, _)| t)
        } else {
            None
        };
        let file = match tag {
            Some(t) => format!("{name}@{t}.sql"),
            None => format!("{name}.sql"),
        };
        let deploy = dir.join("deploy").join(&file);
        let revert = dir.join("revert").join(&file);
        listed.insert(deploy.clone());
        let Some(deploy_bytes) = cx.files.read_file(&deploy).transpose() else {
            cx.finding(
                Finding::new(
                    codes::MISSING_SCRIPT,
                    Severity::Error,
                    change.location.clone(),
                    format!(
                        "change `{name}` has no deploy script {}; it is skipped",
                        deploy.display()
                    ),
                )
                .with_help("add the script, or remove the change from the plan"),
            );
            continue;
        };
        let Some(up) = cx.text(&deploy, deploy_bytes, "the change is skipped") else {
            continue;
        };
        let down = match cx.files.read_file(&revert).transpose() {
            Some(bytes) => cx
                .text(&revert, bytes, "the change is kept without its revert")
                .map(|t: Arc<str>| Script::whole(revert, t)),
            None => {
                cx.missing_down(&deploy, &format!("`revert/{file}`"));
                None
            }
        };
        let text = match tag {
            Some(t) => format!("{name}@{t}"),
            None => name.to_string(),
        };
        cx.push(Migration {
            version: Version {
                text,
                key: VersionKey::Numeric(vec![i as u128 + 1]),
            },
            name: name.to_string(),
            up: Script::whole(deploy, up),
            down,
            transaction: false,
            repeatable: false,
        });
    }

    let mut deploy_files = Vec::new();
    let deploy_dir = dir.join("deploy");
    if cx.is_dir(&deploy_dir) {
        super::walk_sql(&deploy_dir, cx, &mut deploy_files);
    }
    for path in deploy_files {
        if !listed.contains(&path) {
            cx.unrecognised(&path, "a change listed in sqitch.plan");
        }
    }
}

/// The first tag after the change at position `i`, with its position.
fn first_tag_after(plan: &Plan, i: usize) -> Option<(&str, usize)> {
    let at = plan.tags.partition_point(|(_, pos)| *pos <= i);
    plan.tags.get(at).map(|(t, pos)| (t.as_str(), *pos))
}
