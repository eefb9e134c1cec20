//! Job postings: schema.org `JobPosting` JSON Lines (`.jsonl`, `.ndjson`; `.json` holding one
//! posting or an array of them, or JSON Lines) and CSV (`.csv`,
//! `id,title,employer,location,date_posted,description,required_skills,preferred_skills`).
//!
//! A bad line / row / entry is rejected with its position and the rest are read. A posting
//! without id or title is rejected; a posting whose id was already read is rejected (the first
//! one, in input and file order, wins).

use std::collections::HashMap;

use serde_json::Value;

use super::csvrec::records;
use super::files::{Ledger, WHOLE_FILE, byte_offset, display, has_ext, strip_bom, utf8};
use super::json::{has_type, id_of, kind_of, looks_like_uri, one_or_many, text, types_of};
use super::roster::{header_index, split_header};
use super::types::{Posting, RawSkill, Requirement, SourceRef};

const KIND: &str = "posting";

/// Reads posting files (CSV by `.csv` extension, JSON otherwise), dropping duplicate ids.
pub(crate) fn read_postings(files: &[std::path::PathBuf], ledger: &mut Ledger) -> Vec<Posting> {
    let mut out: Vec<Posting> = Vec::new();
    let mut seen: HashMap<String, String> = HashMap::new();
    for path in files {
        let Some(bytes) = ledger.read_file(KIND, path) else {
            continue;
        };
        let shown = display(path);
        let mut found: Vec<Result<Posting, (String, String)>> = Vec::new();
        if has_ext(path, &["csv"]) {
            read_csv(&bytes, &shown, ledger, &mut found);
        } else if has_ext(path, &["json"]) {
            read_json_document(&bytes, &shown, &mut found);
        } else {
            read_jsonl(&bytes, &shown, &mut found);
        }
        for item in found {
            match item {
                Err((position, reason)) => ledger.reject(KIND, &shown, position, reason),
                Ok(p) => {
                    if let Some(first) = seen.get(&p.id) {
                        let msg = format!("duplicate posting id {} (first read at {first})", p.id);
                        ledger.reject(KIND, &shown, p.source.position.clone(), msg);
                        continue;
                    }
                    seen.insert(p.id.clone(), format!("{} {}", p.source.path, p.source.position));
                    ledger.accept(KIND);
                    out.push(p);
                }
            }
        }
    }
    out
}

type Found = Vec<Result<Posting, (String, String)>>;

/// JSON Lines: one posting per non-blank line.
fn read_jsonl(bytes: &[u8], path: &str, found: &mut Found) {
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

/// A `.json` file: one posting, an array of postings (`[i]`), or JSON Lines after all.
fn read_json_document(bytes: &[u8], path: &str, found: &mut Found) {
    let (body, _) = strip_bom(bytes);
    let parsed = utf8(body).ok().and_then(|t| serde_json::from_str::<Value>(t).ok());
    match parsed {
        Some(Value::Array(items)) => {
            for (i, v) in items.iter().enumerate() {
                let position = format!("[{i}]");
                let src = SourceRef { path: path.to_string(), position: position.clone() };
                found.push(posting_from_json(v, src).map_err(|e| (position, e)));
            }
        }
        Some(v @ Value::Object(_)) => {
            let src = SourceRef { path: path.to_string(), position: WHOLE_FILE.to_string() };
            found.push(posting_from_json(&v, src).map_err(|e| (WHOLE_FILE.to_string(), e)));
        }
        _ => read_jsonl(bytes, path, found),
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
pub(crate) fn posting_from_json(v: &Value, source: SourceRef) -> Result<Posting, String> {
    if !v.is_object() {
        return Err(format!("posting is {}, expected a JobPosting object", kind_of(v)));
    }
    let types = types_of(v);
    if !types.is_empty() && !has_type(&types, "JobPosting") {
        return Err(format!("not a JobPosting (type {})", types.join(", ")));
    }
    let id = identifier(v.get("identifier")).or_else(|| id_of(v)).ok_or("missing identifier")?;
    let title = text(v.get("title")).ok_or("missing title")?;
    let employer = v.get("hiringOrganization").and_then(|o| text(Some(o)).or_else(|| text(o.get("name"))));
    let mut places: Vec<String> = one_or_many(v.get("jobLocation")).into_iter().filter_map(place).collect();
    places.dedup();
    let remote = one_or_many(v.get("jobLocationType"))
        .into_iter()
        .filter_map(Value::as_str)
        .any(|t| t.eq_ignore_ascii_case("TELECOMMUTE"));
    let location = if places.is_empty() && remote { Some("remote".to_string()) } else { Some(places.join("; ")) };
    let description = match v.get("description") {
        Some(Value::String(s)) => s.clone(),
        _ => String::new(),
    };
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
                        add_skill(&mut skills, RawSkill { name, uri }, req);
                    }
                    _ => {}
                }
            }
        }
    }
    Ok(Posting {
        source,
        id,
        title,
        employer,
        location: location.filter(|l| !l.is_empty()),
        date_posted: text(v.get("datePosted")),
        valid_through: text(v.get("validThrough")),
        description,
        skills,
    })
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

/// A skill from a bare string: a URI goes to `uri`, anything else to `name`.
fn named(s: &str) -> RawSkill {
    let s = s.trim();
    if looks_like_uri(s) {
        RawSkill { name: None, uri: Some(s.to_string()) }
    } else {
        RawSkill { name: Some(s.to_string()).filter(|n| !n.is_empty()), uri: None }
    }
}

/// Adds a skill once; a skill listed as both required and preferred stays required.
fn add_skill(skills: &mut Vec<(RawSkill, Requirement)>, skill: RawSkill, req: Requirement) {
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

/// Postings CSV with a header row; quoted fields may span lines.
fn read_csv(bytes: &[u8], path: &str, ledger: &mut Ledger, found: &mut Found) {
    let Some((header, rows)) = split_header(records(bytes, false), KIND, path, ledger) else {
        return;
    };
    let names =
        ["id", "title", "employer", "location", "date_posted", "description", "required_skills", "preferred_skills"];
    let idx = header_index(&header, &names);
    if idx[0].is_none() || idx[1].is_none() {
        let msg = format!("header must name at least id and title (found: {})", header.join(","));
        ledger.reject(KIND, path, "line 1", msg);
        return;
    }
    for rec in rows {
        let position = rec.position();
        let fields = match rec.into_row(header.len()) {
            Ok(f) => f,
            Err(e) => {
                found.push(Err((position, e)));
                continue;
            }
        };
        let get = |k: usize| idx[k].and_then(|c| fields.get(c)).cloned().filter(|s| !s.is_empty());
        let Some(id) = get(0) else {
            found.push(Err((position, "missing id".to_string())));
            continue;
        };
        let Some(title) = get(1) else {
            found.push(Err((position, "missing title".to_string())));
            continue;
        };
        let mut skills = Vec::new();
        for (col, req) in [(6, Requirement::Required), (7, Requirement::Preferred)] {
            for part in get(col).unwrap_or_default().split(';') {
                add_skill(&mut skills, named(part), req);
            }
        }
        found.push(Ok(Posting {
            source: SourceRef { path: path.to_string(), position },
            id,
            title,
            employer: get(2),
            location: get(3),
            date_posted: get(4),
            valid_through: None,
            description: get(5).unwrap_or_default(),
            skills,
        }));
    }
}
