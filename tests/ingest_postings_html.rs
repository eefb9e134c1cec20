//! HTML to text against a table whose expected text was written by an independent decoder
//! (Python's `html.parser` and `html.unescape`: `tests/fixtures/html/make_table.py`).

use skillmatch::extract::{escaped_html_to_text, html_to_text};

#[derive(serde::Deserialize)]
struct Case {
    case: String,
    kind: String,
    html: String,
    escaped: bool,
    text: String,
}

fn table() -> Vec<Case> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/html/table.jsonl");
    let raw = std::fs::read_to_string(path).expect("table.jsonl is committed beside make_table.py");
    raw.lines().map(|l| serde_json::from_str(l).expect("table row")).collect()
}

#[test]
fn html_to_text_matches_the_independent_decoder_on_every_case() {
    let cases = table();
    assert!(cases.len() >= 60, "the table holds {} cases", cases.len());
    for kind in ["reference", "markup", "escaped"] {
        assert!(cases.iter().any(|c| c.kind == kind), "no {kind} cases");
    }
    let mut failures = Vec::new();
    for c in &cases {
        let got = if c.escaped { escaped_html_to_text(&c.html) } else { html_to_text(&c.html) };
        if got != c.text {
            failures.push(format!(
                "{} ({}): html {:?}\n  expected {:?}\n  got      {:?}",
                c.case, c.kind, c.html, c.text, got
            ));
        }
    }
    assert!(failures.is_empty(), "{} of {} cases differ:\n{}", failures.len(), cases.len(), failures.join("\n"));
}
