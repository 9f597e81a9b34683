//! What a statement changed: the object, and its state before and after.
//!
//! The replay records these; the classifier reads them. A change is a value
//! that stands on its own (names resolved, states cloned), so later stages
//! never need the catalog as it was at that moment.

use super::catalog::{
    Column, Constraint, Extension, Function, FunctionKey, Index, ObjectName, Schema, Sequence,
    Table, Trigger, UserType, View,
};
use serde::Serialize;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Create,
    Alter,
    Drop,
    Rename,
    Comment,
}

/// The object a change is about, by name at the time of the change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ObjectRef {
    Schema { name: String },
    Extension { name: String },
    Table { name: ObjectName },
    Column { table: ObjectName, column: String },
    Constraint { table: ObjectName, name: String },
    Index { name: ObjectName },
    View { name: ObjectName },
    Sequence { name: ObjectName },
    Type { name: ObjectName },
    Function { key: FunctionKey },
    Trigger { table: ObjectName, name: String },
}

impl fmt::Display for ObjectRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ObjectRef::Schema { name } => write!(f, "schema {name}"),
            ObjectRef::Extension { name } => write!(f, "extension {name}"),
            ObjectRef::Table { name } => write!(f, "table {name}"),
            ObjectRef::Column { table, column } => write!(f, "column {table}.{column}"),
            ObjectRef::Constraint { table, name } => write!(f, "constraint {name} on {table}"),
            ObjectRef::Index { name } => write!(f, "index {name}"),
            ObjectRef::View { name } => write!(f, "view {name}"),
            ObjectRef::Sequence { name } => write!(f, "sequence {name}"),
            ObjectRef::Type { name } => write!(f, "type {name}"),
            ObjectRef::Function { key } => write!(f, "function {key}"),
            ObjectRef::Trigger { table, name } => write!(f, "trigger {name} on {table}"),
        }
    }
}

/// An object's state, cloned from the catalog.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", content = "state", rename_all = "snake_case")]
pub enum State {
    Schema(Schema),
    Extension(Extension),
    Table(Box<Table>),
    Column(Column),
    Constraint(Constraint),
    Index(Index),
    View(Box<View>),
    Sequence(Sequence),
    Type(UserType),
    Function(Box<Function>),
    Trigger(Trigger),
    Comment(Option<String>),
}

/// One change a statement made.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    pub action: Action,
    pub object: ObjectRef,
    pub before: Option<State>,
    pub after: Option<State>,
}
