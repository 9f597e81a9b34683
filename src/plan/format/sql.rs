//! `--format sql`: the phases in order as one SQL document. Deploy phases
//! and every rollback are comments, so the file holds no statement that
//! should not run forward; run each phase on its own, when its time comes
//! (`--emit` writes them as migrations).

use super::{Wrapping, apps, script, title};
use crate::plan::model::Plan;
use std::fmt::Write as _;

pub fn sql(plan: &Plan) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "-- turquoise plan for {}", title(plan));
    let _ = writeln!(
        out,
        "-- Run each phase on its own, in order, when the one before is done everywhere."
    );
    for r in &plan.refusals {
        let _ = writeln!(out, "-- NO SAFE PLAN for {}: {}", r.object, r.reason);
    }
    for (i, p) in plan.phases.iter().enumerate() {
        let _ = writeln!(
            out,
            "\n-- ==========================================================================\n-- Phase {}: {} (runs while: {}; after it: {})\n-- ==========================================================================",
            i + 1,
            p.kind.title(),
            apps(&p.during),
            apps(&p.after)
        );
        for line in &p.instructions {
            let _ = writeln!(out, "-- {line}");
        }
        if !p.kind.has_sql() {
            continue;
        }
        if p.steps.is_empty() {
            let _ = writeln!(out, "-- nothing to run");
            continue;
        }
        out.push('\n');
        out.push_str(&script(&p.steps, &plan.lock_timeout, Wrapping::Explicit));
        if !p.rollback.is_empty() {
            let _ = writeln!(
                out,
                "\n-- Rollback of {} (leaves: {}):",
                p.kind.title(),
                apps(&p.after_rollback)
            );
            for line in script(&p.rollback, &plan.lock_timeout, Wrapping::Explicit).lines() {
                if line.is_empty() {
                    out.push_str("--\n");
                } else {
                    let _ = writeln!(out, "-- {line}");
                }
            }
        }
    }
    out
}
