//! What the statements of the planned range say beyond the net change of
//! the schema: the `USING` of a type change, enum values renamed (not
//! dropped and added), the row changes to run as backfills (and the
//! expressions they fill columns with), and statements the model does not
//! follow (grants, policies) that still belong in the plan. Read from each
//! statement against the schema just before it.

use super::model::Refusal;
use crate::diagnostic::Location;
use crate::model::Replay;
use crate::model::catalog::{AttNum, ObjectName, Oid};
use crate::sql::ir::{AlterTableOp, AlterTypeAction, QualifiedName, SqlExpr, Stmt};
use std::collections::HashMap;

/// A row change of the range, as written and as resolved when it ran.
#[derive(Debug, Clone)]
pub(crate) struct DataStatement {
    pub location: Location,
    /// The statement as written, without its `;`.
    pub sql: String,
    pub verb: String,
    /// The table written to, and its name then.
    pub table: Option<(Oid, ObjectName)>,
    pub alias: Option<String>,
    /// A single-table UPDATE's `column = expression` items, with each
    /// column's number.
    pub assignments: Vec<(String, Option<AttNum>, SqlExpr)>,
    pub selection: Option<SqlExpr>,
    /// The columns the table's rows are found by, then.
    pub key: Option<Vec<String>>,
    /// The relations it reads or writes (a sequence through `nextval`),
    /// as they were then.
    pub uses: Vec<(Oid, ObjectName)>,
}

/// A statement the model does not follow that the plan still runs.
#[derive(Debug, Clone)]
pub(crate) struct OtherStatement {
    pub location: Location,
    pub sql: String,
    pub what: String,
}

/// Everything read from the statements.
#[derive(Debug, Default)]
pub(crate) struct Intent {
    /// `ALTER COLUMN ... TYPE ... USING`, by table and column.
    pub using: HashMap<(Oid, AttNum), SqlExpr>,
    /// The session time zone a type change ran in (an earlier `SET
    /// timezone` of the range), by table and column: converting between
    /// `timestamp` and `timestamptz` depends on it.
    pub zone: HashMap<(Oid, AttNum), String>,
    /// The `SET timezone` in force.
    current_zone: Option<String>,
    /// The default a column of an existing table was added with, by table
    /// and column name: the rows there then took it, even when the range
    /// drops the default again.
    pub added_default: HashMap<(Oid, String), SqlExpr>,
    /// `ALTER TYPE ... RENAME VALUE old TO new`, by the type's name then.
    pub enum_renames: Vec<(ObjectName, String, String)>,
    pub data: Vec<DataStatement>,
    pub other: Vec<OtherStatement>,
    pub refusals: Vec<Refusal>,
    /// Session settings and transaction control the plan replaces with its
    /// own.
    pub ignored: Vec<String>,
}

impl Intent {
    /// Reads one statement; `replay` holds the schema just before it.
    pub fn observe(&mut self, stmt: &Stmt, sql: &str, location: &Location, replay: &Replay) {
        let sql = sql.trim().trim_end_matches(';').trim_end().to_owned();
        match stmt {
            Stmt::AlterTable(at) => {
                let Some(oid) = replay.resolve_table(&at.name) else {
                    return;
                };
                for op in &at.ops {
                    if let AlterTableOp::AddColumn { column, .. } = op
                        && let Some(d) = &column.default
                    {
                        self.added_default
                            .insert((oid, column.name.clone()), d.clone());
                    }
                    if let AlterTableOp::AlterColumnType { column, using, .. } = op
                        && let Some(c) = replay
                            .catalog
                            .tables
                            .get(&oid)
                            .and_then(|t| t.column(column))
                    {
                        if let Some(u) = using {
                            self.using.insert((oid, c.attnum), u.clone());
                        }
                        if let Some(z) = &self.current_zone {
                            self.zone.insert((oid, c.attnum), z.clone());
                        }
                    }
                }
            }
            Stmt::AlterType(t) => {
                if let AlterTypeAction::RenameValue { value, new_value } = &t.action {
                    let name = resolve_type(replay, &t.name);
                    self.enum_renames
                        .push((name, value.clone(), new_value.clone()));
                }
            }
            Stmt::Dml(d) if d.verb == "SELECT" && !d.row_locks => {}
            Stmt::Dml(d) => {
                let table = d
                    .target
                    .as_ref()
                    .and_then(|t| replay.resolve_table(t))
                    .and_then(|oid| {
                        replay
                            .catalog
                            .tables
                            .get(&oid)
                            .map(|t| (oid, t.name.clone()))
                    });
                let t = table
                    .as_ref()
                    .and_then(|(oid, _)| replay.catalog.tables.get(oid));
                let sequence = crate::graph::nextval_target(&sql)
                    .map(|(schema, name)| QualifiedName::new(schema.as_deref(), &name));
                let uses = d
                    .relations
                    .iter()
                    .chain(&sequence)
                    .filter_map(|r| replay.resolve_relation(r))
                    .filter_map(|(_, oid)| Some((oid, replay.catalog.relation_name(oid)?.clone())))
                    .collect();
                self.data.push(DataStatement {
                    uses,
                    location: location.clone(),
                    sql,
                    verb: d.verb.clone(),
                    assignments: d
                        .assignments
                        .iter()
                        .map(|(c, e)| {
                            let attnum = t.and_then(|t| t.column(c)).map(|c| c.attnum);
                            (c.clone(), attnum, e.clone())
                        })
                        .collect(),
                    selection: d.selection.clone(),
                    alias: d.alias.clone(),
                    key: t.and_then(super::objects::key_columns),
                    table,
                });
            }
            Stmt::Truncate { .. } => self.data.push(DataStatement {
                location: location.clone(),
                sql,
                verb: "TRUNCATE".to_owned(),
                table: None,
                alias: None,
                assignments: Vec::new(),
                selection: None,
                key: None,
                uses: Vec::new(),
            }),
            Stmt::Other { what, .. } => self.other.push(OtherStatement {
                location: location.clone(),
                sql,
                what: what.clone(),
            }),
            Stmt::CreateTable(t) if t.temporary => self.refusals.push(Refusal {
                object: format!("temporary table {}", t.name),
                reason: "a temporary table lives only in the session that makes it, and the plan runs its phases in several: do its work with a real table, or by hand".to_owned(),
                location: Some(location.clone()),
            }),
            Stmt::Do { .. } => self.refusals.push(Refusal {
                object: "DO block".to_owned(),
                reason: "what a DO block changes is unknown to turquoise, so no phase can be chosen for it; move its work into plain statements".to_owned(),
                location: Some(location.clone()),
            }),
            Stmt::Set { name, value, .. } if name.eq_ignore_ascii_case("timezone") => {
                self.current_zone = value
                    .as_deref()
                    .map(|v| v.trim().trim_matches('\'').to_owned());
                self.ignored.push(format!(
                    "{location}: `SET timezone` is left out: the plan's conversions between timestamp types name the zone instead"
                ));
            }
            Stmt::Set { name, .. } => self.ignored.push(format!(
                "{location}: `SET {name}` is left out: the plan sets its own lock_timeout per transaction"
            )),
            Stmt::Transaction(_) => self.ignored.push(format!(
                "{location}: transaction control is left out: the plan groups its own statements into transactions"
            )),
            Stmt::Lock { .. } => self.ignored.push(format!(
                "{location}: `LOCK` is left out: the plan takes only the locks its statements need"
            )),
            _ => {}
        }
    }

    /// The expressions the range's UPDATEs fill a column with: `(expr,
    /// condition, alias)` in statement order.
    pub fn fills(&self, table: Oid, attnum: AttNum) -> Vec<(&DataStatement, &SqlExpr)> {
        self.data
            .iter()
            .filter(|d| d.table.as_ref().is_some_and(|(o, _)| *o == table))
            .flat_map(|d| {
                d.assignments
                    .iter()
                    .filter(move |(_, a, _)| *a == Some(attnum))
                    .map(move |(_, _, e)| (d, e))
            })
            .collect()
    }
}

fn resolve_type(replay: &Replay, name: &QualifiedName) -> ObjectName {
    let t = crate::sql::ir::TypeName {
        schema: name.schema.clone(),
        name: name.name.clone(),
        modifiers: Vec::new(),
        array_dims: 0,
    };
    replay
        .user_type(&t)
        .map(|u| u.name.clone())
        .unwrap_or_else(|| ObjectName::new(name.schema.as_deref().unwrap_or("public"), &name.name))
}
