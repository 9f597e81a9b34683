//! `plan --emit`: in every layout, a breaking migration's plan written as
//! migrations is found again in order after it, with the transaction
//! markers it needs, and replays (without the original) to the same schema
//! as the original history; emitting again overwrites nothing.
//! `tests/plan_verify.rs` runs emitted migrations with `verify`.

use std::path::{Path, PathBuf};
use turquoise::plan::emit::{EmitError, emit};
use turquoise::plan::{self, Options, PhaseKind, Selection};
use turquoise::source::Layout;

mod support;

use support::emitted::{load, plan_and_emit, replace_original, write_history};

#[test]
fn every_layout_gets_migrations_that_replay_to_the_same_schema() {
    for layout in Layout::ALL {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let original = write_history(dir, layout);
        let expected = load(dir, layout).catalog;
        let emitted = plan_and_emit(dir, layout);
        // expand (one transaction, one index built concurrently), backfill
        // (the batched copy, the index copy, the validation), contract.
        let phases: Vec<PhaseKind> = emitted.migrations.iter().map(|w| w.phase).collect();
        assert!(
            phases.windows(2).all(|w| w[0] <= w[1]),
            "{layout}: {phases:?}"
        );
        assert!(
            phases.contains(&PhaseKind::Expand) && phases.contains(&PhaseKind::Contract),
            "{layout}"
        );
        replace_original(dir, layout, &original, &emitted);
        let h = load(dir, layout);
        let names: Vec<&str> = h
            .migrations
            .iter()
            .map(|m| m.migration.name.as_str())
            .collect();
        assert_eq!(
            names.len(),
            1 + emitted.migrations.len(),
            "{layout}: {names:?}"
        );
        for (m, w) in h.migrations[1..].iter().zip(&emitted.migrations) {
            assert_eq!(m.migration.name, w.name, "{layout}");
            if layout != Layout::Sqitch {
                assert_eq!(m.migration.version.text, w.version, "{layout}");
            }
            // What must run outside a transaction is marked so (Sqitch,
            // golang-migrate and plain have no marker: one statement per
            // file runs on its own).
            let alone = m.up.statements.len() == 1
                && (m.migration.up.sql().contains("CONCURRENTLY")
                    || m.migration.up.sql().contains("DO $$"));
            let marked = matches!(
                layout,
                Layout::Diesel
                    | Layout::Sqlx
                    | Layout::Popx
                    | Layout::Goose
                    | Layout::Dbmate
                    | Layout::SqlMigrate
                    | Layout::Flyway
            );
            if alone && marked {
                assert!(
                    !m.migration.transaction,
                    "{layout}: {} runs in a transaction",
                    m.migration.name
                );
            }
            if layout.has_downs() && layout != Layout::Sqitch {
                assert!(
                    m.migration.down.is_some(),
                    "{layout}: {} has no down",
                    m.migration.name
                );
            }
        }
        let findings: Vec<String> = h
            .findings
            .iter()
            .filter(|f| {
                f.severity >= turquoise::diagnostic::Severity::Warning && f.code != "missing-down"
            })
            .map(|f| format!("{}: {}", f.code, f.message))
            .collect();
        assert!(findings.is_empty(), "{layout}: {findings:?}");
        let d = plan::differences(&expected, &h.catalog, &[]);
        assert!(d.is_empty(), "{layout}: {d:?}");
    }
}

#[test]
fn emitting_twice_overwrites_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write_history(dir, Layout::GolangMigrate);
    let first = plan_and_emit(dir, Layout::GolangMigrate);
    assert!(!first.migrations.is_empty());
    let files = |d: &Path| {
        let mut v: Vec<(PathBuf, String)> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| {
                let p = e.unwrap().path();
                let t = std::fs::read_to_string(&p).unwrap();
                (p, t)
            })
            .collect();
        v.sort();
        v
    };
    let before = files(dir);
    // The same plan again, as if the files written were not there: every
    // name it would write is taken, and it writes none.
    let h = load(dir, Layout::GolangMigrate);
    let selection = Selection {
        from: Some("000002".into()),
        to: Some("000002".into()),
    };
    let plan = plan::plan(&h, &selection, &Options::default()).unwrap();
    let migrations: Vec<_> = h.migrations[..2]
        .iter()
        .map(|m| m.migration.clone())
        .collect();
    let result = emit(&plan, &migrations, Layout::GolangMigrate, dir);
    assert!(matches!(result, Err(EmitError::Exists(_))), "{result:?}");
    assert_eq!(files(dir), before, "a refused emit wrote something");
    // With the history as it is, there is no free version before the
    // migrations just written.
    let all: Vec<_> = h.migrations.iter().map(|m| m.migration.clone()).collect();
    let result = emit(&plan, &all, Layout::GolangMigrate, dir);
    assert!(
        matches!(result, Err(EmitError::NoRoom { .. })),
        "{result:?}"
    );
}

#[test]
fn no_free_version_before_the_next_migration_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write_history(dir, Layout::Goose);
    std::fs::write(dir.join("00003_later.sql"), "-- +goose Up\nSELECT 1;\n").unwrap();
    let h = load(dir, Layout::Goose);
    let selection = Selection {
        from: Some("00002".into()),
        to: Some("00002".into()),
    };
    let plan = plan::plan(&h, &selection, &Options::default()).unwrap();
    let migrations: Vec<_> = h.migrations.iter().map(|m| m.migration.clone()).collect();
    let result = emit(&plan, &migrations, Layout::Goose, dir);
    assert!(
        matches!(result, Err(EmitError::NoRoom { .. })),
        "{result:?}"
    );
}

#[test]
fn a_plan_with_no_safe_plan_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(dir.join("1_a.sql"), "CREATE TABLE t (id int PRIMARY KEY);").unwrap();
    std::fs::write(
        dir.join("2_b.sql"),
        "ALTER TABLE t ADD COLUMN n int NOT NULL;",
    )
    .unwrap();
    let h = load(dir, Layout::Sqlx);
    let plan = plan::plan(&h, &Selection::default(), &Options::default()).unwrap();
    let migrations: Vec<_> = h.migrations.iter().map(|m| m.migration.clone()).collect();
    let result = emit(&plan, &migrations, Layout::Sqlx, dir);
    assert!(matches!(result, Err(EmitError::Refused(1))), "{result:?}");
    assert_eq!(std::fs::read_dir(dir).unwrap().count(), 2);
}
