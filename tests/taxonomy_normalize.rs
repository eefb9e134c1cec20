//! Every normalization step on real ESCO v1.2.0 labels, alias files, tricky tokens, and the
//! `normalize` / `extract` commands.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use skillmatch::taxonomy::{MatchMethod, Taxonomy, TaxonomyBuilder};

fn esco() -> &'static Taxonomy {
    static T: OnceLock<Taxonomy> = OnceLock::new();
    T.get_or_init(|| {
        Taxonomy::load_esco(&Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets/taxonomy/esco-v1.2.0"))
            .expect("vendored ESCO loads")
    })
}

fn label(text: &str) -> (Option<String>, MatchMethod) {
    let m = esco().normalize_text(text);
    (m.skill.map(|s| esco().skill(s).label.clone()), m.method)
}

fn exact_skill(l: &str) -> String {
    let m = esco().normalize_name(l);
    assert_eq!(m.method, MatchMethod::Exact, "{l} is an ESCO label");
    esco().skill(m.skill.expect("mapped")).label.clone()
}

#[test]
fn exact_labels_and_tricky_tokens() {
    assert_eq!(label("C#"), (Some("C#".into()), MatchMethod::Exact));
    assert_eq!(label("c++"), (Some("C++".into()), MatchMethod::Exact));
    assert_eq!(label("Postgres"), (Some("PostgreSQL".into()), MatchMethod::Exact));
    assert_eq!(label("ASP.NET"), (Some("ASP.NET".into()), MatchMethod::Exact));
    assert_eq!(label("vb.net").1, MatchMethod::Exact);
    // ESCO has no .NET, Node.js or CI/CD concept: they must not be forced onto "C", "net"…
    for t in [".NET", "Node.js", "CI/CD", "C"] {
        let (l, m) = label(t);
        assert!(m == MatchMethod::Unmapped || m == MatchMethod::Exact, "{t}: {l:?} {m:?}");
        assert_ne!(l.as_deref(), Some("C#"), "{t}");
        assert_ne!(l.as_deref(), Some("C++"), "{t}");
    }
}

#[test]
fn spelling_and_inflection_variants() {
    // -ize / -ise, -yze / -yse, -ing, plural: all reach the British label's skill.
    for (query, british) in [
        ("analyze data", "analyse data"),
        ("analysing data", "analyse data"),
        ("analyze cultural trends", "analyse cultural trends"),
        ("databases", "database"),
        ("organize rehearsals", "organise rehearsals"),
        ("organizing labor", "organise labour"),
        ("prioritizing requests", "prioritise requests"),
        ("utilize machine learning", "utilise machine learning"),
    ] {
        let want = exact_skill(british);
        let (got, m) = label(query);
        assert_eq!(got.as_deref(), Some(want.as_str()), "{query}");
        assert!(matches!(m, MatchMethod::Variant | MatchMethod::Exact), "{query}: {m:?}");
    }
    let m = esco().normalize_name("analyze data");
    assert!(m.confidence < 1.0 && m.confidence >= 0.9, "{m:?}");
}

#[test]
fn wrapper_words_and_word_order() {
    assert_eq!(label("knowledge of SQL"), (Some("SQL".into()), MatchMethod::Variant));
    assert_eq!(label("strong communication skills").0.as_deref(), Some("communication"));
    assert_eq!(label("management project"), (Some("project management".into()), MatchMethod::Variant));
    // More than 3 tokens: no reordering.
    assert_eq!(label("management project software tools").1, MatchMethod::Unmapped);
}

#[test]
fn fuzzy_after_variants_and_garbage_unmapped() {
    let (l, m) = label("projcet management");
    assert_eq!((l.as_deref(), m), (Some("project management"), MatchMethod::Fuzzy));
    assert_eq!(label("asdfgh qwerty"), (None, MatchMethod::Unmapped));
    assert_eq!(label(""), (None, MatchMethod::Unmapped));
    assert_eq!(label("!!!"), (None, MatchMethod::Unmapped));
}

#[test]
fn alias_files_by_uri_and_by_label() {
    let mut t = TaxonomyBuilder::esco(&Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets/taxonomy/esco-v1.2.0"))
        .expect("vendored ESCO loads");
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("aliases.csv");
    std::fs::write(
        &path,
        "alias,target\nNode.js,http://data.europa.eu/esco/skill/3cd569a2-4f88-4c1e-9995-8dce8c5e51a7\n\
         team player,work in teams\nMS Excel,use spreadsheets software\nbogus,no such skill at all\n",
    )
    .expect("write");
    let load = t.load_aliases(&path).expect("loads");
    assert_eq!(load.added, 3, "{load:?}");
    assert_eq!(load.unresolved, vec![(5, "no such skill at all".to_string())]);
    assert!(t.load_aliases(&dir.path().join("missing.csv")).is_err());
    let t = t.build();
    let get = |s: &str| {
        let m = t.normalize_text(s);
        (m.skill.map(|id| t.skill(id).label.clone()), m.method)
    };
    assert_eq!(get("node.js"), (Some("JavaScript".into()), MatchMethod::Alias));
    assert_eq!(get("Team Player"), (Some("work in teams".into()), MatchMethod::Alias));
    assert_eq!(get("ms excel").1, MatchMethod::Alias);
    // Exact labels still win over aliases.
    assert_eq!(get("C#"), (Some("C#".into()), MatchMethod::Exact));
}

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_skillmatch"))
}

#[test]
fn normalize_cli_jsonl() {
    let out = bin().args(["normalize", "Postgres", "asdfgh", "analyze data"]).output().expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let rows: Vec<serde_json::Value> =
        String::from_utf8_lossy(&out.stdout).lines().map(|l| serde_json::from_str(l).expect("json line")).collect();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0]["input"], "Postgres");
    assert_eq!(rows[0]["label"], "PostgreSQL");
    assert_eq!(rows[0]["method"], "exact");
    assert_eq!(rows[0]["taxonomy"], "esco-v1.2.0");
    assert!(rows[1]["uri"].is_null());
    assert_eq!(rows[1]["method"], "unmapped");
    assert_eq!(rows[2]["method"], "variant");
    let out = bin().args(["normalize", "C#", "--format", "table"]).output().expect("runs");
    assert!(String::from_utf8_lossy(&out.stdout).contains("C#"));
}

#[test]
fn extract_cli_stdin_jsonl() {
    let mut child = bin()
        .arg("extract")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawns");
    let input = "{\"id\":\"a\",\"text\":\"<p>We use Python, SQL and C#.</p><p>JavaScript is a plus.</p>\"}\nnot json\n{\"id\":7,\"text\":\"\"}\n";
    child.stdin.take().expect("stdin").write_all(input.as_bytes()).expect("write");
    let out = child.wait_with_output().expect("runs");
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("line 2"));
    let rows: Vec<serde_json::Value> =
        String::from_utf8_lossy(&out.stdout).lines().map(|l| serde_json::from_str(l).expect("json")).collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["id"], "a");
    let skills = rows[0]["skills"].as_array().expect("skills");
    let labels: Vec<&str> = skills.iter().filter_map(|s| s["label"].as_str()).collect();
    assert!(labels.contains(&"SQL") && labels.contains(&"C#"), "{labels:?}");
    let k = skills.iter().find(|s| s["surface"] == "JavaScript").expect("javascript");
    assert_eq!(k["optional"], true);
    let sql = skills.iter().find(|s| s["surface"] == "SQL").expect("sql");
    assert_eq!(sql["optional"], false);
    for key in ["uri", "label", "start", "end", "surface", "method", "confidence"] {
        assert!(!sql[key].is_null(), "{key}");
    }
    assert_eq!(rows[1]["id"], 7);
    assert_eq!(rows[1]["skills"].as_array().map(Vec::len), Some(0));
}

#[test]
fn cli_maps_onet_technology_names_unless_told_not_to() {
    let out = bin().args(["normalize", "Tableau", "Python"]).output().expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let rows: Vec<serde_json::Value> =
        String::from_utf8_lossy(&out.stdout).lines().map(|l| serde_json::from_str(l).expect("json line")).collect();
    assert_eq!(rows[0]["uri"], "onet:technology:tableau");
    assert_eq!(rows[0]["taxonomy"], "onet-v29.2");
    assert_eq!(rows[1]["taxonomy"], "esco-v1.2.0");
    let out = bin().args(["normalize", "Tableau", "--no-onet"]).output().expect("runs");
    let row: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(row["method"], "unmapped");

    for (flag, want) in [(None, Some("onet-v29.2")), (Some("--no-onet"), None)] {
        let mut child =
            bin().arg("extract").args(flag).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().expect("spawns");
        let input = "{\"id\":\"a\",\"text\":\"Dashboards in Tableau and Microsoft Excel.\"}\n";
        child.stdin.take().expect("stdin").write_all(input.as_bytes()).expect("write");
        let out = child.wait_with_output().expect("runs");
        let row: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        let skills = row["skills"].as_array().expect("skills");
        let tableau = skills.iter().find(|s| s["surface"] == "Tableau");
        assert_eq!(tableau.and_then(|s| s["taxonomy"].as_str()), want, "{flag:?}");
    }
}

/// The custom taxonomy fixture (real O*NET 29.2 UNSPSC rows; see its SOURCES.md).
const CUSTOM: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/taxonomy/unspsc-software.csv");

#[test]
fn normalize_and_extract_with_custom_print_the_custom_taxonomy_name() {
    let sha = skillmatch::util::sha256_file(Path::new(CUSTOM)).expect("fixture readable");
    let custom_taxonomy = format!("unspsc-software-v{}", &sha[..12]);
    let out = bin().args(["normalize", "Microsoft Excel", "Python", "--custom", CUSTOM]).output().expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let rows: Vec<serde_json::Value> =
        String::from_utf8_lossy(&out.stdout).lines().map(|l| serde_json::from_str(l).expect("json line")).collect();
    assert_eq!(rows[0]["uri"], "43232110/microsoft-excel");
    assert_eq!(rows[0]["taxonomy"], custom_taxonomy.as_str());
    assert_eq!(rows[1]["taxonomy"], "esco-v1.2.0");
    // Only the custom taxonomy: ESCO's Python is unknown, the unmapped row names the custom one.
    let out = bin().args(["normalize", "Tableau", "Python", "--no-esco", "--custom", CUSTOM]).output().expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let rows: Vec<serde_json::Value> =
        String::from_utf8_lossy(&out.stdout).lines().map(|l| serde_json::from_str(l).expect("json line")).collect();
    assert_eq!(
        (rows[0]["uri"].as_str(), rows[0]["taxonomy"].as_str()),
        (Some("43232314/tableau"), Some(&*custom_taxonomy))
    );
    assert_eq!((rows[1]["method"].as_str(), rows[1]["taxonomy"].as_str()), (Some("unmapped"), Some(&*custom_taxonomy)));
    // ESCO parents are unknown without ESCO: reported on stderr with their lines.
    assert!(String::from_utf8_lossy(&out.stderr).contains("line 6: unknown parent"));

    let mut child = bin()
        .args(["extract", "--custom", CUSTOM])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawns");
    let input = "{\"id\":\"a\",\"text\":\"Reports in SAP Crystal Reports and Microsoft Power BI.\"}\n";
    child.stdin.take().expect("stdin").write_all(input.as_bytes()).expect("write");
    let out = child.wait_with_output().expect("runs");
    let row: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let skills = row["skills"].as_array().expect("skills");
    for surface in ["SAP Crystal Reports", "Microsoft Power BI"] {
        let s = skills.iter().find(|s| s["surface"] == surface).unwrap_or_else(|| panic!("{surface} in {skills:?}"));
        assert_eq!(s["taxonomy"], custom_taxonomy.as_str());
    }
}

#[test]
fn no_esco_without_custom_or_a_missing_custom_file_exits_2_naming_the_flag() {
    for args in [&["normalize", "Excel", "--no-esco"][..], &["eval", "extraction", "--data", ".", "--no-esco"]] {
        let out = bin().args(args).output().expect("runs");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("--no-esco") && err.contains("--custom"), "{err}");
    }
    let out = bin().args(["extract", "--custom", "no/such/taxonomy.csv"]).output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--custom") && err.contains("no/such/taxonomy.csv"), "{err}");
    // Not a custom taxonomy (no `id`/`label` header): exit 2, naming the file and the column.
    let dir = tempfile::tempdir().expect("tempdir");
    let aliases = dir.path().join("aliases.csv");
    std::fs::write(&aliases, "alias,target\nExcel,use spreadsheets software\n").expect("write");
    let out = bin().args(["normalize", "Excel", "--custom"]).arg(&aliases).output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("aliases.csv") && err.contains("missing column `id`"), "{err}");
}
