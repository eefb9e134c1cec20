//! Posting readers end to end: careers pages (JSON-LD, microdata), ATS exports in their public
//! API shapes (Greenhouse, Lever, Ashby, SmartRecruiters, Workday), a CSV through a column
//! mapping, the merge of one opening read from several sources, and bad variants.

use std::path::{Path, PathBuf};

use skillmatch::ingest::{IngestOutput, IngestSpec, Posting, PostingsCsvMapping, RawSkill, Requirement, ingest};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/postings");

fn fixture(name: &str) -> PathBuf {
    Path::new(FIXTURES).join(name)
}

fn csv_mapping() -> PostingsCsvMapping {
    toml::from_str("id = [\"Req #\"]\ntitle = [\"Role\"]\nrequired_skills = [\"Tags\"]\nskill_separators = \"|\"")
        .expect("mapping")
}

fn read(paths: Vec<PathBuf>) -> IngestOutput {
    let spec = IngestSpec { postings: paths, postings_csv: csv_mapping(), ..Default::default() };
    let out = ingest(&spec).expect("ingest");
    let c = out.counts["posting"];
    assert_eq!(c.read, c.accepted + c.rejected, "counts reconcile");
    assert_eq!(c.rejected as usize, out.rejects.len());
    out
}

fn posting<'a>(out: &'a IngestOutput, id: &str) -> &'a Posting {
    out.postings.iter().find(|p| p.id == id).unwrap_or_else(|| panic!("no posting {id}"))
}

fn rejects(out: &IngestOutput) -> Vec<(String, String, String)> {
    out.rejects
        .iter()
        .map(|r| {
            let file = Path::new(&r.path).file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
            (file, r.position.clone(), r.reason.clone())
        })
        .collect()
}

fn reader_of(out: &IngestOutput, file: &str) -> &'static str {
    out.posting_files.iter().find(|f| f.path.ends_with(file)).map(|f| f.reader.as_str()).unwrap_or("none")
}

#[test]
fn career_page_json_ld_graph_array_and_bad_blocks() {
    let out = read(vec![fixture("career_page.html")]);
    assert_eq!(reader_of(&out, "career_page.html"), "career_page");
    let p = posting(&out, "HA-101");
    assert_eq!(p.title, "Data Analyst");
    assert_eq!(p.employer.as_deref(), Some("Harbour Analytics"));
    assert_eq!(p.location.as_deref(), Some("Cork, IE"));
    assert_eq!(p.date_posted.as_deref(), Some("2026-11-02"));
    assert_eq!(p.url.as_deref(), Some("https://careers.harbour.example/jobs/ha-101"));
    assert!(p.description.contains("<h3>Nice to have</h3>"));
    assert_eq!(p.source.position, "ld+json block 2 @graph[1]");
    assert_eq!(posting(&out, "HA-102").source.position, "ld+json block 3[0]");
    let r = rejects(&out);
    assert_eq!(r.len(), 2, "{r:?}");
    assert_eq!(r[0].1, "ld+json block 3[1]");
    assert_eq!(r[0].2, "career_page: missing title");
    assert_eq!(r[1].1, "ld+json block 4");
    assert!(r[1].2.starts_with("career_page: invalid JSON at line 2"), "{}", r[1].2);
}

#[test]
fn career_page_microdata_and_a_page_without_postings() {
    let out = read(vec![fixture("career_microdata.html"), fixture("no_postings.html")]);
    let p = posting(&out, "FJ-7");
    assert_eq!(p.title, "Clinical Nurse");
    assert_eq!(p.employer.as_deref(), Some("Fjord Clinics"));
    assert_eq!(p.location.as_deref(), Some("Bergen, NO"));
    assert_eq!(p.date_posted.as_deref(), Some("2026-10-15"));
    assert!(p.description.contains("<h4>Requirements</h4>"), "description keeps its markup");
    let skills: Vec<&str> = p.skills.iter().filter_map(|(s, _)| s.name.as_deref()).collect();
    assert_eq!(skills, ["first aid", "triage"]);
    let r = rejects(&out);
    assert_eq!(r.len(), 1);
    assert_eq!((r[0].0.as_str(), r[0].1.as_str()), ("no_postings.html", "whole file"));
    assert!(r[0].2.starts_with("career_page: no schema.org JobPosting in the page (1 JSON-LD block"), "{}", r[0].2);
}

#[test]
fn ats_exports_in_their_api_shapes() {
    let files = ["greenhouse.json", "lever.json", "ashby.json", "smartrecruiters.json", "workday.json"];
    let out = read(files.iter().map(|f| fixture(f)).collect());
    let readers: Vec<&str> = files.iter().map(|f| reader_of(&out, f)).collect();
    assert_eq!(readers, ["greenhouse", "lever", "ashby", "smartrecruiters", "workday"]);

    let gh = posting(&out, "4001");
    assert_eq!(gh.employer.as_deref(), Some("Harbour Analytics"));
    assert_eq!(gh.url.as_deref(), Some("https://boards.greenhouse.example/harbour/jobs/4001"));
    assert!(gh.description.starts_with("<p>Turn shipping data"), "escaped content decoded once: {}", gh.description);
    assert!(gh.description.contains("SQL &amp; Python"), "the markup's own references stay for the HTML reader");

    let lever = posting(&out, "5b1f2c3d-0000-4000-8000-000000000001");
    assert_eq!(lever.title, "Backend Engineer");
    assert_eq!(lever.location.as_deref(), Some("Lisbon"));
    assert_eq!(lever.date_posted.as_deref(), Some("2025-11-01T12:26:40Z"));
    assert!(lever.description.contains("<h3>Nice to have</h3>\n<ul><li>Scala</li></ul>"));
    assert_eq!(
        posting(&out, "5b1f2c3d-0000-4000-8000-000000000003").description,
        "<p>Help customers by phone and chat.</p>"
    );

    let ashby = posting(&out, "0c9e8f1a-1111-4222-8333-444455556666");
    assert_eq!(ashby.location.as_deref(), Some("Amsterdam"));
    assert_eq!(ashby.url.as_deref(), Some("https://jobs.ashby.example/canal/0c9e8f1a"));
    let office = posting(&out, "0c9e8f1a-1111-4222-8333-444455550000");
    assert_eq!(office.location.as_deref(), Some("remote"));
    assert_eq!(office.description, "<p>Keep the office running.<br>Order supplies.</p>");

    let sr = posting(&out, "744000012345678");
    assert_eq!(sr.employer.as_deref(), Some("Alpine Foods"));
    assert_eq!(sr.location.as_deref(), Some("Graz, Styria, at"));
    assert_eq!(sr.source.position, "content[0]");
    // Section keys decide the headings; an employer's own title is kept when it reads the same way.
    assert!(sr.description.contains("<h3>Who we are</h3>"), "{}", sr.description);
    assert!(sr.description.contains("<h3>Your profile</h3>"), "{}", sr.description);
    assert!(sr.description.contains("<h3>Additional information</h3>"), "{}", sr.description);

    let wd = posting(&out, "R-2026-0042");
    assert_eq!(wd.employer.as_deref(), Some("Lakeside Paper"));
    assert_eq!(wd.date_posted.as_deref(), Some("2026-11-18"));
    assert_eq!(wd.source.position, "whole file");

    let r = rejects(&out);
    assert_eq!(
        r,
        [
            ("greenhouse.json".into(), "jobs[1]".into(), "greenhouse: missing title".into()),
            ("lever.json".into(), "[1]".into(), "lever: missing title (`text`)".into()),
        ]
    );
}

#[test]
fn one_opening_from_three_sources_is_one_posting() {
    let files = ["career_page.html", "greenhouse.json", "ats_export.csv"];
    let out = read(files.iter().map(|f| fixture(f)).collect());
    assert_eq!(reader_of(&out, "ats_export.csv"), "csv");
    let p = posting(&out, "HA-101");
    let merged: Vec<(&str, &str, &str)> = p.also_from.iter().map(|s| (s.reader, s.id.as_str(), s.rule)).collect();
    assert_eq!(
        merged,
        [("greenhouse", "4001", "same employer, title and location"), ("csv", "HA-101", "same id")],
        "the career page is read first and kept"
    );
    assert_eq!(out.duplicate_postings.len(), 2);
    assert!(out.postings.iter().all(|q| q.id != "4001"), "the Greenhouse copy is not a role of its own");
    // The CSV's explicit skills join the kept posting.
    let names: Vec<&str> = p.skills.iter().filter_map(|(s, _)| s.name.as_deref()).collect();
    assert_eq!(names, ["Excel", "SQL"]);
    assert_eq!(p.skills[0], (RawSkill { name: Some("Excel".into()), uri: None }, Requirement::Required));
    // CSV-3 has no title; CSV-2 reads.
    assert_eq!(posting(&out, "CSV-2").title, "Forklift Driver");
    assert!(
        rejects(&out)
            .iter()
            .any(|(f, pos, why)| f == "ats_export.csv" && pos == "line 4" && why == "csv: missing title")
    );
}

#[test]
fn bad_variants_are_rejected_where_they_are_and_the_rest_is_read() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let write = |name: &str, bytes: Vec<u8>| {
        let p = tmp.path().join(name);
        std::fs::write(&p, bytes).expect("write");
        p
    };
    let truncated =
        write("truncated.json", br#"{"jobs": [{"id": 1, "title": "A", "content": "x"}, {"id": 2, "ti"#.to_vec());
    let wrong = write("wrong.json", br#"{"jobs": {"id": 1}, "meta": {}}"#.to_vec());
    let nested = write("nested.json", format!("{}{}", "[".repeat(5000), "]".repeat(5000)).into_bytes());
    let mut huge = b"<html><body>".to_vec();
    huge.resize(9 * 1024 * 1024, b'x');
    let huge = write("huge.html", huge);
    let jobs: Vec<serde_json::Value> = (0..10_000)
        .map(|i| serde_json::json!({"id": i, "title": format!("Role {i}"), "content": "&lt;p&gt;SQL&lt;/p&gt;", "location": {"name": "X"}}))
        .collect();
    let big = write(
        "big.json",
        serde_json::to_vec(&serde_json::json!({"jobs": jobs, "meta": {"total": 10000}})).expect("json"),
    );
    let fine = fixture("workday.json");
    let out = read(vec![truncated, wrong, nested, huge, big, fine]);
    let r = rejects(&out);
    let find =
        |file: &str| r.iter().find(|(f, _, _)| f == file).unwrap_or_else(|| panic!("no reject for {file}: {r:?}"));
    let (_, pos, why) = find("truncated.json");
    assert_eq!(pos, "byte 63", "the end of the 63-byte file");
    assert!(why.contains("EOF while parsing"), "{why}");
    let (_, pos, why) = find("wrong.json");
    assert_eq!(
        (pos.as_str(), why.as_str()),
        ("whole file", "greenhouse: wrong shape: `jobs` is an object, expected an array of Greenhouse jobs")
    );
    let (_, _, why) = find("nested.json");
    assert!(why.contains("recursion limit"), "{why}");
    let (_, pos, why) = find("huge.html");
    assert_eq!(pos, "whole file");
    assert!(why.starts_with("career_page: page is 9437184 bytes, above the"), "{why}");
    assert_eq!(r.len(), 4, "{r:?}");
    assert_eq!(out.postings.len(), 10_001, "every posting of the big export and the good file are read");
    assert_eq!(reader_of(&out, "big.json"), "greenhouse");
}

#[test]
fn a_deeply_nested_microdata_page_is_read_without_recursion() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let depth = 3000;
    let page = format!(
        "<html><body><div itemscope itemtype=\"https://schema.org/JobPosting\">{}<span itemprop=\"title\">Deep Role</span>\
         <meta itemprop=\"identifier\" content=\"deep-1\">{}</div></body></html>",
        "<div>".repeat(depth),
        "</div>".repeat(depth)
    );
    let path = tmp.path().join("deep.html");
    std::fs::write(&path, page).expect("write");
    let out = read(vec![path]);
    assert_eq!(posting(&out, "deep-1").title, "Deep Role");
}

#[test]
fn a_page_nesting_elements_beyond_the_limit_is_one_reject() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let path = tmp.path().join("abyss.html");
    std::fs::write(&path, format!("<html><body>{}</body></html>", "<div>".repeat(200_000))).expect("write");
    let started = std::time::Instant::now();
    let out = read(vec![path]);
    let r = rejects(&out);
    assert_eq!(r.len(), 1);
    assert!(r[0].2.starts_with("career_page: page nests elements 200002 deep, above the 4096 limit"), "{}", r[0].2);
    assert!(started.elapsed().as_secs() < 30, "rejected without building the tree");
}
