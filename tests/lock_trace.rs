//! The classifier's lock and rewrite predictions against a real PostgreSQL.
//!
//! Each case is a setup script and one statement. The setup runs on the
//! server and is replayed into the model; then the classifier predicts, from
//! the model, the lock the statement takes on each table (view, materialized
//! view) that existed before it and whether it rewrites, and the server runs
//! the statement in a transaction of its own
//! ([`turquoise::pg::trace::run_statement`]) and shows what it did. The two
//! must agree:
//!
//! - locks: per relation that existed before the statement, the predicted
//!   mode against the strongest mode `pg_locks` shows the transaction holding
//!   at its end. Locks on indexes, sequences, TOAST tables and catalogs, and
//!   on relations the statement created, are not compared;
//! - rewrite: `Table` when a table that still has data got a new
//!   `relfilenode`; `Index` when an index on such a table was built or
//!   rebuilt but the table was not rewritten; none otherwise. A new, empty
//!   file (TRUNCATE) is not a rewrite: it costs nothing however big the table.
//!
//! The `CONCURRENTLY` forms that refuse to run in a transaction block have
//! no transaction to read locks from at the end. They run on a connection of
//! their own, held up by "gates" (other sessions holding conflicting locks,
//! see [`run_gated`]), while a third connection samples, every few
//! milliseconds, the relation locks they hold or wait for. A lock taken and
//! released between two samples can be missed; the gates make the ones that
//! matter wait long enough to be seen.
//!
//! The predictions follow PostgreSQL's documentation (the sources are listed
//! in `src/classify/locks.rs`); this test checks them against the server the
//! tests run on, at its own major version, and prints a table of every
//! disagreement.

mod support;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};
use turquoise::classify::{Classifier, LockMode, Rewrite};
use turquoise::diagnostic::Location;
use turquoise::model::Replay;
use turquoise::pg::Server;
use turquoise::pg::trace::run_statement;
use turquoise::source::Script;
use turquoise::sql::{self, StatementKind};

/// Two tables with rows and indexes, `t` referencing nothing yet.
const BASE: &str = "
CREATE TABLE parent (id int PRIMARY KEY, name text NOT NULL);
INSERT INTO parent SELECT g, 'p' || g FROM generate_series(1, 100) g;
CREATE TABLE t (
    id int PRIMARY KEY,
    n int,
    s varchar(10),
    parent_id int,
    note text NOT NULL DEFAULT '',
    amount numeric(10, 2)
);
INSERT INTO t (id, n, s, parent_id, amount) SELECT g, g, 'x', g, g FROM generate_series(1, 100) g;
CREATE INDEX t_n_idx ON t (n);
CREATE INDEX t_s_idx ON t (s);
";

const FK: &str = "ALTER TABLE t ADD CONSTRAINT t_parent_fk FOREIGN KEY (parent_id) REFERENCES parent (id) NOT VALID;";
const CHECK: &str = "ALTER TABLE t ADD CONSTRAINT t_n_positive CHECK (n > 0) NOT VALID;";
const FUNCTION: &str =
    "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;";
const TRIGGER: &str =
    "CREATE TRIGGER t_touch BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION touch();";
const MATVIEW: &str = "
CREATE MATERIALIZED VIEW mv AS SELECT n, count(*) AS c FROM t GROUP BY n;
CREATE UNIQUE INDEX mv_n ON mv (n);
";
const VIEW: &str = "CREATE VIEW v AS SELECT id, n FROM t;";
const MATVIEW_OVER_VIEW: &str = "CREATE MATERIALIZED VIEW mv AS SELECT count(*) AS c FROM v;";
const UNLOGGED: &str = "
CREATE UNLOGGED TABLE u (id int PRIMARY KEY, v text);
INSERT INTO u SELECT g, 'v' FROM generate_series(1, 100) g;
";
const NO_PK: &str = "
CREATE TABLE nopk (id int, v text);
INSERT INTO nopk SELECT g, 'v' FROM generate_series(1, 100) g;
";
const CHILD: &str = "
CREATE TABLE child (id int PRIMARY KEY, parent_id int REFERENCES parent (id));
INSERT INTO child SELECT g, g FROM generate_series(1, 10) g;
";
const DEFAULT_PARTITION: &str = "
CREATE TABLE mdef PARTITION OF m DEFAULT;
INSERT INTO mdef VALUES (1, 1000);
";
const DOMAIN: &str = "
CREATE DOMAIN posint AS int;
CREATE TABLE d (x posint);
INSERT INTO d VALUES (1), (2);
";
const DOMAIN_CHECKED: &str = "CREATE DOMAIN pos AS int CHECK (VALUE > 0);";
const MOOD: &str = "
CREATE TYPE mood AS ENUM ('happy', 'sad');
CREATE TABLE feel (id int, m mood);
INSERT INTO feel VALUES (1, 'happy');
";
const INHERITANCE: &str = "
CREATE TABLE base (id int);
CREATE TABLE heir (x int) INHERITS (base);
INSERT INTO heir VALUES (1, 1);
";
const M_TRIGGER: &str =
    "CREATE TRIGGER m_touch BEFORE UPDATE ON m FOR EACH ROW EXECUTE FUNCTION touch();";
const UNIQUE_INDEX: &str = "CREATE UNIQUE INDEX t_n_key_idx ON t (n);";
const PARTITIONS: &str = "
CREATE TABLE m (id int, k int) PARTITION BY RANGE (k);
CREATE TABLE m1 PARTITION OF m FOR VALUES FROM (0) TO (100);
INSERT INTO m SELECT g, g FROM generate_series(1, 99) g;
CREATE TABLE m2 (id int, k int);
INSERT INTO m2 SELECT g, 100 + g FROM generate_series(0, 49) g;
";

/// How the statement runs.
#[derive(Clone, Copy)]
enum Run {
    /// In a transaction of its own; its locks are read before COMMIT.
    Transaction,
    /// Outside a transaction block, held up by these gates (see
    /// [`run_gated`]); its locks are read while it runs.
    Concurrently { gates: &'static [&'static str] },
    /// Needs at least this PostgreSQL major, else not run.
    Since(u32, &'static Run),
}

struct Case {
    setup: &'static [&'static str],
    sql: &'static str,
    run: Run,
}

const fn case(setup: &'static [&'static str], sql: &'static str) -> Case {
    Case {
        setup,
        sql,
        run: Run::Transaction,
    }
}

const fn concurrently(setup: &'static [&'static str], sql: &'static str) -> Case {
    Case {
        setup,
        sql,
        run: HOLD_T,
    }
}

/// Writers on `t`, whom the CONCURRENTLY forms wait for.
const HOLD_T: Run = Run::Concurrently {
    gates: &["LOCK TABLE t IN ROW EXCLUSIVE MODE"],
};

/// Writers on `m` first, then readers of the partition `m1`: DETACH
/// PARTITION CONCURRENTLY waits for the first, and its last step locks `m1`.
const HOLD_M: Run = Run::Concurrently {
    gates: &[
        "LOCK TABLE m IN ROW EXCLUSIVE MODE",
        "LOCK TABLE m1 IN ACCESS SHARE MODE",
    ],
};

const CASES: &[Case] = &[
    // ADD COLUMN
    case(&[], "ALTER TABLE t ADD COLUMN a int"),
    case(&[], "ALTER TABLE t ADD COLUMN a int DEFAULT 0"),
    case(&[], "ALTER TABLE t ADD COLUMN a int NOT NULL DEFAULT 0"),
    case(&[], "ALTER TABLE t ADD COLUMN a timestamptz DEFAULT now()"),
    case(
        &[],
        "ALTER TABLE t ADD COLUMN a timestamptz DEFAULT clock_timestamp()",
    ),
    case(&[], "ALTER TABLE t ADD COLUMN a float8 DEFAULT random()"),
    case(
        &[],
        "ALTER TABLE t ADD COLUMN a uuid DEFAULT gen_random_uuid()",
    ),
    case(&[], "ALTER TABLE t ADD COLUMN a serial"),
    case(
        &["CREATE SEQUENCE seq;"],
        "ALTER TABLE t ADD COLUMN a bigint DEFAULT nextval('seq')",
    ),
    case(
        &[],
        "ALTER TABLE t ADD COLUMN a timestamptz DEFAULT current_timestamp",
    ),
    case(
        &[],
        "ALTER TABLE t ADD COLUMN a jsonb NOT NULL DEFAULT '{}'",
    ),
    case(&[DOMAIN_CHECKED], "ALTER TABLE t ADD COLUMN a pos"),
    case(
        &[DOMAIN_CHECKED],
        "ALTER TABLE t ADD COLUMN a pos DEFAULT 1",
    ),
    case(
        &[],
        "ALTER TABLE t ADD COLUMN a int GENERATED ALWAYS AS IDENTITY",
    ),
    case(
        &[],
        "ALTER TABLE t ADD COLUMN a int GENERATED ALWAYS AS (n * 2) STORED",
    ),
    case(&[], "ALTER TABLE t ADD COLUMN a int REFERENCES parent (id)"),
    case(&[], "ALTER TABLE t ADD COLUMN a int UNIQUE"),
    case(&[], "ALTER TABLE t ADD COLUMN a int CHECK (a > 0)"),
    // ALTER COLUMN
    case(&[], "ALTER TABLE t ALTER COLUMN n TYPE bigint"),
    case(&[], "ALTER TABLE t ALTER COLUMN n TYPE text"),
    case(&[], "ALTER TABLE t ALTER COLUMN s TYPE varchar(20)"),
    case(&[], "ALTER TABLE t ALTER COLUMN s TYPE text"),
    case(&[], "ALTER TABLE t ALTER COLUMN s TYPE varchar(5)"),
    case(&[], "ALTER TABLE t ALTER COLUMN amount TYPE numeric(12, 2)"),
    case(&[], "ALTER TABLE t ALTER COLUMN amount TYPE numeric(8, 2)"),
    case(&[], "ALTER TABLE t ALTER COLUMN note TYPE varchar"),
    case(&[], "ALTER TABLE t ALTER COLUMN s TYPE varchar"),
    case(&[], "ALTER TABLE t ALTER COLUMN n TYPE int4"),
    case(
        &[],
        "ALTER TABLE t ALTER COLUMN s TYPE varchar(10) COLLATE \"POSIX\"",
    ),
    case(
        &["ALTER TABLE t ALTER COLUMN s TYPE varchar(10) COLLATE \"POSIX\";"],
        "ALTER TABLE t ALTER COLUMN s TYPE varchar(20)",
    ),
    case(
        &["ALTER TABLE t ALTER COLUMN s TYPE varchar(10) COLLATE \"POSIX\";"],
        "ALTER TABLE t ALTER COLUMN s TYPE varchar(20) COLLATE \"POSIX\"",
    ),
    case(&[], "ALTER TABLE t ALTER COLUMN n SET NOT NULL"),
    case(&[], "ALTER TABLE t ALTER COLUMN note DROP NOT NULL"),
    case(&[], "ALTER TABLE t ALTER COLUMN n SET DEFAULT 5"),
    case(&[], "ALTER TABLE t ALTER COLUMN note DROP DEFAULT"),
    case(&[], "ALTER TABLE t ALTER COLUMN n SET STATISTICS 500"),
    case(&[], "ALTER TABLE t ALTER COLUMN n SET (n_distinct = 100)"),
    case(&[], "ALTER TABLE t ALTER COLUMN n RESET (n_distinct)"),
    case(&[], "ALTER TABLE t ALTER COLUMN note SET STORAGE EXTERNAL"),
    case(&[], "ALTER TABLE t DROP COLUMN note"),
    case(&[FK], "ALTER TABLE t DROP COLUMN parent_id"),
    case(
        &[CHILD],
        "ALTER TABLE parent DROP CONSTRAINT parent_pkey CASCADE",
    ),
    case(&[], "ALTER TABLE t RENAME COLUMN n TO m"),
    case(&[FK], "ALTER TABLE t ALTER COLUMN parent_id TYPE bigint"),
    case(&[CHILD], "ALTER TABLE parent ALTER COLUMN id TYPE bigint"),
    case(&[CHILD], "ALTER TABLE parent DROP COLUMN id CASCADE"),
    case(
        &[],
        "ALTER TABLE t ALTER COLUMN n TYPE bigint USING n::bigint",
    ),
    case(&[], "ALTER TABLE t ALTER COLUMN note SET COMPRESSION pglz"),
    case(
        &[],
        "ALTER TABLE t ADD COLUMN a int, ADD COLUMN b float8 DEFAULT random()",
    ),
    // Constraints
    case(
        &[],
        "ALTER TABLE t ADD CONSTRAINT t_n_positive CHECK (n > 0)",
    ),
    case(
        &[],
        "ALTER TABLE t ADD CONSTRAINT t_n_positive CHECK (n > 0) NOT VALID",
    ),
    case(&[CHECK], "ALTER TABLE t VALIDATE CONSTRAINT t_n_positive"),
    case(&[CHECK], "ALTER TABLE t DROP CONSTRAINT t_n_positive"),
    case(
        &[],
        "ALTER TABLE t ADD CONSTRAINT t_parent_fk FOREIGN KEY (parent_id) REFERENCES parent (id)",
    ),
    case(
        &[],
        "ALTER TABLE t ADD CONSTRAINT t_parent_fk FOREIGN KEY (parent_id) REFERENCES parent (id) NOT VALID",
    ),
    case(&[FK], "ALTER TABLE t VALIDATE CONSTRAINT t_parent_fk"),
    case(&[FK], "ALTER TABLE t DROP CONSTRAINT t_parent_fk"),
    case(&[], "ALTER TABLE t ADD CONSTRAINT t_n_key UNIQUE (n)"),
    case(
        &[UNIQUE_INDEX],
        "ALTER TABLE t ADD CONSTRAINT t_n_key UNIQUE USING INDEX t_n_key_idx",
    ),
    case(&[NO_PK], "ALTER TABLE nopk ADD PRIMARY KEY (id)"),
    // Other ALTER TABLE forms
    case(&[], "ALTER TABLE t OWNER TO postgres"),
    case(&[], "ALTER TABLE t SET (autovacuum_enabled = false)"),
    case(&[], "ALTER TABLE t SET (parallel_workers = 2)"),
    case(&[], "ALTER TABLE t SET WITHOUT CLUSTER"),
    case(&[], "ALTER TABLE t SET ACCESS METHOD heap"),
    case(&[], "ALTER TABLE t REPLICA IDENTITY USING INDEX t_pkey"),
    case(
        &[FK],
        "ALTER TABLE t ALTER CONSTRAINT t_parent_fk DEFERRABLE",
    ),
    case(
        &[CHECK],
        "ALTER TABLE t RENAME CONSTRAINT t_n_positive TO t_n_pos",
    ),
    case(
        &[],
        "ALTER TABLE t ADD CONSTRAINT t_n_excl EXCLUDE USING btree (n WITH =)",
    ),
    case(
        &[],
        "ALTER TABLE t ADD CONSTRAINT t_n_key UNIQUE (n) DEFERRABLE",
    ),
    case(
        &[NO_PK, "CREATE UNIQUE INDEX nopk_id ON nopk (id);"],
        "ALTER TABLE nopk ADD PRIMARY KEY USING INDEX nopk_id",
    ),
    case(&[VIEW], "ALTER VIEW v RENAME TO v9"),
    case(&[VIEW], "ALTER VIEW v ALTER COLUMN n SET DEFAULT 0"),
    case(&[VIEW], "ALTER VIEW v SET (security_barrier = true)"),
    case(&[MATVIEW], "ALTER MATERIALIZED VIEW mv RENAME TO mv9"),
    case(&[MATVIEW], "CREATE INDEX mv_c ON mv (c)"),
    case(&[], "ALTER TABLE t RENAME TO t2"),
    case(&["CREATE SCHEMA other;"], "ALTER TABLE t SET SCHEMA other"),
    case(
        &[],
        "ALTER TABLE t ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY",
    ),
    case(&[], "ALTER TABLE t SET (fillfactor = 70)"),
    case(&[], "ALTER TABLE t RESET (fillfactor)"),
    case(&[], "ALTER TABLE t SET (toast.autovacuum_enabled = false)"),
    case(&[], "ALTER TABLE t SET UNLOGGED"),
    case(&[UNLOGGED], "ALTER TABLE u SET LOGGED"),
    case(&[], "ALTER TABLE t REPLICA IDENTITY FULL"),
    case(&[], "ALTER TABLE t ENABLE ROW LEVEL SECURITY"),
    case(&[], "ALTER TABLE t CLUSTER ON t_n_idx"),
    case(
        &[FUNCTION, TRIGGER],
        "ALTER TABLE t DISABLE TRIGGER t_touch",
    ),
    case(
        &[PARTITIONS],
        "ALTER TABLE m ATTACH PARTITION m2 FOR VALUES FROM (100) TO (200)",
    ),
    case(&[PARTITIONS], "ALTER TABLE m DETACH PARTITION m1"),
    case(
        &[PARTITIONS, DEFAULT_PARTITION],
        "ALTER TABLE m ATTACH PARTITION m2 FOR VALUES FROM (100) TO (200)",
    ),
    case(
        &[PARTITIONS, DEFAULT_PARTITION],
        "CREATE TABLE m3 PARTITION OF m FOR VALUES FROM (200) TO (300)",
    ),
    case(
        &[PARTITIONS, DEFAULT_PARTITION],
        "ALTER TABLE m DETACH PARTITION m1",
    ),
    case(&[PARTITIONS], "ALTER TABLE m ATTACH PARTITION m2 DEFAULT"),
    // A partitioned table: most statements recurse to the partitions
    case(&[PARTITIONS], "ALTER TABLE m ADD COLUMN a int"),
    case(&[PARTITIONS], "ALTER TABLE m ALTER COLUMN id TYPE bigint"),
    case(&[PARTITIONS], "ALTER TABLE m ALTER COLUMN k SET NOT NULL"),
    case(&[PARTITIONS], "ALTER TABLE m ALTER COLUMN id SET DEFAULT 1"),
    case(
        &[PARTITIONS],
        "ALTER TABLE m ALTER COLUMN id SET STATISTICS 100",
    ),
    case(
        &[PARTITIONS],
        "ALTER TABLE m ALTER COLUMN id SET (n_distinct = 10)",
    ),
    case(
        &[PARTITIONS],
        "ALTER TABLE m ADD CONSTRAINT m_k CHECK (k >= 0)",
    ),
    case(
        &[PARTITIONS],
        "ALTER TABLE m ADD CONSTRAINT m_fk FOREIGN KEY (id) REFERENCES parent (id)",
    ),
    case(&[PARTITIONS], "ALTER TABLE m ADD PRIMARY KEY (id, k)"),
    case(&[PARTITIONS], "ALTER TABLE m DROP COLUMN id"),
    case(&[PARTITIONS], "ALTER TABLE m RENAME COLUMN id TO ident"),
    case(&[PARTITIONS], "ALTER TABLE m RENAME TO mm"),
    case(&[PARTITIONS], "ALTER TABLE m ENABLE ROW LEVEL SECURITY"),
    case(
        &[PARTITIONS, FUNCTION],
        "CREATE TRIGGER m_touch BEFORE UPDATE ON m FOR EACH ROW EXECUTE FUNCTION touch()",
    ),
    case(
        &[PARTITIONS, FUNCTION, M_TRIGGER],
        "ALTER TABLE m DISABLE TRIGGER m_touch",
    ),
    case(
        &[PARTITIONS, FUNCTION, M_TRIGGER],
        "DROP TRIGGER m_touch ON m",
    ),
    case(&[PARTITIONS], "CREATE INDEX m_k_idx ON m (k)"),
    case(&[PARTITIONS], "SELECT count(*) FROM m"),
    case(&[PARTITIONS], "UPDATE m SET id = id + 1"),
    case(&[PARTITIONS], "INSERT INTO m VALUES (1, 1)"),
    case(&[PARTITIONS], "LOCK TABLE m IN SHARE MODE"),
    case(&[PARTITIONS], "ANALYZE m"),
    case(&[PARTITIONS], "TRUNCATE m"),
    case(&[PARTITIONS], "DROP TABLE m"),
    case(&[PARTITIONS], "ALTER TABLE m ALTER COLUMN id DROP DEFAULT"),
    case(
        &[PARTITIONS],
        "ALTER TABLE m ALTER COLUMN id SET STORAGE PLAIN",
    ),
    case(
        &[PARTITIONS, FUNCTION, M_TRIGGER],
        "ALTER TRIGGER m_touch ON m RENAME TO m_touched",
    ),
    case(
        &[PARTITIONS, FUNCTION],
        "CREATE TRIGGER m_once AFTER UPDATE ON m FOR EACH STATEMENT EXECUTE FUNCTION touch()",
    ),
    // Inheritance children: the same, except for triggers and indexes
    case(&[INHERITANCE], "ALTER TABLE base ADD COLUMN a int"),
    case(&[INHERITANCE], "SELECT * FROM base"),
    case(
        &[INHERITANCE],
        "ALTER TABLE ONLY base ALTER COLUMN id SET DEFAULT 1",
    ),
    case(&[INHERITANCE], "ANALYZE base"),
    case(&[INHERITANCE], "DROP TABLE base CASCADE"),
    case(&[INHERITANCE], "UPDATE base SET id = 2"),
    // Indexes
    case(&[], "CREATE INDEX t_note_idx ON t (note)"),
    case(&[], "CREATE UNIQUE INDEX t_id_n_idx ON t (id, n)"),
    case(&[], "CREATE INDEX IF NOT EXISTS t_n_idx ON t (n)"),
    case(&[], "DROP INDEX t_n_idx"),
    case(&[], "ALTER INDEX t_n_idx RENAME TO t_n_index"),
    case(&[], "ALTER INDEX t_n_idx SET (fillfactor = 80)"),
    case(&[], "REINDEX INDEX t_n_idx"),
    case(&[], "REINDEX TABLE t"),
    // Triggers
    case(
        &[FUNCTION],
        "CREATE TRIGGER t_touch BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION touch()",
    ),
    case(&[FUNCTION, TRIGGER], "DROP TRIGGER t_touch ON t"),
    case(
        &[FUNCTION, TRIGGER],
        "ALTER TRIGGER t_touch ON t RENAME TO t_touched",
    ),
    // Domains: their checks read every table that uses them
    case(
        &[DOMAIN],
        "ALTER DOMAIN posint ADD CONSTRAINT pos CHECK (VALUE > 0)",
    ),
    case(&[DOMAIN], "ALTER DOMAIN posint SET NOT NULL"),
    case(
        &[
            DOMAIN,
            "ALTER DOMAIN posint ADD CONSTRAINT pos CHECK (VALUE > 0) NOT VALID;",
        ],
        "ALTER DOMAIN posint VALIDATE CONSTRAINT pos",
    ),
    // Objects tables use or carry: types, functions, schemas, sequences,
    // statistics, rules, policies
    case(&[MOOD], "DROP TYPE mood CASCADE"),
    case(&[DOMAIN], "DROP DOMAIN posint CASCADE"),
    case(&[FUNCTION, TRIGGER], "DROP FUNCTION touch() CASCADE"),
    case(
        &["CREATE SCHEMA other; CREATE TABLE other.o (id int); INSERT INTO other.o VALUES (1);"],
        "DROP SCHEMA other CASCADE",
    ),
    case(
        &["CREATE SEQUENCE seq; ALTER TABLE t ALTER COLUMN n SET DEFAULT nextval('seq');"],
        "DROP SEQUENCE seq CASCADE",
    ),
    case(&[MOOD], "ALTER TYPE mood ADD VALUE 'meh'"),
    case(&[MOOD], "ALTER TYPE mood RENAME VALUE 'sad' TO 'blue'"),
    case(
        &["CREATE STATISTICS t_stats ON n, s FROM t;"],
        "ALTER STATISTICS t_stats SET STATISTICS 100",
    ),
    case(&[], "CREATE RULE t_r AS ON INSERT TO t DO INSTEAD NOTHING"),
    case(
        &["CREATE RULE t_r AS ON INSERT TO t DO INSTEAD NOTHING;"],
        "DROP RULE t_r ON t",
    ),
    case(
        &["CREATE POLICY t_all ON t USING (true);"],
        "DROP POLICY t_all ON t",
    ),
    case(
        &["CREATE POLICY t_all ON t USING (true);"],
        "ALTER POLICY t_all ON t USING (false)",
    ),
    case(&["CREATE SEQUENCE seq;"], "ALTER SEQUENCE seq OWNED BY t.n"),
    case(&[], "CREATE SEQUENCE seq OWNED BY t.n"),
    // Tables and views
    case(&[], "TRUNCATE t"),
    case(&[CHILD], "TRUNCATE parent CASCADE"),
    case(&[CHILD], "TRUNCATE child"),
    case(&[], "DROP TABLE t"),
    case(&[CHILD], "DROP TABLE child"),
    case(&[CHILD], "DROP TABLE parent CASCADE"),
    case(&[VIEW], "DROP TABLE t CASCADE"),
    case(
        &[],
        "CREATE TABLE c (id int PRIMARY KEY, parent_id int REFERENCES parent (id))",
    ),
    case(&[], "CREATE TABLE c (LIKE t)"),
    case(&[], "CREATE TABLE c AS SELECT * FROM t"),
    case(
        &[PARTITIONS],
        "CREATE TABLE m3 PARTITION OF m FOR VALUES FROM (200) TO (300)",
    ),
    case(&[], "CREATE VIEW v2 AS SELECT id, n FROM t"),
    case(&[VIEW], "CREATE OR REPLACE VIEW v AS SELECT id, n FROM t"),
    case(&[VIEW], "DROP VIEW v"),
    case(&[MATVIEW], "DROP MATERIALIZED VIEW mv"),
    case(&[MATVIEW], "REFRESH MATERIALIZED VIEW mv"),
    case(&[MATVIEW], "REFRESH MATERIALIZED VIEW CONCURRENTLY mv"),
    case(&[MATVIEW], "REFRESH MATERIALIZED VIEW mv WITH NO DATA"),
    case(&[VIEW, MATVIEW_OVER_VIEW], "REFRESH MATERIALIZED VIEW mv"),
    case(
        &[
            PARTITIONS,
            "CREATE MATERIALIZED VIEW mv AS SELECT count(*) AS c FROM m;",
        ],
        "REFRESH MATERIALIZED VIEW mv",
    ),
    case(&[VIEW], "CREATE MATERIALIZED VIEW mv2 AS SELECT * FROM v"),
    case(
        &[VIEW],
        "CREATE MATERIALIZED VIEW mv2 AS SELECT * FROM v WITH NO DATA",
    ),
    case(&[VIEW], "CREATE VIEW v2 AS SELECT * FROM v"),
    case(&[VIEW], "CREATE TABLE c AS SELECT * FROM v"),
    // Rows
    case(&[], "SELECT count(*) FROM t"),
    case(&[VIEW], "SELECT count(*) FROM v"),
    case(&[VIEW], "UPDATE v SET n = 1"),
    case(
        &[VIEW, "CREATE VIEW vv AS SELECT * FROM v;"],
        "DELETE FROM vv WHERE id = 1",
    ),
    case(
        &[
            VIEW,
            "CREATE VIEW j AS SELECT t.id, p.name FROM t JOIN parent p ON p.id = t.parent_id;",
        ],
        "SELECT * FROM j",
    ),
    case(&[], "UPDATE t SET n = n + 1"),
    case(
        &[],
        "INSERT INTO t (id, n, note) SELECT id + 1000, id, name FROM parent",
    ),
    case(&[], "DELETE FROM t WHERE id > 50"),
    case(&[], "SELECT * FROM t FOR UPDATE"),
    case(&[], "SELECT * FROM t FOR SHARE"),
    case(
        &[],
        "MERGE INTO t USING parent p ON t.id = p.id WHEN MATCHED THEN UPDATE SET n = 0",
    ),
    case(
        &[],
        "INSERT INTO t (id, n) VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET n = 2",
    ),
    case(&[], "TRUNCATE t RESTART IDENTITY"),
    // Explicit locks
    case(&[], "LOCK TABLE t IN SHARE MODE"),
    case(&[], "LOCK TABLE t IN ROW EXCLUSIVE MODE"),
    case(&[], "LOCK TABLE t"),
    // Maintenance and metadata
    case(&[], "ANALYZE t"),
    case(&[], "CLUSTER t USING t_pkey"),
    case(&[], "CREATE STATISTICS t_stats ON n, s FROM t"),
    case(&[], "COMMENT ON INDEX t_n_idx IS 'by n'"),
    case(&[], "COMMENT ON TABLE t IS 'rows'"),
    case(&[], "COMMENT ON COLUMN t.n IS 'a number'"),
    case(
        &[CHECK],
        "COMMENT ON CONSTRAINT t_n_positive ON t IS 'positive'",
    ),
    case(
        &[FUNCTION, TRIGGER],
        "COMMENT ON TRIGGER t_touch ON t IS 'touch'",
    ),
    case(&[VIEW], "COMMENT ON VIEW v IS 'a view'"),
    case(&[MATVIEW], "COMMENT ON MATERIALIZED VIEW mv IS 'counts'"),
    case(&[PARTITIONS], "COMMENT ON TABLE m IS 'parted'"),
    case(&[], "GRANT SELECT ON t TO PUBLIC"),
    case(&[], "CREATE POLICY t_all ON t USING (true)"),
    // Outside a transaction block
    concurrently(&[], "CREATE INDEX CONCURRENTLY t_note_idx ON t (note)"),
    concurrently(&[], "DROP INDEX CONCURRENTLY t_n_idx"),
    concurrently(
        &[],
        "CREATE UNIQUE INDEX CONCURRENTLY t_id_n_idx ON t (id, n)",
    ),
    Case {
        setup: &[],
        sql: "REINDEX TABLE CONCURRENTLY t",
        run: Run::Since(12, &HOLD_T),
    },
    Case {
        setup: &[],
        sql: "VACUUM t",
        run: Run::Concurrently {
            gates: &["LOCK TABLE t IN SHARE UPDATE EXCLUSIVE MODE"],
        },
    },
    Case {
        setup: &[],
        sql: "VACUUM FULL t",
        run: Run::Concurrently {
            gates: &["LOCK TABLE t IN ACCESS SHARE MODE"],
        },
    },
    Case {
        setup: &[],
        sql: "VACUUM (FULL, ANALYZE) t",
        run: Run::Concurrently {
            gates: &["LOCK TABLE t IN ACCESS SHARE MODE"],
        },
    },
    Case {
        setup: &[],
        sql: "VACUUM ANALYZE t",
        run: Run::Concurrently {
            gates: &["LOCK TABLE t IN SHARE UPDATE EXCLUSIVE MODE"],
        },
    },
    Case {
        setup: &[],
        sql: "REINDEX INDEX CONCURRENTLY t_n_idx",
        run: Run::Since(12, &HOLD_T),
    },
    Case {
        setup: &[PARTITIONS],
        sql: "ALTER TABLE m DETACH PARTITION m1 CONCURRENTLY",
        run: Run::Since(14, &HOLD_M),
    },
];

/// What a statement does to the relations that existed before it.
#[derive(Debug, Default, PartialEq)]
struct Effect {
    /// Strongest mode per relation, as `schema.name`.
    locks: BTreeMap<String, LockMode>,
    rewrite: Option<Rewrite>,
}

/// Relations that are not indexes, sequences or TOAST tables, by oid.
fn relations(client: &mut postgres::Client) -> HashMap<u32, String> {
    client
        .query(
            "SELECT c.oid, quote_ident(n.nspname) || '.' || quote_ident(c.relname) \
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE c.relkind IN ('r', 'p', 'm', 'v', 'f') \
               AND n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get::<_, u32>(0), r.get(1)))
        .collect()
}

/// An index outside the system schemas.
struct IndexRow {
    oid: u32,
    name: String,
    table: u32,
    relfilenode: u32,
}

fn indexes(client: &mut postgres::Client) -> Vec<IndexRow> {
    client
        .query(
            "SELECT i.indexrelid, quote_ident(n.nspname) || '.' || quote_ident(c.relname), i.indrelid, c.relfilenode \
             FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid \
             JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| IndexRow {
            oid: r.get(0),
            name: r.get(1),
            table: r.get(2),
            relfilenode: r.get(3),
        })
        .collect()
}

/// Whether the relation `oid` has any data (it still exists and its main
/// fork is not empty).
fn has_data(client: &mut postgres::Client, oid: u32) -> bool {
    client
        .query_one(
            "SELECT coalesce((SELECT pg_relation_size(oid) FROM pg_class WHERE oid = $1), 0) > 0",
            &[&oid],
        )
        .unwrap()
        .get(0)
}

/// The strongest mode per relation of `before`, from `(relation, mode)`
/// pairs where a relation is `schema.name` as it is named in `after` (the
/// statement may have renamed it) or, once dropped, its oid.
fn strongest(
    held: impl IntoIterator<Item = (String, String)>,
    before: &HashMap<u32, String>,
    after: &HashMap<u32, String>,
) -> BTreeMap<String, LockMode> {
    let oid_after: HashMap<&String, u32> = after.iter().map(|(oid, n)| (n, *oid)).collect();
    let mut out: BTreeMap<String, LockMode> = BTreeMap::new();
    for (relation, mode) in held {
        let oid = relation
            .parse::<u32>()
            .ok()
            .or_else(|| oid_after.get(&relation).copied());
        let Some(name) = oid.and_then(|oid| before.get(&oid)).cloned() else {
            continue;
        };
        let mode = LockMode::parse(&mode).unwrap_or_else(|| panic!("unknown lock mode {mode}"));
        let e = out.entry(name).or_insert(mode);
        *e = (*e).max(mode);
    }
    out
}

/// What the rewrites (relations with a new `relfilenode`, by name after the
/// statement) and new indexes amount to, for the relations of `before`. An
/// index dropped and made again on its old storage (ALTER COLUMN TYPE to a
/// binary-coercible type) is not built.
fn observed_rewrite(
    client: &mut postgres::Client,
    before: &HashMap<u32, String>,
    after: &HashMap<u32, String>,
    indexes_before: &[IndexRow],
    rewritten: &[String],
) -> Option<Rewrite> {
    let table_rewritten = after
        .iter()
        .filter(|(oid, name)| before.contains_key(oid) && rewritten.contains(name))
        .any(|(oid, _)| has_data(client, *oid));
    if table_rewritten {
        return Some(Rewrite::Table);
    }
    let old: BTreeSet<u32> = indexes_before.iter().map(|i| i.oid).collect();
    let old_storage: BTreeSet<u32> = indexes_before.iter().map(|i| i.relfilenode).collect();
    let index_built = indexes(client)
        .into_iter()
        .filter(|i| {
            before.contains_key(&i.table)
                && (rewritten.contains(&i.name)
                    || !(old.contains(&i.oid) || old_storage.contains(&i.relfilenode)))
        })
        .any(|i| has_data(client, i.table));
    index_built.then_some(Rewrite::Index)
}

/// What the server showed: `(relation, mode)` locks and the relations
/// with a new `relfilenode`.
struct Seen {
    held: Vec<(String, String)>,
    rewritten: Vec<String>,
}

fn failed(e: postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("failed: {}", db.message()),
        None => format!("failed: {e}"),
    }
}

/// Opens a transaction on a connection of its own and runs `gate` in it.
fn open_gate(conninfo: &str, gate: &str) -> Result<postgres::Client, String> {
    let mut c = support::connect(conninfo);
    c.batch_execute(&format!("SET lock_timeout = '5s'; BEGIN; {gate}"))
        .map_err(|e| format!("`{gate}` failed: {e}"))?;
    Ok(c)
}

/// Runs `sql` outside a transaction block and reads the relation locks it
/// holds or waits for while it runs. `gates` hold it up so that it can be
/// seen: the first is held (in an open transaction of its own) from before
/// it starts; once it waits, the others are taken and the first released;
/// they are released when it waits again.
fn run_gated(
    server: &Server,
    conninfo: &str,
    sql: &str,
    gates: &[&str],
    location: &Location,
) -> Result<Seen, String> {
    let mut runner = support::connect(conninfo);
    let mut watcher = support::connect(conninfo);
    let pid: i32 = runner
        .query_one("SELECT pg_backend_pid()", &[])
        .unwrap()
        .get(0);
    let mut first = Some(open_gate(conninfo, gates[0])?);
    let mut rest: Vec<postgres::Client> = Vec::new();
    let mut seen: Vec<(String, String)> = Vec::new();
    std::thread::scope(|scope| {
        let run = scope.spawn(move || run_statement(server, &mut runner, sql, false, location));
        let started = Instant::now();
        let mut waiting_since: Option<Instant> = None;
        let mut waited = false;
        let mut failure = None;
        while !run.is_finished() {
            let rows = watcher
                .query(
                    "SELECT l.locktype = 'relation', \
                            coalesce(quote_ident(n.nspname) || '.' || quote_ident(c.relname), l.relation::text, ''), \
                            l.mode, l.granted \
                     FROM pg_locks l LEFT JOIN pg_class c ON c.oid = l.relation \
                     LEFT JOIN pg_namespace n ON n.oid = c.relnamespace \
                     WHERE l.pid = $1",
                    &[&pid],
                )
                .unwrap();
            let mut on_relation = false;
            let mut waiting = false;
            for r in &rows {
                let granted: bool = r.get(3);
                if r.get::<_, bool>(0) {
                    seen.push((r.get(1), r.get(2)));
                    on_relation |= !granted;
                }
                waiting |= !granted;
            }
            if waiting {
                let since = *waiting_since.get_or_insert_with(Instant::now);
                if let Some(mut gate) = first.take() {
                    waited = true;
                    for g in &gates[1..] {
                        match open_gate(conninfo, g) {
                            Ok(c) => rest.push(c),
                            Err(e) => failure = Some(e),
                        }
                    }
                    gate.batch_execute("ROLLBACK").unwrap();
                    waiting_since = None;
                } else if on_relation || since.elapsed() > Duration::from_secs(1) {
                    rest.clear();
                }
            } else {
                waiting_since = None;
            }
            if started.elapsed() > Duration::from_secs(30) {
                failure = Some("did not finish within 30 s".to_owned());
                first = None;
                rest.clear();
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        first = None;
        rest.clear();
        let trace = run
            .join()
            .map_err(|_| "the statement's thread panicked".to_owned())?
            .map_err(|e| e.to_string())?
            .map_err(failed)?;
        if let Some(f) = failure {
            return Err(f);
        }
        if !waited {
            return Err(format!(
                "never waited for `{}`, so its locks could not be read",
                gates[0]
            ));
        }
        Ok(Seen {
            held: seen,
            rewritten: trace.rewrites,
        })
    })
}

/// The model's prediction for `sql` after `setup`, on PostgreSQL `pg`, for
/// the relations of `before`.
fn predict(
    setup: &str,
    sql: &str,
    pg: u32,
    in_transaction: bool,
    before: &HashMap<u32, String>,
) -> Result<Effect, String> {
    let script = Script::whole(PathBuf::from("setup.sql"), Arc::from(setup));
    let parsed = sql::parse_script(&script);
    let mut replay = Replay::new(vec!["public".to_owned()]);
    for st in &parsed.statements {
        match &st.kind {
            StatementKind::Parsed(stmt) => {
                replay.apply(stmt, &st.location);
            }
            _ => panic!("setup not understood at {}: {setup}", st.location),
        }
    }
    let stmt = sql::parse_statement(sql).map_err(|e| format!("not understood: {e}"))?;
    let hazards = Classifier::new(pg, in_transaction)
        .before(&stmt, &replay)
        .hazards;
    let existing: BTreeSet<&String> = before.values().collect();
    let locks = hazards
        .locks
        .iter()
        .filter(|l| !l.new)
        .map(|l| (format!("{}.{}", l.table.schema, l.table.name), l.mode))
        .filter(|(name, _)| existing.contains(name))
        .collect();
    Ok(Effect {
        locks,
        rewrite: hazards.rewrite,
    })
}

/// Runs `sql` after `setup` in `db` and reads what it did.
fn observe(
    server: &Server,
    db: &support::TestDb,
    setup: &str,
    sql: &str,
    run: &Run,
) -> Result<(Effect, HashMap<u32, String>), String> {
    let mut client = db.client();
    client
        .batch_execute(&format!(
            "DROP SCHEMA IF EXISTS other CASCADE; DROP SCHEMA public CASCADE; CREATE SCHEMA public; {setup}"
        ))
        .unwrap_or_else(|e| panic!("setup failed: {e}\n{setup}"));
    let before = relations(&mut client);
    let indexes_before = indexes(&mut client);
    let location = Location {
        path: PathBuf::from("case.sql"),
        line: 1,
        column: 1,
        start: 0,
        end: sql.len(),
    };
    let seen = match run {
        Run::Transaction => {
            let trace = run_statement(server, &mut client, sql, true, &location)
                .map_err(|e| e.to_string())?
                .map_err(failed)?;
            Seen {
                held: trace
                    .locks
                    .into_iter()
                    .map(|l| (l.relation, l.mode))
                    .collect(),
                rewritten: trace.rewrites,
            }
        }
        Run::Concurrently { gates } => run_gated(server, &db.conninfo, sql, gates, &location)?,
        Run::Since(_, run) => return observe(server, db, setup, sql, run),
    };
    let after = relations(&mut client);
    let locks = strongest(seen.held, &before, &after);
    let rewrite = observed_rewrite(
        &mut client,
        &before,
        &after,
        &indexes_before,
        &seen.rewritten,
    );
    Ok((Effect { locks, rewrite }, before))
}

fn show(locks: &BTreeMap<String, LockMode>, table: &str) -> String {
    locks
        .get(table)
        .map_or_else(|| "-".to_owned(), |m| m.sql().to_owned())
}

fn show_rewrite(r: Option<Rewrite>) -> String {
    r.map_or_else(|| "-".to_owned(), |r| r.to_string())
}

#[test]
fn predicted_locks_and_rewrites_match_the_server() {
    let db = support::fresh_database("lock_trace");
    let server = Server::from_url(&db.conninfo).unwrap_or_else(|e| panic!("{e}"));
    let pg = server.version_num().unwrap_or_else(|e| panic!("{e}")) / 10000;
    // One row per disagreement: case, what, predicted, observed.
    let mut rows: Vec<[String; 4]> = Vec::new();
    let mut checked = 0;
    let mut not_run = Vec::new();
    for (i, c) in CASES.iter().enumerate() {
        let (mut run, mut in_transaction) = (&c.run, true);
        loop {
            match run {
                Run::Since(major, inner) if pg >= *major => run = inner,
                Run::Concurrently { .. } => {
                    in_transaction = false;
                    break;
                }
                _ => break,
            }
        }
        if let Run::Since(major, _) = run {
            not_run.push(format!("{} (needs PostgreSQL {major})", c.sql));
            continue;
        }
        let label = format!("#{i} {}", c.sql);
        let setup = std::iter::once(BASE)
            .chain(c.setup.iter().copied())
            .collect::<Vec<_>>()
            .join("\n");
        checked += 1;
        let (observed, before) = match observe(&server, &db, &setup, c.sql, run) {
            Ok(o) => o,
            Err(e) => {
                rows.push([label, String::new(), String::new(), e]);
                continue;
            }
        };
        let predicted = match predict(&setup, c.sql, pg, in_transaction, &before) {
            Ok(p) => p,
            Err(e) => {
                rows.push([label, String::new(), e, String::new()]);
                continue;
            }
        };
        if predicted == observed {
            continue;
        }
        let tables: BTreeSet<&String> = predicted
            .locks
            .keys()
            .chain(observed.locks.keys())
            .collect();
        for table in tables {
            let (p, o) = (show(&predicted.locks, table), show(&observed.locks, table));
            if p != o {
                rows.push([label.clone(), format!("lock {table}"), p, o]);
            }
        }
        if predicted.rewrite != observed.rewrite {
            rows.push([
                label,
                "rewrite".to_owned(),
                show_rewrite(predicted.rewrite),
                show_rewrite(observed.rewrite),
            ]);
        }
    }
    let statements: BTreeSet<&str> = CASES.iter().map(|c| c.sql).collect();
    println!(
        "PostgreSQL {pg}: {checked} cases checked ({} different statements)",
        statements.len()
    );
    for n in &not_run {
        println!("not run: {n}");
    }
    if !rows.is_empty() {
        let mut table = format!(
            "{} of {checked} cases disagree with PostgreSQL {pg} (#n is the case's index in CASES):\n",
            rows.iter().map(|r| &r[0]).collect::<BTreeSet<_>>().len()
        );
        let header = ["case", "what", "predicted"];
        let w: Vec<usize> = (0..3)
            .map(|i| {
                rows.iter()
                    .map(|r| r[i].len())
                    .fold(header[i].len(), usize::max)
            })
            .collect();
        table.push_str(&format!(
            "{:w0$}  {:w1$}  {:w2$}  observed\n",
            header[0],
            header[1],
            header[2],
            w0 = w[0],
            w1 = w[1],
            w2 = w[2]
        ));
        for r in &rows {
            table.push_str(&format!(
                "{:w0$}  {:w1$}  {:w2$}  {}\n",
                r[0],
                r[1],
                r[2],
                r[3],
                w0 = w[0],
                w1 = w[1],
                w2 = w[2]
            ));
        }
        panic!("{table}");
    }
    assert!(checked >= 15);
}
