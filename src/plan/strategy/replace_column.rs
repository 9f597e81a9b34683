//! A column renamed, or retyped in a way that rewrites the table, is
//! replaced: expand adds the replacement (under the new name, or a shadow
//! `tq_<column>` of the new type) with a trigger that keeps it equal to the
//! old column (both ways for a rename: blue writes the old name, green the
//! new one), backfill copies the rows in batches and builds copies of the
//! indexes, keys, checks and foreign keys on the column, and contract drops
//! the old column and gives the replacement and the copies their final
//! names, with the foreign keys of other tables that reference it.

use super::{Strategy, concurrently, node_of, owned_parts, recreate, unvalidate};
use crate::classify::Compatibility;
use crate::graph::Node;
use crate::model::catalog::{
    AttNum, Catalog, Column, ConstraintDef, Index, ObjectName, Oid, Table,
};
use crate::model::render;
use crate::model::{ObjectRef, Replay};
use crate::plan::build::{Cx, Slot};
use crate::plan::model::{PhaseKind, Step};
use crate::plan::objects::{alter_table, aux_name, key_columns};
use crate::plan::statements::{self, Batch};
use crate::sql::ir::quote_ident;
use crate::sql::rewrite::rename_column;

pub(crate) struct ReplaceColumn {
    pub table: Oid,
    pub attnum: AttNum,
    /// Every column of the table the range replaces, this one included:
    /// an index or constraint on several is copied once, by the first.
    pub siblings: Vec<AttNum>,
}

/// Everything about one replacement, worked out the same way in both steps.
struct Parts<'a> {
    b: &'a Table,
    a: &'a Table,
    cb: &'a Column,
    ca: &'a Column,
    /// The table's name during the transition.
    t: ObjectName,
    /// The replacement column's name during the transition.
    nc: String,
    /// Renamed: blue writes the old name and green the new one.
    two_way: bool,
    using: Option<String>,
    /// The time zone the migration's type change ran in, if it set one.
    zone: Option<String>,
    /// The schema after the range, with the replaced columns under their
    /// names during the transition: renders copies of what refers to them.
    shadow: Catalog,
    /// Final and transition names of the table's retyped columns.
    shadows: Vec<(String, String)>,
    /// The table's replaced columns, as the range leaves them.
    siblings: Vec<&'a Column>,
    /// The sync trigger's name.
    trigger: String,
}

impl<'a> Parts<'a> {
    fn new(cx: &Cx<'a>, r: &ReplaceColumn) -> Option<Parts<'a>> {
        let (table, attnum) = (r.table, r.attnum);
        let b = cx.before.tables.get(&table)?;
        let a = cx.after.tables.get(&table)?;
        let cb = b.column_by_num(attnum)?;
        let ca = a.column_by_num(attnum)?;
        let two_way = cb.name != ca.name;
        let nc = if two_way {
            ca.name.clone()
        } else {
            aux_name(&[&ca.name])
        };
        // Retyped columns keep their name: during the transition their
        // replacement is the shadow.
        let mut shadows = Vec::new();
        let mut siblings = Vec::new();
        for s in &r.siblings {
            if let (Some(x), Some(y)) = (b.column_by_num(*s), a.column_by_num(*s)) {
                siblings.push(y);
                if x.name == y.name {
                    shadows.push((y.name.clone(), aux_name(&[&y.name])));
                }
            }
        }
        let mut shadow = cx.after.clone();
        if let Some(t) = shadow.tables.get_mut(&table) {
            for c in t.columns.iter_mut() {
                if let Some((_, transition)) = shadows.iter().find(|(f, _)| *f == c.name) {
                    c.name = transition.clone();
                }
            }
        }
        Some(Parts {
            trigger: super::fires_last(cx, &a.name, aux_name(&["sync", &ca.name])),
            shadows,
            siblings,
            b,
            a,
            cb,
            ca,
            t: a.name.clone(),
            nc,
            two_way,
            using: cx.intent.using.get(&(table, attnum)).map(|e| e.sql.clone()),
            zone: cx.intent.zone.get(&(table, attnum)).cloned(),
            shadow,
        })
    }

    fn same_type(&self) -> bool {
        self.cb.data_type == self.ca.data_type
    }

    /// Between `timestamp` and `timestamptz` a value converts by the
    /// session's time zone: the one the migration set, named, so the
    /// trigger converts alike in every session.
    fn zoned(&self, x: &str) -> Option<String> {
        const PLAIN: &str = "timestamp without time zone";
        const ZONED: &str = "timestamp with time zone";
        let (a, b) = (
            self.cb.data_type.name.as_str(),
            self.ca.data_type.name.as_str(),
        );
        let between = matches!((a, b), (PLAIN, ZONED) | (ZONED, PLAIN));
        let zone = self.zone.as_ref()?;
        between.then(|| format!("({x} AT TIME ZONE {})", render::literal(zone)))
    }

    /// The old column's value `x` as the new column's type; on a row
    /// being written when `on_row`, else in an UPDATE of the table.
    fn to_new(&self, x: &str, on_row: bool) -> String {
        match &self.using {
            Some(u) if on_row => statements::on_row(u, &self.t.name),
            Some(u) => format!("({u})"),
            None if self.same_type() => x.to_owned(),
            None => self
                .zoned(x)
                .unwrap_or_else(|| format!("CAST({x} AS {})", self.ca.data_type.to_sql())),
        }
    }

    /// The new column's value `x` as the old column's type.
    fn to_old(&self, x: &str) -> String {
        if self.same_type() {
            x.to_owned()
        } else {
            self.zoned(x)
                .unwrap_or_else(|| format!("CAST({x} AS {})", self.cb.data_type.to_sql()))
        }
    }

    /// The check that stands for NOT NULL until contract, named for the
    /// column's final name.
    fn check(&self) -> String {
        super::column::not_null_name(&self.t, &self.ca.name)
    }

    fn function(&self) -> ObjectName {
        ObjectName::new(
            &self.t.schema,
            &aux_name(&["sync", &self.t.name, &self.ca.name]),
        )
    }

    fn trigger(&self) -> String {
        self.trigger.clone()
    }

    /// Whether this replacement copies what names the replaced columns
    /// `on`: the first of them does.
    fn owns(&self, on: impl Fn(&Column) -> bool) -> bool {
        self.siblings.iter().find(|c| on(c)).map(|c| c.attnum) == Some(self.ca.attnum)
    }

    /// Indexes (not of constraints) on the column as the range leaves
    /// them: the new ones and those it had.
    fn indexes(&self, _before: &'a Catalog, after: &'a Catalog) -> Vec<(&'a Index, &'a Index)> {
        on_column_indexes(after, self.a, self.ca)
            .into_iter()
            .filter(|i| {
                self.owns(|c| {
                    on_column_indexes(after, self.a, c)
                        .iter()
                        .any(|x| x.oid == i.oid)
                })
            })
            .map(|i| (i, i))
            .collect()
    }

    /// Constraints of the table that name the column, as the range leaves
    /// them: keys (with their index), checks, foreign keys.
    fn constraints(&self) -> Vec<&'a crate::model::catalog::Constraint> {
        on_column_constraints(self.a, self.ca)
            .into_iter()
            .filter(|k| {
                self.owns(|c| {
                    on_column_constraints(self.a, c)
                        .iter()
                        .any(|x| x.name == k.name)
                })
            })
            .collect()
    }

    /// SQL text of the schema after the range with the retyped columns
    /// under their shadows' names.
    fn in_transition(&self, sql: &str) -> String {
        let mut out = sql.to_owned();
        for (final_name, transition) in &self.shadows {
            out = rename_column(&out, final_name, transition);
        }
        out
    }

    /// The copy of index `i` (as the range leaves it) on the replacement.
    fn index_copy(&self, i: &Index, name: &str) -> String {
        let mut copy = i.clone();
        copy.name = ObjectName::new(&i.name.schema, name);
        let follow = |e: &mut crate::sql::ir::SqlExpr| e.sql = self.in_transition(&e.sql);
        for k in &mut copy.keys {
            if let Some(e) = &mut k.expr {
                follow(e);
            }
        }
        if let Some(p) = &mut copy.predicate {
            follow(p);
        }
        concurrently(&render::index_definition(&self.shadow, &copy))
    }

    fn shadow_table(&self) -> &Table {
        self.shadow.tables.get(&self.a.oid).unwrap_or(self.a)
    }
}

impl Strategy for ReplaceColumn {
    fn early(&self, cx: &mut Cx) {
        let Some(p) = Parts::new(cx, self) else {
            return;
        };
        let object = format!("column {}.{}", p.b.name, quote_ident(&p.cb.name));
        if p.cb.identity.is_some()
            || p.ca.identity.is_some()
            || p.cb.generated.is_some()
            || p.ca.generated.is_some()
        {
            cx.refuse(
                object,
                "an identity or generated column cannot be carried over to a replacement column yet; rename or retype it in a maintenance window, or make it a plain column with a sequence default first",
                None,
            );
            return;
        }
        let t = p.t.clone();
        let alter = alter_table(&t);
        let nc = quote_ident(&p.nc);
        let mut column_type = p.ca.data_type.to_sql();
        if let Some(c) = &p.ca.collation {
            column_type.push_str(&format!(" COLLATE {}", quote_ident(c)));
        }
        let why = if p.two_way {
            format!(
                "green's name for {}; NULL allowed until the backfill is validated",
                quote_ident(&p.cb.name)
            )
        } else {
            format!(
                "{} as {}, filled by the trigger below",
                quote_ident(&p.cb.name),
                p.ca.data_type.to_sql()
            )
        };
        cx.add(
            PhaseKind::Expand,
            Slot::Column,
            Step::new(why, format!("{alter} ADD COLUMN {nc} {column_type}")),
            vec![Step::new(
                "the replacement goes",
                format!("{alter} DROP COLUMN {nc}"),
            )],
        );
        if !p.two_way {
            cx.aux(
                format!("column {t}.{nc}"),
                format!(
                    "{} as {}; takes its name in contract",
                    quote_ident(&p.cb.name),
                    p.ca.data_type.to_sql()
                ),
                PhaseKind::Expand,
                PhaseKind::Contract,
            );
        }
        if p.ca.not_null {
            super::column::check_not_null_named(cx, &t, &p.nc, &p.check());
        }
        // The trigger.
        let old_col = p.cb.name.clone();
        let body = if p.two_way {
            statements::sync_both_ways(
                &old_col,
                (&p.nc, &p.ca.data_type),
                &|x| p.to_new(x, true),
                &|x| p.to_old(x),
            )
        } else {
            statements::sync_one_way(
                &p.nc,
                &p.to_new(&format!("NEW.{}", quote_ident(&old_col)), true),
            )
        };
        let function = p.function();
        let trigger = p.trigger();
        let why = if p.two_way {
            format!(
                "keeps {} and {nc} equal: a write to either is copied to the other",
                quote_ident(&old_col)
            )
        } else {
            format!("copies every write of {} into {nc}", quote_ident(&old_col))
        };
        super::add_trigger(
            cx,
            &t,
            (&function, &trigger),
            &body,
            why,
            format!("keeps {nc} equal to {}", quote_ident(&old_col)),
        );
        cx.syncs.push(crate::plan::model::Sync {
            table: t.clone(),
            old: old_col.clone(),
            new: p.nc.clone(),
            expected: p.to_new(&quote_ident(&old_col), false),
            both_ways: p.two_way,
        });
        if p.zoned("x").is_none() && p.zone.is_none() && !p.same_type() {
            let plain = |n: &str| n.starts_with("timestamp");
            if plain(&p.cb.data_type.name) && plain(&p.ca.data_type.name) {
                cx.hazard(
                    PhaseKind::Expand,
                    format!(
                        "{} converts {} between timestamp types in the time zone of each writer's session (the migration sets none): every session must use the zone the migration would have run in",
                        quote_ident(&trigger),
                        quote_ident(&old_col)
                    ),
                );
            }
        }
        // The backfill.
        let old_q = quote_ident(&old_col);
        let value = p.to_new(&old_q, false);
        backfill(
            cx,
            &t,
            p.a,
            &format!("{nc} = {value}"),
            &format!(
                "{} IS DISTINCT FROM {}",
                statements::comparable(&nc, Some(&p.ca.data_type)),
                statements::comparable(&value, Some(&p.ca.data_type))
            ),
        );
        user_triggers(cx, p.b);
        // Copies of what refers to the column.
        for (_, i) in p.indexes(cx.before, cx.after) {
            let name = aux_name(&[&i.name.name]);
            let copy = ObjectName::new(&i.name.schema, &name);
            cx.add(
                PhaseKind::Backfill,
                Slot::Copy,
                Step::new(
                    format!("{} on {nc}, built without blocking writes", i.name),
                    p.index_copy(i, &name),
                )
                .outside(),
                vec![
                    Step::new("the copy goes", format!("DROP INDEX CONCURRENTLY {copy}")).outside(),
                ],
            );
            cx.aux(
                format!("index {copy}"),
                format!("{} on {nc}; takes its name in contract", i.name),
                PhaseKind::Backfill,
                PhaseKind::Contract,
            );
        }
        for c in p.constraints() {
            let name = aux_name(&[&c.name]);
            match &c.kind {
                ConstraintDef::PrimaryKey { index, .. } | ConstraintDef::Unique { index, .. } => {
                    let Some(i) = cx.after.indexes.get(index) else {
                        continue;
                    };
                    let copy = ObjectName::new(&i.name.schema, &name);
                    let mut unique = i.clone();
                    unique.constraint = None;
                    cx.add(
                        PhaseKind::Backfill,
                        Slot::Copy,
                        Step::new(
                            format!(
                                "the index of {} on {nc}, for contract to take over",
                                quote_ident(&c.name)
                            ),
                            p.index_copy(&unique, &name),
                        )
                        .outside(),
                        vec![
                            Step::new("the copy goes", format!("DROP INDEX CONCURRENTLY {copy}"))
                                .outside(),
                        ],
                    );
                    cx.aux(
                        format!("index {copy}"),
                        format!("becomes {} in contract", quote_ident(&c.name)),
                        PhaseKind::Backfill,
                        PhaseKind::Contract,
                    );
                }
                ConstraintDef::Check { .. } | ConstraintDef::ForeignKey { .. } => {
                    let mut copy = c.clone();
                    copy.name = name.clone();
                    if let ConstraintDef::Check { expr, .. } = &mut copy.kind {
                        expr.sql = p.in_transition(&expr.sql);
                    }
                    let def = super::definition(&p.shadow, p.shadow_table(), &copy);
                    cx.add(
                        PhaseKind::Expand,
                        Slot::Constrain,
                        Step::new(
                            format!("{} for {nc}, for new writes now", quote_ident(&c.name)),
                            format!(
                                "{alter} ADD CONSTRAINT {} {def} NOT VALID",
                                quote_ident(&name)
                            ),
                        ),
                        vec![Step::new(
                            "the copy goes",
                            format!("{alter} DROP CONSTRAINT {}", quote_ident(&name)),
                        )],
                    );
                    if c.validated {
                        cx.add(
                            PhaseKind::Backfill,
                            Slot::Validate,
                            Step::new(
                                format!("{} holds for every row", quote_ident(&name)),
                                statements::validate(&t, &name),
                            )
                            .alone(),
                            unvalidate(&t, &name, &def),
                        );
                    }
                    cx.aux(
                        format!("constraint {} on {t}", quote_ident(&name)),
                        format!(
                            "{} on {nc}; takes its name in contract",
                            quote_ident(&c.name)
                        ),
                        PhaseKind::Expand,
                        PhaseKind::Contract,
                    );
                }
                _ => {}
            }
        }
        // What the releases do.
        if p.two_way {
            cx.instruct(
                PhaseKind::DeployTurquoise,
                format!(
                    "may read and write {} or {nc} of {t}: {} copies every write to the other",
                    quote_ident(&old_col),
                    quote_ident(&trigger)
                ),
            );
        } else {
            cx.instruct(
                PhaseKind::DeployTurquoise,
                format!(
                    "reads and writes {} of {t} as before",
                    quote_ident(&old_col)
                ),
            );
            cx.instruct(
                PhaseKind::DeployGreen,
                format!(
                    "{}.{} is still {} until contract: green's values must fit it until then ({} copies them into {nc})",
                    t,
                    quote_ident(&old_col),
                    p.cb.data_type.to_sql(),
                    quote_ident(&trigger)
                ),
            );
        }
        let how = if p.two_way {
            format!(
                "new column {nc} kept equal to {} by {}, backfilled; {} dropped in contract",
                quote_ident(&old_col),
                quote_ident(&trigger),
                quote_ident(&old_col)
            )
        } else {
            format!(
                "shadow column {nc} ({}) filled by {}, backfilled, swapped in contract",
                p.ca.data_type.to_sql(),
                quote_ident(&trigger)
            )
        };
        cx.planned(
            object,
            if p.two_way { "rename" } else { "alter" },
            Compatibility::ExpandContract,
            how,
        );
        cx.rollback_note(
            PhaseKind::Contract,
            format!(
                "the rollback adds {}.{} back and copies it from {nc}",
                t,
                quote_ident(&old_col),
            ),
        );
    }

    fn contract(&self, cx: &mut Cx, pr: &Replay) {
        let pc = &pr.catalog;
        let Some(p) = Parts::new(cx, self) else {
            return;
        };
        if p.cb.identity.is_some()
            || p.ca.identity.is_some()
            || p.cb.generated.is_some()
            || p.ca.generated.is_some()
        {
            return;
        }
        let t = p.t.clone();
        let alter = alter_table(&t);
        let nc = quote_ident(&p.nc);
        let old_col = p.cb.name.clone();
        let old_q = quote_ident(&old_col);
        let final_q = quote_ident(&p.ca.name);
        // The trigger and its function.
        let trigger = ObjectRef::Trigger {
            table: t.clone(),
            name: p.trigger(),
        };
        let function = p.function();
        // Their undo is part of the old column's (below): the rollback
        // makes them again before it copies the rows back.
        cx.add_drop(
            PhaseKind::Contract,
            Slot::Unsync,
            Step::new(
                "blue is gone: no more copying",
                format!("DROP TRIGGER {} ON {t}", quote_ident(&p.trigger())),
            ),
            Vec::new(),
            node_of(pc, &trigger),
        );
        let fkey = pc.functions.keys().find(|k| k.name == function).cloned();
        let mut sync_again = Vec::new();
        if let Some(key) = fkey {
            let f = ObjectRef::Function { key: key.clone() };
            sync_again.extend(recreate(pc, std::slice::from_ref(&f)));
            cx.add_drop(
                PhaseKind::Contract,
                Slot::Unsync,
                Step::new("its function", format!("DROP FUNCTION {function}()")),
                Vec::new(),
                Some(Node::Function(key)),
            );
        }
        sync_again.extend(recreate(pc, std::slice::from_ref(&trigger)));
        // Foreign keys of other tables that reference the column's key,
        // and sequences the column owns.
        let Some(pt) = pc.tables.get(&self.table) else {
            return;
        };
        let Some(pcol) = pt.column_by_num(self.attnum) else {
            return;
        };
        let keys: Vec<&crate::model::catalog::Constraint> = p
            .constraints()
            .into_iter()
            .filter(|c| {
                matches!(
                    c.kind,
                    ConstraintDef::PrimaryKey { .. } | ConstraintDef::Unique { .. }
                )
            })
            .collect();
        let mut incoming: Vec<(ObjectName, String)> = Vec::new();
        for child in pc.tables.values() {
            for fk in &child.constraints {
                if let ConstraintDef::ForeignKey {
                    ref_table,
                    ref_columns,
                    ..
                } = &fk.kind
                    && *ref_table == self.table
                    && ref_columns.contains(&self.attnum)
                    && cx
                        .after
                        .tables
                        .get(&child.oid)
                        .is_some_and(|a| a.constraint(&fk.name).is_some())
                {
                    let object = ObjectRef::Constraint {
                        table: child.name.clone(),
                        name: fk.name.clone(),
                    };
                    cx.add_drop(
                        PhaseKind::Contract,
                        Slot::Unlink,
                        Step::new(
                            format!("references the key of {old_q}; made again on {final_q} below"),
                            format!(
                                "{} DROP CONSTRAINT {}",
                                alter_table(&child.name),
                                quote_ident(&fk.name)
                            ),
                        ),
                        recreate(pc, std::slice::from_ref(&object)),
                        node_of(pc, &object),
                    );
                    incoming.push((child.name.clone(), fk.name.clone()));
                }
            }
        }
        for s in pc.sequences.values() {
            if s.owned_by == Some((self.table, self.attnum)) {
                cx.add(
                    PhaseKind::Contract,
                    Slot::Unlink,
                    Step::new(
                        format!("{} stays when {old_q} goes", s.name),
                        format!("ALTER SEQUENCE {} OWNED BY {t}.{nc}", s.name),
                    ),
                    vec![Step::new(
                        "owned by the old column again",
                        format!("ALTER SEQUENCE {} OWNED BY {t}.{old_q}", s.name),
                    )],
                );
            }
        }
        // The old column, and what the rollback needs to make it again.
        let mut undo = Vec::new();
        let mut col_type = pcol.data_type.to_sql();
        if let Some(c) = &pcol.collation {
            col_type.push_str(&format!(" COLLATE {}", quote_ident(c)));
        }
        undo.push(Step::new(
            "the old column again",
            format!("{alter} ADD COLUMN {old_q} {col_type}"),
        ));
        // One UPDATE, in the rollback's transaction: a rollback runs as
        // one migration, whose down cannot also commit batches. The sync
        // trigger comes back after it (it would convert the copy again).
        let back = p.to_old(&nc);
        undo.push(Step::new(
            format!("{old_q} from {nc}"),
            format!(
                "UPDATE {t} SET {old_q} = {back} WHERE {} IS DISTINCT FROM {}",
                statements::comparable(&old_q, Some(&pcol.data_type)),
                statements::comparable(&back, Some(&pcol.data_type))
            ),
        ));
        if let Some(d) = &pcol.default {
            undo.push(Step::new(
                "its default",
                format!("{alter} ALTER COLUMN {old_q} SET DEFAULT {}", d.sql),
            ));
        }
        if pcol.not_null {
            undo.push(Step::new(
                "its NOT NULL (reads the table)",
                format!("{alter} ALTER COLUMN {old_q} SET NOT NULL"),
            ));
        }
        if let Some(c) = &pcol.comment {
            undo.push(Step::new(
                "its comment",
                format!("COMMENT ON COLUMN {t}.{old_q} IS {}", render::literal(c)),
            ));
        }
        // Sequences it owns were handed to the replacement above.
        let owned: Vec<ObjectRef> = owned_parts(pr, &Node::Column(self.table, self.attnum))
            .into_iter()
            .filter(|o| !matches!(o, ObjectRef::Sequence { .. }))
            .collect();
        undo.extend(recreate(pc, &owned));
        undo.extend(sync_again.into_iter().map(|s| Step {
            comment: "the sync trigger again".to_owned(),
            ..s
        }));
        if p.using.is_some() {
            cx.rollback_note(
                PhaseKind::Contract,
                format!(
                    "the migration converts {old_q} with USING, which has no inverse: the rollback copies {nc} back with a plain cast, which fails where PostgreSQL has no such cast (an enum to boolean): edit that UPDATE to convert back before you need it"
                ),
            );
        }
        cx.add_drop(
            PhaseKind::Contract,
            Slot::Drop,
            Step::new(
                format!("blue is gone: {old_q} goes, with its indexes and constraints"),
                format!("{alter} DROP COLUMN {old_q}"),
            ),
            undo,
            Some(Node::Column(self.table, self.attnum)),
        );
        // The replacement and the copies take the final names.
        if !p.two_way {
            cx.add(
                PhaseKind::Contract,
                Slot::Swap,
                Step::new(
                    format!("{nc} becomes {final_q}"),
                    format!("{alter} RENAME COLUMN {nc} TO {final_q}"),
                ),
                vec![Step::new(
                    "back to the shadow's name",
                    format!("{alter} RENAME COLUMN {final_q} TO {nc}"),
                )],
            );
        }
        for (_, i) in p.indexes(cx.before, cx.after) {
            let copy = ObjectName::new(&i.name.schema, &aux_name(&[&i.name.name]));
            cx.add(
                PhaseKind::Contract,
                Slot::Swap,
                Step::new(
                    format!("the copy takes the name of {}", i.name),
                    format!("ALTER INDEX {copy} RENAME TO {}", quote_ident(&i.name.name)),
                ),
                vec![Step::new(
                    "back to the copy's name",
                    format!(
                        "ALTER INDEX {} RENAME TO {}",
                        i.name,
                        quote_ident(&copy.name)
                    ),
                )],
            );
        }
        if p.ca.not_null {
            super::column::finish_not_null(cx, &t, &p.ca.name);
        }
        for c in p.constraints() {
            let name = aux_name(&[&c.name]);
            match &c.kind {
                ConstraintDef::PrimaryKey { index, .. } | ConstraintDef::Unique { index, .. } => {
                    let kind = if matches!(c.kind, ConstraintDef::PrimaryKey { .. }) {
                        "PRIMARY KEY"
                    } else {
                        "UNIQUE"
                    };
                    let mut deferrable = String::new();
                    if c.deferrable {
                        deferrable.push_str(" DEFERRABLE");
                        if c.initially_deferred {
                            deferrable.push_str(" INITIALLY DEFERRED");
                        }
                    }
                    // The column has its final name until the rollback
                    // renames it back (the index follows). Built in the
                    // rollback's transaction, not concurrently: see above.
                    let rebuild = cx.after.indexes.get(index).map(|i| {
                        let mut unique = i.clone();
                        unique.constraint = None;
                        unique.name = ObjectName::new(&i.name.schema, &name);
                        render::index_definition(cx.after, &unique)
                    });
                    let mut undo = vec![Step::new(
                        "the key goes, with its index",
                        format!("{alter} DROP CONSTRAINT {}", quote_ident(&c.name)),
                    )];
                    if let Some(sql) = rebuild {
                        undo.push(Step::new(
                            "the copy again (blocks writes while it builds)",
                            sql,
                        ));
                    }
                    cx.add(
                        PhaseKind::Contract,
                        Slot::Key,
                        Step::new(
                            format!(
                                "{} again, over the index built in backfill",
                                quote_ident(&c.name)
                            ),
                            format!(
                                "{alter} ADD CONSTRAINT {} {kind} USING INDEX {}{deferrable}",
                                quote_ident(&c.name),
                                quote_ident(&name)
                            ),
                        ),
                        undo,
                    );
                }
                ConstraintDef::Check { .. } | ConstraintDef::ForeignKey { .. } => {
                    cx.add(
                        PhaseKind::Contract,
                        Slot::Swap,
                        Step::new(
                            format!("the copy takes the name of {}", quote_ident(&c.name)),
                            format!(
                                "{alter} RENAME CONSTRAINT {} TO {}",
                                quote_ident(&name),
                                quote_ident(&c.name)
                            ),
                        ),
                        vec![Step::new(
                            "back to the copy's name",
                            format!(
                                "{alter} RENAME CONSTRAINT {} TO {}",
                                quote_ident(&c.name),
                                quote_ident(&name)
                            ),
                        )],
                    );
                }
                _ => {}
            }
        }
        let _ = keys;
        for (child, name) in incoming {
            let Some(ca) = cx
                .after
                .relation(&child)
                .and_then(|(_, o)| cx.after.tables.get(&o))
            else {
                continue;
            };
            let Some(fk) = ca.constraint(&name) else {
                continue;
            };
            let def = super::definition(cx.after, ca, fk);
            cx.add(
                PhaseKind::Contract,
                Slot::Relink,
                Step::new(
                    format!(
                        "{} again, on {final_q}; checked for new rows at once",
                        quote_ident(&name)
                    ),
                    format!(
                        "{} ADD CONSTRAINT {} {def} NOT VALID",
                        alter_table(&child),
                        quote_ident(&name)
                    ),
                ),
                vec![Step::new(
                    "the new reference goes",
                    format!(
                        "{} DROP CONSTRAINT {}",
                        alter_table(&child),
                        quote_ident(&name)
                    ),
                )],
            );
            if fk.validated {
                cx.add(
                    PhaseKind::Contract,
                    Slot::Revalidate,
                    Step::new(
                        format!(
                            "{} for the rows already there (they matched before)",
                            quote_ident(&name)
                        ),
                        statements::validate(&child, &name),
                    )
                    .alone(),
                    unvalidate(&child, &name, &def),
                );
            }
        }
        if let Some(d) = &p.ca.default {
            cx.add(
                PhaseKind::Contract,
                Slot::Finish,
                Step::new(
                    format!("the default {old_q} had"),
                    format!("{alter} ALTER COLUMN {final_q} SET DEFAULT {}", d.sql),
                ),
                vec![Step::new(
                    "no default during the transition",
                    format!("{alter} ALTER COLUMN {final_q} DROP DEFAULT"),
                )],
            );
        }
        if let Some(c) = &p.ca.comment {
            cx.add(
                PhaseKind::Contract,
                Slot::Finish,
                Step::new(
                    "its comment",
                    format!("COMMENT ON COLUMN {t}.{final_q} IS {}", render::literal(c)),
                ),
                vec![Step::new(
                    "no comment during the transition",
                    format!("COMMENT ON COLUMN {t}.{final_q} IS NULL"),
                )],
            );
        }
    }
}

/// Whether SQL text names column `name`.
fn mentions(sql: &str, name: &str) -> bool {
    rename_column(sql, name, "\u{1}x") != sql
}

/// The indexes (not of constraints) on column `c` of table `t` in `catalog`.
fn on_column_indexes<'a>(catalog: &'a Catalog, t: &Table, c: &Column) -> Vec<&'a Index> {
    catalog
        .indexes_on(t.oid)
        .filter(|i| i.constraint.is_none())
        .filter(|i| {
            i.keys.iter().any(|k| {
                k.column == Some(c.attnum)
                    || k.expr.as_ref().is_some_and(|e| mentions(&e.sql, &c.name))
            }) || i.include.contains(&c.attnum)
                || i.predicate
                    .as_ref()
                    .is_some_and(|p| mentions(&p.sql, &c.name))
        })
        .collect()
}

/// The constraints of table `t` that name its column `c`: keys, checks,
/// foreign keys.
fn on_column_constraints<'a>(
    t: &'a Table,
    c: &Column,
) -> Vec<&'a crate::model::catalog::Constraint> {
    let on = |cols: &[AttNum]| cols.contains(&c.attnum);
    t.constraints
        .iter()
        .filter(|k| match &k.kind {
            ConstraintDef::PrimaryKey {
                columns, include, ..
            }
            | ConstraintDef::Unique {
                columns, include, ..
            } => on(columns) || on(include),
            ConstraintDef::ForeignKey { columns, .. } => on(columns),
            ConstraintDef::Check { expr, .. } => mentions(&expr.sql, &c.name),
            ConstraintDef::Exclusion { .. } | ConstraintDef::NotNull { .. } => false,
        })
        .collect()
}

/// What replacing column `attnum` of table `oid` takes care of besides
/// the column: the indexes (by oid, before or after the range) and the
/// constraints (by name) that name it. No other strategy plans them.
pub(crate) fn claims(
    before: &Catalog,
    after: &Catalog,
    oid: Oid,
    attnum: AttNum,
) -> (Vec<Oid>, Vec<String>) {
    let mut indexes = Vec::new();
    let mut constraints = Vec::new();
    for c in [before, after] {
        let Some(t) = c.tables.get(&oid) else {
            continue;
        };
        let Some(col) = t.column_by_num(attnum) else {
            continue;
        };
        indexes.extend(on_column_indexes(c, t, col).iter().map(|i| i.oid));
        constraints.extend(on_column_constraints(t, col).iter().map(|k| k.name.clone()));
        // The index of a key on the column, too.
        for k in on_column_constraints(t, col) {
            indexes.extend(k.kind.index());
        }
    }
    (indexes, constraints)
}

/// A batched copy into `table`, or one UPDATE when it has no key.
pub(crate) fn backfill(cx: &mut Cx, t: &ObjectName, table: &Table, set: &str, pending: &str) {
    match key_columns(table) {
        Some(key) => cx.add(
            PhaseKind::Backfill,
            Slot::Data,
            Step::new(
                format!("copies the rows in batches of {} in key order, one transaction each; run it again after an interruption", cx.options.batch_size),
                statements::batched_update(&Batch {
                    table: t,
                    alias: None,
                    key: &key,
                    set: set.to_owned(),
                    condition: Some(pending.to_owned()),
                    size: cx.options.batch_size,
                    lock_timeout: &cx.options.lock_timeout,
                }),
            )
            .outside(),
            Vec::new(),
        ),
        None => {
            cx.add(
                PhaseKind::Backfill,
                Slot::Data,
                Step::new("copies every row", format!("UPDATE {t} SET {set} WHERE {pending}")).alone(),
                Vec::new(),
            );
            cx.hazard(
                PhaseKind::Backfill,
                format!("{t} has no primary key or NOT NULL unique key to batch by: the copy is one UPDATE of the whole table, in one transaction"),
            );
        }
    }
    cx.hazard(
        PhaseKind::Backfill,
        format!("the copy writes every row of {t} again: dead rows for VACUUM and WAL for replicas, spread over the batches"),
    );
}

/// Says which of the table's own triggers the backfill's UPDATEs fire.
pub(crate) fn user_triggers(cx: &mut Cx, table: &Table) {
    let fired: Vec<String> = table
        .triggers
        .iter()
        .filter(|tr| tr.events.iter().any(|e| e.eq_ignore_ascii_case("update")))
        .map(|tr| quote_ident(&tr.name))
        .collect();
    if !fired.is_empty() {
        cx.hazard(
            PhaseKind::Backfill,
            format!(
                "the backfill's UPDATEs of {} fire its triggers too: {}",
                table.name,
                fired.join(", ")
            ),
        );
    }
}
