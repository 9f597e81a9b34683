//! The rule catalog. A rule is one file here: it opens with its doc (the
//! sections *What it does*, *Why is this bad?*, *Example*, *Use instead*,
//! *References*), then one `pub static RULE`, then its check. The registry
//! below lists them; `turquoise explain` and `docs/rules/` print the file's
//! own doc comment, so the docs cannot drift from the code.
//!
//! Rules are pure: they read a statement's IR summary, its classification
//! and the transaction context (or a whole migration's), never sqlparser
//! types, and return violations. They do no I/O and know nothing of
//! configuration or suppression, which the linter applies afterwards.

pub mod docs;

use crate::classify::{Classification, Context, LockMode, TableLock};
use crate::diagnostic::{Location, Severity};
use crate::model::Replay;
use crate::model::catalog::{Catalog, ConstraintDef, ObjectName};
use crate::model::diff::Difference;
use crate::model::{Action, ObjectRef, State};
use crate::source::{Layout, Migration};
use crate::sql::ir::{AlterTableOp, QualifiedName, Stmt, TableElement, TypeName, quote_ident};

mod adding_column_rewrites_table;
mod adding_required_column;
mod assumed_existing;
mod backfill_in_schema_migration;
mod cascading_drop;
mod changing_column_type;
mod check_constraint_without_not_valid;
mod creating_index_non_concurrently;
mod deleted_history;
mod domain_constraint;
mod down_does_not_restore;
mod down_missing;
mod down_references_missing_object;
mod dropping_column;
mod dropping_database;
mod dropping_function;
mod dropping_index_non_concurrently;
mod dropping_not_null;
mod dropping_schema;
mod dropping_table;
mod dropping_view;
mod duplicate_version;
mod edited_history;
mod exclusion_constraint;
mod fixed_length_char;
mod foreign_key_without_not_valid;
mod integer_key_overflow;
mod json_column;
mod missing_lock_timeout;
mod missing_object;
mod multiple_alter_table;
mod nested_transaction;
mod non_transactional_statement_in_transaction;
mod out_of_order;
mod reindex_non_concurrently;
mod removing_enum_value;
mod renaming_column;
mod renaming_enum_value;
mod renaming_table;
mod semantic_conflict;
mod serial_column;
mod setting_not_null;
mod stale_sum;
mod statement_while_holding_access_exclusive;
mod timestamp_without_time_zone;
mod truncating_table;
mod uncommitted_transaction;
mod unindexed_foreign_key;
mod unique_constraint_builds_index;
mod unparsed_statement;
mod unused_ignore;
mod varchar_length_limit;

/// Where a rule looks.
#[derive(Clone, Copy)]
pub enum Check {
    /// Each understood statement of a linted migration.
    Statement(fn(&StatementInput) -> Vec<Violation>),
    /// A linted migration as a whole, after its up script.
    Migration(fn(&MigrationInput) -> Vec<Violation>),
    /// Findings another stage (reading, parsing, replay, the linter itself)
    /// already produces under this name; the rule documents them and lets
    /// configuration and ignore comments apply to them.
    Stage,
    /// Findings of `turquoise conflicts`, which compares the histories of
    /// two branches: no lone file shows them, so they have no fixtures;
    /// `tests/conflicts.rs` builds the branches instead. `[rules]` levels
    /// apply to them.
    Conflict,
}

/// One rule.
pub struct Rule {
    /// Permanent kebab-case name of the hazard.
    pub name: &'static str,
    pub severity: Severity,
    /// The rule's source file, whose leading `//!` lines are its doc.
    pub source: &'static str,
    pub check: Check,
}

impl Rule {
    /// The doc comment: the `//!` lines at the top of the rule's file.
    pub fn doc(&self) -> String {
        let mut out = String::new();
        for line in self.source.lines() {
            let Some(rest) = line.strip_prefix("//!") else {
                break;
            };
            out.push_str(rest.strip_prefix(' ').unwrap_or(rest));
            out.push('\n');
        }
        out
    }

    /// The first sentence of *What it does*.
    pub fn summary(&self) -> String {
        let doc = self.doc();
        let body: String = doc
            .lines()
            .skip_while(|l| !l.starts_with("## What it does"))
            .skip(1)
            .take_while(|l| !l.starts_with("## "))
            .collect::<Vec<_>>()
            .join(" ");
        let body = body.trim();
        // The first ". " that ends a sentence (not an ellipsis).
        let end = body
            .match_indices(". ")
            .map(|(i, _)| i)
            .find(|&i| !body[..i].ends_with('.'));
        match end {
            Some(i) => body[..=i].to_owned(),
            None => body.to_owned(),
        }
    }
}

/// The sections every rule doc has, in order.
pub const DOC_SECTIONS: &[&str] = &[
    "## What it does",
    "## Why is this bad?",
    "## Example",
    "## Use instead",
    "## References",
];

/// What a statement-level rule sees.
pub struct StatementInput<'a> {
    pub migration: &'a Migration,
    /// How the migrations are laid out: which framework runs them.
    pub layout: Layout,
    /// 0-based position of the statement in the up script.
    pub index: usize,
    pub location: &'a Location,
    /// The statement's text as written.
    pub sql: &'a str,
    pub stmt: &'a Stmt,
    pub classification: &'a Classification,
    /// The transaction state before the statement.
    pub context: &'a Context,
    /// The replay, with the schema after the statement.
    pub replay: &'a Replay,
    pub pg_version: u32,
}

/// One understood statement of a migration, classified.
pub struct StatementRecord {
    pub index: usize,
    pub location: Location,
    pub stmt: Stmt,
    pub classification: Classification,
    /// Whether the statement runs inside a transaction block.
    pub in_transaction: bool,
    /// Whether a non-zero `lock_timeout` is in force when it runs.
    pub lock_timeout: bool,
    /// Locks the open transaction already holds on tables that existed
    /// before the migration, each with the index of the statement that
    /// took it.
    pub held: Vec<(ObjectName, LockMode, usize)>,
}

/// What happened when the down script was replayed after the up.
pub struct DownReplay {
    /// Findings of the replay: objects the down names that do not exist.
    pub problems: Vec<crate::diagnostic::Finding>,
    /// How the schema after up and down differs from the one before the up.
    pub residue: Vec<Difference>,
}

/// What a migration-level rule sees.
pub struct MigrationInput<'a> {
    pub migration: &'a Migration,
    /// How the migrations are laid out: which framework runs them.
    pub layout: Layout,
    pub statements: &'a [StatementRecord],
    /// The schema before the migration.
    pub before: &'a Catalog,
    /// The schema after its up script.
    pub after: &'a Catalog,
    /// `None` when the migration has no down script.
    pub down: Option<&'a DownReplay>,
    /// Whether the framework runs down scripts and the history has some.
    pub layout_has_downs: bool,
    pub pg_version: u32,
}

impl MigrationInput<'_> {
    /// Which transaction each statement runs in, as a number per statement:
    /// a new one at each statement outside a transaction block (autocommit,
    /// or a BEGIN).
    pub fn transactions(&self) -> Vec<usize> {
        let mut id = 0usize;
        self.statements
            .iter()
            .map(|r| {
                if !r.in_transaction {
                    id += 1;
                }
                id
            })
            .collect()
    }
}

/// What a rule reports: a message that says what happens, help that says
/// what to write instead, and where, when not the whole statement.
#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    pub message: String,
    pub help: Option<String>,
    /// Overrides the location (a migration-level rule names a statement).
    pub location: Option<Location>,
}

impl Violation {
    pub fn new(message: impl Into<String>) -> Self {
        Violation {
            message: message.into(),
            help: None,
            location: None,
        }
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn at(mut self, location: Location) -> Self {
        self.location = Some(location);
        self
    }
}

/// Every rule, sorted by name.
pub static RULES: &[&Rule] = &[
    &adding_column_rewrites_table::RULE,
    &adding_required_column::RULE,
    &assumed_existing::RULE,
    &backfill_in_schema_migration::RULE,
    &cascading_drop::RULE,
    &changing_column_type::RULE,
    &check_constraint_without_not_valid::RULE,
    &creating_index_non_concurrently::RULE,
    &deleted_history::RULE,
    &domain_constraint::RULE,
    &down_does_not_restore::RULE,
    &down_missing::RULE,
    &down_references_missing_object::RULE,
    &dropping_column::RULE,
    &dropping_database::RULE,
    &dropping_function::RULE,
    &dropping_index_non_concurrently::RULE,
    &dropping_not_null::RULE,
    &dropping_schema::RULE,
    &dropping_table::RULE,
    &dropping_view::RULE,
    &duplicate_version::RULE,
    &edited_history::RULE,
    &exclusion_constraint::RULE,
    &fixed_length_char::RULE,
    &foreign_key_without_not_valid::RULE,
    &integer_key_overflow::RULE,
    &json_column::RULE,
    &missing_lock_timeout::RULE,
    &missing_object::RULE,
    &multiple_alter_table::RULE,
    &nested_transaction::RULE,
    &non_transactional_statement_in_transaction::RULE,
    &out_of_order::RULE,
    &reindex_non_concurrently::RULE,
    &removing_enum_value::RULE,
    &renaming_column::RULE,
    &renaming_enum_value::RULE,
    &renaming_table::RULE,
    &semantic_conflict::RULE,
    &serial_column::RULE,
    &setting_not_null::RULE,
    &stale_sum::RULE,
    &statement_while_holding_access_exclusive::RULE,
    &timestamp_without_time_zone::RULE,
    &truncating_table::RULE,
    &uncommitted_transaction::RULE,
    &unindexed_foreign_key::RULE,
    &unique_constraint_builds_index::RULE,
    &unparsed_statement::RULE,
    &unused_ignore::RULE,
    &varchar_length_limit::RULE,
];

/// `; it also affects view public.v, index public.i`, or nothing.
pub fn also_affects(impact: &[crate::classify::Impact]) -> String {
    if impact.is_empty() {
        String::new()
    } else {
        let items: Vec<String> = impact.iter().map(ToString::to_string).collect();
        format!("; it also affects {}", items.join(", "))
    }
}

/// `; function public.f() still names it`: the bodies that spell an
/// object's old name (views follow a rename; bodies do not), or nothing.
pub fn still_named_by(impact: &[crate::classify::Impact]) -> String {
    let bodies: Vec<String> = impact
        .iter()
        .filter(|i| i.via == crate::classify::ImpactVia::BodyText)
        .map(|i| i.object.clone())
        .collect();
    match bodies.len() {
        0 => String::new(),
        1 => format!("; {} still names it", listing(&bodies)),
        _ => format!("; {} still name it", listing(&bodies)),
    }
}

/// The rule called `name`.
pub fn find(name: &str) -> Option<&'static Rule> {
    RULES.iter().copied().find(|r| r.name == name)
}

/// Text for messages: the lock and what it blocks, on which table.
pub fn lock_phrase(c: &Classification) -> Option<String> {
    c.hazards.strongest().map(|l| {
        format!(
            "takes the {} lock on {}, which blocks {} until the transaction ends",
            l.mode,
            l.table,
            l.mode.blocks()
        )
    })
}

/// The type the linter gives a column it only assumes to exist (a lone
/// file names a column no migration created): no real type has this name.
pub const ASSUMED_TYPE: &str = "unknown";

/// A column's type for help text. A column the linter only assumed to
/// exist has no known type: a placeholder stands in for it.
pub fn type_text(t: &crate::sql::ir::TypeName) -> String {
    if type_known(t) {
        t.to_sql()
    } else {
        "<its type>".to_owned()
    }
}

/// Whether a column's type is known (not only assumed).
pub fn type_known(t: &crate::sql::ir::TypeName) -> bool {
    !(t.schema.is_none() && t.name == ASSUMED_TYPE && t.modifiers.is_empty())
}

/// Names for a message: `a, b and c`, or the first ones and how many more.
pub fn listing(items: &[String]) -> String {
    const SHOWN: usize = 8;
    match items {
        [] => String::new(),
        [one] => one.clone(),
        _ if items.len() > SHOWN => format!(
            "{} and {} more",
            items[..SHOWN].join(", "),
            items.len() - SHOWN
        ),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}
/// Joins names for messages: `a`, `a and b`, `a, b and c`.
pub fn join(items: impl IntoIterator<Item = String>) -> String {
    let items: Vec<String> = items.into_iter().collect();
    match items.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

/// How to run a migration outside its framework's transaction: each
/// framework has its own switch. Names no absolute path.
pub fn no_transaction_switch(layout: Layout, m: &Migration) -> String {
    let name = |p: Option<&std::path::Path>| {
        p.and_then(|p| p.file_name())
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    match layout {
        Layout::Diesel => format!(
            "`run_in_transaction = false` in {}/metadata.toml",
            name(m.up.path.parent())
        ),
        Layout::Sqlx => "`-- no-transaction` as the file's first line".to_owned(),
        Layout::GolangMigrate => "a migration file holding a single statement".to_owned(),
        Layout::Popx => "`.autocommit` in the file names".to_owned(),
        Layout::Goose => "`-- +goose NO TRANSACTION` in the file".to_owned(),
        Layout::Dbmate => "`-- migrate:up transaction:false`".to_owned(),
        Layout::SqlMigrate => "`-- +migrate Up notransaction`".to_owned(),
        Layout::Flyway => format!(
            "`executeInTransaction=false` in {}.conf",
            name(Some(&m.up.path))
        ),
        Layout::Sqitch | Layout::Plain => {
            "the runner's switch for running a script outside a transaction".to_owned()
        }
    }
}

/// The lock an ALTER TABLE takes on its own table (its first lock), when
/// that table existed before the migration.
pub fn altered_table(c: &Classification) -> Option<&TableLock> {
    c.hazards.locks.first().filter(|l| !l.new)
}

/// The lock a statement takes on the relation written as `name`.
pub fn lock_on<'a>(c: &'a Classification, name: &QualifiedName) -> Option<&'a TableLock> {
    c.hazards.locks.iter().find(|l| {
        l.table.name == name.name && name.schema.as_ref().is_none_or(|s| *s == l.table.schema)
    })
}

/// The names of the constraints a statement created whose definition
/// `keep` accepts, in the order it created them.
pub fn created_constraints(c: &Classification, keep: fn(&ConstraintDef) -> bool) -> Vec<String> {
    c.changes
        .iter()
        .filter(|ch| ch.change.action == Action::Create)
        .filter_map(|ch| match (&ch.change.object, &ch.change.after) {
            (ObjectRef::Constraint { name, .. }, Some(State::Constraint(k))) if keep(&k.kind) => {
                Some(name.clone())
            }
            _ => None,
        })
        .collect()
}

/// The columns a statement gives a type, with their table as written:
/// CREATE TABLE columns, ADD COLUMN and ALTER COLUMN ... TYPE.
pub fn typed_columns(stmt: &Stmt) -> Vec<(&QualifiedName, &str, &TypeName)> {
    match stmt {
        Stmt::CreateTable(ct) => ct
            .elements
            .iter()
            .filter_map(|e| match e {
                TableElement::Column(c) => Some((&ct.name, c.name.as_str(), &c.data_type)),
                _ => None,
            })
            .collect(),
        Stmt::AlterTable(at) => at
            .ops
            .iter()
            .filter_map(|op| match op {
                AlterTableOp::AddColumn { column, .. } => {
                    Some((&at.name, column.name.as_str(), &column.data_type))
                }
                AlterTableOp::AlterColumnType {
                    column, data_type, ..
                } => Some((&at.name, column.as_str(), data_type)),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// Whether `t` is the built-in type `name` (not a user type so named).
pub fn is_builtin(replay: &Replay, t: &TypeName, name: &str) -> bool {
    t.name == name
        && match t.schema.as_deref() {
            Some(s) => s == "pg_catalog",
            None => replay.user_type(t).is_none(),
        }
}

/// "an ACCESS EXCLUSIVE lock", "a SHARE lock".
pub fn a_lock(mode: LockMode) -> String {
    let article = if mode.sql().starts_with(['A', 'E']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {mode} lock")
}

/// "column a of t is T", "columns a and b of t are T", or, when their
/// types differ, "columns a (T1) and b (T2) of t use `kind`".
pub fn describe_columns(
    table: &QualifiedName,
    columns: &[(&str, &TypeName)],
    kind: &str,
) -> String {
    let same = columns.windows(2).all(|w| w[0].1 == w[1].1);
    match columns {
        [(c, t)] => format!("column {c} of {table} is {t}"),
        [(_, t), ..] if same => format!(
            "columns {} of {table} are {t}",
            join(columns.iter().map(|(c, _)| (*c).to_owned()))
        ),
        _ => format!(
            "columns {} of {table} use {kind}",
            join(columns.iter().map(|(c, t)| format!("{c} ({t})")))
        ),
    }
}

/// One violation for the columns a statement types as the built-in type
/// `name`: `why` follows their description, and the help gives each column
/// the type `instead` makes of its own, then `help_tail`.
pub fn column_type_findings(
    input: &StatementInput,
    name: &str,
    why: &str,
    instead: fn(&TypeName) -> TypeName,
    help_tail: &str,
) -> Vec<Violation> {
    let columns: Vec<(&QualifiedName, &str, &TypeName)> = typed_columns(input.stmt)
        .into_iter()
        .filter(|(_, _, t)| is_builtin(input.replay, t, name))
        .collect();
    let Some((table, _, _)) = columns.first() else {
        return Vec::new();
    };
    let list: Vec<(&str, &TypeName)> = columns.iter().map(|(_, c, t)| (*c, *t)).collect();
    let fixes = join(
        columns
            .iter()
            .map(|(_, c, t)| format!("`{} {}`", quote_ident(c), instead(t))),
    );
    vec![
        Violation::new(format!(
            "{}, which {why}",
            describe_columns(table, &list, name)
        ))
        .help(format!("use {fixes}{help_tail}")),
    ]
}
