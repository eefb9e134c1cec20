//! Greenhouse Job Board API (`GET /v1/boards/{board}/jobs?content=true`):
//! `{"jobs": [{id, title, location: {name}, absolute_url, updated_at, first_published,
//! company_name, content, departments, offices, requisition_id}], "meta": {"total": n}}`.
//! `content` is HTML that is itself entity-escaped (`&lt;p&gt;`); it is decoded once here so the
//! description holds the markup.

use serde_json::Value;

use super::super::json::text;
use super::super::types::SourceRef;
use super::build::{Found, blank, read_entries};
use crate::extract::unescape_html;

/// Reads every entry of `jobs`.
pub(super) fn read(v: &Value, path: &str, found: &mut Found) {
    read_entries(v, "jobs", "Greenhouse jobs", path, found, job_of);
}

fn job_of(job: &Value, path: &str, position: &str) -> Result<crate::ingest::Posting, String> {
    if !job.is_object() {
        return Err("job is not an object".into());
    }
    let id = text(job.get("id")).ok_or("missing id")?;
    let title = text(job.get("title")).ok_or("missing title")?;
    let mut p = blank(SourceRef { path: path.into(), position: position.into() }, id, title);
    p.employer = text(job.get("company_name"));
    p.location = job.get("location").and_then(|l| text(l.get("name")).or_else(|| text(Some(l))));
    p.date_posted = text(job.get("first_published")).or_else(|| text(job.get("updated_at")));
    p.url = text(job.get("absolute_url"));
    if let Some(content) = job.get("content").and_then(Value::as_str) {
        // The field is escaped HTML by the API's definition: one decoding gives the markup.
        p.description = if content.contains('<') { content.to_string() } else { unescape_html(content) };
    }
    Ok(p)
}
