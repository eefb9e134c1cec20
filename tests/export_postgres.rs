//! `skillmatch export postgres` against a real, throwaway PostgreSQL server on a unix socket in a
//! temporary folder. When no server can be started (no `initdb`), the test says so and passes,
//! unless `SKILLMATCH_REQUIRE_POSTGRES=1` (CI), where that is a failure.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Instant;

const SCHEMA: &str = "dash";

/// The README's dashboard queries (section "Export to PostgreSQL"), with the schema and the
/// latest-run subquery as documented.
fn readme_query(name: &str) -> String {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).expect("README");
    let marker = format!("-- {name}\n");
    let start = readme.find(&marker).unwrap_or_else(|| panic!("README has no query `{marker}`"));
    let rest = &readme[start + marker.len()..];
    rest[..rest.find(';').expect("query ends with ;")].replace("skillmatch.", &format!("{SCHEMA}."))
}

fn skillmatch(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_skillmatch"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("binary runs")
}

fn bin_dir() -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|r| r.flatten().map(|e| e.path().join("bin")).filter(|p| p.join("initdb").is_file()).collect())
        .unwrap_or_default();
    dirs.sort();
    if let Some(d) = dirs.pop() {
        return Some(d);
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).find(|d| d.join("initdb").is_file() && d.join("pg_ctl").is_file())
}

/// A server started for this test; stopped (immediately) when dropped, also on failure.
struct Server {
    dir: tempfile::TempDir,
    bin: PathBuf,
    user: Option<String>,
    port: u16,
}

impl Server {
    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn sock(&self) -> PathBuf {
        self.dir.path().to_path_buf()
    }

    /// Runs a server program, as the unprivileged user when the test runs as root (initdb and
    /// postgres refuse root).
    fn tool(&self, tool: &str, args: &[&str]) -> Output {
        let exe = self.bin.join(tool);
        let mut cmd = match &self.user {
            Some(u) => {
                let mut c = Command::new("runuser");
                c.args(["-u", u, "--"]).arg(&exe);
                c
            }
            None => Command::new(&exe),
        };
        // The server user may not be allowed into the checkout (under /root in CI): work from
        // the server's own folder.
        cmd.current_dir(self.dir.path())
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("{} does not run: {e}", exe.display()))
    }

    fn start() -> Result<Server, String> {
        let bin = bin_dir().ok_or("no initdb in /usr/lib/postgresql/*/bin or PATH")?;
        let root = unsafe_is_root();
        let user = if root {
            Some(unprivileged_user().ok_or("running as root and no postgres or nobody user")?)
        } else {
            None
        };
        let dir = tempfile::Builder::new().prefix("smpg").tempdir_in("/tmp").map_err(|e| e.to_string())?;
        if let Some(u) = &user {
            let o = Command::new("chown").arg(u).arg(dir.path()).output().map_err(|e| e.to_string())?;
            if !o.status.success() {
                return Err(format!("chown {u}: {}", String::from_utf8_lossy(&o.stderr)));
            }
        }
        // Each server of this process gets its own port (its socket file's name) and folder.
        static STARTED: std::sync::atomic::AtomicU16 = std::sync::atomic::AtomicU16::new(0);
        let nth = STARTED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let port = 20_000 + (std::process::id() % 10_000) as u16 * 2 + nth % 2;
        let server = Server { dir, bin, user, port };
        let data = server.data().display().to_string();
        let o = server.tool("initdb", &["-D", &data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"]);
        if !o.status.success() {
            return Err(format!("initdb failed: {}", String::from_utf8_lossy(&o.stderr)));
        }
        let opts = format!("-k {} -c listen_addresses='' -p {} -c fsync=off", server.sock().display(), server.port);
        let log = server.dir.path().join("log").display().to_string();
        let o = server.tool("pg_ctl", &["-D", &data, "-o", &opts, "-l", &log, "-w", "start"]);
        if !o.status.success() {
            let log = std::fs::read_to_string(&log).unwrap_or_default();
            return Err(format!("pg_ctl start failed: {}{log}", String::from_utf8_lossy(&o.stderr)));
        }
        Ok(server)
    }

    /// A URL with the socket folder percent-encoded as the host.
    fn url(&self) -> String {
        let host = self.sock().display().to_string().replace('/', "%2F");
        format!("postgresql://postgres@{host}:{}/postgres", self.port)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let data = self.data().display().to_string();
        let _ = self.tool("pg_ctl", &["-D", &data, "-m", "immediate", "-w", "stop"]);
    }
}

fn unsafe_is_root() -> bool {
    Command::new("id").arg("-u").output().map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0").unwrap_or(false)
}

fn unprivileged_user() -> Option<String> {
    ["postgres", "nobody"]
        .into_iter()
        .find(|u| Command::new("id").arg(u).output().is_ok_and(|o| o.status.success()))
        .map(str::to_string)
}

fn server_or_skip() -> Option<Server> {
    match Server::start() {
        Ok(s) => Some(s),
        Err(why) if std::env::var("SKILLMATCH_REQUIRE_POSTGRES").as_deref() != Ok("1") => {
            eprintln!(
                "SKIPPED: no PostgreSQL server could be started ({why}); set SKILLMATCH_REQUIRE_POSTGRES=1 to fail"
            );
            None
        }
        Err(why) => panic!("SKILLMATCH_REQUIRE_POSTGRES=1 but no PostgreSQL server could be started: {why}"),
    }
}

fn demo_run(out: &Path) -> PathBuf {
    let o = skillmatch(&["run", "--out", &out.display().to_string(), "--quiet"]);
    assert_eq!(o.status.code(), Some(0), "stderr: {}", String::from_utf8_lossy(&o.stderr));
    PathBuf::from(String::from_utf8_lossy(&o.stdout).lines().last().expect("run folder line").trim())
}

fn export(run: &Path, url: &str) -> Output {
    skillmatch(&["export", "postgres", "--run", &run.display().to_string(), "--url", url, "--schema", SCHEMA])
}

fn count(client: &mut postgres::Client, table: &str, run_id: &str) -> i64 {
    client
        .query_one(&format!("SELECT count(*) FROM {SCHEMA}.{table} WHERE run_id = $1"), &[&run_id])
        .expect("count")
        .get(0)
}

#[test]
fn demo_runs_load_idempotently_and_dashboard_queries_match_shortlist() {
    let t0 = Instant::now();
    let Some(server) = server_or_skip() else { return };
    eprintln!("server up in {:.1?}", t0.elapsed());
    let out = tempfile::tempdir().expect("tempdir");
    let first = demo_run(out.path());
    // A second run in the same output root writes diff.json against the first.
    let second = demo_run(out.path());
    assert!(second.join("diff.json").is_file(), "the second run has a diff.json");
    eprintln!("two demo runs in {:.1?}", t0.elapsed());
    // An audit put into the run folder is loaded as a jsonb document.
    let demo = out.path().join("demographics.csv");
    let rows: String = (1..=300).map(|i| format!("cand-{i:06},{}\n", ["a", "b"][i % 2])).collect();
    std::fs::write(&demo, format!("candidate_id,group\n{rows}")).expect("write demographics");
    let audit_json = second.join("audit.json").display().to_string();
    let o = skillmatch(&[
        "audit",
        "--run",
        &second.display().to_string(),
        "--demographics",
        &demo.display().to_string(),
        "--format",
        "json",
        "--out",
        &audit_json,
    ]);
    assert_eq!(o.status.code(), Some(0), "stderr: {}", String::from_utf8_lossy(&o.stderr));
    // The first run gets the audit.csv a run with `[report] audit_demographics` writes (the same
    // bytes as the command's CSV): loaded as an array of row objects.
    let audit_csv = first.join("audit.csv").display().to_string();
    let first_dir = first.display().to_string();
    let demo_path = demo.display().to_string();
    let args = ["audit", "--run", &first_dir, "--demographics", &demo_path, "--format", "csv", "--out", &audit_csv];
    let o = skillmatch(&args);
    assert_eq!(o.status.code(), Some(0), "stderr: {}", String::from_utf8_lossy(&o.stderr));
    let url = server.url();

    for run in [&first, &second, &second] {
        let o = export(run, &url);
        assert_eq!(o.status.code(), Some(0), "stderr: {}", String::from_utf8_lossy(&o.stderr));
        assert!(String::from_utf8_lossy(&o.stdout).contains("loaded run"), "{}", String::from_utf8_lossy(&o.stdout));
    }
    eprintln!("three loads in {:.1?}", t0.elapsed());

    let mut client = postgres::Client::connect(&url, postgres::NoTls).expect("connect");
    let first_id = first.file_name().expect("name").to_string_lossy().to_string();
    let second_id = second.file_name().expect("name").to_string_lossy().to_string();
    let runs: i64 = client.query_one(&format!("SELECT count(*) FROM {SCHEMA}.runs"), &[]).expect("runs").get(0);
    assert_eq!(runs, 2, "two runs, the second loaded twice, leave two rows");

    // Loading twice leaves one copy: every table's row count equals the run file's.
    let shortlist_rows =
        skillmatch::report::schema::read_parquet(&second.join("matches.parquet")).expect("parquet").height();
    assert_eq!(count(&mut client, "matches", &second_id) as usize, shortlist_rows);
    assert_eq!(count(&mut client, "matches", &first_id) as usize, shortlist_rows, "the first run kept its rows");
    for (table, file) in [
        ("candidate_gaps", "candidate_gaps.csv"),
        ("verification", "verification.csv"),
        ("supply_demand", "supply_demand.csv"),
    ] {
        let lines = csv::Reader::from_path(second.join(file)).expect("csv").records().count();
        assert_eq!(count(&mut client, table, &second_id) as usize, lines, "{table}");
    }
    assert_eq!(count(&mut client, "diffs", &second_id), 1, "diff.json stored once");
    assert_eq!(count(&mut client, "diffs", &first_id), 0, "the first run has no diff.json");
    assert_eq!(count(&mut client, "audits", &second_id), 1, "audit.json stored once");
    let audit: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&audit_json).expect("audit")).expect("audit json");
    let stored: String = client
        .query_one(&format!("SELECT document::text FROM {SCHEMA}.audits WHERE run_id = $1"), &[&second_id])
        .expect("audit row")
        .get(0);
    assert_eq!(serde_json::from_str::<serde_json::Value>(&stored).expect("stored json"), audit);
    assert_eq!(count(&mut client, "audits", &first_id), 1, "the run's audit.csv stored once");
    let stored: String = client
        .query_one(&format!("SELECT document::text FROM {SCHEMA}.audits WHERE run_id = $1"), &[&first_id])
        .expect("audit row")
        .get(0);
    let stored: serde_json::Value = serde_json::from_str(&stored).expect("stored json");
    let csv_rows: Vec<csv::StringRecord> =
        csv::Reader::from_path(&audit_csv).expect("csv").records().collect::<Result<_, _>>().expect("records");
    assert_eq!(stored.as_array().expect("array").len(), csv_rows.len(), "one object per CSV row");
    assert_eq!(stored[0]["dimension"], "group");

    // Top candidates per role: the README query returns shortlist's top-K.
    let top = readme_query("top candidates per role");
    let roles: Vec<String> = client
        .query(
            &format!("SELECT DISTINCT role_id FROM {SCHEMA}.matches WHERE run_id = $1 ORDER BY 1 LIMIT 2"),
            &[&second_id],
        )
        .expect("roles")
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert!(!roles.is_empty());
    for role in &roles {
        let o = skillmatch(&[
            "shortlist",
            "--run",
            &second.display().to_string(),
            "--role",
            role,
            "--top",
            "5",
            "--format",
            "json",
        ]);
        assert_eq!(o.status.code(), Some(0), "stderr: {}", String::from_utf8_lossy(&o.stderr));
        let json: serde_json::Value = serde_json::from_slice(&o.stdout).expect("shortlist json");
        let want: Vec<(String, f64)> = json
            .as_array()
            .expect("array")
            .iter()
            .map(|r| (r["candidate_id"].as_str().expect("id").to_string(), r["score"].as_f64().expect("score")))
            .collect();
        let got: Vec<(String, f64)> = client
            .query(&top, &[role, &5_i64])
            .expect("top query")
            .iter()
            .map(|r| (r.get("candidate_id"), r.get("score")))
            .collect();
        assert_eq!(got, want, "role {role}");
    }

    // A candidate's best roles: candidate_gaps in rank order.
    let best = readme_query("a candidate's best roles");
    let gaps = csv::Reader::from_path(second.join("candidate_gaps.csv"))
        .expect("csv")
        .records()
        .next()
        .expect("a row")
        .expect("row");
    let cand = gaps.get(0).expect("candidate_id").to_string();
    let rows = client.query(&best, &[&cand]).expect("best roles");
    assert_eq!(rows.first().map(|r| r.get::<_, String>("role_id")), gaps.get(2).map(str::to_string));

    // Verification status counts equal the manifest's.
    let status = readme_query("verification status counts");
    let manifest = skillmatch::report::schema::read_manifest(&second).expect("manifest");
    let want = serde_json::to_value(&manifest.stages.verify).expect("json");
    let rows = client.query(&status, &[]).expect("status counts");
    assert!(!rows.is_empty());
    for r in rows {
        let (s, n): (String, i64) = (r.get("status"), r.get("credentials"));
        assert_eq!(want[&s].as_i64(), Some(n), "status {s}");
    }

    // The run row carries the manifest's facts.
    let r = client
        .query_one(
            &format!("SELECT as_of::text, tool_version, candidates, roles FROM {SCHEMA}.runs WHERE run_id = $1"),
            &[&second_id],
        )
        .expect("run row");
    let (as_of, version, cands, roles): (String, String, i64, i64) = (r.get(0), r.get(1), r.get(2), r.get(3));
    assert_eq!((as_of, version), (manifest.as_of.clone(), manifest.tool.version.clone()));
    assert_eq!((cands as u64, roles as u64), (manifest.stages.score.candidates, manifest.stages.score.roles));

    // A run folder missing a file is refused before anything reaches the server.
    let broken = out.path().join("broken");
    std::fs::create_dir_all(&broken).expect("mkdir");
    std::fs::copy(first.join("manifest.json"), broken.join("manifest.json")).expect("copy");
    let o = export(&broken, &url);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("matches.parquet"), "{err}");
    assert_eq!(count(&mut client, "matches", &first_id) as usize, shortlist_rows, "the first run's load is intact");

    // Tables of another layout version are refused, and the run's rows are left as they were.
    client.execute(&format!("UPDATE {SCHEMA}.schema_version SET version = 99"), &[]).expect("update");
    let o = export(&second, &url);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("version 99") && err.contains("--schema"), "{err}");
    assert_eq!(count(&mut client, "matches", &second_id) as usize, shortlist_rows);
    eprintln!("done in {:.1?}", t0.elapsed());
}

/// The README's top-K query for `role`, as (candidate, score) rows.
fn top_from_server(client: &mut postgres::Client, role: &str, k: i64) -> Vec<(String, f64)> {
    let top = readme_query("top candidates per role");
    client
        .query(&top, &[&role, &k])
        .expect("top query")
        .iter()
        .map(|r| (r.get("candidate_id"), r.get("score")))
        .collect()
}

/// `skillmatch shortlist --run RUN --role ROLE --top K` as (candidate, score) rows.
fn top_from_shortlist(run: &Path, role: &str, k: usize) -> Vec<(String, f64)> {
    let (run, k) = (run.display().to_string(), k.to_string());
    let o = skillmatch(&["shortlist", "--run", &run, "--role", role, "--top", &k, "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "stderr: {}", String::from_utf8_lossy(&o.stderr));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).expect("shortlist json");
    let rows = json.as_array().expect("array").iter();
    rows.map(|r| (r["candidate_id"].as_str().expect("id").to_string(), r["score"].as_f64().expect("score"))).collect()
}

/// Issue 17's size: a 20,000 candidates x 2,000 roles `gen` run loads (twice, leaving one copy)
/// and the dashboard queries give `shortlist`'s top-K for roles and candidates across the set.
#[test]
fn a_20k_gen_run_loads_once_and_the_dashboard_queries_match_shortlist() {
    let t0 = Instant::now();
    let Some(server) = server_or_skip() else { return };
    let out = tempfile::tempdir().expect("tempdir");
    let data = out.path().join("data");
    let o = skillmatch(&[
        "gen",
        "--candidates",
        "20000",
        "--roles",
        "2000",
        "--seed",
        "7",
        "--out",
        &data.display().to_string(),
    ]);
    assert_eq!(o.status.code(), Some(0), "stderr: {}", String::from_utf8_lossy(&o.stderr));
    let config = data.join("run.toml").display().to_string();
    let runs = out.path().join("runs").display().to_string();
    let o = skillmatch(&["run", "--config", &config, "--out", &runs, "--run-id", "r20k", "--quiet"]);
    assert_eq!(o.status.code(), Some(0), "stderr: {}", String::from_utf8_lossy(&o.stderr));
    let run = out.path().join("runs/r20k");
    eprintln!("20k x 2k generated and run in {:.1?}", t0.elapsed());
    let url = server.url();
    for _ in 0..2 {
        let o = export(&run, &url);
        assert_eq!(o.status.code(), Some(0), "stderr: {}", String::from_utf8_lossy(&o.stderr));
    }
    eprintln!("loaded twice in {:.1?}", t0.elapsed());

    let mut client = postgres::Client::connect(&url, postgres::NoTls).expect("connect");
    let manifest = skillmatch::report::schema::read_manifest(&run).expect("manifest");
    assert_eq!(manifest.stages.score.candidates, 20_000);
    let matches = skillmatch::report::schema::read_parquet(&run.join("matches.parquet")).expect("parquet").height();
    assert!(matches >= 20_000, "{matches} shortlist rows");
    assert_eq!(count(&mut client, "matches", "r20k") as usize, matches, "one copy after two loads");
    for (table, file) in [("candidate_gaps", "candidate_gaps.csv"), ("verification", "verification.csv")] {
        let lines = csv::Reader::from_path(run.join(file)).expect("csv").records().count();
        assert_eq!(count(&mut client, table, "r20k") as usize, lines, "{table}");
    }

    // Roles spread over the id range (every 400th): the top 10, and its first 3 at K = 3.
    let roles: Vec<String> = client
        .query(&format!("SELECT DISTINCT role_id FROM {SCHEMA}.matches WHERE run_id = 'r20k' ORDER BY 1"), &[])
        .expect("roles")
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert!(roles.len() > 1_000, "{} roles with candidates", roles.len());
    for role in roles.iter().step_by(400) {
        let want = top_from_shortlist(&run, role, 10);
        assert_eq!(top_from_server(&mut client, role, 10), want, "role {role}");
        assert_eq!(top_from_server(&mut client, role, 3), want[..want.len().min(3)], "role {role}");
    }
    // A candidate's best roles, for candidates across the file: candidate_gaps' first role.
    let best = readme_query("a candidate's best roles");
    let gaps: Vec<csv::StringRecord> = csv::Reader::from_path(run.join("candidate_gaps.csv"))
        .expect("csv")
        .records()
        .collect::<Result<_, _>>()
        .expect("records");
    for row in gaps.iter().step_by(gaps.len() / 5) {
        let cand = row.get(0).expect("candidate_id");
        let rows = client.query(&best, &[&cand]).expect("best roles");
        let first = gaps.iter().find(|r| r.get(0) == Some(cand)).and_then(|r| r.get(2)).map(str::to_string);
        assert_eq!(rows.first().map(|r| r.get::<_, String>("role_id")), first, "candidate {cand}");
    }
    eprintln!("done in {:.1?}", t0.elapsed());
}

#[test]
fn a_wrong_url_is_an_error_naming_it_without_the_password() {
    let out = tempfile::tempdir().expect("tempdir");
    // Any folder will do: the connection is refused before the run is read.
    std::fs::create_dir_all(out.path().join("run")).expect("mkdir");
    let run = out.path().join("run");
    let url = "postgresql://postgres:s3cret-pw@%2Fno%2Fsuch%2Fsocket:5999/postgres";
    let o = export(&run, url);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("postgresql://postgres:***@%2Fno%2Fsuch%2Fsocket:5999/postgres"), "{err}");
    assert!(!err.contains("s3cret"), "{err}");
    let o = export(&run, "postgresql://u:pw@host:notaport/db");
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "a malformed URL is a usage error: {err}");
    assert!(err.contains("--url") && !err.contains(":pw@"), "{err}");
}
