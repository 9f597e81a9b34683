//! Golden plans: every case in fixtures/plans planned as its last
//! migration, printed as Markdown and compared with its snapshot; the plan
//! must replay on the model to the migration's own schema, with rollbacks
//! that restore. `tests/plan_verify.rs` runs the same plans on PostgreSQL.

use std::path::{Path, PathBuf};
use turquoise::history::{self, History};
use turquoise::plan::{self, Fill, Options, Plan, Selection};

/// The cases the plan must cover, each a folder of fixtures/plans.
const CASES: &[&str] = &[
    "rename-column",
    "rename-table",
    "change-type",
    "change-type-primary-key",
    "set-not-null",
    "add-not-null-column",
    "drop-column",
    "drop-table",
    "split-column",
    "merge-columns",
    "add-constraints",
    "enum-values",
    "change-default",
    "create-index",
    "mixed",
];

fn dir(case: &str) -> PathBuf {
    Path::new("fixtures/plans").join(case)
}

/// The case's `--fill` values, one per line of `fill.txt`.
fn fills(case: &str) -> Vec<Fill> {
    std::fs::read_to_string(dir(case).join("fill.txt"))
        .unwrap_or_default()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| Fill::parse(l).unwrap())
        .collect()
}

fn load(case: &str) -> History {
    history::load(&dir(case), &history::Options::default()).unwrap()
}

fn plan_of(case: &str) -> Plan {
    let options = Options {
        fills: fills(case),
        ..Options::default()
    };
    plan::plan(&load(case), &Selection::default(), &options).unwrap()
}

#[test]
fn every_case_has_a_fixture_and_nothing_else_is_there() {
    let mut found: Vec<String> = std::fs::read_dir("fixtures/plans")
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    found.sort();
    let mut expected: Vec<String> = CASES.iter().map(|c| c.to_string()).collect();
    expected.sort();
    assert_eq!(found, expected);
}

#[test]
fn golden_plans() {
    for case in CASES {
        let plan = plan_of(case);
        assert!(plan.refusals.is_empty(), "{case}: {:?}", plan.refusals);
        assert!(plan.check.is_empty(), "{case}: {:#?}", plan.check);
        assert_eq!(plan.phases.len(), 5, "{case}");
        insta::assert_snapshot!(format!("plan-{case}"), plan::format::markdown(&plan));
    }
}

#[test]
fn the_cases_break_blue_and_say_how() {
    for case in CASES {
        let plan = plan_of(case);
        assert!(plan.breaking(), "{case}: nothing breaks blue?");
        for c in &plan.changes {
            assert!(!c.how.is_empty(), "{case}: {} has no plan", c.object);
        }
        // Statements run forward only in the phases that hold SQL.
        for p in &plan.phases {
            assert!(
                p.kind.has_sql() || (p.steps.is_empty() && p.rollback.is_empty()),
                "{case}: {:?}",
                p.kind
            );
        }
    }
}

#[test]
fn a_new_not_null_column_without_a_value_has_no_safe_plan() {
    let plan = plan::plan(
        &load("add-not-null-column"),
        &Selection::default(),
        &Options::default(),
    )
    .unwrap();
    assert_eq!(plan.refusals.len(), 1, "{:?}", plan.refusals);
    let r = &plan.refusals[0];
    assert!(
        r.object.contains("books") && r.object.contains("slug"),
        "{r:?}"
    );
    assert!(r.reason.contains("--fill books.slug="), "{}", r.reason);
    assert!(plan::format::markdown(&plan).contains("## No safe plan"));
}

#[test]
fn auxiliary_objects_all_go_in_contract_and_start_with_tq() {
    for case in CASES {
        for a in plan_of(case).auxiliary {
            assert_eq!(a.removed, plan::PhaseKind::Contract, "{case}: {a:?}");
            let named_tq = a.object.contains(" tq_") || a.object.contains(".tq_");
            // Views under a renamed table's old name keep that name.
            assert!(named_tq || a.object.starts_with("view "), "{case}: {a:?}");
        }
    }
}

#[test]
fn sql_and_json_formats() {
    let plan = plan_of("rename-column");
    let sql = plan::format::sql(&plan);
    assert!(
        sql.contains("BEGIN;\nSET LOCAL lock_timeout = '5s';"),
        "{sql}"
    );
    assert!(sql.contains("-- Phase 5: contract"), "{sql}");
    // Rollbacks are comments: the file has nothing that undoes a phase.
    assert!(
        !sql.lines()
            .any(|l| l.starts_with("DROP TRIGGER") && !sql.contains("-- Phase 5"))
    );
    let json: serde_json::Value = serde_json::from_str(&plan::format::json(&plan)).unwrap();
    assert_eq!(json["phases"].as_array().unwrap().len(), 5);
    assert_eq!(json["phases"][0]["kind"], "expand");
    assert_eq!(json["syncs"][0]["old"], "full_name");
    assert_eq!(json["syncs"][0]["new"], "display_name");
}

#[test]
fn batch_size_and_lock_timeout_reach_the_sql() {
    let options = Options {
        batch_size: 250,
        lock_timeout: "2s".to_owned(),
        ..Options::default()
    };
    let plan = plan::plan(&load("set-not-null"), &Selection::default(), &options).unwrap();
    let sql = plan::format::sql(&plan);
    assert!(sql.contains("LIMIT 250"), "{sql}");
    assert!(sql.contains("SET LOCAL lock_timeout = '2s';"), "{sql}");
    assert!(
        sql.contains("set_config('lock_timeout', '2s', true)"),
        "{sql}"
    );
}

#[test]
fn a_range_plans_as_one() {
    let h = history::load(
        Path::new("migrations-example"),
        &history::Options::default(),
    )
    .unwrap();
    let selection = Selection {
        from: Some("2023-05-11-110000".into()),
        to: Some("2023-06-19-150000".into()),
    };
    let plan = plan::plan(&h, &selection, &Options::default()).unwrap();
    assert_eq!(plan.migrations.len(), 3);
    assert!(plan.check.is_empty(), "{:#?}", plan.check);
    let objects: Vec<&str> = plan.changes.iter().map(|c| c.object.as_str()).collect();
    for o in [
        "column public.customers.full_name",
        "column public.books.price_cents",
        "column public.books.published_on",
    ] {
        assert!(objects.contains(&o), "{objects:?}");
    }
    let unknown = plan::plan(
        &h,
        &Selection {
            from: Some("1999".into()),
            to: None,
        },
        &Options::default(),
    );
    assert!(matches!(unknown, Err(plan::PlanError::UnknownVersion(_))));
}

#[test]
fn each_statement_is_undone_the_way_it_runs() {
    // What `--emit` relies on: a migration's down runs in the transaction
    // mode of its up.
    use turquoise::plan::Run;
    for case in CASES {
        for p in plan_of(case).phases {
            assert_eq!(p.steps.len(), p.undo.len(), "{case}");
            for (s, undo) in p.steps.iter().zip(&p.undo) {
                let outside = s.run == Run::NoTransaction;
                assert!(
                    undo.iter()
                        .all(|u| (u.run == Run::NoTransaction) == outside),
                    "{case}: {} undone by {:?}",
                    s.sql,
                    undo
                );
                assert!(!outside || undo.len() <= 1, "{case}: {}", s.sql);
            }
        }
    }
}

/// The binary: formats, exit codes, flags.
mod cli {
    use assert_cmd::Command;

    fn run(args: &[&str]) -> (i32, String, String) {
        let out = Command::cargo_bin("turquoise")
            .unwrap()
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args(args)
            .output()
            .unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    #[test]
    fn plans_print_and_exit_by_what_they_found() {
        let (code, out, err) = run(&["plan", "--dir", "fixtures/plans/rename-column"]);
        assert_eq!(code, 0, "{err}");
        assert!(
            out.starts_with("# Plan for 002 rename_customers_full_name"),
            "{out}"
        );
        let (code, out, _) = run(&[
            "plan",
            "--dir",
            "migrations-example",
            "2023-05-11-110000",
            "--format",
            "json",
        ]);
        assert_eq!(code, 0);
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["migrations"][0]["name"], "rename_customers_full_name");
        let (code, out, _) = run(&[
            "plan",
            "--dir",
            "fixtures/plans/set-not-null",
            "--format",
            "sql",
        ]);
        assert_eq!(code, 0);
        assert!(
            out.starts_with("-- turquoise plan for 002 require_books_published_on"),
            "{out}"
        );
        // No safe plan: exit 1, and the plan says why.
        let (code, out, _) = run(&["plan", "--dir", "fixtures/plans/add-not-null-column"]);
        assert_eq!(code, 1);
        assert!(out.contains("## No safe plan"), "{out}");
        let (code, _, _) = run(&[
            "plan",
            "--dir",
            "fixtures/plans/add-not-null-column",
            "--fill",
            "books.slug=lower(title)",
        ]);
        assert_eq!(code, 0);
    }

    #[test]
    fn bad_input_exits_2_with_a_message() {
        let cases: [(&[&str], &str); 5] = [
            (&["999"], "no migration has version 999"),
            (&["--lock-timeout", "soon"], "--lock-timeout soon"),
            (&["--fill", "nonsense"], "TABLE.COLUMN=EXPRESSION"),
            (&["--batch-size", "0"], ""),
            (&["--from", "002", "--to", "001"], "comes after"),
        ];
        for (extra, message) in cases {
            let mut args = vec!["plan", "--dir", "fixtures/plans/rename-column"];
            args.extend_from_slice(extra);
            let (code, _, err) = run(&args);
            assert_eq!(code, 2, "{extra:?}: {err}");
            assert!(err.contains(message), "{extra:?}: {err}");
        }
    }

    #[test]
    fn emit_writes_and_says_what_ships_when() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("m");
        std::fs::create_dir_all(&dir).unwrap();
        for f in ["001_schema.sql", "002_rename_customers_full_name.sql"] {
            std::fs::copy(format!("fixtures/plans/rename-column/{f}"), dir.join(f)).unwrap();
        }
        let d = dir.to_str().unwrap();
        let (code, out, err) = run(&["plan", "--dir", d, "--emit", d]);
        assert_eq!(code, 0, "{err}");
        assert!(
            out.starts_with("wrote 5 migrations in sqlx layout"),
            "{out}"
        );
        assert!(out.contains("delete it before committing them"), "{out}");
        assert!(
            dir.join("003_rename_customers_full_name_expand.up.sql")
                .is_file(),
            "{out}"
        );
        // Again: the versions after 002 are taken now.
        let (code, _, err) = run(&["plan", "--dir", d, "002", "--emit", d]);
        assert_eq!(code, 2);
        assert!(err.contains("no version is free"), "{err}");
    }
}

/// A history in a temporary folder: the schema, then the migration.
fn plan_sql(schema: &str, migration: &str) -> Plan {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("1_schema.sql"), schema).unwrap();
    std::fs::write(tmp.path().join("2_change.sql"), migration).unwrap();
    let h = history::load(tmp.path(), &history::Options::default()).unwrap();
    plan::plan(&h, &Selection::default(), &Options::default()).unwrap()
}

#[test]
fn sync_triggers_fire_after_the_projects_own() {
    // PostgreSQL fires BEFORE triggers in name order: the plan's must see
    // what the project's set.
    let plan = plan_sql(
        "CREATE TABLE t (id int PRIMARY KEY, a text);
         CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
         CREATE TRIGGER zzz_audit BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION f();",
        "ALTER TABLE t RENAME COLUMN a TO b;",
    );
    assert!(plan.check.is_empty(), "{:?}", plan.check);
    let sql = plan::format::sql(&plan);
    assert!(sql.contains("CREATE TRIGGER zzztq_sync_b BEFORE"), "{sql}");
    assert!(
        sql.contains("DROP TRIGGER zzztq_sync_b ON public.t"),
        "{sql}"
    );
}

#[test]
fn timestamp_conversions_name_the_zone_the_migration_set() {
    let plan = plan_sql(
        "CREATE TABLE t (id int PRIMARY KEY, at timestamp NOT NULL);",
        "SET timezone = 'UTC';\nALTER TABLE t ALTER COLUMN at TYPE timestamptz;",
    );
    assert!(plan.check.is_empty(), "{:?}", plan.check);
    let sql = plan::format::sql(&plan);
    assert!(
        sql.contains("NEW.tq_at := (NEW.at AT TIME ZONE 'UTC');"),
        "{sql}"
    );
    assert!(
        plan.ignored.iter().any(|i| i.contains("SET timezone")),
        "{:?}",
        plan.ignored
    );
    assert_eq!(plan.syncs[0].expected, "(at AT TIME ZONE 'UTC')");
    // Without a zone, the plan says the writers' sessions decide.
    let plan = plan_sql(
        "CREATE TABLE t (id int PRIMARY KEY, at timestamp NOT NULL);",
        "ALTER TABLE t ALTER COLUMN at TYPE timestamptz;",
    );
    let expand = plan.phase(plan::PhaseKind::Expand).unwrap();
    assert!(
        expand
            .hazards
            .iter()
            .any(|h| h.contains("time zone of each writer's session")),
        "{:?}",
        expand.hazards
    );
}

#[test]
fn names_taken_by_what_the_migration_drops_wait_for_contract() {
    // A view replaced by a table of the same name; a column dropped and
    // added again.
    let plan = plan_sql(
        "CREATE TABLE r (id int PRIMARY KEY, status text, tags jsonb);
         CREATE VIEW r_status AS SELECT id, status FROM r;",
        "DROP VIEW r_status;
         CREATE TABLE r_status (id int PRIMARY KEY REFERENCES r, status text);
         ALTER TABLE r DROP COLUMN tags, ADD COLUMN tags text[];",
    );
    assert!(plan.check.is_empty(), "{:#?}", plan.check);
    let contract = plan.phase(plan::PhaseKind::Contract).unwrap();
    let at = |needle: &str| contract.steps.iter().position(|s| s.sql.contains(needle));
    assert!(
        at("DROP VIEW public.r_status") < at("CREATE TABLE public.r_status"),
        "{:#?}",
        contract.steps
    );
    assert!(
        at("DROP COLUMN tags") < at("ADD COLUMN tags"),
        "{:#?}",
        contract.steps
    );
    // Green is told not to use the table before contract makes it.
    let late: Vec<String> = plan.late.iter().map(|n| n.to_string()).collect();
    assert_eq!(late, ["public.r_status"]);
    assert!(
        plan.phases
            .iter()
            .flat_map(|p| &p.instructions)
            .any(|i| i.contains("does not use table public.r_status until contract")),
        "{:#?}",
        plan.phases
    );
}

#[test]
fn a_default_the_migration_adds_a_column_with_and_drops_fills_blues_writes() {
    let plan = plan_sql(
        "CREATE TABLE t (id int PRIMARY KEY);",
        "ALTER TABLE t ADD COLUMN n int NOT NULL DEFAULT 0;
         ALTER TABLE t ALTER COLUMN n DROP DEFAULT;",
    );
    assert!(plan.check.is_empty(), "{:#?}", plan.check);
    let sql = plan::format::sql(&plan);
    assert!(sql.contains("CREATE TRIGGER tq_then_fill_n"), "{sql}");
    assert!(sql.contains("NEW.n := (SELECT 0 FROM"), "{sql}");
    // With an UPDATE that sets some rows, the others still get the default.
    let plan = plan_sql(
        "CREATE TABLE t (id int PRIMARY KEY, a int);",
        "ALTER TABLE t ADD COLUMN n int NOT NULL DEFAULT 0;
         UPDATE t SET n = 1 WHERE a > 1;
         ALTER TABLE t ALTER COLUMN n DROP DEFAULT;",
    );
    assert!(plan.check.is_empty(), "{:#?}", plan.check);
    let sql = plan::format::sql(&plan);
    assert!(sql.contains("ELSE coalesce(t.n, 0)"), "{sql}");
    assert!(sql.contains("UPDATE public.t SET n = (0)"), "{sql}");
    assert!(sql.contains("AND (n IS NULL)"), "{sql}");
    // A default the column keeps needs no trigger: blue's INSERTs get it.
    let plan = plan_sql(
        "CREATE TABLE t (id int PRIMARY KEY);",
        "ALTER TABLE t ADD COLUMN n int NOT NULL DEFAULT 0;",
    );
    let sql = plan::format::sql(&plan);
    assert!(!sql.contains("tq_then_fill_n"), "{sql}");
}

#[test]
fn a_temporary_table_has_no_safe_plan() {
    let plan = plan_sql(
        "CREATE TABLE t (id int PRIMARY KEY, a text);",
        "CREATE TEMPORARY TABLE keep AS SELECT id, a FROM t;
         ALTER TABLE t DROP COLUMN a;",
    );
    assert!(
        plan.refusals
            .iter()
            .any(|r| r.object.contains("temporary table") && r.reason.contains("session")),
        "{:#?}",
        plan.refusals
    );
}

#[test]
fn a_row_change_through_a_relation_the_migration_makes_and_drops_has_no_safe_plan() {
    let plan = plan_sql(
        "CREATE TABLE t (id int PRIMARY KEY, n text);",
        "CREATE SEQUENCE tmp_seq;
         UPDATE t SET n = 'N-' || nextval('tmp_seq') WHERE n IS NULL;
         DROP SEQUENCE tmp_seq;
         ALTER TABLE t ALTER COLUMN n SET NOT NULL;",
    );
    assert!(
        plan.refusals.iter().any(|r| r
            .reason
            .contains("public.tmp_seq, which the migration makes and drops")),
        "{:#?}",
        plan.refusals
    );
}

#[test]
fn a_backfill_of_per_row_values_does_not_compare_them() {
    let plan = plan_sql(
        "CREATE TABLE t (id int PRIMARY KEY, n bigint);
         CREATE SEQUENCE s;",
        "UPDATE t SET n = nextval('s') WHERE n IS NULL;
         ALTER TABLE t ALTER COLUMN n SET NOT NULL;",
    );
    let sql = plan::format::sql(&plan);
    assert!(!sql.contains("IS DISTINCT FROM (nextval"), "{sql}");
    let backfill = plan.phase(plan::PhaseKind::Backfill).unwrap();
    assert!(
        backfill
            .hazards
            .iter()
            .any(|h| h.contains("a value computed anew for each row")),
        "{:?}",
        backfill.hazards
    );
}

#[test]
fn a_column_named_like_a_function_is_renamed_but_not_the_function() {
    let plan = plan_sql(
        "CREATE TABLE d (id int PRIMARY KEY, date timestamp NOT NULL);
         CREATE INDEX d_day ON d (date(date));",
        "ALTER TABLE d ALTER COLUMN date TYPE date;",
    );
    assert!(plan.check.is_empty(), "{:#?}", plan.check);
    let sql = plan::format::sql(&plan);
    assert!(sql.contains("USING btree ((date(tq_date)))"), "{sql}");
}
