//! Extraction tests against the vendored ESCO v1.2.0.

use std::sync::OnceLock;

use super::*;
use crate::taxonomy::tests::esco;

fn extractor() -> &'static Extractor {
    static EXTRACTOR: OnceLock<Extractor> = OnceLock::new();
    EXTRACTOR.get_or_init(|| Extractor::new(esco()))
}

/// The preferred label of each mention's skill with its surface, in order.
fn found(text: &str) -> Vec<(String, String)> {
    extractor().extract(text).into_iter().map(|m| (esco().skill(m.skill).label.clone(), m.surface)).collect()
}

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
}

/// Character-offset slice.
fn slice(text: &str, start: usize, end: usize) -> String {
    text.chars().skip(start).take(end - start).collect()
}

#[test]
fn finds_skills_in_order_with_symbols() {
    let text = "We need Python, C#, C++ and Java (not JavaScript!) plus project management.";
    assert_eq!(
        found(text),
        pairs(&[
            ("Python (computer programming)", "Python"),
            ("C#", "C#"),
            ("C++", "C++"),
            ("Java (computer programming)", "Java"),
            ("JavaScript", "JavaScript"),
            ("project management", "project management"),
        ])
    );
}

#[test]
fn offsets_round_trip_in_characters() {
    let text = "Ünïcödé — “Python” ﬁrst; then SQL\u{a0}and  project\n- management, Café ½ C#.";
    let mentions = extractor().extract(text);
    assert!(mentions.len() >= 4, "{mentions:?}");
    for m in &mentions {
        assert!(m.start < m.end);
        assert_eq!(slice(text, m.start, m.end), m.surface, "{m:?}");
    }
    assert!(mentions.windows(2).all(|w| w[0].end <= w[1].start));
    let surfaces: Vec<&str> = mentions.iter().map(|m| m.surface.as_str()).collect();
    assert!(surfaces.contains(&"project\n- management"), "{surfaces:?}");
    assert!(surfaces.contains(&"C#"), "{surfaces:?}");
}

#[test]
fn word_boundaries() {
    let labels: Vec<String> = found("Javascript and Pythonic code, SQLite").into_iter().map(|p| p.0).collect();
    assert!(!labels.iter().any(|l| l == "Java (computer programming)"), "{labels:?}");
    assert!(!labels.iter().any(|l| l == "Python (computer programming)"), "{labels:?}");
    assert!(!labels.iter().any(|l| l == "SQL"), "{labels:?}");
    // "c" of "c#" and "net" of ".net" are not separate tokens.
    assert_eq!(found("C#.NET"), Vec::new());
    assert!(found("xjava ajava javax").is_empty());
}

#[test]
fn longest_match_wins_and_adjacent_matches_are_found() {
    let f = found("project management python java");
    assert_eq!(
        f,
        pairs(&[
            ("project management", "project management"),
            ("Python (computer programming)", "python"),
            ("Java (computer programming)", "java"),
        ])
    );
}

#[test]
fn skips_short_and_generic_forms() {
    // "R" and "it" are surface forms in ESCO, "lead"/"plan"/"data" too.
    let labels: Vec<String> = found("R it lead plan data 4.0").into_iter().map(|p| p.0).collect();
    assert!(labels.is_empty(), "{labels:?}");
    assert!(extractor().pattern_count() > 90_000);
}

#[test]
fn html_then_extract() {
    let html = "<ul><li>Java<script>python()</script></li><li>SQL &amp; C&#35;</li></ul>";
    let text = html_to_text(html);
    assert_eq!(text, "Java\nSQL & C#");
    let labels: Vec<String> = found(&text).into_iter().map(|p| p.0).collect();
    assert_eq!(labels, ["Java (computer programming)", "SQL", "C#"]);
}

#[test]
fn empty_and_symbol_only_texts() {
    assert!(extractor().extract("").is_empty());
    assert!(extractor().extract("   --- !!! ").is_empty());
}

#[test]
fn decorte_spans_are_found_in_their_sentences() {
    // Where an annotated span is literally an ESCO label of the annotated skill, the extractor
    // must find that skill in the sentence.
    let mut checked = 0;
    let mut missed = Vec::new();
    for set in ["tech", "house"] {
        let path = format!("/work/shared/data/skill-extraction-decorte/{set}_validation_annotations.with_uri.csv");
        let Ok(mut reader) = csv::Reader::from_path(&path) else {
            return; // The shared data is optional for this check.
        };
        for rec in reader.records().flatten() {
            let (sentence, span, uri) = (rec.get(0).unwrap_or(""), rec.get(1).unwrap_or(""), rec.get(4).unwrap_or(""));
            let Some(id) = esco().skill_by_uri(uri) else { continue };
            let folded = crate::taxonomy::fold(span);
            let exact = esco().surface_form(&folded).is_some_and(|f| f.skill == id);
            if !exact || skip_reason(&folded).is_some() {
                continue;
            }
            checked += 1;
            let mentions = extractor().extract(sentence);
            if mentions.iter().any(|m| m.skill == id) {
                continue;
            }
            // Leftmost-longest keeps the earlier of two overlapping forms: "You enjoy working
            // independently" yields "enjoy working" (show commitment), not "working
            // independently". Only a miss without an overlapping mention is a failure.
            let at = sentence.find(span).map(|b| sentence[..b].chars().count());
            let overlapped = at.is_some_and(|a| {
                let b = a + span.chars().count();
                mentions.iter().any(|m| m.start < b && a < m.end)
            });
            if !overlapped {
                missed.push(span.to_string());
            }
        }
    }
    assert!(missed.is_empty(), "{missed:?} of {checked}");
}

#[test]
fn large_texts_use_fresh_buffers_with_the_same_result() {
    let unit = "Experience with Python and project management. ";
    let big = unit.repeat(MAX_REUSED_TEXT / unit.len() + 1);
    let mentions = extractor().extract(&big);
    assert_eq!(mentions.len(), 2 * (MAX_REUSED_TEXT / unit.len() + 1));
    let last = mentions.last().expect("mentions");
    assert_eq!(slice(&big, last.start, last.end), "project management");
}

fn onet_extractor() -> &'static Extractor {
    static EXTRACTOR: OnceLock<Extractor> = OnceLock::new();
    EXTRACTOR.get_or_init(|| Extractor::new(crate::taxonomy::tests::esco_with_onet()))
}

#[test]
fn onet_technology_names_are_found_linked_or_as_technologies() {
    let t = crate::taxonomy::tests::esco_with_onet();
    let text = "Build dashboards in Tableau and Microsoft Excel, track work in Atlassian JIRA, \
                script in Python and keep data in Microsoft SQL Server.";
    let got: Vec<(String, String, bool)> = onet_extractor()
        .extract(text)
        .into_iter()
        .map(|m| (t.skill(m.skill).label.clone(), m.surface, t.is_technology(m.skill)))
        .collect();
    let want = [
        ("Tableau", "Tableau", true),
        ("Microsoft Excel", "Microsoft Excel", true),
        ("Atlassian JIRA", "Atlassian JIRA", true),
        // Linked: O*NET "Python" is an ESCO label, so the mention is the ESCO skill.
        ("Python (computer programming)", "Python", false),
        // "Microsoft SQL Server" holds the ESCO label "SQL Server", which stays the mention.
        ("SQL Server", "SQL Server", false),
    ];
    let want: Vec<(String, String, bool)> = want.iter().map(|&(a, b, c)| (a.into(), b.into(), c)).collect();
    assert_eq!(got, want);
    let excel = t.normalize_name("Microsoft Excel").skill.expect("excel");
    assert_eq!(t.technologies_of(excel)[0].commodities[0].1, "Spreadsheet software");
}

#[test]
fn everyday_words_among_onet_names_are_not_evidence() {
    // "Scheme", "Slack", "Zoom" and "Excavator" are O*NET technology names.
    let t = crate::taxonomy::tests::esco_with_onet();
    for name in ["Scheme", "Slack", "Zoom", "Excavator"] {
        assert!(t.normalize_name(name).skill.is_some_and(|id| t.is_technology(id)), "{name}");
    }
    let text = "Join our pension scheme, zoom in on details and operate the excavator; no slack.";
    let techs: Vec<String> =
        onet_extractor().extract(text).into_iter().filter(|m| t.is_technology(m.skill)).map(|m| m.surface).collect();
    assert!(techs.is_empty(), "{techs:?}");
}
