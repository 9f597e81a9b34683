//! The lock each statement takes, per PostgreSQL's documentation of the
//! statement and of each ALTER TABLE subcommand, and whether it rewrites,
//! scans, loses data or must run outside a transaction block, on the target
//! major version. `tests/lock_trace.rs` checks this table against what a
//! real server does.

use super::types::{type_change_rewrites, volatile_default};
use super::{Context, Hazards, LockMode, Rewrite, TableLock};
use crate::model::Replay;
use crate::model::catalog::{ConstraintDef, ObjectName, Oid, RelKind, TypeKind};
use crate::sql::ir::{
    AlterIndexAction, AlterTableOp, AlterTypeAction, ColumnDef, ConstraintKind, QualifiedName,
    Stmt, TableConstraint, TableElement, TypeName,
};

use LockMode::*;

struct Builder<'a> {
    replay: &'a Replay,
    context: &'a Context,
    pg: u32,
    h: Hazards,
}

impl Builder<'_> {
    /// Locks the relation `name` resolves to; `None` when it does not exist.
    fn lock(&mut self, name: &QualifiedName, mode: LockMode) -> Option<(Oid, bool)> {
        let resolved = self.replay.resolve_relation(name);
        let (table, oid) = match resolved {
            Some((_, oid)) => (self.replay.catalog.relation_name(oid)?.clone(), Some(oid)),
            None => (
                ObjectName::new(name.schema.as_deref().unwrap_or("public"), &name.name),
                None,
            ),
        };
        let new = oid.is_some_and(|o| self.context.created.contains(&o));
        self.push(table, mode, new);
        oid.map(|o| (o, !new))
    }

    fn lock_oid(&mut self, oid: Oid, mode: LockMode) -> bool {
        let Some(name) = self.replay.catalog.relation_name(oid).cloned() else {
            return false;
        };
        let new = self.context.created.contains(&oid);
        self.push(name, mode, new);
        !new
    }

    fn push(&mut self, table: ObjectName, mode: LockMode, new: bool) {
        if let Some(l) = self.h.locks.iter_mut().find(|l| l.table == table) {
            l.mode = l.mode.max(mode);
        } else {
            self.h.locks.push(TableLock { table, mode, new });
        }
    }

    fn rewrite(&mut self, existing: bool, r: Rewrite) {
        if existing {
            self.h.scan = true;
            self.h.rewrite = Some(match (self.h.rewrite, r) {
                (Some(Rewrite::Table), _) | (_, Rewrite::Table) => Rewrite::Table,
                _ => Rewrite::Index,
            });
        }
    }

    fn scan(&mut self, existing: bool) {
        self.h.scan |= existing;
    }
}

pub(super) fn hazards(stmt: &Stmt, replay: &Replay, context: &Context, pg: u32) -> Hazards {
    let mut b = Builder {
        replay,
        context,
        pg,
        h: Hazards::default(),
    };
    match stmt {
        Stmt::CreateTable(ct) => {
            for e in &ct.elements {
                match e {
                    TableElement::Column(c) => {
                        for k in &c.constraints {
                            references(&mut b, k);
                        }
                    }
                    TableElement::Constraint(k) => {
                        references(&mut b, k);
                    }
                    TableElement::Like { source, .. } => {
                        b.lock(source, AccessShare);
                    }
                }
            }
            if let Some(p) = &ct.partition_of {
                let existing = b.lock(&p.parent, AccessExclusive).is_some_and(|(_, e)| e);
                b.scan(existing);
            }
            for q in ct.as_query.iter().flat_map(|q| &q.relations) {
                b.lock(q, AccessShare);
            }
        }
        Stmt::AlterTable(at) => alter_table(&mut b, &at.name, &at.ops),
        Stmt::DropTable { names, .. } => {
            for n in names {
                if let Some((_, existing)) = b.lock(n, AccessExclusive) {
                    b.h.data_loss |= existing;
                }
            }
        }
        Stmt::CreateIndex(ci) => {
            let mode = if ci.concurrently {
                ShareUpdateExclusive
            } else {
                Share
            };
            b.h.no_transaction |= ci.concurrently;
            let existing = b.lock(&ci.table, mode).is_some_and(|(_, e)| e);
            b.rewrite(existing, Rewrite::Index);
        }
        Stmt::DropIndex {
            names,
            concurrently,
            ..
        } => {
            b.h.no_transaction |= *concurrently;
            for n in names {
                if let Some((RelKind::Index, oid)) = replay.resolve_relation(n)
                    && let Some(i) = replay.catalog.indexes.get(&oid)
                {
                    let mode = if *concurrently {
                        ShareUpdateExclusive
                    } else {
                        AccessExclusive
                    };
                    b.lock_oid(i.table, mode);
                }
            }
        }
        Stmt::AlterIndex { name, action, .. } => {
            let mode = match action {
                AlterIndexAction::RenameTo { .. } if pg >= 12 => ShareUpdateExclusive,
                AlterIndexAction::Other { what } if what.contains("SET (") => ShareUpdateExclusive,
                AlterIndexAction::AttachPartition { .. } => ShareUpdateExclusive,
                _ => AccessExclusive,
            };
            let existing = b.lock(name, mode).is_some_and(|(_, e)| e);
            if let AlterIndexAction::Other { what } = action
                && what.contains("TABLESPACE")
            {
                b.rewrite(existing, Rewrite::Index);
            }
        }
        Stmt::Reindex {
            target,
            name,
            concurrently,
        } => reindex(&mut b, target, name, *concurrently),
        Stmt::CreateView(v) => {
            if v.or_replace {
                b.lock(&v.name, AccessExclusive);
            }
            for r in &v.query.relations {
                b.lock(r, AccessShare);
            }
        }
        Stmt::DropView { names, .. } => {
            for n in names {
                b.lock(n, AccessExclusive);
            }
        }
        Stmt::AlterView { name, .. } => {
            b.lock(name, AccessExclusive);
        }
        Stmt::RefreshMaterializedView {
            name, concurrently, ..
        } => {
            let mode = if *concurrently {
                Exclusive
            } else {
                AccessExclusive
            };
            let existing = b.lock(name, mode).is_some_and(|(_, e)| e);
            b.rewrite(existing, Rewrite::Table);
        }
        Stmt::DropSequence { names, .. } => {
            for n in names {
                b.lock(n, AccessExclusive);
            }
        }
        Stmt::AlterType(at)
            if matches!(at.action, AlterTypeAction::AddValue { .. })
                && pg < 12
                && context.in_transaction =>
        {
            b.h.no_transaction = true;
        }
        Stmt::AlterDomain { name, action } => {
            use crate::sql::ir::AlterDomainAction as A;
            let validates = matches!(
                action,
                A::AddCheck {
                    not_valid: false,
                    ..
                } | A::SetNotNull
                    | A::ValidateConstraint { .. }
            );
            if validates {
                for oid in tables_using_type(replay, name) {
                    // PostgreSQL 19 lowered VALIDATE CONSTRAINT's lock
                    // (commit 16a0039dc); before, it took SHARE like ADD.
                    let mode = if matches!(action, A::ValidateConstraint { .. }) && pg >= 19 {
                        ShareUpdateExclusive
                    } else {
                        Share
                    };
                    let existing = b.lock_oid(oid, mode);
                    b.scan(existing);
                }
            }
        }
        Stmt::CreateTrigger(t) => {
            b.lock(&t.table, ShareRowExclusive);
        }
        Stmt::DropTrigger { table, .. } | Stmt::AlterTrigger { table, .. } => {
            b.lock(table, AccessExclusive);
        }
        Stmt::Dml(d) => {
            for r in &d.relations {
                if Some(r) != d.target.as_ref() {
                    b.lock(r, AccessShare);
                }
            }
            if let Some(t) = &d.target {
                let existing = b.lock(t, RowExclusive).is_some_and(|(_, e)| e);
                b.h.data_loss |= existing && d.verb == "DELETE";
            }
        }
        Stmt::Truncate { tables, .. } => {
            for t in tables {
                if let Some((_, existing)) = b.lock(t, AccessExclusive) {
                    b.h.data_loss |= existing;
                }
            }
        }
        Stmt::Lock { tables, mode } => {
            let mode = LockMode::parse(mode).unwrap_or(AccessExclusive);
            for t in tables {
                b.lock(t, mode);
            }
        }
        Stmt::Other { what, tables } => {
            let mode = match what.as_str() {
                "VACUUM" | "ANALYZE" | "CREATE STATISTICS" => Some(ShareUpdateExclusive),
                w if w.contains("POLICY") || w.contains("RULE") => Some(AccessExclusive),
                "CLUSTER" => Some(AccessExclusive),
                _ => None,
            };
            if let Some(mode) = mode {
                for t in tables {
                    let existing = b.lock(t, mode).is_some_and(|(_, e)| e);
                    if what == "CLUSTER" {
                        b.rewrite(existing, Rewrite::Table);
                    }
                }
            }
            b.h.no_transaction |= matches!(
                what.as_str(),
                "VACUUM"
                    | "CREATE DATABASE"
                    | "DROP DATABASE"
                    | "CREATE TABLESPACE"
                    | "DROP TABLESPACE"
                    | "ALTER SYSTEM"
            ) || (what == "CLUSTER" && tables.is_empty());
            b.h.data_loss |= what == "DROP DATABASE";
        }
        Stmt::DropSchema { .. } => {
            b.h.data_loss = true;
        }
        _ => {}
    }
    b.h
}

/// A foreign key in a CREATE TABLE or ADD COLUMN locks the referenced table.
fn references(b: &mut Builder, k: &TableConstraint) -> bool {
    if let ConstraintKind::ForeignKey { ref_table, .. } = &k.kind {
        b.lock(ref_table, ShareRowExclusive);
        true
    } else {
        false
    }
}

fn tables_using_type(replay: &Replay, name: &QualifiedName) -> Vec<Oid> {
    replay
        .catalog
        .tables
        .values()
        .filter(|t| {
            t.columns
                .iter()
                .any(|c| c.data_type.name == name.name && c.data_type.array_dims == 0)
        })
        .map(|t| t.oid)
        .collect()
}

fn reindex(b: &mut Builder, target: &str, name: &QualifiedName, concurrently: bool) {
    let concurrently = concurrently && b.pg >= 12;
    let target = target.to_ascii_uppercase();
    if concurrently || matches!(target.as_str(), "SCHEMA" | "DATABASE" | "SYSTEM") {
        b.h.no_transaction |= concurrently || target != "TABLE";
    }
    let table = match target.as_str() {
        "INDEX" => match b.replay.resolve_relation(name) {
            Some((RelKind::Index, oid)) => b.replay.catalog.indexes.get(&oid).map(|i| i.table),
            _ => None,
        },
        "TABLE" => b.replay.resolve_table(name),
        _ => None,
    };
    if let Some(t) = table {
        let mode = if concurrently {
            ShareUpdateExclusive
        } else {
            Share
        };
        let existing = b.lock_oid(t, mode);
        b.rewrite(existing, Rewrite::Index);
    }
}

fn alter_table(b: &mut Builder, name: &QualifiedName, ops: &[AlterTableOp]) {
    let Some((oid, existing)) = b.lock(name, weakest_for(ops, b.pg)) else {
        return;
    };
    for op in ops {
        alter_table_op(b, name, oid, existing, op);
    }
}

/// The lock the whole ALTER TABLE takes: the strongest its subcommands need.
fn weakest_for(ops: &[AlterTableOp], pg: u32) -> LockMode {
    ops.iter()
        .map(|op| op_lock(op, pg))
        .max()
        .unwrap_or(AccessExclusive)
}

fn op_lock(op: &AlterTableOp, pg: u32) -> LockMode {
    use AlterTableOp as O;
    match op {
        O::AddConstraint(TableConstraint {
            kind: ConstraintKind::ForeignKey { .. },
            ..
        }) => ShareRowExclusive,
        O::ValidateConstraint { .. } => ShareUpdateExclusive,
        O::AlterColumnOther { what, .. }
            if what.contains("STATISTICS") || what.starts_with("SET (") =>
        {
            ShareUpdateExclusive
        }
        O::AttachPartition { .. } if pg >= 12 => ShareUpdateExclusive,
        O::DetachPartition {
            concurrently: true, ..
        } if pg >= 14 => ShareUpdateExclusive,
        O::Other { what } => {
            let w = what.to_ascii_uppercase();
            if w.contains("TRIGGER") {
                ShareRowExclusive
            } else if w.contains("CLUSTER")
                || (w.starts_with("SET (") && !w.contains("TABLESPACE"))
                || w.contains("STATISTICS")
            {
                ShareUpdateExclusive
            } else {
                AccessExclusive
            }
        }
        _ => AccessExclusive,
    }
}

fn alter_table_op(
    b: &mut Builder,
    name: &QualifiedName,
    oid: Oid,
    existing: bool,
    op: &AlterTableOp,
) {
    use AlterTableOp as O;
    let column = |c: &str| {
        b.replay
            .catalog
            .tables
            .get(&oid)
            .and_then(|t| t.column(c))
            .cloned()
    };
    match op {
        O::AddColumn { column: def, .. } => {
            if add_column_rewrites(b, def) {
                b.rewrite(existing, Rewrite::Table);
            }
            for k in &def.constraints {
                if references(b, k) {
                    b.scan(existing);
                } else if matches!(
                    k.kind,
                    ConstraintKind::PrimaryKey { .. }
                        | ConstraintKind::Unique { .. }
                        | ConstraintKind::Exclusion { .. }
                ) {
                    b.rewrite(existing, Rewrite::Index);
                } else {
                    b.scan(existing);
                }
            }
        }
        O::DropColumn { .. } => b.h.data_loss |= existing,
        O::AlterColumnType {
            column: c,
            data_type,
            using,
            ..
        } => {
            let rewrites = match column(c) {
                Some(old) => type_change_rewrites(&old.data_type, data_type, using.is_some()),
                None => true,
            };
            if rewrites {
                b.rewrite(existing, Rewrite::Table);
            }
        }
        O::SetNotNull { column: c } if !(b.pg >= 12 && has_not_null_check(b.replay, oid, c)) => {
            b.scan(existing);
        }
        O::AddConstraint(k) => match &k.kind {
            ConstraintKind::ForeignKey { ref_table, .. } => {
                b.lock(ref_table, ShareRowExclusive);
                if !k.not_valid {
                    b.scan(existing);
                }
            }
            ConstraintKind::Check { .. } => {
                if !k.not_valid {
                    b.scan(existing);
                }
            }
            ConstraintKind::PrimaryKey { .. }
            | ConstraintKind::Unique { .. }
            | ConstraintKind::Exclusion { .. } => b.rewrite(existing, Rewrite::Index),
            ConstraintKind::NotNull { .. } => b.scan(existing),
        },
        O::ValidateConstraint { name: cname } => {
            if let Some(t) = b.replay.catalog.tables.get(&oid)
                && let Some(c) = t.constraint(cname)
                && let ConstraintDef::ForeignKey { ref_table, .. } = c.kind
            {
                b.lock_oid(ref_table, RowShare);
            }
            b.scan(existing);
        }
        O::DropConstraint { name: cname, .. } => {
            if let Some(t) = b.replay.catalog.tables.get(&oid)
                && let Some(c) = t.constraint(cname)
                && let ConstraintDef::ForeignKey { ref_table, .. } = c.kind
            {
                b.lock_oid(ref_table, ShareRowExclusive);
            }
        }
        O::AttachPartition { partition, .. } => {
            let existing_part = b.lock(partition, AccessExclusive).is_some_and(|(_, e)| e);
            b.scan(existing_part);
        }
        O::DetachPartition {
            partition,
            concurrently,
        } => {
            let concurrent = *concurrently && b.pg >= 14;
            b.h.no_transaction |= concurrent;
            b.lock(
                partition,
                if concurrent {
                    ShareUpdateExclusive
                } else {
                    AccessExclusive
                },
            );
        }
        O::SetLogged | O::SetUnlogged => b.rewrite(existing, Rewrite::Table),
        O::Other { what } if what.to_ascii_uppercase().contains("TABLESPACE") => {
            b.rewrite(existing, Rewrite::Table)
        }
        O::Inherit { parent } | O::NoInherit { parent } => {
            b.lock(parent, AccessShare);
        }
        _ => {}
    }
    let _ = name;
}

/// ADD COLUMN rewrites the table when every row needs its own value.
fn add_column_rewrites(b: &Builder, def: &ColumnDef) -> bool {
    if def.serial
        || def.identity.is_some()
        || def.generated.is_some()
        || domain_has_constraints(b.replay, &def.data_type)
    {
        return true;
    }
    match &def.default {
        Some(d) => {
            let null = d.sql.trim().eq_ignore_ascii_case("null");
            (b.pg < 11 && !null) || volatile_default(d, &b.replay.catalog)
        }
        None => false,
    }
}

/// Whether `t` is a domain with constraints, its own or a base domain's.
/// PostgreSQL then checks every existing row's value of a new column (the
/// default, or NULL) against them, which rewrites the table: no stored
/// default stands in for the value.
fn domain_has_constraints(replay: &Replay, t: &TypeName) -> bool {
    let mut t = t;
    // Domains over domains; the bound guards against a cycle in a broken model.
    for _ in 0..32 {
        if t.array_dims > 0 {
            return false;
        }
        match replay.user_type(t).map(|u| &u.kind) {
            Some(TypeKind::Domain {
                base,
                not_null,
                checks,
                ..
            }) => {
                if *not_null || !checks.is_empty() {
                    return true;
                }
                t = base;
            }
            _ => return false,
        }
    }
    false
}

/// A validated `CHECK (c IS NOT NULL)` lets SET NOT NULL skip its scan.
fn has_not_null_check(replay: &Replay, oid: Oid, column: &str) -> bool {
    let Some(t) = replay.catalog.tables.get(&oid) else {
        return false;
    };
    t.constraints.iter().any(|c| {
        c.validated
            && matches!(&c.kind, ConstraintDef::Check { expr, .. }
                if is_not_null_check(&expr.sql, column))
    })
}

fn is_not_null_check(sql: &str, column: &str) -> bool {
    let norm: String = sql
        .to_ascii_lowercase()
        .chars()
        .filter(|c| !matches!(c, '(' | ')' | '"'))
        .collect();
    let words: Vec<&str> = norm.split_whitespace().collect();
    words == [column.to_ascii_lowercase().as_str(), "is", "not", "null"]
}
