//! The statement summary that `sql` hands to the rest of turquoise.
//!
//! These types are turquoise's own: no sqlparser type appears here, so the
//! model, graph and rules never depend on the parser. Names are already folded
//! the way PostgreSQL folds them (unquoted to lower case, quoted kept), types
//! are already in PostgreSQL's canonical spelling (`format_type` style), and
//! expressions are kept as SQL text with the identifiers they mention.

use serde::Serialize;
use std::fmt::{self, Write};

/// A possibly schema-qualified object name, folded.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct QualifiedName {
    pub schema: Option<String>,
    pub name: String,
}

impl QualifiedName {
    pub fn new(schema: Option<&str>, name: &str) -> Self {
        QualifiedName {
            schema: schema.map(str::to_owned),
            name: name.to_owned(),
        }
    }
    pub fn unqualified(name: &str) -> Self {
        QualifiedName::new(None, name)
    }
}

impl fmt::Display for QualifiedName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.schema {
            Some(s) => {
                write_ident(f, s)?;
                f.write_char('.')?;
                write_ident(f, &self.name)
            }
            None => write_ident(f, &self.name),
        }
    }
}

/// The longest identifier PostgreSQL keeps (NAMEDATALEN - 1 bytes).
pub const MAX_IDENTIFIER_BYTES: usize = 63;

/// Truncates an identifier to 63 bytes on a character boundary, as
/// PostgreSQL's lexer does with every identifier it reads.
pub fn truncate_identifier(mut name: String) -> String {
    if name.len() > MAX_IDENTIFIER_BYTES {
        let mut end = MAX_IDENTIFIER_BYTES;
        while !name.is_char_boundary(end) {
            end -= 1;
        }
        name.truncate(end);
    }
    name
}

/// Quotes an identifier when PostgreSQL would need it (not all lower-case
/// letters, digits and underscores, starts with a digit, or a reserved word).
pub fn quote_ident(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 2);
    // Writing to a String cannot fail.
    let _ = write_ident(&mut out, name);
    out
}

/// Writes `name` as [`quote_ident`] spells it, without a string of its own
/// (names are written into every message and description).
pub fn write_ident(out: &mut impl fmt::Write, name: &str) -> fmt::Result {
    let plain = name
        .bytes()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == b'_')
        && name
            .bytes()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'_' || c == b'$')
        && !crate::sql::keywords::is_reserved(name);
    if plain {
        return out.write_str(name);
    }
    out.write_char('"')?;
    for (i, part) in name.split('"').enumerate() {
        if i > 0 {
            out.write_str("\"\"")?;
        }
        out.write_str(part)?;
    }
    out.write_char('"')
}

/// A data type in PostgreSQL's canonical spelling.
///
/// `name` is what `format_type` prints without modifiers and array brackets:
/// `integer`, `bigint`, `character varying`, `timestamp with time zone`,
/// `numeric`, `text`, or a user type's name. `modifiers` holds the written
/// modifiers (`255`, `10,2`, `3`). The `timestamp(3) with time zone` form is
/// produced by [`TypeName::to_sql`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct TypeName {
    pub schema: Option<String>,
    pub name: String,
    pub modifiers: Vec<String>,
    pub array_dims: u32,
}

impl TypeName {
    pub fn simple(name: &str) -> Self {
        TypeName {
            schema: None,
            name: name.to_owned(),
            modifiers: Vec::new(),
            array_dims: 0,
        }
    }

    /// The type as PostgreSQL's `format_type` prints it.
    pub fn to_sql(&self) -> String {
        let mods = if self.modifiers.is_empty() {
            String::new()
        } else {
            format!("({})", self.modifiers.join(","))
        };
        let base = match (self.name.as_str(), self.schema.as_deref()) {
            // Modifiers sit inside the name for these.
            ("timestamp with time zone", None) => format!("timestamp{mods} with time zone"),
            ("timestamp without time zone", None) => format!("timestamp{mods} without time zone"),
            ("time with time zone", None) => format!("time{mods} with time zone"),
            ("time without time zone", None) => format!("time{mods} without time zone"),
            (name, None) if is_builtin_type(name) => format!("{name}{mods}"),
            (name, None) => format!("{}{mods}", quote_ident(name)),
            (name, Some(schema)) => {
                format!("{}.{}{mods}", quote_ident(schema), quote_ident(name))
            }
        };
        let mut out = base;
        for _ in 0..self.array_dims {
            out.push_str("[]");
        }
        out
    }
}

impl fmt::Display for TypeName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_sql())
    }
}

/// Built-in type names whose canonical spelling contains spaces or keywords
/// and must not be quoted.
fn is_builtin_type(name: &str) -> bool {
    matches!(
        name,
        "character varying"
            | "character"
            | "double precision"
            | "bit varying"
            | "timestamp with time zone"
            | "timestamp without time zone"
            | "time with time zone"
            | "time without time zone"
            | "interval"
            | "char"
            | "\"char\""
    ) || name.starts_with("interval ")
        // One-word built-in names (`integer`, `bigint`) are key words that
        // quote_ident would quote; a user type needing quotes (upper case,
        // odd characters) is not one of them.
        || name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// An expression kept as SQL text, with what it mentions.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct SqlExpr {
    /// The expression printed back as SQL.
    pub sql: String,
    /// Column-like identifiers it mentions (the last part of each, folded).
    pub columns: Vec<String>,
    /// Names of the functions it calls (the last part of each, folded).
    pub functions: Vec<String>,
}

impl SqlExpr {
    pub fn new(sql: impl Into<String>) -> Self {
        SqlExpr {
            sql: sql.into(),
            columns: Vec::new(),
            functions: Vec::new(),
        }
    }
}

/// A query (view body, CREATE TABLE AS), with what it reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QueryInfo {
    /// The query printed back as SQL.
    pub sql: String,
    /// Relations named in FROM / JOIN clauses anywhere in the query, folded.
    pub relations: Vec<QualifiedName>,
    /// Column-like identifiers mentioned anywhere (last part, folded).
    pub columns: Vec<String>,
    /// Column references with the qualifier written before them (`t.c` is
    /// `(Some("t"), "c")`); `*` and `t.*` appear as column `*`.
    pub column_refs: Vec<(Option<String>, String)>,
    /// FROM-clause aliases and the relations they stand for.
    pub aliases: Vec<(String, QualifiedName)>,
    /// The output column names where they can be told from the select list
    /// (alias, or the column's own name); `None` where they cannot (`*`,
    /// unnamed expressions).
    pub output_columns: Option<Vec<String>>,
}

/// One statement of a migration, summarised.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Stmt {
    CreateSchema {
        name: String,
        if_not_exists: bool,
    },
    DropSchema {
        names: Vec<String>,
        if_exists: bool,
        cascade: bool,
    },
    RenameSchema {
        name: String,
        new_name: String,
    },
    CreateTable(CreateTable),
    AlterTable(AlterTable),
    DropTable {
        names: Vec<QualifiedName>,
        if_exists: bool,
        cascade: bool,
    },
    CreateIndex(CreateIndex),
    DropIndex {
        names: Vec<QualifiedName>,
        if_exists: bool,
        cascade: bool,
        concurrently: bool,
    },
    AlterIndex {
        name: QualifiedName,
        if_exists: bool,
        action: AlterIndexAction,
    },
    Reindex {
        target: String,
        name: QualifiedName,
        concurrently: bool,
    },
    CreateView(CreateView),
    DropView {
        names: Vec<QualifiedName>,
        materialized: bool,
        if_exists: bool,
        cascade: bool,
    },
    /// ALTER VIEW / ALTER MATERIALIZED VIEW.
    AlterView {
        name: QualifiedName,
        materialized: bool,
        if_exists: bool,
        action: AlterViewAction,
    },
    RefreshMaterializedView {
        name: QualifiedName,
        concurrently: bool,
        with_data: bool,
    },
    CreateSequence(CreateSequence),
    AlterSequence(AlterSequence),
    DropSequence {
        names: Vec<QualifiedName>,
        if_exists: bool,
        cascade: bool,
    },
    CreateType(CreateType),
    AlterType(AlterType),
    /// DROP TYPE and DROP DOMAIN.
    DropType {
        names: Vec<QualifiedName>,
        if_exists: bool,
        cascade: bool,
        domain: bool,
    },
    CreateDomain(CreateDomain),
    AlterDomain {
        name: QualifiedName,
        action: AlterDomainAction,
    },
    CreateFunction(CreateFunction),
    AlterFunction {
        function: FunctionRef,
        action: AlterFunctionAction,
    },
    /// DROP FUNCTION / PROCEDURE / AGGREGATE.
    DropFunction {
        functions: Vec<FunctionRef>,
        if_exists: bool,
        cascade: bool,
    },
    CreateTrigger(CreateTrigger),
    DropTrigger {
        name: String,
        table: QualifiedName,
        if_exists: bool,
        cascade: bool,
    },
    AlterTrigger {
        name: String,
        table: QualifiedName,
        new_name: String,
    },
    CreateExtension {
        name: String,
        if_not_exists: bool,
        schema: Option<String>,
        version: Option<String>,
    },
    DropExtension {
        names: Vec<String>,
        if_exists: bool,
        cascade: bool,
    },
    Comment {
        target: CommentTarget,
        /// `None` for `IS NULL` (removes the comment).
        text: Option<String>,
    },
    /// SET / SET LOCAL / RESET of a run-time parameter; `value` is `None` for
    /// RESET and SET ... TO DEFAULT.
    Set {
        name: String,
        value: Option<String>,
        local: bool,
    },
    /// BEGIN / START TRANSACTION / COMMIT / ROLLBACK / SAVEPOINT...
    Transaction(TransactionStmt),
    /// INSERT / UPDATE / DELETE / MERGE / SELECT / COPY: row changes and reads.
    Dml(Dml),
    Truncate {
        tables: Vec<QualifiedName>,
        cascade: bool,
    },
    Lock {
        tables: Vec<QualifiedName>,
        mode: String,
    },
    /// `DO` blocks: anonymous code whose effect on the schema is unknown.
    Do {
        body: String,
    },
    /// Statements with no effect on the schema model that turquoise still
    /// recognises: GRANT, REVOKE, CREATE ROLE, ANALYZE, VACUUM, NOTIFY,
    /// CREATE POLICY, CREATE STATISTICS, ALTER DEFAULT PRIVILEGES...
    /// `what` names the statement (`GRANT`, `CREATE POLICY`, ...).
    Other {
        what: String,
        /// Relations the statement touches, where known (for locks later).
        tables: Vec<QualifiedName>,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CreateTable {
    pub name: QualifiedName,
    pub if_not_exists: bool,
    pub unlogged: bool,
    pub temporary: bool,
    /// Columns, table constraints and LIKE clauses, in written order.
    pub elements: Vec<TableElement>,
    pub inherits: Vec<QualifiedName>,
    /// `PARTITION BY RANGE (x)`: the text after PARTITION BY.
    pub partition_by: Option<String>,
    /// `PARTITION OF parent FOR VALUES ...`.
    pub partition_of: Option<PartitionOf>,
    /// CREATE TABLE ... AS query.
    pub as_query: Option<QueryInfo>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PartitionOf {
    pub parent: QualifiedName,
    /// The bound as written: `FOR VALUES FROM (1) TO (10)` or `DEFAULT`.
    pub bound: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "element", rename_all = "snake_case")]
pub enum TableElement {
    Column(ColumnDef),
    Constraint(TableConstraint),
    Like {
        source: QualifiedName,
        /// `INCLUDING x` / `EXCLUDING x` options, upper case, in order.
        options: Vec<String>,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ColumnDef {
    pub name: String,
    pub data_type: TypeName,
    /// `serial` / `bigserial` / `smallserial`: `data_type` is then the
    /// underlying integer type and the sequence and default are implied.
    pub serial: bool,
    /// `Some(true)` for NOT NULL, `Some(false)` for an explicit NULL.
    pub not_null: Option<bool>,
    pub default: Option<SqlExpr>,
    pub identity: Option<Identity>,
    /// `GENERATED ALWAYS AS (expr) STORED`.
    pub generated: Option<SqlExpr>,
    pub collation: Option<String>,
    /// Column constraints (PRIMARY KEY, UNIQUE, REFERENCES, CHECK) written on
    /// the column, as table constraints over this one column.
    pub constraints: Vec<TableConstraint>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Identity {
    /// `ALWAYS` (true) or `BY DEFAULT` (false).
    pub always: bool,
    pub options: SequenceOptions,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TableConstraint {
    pub name: Option<String>,
    pub kind: ConstraintKind,
    /// `Some(true)` for DEFERRABLE, `Some(false)` for NOT DEFERRABLE.
    pub deferrable: Option<bool>,
    pub initially_deferred: Option<bool>,
    pub not_valid: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ConstraintKind {
    PrimaryKey {
        columns: Vec<String>,
        include: Vec<String>,
    },
    Unique {
        columns: Vec<String>,
        include: Vec<String>,
        nulls_not_distinct: bool,
    },
    ForeignKey {
        columns: Vec<String>,
        ref_table: QualifiedName,
        /// Empty when the statement names no columns (the referenced table's
        /// primary key).
        ref_columns: Vec<String>,
        on_delete: FkAction,
        on_update: FkAction,
        match_full: bool,
    },
    Check {
        expr: SqlExpr,
        no_inherit: bool,
    },
    Exclusion {
        method: String,
        /// `(element, operator)` pairs, each element as SQL text.
        elements: Vec<(SqlExpr, String)>,
        include: Vec<String>,
        predicate: Option<SqlExpr>,
    },
    /// `CONSTRAINT name NOT NULL col` (PostgreSQL 18 table form) and the
    /// named column form `col int CONSTRAINT name NOT NULL`.
    NotNull {
        column: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum FkAction {
    #[default]
    NoAction,
    Restrict,
    Cascade,
    SetNull,
    SetDefault,
}

impl FkAction {
    pub fn to_sql(self) -> &'static str {
        match self {
            FkAction::NoAction => "NO ACTION",
            FkAction::Restrict => "RESTRICT",
            FkAction::Cascade => "CASCADE",
            FkAction::SetNull => "SET NULL",
            FkAction::SetDefault => "SET DEFAULT",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlterTable {
    pub name: QualifiedName,
    pub if_exists: bool,
    pub only: bool,
    pub ops: Vec<AlterTableOp>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum AlterTableOp {
    AddColumn {
        column: ColumnDef,
        if_not_exists: bool,
    },
    DropColumn {
        name: String,
        if_exists: bool,
        cascade: bool,
    },
    AlterColumnType {
        column: String,
        data_type: TypeName,
        using: Option<SqlExpr>,
        collation: Option<String>,
    },
    SetDefault {
        column: String,
        expr: SqlExpr,
    },
    DropDefault {
        column: String,
    },
    SetNotNull {
        column: String,
    },
    DropNotNull {
        column: String,
    },
    AddIdentity {
        column: String,
        identity: Identity,
    },
    /// ALTER COLUMN ... SET GENERATED / SET sequence option / RESTART.
    AlterIdentity {
        column: String,
        always: Option<bool>,
        options: SequenceOptions,
    },
    DropIdentity {
        column: String,
        if_exists: bool,
    },
    /// ALTER COLUMN ... DROP EXPRESSION (generated column to plain).
    DropExpression {
        column: String,
        if_exists: bool,
    },
    /// SET STATISTICS / SET STORAGE / SET COMPRESSION / SET (options) on a
    /// column: no effect on the model; `what` names it.
    AlterColumnOther {
        column: String,
        what: String,
    },
    AddConstraint(TableConstraint),
    /// ADD [CONSTRAINT name] PRIMARY KEY / UNIQUE USING INDEX index.
    AddConstraintUsingIndex {
        name: Option<String>,
        primary_key: bool,
        index: String,
        deferrable: Option<bool>,
        initially_deferred: Option<bool>,
    },
    DropConstraint {
        name: String,
        if_exists: bool,
        cascade: bool,
    },
    ValidateConstraint {
        name: String,
    },
    /// ALTER CONSTRAINT name \[NOT\] DEFERRABLE \[INITIALLY ...\].
    AlterConstraint {
        name: String,
        deferrable: Option<bool>,
        initially_deferred: Option<bool>,
    },
    RenameConstraint {
        name: String,
        new_name: String,
    },
    RenameColumn {
        name: String,
        new_name: String,
    },
    RenameTo {
        new_name: String,
    },
    SetSchema {
        schema: String,
    },
    AttachPartition {
        partition: QualifiedName,
        bound: String,
    },
    DetachPartition {
        partition: QualifiedName,
        concurrently: bool,
    },
    Inherit {
        parent: QualifiedName,
    },
    NoInherit {
        parent: QualifiedName,
    },
    SetLogged,
    SetUnlogged,
    /// Everything with no effect on the model: ENABLE/DISABLE TRIGGER, ROW
    /// LEVEL SECURITY, REPLICA IDENTITY, CLUSTER ON, SET TABLESPACE, OWNER TO,
    /// SET (storage parameters)... `what` names it.
    Other {
        what: String,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum AlterIndexAction {
    RenameTo {
        new_name: String,
    },
    SetSchema {
        schema: String,
    },
    AttachPartition {
        index: QualifiedName,
    },
    /// SET TABLESPACE, SET (options), ALTER COLUMN SET STATISTICS...
    Other {
        what: String,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum AlterViewAction {
    RenameTo {
        new_name: String,
    },
    RenameColumn {
        name: String,
        new_name: String,
    },
    SetSchema {
        schema: String,
    },
    /// ALTER VIEW ... ALTER COLUMN c SET DEFAULT e
    SetDefault {
        column: String,
        expr: SqlExpr,
    },
    Other {
        what: String,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CreateIndex {
    /// `None` when the statement names no index (PostgreSQL generates one).
    pub name: Option<String>,
    pub table: QualifiedName,
    pub unique: bool,
    pub concurrently: bool,
    pub if_not_exists: bool,
    /// `ON ONLY table` (partitioned parent only).
    pub only: bool,
    /// `btree` when not written.
    pub method: String,
    pub keys: Vec<IndexKey>,
    pub include: Vec<String>,
    pub predicate: Option<SqlExpr>,
    pub nulls_not_distinct: bool,
    /// `WITH (fillfactor = 70)` and the like, as written.
    pub with: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndexKey {
    /// A plain column key: its name. `None` for an expression key.
    pub column: Option<String>,
    /// The key as SQL (the column name for a plain column).
    pub expr: SqlExpr,
    pub collation: Option<String>,
    pub opclass: Option<String>,
    pub descending: bool,
    /// `Some(true)` for NULLS FIRST, `Some(false)` for NULLS LAST.
    pub nulls_first: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CreateView {
    pub name: QualifiedName,
    pub or_replace: bool,
    pub materialized: bool,
    pub temporary: bool,
    pub if_not_exists: bool,
    /// Column names written after the view name.
    pub columns: Vec<String>,
    pub query: QueryInfo,
    /// Materialized views: `WITH NO DATA` gives `false`.
    pub with_data: bool,
}

/// Sequence options; every field is `None` when not written.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct SequenceOptions {
    pub data_type: Option<TypeName>,
    pub increment: Option<i128>,
    /// `Some(None)` for NO MINVALUE.
    pub min_value: Option<Option<i128>>,
    /// `Some(None)` for NO MAXVALUE.
    pub max_value: Option<Option<i128>>,
    pub start: Option<i128>,
    pub cache: Option<i128>,
    pub cycle: Option<bool>,
    /// RESTART [WITH n]: `Some(None)` for a bare RESTART.
    pub restart: Option<Option<i128>>,
    /// OWNED BY table.column; `Some(None)` for OWNED BY NONE.
    pub owned_by: Option<Option<(QualifiedName, String)>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CreateSequence {
    pub name: QualifiedName,
    pub if_not_exists: bool,
    pub temporary: bool,
    pub options: SequenceOptions,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlterSequence {
    pub name: QualifiedName,
    pub if_exists: bool,
    pub action: AlterSequenceAction,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum AlterSequenceAction {
    Options(SequenceOptions),
    RenameTo {
        new_name: String,
    },
    SetSchema {
        schema: String,
    },
    /// OWNER TO, SET LOGGED...
    Other {
        what: String,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CreateType {
    pub name: QualifiedName,
    pub definition: TypeDefinition,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum TypeDefinition {
    Enum {
        values: Vec<String>,
    },
    Composite {
        attributes: Vec<(String, TypeName)>,
    },
    /// `CREATE TYPE r AS RANGE (subtype = ...)`: the subtype.
    Range {
        subtype: TypeName,
    },
    /// A base type or shell type: opaque to the model beyond its name.
    Other,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlterType {
    pub name: QualifiedName,
    pub action: AlterTypeAction,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum AlterTypeAction {
    AddValue {
        value: String,
        if_not_exists: bool,
        /// `(true, v)` for BEFORE v, `(false, v)` for AFTER v.
        position: Option<(bool, String)>,
    },
    RenameValue {
        value: String,
        new_value: String,
    },
    RenameTo {
        new_name: String,
    },
    SetSchema {
        schema: String,
    },
    AddAttribute {
        name: String,
        data_type: TypeName,
    },
    DropAttribute {
        name: String,
        if_exists: bool,
    },
    AlterAttributeType {
        name: String,
        data_type: TypeName,
    },
    RenameAttribute {
        name: String,
        new_name: String,
    },
    Other {
        what: String,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CreateDomain {
    pub name: QualifiedName,
    pub data_type: TypeName,
    pub default: Option<SqlExpr>,
    pub not_null: bool,
    pub collation: Option<String>,
    /// `(constraint name, CHECK expression)`.
    pub checks: Vec<(Option<String>, SqlExpr)>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum AlterDomainAction {
    SetDefault {
        expr: SqlExpr,
    },
    DropDefault,
    SetNotNull,
    DropNotNull,
    AddCheck {
        name: Option<String>,
        expr: SqlExpr,
        not_valid: bool,
    },
    DropConstraint {
        name: String,
        if_exists: bool,
        cascade: bool,
    },
    ValidateConstraint {
        name: String,
    },
    RenameConstraint {
        name: String,
        new_name: String,
    },
    RenameTo {
        new_name: String,
    },
    SetSchema {
        schema: String,
    },
    Other {
        what: String,
    },
}

/// A function, procedure or aggregate named by signature.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct FunctionRef {
    pub name: QualifiedName,
    /// Argument types (IN / INOUT / VARIADIC only), canonical; `None` when no
    /// parenthesised list was written (`DROP FUNCTION f;`).
    pub arg_types: Option<Vec<TypeName>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RoutineKind {
    Function,
    Procedure,
    Aggregate,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FunctionArg {
    /// `in`, `out`, `inout`, `variadic`.
    pub mode: String,
    pub name: Option<String>,
    pub data_type: TypeName,
    pub default: Option<SqlExpr>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CreateFunction {
    pub name: QualifiedName,
    pub kind: RoutineKind,
    pub or_replace: bool,
    pub args: Vec<FunctionArg>,
    /// The RETURNS clause as written after RETURNS (`trigger`, `SETOF text`,
    /// `TABLE(a integer)`), `None` for procedures.
    pub returns: Option<String>,
    pub language: Option<String>,
    /// The body: the string after AS (dollar quotes removed), or a
    /// `BEGIN ATOMIC ... END` body as written.
    pub body: Option<String>,
    /// `immutable`, `stable` or `volatile` (the default).
    pub volatility: Option<String>,
    /// The whole statement as written, for re-creating the function exactly.
    pub definition: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum AlterFunctionAction {
    RenameTo {
        new_name: String,
    },
    SetSchema {
        schema: String,
    },
    /// OWNER TO, SET search_path, volatility changes...
    Other {
        what: String,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CreateTrigger {
    pub name: String,
    pub table: QualifiedName,
    pub or_replace: bool,
    pub constraint: bool,
    /// `BEFORE`, `AFTER` or `INSTEAD OF`.
    pub timing: String,
    /// `INSERT`, `UPDATE`, `DELETE`, `TRUNCATE`.
    pub events: Vec<String>,
    /// Columns of `UPDATE OF a, b`.
    pub update_columns: Vec<String>,
    pub for_each_row: bool,
    pub when: Option<SqlExpr>,
    pub function: QualifiedName,
    /// Arguments as SQL literals.
    pub arguments: Vec<String>,
    /// Transition tables: `OLD TABLE AS x`, `NEW TABLE AS y`.
    pub referencing: Vec<String>,
    /// Constraint triggers: `DEFERRABLE` and `INITIALLY DEFERRED`.
    pub deferrable: bool,
    pub initially_deferred: bool,
    /// The whole statement as written.
    pub definition: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "on", rename_all = "snake_case")]
pub enum CommentTarget {
    Table(QualifiedName),
    Column {
        table: QualifiedName,
        column: String,
    },
    View(QualifiedName),
    MaterializedView(QualifiedName),
    Index(QualifiedName),
    Sequence(QualifiedName),
    Type(QualifiedName),
    Domain(QualifiedName),
    Schema(String),
    Extension(String),
    Function(FunctionRef),
    Constraint {
        name: String,
        table: QualifiedName,
    },
    Trigger {
        name: String,
        table: QualifiedName,
    },
    /// Any other object kind: the kind's name, upper case, and the object as
    /// written.
    Other {
        kind: String,
        object: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TransactionStmt {
    Begin,
    Commit,
    Rollback,
    Savepoint,
    ReleaseSavepoint,
    RollbackToSavepoint,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dml {
    /// `INSERT`, `UPDATE`, `DELETE`, `MERGE`, `SELECT`, `COPY`.
    pub verb: String,
    /// The table written to (`None` for SELECT).
    pub target: Option<QualifiedName>,
    /// Every relation the statement names.
    pub relations: Vec<QualifiedName>,
    /// UPDATE: the columns assigned.
    pub columns: Vec<String>,
    /// UPDATE / DELETE: whether a WHERE clause is present.
    pub has_where: bool,
    /// SELECT ... FOR UPDATE / FOR SHARE: it locks the rows it reads.
    pub row_locks: bool,
    /// A single-table UPDATE (no FROM, no RETURNING, one column per SET
    /// item): each `column = expression`, as written. What a planner needs
    /// to run the statement in batches; empty for any other statement.
    pub assignments: Vec<(String, SqlExpr)>,
    /// UPDATE / DELETE: the WHERE condition, as written.
    pub selection: Option<SqlExpr>,
    /// UPDATE: the alias the target table goes by (`UPDATE books AS b`).
    pub alias: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_quoted_as_postgresql_prints_them() {
        assert_eq!(quote_ident("users"), "users");
        assert_eq!(quote_ident("_a1$"), "_a1$");
        assert_eq!(quote_ident("Users"), "\"Users\"");
        assert_eq!(quote_ident("1st"), "\"1st\"");
        assert_eq!(quote_ident("user"), "\"user\"");
        assert_eq!(quote_ident("dürer"), "\"dürer\"");
        assert_eq!(quote_ident("a\"b"), "\"a\"\"b\"");
        assert_eq!(quote_ident("\""), "\"\"\"\"");
        assert_eq!(quote_ident(""), "\"\"");
        let q = QualifiedName::new(Some("My Schema"), "t");
        assert_eq!(q.to_string(), "\"My Schema\".t");
    }
}
