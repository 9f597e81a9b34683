//! Integration tests for `source::discover`: one fixture folder per layout
//! under `fixtures/layouts/`, one tempdir per finding, and the real corpora
//! in `../shared/corpora` when they are present.

use std::fs;
use std::path::{Path, PathBuf};
use turquoise::source::{Discovery, Layout, Script, SourceError, codes, detect, discover};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/layouts")
        .join(name)
}

/// A path relative to `root`, with `/` separators, for stable assertions.
fn rel(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

#[derive(Debug, PartialEq)]
struct Row {
    version: String,
    name: String,
    up: String,
    down: Option<String>,
    transaction: bool,
}

fn row(version: &str, name: &str, up: &str, down: Option<&str>, transaction: bool) -> Row {
    Row {
        version: version.into(),
        name: name.into(),
        up: up.into(),
        down: down.map(Into::into),
        transaction,
    }
}

fn rows(root: &Path, d: &Discovery) -> Vec<Row> {
    d.migrations
        .iter()
        .map(|m| Row {
            version: m.version.text.clone(),
            name: m.name.clone(),
            up: rel(root, m.up_path()),
            down: m.down_path().map(|p| rel(root, p)),
            transaction: m.transaction,
        })
        .collect()
}

fn findings(root: &Path, d: &Discovery) -> Vec<(&'static str, String)> {
    d.findings
        .iter()
        .map(|f| (f.code, rel(root, &f.location.path)))
        .collect()
}

fn found(code: &'static str, path: &str) -> (&'static str, String) {
    (code, path.to_string())
}

/// Discovers a fixture, checks auto-detection and that forcing the same
/// layout gives the same result, and returns the discovery.
fn check(name: &str, layout: Layout) -> (PathBuf, Discovery) {
    let root = fixture(name);
    let auto = discover(&root, None).expect("fixture discovers");
    assert_eq!(auto.layout, layout, "auto-detected layout of {name}");
    let forced = discover(&root, Some(layout)).expect("fixture discovers");
    assert_eq!(forced.layout, layout);
    assert_eq!(rows(&root, &forced), rows(&root, &auto));
    assert_eq!(forced.findings, auto.findings);
    (root, auto)
}

fn section<'a>(d: &'a Discovery, name: &str) -> &'a turquoise::source::Migration {
    d.migrations
        .iter()
        .find(|m| m.name == name)
        .unwrap_or_else(|| panic!("no migration {name}"))
}

fn block_texts(s: &Script) -> Vec<&str> {
    s.blocks.iter().map(|b| &s.text[b.clone()]).collect()
}

#[test]
fn diesel_fixture() {
    let (root, d) = check("diesel", Layout::Diesel);
    assert_eq!(
        rows(&root, &d),
        vec![
            row(
                "00000000000000",
                "diesel_initial_setup",
                "00000000000000_diesel_initial_setup/up.sql",
                Some("00000000000000_diesel_initial_setup/down.sql"),
                true
            ),
            row(
                "20161115111853",
                "create_users",
                "20161115111853_create_users/up.sql",
                Some("20161115111853_create_users/down.sql"),
                true
            ),
            row(
                "2019-03-22-170700",
                "add_users_email",
                "2019-03-22-170700_add_users_email/up.sql",
                Some("2019-03-22-170700_add_users_email/down.sql"),
                true
            ),
            row(
                "2019-04-01-120000",
                "backfill_emails",
                "2019-04-01-120000_backfill_emails/up.sql",
                None,
                true
            ),
            row(
                "2026-06-26-100902-0000",
                "add_users_email_index",
                "2026-06-26-100902-0000_add_users_email_index/up.sql",
                Some("2026-06-26-100902-0000_add_users_email_index/down.sql"),
                false
            ),
        ]
    );
    assert_eq!(
        findings(&root, &d),
        vec![found(
            codes::MISSING_DOWN,
            "2019-04-01-120000_backfill_emails/up.sql"
        )]
    );
    assert_eq!(
        section(&d, "create_users").down.as_ref().map(Script::sql),
        Some("DROP TABLE users;\n")
    );
}

#[test]
fn golang_migrate_fixture() {
    let (root, d) = check("golang-migrate", Layout::GolangMigrate);
    assert_eq!(
        rows(&root, &d),
        vec![
            row(
                "9",
                "create_accounts",
                "9_create_accounts.up.sql",
                Some("9_create_accounts.down.sql"),
                true
            ),
            row(
                "10",
                "add_accounts_plan",
                "10_add_accounts_plan.up.sql",
                Some("10_add_accounts_plan.down.sql"),
                true
            ),
            row("11", "backfill_plan", "11_backfill_plan.up.sql", None, true),
            row(
                "100",
                "create_invoices",
                "100_create_invoices.up.sql",
                Some("100_create_invoices.down.sql"),
                true
            ),
        ]
    );
    assert_eq!(
        findings(&root, &d),
        vec![found(codes::MISSING_DOWN, "11_backfill_plan.up.sql")]
    );
}

#[test]
fn sqlx_reversible_fixture_is_told_apart_by_its_marker() {
    let (root, d) = check("sqlx", Layout::Sqlx);
    assert_eq!(
        rows(&root, &d),
        vec![
            row(
                "20240101000000",
                "create_builds",
                "20240101000000_create_builds.up.sql",
                Some("20240101000000_create_builds.down.sql"),
                true
            ),
            row(
                "20240309082057",
                "release_status_view.sql",
                "20240309082057_release_status_view.sql.up.sql",
                Some("20240309082057_release_status_view.sql.down.sql"),
                true
            ),
            row(
                "20240401000000",
                "builds_status_idx",
                "20240401000000_builds_status_idx.up.sql",
                Some("20240401000000_builds_status_idx.down.sql"),
                false
            ),
        ]
    );
    assert!(d.findings.is_empty(), "{:?}", d.findings);
    // Forced to golang-migrate, the sqlx marker means nothing.
    let golang = discover(&root, Some(Layout::GolangMigrate)).expect("discovers");
    assert_eq!(golang.layout, Layout::GolangMigrate);
    assert!(golang.migrations.iter().all(|m| m.transaction));
}

#[test]
fn sqlx_mixed_fixture() {
    let (root, d) = check("sqlx-mixed", Layout::Sqlx);
    assert_eq!(
        rows(&root, &d),
        vec![
            row("1", "create_queue", "1_create_queue.sql", None, true),
            row(
                "2",
                "add_priority",
                "2_add_priority.up.sql",
                Some("2_add_priority.down.sql"),
                true
            ),
            row("3", "drop_legacy", "3_drop_legacy.up.sql", None, true),
            row(
                "10",
                "queue_priority_idx",
                "10_queue_priority_idx.sql",
                None,
                false
            ),
        ]
    );
    // Only the reversible form promises a down.
    assert_eq!(
        findings(&root, &d),
        vec![found(codes::MISSING_DOWN, "3_drop_legacy.up.sql")]
    );
}

#[test]
fn popx_fixture() {
    let (root, d) = check("popx", Layout::Popx);
    assert_eq!(
        rows(&root, &d),
        vec![
            row(
                "20210101000000000001",
                "identities",
                "20210101000000000001_identities.up.sql",
                Some("20210101000000000001_identities.down.sql"),
                true
            ),
            row(
                "20210201000000000001",
                "identity_index",
                "20210201000000000001_identity_index.postgres.autocommit.up.sql",
                Some("20210201000000000001_identity_index.down.sql"),
                false
            ),
            row(
                "20210301000000000001",
                "sessions",
                "20210301000000000001_sessions.up.sql",
                Some("20210301000000000001_sessions.down.sql"),
                true
            ),
            row(
                "20210401000000000001",
                "sessions_expiry",
                "20210401000000000001_sessions_expiry.up.sql",
                None,
                true
            ),
        ]
    );
    assert_eq!(
        findings(&root, &d),
        vec![found(
            codes::MISSING_DOWN,
            "20210401000000000001_sessions_expiry.up.sql"
        )]
    );
    assert!(
        section(&d, "identities")
            .up
            .sql()
            .contains("traits JSONB NOT NULL"),
        "the generic file, not the mysql one"
    );
}

#[test]
fn goose_fixture() {
    let (root, d) = check("goose", Layout::Goose);
    assert_eq!(
        rows(&root, &d),
        vec![
            row(
                "1",
                "create_users",
                "1_create_users.sql",
                Some("1_create_users.sql"),
                true
            ),
            row(
                "2",
                "set_updated_at_function",
                "2_set_updated_at_function.sql",
                Some("2_set_updated_at_function.sql"),
                true
            ),
            row(
                "9",
                "users_email_index",
                "9_users_email_index.sql",
                Some("9_users_email_index.sql"),
                false
            ),
            row("10", "seed_roles", "10_seed_roles.sql", None, true),
        ]
    );
    assert!(d.findings.is_empty(), "{:?}", d.findings);

    let users = section(&d, "create_users");
    assert_eq!(
        users.up.sql(),
        "CREATE TABLE users (\n    id bigserial PRIMARY KEY,\n    email text NOT NULL,\n    \
         updated_at timestamptz NOT NULL DEFAULT now()\n);\n\n"
    );
    assert_eq!(
        users.down.as_ref().map(Script::sql),
        Some("DROP TABLE users;\n")
    );
    let down = users.down.as_ref().expect("down");
    assert!(std::sync::Arc::ptr_eq(&users.up.text, &down.text));

    let function = section(&d, "set_updated_at_function");
    assert_eq!(
        block_texts(&function.up),
        vec![
            "CREATE OR REPLACE FUNCTION set_updated_at() RETURNS trigger AS $$\nBEGIN\n    \
             NEW.updated_at = now();\n    RETURN NEW;\nEND;\n$$ LANGUAGE plpgsql;\n"
        ]
    );
    for b in &function.up.blocks {
        assert!(function.up.range.start <= b.start && b.end <= function.up.range.end);
    }
    let fdown = function.down.as_ref().expect("down");
    assert!(fdown.blocks.is_empty());
    assert_eq!(
        fdown.sql(),
        "DROP TRIGGER users_updated_at ON users;\nDROP FUNCTION set_updated_at();\n"
    );

    let roles = section(&d, "seed_roles");
    assert_eq!(
        roles.up.sql(),
        "CREATE TABLE roles (name text PRIMARY KEY);\nINSERT INTO roles (name) VALUES ('admin'), ('member');\n"
    );
}

#[test]
fn dbmate_fixture() {
    let (root, d) = check("dbmate", Layout::Dbmate);
    let f = |n: &str| format!("{n}.sql");
    assert_eq!(
        rows(&root, &d),
        vec![
            row(
                "20240101000000",
                "create_projects",
                &f("20240101000000_create_projects"),
                Some(&f("20240101000000_create_projects")),
                true
            ),
            row(
                "20240102000000",
                "projects_name_index",
                &f("20240102000000_projects_name_index"),
                Some(&f("20240102000000_projects_name_index")),
                false
            ),
            row(
                "20240103000000",
                "add_projects_slug",
                &f("20240103000000_add_projects_slug"),
                Some(&f("20240103000000_add_projects_slug")),
                true
            ),
        ]
    );
    assert!(d.findings.is_empty(), "{:?}", d.findings);
    let index = section(&d, "projects_name_index");
    assert_eq!(
        index.up.sql(),
        "CREATE INDEX CONCURRENTLY projects_name_idx ON projects (name);\n\n"
    );
    assert_eq!(
        index.down.as_ref().map(Script::sql),
        Some("DROP INDEX CONCURRENTLY projects_name_idx;\n")
    );
    // An empty down section is a down that reverts nothing.
    let slug = section(&d, "add_projects_slug");
    assert_eq!(slug.down.as_ref().map(Script::sql), Some(""));
    assert!(!slug.has_down());
    assert!(section(&d, "create_projects").has_down());
}

#[test]
fn sql_migrate_fixture() {
    let (root, d) = check("sql-migrate", Layout::SqlMigrate);
    assert_eq!(
        rows(&root, &d),
        vec![
            row("1", "initial", "1_initial.sql", Some("1_initial.sql"), true),
            row(
                "2",
                "audit_trigger",
                "2_audit_trigger.sql",
                Some("2_audit_trigger.sql"),
                true
            ),
            row("9", "seed_documents", "9_seed_documents.sql", None, true),
            row(
                "10",
                "documents_body_index",
                "10_documents_body_index.sql",
                Some("10_documents_body_index.sql"),
                false
            ),
        ]
    );
    assert!(d.findings.is_empty(), "{:?}", d.findings);
    let audit = section(&d, "audit_trigger");
    assert_eq!(
        block_texts(&audit.up),
        vec![
            "CREATE FUNCTION touch_document() RETURNS trigger AS $$\nBEGIN\n    \
             NEW.changed_at := now();\n    RETURN NEW;\nEND\n$$ LANGUAGE plpgsql;\n"
        ]
    );
    assert!(audit.up.sql().ends_with(
        "CREATE TRIGGER documents_touch BEFORE UPDATE ON documents\n    \
         FOR EACH ROW EXECUTE PROCEDURE touch_document();\n\n"
    ));
    assert_eq!(
        audit.down.as_ref().map(Script::sql),
        Some("DROP TRIGGER documents_touch ON documents;\nDROP FUNCTION touch_document();\n")
    );
}

#[test]
fn flyway_fixture() {
    let (root, d) = check("flyway", Layout::Flyway);
    assert_eq!(
        rows(&root, &d),
        vec![
            row(
                "1",
                "create_orders",
                "V1__create_orders.sql",
                Some("U1__create_orders.sql"),
                true
            ),
            row(
                "1.2.9",
                "add_order_status",
                "V1.2.9__add_order_status.sql",
                None,
                true
            ),
            row(
                "1.2.10",
                "add_order_status_index",
                "V1.2.10__add_order_status_index.sql",
                None,
                false
            ),
            row(
                "1_3",
                "add_order_total",
                "V1_3__add_order_total.sql",
                None,
                true
            ),
            row(
                "",
                "active_orders_view",
                "R__active_orders_view.sql",
                None,
                true
            ),
            row(
                "",
                "orders_summary_view",
                "R__orders_summary_view.sql",
                None,
                true
            ),
        ]
    );
    let repeatable: Vec<bool> = d.migrations.iter().map(|m| m.repeatable).collect();
    assert_eq!(repeatable, [false, false, false, false, true, true]);
    // Undo scripts are optional in Flyway: no missing-down.
    assert!(d.findings.is_empty(), "{:?}", d.findings);
}

#[test]
fn sqitch_fixture() {
    let (root, d) = check("sqitch", Layout::Sqitch);
    assert_eq!(
        rows(&root, &d),
        vec![
            row(
                "appschema",
                "appschema",
                "deploy/appschema.sql",
                Some("revert/appschema.sql"),
                false
            ),
            row(
                "users@v1.0",
                "users",
                "deploy/users@v1.0.sql",
                Some("revert/users@v1.0.sql"),
                false
            ),
            row("flips", "flips", "deploy/flips.sql", None, false),
            row(
                "users",
                "users",
                "deploy/users.sql",
                Some("revert/users.sql"),
                false
            ),
        ]
    );
    assert_eq!(
        findings(&root, &d),
        vec![found(codes::MISSING_DOWN, "deploy/flips.sql")]
    );
}

#[test]
fn plain_fixture() {
    let (root, d) = check("plain", Layout::Plain);
    assert_eq!(
        rows(&root, &d),
        vec![
            row("1", "create-tags", "1-create-tags.sql", None, true),
            row("2", "add-tag-color", "2-add-tag-color.sql", None, true),
            row(
                "9",
                "tag-label-unique",
                "9-tag-label-unique.sql",
                None,
                true
            ),
            row(
                "10",
                "create-taggings",
                "10-create-taggings.sql",
                None,
                true
            ),
        ]
    );
    assert!(d.findings.is_empty(), "{:?}", d.findings);
}

#[test]
fn detect_names_every_fixture_layout() {
    let expected = [
        ("diesel", Layout::Diesel),
        ("golang-migrate", Layout::GolangMigrate),
        // Names alone cannot tell sqlx's reversible form from
        // golang-migrate; discover() looks at the no-transaction marker.
        ("sqlx", Layout::GolangMigrate),
        ("sqlx-mixed", Layout::Sqlx),
        ("popx", Layout::Popx),
        ("goose", Layout::Goose),
        ("dbmate", Layout::Dbmate),
        ("sql-migrate", Layout::SqlMigrate),
        ("flyway", Layout::Flyway),
        ("sqitch", Layout::Sqitch),
        ("plain", Layout::Plain),
    ];
    for (name, layout) in expected {
        assert_eq!(detect(&fixture(name)).ok(), Some(layout), "{name}");
    }
}

#[test]
fn forcing_a_layout_reads_the_files_that_way() {
    // goose files read as plain: whole files, markers and all.
    let root = fixture("goose");
    let d = discover(&root, Some(Layout::Plain)).expect("discovers");
    assert_eq!(d.layout, Layout::Plain);
    assert_eq!(d.migrations.len(), 4);
    assert!(d.migrations.iter().all(|m| m.down.is_none()));
    assert!(d.migrations[0].up.sql().starts_with("-- +goose Up"));

    // A layout that finds nothing says so, without failing.
    let d = discover(&fixture("diesel"), Some(Layout::Goose)).expect("discovers");
    assert!(d.migrations.is_empty());
    assert_eq!(
        d.findings.iter().map(|f| f.code).collect::<Vec<_>>(),
        [codes::NO_MIGRATIONS]
    );

    // Flyway names read as sqlx are not migrations.
    let d = discover(&fixture("flyway"), Some(Layout::Sqlx)).expect("discovers");
    assert!(d.migrations.is_empty());
    assert!(
        d.findings
            .iter()
            .any(|f| f.code == codes::UNRECOGNISED_FILE)
    );
}

// ---------------------------------------------------------------- findings

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("tempdir")
}

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).expect("mkdir");
    }
    fs::write(path, text).expect("write");
}

fn codes_of(d: &Discovery) -> Vec<(&'static str, String)> {
    let mut out: Vec<_> = d
        .findings
        .iter()
        .map(|f| {
            let name = f
                .location
                .path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            (f.code, name)
        })
        .collect();
    out.sort();
    out
}

#[test]
fn duplicate_version_is_reported_and_both_are_kept() {
    let dir = tempdir();
    write(dir.path(), "1_a.up.sql", "SELECT 1;");
    write(dir.path(), "1_a.down.sql", "SELECT 1;");
    write(dir.path(), "001_b.up.sql", "SELECT 2;");
    write(dir.path(), "001_b.down.sql", "SELECT 2;");
    let d = discover(dir.path(), None).expect("discovers");
    assert_eq!(d.migrations.len(), 2);
    assert_eq!(
        codes_of(&d),
        [(codes::DUPLICATE_VERSION, "1_a.up.sql".to_string())]
    );
    let f = &d.findings[0];
    assert_eq!(f.severity, turquoise::diagnostic::Severity::Error);
    assert!(f.message.contains("001_b.up.sql"), "{}", f.message);

    // Flyway: 1.0 is 1.
    let dir = tempdir();
    write(dir.path(), "V1__a.sql", "SELECT 1;");
    write(dir.path(), "V1.0__b.sql", "SELECT 2;");
    let d = discover(dir.path(), None).expect("discovers");
    assert_eq!(
        codes_of(&d).first().map(|c| c.0),
        Some(codes::DUPLICATE_VERSION)
    );

    // diesel: dashes do not make a different version.
    let dir = tempdir();
    write(dir.path(), "2019-03-22-170700_a/up.sql", "SELECT 1;");
    write(dir.path(), "2019-03-22-170700_a/down.sql", "SELECT 1;");
    write(dir.path(), "20190322170700_b/up.sql", "SELECT 1;");
    write(dir.path(), "20190322170700_b/down.sql", "SELECT 1;");
    let d = discover(dir.path(), None).expect("discovers");
    assert_eq!(
        d.findings.iter().map(|f| f.code).collect::<Vec<_>>(),
        [codes::DUPLICATE_VERSION]
    );
}

#[test]
fn up_without_down_is_a_warning() {
    for (layout, up) in [
        (Layout::GolangMigrate, "1_a.up.sql"),
        (Layout::Popx, "1_a.postgres.up.sql"),
    ] {
        let dir = tempdir();
        write(dir.path(), up, "SELECT 1;");
        let d = discover(dir.path(), None).expect("discovers");
        assert_eq!(d.layout, layout);
        assert_eq!(d.migrations.len(), 1);
        assert_eq!(codes_of(&d), [(codes::MISSING_DOWN, up.to_string())]);
        assert_eq!(
            d.findings[0].severity,
            turquoise::diagnostic::Severity::Warning
        );
    }
    let dir = tempdir();
    write(dir.path(), "1_a/up.sql", "SELECT 1;");
    let d = discover(dir.path(), None).expect("discovers");
    assert_eq!(codes_of(&d), [(codes::MISSING_DOWN, "up.sql".to_string())]);
}

#[test]
fn down_without_up_is_an_error() {
    let dir = tempdir();
    write(dir.path(), "1_a.up.sql", "SELECT 1;");
    write(dir.path(), "1_a.down.sql", "SELECT 1;");
    write(dir.path(), "2_b.down.sql", "SELECT 1;");
    let d = discover(dir.path(), None).expect("discovers");
    assert_eq!(d.migrations.len(), 1);
    assert_eq!(
        codes_of(&d),
        [(codes::ORPHAN_DOWN, "2_b.down.sql".to_string())]
    );
    assert_eq!(
        d.findings[0].severity,
        turquoise::diagnostic::Severity::Error
    );

    // A down named unlike its up still belongs to it (same version).
    let dir = tempdir();
    write(dir.path(), "1_a.up.sql", "SELECT 1;");
    write(dir.path(), "1_b.down.sql", "SELECT 1;");
    let d = discover(dir.path(), None).expect("discovers");
    assert!(d.findings.is_empty(), "{:?}", d.findings);
    assert!(d.migrations[0].down.is_some());

    let dir = tempdir();
    write(dir.path(), "1_a/up.sql", "SELECT 1;");
    write(dir.path(), "1_a/down.sql", "SELECT 1;");
    write(dir.path(), "2_b/down.sql", "SELECT 1;");
    let d = discover(dir.path(), None).expect("discovers");
    assert_eq!(codes_of(&d), [(codes::ORPHAN_DOWN, "down.sql".to_string())]);

    let dir = tempdir();
    write(dir.path(), "V1__a.sql", "SELECT 1;");
    write(dir.path(), "U2__b.sql", "SELECT 1;");
    let d = discover(dir.path(), None).expect("discovers");
    assert_eq!(
        codes_of(&d),
        [(codes::ORPHAN_DOWN, "U2__b.sql".to_string())]
    );
}

#[test]
fn non_utf8_file_is_reported_with_its_position() {
    // An unreadable up skips the migration.
    let dir = tempdir();
    write(dir.path(), "1_a.up.sql", "SELECT 1;");
    write(dir.path(), "1_a.down.sql", "SELECT 1;");
    fs::write(
        dir.path().join("2_b.up.sql"),
        b"SELECT 1;\nSELECT '\xff\xfe';\n",
    )
    .expect("write");
    write(dir.path(), "2_b.down.sql", "SELECT 1;");
    let d = discover(dir.path(), None).expect("discovers");
    assert_eq!(
        d.migrations
            .iter()
            .map(|m| m.name.as_str())
            .collect::<Vec<_>>(),
        ["a"]
    );
    assert_eq!(
        codes_of(&d),
        [(codes::UNREADABLE_FILE, "2_b.up.sql".to_string())]
    );
    let loc = &d.findings[0].location;
    assert_eq!((loc.line, loc.column, loc.start), (2, 9, 18));

    // An unreadable down keeps the migration without it.
    let dir = tempdir();
    write(dir.path(), "1_a.up.sql", "SELECT 1;");
    fs::write(dir.path().join("1_a.down.sql"), b"\xc3\x28").expect("write");
    let d = discover(dir.path(), None).expect("discovers");
    assert_eq!(d.migrations.len(), 1);
    assert!(d.migrations[0].down.is_none());
    assert_eq!(
        codes_of(&d),
        [(codes::UNREADABLE_FILE, "1_a.down.sql".to_string())]
    );
}

#[test]
fn marker_file_without_up_marker_is_skipped() {
    let dir = tempdir();
    write(dir.path(), "1_a.sql", "-- +goose Up\nSELECT 1;\n");
    write(dir.path(), "2_b.sql", "-- +goose Down\nSELECT 2;\n");
    let d = discover(dir.path(), None).expect("discovers");
    assert_eq!(d.layout, Layout::Goose);
    assert_eq!(d.migrations.len(), 1);
    assert_eq!(
        codes_of(&d),
        [(codes::MISSING_UP_MARKER, "2_b.sql".to_string())]
    );

    let dir = tempdir();
    write(dir.path(), "1_a.sql", "-- migrate:up\nSELECT 1;\n");
    write(dir.path(), "2_b.sql", "SELECT 2;\n");
    let d = discover(dir.path(), None).expect("discovers");
    assert_eq!(d.layout, Layout::Dbmate);
    assert_eq!(
        codes_of(&d),
        [(codes::MISSING_UP_MARKER, "2_b.sql".to_string())]
    );

    let dir = tempdir();
    write(dir.path(), "1_a.sql", "-- +migrate Up\nSELECT 1;\n");
    write(dir.path(), "b.sql", "-- +migrate Down\nSELECT 2;\n");
    let d = discover(dir.path(), None).expect("discovers");
    assert_eq!(d.layout, Layout::SqlMigrate);
    assert_eq!(
        codes_of(&d),
        [(codes::MISSING_UP_MARKER, "b.sql".to_string())]
    );
}

#[test]
fn misplaced_markers_have_a_line() {
    let dir = tempdir();
    write(
        dir.path(),
        "1_a.sql",
        "-- +goose Up\n-- +goose StatementEnd\nSELECT 1;\n-- +goose StatementBegin\nSELECT 2;\n-- +goose Down\nSELECT 3;\n  -- +goose Up\n",
    );
    let d = discover(dir.path(), None).expect("discovers");
    let lines: Vec<(u32, u32)> = d
        .findings
        .iter()
        .map(|f| {
            assert_eq!(f.code, codes::MISPLACED_MARKER);
            (f.location.line, f.location.column)
        })
        .collect();
    assert_eq!(lines, [(2, 1), (4, 1), (8, 3)]);
    let m = &d.migrations[0];
    assert!(m.up.blocks.is_empty());
    assert_eq!(
        m.down.as_ref().map(Script::sql),
        Some("SELECT 3;\n  -- +goose Up\n")
    );
}

#[test]
fn unrecognised_files_are_hints_and_others_are_ignored() {
    let dir = tempdir();
    write(dir.path(), "1_a.up.sql", "SELECT 1;");
    write(dir.path(), "1_a.down.sql", "SELECT 1;");
    write(dir.path(), "seed.sql", "SELECT 1;");
    write(dir.path(), "README.md", "# migrations");
    write(dir.path(), ".keep", "");
    write(dir.path(), "notes.txt", "");
    let d = discover(dir.path(), None).expect("discovers");
    assert_eq!(d.layout, Layout::GolangMigrate);
    assert_eq!(
        codes_of(&d),
        [(codes::UNRECOGNISED_FILE, "seed.sql".to_string())]
    );
    let f = &d.findings[0];
    assert_eq!(f.severity, turquoise::diagnostic::Severity::Hint);
    assert!(f.help.as_deref().is_some_and(|h| h.contains(".up.sql")));
}

#[test]
fn flyway_callbacks_and_subfolders() {
    let dir = tempdir();
    write(dir.path(), "afterMigrate.sql", "ANALYZE;");
    write(dir.path(), "beforeEachMigrate__log.sql", "SELECT 1;");
    write(dir.path(), "V2__b.sql", "SELECT 2;");
    write(dir.path(), "older/V1__a.sql", "SELECT 1;");
    write(dir.path(), "older/seed.sql", "SELECT 1;");
    let d = discover(dir.path(), None).expect("discovers");
    assert_eq!(d.layout, Layout::Flyway);
    assert_eq!(
        d.migrations
            .iter()
            .map(|m| m.name.as_str())
            .collect::<Vec<_>>(),
        ["a", "b"]
    );
    assert_eq!(
        codes_of(&d),
        [(codes::UNRECOGNISED_FILE, "seed.sql".to_string())]
    );
}

#[test]
fn bad_diesel_metadata_is_reported() {
    let dir = tempdir();
    write(dir.path(), "1_a/up.sql", "SELECT 1;");
    write(dir.path(), "1_a/down.sql", "SELECT 1;");
    write(
        dir.path(),
        "1_a/metadata.toml",
        "run_in_transaction = \"no\"\n",
    );
    let d = discover(dir.path(), None).expect("discovers");
    assert!(d.migrations[0].transaction);
    assert_eq!(
        codes_of(&d),
        [(codes::INVALID_METADATA, "metadata.toml".to_string())]
    );
}

#[test]
fn sqitch_plan_problems_are_reported() {
    let dir = tempdir();
    write(
        dir.path(),
        "sqitch.plan",
        "%syntax-version=1.0.0\na 2020-01-01T00:00:00Z X <x@example.com>\nghost 2020-01-01T00:00:00Z X <x@example.com>\na 2020-01-01T00:00:00Z X <x@example.com>\n[oops]\n",
    );
    write(dir.path(), "deploy/a.sql", "SELECT 1;");
    write(dir.path(), "revert/a.sql", "SELECT 1;");
    write(dir.path(), "deploy/stray.sql", "SELECT 1;");
    let d = discover(dir.path(), None).expect("discovers");
    assert_eq!(d.migrations.len(), 1);
    assert_eq!(
        codes_of(&d),
        [
            (codes::DUPLICATE_VERSION, "sqitch.plan".to_string()),
            (codes::INVALID_PLAN_ENTRY, "sqitch.plan".to_string()),
            (codes::MISSING_SCRIPT, "sqitch.plan".to_string()),
            (codes::UNRECOGNISED_FILE, "stray.sql".to_string()),
        ]
    );
}

#[test]
fn unusable_directories_are_errors() {
    let dir = tempdir();
    assert!(matches!(
        discover(&dir.path().join("missing"), None),
        Err(SourceError::Io { .. })
    ));
    write(dir.path(), "file.sql", "SELECT 1;");
    assert!(matches!(
        discover(&dir.path().join("file.sql"), None),
        Err(SourceError::NotADirectory { .. })
    ));
    let empty = tempdir();
    write(empty.path(), "README.md", "nothing here");
    assert!(matches!(
        discover(empty.path(), None),
        Err(SourceError::NoLayout { .. })
    ));
    assert!(matches!(
        detect(empty.path()),
        Err(SourceError::NoLayout { .. })
    ));
}

#[test]
fn ten_thousand_migrations_are_quick() {
    let dir = tempdir();
    for i in 0..10_000u32 {
        write(dir.path(), &format!("{i}_m{i}.up.sql"), "SELECT 1;\n");
        write(dir.path(), &format!("{i}_m{i}.down.sql"), "SELECT 1;\n");
    }
    let started = std::time::Instant::now();
    let d = discover(dir.path(), None).expect("discovers");
    let took = started.elapsed();
    println!("discovered 10,000 migrations in {took:?}");
    assert_eq!(d.migrations.len(), 10_000);
    assert!(d.findings.is_empty());
    assert!(d.migrations.windows(2).all(|w| w[0].version < w[1].version));
    // Generous: a listing and a sort take well under a second even in a
    // debug build; a quadratic pass would take minutes.
    assert!(took.as_secs() < 10, "took {took:?}");
}

// ---------------------------------------------------------------- corpora

fn corpora() -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora");
    if root.is_dir() {
        Some(root)
    } else {
        println!(
            "skipping: no corpora at {} (see ../shared/corpora/README.md)",
            root.display()
        );
        None
    }
}

#[test]
fn real_corpora_are_discovered() {
    let Some(root) = corpora() else { return };
    let cases = [
        ("crates.io/migrations", Layout::Diesel, 285, 276),
        (
            "docs.rs/crates/lib/docs_rs_database/migrations",
            Layout::Sqlx,
            33,
            31,
        ),
        (
            "openmeter/tools/migrate/migrations",
            Layout::GolangMigrate,
            269,
            244,
        ),
    ];
    for (path, layout, count, downs) in cases {
        let dir = root.join(path);
        if !dir.is_dir() {
            println!("skipping: {} is absent", dir.display());
            continue;
        }
        let forced = discover(&dir, Some(layout)).expect("corpus discovers");
        let auto = discover(&dir, None).expect("corpus discovers");
        for d in [&forced, &auto] {
            assert_eq!(d.migrations.len(), count, "{path}");
            assert_eq!(
                d.migrations.iter().filter(|m| m.has_down()).count(),
                downs,
                "{path}: migrations with a non-blank down"
            );
            assert!(
                d.migrations
                    .windows(2)
                    .all(|w| w[0].version < w[1].version && w[0].version.key != w[1].version.key),
                "{path}: versions strictly increasing"
            );
            assert!(
                !d.findings.iter().any(|f| f.code == codes::DUPLICATE_VERSION
                    || f.code == codes::UNREADABLE_FILE
                    || f.code == codes::ORPHAN_DOWN),
                "{path}: {:?}",
                d.findings
            );
        }
        assert_eq!(rows(&dir, &auto), rows(&dir, &forced), "{path}");
    }

    // crates.io mixes three version forms; the digits (dashes removed)
    // must come out in chronological order.
    let dir = root.join("crates.io/migrations");
    if dir.is_dir() {
        let d = discover(&dir, None).expect("corpus discovers");
        let stamps: Vec<String> = d
            .migrations
            .iter()
            .map(|m| m.version.text.replace('-', ""))
            .collect();
        assert!(stamps.windows(2).all(|w| w[0] < w[1]), "chronological");
        assert_eq!(
            d.migrations.first().map(|m| m.name.as_str()),
            Some("diesel_initial_setup")
        );
        // run_in_transaction = false in 7 metadata.toml files.
        assert_eq!(d.migrations.iter().filter(|m| !m.transaction).count(), 7);
        // A plain sort of the folder names would put `2019-...` before
        // `20161115...` ('-' sorts before digits): the order must not be that.
        let mut by_name: Vec<String> = d
            .migrations
            .iter()
            .map(|m| m.version.text.clone())
            .collect();
        by_name.sort();
        let ours: Vec<String> = d
            .migrations
            .iter()
            .map(|m| m.version.text.clone())
            .collect();
        assert_ne!(ours, by_name);
    }
}
