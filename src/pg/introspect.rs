//! Catalog introspection: read a live database's schema into the same
//! [`Catalog`] the replay builds.
//!
//! The server describes each object with its own deparsers
//! (`format_type`, `pg_get_expr`, `pg_get_constraintdef`, `pg_get_indexdef`,
//! `pg_get_viewdef`, `pg_get_functiondef`, `pg_get_triggerdef`); those
//! descriptions make a schema script, and the script is replayed through
//! turquoise's own parser and model. One mechanism builds every catalog, and
//! two catalogs read from servers spell every expression the same way.
//! Objects that belong to extensions are left out, as pg_dump does.

use super::error::Op;
use super::{PgError, Server};
use crate::model::Catalog;
use crate::model::render::literal;
use crate::sql::ir::quote_ident;
use postgres::Client;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;

/// A database's schema as read from its catalog.
#[derive(Debug, Clone)]
pub struct Introspection {
    pub catalog: Catalog,
    /// The schema script the catalog was built from.
    pub script: String,
    /// What the model could not follow in that script: each one is a gap in
    /// turquoise, since PostgreSQL wrote the script.
    pub findings: Vec<crate::diagnostic::Finding>,
}

/// Reads the schema of the database `client` is connected to.
pub fn introspect(server: &Server, client: &mut Client) -> Result<Introspection, PgError> {
    let script = schema_script(server, client)?;
    let (catalog, findings) = crate::history::replay_sql("<catalog>", &script);
    Ok(Introspection {
        catalog,
        script,
        findings,
    })
}

fn query(server: &Server, client: &mut Client, sql: &str) -> Result<Vec<postgres::Row>, PgError> {
    client
        .query(sql, &[])
        .map_err(|e| PgError::from_postgres(e, server, Op::Doing("reading the catalog")))
}

/// Not a member of an extension (`pg_depend` deptype `e`).
const NOT_EXTENSION_MEMBER: &str = "NOT EXISTS (SELECT 1 FROM pg_depend dep WHERE dep.objid = {oid} AND dep.classid = '{catalog}'::regclass AND dep.deptype = 'e')";

fn not_member(oid: &str, catalog: &str) -> String {
    NOT_EXTENSION_MEMBER
        .replace("{oid}", oid)
        .replace("{catalog}", catalog)
}

/// User schemas only: no system schemas, no temporary ones.
const USER_SCHEMA: &str = "n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'";

fn qname(schema: &str, name: &str) -> String {
    format!("{}.{}", quote_ident(schema), quote_ident(name))
}

/// The schema as a script of DDL statements in dependency order.
pub fn schema_script(server: &Server, client: &mut Client) -> Result<String, PgError> {
    let mut out = String::new();
    let mut comments = String::new();
    let mut comment = |target: String, text: Option<String>| {
        if let Some(t) = text {
            let _ = writeln!(comments, "COMMENT ON {target} IS {};", literal(&t));
        }
    };

    for r in query(
        server,
        client,
        &format!(
            "SELECT n.nspname, obj_description(n.oid, 'pg_namespace') FROM pg_namespace n \
             WHERE {USER_SCHEMA} AND {} ORDER BY 1",
            not_member("n.oid", "pg_namespace")
        ),
    )? {
        let name: String = r.get(0);
        if name != "public" {
            let _ = writeln!(out, "CREATE SCHEMA {};", quote_ident(&name));
        }
        comment(format!("SCHEMA {}", quote_ident(&name)), r.get(1));
    }

    for r in query(
        server,
        client,
        "SELECT e.extname, n.nspname, e.extversion, obj_description(e.oid, 'pg_extension') \
         FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace \
         WHERE e.extname <> 'plpgsql' ORDER BY 1",
    )? {
        let name: String = r.get(0);
        let schema: String = r.get(1);
        let version: String = r.get(2);
        let _ = writeln!(
            out,
            "CREATE EXTENSION IF NOT EXISTS {} WITH SCHEMA {} VERSION {};",
            quote_ident(&name),
            quote_ident(&schema),
            literal(&version)
        );
        comment(format!("EXTENSION {}", quote_ident(&name)), r.get(3));
    }

    types(server, client, &mut out, &mut comment)?;

    // Functions and procedures (aggregates have no pg_get_functiondef).
    for r in query(
        server,
        client,
        &format!(
            "SELECT pg_get_functiondef(p.oid), n.nspname, p.proname, \
                    pg_get_function_identity_arguments(p.oid), p.prokind::text, \
                    obj_description(p.oid, 'pg_proc') \
             FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace \
             WHERE {USER_SCHEMA} AND p.prokind IN ('f', 'p') AND {} ORDER BY 2, 3, 4",
            not_member("p.oid", "pg_proc")
        ),
    )? {
        let def: String = r.get(0);
        let _ = writeln!(out, "{};", def.trim_end());
        let kind = if r.get::<_, String>(4) == "p" {
            "PROCEDURE"
        } else {
            "FUNCTION"
        };
        comment(
            format!(
                "{kind} {}({})",
                qname(&r.get::<_, String>(1), &r.get::<_, String>(2)),
                r.get::<_, String>(3)
            ),
            r.get(5),
        );
    }

    // Sequences that are not behind identity columns.
    for r in query(
        server,
        client,
        &format!(
            "SELECT n.nspname, c.relname, format_type(s.seqtypid, NULL), s.seqstart::text, \
                    s.seqincrement::text, s.seqmin::text, s.seqmax::text, s.seqcache::text, \
                    s.seqcycle, obj_description(c.oid, 'pg_class') \
             FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid \
             JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE {USER_SCHEMA} AND {} AND NOT EXISTS (SELECT 1 FROM pg_depend d \
                 WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'i') \
             ORDER BY 1, 2",
            not_member("c.oid", "pg_class")
        ),
    )? {
        let name = qname(&r.get::<_, String>(0), &r.get::<_, String>(1));
        let _ = writeln!(
            out,
            "CREATE SEQUENCE {name} AS {} START WITH {} INCREMENT BY {} MINVALUE {} MAXVALUE {} CACHE {}{};",
            r.get::<_, String>(2),
            r.get::<_, String>(3),
            r.get::<_, String>(4),
            r.get::<_, String>(5),
            r.get::<_, String>(6),
            r.get::<_, String>(7),
            if r.get::<_, bool>(8) { " CYCLE" } else { "" }
        );
        comment(format!("SEQUENCE {name}"), r.get(9));
    }

    tables(server, client, &mut out, &mut comment)?;

    // Sequence ownership (serial columns).
    for r in query(
        server,
        client,
        "SELECT sn.nspname, s.relname, tn.nspname, t.relname, a.attname \
         FROM pg_depend d \
         JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S' \
         JOIN pg_namespace sn ON sn.oid = s.relnamespace \
         JOIN pg_class t ON t.oid = d.refobjid \
         JOIN pg_namespace tn ON tn.oid = t.relnamespace \
         JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid \
         WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass \
           AND d.deptype = 'a' AND sn.nspname NOT LIKE 'pg\\_%' ORDER BY 1, 2",
    )? {
        let _ = writeln!(
            out,
            "ALTER SEQUENCE {} OWNED BY {}.{};",
            qname(&r.get::<_, String>(0), &r.get::<_, String>(1)),
            qname(&r.get::<_, String>(2), &r.get::<_, String>(3)),
            quote_ident(&r.get::<_, String>(4))
        );
    }

    // Table constraints, foreign keys last (they need the keys they reference).
    let constraints = query(
        server,
        client,
        &format!(
            "SELECT n.nspname, c.relname, con.conname, pg_get_constraintdef(con.oid), \
                    con.contype = 'f', obj_description(con.oid, 'pg_constraint') \
             FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid \
             JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE {USER_SCHEMA} AND con.contype IN ('p', 'u', 'f', 'c', 'x') \
               AND con.conislocal AND c.relkind IN ('r', 'p') \
             ORDER BY 5, 1, 2, 3"
        ),
    )?;
    for r in constraints {
        let table = qname(&r.get::<_, String>(0), &r.get::<_, String>(1));
        let name: String = r.get(2);
        let _ = writeln!(
            out,
            "ALTER TABLE ONLY {table} ADD CONSTRAINT {} {};",
            quote_ident(&name),
            r.get::<_, String>(3)
        );
        comment(
            format!("CONSTRAINT {} ON {table}", quote_ident(&name)),
            r.get(5),
        );
    }

    views(server, client, &mut out, &mut comment)?;

    // Indexes not owned by constraints.
    for r in query(
        server,
        client,
        &format!(
            "SELECT pg_get_indexdef(i.indexrelid), n.nspname, ic.relname, \
                    obj_description(i.indexrelid, 'pg_class') \
             FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid \
             JOIN pg_namespace n ON n.oid = ic.relnamespace \
             WHERE {USER_SCHEMA} \
               AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = i.indexrelid \
                               AND con.contype IN ('p', 'u', 'x')) \
               AND NOT EXISTS (SELECT 1 FROM pg_inherits inh WHERE inh.inhrelid = i.indexrelid) \
             ORDER BY 2, 3"
        ),
    )? {
        let _ = writeln!(out, "{};", r.get::<_, String>(0));
        comment(
            format!(
                "INDEX {}",
                qname(&r.get::<_, String>(1), &r.get::<_, String>(2))
            ),
            r.get(3),
        );
    }

    // Clones of a partitioned table's trigger on its partitions.
    let clones = if server_at_least(server, client, 130000)? {
        "AND t.tgparentid = 0"
    } else {
        ""
    };
    for r in query(
        server,
        client,
        &format!(
            "SELECT pg_get_triggerdef(t.oid), n.nspname, c.relname, t.tgname, \
                    obj_description(t.oid, 'pg_trigger') \
             FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid \
             JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE {USER_SCHEMA} AND NOT t.tgisinternal {clones} ORDER BY 2, 3, 4"
        ),
    )? {
        let _ = writeln!(out, "{};", r.get::<_, String>(0));
        comment(
            format!(
                "TRIGGER {} ON {}",
                quote_ident(&r.get::<_, String>(3)),
                qname(&r.get::<_, String>(1), &r.get::<_, String>(2))
            ),
            r.get(4),
        );
    }
    out.push_str(&comments);
    Ok(out)
}

fn server_at_least(server: &Server, client: &mut Client, num: i32) -> Result<bool, PgError> {
    let rows = query(
        server,
        client,
        "SELECT current_setting('server_version_num')::int",
    )?;
    Ok(rows.first().is_some_and(|r| r.get::<_, i32>(0) >= num))
}

type CommentSink<'a> = dyn FnMut(String, Option<String>) + 'a;

fn types(
    server: &Server,
    client: &mut Client,
    out: &mut String,
    comment: &mut CommentSink,
) -> Result<(), PgError> {
    let member = not_member("t.oid", "pg_type");
    for r in query(
        server,
        client,
        &format!(
            "SELECT n.nspname, t.typname, \
                    array_agg(e.enumlabel::text ORDER BY e.enumsortorder), \
                    obj_description(t.oid, 'pg_type') \
             FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace \
             JOIN pg_enum e ON e.enumtypid = t.oid \
             WHERE {USER_SCHEMA} AND {member} GROUP BY t.oid, n.nspname, t.typname ORDER BY 1, 2"
        ),
    )? {
        let name = qname(&r.get::<_, String>(0), &r.get::<_, String>(1));
        let labels: Vec<String> = r.get(2);
        let labels: Vec<String> = labels.iter().map(|l| literal(l)).collect();
        let _ = writeln!(out, "CREATE TYPE {name} AS ENUM ({});", labels.join(", "));
        comment(format!("TYPE {name}"), r.get(3));
    }
    for r in query(
        server,
        client,
        &format!(
            "SELECT n.nspname, t.typname, format_type(rg.rngsubtype, NULL), \
                    obj_description(t.oid, 'pg_type') \
             FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace \
             JOIN pg_range rg ON rg.rngtypid = t.oid \
             WHERE {USER_SCHEMA} AND {member} ORDER BY 1, 2"
        ),
    )? {
        let name = qname(&r.get::<_, String>(0), &r.get::<_, String>(1));
        let _ = writeln!(
            out,
            "CREATE TYPE {name} AS RANGE (subtype = {});",
            r.get::<_, String>(2)
        );
        comment(format!("TYPE {name}"), r.get(3));
    }
    for r in query(
        server,
        client,
        &format!(
            "SELECT n.nspname, t.typname, format_type(t.typbasetype, t.typtypmod), t.typnotnull, \
                    t.typdefault, \
                    CASE WHEN t.typcollation <> bt.typcollation THEN \
                        (SELECT quote_ident(cn.nspname) || '.' || quote_ident(co.collname) \
                         FROM pg_collation co JOIN pg_namespace cn ON cn.oid = co.collnamespace \
                         WHERE co.oid = t.typcollation) END, \
                    (SELECT array_agg(quote_ident(con.conname) || ' ' || pg_get_constraintdef(con.oid) ORDER BY con.conname) \
                     FROM pg_constraint con WHERE con.contypid = t.oid AND con.contype = 'c'), \
                    obj_description(t.oid, 'pg_type') \
             FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace \
             JOIN pg_type bt ON bt.oid = t.typbasetype \
             WHERE t.typtype = 'd' AND {USER_SCHEMA} AND {member} ORDER BY 1, 2"
        ),
    )? {
        let name = qname(&r.get::<_, String>(0), &r.get::<_, String>(1));
        let mut s = format!("CREATE DOMAIN {name} AS {}", r.get::<_, String>(2));
        if let Some(c) = r.get::<_, Option<String>>(5) {
            let _ = write!(s, " COLLATE {c}");
        }
        if let Some(d) = r.get::<_, Option<String>>(4) {
            let _ = write!(s, " DEFAULT {d}");
        }
        if r.get::<_, bool>(3) {
            s.push_str(" NOT NULL");
        }
        let checks: Option<Vec<String>> = r.get(6);
        let mut later = Vec::new();
        for c in checks.unwrap_or_default() {
            if c.ends_with(" NOT VALID") {
                later.push(c);
            } else {
                let _ = write!(s, " CONSTRAINT {c}");
            }
        }
        let _ = writeln!(out, "{s};");
        for c in later {
            let _ = writeln!(out, "ALTER DOMAIN {name} ADD CONSTRAINT {c};");
        }
        comment(format!("DOMAIN {name}"), r.get(7));
    }
    for r in query(
        server,
        client,
        &format!(
            "SELECT n.nspname, t.typname, \
                    (SELECT array_agg(quote_ident(a.attname) || ' ' || format_type(a.atttypid, a.atttypmod) ORDER BY a.attnum) \
                     FROM pg_attribute a WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped), \
                    obj_description(t.oid, 'pg_type') \
             FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace \
             JOIN pg_class c ON c.oid = t.typrelid AND c.relkind = 'c' \
             WHERE {USER_SCHEMA} AND {member} ORDER BY 1, 2"
        ),
    )? {
        let name = qname(&r.get::<_, String>(0), &r.get::<_, String>(1));
        let attrs: Option<Vec<String>> = r.get(2);
        let _ = writeln!(
            out,
            "CREATE TYPE {name} AS ({});",
            attrs.unwrap_or_default().join(", ")
        );
        comment(format!("TYPE {name}"), r.get(3));
    }
    Ok(())
}

struct TableRow {
    oid: u32,
    name: String,
    kind: String,
    unlogged: bool,
    partition_of: Option<(u32, String)>,
    partition_key: Option<String>,
    parents: Vec<u32>,
    comment: Option<String>,
}

fn tables(
    server: &Server,
    client: &mut Client,
    out: &mut String,
    comment: &mut CommentSink,
) -> Result<(), PgError> {
    let rows = query(
        server,
        client,
        &format!(
            "SELECT c.oid, n.nspname, c.relname, c.relkind::text, c.relpersistence = 'u', \
                    c.relispartition, pg_get_expr(c.relpartbound, c.oid), \
                    CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END, \
                    (SELECT array_agg(i.inhparent ORDER BY i.inhseqno) FROM pg_inherits i WHERE i.inhrelid = c.oid), \
                    obj_description(c.oid, 'pg_class') \
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE c.relkind IN ('r', 'p') AND c.relpersistence <> 't' AND {USER_SCHEMA} AND {} \
             ORDER BY 2, 3",
            not_member("c.oid", "pg_class")
        ),
    )?;
    let mut tables: Vec<TableRow> = Vec::new();
    for r in rows {
        let oid: u32 = r.get(0);
        let parents: Option<Vec<u32>> = r.get(8);
        let parents = parents.unwrap_or_default();
        let is_partition: bool = r.get(5);
        let bound: Option<String> = r.get(6);
        tables.push(TableRow {
            oid,
            name: qname(&r.get::<_, String>(1), &r.get::<_, String>(2)),
            kind: r.get(3),
            unlogged: r.get(4),
            partition_of: match (is_partition, parents.first(), bound) {
                (true, Some(p), Some(b)) => Some((*p, b)),
                _ => None,
            },
            partition_key: r.get(7),
            parents: if is_partition { Vec::new() } else { parents },
            comment: r.get(9),
        });
    }
    let names: HashMap<u32, String> = tables.iter().map(|t| (t.oid, t.name.clone())).collect();

    let mut columns: BTreeMap<u32, Vec<ColumnRow>> = BTreeMap::new();
    for r in query(
        server,
        client,
        "SELECT a.attrelid, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, \
                pg_get_expr(d.adbin, d.adrelid), a.attidentity::text, a.attgenerated::text, \
                CASE WHEN a.attcollation <> t.typcollation THEN \
                    (SELECT quote_ident(cn.nspname) || '.' || quote_ident(co.collname) \
                     FROM pg_collation co JOIN pg_namespace cn ON cn.oid = co.collnamespace \
                     WHERE co.oid = a.attcollation) END, \
                a.attislocal, col_description(a.attrelid, a.attnum), \
                (SELECT quote_ident(sn.nspname) || '.' || quote_ident(s.relname) || ' START WITH ' || q.seqstart \
                        || ' INCREMENT BY ' || q.seqincrement || ' MINVALUE ' || q.seqmin \
                        || ' MAXVALUE ' || q.seqmax || ' CACHE ' || q.seqcache \
                        || CASE WHEN q.seqcycle THEN ' CYCLE' ELSE '' END \
                 FROM pg_depend dep JOIN pg_class s ON s.oid = dep.objid \
                 JOIN pg_namespace sn ON sn.oid = s.relnamespace \
                 JOIN pg_sequence q ON q.seqrelid = s.oid \
                 WHERE dep.refobjid = a.attrelid AND dep.refobjsubid = a.attnum \
                   AND dep.classid = 'pg_class'::regclass AND dep.deptype = 'i') \
         FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid \
         JOIN pg_type t ON t.oid = a.atttypid \
         LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum \
         WHERE c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped \
         ORDER BY a.attrelid, a.attnum",
    )? {
        columns.entry(r.get(0)).or_default().push(ColumnRow {
            name: r.get(1),
            data_type: r.get(2),
            not_null: r.get(3),
            default: r.get(4),
            identity: r.get(5),
            generated: r.get(6),
            collation: r.get(7),
            local: r.get(8),
            comment: r.get(9),
            identity_sequence: r.get(10),
        });
    }

    // Parents before children.
    let mut done: HashSet<u32> = HashSet::new();
    let mut order: Vec<&TableRow> = Vec::new();
    while order.len() < tables.len() {
        let before = order.len();
        for t in &tables {
            let deps = t
                .partition_of
                .iter()
                .map(|(p, _)| *p)
                .chain(t.parents.iter().copied());
            let ready = deps
                .into_iter()
                .all(|p| done.contains(&p) || !names.contains_key(&p));
            if !done.contains(&t.oid) && ready {
                done.insert(t.oid);
                order.push(t);
            }
        }
        if order.len() == before {
            break;
        }
    }

    for t in order {
        let cols = columns.get(&t.oid).map(Vec::as_slice).unwrap_or(&[]);
        let unlogged = if t.unlogged { "UNLOGGED " } else { "" };
        let mut s;
        if let Some((parent, bound)) = &t.partition_of {
            s = format!(
                "CREATE {unlogged}TABLE {} PARTITION OF {} {bound}",
                t.name,
                names.get(parent).cloned().unwrap_or_default()
            );
        } else {
            let defs: Vec<String> = cols
                .iter()
                .filter(|c| c.local)
                .map(|c| format!("    {}", c.definition()))
                .collect();
            s = format!(
                "CREATE {unlogged}TABLE {} (\n{}\n)",
                t.name,
                defs.join(",\n")
            );
            if !t.parents.is_empty() {
                let ps: Vec<String> = t
                    .parents
                    .iter()
                    .filter_map(|p| names.get(p).cloned())
                    .collect();
                let _ = write!(s, " INHERITS ({})", ps.join(", "));
            }
        }
        if t.kind == "p"
            && let Some(k) = &t.partition_key
        {
            let _ = write!(s, " PARTITION BY {k}");
        }
        let _ = writeln!(out, "{s};");
        for c in cols.iter().filter(|c| c.local) {
            if let Some(identity) = c.identity_sql(&t.name) {
                let _ = writeln!(out, "{identity}");
            }
        }
        // Inherited columns' own NOT NULL and defaults.
        for c in cols.iter().filter(|c| !c.local) {
            if c.not_null {
                let _ = writeln!(
                    out,
                    "ALTER TABLE ONLY {} ALTER COLUMN {} SET NOT NULL;",
                    t.name,
                    quote_ident(&c.name)
                );
            }
            if let (Some(d), "") = (&c.default, c.generated.as_str()) {
                let _ = writeln!(
                    out,
                    "ALTER TABLE ONLY {} ALTER COLUMN {} SET DEFAULT {d};",
                    t.name,
                    quote_ident(&c.name)
                );
            }
        }
        comment(format!("TABLE {}", t.name), t.comment.clone());
        for c in cols {
            comment(
                format!("COLUMN {}.{}", t.name, quote_ident(&c.name)),
                c.comment.clone(),
            );
        }
    }
    Ok(())
}

struct ColumnRow {
    name: String,
    data_type: String,
    not_null: bool,
    default: Option<String>,
    identity: String,
    generated: String,
    collation: Option<String>,
    local: bool,
    comment: Option<String>,
    identity_sequence: Option<String>,
}

impl ColumnRow {
    /// `ALTER TABLE ... ADD GENERATED ... AS IDENTITY`, written after the
    /// table as pg_dump does (the sequence options then name the sequence).
    fn identity_sql(&self, table: &str) -> Option<String> {
        let kind = match self.identity.as_str() {
            "a" => "ALWAYS",
            "d" => "BY DEFAULT",
            _ => return None,
        };
        let options = self
            .identity_sequence
            .as_ref()
            .map(|seq| format!(" (SEQUENCE NAME {seq})"))
            .unwrap_or_default();
        Some(format!(
            "ALTER TABLE ONLY {table} ALTER COLUMN {} ADD GENERATED {kind} AS IDENTITY{options};",
            quote_ident(&self.name)
        ))
    }

    fn definition(&self) -> String {
        let mut s = format!("{} {}", quote_ident(&self.name), self.data_type);
        if let Some(c) = &self.collation {
            let _ = write!(s, " COLLATE {c}");
        }
        match (self.generated.as_str(), &self.default) {
            ("s", Some(expr)) => {
                let _ = write!(s, " GENERATED ALWAYS AS ({expr}) STORED");
            }
            (_, Some(expr)) => {
                let _ = write!(s, " DEFAULT {expr}");
            }
            _ => {}
        }
        if self.not_null {
            s.push_str(" NOT NULL");
        }
        s
    }
}

fn views(
    server: &Server,
    client: &mut Client,
    out: &mut String,
    comment: &mut CommentSink,
) -> Result<(), PgError> {
    let rows = query(
        server,
        client,
        &format!(
            "SELECT c.oid, n.nspname, c.relname, c.relkind = 'm', c.relispopulated, \
                    pg_get_viewdef(c.oid), obj_description(c.oid, 'pg_class'), \
                    (SELECT array_agg(quote_ident(a.attname) || ' ' || quote_literal(col_description(c.oid, a.attnum))) \
                     FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 \
                       AND col_description(c.oid, a.attnum) IS NOT NULL) \
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE c.relkind IN ('v', 'm') AND {USER_SCHEMA} AND {} ORDER BY 2, 3",
            not_member("c.oid", "pg_class")
        ),
    )?;
    // Which views read which (through their rewrite rules).
    let mut reads: HashMap<u32, Vec<u32>> = HashMap::new();
    for r in query(
        server,
        client,
        "SELECT DISTINCT rw.ev_class, d.refobjid FROM pg_rewrite rw \
         JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = rw.oid \
         WHERE d.refclassid = 'pg_class'::regclass AND d.refobjid <> rw.ev_class",
    )? {
        reads.entry(r.get(0)).or_default().push(r.get(1));
    }
    let oids: HashSet<u32> = rows.iter().map(|r| r.get(0)).collect();
    let mut done: HashSet<u32> = HashSet::new();
    let mut pending: Vec<&postgres::Row> = rows.iter().collect();
    while !pending.is_empty() {
        let before = pending.len();
        let mut rest = Vec::new();
        for r in pending {
            let oid: u32 = r.get(0);
            let ready = reads
                .get(&oid)
                .is_none_or(|deps| deps.iter().all(|d| !oids.contains(d) || done.contains(d)));
            if !ready {
                rest.push(r);
                continue;
            }
            done.insert(oid);
            let name = qname(&r.get::<_, String>(1), &r.get::<_, String>(2));
            let materialized: bool = r.get(3);
            let def: String = r.get(5);
            let def = def.trim_end().trim_end_matches(';');
            if materialized {
                let no_data = if r.get::<_, bool>(4) {
                    ""
                } else {
                    " WITH NO DATA"
                };
                let _ = writeln!(out, "CREATE MATERIALIZED VIEW {name} AS\n{def}{no_data};");
                comment(format!("MATERIALIZED VIEW {name}"), r.get(6));
            } else {
                let _ = writeln!(out, "CREATE VIEW {name} AS\n{def};");
                comment(format!("VIEW {name}"), r.get(6));
            }
            let col_comments: Option<Vec<String>> = r.get(7);
            for c in col_comments.unwrap_or_default() {
                if let Some((col, text)) = c.split_once(' ') {
                    let _ = writeln!(out, "COMMENT ON COLUMN {name}.{col} IS {text};");
                }
            }
        }
        if rest.len() == before {
            break;
        }
        pending = rest;
    }
    Ok(())
}
