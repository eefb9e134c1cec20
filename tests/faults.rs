//! Fault injection, driving the built binary: special files among the inputs, stop signals and
//! `SIGKILL` at points spread across a run, a file size limit while writing, overlapping runs.
//! After every fault the output root holds only complete runs (every output's sha256 matches
//! its manifest), and a following run is byte-identical to an uninterrupted one.
#![cfg(unix)]

mod common;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::OnceLock;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use common::*;

const SIGTERM: i32 = 15;
const SIGINT: i32 = 2;
const SIGKILL: i32 = 9;

/// A run that hangs is a failure, not a stuck CI job.
const RUN_DEADLINE: Duration = Duration::from_secs(240);

/// The shared generated data set and one uninterrupted reference run over it.
struct Shared {
    _dir: tempfile::TempDir,
    data: PathBuf,
    reference: PathBuf,
    /// How long the reference run took: kill points are drawn within it, so they land inside a
    /// run whatever the build profile or machine.
    reference_wall: Duration,
}

fn shared() -> &'static Shared {
    static SHARED: OnceLock<Shared> = OnceLock::new();
    SHARED.get_or_init(|| {
        let dir = tempfile::tempdir().expect("tempdir");
        let data = dir.path().join("data");
        gen_into(&data, 300, 40, 21, false);
        let out = dir.path().join("reference");
        let t = Instant::now();
        let o = wait(spawn(&data, &out, "reference", &[]), RUN_DEADLINE);
        let reference_wall = t.elapsed();
        assert_eq!(o.status.code(), Some(0), "reference run: {}", stderr(&o));
        let reference = out.join("reference");
        assert_complete(&reference);
        Shared { _dir: dir, data, reference, reference_wall }
    })
}

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_skillmatch"))
}

/// `skillmatch run` over a generated folder into `out/<run_id>`, progress lines on stderr.
fn run_command(data: &Path, out: &Path, run_id: &str) -> Command {
    let mut c = bin();
    c.arg("run")
        .arg("--roster")
        .arg(data.join("roster.csv"))
        .arg("--badges")
        .arg(data.join("badges"))
        .arg("--postings")
        .arg(data.join("postings.jsonl"))
        .args(["--as-of", "2026-11-01", "--threads", "2", "--run-id", run_id, "--out"])
        .arg(out);
    c
}

fn spawn(data: &Path, out: &Path, run_id: &str, extra: &[&str]) -> Child {
    let mut c = run_command(data, out, run_id);
    c.args(extra).stdout(Stdio::piped()).stderr(Stdio::piped());
    c.spawn().expect("binary starts")
}

/// Waits for a child with a deadline (killing it and failing the test past it).
fn wait(mut child: Child, deadline: Duration) -> Output {
    let start = Instant::now();
    loop {
        if child.try_wait().expect("wait").is_some() {
            return child.wait_with_output().expect("output");
        }
        if start.elapsed() > deadline {
            let _ = child.kill();
            let o = child.wait_with_output().expect("output");
            panic!("the run did not end within {deadline:?}; stderr: {}", stderr(&o));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn kill(child: &Child, signal: i32) {
    let pid = i32::try_from(child.id()).expect("pid");
    // SAFETY: kill(2) with a pid this test spawned and has not reaped yet.
    let _ = unsafe { libc::kill(pid, signal) };
}

/// Streams a child's stderr lines into a channel (and keeps them for the final message).
fn stderr_lines(child: &mut Child) -> (Receiver<String>, std::thread::JoinHandle<Vec<String>>) {
    let err = child.stderr.take().expect("piped stderr");
    let (tx, rx) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        let mut all = Vec::new();
        for line in BufReader::new(err).lines().map_while(Result::ok) {
            let _ = tx.send(line.clone());
            all.push(line);
        }
        all
    });
    (rx, reader)
}

/// Waits until a stderr line contains `needle`; false when the stream ended first.
fn wait_for(rx: &Receiver<String>, needle: &str) -> bool {
    let start = Instant::now();
    while start.elapsed() < RUN_DEADLINE {
        match rx.recv_timeout(Duration::from_millis(200)) {
            Ok(line) if line.contains(needle) => return true,
            Ok(_) | Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return false,
        }
    }
    false
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

/// A run folder is complete: a manifest, exactly the outputs it lists, each with its sha256.
fn assert_complete(dir: &Path) {
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).expect("manifest.json")).expect("json");
    let outputs = manifest["outputs"].as_array().expect("outputs");
    let mut listed: Vec<String> = vec!["manifest.json".into()];
    for o in outputs {
        let file = o["file"].as_str().expect("file");
        let bytes = std::fs::read(dir.join(file)).unwrap_or_else(|e| panic!("{}/{file}: {e}", dir.display()));
        assert_eq!(o["sha256"].as_str(), Some(sha256_hex(&bytes).as_str()), "{}/{file}", dir.display());
        listed.push(file.to_string());
    }
    let mut present: Vec<String> = std::fs::read_dir(dir)
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    listed.sort();
    present.sort();
    assert_eq!(present, listed, "{} holds exactly its outputs", dir.display());
}

/// The output root holds only complete run folders: no temporary folder, no lock file.
fn assert_only_complete_runs(out: &Path) {
    let Ok(entries) = std::fs::read_dir(out) else { return };
    for e in entries {
        let e = e.expect("entry");
        let name = e.file_name().to_string_lossy().into_owned();
        assert!(!name.starts_with('.'), "{} holds {name}", out.display());
        assert_complete(&e.path());
    }
}

/// Every file's bytes, the manifest without its `run` block. `diff.json`, `report.html` (whose
/// "changes" section shows that diff) and their lines among the manifest's outputs are left out:
/// runs that follow others in their output root compare themselves with the previous one, which
/// the reference run (alone in its root) cannot. `tests/report_page.rs` checks the page's bytes.
fn contents(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    const COMPARED_WITH_PREVIOUS: [&str; 2] = ["diff.json", "report.html"];
    let mut files = BTreeMap::new();
    for e in std::fs::read_dir(dir).expect("list") {
        let e = e.expect("entry");
        let name = e.file_name().to_string_lossy().into_owned();
        if COMPARED_WITH_PREVIOUS.contains(&name.as_str()) {
            continue;
        }
        let mut bytes = std::fs::read(e.path()).expect("read");
        if name == "manifest.json" {
            let mut m: serde_json::Value = serde_json::from_slice(&bytes).expect("json");
            if let Some(outputs) = m["outputs"].as_array_mut() {
                outputs.retain(|o| !COMPARED_WITH_PREVIOUS.iter().any(|f| o["file"] == *f));
            }
            m.as_object_mut().expect("object").remove("run");
            bytes = serde_json::to_vec(&m).expect("json");
        }
        files.insert(name, bytes);
    }
    files
}

fn assert_same_as_reference(dir: &Path) {
    let (a, b) = (contents(&shared().reference), contents(dir));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (name, bytes) in &a {
        assert!(bytes == &b[name], "{name} differs from the uninterrupted run's");
    }
}

fn mkfifo(path: &Path) {
    let c = std::ffi::CString::new(path.to_string_lossy().into_owned()).expect("path");
    // SAFETY: a valid NUL-terminated path; mkfifo only creates a file system entry.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0, "mkfifo {}", path.display());
}

#[test]
fn fifo_socket_and_link_loop_among_badges_become_rejects_and_the_run_finishes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    gen_into(&data, 20, 5, 7, false);
    let badges = data.join("badges");
    let first = std::fs::read_dir(&badges).expect("badges").next().expect("a candidate folder").expect("entry").path();
    mkfifo(&first.join("export.json"));
    let _sock = std::os::unix::net::UnixListener::bind(badges.join("agent.sock")).expect("socket");
    std::os::unix::fs::symlink("loop-b.json", badges.join("loop-a.json")).expect("link");
    std::os::unix::fs::symlink("loop-a.json", badges.join("loop-b.json")).expect("link");
    let out = dir.path().join("out");
    let o = wait(spawn(&data, &out, "r", &["--quiet"]), RUN_DEADLINE);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let rejects = std::fs::read_to_string(out.join("r/rejects.jsonl")).expect("rejects");
    for (file, reason) in [
        ("export.json", "named pipe (FIFO)"),
        ("agent.sock", "socket"),
        ("loop-a.json", "symbolic link loop"),
        ("loop-b.json", "symbolic link loop"),
    ] {
        assert!(
            rejects.lines().any(|l| l.contains(file) && l.contains(reason)),
            "no reject for {file} ({reason}):\n{rejects}"
        );
    }
    assert_only_complete_runs(&out);
}

#[test]
fn an_explicit_fifo_input_is_exit_2_naming_it_without_blocking() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fifo = dir.path().join("roster.csv");
    mkfifo(&fifo);
    let child = bin()
        .arg("run")
        .arg("--roster")
        .arg(&fifo)
        .arg("--out")
        .arg(dir.path().join("out"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary starts");
    let o = wait(child, Duration::from_secs(60));
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains(&*fifo.to_string_lossy()) && stderr(&o).contains("named pipe"), "{}", stderr(&o));
}

#[test]
fn outputs_are_checked_before_any_work_with_the_os_error_once() {
    let s = shared();
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("a-file");
    std::fs::write(&file, "x").expect("write");
    // A file as --out, an existing run id, an out root that cannot be created.
    let unwritable = if unsafe { libc::geteuid() } == 0 {
        PathBuf::from("/sys/skillmatch-faults-test") // root writes anywhere but sysfs
    } else {
        let ro = dir.path().join("read-only");
        std::fs::create_dir(&ro).expect("mkdir");
        std::fs::set_permissions(&ro, std::os::unix::fs::PermissionsExt::from_mode(0o555)).expect("chmod");
        ro.join("out")
    };
    let cases: [(&Path, &str, &str); 3] = [
        (&file, "r", "is not a folder"),
        (s.reference.parent().expect("root"), "reference", "already exists"),
        (&unwritable, "r", "cannot write to output folder"),
    ];
    for (out, id, says) in cases {
        let t = Instant::now();
        let o = wait(spawn(&s.data, out, id, &["--quiet"]), Duration::from_secs(60));
        let took = t.elapsed();
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(err.contains(says) && err.contains(&*out.to_string_lossy()), "{err}");
        assert!(err.matches("os error").count() <= 1, "the OS error is printed once: {err}");
        assert!(took < Duration::from_secs(3), "refused after {took:?}, before any work");
    }
}

#[test]
fn stop_signals_across_the_run_leave_only_complete_runs_and_the_next_run_is_identical() {
    let s = shared();
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    // (stage start line, delay after it, signal): from ingest to the report writers.
    let points: [(&str, u64, i32); 7] = [
        ("ingest:", 0, SIGTERM),
        ("ingest:", 1500, SIGINT),
        ("verify:", 0, SIGTERM),
        ("normalize:", 500, SIGINT),
        ("score:", 0, SIGTERM),
        ("report:", 0, SIGINT),
        ("report:", 300, SIGTERM),
    ];
    for (i, (line, delay, signal)) in points.into_iter().enumerate() {
        let id = format!("stop-{i}");
        let mut child = spawn(&s.data, &out, &id, &[]);
        let (rx, reader) = stderr_lines(&mut child);
        let seen = wait_for(&rx, &format!("skillmatch: {line}"));
        std::thread::sleep(Duration::from_millis(delay));
        kill(&child, signal);
        let t = Instant::now();
        let o = wait(child, RUN_DEADLINE);
        let stopped_in = t.elapsed();
        let err = reader.join().expect("stderr").join("\n");
        assert!(seen, "the run never printed {line:?}: {err}");
        match o.status.code() {
            // Finished before the signal arrived: then it is complete.
            Some(0) => assert_complete(&out.join(&id)),
            Some(code) => {
                assert_eq!(code, 128 + signal, "{err}");
                assert!(err.contains("interrupted by SIG") && err.contains(" during "), "{err}");
                assert!(!out.join(&id).exists());
                assert!(stopped_in < Duration::from_secs(10), "stopped {stopped_in:?} after the signal");
            }
            None => panic!("killed by a signal instead of stopping: {err}"),
        }
        assert_only_complete_runs(&out);
    }
    // The last id is free again, and the run is the uninterrupted one's, byte for byte.
    let o = wait(spawn(&s.data, &out, "stop-6-again", &["--quiet"]), RUN_DEADLINE);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_only_complete_runs(&out);
    assert_same_as_reference(&out.join("stop-6-again"));
}

#[test]
fn a_file_size_limit_fails_the_write_once_naming_the_file_and_leaves_nothing() {
    let s = shared();
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    let mut c = run_command(&s.data, &out, "limited");
    c.arg("--quiet").stdout(Stdio::piped()).stderr(Stdio::piped());
    // SAFETY: setrlimit is async-signal-safe; it only lowers this child's own file size limit.
    unsafe {
        c.pre_exec(|| {
            let limit = libc::rlimit { rlim_cur: 64 * 1024, rlim_max: 64 * 1024 };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let o = wait(c.spawn().expect("binary starts"), RUN_DEADLINE);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "exit 1, not killed by SIGXFSZ: {err}");
    assert!(err.contains("cannot write"), "{err}");
    assert!(err.contains("File too large") || err.contains("No space left"), "{err}");
    assert_eq!(err.matches("os error").count(), 1, "the cause once: {err}");
    let named = ["matches.parquet", "profiles.parquet", ".csv", "manifest.json", "rejects.jsonl"];
    assert!(named.iter().any(|f| err.contains(f)), "names the file: {err}");
    assert_eq!(std::fs::read_dir(&out).expect("out").count(), 0, "nothing left behind");
}

#[test]
fn overlapping_runs_same_id_fails_at_once_and_other_ids_do_not_disturb() {
    let s = shared();
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    let mut first = spawn(&s.data, &out, "night", &[]);
    let (rx, reader) = stderr_lines(&mut first);
    assert!(wait_for(&rx, "skillmatch: ingest:"), "the first run starts");
    let other = spawn(&s.data, &out, "other", &["--quiet"]);
    // Same id, twice, while the first holds it: refused at once, naming the holder.
    for _ in 0..2 {
        let t = Instant::now();
        let o = wait(spawn(&s.data, &out, "night", &["--quiet"]), Duration::from_secs(60));
        let took = t.elapsed();
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{err}");
        assert!(err.contains(&format!("in use by process {}", first.id())) && err.contains("started 20"), "{err}");
        assert_eq!(err.lines().count(), 1, "said once: {err}");
        assert!(took < Duration::from_secs(3), "refused after {took:?}");
    }
    let o = wait(first, RUN_DEADLINE);
    let err = reader.join().expect("stderr").join("\n");
    assert_eq!(o.status.code(), Some(0), "{err}");
    let o = wait(other, RUN_DEADLINE);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_only_complete_runs(&out);
    assert_same_as_reference(&out.join("night"));
    assert_same_as_reference(&out.join("other"));
}

#[test]
fn sigkill_at_random_points_leaves_leftovers_the_next_run_reports_and_removes() {
    let s = shared();
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    // Points drawn from a fixed seed (printed), between 5 % and 80 % of the reference run's
    // wall time (a debug build's run takes seconds, a release build's a fraction of one).
    let seed = 21u64;
    let mut x = seed;
    let span = s.reference_wall.as_millis().max(100) as u64;
    for i in 0..3 {
        x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        let delay = Duration::from_millis(span / 20 + (x >> 33) % (span * 3 / 4));
        println!("seed {seed}: SIGKILL {delay:?} into run kill-{i}");
        let mut child = spawn(&s.data, &out, &format!("kill-{i}"), &["--quiet"]);
        std::thread::sleep(delay);
        kill(&child, SIGKILL);
        child.wait().expect("wait");
    }
    // Each killed run's preflight already removed the leftovers of the ones before it; the last
    // one's folder (at least) is there for the next run to report and remove.
    let leftovers: Vec<String> = std::fs::read_dir(&out)
        .expect("out")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".partial-"))
        .collect();
    assert!(!leftovers.is_empty(), "a killed run leaves its temporary folder");
    let o = wait(spawn(&s.data, &out, "next", &["--quiet"]), RUN_DEADLINE);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    for name in &leftovers {
        assert!(err.contains(name.as_str()) && err.contains("left by an interrupted run"), "{name}: {err}");
    }
    assert_only_complete_runs(&out);
    assert_same_as_reference(&out.join("next"));
}

/// Unmounts a test mount point however the test ends.
struct Mounted(PathBuf);

impl Drop for Mounted {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn a_full_disk_fails_the_write_once_naming_the_file_and_leaves_nothing() {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        println!("note: skipped (mounting a small tmpfs needs root; the file size limit test covers non-root)");
        return;
    }
    let s = shared();
    let dir = tempfile::tempdir().expect("tempdir");
    let mnt = dir.path().join("small");
    std::fs::create_dir(&mnt).expect("mkdir");
    let mounted = Command::new("mount").args(["-t", "tmpfs", "-o", "size=256k", "tmpfs"]).arg(&mnt).output();
    if !mounted.as_ref().is_ok_and(|o| o.status.success()) {
        println!("note: skipped (cannot mount a tmpfs here: {mounted:?})");
        return;
    }
    let _guard = Mounted(mnt.clone());
    let out = mnt.join("out");
    let o = wait(spawn(&s.data, &out, "full", &["--quiet"]), RUN_DEADLINE);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("cannot write") && err.contains("No space left on device"), "{err}");
    assert_eq!(err.matches("os error").count(), 1, "the cause once: {err}");
    assert_eq!(std::fs::read_dir(&out).expect("out").count(), 0, "nothing left behind");
}
