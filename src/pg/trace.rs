//! Locks and rewrites, observed: run one statement in a transaction of its
//! own and record which relation locks the transaction holds afterwards,
//! which tables and indexes got a new `relfilenode` (were rewritten), and
//! how long it took. This is ground truth for the lock and rewrite hazards
//! the classifier predicts.

use super::error::Op;
use super::{PgError, Server};
use crate::diagnostic::Location;
use postgres::Client;
use serde::Serialize;
use std::collections::HashMap;
use std::time::Instant;

/// A relation lock held by the statement's transaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Lock {
    pub relation: String,
    /// PostgreSQL's name for the mode, e.g. `AccessExclusiveLock`.
    pub mode: String,
}

/// What one statement did on the server.
#[derive(Debug, Clone, Serialize)]
pub struct StatementTrace {
    pub location: Location,
    /// Whether it ran inside a transaction (locks are only observable then).
    pub in_transaction: bool,
    pub locks: Vec<Lock>,
    /// Relations whose storage was rewritten (new relfilenode).
    pub rewrites: Vec<String>,
    pub ms: f64,
}

fn relfilenodes(
    server: &Server,
    client: &mut Client,
) -> Result<HashMap<u32, (String, u32)>, PgError> {
    let rows = client
        .query(
            "SELECT c.oid, quote_ident(n.nspname) || '.' || quote_ident(c.relname), c.relfilenode \
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE c.relkind IN ('r', 'i', 'm', 'S') \
               AND n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'",
            &[],
        )
        .map_err(|e| PgError::from_postgres(e, server, Op::Doing("reading relfilenodes")))?;
    Ok(rows
        .iter()
        .map(|r| (r.get::<_, u32>(0), (r.get(1), r.get::<_, u32>(2))))
        .collect())
}

fn locks(server: &Server, client: &mut Client) -> Result<Vec<Lock>, PgError> {
    let rows = client
        .query(
            "SELECT coalesce(quote_ident(n.nspname) || '.' || quote_ident(c.relname), l.relation::text), l.mode \
             FROM pg_locks l LEFT JOIN pg_class c ON c.oid = l.relation \
             LEFT JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE l.pid = pg_backend_pid() AND l.locktype = 'relation' AND l.granted \
               AND coalesce(n.nspname, '') NOT LIKE 'pg\\_%' \
               AND coalesce(n.nspname, '') <> 'information_schema' \
             ORDER BY 1, 2",
            &[],
        )
        .map_err(|e| PgError::from_postgres(e, server, Op::Doing("reading pg_locks")))?;
    Ok(rows
        .iter()
        .map(|r| Lock {
            relation: r.get(0),
            mode: r.get(1),
        })
        .collect())
}

/// Runs `sql` and observes it. The outer error is a failure to observe
/// (lost connection); the inner one is the statement's own error, after
/// which its transaction has been rolled back.
pub fn run_statement(
    server: &Server,
    client: &mut Client,
    sql: &str,
    transaction: bool,
    location: &Location,
) -> Result<Result<StatementTrace, postgres::Error>, PgError> {
    let before = relfilenodes(server, client)?;
    if transaction {
        client
            .batch_execute("BEGIN")
            .map_err(|e| PgError::from_postgres(e, server, Op::Doing("starting a transaction")))?;
    }
    let started = Instant::now();
    let result = client.batch_execute(sql);
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    if let Err(e) = result {
        if e.is_closed() {
            return Err(PgError::from_postgres(
                e,
                server,
                Op::Doing(&format!("running {location}")),
            ));
        }
        if transaction {
            let _ = client.batch_execute("ROLLBACK");
        }
        return Ok(Err(e));
    }
    let held = if transaction {
        locks(server, client)?
    } else {
        Vec::new()
    };
    if transaction {
        client
            .batch_execute("COMMIT")
            .map_err(|e| PgError::from_postgres(e, server, Op::Doing("committing")))?;
    }
    let after = relfilenodes(server, client)?;
    let mut rewrites: Vec<String> = after
        .iter()
        .filter_map(|(oid, (name, node))| match before.get(oid) {
            Some((_, old)) if old != node => Some(name.clone()),
            _ => None,
        })
        .collect();
    rewrites.sort();
    Ok(Ok(StatementTrace {
        location: location.clone(),
        in_transaction: transaction,
        locks: held,
        rewrites,
        ms,
    }))
}
