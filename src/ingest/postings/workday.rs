//! Workday career-site job detail (`GET /wday/cxs/{tenant}/{site}/job/{path}`):
//! `{"jobPostingInfo": {id, title, jobDescription, location, additionalLocations, postedOn,
//! startDate, timeType, jobReqId, jobPostingId, externalUrl, country: {descriptor}},
//! "hiringOrganization": {name, url}}`; one object or an array of them.

use serde_json::Value;

use super::super::json::text;
use super::super::types::SourceRef;
use super::build::{Found, blank, read_entries, read_one};

/// Reads one job detail or an array of them.
pub(super) fn read(v: &Value, path: &str, found: &mut Found) {
    if v.is_object() {
        read_one(v, path, found, detail);
    } else {
        read_entries(v, "", "Workday job details", path, found, detail);
    }
}

fn detail(item: &Value, path: &str, position: &str) -> Result<crate::ingest::Posting, String> {
    let info = item.get("jobPostingInfo").filter(|i| i.is_object()).ok_or("no `jobPostingInfo` object")?;
    let id = text(info.get("jobReqId"))
        .or_else(|| text(info.get("jobPostingId")))
        .or_else(|| text(info.get("id")))
        .ok_or("missing id (no jobReqId, jobPostingId or id)")?;
    let title = text(info.get("title")).ok_or("missing title")?;
    let mut p = blank(SourceRef { path: path.into(), position: position.into() }, id, title);
    p.employer = item.get("hiringOrganization").and_then(|o| text(o.get("name")));
    p.location = text(info.get("location"));
    // `postedOn` is relative ("Posted 3 Days Ago"); `startDate` is the posting's date.
    p.date_posted = text(info.get("startDate"));
    p.valid_through = text(info.get("endDate"));
    p.url = text(info.get("externalUrl"));
    p.description = info.get("jobDescription").and_then(Value::as_str).unwrap_or_default().to_string();
    Ok(p)
}
