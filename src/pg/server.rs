//! Which server: one given by URL, or a throwaway cluster started from the
//! PostgreSQL binaries found on the machine. Scratch databases on it.
//!
//! The only SQL here is `CREATE DATABASE` and `DROP DATABASE` of scratch
//! databases turquoise named itself, and reading the server version; every
//! other database is left untouched. Servers are described without their
//! password.

mod bins;
pub mod cleanup;
mod cluster;

pub use bins::{BINDIR_VAR, BinDir, BinSearch};
pub use cluster::{StopMode, Throwaway};

use super::PgError;
use super::error::Op;
use cleanup::{Job, Registration};
use postgres::config::Host;
use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Every scratch database's name starts with this.
pub const SCRATCH_PREFIX: &str = "turquoise_verify_";

/// How long to wait for a server to accept a connection when the URL does
/// not say: long enough for a busy server, short enough that a wrong
/// address fails before the user gives up.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// A PostgreSQL server turquoise may create scratch databases on.
pub struct Server {
    /// Connects to the server's default database (the URL's, or `postgres`).
    config: postgres::Config,
    /// Set when this is our own cluster, dropped (and removed) with us.
    throwaway: Option<Throwaway>,
    version: OnceLock<u32>,
}

impl fmt::Debug for Server {
    // By hand: the description is what matters, and it has no password.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Server")
            .field("describe", &self.describe())
            .finish_non_exhaustive()
    }
}

impl Server {
    /// The server at `url` (a libpq connection string or URL). Parses only;
    /// the first connection tells whether it is there.
    pub fn from_url(url: &str) -> Result<Server, PgError> {
        let mut config: postgres::Config =
            url.parse().map_err(|e: postgres::Error| PgError::BadUrl {
                reason: parse_reason(&e),
            })?;
        if config.get_hosts().is_empty() && config.get_hostaddrs().is_empty() {
            // libpq's default is its Unix socket folder; the `postgres`
            // crate has no default and would refuse to connect.
            let dir = ["/var/run/postgresql", "/tmp"]
                .into_iter()
                .find(|d| std::path::Path::new(d).is_dir())
                .unwrap_or("/tmp");
            config.host_path(dir);
        }
        Ok(Server::with_defaults(config, None))
    }

    /// A throwaway cluster in a temporary folder, listening only on a Unix
    /// socket in that folder; stopped and removed when dropped.
    pub fn start_throwaway() -> Result<Server, PgError> {
        Server::start_throwaway_with(&BinSearch::Usual)
    }

    /// [`Server::start_throwaway`] with the server programs looked for as
    /// `search` says.
    pub fn start_throwaway_with(search: &BinSearch) -> Result<Server, PgError> {
        let cluster = Throwaway::start(search)?;
        let mut config = postgres::Config::new();
        config
            .host_path(cluster.socket_dir())
            .port(cluster::PORT)
            .user(cluster::SUPERUSER)
            .dbname("postgres");
        Ok(Server::with_defaults(config, Some(cluster)))
    }

    fn with_defaults(mut config: postgres::Config, throwaway: Option<Throwaway>) -> Server {
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        if config.get_application_name().is_none() {
            // So a DBA looking at pg_stat_activity knows who this is.
            config.application_name("turquoise");
        }
        Server {
            config,
            throwaway,
            version: OnceLock::new(),
        }
    }

    /// Connects to database `dbname` (the server's default database when
    /// `None`).
    pub fn connect(&self, dbname: Option<&str>) -> Result<postgres::Client, PgError> {
        let mut config = self.config.clone();
        if let Some(db) = dbname {
            config.dbname(db);
        }
        let db = config
            .get_dbname()
            .map(str::to_string)
            .unwrap_or_else(|| self.user());
        config
            .connect(postgres::NoTls)
            .map_err(|e| PgError::from_postgres(e, self, Op::Connect(&db)))
    }

    /// Where the server is, for messages, with any password removed:
    /// `host=... port=... user=... dbname=...`.
    pub fn describe(&self) -> String {
        let mut hosts: Vec<String> = self
            .config
            .get_hosts()
            .iter()
            .map(|h| match h {
                Host::Tcp(name) => name.clone(),
                Host::Unix(path) => path.display().to_string(),
            })
            .collect();
        if hosts.is_empty() {
            hosts = self
                .config
                .get_hostaddrs()
                .iter()
                .map(ToString::to_string)
                .collect();
        }
        let ports: Vec<String> = self.ports().iter().map(ToString::to_string).collect();
        let dbname = self
            .config
            .get_dbname()
            .map(str::to_string)
            .unwrap_or_else(|| self.user());
        let mut text = format!(
            "host={} port={} user={} dbname={}",
            conninfo_value(&hosts.join(",")),
            ports.join(","),
            conninfo_value(&self.user()),
            conninfo_value(&dbname)
        );
        if self.throwaway.is_some() {
            text.push_str(" (turquoise's throwaway server)");
        }
        text
    }

    /// Where connections go, for "cannot reach" messages: `host:port`, or
    /// the socket file for a Unix socket.
    pub fn location(&self) -> String {
        let port = self.ports().first().copied().unwrap_or(cluster::PORT);
        let mut places: Vec<String> = self
            .config
            .get_hosts()
            .iter()
            .map(|h| match h {
                Host::Tcp(name) if name.contains(':') => format!("[{name}]:{port}"),
                Host::Tcp(name) => format!("{name}:{port}"),
                Host::Unix(dir) => {
                    format!("socket {}", dir.join(format!(".s.PGSQL.{port}")).display())
                }
            })
            .collect();
        if places.is_empty() {
            places = self
                .config
                .get_hostaddrs()
                .iter()
                .map(|a| format!("{a}:{port}"))
                .collect();
        }
        places.join(" or ")
    }

    /// The role turquoise connects as (libpq's default: the OS user).
    pub fn user(&self) -> String {
        if let Some(user) = self.config.get_user() {
            return user.to_string();
        }
        std::env::var("USER")
            .or_else(|_| std::env::var("LOGNAME"))
            .unwrap_or_else(|_| "(your OS user name)".to_string())
    }

    fn ports(&self) -> Vec<u16> {
        let ports = self.config.get_ports();
        if ports.is_empty() {
            vec![cluster::PORT]
        } else {
            ports.to_vec()
        }
    }

    /// Our own cluster, when this is a throwaway server.
    pub fn throwaway(&self) -> Option<&Throwaway> {
        self.throwaway.as_ref()
    }

    /// `server_version_num`, e.g. `150018` for 15.18 (read once).
    pub fn version_num(&self) -> Result<u32, PgError> {
        if let Some(v) = self.version.get() {
            return Ok(*v);
        }
        let mut client = self.connect(None)?;
        let op = Op::Doing("reading server_version_num");
        let text: String = client
            .query_one("SELECT current_setting('server_version_num')", &[])
            .and_then(|row| row.try_get(0))
            .map_err(self.pg_error(op))?;
        let v = text.trim().parse().map_err(|_| {
            PgError::Other(format!(
                "{} reports server_version_num = {text:?}, which is not a number; turquoise needs PostgreSQL 9.6 or later",
                self.describe()
            ))
        })?;
        Ok(*self.version.get_or_init(|| v))
    }

    /// Maps a `postgres` error from a call on this server, for `map_err`:
    /// `client.query(..).map_err(server.pg_error(Op::Doing("reading the catalog")))`.
    pub fn pg_error<'a>(&'a self, op: Op<'a>) -> impl FnOnce(postgres::Error) -> PgError + 'a {
        move |e| PgError::from_postgres(e, self, op)
    }

    /// Creates `turquoise_verify_<random>`, dropped when the value is
    /// dropped unless kept.
    pub fn create_scratch(&self) -> Result<ScratchDb<'_>, PgError> {
        let name = format!("{SCRATCH_PREFIX}{}", random_hex());
        let mut admin = self.connect(None)?;
        // Registered before it exists: a Ctrl-C right after CREATE must
        // find it (dropping a database that was never made is harmless).
        let registration = self.register_scratch(&name);
        // template0 rather than template1: ground truth is an empty
        // database, whatever a site added to template1; and nobody can be
        // connected to template0, which would make CREATE fail.
        admin
            .batch_execute(&format!(
                "CREATE DATABASE {} TEMPLATE template0",
                quote_ident(&name)
            ))
            .map_err(self.pg_error(Op::CreateDatabase(&name)))?;
        Ok(ScratchDb {
            server: self,
            name,
            keep: false,
            registration: Some(registration),
            removed: false,
        })
    }

    fn register_scratch(&self, name: &str) -> Registration {
        cleanup::register(Job::DropDatabase {
            config: Box::new(self.config.clone()),
            name: name.to_string(),
            on_throwaway: self.throwaway.is_some(),
        })
    }

    /// The scratch databases (`turquoise_verify_*`) on this server, from
    /// any process: for finding ones left by a killed run.
    pub fn scratch_databases(&self) -> Result<Vec<String>, PgError> {
        let mut client = self.connect(None)?;
        let rows = client
            .query(
                "SELECT datname FROM pg_database WHERE starts_with(datname, $1) ORDER BY 1",
                &[&SCRATCH_PREFIX],
            )
            .map_err(self.pg_error(Op::Doing("listing scratch databases")))?;
        rows.iter()
            .map(|r| r.try_get(0))
            .collect::<Result<_, _>>()
            .map_err(self.pg_error(Op::Doing("listing scratch databases")))
    }
}

/// A database turquoise created for itself and drops when done.
#[derive(Debug)]
pub struct ScratchDb<'a> {
    pub server: &'a Server,
    pub name: String,
    /// Keep the database instead of dropping it. Setting this field only
    /// affects a normal drop; [`ScratchDb::set_keep`] also keeps it on
    /// Ctrl-C.
    pub keep: bool,
    /// Present while Ctrl-C must drop the database.
    registration: Option<Registration>,
    /// Already dropped through [`ScratchDb::remove`].
    removed: bool,
}

impl ScratchDb<'_> {
    /// Connects to the scratch database.
    pub fn connect(&self) -> Result<postgres::Client, PgError> {
        self.server.connect(Some(&self.name))
    }

    /// Keeps the database (or not) when this value is dropped and when the
    /// process is interrupted.
    pub fn set_keep(&mut self, keep: bool) {
        self.keep = keep;
        if keep {
            self.registration = None;
        } else if self.registration.is_none() {
            self.registration = Some(self.server.register_scratch(&self.name));
        }
    }

    /// Drops the database now and says whether that worked (dropping the
    /// value can only print a warning). Ignores `keep`.
    pub fn remove(mut self) -> Result<(), PgError> {
        self.removed = true;
        drop_database(&self.server.config, &self.name)
            .map_err(self.server.pg_error(Op::DropDatabase(&self.name)))
    }
}

impl Drop for ScratchDb<'_> {
    fn drop(&mut self) {
        if self.removed || self.keep {
            return;
        }
        if let Err(e) = drop_database(&self.server.config, &self.name) {
            if self.server.throwaway.is_some() {
                // Its cluster, and the database with it, is removed next.
                return;
            }
            let e = PgError::from_postgres(e, self.server, Op::DropDatabase(&self.name));
            // Drop cannot return the error, and a silently leaked database
            // would never be found: name it.
            eprintln!(
                "turquoise: warning: scratch database \"{}\" is left on the server: {e}",
                self.name
            );
        }
    }
}

/// Drops database `name` through a connection made with `config` (to
/// another database), closing the connections still open to it.
fn drop_database(config: &postgres::Config, name: &str) -> Result<(), postgres::Error> {
    let mut client = config.connect(postgres::NoTls)?;
    let version: u32 = client
        .query_one("SELECT current_setting('server_version_num')", &[])?
        .try_get::<_, String>(0)?
        .parse()
        .unwrap_or(0);
    let ident = quote_ident(name);
    if version >= 130000 {
        return client.batch_execute(&format!("DROP DATABASE IF EXISTS {ident} WITH (FORCE)"));
    }
    // Before 13: end the other sessions, then drop; a session that slips in
    // between makes DROP fail with 55006, so try a few times.
    let mut attempt = 0;
    loop {
        client.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = $1 AND pid <> pg_backend_pid()",
            &[&name],
        )?;
        match client.batch_execute(&format!("DROP DATABASE IF EXISTS {ident}")) {
            Err(e)
                if e.code() == Some(&postgres::error::SqlState::OBJECT_IN_USE) && attempt < 5 =>
            {
                attempt += 1;
                std::thread::sleep(Duration::from_millis(100));
            }
            result => return result,
        }
    }
}

/// Why a connection string does not parse, without echoing any of it: the
/// `postgres` crate's message may quote a character of the password.
fn parse_reason(err: &postgres::Error) -> String {
    let reason = std::error::Error::source(err)
        .map(ToString::to_string)
        .unwrap_or_else(|| err.to_string());
    match reason.split_once(": expected") {
        Some((head, _)) => head.to_string(),
        None => reason,
    }
}

/// A libpq connection-string value, quoted when it needs to be.
fn conninfo_value(value: &str) -> String {
    if !value.is_empty() && !value.contains(|c: char| c.is_whitespace() || c == '\'' || c == '\\') {
        return value.to_string();
    }
    format!("'{}'", value.replace('\\', r"\\").replace('\'', r"\'"))
}

fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// 16 random hex digits from std's per-process random hash keys (seeded
/// by the OS), mixed with the time, pid and a counter: no two runs, even
/// concurrent ones on one server, pick the same name.
fn random_hex() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u32(std::process::id());
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    if let Ok(now) = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        hasher.write_u128(now.as_nanos());
    }
    format!("{:016x}", hasher.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_names_differ_and_are_identifiers() {
        let a = random_hex();
        let b = random_hex();
        assert_ne!(a, b);
        assert_eq!(a.len(), 16);
        assert!(
            a.chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        );
    }

    #[test]
    fn parse_errors_do_not_echo_the_string() {
        let err = Server::from_url("host=h password='sec").unwrap_err();
        assert!(!err.to_string().contains("sec"), "{err}");
        let err = Server::from_url("host=h password=x§ bogus").unwrap_err();
        assert!(!err.to_string().contains('§'), "{err}");
    }

    #[test]
    fn describe_without_host_uses_the_default_socket_folder() {
        let server = Server::from_url("user=u dbname=d").unwrap();
        let text = server.describe();
        assert!(text.starts_with("host=/"), "{text}");
        assert!(
            server.location().starts_with("socket /"),
            "{}",
            server.location()
        );
    }

    #[test]
    fn conninfo_values_are_quoted_when_needed() {
        assert_eq!(conninfo_value("abc"), "abc");
        assert_eq!(conninfo_value("a b"), "'a b'");
        assert_eq!(conninfo_value("it's"), r"'it\'s'");
        assert_eq!(conninfo_value(""), "''");
    }
}
