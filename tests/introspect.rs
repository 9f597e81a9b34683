//! Catalog introspection round-trips: a database's schema read into the
//! model and rendered back gives the same pg_dump.

mod support;

use std::path::Path;

fn dump_lines(s: &str) -> String {
    s.lines()
        .filter(|l| !l.starts_with("\\restrict ") && !l.starts_with("\\unrestrict "))
        .map(|l| format!("{l}\n"))
        .collect()
}

fn round_trip(name: &str) {
    let corpora = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora");
    let dump_file = corpora.join(format!("{name}.schema.sql"));
    if !dump_file.is_file() {
        println!("skipped: {} is absent", dump_file.display());
        return;
    }
    let source = support::fresh_database(&format!("src_{name}"));
    support::psql_file(&source, &dump_file);
    let server = turquoise::pg::Server::from_url(&support::server().conninfo("postgres")).unwrap();
    let read = turquoise::pg::introspect::introspect(&server, &mut source.client()).unwrap();
    let findings: Vec<String> = read
        .findings
        .iter()
        .map(|f| {
            let text = &read.script[f.location.start..f.location.end.min(read.script.len())];
            format!("{f}\n    {}", text.chars().take(300).collect::<String>())
        })
        .collect();
    assert!(
        findings.is_empty(),
        "{name}: the model did not follow the catalog:\n{}",
        findings.join("\n")
    );
    let sql = turquoise::model::render::to_sql(&read.catalog);
    let copy = support::fresh_database(&format!("copy_{name}"));
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), &sql).unwrap();
    support::psql_file(&copy, file.path());
    let expected = dump_lines(&std::fs::read_to_string(&dump_file).unwrap());
    let actual = support::pg_dump_schema(&copy);
    if expected != actual {
        let diff = similar::TextDiff::from_lines(&expected, &actual)
            .unified_diff()
            .header("corpus dump", "introspected")
            .to_string();
        panic!("{name}: introspection does not round-trip:\n{diff}");
    }
}

#[test]
fn crates_io_round_trips() {
    round_trip("crates.io");
}

#[test]
fn docs_rs_round_trips() {
    round_trip("docs.rs");
}

#[test]
fn openmeter_round_trips() {
    round_trip("openmeter");
}
