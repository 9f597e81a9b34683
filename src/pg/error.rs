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
    /// Anything else, already explained.
    #[error("{0}")]
    Other(String),
}
