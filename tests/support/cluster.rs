//! One throwaway PostgreSQL cluster per test process.
//!
//! The cluster lives in `<temp dir>/turquoise-pg-<pid>/` (`data/` and the
//! Unix socket), listens on no TCP port, and runs with fsync off.
//!
//! Cleanup: Rust never drops statics, and without libc there is no `atexit`.
//! So starting a cluster also spawns a small watchdog shell that polls the
//! test process's pid and, once it is gone (normal exit, panic, abort,
//! SIGKILL), runs `pg_ctl stop -m immediate` and removes the folder. The
//! watchdog ignores SIGINT and SIGHUP so that Ctrl-C on `cargo test` still
//! cleans up. As a second line, every new cluster first stops and removes
//! the folders of clusters whose test process is dead.
//!
//! The folder is under the system temp dir, not `target/`: the `postgres`
//! user (when tests run as root) must be able to reach it, a root checkout
//! often sits in a 0700 home, and a socket path must be under ~107 bytes.

use super::bins::BinDir;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const PREFIX: &str = "turquoise-pg-";

#[derive(Debug)]
pub struct Cluster {
    pub root: PathBuf,
    pub socket_dir: PathBuf,
    pub bins: BinDir,
    /// Whether server programs run as the `postgres` OS user (we are root).
    pub as_postgres: bool,
}

impl Cluster {
    pub fn data_dir(&self) -> PathBuf {
        self.root.join("data")
    }

    /// Starts a cluster and its watchdog; panics with the server log on failure.
    pub fn start(bins: BinDir) -> Cluster {
        let tmp = std::env::temp_dir();
        remove_stale(&tmp, &bins);

        let root = tmp.join(format!("{PREFIX}{}", std::process::id()));
        if root.exists() {
            // Our own pid from an earlier, dead process: it is stale.
            stop_and_remove(&root, &bins);
        }
        std::fs::create_dir_all(&root)
            .unwrap_or_else(|e| panic!("cannot create {}: {e}", root.display()));
        let as_postgres = running_as_root();
        let cluster = Cluster {
            socket_dir: root.clone(),
            root,
            bins,
            as_postgres,
        };
        if as_postgres && !user_exists("postgres") {
            panic!(
                "tests run as root, and PostgreSQL refuses to run as root, but there is no \
                 `postgres` OS user to run it as: `apt-get install postgresql` creates one \
                 (or `useradd --system postgres`)"
            );
        }
        if as_postgres {
            // The server must own its folder; the socket folder stays 0755
            // so root's clients can reach the socket.
            run(
                Command::new("chown").arg("postgres:").arg(&cluster.root),
                "chown",
            );
        }
        cluster.spawn_watchdog();

        let data = cluster.data_dir();
        let mut initdb = cluster.server_command("initdb");
        initdb
            .args([
                "-A",
                "trust",
                "--no-sync",
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--locale=C",
                "-D",
            ])
            .arg(&data);
        run(&mut initdb, "initdb");

        let opts = format!(
            "-k {} -c listen_addresses='' -c fsync=off -c full_page_writes=off \
             -c synchronous_commit=off -c max_connections=200",
            cluster.socket_dir.display()
        );
        let log = cluster.root.join("server.log");
        let mut start = cluster.server_command("pg_ctl");
        start
            .args(["start", "-w", "-t", "120", "-D"])
            .arg(&data)
            .arg("-l")
            .arg(&log)
            .arg("-o")
            .arg(&opts);
        // pg_ctl's postmaster would inherit a piped stdout and keep it open
        // forever; `-l` sends its output to the log and we pipe nothing.
        let status = start
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .unwrap_or_else(|e| panic!("cannot run pg_ctl: {e}"));
        if !status.success() {
            let log = std::fs::read_to_string(&log).unwrap_or_default();
            panic!("pg_ctl start failed ({status}); server log:\n{log}");
        }
        cluster
    }

    /// A command for a server program, run as `postgres` when we are root.
    fn server_command(&self, program: &str) -> Command {
        server_command(&self.bins, program, self.as_postgres, &self.root)
    }

    // Never waited on: the watchdog must outlive this process.
    #[allow(clippy::zombie_processes)]
    fn spawn_watchdog(&self) {
        let stop = shell_words(&stop_command(
            &self.bins,
            &self.data_dir(),
            self.as_postgres,
        ));
        let script = format!(
            "trap '' INT HUP; \
             while kill -0 {pid} 2>/dev/null; do sleep 0.5; done; \
             {stop} >/dev/null 2>&1; rm -rf '{root}'",
            pid = std::process::id(),
            root = self.root.display(),
        );
        Command::new("sh")
            .arg("-c")
            .arg(script)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot spawn the cluster watchdog: {e}"));
    }
}

fn server_command(bins: &BinDir, program: &str, as_postgres: bool, cwd: &Path) -> Command {
    let mut cmd = if as_postgres {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(bins.program(program));
        c
    } else {
        Command::new(bins.program(program))
    };
    // initdb and pg_ctl complain when they cannot read the current folder.
    cmd.current_dir(cwd);
    cmd
}

fn stop_command(bins: &BinDir, data: &Path, as_postgres: bool) -> Vec<String> {
    let mut words = Vec::new();
    if as_postgres {
        words.extend(["runuser", "-u", "postgres", "--"].map(String::from));
    }
    words.push(bins.program("pg_ctl").display().to_string());
    words.extend(["stop", "-m", "immediate", "-D"].map(String::from));
    words.push(data.display().to_string());
    words
}

fn shell_words(words: &[String]) -> String {
    words
        .iter()
        .map(|w| format!("'{}'", w.replace('\'', r"'\''")))
        .collect::<Vec<_>>()
        .join(" ")
}

fn stop_and_remove(root: &Path, bins: &BinDir) {
    let data = root.join("data");
    if data.join("postmaster.pid").exists() {
        let as_postgres = running_as_root();
        let words = stop_command(bins, &data, as_postgres);
        let _ = Command::new(&words[0])
            .args(&words[1..])
            .current_dir("/")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
    let _ = std::fs::remove_dir_all(root);
}

/// Stops and removes clusters left by test processes that no longer run.
fn remove_stale(tmp: &Path, bins: &BinDir) {
    let Ok(entries) = std::fs::read_dir(tmp) else {
        return;
    };
    for entry in entries.filter_map(|e| e.ok()) {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(|n| n.strip_prefix(PREFIX)) else {
            continue;
        };
        let Ok(pid) = pid.parse::<u32>() else {
            continue;
        };
        if pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists() {
            stop_and_remove(&entry.path(), bins);
        }
    }
}

/// Whether this process's effective uid is 0, read from /proc/self/status
/// (no libc), falling back to `id -u`.
pub fn running_as_root() -> bool {
    if let Ok(status) = std::fs::read_to_string("/proc/self/status")
        && let Some(line) = status.lines().find(|l| l.starts_with("Uid:"))
    {
        // Uid: real effective saved filesystem
        return line.split_whitespace().nth(2) == Some("0");
    }
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
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

fn run(cmd: &mut Command, what: &str) {
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {what} ({cmd:?}): {e}"));
    if !out.status.success() {
        panic!(
            "{what} failed ({}):\n{}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
