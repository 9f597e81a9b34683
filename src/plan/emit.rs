//! `plan --emit DIR`: the phases written as new migrations in the
//! project's own layout, to commit in place of the original migration.
//!
//! A phase becomes one migration per transaction: its statements that
//! share a transaction make one, and each statement that runs alone (a
//! `VALIDATE`, an index built `CONCURRENTLY`, a batched backfill) makes one
//! of its own, marked to run outside a transaction where it must (many
//! frameworks send a file as one query, which PostgreSQL runs in one
//! implicit transaction). Each migration's down undoes its statements.
//! Versions are the next free ones after the planned migration, in the
//! layout's own style; names are the migration's with the phase. Nothing
//! is ever overwritten: every file is checked before the first is written,
//! and each is created only if it does not exist.

use super::format::{Wrapping, script};
use super::model::{Phase, PhaseKind, Plan, Run, Step};
use crate::source::{Layout, Migration, Version};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum EmitError {
    #[error(
        "the plan leaves out {0} changes with no safe plan (see the plan): nothing was written"
    )]
    Refused(usize),
    #[error(
        "replaying the plan on the model found problems (see the plan's check): nothing was written"
    )]
    Unchecked,
    #[error("the plan has no statement to write")]
    Empty,
    #[error(
        "no version is free after {after} and before {before} in {layout} style: plan the last migration, or make room after {after}"
    )]
    NoRoom {
        after: String,
        before: String,
        layout: Layout,
    },
    #[error("{after} has no next version in {layout} style")]
    NoSuccessor { after: String, layout: Layout },
    #[error("{0} already exists: nothing was written (turquoise never overwrites a file)")]
    Exists(PathBuf),
    #[error("cannot write {path}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// One migration written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub phase: PhaseKind,
    /// The version (Sqitch: the change name).
    pub version: String,
    pub name: String,
    /// The files, in the order written.
    pub files: Vec<PathBuf>,
}

/// What `emit` did.
#[derive(Debug, Clone, Default)]
pub struct Emitted {
    pub migrations: Vec<Written>,
    /// Lines to add to `sqitch.plan` (turquoise does not edit it).
    pub sqitch_plan: Vec<String>,
}

/// One migration to write: some statements of a phase.
struct Unit<'a> {
    phase: &'a Phase,
    steps: Vec<&'a Step>,
    undo: Vec<&'a Step>,
    transaction: bool,
}

/// Writes `plan`'s phases into `dir` as migrations of `layout`, numbered
/// after the planned migrations among `migrations` (the whole history).
pub fn emit(
    plan: &Plan,
    migrations: &[Migration],
    layout: Layout,
    dir: &Path,
) -> Result<Emitted, EmitError> {
    if !plan.refusals.is_empty() {
        return Err(EmitError::Refused(plan.refusals.len()));
    }
    if !plan.check.is_empty() {
        return Err(EmitError::Unchecked);
    }
    let units = units(plan);
    if units.is_empty() {
        return Err(EmitError::Empty);
    }
    let base = plan
        .migrations
        .last()
        .map_or("plan".to_owned(), |m| m.name.clone());
    let names = unit_names(&units, &base);
    let versions = versions(plan, migrations, layout, units.len())?;
    let mut files: Vec<(PathBuf, String)> = Vec::new();
    let mut out = Emitted::default();
    let total = PhaseKind::ALL.len();
    for ((u, name), version) in units.iter().zip(&names).zip(&versions) {
        let n = PhaseKind::ALL
            .iter()
            .position(|k| *k == u.phase.kind)
            .unwrap_or(0)
            + 1;
        let header = format!(
            "-- turquoise plan for {}: phase {n} of {total}, {} ({})\n-- {}\n",
            super::format::title(plan),
            u.phase.kind.title(),
            runs_while(u.phase),
            u.phase.summary
        );
        let wrapping = if layout == Layout::Sqitch {
            Wrapping::Explicit
        } else {
            Wrapping::Framework
        };
        let body = |steps: &[&Step]| -> String {
            let owned: Vec<Step> = steps.iter().map(|s| (*s).clone()).collect();
            if owned.is_empty() {
                return "-- nothing to undo\n".to_owned();
            }
            let text = if u.transaction {
                script(&owned, &plan.lock_timeout, wrapping)
            } else {
                // A statement outside a transaction stands alone.
                owned
                    .iter()
                    .map(|s| format!("-- {}\n{};\n", s.comment, s.sql))
                    .collect()
            };
            match layout {
                Layout::Goose => blocks(&text, &owned, "-- +goose"),
                Layout::SqlMigrate => blocks(&text, &owned, "-- +migrate"),
                _ => text,
            }
        };
        let up = body(&u.steps);
        let down = body(&u.undo);
        let written = layout_files(
            layout,
            dir,
            version,
            name,
            &header,
            &up,
            &down,
            u.transaction,
        );
        let mut paths = Vec::new();
        for (path, text) in written {
            paths.push(path.clone());
            files.push((path, text));
        }
        if layout == Layout::Sqitch {
            out.sqitch_plan.push(format!(
                "{name} {} turquoise <turquoise@example.invalid> # {} of {}",
                now_utc(),
                u.phase.kind.title(),
                super::format::title(plan)
            ));
        }
        out.migrations.push(Written {
            phase: u.phase.kind,
            version: version.clone(),
            name: name.clone(),
            files: paths,
        });
    }
    // Every target checked before anything is written.
    for (path, _) in &files {
        if path.symlink_metadata().is_ok() {
            return Err(EmitError::Exists(path.clone()));
        }
    }
    for (path, text) in &files {
        write_new(path, text)?;
    }
    Ok(out)
}

/// The phases cut into migrations: a transaction each, and each statement
/// that runs alone on its own.
fn units(plan: &Plan) -> Vec<Unit<'_>> {
    let mut out: Vec<Unit> = Vec::new();
    for p in plan.phases.iter().filter(|p| p.kind.has_sql()) {
        let mut current: Option<Unit> = None;
        for (i, s) in p.steps.iter().enumerate() {
            let undo = p
                .undo
                .get(i)
                .map(|u| u.iter().collect::<Vec<_>>())
                .unwrap_or_default();
            if s.run == Run::Transaction
                && let Some(u) = &mut current
            {
                u.steps.push(s);
                // Undone last first.
                let mut all = undo;
                all.append(&mut u.undo);
                u.undo = all;
                continue;
            }
            if let Some(u) = current.take() {
                out.push(u);
            }
            let unit = Unit {
                phase: p,
                steps: vec![s],
                undo,
                transaction: s.run != Run::NoTransaction,
            };
            if s.run == Run::Transaction {
                current = Some(unit);
            } else {
                out.push(unit);
            }
        }
        if let Some(u) = current.take() {
            out.push(u);
        }
    }
    out
}

/// `<base>_<phase>`, numbered when a phase makes several migrations.
fn unit_names(units: &[Unit], base: &str) -> Vec<String> {
    units
        .iter()
        .map(|u| {
            let of_phase: Vec<&Unit> = units
                .iter()
                .filter(|x| x.phase.kind == u.phase.kind)
                .collect();
            let phase = u.phase.kind.name();
            if of_phase.len() == 1 {
                format!("{base}_{phase}")
            } else {
                let n = of_phase
                    .iter()
                    .position(|x| std::ptr::eq(*x, u))
                    .map_or(1, |i| i + 1);
                format!("{base}_{phase}_{n}")
            }
        })
        .collect()
}

/// `count` versions after the last planned migration, free, and before the
/// next migration of the history.
fn versions(
    plan: &Plan,
    migrations: &[Migration],
    layout: Layout,
    count: usize,
) -> Result<Vec<String>, EmitError> {
    if layout == Layout::Sqitch {
        // Sqitch orders by its plan: the change names are the versions.
        return Ok(vec![String::new(); count]);
    }
    let last = plan
        .migrations
        .last()
        .map(|m| m.version.clone())
        .unwrap_or_default();
    let at = migrations.iter().position(|m| m.version.text == last);
    let Some(at) = at else {
        return Err(EmitError::NoSuccessor {
            after: last,
            layout,
        });
    };
    let next: Option<&Version> = migrations[at + 1..]
        .iter()
        .find(|m| !m.repeatable)
        .map(|m| &m.version);
    let mut current = migrations[at].version.clone();
    let mut out = Vec::new();
    while out.len() < count {
        let v = crate::conflict::versions::successor(layout, &current).ok_or_else(|| {
            EmitError::NoSuccessor {
                after: current.text.clone(),
                layout,
            }
        })?;
        if let Some(n) = next
            && v >= *n
        {
            return Err(EmitError::NoRoom {
                after: last,
                before: n.text.clone(),
                layout,
            });
        }
        current = v.clone();
        if migrations.iter().any(|m| m.version == v) {
            continue;
        }
        out.push(v.text);
    }
    Ok(out)
}

fn runs_while(p: &Phase) -> String {
    format!("runs while: {}", super::format::apps(&p.during))
}

/// The files of one migration: path and text.
#[allow(clippy::too_many_arguments)]
fn layout_files(
    layout: Layout,
    dir: &Path,
    version: &str,
    name: &str,
    header: &str,
    up: &str,
    down: &str,
    transaction: bool,
) -> Vec<(PathBuf, String)> {
    let up_text = format!("{header}\n{up}");
    let down_text = format!("{header}-- (down)\n\n{down}");
    match layout {
        Layout::Diesel => {
            let folder = dir.join(format!("{version}_{name}"));
            let mut files = vec![
                (folder.join("up.sql"), up_text),
                (folder.join("down.sql"), down_text),
            ];
            if !transaction {
                files.push((
                    folder.join("metadata.toml"),
                    "run_in_transaction = false\n".to_owned(),
                ));
            }
            files
        }
        Layout::GolangMigrate => vec![
            (dir.join(format!("{version}_{name}.up.sql")), up_text),
            (dir.join(format!("{version}_{name}.down.sql")), down_text),
        ],
        Layout::Sqlx => {
            // sqlx reads `-- no-transaction` as the very first bytes.
            let mark = |t: String| {
                if transaction {
                    t
                } else {
                    format!("-- no-transaction\n{t}")
                }
            };
            vec![
                (dir.join(format!("{version}_{name}.up.sql")), mark(up_text)),
                (
                    dir.join(format!("{version}_{name}.down.sql")),
                    mark(down_text),
                ),
            ]
        }
        Layout::Popx => {
            let auto = if transaction { "" } else { ".autocommit" };
            vec![
                (dir.join(format!("{version}_{name}{auto}.up.sql")), up_text),
                (
                    dir.join(format!("{version}_{name}{auto}.down.sql")),
                    down_text,
                ),
            ]
        }
        Layout::Goose => {
            let mut t = String::new();
            if !transaction {
                t.push_str("-- +goose NO TRANSACTION\n");
            }
            let _ = write!(t, "-- +goose Up\n{up}\n-- +goose Down\n{down}");
            vec![(
                dir.join(format!("{version}_{name}.sql")),
                format!("{header}{t}"),
            )]
        }
        Layout::Dbmate => {
            let option = if transaction {
                ""
            } else {
                " transaction:false"
            };
            let t = format!("{header}-- migrate:up{option}\n{up}\n-- migrate:down{option}\n{down}");
            vec![(dir.join(format!("{version}_{name}.sql")), t)]
        }
        Layout::SqlMigrate => {
            let option = if transaction { "" } else { " notransaction" };
            let t =
                format!("{header}-- +migrate Up{option}\n{up}\n-- +migrate Down{option}\n{down}");
            vec![(dir.join(format!("{version}_{name}.sql")), t)]
        }
        Layout::Flyway => {
            let mut files = vec![
                (dir.join(format!("V{version}__{name}.sql")), up_text),
                (dir.join(format!("U{version}__{name}.sql")), down_text),
            ];
            if !transaction {
                for script in ["V", "U"] {
                    files.push((
                        dir.join(format!("{script}{version}__{name}.sql.conf")),
                        "executeInTransaction=false\n".to_owned(),
                    ));
                }
            }
            files
        }
        Layout::Sqitch => vec![
            (dir.join("deploy").join(format!("{name}.sql")), up_text),
            (dir.join("revert").join(format!("{name}.sql")), down_text),
        ],
        Layout::Plain => vec![(dir.join(format!("{version}_{name}.sql")), up_text)],
    }
}

/// goose and sql-migrate split a section on `;` unless a statement sits
/// between `StatementBegin` and `StatementEnd`: bodies with `;` inside
/// (functions, `DO` blocks) get them.
fn blocks(text: &str, steps: &[Step], marker: &str) -> String {
    let mut out = text.to_owned();
    for s in steps {
        let inner = s.sql.contains(';') || s.sql.contains('$');
        if inner {
            out = out.replacen(
                &format!("{};\n", s.sql),
                &format!(
                    "{marker} StatementBegin\n{};\n{marker} StatementEnd\n",
                    s.sql
                ),
                1,
            );
        }
    }
    out
}

/// Creates `path` (and its folder) with `text`, failing if it exists.
fn write_new(path: &Path, text: &str) -> Result<(), EmitError> {
    let io = |source| EmitError::Io {
        path: path.to_path_buf(),
        source,
    };
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(io)?;
    }
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| {
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                EmitError::Exists(path.to_path_buf())
            } else {
                io(e)
            }
        })?;
    std::io::Write::write_all(&mut f, text.as_bytes()).map_err(io)
}

/// The time now as Sqitch writes it: `2024-01-31T12:00:00Z`.
fn now_utc() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let days = (secs / 86_400) as i64;
    let rest = secs % 86_400;
    // Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}
