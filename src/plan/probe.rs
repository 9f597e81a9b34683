//! What `plan --verify` runs besides the plan itself, as SQL: rows for the
//! tables before the migration, the statements an application version
//! issues (a SELECT of every column, an INSERT with its column set, an
//! UPDATE of its columns, written from the schema that version was made
//! for), and the queries that tell whether sync triggers kept old and new
//! columns equal. Values are made to fit both schemas where they can (an
//! enum value both know, numbers small enough for the narrower type).
//! Pure SQL text; `pg::plan` runs it.

use super::model::{App, Sync};
use crate::model::catalog::{Catalog, Column, ConstraintDef, ObjectName, Oid, Table, TypeKind};
use crate::sql::ir::quote_ident;

/// One statement of an application version, with the forms to try: the
/// full one first, then one that leaves NULL-able columns NULL (a check
/// the generator cannot satisfy may only hold for NULL).
#[derive(Debug, Clone)]
pub struct Probe {
    pub app: App,
    /// `INSERT INTO public.customers`.
    pub what: String,
    pub variants: Vec<String>,
}

/// Rows for every table of `catalog`, `n` each, parents first: for each
/// table its name and the INSERTs to try (the second leaves NULL-able
/// columns NULL, for checks the values here do not satisfy).
pub fn rows(catalog: &Catalog, other: &Catalog, n: usize) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    for t in parents_first(catalog) {
        let cols: Vec<&Column> = writable(t).collect();
        if cols.is_empty() {
            continue;
        }
        let insert = |nulls: bool| -> Option<String> {
            let mut values: Vec<String> = Vec::new();
            for i in 1..=n {
                let row: Option<Vec<String>> = cols
                    .iter()
                    .map(|c| {
                        value(
                            catalog,
                            other,
                            t,
                            c,
                            (&c.data_type, catalog),
                            i,
                            i - 1,
                            nulls,
                        )
                    })
                    .collect();
                values.push(format!("({})", row?.join(", ")));
            }
            Some(format!(
                "INSERT INTO {} ({}) VALUES\n{}",
                t.name,
                names(&cols),
                values.join(",\n")
            ))
        };
        let variants: Vec<String> = [insert(false), insert(true)]
            .into_iter()
            .flatten()
            .collect();
        if !variants.is_empty() {
            out.push((t.name.to_string(), variants));
        }
    }
    out
}

/// The statements `app` issues on `tables` (by oid in `own`, the schema it
/// was written for), in a database with `rows` rows per table; `k` makes
/// the values of unique columns, and the rows a multi-column key
/// references, differ from the rows there and from another version's. With `old_types`, a column whose type
/// differs in `other` gets values of that type: until contract a retyped
/// column still has its old type, and the plan tells green to write
/// values it takes.
pub fn probes(
    app: App,
    (own, other): (&Catalog, &Catalog),
    tables: &[Oid],
    rows: usize,
    k: usize,
    old_types: bool,
) -> Vec<Probe> {
    let value = |t: &Table, c: &Column, i: usize, offset: usize, nulls: bool| {
        let (ty, types) = match other
            .tables
            .get(&t.oid)
            .and_then(|o| o.column_by_num(c.attnum))
        {
            Some(o) if old_types && o.name == c.name && o.data_type != c.data_type => {
                (&o.data_type, other)
            }
            _ => (&c.data_type, own),
        };
        value(own, other, t, c, (ty, types), i, offset, nulls)
    };
    let mut out = Vec::new();
    for oid in tables {
        let Some(t) = own.tables.get(oid) else {
            continue;
        };
        let all: Vec<String> = t.columns.iter().map(|c| quote_ident(&c.name)).collect();
        if !all.is_empty() {
            out.push(Probe {
                app,
                what: format!("SELECT from {}", t.name),
                variants: vec![format!("SELECT {} FROM {} LIMIT 5", all.join(", "), t.name)],
            });
        }
        let cols: Vec<&Column> = writable(t).collect();
        if cols.is_empty() {
            continue;
        }
        let row = |nulls: bool| -> Option<String> {
            let vals: Option<Vec<String>> = cols
                .iter()
                .map(|c| {
                    value(
                        t,
                        c,
                        1000 + k,
                        reference_offset(own, other, t, c, rows, k),
                        nulls,
                    )
                })
                .collect();
            Some(format!(
                "INSERT INTO {} ({}) VALUES ({})",
                t.name,
                names(&cols),
                vals?.join(", ")
            ))
        };
        let inserts: Vec<String> = [row(false), row(true)].into_iter().flatten().collect();
        if !inserts.is_empty() {
            out.push(Probe {
                app,
                what: format!("INSERT INTO {}", t.name),
                variants: inserts,
            });
        }
        let key = key_of(t);
        // Keys and references stay: changing them is the project's
        // business, and the generated rows cannot promise it works.
        let set_cols: Vec<&&Column> = cols
            .iter()
            .filter(|c| !key.contains(&c.name) && reference(own, other, t, c).is_none())
            .collect();
        if key.is_empty() || set_cols.is_empty() {
            continue;
        }
        let keys: Vec<String> = key.iter().map(|k| quote_ident(k)).collect();
        let tuple = |v: &[String]| {
            if v.len() == 1 {
                v[0].clone()
            } else {
                format!("({})", v.join(", "))
            }
        };
        let update = |nulls: bool| -> Option<String> {
            let sets: Option<Vec<String>> = set_cols
                .iter()
                .map(|c| {
                    value(
                        t,
                        c,
                        2000 + k,
                        reference_offset(own, other, t, c, rows, k),
                        nulls,
                    )
                    .map(|v| format!("{} = {v}", quote_ident(&c.name)))
                })
                .collect();
            Some(format!(
                "UPDATE {} SET {} WHERE {} = (SELECT {} FROM {} ORDER BY {} LIMIT 1)",
                t.name,
                sets?.join(", "),
                tuple(&keys),
                keys.join(", "),
                t.name,
                keys.join(", ")
            ))
        };
        let updates: Vec<String> = [update(false), update(true)]
            .into_iter()
            .flatten()
            .collect();
        if !updates.is_empty() {
            out.push(Probe {
                app,
                what: format!("UPDATE {}", t.name),
                variants: updates,
            });
        }
    }
    out
}

/// The number of rows whose new column does not hold what the old one
/// says it should: all rows when `whole`, else only those the new column
/// is set in (rows written since expand). Compared as text: some types
/// (`json`) have no equality.
pub fn sync_check(s: &Sync, whole: bool) -> String {
    let new = quote_ident(&s.new);
    let only = if whole {
        String::new()
    } else {
        format!(" AND {new} IS NOT NULL")
    };
    format!(
        "SELECT count(*) FROM {} WHERE ({new})::text IS DISTINCT FROM ({})::text{only}",
        s.table, s.expected
    )
}

/// Columns an application writes: not identity, not generated, and not
/// one filled by a sequence.
fn writable(t: &Table) -> impl Iterator<Item = &Column> {
    t.columns.iter().filter(|c| {
        c.identity.is_none()
            && c.generated.is_none()
            && !c
                .default
                .as_ref()
                .is_some_and(|d| d.sql.to_ascii_lowercase().contains("nextval("))
    })
}

fn names(cols: &[&Column]) -> String {
    cols.iter()
        .map(|c| quote_ident(&c.name))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The primary key's columns, else those of the first unique constraint.
fn key_of(t: &Table) -> Vec<String> {
    super::objects::key_columns(t).unwrap_or_default()
}

/// Whether the column is in a key or unique index of its table (its
/// values must differ row to row).
fn unique(catalog: &Catalog, t: &Table, c: &Column) -> bool {
    t.constraints.iter().any(|k| match &k.kind {
        ConstraintDef::PrimaryKey { columns, .. } | ConstraintDef::Unique { columns, .. } => {
            columns.contains(&c.attnum)
        }
        _ => false,
    }) || catalog.indexes_on(t.oid).any(|i| {
        i.unique
            && i.keys.iter().any(|k| {
                k.column == Some(c.attnum)
                    || k.expr.as_ref().is_some_and(|e| e.columns.contains(&c.name))
            })
    })
}

/// The table and column a column references, when it is part of a
/// foreign key, in `own` or (the other schema's key, as `own` names the
/// tables) in `other`: rows must satisfy the keys the plan adds too.
fn reference<'a>(
    own: &'a Catalog,
    other: &Catalog,
    t: &Table,
    c: &Column,
) -> Option<(&'a Table, String, Vec<String>)> {
    let find = |table: &Table| {
        table.constraints.iter().find_map(|k| match &k.kind {
            ConstraintDef::ForeignKey {
                columns,
                ref_table,
                ref_columns,
                ..
            } => {
                let pos = columns.iter().position(|a| *a == c.attnum)?;
                let r = own.tables.get(ref_table)?;
                let col = r.column_by_num(*ref_columns.get(pos)?)?.name.clone();
                let all = ref_columns
                    .iter()
                    .filter_map(|a| r.column_by_num(*a).map(|c| c.name.clone()))
                    .collect();
                Some((r, col, all))
            }
            _ => None,
        })
    };
    find(t).or_else(|| other.tables.get(&t.oid).and_then(find))
}

/// Which referenced row the foreign key column `c` of a new row points
/// at: the columns of one key point at rows a different distance apart
/// for each `k`, so the new row's combination is one no row has (the
/// generated rows point at the same row with every column).
fn reference_offset(
    own: &Catalog,
    other: &Catalog,
    t: &Table,
    c: &Column,
    rows: usize,
    k: usize,
) -> usize {
    let position = t
        .columns
        .iter()
        .filter(|x| reference(own, other, t, x).is_some())
        .position(|x| x.attnum == c.attnum)
        .unwrap_or(0);
    let rows = rows.max(1);
    (k + position * (1 + k / rows)) % rows
}

/// A value for column `c` in row `i` (1-based), or `None` when none can be
/// made; `offset` picks the referenced row of a foreign key. With `nulls`,
/// NULL-able columns get NULL.
#[allow(clippy::too_many_arguments)]
fn value(
    own: &Catalog,
    other: &Catalog,
    t: &Table,
    c: &Column,
    (ty, types): (&crate::sql::ir::TypeName, &Catalog),
    i: usize,
    offset: usize,
    nulls: bool,
) -> Option<String> {
    // NULL only where both schemas allow it: the plan tells every version
    // to stop writing NULL where the migration forbids it.
    let nullable = !c.not_null
        && other
            .tables
            .get(&t.oid)
            .and_then(|o| o.column_by_num(c.attnum))
            .is_none_or(|o| !o.not_null);
    if nulls && nullable {
        return Some("NULL".to_owned());
    }
    if let Some((r, col, all)) = reference(own, other, t, c) {
        if r.oid == t.oid {
            return (!c.not_null).then(|| "NULL".to_owned());
        }
        let order: Vec<String> = all.iter().map(|a| quote_ident(a)).collect();
        return Some(format!(
            "(SELECT {} FROM {} ORDER BY {} OFFSET {offset} LIMIT 1)",
            quote_ident(&col),
            r.name,
            order.join(", ")
        ));
    }
    // Unique in either schema: the rows must not stop the other's keys.
    let unique = unique(own, t, c)
        || other.tables.get(&t.oid).is_some_and(|o| {
            o.column_by_num(c.attnum)
                .is_some_and(|oc| unique(other, o, oc))
        });
    let n = if unique { i } else { 1 + (i - 1) % 5 };
    if ty.array_dims > 0 {
        return Some(format!("'{{}}'::{}", ty.to_sql()));
    }
    let user = types.types.iter().find_map(|(name, u)| {
        (name.name == ty.name && ty.schema.as_ref().is_none_or(|s| *s == name.schema)).then_some(u)
    });
    if let Some(u) = user {
        return match &u.kind {
            TypeKind::Enum { values } => {
                let theirs = enum_values(other, &u.name);
                let v = values
                    .iter()
                    .find(|v| theirs.as_ref().is_none_or(|t| t.contains(v)))
                    .or(values.first())?;
                Some(crate::model::render::literal(v))
            }
            TypeKind::Domain { base, .. } => Some(format!(
                "CAST({} AS {})",
                base_value(&base.name, &c.name, n, &base.modifiers)?,
                ty.to_sql()
            )),
            _ => (!c.not_null).then(|| "NULL".to_owned()),
        };
    }
    base_value(&ty.name, &c.name, n, &ty.modifiers)
        .or_else(|| (!c.not_null).then(|| "NULL".to_owned()))
}

fn enum_values(c: &Catalog, name: &ObjectName) -> Option<Vec<String>> {
    match c.types.get(name).map(|t| &t.kind) {
        Some(TypeKind::Enum { values }) => Some(values.clone()),
        _ => None,
    }
}

/// A literal of a built-in type.
fn base_value(ty: &str, col: &str, n: usize, modifiers: &[String]) -> Option<String> {
    Some(match ty {
        "smallint" | "integer" | "bigint" | "numeric" | "real" | "double precision" | "oid" => {
            n.to_string()
        }
        "text" | "character varying" | "character" | "citext" | "name" => {
            let limit: Option<usize> = modifiers.first().and_then(|m| m.trim().parse().ok());
            let mut s = format!("{col}_{n}");
            if let Some(l) = limit {
                // Keep the number: it makes unique values unique.
                let num = n.to_string();
                if s.len() > l {
                    let keep = l.saturating_sub(num.len());
                    s = format!("{}{num}", &col.chars().take(keep).collect::<String>());
                    s.truncate(l);
                }
            }
            crate::model::render::literal(&s)
        }
        "boolean" => n.is_multiple_of(2).to_string(),
        "date" => format!("DATE '2024-01-01' + {n}"),
        "timestamp with time zone" => {
            format!("TIMESTAMPTZ '2024-01-01 00:00:00+00' + interval '{n} hours'")
        }
        "timestamp without time zone" => {
            format!("TIMESTAMP '2024-01-01 00:00:00' + interval '{n} hours'")
        }
        "time without time zone" | "time with time zone" => {
            format!("TIME '12:00' + interval '{n} minutes'")
        }
        "interval" => format!("interval '{n} hours'"),
        "uuid" => format!("md5('{col}{n}')::uuid"),
        "json" | "jsonb" => format!("'{{\"n\": {n}}}'::{ty}"),
        "bytea" => format!("'\\x{:02x}'::bytea", n % 256),
        "inet" | "cidr" => format!("'10.0.{}.{}'::{ty}", n / 250, n % 250),
        _ => return None,
    })
}

/// Tables of `c` with the tables they reference first.
fn parents_first(c: &Catalog) -> Vec<&Table> {
    let mut left: Vec<&Table> = c.tables.values().collect();
    let mut out: Vec<&Table> = Vec::new();
    while !left.is_empty() {
        let ready = left.iter().position(|t| {
            t.constraints.iter().all(|k| match &k.kind {
                ConstraintDef::ForeignKey { ref_table, .. } => {
                    *ref_table == t.oid
                        || out.iter().any(|o| o.oid == *ref_table)
                        || !c.tables.contains_key(ref_table)
                }
                _ => true,
            })
        });
        out.push(left.remove(ready.unwrap_or(0)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_come_parents_first_and_reference_existing_rows() {
        let (c, _) = crate::history::replay_sql(
            "x.sql",
            "CREATE TYPE status AS ENUM ('a', 'b');
             CREATE TABLE books (id int PRIMARY KEY, s status NOT NULL);
             CREATE TABLE authors (id serial PRIMARY KEY, name varchar(4) NOT NULL UNIQUE);
             ALTER TABLE books ADD FOREIGN KEY (id) REFERENCES authors;",
        );
        let r = rows(&c, &c, 3);
        assert_eq!(r[0].0, "public.authors");
        let (authors, books) = (&r[0].1[0], &r[1].1[0]);
        assert!(authors.contains("'nam1'"), "{authors}");
        assert!(
            books.contains("(SELECT id FROM public.authors ORDER BY id OFFSET 2 LIMIT 1)"),
            "{books}"
        );
        assert!(books.contains("'a'"), "{books}");
    }
}
