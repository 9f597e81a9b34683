//! Layouts that keep up and down in separate files named by version:
//! golang-migrate (`<v>_<name>.up.sql` / `.down.sql`), sqlx (the same, plus
//! up-only `<v>_<name>.sql`) and Ory popx (with optional `.<dialect>` and
//! `.autocommit` segments). Only file names and sqlx's first-line marker are
//! looked at here.

use super::{Cx, Entry, Layout, Migration, Script, Version, VersionKey, version};
use std::collections::HashMap;

/// What a file name looks like, before knowing the layout (for detection).
pub(crate) enum NameShape {
    /// `<digits>_<rest>.up.sql` or `.down.sql`; `popx_segment` when `<rest>`
    /// ends in a popx dialect or `.autocommit` segment.
    Paired { popx_segment: bool },
    /// `<digits>_<rest>.sql`.
    Simple,
}

const POPX_SEGMENTS: [&str; 6] = [
    "postgres",
    "mysql",
    "sqlite3",
    "sqlite",
    "cockroach",
    "autocommit",
];

pub(crate) fn classify_name(name: &str) -> Option<NameShape> {
    let stem = name.strip_suffix(".sql")?;
    let (v, _) = version::split_underscore(stem)?;
    version::integer(v)?;
    match strip_direction(stem) {
        Some((stem, _)) => {
            let (_, rest) = version::split_underscore(stem)?;
            let popx_segment = rest
                .split('.')
                .skip(1)
                .any(|seg| POPX_SEGMENTS.contains(&seg));
            Some(NameShape::Paired { popx_segment })
        }
        None => Some(NameShape::Simple),
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Direction {
    Up,
    Down,
    /// sqlx's up-only form.
    Simple,
}

fn strip_direction(stem: &str) -> Option<(&str, Direction)> {
    if let Some(s) = stem.strip_suffix(".up") {
        Some((s, Direction::Up))
    } else {
        stem.strip_suffix(".down").map(|s| (s, Direction::Down))
    }
}

struct File<'a> {
    entry: &'a Entry,
    version: Version,
    name: String,
    direction: Direction,
    /// popx: `.postgres.` (beats the generic file of the same migration).
    postgres: bool,
    /// popx: `.autocommit.` (no transaction).
    autocommit: bool,
}

enum Parsed<'a> {
    File(File<'a>),
    /// Meant for another database (popx `.mysql.` ...): skipped silently.
    OtherDialect,
    Unrecognised,
}

fn parse(layout: Layout, entry: &Entry) -> Parsed<'_> {
    let Some(stem) = entry.name.strip_suffix(".sql") else {
        return Parsed::Unrecognised;
    };
    let (stem, direction) = match strip_direction(stem) {
        Some(found) => found,
        None if layout == Layout::Sqlx => (stem, Direction::Simple),
        None => return Parsed::Unrecognised,
    };
    let Some((v, rest)) = version::split_underscore(stem) else {
        return Parsed::Unrecognised;
    };
    let Some(version) = version::integer(v) else {
        return Parsed::Unrecognised;
    };
    let mut file = File {
        entry,
        version,
        name: rest.to_string(),
        direction,
        postgres: false,
        autocommit: false,
    };
    if layout == Layout::Popx {
        // `<name>[.<dialect>][.autocommit]`: the name itself has no dots.
        let mut segments = rest.split('.');
        file.name = segments.next().unwrap_or_default().to_string();
        let mut segments: Vec<&str> = segments.collect();
        if segments.last() == Some(&"autocommit") {
            file.autocommit = true;
            segments.pop();
        }
        match segments.as_slice() {
            [] => {}
            ["postgres"] => file.postgres = true,
            [dialect] if is_dialect(dialect) => return Parsed::OtherDialect,
            _ => return Parsed::Unrecognised,
        }
    }
    Parsed::File(file)
}

fn is_dialect(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

fn expected(layout: Layout) -> &'static str {
    match layout {
        Layout::Popx => "`<version>_<name>[.<dialect>][.autocommit].(up|down).sql`",
        Layout::Sqlx => "`<version>_<name>.sql` or `<version>_<name>.(up|down).sql`",
        _ => "`<version>_<name>.up.sql` and `<version>_<name>.down.sql`",
    }
}

/// One migration being assembled: its up and down files.
#[derive(Default)]
struct Slot<'a> {
    up: Option<File<'a>>,
    down: Option<File<'a>>,
}

/// Places `file` in `place`, keeping a `.postgres.` file over a generic
/// one (the generic one is then not run). Returns `file` when the place
/// already holds a file of the same specificity (`1_a.up.sql` beside
/// `01_a.up.sql`): both are real migrations.
fn place<'a>(place: &mut Option<File<'a>>, file: File<'a>) -> Option<File<'a>> {
    match place {
        None => {
            *place = Some(file);
            None
        }
        Some(old) if file.postgres && !old.postgres => {
            *place = Some(file);
            None
        }
        Some(old) if old.postgres && !file.postgres => None,
        Some(_) => Some(file),
    }
}

/// Reads a paired layout. Returns the layout read, which is sqlx when
/// golang-migrate was only guessed and an up opens with `-- no-transaction`.
pub(crate) fn read(entries: &[Entry], layout: Layout, forced: bool, cx: &mut Cx) -> Layout {
    let honour_no_tx = layout == Layout::Sqlx || (layout == Layout::GolangMigrate && !forced);
    let mut slots: Vec<Slot> = Vec::new();
    let mut index: HashMap<(VersionKey, String), usize> = HashMap::new();
    for entry in entries.iter().filter(|e| e.is_sql_file()) {
        let file = match parse(layout, entry) {
            Parsed::File(f) => f,
            Parsed::OtherDialect => continue,
            Parsed::Unrecognised => {
                cx.unrecognised(&entry.path, expected(layout));
                continue;
            }
        };
        let key = (file.version.key.clone(), file.name.clone());
        let i = *index.entry(key).or_insert_with(|| {
            slots.push(Slot::default());
            slots.len() - 1
        });
        let Some(slot) = slots.get_mut(i) else {
            continue;
        };
        let extra = match file.direction {
            Direction::Up | Direction::Simple => place(&mut slot.up, file),
            Direction::Down => place(&mut slot.down, file),
        };
        // A second file for the same place stands alone; the duplicate
        // check or the orphan-down pass below reports it.
        if let Some(extra) = extra {
            let slot = match extra.direction {
                Direction::Down => Slot {
                    up: None,
                    down: Some(extra),
                },
                _ => Slot {
                    up: Some(extra),
                    down: None,
                },
            };
            slots.push(slot);
        }
    }

    // golang-migrate and sqlx know a migration by version alone, so a down
    // whose name differs from its up's still belongs to it.
    let mut by_version: HashMap<VersionKey, Vec<usize>> = HashMap::new();
    for (i, slot) in slots.iter().enumerate() {
        if let (Some(up), None) = (&slot.up, &slot.down) {
            by_version
                .entry(up.version.key.clone())
                .or_default()
                .push(i);
        }
    }
    let mut orphans = Vec::new();
    for i in 0..slots.len() {
        let Some(slot) = slots.get(i) else { continue };
        if slot.up.is_some() {
            continue;
        }
        let Some(key) = slot.down.as_ref().map(|d| d.version.key.clone()) else {
            continue;
        };
        let target = by_version.get_mut(&key).and_then(|v| v.pop());
        match target {
            Some(t) => {
                let down = slots.get_mut(i).and_then(|s| s.down.take());
                if let Some(s) = slots.get_mut(t) {
                    s.down = down;
                }
            }
            None => orphans.push(i),
        }
    }
    for i in orphans {
        if let Some(down) = slots.get(i).and_then(|s| s.down.as_ref()) {
            cx.orphan_down(&down.entry.path);
        }
    }

    let mut saw_no_tx = false;
    for slot in slots {
        let Some(up) = slot.up else { continue };
        let Some(text) = cx.read_text(&up.entry.path, "the migration is skipped") else {
            continue;
        };
        let mut transaction = !up.autocommit;
        if honour_no_tx && text.starts_with("-- no-transaction") {
            transaction = false;
            saw_no_tx = true;
        }
        let down = match &slot.down {
            Some(d) => cx
                .read_text(&d.entry.path, "the migration is kept without its down")
                .map(|t| Script::whole(d.entry.path.clone(), t)),
            None => {
                if up.direction == Direction::Up {
                    let expected = format!("`{}`", down_name(&up.entry.name));
                    cx.missing_down(&up.entry.path, &expected);
                }
                None
            }
        };
        cx.push(Migration {
            version: up.version,
            name: up.name,
            up: Script::whole(up.entry.path.clone(), text),
            down,
            transaction,
            repeatable: false,
        });
    }
    if layout == Layout::GolangMigrate && !forced && saw_no_tx {
        Layout::Sqlx
    } else {
        layout
    }
}

/// The down file name that pairs with up file `name`.
fn down_name(name: &str) -> String {
    match name.strip_suffix(".up.sql") {
        Some(stem) => format!("{stem}.down.sql"),
        None => name.to_string(),
    }
}
