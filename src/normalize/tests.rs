//! Role building from postings read by the posting readers: sections decide required,
//! preferred and ignored skills (vendored ESCO; shared labelled sentences when present).

use std::path::Path;
use std::sync::OnceLock;

use super::*;
use crate::ingest::{IngestSpec, SourceRef, ingest};
use crate::normalize::DescriptionSkills;
use crate::taxonomy::tests::esco;

fn extractor() -> &'static Extractor {
    static EXTRACTOR: OnceLock<Extractor> = OnceLock::new();
    EXTRACTOR.get_or_init(|| Extractor::new(esco()))
}

fn opts() -> NormalizeOptions<'static> {
    NormalizeOptions {
        description_skills: DescriptionSkills::WhenNoExplicit,
        titles: None,
        title_profile: true,
        meaning: None,
    }
}

/// (skill label, requirement) of a role's extracted skills, sorted.
fn skills_of(n: &Normalized, id: &str) -> Vec<(String, Requirement)> {
    let role = n.roles.iter().find(|r| r.id == id).unwrap_or_else(|| panic!("no role {id}"));
    let mut v: Vec<(String, Requirement)> = role
        .skills
        .iter()
        .filter(|s| s.origin == SkillOrigin::Extracted)
        .map(|s| (esco().skill(s.skill).label.clone(), s.requirement))
        .collect();
    v.sort();
    v.dedup();
    v
}

fn has(skills: &[(String, Requirement)], label: &str, req: Requirement) -> bool {
    skills.iter().any(|(l, r)| l == label && *r == req)
}

fn lacks(skills: &[(String, Requirement)], label: &str) -> bool {
    !skills.iter().any(|(l, _)| l == label)
}

#[test]
fn headings_of_pages_and_exports_split_required_preferred_and_ignored() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/postings");
    let files = ["career_page.html", "lever.json", "smartrecruiters.json", "greenhouse.json"];
    let spec = IngestSpec { postings: files.iter().map(|f| dir.join(f)).collect(), ..Default::default() };
    let ingested = ingest(&spec).expect("ingest");
    let n = normalize(esco(), extractor(), &[], &ingested.postings, opts());

    // Career page: "What you'll need" SQL, Python; "Nice to have" Tableau; "Benefits" Java.
    let page = skills_of(&n, "HA-101");
    assert!(has(&page, "SQL", Requirement::Required), "{page:?}");
    assert!(has(&page, "Python (computer programming)", Requirement::Required), "{page:?}");
    assert!(lacks(&page, "Java (computer programming)"), "benefits hold no requirements: {page:?}");
    // The Greenhouse copy (same employer, title, location) is merged: both sources listed.
    assert_eq!(n.role_sources["HA-101"].len(), 2);
    assert!(n.role_sources["HA-101"][1].reader.starts_with("greenhouse"));
    assert_eq!(n.duplicates.len(), 1);

    // Lever lists: "What you'll need" Go, PostgreSQL; "Nice to have" Scala; the
    // additional block ("We offer … Rust") is boilerplate.
    let lever = skills_of(&n, "5b1f2c3d-0000-4000-8000-000000000001");
    assert!(has(&lever, "PostgreSQL", Requirement::Required), "{lever:?}");
    assert!(has(&lever, "Scala", Requirement::Preferred), "{lever:?}");
    assert!(lacks(&lever, "Rust (computer programming)"), "{lever:?}");

    // SmartRecruiters: SAP under the company description is ignored; qualifications required.
    let sr = skills_of(&n, "744000012345678");
    assert!(lacks(&sr, "SAP R3"), "{sr:?}");
    assert!(sr.iter().any(|(_, r)| *r == Requirement::Required), "{sr:?}");
    assert!(sr.iter().all(|(l, _)| !l.to_lowercase().contains("sap")), "{sr:?}");
}

/// The job-ad sentences of the shared TECH validation split, placed under a requirements
/// heading, a nice-to-have heading and a benefits heading: the same skills are found in the
/// first two, required (unless the sentence itself says optional) and preferred; none in the third.
#[test]
fn shared_labelled_sentences_follow_their_heading() {
    let path = Path::new("/work/shared/data/skill-extraction-decorte/tech_validation_annotations.csv");
    let Ok(mut reader) = ::csv::Reader::from_path(path) else {
        eprintln!("skipping: {} not present", path.display());
        return;
    };
    let mut sentences: Vec<String> = reader
        .records()
        .filter_map(Result::ok)
        .filter_map(|r| r.get(0).map(str::to_string))
        .filter(|s| !s.contains('<'))
        .collect();
    sentences.dedup();
    sentences.truncate(300);
    assert!(sentences.len() >= 100, "the split holds sentences");
    let posting = |id: &str, heading: &str, body: &str| crate::ingest::Posting {
        source: SourceRef { path: "labelled.csv".into(), position: id.into() },
        id: id.into(),
        title: "Engineer".into(),
        employer: None,
        location: None,
        date_posted: None,
        valid_through: None,
        description: format!("<h3>{heading}</h3><p>{body}</p>"),
        skills: Vec::new(),
        url: None,
        reader: "test",
        also_from: Vec::new(),
    };
    let mut postings = Vec::new();
    for (i, s) in sentences.iter().enumerate() {
        postings.push(posting(&format!("{i:03}-req"), "Requirements", s));
        postings.push(posting(&format!("{i:03}-nice"), "Nice to have", s));
        postings.push(posting(&format!("{i:03}-perks"), "Benefits", s));
    }
    let n = normalize(esco(), extractor(), &[], &postings, opts());
    let (mut required, mut preferred) = (0, 0);
    for (i, sentence) in sentences.iter().enumerate() {
        let req = skills_of(&n, &format!("{i:03}-req"));
        let nice = skills_of(&n, &format!("{i:03}-nice"));
        let perks = skills_of(&n, &format!("{i:03}-perks"));
        let labels = |v: &[(String, Requirement)]| v.iter().map(|(l, _)| l.clone()).collect::<Vec<_>>();
        assert_eq!(labels(&req), labels(&nice), "sentence {i}: {sentence}");
        assert!(nice.iter().all(|(_, r)| *r == Requirement::Preferred), "sentence {i}: {nice:?}");
        assert!(perks.is_empty(), "sentence {i} under Benefits: {perks:?}");
        required += req.iter().filter(|(_, r)| *r == Requirement::Required).count();
        preferred += nice.len();
    }
    assert!(required >= 40 && preferred >= required, "required {required}, preferred {preferred}");
}

/// With `[meaning] job_titles`, each distinct title's best occupation (token index and meaning
/// combined, computed once per run) decides the inferred skills, and the match is recorded for
/// `meaning.csv`; a best score under the inference floor infers nothing.
#[test]
fn titles_matched_with_meaning_infer_their_occupations_skills_and_say_how() {
    use crate::taxonomy::titles::{TitleMatch, TitleMethod};
    let occ = esco().occupations().iter().position(|o| o.label == "data scientist").expect("occupation") as u32;
    let posting = |id: &str, title: &str| Posting {
        source: SourceRef { path: "p.jsonl".into(), position: "line 1".into() },
        id: id.into(),
        title: title.into(),
        employer: None,
        location: None,
        date_posted: None,
        valid_through: None,
        description: String::new(),
        skills: Vec::new(),
        url: None,
        reader: "schema_org_jsonl",
        also_from: Vec::new(),
    };
    let lookup = HashMap::new();
    let best = |score| Some(TitleMatch { occupation: occ, score, method: TitleMethod::Semantic, title: String::new() });
    let titles: HashMap<&str, Option<TitleMatch>> =
        [("numbers wizard", best(0.71)), ("vague title", best(0.59))].into_iter().collect();
    let shared =
        Shared { lookup: &lookup, texts: None, sentences: None, titles: Some(titles), titles_by_meaning: true };
    let b = build_role(esco(), extractor(), &posting("r1", "numbers wizard"), None, &shared, opts());
    let essential = &esco().occupations()[occ as usize].essential;
    assert!(!essential.is_empty());
    assert!(essential.iter().all(|s| b.role.skills.iter().any(|r| r.skill == *s && r.origin == SkillOrigin::Inferred)));
    let row = &b.meaning[0];
    assert_eq!((row.what, row.method.as_str(), row.label.as_str()), ("job_titles", "semantic", "data scientist"));
    assert_eq!((row.confidence, row.evidence.as_str()), (0.71, "numbers wizard"));
    let b = build_role(esco(), extractor(), &posting("r2", "vague title"), None, &shared, opts());
    assert!(b.role.skills.is_empty() && b.meaning.is_empty(), "below INFER_MIN_SCORE nothing is inferred");
    // Matched by the token index alone, the same inference is not a `meaning.csv` row.
    let shared = Shared { titles_by_meaning: false, ..shared };
    let b = build_role(esco(), extractor(), &posting("r3", "numbers wizard"), None, &shared, opts());
    assert!(essential.iter().all(|s| b.role.skills.iter().any(|r| r.skill == *s && r.origin == SkillOrigin::Inferred)));
    assert!(b.meaning.is_empty(), "token-index inferences are not meaning rows: {:?}", b.meaning);
}
