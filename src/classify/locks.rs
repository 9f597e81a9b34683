//! The lock each statement takes, per PostgreSQL's documentation of the
//! statement and of each ALTER TABLE subcommand, and whether it rewrites,
//! scans, loses data or must run outside a transaction block, on the target
//! major version. `tests/lock_trace.rs` checks this table against what a
//! real server does.
//!
//! Sources: the lock modes and the statements that take each, in "Explicit
//! Locking" (<https://www.postgresql.org/docs/current/explicit-locking.html>);
//! the lock of each subcommand, in ALTER TABLE
//! (<https://www.postgresql.org/docs/current/sql-altertable.html>, and the
//! page of each older major for the changes in 11, 12 and 14); the reference
//! page of each other statement (CREATE / DROP / ALTER INDEX, REINDEX,
//! REFRESH MATERIALIZED VIEW, CREATE TRIGGER, LOCK, COMMENT...). Where the
//! pages are silent (the tables a statement locks besides its target), the
//! server's behaviour as the trace test sees it.

use super::types::{column_type_change_rewrites, volatile_default};
use super::{Context, Hazards, LockMode, Rewrite, TableLock};
use crate::model::Replay;
use crate::model::catalog::{
    AttNum, Constraint, ConstraintDef, ObjectName, Oid, RelKind, Table, TypeKind,
};
use crate::sql::ir::{
    AlterIndexAction, AlterSequenceAction, AlterTableOp, AlterTypeAction, ColumnDef, CommentTarget,
    ConstraintKind, QualifiedName, Stmt, TableConstraint, TableElement, TypeName,
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

    /// Dropping a foreign key drops its triggers on the referenced table,
    /// which takes ACCESS EXCLUSIVE there (not the SHARE ROW EXCLUSIVE that
    /// adding one takes). `which` picks the constraints of table `oid` the
    /// statement drops.
    fn drop_foreign_keys(&mut self, oid: Oid, which: impl Fn(&Constraint) -> bool) {
        let refs: Vec<Oid> = self
            .replay
            .catalog
            .tables
            .get(&oid)
            .into_iter()
            .flat_map(|t| &t.constraints)
            .filter(|c| which(c))
            .filter_map(|c| match &c.kind {
                ConstraintDef::ForeignKey { ref_table, .. } if *ref_table != oid => {
                    Some(*ref_table)
                }
                _ => None,
            })
            .collect();
        for r in refs {
            self.lock_oid(r, AccessExclusive);
        }
    }

    /// The partitions of `oid`, and with `inherited` its inheritance
    /// children too, and theirs in turn.
    fn children(&self, oid: Oid, inherited: bool) -> Vec<Oid> {
        let mut out: Vec<Oid> = Vec::new();
        let mut todo = vec![oid];
        while let Some(p) = todo.pop() {
            for t in self.replay.catalog.tables.values() {
                let partition = t.partition_of.as_ref().is_some_and(|(o, _)| *o == p);
                if (partition || (inherited && t.inherits.contains(&p))) && !out.contains(&t.oid) {
                    out.push(t.oid);
                    todo.push(t.oid);
                }
            }
        }
        out
    }

    /// Locks the partitions of `oid` (and with `inherited` its inheritance
    /// children): a statement that recurses locks each like the parent.
    fn lock_children(&mut self, oid: Oid, mode: LockMode, inherited: bool) {
        for c in self.children(oid, inherited) {
            self.lock_oid(c, mode);
        }
    }

    /// Locks `name` and everything it recurses to: its partitions and
    /// inheritance children (DML, TRUNCATE and LOCK without ONLY).
    fn lock_tree(&mut self, name: &QualifiedName, mode: LockMode) -> Option<(Oid, bool)> {
        let locked = self.lock(name, mode);
        if let Some((oid, _)) = locked {
            self.lock_children(oid, mode, true);
        }
        locked
    }

    /// Locks what a running query reaches through `name`: the relation, its
    /// partitions and inheritance children, and what a view over them reads.
    fn read(&mut self, name: &QualifiedName, mode: LockMode) -> Option<(Oid, bool)> {
        let locked = self.lock_tree(name, mode);
        if let Some((oid, _)) = locked {
            self.read_view(oid, mode);
        }
        locked
    }

    /// The view `oid` is expanded into its query when a statement runs:
    /// each relation it reads is locked too, its one base table like the
    /// view itself (a write through an updatable view), several for reading.
    fn read_view(&mut self, oid: Oid, mode: LockMode) {
        // A worklist with the views already expanded: a model built from
        // broken input may hold views that read each other.
        let mut todo = vec![(oid, mode)];
        let mut seen = vec![oid];
        while let Some((oid, mode)) = todo.pop() {
            let Some(view) = self.replay.catalog.views.get(&oid) else {
                continue;
            };
            if view.materialized {
                continue;
            }
            let reads = view.reads.clone();
            let mode = if reads.len() == 1 { mode } else { AccessShare };
            for r in reads {
                self.lock_oid(r, mode);
                self.lock_children(r, mode, true);
                if !seen.contains(&r) {
                    seen.push(r);
                    todo.push((r, mode));
                }
            }
        }
    }

    fn read_all(&mut self, reads: &[Oid], mode: LockMode) {
        for &r in reads {
            self.lock_oid(r, mode);
            self.lock_children(r, mode, true);
            self.read_view(r, mode);
        }
    }

    fn default_partition(&self, parent: Oid) -> Option<Oid> {
        self.replay.catalog.tables.values().find_map(|t| {
            let (p, bound) = t.partition_of.as_ref()?;
            (*p == parent && bound.trim().eq_ignore_ascii_case("DEFAULT")).then_some(t.oid)
        })
    }

    /// A new partition of `parent` narrows its default partition, which is
    /// locked ACCESS EXCLUSIVE and scanned for rows the new one would hold.
    fn narrow_default(&mut self, parent: Oid) {
        if let Some(d) = self.default_partition(parent) {
            let existing = self.lock_oid(d, AccessExclusive);
            self.scan(existing);
        }
    }

    /// The foreign keys on column `attnum` of table `oid`, and those of
    /// other tables that reference it, go (DROP COLUMN) or are dropped and
    /// made again (ALTER COLUMN TYPE): ACCESS EXCLUSIVE on the tables at
    /// their other end.
    fn column_foreign_keys(&mut self, oid: Oid, attnum: AttNum) {
        self.drop_foreign_keys(oid, |k| {
            matches!(&k.kind, ConstraintDef::ForeignKey { columns, .. } if columns.contains(&attnum))
        });
        let referencing = self.referencing(oid, |k| {
            matches!(&k.kind, ConstraintDef::ForeignKey { ref_columns, .. } if ref_columns.contains(&attnum))
        });
        for r in referencing {
            self.lock_oid(r, AccessExclusive);
        }
    }

    /// A DROP ... CASCADE that reaches into the tables `which` picks (drops a
    /// column, default or trigger there): ACCESS EXCLUSIVE on each.
    fn drop_from_tables(&mut self, which: impl Fn(&crate::model::catalog::Table) -> bool) {
        let hit: Vec<Oid> = self
            .replay
            .catalog
            .tables
            .values()
            .filter(|t| which(t))
            .map(|t| t.oid)
            .collect();
        for t in hit {
            self.lock_oid(t, AccessExclusive);
        }
    }

    /// Tables other than `oid` with a foreign key that references `oid`
    /// and that `which` picks.
    fn referencing(&self, oid: Oid, which: impl Fn(&Constraint) -> bool) -> Vec<Oid> {
        self.replay
            .catalog
            .tables
            .values()
            .filter(|t| {
                t.oid != oid
                    && t.constraints.iter().any(|c| {
                        matches!(c.kind, ConstraintDef::ForeignKey { ref_table, .. } if ref_table == oid)
                            && which(c)
                    })
            })
            .map(|t| t.oid)
            .collect()
    }

    /// What DROP ... CASCADE of relation `oid` drops besides: the foreign
    /// keys that reference it (ACCESS EXCLUSIVE on their tables) and the
    /// views over it, and the views over those.
    fn drop_dependents(&mut self, oid: Oid) {
        // A worklist, not recursion: a model built from broken input may
        // hold views that read each other.
        let mut seen = vec![oid];
        let mut i = 0;
        while i < seen.len() {
            let current = seen[i];
            i += 1;
            for t in self.referencing(current, |_| true) {
                self.lock_oid(t, AccessExclusive);
            }
            let views: Vec<Oid> = self
                .replay
                .catalog
                .views
                .values()
                .filter(|v| v.reads.contains(&current) && !seen.contains(&v.oid))
                .map(|v| v.oid)
                .collect();
            for v in views {
                self.lock_oid(v, AccessExclusive);
                seen.push(v);
            }
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
            if let Some(p) = &ct.partition_of
                && let Some((parent, _)) = b.lock(&p.parent, AccessExclusive)
                && !p.bound.eq_ignore_ascii_case("DEFAULT")
            {
                b.narrow_default(parent);
            }
            for q in ct.as_query.iter().flat_map(|q| &q.relations) {
                b.read(q, AccessShare);
            }
        }
        Stmt::AlterTable(at) => alter_table(&mut b, &at.name, at.only, &at.ops),
        Stmt::DropTable { names, cascade, .. } => {
            for n in names {
                if let Some((oid, existing)) = b.lock(n, AccessExclusive) {
                    b.h.data_loss |= existing;
                    // Partitions go with their table; inheritance children
                    // only with CASCADE.
                    b.lock_children(oid, AccessExclusive, *cascade);
                    b.drop_foreign_keys(oid, |_| true);
                    if *cascade {
                        b.drop_dependents(oid);
                    }
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
            let locked = b.lock(&ci.table, mode);
            if let Some((oid, _)) = locked.filter(|_| !ci.only) {
                // Builds a matching index on each partition.
                b.lock_children(oid, mode, false);
            }
            // IF NOT EXISTS on a name taken (in the table's schema) builds
            // nothing, once it holds the lock.
            let taken = ci.if_not_exists
                && ci.name.as_ref().is_some_and(|n| {
                    let schema = locked
                        .and_then(|(oid, _)| replay.catalog.relation_name(oid))
                        .map(|t| t.schema.as_str());
                    replay
                        .resolve_relation(&QualifiedName::new(schema, n))
                        .is_some()
                });
            if !taken {
                b.rewrite(locked.is_some_and(|(_, e)| e), Rewrite::Index);
            }
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
                AlterIndexAction::Other { what } if parameters(what) => ShareUpdateExclusive,
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
                // A materialized view runs its query; a view is only parsed.
                if v.materialized && v.with_data {
                    b.read(r, AccessShare);
                } else {
                    b.lock(r, AccessShare);
                }
            }
        }
        Stmt::DropView { names, cascade, .. } => {
            for n in names {
                if let Some((oid, _)) = b.lock(n, AccessExclusive)
                    && *cascade
                {
                    b.drop_dependents(oid);
                }
            }
        }
        Stmt::AlterView { name, .. } => {
            b.lock(name, AccessExclusive);
        }
        Stmt::RefreshMaterializedView {
            name,
            concurrently,
            with_data,
        } => {
            let mode = if *concurrently {
                Exclusive
            } else {
                AccessExclusive
            };
            if let Some((oid, existing)) = b.lock(name, mode)
                && *with_data
            {
                let reads = replay
                    .catalog
                    .views
                    .get(&oid)
                    .map(|v| v.reads.clone())
                    .unwrap_or_default();
                b.read_all(&reads, AccessShare);
                if *concurrently {
                    // Compares old and new rows and applies the difference
                    // in place: the storage stays.
                    b.scan(existing);
                } else {
                    b.rewrite(existing, Rewrite::Table);
                }
            }
        }
        // OWNED BY reads the table to check the column.
        Stmt::CreateSequence(crate::sql::ir::CreateSequence { options, .. })
        | Stmt::AlterSequence(crate::sql::ir::AlterSequence {
            action: AlterSequenceAction::Options(options),
            ..
        }) => {
            if let Some(Some((table, _))) = &options.owned_by {
                b.lock(table, AccessShare);
            }
        }
        Stmt::DropSequence { names, cascade, .. } => {
            for n in names {
                b.lock(n, AccessExclusive);
                // CASCADE drops the defaults that call nextval on it.
                if *cascade {
                    b.drop_from_tables(|t| {
                        t.columns.iter().any(|c| {
                            c.default
                                .as_ref()
                                .is_some_and(|d| mentions(&d.sql, &n.name))
                        })
                    });
                }
            }
        }
        // CASCADE drops the columns of the type (arrays of it too).
        Stmt::DropType {
            names,
            cascade: true,
            ..
        } => {
            for n in names {
                b.drop_from_tables(|t| {
                    t.columns.iter().any(|c| {
                        c.data_type.name == n.name
                            && (n.schema.is_none() || c.data_type.schema == n.schema)
                    })
                });
            }
        }
        // CASCADE drops the triggers that call the function and the
        // defaults that do.
        Stmt::DropFunction {
            functions,
            cascade: true,
            ..
        } => {
            for f in functions {
                let name = &f.name.name;
                b.drop_from_tables(|t| {
                    t.triggers.iter().any(|g| g.function.name == *name)
                        || t.columns
                            .iter()
                            .any(|c| c.default.as_ref().is_some_and(|d| mentions(&d.sql, name)))
                });
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
                // Unlike a table's VALIDATE CONSTRAINT, a domain's takes
                // SHARE on every table it checks, as adding the check does.
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
            // A row trigger on a partitioned table is cloned to each partition.
            if let Some((oid, _)) = b.lock(&t.table, ShareRowExclusive)
                && t.for_each_row
            {
                b.lock_children(oid, ShareRowExclusive, false);
            }
        }
        Stmt::DropTrigger { table, .. } => {
            if let Some((oid, _)) = b.lock(table, AccessExclusive) {
                b.lock_children(oid, AccessExclusive, false);
            }
        }
        Stmt::AlterTrigger { table, .. } => {
            // Renames the partitions' clones too since PostgreSQL 15.
            if let Some((oid, _)) = b.lock(table, AccessExclusive)
                && pg >= 15
            {
                b.lock_children(oid, AccessExclusive, false);
            }
        }
        Stmt::Dml(d) => {
            // FOR UPDATE / FOR SHARE locks rows, under ROW SHARE.
            let read = if d.row_locks { RowShare } else { AccessShare };
            for r in &d.relations {
                if Some(r) != d.target.as_ref() {
                    b.read(r, read);
                }
            }
            if let Some(t) = &d.target {
                let existing = b.read(t, RowExclusive).is_some_and(|(_, e)| e);
                b.h.data_loss |= existing && d.verb == "DELETE";
            }
        }
        Stmt::Truncate { tables, cascade } => {
            let mut truncated = Vec::new();
            for t in tables {
                // Partitions and inheritance children are emptied too.
                if let Some((oid, existing)) = b.lock_tree(t, AccessExclusive) {
                    b.h.data_loss |= existing;
                    truncated.push(oid);
                }
            }
            if *cascade {
                for oid in referencing(replay, &truncated) {
                    b.h.data_loss |= b.lock_oid(oid, AccessExclusive);
                }
            }
        }
        Stmt::Lock { tables, mode } => {
            let mode = LockMode::parse(mode).unwrap_or(AccessExclusive);
            for t in tables {
                b.lock_tree(t, mode);
            }
        }
        Stmt::Other { what, tables } => {
            let mode = match what.as_str() {
                "VACUUM" | "ANALYZE" | "CREATE STATISTICS" => Some(ShareUpdateExclusive),
                w if w.contains("POLICY") || w.contains("RULE") => Some(AccessExclusive),
                "CLUSTER" | "VACUUM FULL" => Some(AccessExclusive),
                _ => None,
            };
            if let Some(mode) = mode {
                for t in tables {
                    let locked = b.lock(t, mode);
                    let existing = locked.is_some_and(|(_, e)| e);
                    if what == "CLUSTER" || what == "VACUUM FULL" {
                        b.rewrite(existing, Rewrite::Table);
                    }
                    // ANALYZE of a partitioned table analyzes each partition;
                    // of an inheritance parent, samples the children.
                    if let Some((oid, _)) = locked.filter(|_| what == "ANALYZE") {
                        let partitions = b.children(oid, false);
                        for c in b.children(oid, true) {
                            let partition = partitions.contains(&c);
                            b.lock_oid(
                                c,
                                if partition {
                                    ShareUpdateExclusive
                                } else {
                                    AccessShare
                                },
                            );
                        }
                    }
                }
            }
            b.h.no_transaction |= matches!(
                what.as_str(),
                "VACUUM"
                    | "VACUUM FULL"
                    | "CREATE DATABASE"
                    | "DROP DATABASE"
                    | "CREATE TABLESPACE"
                    | "DROP TABLESPACE"
                    | "ALTER SYSTEM"
            ) || (what == "CLUSTER" && tables.is_empty());
            b.h.data_loss |= what == "DROP DATABASE";
        }
        Stmt::DropSchema { names, .. } => {
            // Every relation in the schema is dropped, each under its own
            // ACCESS EXCLUSIVE lock; rows are lost with its tables.
            for n in names {
                let tables: Vec<Oid> = replay
                    .catalog
                    .tables
                    .values()
                    .filter(|t| &t.name.schema == n)
                    .map(|t| t.oid)
                    .collect();
                let others: Vec<Oid> = replay
                    .catalog
                    .views
                    .values()
                    .map(|v| (v.oid, &v.name))
                    .chain(replay.catalog.sequences.values().map(|s| (s.oid, &s.name)))
                    .filter(|(_, name)| &name.schema == n)
                    .map(|(oid, _)| oid)
                    .collect();
                for &oid in &tables {
                    b.h.data_loss |= b.lock_oid(oid, AccessExclusive);
                }
                for &oid in &others {
                    b.lock_oid(oid, AccessExclusive);
                }
                // What CASCADE reaches outside the schema: foreign keys
                // and views over its relations.
                for oid in tables.into_iter().chain(others) {
                    b.drop_dependents(oid);
                }
            }
        }
        // COMMENT locks the relation it describes against concurrent
        // schema changes; for an object on a table, it only reads the table.
        Stmt::Comment { target, .. } => match target {
            CommentTarget::Table(n)
            | CommentTarget::View(n)
            | CommentTarget::MaterializedView(n)
            | CommentTarget::Index(n)
            | CommentTarget::Sequence(n)
            | CommentTarget::Column { table: n, .. } => {
                b.lock(n, ShareUpdateExclusive);
            }
            CommentTarget::Constraint { table, .. } | CommentTarget::Trigger { table, .. } => {
                b.lock(table, AccessShare);
            }
            _ => {}
        },
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

/// The tables whose foreign keys reach `roots`, directly or through other
/// such tables: what `TRUNCATE ... CASCADE` empties besides `roots`.
fn referencing(replay: &Replay, roots: &[Oid]) -> Vec<Oid> {
    let mut reached: Vec<Oid> = roots.to_vec();
    let mut out = Vec::new();
    let mut i = 0;
    while i < reached.len() {
        let target = reached[i];
        i += 1;
        for t in replay.catalog.tables.values() {
            let refers = t.constraints.iter().any(
                |c| matches!(c.kind, ConstraintDef::ForeignKey { ref_table, .. } if ref_table == target),
            );
            if refers && !reached.contains(&t.oid) {
                reached.push(t.oid);
                out.push(t.oid);
            }
        }
    }
    out
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

fn alter_table(b: &mut Builder, name: &QualifiedName, only: bool, ops: &[AlterTableOp]) {
    let Some((oid, existing)) = b.lock(name, weakest_for(ops, b.pg)) else {
        return;
    };
    if !only {
        for inherited in [true, false] {
            let mode = ops
                .iter()
                .filter(|op| recurses(op) == Some(inherited))
                .map(|op| op_lock(op, b.pg))
                .max();
            if let Some(mode) = mode {
                b.lock_children(oid, mode, inherited);
            }
        }
    }
    for op in ops {
        alter_table_op(b, name, oid, existing, op);
    }
}

/// Whether a subcommand recurses to the partitions and, `Some(true)`, to
/// the inheritance children too (each child is then locked like the
/// parent); `None` when it acts on the named table alone.
fn recurses(op: &AlterTableOp) -> Option<bool> {
    use AlterTableOp as O;
    match op {
        O::AddColumn { .. }
        | O::DropColumn { .. }
        | O::AlterColumnType { .. }
        | O::SetDefault { .. }
        | O::DropDefault { .. }
        | O::SetNotNull { .. }
        | O::DropNotNull { .. }
        | O::DropExpression { .. }
        | O::AddConstraint(_)
        | O::ValidateConstraint { .. }
        | O::DropConstraint { .. }
        | O::RenameColumn { .. }
        | O::RenameConstraint { .. } => Some(true),
        // SET (attribute_option = ...) never recurses; STATISTICS, STORAGE
        // and COMPRESSION do.
        O::AlterColumnOther { what, .. } => (!parameters(what)).then_some(true),
        // Triggers are cloned to partitions only.
        O::Other { what } if what.to_ascii_uppercase().contains("TRIGGER") => Some(false),
        _ => None,
    }
}

/// Whether a subcommand sets or resets parameters: `SET (fillfactor = 70)`,
/// `RESET (n_distinct)`. The fallback parser names them by their first word
/// alone. The ones the ALTER TABLE page lists (fillfactor, toast and
/// autovacuum parameters, parallel_workers, n_distinct) take SHARE UPDATE
/// EXCLUSIVE; the names are not kept, so the rare others
/// (user_catalog_table) are taken to as well.
fn parameters(what: &str) -> bool {
    let w = what.trim().to_ascii_uppercase();
    ["SET", "RESET"].iter().any(|k| {
        w.strip_prefix(k)
            .is_some_and(|rest| rest.is_empty() || rest.trim_start().starts_with('('))
    })
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
        O::AlterColumnOther { what, .. } if what.contains("STATISTICS") || parameters(what) => {
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
                || (parameters(&w) && !w.contains("TABLESPACE"))
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
        O::DropColumn { name: c, .. } => {
            b.h.data_loss |= existing;
            if let Some(col) = column(c) {
                b.column_foreign_keys(oid, col.attnum);
            }
        }
        O::AlterColumnType {
            column: c,
            data_type,
            using,
            collation,
        } => {
            let old = column(c);
            let rewrites = match &old {
                Some(old) => column_type_change_rewrites(
                    &old.data_type,
                    data_type,
                    using.is_some(),
                    b.pg,
                    b.context.utc,
                ),
                None => true,
            };
            if rewrites {
                b.rewrite(existing, Rewrite::Table);
            }
            if let Some(old) = old {
                b.column_foreign_keys(oid, old.attnum);
                // Another collation keeps the data but not the order of the
                // indexes on the column, which are built again.
                let named = |c: Option<&str>| {
                    c.map(|c| c.trim_matches('"').to_owned())
                        .filter(|c| c != "default")
                };
                let indexed =
                    b.replay.catalog.indexes.values().any(|i| {
                        i.table == oid && i.keys.iter().any(|k| k.column == Some(old.attnum))
                    });
                if named(collation.as_deref()) != named(old.collation.as_deref()) && indexed {
                    b.rewrite(existing, Rewrite::Index);
                }
            }
        }
        O::SetNotNull { column: c }
            if b.replay
                .catalog
                .tables
                .get(&oid)
                .is_none_or(|t| set_not_null_scans(t, c, b.pg)) =>
        {
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
        O::DropConstraint {
            name: cname,
            cascade,
            ..
        } => {
            b.drop_foreign_keys(oid, |k| k.name == *cname);
            // CASCADE on a key drops the foreign keys that use its index.
            let key = b.replay.catalog.tables.get(&oid).and_then(|t| {
                t.constraint(cname).and_then(|k| match &k.kind {
                    ConstraintDef::PrimaryKey { columns, .. }
                    | ConstraintDef::Unique { columns, .. } => Some(columns.clone()),
                    _ => None,
                })
            });
            if let Some(key) = key.filter(|_| *cascade) {
                let same = |cols: &[AttNum]| {
                    cols.len() == key.len() && cols.iter().all(|c| key.contains(c))
                };
                for r in b.referencing(oid, |c| {
                    matches!(&c.kind, ConstraintDef::ForeignKey { ref_columns, .. } if same(ref_columns))
                }) {
                    b.lock_oid(r, AccessExclusive);
                }
            }
        }
        O::AttachPartition { partition, bound } => {
            let existing_part = b.lock(partition, AccessExclusive).is_some_and(|(_, e)| e);
            b.scan(existing_part);
            if !bound.trim().eq_ignore_ascii_case("DEFAULT") {
                b.narrow_default(oid);
            }
        }
        O::DetachPartition {
            partition,
            concurrently,
        } => {
            // CONCURRENTLY spares the parent, not the partition: its second
            // transaction takes ACCESS EXCLUSIVE on the partition, once the
            // queries that saw it attached have finished.
            b.h.no_transaction |= *concurrently && b.pg >= 14;
            let detached = b.lock(partition, AccessExclusive).map(|(o, _)| o);
            // The default partition's constraint widens: locked, not scanned.
            if let Some(d) = b.default_partition(oid)
                && Some(d) != detached
            {
                b.lock_oid(d, AccessExclusive);
            }
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

/// ADD COLUMN rewrites the table when every row needs its own value, or
/// (before PostgreSQL 19, commit a0b6ef29a) when the column's type is a
/// domain with constraints, which each row's value, default or null, must
/// pass.
fn add_column_rewrites(b: &Builder, def: &ColumnDef) -> bool {
    if def.serial || def.identity.is_some() || def.generated.is_some() {
        return true;
    }
    if b.pg < 19 && domain_has_constraints(b.replay, &def.data_type) {
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

/// Whether SQL text names `name` as a whole identifier (`nextval('seq')`,
/// `f(x)`), ignoring case.
fn mentions(sql: &str, name: &str) -> bool {
    let (sql, name) = (sql.to_ascii_lowercase(), name.to_ascii_lowercase());
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '$';
    sql.match_indices(&name).any(|(i, _)| {
        !sql[..i].chars().next_back().is_some_and(ident)
            && !sql[i + name.len()..].chars().next().is_some_and(ident)
    })
}

/// Whether `SET NOT NULL` on `column` of `table` reads every row: it does
/// unless a validated `CHECK (column IS NOT NULL)` already proves there is
/// no NULL, which PostgreSQL 12 and later trust.
pub fn set_not_null_scans(table: &Table, column: &str, pg: u32) -> bool {
    !(pg >= 12 && has_not_null_check(table, column))
}

/// A validated `CHECK (c IS NOT NULL)` lets SET NOT NULL skip its scan.
fn has_not_null_check(t: &Table, column: &str) -> bool {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Location;
    use crate::sql::parse_statement;

    fn replay_of(sql: &[&str]) -> Replay {
        let mut r = Replay::new(vec!["public".to_owned()]);
        let at = Location::file("t.sql");
        for s in sql {
            match parse_statement(s) {
                Ok(stmt) => {
                    r.apply(&stmt, &at);
                }
                Err(e) => panic!("{s}: {e}"),
            }
        }
        r
    }

    fn hazards_of(setup: &[&str], sql: &str) -> Hazards {
        let r = replay_of(setup);
        match parse_statement(sql) {
            Ok(stmt) => hazards(&stmt, &r, &Context::default(), 15),
            Err(e) => panic!("{sql}: {e}"),
        }
    }

    fn locked(h: &Hazards) -> Vec<(String, LockMode)> {
        let mut v: Vec<(String, LockMode)> = h
            .locks
            .iter()
            .map(|l| (l.table.to_string(), l.mode))
            .collect();
        v.sort();
        v
    }

    #[test]
    fn timestamptz_on_a_utc_session_does_not_rewrite() {
        let r = replay_of(&["CREATE TABLE events (at timestamp)"]);
        let stmt = parse_statement("ALTER TABLE events ALTER COLUMN at TYPE timestamptz");
        let Ok(stmt) = stmt else {
            panic!("ALTER parses");
        };
        let utc = Context {
            utc: true,
            ..Context::default()
        };
        assert_eq!(hazards(&stmt, &r, &utc, 15).rewrite, None);
        assert_eq!(hazards(&stmt, &r, &utc, 11).rewrite, Some(Rewrite::Table));
        assert_eq!(
            hazards(&stmt, &r, &Context::default(), 15).rewrite,
            Some(Rewrite::Table)
        );
    }

    #[test]
    fn truncate_cascade_locks_and_empties_the_referencing_tables() {
        let setup = [
            "CREATE TABLE users (id bigint PRIMARY KEY)",
            "CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint REFERENCES users)",
            "CREATE TABLE lines (order_id bigint REFERENCES orders)",
            "CREATE TABLE other (id bigint)",
        ];
        let h = hazards_of(&setup, "TRUNCATE users CASCADE");
        assert_eq!(
            locked(&h),
            [
                ("public.lines".to_owned(), AccessExclusive),
                ("public.orders".to_owned(), AccessExclusive),
                ("public.users".to_owned(), AccessExclusive),
            ]
        );
        assert!(h.data_loss);
        let h = hazards_of(&setup, "TRUNCATE users");
        assert_eq!(locked(&h), [("public.users".to_owned(), AccessExclusive)]);
    }

    #[test]
    fn drop_schema_locks_what_it_drops_and_loses_rows_only_with_tables() {
        let setup = [
            "CREATE SCHEMA legacy",
            "CREATE TABLE legacy.events (id bigint)",
            "CREATE VIEW legacy.recent AS SELECT id FROM legacy.events",
            "CREATE SCHEMA empty",
            "CREATE TABLE kept (id bigint)",
        ];
        let h = hazards_of(&setup, "DROP SCHEMA legacy CASCADE");
        assert_eq!(
            locked(&h),
            [
                ("legacy.events".to_owned(), AccessExclusive),
                ("legacy.recent".to_owned(), AccessExclusive),
            ]
        );
        assert!(h.data_loss);
        let h = hazards_of(&setup, "DROP SCHEMA empty");
        assert!(h.locks.is_empty());
        assert!(!h.data_loss);
    }

    #[test]
    fn views_that_read_each_other_do_not_loop() {
        // PostgreSQL refuses the cycle; the model, replaying broken input,
        // may hold it all the same.
        let setup = [
            "CREATE TABLE t (a int);",
            "CREATE VIEW v2 AS SELECT * FROM t;",
            "CREATE VIEW v3 AS SELECT * FROM v2;",
            "CREATE OR REPLACE VIEW v2 AS SELECT * FROM v3;",
        ];
        let h = hazards_of(&setup, "SELECT * FROM v3;");
        assert!(!h.locks.is_empty());
        let h = hazards_of(&setup, "DROP TABLE t CASCADE;");
        assert!(!h.locks.is_empty());
    }

    #[test]
    fn mentions_whole_names_only() {
        assert!(mentions("nextval('seq'::regclass)", "seq"));
        assert!(mentions("nextval('public.Seq'::regclass)", "seq"));
        assert!(mentions("f(x)", "f"));
        assert!(!mentions("nextval('seq2'::regclass)", "seq"));
        assert!(!mentions("my_f(x)", "f"));
    }

    #[test]
    fn parameter_lists_in_every_spelling() {
        for what in [
            "SET",
            "RESET",
            "SET (storage parameters)",
            "SET (options)",
            "RESET (options)",
            "set (fillfactor = 70)",
        ] {
            assert!(parameters(what), "{what}");
        }
        for what in ["SET TABLESPACE", "SET STATISTICS", "SET STORAGE", "RESETX"] {
            assert!(!parameters(what), "{what}");
        }
    }
}
