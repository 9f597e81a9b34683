//! How much of real migration histories the SQL layer understands: at most
//! 0.5% of the statements of the three corpora may end opaque.

use std::path::Path;
use turquoise::history::{self, Options, count_opaque};

#[test]
fn at_most_half_a_percent_of_corpus_statements_are_opaque() {
    let corpora = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora");
    let dirs = [
        ("crates.io", "crates.io/migrations"),
        ("docs.rs", "docs.rs/crates/lib/docs_rs_database/migrations"),
        ("openmeter", "openmeter/tools/migrate/migrations"),
    ];
    if !corpora.is_dir() {
        println!("skipped: {} is absent", corpora.display());
        return;
    }
    let (mut total, mut opaque) = (0usize, 0usize);
    for (name, dir) in dirs {
        let h = history::load(&corpora.join(dir), &Options::default()).unwrap();
        let scripts = h
            .migrations
            .iter()
            .flat_map(|m| std::iter::once(&m.up).chain(m.down.as_ref()));
        let (mut n, mut o) = (0, 0);
        for s in scripts {
            n += s.statements.len();
            o += count_opaque(s);
        }
        println!("{name}: {n} statements (ups and downs), {o} opaque");
        total += n;
        opaque += o;
    }
    let rate = opaque as f64 / total as f64;
    println!(
        "all: {total} statements, {opaque} opaque ({:.3}%)",
        rate * 100.0
    );
    assert!(total > 3000, "corpora look incomplete: {total} statements");
    assert!(rate <= 0.005, "{opaque} of {total} statements opaque");
}
