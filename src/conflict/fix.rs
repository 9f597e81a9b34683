//! `turquoise conflicts --fix`: renames head's new migrations to the free
//! versions the plan gave them, keeping the layout's naming. The only part
//! of conflict detection that writes, and only to head's files on disk: it
//! moves files and folders, never changes their content, never overwrites
//! anything, and checks every move before making the first.

use super::Rename;
use crate::source::{Disk, Files, Layout, Migration, Version};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum FixError {
    #[error(
        "--fix renames head's files on disk; head here is a commit (--head), which cannot be changed"
    )]
    NotOnDisk,
    #[error("{layout} migrations carry no version in their names; nothing to rename")]
    NoVersions { layout: Layout },
    #[error("{path}: the name does not start with version {version}; it is not renamed")]
    Unexpected { path: PathBuf, version: String },
    #[error("{path}: not inside head's migrations folder {dir}; it is not renamed")]
    Outside { path: PathBuf, dir: PathBuf },
    #[error("cannot rename {from} to {to}: {to} already exists (nothing was renamed)")]
    Exists { from: PathBuf, to: PathBuf },
    #[error("cannot rename {from} to {to}")]
    Io {
        from: PathBuf,
        to: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// One move on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Move {
    pub from: PathBuf,
    pub to: PathBuf,
}

/// The file or folder whose name carries `m`'s version, as it is named
/// with version `to` (diesel: the migration's folder; others: the up
/// script's file).
pub fn renamed(layout: Layout, m: &Migration, to: &Version) -> Option<PathBuf> {
    let carrier = carrier(layout, m)?;
    let name = carrier.file_name()?.to_str()?;
    let new = rename_name(layout, name, &m.version.text, &to.text)?;
    Some(carrier.with_file_name(new))
}

fn carrier(layout: Layout, m: &Migration) -> Option<&Path> {
    match layout {
        Layout::Sqitch => None,
        Layout::Diesel => m.up.path.parent(),
        _ => Some(&m.up.path),
    }
}

/// `name` with its leading version `from` replaced by `to` (after
/// Flyway's `V` or `U`).
fn rename_name(layout: Layout, name: &str, from: &str, to: &str) -> Option<String> {
    let (prefix, rest) = if layout == Layout::Flyway {
        let mut chars = name.chars();
        let first = chars.next().filter(|c| matches!(c, 'V' | 'U'))?;
        (first.to_string(), chars.as_str())
    } else {
        (String::new(), name)
    };
    let tail = rest.strip_prefix(from)?;
    // `1` must not match the start of `10_x`.
    if tail.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    Some(format!("{prefix}{to}{tail}"))
}

/// Every move that gives `m` the version `to`, read against `files`.
fn moves_of(
    files: &dyn Files,
    layout: Layout,
    m: &Migration,
    to: &Version,
) -> Result<Vec<Move>, FixError> {
    let from = &m.version.text;
    let one = |path: &Path| -> Result<Move, FixError> {
        let unexpected = || FixError::Unexpected {
            path: path.to_path_buf(),
            version: from.clone(),
        };
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .ok_or_else(unexpected)?;
        let new = rename_name(layout, name, from, &to.text).ok_or_else(unexpected)?;
        Ok(Move {
            from: path.to_path_buf(),
            to: path.with_file_name(new),
        })
    };
    let mut paths: Vec<PathBuf> = Vec::new();
    match layout {
        Layout::Sqitch => return Err(FixError::NoVersions { layout }),
        Layout::Diesel => {
            if let Some(folder) = m.up.path.parent() {
                paths.push(folder.to_path_buf());
            }
        }
        Layout::Popx => {
            // Every dialect's files of the migration, read or not.
            let stem = format!("{from}_{}.", m.name);
            if let Some(folder) = m.up.path.parent()
                && let Ok(entries) = files.list(folder)
            {
                for (name, path, _) in entries {
                    if name.starts_with(&stem) {
                        paths.push(path);
                    }
                }
            }
        }
        _ => {
            for script in std::iter::once(&m.up).chain(m.down.as_ref()) {
                paths.push(script.path.clone());
                let conf = PathBuf::from(format!("{}.conf", script.path.display()));
                if layout == Layout::Flyway && files.is_file(&conf) {
                    paths.push(conf);
                }
            }
        }
    }
    paths.sort();
    paths.dedup();
    paths.iter().map(|p| one(p)).collect()
}

/// Renames head's migrations as `renames` says, under `head_dir`, and
/// returns the moves made. Checks all of them first: a target that exists
/// (and is not itself moved away first), or a file outside `head_dir`,
/// stops the fix before anything moves.
pub fn apply(layout: Layout, head_dir: &Path, renames: &[Rename]) -> Result<Vec<Move>, FixError> {
    let mut planned: Vec<(Version, Vec<Move>)> = Vec::new();
    for r in renames {
        let moves = moves_of(&Disk, layout, &r.migration, &r.to)?;
        for mv in &moves {
            if !mv.from.starts_with(head_dir) {
                return Err(FixError::Outside {
                    path: mv.from.clone(),
                    dir: head_dir.to_path_buf(),
                });
            }
        }
        planned.push((r.to.clone(), moves));
    }
    // Highest new version first: a target can only be the old name of a
    // migration later in head's order, which has moved on by then.
    planned.sort_by(|a, b| b.0.cmp(&a.0));
    let moves: Vec<Move> = planned.into_iter().flat_map(|(_, m)| m).collect();
    let sources: HashSet<&Path> = moves.iter().map(|m| m.from.as_path()).collect();
    let mut targets = HashSet::new();
    for mv in &moves {
        let taken = mv.to.symlink_metadata().is_ok() && !sources.contains(mv.to.as_path());
        if taken || !targets.insert(mv.to.as_path()) {
            return Err(FixError::Exists {
                from: mv.from.clone(),
                to: mv.to.clone(),
            });
        }
    }
    for mv in &moves {
        // Checked again right before the move: never overwrite.
        if mv.to.symlink_metadata().is_ok() {
            return Err(FixError::Exists {
                from: mv.from.clone(),
                to: mv.to.clone(),
            });
        }
        std::fs::rename(&mv.from, &mv.to).map_err(|source| FixError::Io {
            from: mv.from.clone(),
            to: mv.to.clone(),
            source,
        })?;
    }
    Ok(moves)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_change_only_their_version() {
        let r = |l, n, f, t| rename_name(l, n, f, t);
        assert_eq!(
            r(Layout::GolangMigrate, "3_add.up.sql", "3", "12"),
            Some("12_add.up.sql".into())
        );
        assert_eq!(r(Layout::Goose, "30_add.sql", "3", "12"), None);
        assert_eq!(
            r(Layout::Flyway, "V1.1__add.sql.conf", "1.1", "1.2"),
            Some("V1.2__add.sql.conf".into())
        );
        assert_eq!(
            r(
                Layout::Diesel,
                "2024-01-01-120000_add",
                "2024-01-01-120000",
                "2024-01-01-120001"
            ),
            Some("2024-01-01-120001_add".into())
        );
        assert_eq!(r(Layout::Flyway, "R__view.sql", "", "2"), None);
    }
}
