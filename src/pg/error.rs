//! What can go wrong with a server, each with its cause and what to do.
//!
//! [`PgError::from_postgres`] is the one place where errors from the
//! `postgres` crate become messages, so every server call says the same
//! thing for the same cause. Messages never contain a password: they name
//! servers through `Server::describe`.

use super::server::Server;
use std::fmt;
use std::path::PathBuf;

/// Errors talking to PostgreSQL. Each message is one paragraph that says
/// the cause and then what the user can do about it; none contains a
/// password.
#[derive(Debug, thiserror::Error)]
pub enum PgError {
    /// Neither a URL nor server binaries.
    #[error(
        "no PostgreSQL server to use: give one with --database-url, TURQUOISE_DATABASE_URL or [verify] database_url in turquoise.toml, or install the PostgreSQL server programs (initdb, pg_ctl; on Debian or Ubuntu: apt-get install postgresql) so turquoise can start a throwaway one"
    )]
    NoServer,

    /// The database URL does not parse.
    #[error(
        "the database URL is not a valid PostgreSQL connection string ({reason}): write it as postgresql://user:password@host:port/dbname or as key=value pairs (host=... port=... user=... password=... dbname=...)"
    )]
    BadUrl { reason: String },

    /// A folder named by the user (`TURQUOISE_PG_BINDIR`) lacks the programs.
    #[error(
        "{from} is {dir}, but that folder does not hold initdb and pg_ctl: point it at the bin folder of a PostgreSQL installation (what `pg_config --bindir` prints, e.g. /usr/lib/postgresql/16/bin), or unset it to let turquoise search"
    )]
    BadBinDir { dir: PathBuf, from: String },

    /// Root, and no `postgres` OS user to run the server as.
    #[error(
        "turquoise runs as root and PostgreSQL refuses to run as root, but there is no `postgres` OS user to run the throwaway server as: install the postgresql package (it creates the user) or `useradd --system postgres`, run turquoise as an ordinary user, or give a database URL"
    )]
    NoPostgresUser,

    /// Setting up the throwaway cluster failed.
    #[error(
        "could not start a throwaway PostgreSQL server: {step} failed ({detail}); check the PostgreSQL installation and the free space in the temp folder, or give a database URL to use an existing server"
    )]
    Throwaway { step: String, detail: String },

    /// Nothing answers where the server should be.
    #[error(
        "cannot reach the PostgreSQL server at {location} ({detail}): the server may not be running, or not listening there; check that it is up (pg_isready) and that the host, port or socket folder in the database URL is right, or give no URL to let turquoise start a throwaway server"
    )]
    Unreachable { location: String, detail: String },

    /// Wrong password, unknown role, or pg_hba.conf said no.
    #[error(
        "authentication failed for user \"{user}\" on {server} ({detail}): check the user and password in the database URL (turquoise reads neither PGPASSWORD nor .pgpass) and that pg_hba.conf lets this user connect from here"
    )]
    AuthFailed {
        user: String,
        server: String,
        detail: String,
    },

    /// `42501` on `CREATE DATABASE`.
    #[error(
        "role \"{user}\" may not create databases on {server} ({detail}), and turquoise verifies in a scratch database of its own: grant it with ALTER ROLE \"{user}\" CREATEDB, use a role that may create databases, or give no database URL so turquoise starts a local throwaway server"
    )]
    CannotCreateDatabase {
        user: String,
        server: String,
        detail: String,
    },

    /// `42501` anywhere else.
    #[error(
        "permission denied to role \"{user}\" while {doing} on {server} ({detail}): grant the privilege, or connect as a role that has it"
    )]
    PermissionDenied {
        user: String,
        doing: String,
        server: String,
        detail: String,
    },

    /// The server went away under an open connection (`57P01`, `57P02`,
    /// `57P03`, or the connection closed).
    #[error(
        "the PostgreSQL server {server} stopped, or the connection to it was lost, while {doing} ({detail}): check that the server is running (it may have been shut down, restarted or crashed; its log says which) and run turquoise again"
    )]
    ServerStopped {
        doing: String,
        server: String,
        detail: String,
    },

    /// `57014`: statement timeout or a cancel request.
    #[error(
        "the server canceled the statement while {doing} on {server} ({detail}): a statement_timeout set for this role or database, or someone canceled it; raise the timeout (ALTER ROLE ... SET statement_timeout = ...) or find who canceled, and run again"
    )]
    Canceled {
        doing: String,
        server: String,
        detail: String,
    },

    /// The URL asks for TLS, which turquoise does not speak yet.
    #[error(
        "the database URL for {server} asks for TLS (sslmode=require or stricter), which turquoise does not support yet: use sslmode=prefer or sslmode=disable on a network you trust, or give no URL to let turquoise start a local throwaway server"
    )]
    TlsUnsupported { server: String },

    /// Any other error the server reported.
    #[error(
        "PostgreSQL error {code} while {doing} on {server}: {message}{extra}; this is the server's own message, act on it and run again"
    )]
    Server {
        code: String,
        message: String,
        /// `; DETAIL: ...` and `; HINT: ...`, when the server gave them.
        extra: String,
        doing: String,
        server: String,
    },

    /// Anything else, already explained.
    #[error("{0}")]
    Other(String),
}

/// What turquoise was doing when a server call failed, for messages and
/// for telling a refused `CREATE DATABASE` from other permission errors.
#[derive(Debug, Clone, Copy)]
pub enum Op<'a> {
    /// Connecting to database `.0`.
    Connect(&'a str),
    /// Creating scratch database `.0`.
    CreateDatabase(&'a str),
    /// Dropping scratch database `.0`.
    DropDatabase(&'a str),
    /// Anything else, as a phrase after "while": `"reading the catalog"`.
    Doing(&'a str),
}

impl fmt::Display for Op<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Op::Connect(db) => write!(f, "connecting to database \"{db}\""),
            Op::CreateDatabase(db) => write!(f, "creating database \"{db}\""),
            Op::DropDatabase(db) => write!(f, "dropping database \"{db}\""),
            Op::Doing(what) => f.write_str(what),
        }
    }
}

impl PgError {
    /// The one mapping from a `postgres` error on `server` to a message
    /// with its cause and remedy. Use it for every server call.
    pub fn from_postgres(err: postgres::Error, server: &Server, op: Op<'_>) -> PgError {
        let doing = op.to_string();
        let describe = server.describe();
        if let Some(db) = err.as_db_error() {
            let detail = db.message().to_string();
            return match db.code().code() {
                "28P01" | "28000" => PgError::AuthFailed {
                    user: server.user(),
                    server: describe,
                    detail,
                },
                "42501" if matches!(op, Op::CreateDatabase(_)) => PgError::CannotCreateDatabase {
                    user: server.user(),
                    server: describe,
                    detail,
                },
                "42501" => PgError::PermissionDenied {
                    user: server.user(),
                    doing,
                    server: describe,
                    detail,
                },
                "57P01" | "57P02" | "57P03" => PgError::ServerStopped {
                    doing,
                    server: describe,
                    detail,
                },
                "57014" => PgError::Canceled {
                    doing,
                    server: describe,
                    detail,
                },
                code => {
                    let mut extra = String::new();
                    if let Some(d) = db.detail() {
                        extra.push_str(&format!("; DETAIL: {d}"));
                    }
                    if let Some(h) = db.hint() {
                        extra.push_str(&format!("; HINT: {h}"));
                    }
                    PgError::Server {
                        code: code.to_string(),
                        message: detail,
                        extra,
                        doing,
                        server: describe,
                    }
                }
            };
        }
        if err.is_closed() {
            return PgError::ServerStopped {
                doing,
                server: describe,
                detail: "connection closed".to_string(),
            };
        }
        // The `postgres` crate keeps its error kinds private; its messages
        // and the I/O error underneath are what there is to go on.
        let source = std::error::Error::source(&err);
        let io = source
            .and_then(|s| s.downcast_ref::<std::io::Error>())
            .map(|e| e.to_string());
        let text = match source {
            Some(s) => format!("{err}: {s}"),
            None => err.to_string(),
        };
        if text.starts_with("error performing TLS handshake") {
            return PgError::TlsUnsupported { server: describe };
        }
        if text.contains("password missing") {
            return PgError::AuthFailed {
                user: server.user(),
                server: describe,
                detail: "the server asks for a password and the URL gives none".to_string(),
            };
        }
        if text.starts_with("authentication error") {
            return PgError::AuthFailed {
                user: server.user(),
                server: describe,
                detail: text,
            };
        }
        let connecting = matches!(op, Op::Connect(_)) || text.starts_with("error connecting");
        match io {
            Some(io) if connecting => PgError::Unreachable {
                location: server.location(),
                detail: io,
            },
            Some(io) => PgError::ServerStopped {
                doing,
                server: describe,
                detail: io,
            },
            None if text.starts_with("timeout") => PgError::ServerStopped {
                doing,
                server: describe,
                detail: text,
            },
            None => PgError::Other(format!(
                "talking to {describe} failed while {doing} ({text}); this looks like a turquoise bug, please report it"
            )),
        }
    }
}
