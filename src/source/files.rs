//! Where discovery reads from: the working tree ([`Disk`]), or any other
//! tree of files that answers the same three questions, such as a commit's
//! tree read from git objects ([`super::git::Snapshot`]). Read-only.

use std::io;
use std::path::{Path, PathBuf};

/// One entry of a folder listing: its name, its path, and whether it is a
/// folder (an error when that cannot be told).
pub type Listed = (String, PathBuf, io::Result<bool>);

/// A read-only tree of files.
pub trait Files {
    /// Whether `path` is a folder (`Some(true)`), a file (`Some(false)`),
    /// or neither (`None`: missing or unreadable). Links are followed.
    fn kind(&self, path: &Path) -> Option<bool>;
    /// The entries of the folder `dir`, in any order.
    fn list(&self, dir: &Path) -> io::Result<Vec<Listed>>;
    /// The bytes of the file `path`.
    fn read(&self, path: &Path) -> io::Result<Vec<u8>>;

    fn is_file(&self, path: &Path) -> bool {
        self.kind(path) == Some(false)
    }

    fn is_dir(&self, path: &Path) -> bool {
        self.kind(path) == Some(true)
    }
}

/// The files on disk.
#[derive(Debug, Clone, Copy, Default)]
pub struct Disk;

impl Files for Disk {
    fn kind(&self, path: &Path) -> Option<bool> {
        std::fs::metadata(path).ok().map(|m| m.is_dir())
    }

    fn list(&self, dir: &Path) -> io::Result<Vec<Listed>> {
        let mut out = Vec::new();
        for entry in std::fs::read_dir(dir)? {
            // An entry that vanishes or errors mid-listing has no name to report.
            let Ok(entry) = entry else {
                continue;
            };
            let name = entry.file_name().to_string_lossy().into_owned();
            let path = entry.path();
            // Follow symlinks: a linked migration folder is still a folder.
            let is_dir = match entry.file_type() {
                Ok(t) if t.is_symlink() => std::fs::metadata(&path).map(|m| m.is_dir()),
                Ok(t) => Ok(t.is_dir()),
                Err(e) => Err(e),
            };
            out.push((name, path, is_dir));
        }
        Ok(out)
    }

    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        std::fs::read(path)
    }
}
