//! New objects, objects changed in place, comments, and the statements
//! the model does not follow. New objects are made in expand as the range
//! leaves them (cut from the rendering of the schema after it); nothing
//! old code uses changes. Functions and compatible views are replaced in
//! expand; a view whose columns change is made again in contract.

use super::{Strategy, action_name, dependents, describe, recreate};
use crate::model::catalog::ObjectName;
use crate::model::{Action, ObjectRef, Replay, State, render};
use crate::plan::build::{Cx, Slot};
use crate::plan::delta::NetChange;
use crate::plan::model::{PhaseKind, Step};
use crate::plan::objects;
use crate::sql::ir::quote_ident;

/// Objects the range creates.
pub(crate) struct Create {
    pub changes: Vec<NetChange>,
}

impl Create {
    /// Whether `o` is one of the new objects, or part of a new table.
    fn wanted(&self, cx: &Cx, o: &ObjectRef) -> bool {
        // A new table or materialized view brings its parts.
        let new_table = |n: &ObjectName| {
            self.changes.iter().any(|c| {
                matches!(&c.change.object, ObjectRef::Table { name } | ObjectRef::View { name } if name == n)
            })
        };
        self.changes.iter().any(|c| &c.change.object == o)
            || match o {
                ObjectRef::Constraint { table, .. }
                | ObjectRef::Trigger { table, .. }
                | ObjectRef::Column { table, .. } => new_table(table),
                ObjectRef::Index { name } => cx
                    .after
                    .relation(name)
                    .and_then(|(_, oid)| cx.after.indexes.get(&oid))
                    .and_then(|i| cx.after.relation_name(i.table))
                    .is_some_and(new_table),
                _ => false,
            }
    }
}

impl Create {
    /// The relation (table, view, sequence, index) `o` names or belongs to.
    fn relation(cx: &Cx, o: &ObjectRef) -> Option<ObjectName> {
        match o {
            ObjectRef::Table { name } | ObjectRef::View { name } | ObjectRef::Sequence { name } => {
                Some(name.clone())
            }
            ObjectRef::Constraint { table, .. }
            | ObjectRef::Trigger { table, .. }
            | ObjectRef::Column { table, .. } => Some(table.clone()),
            ObjectRef::Index { name } => cx
                .after
                .relation(name)
                .and_then(|(_, oid)| cx.after.indexes.get(&oid))
                .and_then(|i| cx.after.relation_name(i.table))
                .cloned(),
            _ => None,
        }
    }

    /// Whether `o` takes (or belongs to a relation that takes) the name of
    /// a relation the range drops or renames: it can only be made once
    /// that one is gone, in contract.
    pub(crate) fn late(cx: &Cx, o: &ObjectRef) -> bool {
        let name_taken = |n: &ObjectName| {
            cx.before
                .relation(n)
                .is_some_and(|(_, oid)| cx.after.relation_name(oid) != Some(n))
        };
        let own = match o {
            ObjectRef::Index { name } => name_taken(name),
            _ => false,
        };
        own || Self::relation(cx, o).is_some_and(|n| name_taken(&n))
    }
}

impl Strategy for Create {
    fn early(&self, cx: &mut Cx) {
        // Sequences a new table owns go with the table.
        let owned_by_new = |o: &ObjectRef| match o {
            ObjectRef::Sequence { name } => cx
                .after
                .relation(name)
                .and_then(|(_, oid)| cx.after.sequences.get(&oid))
                .and_then(|s| s.owned_by)
                .is_some_and(|(t, _)| !cx.before.tables.contains_key(&t)),
            _ => false,
        };
        let on_view = |o: &ObjectRef| {
            Self::relation(cx, o)
                .and_then(|n| cx.after.relation(&n))
                .is_some_and(|(_, oid)| cx.after.views.contains_key(&oid))
        };
        let mut steps = Vec::new();
        for r in objects::creation_items(cx.after, &|o| self.wanted(cx, o)) {
            let sql = r.sql.clone();
            // The object this statement makes, if it is one of the new
            // top-level objects: dropping it undoes the statement.
            let made = r.objects.iter().find(|o| {
                self.changes.iter().any(|c| &c.change.object == *o)
                    && !matches!(
                        o,
                        ObjectRef::Constraint { .. }
                            | ObjectRef::Index { .. }
                            | ObjectRef::Column { .. }
                    )
                    && !owned_by_new(o)
            });
            let upper = sql.to_ascii_uppercase();
            let is_create = upper.starts_with("CREATE");
            // A foreign key between new tables goes before the tables do.
            let foreign_key = r.objects.iter().find(|o| match o {
                ObjectRef::Constraint { table, name } => objects::table(cx.after, table)
                    .and_then(|t| t.constraint(name))
                    .is_some_and(|c| {
                        matches!(
                            c.kind,
                            crate::model::catalog::ConstraintDef::ForeignKey { .. }
                        )
                    }),
                _ => false,
            });
            let undo: Vec<Step> = match (made, foreign_key) {
                (Some(o), _) if is_create => objects::drop_step(cx.after, o).into_iter().collect(),
                (None, Some(o)) if upper.starts_with("ALTER TABLE") => {
                    objects::drop_step(cx.after, o).into_iter().collect()
                }
                _ => Vec::new(),
            };
            let (phase, slot) = if r.objects.iter().any(|o| Self::late(cx, o)) {
                (PhaseKind::Contract, Slot::Redepend)
            } else if r
                .objects
                .iter()
                .any(|o| matches!(o, ObjectRef::View { .. }) || on_view(o))
            {
                (PhaseKind::Expand, Slot::View)
            } else if r
                .objects
                .iter()
                .any(|o| matches!(o, ObjectRef::Trigger { .. }))
            {
                (PhaseKind::Expand, Slot::Sync)
            } else {
                (PhaseKind::Expand, Slot::Create)
            };
            let comment = match made {
                Some(o) if is_create => format!("new {}", o),
                _ => "part of a new object".to_owned(),
            };
            steps.push((phase, slot, Step::new(comment, sql), undo));
        }
        for (phase, slot, step, undo) in steps {
            cx.add(phase, slot, step, undo);
        }
        for c in &self.changes {
            if Self::late(cx, &c.change.object) {
                cx.hazard(
                    PhaseKind::Contract,
                    format!("{} takes the name of something the migration drops: it is made only now; until contract green finds the old one under that name", c.change.object),
                );
                if let ObjectRef::Table { name } | ObjectRef::View { name } = &c.change.object
                    && !cx.late.contains(name)
                {
                    cx.late.push(name.clone());
                    cx.instruct_green(format!(
                        "does not use {} until contract makes it (the old one holds the name until then)",
                        c.change.object
                    ));
                }
                cx.planned(
                    describe(c),
                    "create",
                    c.compatibility,
                    "created in contract, once its name is free",
                );
            } else {
                cx.planned(describe(c), "create", c.compatibility, "created in expand");
            }
        }
    }
}

/// An object altered in place (function, view, sequence, trigger), or a
/// comment changed.
pub(crate) struct Change {
    pub change: NetChange,
}

impl Change {
    /// A view whose new definition keeps the old columns first: it can be
    /// replaced in place, in expand.
    fn view_in_place(&self) -> bool {
        match (&self.change.change.before, &self.change.change.after) {
            (Some(State::View(b)), Some(State::View(a))) => {
                !b.materialized
                    && !a.materialized
                    && match (&b.output_columns, &a.output_columns) {
                        (Some(x), Some(y)) => y.len() >= x.len() && y[..x.len()] == x[..],
                        _ => false,
                    }
            }
            _ => false,
        }
    }
}

impl Strategy for Change {
    fn early(&self, cx: &mut Cx) {
        let c = &self.change;
        let object = describe(c);
        match (&c.change.action, &c.change.before, &c.change.after) {
            (Action::Comment, Some(State::Comment(old)), Some(State::Comment(new))) => {
                let Some(target) = comment_target(cx, &c.change.object) else {
                    cx.refuse(
                        object,
                        "a comment on this kind of object is not planned yet",
                        None,
                    );
                    return;
                };
                let text =
                    |t: &Option<String>| t.as_deref().map_or("NULL".to_owned(), render::literal);
                cx.add(
                    PhaseKind::Expand,
                    Slot::Other,
                    Step::new(
                        "the new comment",
                        format!("COMMENT ON {target} IS {}", text(new)),
                    ),
                    vec![Step::new(
                        "the old comment",
                        format!("COMMENT ON {target} IS {}", text(old)),
                    )],
                );
                cx.planned(object, "comment", c.compatibility, "in expand");
            }
            (Action::Alter, Some(State::Function(b)), Some(State::Function(a))) => {
                cx.add(
                    PhaseKind::Expand,
                    Slot::Create,
                    Step::new("the new definition, in place", or_replace(&a.definition)),
                    vec![Step::new("the old definition", or_replace(&b.definition))],
                );
                cx.planned(object, "alter", c.compatibility, "replaced in expand");
            }
            (Action::Alter, Some(State::Sequence(b)), Some(State::Sequence(a))) => {
                cx.add(
                    PhaseKind::Expand,
                    Slot::Create,
                    Step::new(
                        "its new options (no row is written)",
                        alter_sequence(&a.name, a),
                    ),
                    vec![Step::new("its old options", alter_sequence(&a.name, b))],
                );
                cx.planned(object, "alter", c.compatibility, "altered in expand");
            }
            (Action::Alter, Some(State::View(b)), Some(State::View(a))) if self.view_in_place() => {
                let (an, bn) = (a.name.clone(), b.name.clone());
                let made = objects::creation(
                    cx.after,
                    &|o| matches!(o, ObjectRef::View { name } if *name == an),
                );
                let mut undo = vec![Step::new(
                    "the old definition",
                    format!("DROP VIEW {}", a.name),
                )];
                undo.extend(
                    objects::creation(
                        cx.before,
                        &|o| matches!(o, ObjectRef::View { name } if *name == bn),
                    )
                    .into_iter()
                    .map(|s| Step::new("the old definition", s)),
                );
                for (i, sql) in made.into_iter().enumerate() {
                    let (sql, undo) = if i == 0 {
                        (
                            sql.replacen("CREATE VIEW", "CREATE OR REPLACE VIEW", 1),
                            std::mem::take(&mut undo),
                        )
                    } else {
                        (sql, Vec::new())
                    };
                    cx.add(
                        PhaseKind::Expand,
                        Slot::View,
                        Step::new(
                            "the new definition, in place: its old columns stay first",
                            sql,
                        ),
                        undo,
                    );
                }
                cx.planned(object, "alter", c.compatibility, "replaced in expand");
            }
            (Action::Alter, Some(State::View(_)), Some(State::View(_))) => {
                cx.planned(
                    object,
                    "alter",
                    c.compatibility,
                    "made again in contract: its columns change",
                );
            }
            (Action::Alter, Some(State::Trigger(_)), Some(State::Trigger(_))) => {
                cx.planned(object, "alter", c.compatibility, "made again in contract");
            }
            _ => cx.refuse(
                object,
                format!(
                    "{} of this kind of object is not planned yet",
                    action_name(c.change.action)
                ),
                None,
            ),
        }
    }

    fn contract(&self, cx: &mut Cx, p: &Replay) {
        let c = &self.change;
        match (&c.change.action, &c.change.after) {
            (Action::Alter, Some(State::View(a))) if !self.view_in_place() => {
                dependents::rebuild_view(cx, p, &a.name);
            }
            (Action::Alter, Some(State::Trigger(_))) => {
                let object = c.change.object.clone();
                let Some(step) = objects::drop_step(&p.catalog, &object) else {
                    return;
                };
                cx.add_drop(
                    PhaseKind::Contract,
                    Slot::Drop,
                    step,
                    recreate(&p.catalog, std::slice::from_ref(&object)),
                    super::node_of(&p.catalog, &object),
                );
                let made = recreate(cx.after, std::slice::from_ref(&object));
                let undo = objects::drop_step(cx.after, &object)
                    .into_iter()
                    .collect::<Vec<_>>();
                for s in made {
                    cx.add(
                        PhaseKind::Contract,
                        Slot::Redepend,
                        Step::new("its new definition", s.sql),
                        undo.clone(),
                    );
                }
            }
            _ => {}
        }
    }
}

/// `CREATE FUNCTION` made `CREATE OR REPLACE FUNCTION`.
fn or_replace(definition: &str) -> String {
    let d = definition.trim().trim_end_matches(';').trim_end();
    let upper = d.to_ascii_uppercase();
    if upper.starts_with("CREATE OR REPLACE") {
        return d.to_owned();
    }
    match d.get(.."CREATE".len()) {
        Some(head) if head.eq_ignore_ascii_case("CREATE") => {
            format!("CREATE OR REPLACE{}", &d["CREATE".len()..])
        }
        _ => d.to_owned(),
    }
}

fn alter_sequence(name: &ObjectName, s: &crate::model::catalog::Sequence) -> String {
    format!(
        "ALTER SEQUENCE {name} AS {} INCREMENT BY {} MINVALUE {} MAXVALUE {} START WITH {} CACHE {}{}",
        s.data_type.to_sql(),
        s.increment,
        s.min_value,
        s.max_value,
        s.start,
        s.cache,
        if s.cycle { " CYCLE" } else { " NO CYCLE" }
    )
}

/// The `COMMENT ON` target of an object.
fn comment_target(cx: &Cx, o: &ObjectRef) -> Option<String> {
    Some(match o {
        ObjectRef::Schema { name } => format!("SCHEMA {}", quote_ident(name)),
        ObjectRef::Extension { name } => format!("EXTENSION {}", quote_ident(name)),
        ObjectRef::Table { name } => {
            let t = cx
                .after
                .relation(name)
                .map(|_| name.clone())
                .unwrap_or_else(|| name.clone());
            format!("TABLE {t}")
        }
        ObjectRef::Column { table, column } => {
            let oid = cx.before.relation(table).map(|(_, o)| o)?;
            format!("COLUMN {}.{}", cx.table_name(oid)?, quote_ident(column))
        }
        ObjectRef::Constraint { table, name } => {
            let oid = cx.before.relation(table).map(|(_, o)| o)?;
            format!(
                "CONSTRAINT {} ON {}",
                quote_ident(name),
                cx.table_name(oid)?
            )
        }
        ObjectRef::Trigger { table, name } => {
            let oid = cx.before.relation(table).map(|(_, o)| o)?;
            format!("TRIGGER {} ON {}", quote_ident(name), cx.table_name(oid)?)
        }
        ObjectRef::Index { name } => format!("INDEX {name}"),
        ObjectRef::View { name } => {
            let materialized = cx
                .after
                .relation(name)
                .and_then(|(_, oid)| cx.after.views.get(&oid))
                .is_some_and(|v| v.materialized);
            format!(
                "{} {name}",
                if materialized {
                    "MATERIALIZED VIEW"
                } else {
                    "VIEW"
                }
            )
        }
        ObjectRef::Sequence { name } => format!("SEQUENCE {name}"),
        ObjectRef::Type { name } => format!("TYPE {name}"),
        ObjectRef::Function { key } => format!("FUNCTION {key}"),
    })
}

/// A change no strategy plans: said so, left out.
pub(crate) struct Unplanned {
    pub change: NetChange,
}

impl Strategy for Unplanned {
    fn early(&self, cx: &mut Cx) {
        let c = &self.change;
        cx.refuse(
            describe(c),
            format!(
                "turquoise has no safe plan for this {}: old code that names the object by its old name breaks, and no compatibility object stands in for it",
                action_name(c.change.action)
            ),
            None,
        );
        cx.planned(
            describe(c),
            action_name(c.change.action),
            c.compatibility,
            "not planned (see below)",
        );
    }
}

/// Statements the model does not follow (grants, policies, VACUUM): in
/// expand as written, or in contract when they take something away.
pub(crate) struct Other;

impl Strategy for Other {
    fn early(&self, cx: &mut Cx) {
        let others = cx.intent.other.clone();
        for o in others {
            let takes_away = o.what == "REVOKE" || o.what.starts_with("DROP");
            let phase = if takes_away {
                PhaseKind::Contract
            } else {
                PhaseKind::Expand
            };
            let mut step = Step::new(
                format!("as the migration writes it ({})", o.location),
                o.sql.clone(),
            );
            if o.what.starts_with("VACUUM") || o.what.contains("CONCURRENTLY") {
                step = step.outside();
            }
            cx.add(phase, Slot::Other, step, Vec::new());
            cx.rollback_note(phase, format!("not undone: {} at {}", o.what, o.location));
            cx.planned(
                format!("statement at {}", o.location),
                &o.what.to_lowercase(),
                if takes_away {
                    crate::classify::Compatibility::Contract
                } else {
                    crate::classify::Compatibility::Neutral
                },
                format!("as written, in {}", phase.title()),
            );
        }
    }
}
