//! Every `lint` output format against one small history,
//! `fixtures/report/`: a table created, a column dropped without a down
//! script, an index built without CONCURRENTLY, a long ALTER TABLE adding a
//! required column, an ignore comment that silences nothing and a table the
//! history never created. Each format is a snapshot (`tests/snapshots/`),
//! rendered without colour and with paths relative to the fixture folder.

use std::path::PathBuf;
use turquoise::lint::{self, LintOptions, LintResult};
use turquoise::report::{self, Format, Summary};

fn fixture() -> (LintResult, PathBuf) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/report");
    let discovery = turquoise::source::discover(&dir, None).expect("fixture is readable");
    let result = lint::lint(discovery, &LintOptions::default()).expect("lint runs");
    (result, dir)
}

fn render(format: Format, color: bool) -> String {
    let (result, dir) = fixture();
    let rows = report::rows(&result.findings, &result.sources, &dir);
    let summary = Summary::of(&result.findings, result.linted);
    report::render(format, &rows, summary, color)
}

#[test]
fn text() {
    insta::assert_snapshot!(render(Format::Text, false));
}

#[test]
fn json() {
    insta::assert_snapshot!(render(Format::Json, false));
}

#[test]
fn colour_only_when_asked_and_only_in_text() {
    let escape = "\x1b[";
    assert!(render(Format::Text, true).contains(escape));
    assert!(!render(Format::Text, false).contains(escape));
    assert!(!render(Format::Json, true).contains(escape));
}
