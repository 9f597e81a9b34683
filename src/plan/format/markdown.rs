//! `--format markdown`: the plan for a reviewer: what changes and how,
//! a table of the phases with the application versions that run in each,
//! then each phase with its SQL, hazards and rollback.

use super::{Wrapping, apps, script, title};
use crate::plan::model::{Phase, Plan};
use std::fmt::Write as _;

/// Cell text that does not break a table row.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

pub fn markdown(plan: &Plan) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Plan for {}\n", title(plan));
    if plan.breaking() {
        let _ = writeln!(
            out,
            "This migration breaks the application version running now (blue). The plan below splits it into phases that blue{} and green can live through, one after the other, with no downtime.\n",
            if plan.turquoise_needed {
                ", a turquoise release in between,"
            } else {
                ""
            }
        );
    } else {
        let _ = writeln!(
            out,
            "Nothing in this migration breaks the application version running now: the plan runs it in safe forms (short locks, concurrent index builds, batched backfills).\n"
        );
    }
    if !plan.refusals.is_empty() {
        let _ = writeln!(out, "## No safe plan\n");
        for r in &plan.refusals {
            let at = r
                .location
                .as_ref()
                .map(|l| format!(" ({l})"))
                .unwrap_or_default();
            let _ = writeln!(out, "- **{}**{at}: {}", r.object, r.reason);
        }
        let _ = writeln!(out, "\nThe phases below leave these out.\n");
    }
    let _ = writeln!(out, "## Changes\n");
    let _ = writeln!(out, "| object | change | compatibility | plan |");
    let _ = writeln!(out, "| --- | --- | --- | --- |");
    for c in &plan.changes {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            cell(&c.object),
            c.action,
            c.compatibility,
            cell(&c.how)
        );
    }
    let _ = writeln!(out, "\n## Phases\n");
    let _ = writeln!(
        out,
        "| # | phase | runs while | after it | after its rollback | statements |"
    );
    let _ = writeln!(out, "| --- | --- | --- | --- | --- | --- |");
    for (i, p) in plan.phases.iter().enumerate() {
        let statements = if p.kind.has_sql() {
            p.steps.len().to_string()
        } else {
            "release".to_owned()
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            i + 1,
            p.kind.title(),
            apps(&p.during),
            apps(&p.after),
            apps(&p.after_rollback),
            statements
        );
    }
    for (i, p) in plan.phases.iter().enumerate() {
        phase(&mut out, i + 1, p, &plan.lock_timeout);
    }
    if !plan.auxiliary.is_empty() {
        let _ = writeln!(out, "\n## Auxiliary objects\n");
        let _ = writeln!(
            out,
            "The plan makes these for the transition; contract removes them all.\n"
        );
        let _ = writeln!(out, "| object | purpose | made in | removed in |");
        let _ = writeln!(out, "| --- | --- | --- | --- |");
        for a in &plan.auxiliary {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                cell(&a.object),
                cell(&a.purpose),
                a.created.title(),
                a.removed.title()
            );
        }
    }
    if !plan.ignored.is_empty() {
        let _ = writeln!(out, "\n## Left out\n");
        for i in &plan.ignored {
            let _ = writeln!(out, "- {i}");
        }
    }
    let _ = writeln!(out, "\n## Check\n");
    if !plan.refusals.is_empty() {
        let _ = writeln!(
            out,
            "Not checked: the plan leaves out the changes above, and what depends on them cannot run without them."
        );
    } else if plan.check.is_empty() {
        let _ = writeln!(
            out,
            "Replayed on turquoise's schema model: every statement applies, {}each rollback gives back the schema before its phase. `turquoise plan --verify` proves it on PostgreSQL.",
            if plan.refusals.is_empty() {
                "the phases end on the schema the migration itself makes, and "
            } else {
                ""
            }
        );
    } else {
        let _ = writeln!(
            out,
            "Replaying the plan on turquoise's schema model found:\n"
        );
        for c in &plan.check {
            let _ = writeln!(out, "- {c}");
        }
    }
    out
}

fn phase(out: &mut String, n: usize, p: &Phase, lock_timeout: &str) {
    let _ = writeln!(out, "\n## {n}. {}\n", capitalised(p.kind.title()));
    let _ = writeln!(
        out,
        "Runs while: {}. After it: {}. After its rollback: {}.\n",
        apps(&p.during),
        apps(&p.after),
        apps(&p.after_rollback)
    );
    if !p.instructions.is_empty() {
        let what = if p.kind.has_sql() {
            "Before you run it"
        } else {
            "The release"
        };
        let _ = writeln!(out, "{what}:\n");
        for line in &p.instructions {
            let _ = writeln!(out, "- {line}");
        }
        out.push('\n');
    }
    if !p.kind.has_sql() {
        return;
    }
    if p.steps.is_empty() {
        let _ = writeln!(out, "Nothing to run.");
        return;
    }
    let _ = writeln!(
        out,
        "```sql\n{}```\n",
        script(&p.steps, lock_timeout, Wrapping::Explicit)
    );
    if !p.hazards.is_empty() {
        let _ = writeln!(out, "Hazards:\n");
        for h in &p.hazards {
            let _ = writeln!(out, "- {h}");
        }
        out.push('\n');
    }
    if p.rollback.is_empty() {
        let _ = writeln!(out, "Rollback: nothing to undo.");
    } else {
        let _ = writeln!(
            out,
            "Rollback (back to the schema before this phase):\n\n```sql\n{}```",
            script(&p.rollback, lock_timeout, Wrapping::Explicit)
        );
    }
    for note in &p.rollback_notes {
        let _ = writeln!(out, "\n- {note}");
    }
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}
