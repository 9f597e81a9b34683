//! Finding migrations: turn a directory in any supported framework's layout
//! into an ordered list of [`Migration`]s with their up and down scripts.
//!
//! This module reads files and knows file-name and marker conventions. It does
//! not split or parse SQL (that is `sql`), and it never writes. Problems with
//! single files are [`Finding`]s and discovery goes on; only a directory that
//! cannot be used at all is a [`SourceError`]. Each layout lives in its own
//! submodule; [`detect`] holds the auto-detection precedence, and [`git`]
//! asks git which files a branch changed.

mod detect;
mod diesel;
mod files;
mod flyway;
pub mod git;
mod paired;
mod plain;
mod sections;
mod sqitch;
pub(crate) mod version;

pub use detect::detect;
pub use files::{Disk, Files, Listed};

use crate::diagnostic::{Finding, LineIndex, Location, Severity};
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

    /// Whether the framework runs down (undo, revert) scripts. Flyway's
    /// undo migrations are a paid feature, and plain folders have none.
    pub fn has_downs(self) -> bool {
        !matches!(self, Layout::Flyway | Layout::Plain)
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

    /// Whether the script holds nothing but whitespace, comments and empty
    /// statements. Projects ship such files on purpose ("-- Not reversible"),
    /// so a blank down exists as a file but reverts nothing.
    pub fn is_blank(&self) -> bool {
        is_blank_sql(self.sql())
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

impl Migration {
    /// The file that holds the up script.
    pub fn up_path(&self) -> &Path {
        &self.up.path
    }

    /// The file that holds the down script, if the migration has one.
    pub fn down_path(&self) -> Option<&Path> {
        self.down.as_ref().map(|d| d.path.as_path())
    }

    /// Whether the migration can be reverted: a down script exists and holds
    /// some SQL. A blank down file is how many projects say "irreversible".
    pub fn has_down(&self) -> bool {
        self.down.as_ref().is_some_and(|d| !d.is_blank())
    }
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
    #[error("cannot read {path}")]
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

/// Finding codes. They are permanent names: reports, configs and ignore
/// comments refer to them.
pub mod codes {
    /// Two migrations in one directory share a version.
    pub const DUPLICATE_VERSION: &str = "duplicate-version";
    /// An up script without its down in a layout that pairs them.
    pub const MISSING_DOWN: &str = "missing-down";
    /// A down script whose up does not exist.
    pub const ORPHAN_DOWN: &str = "orphan-down";
    /// A file that cannot be read or is not UTF-8.
    pub const UNREADABLE_FILE: &str = "unreadable-file";
    /// A goose / dbmate / sql-migrate file without its Up marker.
    pub const MISSING_UP_MARKER: &str = "missing-up-marker";
    /// A marker the framework would reject where it stands (a second Up, a
    /// StatementEnd without StatementBegin, an unclosed block).
    pub const MISPLACED_MARKER: &str = "misplaced-marker";
    /// A file that looks like a migration but does not follow the layout.
    pub const UNRECOGNISED_FILE: &str = "unrecognised-file";
    /// A diesel `metadata.toml` or Flyway `.conf` that cannot be understood.
    pub const INVALID_METADATA: &str = "invalid-metadata";
    /// A Sqitch plan names a change whose deploy script does not exist.
    pub const MISSING_SCRIPT: &str = "missing-script";
    /// A Sqitch plan line that is neither a change, a tag, a pragma nor a comment.
    pub const INVALID_PLAN_ENTRY: &str = "invalid-plan-entry";
    /// A layout was forced and found nothing it could read.
    pub const NO_MIGRATIONS: &str = "no-migrations";
}

/// Finds the migrations under `dir`, in `layout` if given, else auto-detected
/// (see [`detect`] for the precedence).
///
/// Migrations come back in the order the framework runs them. Problems with
/// single files become findings in [`Discovery::findings`]; the error is only
/// for a directory that is missing, unreadable, or (when auto-detecting) holds
/// nothing that looks like migrations.
pub fn discover(dir: &Path, layout: Option<Layout>) -> Result<Discovery, SourceError> {
    discover_in(&Disk, dir, layout)
}

/// [`discover`] in any tree of files, such as a commit's.
pub fn discover_in(
    files: &dyn Files,
    dir: &Path,
    layout: Option<Layout>,
) -> Result<Discovery, SourceError> {
    let (entries, skipped) = list_top(files, dir)?;
    let forced = layout.is_some();
    let layout = match layout {
        Some(l) => l,
        None => detect::detect_in(files, &entries).ok_or_else(|| SourceError::NoLayout {
            path: dir.to_path_buf(),
        })?,
    };
    let mut cx = Cx {
        files,
        migrations: Vec::new(),
        findings: Vec::new(),
    };
    for path in skipped {
        cx.finding(Finding::new(
            codes::UNREADABLE_FILE,
            Severity::Error,
            Location::file(path),
            "cannot tell whether this is a file or a folder; it is not read",
        ));
    }
    let layout = match layout {
        Layout::Diesel => {
            diesel::read(&entries, &mut cx);
            layout
        }
        Layout::GolangMigrate | Layout::Sqlx | Layout::Popx => {
            paired::read(&entries, layout, forced, &mut cx)
        }
        Layout::Goose | Layout::Dbmate | Layout::SqlMigrate => {
            sections::read(&entries, layout, &mut cx);
            layout
        }
        Layout::Flyway => {
            flyway::read(dir, &mut cx);
            layout
        }
        Layout::Sqitch => {
            sqitch::read(dir, &entries, &mut cx);
            layout
        }
        Layout::Plain => {
            plain::read(&entries, &mut cx);
            layout
        }
    };
    Ok(cx.finish(dir, layout, forced))
}

/// What a layout reader accumulates: migrations in any order, findings;
/// and the tree it reads them from.
pub(crate) struct Cx<'a> {
    files: &'a dyn Files,
    migrations: Vec<Migration>,
    findings: Vec<Finding>,
}

impl Cx<'_> {
    fn is_dir(&self, path: &Path) -> bool {
        self.files.is_dir(path)
    }

    fn push(&mut self, m: Migration) {
        self.migrations.push(m);
    }

    fn finding(&mut self, f: Finding) {
        self.findings.push(f);
    }

    fn unrecognised(&mut self, path: &Path, expected: &str) {
        self.finding(
            Finding::new(
                codes::UNRECOGNISED_FILE,
                Severity::Hint,
                Location::file(path),
                "file looks like a migration but does not follow the layout's naming; it is not read",
            )
            .with_help(format!("expected {expected}")),
        );
    }

    fn missing_down(&mut self, path: &Path, expected: &str) {
        self.finding(
            Finding::new(
                codes::MISSING_DOWN,
                Severity::Warning,
                Location::file(path),
                "up migration has no down migration",
            )
            .with_help(format!(
                "add {expected} if the change can be reverted, or an empty one saying why it cannot"
            )),
        );
    }

    fn orphan_down(&mut self, path: &Path) {
        self.finding(Finding::new(
            codes::ORPHAN_DOWN,
            Severity::Error,
            Location::file(path),
            "down migration has no up migration; it is not read",
        ));
    }

    /// Reads a script file as UTF-8. On failure records `unreadable-file`,
    /// saying what the caller does without it (`consequence`).
    fn read_text(&mut self, path: &Path, consequence: &str) -> Option<Arc<str>> {
        let bytes = self.files.read(path);
        self.text(path, bytes, consequence)
    }

    /// [`Cx::read_text`] for bytes already read (by [`Files::read_file`]).
    fn text(
        &mut self,
        path: &Path,
        bytes: std::io::Result<Vec<u8>>,
        consequence: &str,
    ) -> Option<Arc<str>> {
        match decode(path, bytes) {
            Ok(text) => Some(text),
            Err(ReadError { location, message }) => {
                self.finding(Finding::new(
                    codes::UNREADABLE_FILE,
                    Severity::Error,
                    location,
                    format!("{message}; {consequence}"),
                ));
                None
            }
        }
    }

    /// Orders the migrations, flags duplicate versions, sorts findings.
    fn finish(mut self, dir: &Path, layout: Layout, forced: bool) -> Discovery {
        // Ties (only possible between duplicates, or sql-migrate and plain
        // files sharing a numeric prefix) fall back to the name, then the
        // path, so the order never depends on the directory listing.
        self.migrations.sort_by(|a, b| {
            a.version
                .cmp(&b.version)
                .then_with(|| a.name.cmp(&b.name))
                .then_with(|| a.up.path.cmp(&b.up.path))
        });
        // sql-migrate and plain identify a migration by its whole file name,
        // so a shared numeric prefix is legal there.
        let versions_identify = !matches!(layout, Layout::SqlMigrate | Layout::Plain);
        if versions_identify {
            let mut dups = Vec::new();
            for pair in self.migrations.windows(2) {
                if pair[0].version.key == pair[1].version.key {
                    dups.push(
                        Finding::new(
                            codes::DUPLICATE_VERSION,
                            Severity::Error,
                            Location::file(&pair[1].up.path),
                            format!(
                                "version {} is also used by {}",
                                pair[1].version,
                                pair[0].up.path.display()
                            ),
                        )
                        .with_help("give each migration its own version"),
                    );
                }
            }
            self.findings.extend(dups);
        }
        if forced && self.migrations.is_empty() {
            self.findings.push(Finding::new(
                codes::NO_MIGRATIONS,
                Severity::Warning,
                Location::file(dir),
                format!("no migrations found in the {layout} layout"),
            ));
        }
        crate::diagnostic::sort(&mut self.findings);
        Discovery {
            layout,
            migrations: self.migrations,
            findings: self.findings,
        }
    }
}

/// One entry of a directory listing.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub path: PathBuf,
    /// The file name; lossy when it is not UTF-8 (such a name never matches
    /// a layout's pattern, which is the right outcome).
    pub name: String,
    pub is_dir: bool,
}

impl Entry {
    fn is_sql_file(&self) -> bool {
        !self.is_dir && self.name.ends_with(".sql")
    }
}

/// Lists the top directory; failures here are the directory being unusable.
/// Also returns the entries whose type could not be read.
fn list_top(files: &dyn Files, dir: &Path) -> Result<(Vec<Entry>, Vec<PathBuf>), SourceError> {
    match files.kind(dir) {
        Some(true) => {}
        Some(false) => {
            return Err(SourceError::NotADirectory {
                path: dir.to_path_buf(),
            });
        }
        None => {
            // Ask again for the reason the tree gives.
            let source = files
                .list(dir)
                .err()
                .unwrap_or_else(|| std::io::ErrorKind::NotFound.into());
            return Err(SourceError::Io {
                path: dir.to_path_buf(),
                source,
            });
        }
    }
    let mut skipped = Vec::new();
    let entries = list(files, dir, &mut skipped).map_err(|source| SourceError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    Ok((entries, skipped))
}

/// Lists `dir` sorted by name, hidden entries left out. Entries whose type
/// cannot be read are left out too; their paths go to `skipped`.
pub(crate) fn list(
    files: &dyn Files,
    dir: &Path,
    skipped: &mut Vec<PathBuf>,
) -> std::io::Result<Vec<Entry>> {
    let mut out = Vec::new();
    for (name, path, is_dir) in files.list(dir)? {
        if name.starts_with('.') {
            continue;
        }
        match is_dir {
            Ok(is_dir) => out.push(Entry { path, name, is_dir }),
            Err(_) => skipped.push(path),
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// All `.sql` files under `dir`, depth first, hidden entries left out.
/// Subfolders that cannot be listed are reported and skipped.
pub(crate) fn walk_sql(dir: &Path, cx: &mut Cx, out: &mut Vec<PathBuf>) {
    let mut skipped = Vec::new();
    let entries = match list(cx.files, dir, &mut skipped) {
        Ok(entries) => entries,
        Err(e) => {
            cx.finding(Finding::new(
                codes::UNREADABLE_FILE,
                Severity::Error,
                Location::file(dir),
                format!("cannot list folder: {e}; its migrations are not read"),
            ));
            return;
        }
    };
    for entry in entries {
        if entry.is_dir {
            walk_sql(&entry.path, cx, out);
        } else if entry.is_sql_file() {
            out.push(entry.path);
        }
    }
}

struct ReadError {
    location: Location,
    message: String,
}

fn decode(path: &Path, bytes: std::io::Result<Vec<u8>>) -> Result<Arc<str>, ReadError> {
    let bytes = bytes.map_err(|e| ReadError {
        location: Location::file(path),
        message: format!("cannot read file: {e}"),
    })?;
    match String::from_utf8(bytes) {
        Ok(s) => Ok(Arc::from(s)),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            // The valid prefix tells where the bad byte stands.
            let prefix = std::str::from_utf8(bytes.get(..at).unwrap_or_default()).unwrap_or("");
            let (line, column) = LineIndex::new(prefix).line_col(prefix, at);
            Err(ReadError {
                location: Location {
                    path: path.to_path_buf(),
                    line,
                    column,
                    start: at,
                    end: at + 1,
                },
                message: format!("file is not valid UTF-8 (byte {at})"),
            })
        }
    }
}

/// Whether `sql` has nothing but whitespace, `--` and `/* */` comments and
/// empty statements. Stops at the first other character, so string literals
/// never need to be understood.
pub(crate) fn is_blank_sql(sql: &str) -> bool {
    let b = sql.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b' ' | b'\t' | b'\n' | b'\r' | b';' | 0x0c => i += 1,
            b'-' if b.get(i + 1) == Some(&b'-') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                // PostgreSQL block comments nest.
                let mut depth = 0usize;
                while i < b.len() {
                    if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
                        depth += 1;
                        i += 2;
                    } else if b[i] == b'*' && b.get(i + 1) == Some(&b'/') {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        i += 1;
                    }
                }
            }
            _ => {
                // A UTF-8 BOM is not SQL either.
                if sql.get(i..).is_some_and(|s| s.starts_with('\u{feff}')) {
                    i += 3;
                } else {
                    return false;
                }
            }
        }
    }
    true
}

/// One SQL file read on its own (`turquoise lint some.sql`, or standard
/// input): a migration whose version comes from the file name's leading
/// digits. No framework is known to wrap it in a transaction, so only its
/// own BEGIN opens one (as squawk assumes by default).
pub fn single(path: PathBuf, text: Arc<str>) -> Migration {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let (version, name) = version::prefixed(&stem);
    Migration {
        version,
        name,
        up: Script::whole(path, text),
        down: None,
        transaction: false,
        repeatable: false,
    }
}

#[cfg(test)]
mod tests {
    use super::is_blank_sql;

    #[test]
    fn blank_sql_is_only_comments_and_space() {
        assert!(is_blank_sql(""));
        assert!(is_blank_sql("-- Not reversible\n"));
        assert!(is_blank_sql(
            "\u{feff}/* a /* nested */ comment */ ;\r\n-- x"
        ));
        assert!(!is_blank_sql("-- drop it\nDROP TABLE t;"));
        assert!(!is_blank_sql("/* unclosed */ x"));
        assert!(!is_blank_sql("- 1"));
    }
}
