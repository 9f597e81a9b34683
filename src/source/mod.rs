//! Finding migrations: turn a directory in any supported framework's layout
//! into an ordered list of [`Migration`]s with their up and down scripts.
//!
//! This module reads files and knows file-name and marker conventions. It does
//! not split or parse SQL (that is `sql`), and it never writes.

use crate::diagnostic::Finding;
use serde::Serialize;
use std::cmp::Ordering;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The migration frameworks whose layouts turquoise reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Layout {
    /// `<version>_<name>/up.sql` + `down.sql`, optional `metadata.toml`.
    Diesel,
    /// golang-migrate / sqlx reversible: `<version>_<name>.up.sql` + `.down.sql`.
    GolangMigrate,
    /// sqlx simple: `<version>_<name>.sql`, up only.
    Sqlx,
    /// Ory popx: `<version>_<name>[.<dialect>][.autocommit].(up|down).sql`.
    Popx,
    /// goose: one file with `-- +goose Up` / `-- +goose Down`.
    Goose,
    /// dbmate: one file with `-- migrate:up` / `-- migrate:down`.
    Dbmate,
    /// sql-migrate: one file with `-- +migrate Up` / `-- +migrate Down`.
    SqlMigrate,
    /// Flyway: `V<version>__<desc>.sql`, `U...` undo, `R__...` repeatable.
    Flyway,
    /// Sqitch: `sqitch.plan` with `deploy/`, `revert/`, `verify/`.
    Sqitch,
    /// A folder of ordered `.sql` files, up only.
    Plain,
}

impl Layout {
    pub const ALL: [Layout; 10] = [
        Layout::Diesel,
        Layout::GolangMigrate,
        Layout::Sqlx,
        Layout::Popx,
        Layout::Goose,
        Layout::Dbmate,
        Layout::SqlMigrate,
        Layout::Flyway,
        Layout::Sqitch,
        Layout::Plain,
    ];

    /// The name used on the command line and in `turquoise.toml`.
    pub fn name(self) -> &'static str {
        match self {
            Layout::Diesel => "diesel",
            Layout::GolangMigrate => "golang-migrate",
            Layout::Sqlx => "sqlx",
            Layout::Popx => "popx",
            Layout::Goose => "goose",
            Layout::Dbmate => "dbmate",
            Layout::SqlMigrate => "sql-migrate",
            Layout::Flyway => "flyway",
            Layout::Sqitch => "sqitch",
            Layout::Plain => "plain",
        }
    }

    pub fn from_name(name: &str) -> Option<Layout> {
        Layout::ALL.into_iter().find(|l| l.name() == name)
    }
}

impl fmt::Display for Layout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A migration version, ordered the way its framework orders it.
///
/// `text` is the version as written in the file name. Ordering compares the
/// parsed `key`: integers numerically (timestamps are integers), dotted Flyway
/// versions part by part, anything else as text.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Version {
    pub text: String,
    #[serde(skip)]
    pub key: VersionKey,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum VersionKey {
    /// Dotted or plain numeric parts (`20240101120000`, `1.2.10`, diesel's
    /// `2019-03-22-170700` as its digit groups).
    Numeric(Vec<u128>),
    /// Anything else, compared as text (sorts after numeric versions).
    Text(String),
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key
            .cmp(&other.key)
            .then_with(|| self.text.cmp(&other.text))
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// One SQL script: a whole file or one section of it (goose, dbmate and
/// sql-migrate keep up and down in one file).
#[derive(Debug, Clone)]
pub struct Script {
    pub path: PathBuf,
    /// The whole file's text, shared between the scripts cut from it.
    pub text: Arc<str>,
    /// The bytes of `text` that belong to this script.
    pub range: Range<usize>,
    /// Byte ranges (inside `range`) that the framework runs as one statement
    /// each, whatever they contain (goose / sql-migrate StatementBegin/End).
    pub blocks: Vec<Range<usize>>,
}

impl Script {
    /// A script that is a whole file.
    pub fn whole(path: PathBuf, text: Arc<str>) -> Self {
        let range = 0..text.len();
        Script {
            path,
            text,
            range,
            blocks: Vec::new(),
        }
    }

    /// The SQL of this script.
    pub fn sql(&self) -> &str {
        self.text.get(self.range.clone()).unwrap_or("")
    }
}

/// One migration: a version, its up script and (if any) its down script.
#[derive(Debug, Clone)]
pub struct Migration {
    pub version: Version,
    pub name: String,
    pub up: Script,
    pub down: Option<Script>,
    /// Whether the framework runs the up script inside one transaction.
    pub transaction: bool,
    /// Flyway `R__` migrations: run after the versioned ones, whenever changed.
    pub repeatable: bool,
}

/// What discovery produced: migrations in order, and findings about the
/// files (duplicate versions, unpaired ups, unreadable files...).
#[derive(Debug, Clone)]
pub struct Discovery {
    pub layout: Layout,
    pub migrations: Vec<Migration>,
    pub findings: Vec<Finding>,
}

/// Errors that stop discovery altogether (the directory itself is unusable).
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: not a directory")]
    NotADirectory { path: PathBuf },
    #[error("{path}: no migrations found in any known layout")]
    NoLayout { path: PathBuf },
}

/// Finds the migrations under `dir`, in `layout` if given, else auto-detected.
pub fn discover(dir: &Path, layout: Option<Layout>) -> Result<Discovery, SourceError> {
    let _ = (dir, layout);
    Err(SourceError::NoLayout {
        path: dir.to_path_buf(),
    })
}
