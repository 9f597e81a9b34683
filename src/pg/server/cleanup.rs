//! The process-wide list of things turquoise must undo before it exits:
//! scratch databases to drop and throwaway clusters to stop and remove.
//!
//! Values register here when created and deregister when dropped normally
//! (their own `Drop` does the work then). Ctrl-C (SIGINT), SIGTERM and SIGHUP
//! skip every `Drop`, so the first registration installs a signal handler
//! that runs [`clean_up_now`] and exits with status 130. A process killed
//! with SIGKILL runs nothing at all: throwaway clusters cover that with a
//! watchdog of their own (see `cluster.rs`); scratch databases on a server
//! given by URL are then left behind, named `turquoise_verify_*`.
//!
//! This module only undoes what turquoise itself created; it never touches
//! another database or folder.

use super::cluster::StopPlan;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

/// One thing to undo.
#[derive(Debug)]
pub(crate) enum Job {
    /// Drop database `name` on the server reached with `config` (connected
    /// to a database other than `name`).
    DropDatabase {
        config: Box<postgres::Config>,
        name: String,
        /// On a throwaway cluster that is removed anyway: nothing to do.
        on_throwaway: bool,
    },
    /// Stop a throwaway cluster and remove its folder.
    RemoveCluster(StopPlan),
}

#[derive(Debug)]
struct Registry {
    next_id: u64,
    jobs: Vec<(u64, Job)>,
}

static REGISTRY: Mutex<Registry> = Mutex::new(Registry {
    next_id: 0,
    jobs: Vec::new(),
});

/// Proof that a job is registered; dropping it deregisters the job (the
/// owner has done the work itself, or decided not to).
#[derive(Debug)]
pub(crate) struct Registration {
    id: u64,
}

impl Drop for Registration {
    fn drop(&mut self) {
        lock().jobs.retain(|(id, _)| *id != self.id);
    }
}

/// A poisoned lock only means another thread panicked while holding it;
/// the list itself is still sound, and cleanup must go on regardless.
fn lock() -> std::sync::MutexGuard<'static, Registry> {
    REGISTRY.lock().unwrap_or_else(|e| e.into_inner())
}

/// Adds `job` to the list (installing the signal handler on first use).
pub(crate) fn register(job: Job) -> Registration {
    install_signal_handler();
    let mut registry = lock();
    let id = registry.next_id;
    registry.next_id += 1;
    registry.jobs.push((id, job));
    Registration { id }
}

/// Installs the handler for SIGINT, SIGTERM and SIGHUP that runs
/// [`clean_up_now`] and exits with status 130. Called on the first
/// registration; calling it again does nothing.
///
/// Returns `false` when the process already has a handler installed through
/// the `ctrlc` crate: that handler then owns the signals and should call
/// [`clean_up_now`] itself.
pub fn install_signal_handler() -> bool {
    static INSTALLED: OnceLock<bool> = OnceLock::new();
    *INSTALLED.get_or_init(|| {
        ctrlc::set_handler(|| {
            clean_up_now();
            std::process::exit(130);
        })
        .is_ok()
    })
}

/// Undoes everything registered so far, scratch databases first (their
/// server may be a throwaway cluster removed next). Errors are ignored:
/// this runs on the way out, with no one left to tell.
pub fn clean_up_now() {
    let jobs = std::mem::take(&mut lock().jobs);
    let (databases, clusters): (Vec<_>, Vec<_>) = jobs
        .into_iter()
        .map(|(_, job)| job)
        .partition(|job| matches!(job, Job::DropDatabase { .. }));
    for job in databases.into_iter().chain(clusters) {
        match job {
            Job::DropDatabase {
                on_throwaway: true, ..
            } => {}
            Job::DropDatabase { config, name, .. } => {
                let mut config = *config;
                // A server that does not answer must not hold up the exit.
                config.connect_timeout(Duration::from_secs(5));
                let _ = super::drop_database(&config, &name);
            }
            Job::RemoveCluster(plan) => plan.stop_and_remove(),
        }
    }
}
