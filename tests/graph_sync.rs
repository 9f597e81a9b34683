//! The dependency graph kept in step with the catalog (synced by what
//! changed) is, after every statement, the graph built from scratch for
//! that catalog: on the shipped example, every rule fixture, and the corpora
//! when present, ups in order and each down replayed on a copy that shares
//! the graph. `lint` replays downs on a fork ([`Replay::fork`]), whose drops
//! read the graph of the up's schema while the down only removes things:
//! each statement of each down does on a fork what it does on a copy.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use turquoise::graph::DependencyGraph;
use turquoise::history::{self, Observer, Options};
use turquoise::model::{Effect, Replay};
use turquoise::source::{self, Migration};
use turquoise::sql::{ParsedScript, Statement, StatementKind};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

/// Compares the synced graph with a fresh one after each statement.
#[derive(Default)]
struct Check {
    statements: usize,
    mismatches: Vec<String>,
    /// Down statements replayed on a fork and a copy, and where they did
    /// something else.
    forked: usize,
    fork_mismatches: Vec<String>,
}

impl Check {
    fn compare(&mut self, replay: &Replay, at: &str) {
        self.statements += 1;
        let synced = replay.with_graph(DependencyGraph::canonical);
        let fresh = DependencyGraph::build(&replay.catalog).canonical();
        if synced != fresh && self.mismatches.len() < 5 {
            let missing: Vec<_> = fresh.0.iter().filter(|e| !synced.0.contains(e)).collect();
            let extra: Vec<_> = synced.0.iter().filter(|e| !fresh.0.contains(e)).collect();
            let lone_missing: Vec<_> = fresh.1.iter().filter(|n| !synced.1.contains(n)).collect();
            let lone_extra: Vec<_> = synced.1.iter().filter(|n| !fresh.1.contains(n)).collect();
            self.mismatches.push(format!(
                "{at}: edges missing {missing:?}, extra {extra:?}; nodes missing {lone_missing:?}, extra {lone_extra:?}"
            ));
        }
    }
}

impl Observer for Check {
    fn after_statement(
        &mut self,
        _index: usize,
        statement: &Statement,
        _effect: &Effect,
        replay: &Replay,
    ) {
        self.compare(replay, &statement.location.to_string());
    }

    fn migration_end(
        &mut self,
        _migration: &Migration,
        _up: &ParsedScript,
        down: Option<&ParsedScript>,
        replay: &Replay,
    ) {
        let Some(down) = down else {
            return;
        };
        let mut copy = replay.clone();
        let mut fork = replay.fork();
        for st in &down.statements {
            if let StatementKind::Parsed(stmt) = &st.kind {
                let on_copy = copy.apply(stmt, &st.location);
                let on_fork = fork.apply(stmt, &st.location);
                self.forked += 1;
                let differences = turquoise::model::diff::compare(&copy.catalog, &fork.catalog);
                let (a, b) = (format!("{on_copy:?}"), format!("{on_fork:?}"));
                if (a != b || !differences.is_empty()) && self.fork_mismatches.len() < 5 {
                    self.fork_mismatches.push(format!(
                        "{}: on a copy {a}\non a fork {b}\ncatalogs differ in {differences:?}",
                        st.location
                    ));
                }
                self.compare(&copy, &st.location.to_string());
            }
        }
        // Back on the up's schema, which the graph last saw as the copy.
        self.compare(replay, "after the down");
    }
}

fn check_dir(dir: &Path) -> Check {
    let discovery =
        source::discover(dir, None).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let options = Options {
        parse_downs: true,
        ..Options::default()
    };
    let mut check = Check::default();
    history::replay_observed(discovery, &options, &mut check).expect("no --at given");
    check
}

/// Replays one script, comparing after each statement.
fn check_script(path: PathBuf, text: &str) -> Check {
    let mut replay = Replay::new(vec!["public".into()]);
    let mut check = Check::default();
    let script = turquoise::sql::parse_script(&source::Script::whole(path, Arc::from(text)));
    for st in &script.statements {
        if let StatementKind::Parsed(stmt) = &st.kind {
            replay.apply(stmt, &st.location);
            check.compare(&replay, &st.location.to_string());
        }
    }
    check
}

fn assert_in_step(label: &str, check: &Check) {
    assert!(
        check.mismatches.is_empty(),
        "{label}: the synced graph differs from a fresh build:\n{}",
        check.mismatches.join("\n")
    );
    assert!(
        check.fork_mismatches.is_empty(),
        "{label}: a down does something else on a fork than on a copy:\n{}",
        check.fork_mismatches.join("\n")
    );
    println!(
        "{label}: {} statements, graphs equal; {} down statements alike on a fork",
        check.statements, check.forked
    );
}

#[test]
fn graph_follows_the_example_and_every_rule_fixture() {
    let example = check_dir(&root().join("migrations-example"));
    assert!(example.statements > 20, "{}", example.statements);
    assert_in_step("migrations-example", &example);

    let mut total = 0;
    let fixtures = root().join("fixtures/rules");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&fixtures)
        .expect("fixtures/rules")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    dirs.sort();
    for dir in dirs {
        for file in ["bad.sql", "good.sql"] {
            let path = dir.join(file);
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            let check = check_script(path.clone(), &text);
            total += check.statements;
            assert_in_step(&path.display().to_string(), &check);
        }
    }
    assert!(total > 200, "{total} statements in the fixtures");
}

/// The model accepts references PostgreSQL would refuse (a default calling
/// a sequence, a column of a type, a trigger of a function, none of which
/// exist yet). When the object shows up later, the edges to it must too,
/// though the objects that name it did not change.
#[test]
fn edges_to_objects_that_appear_later() {
    let sql = "
        CREATE TABLE t (id int DEFAULT nextval('s'), m public.mood);
        CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION f();
        CREATE SEQUENCE s;
        CREATE TYPE mood AS ENUM ('a');
        CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
        ALTER SEQUENCE s RENAME TO s2;
        DROP TYPE mood CASCADE;
        CREATE INDEX t_lower ON t (lower(code)) WHERE flag;
        ALTER TABLE t ADD COLUMN code text, ADD COLUMN flag boolean;
        ALTER TABLE t RENAME COLUMN code TO label;
        ALTER TABLE t DROP COLUMN flag;
    ";
    let check = check_script("later.sql".into(), sql);
    assert_eq!(check.statements, 11);
    assert_in_step("later.sql", &check);
    // And the edges are there: the sequence cannot go without CASCADE.
    let (catalog, _) = turquoise::history::replay_sql(
        "later.sql",
        &sql.replace("ALTER SEQUENCE s RENAME TO s2;", ""),
    );
    let graph = DependencyGraph::build(&catalog);
    let Some((_, seq)) =
        catalog.relation(&turquoise::model::catalog::ObjectName::new("public", "s"))
    else {
        panic!("sequence s");
    };
    assert!(
        !graph
            .drop_set(&turquoise::graph::Node::Sequence(seq))
            .dependents
            .is_empty()
    );
}

#[test]
fn graph_follows_the_corpora() {
    let corpora = root().join("../shared/corpora");
    for sub in [
        "crates.io/migrations",
        "docs.rs/crates/lib/docs_rs_database/migrations",
        "openmeter/tools/migrate/migrations",
    ] {
        let dir = corpora.join(sub);
        if !dir.is_dir() {
            println!("skipped: {} is absent", dir.display());
            continue;
        }
        let check = check_dir(&dir);
        assert!(check.statements > 100, "{sub}: {}", check.statements);
        assert_in_step(sub, &check);
    }
}

/// Downs whose drops would find objects the down already dropped, if the
/// fork did not leave them out: a view, a foreign key, a column with an
/// index, a default on a sequence; then a down that creates before it
/// drops, where the fork goes back to syncing.
#[test]
fn a_fork_leaves_out_what_the_down_already_dropped() {
    let tmp = tempfile::tempdir().unwrap();
    let write = |name: &str, sql: &str| std::fs::write(tmp.path().join(name), sql).unwrap();
    write(
        "1_base.up.sql",
        "CREATE TABLE a (id int PRIMARY KEY, n int, s int);
         CREATE INDEX a_n ON a (n);
         CREATE TABLE b (id int PRIMARY KEY, a_id int);",
    );
    write("1_base.down.sql", "DROP TABLE b; DROP TABLE a;");
    write(
        "2_more.up.sql",
        "CREATE VIEW v AS SELECT id, n FROM a;
         ALTER TABLE b ADD CONSTRAINT b_a FOREIGN KEY (a_id) REFERENCES a (id);
         CREATE SEQUENCE q;
         ALTER TABLE a ALTER COLUMN s SET DEFAULT nextval('q');",
    );
    write(
        "2_more.down.sql",
        "DROP VIEW v;
         ALTER TABLE a DROP COLUMN n;
         ALTER TABLE b DROP CONSTRAINT b_a;
         ALTER TABLE a ALTER COLUMN s DROP DEFAULT;
         DROP SEQUENCE q;
         DROP TABLE a;",
    );
    write("3_again.up.sql", "CREATE TABLE c (id int PRIMARY KEY);");
    write(
        "3_again.down.sql",
        "CREATE VIEW w AS SELECT id FROM c;
         DROP TABLE c;
         DROP TABLE c CASCADE;",
    );
    let check = check_dir(tmp.path());
    assert_eq!(check.forked, 11);
    assert_in_step("drops on a fork", &check);
}
