//! Finding the PostgreSQL client and server programs on this machine.
//!
//! Only looks; never installs or starts anything.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Where the programs were found, and how (for error messages).
#[derive(Debug, Clone)]
pub struct BinDir {
    pub dir: PathBuf,
    pub found_by: &'static str,
}

impl BinDir {
    pub fn program(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }
}

/// Looks, in order, at `TURQUOISE_PG_BINDIR`, `pg_config --bindir`, `initdb`
/// on `PATH` (symlinks resolved), and the newest `/usr/lib/postgresql/<major>/bin`.
/// A candidate counts only if it holds `initdb`: Debian's `pg_config` can
/// come from libpq-dev and name a folder without the server.
pub fn find() -> Option<BinDir> {
    if let Some(dir) = std::env::var_os("TURQUOISE_PG_BINDIR") {
        let dir = PathBuf::from(dir);
        if has_initdb(&dir) {
            return Some(BinDir {
                dir,
                found_by: "TURQUOISE_PG_BINDIR",
            });
        }
        panic!(
            "TURQUOISE_PG_BINDIR={} has no initdb in it; point it at PostgreSQL's bin folder",
            dir.display()
        );
    }
    if let Some(dir) = from_pg_config() {
        return Some(BinDir {
            dir,
            found_by: "pg_config --bindir",
        });
    }
    if let Some(dir) = from_path() {
        return Some(BinDir {
            dir,
            found_by: "initdb on PATH",
        });
    }
    newest_debian().map(|dir| BinDir {
        dir,
        found_by: "/usr/lib/postgresql/<major>/bin",
    })
}

fn has_initdb(dir: &Path) -> bool {
    dir.join("initdb").is_file()
}

fn from_pg_config() -> Option<PathBuf> {
    let out = Command::new("pg_config").arg("--bindir").output().ok()?;
    if !out.status.success() {
        return None;
    }
    let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    has_initdb(&dir).then_some(dir)
}

fn from_path() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join("initdb"))
        .find(|p| p.is_file())
        .and_then(|p| std::fs::canonicalize(p).ok())
        .and_then(|p| p.parent().map(Path::to_path_buf))
}

fn newest_debian() -> Option<PathBuf> {
    let entries = std::fs::read_dir("/usr/lib/postgresql").ok()?;
    entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let major: u32 = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            has_initdb(&bin).then_some((major, bin))
        })
        .max_by_key(|(major, _)| *major)
        .map(|(_, bin)| bin)
}
