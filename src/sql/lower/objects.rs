//! Indexes, views, sequences, types, domains, functions, triggers and
//! comments: the objects around tables.
//!
//! Function and trigger definitions keep the statement as written
//! (`definition`), because sqlparser's Display reorders clauses and the
//! model must be able to re-create them exactly.

use super::table::{sequence_options_of, table_constraint};
use super::{fold, function_ref, last_name, plain_type, qualified, query_info, sql_expr};
use crate::sql::ir::{
    AlterIndexAction, AlterType, AlterTypeAction, CommentTarget, ConstraintKind, CreateDomain,
    CreateFunction, CreateIndex, CreateSequence, CreateTrigger, CreateType, CreateView,
    FunctionArg, FunctionRef, IndexKey, RoutineKind, Stmt, TypeDefinition,
};
use sqlparser::ast::{
    self as ast, AlterFunctionOperation, CommentObject, CreateFunctionBody, DataType, Expr,
    ObjectName, OrderBySort, TriggerEvent, TriggerObject, TriggerObjectKind, TriggerPeriod, Value,
};

pub(super) fn create_index(ci: &ast::CreateIndex) -> Result<Stmt, String> {
    if ci.r#async || !ci.index_options.is_empty() || !ci.alter_options.is_empty() {
        return Err("CREATE INDEX form is not PostgreSQL".to_owned());
    }
    let keys = ci
        .columns
        .iter()
        .map(index_key)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Stmt::CreateIndex(CreateIndex {
        name: ci.name.as_ref().map(last_name).transpose()?,
        table: qualified(&ci.table_name)?,
        unique: ci.unique,
        concurrently: ci.concurrently,
        if_not_exists: ci.if_not_exists,
        only: false,
        method: ci
            .using
            .as_ref()
            .map_or_else(|| "btree".to_owned(), index_method),
        keys,
        include: ci.include.iter().map(fold).collect(),
        predicate: ci.predicate.as_ref().map(sql_expr),
        nulls_not_distinct: ci.nulls_distinct == Some(false),
        with: ci.with.iter().map(|w| w.to_string()).collect(),
    }))
}

fn index_method(m: &ast::IndexType) -> String {
    match m {
        ast::IndexType::Custom(name) => fold(name),
        // Built-in method names print upper case; PostgreSQL names are lower.
        other => other.to_string().to_lowercase(),
    }
}

fn index_key(col: &ast::IndexColumn) -> Result<IndexKey, String> {
    let (expr, collation) = match &col.column.expr {
        Expr::Collate { expr, collation } => (expr.as_ref(), Some(last_name(collation)?)),
        e => (e, None),
    };
    let descending = match &col.column.options.sort {
        None | Some(OrderBySort::Asc) => false,
        Some(OrderBySort::Desc) => true,
        Some(OrderBySort::Using(_)) => return Err("index key ORDER USING".to_owned()),
    };
    let opclass = match &col.operator_class {
        None => None,
        Some(name) => Some(super::parts(name)?.join(".")),
    };
    Ok(IndexKey {
        column: match expr {
            Expr::Identifier(i) => Some(fold(i)),
            _ => None,
        },
        expr: sql_expr(expr),
        collation,
        opclass,
        descending,
        nulls_first: col.column.options.nulls_first,
    })
}

pub(super) fn alter_index(
    name: &ObjectName,
    operation: &ast::AlterIndexOperation,
) -> Result<Stmt, String> {
    let action = match operation {
        ast::AlterIndexOperation::RenameIndex { index_name } => AlterIndexAction::RenameTo {
            new_name: last_name(index_name)?,
        },
    };
    Ok(Stmt::AlterIndex {
        name: qualified(name)?,
        if_exists: false,
        action,
    })
}

pub(super) fn create_view(cv: &ast::CreateView) -> Result<Stmt, String> {
    if cv.or_alter || cv.secure || cv.to.is_some() || cv.params.is_some() {
        return Err("CREATE VIEW form is not PostgreSQL".to_owned());
    }
    Ok(Stmt::CreateView(CreateView {
        name: qualified(&cv.name)?,
        or_replace: cv.or_replace,
        materialized: cv.materialized,
        temporary: cv.temporary,
        if_not_exists: cv.if_not_exists,
        columns: cv.columns.iter().map(|c| fold(&c.name)).collect(),
        query: query_info(&cv.query),
        // sqlparser rejects WITH [NO] DATA on views, so what parses has data.
        with_data: true,
    }))
}

pub(super) fn create_sequence(
    temporary: bool,
    if_not_exists: bool,
    name: &ObjectName,
    dt: Option<&DataType>,
    opts: &[ast::SequenceOptions],
    owned_by: Option<&ObjectName>,
) -> Result<Stmt, String> {
    let mut options = sequence_options_of(opts)?;
    options.data_type = dt.map(plain_type).transpose()?;
    if let Some(owner) = owned_by {
        let mut p = super::parts(owner)?;
        options.owned_by = Some(if p.len() == 1 && p.first().is_some_and(|n| n == "none") {
            None
        } else {
            let column = p.pop().ok_or("empty OWNED BY")?;
            let name = p.pop().ok_or("OWNED BY needs table.column")?;
            let schema = p.pop();
            Some((crate::sql::ir::QualifiedName { schema, name }, column))
        });
    }
    Ok(Stmt::CreateSequence(CreateSequence {
        name: qualified(name)?,
        if_not_exists,
        temporary,
        options,
    }))
}

pub(super) fn create_type(
    name: &ObjectName,
    representation: Option<&ast::UserDefinedTypeRepresentation>,
) -> Result<Stmt, String> {
    use ast::UserDefinedTypeRepresentation as R;
    let definition = match representation {
        None | Some(R::SqlDefinition { .. }) => TypeDefinition::Other,
        Some(R::Enum { labels }) => TypeDefinition::Enum {
            // Labels are string literals: kept exactly, never folded.
            values: labels.iter().map(|l| l.value.clone()).collect(),
        },
        Some(R::Composite { attributes }) => TypeDefinition::Composite {
            attributes: attributes
                .iter()
                .map(|a| Ok((fold(&a.name), plain_type(&a.data_type)?)))
                .collect::<Result<_, String>>()?,
        },
        Some(R::Range { options }) => {
            let subtype = options
                .iter()
                .find_map(|o| match o {
                    ast::UserDefinedTypeRangeOption::Subtype(dt) => Some(dt),
                    _ => None,
                })
                .ok_or("range type without SUBTYPE")?;
            TypeDefinition::Range {
                subtype: plain_type(subtype)?,
            }
        }
    };
    Ok(Stmt::CreateType(CreateType {
        name: qualified(name)?,
        definition,
    }))
}

pub(super) fn alter_type(at: &ast::AlterType) -> Result<Stmt, String> {
    let action = match &at.operation {
        ast::AlterTypeOperation::Rename(r) => AlterTypeAction::RenameTo {
            new_name: fold(&r.new_name),
        },
        ast::AlterTypeOperation::AddValue(v) => AlterTypeAction::AddValue {
            value: v.value.value.clone(),
            if_not_exists: v.if_not_exists,
            position: v.position.as_ref().map(|p| match p {
                ast::AlterTypeAddValuePosition::Before(i) => (true, i.value.clone()),
                ast::AlterTypeAddValuePosition::After(i) => (false, i.value.clone()),
            }),
        },
        ast::AlterTypeOperation::RenameValue(r) => AlterTypeAction::RenameValue {
            value: r.from.value.clone(),
            new_value: r.to.value.clone(),
        },
    };
    Ok(Stmt::AlterType(AlterType {
        name: qualified(&at.name)?,
        action,
    }))
}

pub(super) fn create_domain(cd: &ast::CreateDomain) -> Result<Stmt, String> {
    let mut checks = Vec::new();
    for c in &cd.constraints {
        let tc = table_constraint(c, false)?;
        match tc.kind {
            ConstraintKind::Check { expr, .. } => checks.push((tc.name, expr)),
            _ => return Err("domain constraint other than CHECK".to_owned()),
        }
    }
    Ok(Stmt::CreateDomain(CreateDomain {
        name: qualified(&cd.name)?,
        data_type: plain_type(&cd.data_type)?,
        default: cd.default.as_ref().map(sql_expr),
        // sqlparser rejects NOT NULL on domains, so what parses has none.
        not_null: false,
        collation: cd.collation.as_ref().map(fold),
        checks,
    }))
}

/// A string literal's content (dollar quotes and quotes removed).
fn string_literal(e: &Expr) -> Option<String> {
    match e {
        Expr::Value(v) => match &v.value {
            Value::SingleQuotedString(s) | Value::EscapedStringLiteral(s) => Some(s.clone()),
            Value::DollarQuotedString(d) => Some(d.value.clone()),
            _ => None,
        },
        _ => None,
    }
}

pub(super) fn create_function(cf: &ast::CreateFunction, source: &str) -> Result<Stmt, String> {
    if cf.or_alter
        || cf.temporary
        || cf.if_not_exists
        || cf.using.is_some()
        || cf.options.is_some()
        || cf.remote_connection.is_some()
        || cf.determinism_specifier.is_some()
    {
        return Err("CREATE FUNCTION form is not PostgreSQL".to_owned());
    }
    let args = cf
        .args
        .iter()
        .flatten()
        .map(|a| {
            Ok(FunctionArg {
                mode: match a.mode {
                    None | Some(ast::ArgMode::In) => "in",
                    Some(ast::ArgMode::Out) => "out",
                    Some(ast::ArgMode::InOut) => "inout",
                    Some(ast::ArgMode::Variadic) => "variadic",
                }
                .to_owned(),
                name: a.name.as_ref().map(fold),
                data_type: plain_type(&a.data_type)?,
                default: a.default_expr.as_ref().map(sql_expr),
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    let returns = cf.return_type.as_ref().map(|r| match r {
        ast::FunctionReturnType::DataType(dt) => return_type(dt),
        ast::FunctionReturnType::SetOf(dt) => format!("SETOF {}", return_type(dt)),
    });
    let body = match &cf.function_body {
        None => None,
        Some(CreateFunctionBody::AsBeforeOptions { body, link_symbol }) => {
            let text = string_literal(body).ok_or("function body is not a string")?;
            match link_symbol {
                // C functions: `AS 'obj_file', 'link_symbol'`.
                Some(link) => Some(format!(
                    "{text}, {}",
                    string_literal(link).ok_or("link symbol is not a string")?
                )),
                None => Some(text),
            }
        }
        Some(CreateFunctionBody::AsAfterOptions(body)) => {
            Some(string_literal(body).ok_or("function body is not a string")?)
        }
        Some(CreateFunctionBody::Return(e)) => Some(format!("RETURN {e}")),
        Some(_) => return Err("function body form is not PostgreSQL".to_owned()),
    };
    Ok(Stmt::CreateFunction(CreateFunction {
        name: qualified(&cf.name)?,
        kind: RoutineKind::Function,
        or_replace: cf.or_replace,
        args,
        returns,
        language: cf.language.as_ref().map(|l| fold(l).to_lowercase()),
        body,
        volatility: cf.behavior.as_ref().map(|b| b.to_string().to_lowercase()),
        definition: source.trim().to_owned(),
    }))
}

/// A RETURNS type: canonical where it is a plain type (`trigger`,
/// `integer`), sqlparser's text otherwise (`TABLE(...)`).
fn return_type(dt: &DataType) -> String {
    match super::types_of(dt) {
        Some(t) => t,
        None => dt.to_string(),
    }
}

pub(super) fn alter_function(af: &ast::AlterFunction) -> Result<Stmt, String> {
    use crate::sql::ir::AlterFunctionAction as A;
    let function: FunctionRef = function_ref(&af.function)?;
    let action = match &af.operation {
        AlterFunctionOperation::RenameTo { new_name } => A::RenameTo {
            new_name: fold(new_name),
        },
        AlterFunctionOperation::SetSchema { schema_name } => A::SetSchema {
            schema: last_name(schema_name)?,
        },
        AlterFunctionOperation::OwnerTo(_) => A::Other {
            what: "OWNER TO".to_owned(),
        },
        AlterFunctionOperation::DependsOnExtension { .. } => A::Other {
            what: "DEPENDS ON EXTENSION".to_owned(),
        },
        AlterFunctionOperation::Actions { .. } => A::Other {
            what: "function attributes".to_owned(),
        },
    };
    Ok(Stmt::AlterFunction { function, action })
}

pub(super) fn create_trigger(ct: &ast::CreateTrigger, source: &str) -> Result<Stmt, String> {
    if ct.or_alter || ct.temporary || !ct.period_before_table || ct.statements.is_some() {
        return Err("CREATE TRIGGER form is not PostgreSQL".to_owned());
    }
    let timing = match ct.period {
        Some(TriggerPeriod::Before) => "BEFORE",
        Some(TriggerPeriod::After) => "AFTER",
        Some(TriggerPeriod::InsteadOf) => "INSTEAD OF",
        _ => return Err("trigger without BEFORE / AFTER / INSTEAD OF".to_owned()),
    };
    let mut events = Vec::new();
    let mut update_columns = Vec::new();
    for e in &ct.events {
        events.push(
            match e {
                TriggerEvent::Insert => "INSERT",
                TriggerEvent::Update(cols) => {
                    update_columns.extend(cols.iter().map(fold));
                    "UPDATE"
                }
                TriggerEvent::Delete => "DELETE",
                TriggerEvent::Truncate => "TRUNCATE",
            }
            .to_owned(),
        );
    }
    let exec = ct.exec_body.as_ref().ok_or("trigger without EXECUTE")?;
    Ok(Stmt::CreateTrigger(CreateTrigger {
        name: last_name(&ct.name)?,
        table: qualified(&ct.table_name)?,
        or_replace: ct.or_replace,
        constraint: ct.is_constraint,
        timing: timing.to_owned(),
        events,
        update_columns,
        // PostgreSQL's default is FOR EACH STATEMENT.
        for_each_row: matches!(
            ct.trigger_object,
            Some(TriggerObjectKind::ForEach(TriggerObject::Row))
                | Some(TriggerObjectKind::For(TriggerObject::Row))
        ),
        when: ct.condition.as_ref().map(sql_expr),
        function: qualified(&exec.func_desc.name)?,
        arguments: exec
            .func_desc
            .args
            .iter()
            .flatten()
            .map(|a| a.to_string())
            .collect(),
        referencing: ct.referencing.iter().map(|r| r.to_string()).collect(),
        deferrable: ct
            .characteristics
            .as_ref()
            .is_some_and(|c| c.deferrable == Some(true)),
        initially_deferred: ct
            .characteristics
            .as_ref()
            .is_some_and(|c| c.initially == Some(sqlparser::ast::DeferrableInitial::Deferred)),
        definition: source.trim().to_owned(),
    }))
}

pub(super) fn comment(
    object_type: &CommentObject,
    name: &ObjectName,
    text: Option<&String>,
) -> Result<Stmt, String> {
    let target = match object_type {
        CommentObject::Table => CommentTarget::Table(qualified(name)?),
        CommentObject::View => CommentTarget::View(qualified(name)?),
        CommentObject::MaterializedView => CommentTarget::MaterializedView(qualified(name)?),
        CommentObject::Index => CommentTarget::Index(qualified(name)?),
        CommentObject::Sequence => CommentTarget::Sequence(qualified(name)?),
        CommentObject::Type => CommentTarget::Type(qualified(name)?),
        CommentObject::Domain => CommentTarget::Domain(qualified(name)?),
        CommentObject::Schema => CommentTarget::Schema(last_name(name)?),
        CommentObject::Extension => CommentTarget::Extension(last_name(name)?),
        CommentObject::Function | CommentObject::Procedure => {
            CommentTarget::Function(FunctionRef {
                name: qualified(name)?,
                arg_types: None,
            })
        }
        CommentObject::Column => {
            let mut p = super::parts(name)?;
            let column = p.pop().ok_or("empty column name")?;
            let table = p.pop().ok_or("COMMENT ON COLUMN needs table.column")?;
            let schema = p.pop();
            CommentTarget::Column {
                table: crate::sql::ir::QualifiedName {
                    schema,
                    name: table,
                },
                column,
            }
        }
        CommentObject::Collation
        | CommentObject::Database
        | CommentObject::Role
        | CommentObject::User => CommentTarget::Other {
            kind: object_type.to_string().to_uppercase(),
            object: name.to_string(),
        },
    };
    Ok(Stmt::Comment {
        target,
        text: text.cloned(),
    })
}

#[cfg(test)]
mod tests {
    use super::super::tests::{lo, q};
    use super::*;
    use crate::sql::ir::{AlterFunctionAction, TypeName};

    #[test]
    fn indexes() {
        let i = match lo(
            "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS Idx ON s.t USING gin (lower(a) text_pattern_ops, b COLLATE \"C\" DESC NULLS LAST) INCLUDE (c) WITH (fillfactor = 70) WHERE a IS NOT NULL",
        ) {
            Stmt::CreateIndex(i) => i,
            other => panic!("{other:?}"),
        };
        assert_eq!(i.name.as_deref(), Some("idx"));
        assert_eq!(i.table, q(Some("s"), "t"));
        assert!(i.unique && i.concurrently && i.if_not_exists);
        assert_eq!(i.method, "gin");
        assert_eq!(i.keys[0].column, None);
        assert_eq!(i.keys[0].expr.sql, "lower(a)");
        assert_eq!(i.keys[0].expr.functions, vec!["lower"]);
        assert_eq!(i.keys[0].opclass.as_deref(), Some("text_pattern_ops"));
        assert_eq!(i.keys[1].column.as_deref(), Some("b"));
        assert_eq!(i.keys[1].collation.as_deref(), Some("C"));
        assert!(i.keys[1].descending);
        assert_eq!(i.keys[1].nulls_first, Some(false));
        assert_eq!(i.include, vec!["c"]);
        assert_eq!(i.with, vec!["fillfactor = 70"]);
        assert_eq!(i.predicate.map(|p| p.sql), Some("a IS NOT NULL".to_owned()));
        match lo("CREATE INDEX ON t (a) NULLS NOT DISTINCT") {
            Stmt::CreateIndex(i) => {
                assert_eq!(i.name, None);
                assert_eq!(i.method, "btree");
                assert!(i.nulls_not_distinct);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            lo("ALTER INDEX s.i RENAME TO j"),
            Stmt::AlterIndex {
                name: q(Some("s"), "i"),
                if_exists: false,
                action: AlterIndexAction::RenameTo {
                    new_name: "j".to_owned()
                }
            }
        );
    }

    #[test]
    fn views() {
        let v = match lo(
            "CREATE OR REPLACE VIEW v (a, b) AS SELECT x, count(*) FROM t JOIN s.u ON t.id = u.id",
        ) {
            Stmt::CreateView(v) => v,
            other => panic!("{other:?}"),
        };
        assert!(v.or_replace && !v.materialized);
        assert_eq!(v.columns, vec!["a", "b"]);
        assert_eq!(v.query.relations, vec![q(None, "t"), q(Some("s"), "u")]);
        assert_eq!(
            v.query.output_columns,
            Some(vec!["x".to_owned(), "count".to_owned()])
        );
        assert!(v.query.columns.contains(&"id".to_owned()));
        match lo("CREATE MATERIALIZED VIEW m AS SELECT * FROM t") {
            Stmt::CreateView(v) => {
                assert!(v.materialized);
                assert_eq!(v.query.output_columns, None);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn sequences() {
        match lo(
            "CREATE SEQUENCE IF NOT EXISTS s.seq AS bigint INCREMENT BY 2 NO MINVALUE MAXVALUE 10 START WITH -3 CACHE 1 NO CYCLE OWNED BY s.t.c",
        ) {
            Stmt::CreateSequence(s) => {
                assert_eq!(s.name, q(Some("s"), "seq"));
                assert!(s.if_not_exists);
                let o = s.options;
                assert_eq!(o.data_type, Some(TypeName::simple("bigint")));
                assert_eq!(o.increment, Some(2));
                assert_eq!(o.min_value, Some(None));
                assert_eq!(o.max_value, Some(Some(10)));
                assert_eq!(o.start, Some(-3));
                assert_eq!(o.cache, Some(1));
                assert_eq!(o.cycle, Some(false));
                assert_eq!(o.owned_by, Some(Some((q(Some("s"), "t"), "c".to_owned()))));
            }
            other => panic!("{other:?}"),
        }
        match lo("CREATE SEQUENCE s CYCLE OWNED BY NONE") {
            Stmt::CreateSequence(s) => {
                assert_eq!(s.options.cycle, Some(true));
                assert_eq!(s.options.owned_by, Some(None));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn types_and_domains() {
        assert_eq!(
            lo("CREATE TYPE Mood AS ENUM ('Sad', 'ok')"),
            Stmt::CreateType(CreateType {
                name: q(None, "mood"),
                definition: TypeDefinition::Enum {
                    values: vec!["Sad".to_owned(), "ok".to_owned()]
                }
            })
        );
        match lo("CREATE TYPE c AS (a int, B text)") {
            Stmt::CreateType(CreateType {
                definition: TypeDefinition::Composite { attributes },
                ..
            }) => {
                assert_eq!(attributes[0], ("a".to_owned(), TypeName::simple("integer")));
                assert_eq!(attributes[1].0, "b");
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            lo("CREATE TYPE r AS RANGE (subtype = float8)"),
            Stmt::CreateType(CreateType { definition: TypeDefinition::Range { subtype }, .. }) if subtype.name == "double precision"
        ));
        assert_eq!(
            lo("ALTER TYPE mood ADD VALUE IF NOT EXISTS 'meh' BEFORE 'ok'"),
            Stmt::AlterType(AlterType {
                name: q(None, "mood"),
                action: AlterTypeAction::AddValue {
                    value: "meh".to_owned(),
                    if_not_exists: true,
                    position: Some((true, "ok".to_owned()))
                }
            })
        );
        assert!(matches!(
            lo("ALTER TYPE mood RENAME VALUE 'a' TO 'b'"),
            Stmt::AlterType(AlterType {
                action: AlterTypeAction::RenameValue { .. },
                ..
            })
        ));
        assert!(matches!(
            lo("ALTER TYPE mood RENAME TO feeling"),
            Stmt::AlterType(AlterType {
                action: AlterTypeAction::RenameTo { .. },
                ..
            })
        ));
        match lo("CREATE DOMAIN d AS varchar(3) DEFAULT 'x' CONSTRAINT pos CHECK (VALUE <> '')") {
            Stmt::CreateDomain(d) => {
                assert_eq!(d.data_type.to_sql(), "character varying(3)");
                assert_eq!(d.default.map(|e| e.sql), Some("'x'".to_owned()));
                assert_eq!(d.checks[0].0.as_deref(), Some("pos"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn functions() {
        let src = "CREATE OR REPLACE FUNCTION s.f(a int, OUT b text, c varchar DEFAULT 'x') RETURNS SETOF text LANGUAGE plpgsql IMMUTABLE AS $body$ BEGIN RETURN; END $body$";
        match lo(src) {
            Stmt::CreateFunction(f) => {
                assert_eq!(f.name, q(Some("s"), "f"));
                assert!(f.or_replace);
                assert_eq!(f.args.len(), 3);
                assert_eq!(f.args[1].mode, "out");
                assert_eq!(f.args[2].data_type.to_sql(), "character varying");
                assert!(f.args[2].default.is_some());
                assert_eq!(f.returns.as_deref(), Some("SETOF text"));
                assert_eq!(f.language.as_deref(), Some("plpgsql"));
                assert_eq!(f.body.as_deref(), Some(" BEGIN RETURN; END "));
                assert_eq!(f.volatility.as_deref(), Some("immutable"));
                assert_eq!(f.definition, src);
            }
            other => panic!("{other:?}"),
        }
        match lo(
            "CREATE FUNCTION trg() RETURNS trigger AS 'begin return new; end' LANGUAGE plpgsql",
        ) {
            Stmt::CreateFunction(f) => {
                assert_eq!(f.returns.as_deref(), Some("trigger"));
                assert_eq!(f.body.as_deref(), Some("begin return new; end"));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            lo("ALTER FUNCTION f(int) RENAME TO g"),
            Stmt::AlterFunction {
                function: FunctionRef {
                    name: q(None, "f"),
                    arg_types: Some(vec![TypeName::simple("integer")])
                },
                action: AlterFunctionAction::RenameTo {
                    new_name: "g".to_owned()
                }
            }
        );
    }

    #[test]
    fn triggers() {
        let src = "CREATE TRIGGER Trg BEFORE UPDATE OF a, b OR INSERT ON s.t FOR EACH ROW WHEN (NEW.a IS DISTINCT FROM OLD.a) EXECUTE FUNCTION s.f()";
        match lo(src) {
            Stmt::CreateTrigger(t) => {
                assert_eq!(t.name, "trg");
                assert_eq!(t.table, q(Some("s"), "t"));
                assert_eq!(t.timing, "BEFORE");
                assert_eq!(t.events, vec!["UPDATE", "INSERT"]);
                assert_eq!(t.update_columns, vec!["a", "b"]);
                assert!(t.for_each_row);
                assert!(t.when.is_some());
                assert_eq!(t.function, q(Some("s"), "f"));
                assert_eq!(t.definition, src);
            }
            other => panic!("{other:?}"),
        }
        match lo("CREATE TRIGGER t AFTER DELETE ON x EXECUTE PROCEDURE f()") {
            Stmt::CreateTrigger(t) => assert!(!t.for_each_row),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn comments() {
        assert_eq!(
            lo("COMMENT ON COLUMN s.t.c IS 'x'"),
            Stmt::Comment {
                target: CommentTarget::Column {
                    table: q(Some("s"), "t"),
                    column: "c".to_owned()
                },
                text: Some("x".to_owned())
            }
        );
        assert_eq!(
            lo("COMMENT ON TABLE t IS NULL"),
            Stmt::Comment {
                target: CommentTarget::Table(q(None, "t")),
                text: None
            }
        );
        assert!(matches!(
            lo("COMMENT ON SCHEMA s IS 'x'"),
            Stmt::Comment {
                target: CommentTarget::Schema(_),
                ..
            }
        ));
        assert!(matches!(
            lo("COMMENT ON EXTENSION e IS 'x'"),
            Stmt::Comment {
                target: CommentTarget::Extension(_),
                ..
            }
        ));
        assert!(matches!(
            lo("COMMENT ON INDEX i IS 'x'"),
            Stmt::Comment {
                target: CommentTarget::Index(_),
                ..
            }
        ));
    }
}
