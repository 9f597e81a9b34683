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
