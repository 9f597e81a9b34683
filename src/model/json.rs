//! The catalog as JSON for machines: names instead of internal oids, and
//! constraint and index definitions as SQL.

use super::catalog::*;
use super::render::{constraint_definition, index_definition};
use serde_json::{Value, json};

/// The catalog as a JSON document, objects sorted by name.
pub fn to_json(c: &Catalog) -> Value {
    let persistent = c.persistent();
    let c = &persistent;
    let rel = |oid: Oid| c.relation_name(oid).map(ToString::to_string);
    let mut tables: Vec<&Table> = c.tables.values().collect();
    tables.sort_by_key(|t| &t.name);
    let tables: Vec<Value> = tables
        .into_iter()
        .map(|t| {
            let columns: Vec<Value> = t
                .columns
                .iter()
                .map(|col| {
                    json!({
                        "name": col.name,
                        "type": col.data_type.to_sql(),
                        "not_null": col.not_null,
                        "default": col.default.as_ref().map(|d| &d.sql),
                        "identity": col.identity.map(|(k, _)| k),
                        "generated": col.generated.as_ref().map(|g| &g.sql),
                        "collation": col.collation,
                        "comment": col.comment,
                    })
                })
                .collect();
            let mut constraints: Vec<&Constraint> = t.constraints.iter().collect();
            constraints.sort_by_key(|x| &x.name);
            let constraints: Vec<Value> = constraints
                .into_iter()
                .map(|x| {
                    json!({
                        "name": x.name,
                        "type": constraint_type(&x.kind),
                        "definition": constraint_definition(c, t, x),
                        "validated": x.validated,
                        "comment": x.comment,
                    })
                })
                .collect();
            let mut triggers: Vec<&Trigger> = t.triggers.iter().collect();
            triggers.sort_by_key(|x| &x.name);
            json!({
                "schema": t.name.schema,
                "name": t.name.name,
                "partitioned_by": match &t.kind { TableKind::Partitioned { by } => Some(by), _ => None },
                "partition_of": t.partition_of.as_ref().and_then(|(p, _)| rel(*p)),
                "inherits": t.inherits.iter().filter_map(|p| rel(*p)).collect::<Vec<_>>(),
                "unlogged": t.unlogged,
                "columns": columns,
                "constraints": constraints,
                "triggers": triggers.iter().map(|tr| json!({
                    "name": tr.name,
                    "timing": tr.timing,
                    "events": tr.events,
                    "for_each_row": tr.for_each_row,
                    "function": tr.function.to_string(),
                })).collect::<Vec<_>>(),
                "comment": t.comment,
            })
        })
        .collect();
    let mut indexes: Vec<&Index> = c.indexes.values().collect();
    indexes.sort_by_key(|i| &i.name);
    let indexes: Vec<Value> = indexes
        .into_iter()
        .map(|i| {
            json!({
                "schema": i.name.schema,
                "name": i.name.name,
                "table": rel(i.table),
                "unique": i.unique,
                "method": i.method,
                "constraint": i.constraint,
                "definition": index_definition(c, i),
            })
        })
        .collect();
    let mut views: Vec<&View> = c.views.values().collect();
    views.sort_by_key(|v| &v.name);
    let views: Vec<Value> = views
        .into_iter()
        .map(|v| {
            json!({
                "schema": v.name.schema,
                "name": v.name.name,
                "materialized": v.materialized,
                "columns": v.columns,
                "query": v.query,
                "reads": v.reads.iter().filter_map(|r| rel(*r)).collect::<Vec<_>>(),
                "comment": v.comment,
            })
        })
        .collect();
    let mut sequences: Vec<&Sequence> = c.sequences.values().collect();
    sequences.sort_by_key(|s| &s.name);
    let sequences: Vec<Value> = sequences
        .into_iter()
        .map(|s| {
            json!({
                "schema": s.name.schema,
                "name": s.name.name,
                "type": s.data_type.to_sql(),
                "start": s.start.to_string(),
                "increment": s.increment.to_string(),
                "min_value": s.min_value.to_string(),
                "max_value": s.max_value.to_string(),
                "cache": s.cache.to_string(),
                "cycle": s.cycle,
                "owned_by": s.owned_by.and_then(|(t, a)| {
                    let table = c.tables.get(&t)?;
                    Some(format!("{}.{}", table.name, table.column_name(a)))
                }),
            })
        })
        .collect();
    json!({
        "schemas": c.schemas.values().collect::<Vec<_>>(),
        "extensions": c.extensions.values().collect::<Vec<_>>(),
        "types": c.types.values().collect::<Vec<_>>(),
        "functions": c.functions.values().map(|f| json!({
            "signature": f.key.to_string(),
            "kind": f.kind,
            "returns": f.returns,
            "language": f.language,
            "comment": f.comment,
        })).collect::<Vec<_>>(),
        "sequences": sequences,
        "tables": tables,
        "indexes": indexes,
        "views": views,
    })
}

fn constraint_type(k: &ConstraintDef) -> &'static str {
    match k {
        ConstraintDef::PrimaryKey { .. } => "primary_key",
        ConstraintDef::Unique { .. } => "unique",
        ConstraintDef::ForeignKey { .. } => "foreign_key",
        ConstraintDef::Check { .. } => "check",
        ConstraintDef::Exclusion { .. } => "exclusion",
        ConstraintDef::NotNull { .. } => "not_null",
    }
}
