//! Tests of the throwaway-PostgreSQL harness in `tests/support`, and a check
//! that `migrations-example/` really applies, and reverts, on a real server.

mod support;

use std::path::{Path, PathBuf};
use support::{fresh_database, pg_dump_schema, psql_file};

#[test]
fn fresh_databases_are_distinct_and_usable_at_once() {
    let a = fresh_database("distinct a");
    let b = fresh_database("distinct b");
    assert_ne!(a.name, b.name);

    let t = std::thread::spawn(move || {
        let mut c = b.client();
        c.batch_execute("CREATE TABLE only_in_b (id int)").unwrap();
        let n: i64 = c
            .query_one("SELECT count(*) FROM only_in_b", &[])
            .unwrap()
            .get(0);
        assert_eq!(n, 0);
        b
    });
    let mut ca = a.client();
    ca.batch_execute("CREATE TABLE only_in_a (id int); INSERT INTO only_in_a VALUES (1)")
        .unwrap();
    let b = t.join().unwrap();

    let mut cb = b.client();
    let exists = |c: &mut postgres::Client, t: &str| -> bool {
        c.query_one("SELECT to_regclass($1) IS NOT NULL", &[&t])
            .unwrap()
            .get(0)
    };
    assert!(exists(&mut ca, "only_in_a"));
    assert!(!exists(&mut ca, "only_in_b"));
    assert!(exists(&mut cb, "only_in_b"));
    assert!(!exists(&mut cb, "only_in_a"));

    let db: String = ca
        .query_one("SELECT current_database()", &[])
        .unwrap()
        .get(0);
    assert_eq!(db, a.name);
}

#[test]
fn dropping_a_test_db_drops_the_database() {
    let db = fresh_database("dropped");
    let name = db.name.clone();
    let _open = db.client(); // an open connection must not stop the drop
    drop(db);
    let other = fresh_database("observer");
    let n: i64 = other
        .client()
        .query_one(
            "SELECT count(*) FROM pg_database WHERE datname = $1",
            &[&name],
        )
        .unwrap()
        .get(0);
    assert_eq!(n, 0);
}

#[test]
fn pg_dump_and_psql_work() {
    let db = fresh_database("dump");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("schema.sql");
    std::fs::write(
        &file,
        "CREATE TABLE dumped (id bigint PRIMARY KEY, note text NOT NULL);\n\
         CREATE INDEX dumped_note_idx ON dumped (note);\n",
    )
    .unwrap();
    psql_file(&db, &file);
    let dump = pg_dump_schema(&db);
    assert!(dump.contains("CREATE TABLE public.dumped"), "{dump}");
    assert!(dump.contains("CREATE INDEX dumped_note_idx"), "{dump}");
}

#[test]
#[should_panic(expected = "psql -f")]
fn psql_file_stops_on_the_first_error() {
    let db = fresh_database("psql_error");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.sql");
    std::fs::write(
        &file,
        "CREATE TABLE ok (id int);\nSELECT * FROM no_such_table;\n",
    )
    .unwrap();
    psql_file(&db, &file);
}

/// One diesel migration folder of `migrations-example/`.
struct DieselMigration {
    dir: PathBuf,
    up: String,
    down: String,
    run_in_transaction: bool,
}

fn example_migrations() -> Vec<DieselMigration> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations-example");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    // Diesel versions are fixed-width timestamps: name order is version order.
    dirs.sort();
    dirs.into_iter()
        .map(|dir| {
            let read = |f: &str| {
                std::fs::read_to_string(dir.join(f))
                    .unwrap_or_else(|e| panic!("{}/{f}: {e}", dir.display()))
            };
            let run_in_transaction = match std::fs::read_to_string(dir.join("metadata.toml")) {
                Ok(text) => {
                    let meta: toml::Table = text.parse().unwrap();
                    meta.get("run_in_transaction")
                        .and_then(|v| v.as_bool())
                        .unwrap_or(true)
                }
                Err(_) => true,
            };
            DieselMigration {
                up: read("up.sql"),
                down: read("down.sql"),
                run_in_transaction,
                dir,
            }
        })
        .collect()
}

/// Runs one script the way diesel does: in a transaction unless told not to.
fn apply(client: &mut postgres::Client, sql: &str, in_transaction: bool, what: &Path) {
    let result = if in_transaction {
        client.transaction().and_then(|mut tx| {
            tx.batch_execute(sql)?;
            tx.commit()
        })
    } else {
        client.batch_execute(sql)
    };
    if let Err(e) = result {
        panic!("{}: {e:?}", what.display());
    }
}

/// What is left in `public` (and in user-defined types) after all downs.
fn leftovers(client: &mut postgres::Client) -> Vec<String> {
    client
        .query(
            "SELECT 'relation ' || relname FROM pg_class c
               JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'
             UNION ALL
             SELECT 'type ' || typname FROM pg_type t
               JOIN pg_namespace n ON n.oid = t.typnamespace
              WHERE n.nspname = 'public'
             UNION ALL
             SELECT 'function ' || proname FROM pg_proc p
               JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect()
}

#[test]
fn migrations_example_applies_and_reverts_exactly() {
    let migrations = example_migrations();
    assert!(
        migrations.len() >= 15,
        "only {} migrations",
        migrations.len()
    );
    assert!(migrations.iter().any(|m| !m.run_in_transaction));

    let db = fresh_database("example");
    let mut client = db.client();
    // before[i] is the schema before up i ran; after down i it must be that again.
    let mut before = Vec::new();
    for m in &migrations {
        before.push(pg_dump_schema(&db));
        apply(
            &mut client,
            &m.up,
            m.run_in_transaction,
            &m.dir.join("up.sql"),
        );
    }
    let full = pg_dump_schema(&db);
    assert!(full.contains("CREATE VIEW public.book_sales"), "{full}");

    for (m, expected) in migrations.iter().zip(&before).rev() {
        apply(
            &mut client,
            &m.down,
            m.run_in_transaction,
            &m.dir.join("down.sql"),
        );
        let got = pg_dump_schema(&db);
        if &got != expected {
            let diff = similar::TextDiff::from_lines(expected.as_str(), got.as_str());
            panic!(
                "{}/down.sql does not restore the schema from before up.sql:\n{}",
                m.dir.display(),
                diff.unified_diff()
                    .context_radius(3)
                    .header("before up", "after down")
            );
        }
    }
    assert_eq!(leftovers(&mut client), Vec::<String>::new());
}
