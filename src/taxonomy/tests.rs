//! Tests of the taxonomy against the vendored ESCO v1.2.0.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use super::uri::{ESCO_SKILL_PREFIX, is_uuid};
use super::*;

/// The vendored ESCO folder.
pub(crate) fn esco_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets/taxonomy/esco-v1.2.0")
}

/// ESCO read once, before its indexes are built (to add custom taxonomies, aliases, O*NET).
pub(crate) fn esco_builder() -> &'static TaxonomyBuilder {
    static ESCO: OnceLock<TaxonomyBuilder> = OnceLock::new();
    ESCO.get_or_init(|| match TaxonomyBuilder::esco(&esco_dir()) {
        Ok(t) => t,
        Err(e) => panic!("loading the vendored ESCO failed: {e}"),
    })
}

/// ESCO, loaded once for all tests of the crate.
pub(crate) fn esco() -> &'static Taxonomy {
    static ESCO: OnceLock<Taxonomy> = OnceLock::new();
    ESCO.get_or_init(|| esco_builder().clone().build())
}

fn raw(name: Option<&str>, uri: Option<&str>) -> RawSkill {
    RawSkill { name: name.map(Into::into), uri: uri.map(Into::into) }
}

fn id_of(uri: &str) -> SkillId {
    esco().skill_by_uri(uri).unwrap_or_else(|| panic!("{uri} not in ESCO"))
}

const PYTHON: &str = "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d";
const JAVA: &str = "http://data.europa.eu/esco/skill/19a8293b-8e95-4de3-983f-77484079c389";

#[test]
fn fold_cases_from_the_contract() {
    assert_eq!(fold("C#"), "c#");
    assert_eq!(fold("C++"), "c++");
    assert_eq!(fold(".NET"), ".net");
    assert_eq!(fold("Node.js"), "node.js");
    assert_eq!(fold("CI/CD"), "ci/cd");
    assert_eq!(fold("F#"), "f#");
    assert_eq!(fold("ASP.NET"), "asp.net");
    assert_eq!(fold("data-analysis"), "data analysis");
    assert_eq!(fold("  Data\u{2013}Analysis!! "), "data analysis");
    assert_ne!(fold("C#"), fold("C"));
    assert_ne!(fold("C++"), fold("C"));
    assert_ne!(fold(".NET"), fold("NET"));
}

#[test]
fn fold_is_idempotent_on_all_labels() {
    for form in esco().surface_forms() {
        assert_eq!(fold(form.text), form.text);
    }
}

#[test]
fn skill_hierarchy_and_relations_are_loaded_and_mirror_each_other() {
    let t = esco();
    let mut edges = 0;
    for (i, s) in t.skills.iter().enumerate() {
        let i = i as u32;
        for &p in &s.broader {
            assert!(t.skill(p).narrower.contains(&i), "{} ↔ {}", s.label, t.skill(p).label);
            edges += 1;
        }
        for &r in &s.related {
            assert_ne!(r, i);
            assert!(t.skill(r).related.contains(&i), "related is symmetric: {}", s.label);
        }
    }
    assert!(edges > 1_000, "ESCO v1.2.0 has skill → skill broader edges ({edges})");
    let related: usize = t.skills.iter().map(|s| s.related.len()).sum();
    // 5,818 skillSkillRelations rows, stored in both directions (a few pairs appear twice).
    assert!((10_000..=2 * 5_818).contains(&related), "{related}");
    // A real edge: "Java (computer programming)" sits under "computer programming".
    let java = t.skills.iter().position(|s| s.label == "Java (computer programming)").expect("Java");
    let java = &t.skills[java];
    assert!(java.broader.iter().any(|&p| t.skill(p).label == "computer programming"), "{:?}", java.broader);
}

#[test]
fn load_counts() {
    let t = esco();
    assert_eq!(t.name(), "esco");
    assert_eq!(t.version(), "1.2.0");
    assert_eq!(t.skills.len(), 13_939);
    assert_eq!(t.occupations.len(), 3_039);
    assert_eq!(t.groups.len(), 640);
    assert_eq!(t.files.len(), 6);
    for (path, sha) in &t.files {
        assert!(Path::new(path).is_file(), "{path}");
        assert_eq!(sha.len(), 64);
    }
    let relations: usize = t.occupations.iter().map(|o| o.essential.len() + o.optional.len()).sum();
    // 129,004 rows, 17 pairs listed as both essential and optional.
    assert_eq!(relations, 129_004 - 17);
    let with_groups = t.skills.iter().filter(|s| !s.groups.is_empty()).count();
    assert!(with_groups * 100 >= t.skills.len() * 95, "{with_groups}");
}

#[test]
fn entities_are_sorted_and_consistent() {
    let t = esco();
    assert!(t.skills.windows(2).all(|w| w[0].uri < w[1].uri));
    assert!(t.groups.windows(2).all(|w| w[0].uri < w[1].uri));
    assert!(t.occupations.windows(2).all(|w| w[0].uri < w[1].uri));
    for s in &t.skills {
        assert!(s.groups.windows(2).all(|w| w[0] < w[1]));
        assert!(s.groups.iter().all(|&g| (g as usize) < t.groups.len()));
        assert!(s.kind == "skill/competence" || s.kind == "knowledge", "{}", s.kind);
    }
    for o in &t.occupations {
        assert!(!o.essential.is_empty(), "{} has no essential skill", o.uri);
        assert!(o.essential.windows(2).all(|w| w[0] < w[1]));
        assert!(o.optional.windows(2).all(|w| w[0] < w[1]));
        assert!(o.optional.iter().all(|s| o.essential.binary_search(s).is_err()));
        assert!(!o.isco_group.is_empty() && !o.description.is_empty());
    }
}

#[test]
fn known_entities_load_correctly() {
    let t = esco();
    let python = t.skill(id_of(PYTHON));
    assert_eq!(python.label, "Python (computer programming)");
    assert!(python.alt_labels.iter().any(|a| a == "Python"));
    assert_eq!(python.kind, "knowledge");
    // Python sits under "computer programming" (ISCED-F 0613 software and applications
    // development and analysis) in the skills pillar.
    let groups: Vec<&str> = python.groups.iter().map(|&g| t.groups[g as usize].label.as_str()).collect();
    assert!(!groups.is_empty());
    let occ = t.occupations.iter().find(|o| o.label == "technical director").expect("technical director");
    assert_eq!(occ.isco_group, "2654");
    assert!(occ.alt_labels.iter().any(|a| a == "technical manager"));
}

#[test]
fn nearest_groups_follow_skill_parents() {
    // Every skill without a direct group edge gets its groups through a broader skill.
    let t = esco();
    let no_group = t.skills.iter().filter(|s| s.groups.is_empty()).count();
    assert!(no_group < t.skills.len() / 20, "{no_group}");
}

#[test]
fn skill_by_uri_accepts_variants() {
    let t = esco();
    let id = id_of(PYTHON);
    let https = PYTHON.replace("http://", "https://");
    assert_eq!(t.skill_by_uri(&https), Some(id));
    assert_eq!(t.skill_by_uri(&format!("{PYTHON}/")), Some(id));
    assert_eq!(t.skill_by_uri(&format!(" {} ", PYTHON.to_uppercase())), Some(id));
    assert_eq!(t.skill_by_uri("ccd0a1d9-afda-43d9-b901-96344886e14d"), Some(id));
    assert_eq!(t.skill_by_uri("http://data.europa.eu/esco/skill/nope"), None);
    assert_eq!(t.skill_by_uri(""), None);
}

#[test]
fn normalize_by_uri() {
    let t = esco();
    let m = t.normalize(&raw(Some("whatever"), Some(JAVA)));
    assert_eq!(m.skill, Some(id_of(JAVA)));
    assert_eq!(m.method, MatchMethod::Uri);
    assert_eq!(m.confidence, 1.0);
    // An unknown URI falls through to the name.
    let m = t.normalize(&raw(Some("Java"), Some("http://example.org/skills/42")));
    assert_eq!((m.skill, m.method), (Some(id_of(JAVA)), MatchMethod::Exact));
    let m = t.normalize(&raw(None, Some("http://example.org/skills/42")));
    assert_eq!(m, Mapping::UNMAPPED);
}

#[test]
fn normalize_exact_preferred_and_alt() {
    let t = esco();
    let m = t.normalize(&raw(Some("Python (computer programming)"), None));
    assert_eq!((m.skill, m.method, m.confidence), (Some(id_of(PYTHON)), MatchMethod::Exact, 1.0));
    let m = t.normalize(&raw(Some("  PYTHON "), None));
    assert_eq!((m.skill, m.method), (Some(id_of(PYTHON)), MatchMethod::Exact));
    let m = t.normalize(&raw(Some("manage music staff"), None));
    assert_eq!(m.method, MatchMethod::Exact);
    assert_eq!(t.skill(m.skill.unwrap_or(u32::MAX)).label, "manage musical staff");
    let m = t.normalize(&raw(Some("C#"), None));
    assert_eq!(t.skill(m.skill.unwrap_or(u32::MAX)).label, "C#");
    let m = t.normalize(&raw(Some("c++"), None));
    assert_eq!(t.skill(m.skill.unwrap_or(u32::MAX)).label, "C++");
}

#[test]
fn normalize_ambiguous_prefers_the_preferred_label() {
    let t = esco();
    // "SQL" is the preferred label of one skill and an alternative label of another.
    let m = t.normalize(&raw(Some("SQL"), None));
    assert_eq!(m.method, MatchMethod::Exact);
    assert_eq!(m.confidence, AMBIGUOUS_EXACT_CONFIDENCE);
    let skill = t.skill(m.skill.unwrap_or(u32::MAX));
    assert_eq!(skill.label, "SQL");
    let form = t.surface_form("sql").expect("sql form");
    assert!(form.preferred && form.ambiguous);
}

#[test]
fn normalize_typos_fuzzy() {
    let t = esco();
    let m = t.normalize(&raw(Some("projet management"), None));
    assert_eq!(m.method, MatchMethod::Fuzzy);
    assert_eq!(t.skill(m.skill.unwrap_or(u32::MAX)).label, "project management");
    assert!(m.confidence >= t.fuzzy_threshold() && m.confidence < 1.0);
    let m = t.normalize(&raw(Some("Pyhton (computer programming)"), None));
    assert_eq!((m.skill, m.method), (Some(id_of(PYTHON)), MatchMethod::Fuzzy));
    let m = t.normalize(&raw(Some("custmer service"), None));
    assert_eq!(m.method, MatchMethod::Fuzzy);
    assert_eq!(t.skill(m.skill.unwrap_or(u32::MAX)).label, "customer service");
}

#[test]
fn normalize_garbage_is_unmapped() {
    let t = esco();
    for name in ["xq", "zzzz", "qwertyuiop asdfgh", "!!!", "", "lorem ipsum dolor sit amet", "Jav"] {
        let m = t.normalize(&raw(Some(name), None));
        assert_eq!(m, Mapping::UNMAPPED, "{name}");
    }
    assert_eq!(t.normalize(&raw(None, None)), Mapping::UNMAPPED);
}

#[test]
fn fuzzy_threshold_is_honoured() {
    let mut t = esco().clone();
    t.normalizer.set_fuzzy_threshold(1.0);
    let m = t.normalize(&raw(Some("projet management"), None));
    assert_eq!(m, Mapping::UNMAPPED);
    t.normalizer.set_fuzzy_threshold(0.5);
    let m = t.normalize(&raw(Some("projet managment"), None));
    assert_eq!(m.method, MatchMethod::Fuzzy);
}

#[test]
fn fuzzy_index_agrees_with_brute_force() {
    // The trigram filters must not lose any match a scan of all forms would find.
    let t = esco();
    let forms = t.normalizer.forms();
    let mut queries: Vec<String> = [
        "projet management",
        "manage musicl staff",
        "superviseu correctional procedures",
        "javascrpt",
        "aply anti-oppressive practices",
        "oversee prisn procedure",
        "qwertyuiop asdfgh",
        "communication skills",
        "excellent verbal and written communication skills in english",
    ]
    .iter()
    .map(|q| fold(q))
    .collect();
    queries.extend(synthetic_typos(t, 20, 1).into_iter().map(|q| q.0));
    queries.extend(synthetic_typos(t, 20, 2).into_iter().map(|q| q.0));
    for q in &queries {
        let fast = t.normalizer.fuzzy_index().best(forms, q, t.fuzzy_threshold()).map(|h| h.score);
        let slow = fuzzy::brute_force_best(forms, q, t.fuzzy_threshold());
        assert_eq!(fast, slow, "{q}");
    }
}

#[test]
fn fuzzy_shortcuts_give_the_result_of_the_full_ranking() {
    // Counting only the short posting lists, the forward-index counts and the stop after the
    // one-edit head must change nothing: same form, same score as ranking every form of the
    // length window by its shared trigrams. Typos, plurals, reversed labels and wrapped labels
    // of real ESCO labels.
    let t = esco();
    let forms = t.normalizer.forms();
    let mut queries: Vec<String> = Vec::new();
    queries.extend(synthetic_typos(t, 200, 1).into_iter().map(|q| q.0));
    queries.extend(synthetic_typos(t, 200, 2).into_iter().map(|q| q.0));
    for (i, s) in t.skills.iter().enumerate().step_by(139) {
        let label = fold(&s.label);
        queries.push(format!("{label}s"));
        queries.push(label.chars().rev().collect());
        queries.push(format!("good {label} skills"));
        if i % 3 == 0 {
            queries.push(label.replacen('a', "e", 1));
        }
    }
    let form_grams = fuzzy::form_grams(forms);
    let mut found = 0;
    for q in &queries {
        let fast = t.normalizer.fuzzy_index().best(forms, q, t.fuzzy_threshold());
        let reference = t.normalizer.fuzzy_index().best_by_definition(forms, &form_grams, q, t.fuzzy_threshold());
        assert_eq!(fast, reference, "{q}");
        found += usize::from(fast.is_some());
    }
    assert!(found > queries.len() / 2, "{found} of {}", queries.len());
}

#[test]
fn missing_folder_is_an_io_error() {
    let err = Taxonomy::load_esco(Path::new("/nonexistent/esco")).err();
    assert!(matches!(err, Some(TaxonomyError::Io { .. })), "{err:?}");
}

#[test]
fn malformed_files_are_parse_errors_with_position() {
    let dir = tempfile::tempdir().expect("tempdir");
    for entry in std::fs::read_dir(esco_dir()).expect("esco dir").flatten() {
        std::fs::copy(entry.path(), dir.path().join(entry.file_name())).expect("copy");
    }
    // A relation to an unknown skill on data line 3.
    let rel = "occupationUri,relationType,skillType,skillUri\n\
        http://data.europa.eu/esco/occupation/00030d09-2b3a-4efd-87cc-c4ea39d27c34,essential,knowledge,http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d\n\
        http://data.europa.eu/esco/occupation/00030d09-2b3a-4efd-87cc-c4ea39d27c34,essential,knowledge,http://x/unknown\n";
    // The plain .csv wins over the .csv.gz.
    std::fs::write(dir.path().join("occupationSkillRelations_en.csv"), rel).expect("write");
    let err = Taxonomy::load_esco(dir.path()).err();
    match err {
        Some(TaxonomyError::Parse { path, position, reason }) => {
            assert!(path.ends_with("occupationSkillRelations_en.csv"), "{path}");
            assert_eq!(position, "line 3");
            assert!(reason.contains("http://x/unknown"), "{reason}");
        }
        other => panic!("expected a parse error, got {other:?}"),
    }
    // A missing column.
    std::fs::write(dir.path().join("occupationSkillRelations_en.csv"), "a,b\n1,2\n").expect("write");
    let err = Taxonomy::load_esco(dir.path()).err();
    assert!(matches!(&err, Some(TaxonomyError::Parse { reason, .. }) if reason.contains("occupationUri")), "{err:?}");
    // A duplicate URI.
    let groups = "conceptUri,preferredLabel\nhttp://x/g,a\nhttp://x/g,b\n";
    std::fs::write(dir.path().join("skillGroups_en.csv"), groups).expect("write");
    let err = Taxonomy::load_esco(dir.path()).err();
    assert!(
        matches!(&err, Some(TaxonomyError::Parse { reason, .. }) if reason.contains("duplicate conceptUri http://x/g")),
        "{err:?}"
    );
    // A ragged CSV record.
    std::fs::write(dir.path().join("skillGroups_en.csv"), "conceptUri,preferredLabel\nx,y,z\n").expect("write");
    let err = Taxonomy::load_esco(dir.path()).err();
    assert!(matches!(&err, Some(TaxonomyError::Parse { position, .. }) if position.contains("line 2")), "{err:?}");
}

/// Prints precision of fuzzy mappings per threshold on the Decorte validation spans and the
/// Nesta OJO lookups. Run with `cargo test --lib tune_fuzzy_threshold -- --ignored --nocapture`.
#[test]
#[ignore = "tuning report on /work/shared data, not a check"]
fn tune_fuzzy_threshold() {
    let mut pairs: Vec<(String, String)> = Vec::new();
    for set in ["tech", "house"] {
        let path = format!("/work/shared/data/skill-extraction-decorte/{set}_validation_annotations.with_uri.csv");
        let Ok(mut reader) = csv::Reader::from_path(&path) else {
            eprintln!("skipping {path}");
            continue;
        };
        for rec in reader.records().flatten() {
            let (span, uri) = (rec.get(1).unwrap_or(""), rec.get(4).unwrap_or(""));
            if !uri.is_empty() {
                pairs.push((span.to_string(), uri.to_string()));
            }
        }
    }
    let nesta = "/work/shared/data/nesta-ojd-esco-lookup/hardcoded_ojo_esco_lookup.json";
    if let Ok(text) = std::fs::read_to_string(nesta)
        && let Ok(serde_json::Value::Object(map)) = serde_json::from_str(&text)
    {
        for v in map.values() {
            let (Some(s), Some(id)) = (v["ojo_skill"].as_str(), v["match_id"].as_str()) else {
                continue;
            };
            if is_uuid(id) {
                pairs.push((s.to_string(), format!("{ESCO_SKILL_PREFIX}{id}")));
            }
        }
    }
    let mut t = esco().clone();
    println!("{} labelled (string, uri) pairs", pairs.len());
    for (s, uri) in &pairs {
        let m = t.normalize(&raw(Some(s), None));
        if m.method == MatchMethod::Exact && m.skill != t.skill_by_uri(uri) {
            let got = &t.skill(m.skill.unwrap_or(0)).label;
            println!("exact but not the annotated skill: {s:?} -> {got:?} (annotated {uri})");
        }
    }
    let typos = synthetic_typos(&t, 3000, 1);
    let typos2 = synthetic_typos(&t, 3000, 2);
    for threshold in [0.70, 0.75, 0.80, 0.83, 0.85, 0.88, 0.90, 0.93] {
        t.normalizer.set_fuzzy_threshold(threshold);
        let (mut exact_ok, mut exact, mut fuzzy_ok, mut fuzzy) = (0, 0, 0, 0);
        let mut wrong = Vec::new();
        for (s, uri) in &pairs {
            let m = t.normalize(&raw(Some(s), None));
            let ok = m.skill.is_some() && m.skill == t.skill_by_uri(uri);
            match m.method {
                MatchMethod::Exact => (exact, exact_ok) = (exact + 1, exact_ok + usize::from(ok)),
                MatchMethod::Fuzzy => {
                    (fuzzy, fuzzy_ok) = (fuzzy + 1, fuzzy_ok + usize::from(ok));
                    if !ok {
                        let got = t.skill(m.skill.unwrap_or(0)).label.clone();
                        wrong.push(format!("{s:?} -> {got:?} ({:.2})", m.confidence));
                    }
                }
                _ => {}
            }
        }
        println!(
            "t={threshold:.2}: exact {exact_ok}/{exact} right, fuzzy {fuzzy_ok}/{fuzzy} right; wrong fuzzy: {wrong:?}"
        );
        for (edits, typos) in [(1, &typos), (2, &typos2)] {
            let (mut right, mut wrong, mut unmapped) = (0, 0, 0);
            for (typo, id) in typos {
                match t.normalize_name(typo) {
                    Mapping { skill: None, .. } => unmapped += 1,
                    Mapping { skill: Some(s), .. } if s == *id || t.surface_form(&fold(typo)).is_some() => right += 1,
                    _ => wrong += 1,
                }
            }
            println!("         synthetic {edits}-edit typos: {right} right, {wrong} other skill, {unmapped} unmapped");
        }
    }
}

/// `n` labels of at least `9 * edits` characters with `edits` random edits (delete, insert,
/// substitute, transpose), from a fixed-seed generator, with the skill they came from.
fn synthetic_typos(t: &Taxonomy, n: usize, edits: usize) -> Vec<(String, SkillId)> {
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move |m: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % m as u64) as usize
    };
    let forms: Vec<SurfaceForm<'_>> = t.surface_forms().filter(|f| f.text.chars().count() >= 9 * edits).collect();
    let mut out = Vec::new();
    while out.len() < n {
        let f = forms[next(forms.len())];
        let mut chars: Vec<char> = f.text.chars().collect();
        for _ in 0..edits {
            let i = next(chars.len() - 1);
            let letter = char::from(b'a' + next(26) as u8);
            match next(4) {
                0 => {
                    chars.remove(i);
                }
                1 => chars.insert(i, letter),
                2 => chars[i] = letter,
                _ => chars.swap(i, i + 1),
            }
        }
        let typo: String = chars.into_iter().collect();
        if typo != f.text {
            out.push((typo, f.skill));
        }
    }
    out
}

/// ESCO with O*NET 29.2's technologies added (real vendored files), loaded once.
pub(crate) fn esco_with_onet() -> &'static Taxonomy {
    static T: OnceLock<Taxonomy> = OnceLock::new();
    T.get_or_init(|| {
        let mut t = esco_builder().clone();
        t.add_onet_technologies(onet::tests::onet());
        t.build()
    })
}

#[test]
fn onet_technologies_link_to_esco_labels_or_become_skills() {
    let t = esco_with_onet();
    let o = onet::tests::onet();
    let distinct: std::collections::HashSet<String> = o.technologies.iter().map(|x| fold(&x.name)).collect();
    assert_eq!(t.skills.len() - esco().skills.len() + 102, distinct.len());
    assert_eq!(t.onet_version(), Some("29.2"));
    assert_eq!(t.files.len(), esco().files.len() + o.files.len());
    // "Python" is an ESCO alternative label: linked, not added.
    let python = id_of(PYTHON);
    assert!(t.technologies_of(python).iter().any(|x| x.name == "Python" && x.hot));
    assert!(!t.is_technology(python));
    assert_eq!(t.source_of(python), ("esco", "1.2.0"));
    // "Tableau" is in no ESCO label: a technology skill of its own, with its real commodity.
    let m = t.normalize_name("Tableau");
    assert_eq!(m.method, MatchMethod::Exact);
    let id = m.skill.expect("Tableau maps");
    assert!(t.is_technology(id));
    assert_eq!(t.skill(id).uri, "onet:technology:tableau");
    assert_eq!(t.skill(id).label, "Tableau");
    assert_eq!(t.skill(id).kind, "technology");
    assert_eq!(t.source_of(id), ("onet", "29.2"));
    let info = &t.technologies_of(id)[0];
    assert!(info.hot);
    assert_eq!(info.commodities, vec![("43232314".into(), "Business intelligence and data analysis software".into())]);
    assert_eq!(t.skill_by_uri("onet:technology:microsoft-excel"), t.normalize_name("microsoft  EXCEL").skill);
    assert_eq!(t.technology_forms().len(), t.skills.len() - esco().skills.len());
}

#[test]
fn onet_technologies_leave_esco_mappings_alone() {
    // Labels, variants and typos of ESCO labels map as without O*NET; only exact technology
    // names (which ESCO never matched exactly) change.
    let (plain, with) = (esco(), esco_with_onet());
    for s in ["SQL", "Python", "analyze data", "projet management", "knowledge of SQL", "databases", "asdfgh"] {
        assert_eq!(plain.normalize_name(s), with.normalize_name(s), "{s}");
    }
    for s in synthetic_typos(plain, 200, 1).into_iter().map(|q| q.0) {
        assert_eq!(plain.normalize_name(&s), with.normalize_name(&s), "{s}");
    }
    assert_eq!(plain.normalize_name("Atlassian JIRA").skill, None);
    assert!(with.normalize_name("Atlassian JIRA").skill.is_some_and(|id| with.is_technology(id)));
}
