//! Splitter and fallback over the statement fixtures, and robustness over the
//! shared corpora (skipped with a message when they are absent).
//!
//! Each fixture in `fixtures/statements/` starts with `-- statements: N`,
//! optionally `-- meta: M` (psql meta-commands) and `-- fallback: all` (every
//! statement is a form the fallback itself must recognise).

use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;
use std::path::{Path, PathBuf};
use std::time::Instant;
use turquoise::sql::split::{PieceKind, split};
use turquoise::sql::{fallback, parse_statement};

fn manifest() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn sql_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            sql_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "sql") {
            out.push(path);
        }
    }
    out.sort();
}

fn header(text: &str, key: &str) -> Option<String> {
    text.lines()
        .take_while(|l| l.starts_with("--"))
        .find_map(|l| l.strip_prefix(&format!("-- {key}:")))
        .map(|v| v.trim().to_owned())
}

/// sqlparser alone accepts it as one statement (the job of `lower`, which is
/// built elsewhere; in this tree `parse_statement` reaches the fallback for
/// everything).
fn sqlparser_accepts(sql: &str) -> bool {
    Parser::new(&PostgreSqlDialect {})
        .try_with_sql(sql)
        .and_then(|mut p| p.parse_statements())
        .is_ok_and(|s| s.len() == 1)
}

#[test]
fn fixtures_split_and_parse() {
    let mut files = Vec::new();
    sql_files(&manifest().join("fixtures/statements"), &mut files);
    assert!(files.len() >= 14, "fixtures missing: {files:?}");
    for file in files {
        let name = file.display().to_string();
        let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{name}: {e}"));
        let expected: usize = header(&text, "statements")
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("{name}: no `-- statements: N` header"));
        let expected_meta: usize = header(&text, "meta")
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        let all_fallback = header(&text, "fallback").as_deref() == Some("all");
        let pieces = split(&text, 0..text.len(), &[]);
        let sql: Vec<&str> = pieces
            .iter()
            .filter(|p| p.kind == PieceKind::Sql)
            .map(|p| &text[p.range.clone()])
            .collect();
        let meta = pieces.iter().filter(|p| p.kind == PieceKind::Meta).count();
        assert_eq!(sql.len(), expected, "{name}: {sql:#?}");
        assert_eq!(meta, expected_meta, "{name}");
        for s in sql {
            assert!(
                !s.ends_with(';') && s.trim() == s,
                "{name}: untrimmed piece {s:?}"
            );
            if all_fallback {
                assert!(
                    fallback::parse(s).is_some(),
                    "{name}: fallback does not recognise {s:?}"
                );
            }
            assert!(
                parse_statement(s).is_ok() || sqlparser_accepts(s),
                "{name}: not recognised: {s:?}"
            );
        }
    }
}

#[test]
fn fixture_statements_have_the_right_summary() {
    use turquoise::sql::{CommentTarget, Stmt};
    let text = std::fs::read_to_string(manifest().join("fixtures/statements/comment_on.sql"))
        .unwrap_or_default();
    let pieces = split(&text, 0..text.len(), &[]);
    let texts: Vec<Option<String>> = pieces
        .iter()
        .filter_map(|p| match fallback::parse(&text[p.range.clone()]) {
            Some(Stmt::Comment { text, .. }) => Some(text),
            _ => None,
        })
        .collect();
    assert_eq!(texts.len(), 7);
    assert_eq!(texts[0], None);
    assert_eq!(texts[1].as_deref(), Some("inserts; one"));
    assert_eq!(texts[3].as_deref(), Some("keeps updated_at 'fresh'"));
    assert_eq!(texts[4].as_deref(), Some("it's recent"));
    let first = pieces
        .first()
        .map(|p| fallback::parse(&text[p.range.clone()]));
    assert!(matches!(
        first,
        Some(Some(Stmt::Comment {
            target: CommentTarget::Function(_),
            ..
        }))
    ));

    let text = std::fs::read_to_string(manifest().join("fixtures/statements/e_strings.sql"))
        .unwrap_or_default();
    let texts: Vec<Option<String>> = split(&text, 0..text.len(), &[])
        .iter()
        .filter_map(|p| match fallback::parse(&text[p.range.clone()]) {
            Some(Stmt::Comment { text, .. }) => Some(text),
            _ => None,
        })
        .collect();
    let expected = [
        "it's; escaped \\",
        "standard \\",
        "doubled 'quote;' inside",
        "unicode A;",
    ];
    assert_eq!(texts, expected.map(|t| Some(t.to_owned())));

    let text =
        std::fs::read_to_string(manifest().join("fixtures/statements/quoted_identifiers.sql"))
            .unwrap_or_default();
    let pieces = split(&text, 0..text.len(), &[]);
    match pieces
        .get(1)
        .and_then(|p| fallback::parse(&text[p.range.clone()]))
    {
        Some(Stmt::DropIndex { names, .. }) => {
            let names: Vec<&str> = names.iter().map(|n| n.name.as_str()).collect();
            assert_eq!(names, ["quote\"inside;", "Mixed Case"]);
        }
        other => panic!("quoted drop index: {other:?}"),
    }
}

/// Every piece of PostgreSQL's own regression scripts goes through the
/// fallback: nothing may panic or hang, whatever the statement.
#[test]
fn pg_regress_robustness() {
    let dir = manifest().join("../shared/corpora/pg-regress");
    if !dir.is_dir() {
        println!("skipped: {} not present", dir.display());
        return;
    }
    let mut files = Vec::new();
    sql_files(&dir, &mut files);
    // A few regression scripts are deliberately not UTF-8.
    let texts: Vec<String> = files
        .iter()
        .filter_map(|f| std::fs::read(f).ok())
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .collect();
    let bytes: usize = texts.iter().map(String::len).sum();
    let started = Instant::now();
    let split_pieces: usize = texts.iter().map(|t| split(t, 0..t.len(), &[]).len()).sum();
    let split_time = started.elapsed();
    let started = Instant::now();
    let (mut pieces, mut recognised) = (0usize, 0usize);
    for text in &texts {
        for piece in split(text, 0..text.len(), &[]) {
            pieces += 1;
            if piece.kind == PieceKind::Sql && fallback::parse(&text[piece.range]).is_some() {
                recognised += 1;
            }
        }
    }
    println!(
        "pg-regress: {} files, {bytes} bytes, {split_pieces} pieces, split in {split_time:?}; \
         fallback on every piece in {:?}, {recognised} recognised",
        files.len(),
        started.elapsed()
    );
    assert!(pieces > 10_000, "suspiciously few pieces: {pieces}");
}

/// How many statements the splitter finds in the migration corpora and how
/// long splitting takes (printed, not asserted: timing depends on the box).
#[test]
fn migration_corpora_counts() {
    let root = manifest().join("../shared/corpora");
    let corpora = [
        ("crates.io", "crates.io/migrations", "up.sql"),
        (
            "docs.rs",
            "docs.rs/crates/lib/docs_rs_database/migrations",
            ".sql",
        ),
        ("openmeter", "openmeter/tools/migrate/migrations", ".sql"),
    ];
    for (name, dir, suffix) in corpora {
        let dir = root.join(dir);
        if !dir.is_dir() {
            println!("skipped: {} not present", dir.display());
            continue;
        }
        let mut files = Vec::new();
        sql_files(&dir, &mut files);
        files.retain(|f| f.to_string_lossy().ends_with(suffix));
        let texts: Vec<String> = files
            .iter()
            .filter_map(|f| std::fs::read_to_string(f).ok())
            .collect();
        let bytes: usize = texts.iter().map(String::len).sum();
        let started = Instant::now();
        let pieces: usize = texts.iter().map(|t| split(t, 0..t.len(), &[]).len()).sum();
        let split_time = started.elapsed();
        let started = Instant::now();
        let mut unrecognised = 0;
        for t in &texts {
            for p in split(t, 0..t.len(), &[]) {
                let s = &t[p.range];
                if p.kind == PieceKind::Sql && !sqlparser_accepts(s) && fallback::parse(s).is_none()
                {
                    unrecognised += 1;
                    println!(
                        "  {name}: neither sqlparser nor the fallback: {}",
                        s.lines().next().unwrap_or("")
                    );
                }
            }
        }
        println!(
            "{name}: {} files, {bytes} bytes, {pieces} pieces, split in {split_time:?}; \
             sqlparser + fallback pass in {:?}, {unrecognised} unrecognised",
            texts.len(),
            started.elapsed()
        );
        assert!(pieces > 0);
    }
}
