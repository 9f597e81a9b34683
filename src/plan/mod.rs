//! Phase plans: a migration (or a range of them) that breaks running code,
//! split into phases that blue, turquoise and green releases of the
//! application live through: expand, backfill, deploy turquoise, deploy
//! green, contract (see docs/plans.md).
//!
//! The planner replays the history up to the range and through it, takes
//! the net change of the schema object by object ([`delta`]) and what the
//! statements say beyond it ([`intent`]), gives each classified change to
//! its [`strategy`], orders the statements ([`order`]) and replays the
//! result on the model ([`check`]): the phases must reach the schema the
//! original migration makes, and each rollback the schema before its
//! phase. [`format`] prints a plan and [`emit`] writes it as migrations;
//! `pg::plan` runs it on a real server. Nothing here talks to a server.

mod build;
mod check;
mod delta;
pub mod emit;
pub mod format;
mod intent;
pub mod model;
mod objects;
mod order;
pub mod probe;
mod statements;
mod strategy;

pub use model::{
    App, Auxiliary, Phase, PhaseKind, Plan, PlannedChange, Refusal, Run, Source, Step, Sync,
};

use crate::diagnostic::Severity;
use crate::history::History;
use crate::model::Replay;
use crate::sql::StatementKind;
use build::Cx;
use model::Refusal as RefusalValue;

/// How to plan.
#[derive(Debug, Clone)]
pub struct Options {
    /// Rows per backfill batch.
    pub batch_size: u32,
    /// The `lock_timeout` every transaction of the plan sets.
    pub lock_timeout: String,
    /// Values for new NOT NULL columns the migration gives none.
    pub fills: Vec<Fill>,
    pub pg_version: u32,
    pub search_path: Vec<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            batch_size: 1000,
            lock_timeout: "5s".to_owned(),
            fills: Vec::new(),
            pg_version: crate::classify::DEFAULT_PG_VERSION,
            search_path: vec!["public".to_owned()],
        }
    }
}

/// `--fill TABLE.COLUMN=EXPRESSION`: what a new NOT NULL column holds for
/// the rows already there and for blue's writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fill {
    /// `table` or `schema.table`.
    pub table: String,
    pub column: String,
    /// SQL over the row's other columns.
    pub expr: String,
}

impl Fill {
    /// Reads `table.column=expression` or `schema.table.column=expression`.
    pub fn parse(text: &str) -> Result<Fill, String> {
        let (target, expr) = text
            .split_once('=')
            .ok_or_else(|| format!("`{text}`: expected TABLE.COLUMN=EXPRESSION"))?;
        let (table, column) = target
            .trim()
            .rsplit_once('.')
            .ok_or_else(|| format!("`{target}`: expected TABLE.COLUMN before `=`"))?;
        if table.is_empty() || column.is_empty() || expr.trim().is_empty() {
            return Err(format!("`{text}`: expected TABLE.COLUMN=EXPRESSION"));
        }
        Ok(Fill {
            table: table.to_owned(),
            column: column.to_owned(),
            expr: expr.trim().to_owned(),
        })
    }
}

/// Which migrations to plan: one (the last when `None`), or a range.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    pub from: Option<String>,
    pub to: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error("the history holds no migration to plan")]
    Empty,
    #[error("no migration has version {0}")]
    UnknownVersion(String),
    #[error("--from {from} comes after --to {to}")]
    Backwards { from: String, to: String },
}

/// The schemas around a range: before it and after it, with what its
/// statements say.
pub(crate) struct Replayed {
    pub before: Replay,
    pub after: Replay,
    pub intent: intent::Intent,
    pub refusals: Vec<RefusalValue>,
    pub sources: Vec<Source>,
}

/// The index range of the selected migrations in `history`.
pub(crate) fn range(history: &History, selection: &Selection) -> Result<(usize, usize), PlanError> {
    let find = |v: &str| {
        history
            .migrations
            .iter()
            .position(|m| m.migration.version.text == v)
            .ok_or_else(|| PlanError::UnknownVersion(v.to_owned()))
    };
    let last = history
        .migrations
        .iter()
        .rposition(|m| !m.migration.repeatable)
        .ok_or(PlanError::Empty)?;
    let (from, to) = match (&selection.from, &selection.to) {
        (None, None) => (last, last),
        (Some(f), None) => (find(f)?, find(f)?),
        (None, Some(t)) => (find(t)?, find(t)?),
        (Some(f), Some(t)) => (find(f)?, find(t)?),
    };
    if from > to {
        return Err(PlanError::Backwards {
            from: selection.from.clone().unwrap_or_default(),
            to: selection.to.clone().unwrap_or_default(),
        });
    }
    Ok((from, to))
}

/// Replays `history` up to the selected range and through it.
pub(crate) fn replay(
    history: &History,
    selection: &Selection,
    search_path: &[String],
) -> Result<Replayed, PlanError> {
    let (from, to) = range(history, selection)?;
    let mut replay = Replay::new(search_path.to_vec());
    let apply = |replay: &mut Replay, m: &crate::history::ReplayedMigration| {
        for st in &m.up.statements {
            if let StatementKind::Parsed(stmt) = &st.kind {
                replay.apply(stmt, &st.location);
            }
        }
        replay.end_transaction();
    };
    for m in &history.migrations[..from] {
        apply(&mut replay, m);
    }
    let before = replay.clone();
    let mut intent = intent::Intent::default();
    let mut refusals = Vec::new();
    let mut sources = Vec::new();
    for m in &history.migrations[from..=to] {
        sources.push(Source {
            version: m.migration.version.text.clone(),
            name: m.migration.name.clone(),
            up: m.migration.up.path.clone(),
        });
        let text = &m.migration.up.text;
        for st in &m.up.statements {
            let sql = text.get(st.location.start..st.location.end).unwrap_or("");
            match &st.kind {
                StatementKind::Parsed(stmt) => {
                    intent.observe(stmt, sql, &st.location, &replay);
                    for f in replay.apply(stmt, &st.location).findings {
                        if f.severity >= Severity::Error {
                            refusals.push(RefusalValue {
                                object: format!("statement at {}", st.location),
                                reason: f.message,
                                location: Some(st.location.clone()),
                            });
                        }
                    }
                }
                StatementKind::Opaque { message } => refusals.push(RefusalValue {
                    object: format!("statement at {}", st.location),
                    reason: format!("turquoise does not understand this statement, so it cannot place it in a phase ({message})"),
                    location: Some(st.location.clone()),
                }),
                StatementKind::Meta { .. } => {}
            }
        }
        replay.end_transaction();
    }
    Ok(Replayed {
        before,
        after: replay,
        intent,
        refusals,
        sources,
    })
}

/// The schemas around the selected range, and the tables it changes (by
/// oid, in both): what `verify` needs besides the plan.
pub struct Schemas {
    pub before: crate::model::Catalog,
    pub after: crate::model::Catalog,
    pub tables: Vec<crate::model::catalog::Oid>,
}

pub fn schemas(
    history: &History,
    selection: &Selection,
    search_path: &[String],
) -> Result<Schemas, PlanError> {
    let r = replay(history, selection, search_path)?;
    let changes = delta::changes(&r.before.catalog, &r.after);
    let mut tables: Vec<crate::model::catalog::Oid> =
        changes.iter().filter_map(|c| c.table).collect();
    // Tables with a column of a changed type.
    for c in &changes {
        if let crate::model::ObjectRef::Type { name } = &c.change.object {
            for t in r
                .before
                .catalog
                .tables
                .values()
                .chain(r.after.catalog.tables.values())
            {
                if t.columns.iter().any(|col| {
                    col.data_type.name == name.name
                        && col
                            .data_type
                            .schema
                            .as_ref()
                            .is_none_or(|s| *s == name.schema)
                }) {
                    tables.push(t.oid);
                }
            }
        }
    }
    // And the tables a foreign key links them to, in either schema: what
    // the change may affect through the key.
    let linked: Vec<crate::model::catalog::Oid> = [&r.before.catalog, &r.after.catalog]
        .iter()
        .flat_map(|c| c.tables.values())
        .flat_map(|t| {
            t.constraints.iter().filter_map(move |k| match &k.kind {
                crate::model::catalog::ConstraintDef::ForeignKey { ref_table, .. } => {
                    Some((t.oid, *ref_table))
                }
                _ => None,
            })
        })
        .filter(|(a, b)| tables.contains(a) != tables.contains(b))
        .map(|(a, b)| if tables.contains(&a) { b } else { a })
        .collect();
    tables.extend(linked);
    tables.sort_unstable();
    tables.dedup();
    Ok(Schemas {
        before: r.before.catalog,
        after: r.after.catalog,
        tables,
    })
}

/// What differs between two schemas, as lines, leaving out the order of
/// columns (which no migration can restore), how SQL text is spelled, and
/// the objects in `ignore`.
pub fn differences(
    expected: &crate::model::Catalog,
    actual: &crate::model::Catalog,
    ignore: &[String],
) -> Vec<String> {
    check::differences(expected, actual, ignore)
}

/// Whether a difference between two catalogs is only the order of a
/// table's columns.
pub fn column_order_only(d: &crate::model::diff::Difference) -> bool {
    check::column_order_only(d)
}

/// Plans the selected migrations of `history`.
pub fn plan(
    history: &History,
    selection: &Selection,
    options: &Options,
) -> Result<Plan, PlanError> {
    let r = replay(history, selection, &options.search_path)?;
    Ok(plan_replayed(&r, options))
}

fn plan_replayed(r: &Replayed, options: &Options) -> Plan {
    use model::PhaseKind::*;
    let changes = delta::changes(&r.before.catalog, &r.after);
    let mut cx = Cx::new(&r.before.catalog, &r.after.catalog, options, &r.intent);
    cx.refusals.extend(r.refusals.iter().cloned());
    cx.refusals.extend(r.intent.refusals.iter().cloned());
    let strategies = strategy::strategies(&changes, &cx);
    for s in &strategies {
        s.early(&mut cx);
    }
    let (pg, timeout) = (options.pg_version, options.lock_timeout.clone());
    let mut check: Vec<String> = Vec::new();
    let mut hazards: Vec<(PhaseKind, Vec<String>)> = Vec::new();

    let expand = cx.steps(Expand, &|_| {});
    let mut e = r.before.clone();
    let (p, h) = check::apply(&mut e, &expand.steps, pg, &timeout, "expand");
    check.extend(p);
    hazards.push((Expand, h));
    let backfill = cx.steps(Backfill, &|_| {});
    let mut pstate = e.clone();
    let (p, h) = check::apply(&mut pstate, &backfill.steps, pg, &timeout, "backfill");
    check.extend(p);
    hazards.push((Backfill, h));

    for s in &strategies {
        s.contract(&mut cx, &pstate);
    }
    strategy::dependents::rebuild(&mut cx, &pstate);
    let contract = cx.steps(Contract, &|d| order::drops_first(d, &pstate));
    let mut f = pstate.clone();
    let (p, h) = check::apply(&mut f, &contract.steps, pg, &timeout, "contract");
    check.extend(p);
    hazards.push((Contract, h));

    // Does the plan reach the original migration's schema, and does every
    // rollback restore the schema before its phase?
    let refused = !cx.refusals.is_empty();
    if !refused {
        for d in check::differences(&r.after.catalog, &f.catalog, &[]) {
            check.push(format!(
                "after contract, against the migration's own schema: {d}"
            ));
        }
    }
    let rollbacks = [
        (Expand, &e, &r.before, &expand),
        (Backfill, &pstate, &e, &backfill),
        (Contract, &f, &pstate, &contract),
    ];
    for (kind, after, before, ordered) in rollbacks {
        let mut s = after.clone();
        let (p, _) = check::apply(
            &mut s,
            &ordered.rollback(),
            pg,
            &timeout,
            &format!("{} rollback", kind.title()),
        );
        check.extend(p);
        let ignore = cx.irreversible.get(&kind).cloned().unwrap_or_default();
        for d in check::differences(&before.catalog, &s.catalog, &ignore) {
            check.push(format!("after the {} rollback: {d}", kind.title()));
        }
    }
    if refused {
        // Without the changes it leaves out, what depends on them fails
        // too: the replay proves nothing about an incomplete plan.
        check.clear();
    }
    for (kind, h) in hazards {
        for line in h {
            cx.hazard(kind, line);
        }
    }

    let mut phases = Vec::new();
    for kind in PhaseKind::ALL {
        let ordered = match kind {
            Expand => expand.clone(),
            Backfill => backfill.clone(),
            Contract => contract.clone(),
            _ => build::Ordered::default(),
        };
        let mut phase = cx.phase(kind, ordered);
        if kind == DeployGreen {
            phase.instructions.insert(
                0,
                "the code written for the schema after the migration; it may run from now on"
                    .to_owned(),
            );
        }
        if kind == DeployTurquoise && !cx.turquoise {
            phase.instructions.insert(
                0,
                "no release in between is needed: blue and green both work on this schema, so green may replace blue now".to_owned(),
            );
        }
        if kind == Contract {
            phase.instructions.insert(
                0,
                "run only once no blue (or turquoise) instance is left".to_owned(),
            );
        }
        phases.push(phase);
    }
    let mut auxiliary = cx.auxiliary.clone();
    auxiliary.sort();
    auxiliary.dedup();
    let mut changes_out = cx.changes.clone();
    changes_out.sort_by(|a, b| a.object.cmp(&b.object));
    for i in &r.intent.ignored {
        check.retain(|c| c != i);
    }
    Plan {
        migrations: r.sources.clone(),
        changes: changes_out,
        phases,
        auxiliary,
        syncs: cx.syncs.clone(),
        late: cx.late.clone(),
        refusals: cx.refusals.clone(),
        turquoise_needed: cx.turquoise,
        check,
        batch_size: options.batch_size,
        lock_timeout: options.lock_timeout.clone(),
        ignored: r.intent.ignored.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_read_table_column_and_expression() {
        assert_eq!(
            Fill::parse("books.isbn13 = '978' || isbn"),
            Ok(Fill {
                table: "books".into(),
                column: "isbn13".into(),
                expr: "'978' || isbn".into()
            })
        );
        assert_eq!(
            Fill::parse("app.books.x=1").map(|f| f.table),
            Ok("app.books".to_owned())
        );
        assert!(Fill::parse("books=1").is_err());
        assert!(Fill::parse("books.x").is_err());
    }
}
