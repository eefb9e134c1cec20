//! Sharded runs (issue 17): shards of one job, run as separate processes with `--shard I/N` or a
//! scheduler's environment variables, in any order and at any thread count, merge into the run
//! folder a single run writes, byte for byte (the manifest but its `run` block and the engine's
//! work counters, which count the work the shards did); incomplete or foreign shard sets are
//! refused with exit 2.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Mutex, OnceLock};

/// Every variable a scheduler may set: cleared in every child, so the test's own environment
/// (a CI job inside a Slurm array, say) never leaks in.
const SHARD_VARS: [&str; 6] = [
    "SLURM_ARRAY_TASK_ID",
    "SLURM_ARRAY_TASK_COUNT",
    "AWS_BATCH_JOB_ARRAY_INDEX",
    "AWS_BATCH_JOB_ARRAY_SIZE",
    "JOB_COMPLETION_INDEX",
    "SKILLMATCH_SHARD_COUNT",
];

/// The engine's work counters in `stages.score`: the work actually done, which differs between
/// one engine over all candidates and N engines over a part each.
const WORK_COUNTERS: [&str; 8] = [
    "candidate_blocks",
    "candidate_blocks_opened",
    "candidate_pairs_scored",
    "pairs_scored",
    "postings_visited",
    "role_blocks",
    "role_blocks_opened",
    "role_pairs_scored",
];

/// How a shard learns its place.
#[derive(Clone, Copy, Debug)]
enum Driver {
    Flag,
    Slurm,
    AwsBatch,
    Kubernetes,
}

fn skillmatch(args: &[&str], env: &[(&str, String)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_skillmatch"));
    cmd.args(args);
    for v in SHARD_VARS {
        cmd.env_remove(v);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("binary runs")
}

fn ok(out: Output) -> String {
    assert!(out.status.success(), "failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

struct Fixture {
    _dir: tempfile::TempDir,
    root: PathBuf,
    single: PathBuf,
}

fn p(path: &Path) -> &str {
    path.to_str().expect("utf-8 path")
}

/// A generated job and its single run.
fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().to_path_buf();
        common::gen_into(&root.join("data"), 250, 70, 17, true);
        let out = root.join("single");
        let mut args = job_args(&root);
        args.extend([
            "--out".into(),
            p(&out).into(),
            "--run-id".into(),
            "single".into(),
            "--threads".into(),
            "2".into(),
        ]);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let single = PathBuf::from(ok(skillmatch(&args, &[])));
        Fixture { _dir: dir, root, single }
    })
}

fn job_args(root: &Path) -> Vec<String> {
    let data = root.join("data");
    [
        "run",
        "--roster",
        p(&data.join("roster.csv")),
        "--badges",
        p(&data.join("badges")),
        "--postings",
        p(&data.join("postings.jsonl")),
        "--as-of",
        "2026-11-01",
        "--quiet",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

/// Runs shard `i` of `n` into `out` (as `driver` names it), with `threads` and `extra` flags;
/// returns the folder it printed.
fn run_shard(out: &Path, i: u32, n: u32, driver: Driver, threads: usize, extra: &[&str]) -> PathBuf {
    let f = fixture();
    let mut args = job_args(&f.root);
    args.extend(["--out".into(), p(out).into(), "--threads".into(), threads.to_string()]);
    args.extend(extra.iter().map(|s| s.to_string()));
    let env: Vec<(&str, String)> = match driver {
        Driver::Flag => {
            args.extend(["--shard".into(), format!("{i}/{n}")]);
            vec![]
        }
        Driver::Slurm => vec![("SLURM_ARRAY_TASK_ID", i.to_string()), ("SLURM_ARRAY_TASK_COUNT", n.to_string())],
        Driver::AwsBatch => {
            vec![("AWS_BATCH_JOB_ARRAY_INDEX", i.to_string()), ("AWS_BATCH_JOB_ARRAY_SIZE", n.to_string())]
        }
        Driver::Kubernetes => vec![("JOB_COMPLETION_INDEX", i.to_string()), ("SKILLMATCH_SHARD_COUNT", n.to_string())],
    };
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    PathBuf::from(ok(skillmatch(&args, &env)))
}

/// The shard folders of the job at `n` shards, run once per test binary: last index first,
/// thread counts alternating.
fn job(n: u32, driver: Driver) -> Vec<PathBuf> {
    static JOBS: OnceLock<Mutex<BTreeMap<u32, Vec<PathBuf>>>> = OnceLock::new();
    let mut jobs = JOBS.get_or_init(|| Mutex::new(BTreeMap::new())).lock().unwrap_or_else(|e| e.into_inner());
    jobs.entry(n)
        .or_insert_with(|| {
            let out = fixture().root.join(format!("job{n}"));
            let mut dirs: Vec<PathBuf> =
                (0..n).rev().map(|i| run_shard(&out, i, n, driver, 1 + (i as usize % 2), &[])).collect();
            dirs.reverse();
            for (i, d) in dirs.iter().enumerate() {
                assert_eq!(d.file_name().and_then(|s| s.to_str()), Some(format!("shard-{i:04}-of-{n:04}").as_str()));
            }
            dirs
        })
        .clone()
}

fn merge(dirs: &[PathBuf], out: &Path, extra: &[&str]) -> Output {
    let mut args: Vec<&str> = vec!["merge", "--quiet", "--out", p(out)];
    args.extend(dirs.iter().map(|d| p(d)));
    args.extend(extra);
    skillmatch(&args, &[])
}

/// The manifest without its `run` block and the engine's work counters.
fn comparable_manifest(dir: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(dir.join("manifest.json")).expect("manifest");
    let mut m: serde_json::Value = serde_json::from_str(&text).expect("manifest parses");
    let obj = m.as_object_mut().expect("object");
    obj.remove("run");
    let score = obj.get_mut("stages").and_then(|s| s.get_mut("score")).and_then(|s| s.as_object_mut()).expect("score");
    for k in WORK_COUNTERS {
        assert!(score.remove(k).is_some(), "stages.score.{k}");
    }
    m
}

fn file_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn assert_same_run(single: &Path, merged: &Path) {
    assert_eq!(file_names(single), file_names(merged));
    for name in file_names(single).iter().filter(|n| *n != "manifest.json") {
        let a = std::fs::read(single.join(name)).expect("single file");
        let b = std::fs::read(merged.join(name)).expect("merged file");
        assert!(a == b, "{name} differs between {} and {}", single.display(), merged.display());
    }
    assert_eq!(comparable_manifest(single), comparable_manifest(merged), "manifest");
}

#[test]
fn merged_shards_equal_the_single_run_byte_for_byte_at_1_2_4_and_7_shards_from_the_flag_and_each_scheduler() {
    let f = fixture();
    for (n, driver) in [(1, Driver::Flag), (2, Driver::Slurm), (4, Driver::AwsBatch), (7, Driver::Kubernetes)] {
        let mut dirs = job(n, driver);
        // Given in any order; merged at yet another thread count, into the shards' own folder.
        dirs.rotate_left(n as usize / 2);
        let out = f.root.join(format!("job{n}"));
        let merged = PathBuf::from(ok(merge(&dirs, &out, &["--run-id", "merged", "--threads", "2"])));
        assert_same_run(&f.single, &merged);
        let m: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(merged.join("manifest.json")).expect("read")).expect("json");
        assert!(m.get("shard").is_none(), "a merged run is no shard");
        let shard: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dirs[0].join("manifest.json")).expect("read")).expect("json");
        assert_eq!(shard["shard"]["count"], n, "{driver:?}");
    }
}

#[test]
fn merge_refuses_a_missing_a_duplicated_and_a_foreign_shard_with_exit_2() {
    let f = fixture();
    let dirs = job(4, Driver::AwsBatch);
    let out = f.root.join("refused");
    let refused = |dirs: Vec<PathBuf>, says: &str| {
        let o = merge(&dirs, &out, &[]);
        let err = String::from_utf8_lossy(&o.stderr).to_string();
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(err.contains(says), "{says:?} not in {err}");
    };
    refused(vec![dirs[0].clone(), dirs[1].clone(), dirs[3].clone()], "shard index 2 of 4 is missing");
    refused(vec![dirs[0].clone(), dirs[1].clone(), dirs[2].clone(), dirs[3].clone(), dirs[1].clone()], "given twice");
    // A shard of the same inputs under another configuration.
    let foreign = run_shard(&f.root.join("foreign"), 2, 4, Driver::Flag, 2, &["--top-k", "3"]);
    refused(vec![dirs[0].clone(), dirs[1].clone(), foreign, dirs[3].clone()], "different config");
    // A run folder that is not a shard.
    refused(vec![f.single.clone()], "not a shard folder");
    assert!(!out.exists() || file_names(&out).iter().all(|n| n.starts_with('.')), "nothing written");
}

/// Extra flags, environment, and what the message must name.
type Case = (Vec<&'static str>, Vec<(&'static str, String)>, &'static str);

#[test]
fn a_bad_shard_flag_or_scheduler_variable_is_named_with_exit_2_before_any_work() {
    let f = fixture();
    let mut args = job_args(&f.root);
    args.extend(["--out".into(), p(&f.root.join("bad")).into()]);
    let base: Vec<&str> = args.iter().map(String::as_str).collect();
    let cases: Vec<Case> = vec![
        (vec!["--shard", "4/4"], vec![], "--shard"),
        (vec!["--shard", "two/4"], vec![], "--shard"),
        (vec![], vec![("SLURM_ARRAY_TASK_ID", "1".into())], "SLURM_ARRAY_TASK_COUNT"),
        (
            vec![],
            vec![("AWS_BATCH_JOB_ARRAY_INDEX", "x".into()), ("AWS_BATCH_JOB_ARRAY_SIZE", "2".into())],
            "AWS_BATCH_JOB_ARRAY_INDEX",
        ),
        (
            vec![],
            vec![("JOB_COMPLETION_INDEX", "5".into()), ("SKILLMATCH_SHARD_COUNT", "4".into())],
            "JOB_COMPLETION_INDEX",
        ),
    ];
    for (extra, env, says) in cases {
        let mut a = base.clone();
        a.extend(extra);
        let o = skillmatch(&a, &env);
        let err = String::from_utf8_lossy(&o.stderr).to_string();
        assert_eq!(o.status.code(), Some(2), "{says}: {err}");
        assert!(err.contains(says), "{says:?} not in {err}");
    }
    assert!(!f.root.join("bad").exists(), "no folder for a refused shard");
}

/// `skillmatch prepare` over the badges of `data`, into `out`.
fn prepare(data: &Path, out: &Path) -> Output {
    skillmatch(&["prepare", "--quiet", "--badges", p(&data.join("badges")), "--out", p(out)], &[])
}

/// A shard folder's files as compared across runs: the manifest without its `run` block, and
/// the top-K lists without the engine's timings.
fn comparable_shard(dir: &Path) -> (serde_json::Value, serde_json::Value) {
    let read = |name: &str| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(dir.join(name)).expect("read")).expect("json")
    };
    let mut manifest = read("manifest.json");
    manifest.as_object_mut().expect("object").remove("run");
    // The manifest's `outputs` hash the scores file, timings included.
    manifest.as_object_mut().expect("object").remove("outputs");
    let mut scores = read("shard_scores.json");
    let engine = scores.get_mut("engine").and_then(|e| e.as_object_mut()).expect("engine");
    engine.retain(|k, _| !k.ends_with("_ms"));
    (manifest, scores)
}

#[test]
fn shards_given_a_prepared_index_write_the_shards_they_write_without_it_and_merge_to_the_single_run() {
    let f = fixture();
    let prepared = f.root.join("prepared.json");
    let printed = ok(prepare(&f.root.join("data"), &prepared));
    assert_eq!(PathBuf::from(printed), prepared);
    let out = f.root.join("prepared-job");
    let mut dirs: Vec<PathBuf> = (0..4)
        .rev()
        .map(|i| run_shard(&out, i, 4, Driver::Slurm, 1 + (i as usize % 2), &["--prepared", p(&prepared)]))
        .collect();
    dirs.reverse();
    for (with, without) in dirs.iter().zip(job(4, Driver::AwsBatch)) {
        assert_eq!(comparable_shard(with), comparable_shard(&without), "{}", with.display());
    }
    let merged = PathBuf::from(ok(merge(&dirs, &out, &["--run-id", "merged"])));
    assert_same_run(&f.single, &merged);
}

#[test]
fn a_prepared_index_of_other_badge_inputs_or_another_version_is_refused_with_exit_2_naming_why() {
    let f = fixture();
    let work = f.root.join("refused-prepared");
    common::copy_tree(&f.root.join("data"), &work.join("data"));
    let prepared = work.join("prepared.json");
    ok(prepare(&work.join("data"), &prepared));
    let badges = work.join("data/badges");
    // The first candidate folder's first file.
    let mut folders: Vec<PathBuf> = std::fs::read_dir(&badges)
        .expect("list")
        .map(|e| e.expect("entry").path())
        .filter(|d| d.is_dir() && !d.file_name().is_some_and(|n| n.to_string_lossy().starts_with('_')))
        .collect();
    folders.sort();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&folders[0]).expect("list").map(|e| e.expect("e").path()).collect();
    files.sort();
    let (file, name) = (files[0].clone(), files[0].file_name().expect("name").to_string_lossy().into_owned());
    let runs = std::cell::Cell::new(0);
    let shard = |prepared: &Path| {
        runs.set(runs.get() + 1);
        let id = format!("r{}", runs.get());
        let mut args = job_args(&work);
        let out = work.join("out");
        let extra = ["--out", p(&out), "--run-id", &id, "--shard", "0/1", "--prepared", p(prepared)];
        args.extend(extra.map(String::from));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        skillmatch(&args, &[])
    };
    let refused = |o: Output, says: &[&str]| {
        let err = String::from_utf8_lossy(&o.stderr).to_string();
        assert_eq!(o.status.code(), Some(2), "{err}");
        for s in says {
            assert!(err.contains(s), "{s:?} not in {err}");
        }
    };
    // Unchanged inputs: accepted.
    ok(shard(&prepared));
    // A file changed since.
    let original = std::fs::read(&file).expect("read");
    let mut changed = original.clone();
    changed.push(b'\n');
    std::fs::write(&file, &changed).expect("write");
    refused(shard(&prepared), &[&name, "is not the file it was prepared from", "skillmatch prepare"]);
    std::fs::write(&file, &original).expect("write");
    // A file added since, and one removed since.
    let added = folders[0].join("zz-added.json");
    std::fs::write(&added, &original).expect("write");
    refused(shard(&prepared), &["zz-added.json", "is not in it"]);
    std::fs::remove_file(&added).expect("rm");
    let moved = work.join(&name);
    std::fs::rename(&file, &moved).expect("mv");
    refused(shard(&prepared), &[&name, "no longer has"]);
    std::fs::rename(&moved, &file).expect("mv");
    // Another version's index, a file that is no index, and a missing one.
    let text = std::fs::read_to_string(&prepared).expect("read");
    let version = format!("\"version\":\"{}\"", env!("CARGO_PKG_VERSION"));
    assert!(text.contains(&version), "the index names its version");
    let other = work.join("other-version.json");
    std::fs::write(&other, text.replace(&version, "\"version\":\"0.0.1\"")).expect("write");
    refused(shard(&other), &["written by skillmatch 0.0.1"]);
    refused(shard(&work.join("data/roster.csv")), &["not a prepared index"]);
    refused(shard(&work.join("missing.json")), &["--prepared", "missing.json"]);
    // And prepare itself names a bad path.
    refused(prepare(&work.join("nowhere"), &work.join("p.json")), &["badges path not found"]);
    refused(prepare(&work.join("data"), &work.join("data/roster.csv/p.json")), &["--out", "cannot create its folder"]);
    refused(prepare(&work.join("data"), &work.join("data")), &["is a folder"]);
    // A new folder for the index is created, as `run --out` creates its root.
    ok(prepare(&work.join("data"), &work.join("new/folder/prepared.json")));
    assert!(work.join("new/folder/prepared.json").is_file());
    // Inputs restored: accepted again.
    ok(shard(&prepared));
}
