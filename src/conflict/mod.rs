//! Branch-merge conflicts in a migration history: what goes wrong when two
//! branches that each pass alone are merged. Two branches each add a
//! migration; merged, the versions collide, one sorts before migrations
//! production already ran, a deployed migration was edited, or the two
//! sets of changes do not commute.
//!
//! The three histories are read by [`sides`] (the merge base, base, head);
//! [`Split`] sorts their migrations into shared history and what each side
//! added; `order` finds duplicate versions and migrations out of order and
//! plans the renames that fix them (in the layout's own version style,
//! [`versions`]); `edits` finds edited and deleted history; `semantic`
//! replays both merge orders from the shared prefix and compares them.
//! [`fix`] carries out the renames and is the only part that writes, and
//! only when asked; [`sum`] is `turquoise.sum`. Findings are values, sorted
//! by file; nothing here prints.

mod edits;
pub mod fix;
mod order;
mod semantic;
pub mod sides;
pub mod sum;
pub mod versions;

use crate::diagnostic::Finding;
use crate::source::git::GitError;
use crate::source::{Discovery, Layout, Migration, SourceError, Version};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Finding codes. Permanent names; each is a rule of the catalog
/// (`turquoise explain CODE`).
pub mod codes {
    /// Two migrations of the merged history share a version.
    pub const DUPLICATE_VERSION: &str = crate::source::codes::DUPLICATE_VERSION;
    /// Head adds a migration that sorts before base's newest.
    pub const OUT_OF_ORDER: &str = "out-of-order";
    /// A migration of the merge base was edited on a side.
    pub const EDITED_HISTORY: &str = "edited-history";
    /// A migration of the merge base was deleted on a side.
    pub const DELETED_HISTORY: &str = "deleted-history";
    /// Base's and head's new migrations do not commute.
    pub const SEMANTIC_CONFLICT: &str = "semantic-conflict";
    /// `turquoise.sum` does not match the migrations.
    pub const STALE_SUM: &str = "stale-sum";
}

/// One side of a merge: its migrations and where they were read.
#[derive(Debug, Clone)]
pub struct Side {
    /// How messages name it: ``the branch``, `` `origin/main` ``.
    pub name: String,
    /// The migrations folder, as the side's paths start.
    pub dir: PathBuf,
    pub layout: Layout,
    pub migrations: Vec<Migration>,
    /// `<label>:`, which starts the paths of a side read from git.
    pub prefix: Option<String>,
}

impl Side {
    pub fn new(name: &str, dir: PathBuf, discovery: Discovery) -> Side {
        Side {
            name: name.to_owned(),
            dir,
            layout: discovery.layout,
            migrations: discovery.migrations,
            prefix: None,
        }
    }

    /// A path of this side as git names it inside the repository (without
    /// the `<label>:` of a side read from git).
    pub fn repo_path(&self, path: &Path) -> String {
        let text = path.display().to_string();
        match self.prefix.as_deref().and_then(|p| text.strip_prefix(p)) {
            Some(rest) => rest.to_owned(),
            None => text,
        }
    }

    /// What identifies a migration across sides: its up script's path
    /// inside the migrations folder.
    pub fn key<'a>(&self, m: &'a Migration) -> &'a Path {
        m.up.path.strip_prefix(&self.dir).unwrap_or(&m.up.path)
    }
}

/// The histories a merge brings together.
#[derive(Debug, Clone)]
pub struct Sides {
    /// The layout of head's folder; the other sides are read in it.
    pub layout: Layout,
    /// `None` between two folders: what both hold under one name is shared.
    pub merge_base: Option<Side>,
    pub base: Side,
    pub head: Side,
    /// Whether head's files are on disk, where `--fix` may rename them.
    pub head_on_disk: bool,
    /// The git reference base was read from.
    pub base_ref: Option<String>,
    /// The merge base's commit id.
    pub merge_base_commit: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConflictError {
    #[error(transparent)]
    Git(#[from] GitError),
    #[error(transparent)]
    Source(#[from] SourceError),
    #[error("{dir}: the migrations folder is not inside the git repository at {root}")]
    OutsideRepository { dir: PathBuf, root: PathBuf },
}

/// How to compare.
#[derive(Debug, Clone)]
pub struct Options {
    /// The search_path the migrations run with.
    pub search_path: Vec<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            search_path: vec!["public".to_owned()],
        }
    }
}

/// What a comparison found.
#[derive(Debug, Clone)]
pub struct Report {
    /// Sorted by file, then position.
    pub findings: Vec<Finding>,
    /// The text of every file a finding points into, for code frames.
    pub sources: crate::diagnostic::Sources,
    /// Head's migrations that `--fix` renames, and to what.
    pub renames: Vec<Rename>,
    /// How many migrations head added since the merge base.
    pub added: usize,
}

/// One of head's new migrations given a free version.
#[derive(Debug, Clone)]
pub struct Rename {
    pub migration: Migration,
    pub to: Version,
}

/// Which side made a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Which {
    Base,
    Head,
}

/// The migrations of the three histories, sorted by where they come from.
pub(crate) struct Split<'a> {
    /// The merge base's migrations (between two folders, those both hold),
    /// in order: the prefix both sides share.
    pub shared: Vec<&'a Migration>,
    /// Added on base since the merge base (and those both sides added
    /// alike), in order.
    pub base_new: Vec<&'a Migration>,
    /// Added on head only, in order.
    pub head_new: Vec<&'a Migration>,
    /// Shared migrations a side changed: the side, as shared, as changed.
    pub edited: Vec<(Which, &'a Migration, &'a Migration)>,
    /// Shared migrations a side no longer has.
    pub deleted: Vec<(Which, &'a Migration)>,
    /// Keys (see [`Side::key`]) of every migration base has.
    pub base_keys: HashSet<&'a Path>,
}

impl<'a> Split<'a> {
    pub fn of(sides: &'a Sides) -> Split<'a> {
        let by_key = |side: &'a Side| -> HashMap<&'a Path, &'a Migration> {
            side.migrations.iter().map(|m| (side.key(m), m)).collect()
        };
        let base = by_key(&sides.base);
        let head = by_key(&sides.head);
        let mut edited = Vec::new();
        let mut deleted = Vec::new();
        let shared: Vec<&Migration> = match &sides.merge_base {
            Some(ancestor) => {
                for m in &ancestor.migrations {
                    let key = ancestor.key(m);
                    for (which, side) in [(Which::Base, &base), (Which::Head, &head)] {
                        match side.get(key) {
                            None => deleted.push((which, m)),
                            Some(now) if !same(m, now) => edited.push((which, m, *now)),
                            Some(_) => {}
                        }
                    }
                }
                ancestor.migrations.iter().collect()
            }
            None => {
                let shared: Vec<&Migration> = sides
                    .base
                    .migrations
                    .iter()
                    .filter(|m| head.contains_key(sides.base.key(m)))
                    .collect();
                for m in &shared {
                    if let Some(now) = head.get(sides.base.key(m)).filter(|h| !same(m, h)) {
                        edited.push((Which::Head, *m, *now));
                    }
                }
                shared
            }
        };
        let shared_keys: HashSet<&Path> = match &sides.merge_base {
            Some(a) => a.migrations.iter().map(|m| a.key(m)).collect(),
            None => shared.iter().map(|m| sides.base.key(m)).collect(),
        };
        let base_new: Vec<&Migration> = sides
            .base
            .migrations
            .iter()
            .filter(|m| !shared_keys.contains(sides.base.key(m)))
            .collect();
        // A migration both sides added alike is base's: head's copy is not
        // new to the merge.
        let head_new: Vec<&Migration> = sides
            .head
            .migrations
            .iter()
            .filter(|m| {
                let key = sides.head.key(m);
                !shared_keys.contains(key) && base.get(key).is_none_or(|b| !same(b, m))
            })
            .collect();
        Split {
            shared,
            base_new,
            head_new,
            edited,
            deleted,
            base_keys: base.keys().copied().collect(),
        }
    }
}

/// Whether two copies of a migration are the same: its scripts' files
/// and whether it runs in a transaction.
pub(crate) fn same(a: &Migration, b: &Migration) -> bool {
    a.up.text == b.up.text
        && a.down.as_ref().map(|d| &d.text) == b.down.as_ref().map(|d| &d.text)
        && a.transaction == b.transaction
}

/// Compares the sides: every finding, and the renames that fix what
/// renumbering can fix.
pub fn find(sides: &Sides, options: &Options) -> Report {
    let split = Split::of(sides);
    let plan = order::plan(sides, &split);
    let mut findings = order::findings(sides, &split, &plan);
    findings.extend(edits::findings(sides, &split, &plan));
    findings.extend(semantic::findings(sides, &split, options));
    crate::diagnostic::sort(&mut findings);
    let mut texts: HashMap<&Path, &Arc<str>> = HashMap::new();
    let sides_iter = [
        Some(&sides.base),
        Some(&sides.head),
        sides.merge_base.as_ref(),
    ];
    for side in sides_iter.into_iter().flatten() {
        for m in &side.migrations {
            texts.insert(&m.up.path, &m.up.text);
            if let Some(d) = &m.down {
                texts.insert(&d.path, &d.text);
            }
        }
    }
    let sources = findings
        .iter()
        .filter_map(|f| {
            texts
                .get(f.location.path.as_path())
                .map(|t| (f.location.path.as_path(), Arc::clone(t)))
        })
        .collect();
    let renames = plan
        .renames
        .iter()
        .filter_map(|(m, to)| {
            to.as_ref().ok().map(|to| Rename {
                migration: (*m).clone(),
                to: to.clone(),
            })
        })
        .collect();
    Report {
        findings,
        sources,
        renames,
        added: split.head_new.len(),
    }
}
