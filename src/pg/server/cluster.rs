//! A throwaway PostgreSQL cluster: `initdb` into a fresh folder under the
//! temp dir, a server listening only on a Unix socket in that folder, and
//! its removal when done.
//!
//! Scratch settings (trust auth inside a 0700 folder, fsync off) make it
//! fast and unfit for anything but throwaway use. Cleanup has three layers:
//! `Drop` (normal end and errors), the signal handler in `cleanup.rs`
//! (Ctrl-C, SIGTERM), and a watchdog shell that outlives this process and
//! removes the cluster once the process is gone (SIGKILL, abort). Starting
//! a cluster also removes those of dead processes, in case even the
//! watchdog was killed.
//!
//! Runs no SQL: the caller connects through the socket.

use super::super::PgError;
use super::bins::{BinDir, BinSearch};
use super::cleanup::{self, Job, Registration};
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// Folder names are `<PREFIX><pid>-<random>`: the pid says whose it is.
const PREFIX: &str = "turquoise-throwaway-";
/// The server's port: only names the socket file, no TCP port is opened.
pub const PORT: u16 = 5432;
/// The superuser `initdb` creates.
pub const SUPERUSER: &str = "postgres";
/// Unix socket paths longer than this do not fit `sockaddr_un`.
const MAX_SOCKET_PATH: usize = 107;

/// How to stop the server (`pg_ctl stop -m`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopMode {
    /// Wait for clients to disconnect.
    Smart,
    /// Disconnect clients, shut down cleanly.
    Fast,
    /// Kill everything at once, as a crash would (fine for scratch data).
    Immediate,
}

impl StopMode {
    fn as_arg(self) -> &'static str {
        match self {
            StopMode::Smart => "smart",
            StopMode::Fast => "fast",
            StopMode::Immediate => "immediate",
        }
    }
}

/// Everything needed to stop a cluster and remove its folder, without the
/// `Throwaway` value (for the signal handler and for stale clusters).
#[derive(Debug, Clone)]
pub(crate) struct StopPlan {
    root: PathBuf,
    pg_ctl: PathBuf,
    as_postgres: bool,
}

impl StopPlan {
    fn data_dir(&self) -> PathBuf {
        self.root.join("data")
    }

    fn stop(&self, mode: StopMode) -> Result<(), PgError> {
        if !self.data_dir().join("postmaster.pid").exists() {
            return Ok(());
        }
        let mut cmd = as_server_user(&self.pg_ctl, self.as_postgres, &self.root);
        cmd.args(["stop", "-w", "-t", "60", "-m", mode.as_arg(), "-D"])
            .arg(self.data_dir());
        run(cmd, "pg_ctl stop").map(|_| ())
    }

    /// Best effort: used on the way out, where nobody can act on an error.
    pub(crate) fn stop_and_remove(&self) {
        let _ = self.stop(StopMode::Immediate);
        let _ = std::fs::remove_dir_all(&self.root);
    }

    /// The shell command the watchdog runs to stop the server.
    fn stop_words(&self) -> Vec<String> {
        let mut words = Vec::new();
        if self.as_postgres {
            words.extend(["runuser", "-u", SUPERUSER, "--"].map(String::from));
        }
        words.push(self.pg_ctl.display().to_string());
        words.extend(["stop", "-w", "-m", "immediate", "-D"].map(String::from));
        words.push(self.data_dir().display().to_string());
        words
    }
}

/// A running throwaway cluster; stopped and its folder removed on drop.
#[derive(Debug)]
pub struct Throwaway {
    plan: StopPlan,
    bins: BinDir,
    // Dropped after `Drop::drop` has removed the cluster, so a signal
    // arriving mid-drop still finds the job.
    _registration: Registration,
}

impl Throwaway {
    /// Creates the folder, runs `initdb` and starts the server.
    pub(crate) fn start(search: &BinSearch) -> Result<Throwaway, PgError> {
        let bins = search.find()?;
        let as_postgres = running_as_root();
        if as_postgres && !user_exists(SUPERUSER) {
            return Err(PgError::NoPostgresUser);
        }
        let base = base_dir(as_postgres);
        remove_stale(&base, &bins);
        let root = create_root(&base)?;
        let plan = StopPlan {
            root,
            pg_ctl: bins.program("pg_ctl"),
            as_postgres,
        };
        // From here on, returning an error drops `cluster`, which stops
        // whatever was started and removes the folder.
        let cluster = Throwaway {
            _registration: cleanup::register(Job::RemoveCluster(plan.clone())),
            plan,
            bins,
        };
        if as_postgres {
            // initdb refuses to run as root; the server must own its folder.
            let mut chown = Command::new("chown");
            chown.arg(format!("{SUPERUSER}:")).arg(cluster.root());
            run(chown, "chown")?;
        }
        cluster.spawn_watchdog()?;
        cluster.initdb()?;
        cluster.start_server()?;
        Ok(cluster)
    }

    /// The cluster's folder: `data/`, the socket and the server log.
    pub fn root(&self) -> &Path {
        &self.plan.root
    }

    /// The data directory (`PGDATA`).
    pub fn data_dir(&self) -> PathBuf {
        self.plan.data_dir()
    }

    /// The folder holding the Unix socket (`host=` in a connection string).
    pub fn socket_dir(&self) -> &Path {
        &self.plan.root
    }

    /// The server log.
    pub fn log_file(&self) -> PathBuf {
        self.plan.root.join("server.log")
    }

    /// The server programs this cluster runs.
    pub fn bins(&self) -> &BinDir {
        &self.bins
    }

    /// Whether server programs run as the `postgres` OS user (we are root).
    pub fn runs_as_postgres_user(&self) -> bool {
        self.plan.as_postgres
    }

    /// The postmaster's pid while the server runs (from `postmaster.pid`).
    pub fn postmaster_pid(&self) -> Option<u32> {
        let text = std::fs::read_to_string(self.data_dir().join("postmaster.pid")).ok()?;
        text.lines().next()?.trim().parse().ok()
    }

    /// Stops the server and keeps the folder (drop removes it). Also how a
    /// test simulates a crash: `StopMode::Immediate` under open connections.
    pub fn stop(&self, mode: StopMode) -> Result<(), PgError> {
        self.plan.stop(mode)
    }

    /// A command for server program `name`, run as `postgres` when we are
    /// root, from the cluster folder.
    fn server_command(&self, name: &str) -> Command {
        as_server_user(&self.bins.program(name), self.plan.as_postgres, self.root())
    }

    fn initdb(&self) -> Result<(), PgError> {
        let mut cmd = self.server_command("initdb");
        cmd.args([
            "--no-sync",
            "-A",
            "trust",
            "-U",
            SUPERUSER,
            "-E",
            "UTF8",
            "--locale=C",
            "-D",
        ])
        .arg(self.data_dir());
        run(cmd, "initdb").map(|_| ())
    }

    fn start_server(&self) -> Result<(), PgError> {
        let opts = format!(
            "-k {} -p {PORT} -c listen_addresses='' -c fsync=off -c full_page_writes=off \
             -c synchronous_commit=off",
            // pg_ctl hands -o to /bin/sh.
            shell_quote(&self.socket_dir().display().to_string()),
        );
        // pg_ctl's stderr goes to a file, not a pipe: the postmaster
        // inherits it, and a pipe would never reach end-of-file.
        let err_path = self.root().join("pg_ctl.err");
        let err_file = std::fs::File::create(&err_path).map_err(|e| PgError::Throwaway {
            step: "pg_ctl start".to_string(),
            detail: format!("cannot create {}: {e}", err_path.display()),
        })?;
        let mut cmd = self.server_command("pg_ctl");
        cmd.args(["start", "-w", "-t", "60", "-s", "-D"])
            .arg(self.data_dir())
            .arg("-l")
            .arg(self.log_file())
            .arg("-o")
            .arg(opts)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(err_file);
        let status = cmd.status().map_err(|e| PgError::Throwaway {
            step: "pg_ctl start".to_string(),
            detail: format!("cannot run {}: {e}", self.bins.program("pg_ctl").display()),
        })?;
        if status.success() {
            return Ok(());
        }
        let pg_ctl = std::fs::read_to_string(&err_path).unwrap_or_default();
        let log = std::fs::read_to_string(self.log_file()).unwrap_or_default();
        Err(PgError::Throwaway {
            step: "pg_ctl start".to_string(),
            detail: format!(
                "{status}; {}; the server log ends with: {}",
                one_line(&pg_ctl),
                one_line(&tail(&log, 10))
            ),
        })
    }

    /// A shell, detached from this process, that waits for this process to
    /// end and then stops the server and removes the folder. It exits early
    /// once the folder is gone (a normal drop).
    fn spawn_watchdog(&self) -> Result<(), PgError> {
        let root = shell_quote(&self.root().display().to_string());
        let stop = self
            .plan
            .stop_words()
            .iter()
            .map(|w| shell_quote(w))
            .collect::<Vec<_>>()
            .join(" ");
        // The inner subshell runs in the background of an `sh` that exits
        // at once: it is re-parented to init, so it never becomes our
        // zombie, and as a background job it already ignores SIGINT;
        // trapping INT and HUP too keeps it alive through Ctrl-C and a
        // closed terminal, which is when it is needed.
        let script = format!(
            "( trap '' INT HUP; \
               while kill -0 {pid} 2>/dev/null && [ -d {root} ]; do \
                 sleep 0.5 2>/dev/null || sleep 1; \
               done; \
               if [ -d {root} ]; then {stop}; rm -rf {root}; fi \
             ) </dev/null >/dev/null 2>&1 &",
            pid = std::process::id(),
        );
        let mut cmd = Command::new("sh");
        cmd.arg("-c").arg(script);
        run(cmd, "the cluster watchdog (sh)").map(|_| ())
    }
}

impl Drop for Throwaway {
    fn drop(&mut self) {
        self.plan.stop_and_remove();
    }
}

/// The folder clusters go in. As root, `/tmp`: the `postgres` user must
/// reach it, and root's `TMPDIR` may sit in a 0700 home.
fn base_dir(as_postgres: bool) -> PathBuf {
    let tmp = std::env::temp_dir();
    // Room for "/turquoise-throwaway-<pid>-<8 hex>/.s.PGSQL.5432".
    let fits = tmp.as_os_str().len() + 60 < MAX_SOCKET_PATH;
    if as_postgres || !fits {
        PathBuf::from("/tmp")
    } else {
        tmp
    }
}

/// A new folder only this user can enter: the server trusts every local
/// connection, so the socket must not be reachable by other users.
fn create_root(base: &Path) -> Result<PathBuf, PgError> {
    let mut last_err = None;
    for _ in 0..8 {
        let name = format!(
            "{PREFIX}{}-{}",
            std::process::id(),
            &super::random_hex()[..8]
        );
        let root = base.join(name);
        match std::fs::DirBuilder::new().mode(0o700).create(&root) {
            Ok(()) => return Ok(root),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last_err = Some(e),
            Err(e) => {
                last_err = Some(e);
                break;
            }
        }
    }
    Err(PgError::Throwaway {
        step: "creating its folder".to_string(),
        detail: format!(
            "cannot create a folder in {}: {}",
            base.display(),
            last_err.map(|e| e.to_string()).unwrap_or_default()
        ),
    })
}

/// Stops and removes clusters whose process is gone (killed so hard that
/// even its watchdog died, or a machine reboot that kept /tmp).
fn remove_stale(base: &Path, bins: &BinDir) {
    let Ok(entries) = std::fs::read_dir(base) else {
        return;
    };
    for entry in entries.filter_map(|e| e.ok()) {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix(PREFIX))
            .and_then(|rest| rest.split_once('-'))
            .and_then(|(pid, _)| pid.parse::<u32>().ok())
        else {
            continue;
        };
        if pid == std::process::id() || process_alive(pid) {
            continue;
        }
        StopPlan {
            root: entry.path(),
            pg_ctl: bins.program("pg_ctl"),
            as_postgres: running_as_root(),
        }
        .stop_and_remove();
    }
}

/// Whether process `pid` exists (a zombie counts as gone).
pub fn process_alive(pid: u32) -> bool {
    if Path::new("/proc/self").exists() {
        return match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
            // The state follows the parenthesised command name.
            Ok(stat) => stat
                .rsplit_once(')')
                .and_then(|(_, rest)| rest.split_whitespace().next())
                .is_some_and(|state| state != "Z" && state != "X"),
            Err(_) => false,
        };
    }
    // No /proc (macOS): ask kill(1); EPERM means it exists too.
    Command::new("kill")
        .args(["-0", &pid.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .is_ok_and(|o| {
            o.status.success() || String::from_utf8_lossy(&o.stderr).contains("ermitted")
        })
}

/// Whether this process's effective uid is 0, read from /proc/self/status,
/// falling back to `id -u` where there is no /proc.
fn running_as_root() -> bool {
    if let Ok(status) = std::fs::read_to_string("/proc/self/status")
        && let Some(line) = status.lines().find(|l| l.starts_with("Uid:"))
    {
        // Uid: real effective saved filesystem
        return line.split_whitespace().nth(2) == Some("0");
    }
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

fn user_exists(name: &str) -> bool {
    Command::new("id")
        .arg("-u")
        .arg(name)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn as_server_user(program: &Path, as_postgres: bool, cwd: &Path) -> Command {
    let mut cmd = if as_postgres {
        let mut c = Command::new("runuser");
        c.args(["-u", SUPERUSER, "--"]).arg(program);
        c
    } else {
        Command::new(program)
    };
    // initdb and pg_ctl complain when they cannot read the current folder,
    // which as `postgres` may well be root's.
    cmd.current_dir(cwd);
    // PGDATA or PGPORT from the caller's environment must not redirect
    // the throwaway server; every setting is passed explicitly.
    for var in ["PGDATA", "PGPORT", "PGHOST", "PGUSER", "PGDATABASE"] {
        cmd.env_remove(var);
    }
    cmd
}

/// Runs `cmd` to completion; an error carries its output.
fn run(mut cmd: Command, what: &str) -> Result<Output, PgError> {
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .map_err(|e| PgError::Throwaway {
            step: what.to_string(),
            detail: format!("cannot run {:?}: {e}", cmd.get_program()),
        })?;
    if out.status.success() {
        return Ok(out);
    }
    // The programs explain failures on stderr; stdout is progress chatter,
    // worth showing only when stderr is empty.
    let stderr = one_line(&String::from_utf8_lossy(&out.stderr));
    let said = if stderr.is_empty() {
        one_line(&tail(&String::from_utf8_lossy(&out.stdout), 5))
    } else {
        stderr
    };
    Err(PgError::Throwaway {
        step: what.to_string(),
        detail: format!("{}: {said}", out.status),
    })
}

fn shell_quote(word: &str) -> String {
    format!("'{}'", word.replace('\'', r"'\''"))
}

/// The last `n` lines of `text`.
fn tail(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

/// Error messages are one paragraph: program output joined with " / ".
fn one_line(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" / ")
}
