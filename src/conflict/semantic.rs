//! Whether base's and head's new migrations commute. The shared history is
//! replayed once; from a copy of it, base's new migrations then head's, and
//! from another, head's then base's. A statement that fails in one order
//! but not when its own branch runs alone, or two final schemas that
//! differ, is a semantic conflict: no renumbering helps, one side must
//! change. When both orders succeed and agree, the changes commute and
//! nothing is reported.

use super::{Sides, Split, codes};
use crate::diagnostic::{Finding, Location, Severity};
use crate::history::{NoObserver, apply_up};
use crate::model::{Replay, diff};
use crate::source::Migration;
use crate::sql::{self, ParsedScript};
use std::collections::HashSet;

/// Labels of the two orders in the schema diff.
const BASE_FIRST: &str = "base, then head";
const HEAD_FIRST: &str = "head, then base";

/// A migration with its parsed up script.
type Parsed<'a> = (&'a Migration, ParsedScript);

fn parse<'a>(migrations: &[&'a Migration]) -> Vec<Parsed<'a>> {
    migrations
        .iter()
        .map(|m| (*m, sql::parse_script(&m.up)))
        .collect()
}

/// What replaying some migrations did.
#[derive(Default)]
struct Ran {
    /// Statements PostgreSQL would reject.
    failures: Vec<Finding>,
    /// Each statement's location and the objects it changed, in words.
    touched: Vec<(Location, Vec<String>)>,
}

/// How a failure is recognised in another replay of the same statement.
type FailureKey = (std::path::PathBuf, usize, &'static str);

fn key(f: &Finding) -> FailureKey {
    (f.location.path.clone(), f.location.start, f.code)
}

fn run(replay: &mut Replay, migrations: &[Parsed]) -> Ran {
    let mut ran = Ran::default();
    for (m, up) in migrations {
        let effects = apply_up(replay, m, up, None, &mut NoObserver);
        for (st, effect) in up.statements.iter().zip(&effects) {
            ran.failures.extend(
                effect
                    .findings
                    .iter()
                    .filter(|f| f.severity == Severity::Error)
                    .cloned(),
            );
            let objects = effect
                .changes
                .iter()
                .map(|c| c.object.to_string())
                .collect();
            ran.touched.push((st.location.clone(), objects));
        }
    }
    ran
}

/// The failures of `after` that `alone` does not have.
fn new_failures(after: Ran, alone: &Ran) -> Vec<Finding> {
    let known: HashSet<FailureKey> = alone.failures.iter().map(key).collect();
    after
        .failures
        .into_iter()
        .filter(|f| !known.contains(&key(f)))
        .collect()
}

/// For each failure, the first migration of `first` after which running
/// `second` gives it: the migration the failing statement conflicts with.
fn culprits<'a>(
    shared: &Replay,
    first: &[Parsed<'a>],
    second: &[Parsed],
    failures: &[Finding],
) -> Vec<Option<&'a Migration>> {
    let mut found: Vec<Option<&Migration>> = vec![None; failures.len()];
    let mut prefix = shared.clone();
    for (m, up) in first {
        if found.iter().all(Option::is_some) {
            break;
        }
        apply_up(&mut prefix, m, up, None, &mut NoObserver);
        let mut probe = prefix.clone();
        let seen: HashSet<FailureKey> = run(&mut probe, second).failures.iter().map(key).collect();
        for (f, slot) in failures.iter().zip(found.iter_mut()) {
            if slot.is_none() && seen.contains(&key(f)) {
                *slot = Some(*m);
            }
        }
    }
    found
}

pub(crate) fn findings(sides: &Sides, split: &Split, options: &super::Options) -> Vec<Finding> {
    if split.base_new.is_empty() || split.head_new.is_empty() {
        return Vec::new();
    }
    let base: Vec<Parsed> = parse(&split.base_new);
    let head: Vec<Parsed> = parse(&split.head_new);
    let mut shared = Replay::new(options.search_path.clone());
    for m in &split.shared {
        let up = sql::parse_script(&m.up);
        apply_up(&mut shared, m, &up, None, &mut NoObserver);
    }
    let mut base_first = shared.clone();
    let base_alone = run(&mut base_first, &base);
    let head_after = run(&mut base_first, &head);
    let mut head_first = shared.clone();
    let head_alone = run(&mut head_first, &head);
    let base_after = run(&mut head_first, &base);
    let touched = head_after.touched.clone();
    let head_fails = new_failures(head_after, &head_alone);
    let base_fails = new_failures(base_after, &base_alone);
    // Both grew from one copy of the shared schema: what is identical is
    // skipped unread, and a column's position is not a difference (which
    // column two branches add first is not a conflict).
    let differences = diff::compare_shared(&base_first.catalog, &head_first.catalog);
    if head_fails.is_empty() && base_fails.is_empty() && differences.is_empty() {
        return Vec::new();
    }
    let schemas = diff::unified(
        &base_first.catalog,
        &head_first.catalog,
        (BASE_FIRST, HEAD_FIRST),
    );
    let help = format!(
        "no renumbering helps: databases run both sets of migrations, in either order ({base}'s first where it deployed first, {head}'s first where {head} did, such as a staging database); change {head}'s migrations so that they work after {base}'s and build the same schema{rebase}",
        base = sides.base.name,
        head = sides.head.name,
        rebase = sides
            .base_ref
            .as_ref()
            .map(|r| format!(" (rebase onto `{r}`, then run `turquoise conflicts` again)"))
            .unwrap_or_default()
    );
    let mut out = Vec::new();
    let name = |m: Option<&Migration>| {
        m.map_or_else(
            || "new migrations".to_owned(),
            |m| format!("migration {} ({})", m.version, m.up.path.display()),
        )
    };
    // Head's statements that fail after base's migrations, then base's
    // that fail after head's.
    let orders = [
        (&base, &head, &head_fails, &sides.base, &sides.head),
        (&head, &base, &base_fails, &sides.head, &sides.base),
    ];
    for (first, second, fails, first_side, second_side) in orders {
        for (f, culprit) in fails.iter().zip(culprits(&shared, first, second, fails)) {
            out.push(
                Finding::new(
                    codes::SEMANTIC_CONFLICT,
                    Severity::Error,
                    f.location.clone(),
                    format!(
                        "after {}'s {}, this statement of {} fails: {}; on {} alone it succeeds",
                        first_side.name,
                        name(culprit),
                        second_side.name,
                        f.message,
                        second_side.name
                    ),
                )
                .with_help(help.clone()),
            );
        }
    }
    if out.is_empty() {
        let objects: Vec<String> = differences.iter().map(|d| d.object.clone()).collect();
        // The last of head's statements that changed an object that
        // differs, else head's first new migration.
        let location = touched
            .iter()
            .rev()
            .find(|(_, changed)| changed.iter().any(|o| objects.contains(o)))
            .map(|(l, _)| l.clone())
            .unwrap_or_else(|| Location::file(&split.head_new[0].up.path));
        out.push(
            Finding::new(
                codes::SEMANTIC_CONFLICT,
                Severity::Error,
                location,
                format!(
                    "{}'s and {}'s new migrations do not commute: the two orders build different schemas ({} differ{})",
                    sides.base.name,
                    sides.head.name,
                    crate::rules::listing(&objects),
                    if objects.len() == 1 { "s" } else { "" }
                ),
            )
            .with_help(help),
        );
    }
    if !schemas.is_empty()
        && let Some(first) = out.first_mut()
    {
        first.note = Some(format!("the schema in each order:\n{}", schemas.trim_end()));
    }
    out
}
