//! The SQL the plan writes itself: sync and fill trigger functions, batched
//! backfills, `NOT VALID` checks. Readable, every name quoted as PostgreSQL
//! needs it, and the same text for the same input.

use crate::model::catalog::ObjectName;
use crate::sql::ir::quote_ident;

/// `NEW."col"`.
fn new(col: &str) -> String {
    format!("NEW.{}", quote_ident(col))
}

/// `OLD."col"`.
fn old(col: &str) -> String {
    format!("OLD.{}", quote_ident(col))
}

/// Whether values of type `t` lack an equality operator (`json`, the
/// geometric types), so `IS DISTINCT FROM` needs them as text.
fn no_equality(t: &crate::sql::ir::TypeName) -> bool {
    matches!(
        t.name.as_str(),
        "json" | "xml" | "point" | "line" | "lseg" | "box" | "path" | "polygon" | "circle"
    )
}

/// `sql` as something `IS DISTINCT FROM` can compare: as text when its
/// type has no equality.
pub(crate) fn comparable(sql: &str, t: Option<&crate::sql::ir::TypeName>) -> String {
    match t {
        Some(t) if no_equality(t) => format!("({sql})::text"),
        _ => sql.to_owned(),
    }
}

/// A dollar quote tag the body does not contain.
fn dollar(body: &str) -> &'static str {
    if body.contains("$$") { "$tq$" } else { "$$" }
}

/// `CREATE FUNCTION name() RETURNS trigger` with a PL/pgSQL body.
pub(crate) fn trigger_function(name: &ObjectName, body: &str) -> String {
    let tag = dollar(body);
    format!(
        "CREATE FUNCTION {name}() RETURNS trigger\nLANGUAGE plpgsql AS {tag}\nBEGIN\n{body}    RETURN NEW;\nEND\n{tag}"
    )
}

/// `CREATE TRIGGER name BEFORE INSERT OR UPDATE ON table FOR EACH ROW ...`.
pub(crate) fn before_trigger(trigger: &str, table: &ObjectName, function: &ObjectName) -> String {
    format!(
        "CREATE TRIGGER {} BEFORE INSERT OR UPDATE ON {table} FOR EACH ROW EXECUTE FUNCTION {function}()",
        quote_ident(trigger)
    )
}

/// An expression evaluated on the row being written: `expr` may name the
/// row's columns, bare or qualified with `alias`.
pub(crate) fn on_row(expr: &str, alias: &str) -> String {
    format!(
        "(SELECT {expr} FROM (SELECT NEW.*) AS {})",
        quote_ident(alias)
    )
}

/// The body of a function that keeps `old` and `new` equal both ways: a
/// write to the new column is copied to the old one, anything else (a
/// write to the old column, or a row not copied yet) copies old to new.
/// `to_new` / `to_old` convert a value (given as SQL) between the types.
pub(crate) fn sync_both_ways(
    old_col: &str,
    (new_col, new_type): (&str, &crate::sql::ir::TypeName),
    to_new: &dyn Fn(&str) -> String,
    to_old: &dyn Fn(&str) -> String,
) -> String {
    let cmp = |x: String| comparable(&x, Some(new_type));
    format!(
        "    IF (TG_OP = 'INSERT' AND {n} IS NOT NULL)\n       OR (TG_OP = 'UPDATE' AND {nc} IS DISTINCT FROM {on}) THEN\n        {o} := {back};\n    ELSE\n        {n} := {fwd};\n    END IF;\n",
        n = new(new_col),
        nc = cmp(new(new_col)),
        on = cmp(old(new_col)),
        o = new(old_col),
        back = to_old(&new(new_col)),
        fwd = to_new(&new(old_col)),
    )
}

/// The body of a function that copies `old` into `new` on every write.
pub(crate) fn sync_one_way(new_col: &str, value: &str) -> String {
    format!("    {} := {value};\n", new(new_col))
}

/// The body of a function that fills `col` with `value` when a write
/// leaves it NULL, and, when `sources` is not empty, again when a write
/// changes one of them but not `col` itself. `types` gives a column's type
/// (for the comparisons).
pub(crate) fn fill(
    col: &str,
    value: &str,
    sources: &[String],
    types: &dyn Fn(&str) -> Option<crate::sql::ir::TypeName>,
) -> String {
    let mut condition = format!("{} IS NULL", new(col));
    if !sources.is_empty() {
        let cmp = |c: &str, x: String| comparable(&x, types(c).as_ref());
        let news: Vec<String> = sources.iter().map(|s| cmp(s, new(s))).collect();
        let olds: Vec<String> = sources.iter().map(|s| cmp(s, old(s))).collect();
        condition.push_str(&format!(
            "\n       OR (TG_OP = 'UPDATE' AND {} IS NOT DISTINCT FROM {}\n           AND ({}) IS DISTINCT FROM ({}))",
            cmp(col, new(col)),
            cmp(col, old(col)),
            news.join(", "),
            olds.join(", ")
        ));
    }
    format!(
        "    IF {condition} THEN\n        {} := {value};\n    END IF;\n",
        new(col)
    )
}

/// A `CHECK (col IS NOT NULL) NOT VALID` constraint's definition.
pub(crate) fn not_null_check(table: &ObjectName, name: &str, col: &str) -> String {
    format!(
        "ALTER TABLE {table} ADD CONSTRAINT {} CHECK ({} IS NOT NULL) NOT VALID",
        quote_ident(name),
        quote_ident(col)
    )
}

/// `ALTER TABLE t VALIDATE CONSTRAINT c`.
pub(crate) fn validate(table: &ObjectName, name: &str) -> String {
    format!(
        "ALTER TABLE {table} VALIDATE CONSTRAINT {}",
        quote_ident(name)
    )
}

/// An UPDATE to run in batches.
pub(crate) struct Batch<'a> {
    pub table: &'a ObjectName,
    /// The alias the SET and WHERE texts use for the table.
    pub alias: Option<&'a str>,
    /// The key, in order: batches follow it.
    pub key: &'a [String],
    /// `col = expr, ...`.
    pub set: String,
    /// Which rows, as written (`None`: all).
    pub condition: Option<String>,
    pub size: u32,
    pub lock_timeout: &'a str,
}

/// A `DO` block that runs the UPDATE over the key in batches of
/// `batch.size` rows, each batch its own transaction. Run again after an
/// interruption, it goes over every batch once more; with `condition`
/// excluding rows already done, that does no harm.
pub(crate) fn batched_update(b: &Batch) -> String {
    let cols: Vec<String> = b.key.iter().map(|k| quote_ident(k)).collect();
    let lasts: Vec<String> = (1..=b.key.len()).map(|i| format!("tq_last_{i}")).collect();
    let ends: Vec<String> = (1..=b.key.len()).map(|i| format!("tq_end_{i}")).collect();
    let tuple = |v: &[String]| {
        if v.len() == 1 {
            v[0].clone()
        } else {
            format!("({})", v.join(", "))
        }
    };
    let Some(first) = lasts.first() else {
        // No key to batch by: one UPDATE.
        let condition = b
            .condition
            .as_ref()
            .map(|c| format!(" WHERE {c}"))
            .unwrap_or_default();
        return format!("UPDATE {} SET {}{condition}", b.table, b.set);
    };
    let (key, last, end) = (tuple(&cols), tuple(&lasts), tuple(&ends));
    let mut declare = String::new();
    for (i, c) in cols.iter().enumerate() {
        declare.push_str(&format!(
            "    {} {}.{c}%TYPE;\n    {} {}.{c}%TYPE;\n",
            lasts[i], b.table, ends[i], b.table
        ));
    }
    let desc: Vec<String> = cols.iter().map(|c| format!("{c} DESC")).collect();
    let target = match b.alias {
        Some(a) => format!("{} AS {}", b.table, quote_ident(a)),
        None => b.table.to_string(),
    };
    let condition = b
        .condition
        .as_ref()
        .map(|c| format!("\n          AND ({c})"))
        .unwrap_or_default();
    let body = format!(
        "DECLARE\n{declare}BEGIN\n    LOOP\n        PERFORM set_config('lock_timeout', {timeout}, true);\n        SELECT {list} INTO {ends_list}\n        FROM (\n            SELECT {list} FROM {table}\n            WHERE {first} IS NULL OR {key} > {last}\n            ORDER BY {list}\n            LIMIT {size}\n        ) AS batch\n        ORDER BY {desc}\n        LIMIT 1;\n        EXIT WHEN NOT FOUND;\n        UPDATE {target} SET {set}\n        WHERE ({first} IS NULL OR {key} > {last}) AND {key} <= {end}{condition};\n        RAISE NOTICE 'turquoise: {table_text} done up to %', {end};\n        {assign};\n        COMMIT;\n    END LOOP;\nEND\n",
        timeout = crate::model::render::literal(b.lock_timeout),
        list = cols.join(", "),
        ends_list = ends.join(", "),
        table = b.table,
        first = first,
        size = b.size,
        desc = desc.join(", "),
        set = b.set,
        table_text = b.table.to_string().replace('\'', "''"),
        assign = lasts
            .iter()
            .zip(&ends)
            .map(|(l, e)| format!("{l} := {e}"))
            .collect::<Vec<_>>()
            .join(";\n        "),
    );
    let tag = dollar(&body);
    format!("DO {tag}\n{body}{tag}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batched_update_follows_the_key() {
        let t = ObjectName::new("public", "order_items");
        let key = vec!["order_id".to_owned(), "book_id".to_owned()];
        let sql = batched_update(&Batch {
            table: &t,
            alias: None,
            key: &key,
            set: "quantity = 1".into(),
            condition: Some("quantity IS NULL".into()),
            size: 500,
            lock_timeout: "5s",
        });
        assert!(
            sql.contains("(order_id, book_id) > (tq_last_1, tq_last_2)"),
            "{sql}"
        );
        assert!(sql.contains("LIMIT 500"), "{sql}");
        assert!(sql.contains("AND (quantity IS NULL)"), "{sql}");
        assert!(sql.starts_with("DO $$") && sql.ends_with("$$"), "{sql}");
        assert!(crate::sql::parse_statement(&sql).is_ok());
    }
}
