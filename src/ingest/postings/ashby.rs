//! Ashby job board API (`GET /posting-api/job-board/{board}`): `{"apiVersion": "1", "jobs":
//! [{id, title, department, team, employmentType, location, secondaryLocations, address:
//! {postalAddress: {addressLocality, addressRegion, addressCountry}}, isRemote, publishedAt,
//! jobUrl, applyUrl, descriptionHtml, descriptionPlain}]}`.

use serde_json::Value;

use super::super::json::{text, truthy};
use super::super::types::SourceRef;
use super::build::{Found, blank, escape, read_entries};

/// Reads every entry of `jobs`.
pub(super) fn read(v: &Value, path: &str, found: &mut Found) {
    read_entries(v, "jobs", "Ashby jobs", path, found, job_of);
}

fn job_of(job: &Value, path: &str, position: &str) -> Result<crate::ingest::Posting, String> {
    if !job.is_object() {
        return Err("job is not an object".into());
    }
    let url = text(job.get("jobUrl"));
    let id = text(job.get("id")).or_else(|| url.clone()).ok_or("missing id (no `id` or `jobUrl`)")?;
    let title = text(job.get("title")).ok_or("missing title")?;
    let mut p = blank(SourceRef { path: path.into(), position: position.into() }, id, title);
    let postal = job.get("address").and_then(|a| a.get("postalAddress"));
    let parts: Vec<String> = ["addressLocality", "addressRegion", "addressCountry"]
        .iter()
        .filter_map(|k| text(postal.and_then(|a| a.get(*k))))
        .collect();
    p.location = text(job.get("location")).or_else(|| (!parts.is_empty()).then(|| parts.join(", ")));
    if p.location.is_none() && truthy(job.get("isRemote")) {
        p.location = Some("remote".into());
    }
    p.date_posted = text(job.get("publishedAt"));
    p.url = url;
    p.description = match (job.get("descriptionHtml").and_then(Value::as_str), text(job.get("descriptionPlain"))) {
        (Some(html), _) if !html.trim().is_empty() => html.to_string(),
        (_, Some(plain)) => format!("<p>{}</p>", escape(&plain).replace('\n', "<br>")),
        _ => String::new(),
    };
    Ok(p)
}
