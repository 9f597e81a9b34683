//! The server layer through the library API: throwaway clusters, scratch
//! databases, descriptions without passwords, one test per bad situation
//! with its message, and cleanup on Ctrl-C, SIGTERM and SIGKILL.
//!
//! Needs the PostgreSQL server programs (found as the library finds them);
//! without them these tests fail, they never skip.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use turquoise::pg::error::Op;
use turquoise::pg::server::{BinSearch, SCRATCH_PREFIX, StopMode};
use turquoise::pg::{PgError, Server};

fn throwaway() -> Server {
    let started = Instant::now();
    let server = Server::start_throwaway().unwrap_or_else(|e| panic!("{e}"));
    eprintln!("throwaway server started in {:?}", started.elapsed());
    server
}

/// A libpq connection string for `user` on our throwaway `server`.
fn conninfo(server: &Server, user: &str, extra: &str) -> String {
    let dir = server.throwaway().expect("a throwaway server").socket_dir();
    format!("host={} user={user} dbname=postgres {extra}", dir.display())
}

fn admin(server: &Server) -> postgres::Client {
    server.connect(None).unwrap_or_else(|e| panic!("{e}"))
}

fn database_exists(server: &Server, name: &str) -> bool {
    admin(server)
        .query_opt("SELECT 1 FROM pg_database WHERE datname = $1", &[&name])
        .unwrap()
        .is_some()
}

/// Checks what every error message must be: one paragraph naming the cause
/// and then what to do, and never a password.
fn assert_message(err: &PgError, must_contain: &[&str]) -> String {
    let msg = err.to_string();
    assert!(!msg.contains('\n'), "more than one paragraph: {msg}");
    for needle in must_contain {
        assert!(msg.contains(needle), "{needle:?} missing from: {msg}");
    }
    assert!(!msg.contains("secret"), "password printed: {msg}");
    eprintln!("message: {msg}");
    msg
}

/// Whether a process is running (a zombie is not).
fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
        stat.rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().next())
            .is_some_and(|state| state != "Z" && state != "X")
    })
}

fn wait_until(what: &str, limit: Duration, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(
            start.elapsed() < limit,
            "{what} did not happen within {limit:?}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// A loopback TCP port nothing listens on (bound, then released).
fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

#[test]
fn throwaway_server_works_and_is_gone_after_drop() {
    let server = throwaway();
    let cluster = server.throwaway().unwrap();
    let root = cluster.root().to_path_buf();
    let pid = cluster.postmaster_pid().expect("postmaster.pid");
    assert!(alive(pid));
    assert!(root.starts_with(std::env::temp_dir()) || root.starts_with("/tmp"));
    let socket = cluster.socket_dir().join(".s.PGSQL.5432");
    assert!(socket.to_string_lossy().len() < 107, "{}", socket.display());

    let mut client = admin(&server);
    let one: i32 = client.query_one("SELECT 1", &[]).unwrap().get(0);
    assert_eq!(one, 1);
    // No TCP port: a Unix socket only.
    let listen: String = client
        .query_one("SELECT current_setting('listen_addresses')", &[])
        .unwrap()
        .get(0);
    assert_eq!(listen, "");
    let version = server.version_num().unwrap_or_else(|e| panic!("{e}"));
    assert!(version >= 120000, "{version}");
    assert!(
        server.describe().contains("user=postgres"),
        "{}",
        server.describe()
    );
    drop(client);

    let stopping = Instant::now();
    drop(server);
    eprintln!(
        "throwaway server stopped and removed in {:?}",
        stopping.elapsed()
    );
    assert!(!root.exists(), "{} still exists", root.display());
    assert!(!alive(pid), "postmaster {pid} still runs");
}

#[test]
fn scratch_databases_are_named_usable_distinct_and_dropped() {
    let server = throwaway();
    let a = server.create_scratch().unwrap_or_else(|e| panic!("{e}"));
    let b = server.create_scratch().unwrap_or_else(|e| panic!("{e}"));
    for db in [&a, &b] {
        let suffix = db.name.strip_prefix(SCRATCH_PREFIX).expect("prefix");
        assert_eq!(suffix.len(), 16, "{}", db.name);
        assert!(
            suffix
                .bytes()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        );
        assert!(!db.keep);
    }
    assert_ne!(a.name, b.name);

    let mut client = a.connect().unwrap_or_else(|e| panic!("{e}"));
    client
        .batch_execute("CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1)")
        .unwrap();
    let current: String = client
        .query_one("SELECT current_database()", &[])
        .unwrap()
        .get(0);
    assert_eq!(current, a.name);
    let mut listed = server.scratch_databases().unwrap();
    listed.sort();
    let mut expected = vec![a.name.clone(), b.name.clone()];
    expected.sort();
    assert_eq!(listed, expected);

    // Dropped even with a connection still open to it.
    let (a_name, b_name) = (a.name.clone(), b.name.clone());
    drop(a);
    assert!(!database_exists(&server, &a_name));
    assert!(client.query_one("SELECT 1", &[]).is_err());
    b.remove().unwrap_or_else(|e| panic!("{e}"));
    assert!(!database_exists(&server, &b_name));
    assert!(server.scratch_databases().unwrap().is_empty());
}

#[test]
fn kept_scratch_database_survives_drop() {
    let server = throwaway();
    let mut db = server.create_scratch().unwrap();
    db.set_keep(true);
    let name = db.name.clone();
    drop(db);
    assert!(database_exists(&server, &name));

    // The field alone keeps it on a normal drop too.
    let mut db = server.create_scratch().unwrap();
    db.keep = true;
    let name2 = db.name.clone();
    drop(db);
    assert!(database_exists(&server, &name2));

    let mut client = admin(&server);
    for n in [name, name2] {
        client
            .batch_execute(&format!("DROP DATABASE \"{n}\""))
            .unwrap();
    }
}

#[test]
fn describe_never_shows_the_password() {
    let url = Server::from_url("postgresql://u:secret@db.example.com:6543/app").unwrap();
    let text = url.describe();
    assert_eq!(text, "host=db.example.com port=6543 user=u dbname=app");
    assert!(!format!("{url:?}").contains("secret"));

    let kv = Server::from_url("host=db.example.com user=u password=secret dbname=app").unwrap();
    assert_eq!(
        kv.describe(),
        "host=db.example.com port=5432 user=u dbname=app"
    );
    assert!(!format!("{kv:?}").contains("secret"));

    let quoted = Server::from_url("host=h user='a b' password='se cret' dbname=d").unwrap();
    assert!(!quoted.describe().contains("cret"), "{}", quoted.describe());
}

#[test]
fn no_binaries_and_no_url_says_how_to_get_either() {
    let empty = tempfile::tempdir().unwrap();
    let err = Server::start_throwaway_with(&BinSearch::Only(vec![empty.path().to_path_buf()]))
        .unwrap_err();
    assert!(matches!(err, PgError::NoServer), "{err:?}");
    assert_message(
        &err,
        &[
            "no PostgreSQL server",
            "--database-url",
            "TURQUOISE_DATABASE_URL",
            "apt-get install postgresql",
        ],
    );
}

#[test]
fn failed_initdb_says_why_and_leaves_no_folder() {
    use std::os::unix::fs::PermissionsExt;
    // A fake bin folder whose initdb fails after noting its folder; open
    // to all, since as root it runs as the postgres user.
    let bin = tempfile::tempdir().unwrap();
    std::fs::set_permissions(bin.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
    let marker = bin.path().join("cwd");
    let initdb = format!(
        "#!/bin/sh\npwd > '{}'\necho 'initdb: disk on fire' >&2\nexit 1\n",
        marker.display()
    );
    for (name, body) in [
        ("initdb", initdb.as_str()),
        ("pg_ctl", "#!/bin/sh\nexit 1\n"),
    ] {
        let path = bin.path().join(name);
        std::fs::write(&path, body).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let err =
        Server::start_throwaway_with(&BinSearch::Only(vec![bin.path().to_path_buf()])).unwrap_err();
    assert!(matches!(err, PgError::Throwaway { .. }), "{err:?}");
    assert_message(
        &err,
        &[
            "could not start a throwaway",
            "initdb failed",
            "disk on fire",
            "database URL",
        ],
    );
    let root = std::fs::read_to_string(&marker).unwrap();
    let root = Path::new(root.trim());
    assert!(
        root.to_string_lossy().contains("turquoise-throwaway-"),
        "{}",
        root.display()
    );
    assert!(!root.exists(), "{} still exists", root.display());
}

#[test]
fn unreachable_tcp_port_names_the_address() {
    let port = free_port();
    let server = Server::from_url(&format!("postgresql://u:secret@127.0.0.1:{port}/app")).unwrap();
    let err = server.connect(None).err().expect("an error");
    assert!(matches!(err, PgError::Unreachable { .. }), "{err:?}");
    assert_message(
        &err,
        &[
            &format!("127.0.0.1:{port}"),
            "may not be running",
            "pg_isready",
        ],
    );
    // create_scratch fails the same way, before creating anything.
    let err = server.create_scratch().unwrap_err();
    assert!(matches!(err, PgError::Unreachable { .. }), "{err:?}");
}

#[test]
fn unreachable_socket_names_the_socket() {
    let dir = tempfile::tempdir().unwrap();
    let server =
        Server::from_url(&format!("host={} user=u dbname=app", dir.path().display())).unwrap();
    let err = server.version_num().unwrap_err();
    assert!(matches!(err, PgError::Unreachable { .. }), "{err:?}");
    let socket = dir.path().join(".s.PGSQL.5432");
    assert_message(
        &err,
        &[
            &format!("socket {}", socket.display()),
            "may not be running",
        ],
    );
}

#[test]
fn tls_in_the_url_says_unsupported() {
    use std::io::{Read, Write};
    // A loopback listener that agrees to TLS, as a server with ssl=on does.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let answer = std::thread::spawn(move || {
        if let Ok((mut conn, _)) = listener.accept() {
            let mut request = [0u8; 8];
            let _ = conn.read_exact(&mut request);
            let _ = conn.write_all(b"S");
        }
    });
    let server = Server::from_url(&format!(
        "postgresql://u:secret@127.0.0.1:{port}/app?sslmode=require"
    ))
    .unwrap();
    let err = server.connect(None).err().expect("an error");
    assert!(matches!(err, PgError::TlsUnsupported { .. }), "{err:?}");
    assert_message(&err, &["TLS", "sslmode=prefer"]);
    answer.join().unwrap();
}

/// Makes role `user` log in with a SCRAM password on `server` by putting a
/// line for it before the cluster's `trust` lines, then reloads.
fn require_password(server: &Server, user: &str) {
    let hba = server.throwaway().unwrap().data_dir().join("pg_hba.conf");
    let old = std::fs::read_to_string(&hba).unwrap();
    // Rewritten in place, so the file keeps its owner (postgres, when root).
    std::fs::write(&hba, format!("local all {user} scram-sha-256\n{old}")).unwrap();
    admin(server)
        .batch_execute("SELECT pg_reload_conf()")
        .unwrap();
}

#[test]
fn wrong_password_says_authentication_failed() {
    let server = throwaway();
    admin(&server)
        .batch_execute(
            "SET password_encryption = 'scram-sha-256'; \
             CREATE ROLE pwuser LOGIN CREATEDB PASSWORD 'right'",
        )
        .unwrap();
    require_password(&server, "pwuser");

    let wrong = Server::from_url(&conninfo(&server, "pwuser", "password=secret")).unwrap();
    // The reload is asynchronous: wait until the new rule is in force.
    let mut last = None;
    wait_until("pg_hba.conf reload", Duration::from_secs(10), || {
        last = wrong.connect(None).err();
        last.is_some()
    });
    let err = last.unwrap();
    assert!(matches!(err, PgError::AuthFailed { .. }), "{err:?}");
    assert_message(
        &err,
        &[
            "authentication failed for user \"pwuser\"",
            "password",
            "pg_hba.conf",
        ],
    );
    let err = wrong.create_scratch().unwrap_err();
    assert!(matches!(err, PgError::AuthFailed { .. }), "{err:?}");

    let missing = Server::from_url(&conninfo(&server, "pwuser", "")).unwrap();
    let err = missing.connect(None).err().expect("an error");
    assert!(matches!(err, PgError::AuthFailed { .. }), "{err:?}");
    assert_message(&err, &["gives none"]);

    // The right password works: the failure above was the password.
    let right = Server::from_url(&conninfo(&server, "pwuser", "password=right")).unwrap();
    right.connect(None).unwrap_or_else(|e| panic!("{e}"));
    assert!(server.scratch_databases().unwrap().is_empty());
}

#[test]
fn role_without_createdb_cannot_create_scratch() {
    let server = throwaway();
    admin(&server)
        .batch_execute("CREATE ROLE plain LOGIN NOCREATEDB")
        .unwrap();
    let plain = Server::from_url(&conninfo(&server, "plain", "")).unwrap();
    let err = plain.create_scratch().unwrap_err();
    assert!(
        matches!(err, PgError::CannotCreateDatabase { .. }),
        "{err:?}"
    );
    assert_message(
        &err,
        &[
            "role \"plain\" may not create databases",
            "CREATEDB",
            "throwaway",
        ],
    );
    assert!(server.scratch_databases().unwrap().is_empty());
}

#[test]
fn other_permission_errors_name_the_role_and_what_was_done() {
    let server = throwaway();
    admin(&server)
        .batch_execute("CREATE ROLE plain LOGIN; CREATE TABLE secret_table (x int); REVOKE ALL ON secret_table FROM PUBLIC")
        .unwrap();
    let plain = Server::from_url(&conninfo(&server, "plain", "")).unwrap();
    let mut client = plain.connect(None).unwrap();
    let err = client.query("SELECT * FROM secret_table", &[]).unwrap_err();
    let err = PgError::from_postgres(err, &plain, Op::Doing("reading the table"));
    assert!(matches!(err, PgError::PermissionDenied { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(
        msg.contains("\"plain\"") && msg.contains("while reading the table"),
        "{msg}"
    );
}

#[test]
fn server_stopped_mid_run_says_so() {
    let server = throwaway();
    let scratch = server.create_scratch().unwrap();
    let mut client = scratch.connect().unwrap();
    client.query_one("SELECT 1", &[]).unwrap();

    let cluster = server.throwaway().unwrap();
    let pid = cluster.postmaster_pid().unwrap();
    cluster
        .stop(StopMode::Immediate)
        .unwrap_or_else(|e| panic!("{e}"));
    // pg_ctl returns once the pid file is gone; on a loaded machine the
    // postmaster may take a moment longer to exit.
    wait_until("the postmaster exits", Duration::from_secs(10), || {
        !alive(pid)
    });

    let err = client.query_one("SELECT 1", &[]).unwrap_err();
    let err = PgError::from_postgres(err, &server, Op::Doing("applying migration 0001_init.sql"));
    assert!(matches!(err, PgError::ServerStopped { .. }), "{err:?}");
    assert_message(
        &err,
        &[
            "stopped, or the connection to it was lost",
            "while applying migration 0001_init.sql",
            "running",
        ],
    );
    // A new connection finds nobody at the socket.
    let err = scratch.connect().err().expect("an error");
    assert!(matches!(err, PgError::Unreachable { .. }), "{err:?}");
    let root = cluster.root().to_path_buf();
    drop(scratch);
    drop(server);
    assert!(!root.exists());
}

#[test]
fn terminated_session_says_connection_lost() {
    let server = throwaway();
    let scratch = server.create_scratch().unwrap();
    let mut client = scratch.connect().unwrap();
    let pid: i32 = client
        .query_one("SELECT pg_backend_pid()", &[])
        .unwrap()
        .get(0);
    admin(&server)
        .execute("SELECT pg_terminate_backend($1)", &[&pid])
        .unwrap();
    let err = client.batch_execute("SELECT 1").unwrap_err();
    let err = PgError::from_postgres(err, &server, Op::Doing("reading the catalog"));
    assert!(matches!(err, PgError::ServerStopped { .. }), "{err:?}");
    assert_message(
        &err,
        &["connection to it was lost", "while reading the catalog"],
    );
    let name = scratch.name.clone();
    drop(scratch);
    assert!(!database_exists(&server, &name));
}

#[test]
fn statement_timeout_says_canceled() {
    let server = throwaway();
    let scratch = server.create_scratch().unwrap();
    let mut client = scratch.connect().unwrap();
    client.batch_execute("SET statement_timeout = 50").unwrap();
    let err = client.batch_execute("SELECT pg_sleep(5)").unwrap_err();
    let err = PgError::from_postgres(err, &server, Op::Doing("applying migration 0002"));
    assert!(matches!(err, PgError::Canceled { .. }), "{err:?}");
    assert_message(
        &err,
        &["canceled", "statement timeout", "statement_timeout"],
    );
}

#[test]
fn other_server_errors_carry_code_and_message() {
    let server = throwaway();
    let scratch = server.create_scratch().unwrap();
    let mut client = scratch.connect().unwrap();
    let err = client
        .batch_execute("SELECT * FROM no_such_table")
        .unwrap_err();
    let err = PgError::from_postgres(err, &server, Op::Doing("reading"));
    assert!(
        matches!(err, PgError::Server { ref code, .. } if code == "42P01"),
        "{err:?}"
    );
    assert_message(&err, &["42P01", "no_such_table"]);
}

// ---- signals: a child process holding a cluster and a scratch database ----

/// The `pg_throwaway` example, built by `cargo test` with the tests; built
/// here when a narrower `cargo test --test pg_server` skipped it.
fn example_binary() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    // target/<profile>/deps/pg_server-<hash> -> target/<profile>/examples/
    let profile_dir = exe.parent().and_then(Path::parent).unwrap();
    let bin = profile_dir.join("examples").join("pg_throwaway");
    if !bin.exists() {
        let status = Command::new(env!("CARGO"))
            .args(["build", "--example", "pg_throwaway", "--manifest-path"])
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml"))
            .status()
            .unwrap();
        assert!(
            status.success(),
            "cargo build --example pg_throwaway failed"
        );
    }
    bin
}

struct Ready {
    child: Child,
    root: Option<PathBuf>,
    scratch: String,
}

fn spawn_example(args: &[&str]) -> Ready {
    let mut child = Command::new(example_binary())
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    eprintln!("child: {}", line.trim());
    let field = |key: &str| {
        line.split_whitespace()
            .find_map(|w| w.strip_prefix(key))
            .unwrap_or_else(|| panic!("no {key} in {line:?}"))
            .to_string()
    };
    let root = field("root=");
    Ready {
        root: (root != "-").then(|| PathBuf::from(root)),
        scratch: field("scratch="),
        child,
    }
}

fn postmaster_of(root: &Path) -> u32 {
    let text = std::fs::read_to_string(root.join("data/postmaster.pid")).unwrap();
    text.lines().next().unwrap().trim().parse().unwrap()
}

fn signal(pid: u32, sig: &str) {
    let status = Command::new("kill")
        .args([&format!("-{sig}"), &pid.to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

#[test]
fn ctrl_c_removes_the_cluster_and_exits_130() {
    let mut ready = spawn_example(&[]);
    let root = ready.root.clone().unwrap();
    let postmaster = postmaster_of(&root);
    assert!(alive(postmaster));
    signal(ready.child.id(), "INT");
    let status = ready.child.wait().unwrap();
    assert_eq!(status.code(), Some(130), "{status}");
    assert!(!root.exists(), "{} still exists", root.display());
    assert!(!alive(postmaster), "postmaster {postmaster} still runs");
}

#[test]
fn sigterm_drops_the_scratch_database_on_a_url_server() {
    let server = throwaway();
    let url = conninfo(&server, "postgres", "");
    let mut ready = spawn_example(&["--url", &url]);
    assert!(ready.root.is_none());
    assert!(database_exists(&server, &ready.scratch));
    // A session still open in it must not stop the drop.
    let _other = server.connect(Some(&ready.scratch)).unwrap();
    signal(ready.child.id(), "TERM");
    let status = ready.child.wait().unwrap();
    assert_eq!(status.code(), Some(130), "{status}");
    assert!(!database_exists(&server, &ready.scratch));
}

#[test]
fn sigkill_leaves_the_cluster_to_the_watchdog() {
    let mut ready = spawn_example(&[]);
    let root = ready.root.clone().unwrap();
    let postmaster = postmaster_of(&root);
    signal(ready.child.id(), "KILL");
    ready.child.wait().unwrap();
    wait_until("watchdog cleanup", Duration::from_secs(30), || {
        !root.exists() && !alive(postmaster)
    });
}
