//! A small breaking history written in any layout, planned and emitted:
//! shared by `plan_emit.rs` (the files) and `plan_verify.rs` (`verify` on
//! them).

use std::path::{Path, PathBuf};
use turquoise::history::{self, History};
use turquoise::plan::emit::emit;
use turquoise::plan::{self, Options, Selection};
use turquoise::source::Layout;

const SCHEMA: &str = "CREATE TABLE customers (\n    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n    full_name text NOT NULL,\n    email text\n);";
const SCHEMA_DOWN: &str = "DROP TABLE customers;";
const CHANGE: &str = "ALTER TABLE customers RENAME COLUMN full_name TO display_name;\nCREATE INDEX customers_email_idx ON customers (email);";
const CHANGE_DOWN: &str = "DROP INDEX customers_email_idx;\nALTER TABLE customers RENAME COLUMN display_name TO full_name;";

/// Writes a two-migration history in `layout` into `dir`; returns the
/// original migration's files (to delete once the plan replaces it).
pub fn write_history(dir: &Path, layout: Layout) -> Vec<PathBuf> {
    let w = |name: &str, text: String| {
        let p = dir.join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, text).unwrap();
        p
    };
    let sections = |up: &str, down: &str, marks: (&str, &str)| {
        format!("{}\n{up}\n\n{}\n{down}\n", marks.0, marks.1)
    };
    match layout {
        Layout::Diesel => {
            w("2024-01-01-000001_schema/up.sql", SCHEMA.into());
            w("2024-01-01-000001_schema/down.sql", SCHEMA_DOWN.into());
            vec![
                w("2024-01-01-000002_rename/up.sql", CHANGE.into()),
                w("2024-01-01-000002_rename/down.sql", CHANGE_DOWN.into()),
                dir.join("2024-01-01-000002_rename"),
            ]
        }
        Layout::GolangMigrate | Layout::Sqlx => {
            w("000001_schema.up.sql", SCHEMA.into());
            w("000001_schema.down.sql", SCHEMA_DOWN.into());
            vec![
                w("000002_rename.up.sql", CHANGE.into()),
                w("000002_rename.down.sql", CHANGE_DOWN.into()),
            ]
        }
        Layout::Popx => {
            w("20240101000001000001_schema.up.sql", SCHEMA.into());
            w("20240101000001000001_schema.down.sql", SCHEMA_DOWN.into());
            vec![
                w("20240101000002000001_rename.up.sql", CHANGE.into()),
                w("20240101000002000001_rename.down.sql", CHANGE_DOWN.into()),
            ]
        }
        Layout::Goose => {
            let m = ("-- +goose Up", "-- +goose Down");
            w("00001_schema.sql", sections(SCHEMA, SCHEMA_DOWN, m));
            vec![w("00002_rename.sql", sections(CHANGE, CHANGE_DOWN, m))]
        }
        Layout::Dbmate => {
            let m = ("-- migrate:up", "-- migrate:down");
            w(
                "20240101000001_schema.sql",
                sections(SCHEMA, SCHEMA_DOWN, m),
            );
            vec![w(
                "20240101000002_rename.sql",
                sections(CHANGE, CHANGE_DOWN, m),
            )]
        }
        Layout::SqlMigrate => {
            let m = ("-- +migrate Up", "-- +migrate Down");
            w("1_schema.sql", sections(SCHEMA, SCHEMA_DOWN, m));
            vec![w("2_rename.sql", sections(CHANGE, CHANGE_DOWN, m))]
        }
        Layout::Flyway => {
            w("V1__schema.sql", SCHEMA.into());
            w("U1__schema.sql", SCHEMA_DOWN.into());
            vec![
                w("V2__rename.sql", CHANGE.into()),
                w("U2__rename.sql", CHANGE_DOWN.into()),
            ]
        }
        Layout::Sqitch => {
            w("sqitch.plan", "%project=shop\n\nschema 2024-01-01T00:00:01Z Me <me@example.com> # schema\nrename 2024-01-01T00:00:02Z Me <me@example.com> # rename\n".into());
            w("deploy/schema.sql", format!("BEGIN;\n{SCHEMA}\nCOMMIT;\n"));
            w(
                "revert/schema.sql",
                format!("BEGIN;\n{SCHEMA_DOWN}\nCOMMIT;\n"),
            );
            vec![
                w("deploy/rename.sql", format!("BEGIN;\n{CHANGE}\nCOMMIT;\n")),
                w(
                    "revert/rename.sql",
                    format!("BEGIN;\n{CHANGE_DOWN}\nCOMMIT;\n"),
                ),
            ]
        }
        Layout::Plain => {
            w("001_schema.sql", SCHEMA.into());
            vec![w("002_rename.sql", CHANGE.into())]
        }
    }
}

pub fn load(dir: &Path, layout: Layout) -> History {
    let options = history::Options {
        layout: Some(layout),
        ..history::Options::default()
    };
    history::load(dir, &options).unwrap()
}

/// Plans the last migration and writes it; returns the migrations written.
pub fn plan_and_emit(dir: &Path, layout: Layout) -> turquoise::plan::emit::Emitted {
    let h = load(dir, layout);
    let plan = plan::plan(&h, &Selection::default(), &Options::default()).unwrap();
    assert!(
        plan.check.is_empty() && plan.refusals.is_empty(),
        "{:?}",
        plan.check
    );
    let migrations: Vec<_> = h.migrations.iter().map(|m| m.migration.clone()).collect();
    emit(&plan, &migrations, layout, dir).unwrap()
}

/// Removes the original migration and, for Sqitch, puts the emitted
/// changes in the plan in its place.
pub fn replace_original(
    dir: &Path,
    layout: Layout,
    original: &[PathBuf],
    emitted: &turquoise::plan::emit::Emitted,
) {
    for f in original {
        if f.is_dir() {
            std::fs::remove_dir_all(f).unwrap();
        } else if f.exists() {
            std::fs::remove_file(f).unwrap();
        }
    }
    if layout == Layout::Sqitch {
        let plan_file = dir.join("sqitch.plan");
        let text = std::fs::read_to_string(&plan_file).unwrap();
        let mut lines: Vec<String> = text
            .lines()
            .filter(|l| !l.starts_with("rename "))
            .map(str::to_owned)
            .collect();
        lines.extend(emitted.sqitch_plan.iter().cloned());
        std::fs::write(&plan_file, lines.join("\n") + "\n").unwrap();
    }
}
