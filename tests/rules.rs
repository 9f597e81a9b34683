//! The rule catalog against its fixtures: every rule has
//! `fixtures/rules/<rule>/bad.sql`, which must make it fire, and `good.sql`,
//! which must not, and a doc with every section. The findings on `bad.sql`
//! are snapshots (`tests/snapshots/`).
//!
//! A fixture is linted on its own, like `turquoise lint bad.sql`: tables it
//! does not create are taken to exist, with rows. A `bad.down.sql` or
//! `good.down.sql` beside it is the migration's down script.

use std::fmt::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use turquoise::lint::{self, LintOptions};
use turquoise::rules::{Check, DOC_SECTIONS, RULES, Rule};
use turquoise::source::{self, Discovery, Layout, Script};

fn fixture_dir(rule: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/rules")
        .join(rule)
}

/// Lints one fixture; returns the findings as text, paths relative to the
/// fixture folder.
fn lint_fixture(rule: &str, which: &str) -> (Vec<&'static str>, String) {
    let dir = fixture_dir(rule);
    let up = dir.join(format!("{which}.sql"));
    let text = std::fs::read_to_string(&up).unwrap_or_default();
    let mut m = source::single(up.clone(), Arc::from(text));
    let down = dir.join(format!("{which}.down.sql"));
    if let Ok(d) = std::fs::read_to_string(&down) {
        m.down = Some(Script::whole(down, Arc::from(d)));
    }
    // Down-script rules need a layout whose framework runs downs, in a
    // history that has downs: an empty first migration with one.
    let (layout, mut migrations) = if rule.starts_with("down-") {
        let mut first = source::single(dir.join("0_start.sql"), Arc::from(""));
        first.down = Some(Script::whole(dir.join("0_start.down.sql"), Arc::from("")));
        (Layout::Diesel, vec![first])
    } else {
        (Layout::Plain, Vec::new())
    };
    migrations.push(m);
    let discovery = Discovery {
        layout,
        migrations,
        findings: Vec::new(),
    };
    let result = lint::lint(discovery, &LintOptions::default()).expect("lint runs");
    let mut out = String::new();
    for f in &result.findings {
        let path = f
            .location
            .path
            .strip_prefix(&dir)
            .unwrap_or(&f.location.path);
        let _ = writeln!(
            out,
            "{}:{}:{} {}[{}] {}",
            path.display(),
            f.location.line,
            f.location.column,
            f.severity,
            f.code,
            f.message
        );
        if let Some(h) = &f.help {
            let _ = writeln!(out, "  help: {h}");
        }
    }
    (result.findings.iter().map(|f| f.code).collect(), out)
}

/// Rules of `turquoise conflicts`: shown by two branches, not a fixture.
fn compares_branches(rule: &Rule) -> bool {
    matches!(rule.check, Check::Conflict)
}

#[test]
fn every_rule_has_fixtures_and_doc_sections() {
    let mut problems = Vec::new();
    for rule in RULES {
        if compares_branches(rule) && fixture_dir(rule.name).exists() {
            problems.push(format!(
                "{}: compares two branches, so no lone fixture can show it; tests/conflicts.rs covers it",
                rule.name
            ));
        }
        for f in ["bad.sql", "good.sql"]
            .into_iter()
            .filter(|_| !compares_branches(rule))
        {
            if !fixture_dir(rule.name).join(f).is_file() {
                problems.push(format!(
                    "{}: missing fixtures/rules/{}/{f}",
                    rule.name, rule.name
                ));
            }
        }
        let doc = rule.doc();
        let mut at = 0;
        for s in DOC_SECTIONS {
            match doc[at..].find(s) {
                Some(i) => at += i + s.len(),
                None => problems.push(format!(
                    "{}: doc lacks `{s}` (or it is out of order)",
                    rule.name
                )),
            }
        }
        if rule
            .name
            .chars()
            .any(|c| !(c.is_ascii_lowercase() || c == '-'))
        {
            problems.push(format!("{}: name is not kebab-case", rule.name));
        }
    }
    let names: Vec<&str> = RULES.iter().map(|r| r.name).collect();
    let mut sorted = names.clone();
    sorted.sort();
    sorted.dedup();
    if names != sorted {
        problems.push("RULES must be sorted by name, without duplicates".to_owned());
    }
    // Every fixture folder belongs to a rule.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules");
    for e in std::fs::read_dir(&root)
        .expect("fixtures/rules exists")
        .flatten()
    {
        let name = e.file_name().to_string_lossy().into_owned();
        if !names.contains(&name.as_str()) {
            problems.push(format!("fixtures/rules/{name} belongs to no rule"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn bad_fixtures_fire_and_good_ones_do_not() {
    let mut problems = Vec::new();
    for rule in RULES.iter().filter(|r| !compares_branches(r)) {
        let (codes, text) = lint_fixture(rule.name, "bad");
        if !codes.contains(&rule.name) {
            problems.push(format!("{}: bad.sql does not fire it:\n{text}", rule.name));
        }
        insta::assert_snapshot!(format!("{}-bad", rule.name), text);
        let (codes, text) = lint_fixture(rule.name, "good");
        if codes.contains(&rule.name) {
            problems.push(format!("{}: good.sql fires it:\n{text}", rule.name));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
