//! ALTER TABLE / INDEX / VIEW / SEQUENCE / FUNCTION / TYPE / DOMAIN / SCHEMA
//! forms sqlparser rejects.
//!
//! ALTER TABLE is read as a comma-separated list of subcommands by one
//! subcommand parser, so pg_dump's forms (`ALTER TABLE ONLY t ALTER COLUMN c
//! SET DEFAULT nextval('s'::regclass)`, identity columns with sequence
//! options) and hand-written migrations go through the same code.

use super::cursor::Cursor;
use super::{cascade, done, function_ref, if_exists, sequence, sql_expr, table_element, type_name};
use crate::sql::ir::{
    AlterDomainAction, AlterFunctionAction, AlterIndexAction, AlterTable, AlterTableOp,
    AlterTypeAction, AlterViewAction, ConstraintKind, Identity, SequenceOptions, Stmt,
    TableConstraint, TableElement,
};
use sqlparser::tokenizer::Token;

/// Subcommands with no effect on the model, by their leading words; the
/// longest match names the subcommand, whatever arguments follow.
const NO_EFFECT: &[&[&str]] = &[
    &["ENABLE", "ROW", "LEVEL", "SECURITY"],
    &["DISABLE", "ROW", "LEVEL", "SECURITY"],
    &["FORCE", "ROW", "LEVEL", "SECURITY"],
    &["NO", "FORCE", "ROW", "LEVEL", "SECURITY"],
    &["ENABLE", "ALWAYS", "TRIGGER"],
    &["ENABLE", "REPLICA", "TRIGGER"],
    &["ENABLE", "TRIGGER"],
    &["DISABLE", "TRIGGER"],
    &["ENABLE", "ALWAYS", "RULE"],
    &["ENABLE", "REPLICA", "RULE"],
    &["ENABLE", "RULE"],
    &["DISABLE", "RULE"],
    &["REPLICA", "IDENTITY"],
    &["CLUSTER", "ON"],
    &["SET", "WITHOUT", "CLUSTER"],
    &["SET", "WITHOUT", "OIDS"],
    &["SET", "WITH", "OIDS"],
    &["SET", "TABLESPACE"],
    &["SET", "ACCESS", "METHOD"],
    &["OWNER", "TO"],
    &["SET"],
    &["RESET"],
    &["OF"],
    &["NOT", "OF"],
    &["DEPENDS", "ON", "EXTENSION"],
    &["NO", "DEPENDS", "ON", "EXTENSION"],
];

/// The cursor is at ALTER.
pub(super) fn alter(c: &mut Cursor<'_>) -> Option<Stmt> {
    c.expect_keyword("ALTER")?;
    match c.peek_word_upper()?.as_str() {
        "TABLE" => table(c),
        "INDEX" => index(c),
        "VIEW" | "MATERIALIZED" => view(c),
        "SEQUENCE" => sequence::alter(c),
        "FUNCTION" | "PROCEDURE" | "AGGREGATE" | "ROUTINE" => function(c),
        "TYPE" => type_(c),
        "DOMAIN" => domain(c),
        "SCHEMA" => schema(c),
        "TRIGGER" => trigger(c),
        _ => None,
    }
}

/// Names a no-effect subcommand at the cursor and consumes it whole.
fn no_effect(c: &mut Cursor<'_>) -> Option<String> {
    let head = NO_EFFECT
        .iter()
        .filter(|h| c.peek_keywords(h))
        .max_by_key(|h| h.len())?;
    // A bare SET / RESET must be a parenthesised parameter list.
    if head.len() == 1 && c.peek_nth(1) != Some(&Token::LParen) {
        return None;
    }
    c.pos = c.toks.len();
    Some(head.join(" "))
}

/// `ALTER TABLE [IF EXISTS] [ONLY] name [*] subcommand, ...`
fn table(c: &mut Cursor<'_>) -> Option<Stmt> {
    c.expect_keyword("TABLE")?;
    let if_exists = if_exists(c);
    if c.peek_keywords(&["ALL", "IN", "TABLESPACE"]) {
        return Some(Stmt::Other {
            what: "ALTER TABLE ALL IN TABLESPACE".to_owned(),
            tables: Vec::new(),
        });
    }
    let only = c.eat_keyword("ONLY");
    let name = c.parse_qualified_name()?;
    c.eat(&Token::Mul);
    let mut ops = Vec::new();
    for mut sub in c.sub(c.pos, c.toks.len()).split_commas() {
        ops.push(table_op(&mut sub)?);
        if !sub.at_end() {
            return None;
        }
    }
    if ops.is_empty() {
        return None;
    }
    Some(Stmt::AlterTable(AlterTable {
        name,
        if_exists,
        only,
        ops,
    }))
}

fn table_op(c: &mut Cursor<'_>) -> Option<AlterTableOp> {
    let word = c.peek_word_upper()?;
    let op = match word.as_str() {
        "ADD" => {
            c.next();
            add(c)?
        }
        "DROP" => {
            c.next();
            if c.eat_keyword("CONSTRAINT") {
                let if_exists = if_exists(c);
                let name = c.parse_ident()?;
                AlterTableOp::DropConstraint {
                    name,
                    if_exists,
                    cascade: cascade(c),
                }
            } else {
                c.eat_keyword("COLUMN");
                let if_exists = if_exists(c);
                let name = c.parse_ident()?;
                AlterTableOp::DropColumn {
                    name,
                    if_exists,
                    cascade: cascade(c),
                }
            }
        }
        "ALTER" if c.peek_keyword_nth(1, "CONSTRAINT") => {
            c.pos += 2;
            let name = c.parse_ident()?;
            let (deferrable, initially_deferred) = deferrability(c);
            // PostgreSQL 18's [NOT] ENFORCED / [NO] INHERIT change nothing
            // the model tracks.
            c.eat_keywords(&["NOT", "ENFORCED"]);
            c.eat_keyword("ENFORCED");
            c.eat_keywords(&["NO", "INHERIT"]);
            c.eat_keyword("INHERIT");
            AlterTableOp::AlterConstraint {
                name,
                deferrable,
                initially_deferred,
            }
        }
        "ALTER" => {
            c.next();
            c.eat_keyword("COLUMN");
            let column = c.parse_ident()?;
            alter_column(c, column)?
        }
        "VALIDATE" => {
            c.next();
            c.expect_keyword("CONSTRAINT")?;
            AlterTableOp::ValidateConstraint {
                name: c.parse_ident()?,
            }
        }
        "RENAME" => {
            c.next();
            if c.eat_keyword("TO") {
                AlterTableOp::RenameTo {
                    new_name: c.parse_ident()?,
                }
            } else {
                let constraint = c.eat_keyword("CONSTRAINT");
                if !constraint {
                    c.eat_keyword("COLUMN");
                }
                let name = c.parse_ident()?;
                c.expect_keyword("TO")?;
                let new_name = c.parse_ident()?;
                if constraint {
                    AlterTableOp::RenameConstraint { name, new_name }
                } else {
                    AlterTableOp::RenameColumn { name, new_name }
                }
            }
        }
        "SET" if c.peek_keyword_nth(1, "SCHEMA") => {
            c.pos += 2;
            AlterTableOp::SetSchema {
                schema: c.parse_ident()?,
            }
        }
        "SET" if c.peek_keyword_nth(1, "LOGGED") => {
            c.pos += 2;
            AlterTableOp::SetLogged
        }
        "SET" if c.peek_keyword_nth(1, "UNLOGGED") => {
            c.pos += 2;
            AlterTableOp::SetUnlogged
        }
        "ATTACH" => {
            c.next();
            c.expect_keyword("PARTITION")?;
            let partition = c.parse_qualified_name()?;
            if !c.peek_keywords(&["FOR", "VALUES"]) && !c.peek_keyword("DEFAULT") {
                return None;
            }
            let bound = c.rest_as_text().to_owned();
            c.pos = c.toks.len();
            AlterTableOp::AttachPartition { partition, bound }
        }
        "DETACH" => {
            c.next();
            c.expect_keyword("PARTITION")?;
            let partition = c.parse_qualified_name()?;
            let concurrently = c.eat_keyword("CONCURRENTLY");
            c.eat_keyword("FINALIZE");
            AlterTableOp::DetachPartition {
                partition,
                concurrently,
            }
        }
        "INHERIT" => {
            c.next();
            AlterTableOp::Inherit {
                parent: c.parse_qualified_name()?,
            }
        }
        "NO" if c.peek_keyword_nth(1, "INHERIT") => {
            c.pos += 2;
            AlterTableOp::NoInherit {
                parent: c.parse_qualified_name()?,
            }
        }
        _ => AlterTableOp::Other {
            what: no_effect(c)?,
        },
    };
    Some(op)
}

/// `[[NOT] DEFERRABLE] [INITIALLY DEFERRED | IMMEDIATE]`
fn deferrability(c: &mut Cursor<'_>) -> (Option<bool>, Option<bool>) {
    let deferrable = if c.eat_keywords(&["NOT", "DEFERRABLE"]) {
        Some(false)
    } else if c.eat_keyword("DEFERRABLE") {
        Some(true)
    } else {
        None
    };
    let initially = if c.eat_keywords(&["INITIALLY", "DEFERRED"]) {
        Some(true)
    } else if c.eat_keywords(&["INITIALLY", "IMMEDIATE"]) {
        Some(false)
    } else {
        None
    };
    (deferrable, initially)
}

/// After ADD: a column or a table constraint.
fn add(c: &mut Cursor<'_>) -> Option<AlterTableOp> {
    let constraint_start = c.pos;
    let name = if c.eat_keyword("CONSTRAINT") {
        Some(c.parse_ident()?)
    } else {
        None
    };
    let kind_word = c.peek_word_upper().unwrap_or_default();
    if name.is_some() && c.eat_keywords(&["NOT", "NULL"]) {
        // PostgreSQL 18: `ADD CONSTRAINT name NOT NULL col`.
        let column = c.parse_ident()?;
        c.eat_keywords(&["NO", "INHERIT"]);
        let not_valid = c.eat_keywords(&["NOT", "VALID"]);
        return Some(AlterTableOp::AddConstraint(TableConstraint {
            name,
            kind: ConstraintKind::NotNull { column },
            deferrable: None,
            initially_deferred: None,
            not_valid,
        }));
    }
    let is_constraint = name.is_some()
        || matches!(
            kind_word.as_str(),
            "PRIMARY" | "UNIQUE" | "CHECK" | "FOREIGN" | "EXCLUDE"
        );
    if is_constraint {
        // `... USING INDEX i`: adopts an existing index.
        let mut probe = c.clone();
        let primary_key = probe.eat_keywords(&["PRIMARY", "KEY"]);
        if (primary_key || probe.eat_keyword("UNIQUE")) && probe.eat_keywords(&["USING", "INDEX"]) {
            let index = probe.parse_ident()?;
            let (deferrable, initially_deferred) = deferrability(&mut probe);
            *c = probe;
            return Some(AlterTableOp::AddConstraintUsingIndex {
                name,
                primary_key,
                index,
                deferrable,
                initially_deferred,
            });
        }
        // NOT VALID is ALTER TABLE only; CREATE TABLE would reject it.
        let mut end = c.toks.len();
        let not_valid = end >= constraint_start + 2 && {
            let tail = c.sub(end - 2, end);
            tail.peek_keywords(&["NOT", "VALID"])
        };
        if not_valid {
            end -= 2;
        }
        let text = c.text(constraint_start, end);
        c.pos = c.toks.len();
        return match table_element(text)? {
            TableElement::Constraint(mut k) => {
                k.not_valid = not_valid;
                Some(AlterTableOp::AddConstraint(k))
            }
            _ => None,
        };
    }
    c.eat_keyword("COLUMN");
    let if_not_exists = c.eat_keywords(&["IF", "NOT", "EXISTS"]);
    let text = c.rest_as_text();
    c.pos = c.toks.len();
    match table_element(text)? {
        TableElement::Column(column) => Some(AlterTableOp::AddColumn {
            column,
            if_not_exists,
        }),
        _ => None,
    }
}

/// After `ALTER [COLUMN] column`.
fn alter_column(c: &mut Cursor<'_>, column: String) -> Option<AlterTableOp> {
    if c.eat_keywords(&["SET", "DATA", "TYPE"]) || c.eat_keyword("TYPE") {
        let from = c.pos;
        let to = c.skip_until(|c| c.peek_keyword("COLLATE") || c.peek_keyword("USING"));
        let data_type = type_name(c.text(from, to))?;
        let collation = if c.eat_keyword("COLLATE") {
            Some(c.parse_name_parts()?.join("."))
        } else {
            None
        };
        let using = if c.eat_keyword("USING") {
            let e = sql_expr(c.rest_as_text())?;
            c.pos = c.toks.len();
            Some(e)
        } else {
            None
        };
        return Some(AlterTableOp::AlterColumnType {
            column,
            data_type,
            using,
            collation,
        });
    }
    if c.eat_keywords(&["SET", "DEFAULT"]) {
        let expr = sql_expr(c.rest_as_text())?;
        c.pos = c.toks.len();
        return Some(AlterTableOp::SetDefault { column, expr });
    }
    if c.eat_keywords(&["DROP", "DEFAULT"]) {
        return Some(AlterTableOp::DropDefault { column });
    }
    if c.eat_keywords(&["SET", "NOT", "NULL"]) {
        return Some(AlterTableOp::SetNotNull { column });
    }
    if c.eat_keywords(&["DROP", "NOT", "NULL"]) {
        return Some(AlterTableOp::DropNotNull { column });
    }
    if c.eat_keywords(&["DROP", "EXPRESSION"]) {
        let if_exists = if_exists(c);
        return Some(AlterTableOp::DropExpression { column, if_exists });
    }
    if c.eat_keywords(&["DROP", "IDENTITY"]) {
        let if_exists = if_exists(c);
        return Some(AlterTableOp::DropIdentity { column, if_exists });
    }
    if c.eat_keywords(&["ADD", "GENERATED"]) {
        let always = generated_kind(c)?;
        c.expect_keyword("AS")?;
        c.expect_keyword("IDENTITY")?;
        let mut options = SequenceOptions::default();
        if let Some(inner) = c.skip_balanced_parens() {
            let mut opts = c.sub(inner.start, inner.end);
            sequence::options(&mut opts, &mut options, false)?;
            if !opts.at_end() {
                return None;
            }
        }
        return Some(AlterTableOp::AddIdentity {
            column,
            identity: Identity { always, options },
        });
    }
    // Identity changes: any run of SET GENERATED ..., SET option, RESTART.
    let save = c.pos;
    let mut always = None;
    let mut options = SequenceOptions::default();
    loop {
        if c.eat_keywords(&["SET", "GENERATED"]) {
            always = Some(generated_kind(c)?);
            continue;
        }
        let before = c.pos;
        sequence::options(c, &mut options, true)?;
        if c.pos == before {
            break;
        }
    }
    if c.pos > save {
        return Some(AlterTableOp::AlterIdentity {
            column,
            always,
            options,
        });
    }
    let what = ["STATISTICS", "STORAGE", "COMPRESSION", "EXPRESSION"]
        .iter()
        .find(|w| c.peek_keywords(&["SET", w]))
        .map(|w| format!("SET {w}"))
        .or_else(|| {
            let set = c.peek_keyword("SET") || c.peek_keyword("RESET");
            (set && c.peek_nth(1) == Some(&Token::LParen))
                .then(|| format!("{} (options)", c.peek_word_upper().unwrap_or_default()))
        })?;
    c.pos = c.toks.len();
    Some(AlterTableOp::AlterColumnOther { column, what })
}

/// `ALWAYS` (true) or `BY DEFAULT` (false).
fn generated_kind(c: &mut Cursor<'_>) -> Option<bool> {
    if c.eat_keyword("ALWAYS") {
        Some(true)
    } else if c.eat_keywords(&["BY", "DEFAULT"]) {
        Some(false)
    } else {
        None
    }
}

/// `ALTER INDEX [IF EXISTS] name action`
fn index(c: &mut Cursor<'_>) -> Option<Stmt> {
    c.expect_keyword("INDEX")?;
    let if_exists = if_exists(c);
    if c.peek_keywords(&["ALL", "IN", "TABLESPACE"]) {
        return Some(Stmt::Other {
            what: "ALTER INDEX ALL IN TABLESPACE".to_owned(),
            tables: Vec::new(),
        });
    }
    let name = c.parse_qualified_name()?;
    let action = if c.eat_keywords(&["RENAME", "TO"]) {
        AlterIndexAction::RenameTo {
            new_name: c.parse_ident()?,
        }
    } else if c.eat_keywords(&["SET", "SCHEMA"]) {
        AlterIndexAction::SetSchema {
            schema: c.parse_ident()?,
        }
    } else if c.eat_keywords(&["ATTACH", "PARTITION"]) {
        AlterIndexAction::AttachPartition {
            index: c.parse_qualified_name()?,
        }
    } else if c.peek_keyword("ALTER") {
        // ALTER [COLUMN] n SET STATISTICS v: planner detail only.
        c.pos = c.toks.len();
        AlterIndexAction::Other {
            what: "ALTER COLUMN SET STATISTICS".to_owned(),
        }
    } else {
        AlterIndexAction::Other {
            what: no_effect(c)?,
        }
    };
    done(
        c,
        Stmt::AlterIndex {
            name,
            if_exists,
            action,
        },
    )
}

/// `ALTER [MATERIALIZED] VIEW [IF EXISTS] name action`
fn view(c: &mut Cursor<'_>) -> Option<Stmt> {
    let materialized = c.eat_keyword("MATERIALIZED");
    c.expect_keyword("VIEW")?;
    let if_exists = if_exists(c);
    let name = c.parse_qualified_name()?;
    let action = if c.eat_keywords(&["RENAME", "TO"]) {
        AlterViewAction::RenameTo {
            new_name: c.parse_ident()?,
        }
    } else if c.eat_keyword("RENAME") {
        c.eat_keyword("COLUMN");
        let name = c.parse_ident()?;
        c.expect_keyword("TO")?;
        AlterViewAction::RenameColumn {
            name,
            new_name: c.parse_ident()?,
        }
    } else if c.eat_keywords(&["SET", "SCHEMA"]) {
        AlterViewAction::SetSchema {
            schema: c.parse_ident()?,
        }
    } else if c.eat_keyword("ALTER") {
        c.eat_keyword("COLUMN");
        let column = c.parse_ident()?;
        if c.eat_keywords(&["SET", "DEFAULT"]) {
            let expr = sql_expr(c.rest_as_text())?;
            c.pos = c.toks.len();
            AlterViewAction::SetDefault { column, expr }
        } else {
            c.pos = c.toks.len();
            AlterViewAction::Other {
                what: "ALTER COLUMN".to_owned(),
            }
        }
    } else {
        AlterViewAction::Other {
            what: no_effect(c)?,
        }
    };
    done(
        c,
        Stmt::AlterView {
            name,
            materialized,
            if_exists,
            action,
        },
    )
}

/// `ALTER FUNCTION|PROCEDURE|AGGREGATE|ROUTINE f(args) action`
fn function(c: &mut Cursor<'_>) -> Option<Stmt> {
    c.next()?;
    let function = function_ref(c)?;
    let action = if c.eat_keywords(&["RENAME", "TO"]) {
        AlterFunctionAction::RenameTo {
            new_name: c.parse_ident()?,
        }
    } else if c.eat_keywords(&["SET", "SCHEMA"]) {
        AlterFunctionAction::SetSchema {
            schema: c.parse_ident()?,
        }
    } else {
        let what = if c.peek_keywords(&["OWNER", "TO"]) {
            "OWNER TO".to_owned()
        } else {
            c.peek_word_upper()?
        };
        c.pos = c.toks.len();
        AlterFunctionAction::Other { what }
    };
    done(c, Stmt::AlterFunction { function, action })
}

/// `ALTER TYPE name OWNER TO | RENAME TO | SET SCHEMA` (the rest is
/// sqlparser's).
fn type_(c: &mut Cursor<'_>) -> Option<Stmt> {
    c.expect_keyword("TYPE")?;
    let name = c.parse_qualified_name()?;
    let action = if c.eat_keywords(&["RENAME", "TO"]) {
        AlterTypeAction::RenameTo {
            new_name: c.parse_ident()?,
        }
    } else if c.eat_keywords(&["SET", "SCHEMA"]) {
        AlterTypeAction::SetSchema {
            schema: c.parse_ident()?,
        }
    } else if c.eat_keywords(&["OWNER", "TO"]) {
        c.next()?;
        AlterTypeAction::Other {
            what: "OWNER TO".to_owned(),
        }
    } else if c.eat_keywords(&["RENAME", "ATTRIBUTE"]) {
        let name = c.parse_ident()?;
        c.expect_keyword("TO")?;
        let new_name = c.parse_ident()?;
        cascade(c);
        AlterTypeAction::RenameAttribute { name, new_name }
    } else if c.eat_keywords(&["ADD", "ATTRIBUTE"]) {
        let name = c.parse_ident()?;
        let from = c.pos;
        let to = c.skip_until(|c| c.peek_keyword("CASCADE") || c.peek_keyword("RESTRICT"));
        let data_type = type_name(c.text(from, to))?;
        cascade(c);
        AlterTypeAction::AddAttribute { name, data_type }
    } else if c.eat_keywords(&["DROP", "ATTRIBUTE"]) {
        let if_exists = if_exists(c);
        let name = c.parse_ident()?;
        cascade(c);
        AlterTypeAction::DropAttribute { name, if_exists }
    } else if c.eat_keywords(&["ALTER", "ATTRIBUTE"]) {
        let name = c.parse_ident()?;
        c.eat_keywords(&["SET", "DATA"]);
        c.expect_keyword("TYPE")?;
        let from = c.pos;
        let to = c.skip_until(|c| c.peek_keyword("CASCADE") || c.peek_keyword("RESTRICT"));
        let data_type = type_name(c.text(from, to))?;
        cascade(c);
        AlterTypeAction::AlterAttributeType { name, data_type }
    } else {
        return None;
    };
    done(
        c,
        Stmt::AlterType(crate::sql::ir::AlterType { name, action }),
    )
}

/// `ALTER DOMAIN name action`
fn domain(c: &mut Cursor<'_>) -> Option<Stmt> {
    c.expect_keyword("DOMAIN")?;
    let name = c.parse_qualified_name()?;
    let action = if c.eat_keywords(&["SET", "DEFAULT"]) {
        let expr = sql_expr(c.rest_as_text())?;
        c.pos = c.toks.len();
        AlterDomainAction::SetDefault { expr }
    } else if c.eat_keywords(&["DROP", "DEFAULT"]) {
        AlterDomainAction::DropDefault
    } else if c.eat_keywords(&["SET", "NOT", "NULL"]) {
        AlterDomainAction::SetNotNull
    } else if c.eat_keywords(&["DROP", "NOT", "NULL"]) {
        AlterDomainAction::DropNotNull
    } else if c.eat_keywords(&["DROP", "CONSTRAINT"]) {
        let if_exists = if_exists(c);
        let name = c.parse_ident()?;
        AlterDomainAction::DropConstraint {
            name,
            if_exists,
            cascade: cascade(c),
        }
    } else if c.eat_keywords(&["VALIDATE", "CONSTRAINT"]) {
        AlterDomainAction::ValidateConstraint {
            name: c.parse_ident()?,
        }
    } else if c.eat_keywords(&["RENAME", "CONSTRAINT"]) {
        let name = c.parse_ident()?;
        c.expect_keyword("TO")?;
        AlterDomainAction::RenameConstraint {
            name,
            new_name: c.parse_ident()?,
        }
    } else if c.eat_keywords(&["RENAME", "TO"]) {
        AlterDomainAction::RenameTo {
            new_name: c.parse_ident()?,
        }
    } else if c.eat_keywords(&["SET", "SCHEMA"]) {
        AlterDomainAction::SetSchema {
            schema: c.parse_ident()?,
        }
    } else if c.eat_keyword("ADD") {
        let name = if c.eat_keyword("CONSTRAINT") {
            Some(c.parse_ident()?)
        } else {
            None
        };
        c.expect_keyword("CHECK")?;
        let inner = c.skip_balanced_parens()?;
        let expr = sql_expr(c.text(inner.start, inner.end))?;
        let not_valid = c.eat_keywords(&["NOT", "VALID"]);
        AlterDomainAction::AddCheck {
            name,
            expr,
            not_valid,
        }
    } else if c.eat_keywords(&["OWNER", "TO"]) {
        c.next()?;
        AlterDomainAction::Other {
            what: "OWNER TO".to_owned(),
        }
    } else {
        return None;
    };
    done(c, Stmt::AlterDomain { name, action })
}

/// `ALTER SCHEMA name RENAME TO new | OWNER TO role`
fn schema(c: &mut Cursor<'_>) -> Option<Stmt> {
    c.expect_keyword("SCHEMA")?;
    let name = c.parse_ident()?;
    if c.eat_keywords(&["RENAME", "TO"]) {
        let new_name = c.parse_ident()?;
        return done(c, Stmt::RenameSchema { name, new_name });
    }
    c.expect_keyword("OWNER")?;
    c.expect_keyword("TO")?;
    c.next()?;
    done(
        c,
        Stmt::Other {
            what: "ALTER SCHEMA OWNER TO".to_owned(),
            tables: Vec::new(),
        },
    )
}

/// `ALTER TRIGGER name ON table RENAME TO new_name`
fn trigger(c: &mut Cursor<'_>) -> Option<Stmt> {
    c.expect_keyword("TRIGGER")?;
    let name = c.parse_ident()?;
    c.expect_keyword("ON")?;
    let table = c.parse_qualified_name()?;
    c.expect_keyword("RENAME")?;
    c.expect_keyword("TO")?;
    let new_name = c.parse_ident()?;
    done(
        c,
        Stmt::AlterTrigger {
            name,
            table,
            new_name,
        },
    )
}
