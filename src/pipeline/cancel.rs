//! Stopping a run cleanly on `SIGTERM`, `SIGINT` or `SIGHUP`.
//!
//! The signal handler only records which signal arrived (an atomic store, async-signal-safe).
//! The pipeline calls [`stage`] between stages and the report writers call [`check`] between
//! files; ingest stops reading files as soon as a stop is requested. A stopped run returns
//! [`Interrupted`], its temporary folder is removed when its staging is dropped, and the binary
//! exits with `128 + signal`.
//!
//! Some steps run for long without a check (the scoring engine at 50,000 × 5,000 scores for
//! tens of seconds). So [`install`] also starts a watcher thread: if the run has not stopped by
//! itself [`GRACE`] after the signal, the watcher removes every registered temporary folder
//! (holding the registry lock, so no run can be committed meanwhile), prints the same message
//! and exits with `128 + signal`. A second signal exits at once (`_exit(128 + signal)`);
//! whatever it leaves behind is removed by the next run (see [`super::preflight`]).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

/// How long the watcher lets a stopping run finish by itself before it removes the run's
/// temporary folder and exits.
pub const GRACE: Duration = Duration::from_secs(1);

/// Temporary run folders being written, with their lock files: what a forced stop removes.
static ACTIVE: Mutex<Vec<(PathBuf, PathBuf)>> = Mutex::new(Vec::new());
/// The stage running now, for the message of a stop.
static STAGE: Mutex<&'static str> = Mutex::new("start");

/// The signal that asked the run to stop (0: none).
static SIGNAL: AtomicUsize = AtomicUsize::new(0);
/// Set once the first stop signal arrived; arms the immediate exit on a second one.
static STOPPING: AtomicBool = AtomicBool::new(false);

/// A run stopped by a signal.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "interrupted by {} during {stage}: the run stopped, its temporary folder was removed and no report was written",
    signal_name(*signal)
)]
pub struct Interrupted {
    /// The signal number (`15` for `SIGTERM`).
    pub signal: i32,
    /// The stage that was running (`ingest`, `verify`, `normalize`, `score`, `report`).
    pub stage: String,
}

impl Interrupted {
    /// The exit code a process stopped by this signal reports: `128 + signal`.
    pub fn exit_code(&self) -> u8 {
        u8::try_from(128 + self.signal).unwrap_or(u8::MAX)
    }
}

/// The signals that stop a run cleanly.
pub const STOP_SIGNALS: [i32; 3] =
    [signal_hook::consts::SIGTERM, signal_hook::consts::SIGINT, signal_hook::consts::SIGHUP];

/// Installs the handlers of [`STOP_SIGNALS`] and ignores `SIGXFSZ`, so that a write beyond a
/// file size limit (`ulimit -f`) fails with an error the run reports instead of killing the
/// process. Call once, before the run starts.
///
/// # Errors
/// When a handler cannot be installed.
pub fn install() -> std::io::Result<()> {
    for sig in STOP_SIGNALS {
        // A signal ignored on entry stays ignored (`nohup` ignores SIGHUP, a shell's background
        // job SIGINT): the caller asked for that.
        if ignored_on_entry(sig) {
            continue;
        }
        // Order matters: the exit check runs before the flag is set, so only a second signal exits.
        signal_hook::flag::register_conditional_shutdown(sig, 128 + sig, &STOPPING)?;
        signal_hook::flag::register_usize(sig, &SIGNAL, sig as usize)?;
        signal_hook::flag::register(sig, &STOPPING)?;
    }
    // A caught SIGXFSZ does not terminate; the write that crossed the limit returns EFBIG.
    // SAFETY: the action does nothing, which is async-signal-safe.
    unsafe { signal_hook::low_level::register(signal_hook::consts::SIGXFSZ, || {}) }?;
    let mut signals = signal_hook::iterator::Signals::new(STOP_SIGNALS)?;
    std::thread::Builder::new().name("stop-watcher".into()).spawn(move || {
        if let Some(signal) = signals.forever().next() {
            std::thread::sleep(GRACE);
            force_stop(signal);
        }
    })?;
    Ok(())
}

/// Whether `signal`'s disposition is "ignore" (as inherited from the parent).
fn ignored_on_entry(signal: i32) -> bool {
    let mut old = std::mem::MaybeUninit::<libc::sigaction>::zeroed();
    // SAFETY: a null new action only reads the current one into `old`, which is large enough.
    let rc = unsafe { libc::sigaction(signal, std::ptr::null(), old.as_mut_ptr()) };
    // SAFETY: sigaction filled `old` when it returned 0; zeroed memory is a valid sigaction too.
    rc == 0 && unsafe { old.assume_init() }.sa_sigaction == libc::SIG_IGN
}

/// The watcher's last resort: removes every registered temporary folder and lock file, then
/// exits with `128 + signal`. Does nothing when no run is writing (it finished or is returning).
fn force_stop(signal: i32) {
    let active = registry();
    if active.is_empty() {
        return;
    }
    for (dir, lock) in active.iter() {
        let _ = crate::util::remove_tree(dir);
        let _ = std::fs::remove_file(lock);
    }
    let stage = *STAGE.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let e = Interrupted { signal, stage: stage.to_string() };
    eprintln!("skillmatch: error: {e}");
    signal_hook::low_level::exit(i32::from(e.exit_code()));
}

/// Registers a temporary run folder and its lock file for removal by a forced stop.
pub fn guard(dir: &Path, lock: &Path) {
    registry().push((dir.to_path_buf(), lock.to_path_buf()));
}

/// The registry of temporary folders, locked: a folder must not be committed or removed while a
/// forced stop may be removing it.
pub fn registry() -> MutexGuard<'static, Vec<(PathBuf, PathBuf)>> {
    ACTIVE.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Removes `dir` from the locked registry (it was committed or removed).
pub fn unguard_locked(mut registry: MutexGuard<'static, Vec<(PathBuf, PathBuf)>>, dir: &Path) {
    registry.retain(|(d, _)| d != dir);
}

/// Ends the stage that ran until now and starts `next`: returns [`Interrupted`] naming the stage
/// that ran when a stop was requested.
///
/// # Errors
/// When a stop signal arrived.
pub fn stage(next: &'static str) -> Result<(), Interrupted> {
    let mut current = STAGE.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(signal) = requested() {
        return Err(Interrupted { signal, stage: current.to_string() });
    }
    *current = next;
    Ok(())
}

/// Asks the run to stop as if `signal` had arrived (used by the signal handlers and tests).
pub fn request(signal: i32) {
    SIGNAL.store(usize::try_from(signal).unwrap_or(0), Ordering::SeqCst);
    STOPPING.store(true, Ordering::SeqCst);
}

/// The signal that asked the run to stop, if any.
pub fn requested() -> Option<i32> {
    match SIGNAL.load(Ordering::SeqCst) {
        0 => None,
        n => i32::try_from(n).ok(),
    }
}

/// Returns [`Interrupted`] naming `stage` when a stop was requested.
///
/// # Errors
/// When a stop signal arrived.
pub fn check(stage: &str) -> Result<(), Interrupted> {
    match requested() {
        Some(signal) => Err(Interrupted { signal, stage: stage.to_string() }),
        None => Ok(()),
    }
}

/// `SIGTERM`, `SIGINT`, … for a signal number (`signal 42` when unknown).
pub fn signal_name(signal: i32) -> String {
    signal_hook::low_level::signal_name(signal).map_or_else(|| format!("signal {signal}"), str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interrupted_names_signal_stage_and_exit_code() {
        let e = Interrupted { signal: signal_hook::consts::SIGTERM, stage: "score".into() };
        assert!(e.to_string().starts_with("interrupted by SIGTERM during score: "), "{e}");
        assert_eq!(e.exit_code(), 143);
        assert_eq!(Interrupted { signal: 2, stage: "x".into() }.exit_code(), 130);
    }
}
