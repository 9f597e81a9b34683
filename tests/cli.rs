//! The command line as users run it: output, exit codes, configuration.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn turquoise(cwd: &Path) -> Command {
    let mut c = Command::cargo_bin("turquoise").unwrap();
    c.current_dir(cwd);
    c
}

fn stdout(c: &mut Command) -> (i32, String, String) {
    let out = c.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn migrations_lists_the_example_in_order() {
    let (code, out, err) = stdout(turquoise(&root()).args(["migrations", "migrations-example"]));
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("layout: diesel\n"), "{out}");
    let versions: Vec<&str> = out
        .lines()
        .skip(1)
        .map(|l| l.split(' ').next().unwrap())
        .collect();
    assert!(versions.len() >= 15);
    let mut sorted = versions.clone();
    sorted.sort();
    assert_eq!(versions, sorted);
    assert!(
        out.contains("no transaction"),
        "the CONCURRENTLY migration runs outside a transaction:\n{out}"
    );
}

#[test]
fn migrations_json_has_the_documented_fields() {
    let (code, out, err) = stdout(turquoise(&root()).args([
        "migrations",
        "fixtures/layouts/goose",
        "--format",
        "json",
    ]));
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["layout"], "goose");
    let first = &v["migrations"][0];
    for key in [
        "version",
        "name",
        "up",
        "down",
        "transaction",
        "statements",
        "unparsed",
    ] {
        assert!(first.get(key).is_some(), "missing {key} in {first}");
    }
    assert!(first["statements"].as_u64().unwrap() > 0);
}

#[test]
fn schema_prints_sql_and_json_and_stops_at_a_version() {
    let (code, sql, err) = stdout(turquoise(&root()).args(["schema", "migrations-example"]));
    assert_eq!(code, 0, "{err}");
    assert!(sql.contains("CREATE TABLE public.books"), "{sql}");
    // Deterministic: the same output twice.
    let (_, again, _) = stdout(turquoise(&root()).args(["schema", "migrations-example"]));
    assert_eq!(sql, again);

    let (code, json, _) =
        stdout(turquoise(&root()).args(["schema", "migrations-example", "--format", "json"]));
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert!(v["tables"].as_array().unwrap().len() >= 5);

    let (code, early, _) = stdout(turquoise(&root()).args([
        "schema",
        "migrations-example",
        "--at",
        "2023-01-10-090000",
    ]));
    assert_eq!(code, 0);
    assert!(early.contains("CREATE TABLE public.authors"));
    assert!(!early.contains("CREATE TABLE public.books"), "{early}");
}

#[test]
fn unknown_version_is_a_usage_error() {
    let (code, _, err) =
        stdout(turquoise(&root()).args(["schema", "migrations-example", "--at", "1999"]));
    assert_eq!(code, 2);
    assert!(err.contains("no migration has version 1999"), "{err}");
}

#[test]
fn bad_flags_and_missing_directories_exit_2() {
    let (code, _, err) =
        stdout(turquoise(&root()).args(["schema", "migrations-example", "--layout", "rails"]));
    assert_eq!(code, 2);
    assert!(err.contains("unknown layout `rails`"), "{err}");
    let (code, _, err) = stdout(turquoise(&root()).args(["schema", "no/such/dir"]));
    assert_eq!(code, 2);
    assert!(err.contains("no/such/dir"), "{err}");
    let (code, _, _) = stdout(turquoise(&root()).args(["schema", "--pg-version", "9"]));
    assert_eq!(code, 2);
}

#[test]
fn findings_of_error_severity_exit_1_and_name_file_line_column() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("001_init.sql"),
        "CREATE TABLE t (id int);\nALTER TABLE t DROP COLUMN missing;\n",
    )
    .unwrap();
    let (code, out, err) = stdout(turquoise(dir.path()).args(["schema", "."]));
    assert_eq!(code, 1, "{err}");
    assert!(
        out.contains("CREATE TABLE public.t"),
        "the schema is still printed: {out}"
    );
    assert!(
        err.contains("001_init.sql:2:1: error[missing-object]"),
        "{err}"
    );
}

#[test]
fn configuration_is_found_in_a_parent_and_flags_override_it() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("deep/er");
    std::fs::create_dir_all(&sub).unwrap();
    let example = root().join("migrations-example");
    std::fs::write(
        dir.path().join("turquoise.toml"),
        format!(
            "migrations = {:?}\nlayout = \"diesel\"\npg_version = 16\n",
            example
        ),
    )
    .unwrap();
    let (code, out, err) = stdout(turquoise(&sub).args(["migrations"]));
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("layout: diesel"));
    // A flag overrides the file's layout: plain finds no top-level .sql
    // files in a diesel folder, and says so.
    let (code, out, err) = stdout(turquoise(&sub).args(["migrations", "--layout", "plain"]));
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("layout: plain"), "{out}");
    assert!(err.contains("warning[no-migrations]"), "{err}");
}

#[test]
fn keep_without_a_server_url_is_a_usage_error() {
    let (code, _, err) = stdout(
        turquoise(&root())
            .env_remove("TURQUOISE_DATABASE_URL")
            .args(["verify", "migrations-example", "--keep"]),
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("--keep needs a server that outlives turquoise"),
        "{err}"
    );
}

#[test]
fn bad_configuration_names_the_key_and_the_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("turquoise.toml"), "migratons = \"db\"\n").unwrap();
    let (code, _, err) = stdout(turquoise(dir.path()).args(["migrations"]));
    assert_eq!(code, 2);
    assert!(
        err.contains("turquoise.toml") && err.contains("migratons"),
        "{err}"
    );

    std::fs::write(dir.path().join("turquoise.toml"), "pg_version = 99\n").unwrap();
    let (code, _, err) = stdout(turquoise(dir.path()).args(["migrations"]));
    assert_eq!(code, 2);
    assert!(
        err.contains("turquoise.toml") && err.contains("`pg_version`"),
        "{err}"
    );
}

#[test]
fn lint_ci_formats_name_files_from_the_checkout() {
    // CI reads paths from the repository root; people read them from the
    // migrations folder.
    let (code, out, err) =
        stdout(turquoise(&root()).args(["lint", "./fixtures/report", "--format", "github"]));
    assert_eq!(code, 1, "{err}");
    assert!(
        out.contains("::error file=fixtures/report/2_drop_nickname.up.sql,line=2,"),
        "{out}"
    );
    let (_, out, err) = stdout(turquoise(&root()).args(["lint", "fixtures/report"]));
    assert!(
        out.contains(" --> 2_drop_nickname.up.sql:2:1\n"),
        "{out}{err}"
    );
    assert!(
        !out.contains('\x1b'),
        "no colour when stdout is not a terminal"
    );
}

#[test]
fn lint_reads_standard_input_as_a_lone_migration() {
    let (code, out, err) = stdout(
        turquoise(&root())
            .args(["lint", "-", "--format", "summary"])
            .write_stdin("ALTER TABLE users DROP COLUMN nickname;\n"),
    );
    assert_eq!(code, 1, "{err}");
    assert!(out.contains("1 dropping-column (error)"), "{out}");
    assert!(out.contains("assumed-existing"), "{out}");
}

#[test]
fn lint_reports_only_what_is_asked_for() {
    // --since: only later migrations.
    let (code, out, err) = stdout(turquoise(&root()).args([
        "lint",
        "migrations-example",
        "--since",
        "2023-10-10-110000",
        "--format",
        "json",
    ]));
    assert_eq!(code, 1, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(!v["findings"].as_array().unwrap().is_empty());
    for f in v["findings"].as_array().unwrap() {
        assert!(
            f["migration"].as_str().unwrap() > "2023-10-10-110000",
            "{f}"
        );
    }
    // A file of the history: that migration, against the history before it.
    let file = "migrations-example/2023-10-10-110000_drop_customers_newsletter_opt_in/up.sql";
    let (code, out, err) = stdout(turquoise(&root()).args([
        "lint",
        file,
        "--dir",
        "migrations-example",
        "--format",
        "json",
    ]));
    assert_eq!(code, 1, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let rules: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"dropping-column"), "{out}");
    assert!(
        !rules.contains(&"assumed-existing"),
        "the history created the table: {out}"
    );
    // An unknown version is the tool's failure, not a finding.
    let (code, _, err) =
        stdout(turquoise(&root()).args(["lint", "migrations-example", "--since", "1999"]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("1999"), "{err}");
}

#[test]
fn lint_config_and_ignore_comments_silence_rules() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("1_drop.sql"),
        "-- turquoise-ignore: missing-lock-timeout\nALTER TABLE users DROP COLUMN nickname;\n",
    )
    .unwrap();
    let (code, out, err) = stdout(turquoise(dir.path()).args(["lint", "1_drop.sql"]));
    assert_eq!(code, 1, "{err}");
    assert!(out.contains("dropping-column"), "{out}");
    assert!(!out.contains("missing-lock-timeout]"), "{out}");
    std::fs::write(
        dir.path().join("turquoise.toml"),
        "[rules]\ndropping-column = \"warning\"\nassumed-existing = \"off\"\n",
    )
    .unwrap();
    let (code, out, err) = stdout(turquoise(dir.path()).args(["lint", "1_drop.sql"]));
    assert_eq!(code, 0, "a warning does not fail by default: {out}{err}");
    assert!(out.contains("warning[dropping-column]"), "{out}");
    assert!(!out.contains("assumed-existing"), "{out}");
    let (code, _, _) =
        stdout(turquoise(dir.path()).args(["lint", "1_drop.sql", "--fail-on", "warning"]));
    assert_eq!(code, 1);
}

#[test]
fn rules_and_explain_print_the_catalog() {
    let (code, out, _) = stdout(turquoise(&root()).args(["rules"]));
    assert_eq!(code, 0);
    for r in turquoise::rules::RULES {
        assert!(out.contains(r.name), "{} missing from `rules`", r.name);
    }
    let (code, out, _) = stdout(turquoise(&root()).args(["explain", "setting-not-null"]));
    assert_eq!(code, 0);
    for s in turquoise::rules::DOC_SECTIONS {
        assert!(out.contains(s), "{s} missing:\n{out}");
    }
    let (code, _, err) = stdout(turquoise(&root()).args(["explain", "no-such-rule"]));
    assert_eq!(code, 2);
    assert!(err.contains("no-such-rule"), "{err}");
}
