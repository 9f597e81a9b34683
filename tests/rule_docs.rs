//! `docs/rules/` holds exactly what `turquoise::rules::docs::generate`
//! writes: one page per rule and the index. Run with
//! `TURQUOISE_UPDATE_DOCS=1` to rewrite the folder instead of failing.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use turquoise::rules::docs;

const UPDATE: &str = "TURQUOISE_UPDATE_DOCS";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

/// Every file under `dir`, relative to the repository.
fn on_disk(dir: &Path) -> BTreeSet<PathBuf> {
    let mut out = BTreeSet::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.insert(p.strip_prefix(root()).unwrap().to_path_buf());
            }
        }
    }
    out
}

#[test]
fn rule_docs_are_up_to_date() {
    let root = root();
    let dir = root.join(docs::DIR);
    let generated = docs::generate();
    let wanted: BTreeSet<PathBuf> = generated.iter().map(|(p, _)| p.clone()).collect();
    let extra: Vec<PathBuf> = on_disk(&dir).difference(&wanted).cloned().collect();
    if std::env::var(UPDATE).is_ok_and(|v| v == "1") {
        for p in &extra {
            std::fs::remove_file(root.join(p)).unwrap();
        }
        std::fs::create_dir_all(&dir).unwrap();
        for (p, text) in &generated {
            std::fs::write(root.join(p), text).unwrap();
        }
        return;
    }
    let mut problems = Vec::new();
    for (p, text) in &generated {
        match std::fs::read_to_string(root.join(p)) {
            Ok(on_disk) if &on_disk == text => {}
            Ok(_) => problems.push(format!("{} differs", p.display())),
            Err(_) => problems.push(format!("{} is missing", p.display())),
        }
    }
    for p in &extra {
        problems.push(format!("{} is not generated (no such rule)", p.display()));
    }
    assert!(
        problems.is_empty(),
        "{} is out of date with the rules' doc comments:\n  {}\n\
         Rewrite it with `{UPDATE}=1 cargo test --test rule_docs` (the pages are \
         generated from the `//!` doc of each rule's file; edit that, not the page).",
        docs::DIR,
        problems.join("\n  ")
    );
}

#[test]
fn every_rule_has_a_page_and_an_index_row() {
    let generated = docs::generate();
    let index = &generated
        .iter()
        .find(|(p, _)| p.ends_with("index.md"))
        .unwrap()
        .1;
    for rule in turquoise::rules::RULES {
        let page = Path::new(docs::DIR).join(format!("{}.md", rule.name));
        let (_, text) = generated.iter().find(|(p, _)| *p == page).unwrap();
        assert!(text.contains(&format!("\n# {}\n", rule.name)), "{text}");
        assert!(
            text.contains(&format!("Default severity: {}", rule.severity)),
            "{text}"
        );
        assert!(text.ends_with(&rule.doc()), "{text}");
        assert!(
            index.contains(&format!("| [{0}]({0}.md) |", rule.name)),
            "{index}"
        );
    }
}

#[test]
fn the_docs_index_links_the_rules() {
    let index = std::fs::read_to_string(root().join("docs/index.md")).unwrap();
    assert!(index.contains("(rules/index.md)"), "{index}");
}
