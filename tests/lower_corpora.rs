//! Lowering over real migration corpora: every statement sqlparser parses in
//! the crates.io, docs.rs and openmeter migrations must lower to the IR, and
//! PostgreSQL's own regression scripts must lower (or be rejected) without a
//! panic. The corpora live outside the repository (`../shared/corpora`); the
//! tests skip with a message when they are absent.

use sqlparser::ast::Statement;
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;
use std::path::{Path, PathBuf};

fn corpora() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora");
    if dir.is_dir() {
        Some(dir)
    } else {
        println!("skipping: corpora not found at {}", dir.display());
        None
    }
}

/// `.sql` files under `dir` (recursively), sorted for stable output.
fn sql_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "sql") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// Statements of `text` that sqlparser parses, each with its source text.
///
/// The whole file is tried first; when sqlparser rejects it, the file is cut
/// at top-level semicolons (outside quotes, comments and dollar quotes) and
/// each piece is tried alone, so one unsupported statement does not hide the
/// rest of the file.
fn parsed_statements(text: &str) -> Vec<(Statement, String)> {
    let dialect = PostgreSqlDialect {};
    let pieces = split_naive(text);
    let whole = Parser::new(&dialect)
        .try_with_sql(text)
        .and_then(|mut p| p.parse_statements());
    match whole {
        Ok(stmts) if stmts.len() == pieces.len() => stmts.into_iter().zip(pieces).collect(),
        _ => pieces
            .into_iter()
            .filter_map(|piece| {
                let mut stmts = Parser::new(&dialect)
                    .try_with_sql(&piece)
                    .and_then(|mut p| p.parse_statements())
                    .ok()?;
                if stmts.len() == 1 {
                    stmts.pop().map(|s| (s, piece))
                } else {
                    None
                }
            })
            .collect(),
    }
}

/// Cuts SQL at top-level `;`, skipping quotes, comments and dollar quotes;
/// pieces with nothing but whitespace and comments are dropped.
fn split_naive(text: &str) -> Vec<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    let mut has_code = false;
    while i < bytes.len() {
        let c = bytes[i];
        match c {
            b'\'' | b'"' => {
                has_code = true;
                i += 1;
                while i < bytes.len() {
                    if bytes[i] == c {
                        if bytes.get(i + 1) == Some(&c) {
                            i += 2;
                            continue;
                        }
                        break;
                    }
                    i += 1;
                }
                i += 1;
            }
            b'-' if bytes.get(i + 1) == Some(&b'-') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                let mut depth = 0;
                while i < bytes.len() {
                    if bytes[i] == b'/' && bytes.get(i + 1) == Some(&b'*') {
                        depth += 1;
                        i += 2;
                    } else if bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/') {
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
            b'$' => {
                has_code = true;
                let tag_end = text[i + 1..]
                    .find(|ch: char| !(ch.is_alphanumeric() || ch == '_'))
                    .map(|n| i + 1 + n);
                match tag_end {
                    Some(end) if bytes[end] == b'$' => {
                        let tag = &text[i..=end];
                        match text[end + 1..].find(tag) {
                            Some(n) => i = end + 1 + n + tag.len(),
                            None => i = bytes.len(),
                        }
                    }
                    _ => i += 1,
                }
            }
            b';' => {
                if has_code {
                    out.push(text[start..i].to_owned());
                }
                has_code = false;
                i += 1;
                start = i;
            }
            c if c.is_ascii_whitespace() => i += 1,
            _ => {
                has_code = true;
                i += 1;
            }
        }
    }
    if has_code {
        out.push(text[start..].to_owned());
    }
    out
}

/// Lowers every parsed statement of every file; returns (lowered, rejected
/// with messages).
fn lower_corpus(files: &[PathBuf]) -> (usize, Vec<String>) {
    let mut lowered = 0;
    let mut rejected = Vec::new();
    for file in files {
        let Ok(text) = std::fs::read_to_string(file) else {
            continue;
        };
        for (stmt, source) in parsed_statements(&text) {
            match turquoise::sql::lower::lower(&stmt, &source) {
                Ok(_) => lowered += 1,
                Err(e) => rejected.push(format!(
                    "{}: {e}\n    {}",
                    file.display(),
                    source.trim().replace('\n', "\n    ")
                )),
            }
        }
    }
    (lowered, rejected)
}

fn check_migration_corpus(sub: &str, keep: impl Fn(&Path) -> bool) {
    let Some(root) = corpora() else {
        return;
    };
    let dir = root.join(sub);
    let files: Vec<PathBuf> = sql_files(&dir).into_iter().filter(|p| keep(p)).collect();
    assert!(!files.is_empty(), "no .sql files under {}", dir.display());
    let (lowered, rejected) = lower_corpus(&files);
    println!(
        "{sub}: {} files, {lowered} statements lowered, {} rejected",
        files.len(),
        rejected.len()
    );
    for r in &rejected {
        println!("  {r}");
    }
    assert_eq!(
        rejected.len(),
        0,
        "statements sqlparser parsed but lower rejected"
    );
}

#[test]
fn crates_io_lowers() {
    check_migration_corpus("crates.io/migrations", |p| {
        p.file_name()
            .is_some_and(|n| n == "up.sql" || n == "down.sql")
    });
}

#[test]
fn docs_rs_lowers() {
    check_migration_corpus("docs.rs/crates/lib/docs_rs_database/migrations", |_| true);
}

#[test]
fn openmeter_lowers() {
    check_migration_corpus("openmeter/tools/migrate/migrations", |_| true);
}

#[test]
fn pg_regress_does_not_panic() {
    let Some(root) = corpora() else {
        return;
    };
    let dir = root.join("pg-regress");
    let files = sql_files(&dir);
    let (lowered, rejected) = lower_corpus(&files);
    println!(
        "pg-regress: {} files, {lowered} statements lowered, {} rejected",
        files.len(),
        rejected.len()
    );
    for r in &rejected {
        println!("  {r}");
    }
}
