//! ## What it does
//! Flags two or more `ALTER TABLE` statements on the same table that
//! existed before the migration, with nothing else touching the table
//! between them, when one statement would do: they run in separate
//! transactions (each queues for the table's lock again), or more than one
//! of them rewrites or scans the table.
//!
//! ## Why is this bad?
//! Each statement in its own transaction waits for its ACCESS EXCLUSIVE
//! lock behind every running query on the table, and all new queries queue
//! behind each wait. Each rewrite or validation scan reads the whole table
//! again under that lock, where one `ALTER TABLE` with several subcommands
//! makes a single pass.
//!
//! ## Example
//! ```sql
//! ALTER TABLE users ALTER COLUMN id TYPE bigint;
//! ALTER TABLE users ALTER COLUMN score TYPE bigint;
//! ```
//!
//! ## Use instead
//! One statement, subcommands separated by commas:
//!
//! ```sql
//! ALTER TABLE users ALTER COLUMN id TYPE bigint, ALTER COLUMN score TYPE bigint;
//! ```
//!
//! ## References
//! - <https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-NOTES>
//!   ("multiple table scans or rewrites can thereby be combined into a single
//!   pass over the table")
//! - eugene: `W12`

use super::{Check, MigrationInput, Rule, StatementRecord, Violation, join};
use crate::classify::Rewrite;
use crate::diagnostic::Severity;
use crate::model::catalog::ObjectName;
use crate::sql::ir::{AlterTableOp, ConstraintKind, Stmt};

pub static RULE: Rule = Rule {
    name: "multiple-alter-table",
    severity: Severity::Hint,
    source: include_str!("multiple_alter_table.rs"),
    check: Check::Migration(check),
};

fn check(input: &MigrationInput) -> Vec<Violation> {
    let tx = input.transactions();
    // Runs of combinable ALTER TABLEs per table, broken by any other
    // statement that locks the table.
    let mut open: Vec<(ObjectName, Vec<usize>)> = Vec::new();
    let mut runs: Vec<(ObjectName, Vec<usize>)> = Vec::new();
    for (i, r) in input.statements.iter().enumerate() {
        let target = combinable_target(r);
        for l in &r.classification.hazards.locks {
            if Some(&l.table) == target {
                continue;
            }
            if let Some(pos) = open.iter().position(|(t, _)| *t == l.table) {
                runs.push(open.remove(pos));
            }
        }
        if let Some(t) = target {
            match open.iter_mut().find(|(name, _)| name == t) {
                Some((_, run)) => run.push(i),
                None => open.push((t.clone(), vec![i])),
            }
        }
    }
    runs.append(&mut open);
    let mut out = Vec::new();
    for (table, run) in runs {
        if run.len() < 2 {
            continue;
        }
        let records: Vec<&StatementRecord> = run.iter().map(|&i| &input.statements[i]).collect();
        let lines = join(records.iter().map(|r| r.location.line.to_string()));
        let separate = run.windows(2).any(|w| tx[w[0]] != tx[w[1]]);
        let passes = records.iter().filter(|r| full_pass(r)).count();
        let why = if passes >= 2 {
            format!("{passes} of them read the whole table again under its lock")
        } else if separate {
            "they run in separate transactions, so each waits again for the table's lock and every query queues behind each wait".to_owned()
        } else {
            continue;
        };
        out.push(
            Violation::new(format!(
                "{} ALTER TABLE statements on {table} (lines {lines}) could be one: {why}",
                run.len()
            ))
            .help(format!(
                "combine them into one `ALTER TABLE {table} ...` with the subcommands separated by commas, which takes the lock once and makes one pass over the table"
            ))
            .at(records[0].location.clone()),
        );
    }
    out
}

/// The existing table an ALTER TABLE acts on, when its subcommands can be
/// merged with others (renames, SET SCHEMA, partition attach / detach and
/// VALIDATE CONSTRAINT are statements of their own, or kept apart for their
/// weaker lock).
fn combinable_target(r: &StatementRecord) -> Option<&ObjectName> {
    let Stmt::AlterTable(at) = &r.stmt else {
        return None;
    };
    let alone = at.ops.iter().any(|op| {
        matches!(
            op,
            AlterTableOp::RenameTo { .. }
                | AlterTableOp::RenameColumn { .. }
                | AlterTableOp::RenameConstraint { .. }
                | AlterTableOp::SetSchema { .. }
                | AlterTableOp::AttachPartition { .. }
                | AlterTableOp::DetachPartition { .. }
                | AlterTableOp::ValidateConstraint { .. }
        )
    });
    if alone {
        return None;
    }
    r.classification
        .hazards
        .locks
        .first()
        .filter(|l| !l.new)
        .map(|l| &l.table)
}

/// Whether the statement rewrites the table or scans it in a pass that one
/// combined statement would share (foreign keys and index builds are
/// checked and built one by one even then).
fn full_pass(r: &StatementRecord) -> bool {
    let h = &r.classification.hazards;
    if h.rewrite == Some(Rewrite::Table) {
        return true;
    }
    if !h.scan || h.rewrite.is_some() {
        return false;
    }
    let Stmt::AlterTable(at) = &r.stmt else {
        return false;
    };
    !at.ops.iter().any(|op| match op {
        AlterTableOp::AddConstraint(k) => matches!(k.kind, ConstraintKind::ForeignKey { .. }),
        AlterTableOp::AddColumn { column, .. } => column
            .constraints
            .iter()
            .any(|k| matches!(k.kind, ConstraintKind::ForeignKey { .. })),
        _ => false,
    })
}
