//! What the planned range changes, net: the schema before it against the
//! schema after it, object by object. Relations are matched by oid and
//! columns by attribute number, as PostgreSQL keeps them, so a rename is a
//! rename however many statements it took, and an object dropped and made
//! again under its name is one change. Each change is classified by
//! [`crate::classify::change_compatibility`], as `lint` classifies the
//! changes of one statement.

use crate::classify::{Compatibility, Context, change_compatibility};
use crate::model::catalog::{
    AttNum, Catalog, Column, Constraint, ConstraintDef, Index, Oid, Table, Trigger, View,
};
use crate::model::{Action, Change, ObjectRef, Replay, State};
use crate::sql::rewrite::rename_identifier;

/// One net change and where it is.
#[derive(Debug, Clone)]
pub(crate) struct NetChange {
    pub change: Change,
    pub compatibility: Compatibility,
    /// The table (by oid) of a table, column, constraint or trigger change.
    pub table: Option<Oid>,
    /// The column of a column change.
    pub attnum: Option<AttNum>,
    /// The relation of an index, view or sequence change (by oid in the
    /// catalog that holds it).
    pub oid: Option<Oid>,
}

/// The net changes from `before` to `after`, classified.
pub(crate) fn changes(before: &Catalog, after: &Replay) -> Vec<NetChange> {
    let a = &after.catalog;
    let mut out: Vec<NetChange> = Vec::new();
    let mut push =
        |change: Change, table: Option<Oid>, attnum: Option<AttNum>, oid: Option<Oid>| {
            out.push(NetChange {
                change,
                compatibility: Compatibility::Neutral,
                table,
                attnum,
                oid,
            });
        };
    let change = |action, object, before: Option<State>, after: Option<State>| Change {
        action,
        object,
        before,
        after,
    };

    // Schemas, extensions, types and functions, by name.
    let mut by_name = |change: Change| push(change, None, None, None);
    macro_rules! named {
        ($map:ident, $object:expr, $key:expr, $state:expr, $same:expr) => {{
            let old: Vec<_> = before.$map.values().cloned().collect();
            let new: Vec<_> = a.$map.values().cloned().collect();
            let object = $object;
            pair(
                &old,
                &new,
                $key,
                (object, object),
                $state,
                $same,
                |x| &x.comment,
                &mut by_name,
            );
        }};
    }
    named!(
        schemas,
        |x: &crate::model::catalog::Schema| ObjectRef::Schema {
            name: x.name.clone()
        },
        |x| x.name.clone(),
        |x| State::Schema(x.clone()),
        |_, _| true
    );
    named!(
        extensions,
        |x: &crate::model::catalog::Extension| ObjectRef::Extension {
            name: x.name.clone()
        },
        |x| x.name.clone(),
        |x| State::Extension(x.clone()),
        |x, y| x.schema == y.schema && x.version == y.version
    );
    named!(
        types,
        |x: &crate::model::catalog::UserType| ObjectRef::Type {
            name: x.name.clone()
        },
        |x| x.name.clone(),
        |x| State::Type(x.clone()),
        |x, y| x.kind == y.kind
    );
    named!(
        functions,
        |x: &crate::model::catalog::Function| ObjectRef::Function { key: x.key.clone() },
        |x| x.key.clone(),
        |x| State::Function(Box::new(x.clone())),
        |x, y| squash(&x.definition) == squash(&y.definition)
    );

    // Sequences (those of identity columns go with their column), by oid.
    for s in before.sequences.values().filter(|s| !s.identity) {
        let object = ObjectRef::Sequence {
            name: s.name.clone(),
        };
        match a.sequences.get(&s.oid) {
            None => push(
                change(Action::Drop, object, Some(State::Sequence(s.clone())), None),
                None,
                None,
                Some(s.oid),
            ),
            Some(n) if n.name != s.name => push(
                change(
                    Action::Rename,
                    object,
                    Some(State::Sequence(s.clone())),
                    Some(State::Sequence(n.clone())),
                ),
                None,
                None,
                Some(s.oid),
            ),
            Some(n) if !same_sequence(s, n) => push(
                change(
                    Action::Alter,
                    object,
                    Some(State::Sequence(s.clone())),
                    Some(State::Sequence(n.clone())),
                ),
                None,
                None,
                Some(s.oid),
            ),
            Some(_) => {}
        }
    }
    for s in a.sequences.values().filter(|s| !s.identity) {
        if !before.sequences.contains_key(&s.oid) {
            push(
                change(
                    Action::Create,
                    ObjectRef::Sequence {
                        name: s.name.clone(),
                    },
                    None,
                    Some(State::Sequence(s.clone())),
                ),
                None,
                None,
                Some(s.oid),
            );
        }
    }

    // Tables, by oid, with their columns, constraints and triggers.
    for t in before.tables.values() {
        let object = ObjectRef::Table {
            name: t.name.clone(),
        };
        let Some(n) = a.tables.get(&t.oid) else {
            push(
                change(
                    Action::Drop,
                    object,
                    Some(State::Table(Box::new(t.clone()))),
                    None,
                ),
                Some(t.oid),
                None,
                None,
            );
            continue;
        };
        if n.name != t.name {
            push(
                change(
                    Action::Rename,
                    object.clone(),
                    Some(State::Table(Box::new(t.clone()))),
                    Some(State::Table(Box::new(n.clone()))),
                ),
                Some(t.oid),
                None,
                None,
            );
        }
        if n.comment != t.comment {
            push(
                comment(object, &t.comment, &n.comment),
                Some(t.oid),
                None,
                None,
            );
        }
        table_parts(before, a, t, n, &mut push);
    }
    for t in a.tables.values() {
        if !before.tables.contains_key(&t.oid) {
            push(
                change(
                    Action::Create,
                    ObjectRef::Table {
                        name: t.name.clone(),
                    },
                    None,
                    Some(State::Table(Box::new(t.clone()))),
                ),
                Some(t.oid),
                None,
                None,
            );
        }
    }

    // Indexes that no constraint owns, by oid; an old and a new index of
    // one name are one index made again. One that a constraint took over
    // (`ADD CONSTRAINT ... USING INDEX`) is planned with the constraint.
    let made_again = |i: &Index| {
        a.relation(&i.name)
            .and_then(|(_, oid)| a.indexes.get(&oid))
            .filter(|n| n.constraint.is_none() && !before.indexes.contains_key(&n.oid))
    };
    for i in before.indexes.values().filter(|i| i.constraint.is_none()) {
        let object = ObjectRef::Index {
            name: i.name.clone(),
        };
        let state = Some(State::Index(i.clone()));
        match a.indexes.get(&i.oid) {
            Some(n) if n.constraint.is_some() => {}
            None => match made_again(i) {
                Some(n) => push(
                    change(Action::Alter, object, state, Some(State::Index(n.clone()))),
                    Some(i.table),
                    None,
                    Some(n.oid),
                ),
                None => push(
                    change(Action::Drop, object, state, None),
                    Some(i.table),
                    None,
                    Some(i.oid),
                ),
            },
            Some(n) if n.name != i.name => push(
                change(Action::Rename, object, state, Some(State::Index(n.clone()))),
                Some(i.table),
                None,
                Some(i.oid),
            ),
            Some(n) if !same_index(before, a, i, n) => push(
                change(Action::Alter, object, state, Some(State::Index(n.clone()))),
                Some(i.table),
                None,
                Some(i.oid),
            ),
            Some(n) if n.comment != i.comment => push(
                comment(object, &i.comment, &n.comment),
                Some(i.table),
                None,
                Some(i.oid),
            ),
            Some(_) => {}
        }
    }
    for i in a.indexes.values().filter(|i| i.constraint.is_none()) {
        let again = before.indexes.values().any(|b| {
            b.constraint.is_none()
                && !a.indexes.contains_key(&b.oid)
                && made_again(b).is_some_and(|n| n.oid == i.oid)
        });
        if !before.indexes.contains_key(&i.oid) && !again {
            push(
                change(
                    Action::Create,
                    ObjectRef::Index {
                        name: i.name.clone(),
                    },
                    None,
                    Some(State::Index(i.clone())),
                ),
                Some(i.table),
                None,
                Some(i.oid),
            );
        }
    }

    // Views: by oid, then an old and a new view of one name are one view
    // made again.
    let mut matched_new: Vec<Oid> = Vec::new();
    for v in before.views.values() {
        let object = ObjectRef::View {
            name: v.name.clone(),
        };
        let n = a.views.get(&v.oid).or_else(|| {
            a.relation(&v.name)
                .and_then(|(_, oid)| a.views.get(&oid))
                .filter(|n| !before.views.contains_key(&n.oid))
        });
        let Some(n) = n else {
            push(
                change(
                    Action::Drop,
                    object,
                    Some(State::View(Box::new(v.clone()))),
                    None,
                ),
                None,
                None,
                Some(v.oid),
            );
            continue;
        };
        matched_new.push(n.oid);
        if n.name != v.name {
            push(
                change(
                    Action::Rename,
                    object.clone(),
                    Some(State::View(Box::new(v.clone()))),
                    Some(State::View(Box::new(n.clone()))),
                ),
                None,
                None,
                Some(v.oid),
            );
        }
        if !same_view(before, a, v, n) {
            push(
                change(
                    Action::Alter,
                    object.clone(),
                    Some(State::View(Box::new(v.clone()))),
                    Some(State::View(Box::new(n.clone()))),
                ),
                None,
                None,
                Some(v.oid),
            );
        } else if n.comment != v.comment || n.column_comments != v.column_comments {
            push(
                comment(object, &v.comment, &n.comment),
                None,
                None,
                Some(v.oid),
            );
        }
    }
    for v in a.views.values() {
        if !before.views.contains_key(&v.oid) && !matched_new.contains(&v.oid) {
            push(
                change(
                    Action::Create,
                    ObjectRef::View {
                        name: v.name.clone(),
                    },
                    None,
                    Some(State::View(Box::new(v.clone()))),
                ),
                None,
                None,
                Some(v.oid),
            );
        }
    }

    // Classify, as the statement classifier would: tables made in the range
    // are new.
    let context = Context {
        created: a
            .tables
            .keys()
            .filter(|o| !before.tables.contains_key(*o))
            .copied()
            .collect(),
        ..Context::default()
    };
    for c in &mut out {
        c.compatibility = change_compatibility(&c.change, &context, after);
    }
    out
}

fn comment(object: ObjectRef, old: &Option<String>, new: &Option<String>) -> Change {
    Change {
        action: Action::Comment,
        object,
        before: Some(State::Comment(old.clone())),
        after: Some(State::Comment(new.clone())),
    }
}

/// Columns, constraints and triggers of a table in both catalogs.
fn table_parts(
    before: &Catalog,
    after: &Catalog,
    t: &Table,
    n: &Table,
    push: &mut impl FnMut(Change, Option<Oid>, Option<AttNum>, Option<Oid>),
) {
    let oid = Some(t.oid);
    let column_ref = |table: &Table, c: &Column| ObjectRef::Column {
        table: table.name.clone(),
        column: c.name.clone(),
    };
    for c in &t.columns {
        let Some(nc) = n.column_by_num(c.attnum) else {
            push(
                Change {
                    action: Action::Drop,
                    object: column_ref(t, c),
                    before: Some(State::Column(c.clone())),
                    after: None,
                },
                oid,
                Some(c.attnum),
                None,
            );
            continue;
        };
        if nc.name != c.name {
            push(
                Change {
                    action: Action::Rename,
                    object: column_ref(t, c),
                    before: Some(State::Column(c.clone())),
                    after: Some(State::Column(nc.clone())),
                },
                oid,
                Some(c.attnum),
                None,
            );
        }
        let renamed_default = c
            .default
            .as_ref()
            .map(|d| renamed(&d.sql, t, n))
            .unwrap_or_default();
        let same = c.data_type == nc.data_type
            && c.not_null == nc.not_null
            && renamed_default
                == nc
                    .default
                    .as_ref()
                    .map(|d| d.sql.clone())
                    .unwrap_or_default()
            && c.identity == nc.identity
            && c.generated.as_ref().map(|g| renamed(&g.sql, t, n))
                == nc.generated.as_ref().map(|g| g.sql.clone())
            && c.collation == nc.collation;
        if !same {
            push(
                Change {
                    action: Action::Alter,
                    object: column_ref(t, c),
                    before: Some(State::Column(c.clone())),
                    after: Some(State::Column(nc.clone())),
                },
                oid,
                Some(c.attnum),
                None,
            );
        } else if c.comment != nc.comment {
            push(
                comment(column_ref(t, c), &c.comment, &nc.comment),
                oid,
                Some(c.attnum),
                None,
            );
        }
    }
    for c in &n.columns {
        if t.column_by_num(c.attnum).is_none() {
            push(
                Change {
                    action: Action::Create,
                    object: column_ref(n, c),
                    before: None,
                    after: Some(State::Column(c.clone())),
                },
                oid,
                Some(c.attnum),
                None,
            );
        }
    }
    let constraint_ref = |table: &Table| {
        let name = table.name.clone();
        move |c: &Constraint| ObjectRef::Constraint {
            table: name.clone(),
            name: c.name.clone(),
        }
    };
    pair(
        &t.constraints,
        &n.constraints,
        |c| c.name.clone(),
        (constraint_ref(t), constraint_ref(n)),
        |c| State::Constraint(c.clone()),
        |c, nc| same_constraint(before, after, t, n, c, nc),
        |c| &c.comment,
        &mut |change| push(change, oid, None, None),
    );
    let trigger_ref = |table: &Table| {
        let name = table.name.clone();
        move |tr: &Trigger| ObjectRef::Trigger {
            table: name.clone(),
            name: tr.name.clone(),
        }
    };
    pair(
        &t.triggers,
        &n.triggers,
        |tr| tr.name.clone(),
        (trigger_ref(t), trigger_ref(n)),
        |tr| State::Trigger(tr.clone()),
        |a, b| same_trigger(t, n, a, b),
        |tr| &tr.comment,
        &mut |change| push(change, oid, None, None),
    );
}

/// Objects of one kind matched by `key`: only in `old`, dropped; only in
/// `new`, created; in both, altered unless `same`, else a comment change
/// when only the comment differs. `object` names an object of `old` and
/// one of `new`.
#[allow(clippy::too_many_arguments)]
fn pair<T, K: PartialEq>(
    old: &[T],
    new: &[T],
    key: impl Fn(&T) -> K,
    object: (impl Fn(&T) -> ObjectRef, impl Fn(&T) -> ObjectRef),
    state: impl Fn(&T) -> State,
    same: impl Fn(&T, &T) -> bool,
    comment_of: impl Fn(&T) -> &Option<String>,
    out: &mut dyn FnMut(Change),
) {
    let change = |action, object, before, after| Change {
        action,
        object,
        before,
        after,
    };
    for o in old {
        match new.iter().find(|n| key(n) == key(o)) {
            None => out(change(Action::Drop, object.0(o), Some(state(o)), None)),
            Some(n) if !same(o, n) => {
                out(change(
                    Action::Alter,
                    object.0(o),
                    Some(state(o)),
                    Some(state(n)),
                ));
                if comment_of(n) != comment_of(o) {
                    out(comment(object.0(o), comment_of(o), comment_of(n)));
                }
            }
            Some(n) if comment_of(n) != comment_of(o) => {
                out(comment(object.0(o), comment_of(o), comment_of(n)))
            }
            Some(_) => {}
        }
    }
    for n in new {
        if !old.iter().any(|o| key(o) == key(n)) {
            out(change(Action::Create, object.1(n), None, Some(state(n))));
        }
    }
}

/// SQL text of table `t` with its renamed columns spelled as in `n`.
fn renamed(sql: &str, t: &Table, n: &Table) -> String {
    let mut out = sql.to_owned();
    for c in &t.columns {
        if let Some(nc) = n.column_by_num(c.attnum)
            && nc.name != c.name
        {
            out = rename_identifier(&out, &c.name, &nc.name);
        }
    }
    out
}

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether a constraint is the same in both catalogs once renames are
/// followed (columns are held by number; checks are SQL text).
fn same_constraint(
    before: &Catalog,
    after: &Catalog,
    t: &Table,
    n: &Table,
    c: &Constraint,
    nc: &Constraint,
) -> bool {
    if c.deferrable != nc.deferrable
        || c.initially_deferred != nc.initially_deferred
        || c.validated != nc.validated
    {
        return false;
    }
    match (&c.kind, &nc.kind) {
        (
            ConstraintDef::Check {
                expr: a,
                no_inherit: x,
            },
            ConstraintDef::Check {
                expr: b,
                no_inherit: y,
            },
        ) => x == y && squash(&renamed(&a.sql, t, n)) == squash(&b.sql),
        (
            ConstraintDef::ForeignKey {
                columns: a,
                ref_table: ra,
                ref_columns: rca,
                on_delete: da,
                on_update: ua,
                match_full: ma,
            },
            ConstraintDef::ForeignKey {
                columns: b,
                ref_table: rb,
                ref_columns: rcb,
                on_delete: db,
                on_update: ub,
                match_full: mb,
            },
        ) => a == b && ra == rb && rca == rcb && da == db && ua == ub && ma == mb,
        (a, b) => {
            // Keys: same columns, and their indexes the same.
            let strip = |d: &ConstraintDef| match d {
                ConstraintDef::PrimaryKey {
                    columns, include, ..
                } => Some((0, columns.clone(), include.clone(), false)),
                ConstraintDef::Unique {
                    columns,
                    include,
                    nulls_not_distinct,
                    ..
                } => Some((1, columns.clone(), include.clone(), *nulls_not_distinct)),
                _ => None,
            };
            match (strip(a), strip(b)) {
                (Some(x), Some(y)) => {
                    x == y
                        && match (a.index(), b.index()) {
                            (Some(ia), Some(ib)) => {
                                match (before.indexes.get(&ia), after.indexes.get(&ib)) {
                                    (Some(i), Some(j)) => same_index(before, after, i, j),
                                    _ => true,
                                }
                            }
                            _ => true,
                        }
                }
                _ => {
                    let _ = (before, after);
                    format!("{a:?}") == format!("{b:?}")
                }
            }
        }
    }
}

fn same_index(before: &Catalog, after: &Catalog, i: &Index, j: &Index) -> bool {
    let (Some(t), Some(n)) = (before.tables.get(&i.table), after.tables.get(&j.table)) else {
        return i.keys == j.keys && i.predicate == j.predicate;
    };
    let text = |e: &Option<crate::sql::ir::SqlExpr>, follow: bool| {
        e.as_ref().map(|e| {
            if follow {
                squash(&renamed(&e.sql, t, n))
            } else {
                squash(&e.sql)
            }
        })
    };
    i.table == j.table
        && i.unique == j.unique
        && i.method == j.method
        && i.include == j.include
        && i.nulls_not_distinct == j.nulls_not_distinct
        && i.with == j.with
        && text(&i.predicate, true) == text(&j.predicate, false)
        && i.keys.len() == j.keys.len()
        && i.keys.iter().zip(&j.keys).all(|(a, b)| {
            a.column == b.column
                && text(&a.expr, true) == text(&b.expr, false)
                && a.collation == b.collation
                && a.opclass == b.opclass
                && a.descending == b.descending
                && a.nulls_first == b.nulls_first
        })
}

/// Whether a view is the same once the renames of what it reads are
/// followed into its query.
fn same_view(before: &Catalog, after: &Catalog, v: &View, n: &View) -> bool {
    let mut query = v.query.clone();
    for oid in &v.reads {
        if let (Some(t), Some(nt)) = (before.tables.get(oid), after.tables.get(oid)) {
            query = renamed(&query, t, nt);
            if t.name.name != nt.name.name {
                query = rename_identifier(&query, &t.name.name, &nt.name.name);
            }
        }
    }
    // The names the view shows: written ones, else the query's (a rename
    // of what it reads writes the old names down to keep them).
    let names = |v: &View| {
        if v.columns.is_empty() {
            v.output_columns.clone()
        } else {
            Some(v.columns.clone())
        }
    };
    let mut query = squash(&query);
    let mut new_query = squash(&n.query);
    if names(v) == names(n) {
        query = query.to_lowercase();
        new_query = new_query.to_lowercase();
    }
    v.materialized == n.materialized
        && names(v) == names(n)
        && query == new_query
        && v.with_data == n.with_data
}

fn same_trigger(t: &Table, n: &Table, a: &Trigger, b: &Trigger) -> bool {
    let cols: Vec<String> = a.update_columns.iter().map(|c| renamed(c, t, n)).collect();
    a.timing == b.timing
        && a.events == b.events
        && cols == b.update_columns
        && a.for_each_row == b.for_each_row
        && a.when.as_ref().map(|w| squash(&renamed(&w.sql, t, n)))
            == b.when.as_ref().map(|w| squash(&w.sql))
        && a.function == b.function
        && a.arguments == b.arguments
        && a.constraint == b.constraint
}

fn same_sequence(a: &crate::model::catalog::Sequence, b: &crate::model::catalog::Sequence) -> bool {
    a.data_type == b.data_type
        && a.start == b.start
        && a.increment == b.increment
        && a.min_value == b.min_value
        && a.max_value == b.max_value
        && a.cache == b.cache
        && a.cycle == b.cycle
        && a.comment == b.comment
}
