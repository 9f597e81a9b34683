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

use crate::classify::{Classification, Context};
use crate::diagnostic::{Location, Severity};
use crate::model::Replay;
use crate::model::catalog::Catalog;
use crate::model::diff::Difference;
use crate::source::Migration;
use crate::sql::ir::Stmt;

mod adding_required_column;
mod creating_index_non_concurrently;
mod dropping_column;
mod dropping_table;

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
    pub statements: &'a [StatementRecord],
    /// The schema before the migration.
    pub before: &'a Catalog,
    /// The schema after its up script.
    pub after: &'a Catalog,
    /// `None` when the migration has no down script.
    pub down: Option<&'a DownReplay>,
    pub pg_version: u32,
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
    &adding_required_column::RULE,
    &creating_index_non_concurrently::RULE,
    &dropping_column::RULE,
    &dropping_table::RULE,
];

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
