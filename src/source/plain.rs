//! plain: a folder of `.sql` files run in file-name order, numbers in the
//! names compared as numbers (`9-x.sql` before `10-y.sql`). Up only; no
//! markers, no pairing.

use super::{Cx, Entry, Migration, Script, version};

pub(crate) fn read(entries: &[Entry], cx: &mut Cx) {
    for entry in entries.iter().filter(|e| e.is_sql_file()) {
        let Some(stem) = entry.name.strip_suffix(".sql") else {
            continue;
        };
        let (version, name) = version::prefixed(stem);
        let Some(text) = cx.read_text(&entry.path, "the migration is skipped") else {
            continue;
        };
        cx.push(Migration {
            version,
            name,
            up: Script::whole(entry.path.clone(), text),
            down: None,
            transaction: true,
            repeatable: false,
        });
    }
}
