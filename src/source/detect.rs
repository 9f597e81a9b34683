//! Layout auto-detection: look at a directory's names (and, only when names
//! cannot tell, the first few files' markers) and pick the layout that
//! explains the files. Reads, never writes; decides nothing about contents.
//!
//! Precedence, first match wins:
//!
//! 1. `sqitch.plan` or `sqlitch.plan` in the directory: **Sqitch**. The plan
//!    is the one unambiguous signal, and Sqitch folders hold `.sql` files
//!    that other rules would misread.
//! 2. A subdirectory holding `up.sql` or `down.sql`: **diesel**.
//! 3. Files named `<digits>_<name>.up.sql` / `.down.sql`: **popx** if any of
//!    them carries a dialect (`.postgres.`, `.mysql.`, ...) or `.autocommit.`
//!    segment; else **sqlx** if up-only `<digits>_<name>.sql` files sit
//!    beside them (sqlx accepts both forms in one folder, golang-migrate does
//!    not); else **golang-migrate**. [`super::discover`] later reads such a
//!    folder as sqlx when an up script opens with sqlx's `-- no-transaction`
//!    marker, which golang-migrate does not know.
//! 4. At least half the `.sql` files named `V<version>__`, `U<version>__`,
//!    `R__` or as a Flyway callback (`afterMigrate.sql`): **Flyway**.
//! 5. The first of the first [`SNIFF_LIMIT`] `.sql` files (in name order)
//!    that holds a marker decides: `-- +goose` **goose**, `-- migrate:`
//!    **dbmate**, `-- +migrate` **sql-migrate**. Only marker layouts need
//!    contents, and their every file has a marker, so this reads one file in
//!    the usual case.
//! 6. More than half the `.sql` files named `<digits>_<name>.sql`: **sqlx**.
//! 7. Any `.sql` file: **plain**.
//!
//! Nothing matches (no `.sql` files at all): no layout.

use super::{Disk, Entry, Files, Layout, SourceError, paired, sections};
use std::path::Path;

/// How many `.sql` files step 5 opens at most before deciding that the
/// folder has no marker layout.
pub const SNIFF_LIMIT: usize = 32;

/// Detects the layout of the migrations directory `dir`.
pub fn detect(dir: &Path) -> Result<Layout, SourceError> {
    let (entries, _) = super::list_top(&Disk, dir)?;
    detect_in(&Disk, &entries).ok_or_else(|| SourceError::NoLayout {
        path: dir.to_path_buf(),
    })
}

pub(crate) fn detect_in(files: &dyn Files, entries: &[Entry]) -> Option<Layout> {
    if entries
        .iter()
        .any(|e| !e.is_dir && (e.name == "sqitch.plan" || e.name == "sqlitch.plan"))
    {
        return Some(Layout::Sqitch);
    }
    if entries.iter().any(|e| {
        e.is_dir
            && (files.is_file(&e.path.join("up.sql")) || files.is_file(&e.path.join("down.sql")))
    }) {
        return Some(Layout::Diesel);
    }
    let sql: Vec<&Entry> = entries.iter().filter(|e| e.is_sql_file()).collect();
    if sql.is_empty() {
        return None;
    }
    let mut paired_count = 0;
    let mut popx = false;
    let mut simple = 0;
    let mut flyway = 0;
    for e in &sql {
        match paired::classify_name(&e.name) {
            Some(paired::NameShape::Paired { popx_segment }) => {
                paired_count += 1;
                popx |= popx_segment;
            }
            Some(paired::NameShape::Simple) => simple += 1,
            None => {}
        }
        if super::flyway::parse_name(&e.name).is_some() || super::flyway::is_callback(&e.name) {
            flyway += 1;
        }
    }
    if paired_count > 0 {
        return Some(if popx {
            Layout::Popx
        } else if simple > 0 {
            Layout::Sqlx
        } else {
            Layout::GolangMigrate
        });
    }
    if flyway > 0 && flyway * 2 >= sql.len() {
        return Some(Layout::Flyway);
    }
    for e in sql.iter().take(SNIFF_LIMIT) {
        // An unreadable file says nothing; discovery reports it later.
        let Ok(text) = files.read(&e.path) else {
            continue;
        };
        if let Some(layout) = sections::sniff(&String::from_utf8_lossy(&text)) {
            return Some(layout);
        }
    }
    if simple * 2 > sql.len() {
        return Some(Layout::Sqlx);
    }
    Some(Layout::Plain)
}
