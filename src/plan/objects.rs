//! SQL for single schema objects.
//!
//! Creating an object the way a catalog holds it means cutting its
//! statements out of the catalog's full rendering ([`render::to_sql`]): the
//! very statements `verify` already loads into PostgreSQL, in an order where
//! everything exists before what refers to it. Which object a rendered
//! statement is about is read the way the replay records it, so a table's
//! constraints, indexes, triggers and comments come with it when asked for.
//! Dropping is one statement per kind. Auxiliary names (`tq_...`) are made
//! here too.

use super::model::Step;
use crate::model::catalog::{Catalog, ConstraintDef, ObjectName, Table};
use crate::model::{ObjectRef, Replay, render};
use crate::sql::ir::{MAX_IDENTIFIER_BYTES, Stmt, quote_ident};
use crate::sql::{StatementKind, parse_script};

/// One statement of a catalog's rendering and the objects it makes.
#[derive(Debug, Clone)]
pub(crate) struct Rendered {
    pub sql: String,
    pub objects: Vec<ObjectRef>,
    /// `SET search_path` / `RESET search_path` around a view or function
    /// written for another search_path.
    pub search_path: bool,
}

/// Every statement of `catalog`'s rendering, with what each makes.
pub(crate) fn rendered(catalog: &Catalog) -> Vec<Rendered> {
    let text = render::to_sql(catalog);
    let script = crate::source::Script::whole("<plan>".into(), std::sync::Arc::from(text.as_str()));
    let parsed = parse_script(&script);
    let mut replay = Replay::new(vec!["public".to_owned()]);
    let mut out = Vec::new();
    for st in &parsed.statements {
        let sql = text
            .get(st.location.start..st.location.end)
            .unwrap_or("")
            .trim()
            .to_owned();
        let StatementKind::Parsed(stmt) = &st.kind else {
            continue;
        };
        let search_path = matches!(stmt, Stmt::Set { name, .. } if name == "search_path");
        let objects = replay
            .apply(stmt, &st.location)
            .changes
            .into_iter()
            .map(|c| c.object)
            .collect();
        out.push(Rendered {
            sql,
            objects,
            search_path,
        });
    }
    out
}

/// The statements that create the objects `wanted` picks, as `catalog`
/// holds them, in an order that runs (with the `SET search_path` lines
/// that belong to them), each with what it makes.
pub(crate) fn creation_items(
    catalog: &Catalog,
    wanted: &dyn Fn(&ObjectRef) -> bool,
) -> Vec<Rendered> {
    let all = rendered(catalog);
    let keep: Vec<bool> = all.iter().map(|r| r.objects.iter().any(wanted)).collect();
    let mut out = Vec::new();
    for (i, r) in all.iter().enumerate() {
        let kept = if r.search_path {
            // SET before a kept statement, RESET after one.
            let next = keep.get(i + 1).copied().unwrap_or(false);
            let prev = i > 0 && keep[i - 1];
            if r.sql.to_ascii_uppercase().starts_with("RESET") {
                prev
            } else {
                next
            }
        } else {
            keep[i]
        };
        if kept {
            let mut r = r.clone();
            r.sql = r.sql.trim_end_matches(';').trim_end().to_owned();
            out.push(r);
        }
    }
    out
}

/// [`creation_items`], the statements only.
pub(crate) fn creation(catalog: &Catalog, wanted: &dyn Fn(&ObjectRef) -> bool) -> Vec<String> {
    creation_items(catalog, wanted)
        .into_iter()
        .map(|r| r.sql)
        .collect()
}

/// `ALTER TABLE public.t`.
pub(crate) fn alter_table(table: &ObjectName) -> String {
    format!("ALTER TABLE {table}")
}

/// The statement that drops `object` as `catalog` holds it, run the way it
/// must be (indexes concurrently).
pub(crate) fn drop_step(catalog: &Catalog, object: &ObjectRef) -> Option<Step> {
    let step = match object {
        ObjectRef::Schema { name } => Step::new(
            format!("drop schema {name}"),
            format!("DROP SCHEMA {}", quote_ident(name)),
        ),
        ObjectRef::Extension { name } => Step::new(
            format!("drop extension {name}"),
            format!("DROP EXTENSION {}", quote_ident(name)),
        ),
        ObjectRef::Table { name } => {
            Step::new(format!("drop table {name}"), format!("DROP TABLE {name}"))
        }
        ObjectRef::Column { table, column } => Step::new(
            format!("drop column {}", quote_ident(column)),
            format!("{} DROP COLUMN {}", alter_table(table), quote_ident(column)),
        ),
        ObjectRef::Constraint { table, name } => Step::new(
            format!("drop constraint {}", quote_ident(name)),
            format!(
                "{} DROP CONSTRAINT {}",
                alter_table(table),
                quote_ident(name)
            ),
        ),
        ObjectRef::Index { name } => Step::new(
            format!("drop index {name} without blocking writes"),
            format!("DROP INDEX CONCURRENTLY {name}"),
        )
        .outside(),
        ObjectRef::View { name } => {
            let materialized = catalog
                .relation(name)
                .and_then(|(_, oid)| catalog.views.get(&oid))
                .is_some_and(|v| v.materialized);
            let kind = if materialized {
                "MATERIALIZED VIEW"
            } else {
                "VIEW"
            };
            Step::new(
                format!("drop {} {name}", kind.to_lowercase()),
                format!("DROP {kind} {name}"),
            )
        }
        ObjectRef::Sequence { name } => Step::new(
            format!("drop sequence {name}"),
            format!("DROP SEQUENCE {name}"),
        ),
        ObjectRef::Type { name } => {
            let domain = catalog
                .types
                .get(name)
                .is_some_and(|t| matches!(t.kind, crate::model::catalog::TypeKind::Domain { .. }));
            let kind = if domain { "DOMAIN" } else { "TYPE" };
            Step::new(
                format!("drop {} {name}", kind.to_lowercase()),
                format!("DROP {kind} {name}"),
            )
        }
        ObjectRef::Function { key } => {
            let kind = match catalog.functions.get(key).map(|f| f.kind) {
                Some(crate::sql::ir::RoutineKind::Procedure) => "PROCEDURE",
                Some(crate::sql::ir::RoutineKind::Aggregate) => "AGGREGATE",
                _ => "FUNCTION",
            };
            Step::new(
                format!("drop {} {key}", kind.to_lowercase()),
                format!("DROP {kind} {key}"),
            )
        }
        ObjectRef::Trigger { table, name } => Step::new(
            format!("drop trigger {}", quote_ident(name)),
            format!("DROP TRIGGER {} ON {table}", quote_ident(name)),
        ),
    };
    Some(step)
}

/// The table `name` of `catalog`.
pub(crate) fn table<'a>(catalog: &'a Catalog, name: &ObjectName) -> Option<&'a Table> {
    catalog
        .relation(name)
        .and_then(|(_, oid)| catalog.tables.get(&oid))
}

/// The columns a table's rows are found by, in key order: the primary key,
/// else the first unique constraint over NOT NULL columns.
pub(crate) fn key_columns(table: &Table) -> Option<Vec<String>> {
    let named = |cols: &[i16]| -> Vec<String> {
        cols.iter()
            .map(|a| table.column_name(*a).to_owned())
            .collect()
    };
    if let Some(pk) = table.primary_key()
        && let ConstraintDef::PrimaryKey { columns, .. } = &pk.kind
        && !columns.is_empty()
    {
        return Some(named(columns));
    }
    table.constraints.iter().find_map(|c| match &c.kind {
        ConstraintDef::Unique { columns, .. }
            if !c.deferrable
                && !columns.is_empty()
                && columns
                    .iter()
                    .all(|a| table.column_by_num(*a).is_some_and(|c| c.not_null)) =>
        {
            Some(named(columns))
        }
        _ => None,
    })
}

/// An auxiliary object's name: `tq_` and the parts joined by `_`, cut to
/// PostgreSQL's 63 bytes with a short hash of the whole name when too long
/// (so two long names stay apart).
pub(crate) fn aux_name(parts: &[&str]) -> String {
    let full = format!("tq_{}", parts.join("_"));
    if full.len() <= MAX_IDENTIFIER_BYTES {
        return full;
    }
    use sha2::Digest;
    let hash = sha2::Sha256::digest(full.as_bytes());
    let tag: String = hash.iter().take(4).map(|b| format!("{b:02x}")).collect();
    let mut end = MAX_IDENTIFIER_BYTES - tag.len() - 1;
    while !full.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}_{tag}", &full[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aux_names_stay_within_63_bytes_and_apart() {
        assert_eq!(
            aux_name(&["sync", "customers", "display_name"]),
            "tq_sync_customers_display_name"
        );
        let long = "x".repeat(70);
        let a = aux_name(&["sync", &long, "a"]);
        let b = aux_name(&["sync", &long, "b"]);
        assert_eq!(a.len(), 63);
        assert_ne!(a, b);
    }

    #[test]
    fn creation_cuts_a_table_with_what_belongs_to_it() {
        let (catalog, _) = crate::history::replay_sql(
            "x.sql",
            "CREATE TABLE a (id serial PRIMARY KEY, n int CHECK (n > 0));
             CREATE INDEX a_n ON a (n);
             COMMENT ON TABLE a IS 'hi';
             CREATE TABLE b (id int);",
        );
        let a = ObjectName::new("public", "a");
        let sql = creation(&catalog, &|o| match o {
            ObjectRef::Table { name }
            | ObjectRef::Constraint { table: name, .. }
            | ObjectRef::Trigger { table: name, .. } => *name == a,
            ObjectRef::Index { name } => name.name == "a_n" || name.name == "a_pkey",
            ObjectRef::Sequence { name } => name.name == "a_id_seq",
            _ => false,
        });
        let text = sql.join(";\n");
        assert!(text.contains("CREATE SEQUENCE public.a_id_seq"), "{text}");
        assert!(text.contains("CREATE TABLE public.a"), "{text}");
        assert!(text.contains("a_n_check"), "{text}");
        assert!(text.contains("CREATE INDEX a_n"), "{text}");
        assert!(text.contains("COMMENT ON TABLE public.a"), "{text}");
        assert!(!text.contains("public.b"), "{text}");
    }
}
