//! Asking git which files a branch added or changed: the `git` program, run
//! as a child process, for `turquoise check`.
//!
//! Read-only: it runs `rev-parse`, `merge-base`, `diff --name-only` and
//! `ls-files`, never anything that writes to the repository. It knows
//! nothing of migrations; the caller maps the files to them.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

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
    let top = run(dir, &["rev-parse", "--show-toplevel"])?;
    if !top.status.success() {
        return Err(GitError::NotARepository {
            dir: dir.to_path_buf(),
            message: stderr_of(&top),
        });
    }
    let root = PathBuf::from(first_line(&top.stdout));
    // A leading dash would be read as an option.
    if reference.is_empty() || reference.starts_with('-') {
        return Err(GitError::UnknownRef {
            reference: reference.to_owned(),
        });
    }
    let commit = run(
        &root,
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
    let commit = first_line(&commit.stdout);
    let base = run(&root, &["merge-base", &commit, "HEAD"])?;
    let merge_base = first_line(&base.stdout);
    if !base.status.success() || merge_base.is_empty() {
        let message = stderr_of(&base);
        if message.is_empty() {
            return Err(GitError::NoMergeBase {
                reference: reference.to_owned(),
            });
        }
        return Err(GitError::Failed {
            command: format!("merge-base {reference} HEAD"),
            message,
        });
    }
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
