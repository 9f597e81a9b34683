//! What can go wrong with a server, each with its cause and what to do.

/// Errors talking to PostgreSQL. Each message is a paragraph that says the
/// cause and what the user can do about it; none contains a password.
#[derive(Debug, thiserror::Error)]
pub enum PgError {
    /// Neither a URL nor server binaries.
    #[error(
        "no PostgreSQL server to use: give one with --database-url, TURQUOISE_DATABASE_URL or [verify] database_url in turquoise.toml, or install the PostgreSQL server programs (initdb, pg_ctl; on Debian or Ubuntu: apt-get install postgresql) so turquoise can start a throwaway one"
    )]
    NoServer,
    /// A server error or lost connection while doing `context`.
    #[error("{context}: {message}")]
    Server { context: String, message: String },
    /// Anything else, already explained.
    #[error("{0}")]
    Other(String),
}

impl PgError {
    /// Explains a `postgres` error met while doing `context`.
    pub fn from_postgres(e: postgres::Error, context: &str) -> PgError {
        let message = match e.as_db_error() {
            Some(db) => db.message().to_owned(),
            None => e.to_string(),
        };
        PgError::Server {
            context: context.to_owned(),
            message,
        }
    }
}
