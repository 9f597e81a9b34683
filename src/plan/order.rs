//! Statement order inside a phase: by slot, then as contributed, and drops
//! as the dependency graph says: an object goes after everything that
//! depends on it or is part of it and is dropped on its own.

use super::build::Draft;
use crate::graph::Node;
use crate::model::Replay;

/// Reorders the drops of each slot so that dependents go first; `schema`
/// is the schema the drops run against.
pub(crate) fn drops_first(drafts: &mut Vec<&Draft>, schema: &Replay) {
    // What each drop takes with it, and what each dropped object is made
    // of (a table's constraints, a column's indexes).
    let sets: Vec<(Vec<Node>, Vec<Node>)> = drafts
        .iter()
        .map(|d| match &d.drops {
            Some(n) => schema.with_graph(|g| {
                let set = g.drop_set(n);
                let reach = set
                    .owned
                    .iter()
                    .chain(&set.dependents)
                    .filter(|m| *m != n)
                    .cloned()
                    .collect();
                (reach, set.owned)
            }),
            None => (Vec::new(), Vec::new()),
        })
        .collect();
    // `a` must run before `b`: b's drop would take a's object, or a part
    // of it (a table's foreign key), with it.
    let before = |a: usize, b: usize| -> bool {
        drafts[a].slot == drafts[b].slot
            && drafts[a].drops.as_ref().is_some_and(|n| {
                sets[b].0.contains(n) || sets[a].1.iter().any(|part| sets[b].0.contains(part))
            })
    };
    let mut left: Vec<usize> = (0..drafts.len()).collect();
    let mut order: Vec<usize> = Vec::with_capacity(drafts.len());
    while !left.is_empty() {
        // Only within the first slot left: slots keep their order.
        let slot = left.iter().map(|&i| drafts[i].slot).min();
        let pick = left
            .iter()
            .position(|&b| {
                Some(drafts[b].slot) == slot && !left.iter().any(|&a| a != b && before(a, b))
            })
            .or_else(|| left.iter().position(|&b| Some(drafts[b].slot) == slot))
            .unwrap_or(0);
        order.push(left.remove(pick));
    }
    let sorted: Vec<&Draft> = order.into_iter().map(|i| drafts[i]).collect();
    *drafts = sorted;
}
