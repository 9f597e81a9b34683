//! `plan --verify` on a real server: every golden plan of fixtures/plans,
//! and the plan of every breaking migration of migrations-example, runs
//! phase by phase with blue's and green's statements succeeding at every
//! boundary, sync triggers keeping old and new columns equal, rollbacks
//! that restore the catalog, and the final catalog the migration's own.

mod support;

use std::path::Path;
use turquoise::history::{self, History};
use turquoise::pg::Server;
use turquoise::pg::plan::{Report, verify};
use turquoise::plan::{self, Fill, Options, Plan, Selection};

fn server() -> Server {
    Server::from_url(&support::server().conninfo("postgres")).expect("test server")
}

fn run(h: &History, selection: &Selection, options: &Options) -> (Plan, Report) {
    let plan = plan::plan(h, selection, options).unwrap();
    let report = verify(&server(), h, selection, &["public".to_owned()], &plan).unwrap();
    (plan, report)
}

/// `plan` of the last migration of `h`, verified.
fn verify_whole(h: &History, plan: &Plan) -> Report {
    verify(
        &server(),
        h,
        &Selection::default(),
        &["public".to_owned()],
        plan,
    )
    .unwrap()
}

/// Everything that went wrong, for the assertion message.
fn problems(report: &Report) -> String {
    serde_json::to_string_pretty(report).unwrap()
}

fn check(name: &str, plan: &Plan, report: &Report) {
    assert!(report.ok(), "{name}: {}", problems(report));
    assert!(
        report.rows.is_empty(),
        "{name}: tables without rows: {:?}",
        report.rows
    );
    // Every phase with SQL ran, and each rollback was run and checked.
    for p in &plan.phases {
        if !p.kind.has_sql() || p.steps.is_empty() {
            continue;
        }
        let r = report.phases.iter().find(|r| r.phase == p.kind).unwrap();
        assert!(r.run.ok, "{name}: {:?}", p.kind);
        if !p.rollback.is_empty() {
            assert!(
                r.rollback.as_ref().is_some_and(|o| o.ok),
                "{name}: {:?}",
                p.kind
            );
            assert!(
                r.again.as_ref().is_some_and(|o| o.ok),
                "{name}: {:?}",
                p.kind
            );
        }
    }
    // Blue ran before expand, green after contract; sync pairs checked.
    let first = &report.boundaries[0];
    assert!(
        first.probes.iter().any(|p| p.app == plan::App::Blue),
        "{name}"
    );
    let last = report
        .boundaries
        .iter()
        .rev()
        .find(|b| !b.rollback)
        .unwrap();
    assert!(
        last.probes.iter().any(|p| p.app == plan::App::Green),
        "{name}"
    );
    if !plan.syncs.is_empty() {
        assert!(
            report
                .boundaries
                .iter()
                .any(|b| b.syncs.iter().any(|s| s.whole_table)),
            "{name}: sync pairs never checked"
        );
    }
}

#[test]
fn every_golden_plan_holds_on_postgresql() {
    let mut cases: Vec<String> = std::fs::read_dir("fixtures/plans")
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    cases.sort();
    assert_eq!(cases.len(), 15);
    for case in cases {
        let dir = Path::new("fixtures/plans").join(&case);
        let fills: Vec<Fill> = std::fs::read_to_string(dir.join("fill.txt"))
            .unwrap_or_default()
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| Fill::parse(l).unwrap())
            .collect();
        let h = history::load(&dir, &history::Options::default()).unwrap();
        let options = Options {
            fills,
            ..Options::default()
        };
        let (plan, report) = run(&h, &Selection::default(), &options);
        check(&case, &plan, &report);
    }
}

/// The example's migrations that break blue.
pub const EXAMPLE_BREAKING: &[&str] = &[
    "2023-03-15-160000",
    "2023-05-11-110000",
    "2023-06-01-080000",
    "2023-06-19-150000",
    "2023-07-20-120000",
    "2023-10-10-110000",
    "2023-11-02-140000",
    "2024-01-15-100000",
];

#[test]
fn every_breaking_migration_of_the_example_plans_and_holds() {
    let h = history::load(
        Path::new("migrations-example"),
        &history::Options::default(),
    )
    .unwrap();
    for m in &h.migrations {
        let v = &m.migration.version.text;
        let selection = Selection {
            from: Some(v.clone()),
            to: Some(v.clone()),
        };
        let plan = plan::plan(&h, &selection, &Options::default()).unwrap();
        assert_eq!(
            plan.breaking(),
            EXAMPLE_BREAKING.contains(&v.as_str()),
            "{v}"
        );
    }
    for v in EXAMPLE_BREAKING {
        let selection = Selection {
            from: Some(v.to_string()),
            to: Some(v.to_string()),
        };
        let (plan, report) = run(&h, &selection, &Options::default());
        check(v, &plan, &report);
    }
}

#[test]
fn a_broken_plan_is_caught() {
    // A hand-made plan whose contract forgets the sync trigger and its
    // function: the final catalog is not the migration's.
    let dir = Path::new("fixtures/plans/rename-column");
    let h = history::load(dir, &history::Options::default()).unwrap();
    let mut plan = plan::plan(&h, &Selection::default(), &Options::default()).unwrap();
    let contract = plan
        .phases
        .iter_mut()
        .find(|p| p.kind == plan::PhaseKind::Contract)
        .unwrap();
    contract
        .steps
        .retain(|s| !s.sql.starts_with("DROP TRIGGER") && !s.sql.starts_with("DROP FUNCTION"));
    contract.rollback.clear();
    let report = verify_whole(&h, &plan);
    assert!(!report.ok());
    assert!(
        report
            .final_differences
            .iter()
            .any(|d| d.contains("full_name")),
        "{:?}",
        report.final_differences
    );
}

#[test]
fn a_failure_says_whether_the_migration_itself_fails_on_the_rows() {
    // A check the made-up rows break: the original migration fails too.
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("1_schema.sql"),
        "CREATE TABLE t (id int PRIMARY KEY, n int NOT NULL);",
    )
    .unwrap();
    std::fs::write(
        tmp.path().join("2_check.sql"),
        "ALTER TABLE t ADD CONSTRAINT n_huge CHECK (n > 1000000);",
    )
    .unwrap();
    let h = history::load(tmp.path(), &history::Options::default()).unwrap();
    let (_, report) = run(&h, &Selection::default(), &Options::default());
    assert!(!report.ok());
    let original = report.original.as_ref().expect("the original was run");
    assert!(!original.ok, "{}", problems(&report));
    assert!(
        original.error.as_deref().unwrap_or("").contains("n_huge"),
        "{}",
        problems(&report)
    );
    // A plan broken in expand: the migration itself runs.
    let dir = Path::new("fixtures/plans/rename-column");
    let h = history::load(dir, &history::Options::default()).unwrap();
    let mut plan = plan::plan(&h, &Selection::default(), &Options::default()).unwrap();
    if let Some(expand) = plan.phases.first_mut() {
        expand.steps.push(plan::Step::new("broken", "SELECT 1/0"));
    }
    let report = verify_whole(&h, &plan);
    assert!(!report.ok());
    assert_eq!(report.original.map(|o| o.ok), Some(true));
}

#[test]
fn emitted_migrations_pass_verify_in_several_layouts() {
    use support::emitted::{load, plan_and_emit, replace_original, write_history};
    use turquoise::pg::verify;
    use turquoise::source::Layout;
    for layout in [
        Layout::Diesel,
        Layout::GolangMigrate,
        Layout::Goose,
        Layout::Flyway,
        Layout::Sqitch,
    ] {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let original = write_history(dir, layout);
        let emitted = plan_and_emit(dir, layout);
        replace_original(dir, layout, &original, &emitted);
        let h = load(dir, layout);
        let report = verify::verify(
            &server(),
            &h,
            &["public".to_owned()],
            &verify::Options::default(),
            false,
            &mut |_, _, _| {},
        )
        .unwrap();
        assert!(
            report.ok(),
            "{layout}: {}",
            serde_json::to_string_pretty(&report).unwrap()
        );
        assert_eq!(
            report.migrations.len(),
            1 + emitted.migrations.len(),
            "{layout}"
        );
    }
}
