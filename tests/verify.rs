//! `verify` against a real server: the example verifies clean, the corpora
//! run to the end without drift, failing downs are reported with the
//! server's message and location, and the lock/rewrite trace matches what
//! PostgreSQL's documentation says.

mod support;

use std::path::{Path, PathBuf};
use turquoise::history::{self, History, Options};
use turquoise::pg::Server;
use turquoise::pg::trace::StatementTrace;
use turquoise::pg::verify::{self, Report, Step};

fn server() -> Server {
    Server::from_url(&support::server().conninfo("postgres")).expect("test server")
}

fn run(dir: &Path, options: &verify::Options) -> (History, Report) {
    let h = history::load(dir, &Options::default()).unwrap();
    let report = verify::verify(
        &server(),
        &h,
        &["public".to_owned()],
        options,
        false,
        &mut |_, _, _| {},
    )
    .unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    (h, report)
}

fn problems(report: &Report) -> String {
    let mut out = String::new();
    for m in report.migrations.iter().filter(|m| !m.ok()) {
        out.push_str(&format!(
            "{} {}: {}\n",
            m.version,
            m.name,
            serde_json::to_string(m).unwrap()
        ));
    }
    out
}

#[test]
fn the_example_verifies_clean() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations-example");
    let (h, report) = run(&dir, &verify::Options::default());
    assert_eq!(report.migrations.len(), h.migrations.len());
    assert!(report.ok(), "{}", problems(&report));
    // Every migration of the example has a down, and each was run.
    assert!(
        report
            .migrations
            .iter()
            .all(|m| m.down.is_some() && m.reapply.is_some())
    );
}

fn write_migration(dir: &Path, version: &str, up: &str, down: Option<&str>) {
    let d = dir.join(format!("{version}_m"));
    std::fs::create_dir_all(&d).unwrap();
    std::fs::write(d.join("up.sql"), up).unwrap();
    if let Some(down) = down {
        std::fs::write(d.join("down.sql"), down).unwrap();
    }
}

fn traced(statements: &[&str]) -> Vec<StatementTrace> {
    let dir = tempfile::tempdir().unwrap();
    write_migration(
        dir.path(),
        "001",
        "CREATE TABLE t (id int PRIMARY KEY, n int, s text);\nINSERT INTO t SELECT g, g, 'x' FROM generate_series(1, 100) g;",
        None,
    );
    write_migration(dir.path(), "002", &statements.join(";\n"), None);
    let options = verify::Options {
        trace: true,
        no_down: true,
        ..Default::default()
    };
    let (_, report) = run(dir.path(), &options);
    assert!(
        report.migrations.iter().all(|m| !m.up.failed()),
        "{}",
        problems(&report)
    );
    report.migrations[1].trace.clone()
}

fn holds(t: &StatementTrace, mode: &str) -> bool {
    t.locks
        .iter()
        .any(|l| l.relation == "public.t" && l.mode == mode)
}

#[test]
fn trace_shows_the_locks_and_rewrites_postgresql_documents() {
    let t = traced(&[
        "CREATE INDEX t_n_idx ON t (n)",
        "ALTER TABLE t ALTER COLUMN n TYPE bigint",
        "ALTER TABLE t ADD COLUMN z int DEFAULT 0",
        "ALTER TABLE t ADD COLUMN c timestamptz DEFAULT clock_timestamp()",
        "ALTER TABLE t ALTER COLUMN s SET NOT NULL",
    ]);
    assert_eq!(t.len(), 5);
    assert!(holds(&t[0], "ShareLock"), "CREATE INDEX: {:?}", t[0]);
    assert!(t[0].rewrites.is_empty());
    assert!(
        t[1].rewrites.contains(&"public.t".to_owned()),
        "int to bigint rewrites: {:?}",
        t[1]
    );
    assert!(holds(&t[1], "AccessExclusiveLock"));
    assert!(
        !t[2].rewrites.contains(&"public.t".to_owned()),
        "DEFAULT 0 does not rewrite: {:?}",
        t[2]
    );
    assert!(
        t[3].rewrites.contains(&"public.t".to_owned()),
        "volatile default rewrites: {:?}",
        t[3]
    );
    assert!(
        holds(&t[4], "AccessExclusiveLock"),
        "SET NOT NULL: {:?}",
        t[4]
    );
}

#[test]
fn a_syntax_error_is_reported_with_the_server_message_and_location() {
    let dir = tempfile::tempdir().unwrap();
    write_migration(
        dir.path(),
        "001",
        "CREATE TABLE a (id int);",
        Some("DROP TABLE a;"),
    );
    write_migration(
        dir.path(),
        "002",
        "ALTER TABLE a ADD COLUMN b int;\nALTER TABLE a ADD COLUM c int;\n",
        Some("ALTER TABLE a DROP COLUMN b;"),
    );
    write_migration(
        dir.path(),
        "003",
        "CREATE TABLE c (id int);",
        Some("DROP TABLE c;"),
    );
    let (_, report) = run(dir.path(), &verify::Options::default());
    assert!(!report.ok());
    let m = &report.migrations[1];
    match &m.up {
        Step::Failed { message, location } => {
            assert!(message.contains("syntax error"), "{message}");
            let l = location.as_ref().unwrap();
            assert!(l.path.ends_with("002_m/up.sql"), "{l}");
            // COLUMN is optional: `ADD COLUM c` adds a column "colum" of
            // type c, so the server stops at `int`.
            assert_eq!((l.line, l.column), (2, 27), "points at int: {l}");
        }
        other => panic!("expected a failure, got {other:?}"),
    }
    assert_eq!(report.not_run, vec!["003".to_owned()]);
}

#[test]
fn a_down_that_leaves_something_behind_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    write_migration(
        dir.path(),
        "001",
        "CREATE TABLE a (id int);\nCREATE INDEX a_id ON a (id);",
        Some("DROP INDEX a_id;"),
    );
    let (_, report) = run(dir.path(), &verify::Options::default());
    let residue: Vec<String> = report.migrations[0]
        .down_residue
        .iter()
        .map(|d| d.object.clone())
        .collect();
    assert!(
        residue.contains(&"table public.a".to_owned()),
        "{residue:?}"
    );
    assert!(!report.ok());
}

fn corpus(dir: &str) -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpora")
        .join(dir);
    if p.is_dir() {
        Some(p)
    } else {
        println!("skipped: {} is absent", p.display());
        None
    }
}

/// Drift on tables, columns, constraints and indexes must be zero.
fn structural_drift(report: &Report) -> Vec<String> {
    report
        .migrations
        .iter()
        .flat_map(|m| {
            m.drift
                .iter()
                .map(move |d| format!("{}: {}", m.version, d.difference))
        })
        .filter(|d| {
            ["table ", "column ", "constraint ", "index "]
                .iter()
                .any(|k| d.contains(&format!(": {k}")))
        })
        .collect()
}

/// The corpora's own downs are not all exact (a dropped and re-added column
/// comes back last, an enum value cannot be removed): those are findings
/// about the downs. The model itself must not drift.
#[test]
fn docs_rs_and_openmeter_run_to_the_end_without_drift() {
    for dir in [
        "docs.rs/crates/lib/docs_rs_database/migrations",
        "openmeter/tools/migrate/migrations",
    ] {
        let Some(dir) = corpus(dir) else { continue };
        let (h, report) = run(&dir, &verify::Options::default());
        assert_eq!(
            report.migrations.len(),
            h.migrations.len(),
            "{}",
            dir.display()
        );
        assert!(report.not_run.is_empty());
        assert!(
            report.migrations.iter().all(|m| !m.up.failed()),
            "{}",
            problems(&report)
        );
        let drift: Vec<String> = report
            .migrations
            .iter()
            .flat_map(|m| {
                m.drift
                    .iter()
                    .map(move |d| format!("{}: {}", m.version, d.difference))
            })
            .collect();
        assert_eq!(drift, Vec::<String>::new(), "{}", dir.display());
    }
}

#[test]
fn crates_io_verifies_and_reports_its_broken_downs() {
    let Some(dir) = corpus("crates.io/migrations") else {
        return;
    };
    let (h, report) = run(&dir, &verify::Options::default());
    assert_eq!(
        report.migrations.len(),
        h.migrations.len(),
        "ran to the end"
    );
    assert!(report.not_run.is_empty());
    assert_eq!(structural_drift(&report), Vec::<String>::new());
    // A down fails right after its up, or during the full rollback (every
    // down in reverse after every up), which is how the corpus README's
    // ground truth ran them.
    let failed = |m: &&turquoise::pg::verify::MigrationReport| {
        m.down.as_ref().is_some_and(Step::failed) || m.rollback.as_ref().is_some_and(Step::failed)
    };
    let failed_downs: Vec<&str> = report
        .migrations
        .iter()
        .filter(failed)
        .map(|m| m.version.as_str())
        .collect();
    // The downs ../shared/corpora/README.md lists as failing on a real server.
    for v in [
        "20140929103755",
        "20141001190230",
        "20141002222426",
        "20141007131147",
        "20170708133715",
        "20170318181441",
        "2024-10-25-112826",
    ] {
        assert!(
            failed_downs.contains(&v),
            "down of {v} should fail; failed: {failed_downs:?}"
        );
    }
    for m in report.migrations.iter().filter(failed) {
        for step in [&m.down, &m.rollback].into_iter().flatten() {
            if let Step::Failed { message, location } = step {
                assert!(!message.is_empty());
                let l = location.as_ref().expect("a failing down has a location");
                assert!(l.line > 0 && l.path.ends_with("down.sql"), "{l}");
            }
        }
    }
    println!(
        "crates.io verify: {} migrations in {:.1} s",
        report.migrations.len(),
        report.seconds
    );
}

/// A DO block that creates a table through EXECUTE: the model cannot see
/// it, and verify says so, with the object and a diff.
#[test]
fn drift_is_reported_with_the_object_and_a_diff() {
    let dir = tempfile::tempdir().unwrap();
    write_migration(
        dir.path(),
        "001",
        "CREATE TABLE a (id int);\nDO $$ BEGIN EXECUTE 'CREATE TABLE hidden (id int)'; END $$;\n",
        None,
    );
    let options = verify::Options {
        no_down: true,
        ..Default::default()
    };
    let (_, report) = run(dir.path(), &options);
    let m = &report.migrations[0];
    let objects: Vec<&str> = m
        .drift
        .iter()
        .map(|d| d.difference.object.as_str())
        .collect();
    assert!(objects.contains(&"table public.hidden"), "{objects:?}");
    assert!(
        m.drift_diff.contains("+CREATE TABLE public.hidden"),
        "{}",
        m.drift_diff
    );
    assert!(!report.ok());
}
