//! Replay of tables, columns, constraints and indexes.

use super::*;
use crate::sql::ir::{
    AlterIndexAction, AlterTable, AlterTableOp, ColumnDef, ConstraintKind, CreateIndex,
    CreateTable, IndexKey, TableConstraint, TableElement, quote_ident,
};

/// Integer limits of the sequence types.
pub(super) fn type_range(t: &TypeName) -> (i128, i128) {
    match t.name.as_str() {
        "smallint" => (i16::MIN as i128, i16::MAX as i128),
        "integer" => (i32::MIN as i128, i32::MAX as i128),
        _ => (i64::MIN as i128, i64::MAX as i128),
    }
}

impl Replay {
    pub(super) fn create_table(&mut self, ct: &CreateTable, ctx: &mut Ctx) {
        let name = self.relation_target(&ct.name, ct.temporary);
        if !self.catalog.schemas.contains_key(&name.schema) {
            return ctx.missing(format!("schema {}", name.schema));
        }
        if let Some((kind, _)) = self.catalog.relation(&name) {
            if !ct.if_not_exists {
                ctx.duplicate(format!("relation {name} ({})", kind.describe()));
            }
            return;
        }
        let oid = self.catalog.alloc_oid();
        let kind = match &ct.partition_by {
            Some(by) => TableKind::Partitioned { by: by.clone() },
            None => TableKind::Ordinary,
        };
        let mut table = Table::new(oid, name.clone(), kind, ct.unlogged);
        // Columns that come from elsewhere first: parents, then LIKE, in the
        // order written.
        if let Some(p) = &ct.partition_of {
            let Some(parent) = self.resolve_table(&p.parent) else {
                return ctx.missing(format!("table {}", p.parent));
            };
            table.partition_of = Some((parent, p.bound.clone()));
            self.copy_columns_from(parent, &mut table, true);
        }
        for parent in &ct.inherits {
            let Some(poid) = self.resolve_table(parent) else {
                return ctx.missing(format!("table {parent}"));
            };
            table.inherits.push(poid);
            self.copy_columns_from(poid, &mut table, true);
        }
        let mut pending: Vec<TableConstraint> = Vec::new();
        let mut like_indexes: Vec<CreateIndex> = Vec::new();
        for el in &ct.elements {
            match el {
                TableElement::Like { source, options } => {
                    let Some(src) = self.resolve_table(source) else {
                        ctx.missing(format!("table {source}"));
                        continue;
                    };
                    let including = |what: &str| {
                        let mut on = false;
                        for o in options {
                            let o = o.to_ascii_uppercase();
                            if o == "INCLUDING ALL" || o == format!("INCLUDING {what}") {
                                on = true;
                            }
                            if o == "EXCLUDING ALL" || o == format!("EXCLUDING {what}") {
                                on = false;
                            }
                        }
                        on
                    };
                    let (defaults, identity, generated, comments) = (
                        including("DEFAULTS"),
                        including("IDENTITY"),
                        including("GENERATED"),
                        including("COMMENTS"),
                    );
                    if let Some(s) = self.catalog.tables.get(&src) {
                        for c in &s.columns {
                            let mut c = c.clone();
                            c.attnum = table.next_attnum;
                            table.next_attnum += 1;
                            c.inherited = false;
                            if !comments {
                                c.comment = None;
                            }
                            if !defaults {
                                c.default = None;
                            }
                            if !generated {
                                c.generated = None;
                            }
                            // Identity sequences are not shared; a copied
                            // identity needs its own, made below.
                            if !identity {
                                c.identity = None;
                            }
                            table.columns.push(c);
                        }
                        if including("CONSTRAINTS") {
                            for con in &s.constraints {
                                if let ConstraintDef::Check { expr, no_inherit } = &con.kind {
                                    pending.push(TableConstraint {
                                        name: Some(con.name.clone()),
                                        kind: ConstraintKind::Check {
                                            expr: expr.clone(),
                                            no_inherit: *no_inherit,
                                        },
                                        deferrable: None,
                                        initially_deferred: None,
                                        not_valid: false,
                                    });
                                }
                            }
                        }
                        if including("INDEXES") {
                            pending.extend(like_index_constraints(s));
                            like_indexes.extend(
                                self.catalog
                                    .indexes_on(src)
                                    .filter(|i| i.constraint.is_none())
                                    .map(|i| like_index(s, i, &name)),
                            );
                        }
                    }
                }
                TableElement::Column(def) => {
                    if let Some(existing) = table.column_mut(&def.name) {
                        if existing.inherited {
                            // A column re-declared over an inherited one merges.
                            existing.not_null |= def.not_null == Some(true);
                            if let Some(d) = &def.default {
                                existing.default = Some(d.clone());
                            }
                            // Under INHERITS the merged column is also the
                            // child's own (attislocal): it stays when the
                            // parent goes and is printed with the child. A
                            // partition's columns are always the parent's.
                            if ct.partition_of.is_none() {
                                existing.inherited = false;
                            }
                            continue;
                        }
                        ctx.duplicate(format!("column {} of {name}", def.name));
                        continue;
                    }
                    if ct.partition_of.is_some() {
                        // A partition has exactly its parent's columns.
                        ctx.missing(format!("column {} of the parent of {name}", def.name));
                        continue;
                    }
                    let attnum = table.next_attnum;
                    table.next_attnum += 1;
                    let column = self.new_column(def, attnum);
                    table.columns.push(column);
                    pending.extend(def.constraints.iter().cloned());
                }
                TableElement::Constraint(c) => pending.push(c.clone()),
            }
        }
        if let Some(q) = &ct.as_query {
            // The column types come from the query's result, which only a
            // server can tell; say so rather than guess.
            ctx.finding(
                "unknown-column-types",
                Severity::Warning,
                format!(
                    "the column types of {name} come from its query (CREATE TABLE AS); the model records them as unknown"
                ),
            );
            for (i, c) in q.output_columns.iter().flatten().enumerate() {
                table.columns.push(Column {
                    attnum: i as AttNum + 1,
                    name: c.clone(),
                    data_type: TypeName::simple("unknown"),
                    not_null: false,
                    default: None,
                    identity: None,
                    generated: None,
                    collation: None,
                    inherited: false,
                    comment: None,
                });
            }
            table.next_attnum = table.columns.len() as AttNum + 1;
        }
        self.catalog.bind_name(name.clone(), RelKind::Table, oid);
        self.catalog.tables.insert(oid, table);
        // Sequences for serial and identity columns, then constraints.
        let columns: Vec<(String, AttNum)> = self
            .catalog
            .tables
            .get(&oid)
            .map(|t| {
                t.columns
                    .iter()
                    .map(|c| (c.name.clone(), c.attnum))
                    .collect()
            })
            .unwrap_or_default();
        let defs: Vec<&ColumnDef> = ct
            .elements
            .iter()
            .filter_map(|e| match e {
                TableElement::Column(d) => Some(d),
                _ => None,
            })
            .collect();
        for (cname, attnum) in &columns {
            if let Some(def) = defs.iter().find(|d| &d.name == cname) {
                self.make_column_sequence(oid, *attnum, def, ctx);
            } else {
                self.copy_identity_sequence(oid, *attnum, ctx);
            }
        }
        for c in &pending {
            self.add_constraint(oid, c, ctx, true);
        }
        for i in &like_indexes {
            self.create_index(i, ctx);
        }
        if let Some(t) = self.catalog.tables.get(&oid) {
            let t = t.clone();
            ctx.change(
                Action::Create,
                ObjectRef::Table { name },
                None,
                Some(State::Table(Box::new(t))),
            );
        }
    }

    fn copy_columns_from(&self, parent: Oid, table: &mut Table, inherited: bool) {
        let Some(p) = self.catalog.tables.get(&parent) else {
            return;
        };
        for c in &p.columns {
            if table.column(&c.name).is_some() {
                continue;
            }
            let mut c = c.clone();
            c.attnum = table.next_attnum;
            table.next_attnum += 1;
            c.inherited = inherited;
            c.identity = None;
            c.comment = None;
            table.columns.push(c);
        }
    }

    /// A column from its definition (sequences and constraints come after).
    fn new_column(&self, def: &ColumnDef, attnum: AttNum) -> Column {
        let not_null = def.not_null == Some(true)
            || def.serial
            || def.identity.is_some()
            || def
                .constraints
                .iter()
                .any(|c| matches!(c.kind, ConstraintKind::PrimaryKey { .. }));
        Column {
            attnum,
            name: def.name.clone(),
            data_type: self.resolve_type_name(&def.data_type),
            not_null,
            default: def.default.clone(),
            identity: None,
            generated: def.generated.clone(),
            collation: def.collation.clone(),
            inherited: false,
            comment: None,
        }
    }

    /// Creates the sequence behind a serial or identity column, as
    /// PostgreSQL names it (`<table>_<column>_seq`).
    fn make_column_sequence(&mut self, table: Oid, attnum: AttNum, def: &ColumnDef, ctx: &mut Ctx) {
        if !def.serial && def.identity.is_none() {
            return;
        }
        let Some(t) = self.catalog.tables.get(&table) else {
            return;
        };
        let tname = t.name.clone();
        let data_type = t
            .column_by_num(attnum)
            .map(|c| c.data_type.clone())
            .unwrap_or_else(|| TypeName::simple("integer"));
        let opts = def
            .identity
            .as_ref()
            .map(|i| i.options.clone())
            .unwrap_or_default();
        let seq_name = choose_name(&tname.name, Some(&def.name), "seq", |n| {
            self.catalog.relation_in(&tname.schema, n).is_some()
        });
        let seq_name = ObjectName::new(&tname.schema, &seq_name);
        let seq = self.build_sequence(
            seq_name.clone(),
            Some(opts.data_type.clone().unwrap_or(data_type)),
            &opts,
        );
        let oid = seq.oid;
        let mut seq = seq;
        seq.owned_by = Some((table, attnum));
        seq.identity = def.identity.is_some();
        self.catalog
            .bind_name(seq_name.clone(), RelKind::Sequence, oid);
        self.catalog.sequences.insert(oid, seq.clone());
        ctx.change(
            Action::Create,
            ObjectRef::Sequence {
                name: seq_name.clone(),
            },
            None,
            Some(State::Sequence(seq)),
        );
        if let Some(c) = self
            .catalog
            .tables
            .get_mut(&table)
            .and_then(|t| t.columns.iter_mut().find(|c| c.attnum == attnum))
        {
            if let Some(identity) = &def.identity {
                let kind = if identity.always {
                    IdentityKind::Always
                } else {
                    IdentityKind::ByDefault
                };
                c.identity = Some((kind, oid));
                c.not_null = true;
            } else {
                c.default = Some(nextval_default(&seq_name));
                c.not_null = true;
            }
        }
    }

    /// `LIKE ... INCLUDING IDENTITY` copies an identity column, whose
    /// sequence is its own: a new one named for this table, with the
    /// source sequence's options.
    fn copy_identity_sequence(&mut self, table: Oid, attnum: AttNum, ctx: &mut Ctx) {
        let Some(t) = self.catalog.tables.get(&table) else {
            return;
        };
        let Some(c) = t.column_by_num(attnum) else {
            return;
        };
        let Some((kind, src_seq)) = c.identity else {
            return;
        };
        let Some(src) = self.catalog.sequences.get(&src_seq).cloned() else {
            return;
        };
        if src.owned_by.is_some_and(|(o, _)| o == table) {
            return;
        }
        let tname = t.name.clone();
        let seq_name = choose_name(&tname.name, Some(&c.name), "seq", |n| {
            self.catalog.relation_in(&tname.schema, n).is_some()
        });
        let seq_name = ObjectName::new(&tname.schema, &seq_name);
        let oid = self.catalog.alloc_oid();
        // PostgreSQL copies the options but not the type (no AS): the copy
        // is a bigint sequence that keeps the source's limits.
        let seq = Sequence {
            oid,
            name: seq_name.clone(),
            data_type: TypeName::simple("bigint"),
            owned_by: Some((table, attnum)),
            comment: None,
            ..src
        };
        self.catalog
            .bind_name(seq_name.clone(), RelKind::Sequence, oid);
        self.catalog.sequences.insert(oid, seq.clone());
        if let Some(c) = self
            .catalog
            .tables
            .get_mut(&table)
            .and_then(|t| t.columns.iter_mut().find(|c| c.attnum == attnum))
        {
            c.identity = Some((kind, oid));
        }
        ctx.change(
            Action::Create,
            ObjectRef::Sequence { name: seq_name },
            None,
            Some(State::Sequence(seq)),
        );
    }

    /// Adds a table constraint. `creating` is true inside CREATE TABLE,
    /// where constraints are checked against the new table only.
    pub(super) fn add_constraint(
        &mut self,
        table: Oid,
        c: &TableConstraint,
        ctx: &mut Ctx,
        creating: bool,
    ) {
        let _ = creating;
        let Some(t) = self.catalog.tables.get(&table) else {
            return;
        };
        let tname = t.name.clone();
        let attnums = |names: &[String], ctx: &mut Ctx| -> Option<Vec<AttNum>> {
            let mut out = Vec::new();
            for n in names {
                match t.column(n) {
                    Some(c) => out.push(c.attnum),
                    None => {
                        ctx.missing(format!("column {n} of table {tname}"));
                        return None;
                    }
                }
            }
            Some(out)
        };
        let column_names = |cols: &[String]| column_addition(cols.iter().map(String::as_str));
        let (kind, generated): (ConstraintDef, (Option<String>, &str)) = match &c.kind {
            ConstraintKind::PrimaryKey { columns, include } => {
                let Some(cols) = attnums(columns, ctx) else {
                    return;
                };
                let Some(inc) = attnums(include, ctx) else {
                    return;
                };
                if t.primary_key().is_some() {
                    return ctx.finding(
                        "duplicate-object",
                        Severity::Error,
                        format!("table {tname} already has a primary key"),
                    );
                }
                (
                    ConstraintDef::PrimaryKey {
                        columns: cols,
                        include: inc,
                        index: 0,
                    },
                    (None, "pkey"),
                )
            }
            ConstraintKind::Unique {
                columns,
                include,
                nulls_not_distinct,
            } => {
                let Some(cols) = attnums(columns, ctx) else {
                    return;
                };
                let Some(inc) = attnums(include, ctx) else {
                    return;
                };
                (
                    ConstraintDef::Unique {
                        columns: cols,
                        include: inc,
                        nulls_not_distinct: *nulls_not_distinct,
                        index: 0,
                    },
                    (Some(column_names(columns)), "key"),
                )
            }
            ConstraintKind::ForeignKey {
                columns,
                ref_table,
                ref_columns,
                on_delete,
                on_update,
                match_full,
            } => {
                let Some(cols) = attnums(columns, ctx) else {
                    return;
                };
                // The table itself is already bound here, so a self-reference
                // resolves like any other.
                let rt_oid = self.resolve_table(ref_table);
                let Some(rt_oid) = rt_oid else {
                    return ctx.missing(format!("table {ref_table}"));
                };
                let Some(rt) = self.catalog.tables.get(&rt_oid) else {
                    return;
                };
                let ref_cols = if ref_columns.is_empty() {
                    match rt.primary_key().map(|k| &k.kind) {
                        Some(ConstraintDef::PrimaryKey { columns, .. }) => columns.clone(),
                        _ => {
                            return ctx.finding(
                                "missing-object",
                                Severity::Error,
                                format!("there is no primary key for referenced table {}", rt.name),
                            );
                        }
                    }
                } else {
                    let mut v = Vec::new();
                    for n in ref_columns {
                        match rt.column(n) {
                            Some(c) => v.push(c.attnum),
                            None => {
                                return ctx.missing(format!("column {n} of table {}", rt.name));
                            }
                        }
                    }
                    v
                };
                (
                    ConstraintDef::ForeignKey {
                        columns: cols,
                        ref_table: rt_oid,
                        ref_columns: ref_cols,
                        on_delete: *on_delete,
                        on_update: *on_update,
                        match_full: *match_full,
                    },
                    (Some(column_names(columns)), "fkey"),
                )
            }
            ConstraintKind::Check { expr, no_inherit } => {
                let mut used: Vec<&str> = t
                    .columns
                    .iter()
                    .filter(|col| expr.columns.contains(&col.name))
                    .map(|col| col.name.as_str())
                    .collect();
                used.dedup();
                let colname = if used.len() == 1 {
                    Some(used[0].to_owned())
                } else {
                    None
                };
                (
                    ConstraintDef::Check {
                        expr: expr.clone(),
                        no_inherit: *no_inherit,
                    },
                    (colname, "check"),
                )
            }
            ConstraintKind::Exclusion {
                method,
                elements,
                include,
                predicate,
            } => {
                let Some(inc) = attnums(include, ctx) else {
                    return;
                };
                let names: Vec<String> = elements
                    .iter()
                    .map(|(e, _)| {
                        if t.column(&e.sql).is_some() {
                            e.sql.clone()
                        } else {
                            "expr".to_owned()
                        }
                    })
                    .collect();
                (
                    ConstraintDef::Exclusion {
                        method: method.clone(),
                        elements: elements.clone(),
                        include: inc,
                        predicate: predicate.clone(),
                        index: 0,
                    },
                    (Some(column_names(&names)), "excl"),
                )
            }
            ConstraintKind::NotNull { column } => {
                // PostgreSQL 15 keeps NOT NULL as a column property.
                return self.set_not_null(table, column, true, ctx);
            }
        };
        let schema = tname.schema.clone();
        let name = match &c.name {
            Some(n) => {
                if t.constraint(n).is_some() {
                    return ctx.duplicate(format!("constraint {n} on table {tname}"));
                }
                if kind.index().is_some() && self.catalog.relation_in(&schema, n).is_some() {
                    return ctx.duplicate(format!("relation {schema}.{n}"));
                }
                n.clone()
            }
            None => {
                let needs_relation = kind.index().is_some();
                choose_name(&tname.name, generated.0.as_deref(), generated.1, |n| {
                    let rel_taken =
                        needs_relation && self.catalog.relation_in(&schema, n).is_some();
                    rel_taken || self.constraint_name_in_schema(&schema, n)
                })
            }
        };
        let mut kind = kind;
        // Primary key, unique and exclusion constraints own an index of the
        // same name.
        if let Some(index_oid) = self.constraint_index(table, &name, &kind, c) {
            match &mut kind {
                ConstraintDef::PrimaryKey { index, .. }
                | ConstraintDef::Unique { index, .. }
                | ConstraintDef::Exclusion { index, .. } => *index = index_oid,
                _ => {}
            }
        }
        if let ConstraintDef::PrimaryKey { columns, .. } = &kind
            && let Some(t) = self.catalog.tables.get_mut(&table)
        {
            for col in t
                .columns
                .iter_mut()
                .filter(|col| columns.contains(&col.attnum))
            {
                col.not_null = true;
            }
        }
        let constraint = Constraint {
            name: name.clone(),
            kind,
            deferrable: c.deferrable.unwrap_or(false),
            initially_deferred: c.initially_deferred.unwrap_or(false),
            validated: !c.not_valid,
            comment: None,
        };
        if let Some(t) = self.catalog.tables.get_mut(&table) {
            t.constraints.push(constraint.clone());
        }
        ctx.change(
            Action::Create,
            ObjectRef::Constraint { table: tname, name },
            None,
            Some(State::Constraint(constraint)),
        );
    }

    fn constraint_name_in_schema(&self, schema: &str, name: &str) -> bool {
        self.catalog
            .tables
            .values()
            .filter(|t| t.name.schema == schema)
            .any(|t| t.constraints.iter().any(|c| c.name == name))
    }

    /// Creates the index behind a primary key, unique or exclusion constraint.
    fn constraint_index(
        &mut self,
        table: Oid,
        name: &str,
        kind: &ConstraintDef,
        c: &TableConstraint,
    ) -> Option<Oid> {
        let tname = self.catalog.tables.get(&table)?.name.clone();
        let (unique, method, keys, include, predicate, nnd) = match kind {
            ConstraintDef::PrimaryKey {
                columns, include, ..
            } => (
                true,
                "btree",
                plain_keys(columns),
                include.clone(),
                None,
                false,
            ),
            ConstraintDef::Unique {
                columns,
                include,
                nulls_not_distinct,
                ..
            } => (
                true,
                "btree",
                plain_keys(columns),
                include.clone(),
                None,
                *nulls_not_distinct,
            ),
            ConstraintDef::Exclusion {
                method,
                elements,
                include,
                predicate,
                ..
            } => (
                false,
                method.as_str(),
                elements
                    .iter()
                    .map(|(e, _)| IndexKeyDef {
                        column: None,
                        expr: Some(e.clone()),
                        collation: None,
                        opclass: None,
                        descending: false,
                        nulls_first: None,
                    })
                    .collect(),
                include.clone(),
                predicate.clone(),
                false,
            ),
            _ => return None,
        };
        let _ = c;
        let oid = self.catalog.alloc_oid();
        let iname = ObjectName::new(&tname.schema, name);
        self.catalog.bind_name(iname.clone(), RelKind::Index, oid);
        self.catalog.indexes.insert(
            oid,
            Index {
                oid,
                name: iname,
                table,
                unique,
                method: method.to_owned(),
                keys,
                include,
                predicate,
                nulls_not_distinct: nnd,
                with: Vec::new(),
                only: false,
                constraint: Some(name.to_owned()),
                comment: None,
            },
        );
        Some(oid)
    }

    pub(super) fn set_not_null(&mut self, table: Oid, column: &str, on: bool, ctx: &mut Ctx) {
        self.alter_column(table, column, ctx, |c| c.not_null = on);
    }

    /// Applies `f` to a column and records the change.
    fn alter_column(
        &mut self,
        table: Oid,
        column: &str,
        ctx: &mut Ctx,
        f: impl FnOnce(&mut Column),
    ) {
        let tname = self.table_name(table);
        let Some(c) = self
            .catalog
            .tables
            .get_mut(&table)
            .and_then(|t| t.column_mut(column))
        else {
            return ctx.missing(format!("column {column} of table {tname}"));
        };
        let before = c.clone();
        f(c);
        if *c != before {
            let after = c.clone();
            ctx.change(
                Action::Alter,
                ObjectRef::Column {
                    table: tname,
                    column: column.to_owned(),
                },
                Some(State::Column(before)),
                Some(State::Column(after)),
            );
        }
    }

    pub(super) fn alter_table(&mut self, at: &AlterTable, ctx: &mut Ctx) {
        let oid = match self.resolve_relation(&at.name) {
            Some((RelKind::Table, oid)) => oid,
            // ALTER TABLE works on views, sequences and indexes for renames
            // and a few other actions.
            Some((_, oid)) => return self.alter_other_relation(oid, at, ctx),
            None if at.if_exists => return,
            None => return ctx.missing(format!("table {}", at.name)),
        };
        for op in &at.ops {
            self.alter_table_op(oid, op, ctx);
        }
    }

    fn alter_other_relation(&mut self, oid: Oid, at: &AlterTable, ctx: &mut Ctx) {
        for op in &at.ops {
            match op {
                AlterTableOp::RenameTo { new_name } => self.rename_relation(oid, new_name, ctx),
                AlterTableOp::Other { .. } | AlterTableOp::AlterColumnOther { .. } => {}
                AlterTableOp::SetDefault { column, expr } => {
                    if let Some(v) = self.catalog.views.get(&oid) {
                        let _ = (v, column, expr);
                    }
                }
                _ => ctx.finding(
                    "wrong-object-type",
                    Severity::Error,
                    format!("{} is not a table", at.name),
                ),
            }
        }
    }

    /// Renames any relation, carrying the new name into view queries and
    /// sequence defaults that spell it.
    pub(super) fn rename_relation(&mut self, oid: Oid, new_name: &str, ctx: &mut Ctx) {
        let Some(old) = self.catalog.relation_name(oid).cloned() else {
            return;
        };
        let new = ObjectName::new(&old.schema, new_name);
        if self.catalog.relation_name_taken(&new) {
            return ctx.duplicate(format!("relation {new}"));
        }
        let before = self.relation_state(oid);
        self.catalog.rename_relation(oid, new.clone());
        // Views keep reading the renamed relation (PostgreSQL holds them by
        // oid); their text must follow.
        self.catalog.views.update_where(
            |v| v.reads.contains(&oid),
            |v| v.query = rename_identifier(&v.query, &old.name, new_name),
        );
        if self.catalog.sequences.contains_key(&oid) {
            self.retarget_nextval(&old, &new);
        }
        if let Some(i) = self.catalog.indexes.get(&oid) {
            // Renaming a constraint's index renames the constraint.
            if let Some(con) = i.constraint.clone() {
                let table = i.table;
                if let Some(c) = self
                    .catalog
                    .tables
                    .get_mut(&table)
                    .and_then(|t| t.constraint_mut(&con))
                {
                    c.name = new_name.to_owned();
                }
                if let Some(i) = self.catalog.indexes.get_mut(&oid) {
                    i.constraint = Some(new_name.to_owned());
                }
            }
        }
        let after = self.relation_state(oid);
        ctx.change(
            Action::Rename,
            relation_ref(&self.catalog, oid, old),
            before,
            after,
        );
    }

    /// Defaults hold their sequence by oid (`nextval(regclass)`); the text
    /// kept here names it, so a renamed or moved sequence must be renamed in
    /// every default that calls it.
    fn retarget_nextval(&mut self, old: &ObjectName, new: &ObjectName) {
        let new_default = nextval_default(new);
        let uses = |c: &Column| {
            c.default
                .as_ref()
                .is_some_and(|d| crate::graph::default_uses_sequence(&d.sql, old))
        };
        self.catalog.tables.update_where(
            |t| t.columns.iter().any(uses),
            |t| {
                for c in t.columns.iter_mut().filter(|c| uses(c)) {
                    c.default = Some(new_default.clone());
                }
            },
        );
    }

    fn relation_state(&self, oid: Oid) -> Option<State> {
        if let Some(t) = self.catalog.tables.get(&oid) {
            return Some(State::Table(Box::new(t.clone())));
        }
        if let Some(v) = self.catalog.views.get(&oid) {
            return Some(State::View(Box::new(v.clone())));
        }
        if let Some(s) = self.catalog.sequences.get(&oid) {
            return Some(State::Sequence(s.clone()));
        }
        self.catalog
            .indexes
            .get(&oid)
            .map(|i| State::Index(i.clone()))
    }

    fn alter_table_op(&mut self, oid: Oid, op: &AlterTableOp, ctx: &mut Ctx) {
        let tname = self.table_name(oid);
        match op {
            AlterTableOp::AddColumn {
                column,
                if_not_exists,
            } => {
                let Some(t) = self.catalog.tables.get(&oid) else {
                    return;
                };
                if t.column(&column.name).is_some() {
                    if !if_not_exists {
                        ctx.duplicate(format!("column {} of table {tname}", column.name));
                    }
                    return;
                }
                let attnum = t.next_attnum;
                let c = self.new_column(column, attnum);
                if let Some(t) = self.catalog.tables.get_mut(&oid) {
                    t.next_attnum += 1;
                    t.columns.push(c);
                }
                self.make_column_sequence(oid, attnum, column, ctx);
                if let Some(c) = self
                    .catalog
                    .tables
                    .get(&oid)
                    .and_then(|t| t.column_by_num(attnum))
                {
                    let c = c.clone();
                    ctx.change(
                        Action::Create,
                        ObjectRef::Column {
                            table: tname.clone(),
                            column: c.name.clone(),
                        },
                        None,
                        Some(State::Column(c)),
                    );
                }
                for con in &column.constraints {
                    self.add_constraint(oid, con, ctx, false);
                }
            }
            AlterTableOp::DropColumn {
                name,
                if_exists,
                cascade,
            } => match self.catalog.tables.get(&oid).and_then(|t| t.column(name)) {
                Some(c) => {
                    let attnum = c.attnum;
                    self.drop_nodes(Node::Column(oid, attnum), *cascade, ctx)
                }
                None if *if_exists => {}
                None => ctx.missing(format!("column {name} of table {tname}")),
            },
            AlterTableOp::AlterColumnType {
                column,
                data_type,
                collation,
                ..
            } => {
                let new_type = self.resolve_type_name(data_type);
                let seq = self
                    .catalog
                    .tables
                    .get(&oid)
                    .and_then(|t| t.column(column))
                    .and_then(|c| c.identity.map(|(_, s)| s));
                self.alter_column(oid, column, ctx, |c| {
                    // PostgreSQL keeps the default's expression and coerces
                    // it: a bare literal keeps the old type it was read as.
                    if let Some(d) = &mut c.default
                        && is_bare_string_literal(&d.sql)
                        && c.data_type.name != new_type.name
                    {
                        let old = TypeName {
                            modifiers: Vec::new(),
                            ..c.data_type.clone()
                        };
                        d.sql = format!("{}::{}", d.sql, old.to_sql());
                    }
                    c.data_type = new_type.clone();
                    if collation.is_some() {
                        c.collation = collation.clone();
                    }
                });
                // An identity column's sequence follows the column's type.
                if let Some(s) = seq.and_then(|s| self.catalog.sequences.get_mut(&s)) {
                    let (old_min, old_max) = type_range(&s.data_type);
                    let (min, max) = type_range(&new_type);
                    if s.max_value == old_max {
                        s.max_value = max;
                    }
                    if s.min_value == old_min {
                        s.min_value = min;
                    }
                    s.data_type = new_type;
                }
            }
            AlterTableOp::SetDefault { column, expr } => {
                self.alter_column(oid, column, ctx, |c| c.default = Some(expr.clone()))
            }
            AlterTableOp::DropDefault { column } => {
                self.alter_column(oid, column, ctx, |c| c.default = None)
            }
            AlterTableOp::SetNotNull { column } => self.set_not_null(oid, column, true, ctx),
            AlterTableOp::DropNotNull { column } => {
                let in_pk = self.catalog.tables.get(&oid).is_some_and(|t| {
                    let attnum = t.column(column).map(|c| c.attnum);
                    t.primary_key().is_some_and(|pk| match &pk.kind {
                        ConstraintDef::PrimaryKey { columns, .. } => {
                            attnum.is_some_and(|a| columns.contains(&a))
                        }
                        _ => false,
                    })
                });
                if in_pk {
                    return ctx.finding(
                        "invalid-change",
                        Severity::Error,
                        format!("column {column} of {tname} is in a primary key; PostgreSQL refuses DROP NOT NULL"),
                    );
                }
                self.set_not_null(oid, column, false, ctx)
            }
            AlterTableOp::AddIdentity { column, identity } => {
                let def = ColumnDef {
                    name: column.clone(),
                    data_type: TypeName::simple("integer"),
                    serial: false,
                    not_null: None,
                    default: None,
                    identity: Some(identity.clone()),
                    generated: None,
                    collation: None,
                    constraints: Vec::new(),
                };
                let Some(attnum) = self
                    .catalog
                    .tables
                    .get(&oid)
                    .and_then(|t| t.column(column))
                    .map(|c| c.attnum)
                else {
                    return ctx.missing(format!("column {column} of table {tname}"));
                };
                let before = self
                    .catalog
                    .tables
                    .get(&oid)
                    .and_then(|t| t.column(column))
                    .cloned();
                self.make_column_sequence(oid, attnum, &def, ctx);
                let after = self
                    .catalog
                    .tables
                    .get(&oid)
                    .and_then(|t| t.column(column))
                    .cloned();
                ctx.change(
                    Action::Alter,
                    ObjectRef::Column {
                        table: tname,
                        column: column.clone(),
                    },
                    before.map(State::Column),
                    after.map(State::Column),
                );
            }
            AlterTableOp::AlterIdentity {
                column,
                always,
                options,
            } => {
                let seq = self
                    .catalog
                    .tables
                    .get(&oid)
                    .and_then(|t| t.column(column))
                    .and_then(|c| c.identity.map(|(_, s)| s));
                if let Some(always) = always {
                    let kind = if *always {
                        IdentityKind::Always
                    } else {
                        IdentityKind::ByDefault
                    };
                    self.alter_column(oid, column, ctx, |c| {
                        if let Some((k, _)) = &mut c.identity {
                            *k = kind;
                        }
                    });
                }
                if let Some(s) = seq {
                    self.apply_sequence_options(s, options);
                }
            }
            AlterTableOp::DropIdentity { column, if_exists } => {
                let seq = self
                    .catalog
                    .tables
                    .get(&oid)
                    .and_then(|t| t.column(column))
                    .and_then(|c| c.identity.map(|(_, s)| s));
                match seq {
                    Some(s) => {
                        self.alter_column(oid, column, ctx, |c| c.identity = None);
                        if let Some(seq) = self.catalog.sequences.remove(&s) {
                            self.catalog.unbind_name(&seq.name, seq.oid);
                        }
                    }
                    None if *if_exists => {}
                    None => ctx.finding(
                        "missing-object",
                        Severity::Error,
                        format!("column {column} of table {tname} is not an identity column"),
                    ),
                }
            }
            AlterTableOp::DropExpression { column, .. } => {
                self.alter_column(oid, column, ctx, |c| c.generated = None)
            }
            AlterTableOp::AlterColumnOther { column, .. } => {
                if self
                    .catalog
                    .tables
                    .get(&oid)
                    .is_some_and(|t| t.column(column).is_none())
                {
                    ctx.missing(format!("column {column} of table {tname}"));
                }
            }
            AlterTableOp::AddConstraint(c) => self.add_constraint(oid, c, ctx, false),
            AlterTableOp::AddConstraintUsingIndex {
                name,
                primary_key,
                index,
                deferrable,
                initially_deferred,
            } => self.add_constraint_using_index(
                oid,
                name.as_deref(),
                *primary_key,
                index,
                (*deferrable, *initially_deferred),
                ctx,
            ),
            AlterTableOp::DropConstraint {
                name,
                if_exists,
                cascade,
            } => {
                let exists = self
                    .catalog
                    .tables
                    .get(&oid)
                    .is_some_and(|t| t.constraint(name).is_some());
                if exists {
                    self.drop_nodes(Node::Constraint(oid, name.clone()), *cascade, ctx);
                } else if !if_exists {
                    ctx.missing(format!("constraint {name} on table {tname}"));
                }
            }
            AlterTableOp::ValidateConstraint { name } => {
                self.alter_constraint(oid, name, ctx, |c| c.validated = true)
            }
            AlterTableOp::AlterConstraint {
                name,
                deferrable,
                initially_deferred,
            } => self.alter_constraint(oid, name, ctx, |c| {
                if let Some(d) = deferrable {
                    c.deferrable = *d;
                }
                if let Some(i) = initially_deferred {
                    c.initially_deferred = *i;
                }
            }),
            AlterTableOp::RenameConstraint { name, new_name } => {
                let Some(t) = self.catalog.tables.get(&oid) else {
                    return;
                };
                if t.constraint(new_name).is_some() {
                    return ctx.duplicate(format!("constraint {new_name} on table {tname}"));
                }
                let index = t.constraint(name).and_then(|c| c.kind.index());
                if let Some(i) = index {
                    let new = ObjectName::new(&tname.schema, new_name);
                    if self.catalog.relation_name_taken(&new) {
                        return ctx.duplicate(format!("relation {new}"));
                    }
                    self.catalog.rename_relation(i, new);
                    if let Some(ix) = self.catalog.indexes.get_mut(&i) {
                        ix.constraint = Some(new_name.clone());
                    }
                }
                let Some(c) = self
                    .catalog
                    .tables
                    .get_mut(&oid)
                    .and_then(|t| t.constraint_mut(name))
                else {
                    return ctx.missing(format!("constraint {name} on table {tname}"));
                };
                let before = c.clone();
                c.name = new_name.clone();
                let after = c.clone();
                ctx.change(
                    Action::Rename,
                    ObjectRef::Constraint {
                        table: tname,
                        name: name.clone(),
                    },
                    Some(State::Constraint(before)),
                    Some(State::Constraint(after)),
                );
            }
            AlterTableOp::RenameColumn { name, new_name } => {
                self.rename_column(oid, name, new_name, ctx)
            }
            AlterTableOp::RenameTo { new_name } => self.rename_relation(oid, new_name, ctx),
            AlterTableOp::SetSchema { schema } => self.set_relation_schema(oid, schema, ctx),
            AlterTableOp::AttachPartition { partition, bound } => {
                let Some(child) = self.resolve_table(partition) else {
                    return ctx.missing(format!("table {partition}"));
                };
                if let Some(t) = self.catalog.tables.get_mut(&child) {
                    t.partition_of = Some((oid, bound.clone()));
                    for c in &mut t.columns {
                        c.inherited = true;
                    }
                }
            }
            AlterTableOp::DetachPartition { partition, .. } => {
                let Some(child) = self.resolve_table(partition) else {
                    return ctx.missing(format!("table {partition}"));
                };
                if let Some(t) = self.catalog.tables.get_mut(&child) {
                    t.partition_of = None;
                    for c in &mut t.columns {
                        c.inherited = false;
                    }
                }
            }
            AlterTableOp::Inherit { parent } => {
                let Some(p) = self.resolve_table(parent) else {
                    return ctx.missing(format!("table {parent}"));
                };
                if let Some(t) = self.catalog.tables.get_mut(&oid) {
                    t.inherits.push(p);
                }
            }
            AlterTableOp::NoInherit { parent } => {
                let p = self.resolve_table(parent);
                if let Some(t) = self.catalog.tables.get_mut(&oid) {
                    t.inherits.retain(|x| Some(*x) != p);
                }
            }
            AlterTableOp::SetLogged | AlterTableOp::SetUnlogged => {
                let unlogged = matches!(op, AlterTableOp::SetUnlogged);
                if let Some(t) = self.catalog.tables.get_mut(&oid) {
                    t.unlogged = unlogged;
                }
            }
            AlterTableOp::Other { .. } => {}
        }
    }

    fn alter_constraint(
        &mut self,
        table: Oid,
        name: &str,
        ctx: &mut Ctx,
        f: impl FnOnce(&mut Constraint),
    ) {
        let tname = self.table_name(table);
        let Some(c) = self
            .catalog
            .tables
            .get_mut(&table)
            .and_then(|t| t.constraint_mut(name))
        else {
            return ctx.missing(format!("constraint {name} on table {tname}"));
        };
        let before = c.clone();
        f(c);
        if *c != before {
            let after = c.clone();
            ctx.change(
                Action::Alter,
                ObjectRef::Constraint {
                    table: tname,
                    name: name.to_owned(),
                },
                Some(State::Constraint(before)),
                Some(State::Constraint(after)),
            );
        }
    }

    fn add_constraint_using_index(
        &mut self,
        table: Oid,
        name: Option<&str>,
        primary_key: bool,
        index: &str,
        (deferrable, initially_deferred): (Option<bool>, Option<bool>),
        ctx: &mut Ctx,
    ) {
        let tname = self.table_name(table);
        let iname = ObjectName::new(&tname.schema, index);
        let Some((RelKind::Index, ioid)) = self.catalog.relation(&iname) else {
            return ctx.missing(format!("index {iname}"));
        };
        let Some(ix) = self.catalog.indexes.get(&ioid).cloned() else {
            return;
        };
        let name = name.unwrap_or(index).to_owned();
        if name != index {
            let new = ObjectName::new(&tname.schema, &name);
            if self.catalog.relation_name_taken(&new) {
                return ctx.duplicate(format!("relation {new}"));
            }
            self.catalog.rename_relation(ioid, new);
        }
        let columns: Vec<AttNum> = ix.keys.iter().filter_map(|k| k.column).collect();
        let kind = if primary_key {
            if let Some(t) = self.catalog.tables.get_mut(&table) {
                for c in t.columns.iter_mut().filter(|c| columns.contains(&c.attnum)) {
                    c.not_null = true;
                }
            }
            ConstraintDef::PrimaryKey {
                columns,
                include: ix.include.clone(),
                index: ioid,
            }
        } else {
            ConstraintDef::Unique {
                columns,
                include: ix.include.clone(),
                nulls_not_distinct: ix.nulls_not_distinct,
                index: ioid,
            }
        };
        if let Some(i) = self.catalog.indexes.get_mut(&ioid) {
            i.constraint = Some(name.clone());
        }
        let c = Constraint {
            name: name.clone(),
            kind,
            deferrable: deferrable.unwrap_or(false),
            initially_deferred: initially_deferred.unwrap_or(false),
            validated: true,
            comment: None,
        };
        if let Some(t) = self.catalog.tables.get_mut(&table) {
            t.constraints.push(c.clone());
        }
        ctx.change(
            Action::Create,
            ObjectRef::Constraint { table: tname, name },
            None,
            Some(State::Constraint(c)),
        );
    }

    fn rename_column(&mut self, oid: Oid, name: &str, new_name: &str, ctx: &mut Ctx) {
        let tname = self.table_name(oid);
        let Some(t) = self.catalog.tables.get_mut(&oid) else {
            return;
        };
        if t.column(new_name).is_some() {
            return ctx.duplicate(format!("column {new_name} of table {tname}"));
        }
        let Some(c) = t.column_mut(name) else {
            return ctx.missing(format!("column {name} of table {tname}"));
        };
        let before = c.clone();
        c.name = new_name.to_owned();
        let after = c.clone();
        // Expressions on this table name the column: carry the rename.
        for c in &mut t.columns {
            if let Some(d) = &mut c.default {
                rename_in(d, name, new_name);
            }
            if let Some(g) = &mut c.generated {
                rename_in(g, name, new_name);
            }
        }
        for con in &mut t.constraints {
            match &mut con.kind {
                ConstraintDef::Check { expr, .. } => rename_in(expr, name, new_name),
                ConstraintDef::Exclusion {
                    elements,
                    predicate,
                    ..
                } => {
                    for (e, _) in elements {
                        rename_in(e, name, new_name);
                    }
                    if let Some(p) = predicate {
                        rename_in(p, name, new_name);
                    }
                }
                _ => {}
            }
        }
        for tr in &mut t.triggers {
            for u in &mut tr.update_columns {
                if u == name {
                    *u = new_name.to_owned();
                }
            }
            if let Some(w) = &mut tr.when {
                rename_in(w, name, new_name);
            }
        }
        self.catalog.indexes.update_where(
            |i| i.table == oid,
            |i| {
                for k in &mut i.keys {
                    if let Some(e) = &mut k.expr {
                        rename_in(e, name, new_name);
                    }
                }
                if let Some(p) = &mut i.predicate {
                    rename_in(p, name, new_name);
                }
            },
        );
        self.catalog.views.update_where(
            |v| v.read_columns.contains(&(oid, before.attnum)),
            |v| {
                // The view keeps its output column names (PostgreSQL holds
                // the column by number): pin them before rewriting.
                if v.columns.is_empty()
                    && let Some(out) = &v.output_columns
                {
                    v.columns = out.clone();
                }
                v.query = crate::sql::rewrite::rename_column(&v.query, name, new_name);
            },
        );
        ctx.change(
            Action::Rename,
            ObjectRef::Column {
                table: tname,
                column: name.to_owned(),
            },
            Some(State::Column(before)),
            Some(State::Column(after)),
        );
    }

    pub(super) fn set_relation_schema(&mut self, oid: Oid, schema: &str, ctx: &mut Ctx) {
        if !self.catalog.schemas.contains_key(schema) {
            return ctx.missing(format!("schema {schema}"));
        }
        let Some(old) = self.catalog.relation_name(oid).cloned() else {
            return;
        };
        let new = ObjectName::new(schema, &old.name);
        if self.catalog.relation_name_taken(&new) {
            return ctx.duplicate(format!("relation {new}"));
        }
        let before = self.relation_state(oid);
        self.catalog.rename_relation(oid, new);
        // Indexes and owned sequences move with a table.
        let moved: Vec<Oid> = self
            .catalog
            .indexes
            .values()
            .filter(|i| i.table == oid)
            .map(|i| i.oid)
            .chain(
                self.catalog
                    .sequences
                    .values()
                    .filter(|s| s.owned_by.is_some_and(|(t, _)| t == oid))
                    .map(|s| s.oid),
            )
            .collect();
        for m in moved {
            if let Some(n) = self.catalog.relation_name(m).cloned() {
                let to = ObjectName::new(schema, &n.name);
                self.catalog.rename_relation(m, to.clone());
                if self.catalog.sequences.contains_key(&m) {
                    self.retarget_nextval(&n, &to);
                }
            }
        }
        if self.catalog.sequences.contains_key(&oid) {
            self.retarget_nextval(&old, &ObjectName::new(schema, &old.name));
        }
        let after = self.relation_state(oid);
        ctx.change(
            Action::Alter,
            relation_ref(&self.catalog, oid, old),
            before,
            after,
        );
    }

    pub(super) fn create_index(&mut self, ci: &CreateIndex, ctx: &mut Ctx) {
        let Some((kind, table)) = self.resolve_relation(&ci.table) else {
            return ctx.missing(format!("table {}", ci.table));
        };
        if !matches!(kind, RelKind::Table | RelKind::MaterializedView) {
            return ctx.finding(
                "wrong-object-type",
                Severity::Error,
                format!("cannot index {} {}", kind.describe(), ci.table),
            );
        }
        let tname = self.table_name(table);
        let t = self.catalog.tables.get(&table);
        let mut keys = Vec::new();
        for k in &ci.keys {
            let column = match (&k.column, t) {
                (Some(c), Some(t)) => match t.column(c) {
                    Some(col) => Some(col.attnum),
                    None => return ctx.missing(format!("column {c} of table {tname}")),
                },
                _ => None,
            };
            keys.push(IndexKeyDef {
                column,
                expr: if column.is_some() {
                    None
                } else {
                    Some(k.expr.clone())
                },
                collation: k.collation.clone(),
                opclass: k.opclass.clone(),
                descending: k.descending,
                nulls_first: k.nulls_first,
            });
        }
        let mut include = Vec::new();
        for c in &ci.include {
            match t.and_then(|t| t.column(c)) {
                Some(col) => include.push(col.attnum),
                None => return ctx.missing(format!("column {c} of table {tname}")),
            }
        }
        let name = match &ci.name {
            Some(n) => {
                let n = ObjectName::new(&tname.schema, n);
                if self.catalog.relation_name_taken(&n) {
                    if !ci.if_not_exists {
                        ctx.duplicate(format!("relation {n}"));
                    }
                    return;
                }
                n
            }
            None => {
                let cols: Vec<String> = ci
                    .keys
                    .iter()
                    .map(|k| match &k.column {
                        Some(c) => c.clone(),
                        None => index_expr_name(&k.expr),
                    })
                    .chain(ci.include.iter().cloned())
                    .collect();
                let n = choose_name(
                    &tname.name,
                    Some(&column_addition(cols.iter().map(String::as_str))),
                    "idx",
                    |n| self.catalog.relation_in(&tname.schema, n).is_some(),
                );
                ObjectName::new(&tname.schema, &n)
            }
        };
        let oid = self.catalog.alloc_oid();
        let index = Index {
            oid,
            name: name.clone(),
            table,
            unique: ci.unique,
            method: ci.method.clone(),
            keys,
            include,
            predicate: ci.predicate.clone(),
            nulls_not_distinct: ci.nulls_not_distinct,
            with: ci.with.clone(),
            only: ci.only,
            constraint: None,
            comment: None,
        };
        self.catalog.bind_name(name.clone(), RelKind::Index, oid);
        self.catalog.indexes.insert(oid, index.clone());
        ctx.change(
            Action::Create,
            ObjectRef::Index { name },
            None,
            Some(State::Index(index)),
        );
    }

    pub(super) fn alter_index(
        &mut self,
        name: &QualifiedName,
        if_exists: bool,
        action: &AlterIndexAction,
        ctx: &mut Ctx,
    ) {
        let oid = match self.resolve_relation(name) {
            Some((_, oid)) => oid,
            None if if_exists => return,
            None => return ctx.missing(format!("index {name}")),
        };
        match action {
            AlterIndexAction::RenameTo { new_name } => self.rename_relation(oid, new_name, ctx),
            AlterIndexAction::SetSchema { schema } => self.set_relation_schema(oid, schema, ctx),
            AlterIndexAction::AttachPartition { .. } | AlterIndexAction::Other { .. } => {}
        }
    }
}

/// Whether an expression is one string literal and nothing else.
fn is_bare_string_literal(sql: &str) -> bool {
    let body = sql
        .strip_prefix("E'")
        .or_else(|| sql.strip_prefix('\''))
        .and_then(|s| s.strip_suffix('\''));
    body.is_some_and(|b| !b.replace("''", "").contains('\''))
}

/// The default PostgreSQL gives a serial column.
pub(super) fn nextval_default(seq: &ObjectName) -> SqlExpr {
    let quoted = format!("{seq}").replace('\'', "''");
    SqlExpr {
        sql: format!("nextval('{quoted}'::regclass)"),
        columns: Vec::new(),
        functions: vec!["nextval".to_owned()],
    }
}

fn plain_keys(columns: &[AttNum]) -> Vec<IndexKeyDef> {
    columns
        .iter()
        .map(|&a| IndexKeyDef {
            column: Some(a),
            expr: None,
            collation: None,
            opclass: None,
            descending: false,
            nulls_first: None,
        })
        .collect()
}

/// The name PostgreSQL uses for an expression key in a generated index
/// name: the function's name for a function call, else `expr`.
fn index_expr_name(e: &SqlExpr) -> String {
    let sql = e.sql.trim();
    let head: String = sql
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '.')
        .collect();
    if !head.is_empty() && sql[head.len()..].trim_start().starts_with('(') {
        head.rsplit('.').next().unwrap_or("expr").to_lowercase()
    } else {
        "expr".to_owned()
    }
}

/// `LIKE ... INCLUDING INDEXES` copies plain indexes too, with names
/// generated for the new table (`table` is its name).
fn like_index(s: &Table, i: &Index, table: &ObjectName) -> CreateIndex {
    CreateIndex {
        name: None,
        table: table.into(),
        unique: i.unique,
        concurrently: false,
        if_not_exists: false,
        only: false,
        method: i.method.clone(),
        keys: i
            .keys
            .iter()
            .map(|k| {
                let column = k.column.map(|a| s.column_name(a).to_owned());
                IndexKey {
                    expr: match (&column, &k.expr) {
                        (_, Some(e)) => e.clone(),
                        (Some(c), None) => SqlExpr::new(quote_ident(c)),
                        (None, None) => SqlExpr::new("?"),
                    },
                    column,
                    collation: k.collation.clone(),
                    opclass: k.opclass.clone(),
                    descending: k.descending,
                    nulls_first: k.nulls_first,
                }
            })
            .collect(),
        include: i
            .include
            .iter()
            .map(|a| s.column_name(*a).to_owned())
            .collect(),
        predicate: i.predicate.clone(),
        nulls_not_distinct: i.nulls_not_distinct,
        with: i.with.clone(),
    }
}

/// `LIKE ... INCLUDING INDEXES` copies primary key and unique constraints.
fn like_index_constraints(s: &Table) -> Vec<TableConstraint> {
    s.constraints
        .iter()
        .filter_map(|c| {
            let kind = match &c.kind {
                ConstraintDef::PrimaryKey {
                    columns, include, ..
                } => ConstraintKind::PrimaryKey {
                    columns: columns
                        .iter()
                        .map(|a| s.column_name(*a).to_owned())
                        .collect(),
                    include: include
                        .iter()
                        .map(|a| s.column_name(*a).to_owned())
                        .collect(),
                },
                ConstraintDef::Unique {
                    columns,
                    include,
                    nulls_not_distinct,
                    ..
                } => ConstraintKind::Unique {
                    columns: columns
                        .iter()
                        .map(|a| s.column_name(*a).to_owned())
                        .collect(),
                    include: include
                        .iter()
                        .map(|a| s.column_name(*a).to_owned())
                        .collect(),
                    nulls_not_distinct: *nulls_not_distinct,
                },
                _ => return None,
            };
            Some(TableConstraint {
                name: None,
                kind,
                deferrable: None,
                initially_deferred: None,
                not_valid: false,
            })
        })
        .collect()
}

/// The reference for a relation of whatever kind `oid` is.
pub(super) fn relation_ref(catalog: &Catalog, oid: Oid, name: ObjectName) -> ObjectRef {
    if catalog.views.contains_key(&oid) {
        ObjectRef::View { name }
    } else if catalog.sequences.contains_key(&oid) {
        ObjectRef::Sequence { name }
    } else if catalog.indexes.contains_key(&oid) {
        ObjectRef::Index { name }
    } else {
        ObjectRef::Table { name }
    }
}
