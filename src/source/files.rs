//! Where discovery reads from: the working tree ([`Disk`]), or any other
//! tree of files that answers the same three questions, such as a commit's
//! tree read from git objects ([`super::git::Snapshot`]). Read-only.

use std::fs::File;
use std::io::{self, Read};
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

    /// The bytes of `path` when it is a file; `None` when it is missing or
    /// a folder (what [`Files::is_file`] then [`Files::read`] tell, in one
    /// look where the tree allows it).
    fn read_file(&self, path: &Path) -> io::Result<Option<Vec<u8>>> {
        if self.is_file(path) {
            self.read(path).map(Some)
        } else {
            Ok(None)
        }
    }

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
        let mut file = File::open(path)?;
        let len = file.metadata()?.len();
        read_whole(path, &mut file, len)
    }

    fn read_file(&self, path: &Path) -> io::Result<Option<Vec<u8>>> {
        let mut file = match File::open(path) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        let meta = file.metadata()?;
        if meta.is_dir() {
            return Ok(None);
        }
        read_whole(path, &mut file, meta.len()).map(Some)
    }
}

/// The file's `len` bytes in one read, trusting the size it had when
/// opened: open, size, read, close, where `std::fs::read` also reads once
/// more to find the end. Discovery reads every migration and on a virtual
/// machine each system call is dear. A file whose size says nothing (a
/// pipe, an empty size) or that shrank meanwhile is read to its end.
fn read_whole(path: &Path, file: &mut File, len: u64) -> io::Result<Vec<u8>> {
    let Ok(len) = usize::try_from(len) else {
        return std::fs::read(path);
    };
    if len == 0 {
        let mut buf = Vec::new();
        file.read_to_end(&mut buf)?;
        return Ok(buf);
    }
    let mut buf = vec![0; len];
    match file.read_exact(&mut buf) {
        Ok(()) => Ok(buf),
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => std::fs::read(path),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disk_reads_files_and_tells_what_is_not_one() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("up.sql");
        std::fs::write(&file, "CREATE TABLE t ();\n").unwrap();
        let empty = dir.path().join("empty.sql");
        std::fs::write(&empty, "").unwrap();
        let disk = Disk;
        assert_eq!(
            disk.read_file(&file).unwrap().as_deref(),
            Some(&b"CREATE TABLE t ();\n"[..])
        );
        assert_eq!(disk.read(&file).unwrap(), b"CREATE TABLE t ();\n");
        assert_eq!(disk.read_file(&empty).unwrap(), Some(Vec::new()));
        assert_eq!(
            disk.read_file(&dir.path().join("missing.sql")).unwrap(),
            None
        );
        assert_eq!(disk.read_file(dir.path()).unwrap(), None);
        assert!(disk.read(dir.path()).is_err());
        assert!(disk.read(&dir.path().join("missing.sql")).is_err());
    }
}
