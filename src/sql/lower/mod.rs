//! Lowering sqlparser's syntax tree to the [`ir`](super::ir) summary.
//!
//! This is where sqlparser types end: every statement form PostgreSQL
//! migrations use is mapped to a [`Stmt`], with names folded the way
//! PostgreSQL folds them, types canonical and expressions printed back with
//! sqlparser's Display (which writes valid PostgreSQL). When the tree holds
//! something the IR cannot say faithfully (another dialect's syntax, a form
//! the summary has no room for), lowering fails with a short reason so the
//! fallback can try; it never guesses and never panics.

mod objects;
mod table;

use super::ir::{
    Dml, FunctionRef, QualifiedName, QueryInfo, SqlExpr, Stmt, TransactionStmt, TypeName,
    truncate_identifier,
};
use super::types::{ParsedType, parse_type};
use sqlparser::ast::{
    self as ast, CascadeOption, ContextModifier, DataType, DropBehavior, Expr, FunctionDesc,
    GrantObjects, Ident, ObjectName, ObjectNamePart, ObjectType, Query, Reset, SelectItem, SetExpr,
    Statement, TableFactor, Value, visit_expressions, visit_relations,
};
use std::ops::ControlFlow;

/// Summarises a parsed statement; `source` is its SQL as written. An error
/// says what could not be summarised, and the fallback gets a try.
pub fn lower(stmt: &Statement, source: &str) -> Result<Stmt, String> {
    match stmt {
        Statement::CreateTable(ct) => table::create_table(ct),
        Statement::AlterTable(at) => table::alter_table(at),
        Statement::CreateIndex(ci) => objects::create_index(ci),
        Statement::AlterIndex { name, operation } => objects::alter_index(name, operation),
        Statement::CreateView(cv) => objects::create_view(cv),
        Statement::CreateSequence {
            temporary,
            if_not_exists,
            name,
            data_type,
            sequence_options,
            owned_by,
        } => objects::create_sequence(
            *temporary,
            *if_not_exists,
            name,
            data_type.as_ref(),
            sequence_options,
            owned_by.as_ref(),
        ),
        Statement::CreateType {
            name,
            representation,
        } => objects::create_type(name, representation.as_ref()),
        Statement::AlterType(at) => objects::alter_type(at),
        Statement::CreateDomain(cd) => objects::create_domain(cd),
        Statement::CreateFunction(cf) => objects::create_function(cf, source),
        Statement::AlterFunction(af) => objects::alter_function(af),
        Statement::CreateTrigger(ct) => objects::create_trigger(ct, source),
        Statement::Comment {
            object_type,
            object_name,
            comment,
            if_exists: _,
        } => objects::comment(object_type, object_name, comment.as_ref()),
        Statement::Drop {
            object_type,
            if_exists,
            names,
            cascade,
            temporary: _,
            restrict: _,
            purge,
            table,
        } => {
            if *purge || table.is_some() {
                return Err("DROP with PURGE or ON table is not PostgreSQL".to_owned());
            }
            drop(object_type, *if_exists, names, *cascade)
        }
        Statement::DropFunction(df) => Ok(Stmt::DropFunction {
            functions: df
                .func_desc
                .iter()
                .map(function_ref)
                .collect::<Result<_, _>>()?,
            if_exists: df.if_exists,
            cascade: cascade(df.drop_behavior.as_ref()),
        }),
        Statement::DropProcedure {
            if_exists,
            proc_desc,
            drop_behavior,
        } => Ok(Stmt::DropFunction {
            functions: proc_desc
                .iter()
                .map(function_ref)
                .collect::<Result<_, _>>()?,
            if_exists: *if_exists,
            cascade: cascade(drop_behavior.as_ref()),
        }),
        Statement::DropDomain(dd) => Ok(Stmt::DropType {
            names: vec![qualified(&dd.name)?],
            if_exists: dd.if_exists,
            cascade: cascade(dd.drop_behavior.as_ref()),
            domain: true,
        }),
        Statement::DropTrigger(dt) => {
            let table = dt
                .table_name
                .as_ref()
                .ok_or("DROP TRIGGER without ON table")?;
            Ok(Stmt::DropTrigger {
                name: last_name(&dt.trigger_name)?,
                table: qualified(table)?,
                if_exists: dt.if_exists,
                cascade: matches!(dt.option, Some(ast::ReferentialAction::Cascade)),
            })
        }
        Statement::CreateSchema {
            schema_name,
            if_not_exists,
            or_replace,
            clone,
            ..
        } => {
            if *or_replace || clone.is_some() {
                return Err("CREATE SCHEMA with OR REPLACE or CLONE is not PostgreSQL".to_owned());
            }
            let name = match schema_name {
                ast::SchemaName::Simple(n) | ast::SchemaName::NamedAuthorization(n, _) => {
                    last_name(n)?
                }
                // The schema takes the role's name.
                ast::SchemaName::UnnamedAuthorization(role) => fold(role),
            };
            Ok(Stmt::CreateSchema {
                name,
                if_not_exists: *if_not_exists,
            })
        }
        Statement::AlterSchema(a) => match a.operations.as_slice() {
            [ast::AlterSchemaOperation::Rename { name }] => Ok(Stmt::RenameSchema {
                name: last_name(&a.name)?,
                new_name: last_name(name)?,
            }),
            [ast::AlterSchemaOperation::OwnerTo { .. }] => Ok(other("ALTER SCHEMA", vec![])),
            _ => Err("ALTER SCHEMA form not understood".to_owned()),
        },
        Statement::CreateExtension(ce) => Ok(Stmt::CreateExtension {
            name: fold(&ce.name),
            if_not_exists: ce.if_not_exists,
            schema: ce.schema.as_ref().map(fold),
            version: ce.version.as_ref().map(|v| v.value.clone()),
        }),
        Statement::DropExtension(de) => Ok(Stmt::DropExtension {
            names: de.names.iter().map(fold).collect(),
            if_exists: de.if_exists,
            cascade: matches!(
                de.cascade_or_restrict,
                Some(ast::ReferentialAction::Cascade)
            ),
        }),
        Statement::Set(set) => lower_set(set),
        Statement::Reset(r) => match &r.reset {
            Reset::ALL => Ok(Stmt::Set {
                name: "all".to_owned(),
                value: None,
                local: false,
            }),
            Reset::ConfigurationParameter(name) => Ok(Stmt::Set {
                name: dotted(name)?,
                value: None,
                local: false,
            }),
            Reset::SessionAuthorization => Ok(other("RESET SESSION AUTHORIZATION", vec![])),
        },
        Statement::StartTransaction { statements, .. } => {
            if !statements.is_empty() {
                return Err("BEGIN ... END block is not a PostgreSQL transaction".to_owned());
            }
            Ok(Stmt::Transaction(TransactionStmt::Begin))
        }
        Statement::Commit { .. } => Ok(Stmt::Transaction(TransactionStmt::Commit)),
        Statement::Rollback { savepoint, .. } => Ok(Stmt::Transaction(match savepoint {
            Some(_) => TransactionStmt::RollbackToSavepoint,
            None => TransactionStmt::Rollback,
        })),
        Statement::Savepoint { .. } => Ok(Stmt::Transaction(TransactionStmt::Savepoint)),
        Statement::ReleaseSavepoint { .. } => {
            Ok(Stmt::Transaction(TransactionStmt::ReleaseSavepoint))
        }
        Statement::Query(_)
        | Statement::Insert(_)
        | Statement::Update(_)
        | Statement::Delete(_)
        | Statement::Merge(_)
        | Statement::Copy { .. } => dml(stmt),
        Statement::Truncate(t) => Ok(Stmt::Truncate {
            tables: t
                .table_names
                .iter()
                .map(|t| qualified(&t.name))
                .collect::<Result<_, _>>()?,
            cascade: matches!(t.cascade, Some(CascadeOption::Cascade)),
        }),
        Statement::Lock(l) => Ok(Stmt::Lock {
            tables: l
                .tables
                .iter()
                .map(|t| qualified(&t.name))
                .collect::<Result<_, _>>()?,
            // PostgreSQL's default lock mode.
            mode: l
                .lock_mode
                .as_ref()
                .map_or_else(|| "ACCESS EXCLUSIVE".to_owned(), |m| m.to_string()),
        }),
        Statement::Grant(g) => Ok(other("GRANT", grant_tables(g.objects.as_ref())?)),
        Statement::Revoke(r) => Ok(other("REVOKE", grant_tables(r.objects.as_ref())?)),
        Statement::CreateRole(_) => Ok(other("CREATE ROLE", vec![])),
        Statement::AlterRole { .. } => Ok(other("ALTER ROLE", vec![])),
        Statement::CreateUser(_) => Ok(other("CREATE USER", vec![])),
        Statement::AlterUser(_) => Ok(other("ALTER USER", vec![])),
        Statement::Analyze(a) => Ok(other("ANALYZE", optional_table(a.table_name.as_ref())?)),
        Statement::Vacuum(v) => Ok(other(
            if v.full { "VACUUM FULL" } else { "VACUUM" },
            optional_table(v.table_name.as_ref())?,
        )),
        Statement::NOTIFY { .. } => Ok(other("NOTIFY", vec![])),
        Statement::LISTEN { .. } => Ok(other("LISTEN", vec![])),
        Statement::UNLISTEN { .. } => Ok(other("UNLISTEN", vec![])),
        Statement::CreatePolicy(p) => Ok(other("CREATE POLICY", vec![qualified(&p.table_name)?])),
        Statement::AlterPolicy(p) => Ok(other("ALTER POLICY", vec![qualified(&p.table_name)?])),
        Statement::DropPolicy(p) => Ok(other("DROP POLICY", vec![qualified(&p.table_name)?])),
        Statement::Discard { .. } => Ok(other("DISCARD", vec![])),
        Statement::Call(_) => Ok(other("CALL", vec![])),
        Statement::Prepare { .. } => Ok(other("PREPARE", vec![])),
        Statement::Execute { .. } => Ok(other("EXECUTE", vec![])),
        Statement::Deallocate { .. } => Ok(other("DEALLOCATE", vec![])),
        Statement::Explain { .. } => Ok(other("EXPLAIN", vec![])),
        Statement::Declare { .. } => Ok(other("DECLARE", vec![])),
        Statement::Fetch { .. } => Ok(other("FETCH", vec![])),
        Statement::Close { .. } => Ok(other("CLOSE", vec![])),
        Statement::ShowVariable { .. } => Ok(other("SHOW", vec![])),
        Statement::CreateCollation(_) => Ok(other("CREATE COLLATION", vec![])),
        Statement::AlterCollation(_) => Ok(other("ALTER COLLATION", vec![])),
        Statement::CreateOperator(_) => Ok(other("CREATE OPERATOR", vec![])),
        Statement::CreateOperatorFamily(_) => Ok(other("CREATE OPERATOR FAMILY", vec![])),
        Statement::CreateOperatorClass(_) => Ok(other("CREATE OPERATOR CLASS", vec![])),
        Statement::AlterOperator(_) => Ok(other("ALTER OPERATOR", vec![])),
        Statement::AlterOperatorFamily(_) => Ok(other("ALTER OPERATOR FAMILY", vec![])),
        Statement::AlterOperatorClass(_) => Ok(other("ALTER OPERATOR CLASS", vec![])),
        Statement::DropOperator(_) => Ok(other("DROP OPERATOR", vec![])),
        Statement::DropOperatorFamily(_) => Ok(other("DROP OPERATOR FAMILY", vec![])),
        Statement::DropOperatorClass(_) => Ok(other("DROP OPERATOR CLASS", vec![])),
        Statement::CreateTextSearch(_) => Ok(other("CREATE TEXT SEARCH", vec![])),
        Statement::AlterTextSearch(_) => Ok(other("ALTER TEXT SEARCH", vec![])),
        Statement::CreateServer(_) => Ok(other("CREATE SERVER", vec![])),
        Statement::CreateDatabase { .. } => Ok(other("CREATE DATABASE", vec![])),
        Statement::Load { .. } => Ok(other("LOAD", vec![])),
        _ => Err(format!(
            "statement form not summarised: {}",
            statement_kind(stmt)
        )),
    }
}

/// The first words of a statement's Display, to name it in an error.
fn statement_kind(stmt: &Statement) -> String {
    stmt.to_string()
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}

fn other(what: &str, tables: Vec<QualifiedName>) -> Stmt {
    Stmt::Other {
        what: what.to_owned(),
        tables,
    }
}

/// Folds an identifier the way PostgreSQL does: unquoted to lower case,
/// quoted kept verbatim.
///
/// Unquoted identifiers are lower-cased in ASCII only and both kinds are
/// truncated to 63 bytes, as PostgreSQL's lexer does in UTF-8 databases.
pub(crate) fn fold(ident: &Ident) -> String {
    truncate_identifier(match ident.quote_style {
        Some(_) => ident.value.clone(),
        None => ident.value.to_ascii_lowercase(),
    })
}

/// The folded identifiers of an object name; an error for the function-call
/// parts other dialects allow.
fn parts(name: &ObjectName) -> Result<Vec<String>, String> {
    name.0
        .iter()
        .map(|p| match p {
            ObjectNamePart::Identifier(i) => Ok(fold(i)),
            ObjectNamePart::Function(_) => Err(format!("name {name} is not an identifier")),
        })
        .collect()
}

/// `name`, `schema.name` or `db.schema.name` (the database part names the
/// current database, so it is dropped).
fn qualified(name: &ObjectName) -> Result<QualifiedName, String> {
    let mut p = parts(name)?;
    let last = p.pop().ok_or("empty name")?;
    let schema = p.pop();
    if p.len() > 1 {
        return Err(format!("name {name} has too many parts"));
    }
    Ok(QualifiedName { schema, name: last })
}

/// The last part of a name, for objects that cannot be schema-qualified
/// (schemas, extensions, triggers, new names after RENAME TO).
fn last_name(name: &ObjectName) -> Result<String, String> {
    parts(name)?.pop().ok_or_else(|| "empty name".to_owned())
}

/// A name written with dots kept as one string (`search_path`,
/// `myapp.setting`).
fn dotted(name: &ObjectName) -> Result<String, String> {
    Ok(parts(name)?.join("."))
}

fn cascade(behavior: Option<&DropBehavior>) -> bool {
    matches!(behavior, Some(DropBehavior::Cascade))
}

/// A data type in canonical form; an error for what `parse_type` refuses
/// (`%TYPE` references and the like).
fn data_type(dt: &DataType) -> Result<ParsedType, String> {
    parse_type(&dt.to_string()).ok_or_else(|| format!("type {dt} not understood"))
}

/// A data type's canonical spelling, where `parse_type` understands it.
fn types_of(dt: &DataType) -> Option<String> {
    parse_type(&dt.to_string()).map(|p| p.type_name.to_sql())
}

/// A data type that must not be a serial pseudo-type.
fn plain_type(dt: &DataType) -> Result<TypeName, String> {
    let parsed = data_type(dt)?;
    if parsed.serial {
        return Err(format!("serial type {dt} outside a column definition"));
    }
    Ok(parsed.type_name)
}

fn push_unique(list: &mut Vec<String>, item: String) {
    if !list.contains(&item) {
        list.push(item);
    }
}

/// An expression as SQL text with the columns and functions it mentions.
pub(crate) fn sql_expr(expr: &Expr) -> SqlExpr {
    let mut columns = Vec::new();
    let mut functions = Vec::new();
    collect_names(expr, &mut columns, &mut functions);
    SqlExpr {
        sql: expr.to_string(),
        columns,
        functions,
    }
}

/// Column-like identifiers and function names anywhere under `node`.
fn collect_names<V: ast::Visit>(node: &V, columns: &mut Vec<String>, functions: &mut Vec<String>) {
    let _ = visit_expressions(node, |e: &Expr| {
        match e {
            Expr::Identifier(i) => push_unique(columns, fold(i)),
            Expr::CompoundIdentifier(ids) => {
                if let Some(i) = ids.last() {
                    push_unique(columns, fold(i));
                }
            }
            Expr::Function(f) => {
                if let Ok(name) = last_name(&f.name) {
                    push_unique(functions, name);
                }
            }
            _ => {}
        }
        ControlFlow::<()>::Continue(())
    });
}

/// Relations named anywhere under `node`, folded, without the names of
/// CTEs the statement defines itself.
fn relations<V: ast::Visit>(node: &V, ctes: &[String]) -> Vec<QualifiedName> {
    let mut out: Vec<QualifiedName> = Vec::new();
    let _ = visit_relations(node, |name: &ObjectName| {
        if let Ok(q) = qualified(name) {
            let is_cte = q.schema.is_none() && ctes.contains(&q.name);
            if !is_cte && !out.contains(&q) {
                out.push(q);
            }
        }
        ControlFlow::<()>::Continue(())
    });
    out
}

/// Names of the CTEs defined anywhere in `node`.
fn cte_names<V: ast::Visit>(node: &V) -> Vec<String> {
    let mut names = Vec::new();
    // visit_relations sees CTE references as relations: collect the CTE
    // names from every query so they can be told apart.
    struct Ctes<'a>(&'a mut Vec<String>);
    impl ast::Visitor for Ctes<'_> {
        type Break = ();
        fn pre_visit_query(&mut self, query: &Query) -> ControlFlow<()> {
            if let Some(with) = &query.with {
                for cte in &with.cte_tables {
                    self.0.push(fold(&cte.alias.name));
                }
            }
            ControlFlow::Continue(())
        }
    }
    let _ = node.visit(&mut Ctes(&mut names));
    names
}

/// Qualified column references (wildcards as `*`) and FROM aliases.
#[allow(clippy::type_complexity)]
fn references(query: &Query) -> (Vec<(Option<String>, String)>, Vec<(String, QualifiedName)>) {
    struct Refs {
        columns: Vec<(Option<String>, String)>,
        aliases: Vec<(String, QualifiedName)>,
    }
    impl ast::Visitor for Refs {
        type Break = ();
        fn pre_visit_expr(&mut self, e: &Expr) -> ControlFlow<()> {
            let r = match e {
                Expr::Identifier(i) => Some((None, fold(i))),
                Expr::CompoundIdentifier(ids) if ids.len() >= 2 => {
                    let n = ids.len();
                    Some((Some(fold(&ids[n - 2])), fold(&ids[n - 1])))
                }
                _ => None,
            };
            if let Some(r) = r
                && !self.columns.contains(&r)
            {
                self.columns.push(r);
            }
            ControlFlow::Continue(())
        }
        fn pre_visit_select(&mut self, select: &ast::Select) -> ControlFlow<()> {
            for item in &select.projection {
                let r = match item {
                    SelectItem::Wildcard(_) => (None, "*".to_owned()),
                    SelectItem::QualifiedWildcard(
                        ast::SelectItemQualifiedWildcardKind::ObjectName(name),
                        _,
                    ) => match qualified(name) {
                        Ok(q) => (Some(q.name), "*".to_owned()),
                        Err(_) => continue,
                    },
                    _ => continue,
                };
                if !self.columns.contains(&r) {
                    self.columns.push(r);
                }
            }
            ControlFlow::Continue(())
        }
        fn pre_visit_table_factor(&mut self, t: &ast::TableFactor) -> ControlFlow<()> {
            if let ast::TableFactor::Table {
                name,
                alias: Some(alias),
                ..
            } = t
                && let Ok(q) = qualified(name)
            {
                self.aliases.push((fold(&alias.name), q));
            }
            ControlFlow::Continue(())
        }
    }
    let mut refs = Refs {
        columns: Vec::new(),
        aliases: Vec::new(),
    };
    let _ = ast::Visit::visit(query, &mut refs);
    (refs.columns, refs.aliases)
}

/// A query's text, what it reads and, where the select list tells, its
/// output column names.
pub(crate) fn query_info(query: &Query) -> QueryInfo {
    let ctes = cte_names(query);
    let mut columns = Vec::new();
    let mut functions = Vec::new();
    collect_names(query, &mut columns, &mut functions);
    let (column_refs, aliases) = references(query);
    QueryInfo {
        sql: query.to_string(),
        relations: relations(query, &ctes),
        columns,
        column_refs,
        aliases,
        output_columns: output_columns(&query.body),
    }
}

fn output_columns(body: &SetExpr) -> Option<Vec<String>> {
    match body {
        SetExpr::Select(select) => select
            .projection
            .iter()
            .map(|item| match item {
                SelectItem::ExprWithAlias { alias, .. } => Some(fold(alias)),
                SelectItem::UnnamedExpr(e) => expr_column_name(e),
                _ => None,
            })
            .collect(),
        SetExpr::Query(q) => output_columns(&q.body),
        // A set operation's columns are named by its first branch.
        SetExpr::SetOperation { left, .. } => output_columns(left),
        _ => None,
    }
}

/// The name PostgreSQL gives an unaliased select-list expression, where it
/// is the expression's own (column reference, function call, cast).
fn expr_column_name(e: &Expr) -> Option<String> {
    match e {
        Expr::Identifier(i) => Some(fold(i)),
        Expr::CompoundIdentifier(ids) => ids.last().map(fold),
        Expr::Function(f) => last_name(&f.name).ok(),
        Expr::Cast { expr, .. } | Expr::Nested(expr) => expr_column_name(expr),
        Expr::Case { .. } => Some("case".to_owned()),
        _ => None,
    }
}

/// A function, procedure or aggregate named by signature.
fn function_ref(desc: &FunctionDesc) -> Result<FunctionRef, String> {
    let arg_types = match &desc.args {
        None => None,
        Some(args) => Some(
            args.iter()
                // OUT arguments are not part of the signature.
                .filter(|a| !matches!(a.mode, Some(ast::ArgMode::Out)))
                .map(|a| plain_type(&a.data_type))
                .collect::<Result<Vec<_>, _>>()?,
        ),
    };
    Ok(FunctionRef {
        name: qualified(&desc.name)?,
        arg_types,
    })
}

/// An integer literal, possibly negative (sequence options).
fn integer(expr: &Expr) -> Result<i128, String> {
    match expr {
        Expr::Value(v) => match &v.value {
            Value::Number(n, _) => n
                .parse::<i128>()
                .map_err(|_| format!("{n} is not an integer")),
            _ => Err(format!("{expr} is not an integer")),
        },
        Expr::UnaryOp {
            op: ast::UnaryOperator::Minus,
            expr,
        } => integer(expr).map(|n| -n),
        Expr::UnaryOp {
            op: ast::UnaryOperator::Plus,
            expr,
        } => integer(expr),
        _ => Err(format!("{expr} is not an integer")),
    }
}

fn drop(
    object_type: &ObjectType,
    if_exists: bool,
    names: &[ObjectName],
    cascade: bool,
) -> Result<Stmt, String> {
    let qualified_names = || names.iter().map(qualified).collect::<Result<Vec<_>, _>>();
    Ok(match object_type {
        ObjectType::Table => Stmt::DropTable {
            names: qualified_names()?,
            if_exists,
            cascade,
        },
        ObjectType::View | ObjectType::MaterializedView => Stmt::DropView {
            names: qualified_names()?,
            materialized: matches!(object_type, ObjectType::MaterializedView),
            if_exists,
            cascade,
        },
        ObjectType::Index => Stmt::DropIndex {
            names: qualified_names()?,
            if_exists,
            cascade,
            concurrently: false,
        },
        ObjectType::Schema => Stmt::DropSchema {
            names: names.iter().map(last_name).collect::<Result<_, _>>()?,
            if_exists,
            cascade,
        },
        ObjectType::Sequence => Stmt::DropSequence {
            names: qualified_names()?,
            if_exists,
            cascade,
        },
        ObjectType::Type => Stmt::DropType {
            names: qualified_names()?,
            if_exists,
            cascade,
            domain: false,
        },
        ObjectType::Role | ObjectType::User => other("DROP ROLE", vec![]),
        ObjectType::Database => other("DROP DATABASE", vec![]),
        ObjectType::Collation => other("DROP COLLATION", vec![]),
        _ => return Err(format!("DROP {object_type} is not PostgreSQL")),
    })
}

fn lower_set(set: &ast::Set) -> Result<Stmt, String> {
    match set {
        ast::Set::SingleAssignment {
            scope,
            hivevar,
            variable,
            values,
        } => {
            if *hivevar {
                return Err("SET HIVEVAR is not PostgreSQL".to_owned());
            }
            let is_default = matches!(values.as_slice(),
                [Expr::Identifier(i)] if i.quote_style.is_none() && i.value.eq_ignore_ascii_case("default"));
            let value = if is_default {
                None
            } else {
                Some(
                    values
                        .iter()
                        .map(|v| v.to_string())
                        .collect::<Vec<_>>()
                        .join(", "),
                )
            };
            Ok(Stmt::Set {
                name: dotted(variable)?,
                value,
                local: matches!(scope, Some(ContextModifier::Local)),
            })
        }
        ast::Set::SetTimeZone { local, value } => Ok(Stmt::Set {
            name: "timezone".to_owned(),
            value: Some(value.to_string()),
            local: *local,
        }),
        ast::Set::SetRole { .. } => Ok(other("SET ROLE", vec![])),
        ast::Set::SetSessionAuthorization(_) => Ok(other("SET SESSION AUTHORIZATION", vec![])),
        ast::Set::SetTransaction { .. } => Ok(other("SET TRANSACTION", vec![])),
        ast::Set::SetNames { .. } | ast::Set::SetNamesDefault {} => Ok(other("SET NAMES", vec![])),
        _ => Err("SET form is not PostgreSQL".to_owned()),
    }
}

/// Tables a GRANT / REVOKE names directly.
fn grant_tables(objects: Option<&GrantObjects>) -> Result<Vec<QualifiedName>, String> {
    match objects {
        Some(GrantObjects::Tables(names)) => names.iter().map(qualified).collect(),
        _ => Ok(Vec::new()),
    }
}

fn optional_table(name: Option<&ObjectName>) -> Result<Vec<QualifiedName>, String> {
    name.map(qualified).into_iter().collect()
}

fn table_factor_name(factor: &TableFactor) -> Result<QualifiedName, String> {
    match factor {
        TableFactor::Table { name, .. } => qualified(name),
        _ => Err("row-changing statement on something other than a table".to_owned()),
    }
}

/// INSERT / UPDATE / DELETE / MERGE / SELECT / COPY.
fn dml(stmt: &Statement) -> Result<Stmt, String> {
    let ctes = cte_names(stmt);
    let mut summary = Dml {
        verb: String::new(),
        target: None,
        relations: relations(stmt, &ctes),
        columns: Vec::new(),
        has_where: false,
        row_locks: false,
        assignments: Vec::new(),
        selection: None,
        alias: None,
    };
    match stmt {
        Statement::Query(q) => {
            // SELECT ... INTO creates a table, which a read cannot say.
            if matches!(q.body.as_ref(), SetExpr::Select(s) if s.into.is_some()) {
                return Err("SELECT INTO creates a table".to_owned());
            }
            summary.verb = "SELECT".to_owned();
            summary.row_locks = !q.locks.is_empty();
        }
        Statement::Insert(i) => {
            summary.verb = "INSERT".to_owned();
            summary.target = Some(match &i.table {
                ast::TableObject::TableName(name) => qualified(name)?,
                ast::TableObject::TableFunction(_) | ast::TableObject::TableQuery(_) => {
                    return Err("INSERT INTO something other than a table".to_owned());
                }
            });
        }
        Statement::Update(u) => {
            summary.verb = "UPDATE".to_owned();
            summary.target = Some(table_factor_name(&u.table.relation)?);
            let mut single = u.from.is_none() && u.returning.is_none() && u.table.joins.is_empty();
            for a in &u.assignments {
                let targets: Vec<&ObjectName> = match &a.target {
                    ast::AssignmentTarget::ColumnName(n) => vec![n],
                    ast::AssignmentTarget::Tuple(ns) => ns.iter().collect(),
                };
                single &= targets.len() == 1;
                for t in &targets {
                    push_unique(&mut summary.columns, last_name(t)?);
                }
                if let [t] = targets.as_slice() {
                    summary
                        .assignments
                        .push((last_name(t)?, sql_expr(&a.value)));
                }
            }
            if !single {
                summary.assignments.clear();
            }
            if let TableFactor::Table {
                alias: Some(alias), ..
            } = &u.table.relation
            {
                summary.alias = Some(fold(&alias.name));
            }
            summary.has_where = u.selection.is_some();
            summary.selection = u.selection.as_ref().map(sql_expr);
        }
        Statement::Delete(d) => {
            summary.verb = "DELETE".to_owned();
            let from = match &d.from {
                ast::FromTable::WithFromKeyword(t) | ast::FromTable::WithoutKeyword(t) => t,
            };
            let first = from.first().ok_or("DELETE without a table")?;
            summary.target = Some(table_factor_name(&first.relation)?);
            summary.has_where = d.selection.is_some();
            summary.selection = d.selection.as_ref().map(sql_expr);
        }
        Statement::Merge(m) => {
            summary.verb = "MERGE".to_owned();
            summary.target = Some(table_factor_name(&m.table)?);
        }
        Statement::Copy { source, to, .. } => {
            summary.verb = "COPY".to_owned();
            // COPY ... FROM writes rows; COPY ... TO only reads.
            if let (ast::CopySource::Table { table_name, .. }, false) = (source, *to) {
                summary.target = Some(qualified(table_name)?);
            }
            if let ast::CopySource::Table { table_name, .. } = source {
                let q = qualified(table_name)?;
                if !summary.relations.contains(&q) {
                    summary.relations.push(q);
                }
            }
        }
        _ => return Err("not a row-changing statement".to_owned()),
    }
    Ok(Stmt::Dml(summary))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use sqlparser::dialect::PostgreSqlDialect;
    use sqlparser::parser::Parser;

    /// Parses one statement and lowers it; panics (test only) on failure.
    pub(crate) fn lo(sql: &str) -> Stmt {
        match try_lo(sql) {
            Ok(s) => s,
            Err(e) => panic!("{sql}: {e}"),
        }
    }

    pub(crate) fn try_lo(sql: &str) -> Result<Stmt, String> {
        let mut stmts = Parser::new(&PostgreSqlDialect {})
            .try_with_sql(sql)
            .and_then(|mut p| p.parse_statements())
            .map_err(|e| format!("sqlparser: {e}"))?;
        if stmts.len() != 1 {
            return Err("not one statement".to_owned());
        }
        lower(&stmts.remove(0), sql)
    }

    pub(crate) fn q(schema: Option<&str>, name: &str) -> QualifiedName {
        QualifiedName::new(schema, name)
    }

    #[test]
    fn names_fold() {
        match lo("DROP TABLE Foo, \"Bar\", s.\"T\", db.S.t CASCADE") {
            Stmt::DropTable {
                names,
                if_exists,
                cascade,
            } => {
                assert_eq!(
                    names,
                    vec![
                        q(None, "foo"),
                        q(None, "Bar"),
                        q(Some("s"), "T"),
                        q(Some("s"), "t")
                    ]
                );
                assert!(!if_exists);
                assert!(cascade);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn drops() {
        assert!(matches!(
            lo("DROP VIEW IF EXISTS v"),
            Stmt::DropView {
                materialized: false,
                if_exists: true,
                ..
            }
        ));
        assert!(matches!(
            lo("DROP MATERIALIZED VIEW v"),
            Stmt::DropView {
                materialized: true,
                ..
            }
        ));
        assert!(matches!(lo("DROP INDEX i"), Stmt::DropIndex { .. }));
        assert!(matches!(lo("DROP SEQUENCE s"), Stmt::DropSequence { .. }));
        assert!(matches!(
            lo("DROP TYPE mood"),
            Stmt::DropType { domain: false, .. }
        ));
        assert!(matches!(
            lo("DROP DOMAIN d"),
            Stmt::DropType { domain: true, .. }
        ));
        assert_eq!(
            lo("DROP SCHEMA IF EXISTS App CASCADE"),
            Stmt::DropSchema {
                names: vec!["app".to_owned()],
                if_exists: true,
                cascade: true
            }
        );
        assert_eq!(
            lo("DROP TRIGGER IF EXISTS trg ON s.t"),
            Stmt::DropTrigger {
                name: "trg".to_owned(),
                table: q(Some("s"), "t"),
                if_exists: true,
                cascade: false
            }
        );
        assert_eq!(
            lo("DROP EXTENSION IF EXISTS pg_trgm"),
            Stmt::DropExtension {
                names: vec!["pg_trgm".to_owned()],
                if_exists: true,
                cascade: false
            }
        );
        match lo("DROP FUNCTION IF EXISTS f(int, OUT x text, varchar), g") {
            Stmt::DropFunction { functions, .. } => {
                assert_eq!(functions.len(), 2);
                assert_eq!(
                    functions[0].arg_types,
                    Some(vec![
                        TypeName::simple("integer"),
                        TypeName::simple("character varying")
                    ])
                );
                assert_eq!(functions[1].arg_types, None);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn schemas_and_extensions() {
        assert_eq!(
            lo("CREATE SCHEMA IF NOT EXISTS App"),
            Stmt::CreateSchema {
                name: "app".to_owned(),
                if_not_exists: true
            }
        );
        assert_eq!(
            lo("ALTER SCHEMA a RENAME TO b"),
            Stmt::RenameSchema {
                name: "a".to_owned(),
                new_name: "b".to_owned()
            }
        );
        assert_eq!(
            lo("CREATE EXTENSION IF NOT EXISTS \"uuid-ossp\" WITH SCHEMA public VERSION '1.1'"),
            Stmt::CreateExtension {
                name: "uuid-ossp".to_owned(),
                if_not_exists: true,
                schema: Some("public".to_owned()),
                version: Some("1.1".to_owned())
            }
        );
    }

    #[test]
    fn set_and_reset() {
        assert_eq!(
            lo("SET search_path TO a, b"),
            Stmt::Set {
                name: "search_path".to_owned(),
                value: Some("a, b".to_owned()),
                local: false
            }
        );
        assert_eq!(
            lo("SET LOCAL lock_timeout = '1s'"),
            Stmt::Set {
                name: "lock_timeout".to_owned(),
                value: Some("'1s'".to_owned()),
                local: true
            }
        );
        assert_eq!(
            lo("SET statement_timeout TO DEFAULT"),
            Stmt::Set {
                name: "statement_timeout".to_owned(),
                value: None,
                local: false
            }
        );
        assert_eq!(
            lo("RESET lock_timeout"),
            Stmt::Set {
                name: "lock_timeout".to_owned(),
                value: None,
                local: false
            }
        );
        assert!(matches!(lo("SET ROLE admin"), Stmt::Other { .. }));
    }

    #[test]
    fn transactions() {
        assert_eq!(lo("BEGIN"), Stmt::Transaction(TransactionStmt::Begin));
        assert_eq!(
            lo("START TRANSACTION"),
            Stmt::Transaction(TransactionStmt::Begin)
        );
        assert_eq!(lo("COMMIT"), Stmt::Transaction(TransactionStmt::Commit));
        assert_eq!(lo("ROLLBACK"), Stmt::Transaction(TransactionStmt::Rollback));
        assert_eq!(
            lo("SAVEPOINT a"),
            Stmt::Transaction(TransactionStmt::Savepoint)
        );
        assert_eq!(
            lo("ROLLBACK TO SAVEPOINT a"),
            Stmt::Transaction(TransactionStmt::RollbackToSavepoint)
        );
        assert_eq!(
            lo("RELEASE SAVEPOINT a"),
            Stmt::Transaction(TransactionStmt::ReleaseSavepoint)
        );
    }

    fn dml_of(sql: &str) -> Dml {
        match lo(sql) {
            Stmt::Dml(d) => d,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn dml_statements() {
        let u = dml_of("UPDATE s.t SET a = 1, b = c FROM u WHERE t.id = u.id");
        assert_eq!(u.verb, "UPDATE");
        assert_eq!(u.target, Some(q(Some("s"), "t")));
        assert_eq!(u.columns, vec!["a", "b"]);
        assert!(u.has_where);
        assert!(u.relations.contains(&q(None, "u")));
        assert!(
            u.assignments.is_empty(),
            "an UPDATE ... FROM is not single-table"
        );
        let b = dml_of(
            "UPDATE books AS b SET published_on = b.created_at::date WHERE b.published_on IS NULL",
        );
        assert_eq!(b.alias.as_deref(), Some("b"));
        assert_eq!(b.assignments.len(), 1);
        assert_eq!(b.assignments[0].0, "published_on");
        assert_eq!(b.assignments[0].1.sql, "b.created_at::DATE");
        assert_eq!(
            b.selection.as_ref().map(|e| e.sql.as_str()),
            Some("b.published_on IS NULL")
        );
        assert!(
            dml_of("UPDATE t SET (a, b) = (1, 2)")
                .assignments
                .is_empty()
        );
        let d = dml_of("DELETE FROM t");
        assert_eq!(d.target, Some(q(None, "t")));
        assert!(!d.has_where);
        let i = dml_of("INSERT INTO t (a) SELECT x FROM u");
        assert_eq!(i.target, Some(q(None, "t")));
        assert_eq!(i.relations, vec![q(None, "t"), q(None, "u")]);
        let s = dml_of("SELECT setval('s', 1)");
        assert_eq!(s.verb, "SELECT");
        assert_eq!(s.target, None);
        assert!(!s.row_locks);
        assert!(dml_of("SELECT * FROM t FOR UPDATE").row_locks);
        assert!(dml_of("SELECT * FROM t FOR SHARE SKIP LOCKED").row_locks);
        let c = dml_of("WITH x AS (SELECT 1) SELECT * FROM x JOIN y ON true");
        assert_eq!(c.relations, vec![q(None, "y")]);
        let m = dml_of("MERGE INTO t USING u ON t.id = u.id WHEN MATCHED THEN UPDATE SET a = u.a");
        assert_eq!(m.target, Some(q(None, "t")));
        let cp = dml_of("COPY t (a, b) FROM STDIN");
        assert_eq!(cp.target, Some(q(None, "t")));
    }

    #[test]
    fn others() {
        assert_eq!(
            lo("TRUNCATE a, s.b CASCADE"),
            Stmt::Truncate {
                tables: vec![q(None, "a"), q(Some("s"), "b")],
                cascade: true
            }
        );
        assert_eq!(
            lo("LOCK TABLE t IN SHARE MODE"),
            Stmt::Lock {
                tables: vec![q(None, "t")],
                mode: "SHARE".to_owned()
            }
        );
        assert_eq!(
            lo("GRANT SELECT ON t, u TO bob"),
            Stmt::Other {
                what: "GRANT".to_owned(),
                tables: vec![q(None, "t"), q(None, "u")]
            }
        );
        assert!(matches!(lo("REVOKE ALL ON t FROM bob"), Stmt::Other { .. }));
        assert!(matches!(lo("CREATE ROLE r"), Stmt::Other { .. }));
        assert!(matches!(lo("ANALYZE t"), Stmt::Other { .. }));
        assert!(matches!(lo("NOTIFY chan"), Stmt::Other { .. }));
        assert!(matches!(
            lo("CREATE POLICY p ON t USING (true)"),
            Stmt::Other { .. }
        ));
        assert!(try_lo("SHOW TABLES").is_err());
        assert!(try_lo("SELECT a INTO newt FROM t").is_err());
        assert!(matches!(lo("LOAD 'plpgsql'"), Stmt::Other { .. }));
    }
}
