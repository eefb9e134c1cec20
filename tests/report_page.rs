//! `report.html` as people open it: rendered by a real headless Chromium (no console message,
//! the expected section headings in the DOM, a screenshot that is not blank), byte-identical for
//! the same inputs, and escaping hostile badge data.
//!
//! Chromium comes from the distribution's packages (`.ci/run` installs it). Without it the
//! browser test prints that it was skipped and passes, unless `SKILLMATCH_REQUIRE_BROWSER` is set
//! (CI), which makes its absence a failure.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn skillmatch(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_skillmatch")).args(args).current_dir(cwd).output().expect("binary runs")
}

fn ok(o: &Output) {
    assert_eq!(o.status.code(), Some(0), "stderr: {}", String::from_utf8_lossy(&o.stderr));
}

/// Generates a small data set (with pathways) into `d/g`.
fn generate(d: &Path) {
    ok(&skillmatch(&["gen", "--candidates", "40", "--roles", "8", "--seed", "3", "--out", "g"], d));
}

/// Runs the data set in `d/g` into `d/out/<run_id>` and returns that folder.
/// Runs into an output root of its own (`out-RUN_ID`): a second run in one root would show the
/// changes since the first on its page.
fn run(d: &Path, run_id: &str, threads: &str) -> PathBuf {
    let out = format!("out-{run_id}");
    let args = ["run", "--config", "g/run.toml", "--out", &out, "--run-id", run_id, "--threads", threads, "--quiet"];
    ok(&skillmatch(&args, d));
    d.join(out).join(run_id)
}

/// The Chromium binary, or `None` (the test then skips) unless `SKILLMATCH_REQUIRE_BROWSER` is
/// set, which makes its absence a failure.
fn chromium() -> Option<PathBuf> {
    let candidates = std::env::var_os("SKILLMATCH_CHROMIUM")
        .map(PathBuf::from)
        .into_iter()
        .chain(["/usr/bin/chromium", "/usr/bin/chromium-browser"].map(PathBuf::from));
    for c in candidates {
        if Command::new(&c).arg("--version").output().is_ok_and(|o| o.status.success()) {
            return Some(c);
        }
    }
    assert!(
        std::env::var_os("SKILLMATCH_REQUIRE_BROWSER").is_none(),
        "SKILLMATCH_REQUIRE_BROWSER is set but no Chromium was found (apt-get install chromium)"
    );
    None
}

/// Runs headless Chromium on `page` with `extra` arguments; returns (stdout, stderr).
fn headless(browser: &Path, page: &Path, profile: &Path, extra: &[&str]) -> (String, String) {
    let url = format!("file://{}", page.canonicalize().expect("page exists").display());
    let o = Command::new(browser)
        .args(["--headless=new", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--v=0"])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(url)
        .output()
        .expect("chromium runs");
    assert!(o.status.success(), "chromium failed: {}", String::from_utf8_lossy(&o.stderr));
    (String::from_utf8_lossy(&o.stdout).into_owned(), String::from_utf8_lossy(&o.stderr).into_owned())
}

/// The console messages Chromium logged (`...:CONSOLE:...` lines of `--enable-logging`).
fn console_lines(stderr: &str) -> Vec<&str> {
    stderr.lines().filter(|l| l.contains(":CONSOLE")).collect()
}

/// Decodes a PNG and counts its distinct RGB(A) pixel values (1 for a blank image).
fn distinct_pixels(path: &Path) -> (u32, u32, usize) {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).expect("screenshot")));
    let mut reader = decoder.read_info().expect("a PNG");
    let mut buf = vec![0; reader.output_buffer_size().expect("size")];
    let info = reader.next_frame(&mut buf).expect("a frame");
    let px = info.color_type.samples() * (info.bit_depth as usize).div_ceil(8);
    let mut seen: std::collections::BTreeSet<&[u8]> = std::collections::BTreeSet::new();
    for p in buf[..info.buffer_size()].chunks(px) {
        seen.insert(p);
    }
    (info.width, info.height, seen.len())
}

#[test]
fn the_demo_page_renders_in_chromium_without_console_messages_with_every_section_and_a_non_blank_screenshot() {
    let Some(browser) = chromium() else {
        eprintln!("skipped: no Chromium (apt-get install chromium; CI sets SKILLMATCH_REQUIRE_BROWSER=1)");
        return;
    };
    let d = tempfile::tempdir().expect("tempdir");
    // The bundled demo job (no input flags), as README's quick start runs it.
    ok(&skillmatch(&["run", "--out", "out", "--run-id", "demo", "--quiet"], d.path()));
    let page = d.path().join("out/demo/report.html");
    let profile = d.path().join("chromium-profile");

    // The console check sees messages at all: a page that logs one is caught.
    let probe = d.path().join("probe.html");
    std::fs::write(&probe, "<html><body><script>console.error('probe-message')</script></body></html>").expect("probe");
    let (_, err) = headless(&browser, &probe, &profile, &["--dump-dom"]);
    assert!(console_lines(&err).iter().any(|l| l.contains("probe-message")), "console not captured: {err}");

    let (dom, err) = headless(&browser, &page, &profile, &["--dump-dom"]);
    assert!(console_lines(&err).is_empty(), "console messages: {:?}", console_lines(&err));
    for heading in [
        "Run health",
        "Verification",
        "Score distributions",
        "Skill supply vs demand",
        "Thin roles",
        "Pathways",
        "Credential value",
        "Changes since the previous run",
        "Audit",
    ] {
        assert!(dom.contains(&format!("<h2>{heading}</h2>")), "no section {heading} in the DOM");
    }
    assert_eq!(dom.matches("<svg").count(), 2, "two histograms drawn");

    let shot = d.path().join("shot.png");
    let arg = format!("--screenshot={}", shot.display());
    let (_, err) = headless(&browser, &page, &profile, &[&arg, "--window-size=1280,2000", "--hide-scrollbars"]);
    assert!(console_lines(&err).is_empty(), "console messages: {:?}", console_lines(&err));
    let (w, h, colours) = distinct_pixels(&shot);
    assert_eq!((w, h), (1280, 2000));
    // Text, tables and bars: far more than a blank page's single colour.
    assert!(colours > 50, "screenshot looks blank: {colours} distinct pixel values");
    if let Some(keep) = std::env::var_os("SKILLMATCH_KEEP_SCREENSHOT") {
        std::fs::copy(&shot, keep).expect("copy screenshot");
    }
}

#[test]
fn the_page_is_self_contained_and_byte_identical_across_runs_and_thread_counts() {
    let d = tempfile::tempdir().expect("tempdir");
    generate(d.path());
    let a = std::fs::read(run(d.path(), "a", "1").join("report.html")).expect("page a");
    let b = std::fs::read(run(d.path(), "b", "3").join("report.html")).expect("page b");
    assert!(a == b, "report.html differs between two runs of the same inputs");
    let html = String::from_utf8(a).expect("UTF-8");
    for external in ["<script", "src=", "href=\"http", "href=\"//", "url(", "@import", "<link"] {
        assert!(!html.contains(external), "page loads something: {external}");
    }
    // Listed in the manifest with its checksum, like every other output.
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.path().join("out-a/a/manifest.json")).expect("manifest"))
            .expect("JSON");
    let listed = manifest["outputs"].as_array().expect("outputs").iter().find(|o| o["file"] == "report.html");
    let sha = listed.expect("report.html in outputs")["sha256"].as_str().expect("sha256").to_string();
    let hex: String = {
        use sha2::Digest;
        sha2::Sha256::digest(html.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
    };
    assert_eq!(sha, hex);
    // The generated pathways appear.
    assert!(html.contains("<section id=\"pathways\">") && html.contains("Professional Certificate"));
}

#[test]
fn hostile_issuer_and_pathway_names_are_escaped_and_no_email_is_shown() {
    let d = tempfile::tempdir().expect("tempdir");
    generate(d.path());
    // An issuer name and a pathway name carrying markup and quotes, as a hostile badge export
    // or config could.
    let issuer = "Northbridge Institute of Technology";
    let hostile = r#"<script>alert("pwned")</script>"#;
    let mut changed = 0;
    for entry in walk(&d.path().join("g/badges")) {
        let text = std::fs::read_to_string(&entry).expect("badge");
        if text.contains(issuer) {
            let json_hostile = hostile.replace('"', "\\\"");
            std::fs::write(&entry, text.replace(issuer, &format!("{json_hostile} {issuer}"))).expect("write");
            changed += 1;
        }
    }
    assert!(changed > 0, "the generated data names {issuer}");
    let toml = d.path().join("g/run.toml");
    let cfg = std::fs::read_to_string(&toml).expect("config");
    let cfg = cfg.replacen("name = \"", &format!("name = \"{} ", hostile.replace('"', "\\\"")), 1);
    std::fs::write(&toml, cfg).expect("write");

    let html = std::fs::read_to_string(run(d.path(), "h", "2").join("report.html")).expect("page");
    assert!(!html.contains("<script"), "raw <script> in the page");
    assert!(!html.contains("alert(\"pwned\")"), "raw quotes from the data in the page");
    let escaped = html.matches("&#60;script&#62;alert(&#34;pwned&#34;)").count()
        + html.matches("&lt;script&gt;alert(&quot;pwned&quot;)").count();
    assert!(escaped >= 2, "the issuer and the pathway name are shown, escaped ({escaped} found)");
    // Issuer and roster emails never reach the page.
    let roster = std::fs::read_to_string(d.path().join("g/roster.csv")).expect("roster");
    assert!(roster.contains('@'), "the generated roster has emails");
    assert!(!html.contains('@'), "an email-like string in the page");
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).expect("folder").map(|e| e.expect("entry").path()) {
        if e.is_dir() {
            out.extend(walk(&e));
        } else {
            out.push(e);
        }
    }
    out.sort();
    out
}
