//! Fidelity of the schema model against a real PostgreSQL.
//!
//! The model's rendered schema is loaded into an empty database and dumped
//! with `pg_dump --schema-only`; that dump must equal the dump of the real
//! thing: the corpus's own dump for the real-world histories, and the dump of
//! a database the migrations themselves were applied to for the shipped
//! example and the replay fixtures. Any difference fails the test and is
//! shown as a unified diff.

mod support;

use std::path::{Path, PathBuf};
use turquoise::history::{self, History, Options};
use turquoise::source::Layout;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Loads the model's schema into a fresh database and dumps it.
fn dump_of_model(h: &History, hint: &str) -> String {
    let sql = turquoise::model::render::to_sql(&h.catalog);
    let db = support::fresh_database(&format!("model_{hint}"));
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), &sql).unwrap();
    support::psql_file(&db, file.path());
    support::pg_dump_schema(&db)
}

/// Applies every up of the history to a fresh database, as its framework
/// would (one transaction per migration unless it says otherwise), and
/// dumps it.
fn dump_of_real(h: &History, hint: &str) -> String {
    let db = support::fresh_database(&format!("real_{hint}"));
    let mut client = db.client();
    for m in &h.migrations {
        let mig = &m.migration;
        let text: &str = &mig.up.text;
        if mig.transaction {
            client
                .batch_execute(&format!("BEGIN;\n{}\n;COMMIT;", mig.up.sql()))
                .unwrap_or_else(|e| panic!("{}: {e}", mig.up.path.display()));
        } else {
            for st in &m.up.statements {
                let sql = &text[st.location.start..st.location.end];
                client
                    .batch_execute(sql)
                    .unwrap_or_else(|e| panic!("{}: {e}", st.location));
            }
        }
    }
    support::pg_dump_schema(&db)
}

/// Fails with a unified diff when the two dumps differ.
fn assert_same_schema(what: &str, expected: &str, actual: &str) {
    if expected == actual {
        return;
    }
    let diff = similar::TextDiff::from_lines(expected, actual)
        .unified_diff()
        .context_radius(3)
        .header("PostgreSQL", "turquoise model")
        .to_string();
    let changed = diff
        .lines()
        .filter(|l| {
            (l.starts_with('+') || l.starts_with('-'))
                && !l.starts_with("+++")
                && !l.starts_with("---")
        })
        .count();
    panic!("{what}: the model's schema differs from PostgreSQL's in {changed} lines:\n{diff}");
}

fn load(dir: &Path, layout: Option<Layout>) -> History {
    let options = Options {
        layout,
        ..Options::default()
    };
    history::load(dir, &options).unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
}

fn corpus(name: &str, migrations: &str) {
    let corpora = root().join("../shared/corpora");
    let dir = corpora.join(migrations);
    if !dir.is_dir() {
        println!("skipped: {} is absent", dir.display());
        return;
    }
    let h = load(&dir, None);
    let expected = std::fs::read_to_string(corpora.join(format!("{name}.schema.sql"))).unwrap();
    let expected: String = expected
        .lines()
        .filter(|l| !l.starts_with("\\restrict ") && !l.starts_with("\\unrestrict "))
        .map(|l| format!("{l}\n"))
        .collect();
    let actual = dump_of_model(&h, name);
    assert_same_schema(name, &expected, &actual);
}

#[test]
fn crates_io_schema_matches_postgresql() {
    corpus("crates.io", "crates.io/migrations");
}

#[test]
fn docs_rs_schema_matches_postgresql() {
    corpus("docs.rs", "docs.rs/crates/lib/docs_rs_database/migrations");
}

#[test]
fn openmeter_schema_matches_postgresql() {
    corpus("openmeter", "openmeter/tools/migrate/migrations");
}

#[test]
fn example_schema_matches_postgresql_after_every_migration() {
    let dir = root().join("migrations-example");
    let full = load(&dir, None);
    assert!(full.migrations.len() >= 15);
    // After each migration, not only at the end: a wrong intermediate state
    // would mislead every later stage.
    for m in &full.migrations {
        let version = m.migration.version.text.clone();
        let options = Options {
            at: Some(version.clone()),
            ..Options::default()
        };
        let h = history::load(&dir, &options).unwrap();
        assert_same_schema(
            &format!("migrations-example at {version}"),
            &dump_of_real(&h, "example"),
            &dump_of_model(&h, "example"),
        );
    }
}

/// Every `.sql` file under `fixtures/replay/` is one migration applied to an
/// empty database.
#[test]
fn replay_fixtures_match_postgresql() {
    let dir = root().join("fixtures/replay");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "sql"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no fixtures in {}", dir.display());
    let mut failures = Vec::new();
    for file in &files {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::copy(file, tmp.path().join("001_fixture.sql")).unwrap();
        let h = load(tmp.path(), Some(Layout::Plain));
        let errors: Vec<String> = h
            .findings
            .iter()
            .filter(|f| f.severity >= turquoise::diagnostic::Severity::Warning)
            .map(ToString::to_string)
            .collect();
        let name = file.file_stem().unwrap().to_string_lossy().into_owned();
        let outcome = std::panic::catch_unwind(|| {
            assert_same_schema(&name, &dump_of_real(&h, &name), &dump_of_model(&h, &name));
        });
        if !errors.is_empty() {
            failures.push(format!(
                "{name}: unexpected findings:\n  {}",
                errors.join("\n  ")
            ));
        }
        if let Err(e) = outcome {
            let msg = e
                .downcast_ref::<String>()
                .cloned()
                .unwrap_or_else(|| "panicked".to_owned());
            failures.push(msg);
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} fixtures differ:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
}
