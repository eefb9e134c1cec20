//! Atomic run folders: write everything into a hidden temporary folder, then rename it into place.
//!
//! A run holds an advisory lock on `<root>/.<run-id>.lock` (`flock`, released by the OS when the
//! process ends, however it ends) for as long as it writes `<root>/.<run-id>.partial-<pid>`. The
//! temporary folder is removed on drop, so an error, a panic or a stop signal leaves nothing
//! behind; a killed process leaves at most its `.partial-<pid>` folder and a free lock, which
//! the next run removes (see [`crate::pipeline::preflight`]). Never a half-written report under
//! the run id.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The lock file of `run_id` under `root`: `.<run_id>.lock`.
pub fn lock_path(root: &Path, run_id: &str) -> PathBuf {
    root.join(format!(".{run_id}.lock"))
}

/// The temporary folder a process `pid` writes run `run_id` into: `.<run_id>.partial-<pid>`.
pub fn partial_path(root: &Path, run_id: &str, pid: u32) -> PathBuf {
    root.join(format!(".{run_id}.partial-{pid}"))
}

/// Splits a `.<run_id>.partial-<pid>` folder name into run id and pid.
pub fn parse_partial(name: &str) -> Option<(&str, u32)> {
    let (id, pid) = name.strip_prefix('.')?.rsplit_once(".partial-")?;
    if id.is_empty() || pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((id, pid.parse().ok()?))
}

/// An exclusive advisory lock on a run id, held while the value lives. Dropping it removes the
/// lock file (while still holding the lock, so no other process can lose its own lock to it).
#[derive(Debug)]
pub struct RunLock {
    file: File,
    path: PathBuf,
}

/// Who holds a run id's lock, as written in its lock file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    /// Process id, when the lock file names one.
    pub pid: Option<u32>,
    /// Start time (RFC 3339 UTC), when the lock file names one.
    pub started: Option<String>,
}

impl std::fmt::Display for Holder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.pid {
            Some(pid) => write!(f, "process {pid}")?,
            None => write!(f, "another process")?,
        }
        match &self.started {
            Some(t) => write!(f, ", started {t}"),
            None => Ok(()),
        }
    }
}

impl RunLock {
    /// Takes the lock of `path` without waiting. `Ok(Err(holder))` when another process holds it.
    ///
    /// # Errors
    /// When the lock file cannot be created or opened (an unwritable root, for instance).
    pub fn try_acquire(path: &Path) -> std::io::Result<Result<RunLock, Holder>> {
        loop {
            let file = std::fs::OpenOptions::new().read(true).write(true).create(true).truncate(false).open(path)?;
            match fs4::FileExt::try_lock(&file) {
                Ok(()) => {}
                Err(fs4::TryLockError::WouldBlock) => return Ok(Err(read_holder(path))),
                Err(fs4::TryLockError::Error(e)) => return Err(e),
            }
            // The previous holder may have removed the file between our open and our lock:
            // then we locked an orphan; start again on the file now at `path`.
            if same_file(&file, path) {
                return Ok(Ok(RunLock { file, path: path.to_path_buf() }));
            }
        }
    }

    /// Records this process (pid and start time) in the lock file, for a second run's message.
    ///
    /// # Errors
    /// When the lock file cannot be written.
    pub fn write_holder(&mut self, started: chrono::DateTime<chrono::Utc>) -> std::io::Result<()> {
        let text = format!(
            "pid={}\nstarted={}\n",
            std::process::id(),
            started.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        );
        self.file.set_len(0)?;
        (&self.file).write_all(text.as_bytes())?;
        Ok(())
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for RunLock {
    fn drop(&mut self) {
        if same_file(&self.file, &self.path) {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

/// Reads `pid=` and `started=` from a lock file (missing or unreadable: unknown).
fn read_holder(path: &Path) -> Holder {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let field = |key: &str| text.lines().find_map(|l| l.strip_prefix(key)).map(str::trim).map(str::to_string);
    Holder { pid: field("pid=").and_then(|p| p.parse().ok()), started: field("started=") }
}

/// A run folder being written.
#[derive(Debug)]
pub struct Staging {
    tmp: PathBuf,
    target: PathBuf,
    committed: bool,
    /// Dropped after the temporary folder is removed (field order).
    _lock: Option<RunLock>,
}

impl Staging {
    /// Creates `<root>/.<run_id>.partial-<pid>`; fails if the final folder already exists.
    ///
    /// # Errors
    /// When the root or the temporary folder cannot be created, or the final folder exists.
    pub fn begin(root: &Path, run_id: &str) -> std::io::Result<Staging> {
        std::fs::create_dir_all(root)?;
        Staging::create(root, run_id, None)
    }

    /// Like [`Staging::begin`] for a run that holds `lock` (kept until the staging is dropped).
    /// The folder is registered with [`crate::pipeline::cancel`], so that a stop signal removes
    /// it even while a stage is still busy.
    ///
    /// # Errors
    /// As [`Staging::begin`].
    pub fn begin_locked(root: &Path, run_id: &str, lock: RunLock) -> std::io::Result<Staging> {
        Staging::create(root, run_id, Some(lock))
    }

    fn create(root: &Path, run_id: &str, lock: Option<RunLock>) -> std::io::Result<Staging> {
        let target = root.join(run_id);
        if target.exists() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::AlreadyExists,
                format!("report folder {} already exists", target.display()),
            ));
        }
        let tmp = partial_path(root, run_id, std::process::id());
        if tmp.exists() {
            std::fs::remove_dir_all(&tmp)?;
        }
        std::fs::create_dir(&tmp)?;
        if let Some(lock) = &lock {
            crate::pipeline::cancel::guard(&tmp, lock.path());
        }
        Ok(Staging { tmp, target, committed: false, _lock: lock })
    }

    /// The folder to write into.
    pub fn dir(&self) -> &Path {
        &self.tmp
    }

    /// The folder the report will have once committed.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Renames the temporary folder into place and returns the final path. Refused (error kind
    /// `Interrupted`) once a stop signal arrived: a stopped run publishes nothing.
    ///
    /// # Errors
    /// When the rename fails or the run is stopping.
    pub fn commit(mut self) -> std::io::Result<PathBuf> {
        let registry = crate::pipeline::cancel::registry();
        if let Some(signal) = crate::pipeline::cancel::requested() {
            let name = crate::pipeline::cancel::signal_name(signal);
            return Err(std::io::Error::new(std::io::ErrorKind::Interrupted, format!("stopped by {name}")));
        }
        std::fs::rename(&self.tmp, &self.target)?;
        self.committed = true;
        crate::pipeline::cancel::unguard_locked(registry, &self.tmp);
        Ok(self.target.clone())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let registry = crate::pipeline::cancel::registry();
            let _ = crate::util::remove_tree(&self.tmp);
            crate::pipeline::cancel::unguard_locked(registry, &self.tmp);
        }
    }
}

/// Picks a run id `YYYYMMDDTHHMMSSZ` (UTC start time) that does not exist under `root` yet,
/// adding `-2`, `-3`, … when several runs start within the same second.
pub fn fresh_run_id(root: &Path, started: chrono::DateTime<chrono::Utc>) -> String {
    run_id_candidates(started)
        .find(|id| !root.join(id).exists())
        .unwrap_or_else(|| started.format("%Y%m%dT%H%M%SZ").to_string())
}

/// `YYYYMMDDTHHMMSSZ`, then the same with `-2`, `-3`, … (at most 1,000 ids).
pub fn run_id_candidates(started: chrono::DateTime<chrono::Utc>) -> impl Iterator<Item = String> {
    let base = started.format("%Y%m%dT%H%M%SZ").to_string();
    std::iter::once(base.clone()).chain((2..1000).map(move |n| format!("{base}-{n}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uncommitted_staging_leaves_nothing_behind() {
        let root = tempfile::tempdir().expect("tempdir");
        {
            let s = Staging::begin(root.path(), "r1").expect("begin");
            std::fs::write(s.dir().join("a.csv"), "x").expect("write");
        }
        assert_eq!(std::fs::read_dir(root.path()).expect("list").count(), 0);
    }

    #[test]
    fn commit_renames_into_place_and_refuses_to_overwrite() {
        let root = tempfile::tempdir().expect("tempdir");
        let s = Staging::begin(root.path(), "r1").expect("begin");
        std::fs::write(s.dir().join("a.csv"), "x").expect("write");
        let done = s.commit().expect("commit");
        assert!(done.join("a.csv").exists());
        assert!(Staging::begin(root.path(), "r1").is_err());
        let id = fresh_run_id(root.path(), chrono::Utc::now());
        assert!(!root.path().join(id).exists());
    }

    #[test]
    fn a_held_run_lock_names_its_holder_and_is_removed_when_released() {
        let root = tempfile::tempdir().expect("tempdir");
        let path = lock_path(root.path(), "r1");
        let started = chrono::DateTime::parse_from_rfc3339("2026-11-01T02:00:00Z").expect("date").to_utc();
        let mut lock = RunLock::try_acquire(&path).expect("open").expect("free");
        lock.write_holder(started).expect("write");
        // flock locks belong to the open file: a second open, even in this process, is refused.
        let holder = RunLock::try_acquire(&path).expect("open").expect_err("held");
        assert_eq!(holder.pid, Some(std::process::id()));
        assert_eq!(holder.started.as_deref(), Some("2026-11-01T02:00:00Z"));
        drop(lock);
        assert!(!path.exists());
        assert!(RunLock::try_acquire(&path).expect("open").is_ok());
    }

    #[test]
    fn partial_folder_names_parse_into_run_id_and_pid() {
        assert_eq!(parse_partial(".20261101T020000Z.partial-4242"), Some(("20261101T020000Z", 4242)));
        assert_eq!(parse_partial(".a.b.partial-7"), Some(("a.b", 7)));
        assert_eq!(parse_partial(".x.partial-"), None);
        assert_eq!(parse_partial("x.partial-3"), None);
        assert_eq!(parse_partial(".x.lock"), None);
    }
}
