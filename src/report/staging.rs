//! Atomic run folders: write everything into a hidden temporary folder, then rename it into place.
//!
//! A crashed or interrupted run leaves at most a `.<run-id>.partial-<pid>` folder (removed on
//! drop when possible), never a half-written report under the run id.

use std::path::{Path, PathBuf};

/// A run folder being written.
#[derive(Debug)]
pub struct Staging {
    tmp: PathBuf,
    target: PathBuf,
    committed: bool,
}

impl Staging {
    /// Creates `<root>/.<run_id>.partial-<pid>`; fails if the final folder already exists.
    pub fn begin(root: &Path, run_id: &str) -> std::io::Result<Staging> {
        std::fs::create_dir_all(root)?;
        let target = root.join(run_id);
        if target.exists() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::AlreadyExists,
                format!("report folder {} already exists", target.display()),
            ));
        }
        let tmp = root.join(format!(".{run_id}.partial-{}", std::process::id()));
        if tmp.exists() {
            std::fs::remove_dir_all(&tmp)?;
        }
        std::fs::create_dir(&tmp)?;
        Ok(Staging { tmp, target, committed: false })
    }

    /// The folder to write into.
    pub fn dir(&self) -> &Path {
        &self.tmp
    }

    /// The folder the report will have once committed.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Renames the temporary folder into place and returns the final path.
    pub fn commit(mut self) -> std::io::Result<PathBuf> {
        std::fs::rename(&self.tmp, &self.target)?;
        self.committed = true;
        Ok(self.target.clone())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.tmp);
        }
    }
}

/// Picks a run id `YYYYMMDDTHHMMSSZ` (UTC start time) that does not exist under `root` yet,
/// adding `-2`, `-3`, … when several runs start within the same second.
pub fn fresh_run_id(root: &Path, started: chrono::DateTime<chrono::Utc>) -> String {
    let base = started.format("%Y%m%dT%H%M%SZ").to_string();
    if !root.join(&base).exists() {
        return base;
    }
    (2..).map(|n| format!("{base}-{n}")).find(|id| !root.join(id).exists()).unwrap_or(base)
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
}
