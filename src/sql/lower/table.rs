//! CREATE TABLE and ALTER TABLE: columns, constraints and table operations.
//!
//! Column and table constraints share one IR shape; column options other
//! dialects allow (MySQL ON UPDATE, ClickHouse MATERIALIZED, comments) are
//! refused rather than dropped, so the model never sees half a column.

use super::{
    cascade, data_type, fold, integer, last_name, plain_type, qualified, query_info, sql_expr,
};
use crate::sql::ir::{
    AlterTable, AlterTableOp, ColumnDef, ConstraintKind, CreateTable, FkAction, Identity,
    PartitionOf, SequenceOptions, Stmt, TableConstraint, TableElement,
};
use sqlparser::ast::{
    self as ast, AlterColumnOperation, AlterTableOperation, ColumnOption,
    ConstraintCharacteristics, DeferrableInitial, Expr, GeneratedAs, Ident, IndexColumn,
    ReferentialAction,
};

pub(super) fn create_table(ct: &ast::CreateTable) -> Result<Stmt, String> {
    if ct.or_replace || ct.external || ct.clone.is_some() || ct.transient || ct.volatile {
        return Err("CREATE TABLE form is not PostgreSQL".to_owned());
    }
    let mut elements = Vec::new();
    // sqlparser keeps LIKE apart from the element list; it is nearly always
    // written first.
    if let Some(like) = &ct.like {
        let like = match like {
            ast::CreateTableLikeKind::Parenthesized(l) | ast::CreateTableLikeKind::Plain(l) => l,
        };
        let options = match &like.defaults {
            Some(ast::CreateTableLikeDefaults::Including) => vec!["INCLUDING DEFAULTS".to_owned()],
            Some(ast::CreateTableLikeDefaults::Excluding) => vec!["EXCLUDING DEFAULTS".to_owned()],
            None => Vec::new(),
        };
        elements.push(TableElement::Like {
            source: qualified(&like.name)?,
            options,
        });
    }
    for col in &ct.columns {
        elements.push(TableElement::Column(column_def(col)?));
    }
    for c in &ct.constraints {
        elements.push(TableElement::Constraint(table_constraint(c, false)?));
    }
    let partition_of = match (&ct.partition_of, &ct.for_values) {
        (Some(parent), Some(bound)) => Some(PartitionOf {
            parent: qualified(parent)?,
            bound: bound.to_string(),
        }),
        (None, None) => None,
        _ => return Err("PARTITION OF without FOR VALUES".to_owned()),
    };
    Ok(Stmt::CreateTable(CreateTable {
        name: qualified(&ct.name)?,
        if_not_exists: ct.if_not_exists,
        unlogged: ct.unlogged,
        temporary: ct.temporary,
        elements,
        inherits: ct
            .inherits
            .iter()
            .flatten()
            .map(qualified)
            .collect::<Result<_, _>>()?,
        partition_by: ct.partition_by.as_ref().map(|e| e.to_string()),
        partition_of,
        as_query: ct.query.as_deref().map(query_info),
    }))
}

/// A column definition with its inline constraints.
pub(super) fn column_def(col: &ast::ColumnDef) -> Result<ColumnDef, String> {
    let name = fold(&col.name);
    let parsed = data_type(&col.data_type)?;
    let mut out = ColumnDef {
        name: name.clone(),
        data_type: parsed.type_name,
        serial: parsed.serial,
        not_null: None,
        default: None,
        identity: None,
        generated: None,
        collation: None,
        constraints: Vec::new(),
    };
    for def in &col.options {
        let constraint_name = def.name.as_ref().map(fold);
        match &def.option {
            ColumnOption::Null => out.not_null = Some(false),
            ColumnOption::NotNull => {
                out.not_null = Some(true);
                // A named NOT NULL is also a constraint with that name.
                if constraint_name.is_some() {
                    out.constraints.push(TableConstraint {
                        name: constraint_name,
                        kind: ConstraintKind::NotNull {
                            column: name.clone(),
                        },
                        deferrable: None,
                        initially_deferred: None,
                        not_valid: false,
                    });
                }
            }
            ColumnOption::Default(e) => out.default = Some(sql_expr(e)),
            ColumnOption::Collation(c) => out.collation = Some(last_name(c)?),
            ColumnOption::PrimaryKey(_)
            | ColumnOption::Unique(_)
            | ColumnOption::ForeignKey(_)
            | ColumnOption::Check(_) => {
                let tc = match &def.option {
                    ColumnOption::PrimaryKey(p) => {
                        table_constraint(&ast::TableConstraint::PrimaryKey(p.clone()), false)?
                    }
                    ColumnOption::Unique(u) => {
                        table_constraint(&ast::TableConstraint::Unique(u.clone()), false)?
                    }
                    ColumnOption::ForeignKey(f) => {
                        table_constraint(&ast::TableConstraint::ForeignKey(f.clone()), false)?
                    }
                    ColumnOption::Check(c) => {
                        table_constraint(&ast::TableConstraint::Check(c.clone()), false)?
                    }
                    _ => return Err("unreachable column constraint".to_owned()),
                };
                out.constraints.push(on_column(tc, constraint_name, &name));
            }
            ColumnOption::Generated {
                generated_as,
                sequence_options,
                generation_expr,
                generation_expr_mode: _,
                generated_keyword: _,
            } => match (generated_as, generation_expr) {
                (GeneratedAs::Always | GeneratedAs::ByDefault, None) => {
                    out.identity = Some(Identity {
                        always: matches!(generated_as, GeneratedAs::Always),
                        options: sequence_options_of(sequence_options.as_deref().unwrap_or(&[]))?,
                    });
                }
                (_, Some(e)) => out.generated = Some(sql_expr(e)),
                (GeneratedAs::ExpStored, None) => {
                    return Err("generated column without expression".to_owned());
                }
            },
            other => return Err(format!("column option {other} is not PostgreSQL")),
        }
    }
    Ok(out)
}

/// A constraint written on a column: its column list is that column, and
/// the name may sit on the option rather than the constraint.
fn on_column(mut tc: TableConstraint, name: Option<String>, column: &str) -> TableConstraint {
    if tc.name.is_none() {
        tc.name = name;
    }
    let col = vec![column.to_owned()];
    match &mut tc.kind {
        ConstraintKind::PrimaryKey { columns, .. }
        | ConstraintKind::Unique { columns, .. }
        | ConstraintKind::ForeignKey { columns, .. }
            if columns.is_empty() =>
        {
            *columns = col;
        }
        _ => {}
    }
    tc
}

fn characteristics(c: Option<&ConstraintCharacteristics>) -> (Option<bool>, Option<bool>) {
    match c {
        None => (None, None),
        Some(c) => (
            c.deferrable,
            c.initially
                .as_ref()
                .map(|i| matches!(i, DeferrableInitial::Deferred)),
        ),
    }
}

fn fk_action(a: Option<&ReferentialAction>) -> FkAction {
    match a {
        None | Some(ReferentialAction::NoAction) => FkAction::NoAction,
        Some(ReferentialAction::Restrict) => FkAction::Restrict,
        Some(ReferentialAction::Cascade) => FkAction::Cascade,
        Some(ReferentialAction::SetNull) => FkAction::SetNull,
        Some(ReferentialAction::SetDefault) => FkAction::SetDefault,
    }
}

/// Key columns of a PRIMARY KEY / UNIQUE: PostgreSQL allows only plain
/// column names there.
fn key_columns(cols: &[IndexColumn]) -> Result<Vec<String>, String> {
    cols.iter()
        .map(|c| match &c.column.expr {
            Expr::Identifier(i) if c.operator_class.is_none() => Ok(fold(i)),
            other => Err(format!("constraint key {other} is not a column name")),
        })
        .collect()
}

fn idents(list: &[Ident]) -> Vec<String> {
    list.iter().map(fold).collect()
}

/// A table constraint; `not_valid` comes from ALTER TABLE ... NOT VALID.
pub(super) fn table_constraint(
    c: &ast::TableConstraint,
    not_valid: bool,
) -> Result<TableConstraint, String> {
    use ast::TableConstraint as T;
    let (name, kind, chars) = match c {
        T::PrimaryKey(p) => {
            if p.index_name.is_some() || p.index_type.is_some() || !p.index_options.is_empty() {
                return Err("PRIMARY KEY with index options is not PostgreSQL".to_owned());
            }
            (
                p.name.as_ref(),
                ConstraintKind::PrimaryKey {
                    columns: key_columns(&p.columns)?,
                    include: idents(&p.include),
                },
                p.characteristics.as_ref(),
            )
        }
        T::Unique(u) => {
            if u.index_name.is_some() || u.index_type.is_some() || !u.index_options.is_empty() {
                return Err("UNIQUE with index options is not PostgreSQL".to_owned());
            }
            (
                u.name.as_ref(),
                ConstraintKind::Unique {
                    columns: key_columns(&u.columns)?,
                    include: idents(&u.include),
                    nulls_not_distinct: matches!(
                        u.nulls_distinct,
                        ast::NullsDistinctOption::NotDistinct
                    ),
                },
                u.characteristics.as_ref(),
            )
        }
        T::ForeignKey(f) => {
            if matches!(
                f.match_kind,
                Some(ast::ConstraintReferenceMatchKind::Partial)
            ) {
                return Err("MATCH PARTIAL is not implemented by PostgreSQL".to_owned());
            }
            (
                f.name.as_ref(),
                ConstraintKind::ForeignKey {
                    columns: idents(&f.columns),
                    ref_table: qualified(&f.foreign_table)?,
                    ref_columns: idents(&f.referred_columns),
                    on_delete: fk_action(f.on_delete.as_ref()),
                    on_update: fk_action(f.on_update.as_ref()),
                    match_full: matches!(
                        f.match_kind,
                        Some(ast::ConstraintReferenceMatchKind::Full)
                    ),
                },
                f.characteristics.as_ref(),
            )
        }
        T::Check(ch) => (
            ch.name.as_ref(),
            ConstraintKind::Check {
                expr: sql_expr(&ch.expr),
                no_inherit: ch.no_inherit,
            },
            None,
        ),
        T::Exclude(e) => (
            e.name.as_ref(),
            ConstraintKind::Exclusion {
                // PostgreSQL's default index method.
                method: e
                    .index_method
                    .as_ref()
                    .map_or_else(|| "btree".to_owned(), |m| fold(m).to_lowercase()),
                elements: e
                    .elements
                    .iter()
                    .map(|el| (sql_expr(&el.column.column.expr), el.operator.to_string()))
                    .collect(),
                include: idents(&e.include),
                predicate: e.where_clause.as_deref().map(sql_expr),
            },
            e.characteristics.as_ref(),
        ),
        T::PrimaryKeyUsingIndex(_) | T::UniqueUsingIndex(_) => {
            return Err("USING INDEX constraint outside ALTER TABLE ADD".to_owned());
        }
        other => return Err(format!("constraint {other} is not PostgreSQL")),
    };
    let (deferrable, initially_deferred) = characteristics(chars);
    Ok(TableConstraint {
        name: name.map(fold),
        kind,
        deferrable,
        initially_deferred,
        not_valid,
    })
}

/// Identity / sequence options as sqlparser lists them.
pub(super) fn sequence_options_of(
    opts: &[ast::SequenceOptions],
) -> Result<SequenceOptions, String> {
    let mut out = SequenceOptions::default();
    for o in opts {
        match o {
            ast::SequenceOptions::IncrementBy(e, _) => out.increment = Some(integer(e)?),
            ast::SequenceOptions::MinValue(v) => {
                out.min_value = Some(v.as_ref().map(integer).transpose()?)
            }
            ast::SequenceOptions::MaxValue(v) => {
                out.max_value = Some(v.as_ref().map(integer).transpose()?)
            }
            ast::SequenceOptions::StartWith(e, _) => out.start = Some(integer(e)?),
            ast::SequenceOptions::Cache(e) => out.cache = Some(integer(e)?),
            // sqlparser's flag says whether NO was written.
            ast::SequenceOptions::Cycle(no) => out.cycle = Some(!no),
        }
    }
    Ok(out)
}

pub(super) fn alter_table(at: &ast::AlterTable) -> Result<Stmt, String> {
    if at.location.is_some() || at.on_cluster.is_some() || at.table_type.is_some() {
        return Err("ALTER TABLE form is not PostgreSQL".to_owned());
    }
    let mut ops = Vec::new();
    for op in &at.operations {
        alter_op(op, &mut ops)?;
    }
    Ok(Stmt::AlterTable(AlterTable {
        name: qualified(&at.name)?,
        if_exists: at.if_exists,
        only: at.only,
        ops,
    }))
}

fn other(what: &str) -> AlterTableOp {
    AlterTableOp::Other {
        what: what.to_owned(),
    }
}

fn alter_op(op: &AlterTableOperation, ops: &mut Vec<AlterTableOp>) -> Result<(), String> {
    use AlterTableOperation as O;
    let lowered = match op {
        O::AddConstraint {
            constraint,
            not_valid,
        } => match constraint {
            ast::TableConstraint::PrimaryKeyUsingIndex(u)
            | ast::TableConstraint::UniqueUsingIndex(u) => {
                let (deferrable, initially_deferred) = characteristics(u.characteristics.as_ref());
                AlterTableOp::AddConstraintUsingIndex {
                    name: u.name.as_ref().map(fold),
                    primary_key: matches!(
                        constraint,
                        ast::TableConstraint::PrimaryKeyUsingIndex(_)
                    ),
                    index: fold(&u.index_name),
                    deferrable,
                    initially_deferred,
                }
            }
            c => AlterTableOp::AddConstraint(table_constraint(c, *not_valid)?),
        },
        O::AddColumn {
            if_not_exists,
            column_def,
            column_position,
            column_keyword: _,
        } => {
            if column_position.is_some() {
                return Err("ADD COLUMN FIRST/AFTER is not PostgreSQL".to_owned());
            }
            AlterTableOp::AddColumn {
                column: self::column_def(column_def)?,
                if_not_exists: *if_not_exists,
            }
        }
        O::DropConstraint {
            if_exists,
            name,
            drop_behavior,
        } => AlterTableOp::DropConstraint {
            name: fold(name),
            if_exists: *if_exists,
            cascade: cascade(drop_behavior.as_ref()),
        },
        O::DropColumn {
            column_names,
            if_exists,
            drop_behavior,
            has_column_keyword: _,
        } => {
            for c in column_names {
                ops.push(AlterTableOp::DropColumn {
                    name: fold(c),
                    if_exists: *if_exists,
                    cascade: cascade(drop_behavior.as_ref()),
                });
            }
            return Ok(());
        }
        O::RenameColumn {
            old_column_name,
            new_column_name,
        } => AlterTableOp::RenameColumn {
            name: fold(old_column_name),
            new_name: fold(new_column_name),
        },
        O::RenameTable { table_name } => {
            let new = match table_name {
                ast::RenameTableNameKind::To(n) | ast::RenameTableNameKind::As(n) => n,
            };
            AlterTableOp::RenameTo {
                new_name: last_name(new)?,
            }
        }
        O::RenameConstraint { old_name, new_name } => AlterTableOp::RenameConstraint {
            name: fold(old_name),
            new_name: fold(new_name),
        },
        O::ValidateConstraint { name } => AlterTableOp::ValidateConstraint { name: fold(name) },
        O::AlterColumn { column_name, op } => {
            let column = fold(column_name);
            match op {
                AlterColumnOperation::SetNotNull => AlterTableOp::SetNotNull { column },
                AlterColumnOperation::DropNotNull => AlterTableOp::DropNotNull { column },
                AlterColumnOperation::SetDefault { value } => AlterTableOp::SetDefault {
                    column,
                    expr: sql_expr(value),
                },
                AlterColumnOperation::DropDefault => AlterTableOp::DropDefault { column },
                AlterColumnOperation::SetDataType {
                    data_type, using, ..
                } => AlterTableOp::AlterColumnType {
                    column,
                    data_type: plain_type(data_type)?,
                    using: using.as_ref().map(sql_expr),
                    collation: None,
                },
                AlterColumnOperation::AddGenerated {
                    generated_as,
                    sequence_options,
                } => {
                    let always = match generated_as {
                        Some(GeneratedAs::Always) => true,
                        Some(GeneratedAs::ByDefault) => false,
                        _ => return Err("ADD GENERATED needs ALWAYS or BY DEFAULT".to_owned()),
                    };
                    AlterTableOp::AddIdentity {
                        column,
                        identity: Identity {
                            always,
                            options: sequence_options_of(
                                sequence_options.as_deref().unwrap_or(&[]),
                            )?,
                        },
                    }
                }
            }
        }
        O::SetLogged => AlterTableOp::SetLogged,
        O::SetUnlogged => AlterTableOp::SetUnlogged,
        O::OwnerTo { .. } => other("OWNER TO"),
        O::EnableTrigger { .. } => other("ENABLE TRIGGER"),
        O::DisableTrigger { .. } => other("DISABLE TRIGGER"),
        O::EnableAlwaysTrigger { .. } => other("ENABLE ALWAYS TRIGGER"),
        O::EnableReplicaTrigger { .. } => other("ENABLE REPLICA TRIGGER"),
        O::EnableRule { .. } => other("ENABLE RULE"),
        O::DisableRule { .. } => other("DISABLE RULE"),
        O::EnableAlwaysRule { .. } => other("ENABLE ALWAYS RULE"),
        O::EnableReplicaRule { .. } => other("ENABLE REPLICA RULE"),
        O::EnableRowLevelSecurity => other("ENABLE ROW LEVEL SECURITY"),
        O::DisableRowLevelSecurity => other("DISABLE ROW LEVEL SECURITY"),
        O::ForceRowLevelSecurity => other("FORCE ROW LEVEL SECURITY"),
        O::NoForceRowLevelSecurity => other("NO FORCE ROW LEVEL SECURITY"),
        O::ReplicaIdentity { .. } => other("REPLICA IDENTITY"),
        O::SetOptionsParens { .. } => other("SET (storage parameters)"),
        other_op => return Err(format!("ALTER TABLE {other_op} is not PostgreSQL")),
    };
    ops.push(lowered);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::tests::{lo, q, try_lo};
    use super::*;
    use crate::sql::ir::TypeName;

    fn table(sql: &str) -> CreateTable {
        match lo(sql) {
            Stmt::CreateTable(t) => t,
            other => panic!("{other:?}"),
        }
    }

    fn columns(t: &CreateTable) -> Vec<&ColumnDef> {
        t.elements
            .iter()
            .filter_map(|e| match e {
                TableElement::Column(c) => Some(c),
                _ => None,
            })
            .collect()
    }

    fn alter(sql: &str) -> AlterTable {
        match lo(sql) {
            Stmt::AlterTable(t) => t,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn create_table_columns() {
        let t = table(
            "CREATE TABLE IF NOT EXISTS s.Users (
                id bigserial PRIMARY KEY,
                \"Name\" varchar(255) NOT NULL DEFAULT ''::character varying,
                email text COLLATE \"C\" CONSTRAINT email_uq UNIQUE,
                nick text NULL,
                created timestamptz DEFAULT CURRENT_TIMESTAMP,
                n int GENERATED BY DEFAULT AS IDENTITY,
                m int GENERATED ALWAYS AS IDENTITY (START WITH 10),
                g int GENERATED ALWAYS AS (n * 2) STORED,
                tags text[] DEFAULT ARRAY[]::text[],
                span interval DEFAULT interval '1 day'
            )",
        );
        assert_eq!(t.name, q(Some("s"), "users"));
        assert!(t.if_not_exists);
        let cols = columns(&t);
        assert_eq!(cols[0].name, "id");
        assert!(cols[0].serial);
        assert_eq!(cols[0].data_type, TypeName::simple("bigint"));
        assert!(matches!(
            cols[0].constraints[0].kind,
            ConstraintKind::PrimaryKey { ref columns, .. } if columns == &["id"]
        ));
        assert_eq!(cols[1].name, "Name");
        assert_eq!(cols[1].data_type.to_sql(), "character varying(255)");
        assert_eq!(cols[1].not_null, Some(true));
        let d = cols[1].default.as_ref().map(|d| d.sql.as_str());
        assert_eq!(d, Some("''::CHARACTER VARYING"));
        assert_eq!(cols[2].collation.as_deref(), Some("C"));
        assert_eq!(cols[2].constraints[0].name.as_deref(), Some("email_uq"));
        assert_eq!(cols[3].not_null, Some(false));
        assert_eq!(
            cols[4].default.as_ref().map(|d| d.sql.as_str()),
            Some("CURRENT_TIMESTAMP")
        );
        assert_eq!(cols[5].identity.as_ref().map(|i| i.always), Some(false));
        let m = cols[6]
            .identity
            .as_ref()
            .unwrap_or_else(|| panic!("identity"));
        assert!(m.always);
        assert_eq!(m.options.start, Some(10));
        let g = cols[7]
            .generated
            .as_ref()
            .unwrap_or_else(|| panic!("generated"));
        assert_eq!(g.sql, "n * 2");
        assert_eq!(g.columns, vec!["n"]);
        assert_eq!(
            cols[8].default.as_ref().map(|d| d.sql.as_str()),
            Some("ARRAY[]::TEXT[]")
        );
        assert_eq!(
            cols[9].default.as_ref().map(|d| d.sql.as_str()),
            Some("INTERVAL '1 day'")
        );
    }

    #[test]
    fn create_table_constraints() {
        let t = table(
            "CREATE TABLE t (
                a int REFERENCES other (x) ON DELETE CASCADE ON UPDATE SET NULL DEFERRABLE INITIALLY DEFERRED,
                b int CONSTRAINT b_pos CHECK (b > 0) NO INHERIT,
                c int,
                CONSTRAINT t_pk PRIMARY KEY (a, b) INCLUDE (c),
                UNIQUE NULLS NOT DISTINCT (c),
                FOREIGN KEY (b, c) REFERENCES s.o MATCH FULL,
                CONSTRAINT no_overlap EXCLUDE USING gist (c WITH =, b WITH &&) WHERE (c > 0)
            )",
        );
        let cols = columns(&t);
        match &cols[0].constraints[0] {
            TableConstraint {
                kind:
                    ConstraintKind::ForeignKey {
                        columns,
                        ref_table,
                        ref_columns,
                        on_delete,
                        on_update,
                        ..
                    },
                deferrable,
                initially_deferred,
                ..
            } => {
                assert_eq!(columns, &["a"]);
                assert_eq!(ref_table, &q(None, "other"));
                assert_eq!(ref_columns, &["x"]);
                assert_eq!(*on_delete, FkAction::Cascade);
                assert_eq!(*on_update, FkAction::SetNull);
                assert_eq!(*deferrable, Some(true));
                assert_eq!(*initially_deferred, Some(true));
            }
            other => panic!("{other:?}"),
        }
        match &cols[1].constraints[0] {
            TableConstraint {
                name,
                kind: ConstraintKind::Check { expr, no_inherit },
                ..
            } => {
                assert_eq!(name.as_deref(), Some("b_pos"));
                assert_eq!(expr.sql, "b > 0");
                assert!(*no_inherit);
            }
            other => panic!("{other:?}"),
        }
        let cons: Vec<&TableConstraint> = t
            .elements
            .iter()
            .filter_map(|e| match e {
                TableElement::Constraint(c) => Some(c),
                _ => None,
            })
            .collect();
        assert_eq!(cons.len(), 4);
        assert_eq!(cons[0].name.as_deref(), Some("t_pk"));
        assert!(matches!(
            &cons[0].kind,
            ConstraintKind::PrimaryKey { columns, include } if columns == &["a", "b"] && include == &["c"]
        ));
        assert!(matches!(
            &cons[1].kind,
            ConstraintKind::Unique {
                nulls_not_distinct: true,
                ..
            }
        ));
        assert!(matches!(
            &cons[2].kind,
            ConstraintKind::ForeignKey { match_full: true, ref_columns, .. } if ref_columns.is_empty()
        ));
        match &cons[3].kind {
            ConstraintKind::Exclusion {
                method,
                elements,
                predicate,
                ..
            } => {
                assert_eq!(method, "gist");
                assert_eq!(elements[1].1, "&&");
                assert!(predicate.is_some());
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn create_table_variants() {
        let t = table("CREATE UNLOGGED TABLE t (a int) INHERITS (p, s.q)");
        assert!(t.unlogged);
        assert_eq!(t.inherits, vec![q(None, "p"), q(Some("s"), "q")]);
        let t = table("CREATE TEMPORARY TABLE t (a int)");
        assert!(t.temporary);
        let t = table("CREATE TABLE m (a int, ts date) PARTITION BY RANGE (ts)");
        assert!(t.partition_by.is_some());
        let t = table(
            "CREATE TABLE m1 PARTITION OF m FOR VALUES FROM ('2020-01-01') TO ('2021-01-01')",
        );
        let p = t.partition_of.unwrap_or_else(|| panic!("partition"));
        assert_eq!(p.parent, q(None, "m"));
        assert_eq!(p.bound, "FOR VALUES FROM ('2020-01-01') TO ('2021-01-01')");
        let t = table("CREATE TABLE c AS SELECT a, b AS bee FROM t WHERE x");
        let query = t.as_query.unwrap_or_else(|| panic!("as"));
        assert_eq!(query.relations, vec![q(None, "t")]);
        assert_eq!(
            query.output_columns,
            Some(vec!["a".to_owned(), "bee".to_owned()])
        );
        let t = table("CREATE TABLE n (LIKE o INCLUDING DEFAULTS)");
        assert!(
            matches!(&t.elements[0], TableElement::Like { source, .. } if source == &q(None, "o"))
        );
    }

    #[test]
    fn alter_table_ops() {
        let t = alter(
            "ALTER TABLE IF EXISTS ONLY s.t
                ADD COLUMN IF NOT EXISTS a int NOT NULL DEFAULT 0,
                DROP COLUMN IF EXISTS b CASCADE,
                ALTER COLUMN c TYPE bigint USING c::bigint,
                ALTER COLUMN d SET DEFAULT now(),
                ALTER COLUMN d DROP DEFAULT,
                ALTER COLUMN e SET NOT NULL,
                ALTER COLUMN e DROP NOT NULL,
                ADD CONSTRAINT fk FOREIGN KEY (a) REFERENCES o (id) NOT VALID,
                DROP CONSTRAINT IF EXISTS old CASCADE,
                ALTER COLUMN f ADD GENERATED BY DEFAULT AS IDENTITY",
        );
        assert_eq!(t.name, q(Some("s"), "t"));
        assert!(t.if_exists && t.only);
        assert!(
            matches!(&t.ops[0], AlterTableOp::AddColumn { if_not_exists: true, column } if column.not_null == Some(true))
        );
        assert_eq!(
            t.ops[1],
            AlterTableOp::DropColumn {
                name: "b".to_owned(),
                if_exists: true,
                cascade: true
            }
        );
        assert!(
            matches!(&t.ops[2], AlterTableOp::AlterColumnType { column, data_type, using: Some(u), .. }
            if column == "c" && data_type.name == "bigint" && u.sql == "c::BIGINT")
        );
        assert!(
            matches!(&t.ops[3], AlterTableOp::SetDefault { expr, .. } if expr.functions == ["now"])
        );
        assert!(matches!(&t.ops[4], AlterTableOp::DropDefault { .. }));
        assert!(matches!(&t.ops[5], AlterTableOp::SetNotNull { .. }));
        assert!(matches!(&t.ops[6], AlterTableOp::DropNotNull { .. }));
        assert!(
            matches!(&t.ops[7], AlterTableOp::AddConstraint(c) if c.not_valid && c.name.as_deref() == Some("fk"))
        );
        assert!(matches!(
            &t.ops[8],
            AlterTableOp::DropConstraint {
                if_exists: true,
                cascade: true,
                ..
            }
        ));
        assert!(
            matches!(&t.ops[9], AlterTableOp::AddIdentity { identity, .. } if !identity.always)
        );
    }

    #[test]
    fn alter_table_more() {
        let t = alter("ALTER TABLE t RENAME COLUMN A TO b");
        assert_eq!(
            t.ops,
            vec![AlterTableOp::RenameColumn {
                name: "a".to_owned(),
                new_name: "b".to_owned()
            }]
        );
        let t = alter("ALTER TABLE t RENAME TO u");
        assert_eq!(
            t.ops,
            vec![AlterTableOp::RenameTo {
                new_name: "u".to_owned()
            }]
        );
        let t = alter("ALTER TABLE t RENAME CONSTRAINT a TO b");
        assert!(matches!(&t.ops[0], AlterTableOp::RenameConstraint { .. }));
        let t = alter("ALTER TABLE t VALIDATE CONSTRAINT c");
        assert_eq!(
            t.ops,
            vec![AlterTableOp::ValidateConstraint {
                name: "c".to_owned()
            }]
        );
        let t = alter("ALTER TABLE t ADD CONSTRAINT p PRIMARY KEY USING INDEX i");
        assert!(
            matches!(&t.ops[0], AlterTableOp::AddConstraintUsingIndex { primary_key: true, index, .. } if index == "i")
        );
        let t = alter("ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0) NOT VALID");
        assert!(matches!(&t.ops[0], AlterTableOp::AddConstraint(c) if c.not_valid));
        let t = alter("ALTER TABLE t OWNER TO bob");
        assert!(matches!(&t.ops[0], AlterTableOp::Other { .. }));
        let t = alter("ALTER TABLE t ENABLE ROW LEVEL SECURITY");
        assert!(matches!(&t.ops[0], AlterTableOp::Other { .. }));
        let t = alter("ALTER TABLE t SET LOGGED");
        assert_eq!(t.ops, vec![AlterTableOp::SetLogged]);
        let t = alter("ALTER TABLE t DISABLE TRIGGER ALL");
        assert!(matches!(&t.ops[0], AlterTableOp::Other { .. }));
        assert!(try_lo("ALTER TABLE t ADD COLUMN a int FIRST").is_err());
    }
}
