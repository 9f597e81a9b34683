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
fn sarif() {
    insta::assert_snapshot!(render(Format::Sarif, false));
}

#[test]
fn github() {
    insta::assert_snapshot!(render(Format::Github, false));
}

#[test]
fn gitlab() {
    insta::assert_snapshot!(render(Format::Gitlab, false));
}

#[test]
fn markdown() {
    insta::assert_snapshot!(render(Format::Markdown, false));
}

#[test]
fn summary() {
    insta::assert_snapshot!(render(Format::Summary, false));
}

#[test]
fn markdown_says_when_there_is_nothing() {
    let summary = Summary {
        migrations: 2,
        ..Summary::default()
    };
    let out = report::render(Format::Markdown, &[], summary, false);
    assert!(
        out.contains("0 errors, 0 warnings, 0 hints in 2 migrations"),
        "{out}"
    );
    assert!(out.contains("No findings"), "{out}");
    assert!(!out.contains('|'), "no table when there is nothing: {out}");
}

#[test]
fn colour_only_when_asked_and_only_in_text() {
    let escape = "\x1b[";
    assert!(render(Format::Text, true).contains(escape));
    assert!(!render(Format::Text, false).contains(escape));
    for format in [
        Format::Json,
        Format::Sarif,
        Format::Github,
        Format::Gitlab,
        Format::Markdown,
        Format::Summary,
    ] {
        assert!(
            !render(format, true).contains(escape),
            "{format:?} has colour codes"
        );
    }
}

#[test]
fn every_format_is_valid_for_its_reader() {
    // The JSON formats parse, and name the same findings the text shows.
    let (result, _) = fixture();
    let n = result.findings.len();
    let json: serde_json::Value =
        serde_json::from_str(&render(Format::Json, false)).expect("json parses");
    assert_eq!(json["findings"].as_array().map(Vec::len), Some(n));
    let sarif: serde_json::Value =
        serde_json::from_str(&render(Format::Sarif, false)).expect("sarif parses");
    assert_eq!(
        sarif["runs"][0]["results"].as_array().map(Vec::len),
        Some(n)
    );
    let gitlab: serde_json::Value =
        serde_json::from_str(&render(Format::Gitlab, false)).expect("gitlab parses");
    let issues = gitlab.as_array().expect("an array");
    assert_eq!(issues.len(), n);
    let mut fingerprints: Vec<&str> = issues
        .iter()
        .filter_map(|i| i["fingerprint"].as_str())
        .collect();
    fingerprints.sort_unstable();
    fingerprints.dedup();
    assert_eq!(fingerprints.len(), n, "fingerprints are unique");
    let github = render(Format::Github, false);
    assert_eq!(github.lines().filter(|l| l.starts_with("::")).count(), n);
}
