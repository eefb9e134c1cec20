//! SmartRecruiters Posting API posting details (`GET /v1/companies/{company}/postings/{id}`):
//! `{id, name, refNumber, company: {identifier, name}, location: {city, region, country,
//! remote}, releasedDate, postingUrl, applyUrl, jobAd: {sections: {companyDescription,
//! jobDescription, qualifications, additionalInformation: {title, text}}}}`; one object, an
//! array of them, or the list envelope `{"content": [...]}`. Each section becomes a heading and
//! its HTML; `qualifications` reads as requirements and `companyDescription` as boilerplate
//! whatever their titles say.

use serde_json::Value;

use super::super::json::{text, truthy};
use super::super::types::SourceRef;
use super::build::{Found, blank, push_section, read_entries, read_one};

/// The sections in the order they are written, with the heading used when a section's own
/// title does not say what it holds.
const SECTIONS: [(&str, &str); 4] = [
    ("companyDescription", "About the company"),
    ("jobDescription", "Job description"),
    ("qualifications", "Qualifications"),
    ("additionalInformation", "Additional information"),
];

/// Reads one posting, an array, or the `content` of a list envelope.
pub(super) fn read(v: &Value, path: &str, found: &mut Found) {
    if v.get("content").is_some() {
        read_entries(v, "content", "SmartRecruiters postings", path, found, posting);
    } else if v.is_array() {
        read_entries(v, "", "SmartRecruiters postings", path, found, posting);
    } else {
        read_one(v, path, found, posting);
    }
}

fn posting(item: &Value, path: &str, position: &str) -> Result<crate::ingest::Posting, String> {
    if !item.is_object() {
        return Err("posting is not an object".into());
    }
    let id = text(item.get("id")).or_else(|| text(item.get("refNumber"))).ok_or("missing id")?;
    let title = text(item.get("name")).ok_or("missing title (`name`)")?;
    let mut p = blank(SourceRef { path: path.into(), position: position.into() }, id, title);
    p.employer = item.get("company").and_then(|c| text(c.get("name")));
    let loc = item.get("location");
    let parts: Vec<String> =
        ["city", "region", "country"].iter().filter_map(|k| text(loc.and_then(|l| l.get(*k)))).collect();
    p.location = if !parts.is_empty() {
        Some(parts.join(", "))
    } else if truthy(loc.and_then(|l| l.get("remote"))) {
        Some("remote".into())
    } else {
        None
    };
    p.date_posted = text(item.get("releasedDate"));
    p.url = text(item.get("postingUrl")).or_else(|| text(item.get("applyUrl")));
    let sections = item.get("jobAd").and_then(|a| a.get("sections"));
    let mut description = String::new();
    for (key, fallback) in SECTIONS {
        let Some(section) = sections.and_then(|s| s.get(key)) else {
            continue;
        };
        let body = section.get("text").and_then(Value::as_str).unwrap_or_default();
        // The key says what a section holds; its title is the employer's wording and is kept when
        // the heading rules read it the same way.
        let title = text(section.get("title")).unwrap_or_default();
        let kind = crate::normalize::sections::heading_kind(&title);
        let heading = if kind.is_some() && kind == crate::normalize::sections::heading_kind(fallback) {
            title
        } else {
            fallback.to_string()
        };
        push_section(&mut description, &heading, body);
    }
    p.description = description;
    Ok(p)
}
