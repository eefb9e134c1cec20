//! Generated postings: schema.org JobPosting JSONL and the same roles in the CSV layout.

use std::io::Write;
use std::path::Path;

use chrono::Duration;
use rand::Rng;
use serde_json::{Value, json};

use super::{CITIES, EMPLOYERS, GenOptions, RolePlan, shuffle, stream};
use crate::taxonomy::{Occupation, Taxonomy};

/// How a posting lists its skills.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Style {
    /// DefinedTerm objects with ESCO URIs (optional ones marked preferred).
    DefinedTerms,
    /// Plain label strings for required skills, DefinedTerms for preferred ones.
    Labels,
    /// No skills field: only the description text.
    TextOnly,
}

struct Drafted {
    id: String,
    title: String,
    employer: &'static str,
    location: &'static str,
    posted: String,
    html: String,
    required: Vec<String>,
    preferred: Vec<String>,
    json: Value,
}

fn html_list(items: &[String]) -> String {
    let lis: String = items.iter().map(|s| format!("<li>{}</li>", crate::util::html_escape(s))).collect();
    format!("<ul>{lis}</ul>")
}

fn draft(taxonomy: &Taxonomy, role: &RolePlan, index: usize, opts: &GenOptions) -> Drafted {
    let mut rng = stream(opts.seed, 3, index as u64);
    let occ: &Occupation = &taxonomy.occupations[role.occupation];
    let title = if !occ.alt_labels.is_empty() && rng.random_bool(0.4) {
        occ.alt_labels[rng.random_range(0..occ.alt_labels.len())].clone()
    } else {
        occ.label.clone()
    };
    let employer = EMPLOYERS[rng.random_range(0..EMPLOYERS.len())];
    let location = CITIES[rng.random_range(0..CITIES.len())];
    let posted = opts.as_of - Duration::days(rng.random_range(1..60));
    let valid = posted + Duration::days(60);
    let mut optional = occ.optional.clone();
    shuffle(&mut optional, &mut rng);
    optional.truncate(8);
    optional.sort_unstable();
    let label = |s: &u32| taxonomy.skill(*s).label.clone();
    let required: Vec<String> = occ.essential.iter().map(label).collect();
    let preferred: Vec<String> = optional.iter().map(label).collect();
    let html = format!(
        "<p>{employer} is hiring a <b>{}</b> in {location}.</p><p>{}</p><h3>What you will need</h3>{}{}\
         <p>We are an equal opportunity employer and value diversity. Competitive salary and benefits.</p>",
        crate::util::html_escape(&title),
        crate::util::html_escape(&occ.description),
        html_list(&required),
        if preferred.is_empty() { String::new() } else { format!("<h3>Nice to have</h3>{}", html_list(&preferred)) },
    );
    let style = match rng.random_range(0..10) {
        0..=4 => Style::DefinedTerms,
        5..=7 => Style::Labels,
        _ => Style::TextOnly,
    };
    let term = |s: &u32, preferred: bool| {
        let sk = taxonomy.skill(*s);
        let mut t =
            json!({"@type": "DefinedTerm", "name": sk.label, "termCode": sk.uri, "inDefinedTermSet": "ESCO v1.2.0"});
        if preferred {
            t["skillmatch:requirement"] = json!("preferred");
        }
        t
    };
    let mut json = json!({
        "@context": "https://schema.org/",
        "@type": "JobPosting",
        "identifier": role.id,
        "title": title,
        "hiringOrganization": {"@type": "Organization", "name": employer},
        "jobLocation": {"@type": "Place", "address": {"@type": "PostalAddress", "addressLocality": location}},
        "datePosted": posted.to_string(),
        "validThrough": valid.to_string(),
        "description": html,
        "occupationalCategory": occ.uri,
    });
    match style {
        Style::DefinedTerms => {
            let skills: Vec<Value> =
                occ.essential.iter().map(|s| term(s, false)).chain(optional.iter().map(|s| term(s, true))).collect();
            json["skills"] = Value::Array(skills);
        }
        Style::Labels => {
            let skills: Vec<Value> = required
                .iter()
                .map(|l| Value::String(l.clone()))
                .chain(optional.iter().map(|s| term(s, true)))
                .collect();
            json["skills"] = Value::Array(skills);
        }
        Style::TextOnly => {}
    }
    Drafted {
        id: role.id.clone(),
        title,
        employer,
        location,
        posted: posted.to_string(),
        html,
        required,
        preferred,
        json,
    }
}

/// Writes `postings.jsonl` (every role) and `postings.csv` (the same roles in the CSV layout).
pub(super) fn write(out: &Path, taxonomy: &Taxonomy, roles: &[RolePlan], opts: &GenOptions) -> std::io::Result<()> {
    let drafted: Vec<Drafted> = roles.iter().enumerate().map(|(i, r)| draft(taxonomy, r, i, opts)).collect();
    let mut jsonl = std::io::BufWriter::new(std::fs::File::create(out.join("postings.jsonl"))?);
    for d in &drafted {
        serde_json::to_writer(&mut jsonl, &d.json)?;
        jsonl.write_all(b"\n")?;
    }
    jsonl.flush()?;
    let mut w = csv::Writer::from_path(out.join("postings.csv")).map_err(std::io::Error::other)?;
    w.write_record([
        "id",
        "title",
        "employer",
        "location",
        "date_posted",
        "description",
        "required_skills",
        "preferred_skills",
    ])
    .map_err(std::io::Error::other)?;
    for d in &drafted {
        w.write_record([
            d.id.as_str(),
            d.title.as_str(),
            d.employer,
            d.location,
            d.posted.as_str(),
            d.html.as_str(),
            d.required.join(";").as_str(),
            d.preferred.join(";").as_str(),
        ])
        .map_err(std::io::Error::other)?;
    }
    w.flush()
}
