//! The three histories a merge brings together, read: the merge base, base
//! and head, from git (base and the merge base from git objects, head from
//! the working tree or a commit) or from two folders. Reads, never writes.

use super::{ConflictError, Side, Sides};
use crate::source::git::{self, Snapshot};
use crate::source::{self, Discovery, Files, Layout, SourceError};
use std::path::{Path, PathBuf};

/// Reads the sides from git: base is the commit `base_ref` names, head the
/// working tree (or the commit `head_ref` names), and the merge base is
/// theirs. `dir` is the migrations folder in the working tree.
pub fn from_git(
    dir: &Path,
    base_ref: &str,
    head_ref: Option<&str>,
    layout: Option<Layout>,
) -> Result<Sides, ConflictError> {
    let root = git::toplevel(dir)?;
    let base_commit = git::resolve(&root, base_ref)?;
    let head_commit = match head_ref {
        Some(r) => git::resolve(&root, r)?,
        None => "HEAD".to_owned(),
    };
    let merge_base = git::merge_base(&root, &base_commit, &head_commit, base_ref)?;
    let folder = inside(&root, dir)?;
    let head = match head_ref {
        None => {
            let discovery = source::discover(dir, layout)?;
            Side::new("the branch", dir.to_path_buf(), discovery)
        }
        Some(r) => {
            let snapshot = Snapshot::read(&root, &head_commit, &folder, r)?;
            let at = snapshot.path(&folder);
            let discovery = discover_or_empty(&snapshot, &at, layout)?
                .ok_or_else(|| SourceError::NoLayout { path: at.clone() })?;
            let mut side = Side::new(&format!("`{r}`"), at, discovery);
            side.prefix = Some(format!("{r}:"));
            side
        }
    };
    let layout = Some(head.layout);
    let read_side = |commit: &str, label: &str, name: String| -> Result<Side, ConflictError> {
        let snapshot = Snapshot::read(&root, commit, &folder, label)?;
        let at = snapshot.path(&folder);
        let discovery =
            discover_or_empty(&snapshot, &at, layout)?.unwrap_or_else(|| empty(head.layout));
        let mut side = Side::new(&name, at, discovery);
        side.prefix = Some(format!("{label}:"));
        Ok(side)
    };
    let short = &merge_base[..merge_base.len().min(12)];
    let base = read_side(&base_commit, base_ref, format!("`{base_ref}`"))?;
    let ancestor = read_side(&merge_base, short, format!("the merge base (`{short}`)"))?;
    Ok(Sides {
        layout: head.layout,
        merge_base: Some(ancestor),
        base,
        head,
        head_on_disk: head_ref.is_none(),
        base_ref: Some(base_ref.to_owned()),
        merge_base_commit: Some(merge_base),
    })
}

/// Reads two folders: base and head. Without a merge base, what both hold
/// under the same name counts as shared history.
pub fn from_dirs(
    base_dir: &Path,
    head_dir: &Path,
    layout: Option<Layout>,
) -> Result<Sides, ConflictError> {
    let head = Side::new(
        &format!("`{}`", head_dir.display()),
        head_dir.to_path_buf(),
        source::discover(head_dir, layout)?,
    );
    let base = Side::new(
        &format!("`{}`", base_dir.display()),
        base_dir.to_path_buf(),
        source::discover(base_dir, Some(head.layout))?,
    );
    Ok(Sides {
        layout: head.layout,
        merge_base: None,
        base,
        head,
        head_on_disk: true,
        base_ref: None,
        merge_base_commit: None,
    })
}

/// The path of `dir` from the top of the repository at `root`.
fn inside(root: &Path, dir: &Path) -> Result<PathBuf, ConflictError> {
    let canonical = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let (root_c, dir_c) = (canonical(root), canonical(dir));
    dir_c
        .strip_prefix(&root_c)
        .map(Path::to_path_buf)
        .map_err(|_| ConflictError::OutsideRepository {
            dir: dir.to_path_buf(),
            root: root.to_path_buf(),
        })
}

/// Discovery in a commit's tree, where the folder may not exist yet
/// (`None`) and disk errors cannot happen.
fn discover_or_empty(
    files: &dyn Files,
    dir: &Path,
    layout: Option<Layout>,
) -> Result<Option<Discovery>, ConflictError> {
    if !files.is_dir(dir) {
        return Ok(None);
    }
    match source::discover_in(files, dir, layout) {
        Ok(d) => Ok(Some(d)),
        Err(SourceError::NoLayout { .. }) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

fn empty(layout: Layout) -> Discovery {
    Discovery {
        layout,
        migrations: Vec::new(),
        findings: Vec::new(),
    }
}
