//! Versions after the merge: two migrations with one version, and head's
//! new migrations that sort before base's newest, with what the framework
//! does with them. Also the plan that fixes both by renaming head's new
//! migrations to versions after base's newest, keeping head's own order.

use super::{Sides, Split, codes, fix, versions};
use crate::diagnostic::{Finding, Location, Severity};
use crate::source::{Layout, Migration, Version};

/// Head's new migrations that need another version, each with the version
/// it gets or why none helps.
pub(crate) struct Plan<'a> {
    pub renames: Vec<(&'a Migration, Result<Version, String>)>,
    /// Base's newest migration (shared history included).
    pub base_newest: Option<&'a Migration>,
    /// The first version free after base's and head's migrations, once
    /// renamed: where a new migration would go.
    pub next_free: Option<Version>,
}

impl Plan<'_> {
    /// The planned version of `m`, if it is renamed.
    fn of(&self, m: &Migration) -> Option<&Result<Version, String>> {
        self.renames
            .iter()
            .find(|(r, _)| std::ptr::eq(*r, m))
            .map(|(_, to)| to)
    }
}

/// Whether versions tell migrations apart in `layout`: sql-migrate and
/// plain folders name a migration by its whole file name, and Sqitch by
/// its place in the plan.
fn versions_identify(layout: Layout) -> bool {
    !matches!(layout, Layout::SqlMigrate | Layout::Plain | Layout::Sqitch)
}

/// Walks head's new migrations in order: each must sort after base's
/// newest and after the one before it; one that does not gets the next
/// free version after that.
pub(crate) fn plan<'a>(sides: &'a Sides, split: &Split<'a>) -> Plan<'a> {
    let layout = sides.layout;
    let base_newest = sides
        .base
        .migrations
        .iter()
        .chain(split.shared.iter().copied())
        .filter(|m| !m.repeatable)
        .max_by(|a, b| a.version.cmp(&b.version));
    let mut floor: Option<Version> = base_newest.map(|m| m.version.clone());
    let mut renames = Vec::new();
    if layout != Layout::Sqitch {
        for h in split.head_new.iter().copied().filter(|m| !m.repeatable) {
            let behind = floor.as_ref().is_some_and(|f| h.version.key <= f.key);
            if !behind {
                floor = Some(h.version.clone());
                continue;
            }
            let to = if split.base_keys.contains(sides.head.key(h)) {
                Err(format!(
                    "{} has a file of the same name, so git cannot merge the two; rename it by hand",
                    sides.base.name
                ))
            } else {
                floor
                    .as_ref()
                    .and_then(|f| versions::successor(layout, f))
                    .ok_or_else(|| {
                        format!(
                            "version {} has no number to count on from",
                            floor.as_ref().map_or("", |f| f.text.as_str())
                        )
                    })
            };
            if let Ok(v) = &to {
                floor = Some(v.clone());
            }
            renames.push((h, to));
        }
    }
    let next_free = match &floor {
        Some(f) => versions::successor(layout, f),
        None => None,
    };
    Plan {
        renames,
        base_newest,
        next_free,
    }
}

pub(crate) fn findings(sides: &Sides, split: &Split, plan: &Plan) -> Vec<Finding> {
    let layout = sides.layout;
    let mut out = Vec::new();
    if layout == Layout::Sqitch {
        return out;
    }
    for (i, h) in split.head_new.iter().enumerate() {
        if h.repeatable {
            continue;
        }
        let help = rename_help(sides, plan, h);
        let same_version = |m: &Migration| m.version.key == h.version.key && !m.repeatable;
        let clash = if versions_identify(layout) {
            let on_base = sides.base.migrations.iter().find(|m| same_version(m));
            let on_head = split.head_new[..i].iter().find(|m| same_version(m));
            match (on_base, on_head) {
                (Some(b), _) => Some(if split.base_new.iter().any(|n| std::ptr::eq(*n, b)) {
                    format!(
                        "version {} is also added by {} in {}",
                        h.version,
                        sides.base.name,
                        b.up.path.display()
                    )
                } else {
                    format!(
                        "version {} is already used by {} on {}",
                        h.version,
                        b.up.path.display(),
                        sides.base.name
                    )
                }),
                (None, Some(other)) => Some(format!(
                    "{} adds two migrations with version {}: this one and {}",
                    sides.head.name,
                    h.version,
                    other.up.path.display()
                )),
                (None, None) => None,
            }
        } else {
            None
        };
        if let Some(message) = clash {
            out.push(
                Finding::new(
                    codes::DUPLICATE_VERSION,
                    Severity::Error,
                    Location::file(&h.up.path),
                    format!(
                        "{message}; merged, the framework cannot tell the two apart: it refuses the folder or runs only one of them"
                    ),
                )
                .with_help(help),
            );
            continue;
        }
        let Some(newest) = plan.base_newest else {
            continue;
        };
        if h.version.key < newest.version.key {
            out.push(
                Finding::new(
                    codes::OUT_OF_ORDER,
                    Severity::Error,
                    Location::file(&h.up.path),
                    format!(
                        "version {} sorts before {}, the newest migration on {} ({}); {}",
                        h.version,
                        newest.version,
                        sides.base.name,
                        newest.up.path.display(),
                        framework_behaviour(layout, &newest.version)
                    ),
                )
                .with_help(help),
            );
        }
    }
    out
}

/// What the help says for one of head's migrations: the rename planned
/// for it (and the ones after it), or why none helps.
fn rename_help(sides: &Sides, plan: &Plan, h: &Migration) -> String {
    match plan.of(h) {
        Some(Ok(to)) => {
            let target = fix::renamed(sides.layout, h, to).map_or_else(
                || format!("version {to}"),
                |p| format!("{} (version {to})", p.display()),
            );
            let later = plan
                .renames
                .iter()
                .skip_while(|(r, _)| !std::ptr::eq(*r, h))
                .skip(1)
                .filter(|(_, to)| to.is_ok())
                .count();
            let tail = match later {
                0 => String::new(),
                1 => ", and the one after it to the next".to_owned(),
                n => format!(", and the {n} after it to the next ones"),
            };
            format!(
                "rename it to {target}, after {}'s newest{tail}: `turquoise conflicts --fix` does it, changing no file's content",
                sides.base.name
            )
        }
        Some(Err(why)) => format!("no renumbering can be planned: {why}"),
        None => "give it a version after every migration on base".to_owned(),
    }
}

/// What `layout`'s framework does with a migration that sorts before
/// `newest` on a database that already ran `newest`.
fn framework_behaviour(layout: Layout, newest: &Version) -> String {
    match layout {
        Layout::GolangMigrate => format!(
            "golang-migrate keeps only the newest version it ran, so databases that already ran {newest} never run this migration, and say nothing"
        ),
        Layout::Goose => format!(
            "goose refuses to migrate a database that already ran {newest} (`found 1 missing migrations before current version`) unless run with `-allow-missing`, which then runs it after {newest}"
        ),
        Layout::Flyway => format!(
            "Flyway refuses to migrate a database that already ran {newest} (`Detected resolved migration not applied to database`) unless `outOfOrder` is on, which then runs it after {newest}"
        ),
        Layout::Dbmate => format!(
            "dbmate runs it silently: after {newest} on databases that already ran it, before it on new ones"
        ),
        Layout::Diesel => format!(
            "diesel runs every pending migration, so databases that already ran {newest} run it after {newest}, and new ones before: two orders"
        ),
        Layout::Sqlx | Layout::Popx | Layout::SqlMigrate => format!(
            "{layout} runs every migration it has not run, so databases that already ran {newest} run it after {newest}, and new ones before: two orders"
        ),
        Layout::Plain | Layout::Sqitch => format!(
            "a runner that keeps only the newest version skips it on databases that already ran {newest}; one that keeps every file runs it after {newest} there, and before it on new databases"
        ),
    }
}
