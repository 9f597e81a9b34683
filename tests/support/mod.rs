//! Test support: a throwaway PostgreSQL server for integration tests.
//!
//! Include with `mod support;`. [`fresh_database`] gives each test its own
//! database on one cluster per test process, started on first use (see
//! `cluster.rs` for how it is cleaned up). With `TURQUOISE_TEST_DATABASE_URL`
//! set, databases are created on that server instead and no cluster starts.
//!
//! This never skips a test quietly: with neither PostgreSQL programs nor a
//! URL, it panics and says how to get one.

#![allow(dead_code)]

pub mod bins;
pub mod cluster;
pub mod emitted;

use bins::BinDir;
use cluster::Cluster;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

pub const URL_VAR: &str = "TURQUOISE_TEST_DATABASE_URL";

/// The server every test database of this process lives on.
#[derive(Debug)]
pub enum Server {
    /// Our own cluster, reached through its Unix socket.
    Local(Cluster),
    /// An existing server from `TURQUOISE_TEST_DATABASE_URL`.
    External {
        config: Box<postgres::Config>,
        bins: Option<BinDir>,
    },
}

impl Server {
    /// A libpq connection string for database `dbname` on this server.
    pub fn conninfo(&self, dbname: &str) -> String {
        match self {
            Server::Local(c) => format!(
                "host={} user=postgres dbname={}",
                quote(&c.socket_dir.display().to_string()),
                quote(dbname)
            ),
            Server::External { config, .. } => {
                let mut parts = Vec::new();
                if let Some(host) = config.get_hosts().first() {
                    let host = match host {
                        postgres::config::Host::Tcp(h) => h.clone(),
                        postgres::config::Host::Unix(p) => p.display().to_string(),
                    };
                    parts.push(format!("host={}", quote(&host)));
                }
                if let Some(port) = config.get_ports().first() {
                    parts.push(format!("port={port}"));
                }
                if let Some(user) = config.get_user() {
                    parts.push(format!("user={}", quote(user)));
                }
                if let Some(pw) = config.get_password() {
                    parts.push(format!("password={}", quote(&String::from_utf8_lossy(pw))));
                }
                parts.push(format!("dbname={}", quote(dbname)));
                parts.join(" ")
            }
        }
    }

    /// The database to connect to for `CREATE DATABASE` / `DROP DATABASE`.
    fn admin_db(&self) -> String {
        match self {
            Server::Local(_) => "postgres".to_string(),
            Server::External { config, .. } => {
                config.get_dbname().unwrap_or("postgres").to_string()
            }
        }
    }

    fn admin_client(&self) -> postgres::Client {
        connect(&self.conninfo(&self.admin_db()))
    }

    pub fn bins(&self) -> &BinDir {
        let bins = match self {
            Server::Local(c) => Some(&c.bins),
            Server::External { bins, .. } => bins.as_ref(),
        };
        bins.unwrap_or_else(|| panic!("{}", no_binaries_message()))
    }
}

/// Quotes a libpq connection-string value.
fn quote(value: &str) -> String {
    format!("'{}'", value.replace('\\', r"\\").replace('\'', r"\'"))
}

fn no_binaries_message() -> String {
    format!(
        "no PostgreSQL found: these tests need a real server. Install the server \
         programs (Debian/Ubuntu: `apt-get install postgresql`; or set \
         TURQUOISE_PG_BINDIR to the folder holding initdb), or point {URL_VAR} \
         at an existing server (postgres://user:password@host:port/postgres)"
    )
}

/// The server for this process, started on first use.
pub fn server() -> &'static Server {
    static SERVER: OnceLock<Server> = OnceLock::new();
    SERVER.get_or_init(|| {
        if let Ok(url) = std::env::var(URL_VAR) {
            let config: postgres::Config = url
                .parse()
                .unwrap_or_else(|e| panic!("{URL_VAR} is not a valid connection string: {e}"));
            return Server::External {
                config: Box::new(config),
                bins: bins::find(),
            };
        }
        let bins = bins::find().unwrap_or_else(|| panic!("{}", no_binaries_message()));
        Server::Local(Cluster::start(bins))
    })
}

pub fn connect(conninfo: &str) -> postgres::Client {
    postgres::Client::connect(conninfo, postgres::NoTls)
        .unwrap_or_else(|e| panic!("cannot connect to `{conninfo}`: {e}"))
}

/// A database of its own for one test; dropped (with `FORCE`) when dropped.
#[derive(Debug)]
pub struct TestDb {
    pub name: String,
    pub conninfo: String,
}

impl TestDb {
    pub fn client(&self) -> postgres::Client {
        connect(&self.conninfo)
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        // Never panic in drop: a failed cleanup must not hide the test's own result.
        let server = server();
        if let Ok(mut admin) =
            postgres::Client::connect(&server.conninfo(&server.admin_db()), postgres::NoTls)
        {
            let _ = admin.batch_execute(&format!(
                "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
                self.name
            ));
        }
    }
}

/// Creates a new, empty database whose name starts with `name_hint`.
pub fn fresh_database(name_hint: &str) -> TestDb {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    // Concurrent CREATE DATABASE from template1 can fail with "source
    // database is being accessed by other users"; one at a time is cheap.
    static CREATE: Mutex<()> = Mutex::new(());

    let hint: String = name_hint
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .take(32)
        .collect();
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let name = format!("tq_{hint}_{}_{n}", std::process::id());

    let server = server();
    {
        let _guard = CREATE.lock().unwrap_or_else(|e| e.into_inner());
        let mut admin = server.admin_client();
        admin
            .batch_execute(&format!("CREATE DATABASE \"{name}\""))
            .unwrap_or_else(|e| panic!("CREATE DATABASE {name} failed: {e}"));
    }
    TestDb {
        conninfo: server.conninfo(&name),
        name,
    }
}

/// The schema of `db` as `pg_dump --schema-only --no-owner --no-privileges`
/// prints it, less the `\restrict KEY` / `\unrestrict KEY` lines that
/// pg_dump 15.14 and later add with a random key (so two dumps of one schema
/// are equal text).
pub fn pg_dump_schema(db: &TestDb) -> String {
    let out = Command::new(server().bins().program("pg_dump"))
        .args(["--schema-only", "--no-owner", "--no-privileges", "-d"])
        .arg(&db.conninfo)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run pg_dump: {e}"));
    if !out.status.success() {
        panic!(
            "pg_dump failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let dump = String::from_utf8(out.stdout).expect("pg_dump printed non-UTF-8");
    dump.lines()
        .filter(|l| !l.starts_with("\\restrict ") && !l.starts_with("\\unrestrict "))
        .map(|l| format!("{l}\n"))
        .collect()
}

/// Runs the SQL file at `path` in `db` with `psql -v ON_ERROR_STOP=1`;
/// panics with psql's output when a statement fails. Returns psql's stdout.
pub fn psql_file(db: &TestDb, path: impl AsRef<Path>) -> String {
    let path = path.as_ref();
    let out = Command::new(server().bins().program("psql"))
        .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d"])
        .arg(&db.conninfo)
        .arg("-f")
        .arg(path)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run psql: {e}"));
    if !out.status.success() {
        panic!(
            "psql -f {} failed ({}):\n{}",
            path.display(),
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
    }
    String::from_utf8_lossy(&out.stdout).into_owned()
}
