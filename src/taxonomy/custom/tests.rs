//! Custom taxonomy CSVs on top of the vendored ESCO v1.2.0, with the real-data fixtures of
//! `tests/fixtures/taxonomy/` (see the SOURCES.md there).

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use super::super::tests::{esco, esco_builder, esco_dir};
use super::super::*;
use super::name_and_version;

/// A file of `tests/fixtures/taxonomy/`.
fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/taxonomy").join(name)
}

/// ESCO with `unspsc-software.csv` added, loaded once, with what adding it did.
fn with_custom() -> &'static (TaxonomyBuilder, Taxonomy, CustomLoad) {
    static T: OnceLock<(TaxonomyBuilder, Taxonomy, CustomLoad)> = OnceLock::new();
    T.get_or_init(|| {
        let mut b = esco_builder().clone();
        let load = b.add_custom(&fixture("unspsc-software.csv")).expect("the fixture loads");
        (b.clone(), b.build(), load)
    })
}

fn tax() -> &'static Taxonomy {
    &with_custom().1
}

/// The id of the skill with this URI in `t`.
fn id(t: &Taxonomy, uri: &str) -> SkillId {
    t.skill_by_uri(uri).unwrap_or_else(|| panic!("{uri} is a skill"))
}

/// The URIs of `ids`.
fn uris(t: &Taxonomy, ids: &[SkillId]) -> Vec<String> {
    ids.iter().map(|&i| t.skill(i).uri.clone()).collect()
}

const WORD_PROCESSING: &str = "http://data.europa.eu/esco/skill/81633a44-f1db-4a01-a940-804c6905e330";
const PRESENTATION: &str = "http://data.europa.eu/esco/skill/234aeb8d-56c3-4531-9193-1c5e6a8d16cb";
const USE_DATABASES: &str = "http://data.europa.eu/esco/skill/4463a721-69f3-413d-8321-43e3af13a4f1";
const MICROSOFT_ACCESS: &str = "http://data.europa.eu/esco/skill/3d03c40c-1b83-4793-8902-2523f40af59e";
/// ESCO skill group S5.6.1 "using digital tools for collaboration and productivity".
const GROUP_S5_6_1: &str = "http://data.europa.eu/esco/skill/98fb499f-9155-412d-a8a0-95ba97126fec";

#[test]
fn custom_rows_become_skills_with_the_id_as_uri_and_the_file_as_source() {
    let (_, t, load) = with_custom();
    assert_eq!((load.read, load.added), (17, 17));
    assert!(load.problems.is_empty(), "{:?}", load.problems);
    assert_eq!(t.skills.len(), esco().skills.len() + 17);
    let path = fixture("unspsc-software.csv");
    let sha256 = crate::util::sha256_file(&path).expect("fixture readable");
    assert_eq!(t.files.last(), Some(&(path.display().to_string(), sha256.clone())));
    assert_eq!((load.name.as_str(), load.version.as_str()), ("unspsc-software", &sha256[..12]));

    let s = id(t, "43232110");
    let skill = t.skill(s);
    assert_eq!(skill.label, "Spreadsheet software");
    assert_eq!(skill.alt_labels, ["Spreadsheet programs", "Spreadsheet applications"]);
    assert_eq!(skill.kind, CUSTOM_KIND);
    assert_eq!(t.source_of(s), ("unspsc-software", &sha256[..12]));
    assert!(!t.is_technology(s));
    assert_eq!(t.technology_count(), 0);
    // ESCO skills keep their source.
    assert_eq!(t.source_of(id(t, WORD_PROCESSING)), ("esco", "1.2.0"));
    let c = &t.custom_taxonomies()[0];
    assert_eq!((c.skills.start as usize, c.skills.len()), (esco().skills.len(), 17));
}

#[test]
fn custom_labels_normalize_exactly_by_variant_and_fuzzy() {
    let t = tax();
    let get = |s: &str| {
        let m = t.normalize_name(s);
        (m.skill.map(|id| t.skill(id).uri.clone()), m.method, m.confidence)
    };
    assert_eq!(get("Microsoft Excel"), (Some("43232110/microsoft-excel".into()), MatchMethod::Exact, 1.0));
    assert_eq!(get("spreadsheet APPLICATIONS"), (Some("43232110".into()), MatchMethod::Exact, 1.0));
    assert_eq!(get("spreadsheet program"), (Some("43232110".into()), MatchMethod::Variant, INFLECTION_CONFIDENCE));
    let (uri, method, _) = get("Microsoft Powerpont");
    assert_eq!((uri.as_deref(), method), (Some("43232106/microsoft-powerpoint"), MatchMethod::Fuzzy));
    // Strings that name no custom label map as with ESCO alone.
    for s in ["SQL", "Python", "analyze data", "projet management", "knowledge of SQL", "databases", "asdfgh"] {
        assert_eq!(esco().normalize_name(s), t.normalize_name(s), "{s}");
    }
}

#[test]
fn labels_shared_with_esco_follow_the_form_index_rules() {
    // "Google Sheets" is an ESCO *alternative* label of "use spreadsheets software": the custom
    // skill whose preferred label it is takes the form, marked ambiguous.
    let t = tax();
    let m = t.normalize_name("Google Sheets");
    assert_eq!(m.skill.map(|s| t.skill(s).uri.as_str()), Some("43232110/google-sheets"));
    assert_eq!((m.method, m.confidence), (MatchMethod::Exact, AMBIGUOUS_EXACT_CONFIDENCE));
    assert!(t.surface_form("google sheets").is_some_and(|f| f.ambiguous && f.preferred));
    // "Microsoft Access" is an ESCO *preferred* label: it stays with ESCO (lower id), ambiguous.
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("access.csv");
    std::fs::write(&path, "id,label,parent\n43232306/microsoft-access,Microsoft Access,43232306\n").expect("write");
    let mut b = with_custom().0.clone();
    let load = b.add_custom(&path).expect("loads");
    let t = b.build();
    assert_eq!((load.added, load.problems.len()), (1, 0));
    let m = t.normalize_name("Microsoft Access");
    assert_eq!(m.skill.map(|s| t.skill(s).uri.as_str()), Some(MICROSOFT_ACCESS));
    assert_eq!(m.confidence, AMBIGUOUS_EXACT_CONFIDENCE);
    // The custom skill is still reachable by its id.
    let raw = RawSkill { name: None, uri: Some("43232306/microsoft-access".into()) };
    assert_eq!(t.normalize(&raw).skill.map(|s| t.skill(s).kind.as_str()), Some(CUSTOM_KIND));
}

#[test]
fn the_extractor_finds_custom_labels_in_text() {
    let t = tax();
    let ex = crate::extract::Extractor::new(t);
    let text = "Build dashboards in Tableau and Microsoft Power BI; keep the budget in Microsoft Excel \
                and write reports with SAP Crystal Reports.";
    let found: Vec<(String, String)> =
        ex.extract(text).into_iter().map(|m| (t.skill(m.skill).uri.clone(), m.surface)).collect();
    for (uri, surface) in [
        ("43232314/tableau", "Tableau"),
        ("43232314/microsoft-power-bi", "Microsoft Power BI"),
        ("43232110/microsoft-excel", "Microsoft Excel"),
        ("43232305/sap-crystal-reports", "SAP Crystal Reports"),
    ] {
        assert!(found.contains(&(uri.to_string(), surface.to_string())), "{uri} not found in {found:?}");
    }
}

#[test]
fn parent_rows_give_broader_and_narrower_both_ways_and_groups_are_inherited() {
    let t = tax();
    let skill = |uri: &str| t.skill(id(t, uri));
    let group = t.group_by_uri(GROUP_S5_6_1).expect("S5.6.1 is an ESCO skill group");
    assert_eq!(t.groups[group as usize].code, "S5.6.1");
    // Family → class → commodity → technology, each edge both ways.
    assert_eq!(uris(t, &skill("43232110/microsoft-excel").broader), ["43232110"]);
    assert_eq!(
        uris(t, &skill("43232110").narrower),
        ["43232110/microsoft-excel", "43232110/google-sheets", "43232110/ibm-lotus-1-2-3"]
    );
    assert_eq!(uris(t, &skill("43232110").broader), ["43232100"]);
    assert_eq!(uris(t, &skill("43232100").broader), ["43230000"]);
    assert_eq!(uris(t, &skill("43230000").narrower), ["43232100", "43232300"]);
    // A skill-group parent is no skill edge: it sets the groups, inherited down the rows.
    assert!(skill("43230000").broader.is_empty());
    for uri in ["43230000", "43232100", "43232110", "43232110/microsoft-excel", "43232314/tableau"] {
        assert_eq!(skill(uri).groups, [group], "{uri}");
    }
    // A parent given by the label of another row.
    assert_eq!(uris(t, &skill("43232305").broader), ["43232300"]);
    assert_eq!(uris(t, &skill("43232305/sap-crystal-reports").broader), ["43232305"]);
}

#[test]
fn esco_uri_bare_uuid_and_label_parents_link_to_esco_skills() {
    let t = tax();
    for (child, parent, grandchild) in [
        ("43232104", WORD_PROCESSING, Some("43232104/microsoft-word")),
        // Given as a bare UUID.
        ("43232106", PRESENTATION, Some("43232106/microsoft-powerpoint")),
        // Given as the ESCO label "use databases".
        ("43232306", USE_DATABASES, None),
    ] {
        let (c, p) = (id(t, child), id(t, parent));
        assert_eq!(t.skill(c).broader, [p], "{child}");
        assert!(t.skill(p).narrower.contains(&c), "{parent} lists {child} as narrower");
        assert!(t.skill(p).narrower.is_sorted());
        assert!(!t.skill(p).groups.is_empty());
        assert_eq!(t.skill(c).groups, t.skill(p).groups, "{child} inherits its ESCO parent's groups");
        if let Some(g) = grandchild {
            assert_eq!(t.skill(id(t, g)).groups, t.skill(p).groups, "{g} inherits them transitively");
        }
        // ESCO's own edges are kept.
        let before = &esco().skill(p).narrower;
        assert!(before.iter().all(|n| t.skill(p).narrower.contains(n)));
    }
}

#[test]
fn row_problems_are_reported_with_line_numbers_and_nothing_else_is_lost() {
    let mut b = esco_builder().clone();
    let load = b.add_custom(&fixture("unspsc-software-problems.csv")).expect("a file with bad rows still loads");
    let t = b.build();
    let got: Vec<(u64, bool)> = load.problems.iter().map(|p| (p.line, p.skipped)).collect();
    assert_eq!(got, [(2, false), (3, false), (5, true), (6, true), (7, true), (8, false)], "{:?}", load.problems);
    for (line, words) in [(2, "cycle"), (3, "cycle"), (5, "duplicate id"), (6, "empty label"), (7, "empty id")] {
        let p = load.problems.iter().find(|p| p.line == line).expect("reported");
        assert!(p.reason.contains(words), "line {line}: {}", p.reason);
    }
    assert!(load.problems[5].reason.contains("unknown parent \"43239999\""), "{}", load.problems[5].reason);
    // Every row read is added or reported as skipped.
    let skipped = load.problems.iter().filter(|p| p.skipped).count();
    assert_eq!((load.read, load.added, skipped), (8, 5, 3));
    assert_eq!(t.skills.len(), esco().skills.len() + load.added);
    // The cycle's edges are dropped; an edge into the cycle from outside is kept.
    let skill = |uri: &str| t.skill(id(&t, uri));
    assert!(skill("43232300").broader.is_empty() && skill("43232305").broader.is_empty());
    assert_eq!(uris(&t, &skill("43232306").broader), ["43232300"]);
    assert_eq!(uris(&t, &skill("43232300").narrower), ["43232306"]);
    // The first of a duplicate id wins; an unknown parent leaves the skill without one.
    assert_eq!(skill("43232306").label, "Data base user interface and query software");
    assert!(skill("43232306/microsoft-access").broader.is_empty());
    assert_eq!(uris(&t, &skill("43232306/filemaker-pro").broader), ["43232306"]);
}

#[test]
fn an_id_already_in_the_taxonomy_is_skipped() {
    let dir = tempfile::tempdir().expect("tempdir");
    // The same rows again under another name: every id is already a URI.
    let again = dir.path().join("again.csv");
    std::fs::copy(fixture("unspsc-software.csv"), &again).expect("copy");
    let mut t = with_custom().0.clone();
    let load = t.add_custom(&again).expect("loads");
    assert_eq!((load.read, load.added, load.problems.len()), (17, 0, 17));
    assert!(load.problems[0].reason.contains("already the URI of \"Software\" (unspsc-software-v"));
    // An id equal to an ESCO URI.
    let esco_id = dir.path().join("esco-id.csv");
    std::fs::write(&esco_id, format!("id,label\n{MICROSOFT_ACCESS},Microsoft Access\n")).expect("write");
    let load = t.add_custom(&esco_id).expect("loads");
    assert_eq!(load.added, 0);
    assert!(load.problems[0].skipped && load.problems[0].reason.contains("esco-v1.2.0"), "{:?}", load.problems);
}

#[test]
fn a_file_that_is_not_a_custom_taxonomy_is_an_error_with_its_position() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut t = esco_builder().clone();
    let aliases = dir.path().join("aliases.csv");
    std::fs::write(&aliases, "alias,target\nExcel,use spreadsheets software\n").expect("write");
    match t.add_custom(&aliases) {
        Err(TaxonomyError::Parse { position, reason, .. }) => {
            assert_eq!(position, "line 1 (header)");
            assert!(reason.contains("missing column `id`"), "{reason}");
        }
        other => panic!("expected a parse error, got {other:?}"),
    }
    let no_label = dir.path().join("no-label.csv");
    std::fs::write(&no_label, "ID,name\n43232110,Spreadsheet software\n").expect("write");
    let err = t.add_custom(&no_label).expect_err("no label column").to_string();
    assert!(err.contains("missing column `label`") && err.contains("no-label.csv"), "{err}");
    let binary = dir.path().join("binary.csv");
    std::fs::write(&binary, b"id,label\n43232110,Spreadsheet \xff software\n").expect("write");
    match t.add_custom(&binary) {
        Err(TaxonomyError::Parse { position, .. }) => assert_eq!(position, "line 2"),
        other => panic!("expected a parse error, got {other:?}"),
    }
    assert!(matches!(t.add_custom(&dir.path().join("missing.csv")), Err(TaxonomyError::Io { .. })));
    // Nothing was added by the failed files.
    let t = t.build();
    assert_eq!(t.skills().len(), esco().skills().len());
    assert!(t.custom_taxonomies().is_empty());
}

#[test]
fn name_and_version_come_from_a_v_suffix_of_the_file_name_or_its_hash() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("acme-skills-v2.1.csv");
    std::fs::copy(fixture("unspsc-software.csv"), &path).expect("copy");
    let mut b = esco_builder().clone();
    let load = b.add_custom(&path).expect("loads");
    let t = b.build();
    assert_eq!((load.name.as_str(), load.version.as_str()), ("acme-skills", "2.1"));
    assert_eq!(t.source_of(id(&t, "43232110")), ("acme-skills", "2.1"));
    // `-v` not followed by a digit is part of the name.
    let sha = "0123456789abcdef";
    assert_eq!(name_and_version(Path::new("x/acme-vendors.csv"), sha), ("acme-vendors".into(), "0123456789ab".into()));
}

#[test]
fn alt_labels_split_at_pipes_and_line_breaks() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("alts.csv");
    std::fs::write(
        &path,
        "label,id,alt_labels\nSpreadsheet software,43232110,\"Spreadsheet programs\r\nSpreadsheet applications | \
         Spreadsheet programs|Spreadsheet software\"\n",
    )
    .expect("write");
    let mut b = esco_builder().clone();
    b.add_custom(&path).expect("loads");
    let t = b.build();
    assert_eq!(t.skill(id(&t, "43232110")).alt_labels, ["Spreadsheet programs", "Spreadsheet applications"]);
}

#[test]
fn a_custom_only_taxonomy_works_without_esco() {
    let custom = [fixture("unspsc-software.csv")];
    let loaded = Taxonomy::load(&LoadSpec { custom: &custom, ..LoadSpec::default() }).expect("loads");
    let t = &loaded.taxonomy;
    let load = &loaded.custom[0].1;
    assert_eq!((t.name(), t.version()), (load.name.as_str(), load.version.as_str()));
    assert_eq!(t.skills.len(), 17);
    assert!(t.occupations.is_empty() && t.groups.is_empty());
    // ESCO parents are unknown now: those skills are added without a parent.
    let lines: Vec<u64> = load.problems.iter().map(|p| p.line).collect();
    assert_eq!(lines, [2, 6, 7, 9]);
    assert!(load.problems.iter().all(|p| !p.skipped));
    assert_eq!(load.added, 17);
    assert_eq!(t.normalize_name("microsoft excel").skill, t.skill_by_uri("43232110/microsoft-excel"));
    assert_eq!(t.normalize_name("Microsoft Powerpont").method, MatchMethod::Fuzzy);
    let ex = crate::extract::Extractor::new(t);
    assert!(ex.extract("Reports in Tableau.").iter().any(|m| t.skill(m.skill).uri == "43232314/tableau"));
    // No occupations: title inference finds nothing, and does not fail.
    let titles = titles::TitleIndex::build(t, None);
    assert!(titles.is_empty());
    assert!(titles.lookup("data analyst", 5).is_empty());
    assert!(titles.infer_role_skills(t, "data analyst").is_none());
    // An empty taxonomy maps nothing.
    let empty = TaxonomyBuilder::empty("custom", "none").build();
    assert_eq!(empty.normalize_name("Microsoft Excel"), Mapping::UNMAPPED);
}

#[test]
fn load_adds_custom_files_then_aliases_then_onet_technologies() {
    let dir = tempfile::tempdir().expect("tempdir");
    let aliases = dir.path().join("aliases.csv");
    std::fs::write(
        &aliases,
        "alias,target\nMS Excel,43232110/microsoft-excel\nBI tools,Business intelligence and data analysis software\n",
    )
    .expect("write");
    let custom = [fixture("unspsc-software.csv")];
    let alias_files = [aliases];
    let onet = onet::tests::onet();
    let spec = LoadSpec {
        esco_dir: Some(&esco_dir()),
        custom: &custom,
        aliases: &alias_files,
        onet_technologies: Some(onet),
        fuzzy_threshold: Some(0.9),
    };
    let loaded = Taxonomy::load(&spec).expect("loads");
    let t = &loaded.taxonomy;
    assert_eq!(t.fuzzy_threshold(), 0.9);
    // Aliases can target custom skills.
    assert_eq!(loaded.aliases[0].1.added, 2);
    let excel = id(t, "43232110/microsoft-excel");
    assert_eq!(
        t.normalize_name("ms excel"),
        Mapping { skill: Some(excel), method: MatchMethod::Alias, confidence: ALIAS_CONFIDENCE }
    );
    // O*NET technologies named like custom labels link to the custom skills.
    for (uri, name) in [("43232110/microsoft-excel", "Microsoft Excel"), ("43232314/tableau", "Tableau")] {
        let s = id(t, uri);
        assert!(t.technologies_of(s).iter().any(|x| x.name == name), "{name} linked to {uri}");
        assert!(!t.is_technology(s));
        assert_eq!(t.source_of(s).0, "unspsc-software");
    }
    assert_eq!(t.skill_by_uri("onet:technology:tableau"), None);
    // Other technologies come after the custom skills.
    let jira = t.normalize_name("Atlassian JIRA").skill.expect("a technology");
    assert!(t.is_technology(jira) && jira as usize >= esco().skills.len() + 17);
    assert_eq!(t.source_of(jira), ("onet", "29.2"));
    let added = loaded.technologies.expect("technologies added").added;
    assert_eq!(t.technology_count(), added);
    assert_eq!(t.skills.len(), esco().skills.len() + 17 + added);
    // Files in load order: ESCO's, the custom file, O*NET's.
    let n = esco().files.len();
    assert_eq!(t.files[..n], esco().files[..]);
    assert_eq!(t.files[n].0, custom[0].display().to_string());
    assert_eq!(t.files[n + 1..], onet.files[..]);
}

#[test]
fn add_custom_after_onet_technologies_or_aliases_is_refused() {
    let mut t = esco_builder().clone();
    t.add_onet_technologies(onet::tests::onet());
    let err = t.add_custom(&fixture("unspsc-software.csv")).expect_err("wrong order");
    assert!(matches!(err, TaxonomyError::Order { .. }), "{err}");
    let mut t = esco_builder().clone();
    t.add_alias("spreadsheets", 0);
    let err = t.add_custom(&fixture("unspsc-software.csv")).expect_err("wrong order");
    assert!(matches!(err, TaxonomyError::Order { .. }), "{err}");
}

#[test]
fn labels_added_file_by_file_index_as_if_read_at_once() {
    // The builder indexes labels once, after ESCO and every custom file were added step by
    // step: the forms must be those of one index over all the skills (same skill chosen, same
    // flags), as when the index was rebuilt after each file. Two files, the second with labels
    // shared with ESCO and with the first file.
    let dir = tempfile::tempdir().expect("tempdir");
    let second = dir.path().join("second.csv");
    std::fs::write(&second, "id,label,alt_labels\nx/1,Google Sheets,Microsoft Access|Spreadsheet software\nx/2,use spreadsheets software,\n")
        .expect("write");
    let mut b = with_custom().0.clone();
    b.add_custom(&second).expect("loads");
    let t = b.build();
    let key = |f: &super::super::forms::Form| (f.text.to_string(), f.skill, f.preferred, f.ambiguous);
    let once: Vec<_> = super::super::forms::FormIndex::build(t.skills()).forms.iter().map(key).collect();
    let stepwise: Vec<_> = t.normalizer.forms().iter().map(key).collect();
    assert_eq!(once.len(), stepwise.len());
    assert!(once == stepwise, "the step-by-step index differs from one built at once");
}

#[test]
fn load_rejects_list_skipped_custom_rows_then_unresolved_aliases_in_file_and_line_order() {
    let dir = tempfile::tempdir().expect("tempdir");
    let aliases = dir.path().join("aliases.csv");
    std::fs::write(&aliases, "alias,target\nbogus,no such skill\nMS Excel,43232110/microsoft-excel\nx,nothing\n")
        .expect("write");
    let custom = [fixture("unspsc-software.csv"), fixture("unspsc-software-problems.csv")];
    let alias_files = [aliases.clone()];
    let loaded =
        Taxonomy::load(&LoadSpec { custom: &custom, aliases: &alias_files, ..LoadSpec::default() }).expect("loads");
    let got: Vec<(TaxonomyRejectKind, String, String)> =
        loaded.rejects().into_iter().map(|r| (r.kind, r.path.clone(), r.position())).collect();
    let problems = custom[1].display().to_string();
    let shown = aliases.display().to_string();
    let want: Vec<(TaxonomyRejectKind, String, String)> = [2, 3, 4, 5, 6, 7]
        .iter()
        .map(|l| (TaxonomyRejectKind::Custom, problems.clone(), format!("line {l}")))
        .chain([2, 4].iter().map(|l| (TaxonomyRejectKind::Alias, shown.clone(), format!("line {l}"))))
        .collect();
    assert_eq!(got, want);
    // Rows added without their parent are taken: never rejects.
    let skipped: usize = loaded.custom.iter().map(|(_, l)| l.problems.iter().filter(|p| p.skipped).count()).sum();
    assert_eq!(skipped, 6);
    assert_eq!((TaxonomyRejectKind::Custom.as_str(), TaxonomyRejectKind::Alias.as_str()), ("taxonomy", "alias"));
}
