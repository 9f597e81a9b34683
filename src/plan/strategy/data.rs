//! The range's own row changes, in backfill, in the order written. A
//! single-table UPDATE runs in batches over the table's key, each batch its
//! own transaction, skipping the rows it would not change (so running it
//! again after an interruption only finishes the work); anything else runs
//! as written, in a transaction of its own.

use super::Strategy;
use crate::classify::Compatibility;
use crate::classify::volatile_default;
use crate::plan::build::{Cx, Slot};
use crate::plan::model::{PhaseKind, Step};
use crate::plan::statements::{self, Batch};
use crate::sql::ir::quote_ident;

pub(crate) struct Data;

impl Strategy for Data {
    fn early(&self, cx: &mut Cx) {
        let data = cx.intent.data.clone();
        for d in &data {
            // A relation the range makes and drops again exists in no
            // phase.
            if let Some((_, gone)) = d.uses.iter().find(|(oid, _)| {
                cx.before.relation_name(*oid).is_none() && cx.after.relation_name(*oid).is_none()
            }) {
                let first_line = d.sql.lines().next().unwrap_or("").trim();
                cx.refuse(
                    first_line,
                    format!("it uses {gone}, which the migration makes and drops again: no phase has it. Do the work without it, or by hand"),
                    Some(d.location.clone()),
                );
                continue;
            }
            // Rows of a table made only in contract (it takes the name of
            // something the migration drops) are written there, after it.
            let late = d.table.as_ref().is_some_and(|(oid, _)| {
                !cx.before.tables.contains_key(oid)
                    && cx.table_name(*oid).is_some_and(|name| {
                        super::create::Create::late(cx, &crate::model::ObjectRef::Table { name })
                    })
            });
            let (phase, slot) = if late {
                (PhaseKind::Contract, Slot::Finish)
            } else {
                (PhaseKind::Backfill, Slot::Data)
            };
            let first_line = d.sql.lines().next().unwrap_or("").trim().to_owned();
            let written_as = format!("{} ({})", first_line, d.location);
            let batchable = d.verb == "UPDATE"
                && !d.assignments.is_empty()
                && d.assignments.iter().all(|(_, a, _)| a.is_some());
            let target = d
                .table
                .as_ref()
                .and_then(|(oid, name)| Some((cx.table_name(*oid)?, name.clone())));
            let object = match &d.table {
                Some((_, n)) => format!("rows of {n}"),
                None => format!("statement at {}", d.location),
            };
            match (batchable, &d.key, target) {
                (true, Some(key), Some((table, then))) => {
                    // The statement may name the table as it was called
                    // then: that name is the alias.
                    let alias = d
                        .alias
                        .clone()
                        .or_else(|| (then.name != table.name).then(|| then.name.clone()));
                    let assigned: Vec<&str> =
                        d.assignments.iter().map(|(c, _, _)| c.as_str()).collect();
                    let reads_itself = d
                        .assignments
                        .iter()
                        .any(|(_, _, e)| e.columns.iter().any(|c| assigned.contains(&c.as_str())));
                    let set = d
                        .assignments
                        .iter()
                        .map(|(c, _, e)| format!("{} = {}", quote_ident(c), e.sql))
                        .collect::<Vec<_>>()
                        .join(", ");
                    // A value computed anew for every row (`nextval`) is
                    // never the one already there.
                    let volatile = d.assignments.iter().any(|(_, _, e)| {
                        volatile_default(e, cx.before) || volatile_default(e, cx.after)
                    });
                    let mut condition: Vec<String> =
                        d.selection.iter().map(|s| s.sql.clone()).collect();
                    if !reads_itself && !volatile {
                        // As text where the type has no equality (json).
                        let ty = |a: &Option<i16>| {
                            d.table.as_ref().and_then(|(oid, _)| {
                                [cx.before, cx.after]
                                    .iter()
                                    .filter_map(|c| c.tables.get(oid))
                                    .find_map(|t| a.and_then(|a| t.column_by_num(a)))
                                    .map(|c| c.data_type.clone())
                            })
                        };
                        let cols: Vec<String> = d
                            .assignments
                            .iter()
                            .map(|(c, a, _)| {
                                statements::comparable(&quote_ident(c), ty(a).as_ref())
                            })
                            .collect();
                        let exprs: Vec<String> = d
                            .assignments
                            .iter()
                            .map(|(_, a, e)| {
                                statements::comparable(&format!("({})", e.sql), ty(a).as_ref())
                            })
                            .collect();
                        let tuple = |v: &[String]| {
                            if v.len() == 1 {
                                v[0].clone()
                            } else {
                                format!("({})", v.join(", "))
                            }
                        };
                        condition.push(format!(
                            "{} IS DISTINCT FROM {}",
                            tuple(&cols),
                            tuple(&exprs)
                        ));
                    } else {
                        let what = if reads_itself {
                            "reads what it writes"
                        } else {
                            "writes a value computed anew for each row"
                        };
                        cx.hazard(
                            PhaseKind::Backfill,
                            format!("{written_as} {what}: run again after an interruption, it changes the batches already done a second time; start it again from the key the last NOTICE names"),
                        );
                    }
                    cx.add(
                        PhaseKind::Backfill,
                        Slot::Data,
                        Step::new(
                            format!(
                                "{written_as}, in batches of {} in key order, one transaction each",
                                cx.options.batch_size
                            ),
                            statements::batched_update(&Batch {
                                table: &table,
                                alias: alias.as_deref(),
                                key,
                                set,
                                condition: (!condition.is_empty())
                                    .then(|| condition.join(") AND (")),
                                size: cx.options.batch_size,
                                lock_timeout: &cx.options.lock_timeout,
                            }),
                        )
                        .outside()
                        .once(),
                        Vec::new(),
                    );
                    cx.planned(object, "data", Compatibility::Data, "batched in backfill");
                }
                _ => {
                    cx.add(
                        phase,
                        slot,
                        Step::new(
                            format!("as the migration writes it ({})", d.location),
                            d.sql.clone(),
                        )
                        .alone()
                        .once(),
                        Vec::new(),
                    );
                    let why = if d.verb != "UPDATE" {
                        format!("{} runs as written", d.verb)
                    } else if d.key.is_none() {
                        "its table has no key to batch by".to_owned()
                    } else {
                        "it is not a plain single-table UPDATE".to_owned()
                    };
                    cx.hazard(
                        PhaseKind::Backfill,
                        format!("{written_as} runs in one transaction ({why}): it holds its row locks until it ends"),
                    );
                    cx.planned(
                        object,
                        "data",
                        Compatibility::Data,
                        "in backfill, as written",
                    );
                }
            }
            cx.rollback_note(phase, format!("row changes are not undone: {written_as}"));
        }
    }
}
