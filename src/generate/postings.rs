//! Generated postings: schema.org JobPosting JSONL and the same roles in the CSV layout,
//! rendered from the [`RolePlan`]s of a [`Population`] in chunks (bounded memory).

use std::io::Write;
use std::path::Path;

use chrono::Duration;
use rand::Rng;
use rayon::prelude::*;
use serde_json::{Value, json};

use super::population::{Population, RoleModel, RolePlan};
use super::{CHUNK, EMPLOYERS, GenError, GenOptions, io_err, stream};
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

/// How a posting presents its skills: drawn per posting, with `--text-only` of realistic
/// postings holding only prose.
fn pick_style(opts: &GenOptions, rng: &mut rand_chacha::ChaCha8Rng) -> Style {
    match opts.role_model {
        RoleModel::Full => match rng.random_range(0..10) {
            0..=4 => Style::DefinedTerms,
            5..=7 => Style::Labels,
            _ => Style::TextOnly,
        },
        RoleModel::Realistic => {
            let u: f64 = rng.random();
            if u < opts.text_only {
                Style::TextOnly
            } else if u < opts.text_only + (1.0 - opts.text_only) * 0.6 {
                Style::DefinedTerms
            } else {
                Style::Labels
            }
        }
    }
}

/// The part of the description that names skills: a prose sentence for text-only postings,
/// else the lists under their headings.
fn body_html(
    taxonomy: &Taxonomy,
    role: &RolePlan,
    style: Style,
    required: &[String],
    preferred: &[String],
    opts: &GenOptions,
    rng: &mut rand_chacha::ChaCha8Rng,
) -> String {
    if opts.role_model == RoleModel::Realistic && style == Style::TextOnly {
        // A title and prose: at most three of the role's skills, as a writer would phrase them
        // (an alternative label when ESCO has one, lower case), never the list of labels.
        let mut picks: Vec<u32> = role.required.iter().chain(&role.preferred).copied().collect();
        super::shuffle(&mut picks, rng);
        picks.truncate(rng.random_range(0..=3));
        let phrases: Vec<String> = picks
            .iter()
            .map(|&s| {
                let sk = taxonomy.skill(s);
                if sk.alt_labels.is_empty() {
                    sk.label.to_lowercase()
                } else {
                    sk.alt_labels[rng.random_range(0..sk.alt_labels.len())].to_lowercase()
                }
            })
            .collect();
        if phrases.is_empty() {
            String::new()
        } else {
            format!("<p>Day to day you will draw on {}.</p>", crate::util::html_escape(&phrases.join(", ")))
        }
    } else {
        format!(
            "<h3>What you will need</h3>{}{}",
            html_list(required),
            if preferred.is_empty() { String::new() } else { format!("<h3>Nice to have</h3>{}", html_list(preferred)) }
        )
    }
}

/// The posting's `skills` array in its style (none for text-only postings).
fn skills_json(taxonomy: &Taxonomy, role: &RolePlan, style: Style, required: &[String]) -> Option<Value> {
    let term = |s: &u32, preferred: bool| {
        let sk = taxonomy.skill(*s);
        let mut t =
            json!({"@type": "DefinedTerm", "name": sk.label, "termCode": sk.uri, "inDefinedTermSet": "ESCO v1.2.0"});
        if preferred {
            t["skillmatch:requirement"] = json!("preferred");
        }
        t
    };
    match style {
        Style::DefinedTerms => {
            let skills: Vec<Value> = role
                .required
                .iter()
                .map(|s| term(s, false))
                .chain(role.preferred.iter().map(|s| term(s, true)))
                .collect();
            Some(Value::Array(skills))
        }
        Style::Labels => {
            let skills: Vec<Value> = required
                .iter()
                .map(|l| Value::String(l.clone()))
                .chain(role.preferred.iter().map(|s| term(s, true)))
                .collect();
            Some(Value::Array(skills))
        }
        Style::TextOnly => None,
    }
}

fn draft(taxonomy: &Taxonomy, role: &RolePlan, index: usize, opts: &GenOptions) -> Drafted {
    let mut rng = stream(opts.seed, 3, index as u64);
    let occ: &Occupation = &taxonomy.occupations()[role.occupation];
    let title = if !occ.alt_labels.is_empty() && rng.random_bool(0.4) {
        occ.alt_labels[rng.random_range(0..occ.alt_labels.len())].clone()
    } else {
        occ.label.clone()
    };
    let employer = EMPLOYERS[rng.random_range(0..EMPLOYERS.len())];
    let location = role.location;
    let posted = opts.as_of - Duration::days(rng.random_range(1..60));
    let valid = posted + Duration::days(60);
    let label = |s: &u32| taxonomy.skill(*s).label.clone();
    let required: Vec<String> = role.required.iter().map(label).collect();
    let preferred: Vec<String> = role.preferred.iter().map(label).collect();
    let style = pick_style(opts, &mut rng);
    let body = body_html(taxonomy, role, style, &required, &preferred, opts, &mut rng);
    let html = format!(
        "<p>{employer} is hiring a <b>{}</b> in {location}.</p><p>{}</p>{body}\
         <p>We are an equal opportunity employer and value diversity. Competitive salary and benefits.</p>",
        crate::util::html_escape(&title),
        crate::util::html_escape(&occ.description),
    );
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
    if let Some(skills) = skills_json(taxonomy, role, style, &required) {
        json["skills"] = skills;
    }
    let (required, preferred) = if opts.role_model == RoleModel::Realistic && style == Style::TextOnly {
        (Vec::new(), Vec::new())
    } else {
        (required, preferred)
    };
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

/// Writes `postings.jsonl` (every role) and `postings.csv` (the same roles in the CSV layout),
/// drafting [`CHUNK`] roles at a time in parallel and writing them in role order.
pub(super) fn write(
    out: &Path,
    taxonomy: &Taxonomy,
    population: &Population,
    opts: &GenOptions,
) -> Result<(), GenError> {
    let jsonl_path = out.join("postings.jsonl");
    let csv_path = out.join("postings.csv");
    let mut jsonl = std::io::BufWriter::new(std::fs::File::create(&jsonl_path).map_err(io_err(&jsonl_path))?);
    let mut w = csv::Writer::from_path(&csv_path).map_err(|e| io_err(&csv_path)(std::io::Error::other(e)))?;
    let csv_err = |e: csv::Error| io_err(&csv_path)(std::io::Error::other(e));
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
    .map_err(csv_err)?;
    let roles = population.roles();
    for start in (0..roles.len()).step_by(CHUNK) {
        let end = (start + CHUNK).min(roles.len());
        let drafted: Vec<Drafted> = (start..end).into_par_iter().map(|i| draft(taxonomy, &roles[i], i, opts)).collect();
        for d in &drafted {
            serde_json::to_writer(&mut jsonl, &d.json).map_err(|e| io_err(&jsonl_path)(e.into()))?;
            jsonl.write_all(b"\n").map_err(io_err(&jsonl_path))?;
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
            .map_err(csv_err)?;
        }
    }
    jsonl.flush().map_err(io_err(&jsonl_path))?;
    w.flush().map_err(io_err(&csv_path))
}
