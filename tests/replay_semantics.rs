//! What a replay records beyond the final schema: the changes each statement
//! made, and the findings of statements PostgreSQL would reject, with their
//! locations. The dump comparison in `fidelity.rs` cannot see either.

use turquoise::diagnostic::{Finding, Severity};
use turquoise::history::{self, History, Options};
use turquoise::model::catalog::ObjectName;
use turquoise::model::{Action, Change, ObjectRef, State};
use turquoise::source::Layout;

/// Replays `sql` as the one migration of a plain history.
fn replay(sql: &str) -> History {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("001_test.sql"), sql).unwrap();
    let options = Options {
        layout: Some(Layout::Plain),
        ..Options::default()
    };
    history::load(dir.path(), &options).unwrap()
}

/// The changes of statement `n` (0-based) of the only migration.
fn changes(h: &History, n: usize) -> &[Change] {
    &h.migrations[0].effects[n].changes
}

/// Findings of a given code.
fn findings<'a>(h: &'a History, code: &str) -> Vec<&'a Finding> {
    h.findings.iter().filter(|f| f.code == code).collect()
}

fn public(name: &str) -> ObjectName {
    ObjectName::new("public", name)
}

#[test]
fn rename_column_records_both_states() {
    let h = replay(
        "CREATE TABLE t (id integer, email text NOT NULL);\n\
         ALTER TABLE t RENAME COLUMN email TO address;\n",
    );
    let [change] = changes(&h, 1) else {
        panic!("one change expected: {:?}", changes(&h, 1));
    };
    assert_eq!(change.action, Action::Rename);
    assert_eq!(
        change.object,
        ObjectRef::Column {
            table: public("t"),
            column: "email".into()
        }
    );
    let (Some(State::Column(before)), Some(State::Column(after))) = (&change.before, &change.after)
    else {
        panic!("column states expected: {change:?}");
    };
    assert_eq!(before.name, "email");
    assert_eq!(after.name, "address");
    // The same column: PostgreSQL keeps its number.
    assert_eq!(before.attnum, after.attnum);
    assert!(after.not_null);
}

#[test]
fn drop_table_cascade_records_dependent_views_and_foreign_keys() {
    let h = replay(
        "CREATE TABLE p (id integer PRIMARY KEY);\n\
         CREATE TABLE c (id integer, p_id integer REFERENCES p);\n\
         CREATE VIEW pv AS SELECT id FROM p;\n\
         CREATE VIEW pvv AS SELECT id FROM pv;\n\
         DROP TABLE p CASCADE;\n",
    );
    let dropped: Vec<&ObjectRef> = changes(&h, 4)
        .iter()
        .filter(|c| c.action == Action::Drop)
        .map(|c| &c.object)
        .collect();
    for expected in [
        ObjectRef::Table { name: public("p") },
        ObjectRef::View { name: public("pv") },
        ObjectRef::View {
            name: public("pvv"),
        },
        ObjectRef::Constraint {
            table: public("c"),
            name: "c_p_id_fkey".into(),
        },
    ] {
        assert!(
            dropped.contains(&&expected),
            "{expected} not among {dropped:?}"
        );
    }
    // Parts of the dropped table (its primary key, its index) go with it
    // and are not separate changes.
    assert!(!dropped.iter().any(|o| matches!(o, ObjectRef::Index { .. })));
    assert!(h.catalog.tables.values().any(|t| t.name == public("c")));
    assert!(h.catalog.views.is_empty());
    assert!(h.findings.is_empty(), "{:?}", h.findings);
}

#[test]
fn missing_column_is_an_error_at_the_statement() {
    let h = replay(
        "CREATE TABLE t (id integer);\n\
         \n\
         ALTER TABLE t DROP COLUMN nope;\n",
    );
    let [f] = findings(&h, "missing-object")[..] else {
        panic!("{:?}", h.findings);
    };
    assert_eq!(f.severity, Severity::Error);
    assert_eq!((f.location.line, f.location.column), (3, 1));
    assert!(f.message.contains("nope"), "{}", f.message);
    assert!(changes(&h, 1).is_empty());
}

#[test]
fn restrict_drop_with_dependents_names_them_and_changes_nothing() {
    let h = replay(
        "CREATE TABLE p (id integer PRIMARY KEY);\n\
         CREATE TABLE c (p_id integer REFERENCES p);\n\
         CREATE VIEW pv AS SELECT id FROM p;\n\
         DROP TABLE p;\n",
    );
    let [f] = findings(&h, "dependent-objects")[..] else {
        panic!("{:?}", h.findings);
    };
    assert_eq!(f.severity, Severity::Error);
    assert_eq!(f.location.line, 4);
    assert!(f.message.contains("view public.pv"), "{}", f.message);
    assert!(f.message.contains("c_p_id_fkey"), "{}", f.message);
    assert!(changes(&h, 3).is_empty());
    assert!(h.catalog.tables.values().any(|t| t.name == public("p")));
}

#[test]
fn duplicate_create_is_an_error_and_if_not_exists_is_silent() {
    let h = replay(
        "CREATE TABLE t (id integer);\n\
         CREATE TABLE t (other text);\n\
         CREATE TABLE IF NOT EXISTS t (other text);\n\
         CREATE INDEX t_id ON t (id);\n\
         CREATE INDEX IF NOT EXISTS t_id ON t (id);\n",
    );
    let dups = findings(&h, "duplicate-object");
    assert_eq!(dups.len(), 1, "{:?}", h.findings);
    assert_eq!(dups[0].location.line, 2);
    // The first definition stands.
    let t = h.catalog.tables.values().next().unwrap();
    assert!(t.column("id").is_some() && t.column("other").is_none());
}

#[test]
fn if_exists_on_missing_objects_gives_no_finding() {
    let h = replay(
        "CREATE TABLE t (id integer);\n\
         DROP TABLE IF EXISTS nothing;\n\
         DROP VIEW IF EXISTS nothing;\n\
         DROP INDEX IF EXISTS nothing;\n\
         DROP SEQUENCE IF EXISTS nothing;\n\
         DROP TYPE IF EXISTS nothing;\n\
         ALTER TABLE t DROP COLUMN IF EXISTS nothing;\n\
         ALTER TABLE t DROP CONSTRAINT IF EXISTS nothing;\n\
         ALTER TABLE IF EXISTS nothing ADD COLUMN x integer;\n\
         ALTER TABLE t ADD COLUMN IF NOT EXISTS id integer;\n",
    );
    assert!(h.findings.is_empty(), "{:?}", h.findings);
}

#[test]
fn replay_goes_on_after_a_failing_statement() {
    let h = replay(
        "CREATE TABLE t (id integer);\n\
         ALTER TABLE missing ADD COLUMN x integer;\n\
         ALTER TABLE t ADD COLUMN after_failure text;\n",
    );
    assert_eq!(findings(&h, "missing-object").len(), 1);
    let t = h.catalog.tables.values().next().unwrap();
    assert!(t.column("after_failure").is_some());
    assert_eq!(changes(&h, 2).len(), 1);
}

#[test]
fn create_table_as_says_its_column_types_are_unknown() {
    let h = replay(
        "CREATE TABLE src (id integer, name text);\n\
         CREATE TABLE copy AS SELECT id, name FROM src;\n",
    );
    let [f] = findings(&h, "unknown-column-types")[..] else {
        panic!("{:?}", h.findings);
    };
    assert_eq!(f.severity, Severity::Warning);
    assert_eq!(f.location.line, 2);
    let copy = h
        .catalog
        .tables
        .values()
        .find(|t| t.name == public("copy"))
        .unwrap();
    let names: Vec<&str> = copy.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["id", "name"]);
}

#[test]
fn view_star_is_expanded_when_the_view_is_created() {
    let h = replay(
        "CREATE TABLE t (id integer, name text);\n\
         CREATE VIEW v AS SELECT * FROM t;\n\
         ALTER TABLE t ADD COLUMN later text;\n",
    );
    let v = h.catalog.views.values().next().unwrap();
    assert_eq!(
        v.output_columns.as_deref(),
        Some(&["id".to_owned(), "name".to_owned()][..])
    );
    assert!(!v.query.contains('*'), "{}", v.query);
    assert!(h.findings.is_empty(), "{:?}", h.findings);
}

#[test]
fn generated_names_follow_postgresql() {
    let h = replay(
        "CREATE TABLE t (a integer, b integer, CHECK (a > 0), CHECK (a < b), CHECK (true));\n\
         CREATE INDEX t_a_key ON t (b);\n\
         ALTER TABLE t ADD UNIQUE (a);\n\
         CREATE INDEX ON t (lower(a::text));\n",
    );
    let t = h.catalog.tables.values().next().unwrap();
    let names: Vec<&str> = t.constraints.iter().map(|c| c.name.as_str()).collect();
    for expected in ["t_a_check", "t_check", "t_check1", "t_a_key1"] {
        assert!(names.contains(&expected), "{expected} not in {names:?}");
    }
    assert!(
        h.catalog
            .indexes
            .values()
            .any(|i| i.name == public("t_lower_idx"))
    );
}

/// A run of drops reuses one dependency graph, each drop removing its
/// objects from it: what an earlier drop removed no longer blocks a later
/// one, and what it left still does.
#[test]
fn consecutive_drops_see_each_other() {
    let h = replay(
        "CREATE TABLE a (id int PRIMARY KEY);
         CREATE TABLE b (id int PRIMARY KEY, a_id int REFERENCES a);
         CREATE VIEW va AS SELECT id FROM a;
         CREATE VIEW vb AS SELECT id FROM b;
         DROP VIEW va;
         DROP TABLE a;
         DROP TABLE b;
         ALTER TABLE b DROP COLUMN a_id;
         DROP TABLE a;
         DROP VIEW vb;
         DROP TABLE b;",
    );
    let refused = findings(&h, "dependent-objects");
    // DROP TABLE a: b's foreign key still depends on it. The first DROP
    // TABLE b: vb still reads it. Nothing after.
    assert_eq!(refused.len(), 2, "{refused:#?}");
    assert!(
        refused[0].message.contains("table public.a"),
        "{}",
        refused[0].message
    );
    assert!(
        refused[1].message.contains("table public.b"),
        "{}",
        refused[1].message
    );
    assert!(h.catalog.tables.is_empty() && h.catalog.views.is_empty());
}
