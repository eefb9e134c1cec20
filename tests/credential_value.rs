//! `credential_value.csv`: on generated data with two planted badge classes, the class that
//! grants a role's essential skills ranks above one granting nothing the roles ask for; the file
//! is byte-identical at 1 and 2 threads; the switch turns it off.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use skillmatch::config::Config;

/// The required skills ("What you will need") of the first generated posting listing at least
/// three, as written.
fn required_skills_of_a_posting(data: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(data.join("postings.jsonl")).expect("postings");
    text.lines()
        .map(|line| {
            let posting: serde_json::Value = serde_json::from_str(line).expect("json");
            let html = posting["description"].as_str().unwrap_or_default().to_string();
            let need = html.split("What you will need</h3><ul>").nth(1).unwrap_or_default();
            let list = need.split("</ul>").next().unwrap_or_default();
            list.split("<li>")
                .filter_map(|li| li.split("</li>").next())
                .map(str::trim)
                .filter(|s| !s.is_empty() && !s.contains('&'))
                .map(str::to_string)
                .collect::<Vec<String>>()
        })
        .find(|skills| skills.len() >= 3)
        .expect("a posting with three required skills")
}

/// An ESCO skill whose label no posting mentions and which shares no skill group, hierarchy or
/// relation with a skill that any posting mentions: a skill the roles do not ask for.
fn unrequested_skill(data: &Path) -> String {
    let postings = std::fs::read_to_string(data.join("postings.jsonl")).expect("postings").to_lowercase();
    let tax = taxonomy();
    let mentioned = |id: u32| postings.contains(&tax.skill(id).label.to_lowercase());
    let asked: Vec<u32> = (0..tax.skills().len() as u32).filter(|&s| mentioned(s)).collect();
    let groups: std::collections::HashSet<u32> =
        asked.iter().flat_map(|&s| tax.skill(s).groups.iter().copied()).collect();
    (0..tax.skills().len() as u32)
        .find(|&s| {
            let k = tax.skill(s);
            k.label.len() > 12
                && !mentioned(s)
                && k.groups.iter().all(|g| !groups.contains(g))
                && k.broader.iter().chain(&k.narrower).chain(&k.related).all(|&t| !mentioned(t))
        })
        .map(|s| tax.skill(s).label.clone())
        .expect("an unrequested skill")
}

fn credly_entry(id: &str, template: &str, name: &str, email: &str, skills: &[String]) -> serde_json::Value {
    serde_json::json!({
        "id": id, "state": "accepted", "issued_at": "2026-01-10T00:00:00Z", "expires_at": null,
        "recipient_email": email,
        "badge_template": {"id": template, "name": name, "skills": skills},
        "issuer": {"entities": [{"primary": true, "entity": {"id": "org-1", "name": "Open Skills Academy"}}]}
    })
}

/// Generated data (120 candidates × 16 roles) plus a Credly export giving candidates 1–8 the
/// `tmpl-essential` class (a posting's required skills) and candidates 9–16 the
/// `tmpl-nothing` class (one skill no role asks for).
fn planted(d: &Path) -> PathBuf {
    let data = d.join("data");
    gen_into(&data, 120, 16, 16, false);
    let essential = required_skills_of_a_posting(&data);
    assert!(essential.len() >= 3, "{essential:?}");
    let nothing = vec![unrequested_skill(&data)];
    let email = |i: usize| format!("cand{i:06}@mail.example");
    let mut entries = Vec::new();
    for i in 1..=8 {
        entries.push(credly_entry(&format!("e{i}"), "tmpl-essential", "Essential", &email(i), &essential));
    }
    for i in 9..=16 {
        entries.push(credly_entry(&format!("n{i}"), "tmpl-nothing", "Nothing Asked", &email(i), &nothing));
    }
    write(&data.join("badges/planted.json"), &serde_json::json!({"data": entries}).to_string());
    data
}

fn config(data: &Path) -> Config {
    let mut c = config_for(data);
    c.verify.accept_platform_exports = true;
    // The planted classes have 8 holders each (the default asks for 20).
    c.score.credential_value_min_holders = 5;
    c
}

#[test]
fn a_class_granting_a_roles_essential_skills_ranks_above_one_granting_nothing_asked_and_threads_agree() {
    let d = tempfile::tempdir().expect("tempdir");
    let data = planted(d.path());
    let one = run_with(config(&data), &d.path().join("out"), "one", 1);
    let rows = read_csv(&one.run_dir.join("credential_value.csv"));
    let pos = |id: &str| rows.iter().position(|r| r["badge_class_id"] == id).unwrap_or_else(|| panic!("{id} row"));
    let (e, n) = (pos("tmpl-essential"), pos("tmpl-nothing"));
    assert!(e < n, "essential at {e}, nothing at {n}");
    let num = |i: usize, col: &str| rows[i][col].parse::<f64>().expect(col);
    assert!(num(e, "mean_roles_lost") > num(n, "mean_roles_lost"), "{:?} / {:?}", rows[e], rows[n]);
    assert!(num(e, "mean_roles_gained") > num(n, "mean_roles_gained"), "{:?} / {:?}", rows[e], rows[n]);
    assert_eq!(rows[e]["holders"], "8");
    for i in [e, n] {
        assert!(num(i, "ci_low") <= num(i, "mean_roles_lost") && num(i, "mean_roles_lost") <= num(i, "ci_high"));
    }
    // Listed in the manifest like every output.
    assert!(one.manifest.outputs.iter().any(|o| o.file == "credential_value.csv"));

    let two = run_with(config(&data), &d.path().join("out"), "two", 2);
    let bytes = |dir: &Path| std::fs::read(dir.join("credential_value.csv")).expect("read");
    assert_eq!(bytes(&one.run_dir), bytes(&two.run_dir), "credential_value.csv differs between 1 and 2 threads");
}

#[test]
fn switching_credential_value_off_writes_the_header_only() {
    let d = tempfile::tempdir().expect("tempdir");
    let data = planted(d.path());
    let mut c = config(&data);
    c.score.credential_value = false;
    let run = run_with(c, &d.path().join("out"), "off", 2);
    let text = std::fs::read_to_string(run.run_dir.join("credential_value.csv")).expect("file");
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(text.starts_with("badge_class_id,"), "{text}");
}
