//! Columns added, altered in place, or dropped.
//!
//! A new NOT NULL column, or an existing one made NOT NULL, gets its NOT
//! NULL as a `CHECK (col IS NOT NULL) NOT VALID` in expand (writes are
//! checked at once), validated in backfill, and turned into a real NOT NULL
//! in contract, where PostgreSQL then reads nothing. Where the migration
//! says what value a column takes (an UPDATE of the range, a volatile
//! default, or `--fill`), a fill trigger gives blue's writes that value
//! while blue still runs, and the backfill gives it to the rows already
//! there. A dropped column stays until contract; the release before it
//! stops using it.

use super::{Strategy, column_state, node_of, recreate, unvalidate};
use crate::classify::Compatibility;
use crate::graph::Node;
use crate::model::catalog::{AttNum, Column, ObjectName, Oid, Table};
use crate::model::{ObjectRef, Replay, render};
use crate::plan::build::{Cx, Slot};
use crate::plan::delta::NetChange;
use crate::plan::model::{PhaseKind, Step};
use crate::plan::objects::{alter_table, aux_name};
use crate::plan::statements;
use crate::sql::ir::quote_ident;

/// What a column is filled with while the old code runs.
struct Fill {
    /// The value for the row being written (SQL over `NEW`).
    on_row: String,
    /// The value the plan's own backfill gives the rows still NULL
    /// (`--fill`, a volatile default, the default the column was added
    /// with); `None` when the migration's own UPDATE does it all.
    in_update: Option<String>,
    /// Other columns the value is computed from: a write that changes one
    /// of them computes it again.
    sources: Vec<String>,
    /// Where the value comes from, for people.
    origin: String,
}

/// The fill of column `col` (number `attnum`) of table `oid`: an UPDATE of
/// the range that assigns it, else `--fill`.
fn fill_for(cx: &Cx, oid: Oid, attnum: AttNum, col: &str, recompute: bool) -> Option<Fill> {
    let table_names: Vec<&ObjectName> = [cx.before.tables.get(&oid), cx.after.tables.get(&oid)]
        .into_iter()
        .flatten()
        .map(|t| &t.name)
        .collect();
    let columns: Vec<String> = [cx.before.tables.get(&oid), cx.after.tables.get(&oid)]
        .into_iter()
        .flatten()
        .flat_map(|t| t.columns.iter().map(|c| c.name.clone()))
        .collect();
    let fills = cx.intent.fills(oid, attnum);
    // The default the column was added with and the range dropped: what
    // the rows there took, and what rows no UPDATE of the range picks keep.
    let kept_default = cx
        .after
        .tables
        .get(&oid)
        .and_then(|t| t.columns.iter().find(|c| c.attnum == attnum))
        .is_some_and(|c| c.default.is_some());
    let added = cx
        .intent
        .added_default
        .get(&(oid, col.to_owned()))
        .filter(|_| !kept_default);
    if let Some((d, _)) = fills.last() {
        let alias = d
            .alias
            .clone()
            .or_else(|| d.table.as_ref().map(|(_, n)| n.name.clone()))
            .unwrap_or_else(|| col.to_owned());
        let same_alias: Vec<_> = fills
            .iter()
            .filter(|(x, _)| {
                x.alias
                    .clone()
                    .or_else(|| x.table.as_ref().map(|(_, n)| n.name.clone()))
                    == Some(alias.clone())
            })
            .collect();
        let mut case = String::from("CASE");
        let mut sources: Vec<String> = Vec::new();
        let unconditional = same_alias.len() == 1 && same_alias[0].0.selection.is_none();
        for (d, e) in same_alias.iter().rev() {
            let when = d
                .selection
                .as_ref()
                .map_or("true".to_owned(), |s| s.sql.clone());
            case.push_str(&format!(" WHEN {when} THEN {}", e.sql));
            for c in e
                .columns
                .iter()
                .chain(d.selection.iter().flat_map(|s| s.columns.iter()))
            {
                if c != col && columns.contains(c) && !sources.contains(c) {
                    sources.push(c.clone());
                }
            }
        }
        match added {
            Some(def) => case.push_str(&format!(
                " ELSE coalesce({}.{}, {}) END",
                quote_ident(&alias),
                quote_ident(col),
                def.sql
            )),
            None => case.push_str(&format!(
                " ELSE {}.{} END",
                quote_ident(&alias),
                quote_ident(col)
            )),
        }
        if unconditional {
            case = same_alias[0].1.sql.clone();
        }
        return Some(Fill {
            on_row: statements::on_row(&case, &alias),
            in_update: added.map(|def| format!("({})", def.sql)),
            sources: if recompute { sources } else { Vec::new() },
            origin: format!("the migration's UPDATE ({})", d.location),
        });
    }
    if let Some(def) = added {
        let alias = table_names
            .last()
            .map(|n| n.name.clone())
            .unwrap_or_default();
        return Some(Fill {
            on_row: statements::on_row(&def.sql, &alias),
            in_update: Some(format!("({})", def.sql)),
            sources: Vec::new(),
            origin: "the default it was added with".to_owned(),
        });
    }
    let f = cx.options.fills.iter().find(|f| {
        f.column == col
            && table_names
                .iter()
                .any(|n| f.table == n.name || f.table == format!("{}.{}", n.schema, n.name))
    })?;
    let alias = table_names
        .last()
        .map(|n| n.name.clone())
        .unwrap_or_default();
    Some(Fill {
        on_row: statements::on_row(&f.expr, &alias),
        in_update: Some(format!("({})", f.expr)),
        sources: Vec::new(),
        origin: format!("--fill {}.{}", f.table, f.column),
    })
}

/// The type of column `c` of table `t` (by its name during the
/// transition), as the range leaves it or as it was.
fn column_type(cx: &Cx, t: &ObjectName, c: &str) -> Option<crate::sql::ir::TypeName> {
    let oid = cx.after.relation(t).map(|(_, o)| o)?;
    [cx.after, cx.before]
        .iter()
        .filter_map(|cat| cat.tables.get(&oid))
        .find_map(|tb| tb.column(c).map(|col| col.data_type.clone()))
}

fn fill_function(t: &ObjectName, col: &str) -> ObjectName {
    ObjectName::new(&t.schema, &aux_name(&["fill", &t.name, col]))
}

/// `tq_then_fill_<col>`: PostgreSQL fires triggers in name order, and a
/// fill reads what the sync triggers (`tq_sync_...`) copied.
fn fill_trigger(cx: &Cx, t: &ObjectName, col: &str) -> String {
    super::fires_last(cx, t, aux_name(&["then", "fill", col]))
}

/// Adds the fill trigger of `col` in expand.
fn add_fill(cx: &mut Cx, t: &ObjectName, col: &str, fill: &Fill) {
    let function = fill_function(t, col);
    let trigger = fill_trigger(cx, t, col);
    let what = if fill.sources.is_empty() {
        format!(
            "gives {} its value when a write leaves it NULL",
            quote_ident(col)
        )
    } else {
        format!(
            "gives {} its value when a write leaves it NULL or changes {} without it",
            quote_ident(col),
            fill.sources
                .iter()
                .map(|s| quote_ident(s))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    super::add_trigger(
        cx,
        t,
        (&function, &trigger),
        &statements::fill(col, &fill.on_row, &fill.sources, &|c| column_type(cx, t, c)),
        format!("{what}: the value of {}", fill.origin),
        format!("fills {} for the old code's writes", quote_ident(col)),
    );
}

/// Drops the fill trigger of `col` in contract.
fn drop_fill(cx: &mut Cx, p: &Replay, t: &ObjectName, col: &str) {
    let trigger = ObjectRef::Trigger {
        table: t.clone(),
        name: fill_trigger(cx, t, col),
    };
    cx.add_drop(
        PhaseKind::Contract,
        Slot::Unsync,
        Step::new(
            "blue is gone: no more filling",
            format!(
                "DROP TRIGGER {} ON {t}",
                quote_ident(&fill_trigger(cx, t, col))
            ),
        ),
        recreate(&p.catalog, std::slice::from_ref(&trigger)),
        node_of(&p.catalog, &trigger),
    );
    let function = fill_function(t, col);
    if let Some(key) = p
        .catalog
        .functions
        .keys()
        .find(|k| k.name == function)
        .cloned()
    {
        let f = ObjectRef::Function { key: key.clone() };
        cx.add_drop(
            PhaseKind::Contract,
            Slot::Unsync,
            Step::new("its function", format!("DROP FUNCTION {function}()")),
            recreate(&p.catalog, std::slice::from_ref(&f)),
            Some(Node::Function(key)),
        );
    }
}

/// The check that stands for the NOT NULL of `col`.
pub(crate) fn not_null_name(t: &ObjectName, col: &str) -> String {
    aux_name(&[&t.name, col, "not_null"])
}

/// The NOT NULL of `col` as a check: `NOT VALID` in expand, validated in
/// backfill.
fn check_not_null(cx: &mut Cx, t: &ObjectName, col: &str) {
    check_not_null_named(cx, t, col, &not_null_name(t, col));
}

/// [`check_not_null`], with the check named `check`.
pub(crate) fn check_not_null_named(cx: &mut Cx, t: &ObjectName, col: &str, check: &str) {
    let check = check.to_owned();
    let alter = alter_table(t);
    let q = quote_ident(col);
    cx.add(
        PhaseKind::Expand,
        Slot::Constrain,
        Step::new(
            format!("NOT NULL for {q}: new writes are checked now, old rows in backfill"),
            statements::not_null_check(t, &check, col),
        ),
        vec![Step::new(
            "the check goes",
            format!("{alter} DROP CONSTRAINT {}", quote_ident(&check)),
        )],
    );
    cx.add(
        PhaseKind::Backfill,
        Slot::Validate,
        Step::new(
            format!("every row has {q} now (reads the table without blocking writes)"),
            statements::validate(t, &check),
        )
        .alone(),
        unvalidate(t, &check, &format!("CHECK ({q} IS NOT NULL)")),
    );
    cx.aux(
        format!("constraint {} on {t}", quote_ident(&check)),
        format!("NOT NULL of {q} until contract makes it a real NOT NULL"),
        PhaseKind::Expand,
        PhaseKind::Contract,
    );
}

/// The validated check becomes NOT NULL, and goes. The column is called
/// `col` then (and in the rollback until it is renamed, which the check
/// follows).
pub(crate) fn finish_not_null(cx: &mut Cx, t: &ObjectName, col: &str) {
    let check = not_null_name(t, col);
    let alter = alter_table(t);
    let q = quote_ident(col);
    cx.add(
        PhaseKind::Contract,
        Slot::NotNull,
        Step::new(
            format!("the validated check lets PostgreSQL set NOT NULL without reading {t}"),
            format!("{alter} ALTER COLUMN {q} SET NOT NULL"),
        ),
        vec![Step::new(
            "NOT NULL goes",
            format!("{alter} ALTER COLUMN {q} DROP NOT NULL"),
        )],
    );
    cx.add(
        PhaseKind::Contract,
        Slot::NotNull,
        Step::new(
            "the check has done its work",
            format!("{alter} DROP CONSTRAINT {}", quote_ident(&check)),
        ),
        vec![
            Step::new(
                "the check again",
                statements::not_null_check(t, &check, col),
            ),
            Step::new("validated", statements::validate(t, &check)).alone(),
        ],
    );
}

/// The plan's own backfill of `col` with `value`, for rows still NULL.
fn own_backfill(cx: &mut Cx, t: &ObjectName, table: &Table, col: &str, value: &str) {
    let q = quote_ident(col);
    super::replace_column::backfill(
        cx,
        t,
        table,
        &format!("{q} = {value}"),
        &format!("{q} IS NULL"),
    );
}

/// When `fill` reads columns the range drops, green does not write them
/// and blue does not write `col`: neither can run next to the other, so a
/// turquoise release writes both.
fn write_both(cx: &mut Cx, oid: Oid, fill: &Fill, t: &ObjectName, col: &str) {
    let (Some(b), Some(a)) = (cx.before.tables.get(&oid), cx.after.tables.get(&oid)) else {
        return;
    };
    let dropped: Vec<String> = fill
        .sources
        .iter()
        .filter(|s| {
            b.column(s)
                .is_some_and(|c| a.column_by_num(c.attnum).is_none())
        })
        .map(|s| quote_ident(s))
        .collect();
    if dropped.is_empty() {
        return;
    }
    cx.turquoise = true;
    let (list, q) = (dropped.join(", "), quote_ident(col));
    cx.instruct(
        PhaseKind::DeployTurquoise,
        format!("writes both {list} and {q} of {t}, and reads {q}: blue still reads {list}, green writes only {q}"),
    );
}

/// A column added to a table that existed before the range.
pub(crate) struct NewColumn {
    pub change: NetChange,
}

enum NewKind {
    /// Added as written (nullable, constant default, identity, generated).
    AsWritten,
    /// A volatile default: added without it, default set, rows filled.
    Volatile,
    /// NOT NULL without a default: needs a fill.
    Required,
}

impl NewColumn {
    fn parts<'a>(&self, cx: &Cx<'a>) -> Option<(&'a Table, &'a Column, ObjectName, NewKind)> {
        let oid = self.change.table?;
        let a = cx.after.tables.get(&oid)?;
        let c = a.column_by_num(self.change.attnum?)?;
        let kind = if c.identity.is_some() || c.generated.is_some() {
            NewKind::AsWritten
        } else if c
            .default
            .as_ref()
            .is_some_and(|d| crate::classify::volatile_default(d, cx.after))
        {
            NewKind::Volatile
        } else if self.change.compatibility == Compatibility::Contract {
            NewKind::Required
        } else {
            NewKind::AsWritten
        };
        Some((a, c, a.name.clone(), kind))
    }
}

impl NewColumn {
    /// Whether the column takes the name of a column the range drops: it
    /// can only be added once that one is gone, in contract.
    fn late(&self, cx: &Cx) -> bool {
        let (Some(oid), Some(c)) = (self.change.table, column_state(&self.change)) else {
            return false;
        };
        cx.before
            .tables
            .get(&oid)
            .and_then(|b| b.column(&c.name))
            .is_some_and(|old| old.attnum != c.attnum)
    }
}

impl Strategy for NewColumn {
    fn early(&self, cx: &mut Cx) {
        let Some((a, c, t, kind)) = self.parts(cx) else {
            return;
        };
        let Some(oid) = self.change.table else {
            return;
        };
        let object = format!("column {t}.{}", quote_ident(&c.name));
        let q = quote_ident(&c.name);
        let alter = alter_table(&t);
        let mut bare = c.data_type.to_sql();
        if let Some(coll) = &c.collation {
            bare.push_str(&format!(" COLLATE {}", quote_ident(coll)));
        }
        let undo = vec![Step::new(
            "the column goes",
            format!("{alter} DROP COLUMN {q}"),
        )];
        let fill = fill_for(cx, oid, c.attnum, &c.name, true);
        if self.late(cx) {
            if matches!(kind, NewKind::Required) && fill.is_none() {
                cx.refuse(
                    object,
                    format!("{q} is dropped and added again with NOT NULL and no default: the rows of {t} have no value for it"),
                    None,
                );
            } else {
                cx.hazard(
                    PhaseKind::Contract,
                    format!("{t}.{q} is dropped and added again under the same name: the new column is made only now, empty; until contract green finds the old one"),
                );
                cx.planned(
                    object,
                    "create",
                    self.change.compatibility,
                    "added in contract, once the old column of that name is gone",
                );
            }
            return;
        }
        match kind {
            NewKind::AsWritten => {
                cx.add(
                    PhaseKind::Expand,
                    Slot::Column,
                    Step::new(
                        "added as the migration writes it",
                        format!(
                            "{alter} ADD COLUMN {}",
                            render::column_definition(cx.after, c)
                        ),
                    ),
                    undo,
                );
                let how = if let Some(f) = &fill {
                    add_fill(cx, &t, &c.name, f);
                    write_both(cx, oid, f, &t, &c.name);
                    format!(
                        "added in expand; {} fills it for blue's writes; the migration's UPDATE backfills it",
                        quote_ident(&fill_trigger(cx, &t, &c.name))
                    )
                } else {
                    "added in expand".to_owned()
                };
                cx.planned(object, "create", self.change.compatibility, how);
            }
            NewKind::Volatile => {
                let Some(d) = &c.default else { return };
                cx.add(
                    PhaseKind::Expand,
                    Slot::Column,
                    Step::new(
                        "added without its default, which would write every row under an ACCESS EXCLUSIVE lock",
                        format!("{alter} ADD COLUMN {q} {bare}"),
                    ),
                    undo,
                );
                cx.add(
                    PhaseKind::Expand,
                    Slot::Column,
                    Step::new(
                        "new rows get the default from now on",
                        format!("{alter} ALTER COLUMN {q} SET DEFAULT {}", d.sql),
                    ),
                    Vec::new(),
                );
                if c.not_null {
                    check_not_null(cx, &t, &c.name);
                }
                own_backfill(cx, &t, a, &c.name, &d.sql);
                cx.planned(
                    object,
                    "create",
                    self.change.compatibility,
                    "added without its volatile default, default set after, old rows filled in batches",
                );
            }
            NewKind::Required => {
                let Some(f) = fill else {
                    cx.refuse(
                        object,
                        format!(
                            "the rows of {t} have no value for {q} and blue's INSERTs do not write it: PostgreSQL refuses this ADD COLUMN on a table with rows. Give {q} a DEFAULT, fill it with an UPDATE before a SET NOT NULL in the same migration, or pass --fill {}.{}=EXPRESSION",
                            t.name, c.name
                        ),
                        None,
                    );
                    return;
                };
                cx.add(
                    PhaseKind::Expand,
                    Slot::Column,
                    Step::new(
                        "NULL allowed until every row has a value",
                        format!("{alter} ADD COLUMN {q} {bare}"),
                    ),
                    undo,
                );
                add_fill(cx, &t, &c.name, &f);
                write_both(cx, oid, &f, &t, &c.name);
                check_not_null(cx, &t, &c.name);
                if let Some(v) = &f.in_update {
                    own_backfill(cx, &t, a, &c.name, v);
                }
                cx.instruct(
                    PhaseKind::DeployTurquoise,
                    format!(
                        "writes {q} of {t} on every INSERT ({} fills it for blue's)",
                        quote_ident(&fill_trigger(cx, &t, &c.name))
                    ),
                );
                cx.planned(
                    object,
                    "create",
                    self.change.compatibility,
                    format!("added NULL-able with a fill trigger ({}), backfilled, NOT NULL through a validated check", f.origin),
                );
            }
        }
        if let Some(comment) = &c.comment {
            cx.add(
                PhaseKind::Expand,
                Slot::Other,
                Step::new(
                    "its comment",
                    format!("COMMENT ON COLUMN {t}.{q} IS {}", render::literal(comment)),
                ),
                Vec::new(),
            );
        }
    }

    fn contract(&self, cx: &mut Cx, p: &Replay) {
        let Some((_, c, t, kind)) = self.parts(cx) else {
            return;
        };
        let Some(oid) = self.change.table else {
            return;
        };
        if self.late(cx) {
            if matches!(kind, NewKind::Required) {
                return;
            }
            let alter = alter_table(&t);
            let q = quote_ident(&c.name);
            let mut steps = vec![Step::new(
                "the new column, now that the old one of that name is gone",
                format!(
                    "{alter} ADD COLUMN {}",
                    render::column_definition(cx.after, c)
                ),
            )];
            if let Some(text) = &c.comment {
                steps.push(Step::new(
                    "its comment",
                    format!("COMMENT ON COLUMN {t}.{q} IS {}", render::literal(text)),
                ));
            }
            for (i, step) in steps.into_iter().enumerate() {
                let undo = if i == 0 {
                    vec![Step::new(
                        "the new column goes",
                        format!("{alter} DROP COLUMN {q}"),
                    )]
                } else {
                    Vec::new()
                };
                cx.add(PhaseKind::Contract, Slot::Redepend, step, undo);
            }
            return;
        }
        let fill = fill_for(cx, oid, c.attnum, &c.name, true);
        match kind {
            NewKind::AsWritten => {
                if fill.is_some() {
                    drop_fill(cx, p, &t, &c.name);
                }
            }
            NewKind::Volatile => {
                if c.not_null {
                    finish_not_null(cx, &t, &c.name);
                }
            }
            NewKind::Required => {
                if fill.is_some() {
                    drop_fill(cx, p, &t, &c.name);
                    finish_not_null(cx, &t, &c.name);
                }
            }
        }
    }
}

/// A column made NOT NULL.
fn not_null_early(cx: &mut Cx, oid: Oid, b: &Column, t: &ObjectName) {
    let q = quote_ident(&b.name);
    let fill = fill_for(cx, oid, b.attnum, &b.name, false);
    check_not_null(cx, t, &b.name);
    match &fill {
        Some(f) => {
            add_fill(cx, t, &b.name, f);
            if let Some(v) = &f.in_update {
                let Some(table) = cx.after.tables.get(&oid) else {
                    return;
                };
                own_backfill(cx, t, table, &b.name, v);
            }
            cx.hazard(
                PhaseKind::Expand,
                format!(
                    "from now on a write that leaves {t}.{q} NULL gets the value of {} instead",
                    f.origin
                ),
            );
        }
        None => {
            cx.hazard(
                PhaseKind::Expand,
                format!("from now on blue's writes that leave {t}.{q} NULL fail, UPDATEs of rows still NULL included"),
            );
            if !cx
                .intent
                .data
                .iter()
                .any(|d| d.table.as_ref().is_some_and(|(o, _)| *o == oid))
            {
                cx.hazard(
                    PhaseKind::Backfill,
                    format!("nothing in the migration fills {t}.{q}: the VALIDATE fails if a row is NULL"),
                );
            }
        }
    }
    cx.instruct(
        PhaseKind::DeployTurquoise,
        format!("never leaves {t}.{q} NULL"),
    );
}

fn not_null_contract(cx: &mut Cx, p: &Replay, oid: Oid, b: &Column, t: &ObjectName) {
    if fill_for(cx, oid, b.attnum, &b.name, false).is_some() {
        drop_fill(cx, p, t, &b.name);
    }
    finish_not_null(cx, t, &b.name);
}

/// A column altered in place: type without a rewrite, NOT NULL, default.
pub(crate) struct AlterColumn {
    pub change: NetChange,
}

impl AlterColumn {
    fn parts<'a>(&self, cx: &Cx<'a>) -> Option<(Oid, &'a Column, &'a Column, ObjectName)> {
        let oid = self.change.table?;
        let attnum = self.change.attnum?;
        let b = cx.before.tables.get(&oid)?.column_by_num(attnum)?;
        let a = cx.after.tables.get(&oid)?.column_by_num(attnum)?;
        Some((oid, b, a, cx.table_name(oid)?))
    }
}

impl Strategy for AlterColumn {
    fn early(&self, cx: &mut Cx) {
        let Some((oid, b, a, t)) = self.parts(cx) else {
            return;
        };
        let object = format!("column {t}.{}", quote_ident(&b.name));
        let q = quote_ident(&b.name);
        let alter = alter_table(&t);
        if b.identity != a.identity || b.generated != a.generated || b.collation != a.collation {
            cx.refuse(
                object,
                "changing a column's identity, generation expression or collation is not planned yet",
                None,
            );
            return;
        }
        let mut how = Vec::new();
        if b.data_type != a.data_type {
            cx.add(
                PhaseKind::Expand,
                Slot::Column,
                Step::new(
                    "PostgreSQL changes this type without writing the rows",
                    format!("{alter} ALTER COLUMN {q} TYPE {}", a.data_type.to_sql()),
                ),
                vec![Step::new(
                    "the old type (a shorter limit reads every row)",
                    format!("{alter} ALTER COLUMN {q} TYPE {}", b.data_type.to_sql()),
                )],
            );
            how.push(format!("type {} in expand", a.data_type.to_sql()));
        }
        if !b.not_null && a.not_null {
            not_null_early(cx, oid, b, &t);
            how.push("NOT NULL through a check: NOT VALID in expand, validated in backfill, NOT NULL in contract".to_owned());
        }
        if b.not_null && !a.not_null {
            cx.add(
                PhaseKind::Expand,
                Slot::Column,
                Step::new(
                    "NULL allowed from now on",
                    format!("{alter} ALTER COLUMN {q} DROP NOT NULL"),
                ),
                vec![Step::new(
                    "NOT NULL again (reads the table)",
                    format!("{alter} ALTER COLUMN {q} SET NOT NULL"),
                )],
            );
            cx.rollback_note(
                PhaseKind::Expand,
                format!("NOT NULL on {t}.{q} comes back only if no NULL was written meanwhile"),
            );
            how.push("NOT NULL dropped in expand".to_owned());
        }
        match (&b.default, &a.default) {
            (old, Some(new)) if old.as_ref().map(|d| &d.sql) != Some(&new.sql) => {
                let undo = match old {
                    Some(o) => format!("{alter} ALTER COLUMN {q} SET DEFAULT {}", o.sql),
                    None => format!("{alter} ALTER COLUMN {q} DROP DEFAULT"),
                };
                cx.add(
                    PhaseKind::Expand,
                    Slot::Column,
                    Step::new(
                        "the new default",
                        format!("{alter} ALTER COLUMN {q} SET DEFAULT {}", new.sql),
                    ),
                    vec![Step::new("the old default", undo)],
                );
                if old.is_some() {
                    cx.hazard(
                        PhaseKind::Expand,
                        format!(
                            "from now on blue's INSERTs that leave {t}.{q} out get the new default"
                        ),
                    );
                }
                how.push("default set in expand".to_owned());
            }
            (Some(_), None) => {
                cx.instruct(
                    PhaseKind::DeployTurquoise,
                    format!("gives {t}.{q} a value in every INSERT: its default goes in contract"),
                );
                how.push("default dropped in contract".to_owned());
            }
            _ => {}
        }
        if a.comment != b.comment {
            let text = a
                .comment
                .as_deref()
                .map_or("NULL".to_owned(), render::literal);
            let old = b
                .comment
                .as_deref()
                .map_or("NULL".to_owned(), render::literal);
            cx.add(
                PhaseKind::Expand,
                Slot::Other,
                Step::new(
                    "its comment",
                    format!("COMMENT ON COLUMN {t}.{q} IS {text}"),
                ),
                vec![Step::new(
                    "the old comment",
                    format!("COMMENT ON COLUMN {t}.{q} IS {old}"),
                )],
            );
        }
        cx.planned(object, "alter", self.change.compatibility, how.join("; "));
    }

    fn contract(&self, cx: &mut Cx, p: &Replay) {
        let Some((oid, b, a, t)) = self.parts(cx) else {
            return;
        };
        if b.identity != a.identity || b.generated != a.generated || b.collation != a.collation {
            return;
        }
        if !b.not_null && a.not_null {
            not_null_contract(cx, p, oid, b, &t);
        }
        if let (Some(old), None) = (&b.default, &a.default) {
            let q = quote_ident(&b.name);
            let alter = alter_table(&t);
            cx.add(
                PhaseKind::Contract,
                Slot::Finish,
                Step::new(
                    "blue is gone: no more default",
                    format!("{alter} ALTER COLUMN {q} DROP DEFAULT"),
                ),
                vec![Step::new(
                    "the default again",
                    format!("{alter} ALTER COLUMN {q} SET DEFAULT {}", old.sql),
                )],
            );
        }
    }
}

/// A column dropped from a table that stays: it goes in contract (see
/// `drop`); here, what must happen before.
pub(crate) struct DropColumn {
    pub change: NetChange,
}

impl Strategy for DropColumn {
    fn early(&self, cx: &mut Cx) {
        let (Some(oid), Some(c)) = (self.change.table, column_state(&self.change)) else {
            return;
        };
        let Some(t) = cx.table_name(oid) else {
            return;
        };
        let q = quote_ident(&c.name);
        let alter = alter_table(&t);
        let mut how = "kept until contract, when blue is gone".to_owned();
        if c.not_null && c.default.is_none() && c.identity.is_none() && c.generated.is_none() {
            cx.add(
                PhaseKind::Expand,
                Slot::Column,
                Step::new(
                    format!("green's INSERTs leave {q} out: it must accept NULL until it goes"),
                    format!("{alter} ALTER COLUMN {q} DROP NOT NULL"),
                ),
                vec![Step::new(
                    "NOT NULL again (reads the table)",
                    format!("{alter} ALTER COLUMN {q} SET NOT NULL"),
                )],
            );
            how.push_str("; its NOT NULL goes in expand");
        }
        cx.instruct_green(format!(
            "neither reads nor writes {t}.{q}: remove it from every query and from the ORM's model of {} (this is the code change that must ship before contract)",
            t.name
        ));
        cx.rollback_note(
            PhaseKind::Contract,
            format!("the rollback adds {t}.{q} back empty: its values are gone"),
        );
        cx.planned(
            format!("column {t}.{q}"),
            "drop",
            self.change.compatibility,
            how,
        );
    }
}
