//! Flyway: `V<version>__<desc>.sql` (versioned), `U<version>__<desc>.sql`
//! (undo: the down of that version), `R__<desc>.sql` (repeatable). Like
//! Flyway, the folder is searched recursively. A `<script>.conf` file beside
//! a script may say `executeInTransaction=false`.

use super::{Cx, Migration, Script, Version, VersionKey, codes, version};
use crate::diagnostic::{Finding, Location, Severity};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

const EXPECTED: &str =
    "`V<version>__<description>.sql`, `U<version>__<description>.sql` or `R__<description>.sql`";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Prefix {
    Versioned,
    Undo,
    Repeatable,
}

/// Splits a Flyway script name into its prefix, version and description.
/// Repeatables have no version (`R__x.sql`); the others must have one.
pub(crate) fn parse_name(name: &str) -> Option<(Prefix, Option<Version>, &str)> {
    let stem = name.strip_suffix(".sql")?;
    let prefix = match stem.as_bytes().first()? {
        b'V' => Prefix::Versioned,
        b'U' => Prefix::Undo,
        b'R' => Prefix::Repeatable,
        _ => return None,
    };
    let (version, description) = stem.get(1..)?.split_once("__")?;
    match prefix {
        Prefix::Repeatable if version.is_empty() => Some((prefix, None, description)),
        Prefix::Repeatable => None,
        _ => Some((prefix, Some(version::flyway(version)?), description)),
    }
}

/// Flyway callbacks (`beforeMigrate.sql`, `afterEachMigrate__x.sql`) live
/// beside migrations but are not migrations: they are neither read nor
/// reported.
pub(crate) fn is_callback(name: &str) -> bool {
    ["before", "after"].iter().any(|p| {
        name.strip_prefix(p)
            .and_then(|rest| rest.chars().next())
            .is_some_and(|c| c.is_ascii_uppercase())
    })
}

pub(crate) fn read(dir: &Path, cx: &mut Cx) {
    let mut files = Vec::new();
    super::walk_sql(dir, cx, &mut files);
    let mut undos: HashMap<VersionKey, (PathBuf, Script)> = HashMap::new();
    let mut versioned = Vec::new();
    for path in files {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if is_callback(&name) {
            continue;
        }
        let Some((prefix, version, description)) = parse_name(&name) else {
            cx.unrecognised(&path, EXPECTED);
            continue;
        };
        let Some(text) = cx.read_text(&path, "the migration is skipped") else {
            continue;
        };
        let script = Script::whole(path.clone(), text);
        match (prefix, version) {
            (Prefix::Undo, Some(v)) => {
                if let Some((other, _)) = undos.get(&v.key) {
                    cx.finding(Finding::new(
                        codes::DUPLICATE_VERSION,
                        Severity::Error,
                        Location::file(&path),
                        format!("undo version {v} is also used by {}", other.display()),
                    ));
                } else {
                    undos.insert(v.key, (path, script));
                }
            }
            (Prefix::Repeatable, _) => {
                let transaction = execute_in_transaction(&path, cx);
                // Repeatables run after every versioned migration, ordered
                // by description: a text key sorts after all numeric ones.
                // They have no version text.
                cx.push(Migration {
                    version: Version {
                        text: String::new(),
                        key: VersionKey::Text(description.to_string()),
                    },
                    name: description.to_string(),
                    up: script,
                    down: None,
                    transaction,
                    repeatable: true,
                });
            }
            (_, Some(v)) => {
                let transaction = execute_in_transaction(&path, cx);
                versioned.push(Migration {
                    version: v,
                    name: description.to_string(),
                    up: script,
                    down: None,
                    transaction,
                    repeatable: false,
                });
            }
            (_, None) => cx.unrecognised(&path, EXPECTED),
        }
    }
    // Undo scripts are optional (a paid Flyway feature), so a versioned
    // migration without one is not reported.
    for mut m in versioned {
        if let Some((_, undo)) = undos.remove(&m.version.key) {
            m.down = Some(undo);
        }
        cx.push(m);
    }
    let mut orphans: Vec<PathBuf> = undos.into_values().map(|(p, _)| p).collect();
    orphans.sort();
    for path in orphans {
        cx.orphan_down(&path);
    }
}

/// Reads `<script>.conf` (Flyway script configuration) for
/// `executeInTransaction`. Absent: in a transaction.
fn execute_in_transaction(script: &Path, cx: &mut Cx) -> bool {
    let mut conf = script.as_os_str().to_owned();
    conf.push(".conf");
    let conf = PathBuf::from(conf);
    let Some(bytes) = cx.files.read_file(&conf).transpose() else {
        return true;
    };
    let consequence = "the migration is assumed to run in a transaction";
    let Some(text) = cx.text(&conf, bytes, consequence) else {
        return true;
    };
    for (n, line) in text.lines().enumerate() {
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        if key.trim() != "executeInTransaction" {
            continue;
        }
        match value.trim() {
            "false" => return false,
            "true" => return true,
            other => {
                cx.finding(Finding::new(
                    codes::INVALID_METADATA,
                    Severity::Error,
                    Location {
                        path: conf.clone(),
                        line: u32::try_from(n + 1).unwrap_or(u32::MAX),
                        column: 1,
                        start: 0,
                        end: 0,
                    },
                    format!("`executeInTransaction` must be true or false, not `{other}`; the migration is assumed to run in a transaction"),
                ));
                return true;
            }
        }
    }
    true
}
