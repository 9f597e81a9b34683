//! Asking git which files a branch added or changed, and reading the files
//! of a commit without checking it out: the `git` program, run as a child
//! process, for `turquoise check` and `turquoise conflicts`.
//!
//! Read-only: it runs `rev-parse`, `merge-base`, `diff --name-only`,
//! `ls-files`, `ls-tree` and `cat-file`, never anything that writes to the
//! repository. It knows nothing of migrations; the caller maps the files
//! to them.

use super::files::{Files, Listed};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ffi::OsStr;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Arc;

/// The files changed on the current branch since it left `reference`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Changes {
    /// The repository's top folder.
    pub root: PathBuf,
    /// The merge base of `reference` and `HEAD` (a full commit id).
    pub merge_base: String,
    /// Added, modified or renamed since the merge base (committed, staged or
    /// not), and untracked files that are not ignored; absolute, sorted.
    pub files: Vec<PathBuf>,
}

#[derive(Debug, thiserror::Error)]
pub enum GitError {
    #[error("git is not installed: no `git` program on PATH")]
    Missing,
    #[error("cannot run git")]
    Spawn(#[source] std::io::Error),
    #[error("{dir}: {message}")]
    NotARepository { dir: PathBuf, message: String },
    #[error(
        "unknown git reference `{reference}`: no commit has that name here (a branch of the remote may need `git fetch` first)"
    )]
    UnknownRef { reference: String },
    #[error(
        "`{reference}` and HEAD have no common ancestor (in a shallow clone, fetch the whole history, e.g. `fetch-depth: 0`)"
    )]
    NoMergeBase { reference: String },
    #[error("`git {command}` failed: {message}")]
    Failed { command: String, message: String },
}

/// The files changed since the merge base of `reference` and `HEAD`, in the
/// repository that holds `dir`.
pub fn changed_since(dir: &Path, reference: &str) -> Result<Changes, GitError> {
    let root = toplevel(dir)?;
    let commit = resolve(&root, reference)?;
    let merge_base = merge_base(&root, &commit, "HEAD", reference)?;
    let diff = checked(
        &root,
        &[
            "diff",
            "--name-only",
            "-z",
            "--diff-filter=AMR",
            &merge_base,
            "--",
        ],
    )?;
    let untracked = checked(&root, &["ls-files", "-z", "--others", "--exclude-standard"])?;
    let mut files: Vec<PathBuf> = split_nul(&diff)
        .chain(split_nul(&untracked))
        .map(|p| root.join(p))
        .collect();
    files.sort();
    files.dedup();
    Ok(Changes {
        root,
        merge_base,
        files,
    })
}

/// The top folder of the repository that holds `dir`.
pub fn toplevel(dir: &Path) -> Result<PathBuf, GitError> {
    let top = run(dir, &["rev-parse", "--show-toplevel"])?;
    if !top.status.success() {
        return Err(GitError::NotARepository {
            dir: dir.to_path_buf(),
            message: stderr_of(&top),
        });
    }
    Ok(PathBuf::from(first_line(&top.stdout)))
}

/// The full id of the commit `reference` names.
pub fn resolve(root: &Path, reference: &str) -> Result<String, GitError> {
    // A leading dash would be read as an option.
    if reference.is_empty() || reference.starts_with('-') {
        return Err(GitError::UnknownRef {
            reference: reference.to_owned(),
        });
    }
    let commit = run(
        root,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{reference}^{{commit}}"),
        ],
    )?;
    if !commit.status.success() {
        return Err(GitError::UnknownRef {
            reference: reference.to_owned(),
        });
    }
    Ok(first_line(&commit.stdout))
}

/// The merge base of the commits `a` and `b` (ids or names); `reference`
/// names `a` in errors.
pub fn merge_base(root: &Path, a: &str, b: &str, reference: &str) -> Result<String, GitError> {
    let base = run(root, &["merge-base", a, b])?;
    let merge_base = first_line(&base.stdout);
    if !base.status.success() || merge_base.is_empty() {
        let message = stderr_of(&base);
        if message.is_empty() {
            return Err(GitError::NoMergeBase {
                reference: reference.to_owned(),
            });
        }
        return Err(GitError::Failed {
            command: format!("merge-base {reference} {b}"),
            message,
        });
    }
    Ok(merge_base)
}

/// The files under one folder of a commit, read from git objects: nothing
/// is checked out, and the working tree and index are never touched.
///
/// Its paths are written the way git names a file of a commit,
/// `<label>:<path from the repository's top>` (`origin/main:db/1_a.sql`),
/// so they can be told from the working tree's and given to `git show`.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// `<label>:`, the start of every path.
    prefix: String,
    /// File contents by path from the repository's top.
    files: HashMap<PathBuf, Arc<[u8]>>,
    /// Every folder (the top one as the empty path) and its entries.
    folders: BTreeMap<PathBuf, BTreeSet<(String, bool)>>,
}

impl Snapshot {
    /// Reads the files under `folder` (a path from the repository's top;
    /// empty for all) of `commit`; `label` starts their paths. Links and
    /// submodules are left out.
    pub fn read(root: &Path, commit: &str, folder: &Path, label: &str) -> Result<Self, GitError> {
        let mut args = vec!["ls-tree", "-r", "-z", "--full-tree", commit];
        let spec = folder.to_string_lossy();
        if !spec.is_empty() {
            args.push("--");
            args.push(&spec);
        }
        let listing = checked(root, &args)?;
        let mut blobs: Vec<(PathBuf, String)> = Vec::new();
        for record in listing.split(|&b| b == 0).filter(|r| !r.is_empty()) {
            // `<mode> blob <id>\t<path>`
            let Some(tab) = record.iter().position(|&b| b == b'\t') else {
                continue;
            };
            let head = String::from_utf8_lossy(&record[..tab]);
            let mut fields = head.split(' ');
            let (Some(mode), Some("blob"), Some(id)) =
                (fields.next(), fields.next(), fields.next())
            else {
                continue;
            };
            if mode == "120000" {
                continue;
            }
            blobs.push((path_from_bytes(&record[tab + 1..]), id.to_owned()));
        }
        let ids: Vec<String> = blobs.iter().map(|(_, id)| id.clone()).collect();
        let contents = cat_blobs(root, &ids)?;
        let mut snapshot = Snapshot {
            prefix: format!("{label}:"),
            files: HashMap::new(),
            folders: BTreeMap::new(),
        };
        snapshot.folders.insert(PathBuf::new(), BTreeSet::new());
        for (path, id) in blobs {
            let Some(bytes) = contents.get(&id) else {
                continue;
            };
            let mut child = path.clone();
            let mut is_dir = false;
            while let Some(parent) = child.parent().map(Path::to_path_buf) {
                let name = child
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                snapshot
                    .folders
                    .entry(parent.clone())
                    .or_default()
                    .insert((name, is_dir));
                child = parent;
                is_dir = true;
            }
            snapshot.files.insert(path, bytes.clone());
        }
        Ok(snapshot)
    }

    /// The path this tree gives `path` (from the repository's top).
    pub fn path(&self, path: &Path) -> PathBuf {
        PathBuf::from(format!("{}{}", self.prefix, path.display()))
    }

    /// The path from the repository's top of one of this tree's paths.
    fn inner(&self, path: &Path) -> Option<PathBuf> {
        let text = path.to_str()?;
        let rest = text.strip_prefix(&self.prefix)?;
        Some(
            Path::new(rest)
                .components()
                .filter(|c| matches!(c, Component::Normal(_)))
                .collect(),
        )
    }
}

impl Files for Snapshot {
    fn kind(&self, path: &Path) -> Option<bool> {
        let inner = self.inner(path)?;
        if self.files.contains_key(&inner) {
            Some(false)
        } else {
            self.folders.contains_key(&inner).then_some(true)
        }
    }

    fn list(&self, dir: &Path) -> std::io::Result<Vec<Listed>> {
        let entries = self
            .inner(dir)
            .and_then(|inner| self.folders.get(&inner))
            .ok_or_else(|| std::io::Error::from(std::io::ErrorKind::NotFound))?;
        Ok(entries
            .iter()
            .map(|(name, is_dir)| (name.clone(), dir.join(name), Ok(*is_dir)))
            .collect())
    }

    fn read(&self, path: &Path) -> std::io::Result<Vec<u8>> {
        self.inner(path)
            .and_then(|inner| self.files.get(&inner))
            .map(|b| b.to_vec())
            .ok_or_else(|| std::io::Error::from(std::io::ErrorKind::NotFound))
    }
}

/// The contents of the blobs `ids`, by id, through one `git cat-file
/// --batch`.
fn cat_blobs(root: &Path, ids: &[String]) -> Result<HashMap<String, Arc<[u8]>>, GitError> {
    let mut out = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let mut child = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => GitError::Missing,
            _ => GitError::Spawn(e),
        })?;
    let failed = |message: String| GitError::Failed {
        command: "cat-file --batch".to_owned(),
        message,
    };
    let mut unique: Vec<&String> = ids.iter().collect();
    unique.sort();
    unique.dedup();
    let request: String = unique.iter().map(|id| format!("{id}\n")).collect();
    // Written from a thread: git answers while it reads, and a full pipe
    // each way would otherwise stop both.
    let mut stdin = child
        .stdin
        .take()
        .ok_or_else(|| failed("no stdin".into()))?;
    let writer = std::thread::spawn(move || stdin.write_all(request.as_bytes()));
    let stdout = child
        .stdout
        .take()
        .ok_or_else(|| failed("no stdout".into()))?;
    let mut reader = BufReader::new(stdout);
    for _ in 0..unique.len() {
        let mut header = String::new();
        reader
            .read_line(&mut header)
            .map_err(|e| failed(e.to_string()))?;
        // `<id> blob <size>`, or `<id> missing`.
        let mut fields = header.split_whitespace();
        let (Some(id), Some(kind), Some(size)) = (fields.next(), fields.next(), fields.next())
        else {
            return Err(failed(format!("unexpected answer `{}`", header.trim())));
        };
        let size: usize = size
            .parse()
            .map_err(|_| failed(format!("unexpected answer `{}`", header.trim())))?;
        let mut bytes = vec![0; size + 1];
        reader
            .read_exact(&mut bytes)
            .map_err(|e| failed(e.to_string()))?;
        bytes.pop();
        if kind == "blob" {
            out.insert(id.to_owned(), Arc::from(bytes));
        }
    }
    let _ = writer.join();
    let status = child.wait().map_err(GitError::Spawn)?;
    if !status.success() {
        let mut message = String::new();
        if let Some(mut e) = child.stderr.take() {
            let _ = e.read_to_string(&mut message);
        }
        return Err(failed(message.trim().to_owned()));
    }
    Ok(out)
}

fn run(dir: &Path, args: &[&str]) -> Result<Output, GitError> {
    Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => GitError::Missing,
            _ => GitError::Spawn(e),
        })
}

/// Runs git and returns its standard output, or its error as a `Failed`.
fn checked(dir: &Path, args: &[&str]) -> Result<Vec<u8>, GitError> {
    let out = run(dir, args)?;
    if out.status.success() {
        Ok(out.stdout)
    } else {
        Err(GitError::Failed {
            command: args.join(" "),
            message: stderr_of(&out),
        })
    }
}

fn first_line(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .lines()
        .next()
        .unwrap_or("")
        .trim()
        .to_owned()
}

fn stderr_of(out: &Output) -> String {
    let text = String::from_utf8_lossy(&out.stderr);
    let text = text.trim();
    text.strip_prefix("fatal: ").unwrap_or(text).to_owned()
}

/// `-z` output: paths as git stores them, which need not be UTF-8.
fn split_nul(bytes: &[u8]) -> impl Iterator<Item = PathBuf> + '_ {
    bytes
        .split(|&b| b == 0)
        .filter(|p| !p.is_empty())
        .map(path_from_bytes)
}

#[cfg(unix)]
fn path_from_bytes(bytes: &[u8]) -> PathBuf {
    use std::os::unix::ffi::OsStrExt;
    PathBuf::from(OsStr::from_bytes(bytes))
}

#[cfg(not(unix))]
fn path_from_bytes(bytes: &[u8]) -> PathBuf {
    PathBuf::from(OsStr::new(&*String::from_utf8_lossy(bytes)))
}
