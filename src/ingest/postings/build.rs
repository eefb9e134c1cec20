//! What every posting reader shares (a leaf under the readers): the empty posting each reader
//! fills in, skills and sections, positions inside arrays, the size limits, and
//! [`read_entries`], the read loop over an export's array of jobs.

use rayon::prelude::*;
use serde_json::Value;

use super::super::files::WHOLE_FILE;
use super::super::json::{kind_of, looks_like_uri};
use super::super::types::{Posting, RawSkill, Requirement, SourceRef};

/// Longest HTML page read, in bytes; a larger page is one reject (50 MB pages are not careers
/// pages, and a DOM of one would take gigabytes).
pub const MAX_PAGE_BYTES: usize = 8 * 1024 * 1024;

/// Longest description kept on one posting, in bytes; a posting with a longer one is rejected.
pub const MAX_DESCRIPTION_BYTES: usize = 1024 * 1024;

/// An entry's outcome: a posting, or `(position, reason)`.
pub(crate) type Found = Vec<Result<Posting, (String, String)>>;

/// A skill from a bare string: a URI goes to `uri`, anything else to `name`.
pub(crate) fn named(s: &str) -> RawSkill {
    let s = s.trim();
    if looks_like_uri(s) {
        RawSkill { name: None, uri: Some(s.into()) }
    } else {
        RawSkill { name: Some(s).filter(|n| !n.is_empty()).map(Into::into), uri: None }
    }
}

/// Adds a skill once; a skill listed as both required and preferred stays required.
pub(crate) fn add_skill(skills: &mut Vec<(RawSkill, Requirement)>, skill: RawSkill, req: Requirement) {
    if skill.name.is_none() && skill.uri.is_none() {
        return;
    }
    match skills.iter_mut().find(|(s, _)| *s == skill) {
        Some((_, existing)) => {
            if req == Requirement::Required {
                *existing = Requirement::Required;
            }
        }
        None => skills.push((skill, req)),
    }
}

/// A posting with only its source, id and title set (each reader fills the rest).
pub(crate) fn blank(source: SourceRef, id: String, title: String) -> Posting {
    Posting {
        source,
        id,
        title,
        employer: None,
        location: None,
        date_posted: None,
        valid_through: None,
        description: String::new(),
        skills: Vec::new(),
        url: None,
        reader: "",
        also_from: Vec::new(),
    }
}

/// A section of an ATS export written into the description as a heading and its HTML, so the
/// heading rules of the normalize stage apply to every source alike.
pub(crate) fn push_section(description: &mut String, heading: &str, html: &str) {
    if html.trim().is_empty() {
        return;
    }
    if !description.is_empty() {
        description.push('\n');
    }
    let heading = heading.trim();
    if !heading.is_empty() {
        description.push_str("<h3>");
        description.push_str(&escape(heading));
        description.push_str("</h3>\n");
    }
    description.push_str(html);
}

/// Plain text escaped for HTML text content.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            _ => out.push(c),
        }
    }
    out
}

/// Milliseconds since the epoch (Lever's `createdAt`) as an RFC 3339 date-time, UTC.
pub(crate) fn millis_to_date(v: Option<&Value>) -> Option<String> {
    let ms = v?.as_i64()?;
    chrono::DateTime::from_timestamp_millis(ms).map(|d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string())
}

/// Positions inside an array field: `jobs[3]`.
pub(crate) fn at(field: &str, i: usize) -> String {
    format!("{field}[{i}]")
}

/// The entries of a document that should hold an array under `field` (or be one, when `field`
/// is empty); a wrong shape is one whole-file reject.
pub(crate) fn entries<'a>(v: &'a Value, field: &str, what: &str, found: &mut Found) -> Option<&'a Vec<Value>> {
    let target = if field.is_empty() { Some(v) } else { v.get(field) };
    match target {
        Some(Value::Array(items)) => Some(items),
        Some(other) => {
            found.push(Err((
                WHOLE_FILE.into(),
                format!("wrong shape: `{field}` is {}, expected an array of {what}", kind_of(other)),
            )));
            None
        }
        None => {
            found.push(Err((WHOLE_FILE.into(), format!("wrong shape: no `{field}` array of {what}"))));
            None
        }
    }
}

/// Reads every entry of the array under `field` of `v` (or of `v` itself when `field` is empty):
/// each becomes `job_of(entry, path, position)` at position `field[i]`, and a failure a reject
/// there. A document of the wrong shape is one whole-file reject naming `what`.
pub(crate) fn read_entries(
    v: &Value,
    field: &str,
    what: &str,
    path: &str,
    found: &mut Found,
    job_of: impl Fn(&Value, &str, &str) -> Result<Posting, String> + Sync,
) {
    let Some(items) = entries(v, field, what, found) else {
        return;
    };
    // Entries are independent (an export may hold 100,000 of them, each with HTML to decode):
    // read them on all cores, kept in file order.
    let read: Found = items
        .par_iter()
        .enumerate()
        .map(|(i, item)| {
            let position = at(field, i);
            job_of(item, path, &position).map_err(|e| (position, e))
        })
        .collect();
    found.extend(read);
}

/// Reads a document that is one posting: `job_of(v, path, "whole file")`, a failure a
/// whole-file reject.
pub(crate) fn read_one(
    v: &Value,
    path: &str,
    found: &mut Found,
    job_of: impl Fn(&Value, &str, &str) -> Result<Posting, String>,
) {
    let position = WHOLE_FILE.to_string();
    found.push(job_of(v, path, &position).map_err(|e| (position, e)));
}
