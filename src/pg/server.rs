//! Which server: one given by URL, or a throwaway cluster started from the
//! PostgreSQL binaries found on the machine. Scratch databases on it.

use super::PgError;

/// A PostgreSQL server turquoise may create scratch databases on.
#[derive(Debug)]
pub struct Server {
    _private: (),
}

impl Server {
    /// The server at `url` (a libpq connection string or URL).
    pub fn from_url(url: &str) -> Result<Server, PgError> {
        let _ = url;
        Err(PgError::NoServer)
    }

    /// A throwaway cluster in a temporary folder, listening only on a Unix
    /// socket in that folder; stopped and removed when dropped.
    pub fn start_throwaway() -> Result<Server, PgError> {
        Err(PgError::NoServer)
    }

    /// Connects to database `dbname` (the server's default database when
    /// `None`).
    pub fn connect(&self, dbname: Option<&str>) -> Result<postgres::Client, PgError> {
        let _ = dbname;
        Err(PgError::NoServer)
    }

    /// `server_version_num`, e.g. 150018.
    pub fn version_num(&self) -> Result<u32, PgError> {
        Err(PgError::NoServer)
    }

    /// Where the server is, for messages, with any password removed.
    pub fn describe(&self) -> String {
        String::new()
    }

    /// Creates `turquoise_verify_<random>`, dropped when the value is
    /// dropped unless kept.
    pub fn create_scratch(&self) -> Result<ScratchDb<'_>, PgError> {
        Err(PgError::NoServer)
    }
}

/// A database turquoise created for itself and drops when done.
#[derive(Debug)]
pub struct ScratchDb<'a> {
    pub server: &'a Server,
    pub name: String,
    /// Keep the database instead of dropping it.
    pub keep: bool,
}

impl ScratchDb<'_> {
    pub fn connect(&self) -> Result<postgres::Client, PgError> {
        self.server.connect(Some(&self.name))
    }
}
