//! Starts a throwaway PostgreSQL server (or uses the one at `--url URL`),
//! creates a scratch database on it, prints one line
//! `ready root=<cluster folder or -> scratch=<name>` and sleeps.
//!
//! It exists so that tests (and people) can interrupt a process that holds
//! a cluster and a scratch database, and see both cleaned up: Ctrl-C or
//! SIGTERM exit with 130 after cleanup; `kill -9` leaves the cluster to its
//! watchdog. Without a signal it exits after `--sleep SECONDS` (600).

use std::io::Write;
use std::time::Duration;
use turquoise::pg::Server;

fn main() -> anyhow::Result<()> {
    let mut url = None;
    let mut sleep = 600;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--url" => url = args.next(),
            "--sleep" => sleep = args.next().unwrap_or_default().parse()?,
            other => anyhow::bail!(
                "unknown argument {other:?}; usage: pg_throwaway [--url URL] [--sleep SECONDS]"
            ),
        }
    }
    let started = std::time::Instant::now();
    let server = match &url {
        Some(url) => Server::from_url(url)?,
        None => Server::start_throwaway()?,
    };
    let scratch = server.create_scratch()?;
    let root = server
        .throwaway()
        .map(|t| t.root().display().to_string())
        .unwrap_or_else(|| "-".to_string());
    println!(
        "ready root={root} scratch={} after={}ms",
        scratch.name,
        started.elapsed().as_millis()
    );
    std::io::stdout().flush()?;
    std::thread::sleep(Duration::from_secs(sleep));
    drop(scratch);
    let stopping = std::time::Instant::now();
    drop(server);
    println!("stopped after={}ms", stopping.elapsed().as_millis());
    Ok(())
}
