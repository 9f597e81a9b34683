//! `turquoise.sum`: a SHA-256 hash per migration, and one for the whole
//! set on the first line. Two branches that both add migrations both change
//! that first line (and both append at the end), so git stops their merge
//! with a conflict in this file, even when the migrations themselves merge
//! cleanly. Pure: it builds the text and compares it; the CLI reads and
//! writes the file.

use super::codes;
use crate::diagnostic::{Finding, Location, Severity};
use crate::source::Migration;
use sha2::{Digest, Sha256};
use std::path::Path;

/// The file's name, inside the migrations folder.
pub const FILE_NAME: &str = "turquoise.sum";

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A path inside `dir`, with `/` between its parts on every system.
fn inner(dir: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(dir).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// One migration's line: its up script's path and the hash of its files
/// (names and contents) and of its transaction mode.
fn line(dir: &Path, m: &Migration) -> String {
    let mut hasher = Sha256::new();
    let mut seen: Vec<&Path> = Vec::new();
    for script in std::iter::once(&m.up).chain(m.down.as_ref()) {
        if seen.contains(&script.path.as_path()) {
            continue;
        }
        seen.push(&script.path);
        let name = inner(dir, &script.path);
        hasher.update((name.len() as u64).to_le_bytes());
        hasher.update(name.as_bytes());
        hasher.update((script.text.len() as u64).to_le_bytes());
        hasher.update(script.text.as_bytes());
    }
    hasher.update([u8::from(m.transaction)]);
    format!(
        "{} sha256:{}",
        inner(dir, &m.up.path),
        hex(&hasher.finalize())
    )
}

/// The text of `turquoise.sum` for `migrations`, read from `dir`.
pub fn render(dir: &Path, migrations: &[Migration]) -> String {
    let body: String = migrations.iter().map(|m| line(dir, m) + "\n").collect();
    format!("sha256:{}\n{body}", hex(&Sha256::digest(body.as_bytes())))
}

/// A `stale-sum` finding when `on_disk`, the text of `path`, is not what
/// [`render`] writes for `migrations`.
pub fn check(dir: &Path, migrations: &[Migration], path: &Path, on_disk: &str) -> Option<Finding> {
    let wanted = render(dir, migrations);
    if wanted == on_disk {
        return None;
    }
    let help = "run `turquoise sum` and commit the file";
    let mut start = 0;
    let lines: Vec<&str> = on_disk.split_inclusive('\n').collect();
    for (i, l) in lines.iter().enumerate() {
        if ["<<<<<<<", "=======", ">>>>>>>"]
            .iter()
            .any(|m| l.starts_with(m))
        {
            return Some(
                Finding::new(
                    codes::STALE_SUM,
                    Severity::Error,
                    at(path, i, start, l),
                    format!("{FILE_NAME} holds a merge conflict: both branches added migrations"),
                )
                .with_help(format!(
                    "check the merged migrations with `turquoise conflicts` (its `--fix` renames the branch's), then {help}"
                )),
            );
        }
        start += l.len();
    }
    let key = |l: &str| l.split(' ').next().unwrap_or("").trim_end().to_owned();
    let wanted_lines: Vec<&str> = wanted.split_inclusive('\n').collect();
    // The first migration line that differs says most; the whole-set line
    // differs whenever anything does.
    let starts: Vec<usize> = lines
        .iter()
        .scan(0, |at, l| {
            let here = *at;
            *at += l.len();
            Some(here)
        })
        .collect();
    let differs = (1..lines.len().max(wanted_lines.len()))
        .find(|&i| lines.get(i) != wanted_lines.get(i))
        .unwrap_or(0);
    let (have, want) = (lines.get(differs), wanted_lines.get(differs));
    let listed = |k: &str| lines.iter().skip(1).any(|l| key(l) == k);
    let what = match (have, want) {
        _ if differs == 0 => "its hash of the whole set does not match the migrations".to_owned(),
        (Some(h), Some(w)) if key(h) == key(w) => {
            format!("migration {} changed since it was written", key(h))
        }
        (_, Some(w)) if !listed(&key(w)) => format!("migration {} is not in it", key(w)),
        (Some(h), _) => format!("it lists {}, which is not a migration here", key(h)),
        _ => "it does not match the migrations".to_owned(),
    };
    let index = differs.min(lines.len().saturating_sub(1));
    Some(
        Finding::new(
            codes::STALE_SUM,
            Severity::Error,
            at(
                path,
                index,
                starts.get(index).copied().unwrap_or(0),
                lines.get(index).copied().unwrap_or(""),
            ),
            format!("{FILE_NAME} is stale: {what}"),
        )
        .with_help(help),
    )
}

fn at(path: &Path, index: usize, start: usize, line: &str) -> Location {
    Location {
        path: path.to_path_buf(),
        line: index as u32 + 1,
        column: 1,
        start,
        end: start + line.trim_end().len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::single;
    use std::sync::Arc;

    fn migrations(texts: &[(&str, &str)]) -> Vec<Migration> {
        texts
            .iter()
            .map(|(name, sql)| single(Path::new("db").join(name), Arc::from(*sql)))
            .collect()
    }

    #[test]
    fn a_fresh_sum_is_clean_and_a_change_is_located() {
        let dir = Path::new("db");
        let ms = migrations(&[("1_a.sql", "CREATE TABLE a ();"), ("2_b.sql", "SELECT 1;")]);
        let text = render(dir, &ms);
        assert!(text.starts_with("sha256:"), "{text}");
        assert!(text.contains("\n1_a.sql sha256:"), "{text}");
        let p = Path::new("db/turquoise.sum");
        assert!(check(dir, &ms, p, &text).is_none());
        let edited = migrations(&[("1_a.sql", "CREATE TABLE b ();"), ("2_b.sql", "SELECT 1;")]);
        let f = check(dir, &edited, p, &text).unwrap();
        assert_eq!(f.location.line, 2, "{f}");
        assert!(f.message.contains("1_a.sql changed"), "{f}");
        let mut more = ms.clone();
        more.extend(migrations(&[("3_c.sql", "SELECT 3;")]));
        let f = check(dir, &more, p, &text).unwrap();
        assert!(f.message.contains("3_c.sql is not in it"), "{f}");
        let f = check(dir, &ms[..1], p, &text).unwrap();
        assert!(f.message.contains("lists 2_b.sql"), "{f}");
        let conflicted = format!("{text}<<<<<<< HEAD\nx\n=======\ny\n>>>>>>> b\n");
        let f = check(dir, &ms, p, &conflicted).unwrap();
        assert_eq!(f.location.line, 4, "{f}");
        assert!(f.message.contains("merge conflict"), "{f}");
    }
}
