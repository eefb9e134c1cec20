//! Checks of the output side before any work, and the cleanup of killed runs' leftovers.
//!
//! [`prepare`] runs first in a run, in milliseconds: it creates the output root (or says why it
//! cannot: not a folder, read-only, no permission), takes the run id's lock (a second run with
//! the same id fails here, naming the holder's pid and start time), refuses a run id whose folder
//! exists, removes the `.<id>.partial-<pid>` folders of runs that were killed (their lock is
//! free), and creates this run's temporary folder. Only then do ingest and the later stages run.

use std::path::{Path, PathBuf};

use crate::report::staging::{Holder, RunLock, Staging, lock_path, parse_partial, run_id_candidates};
use crate::util::remove_tree;

/// Why the output side cannot take this run.
#[derive(Debug, thiserror::Error)]
pub enum PreflightError {
    /// The output root exists and is not a folder.
    #[error("output folder {path} is not a folder (check --out / [run] out)")]
    NotAFolder {
        /// The output root.
        path: String,
    },
    /// The output root cannot be created or written.
    #[error("cannot write to output folder {path} (check --out / [run] out): {reason}")]
    Unwritable {
        /// The output root.
        path: String,
        /// The OS error, once.
        reason: String,
    },
    /// The run id's folder exists already.
    #[error("report folder {path} already exists: choose another --run-id or remove it")]
    Exists {
        /// The existing run folder.
        path: String,
    },
    /// Another process runs with the same id now.
    #[error("run id {run_id:?} is in use by {holder} (lock {lock}); not starting a second run with the same id")]
    Locked {
        /// The run id.
        run_id: String,
        /// Who holds the lock.
        holder: Holder,
        /// The lock file.
        lock: String,
    },
    /// No fresh run id was free (1,000 runs in the same second).
    #[error("no free run id under {path} for this second")]
    NoFreeId {
        /// The output root.
        path: String,
    },
}

impl PreflightError {
    /// True when the user fixes it by changing `--out`, `--run-id` or the folder (exit code 2);
    /// a run id held by a running process is a run failure (exit code 1).
    pub fn is_usage(&self) -> bool {
        !matches!(self, PreflightError::Locked { .. } | PreflightError::NoFreeId { .. })
    }
}

/// A leftover of a killed run that [`prepare`] removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leftover {
    /// The removed `.<id>.partial-<pid>` folder.
    pub path: PathBuf,
    /// The pid of the run that left it.
    pub pid: u32,
    /// Bytes it held.
    pub bytes: u64,
}

/// The output side, ready: the run id, its temporary folder (holding the lock), and the
/// leftovers of killed runs that were removed.
#[derive(Debug)]
pub struct Prepared {
    /// The run id (given, or a fresh timestamp id).
    pub run_id: String,
    /// The temporary run folder; committing it publishes the run.
    pub staging: Staging,
    /// Leftovers of killed runs removed on the way (already reported on stderr).
    pub removed: Vec<Leftover>,
}

/// Checks the output root and run id, takes the lock, removes leftovers of killed runs and
/// creates the temporary run folder. With `run_id` absent, the first timestamp id of `started`
/// (`YYYYMMDDTHHMMSSZ`, then `-2`, `-3`, …) whose folder does not exist and whose lock is free.
///
/// # Errors
/// [`PreflightError`], with the OS error once and the path it concerns.
pub fn prepare(
    out_root: &Path,
    run_id: Option<&str>,
    started: chrono::DateTime<chrono::Utc>,
) -> Result<Prepared, PreflightError> {
    let shown = out_root.display().to_string();
    if out_root.exists() && !out_root.is_dir() {
        return Err(PreflightError::NotAFolder { path: shown });
    }
    let unwritable = |e: std::io::Error| PreflightError::Unwritable { path: shown.clone(), reason: e.to_string() };
    std::fs::create_dir_all(out_root).map_err(unwritable)?;

    let (run_id, mut lock) = match run_id {
        Some(id) => {
            let target = out_root.join(id);
            if target.exists() {
                return Err(PreflightError::Exists { path: target.display().to_string() });
            }
            let lock_file = lock_path(out_root, id);
            match RunLock::try_acquire(&lock_file).map_err(unwritable)? {
                Ok(lock) => (id.to_string(), lock),
                Err(holder) => {
                    return Err(PreflightError::Locked {
                        run_id: id.to_string(),
                        holder,
                        lock: lock_file.display().to_string(),
                    });
                }
            }
        }
        None => {
            let mut chosen = None;
            for id in run_id_candidates(started) {
                if out_root.join(&id).exists() {
                    continue;
                }
                if let Ok(lock) = RunLock::try_acquire(&lock_path(out_root, &id)).map_err(unwritable)? {
                    chosen = Some((id, lock));
                    break;
                }
            }
            chosen.ok_or_else(|| PreflightError::NoFreeId { path: shown.clone() })?
        }
    };
    lock.write_holder(started).map_err(unwritable)?;
    // The folder may have been committed by a run that held the lock until just now.
    if out_root.join(&run_id).exists() {
        return Err(PreflightError::Exists { path: out_root.join(&run_id).display().to_string() });
    }
    let removed = remove_leftovers(out_root, &run_id);
    let staging = Staging::begin_locked(out_root, &run_id, lock).map_err(unwritable)?;
    Ok(Prepared { run_id, staging, removed })
}

/// Removes every `.<id>.partial-<pid>` folder under `root` whose run is gone: its lock is free
/// (the OS releases a lock when its process dies), or it is of `own_id` (whose lock this process
/// holds) and another pid. Reports each on stderr. Folders of live runs are left alone.
pub fn remove_leftovers(root: &Path, own_id: &str) -> Vec<Leftover> {
    let Ok(entries) = std::fs::read_dir(root) else { return Vec::new() };
    let mut names: Vec<String> = entries.filter_map(|e| e.ok()?.file_name().into_string().ok()).collect();
    names.sort();
    let me = std::process::id();
    let mut removed = Vec::new();
    for name in &names {
        // A lock file whose run is gone (killed before it created its folder) is removed too:
        // taking the lock and dropping it unlinks the file.
        if let Some(id) = name.strip_prefix('.').and_then(|n| n.strip_suffix(".lock"))
            && id != own_id
            && !names.iter().any(|n| parse_partial(n).is_some_and(|(i, _)| i == id))
        {
            let _ = RunLock::try_acquire(&root.join(name));
        }
    }
    for name in names {
        let Some((id, pid)) = parse_partial(&name) else { continue };
        let path = root.join(&name);
        if !path.is_dir() || (id == own_id && pid == me) {
            continue;
        }
        // Keep the dead run's lock while removing, so a new run with its id waits for us.
        let _lock = if id == own_id {
            None
        } else {
            match RunLock::try_acquire(&lock_path(root, id)) {
                Ok(Ok(lock)) => Some(lock),
                _ => continue,
            }
        };
        let bytes = tree_bytes(&path);
        match remove_tree(&path) {
            Ok(()) => {
                eprintln!(
                    "skillmatch: removed {} left by an interrupted run (process {pid} is gone; {})",
                    path.display(),
                    human_bytes(bytes)
                );
                removed.push(Leftover { path, pid, bytes });
            }
            Err(e) => {
                eprintln!("skillmatch: warning: cannot remove {} left by an interrupted run: {e}", path.display())
            }
        }
    }
    removed
}

/// Total size of the files below `dir`.
fn tree_bytes(dir: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else { return 0 };
    entries
        .filter_map(Result::ok)
        .map(|e| match e.file_type() {
            Ok(t) if t.is_dir() => tree_bytes(&e.path()),
            Ok(_) => e.metadata().map(|m| m.len()).unwrap_or(0),
            Err(_) => 0,
        })
        .sum()
}

/// `1.5 MB`, `312 kB`, `20 B`.
fn human_bytes(n: u64) -> String {
    match n {
        n if n >= 1_000_000_000 => format!("{:.1} GB", n as f64 / 1e9),
        n if n >= 1_000_000 => format!("{:.1} MB", n as f64 / 1e6),
        n if n >= 1_000 => format!("{} kB", n / 1_000),
        n => format!("{n} B"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> chrono::DateTime<chrono::Utc> {
        chrono::DateTime::parse_from_rfc3339("2026-11-01T02:00:00Z").expect("date").to_utc()
    }

    #[test]
    fn a_file_given_as_out_and_an_existing_run_id_are_refused_as_usage_errors() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("f");
        std::fs::write(&file, "x").expect("write");
        let e = prepare(&file, Some("r"), now()).expect_err("a file is no out root");
        assert!(matches!(e, PreflightError::NotAFolder { .. }) && e.is_usage(), "{e}");
        std::fs::create_dir(dir.path().join("r")).expect("mkdir");
        let e = prepare(dir.path(), Some("r"), now()).expect_err("existing run id");
        assert!(matches!(e, PreflightError::Exists { .. }) && e.is_usage(), "{e}");
    }

    #[test]
    fn a_second_prepare_with_the_same_id_is_locked_out_and_other_ids_are_not() {
        let dir = tempfile::tempdir().expect("tempdir");
        let first = prepare(dir.path(), Some("r"), now()).expect("first");
        let e = prepare(dir.path(), Some("r"), now()).expect_err("same id is locked");
        assert!(matches!(e, PreflightError::Locked { .. }) && !e.is_usage(), "{e}");
        assert!(e.to_string().contains(&format!("process {}", std::process::id())), "{e}");
        assert!(e.to_string().contains("2026-11-01T02:00:00Z"), "{e}");
        let other = prepare(dir.path(), Some("s"), now()).expect("another id runs");
        assert!(first.staging.dir().exists() && other.staging.dir().exists());
        // Two timestamp ids of the same second differ.
        let a = prepare(dir.path(), None, now()).expect("fresh");
        let b = prepare(dir.path(), None, now()).expect("fresh");
        assert_eq!((a.run_id.as_str(), b.run_id.as_str()), ("20261101T020000Z", "20261101T020000Z-2"));
    }

    #[test]
    fn leftovers_with_a_free_lock_are_removed_and_live_ones_kept() {
        let dir = tempfile::tempdir().expect("tempdir");
        let live = prepare(dir.path(), Some("live"), now()).expect("live run");
        let dead = dir.path().join(".old.partial-999999");
        std::fs::create_dir(&dead).expect("mkdir");
        std::fs::write(dead.join("matches.parquet"), vec![0u8; 2048]).expect("write");
        let next = prepare(dir.path(), Some("next"), now()).expect("next run");
        assert_eq!(next.removed.len(), 1);
        assert_eq!((next.removed[0].pid, next.removed[0].bytes), (999_999, 2048));
        assert!(!dead.exists());
        assert!(live.staging.dir().exists(), "a live run's folder is kept");
    }
}
