//! schema.org `JobPosting` as JSON Lines (one per line) or as a JSON document (one posting, an
//! array of them, or an `@graph`), and the `JobPosting` object reader the career-page reader shares.

use serde_json::Value;

use super::super::files::{WHOLE_FILE, byte_offset, strip_bom, utf8};
use super::super::json::{has_type, id_of, kind_of, one_or_many, text, types_of};
use super::super::types::{Posting, RawSkill, Requirement, SourceRef};
use super::build::{Found, add_skill, blank, escape, named, push_section};

/// JSON Lines: one posting per non-blank line.
pub(super) fn read_jsonl(bytes: &[u8], path: &str, found: &mut Found) {
    let (body, skip) = strip_bom(bytes);
    let mut offset = skip;
    for (i, raw) in body.split(|&b| b == b'\n').enumerate() {
        let line_start = offset;
        offset += raw.len() + 1;
        if raw.iter().all(|b| b.is_ascii_whitespace()) {
            continue;
        }
        let position = format!("line {}", i + 1);
        let line = match utf8(raw) {
            Ok(l) => l,
            Err(at) => {
                found.push(Err((position, format!("invalid UTF-8 at byte {}", line_start + at))));
                continue;
            }
        };
        match serde_json::from_str::<Value>(line) {
            Ok(v) => found.push(
                posting_from_json(&v, SourceRef { path: path.to_string(), position: position.clone() })
                    .map_err(|e| (position, e)),
            ),
            Err(e) => found.push(Err((position, json_error(line, &e)))),
        }
    }
}

/// A JSON document: one posting, an array of postings (`[i]`) or an `@graph` (`@graph[i]`).
pub(super) fn read_document(v: &Value, path: &str, found: &mut Found) {
    let (items, field): (Vec<&Value>, &str) = match v {
        Value::Array(items) => (items.iter().collect(), ""),
        Value::Object(_) if v.get("@graph").is_some() => (one_or_many(v.get("@graph")), "@graph"),
        other => {
            let src = SourceRef { path: path.to_string(), position: WHOLE_FILE.to_string() };
            found.push(posting_from_json(other, src).map_err(|e| (WHOLE_FILE.to_string(), e)));
            return;
        }
    };
    for (i, item) in items.into_iter().enumerate() {
        let position = format!("{field}[{i}]");
        let src = SourceRef { path: path.to_string(), position: position.clone() };
        found.push(posting_from_json(item, src).map_err(|e| (position, e)));
    }
}

/// serde_json's message with the position given as a column of the line (and its byte in it).
fn json_error(line: &str, e: &serde_json::Error) -> String {
    let full = e.to_string();
    let msg = full.split(" at line ").next().unwrap_or(&full);
    format!(
        "invalid JSON at column {} (byte {} of the line): {msg}",
        e.column(),
        byte_offset(line, e.line(), e.column())
    )
}

/// The first text among a value that is a string, a PropertyValue `{value}`, or a list of those.
fn identifier(v: Option<&Value>) -> Option<String> {
    one_or_many(v).into_iter().find_map(|x| text(Some(x)).or_else(|| text(x.get("value"))))
}

/// A schema.org `JobPosting` object.
pub(super) fn posting_from_json(v: &Value, source: SourceRef) -> Result<Posting, String> {
    if !v.is_object() {
        return Err(format!("posting is {}, expected a JobPosting object", kind_of(v)));
    }
    let types = types_of(v);
    if !types.is_empty() && !has_type(&types, "JobPosting") {
        return Err(format!("not a JobPosting (type {})", types.join(", ")));
    }
    let id = identifier(v.get("identifier"))
        .or_else(|| id_of(v))
        .or_else(|| text(v.get("url")))
        .ok_or("missing identifier (no identifier, @id or url)")?;
    let title = text(v.get("title")).ok_or("missing title")?;
    let employer = v.get("hiringOrganization").and_then(|o| text(Some(o)).or_else(|| text(o.get("name"))));
    let mut places: Vec<String> = one_or_many(v.get("jobLocation")).into_iter().filter_map(place).collect();
    places.dedup();
    let remote = one_or_many(v.get("jobLocationType"))
        .into_iter()
        .filter_map(Value::as_str)
        .any(|t| t.eq_ignore_ascii_case("TELECOMMUTE"));
    let location = if places.is_empty() && remote { Some("remote".to_string()) } else { Some(places.join("; ")) };
    let mut description = match v.get("description") {
        Some(Value::String(s)) => s.clone(),
        _ => String::new(),
    };
    // schema.org's own requirement properties read as sections under their names.
    for (key, heading) in [
        ("qualifications", "Qualifications"),
        ("experienceRequirements", "Experience requirements"),
        ("educationRequirements", "Education requirements"),
    ] {
        if let Some(t) = text(v.get(key)) {
            push_section(&mut description, heading, &escape(&t));
        }
    }
    let mut skills = Vec::new();
    match v.get("skills") {
        Some(Value::String(s)) => {
            for part in s.split([',', ';', '\n']) {
                add_skill(&mut skills, named(part), Requirement::Required);
            }
        }
        other => {
            for item in one_or_many(other) {
                match item {
                    Value::String(s) => add_skill(&mut skills, named(s), Requirement::Required),
                    Value::Object(_) => {
                        let name = text(item.get("name"));
                        let uri = text(item.get("termCode")).or_else(|| text(item.get("url"))).or_else(|| id_of(item));
                        let preferred = item
                            .get("skillmatch:requirement")
                            .and_then(Value::as_str)
                            .is_some_and(|r| r.trim().eq_ignore_ascii_case("preferred"));
                        let req = if preferred { Requirement::Preferred } else { Requirement::Required };
                        add_skill(&mut skills, RawSkill { name: name.map(Into::into), uri: uri.map(Into::into) }, req);
                    }
                    _ => {}
                }
            }
        }
    }
    let mut p = blank(source, id, title);
    p.employer = employer;
    p.location = location.filter(|l| !l.is_empty());
    p.date_posted = text(v.get("datePosted"));
    p.valid_through = text(v.get("validThrough"));
    p.description = description;
    p.skills = skills;
    p.url = text(v.get("url"));
    Ok(p)
}

/// A `Place` (or plain string) as text: its address parts joined with `, `.
fn place(v: &Value) -> Option<String> {
    if let Some(s) = text(Some(v)) {
        return Some(s);
    }
    let address = v.get("address");
    if let Some(s) = text(address) {
        return Some(s);
    }
    if let Some(a) = address.filter(|a| a.is_object()) {
        let parts: Vec<String> = ["addressLocality", "addressRegion", "addressCountry"]
            .iter()
            .filter_map(|k| a.get(*k))
            .filter_map(|x| text(Some(x)).or_else(|| text(x.get("name"))))
            .collect();
        if !parts.is_empty() {
            return Some(parts.join(", "));
        }
    }
    text(v.get("name"))
}
