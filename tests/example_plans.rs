//! `docs/example-plans/` holds exactly the plan of every breaking
//! migration of `migrations-example/`, and an index.
//! `tests/plan_verify.rs` runs the same plans on PostgreSQL.

use std::path::{Path, PathBuf};
use turquoise::history;
use turquoise::plan::{self, Options, Selection};

/// `docs/example-plans/`: the plan of every breaking migration of
/// `migrations-example/`, and an index. `TURQUOISE_UPDATE_DOCS=1`
/// rewrites the folder instead of failing.
#[test]
fn the_example_plans_are_up_to_date() {
    let dir = Path::new("docs/example-plans");
    let h = history::load(
        Path::new("migrations-example"),
        &history::Options::default(),
    )
    .unwrap();
    let mut files: Vec<(PathBuf, String)> = Vec::new();
    let mut index = String::from(
        "# Plans for the example's breaking migrations\n\n\
         `turquoise plan --dir migrations-example VERSION` for each migration of\n\
         [migrations-example](../../migrations-example) that breaks the version\n\
         running before it; `tests/plan.rs` keeps these pages up to date and\n\
         `tests/plan_verify.rs` runs every one on PostgreSQL\n\
         (`turquoise plan --verify`). See [plans.md](../plans.md).\n\n\
         | migration | changes | turquoise release |\n| --- | --- | --- |\n",
    );
    for m in &h.migrations {
        let v = m.migration.version.text.clone();
        let selection = Selection {
            from: Some(v.clone()),
            to: Some(v.clone()),
        };
        let plan = plan::plan(&h, &selection, &Options::default()).unwrap();
        if !plan.breaking() {
            continue;
        }
        let name = format!("{v}_{}.md", m.migration.name);
        let changes: Vec<String> = plan
            .changes
            .iter()
            .filter(|c| c.compatibility.breaks_old_code())
            .map(|c| format!("{} ({})", c.object, c.action))
            .collect();
        index.push_str(&format!(
            "| [{v} {}]({name}) | {} | {} |\n",
            m.migration.name,
            changes.join("; "),
            if plan.turquoise_needed {
                "needed"
            } else {
                "none: green replaces blue"
            }
        ));
        files.push((dir.join(name), plan::format::markdown(&plan)));
    }
    files.push((dir.join("README.md"), index));
    if std::env::var("TURQUOISE_UPDATE_DOCS").is_ok_and(|v| v == "1") {
        let _ = std::fs::remove_dir_all(dir);
        std::fs::create_dir_all(dir).unwrap();
        for (p, text) in &files {
            std::fs::write(p, text).unwrap();
        }
        return;
    }
    let mut problems = Vec::new();
    for (p, text) in &files {
        match std::fs::read_to_string(p) {
            Ok(t) if &t == text => {}
            Ok(_) => problems.push(format!("{} differs", p.display())),
            Err(_) => problems.push(format!("{} is missing", p.display())),
        }
    }
    let on_disk = std::fs::read_dir(dir).map(|d| d.count()).unwrap_or(0);
    if on_disk != files.len() {
        problems.push(format!(
            "{} holds {on_disk} files, not {}",
            dir.display(),
            files.len()
        ));
    }
    assert!(
        problems.is_empty(),
        "{problems:#?}\nrun `TURQUOISE_UPDATE_DOCS=1 cargo test --test example_plans` to write them"
    );
}
