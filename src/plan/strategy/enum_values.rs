//! Enum types whose values changed. New values are added in expand (blue
//! never writes them; PostgreSQL cannot take one out again, so the rollback
//! leaves it). A renamed value is renamed in contract: an old and a new
//! name cannot stand side by side and end with the old one gone, so the
//! releases before contract read both and keep writing the old one.
//! Values removed or moved have no safe plan.

use super::Strategy;
use crate::model::catalog::TypeKind;
use crate::model::{Replay, State, render};
use crate::plan::build::{Cx, Slot};
use crate::plan::delta::NetChange;
use crate::plan::model::{PhaseKind, Step};

pub(crate) struct AlterType {
    pub change: NetChange,
}

struct Values {
    added: Vec<(String, String)>,
    renamed: Vec<(String, String)>,
}

impl AlterType {
    /// The values added (with the `AFTER`/`BEFORE` clause that puts each
    /// in place) and renamed; `Err` with why there is no safe plan.
    fn values(&self, cx: &Cx) -> Result<Values, String> {
        let (Some(State::Type(b)), Some(State::Type(a))) =
            (&self.change.change.before, &self.change.change.after)
        else {
            return Err("the type changed in a way turquoise does not plan yet".to_owned());
        };
        let (TypeKind::Enum { values: old }, TypeKind::Enum { values: new }) = (&b.kind, &a.kind)
        else {
            return Err("only enum values are planned: changing a domain or composite type is not planned yet".to_owned());
        };
        let mut renamed: Vec<(String, String)> = Vec::new();
        let mut current = old.clone();
        for (t, from, to) in &cx.intent.enum_renames {
            if *t == b.name
                && let Some(v) = current.iter_mut().find(|v| *v == from)
            {
                *v = to.clone();
                match renamed.iter_mut().find(|(_, n)| n == from) {
                    Some(r) => r.1 = to.clone(),
                    None => renamed.push((from.clone(), to.clone())),
                }
            }
        }
        renamed.retain(|(a, b)| a != b);
        // The old name of a value as it stands until contract.
        let then = |v: &str| {
            renamed
                .iter()
                .find(|(_, n)| n == v)
                .map_or(v.to_owned(), |(o, _)| o.clone())
        };
        if current.iter().any(|v| !new.contains(v)) {
            return Err(
                "values are removed: PostgreSQL cannot drop an enum value, and making the type again rewrites every table that uses it".to_owned(),
            );
        }
        let kept: Vec<&String> = new.iter().filter(|v| current.contains(v)).collect();
        if kept != current.iter().collect::<Vec<_>>() {
            return Err("values are reordered: PostgreSQL cannot move an enum value".to_owned());
        }
        let mut added = Vec::new();
        for (i, v) in new.iter().enumerate() {
            if current.contains(v) {
                continue;
            }
            let place = if i > 0 {
                format!(" AFTER {}", render::literal(&then(&new[i - 1])))
            } else if let Some(next) = new.get(1) {
                format!(" BEFORE {}", render::literal(&then(next)))
            } else {
                String::new()
            };
            added.push((v.clone(), place));
        }
        Ok(Values { added, renamed })
    }
}

impl Strategy for AlterType {
    fn early(&self, cx: &mut Cx) {
        let Some(State::Type(b)) = &self.change.change.before else {
            return;
        };
        let name = b.name.clone();
        let object = format!("type {name}");
        let values = match self.values(cx) {
            Ok(v) => v,
            Err(why) => {
                cx.refuse(object, why, None);
                return;
            }
        };
        for (v, place) in &values.added {
            cx.add(
                PhaseKind::Expand,
                Slot::Create,
                Step::new(
                    "a value of its own transaction: it cannot be used in the one that adds it",
                    format!("ALTER TYPE {name} ADD VALUE {}{place}", render::literal(v)),
                )
                .alone(),
                Vec::new(),
            );
        }
        if !values.added.is_empty() {
            cx.rollback_note(
                PhaseKind::Expand,
                format!(
                    "PostgreSQL cannot remove an enum value: {} keeps {} (blue never writes it)",
                    name,
                    values
                        .added
                        .iter()
                        .map(|(v, _)| render::literal(v))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
            cx.irreversible(PhaseKind::Expand, object.clone());
        }
        let mut how = Vec::new();
        if !values.added.is_empty() {
            how.push("values added in expand".to_owned());
        }
        for (from, to) in &values.renamed {
            cx.turquoise = true;
            let (f, t) = (render::literal(from), render::literal(to));
            cx.instruct(
                PhaseKind::DeployTurquoise,
                format!("reads both {f} and {t} of {name} as the same value, and writes {f}"),
            );
            cx.instruct(
                PhaseKind::DeployGreen,
                format!("writes {f}, not {t}, until contract has renamed it: then the release that writes {t} follows"),
            );
            cx.hazard(
                PhaseKind::Contract,
                format!("from now on writes of {f} into {name} fail: every running release must write {t}"),
            );
            how.push(format!("{f} renamed {t} in contract"));
        }
        cx.planned(object, "alter", self.change.compatibility, how.join("; "));
    }

    fn contract(&self, cx: &mut Cx, _p: &Replay) {
        let Some(State::Type(b)) = &self.change.change.before else {
            return;
        };
        let Ok(values) = self.values(cx) else {
            return;
        };
        for (from, to) in &values.renamed {
            let (f, t) = (render::literal(from), render::literal(to));
            cx.add(
                PhaseKind::Contract,
                Slot::Swap,
                Step::new(
                    "the new name, in place: no row is written",
                    format!("ALTER TYPE {} RENAME VALUE {f} TO {t}", b.name),
                ),
                vec![Step::new(
                    "the old name",
                    format!("ALTER TYPE {} RENAME VALUE {t} TO {f}", b.name),
                )],
            );
        }
    }
}
