//! Unit tests of the fallback. Types and lowered elements come from
//! `types::parse_type` and `lower`, built in parallel: expectations that
//! need them are computed through them (`?` makes the expectation `None`
//! while they do not understand the input, which is then what the fallback
//! must answer too).

use super::parse;
use crate::sql::ir::*;

fn ty(text: &str) -> Option<TypeName> {
    crate::sql::types::parse_type(text).map(|p| p.type_name)
}

fn qn(s: &str) -> QualifiedName {
    match s.split_once('.') {
        Some((schema, name)) => QualifiedName::new(Some(schema), name),
        None => QualifiedName::unqualified(s),
    }
}

#[test]
fn drop_index_forms() {
    assert_eq!(
        parse("DROP INDEX CONCURRENTLY IF EXISTS a, public.\"B\" CASCADE"),
        Some(Stmt::DropIndex {
            names: vec![qn("a"), qn("public.B")],
            if_exists: true,
            cascade: true,
            concurrently: true,
        })
    );
    assert_eq!(
        parse("drop index Idx restrict"),
        Some(Stmt::DropIndex {
            names: vec![qn("idx")],
            if_exists: false,
            cascade: false,
            concurrently: false,
        })
    );
    assert_eq!(parse("DROP INDEX a b"), None);
}

#[test]
fn do_blocks() {
    assert_eq!(
        parse("DO $$ BEGIN PERFORM 1; END $$"),
        Some(Stmt::Do {
            body: " BEGIN PERFORM 1; END ".to_owned()
        })
    );
    assert_eq!(
        parse("DO LANGUAGE plpgsql $tag$x$tag$"),
        Some(Stmt::Do {
            body: "x".to_owned()
        })
    );
    assert_eq!(
        parse("DO 'it''s' LANGUAGE plpgsql"),
        Some(Stmt::Do {
            body: "it's".to_owned()
        })
    );
}

#[test]
fn sequences() {
    let expected = (|| {
        Some(Stmt::CreateSequence(CreateSequence {
            name: qn("public.s"),
            if_not_exists: false,
            temporary: false,
            options: SequenceOptions {
                data_type: Some(ty("integer")?),
                start: Some(1),
                increment: Some(1),
                min_value: Some(None),
                max_value: Some(None),
                cache: Some(1),
                ..Default::default()
            },
        }))
    })();
    assert_eq!(
        parse(
            "CREATE SEQUENCE public.s\n    AS integer\n    START WITH 1\n    INCREMENT BY 1\n    NO MINVALUE\n    NO MAXVALUE\n    CACHE 1"
        ),
        expected
    );
    assert_eq!(
        parse(
            "CREATE TEMP SEQUENCE IF NOT EXISTS s INCREMENT 1 MINVALUE -5 MAXVALUE 9 START 2 CYCLE"
        ),
        Some(Stmt::CreateSequence(CreateSequence {
            name: qn("s"),
            if_not_exists: true,
            temporary: true,
            options: SequenceOptions {
                increment: Some(1),
                min_value: Some(Some(-5)),
                max_value: Some(Some(9)),
                start: Some(2),
                cycle: Some(true),
                ..Default::default()
            },
        }))
    );
    let alter = |action| {
        Some(Stmt::AlterSequence(AlterSequence {
            name: qn("s"),
            if_exists: false,
            action,
        }))
    };
    assert_eq!(
        parse("ALTER SEQUENCE s OWNED BY public.t.id"),
        alter(AlterSequenceAction::Options(SequenceOptions {
            owned_by: Some(Some((qn("public.t"), "id".to_owned()))),
            ..Default::default()
        }))
    );
    assert_eq!(
        parse("ALTER SEQUENCE s OWNED BY NONE RESTART NO CYCLE"),
        alter(AlterSequenceAction::Options(SequenceOptions {
            owned_by: Some(None),
            restart: Some(None),
            cycle: Some(false),
            ..Default::default()
        }))
    );
    assert_eq!(
        parse(
            "ALTER SEQUENCE s RESTART WITH 10 INCREMENT BY 2 NO MAXVALUE MINVALUE 1 START WITH 3 CACHE 5"
        ),
        alter(AlterSequenceAction::Options(SequenceOptions {
            restart: Some(Some(10)),
            increment: Some(2),
            max_value: Some(None),
            min_value: Some(Some(1)),
            start: Some(3),
            cache: Some(5),
            ..Default::default()
        }))
    );
    assert_eq!(
        parse("ALTER SEQUENCE s AS bigint"),
        (|| {
            alter(AlterSequenceAction::Options(SequenceOptions {
                data_type: Some(ty("bigint")?),
                ..Default::default()
            }))
        })()
    );
    assert_eq!(
        parse("ALTER SEQUENCE s RENAME TO T2"),
        alter(AlterSequenceAction::RenameTo {
            new_name: "t2".to_owned()
        })
    );
    assert_eq!(
        parse("ALTER SEQUENCE s SET SCHEMA x"),
        alter(AlterSequenceAction::SetSchema {
            schema: "x".to_owned()
        })
    );
    assert_eq!(
        parse("ALTER SEQUENCE s OWNER TO bob"),
        alter(AlterSequenceAction::Other {
            what: "OWNER TO".to_owned()
        })
    );
    assert_eq!(
        parse("ALTER SEQUENCE IF EXISTS s CACHE 2"),
        Some(Stmt::AlterSequence(AlterSequence {
            name: qn("s"),
            if_exists: true,
            action: AlterSequenceAction::Options(SequenceOptions {
                cache: Some(2),
                ..Default::default()
            }),
        }))
    );
    assert_eq!(parse("ALTER SEQUENCE s"), None);
    assert_eq!(parse("ALTER SEQUENCE s BOGUS 1"), None);
}

fn alter_table(sql: &str) -> Option<(AlterTable, Vec<AlterTableOp>)> {
    match parse(sql)? {
        Stmt::AlterTable(t) => {
            let ops = t.ops.clone();
            Some((t, ops))
        }
        _ => None,
    }
}

#[test]
fn alter_table_partitions_and_constraints() {
    let (t, ops) = alter_table(
        "ALTER TABLE IF EXISTS ONLY m ATTACH PARTITION m_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')",
    )
    .unwrap_or_else(|| panic!("attach"));
    assert!(t.if_exists && t.only);
    assert_eq!(t.name, qn("m"));
    assert_eq!(
        ops,
        [AlterTableOp::AttachPartition {
            partition: qn("m_2024"),
            bound: "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')".to_owned()
        }]
    );
    let (_, ops) = alter_table("ALTER TABLE m ATTACH PARTITION d DEFAULT")
        .unwrap_or_else(|| panic!("default"));
    assert_eq!(
        ops,
        [AlterTableOp::AttachPartition {
            partition: qn("d"),
            bound: "DEFAULT".to_owned()
        }]
    );
    for (sql, concurrently) in [
        ("ALTER TABLE m DETACH PARTITION p CONCURRENTLY", true),
        ("ALTER TABLE m DETACH PARTITION p FINALIZE", false),
        ("ALTER TABLE m DETACH PARTITION p", false),
    ] {
        let (_, ops) = alter_table(sql).unwrap_or_else(|| panic!("{sql}"));
        assert_eq!(
            ops,
            [AlterTableOp::DetachPartition {
                partition: qn("p"),
                concurrently
            }]
        );
    }
    let (_, ops) = alter_table("ALTER TABLE t ALTER CONSTRAINT fk DEFERRABLE INITIALLY DEFERRED, ALTER CONSTRAINT c2 NOT DEFERRABLE")
        .unwrap_or_else(|| panic!("alter constraint"));
    assert_eq!(
        ops,
        [
            AlterTableOp::AlterConstraint {
                name: "fk".to_owned(),
                deferrable: Some(true),
                initially_deferred: Some(true)
            },
            AlterTableOp::AlterConstraint {
                name: "c2".to_owned(),
                deferrable: Some(false),
                initially_deferred: None
            }
        ]
    );
    let (_, ops) = alter_table("ALTER TABLE t ADD CONSTRAINT t_a_nn NOT NULL a")
        .unwrap_or_else(|| panic!("not null"));
    assert_eq!(
        ops,
        [AlterTableOp::AddConstraint(TableConstraint {
            name: Some("t_a_nn".to_owned()),
            kind: ConstraintKind::NotNull {
                column: "a".to_owned()
            },
            deferrable: None,
            initially_deferred: None,
            not_valid: false,
        })]
    );
    let (_, ops) =
        alter_table("ALTER TABLE t ADD CONSTRAINT t_pkey PRIMARY KEY USING INDEX t_idx DEFERRABLE")
            .unwrap_or_else(|| panic!("using index"));
    assert_eq!(
        ops,
        [AlterTableOp::AddConstraintUsingIndex {
            name: Some("t_pkey".to_owned()),
            primary_key: true,
            index: "t_idx".to_owned(),
            deferrable: Some(true),
            initially_deferred: None,
        }]
    );
}

#[test]
fn alter_table_subcommands_without_expressions() {
    let (t, ops) = alter_table(
        "ALTER TABLE \"T\" * DROP COLUMN IF EXISTS a CASCADE, DROP b, DROP CONSTRAINT IF EXISTS c, \
         ALTER COLUMN d DROP DEFAULT, ALTER e SET NOT NULL, ALTER COLUMN f DROP NOT NULL, \
         ALTER COLUMN g DROP IDENTITY IF EXISTS, ALTER COLUMN h DROP EXPRESSION, \
         ALTER COLUMN i SET STATISTICS 100, ALTER COLUMN j SET (n_distinct = 5), \
         VALIDATE CONSTRAINT k, INHERIT p, NO INHERIT q, SET LOGGED, SET UNLOGGED, \
         ENABLE ROW LEVEL SECURITY, DISABLE TRIGGER ALL, REPLICA IDENTITY FULL, OWNER TO bob, \
         SET (fillfactor = 70), CLUSTER ON t_idx, SET TABLESPACE fast",
    )
    .unwrap_or_else(|| panic!("alter table"));
    assert_eq!(t.name, qn("T"));
    let s = |x: &str| x.to_owned();
    assert_eq!(
        ops,
        [
            AlterTableOp::DropColumn {
                name: s("a"),
                if_exists: true,
                cascade: true
            },
            AlterTableOp::DropColumn {
                name: s("b"),
                if_exists: false,
                cascade: false
            },
            AlterTableOp::DropConstraint {
                name: s("c"),
                if_exists: true,
                cascade: false
            },
            AlterTableOp::DropDefault { column: s("d") },
            AlterTableOp::SetNotNull { column: s("e") },
            AlterTableOp::DropNotNull { column: s("f") },
            AlterTableOp::DropIdentity {
                column: s("g"),
                if_exists: true
            },
            AlterTableOp::DropExpression {
                column: s("h"),
                if_exists: false
            },
            AlterTableOp::AlterColumnOther {
                column: s("i"),
                what: s("SET STATISTICS")
            },
            AlterTableOp::AlterColumnOther {
                column: s("j"),
                what: s("SET (options)")
            },
            AlterTableOp::ValidateConstraint { name: s("k") },
            AlterTableOp::Inherit { parent: qn("p") },
            AlterTableOp::NoInherit { parent: qn("q") },
            AlterTableOp::SetLogged,
            AlterTableOp::SetUnlogged,
            AlterTableOp::Other {
                what: s("ENABLE ROW LEVEL SECURITY")
            },
            AlterTableOp::Other {
                what: s("DISABLE TRIGGER")
            },
            AlterTableOp::Other {
                what: s("REPLICA IDENTITY")
            },
            AlterTableOp::Other {
                what: s("OWNER TO")
            },
            AlterTableOp::Other { what: s("SET") },
            AlterTableOp::Other {
                what: s("CLUSTER ON")
            },
            AlterTableOp::Other {
                what: s("SET TABLESPACE")
            },
        ]
    );
    for (sql, op) in [
        (
            "ALTER TABLE t RENAME COLUMN a TO b",
            AlterTableOp::RenameColumn {
                name: s("a"),
                new_name: s("b"),
            },
        ),
        (
            "ALTER TABLE t RENAME a TO \"B\"",
            AlterTableOp::RenameColumn {
                name: s("a"),
                new_name: s("B"),
            },
        ),
        (
            "ALTER TABLE t RENAME CONSTRAINT a TO b",
            AlterTableOp::RenameConstraint {
                name: s("a"),
                new_name: s("b"),
            },
        ),
        (
            "ALTER TABLE t RENAME TO u",
            AlterTableOp::RenameTo { new_name: s("u") },
        ),
        (
            "ALTER TABLE t SET SCHEMA x",
            AlterTableOp::SetSchema { schema: s("x") },
        ),
    ] {
        assert_eq!(
            alter_table(sql).map(|(_, ops)| ops),
            Some(vec![op]),
            "{sql}"
        );
    }
    assert_eq!(parse("ALTER TABLE t FROBNICATE"), None);
    assert_eq!(parse("ALTER TABLE t DROP COLUMN a b"), None);
    assert_eq!(parse("ALTER TABLE t"), None);
}

#[test]
fn identity_columns() {
    let src = "ALTER TABLE public.t ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (\n    SEQUENCE NAME public.t_id_seq\n    START WITH 1\n    INCREMENT BY 1\n    NO MINVALUE\n    NO MAXVALUE\n    CACHE 1\n)";
    let (_, ops) = alter_table(src).unwrap_or_else(|| panic!("identity"));
    assert_eq!(
        ops,
        [AlterTableOp::AddIdentity {
            column: "id".to_owned(),
            identity: Identity {
                always: false,
                options: SequenceOptions {
                    start: Some(1),
                    increment: Some(1),
                    min_value: Some(None),
                    max_value: Some(None),
                    cache: Some(1),
                    ..Default::default()
                }
            }
        }]
    );
    let (_, ops) = alter_table(
        "ALTER TABLE t ALTER COLUMN id SET GENERATED ALWAYS SET INCREMENT BY 2 RESTART WITH 5",
    )
    .unwrap_or_else(|| panic!("alter identity"));
    assert_eq!(
        ops,
        [AlterTableOp::AlterIdentity {
            column: "id".to_owned(),
            always: Some(true),
            options: SequenceOptions {
                increment: Some(2),
                restart: Some(Some(5)),
                ..Default::default()
            }
        }]
    );
}

/// Forms whose pieces go through sqlparser and `lower`: the fallback must
/// agree with lowering the same piece in a CREATE TABLE.
#[test]
fn alter_table_forms_that_reuse_lowering() {
    let default = super::sql_expr("nextval('public.s'::regclass)");
    assert_eq!(
        alter_table(
            "ALTER TABLE ONLY public.t ALTER COLUMN id SET DEFAULT nextval('public.s'::regclass)"
        )
        .map(|(t, ops)| (t.only, ops)),
        default.map(|expr| (
            true,
            vec![AlterTableOp::SetDefault {
                column: "id".to_owned(),
                expr
            }]
        ))
    );
    let element = super::table_element("CONSTRAINT fk FOREIGN KEY (a) REFERENCES u (id)");
    assert_eq!(
        alter_table(
            "ALTER TABLE ONLY t ADD CONSTRAINT fk FOREIGN KEY (a) REFERENCES u (id) NOT VALID"
        )
        .map(|(_, ops)| ops),
        match element {
            Some(TableElement::Constraint(mut k)) => {
                k.not_valid = true;
                Some(vec![AlterTableOp::AddConstraint(k)])
            }
            _ => None,
        }
    );
    let element = super::table_element("c integer NOT NULL DEFAULT 0");
    assert_eq!(
        alter_table("ALTER TABLE t ADD COLUMN IF NOT EXISTS c integer NOT NULL DEFAULT 0")
            .map(|(_, ops)| ops),
        match element {
            Some(TableElement::Column(column)) => Some(vec![AlterTableOp::AddColumn {
                column,
                if_not_exists: true
            }]),
            _ => None,
        }
    );
    let expected = (|| {
        Some(vec![AlterTableOp::AlterColumnType {
            column: "c".to_owned(),
            data_type: ty("bigint")?,
            using: Some(super::sql_expr("c::bigint")?),
            collation: None,
        }])
    })();
    assert_eq!(
        alter_table("ALTER TABLE t ALTER COLUMN c SET DATA TYPE bigint USING c::bigint")
            .map(|(_, ops)| ops),
        expected
    );
}

#[test]
fn alter_index_view_function_type_domain_schema() {
    assert_eq!(
        parse("ALTER INDEX IF EXISTS a RENAME TO b"),
        Some(Stmt::AlterIndex {
            name: qn("a"),
            if_exists: true,
            action: AlterIndexAction::RenameTo {
                new_name: "b".to_owned()
            }
        })
    );
    assert_eq!(
        parse("ALTER INDEX p_idx ATTACH PARTITION s.c_idx"),
        Some(Stmt::AlterIndex {
            name: qn("p_idx"),
            if_exists: false,
            action: AlterIndexAction::AttachPartition {
                index: qn("s.c_idx")
            }
        })
    );
    assert_eq!(
        parse("ALTER INDEX i SET (fillfactor = 80)"),
        Some(Stmt::AlterIndex {
            name: qn("i"),
            if_exists: false,
            action: AlterIndexAction::Other {
                what: "SET".to_owned()
            }
        })
    );
    assert_eq!(
        parse("ALTER MATERIALIZED VIEW IF EXISTS mv RENAME COLUMN a TO b"),
        Some(Stmt::AlterView {
            name: qn("mv"),
            materialized: true,
            if_exists: true,
            action: AlterViewAction::RenameColumn {
                name: "a".to_owned(),
                new_name: "b".to_owned()
            }
        })
    );
    assert_eq!(
        parse("ALTER FUNCTION public.f() OWNER TO bob"),
        Some(Stmt::AlterFunction {
            function: FunctionRef {
                name: qn("public.f"),
                arg_types: Some(vec![])
            },
            action: AlterFunctionAction::Other {
                what: "OWNER TO".to_owned()
            }
        })
    );
    assert_eq!(
        parse("ALTER FUNCTION f(a integer, OUT b text) RENAME TO g"),
        (|| {
            Some(Stmt::AlterFunction {
                function: FunctionRef {
                    name: qn("f"),
                    arg_types: Some(vec![ty("integer")?]),
                },
                action: AlterFunctionAction::RenameTo {
                    new_name: "g".to_owned(),
                },
            })
        })()
    );
    assert_eq!(
        parse("ALTER TYPE public.mood OWNER TO bob"),
        Some(Stmt::AlterType(AlterType {
            name: qn("public.mood"),
            action: AlterTypeAction::Other {
                what: "OWNER TO".to_owned()
            }
        }))
    );
    assert_eq!(
        parse("ALTER DOMAIN d DROP CONSTRAINT IF EXISTS c CASCADE"),
        Some(Stmt::AlterDomain {
            name: qn("d"),
            action: AlterDomainAction::DropConstraint {
                name: "c".to_owned(),
                if_exists: true,
                cascade: true
            }
        })
    );
    assert_eq!(
        parse("ALTER SCHEMA a RENAME TO b"),
        Some(Stmt::RenameSchema {
            name: "a".to_owned(),
            new_name: "b".to_owned()
        })
    );
}

#[test]
fn reindex_and_refresh() {
    assert_eq!(
        parse("REINDEX (VERBOSE) INDEX CONCURRENTLY public.i"),
        Some(Stmt::Reindex {
            target: "INDEX".to_owned(),
            name: qn("public.i"),
            concurrently: true
        })
    );
    assert_eq!(
        parse("reindex table t"),
        Some(Stmt::Reindex {
            target: "TABLE".to_owned(),
            name: qn("t"),
            concurrently: false
        })
    );
    assert_eq!(
        parse("REINDEX SYSTEM"),
        Some(Stmt::Reindex {
            target: "SYSTEM".to_owned(),
            name: qn(""),
            concurrently: false
        })
    );
    assert_eq!(
        parse("REFRESH MATERIALIZED VIEW CONCURRENTLY mv WITH NO DATA"),
        Some(Stmt::RefreshMaterializedView {
            name: qn("mv"),
            concurrently: true,
            with_data: false
        })
    );
    assert_eq!(
        parse("REFRESH MATERIALIZED VIEW mv"),
        Some(Stmt::RefreshMaterializedView {
            name: qn("mv"),
            concurrently: false,
            with_data: true
        })
    );
}

#[test]
fn comments() {
    let comment = |target, text: Option<&str>| {
        Some(Stmt::Comment {
            target,
            text: text.map(str::to_owned),
        })
    };
    assert_eq!(
        parse("COMMENT ON FUNCTION f() IS 'it''s'"),
        comment(
            CommentTarget::Function(FunctionRef {
                name: qn("f"),
                arg_types: Some(vec![])
            }),
            Some("it's")
        )
    );
    assert_eq!(
        parse("COMMENT ON FUNCTION random_string(int4) IS NULL"),
        (|| {
            comment(
                CommentTarget::Function(FunctionRef {
                    name: qn("random_string"),
                    arg_types: Some(vec![ty("int4")?]),
                }),
                None,
            )
        })()
    );
    assert_eq!(
        parse("COMMENT ON AGGREGATE agg(*) IS E'a\\nb'"),
        comment(
            CommentTarget::Function(FunctionRef {
                name: qn("agg"),
                arg_types: Some(vec![])
            }),
            Some("a\nb")
        )
    );
    assert_eq!(
        parse("comment on constraint fk on public.t is\n 'x'"),
        comment(
            CommentTarget::Constraint {
                name: "fk".to_owned(),
                table: qn("public.t")
            },
            Some("x")
        )
    );
    assert_eq!(
        parse("COMMENT ON TRIGGER trg ON t IS $$dollar 'quoted'$$"),
        comment(
            CommentTarget::Trigger {
                name: "trg".to_owned(),
                table: qn("t")
            },
            Some("dollar 'quoted'")
        )
    );
    assert_eq!(
        parse("COMMENT ON MATERIALIZED VIEW s.mv IS 'm'"),
        comment(CommentTarget::MaterializedView(qn("s.mv")), Some("m"))
    );
    assert_eq!(
        parse("COMMENT ON COLUMN s.t.c IS 'c'"),
        comment(
            CommentTarget::Column {
                table: qn("s.t"),
                column: "c".to_owned()
            },
            Some("c")
        )
    );
    assert_eq!(
        parse("COMMENT ON EXTENSION pgcrypto IS 'is'"),
        comment(CommentTarget::Extension("pgcrypto".to_owned()), Some("is"))
    );
    assert_eq!(
        parse("COMMENT ON POLICY p ON t IS 'p'"),
        comment(
            CommentTarget::Other {
                kind: "POLICY".to_owned(),
                object: "p ON t".to_owned()
            },
            Some("p")
        )
    );
    for (kind, target) in [
        ("INDEX", CommentTarget::Index(qn("x"))),
        ("SEQUENCE", CommentTarget::Sequence(qn("x"))),
        ("TYPE", CommentTarget::Type(qn("x"))),
        ("DOMAIN", CommentTarget::Domain(qn("x"))),
        ("VIEW", CommentTarget::View(qn("x"))),
        ("TABLE", CommentTarget::Table(qn("x"))),
        ("SCHEMA", CommentTarget::Schema("x".to_owned())),
    ] {
        assert_eq!(
            parse(&format!("COMMENT ON {kind} x IS 'y'")),
            comment(target, Some("y"))
        );
    }
    assert_eq!(parse("COMMENT ON TABLE t IS"), None);
    assert_eq!(parse("COMMENT ON TABLE t IS 'a' 'b' c"), None);
}

#[test]
fn create_extension_and_set() {
    assert_eq!(
        parse("CREATE EXTENSION IF NOT EXISTS ltree SCHEMA public"),
        Some(Stmt::CreateExtension {
            name: "ltree".to_owned(),
            if_not_exists: true,
            schema: Some("public".to_owned()),
            version: None
        })
    );
    assert_eq!(
        parse("CREATE EXTENSION \"uuid-ossp\" WITH SCHEMA s VERSION '1.1' CASCADE"),
        Some(Stmt::CreateExtension {
            name: "uuid-ossp".to_owned(),
            if_not_exists: false,
            schema: Some("s".to_owned()),
            version: Some("1.1".to_owned())
        })
    );
    assert_eq!(
        parse("SELECT pg_catalog.set_config('search_path', '', false)"),
        Some(Stmt::Set {
            name: "search_path".to_owned(),
            value: Some(String::new()),
            local: false
        })
    );
    assert_eq!(parse("SELECT set_config('a', 'b', false), 1"), None);
    assert_eq!(
        parse("SET default_table_access_method = heap"),
        Some(Stmt::Set {
            name: "default_table_access_method".to_owned(),
            value: Some("heap".to_owned()),
            local: false
        })
    );
    assert_eq!(
        parse("SET LOCAL search_path TO 'a', public"),
        Some(Stmt::Set {
            name: "search_path".to_owned(),
            value: Some("'a', public".to_owned()),
            local: true
        })
    );
    assert_eq!(
        parse("RESET lock_timeout"),
        Some(Stmt::Set {
            name: "lock_timeout".to_owned(),
            value: None,
            local: false
        })
    );
}

#[test]
fn materialized_views() {
    let src = "CREATE MATERIALIZED VIEW public.recent AS\n SELECT versions.crate_id,\n    sum(vd.downloads) AS downloads\n   FROM (public.version_downloads vd\n     JOIN public.versions ON ((vd.version_id = versions.id)))\n  WHERE (vd.date > (CURRENT_DATE - '90 days'::interval))\n  GROUP BY versions.crate_id\n  WITH NO DATA";
    let Some(Stmt::CreateView(v)) = parse(src) else {
        panic!("materialized view not recognised");
    };
    assert!(v.materialized && !v.with_data);
    assert_eq!(v.name, qn("public.recent"));
    assert_eq!(
        v.query.relations,
        [qn("public.version_downloads"), qn("public.versions")]
    );
    if !v.query.sql.starts_with("SELECT") || v.query.sql.ends_with("DATA") {
        panic!("query text: {}", v.query.sql);
    }
    for col in ["crate_id", "downloads", "version_id", "id", "date"] {
        assert!(
            v.query.columns.iter().any(|c| c == col),
            "{col} in {:?}",
            v.query.columns
        );
    }
    assert!(
        !v.query
            .columns
            .iter()
            .any(|c| c == "sum" || c == "interval" || c == "vd")
    );
    let Some(Stmt::CreateView(v)) = parse(
        "CREATE MATERIALIZED VIEW IF NOT EXISTS m (x) AS SELECT a, b AS c FROM t, s.u WITH DATA",
    ) else {
        panic!("simple materialized view");
    };
    assert!(v.with_data && v.if_not_exists);
    assert_eq!(v.columns, ["x"]);
    assert_eq!(v.query.relations, [qn("t"), qn("s.u")]);
    assert_eq!(
        v.query.output_columns,
        Some(vec!["a".to_owned(), "c".to_owned()])
    );
}

#[test]
fn create_table_with_like() {
    let other = super::table_element("extra text NOT NULL");
    let got = parse(
        "CREATE TABLE IF NOT EXISTS n (LIKE s.o INCLUDING ALL EXCLUDING INDEXES, extra text NOT NULL)",
    );
    let expected = other.map(|extra| {
        Stmt::CreateTable(CreateTable {
            name: qn("n"),
            if_not_exists: true,
            unlogged: false,
            temporary: false,
            elements: vec![
                TableElement::Like {
                    source: qn("s.o"),
                    options: vec!["INCLUDING ALL".to_owned(), "EXCLUDING INDEXES".to_owned()],
                },
                extra,
            ],
            inherits: vec![],
            partition_by: None,
            partition_of: None,
            as_query: None,
        })
    });
    assert_eq!(got, expected);
    assert_eq!(
        parse(
            "CREATE UNLOGGED TABLE n (LIKE o) INHERITS (p) PARTITION BY RANGE (a) WITH (fillfactor = 70)"
        ),
        Some(Stmt::CreateTable(CreateTable {
            name: qn("n"),
            if_not_exists: false,
            unlogged: true,
            temporary: false,
            elements: vec![TableElement::Like {
                source: qn("o"),
                options: vec![],
            }],
            inherits: vec![qn("p")],
            partition_by: Some("RANGE (a)".to_owned()),
            partition_of: None,
            as_query: None,
        }))
    );
    assert_eq!(
        parse("CREATE TABLE p1 PARTITION OF p FOR VALUES IN (1, 2)"),
        Some(Stmt::CreateTable(CreateTable {
            name: qn("p1"),
            if_not_exists: false,
            unlogged: false,
            temporary: false,
            elements: vec![],
            inherits: vec![],
            partition_by: None,
            partition_of: Some(PartitionOf {
                parent: qn("p"),
                bound: "FOR VALUES IN (1, 2)".to_owned()
            }),
            as_query: None,
        }))
    );
}

#[test]
fn aggregates() {
    let src = "CREATE OR REPLACE AGGREGATE public.agg(integer, text ORDER BY bigint) (SFUNC = f, STYPE = int)";
    let expected = (|| {
        let arg = |t: &str| -> Option<FunctionArg> {
            Some(FunctionArg {
                mode: "in".to_owned(),
                name: None,
                data_type: ty(t)?,
                default: None,
            })
        };
        Some(Stmt::CreateFunction(CreateFunction {
            name: qn("public.agg"),
            kind: RoutineKind::Aggregate,
            or_replace: true,
            args: vec![arg("integer")?, arg("text")?, arg("bigint")?],
            returns: None,
            language: None,
            body: None,
            volatility: None,
            definition: src.to_owned(),
        }))
    })();
    assert_eq!(parse(src), expected);
    let src = "CREATE AGGREGATE cnt(*) (SFUNC = int8inc, STYPE = int8)";
    let Some(Stmt::CreateFunction(f)) = parse(src) else {
        panic!("aggregate");
    };
    assert_eq!(
        (f.kind, f.args.len(), f.definition.as_str()),
        (RoutineKind::Aggregate, 0, src)
    );
}

#[test]
fn other_statements() {
    let other = |what: &str, tables: Vec<QualifiedName>| {
        Some(Stmt::Other {
            what: what.to_owned(),
            tables,
        })
    };
    assert_eq!(
        parse("CREATE STATISTICS s (dependencies) ON a, b FROM public.t"),
        other("CREATE STATISTICS", vec![qn("public.t")])
    );
    assert_eq!(parse("GRANT admin TO bob"), other("GRANT", vec![]));
    assert_eq!(
        parse("GRANT SELECT, INSERT ON TABLE a, s.b TO bob"),
        other("GRANT", vec![qn("a"), qn("s.b")])
    );
    assert_eq!(
        parse("GRANT USAGE ON SCHEMA s TO bob"),
        other("GRANT", vec![])
    );
    assert_eq!(
        parse("ALTER DEFAULT PRIVILEGES IN SCHEMA s GRANT SELECT ON TABLES TO r"),
        other("ALTER DEFAULT PRIVILEGES", vec![])
    );
    assert_eq!(
        parse("SECURITY LABEL FOR selinux ON TABLE t IS 'x'"),
        other("SECURITY LABEL", vec![qn("t")])
    );
    assert_eq!(
        parse("CREATE PUBLICATION p FOR TABLE a, b"),
        other("CREATE PUBLICATION", vec![qn("a"), qn("b")])
    );
    assert_eq!(
        parse("CREATE SUBSCRIPTION s CONNECTION 'x' PUBLICATION p"),
        other("CREATE SUBSCRIPTION", vec![])
    );
    assert_eq!(
        parse("CREATE CAST (text AS mood) WITH INOUT AS IMPLICIT"),
        other("CREATE CAST", vec![])
    );
    assert_eq!(
        parse("CREATE OPERATOR === (LEFTARG = int, RIGHTARG = int, FUNCTION = f)"),
        other("CREATE OPERATOR", vec![])
    );
    assert_eq!(
        parse("CREATE POLICY p ON s.t USING (true)"),
        other("CREATE POLICY", vec![qn("s.t")])
    );
    assert_eq!(
        parse("VACUUM (VERBOSE) ANALYZE a, b (c)"),
        other("VACUUM", vec![qn("a"), qn("b")])
    );
    assert_eq!(
        parse("VACUUM (FULL, ANALYZE) a"),
        other("VACUUM FULL", vec![qn("a")])
    );
    assert_eq!(parse("VACUUM FULL a"), other("VACUUM FULL", vec![qn("a")]));
    assert_eq!(
        parse("VACUUM (FULL false) a"),
        other("VACUUM", vec![qn("a")])
    );
    assert_eq!(parse("FROBNICATE everything"), None);
    assert_eq!(parse("CREATE ROLE"), None);
}

#[test]
fn never_panics_on_fragments() {
    let src = "ALTER TABLE ONLY t ALTER COLUMN c SET DEFAULT nextval('s'::regclass), ADD CONSTRAINT x CHECK ((a > 0)) NOT VALID";
    // Every prefix cut at a char boundary, including mid-token cuts.
    for end in (0..=src.len()).filter(|&i| src.is_char_boundary(i)) {
        let _ = parse(&src[..end]);
    }
    for s in [
        "",
        ";",
        "(",
        ")",
        "'",
        "$$",
        "COMMENT ON",
        "CREATE",
        "ALTER TABLE (",
        "DO",
        "é",
    ] {
        let _ = parse(s);
    }
}

/// The pieces handed to `lower` are statements sqlparser accepts, so the
/// fallback's answers only wait on `lower` itself.
#[test]
fn wrapped_pieces_are_sqlparser_sql() {
    use sqlparser::dialect::PostgreSqlDialect;
    use sqlparser::parser::Parser;
    for sql in [
        "CREATE TABLE x (x integer DEFAULT nextval('public.s'::regclass))",
        "CREATE TABLE x (x integer DEFAULT c::bigint)",
        "CREATE TABLE x (CONSTRAINT fk FOREIGN KEY (a) REFERENCES u (id))",
        "CREATE TABLE x (c integer NOT NULL DEFAULT 0)",
        "CREATE MATERIALIZED VIEW public.recent AS SELECT a FROM t",
    ] {
        let parsed = Parser::new(&PostgreSqlDialect {})
            .try_with_sql(sql)
            .and_then(|mut p| p.parse_statements());
        assert!(
            matches!(parsed, Ok(ref s) if s.len() == 1),
            "{sql}: {parsed:?}"
        );
    }
}

#[test]
fn routines_with_standard_bodies() {
    let src = "CREATE OR REPLACE PROCEDURE public.p() LANGUAGE sql SECURITY DEFINER SET search_path = public\nBEGIN ATOMIC\n  INSERT INTO t VALUES (1);\n  SELECT CASE WHEN true THEN 1 END;\nEND";
    assert_eq!(
        parse(src),
        Some(Stmt::CreateFunction(CreateFunction {
            name: qn("public.p"),
            kind: RoutineKind::Procedure,
            or_replace: true,
            args: vec![],
            returns: None,
            language: Some("sql".to_owned()),
            body: Some("BEGIN ATOMIC\n  INSERT INTO t VALUES (1);\n  SELECT CASE WHEN true THEN 1 END;\nEND".to_owned()),
            volatility: None,
            definition: src.to_owned(),
        }))
    );
    let src =
        "CREATE FUNCTION f() RETURNS SETOF integer STABLE LANGUAGE sql BEGIN ATOMIC SELECT 1; END";
    let Some(Stmt::CreateFunction(f)) = parse(src) else {
        panic!("function");
    };
    assert_eq!(f.returns.as_deref(), Some("SETOF integer"));
    assert_eq!(f.volatility.as_deref(), Some("stable"));
    assert_eq!(
        parse("CREATE FUNCTION f() RETURNS int BEGIN ATOMIC SELECT 1;"),
        None
    );
}
