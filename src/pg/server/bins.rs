//! Finding the PostgreSQL server programs (`initdb`, `pg_ctl`) on this
//! machine, for a throwaway cluster.
//!
//! Only looks: never installs, runs a server or changes the environment.
//! The search is a value ([`BinSearch`]) so a caller (or a test) can say
//! exactly where to look without touching process-wide variables.

use super::super::PgError;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The environment variable naming the folder that holds `initdb`.
pub const BINDIR_VAR: &str = "TURQUOISE_PG_BINDIR";

/// Where to look for the server programs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum BinSearch {
    /// `TURQUOISE_PG_BINDIR`, then `pg_config --bindir`, then `initdb` on
    /// `PATH`, then `/usr/lib/postgresql/<major>/bin`, newest major first.
    #[default]
    Usual,
    /// Only these folders, in order; none of the usual places.
    Only(Vec<PathBuf>),
}

/// A folder holding the server programs, and how it was found (for messages).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BinDir {
    pub dir: PathBuf,
    pub found_by: String,
}

impl BinDir {
    /// The path of program `name` in this folder.
    pub fn program(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }
}

impl BinSearch {
    /// The first folder that holds both `initdb` and `pg_ctl`.
    ///
    /// [`PgError::NoServer`] when there is none; [`PgError::BadBinDir`] when
    /// `TURQUOISE_PG_BINDIR` is set but names a folder without them, since
    /// quietly falling back would start a server the user did not ask for.
    pub fn find(&self) -> Result<BinDir, PgError> {
        match self {
            BinSearch::Only(dirs) => dirs
                .iter()
                .find(|d| has_server_programs(d))
                .map(|d| BinDir {
                    dir: d.clone(),
                    found_by: "the folders given".to_string(),
                })
                .ok_or(PgError::NoServer),
            BinSearch::Usual => usual(std::env::var_os(BINDIR_VAR)),
        }
    }
}

/// The usual search, with the value of `TURQUOISE_PG_BINDIR` passed in so
/// that tests need not set process-wide variables.
fn usual(bindir_var: Option<OsString>) -> Result<BinDir, PgError> {
    if let Some(dir) = bindir_var.filter(|d| !d.is_empty()) {
        let dir = PathBuf::from(dir);
        if has_server_programs(&dir) {
            return Ok(BinDir {
                dir,
                found_by: BINDIR_VAR.to_string(),
            });
        }
        return Err(PgError::BadBinDir {
            dir,
            from: BINDIR_VAR.to_string(),
        });
    }
    if let Some(dir) = from_pg_config() {
        return Ok(BinDir {
            dir,
            found_by: "pg_config --bindir".to_string(),
        });
    }
    if let Some(dir) = from_path() {
        return Ok(BinDir {
            dir,
            found_by: "initdb on PATH".to_string(),
        });
    }
    newest_under(Path::new("/usr/lib/postgresql"))
        .map(|dir| BinDir {
            dir,
            found_by: "/usr/lib/postgresql/<major>/bin".to_string(),
        })
        .ok_or(PgError::NoServer)
}

/// Debian's `pg_config` can come from libpq-dev alone and name a folder
/// without the server, so a candidate counts only if it has both programs.
fn has_server_programs(dir: &Path) -> bool {
    dir.join("initdb").is_file() && dir.join("pg_ctl").is_file()
}

fn from_pg_config() -> Option<PathBuf> {
    let out = Command::new("pg_config")
        .arg("--bindir")
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    has_server_programs(&dir).then_some(dir)
}

fn from_path() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join("initdb"))
        .filter(|p| p.is_file())
        // Debian puts a wrapper script in /usr/bin; the real folder is
        // where the symlink leads.
        .filter_map(|p| std::fs::canonicalize(p).ok())
        .filter_map(|p| p.parent().map(Path::to_path_buf))
        .find(|d| has_server_programs(d))
}

/// `<root>/<major>/bin` with the highest numeric major that has the programs.
fn newest_under(root: &Path) -> Option<PathBuf> {
    std::fs::read_dir(root)
        .ok()?
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let major: f64 = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            has_server_programs(&bin).then_some((major, bin))
        })
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, bin)| bin)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fake_bindir(root: &Path, major: &str) -> PathBuf {
        let bin = root.join(major).join("bin");
        std::fs::create_dir_all(&bin).unwrap();
        std::fs::write(bin.join("initdb"), "").unwrap();
        std::fs::write(bin.join("pg_ctl"), "").unwrap();
        bin
    }

    #[test]
    fn newest_major_wins_numerically() {
        let tmp = tempfile::tempdir().unwrap();
        fake_bindir(tmp.path(), "9.6");
        fake_bindir(tmp.path(), "13");
        let newest = fake_bindir(tmp.path(), "16");
        std::fs::create_dir_all(tmp.path().join("17/bin")).unwrap(); // no programs
        assert_eq!(newest_under(tmp.path()), Some(newest));
    }

    #[test]
    fn bindir_variable_without_programs_is_an_error_not_a_fallback() {
        let tmp = tempfile::tempdir().unwrap();
        let err = usual(Some(tmp.path().as_os_str().to_owned())).unwrap_err();
        assert!(matches!(err, PgError::BadBinDir { .. }), "{err:?}");
        let msg = err.to_string();
        assert!(msg.contains(BINDIR_VAR) && msg.contains("initdb"), "{msg}");
    }

    #[test]
    fn bindir_variable_with_programs_is_used() {
        let tmp = tempfile::tempdir().unwrap();
        let bin = fake_bindir(tmp.path(), "15");
        let found = usual(Some(bin.as_os_str().to_owned())).unwrap();
        assert_eq!(found.dir, bin);
        assert_eq!(found.found_by, BINDIR_VAR);
    }

    #[test]
    fn only_with_empty_folders_finds_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let search = BinSearch::Only(vec![tmp.path().to_path_buf()]);
        assert!(matches!(search.find(), Err(PgError::NoServer)));
    }
}
