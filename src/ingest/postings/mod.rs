//! Job postings from the systems HR teams run, one reader per source shape. The reader is chosen
//! by the file's content (`read_file`), not by its extension alone:
//!
//! | reader | shape |
//! |---|---|
//! | `career_page` ([`page`]) | an HTML page: schema.org `JobPosting` in JSON-LD blocks and microdata |
//! | `greenhouse` ([`greenhouse`]) | Greenhouse Job Board API `{"jobs": [...], "meta": {...}}` |
//! | `lever` ([`lever`]) | Lever postings API: an array of `{text, categories, lists, ...}` |
//! | `ashby` ([`ashby`]) | Ashby job board API `{"apiVersion", "jobs": [{descriptionHtml, ...}]}` |
//! | `smartrecruiters` ([`smartrecruiters`]) | SmartRecruiters posting details (`jobAd.sections`), one, an array, or `{"content": [...]}` |
//! | `workday` ([`workday`]) | Workday career-site job detail `{"jobPostingInfo": {...}}`, one or an array |
//! | `schema_org_json` / `schema_org_jsonl` ([`schema_org`]) | schema.org `JobPosting` JSON (one, an array, `@graph`) or JSON Lines |
//! | `csv` ([`csv`]) | any postings CSV, columns found by the `[inputs.postings_csv]` mapping |
//!
//! Every reject's reason starts with the reader that took the file (`greenhouse: jobs[3]: missing
//! title`), and [`PostingFile`]s say which reader took each file (the manifest lists them).
//! A bad entry is rejected with its position and the rest of the file is read. A posting without
//! id or title is rejected, and so is a second posting with the same id in one file. Copies of
//! one opening in different files are merged ([`merge`]).

mod ashby;
mod build;
pub(crate) mod csv;
mod greenhouse;
mod lever;
pub(crate) mod merge;
mod page;
pub(crate) mod reader;
mod schema_org;
mod smartrecruiters;
mod workday;

use serde_json::Value;

use super::files::{Ledger, WHOLE_FILE, display, has_ext, strip_bom, utf8};
use super::record_kind::RecordKind;
use super::types::{Posting, PostingFile};
use build::Found;

pub use build::{MAX_DESCRIPTION_BYTES, MAX_PAGE_BYTES};
pub use csv::PostingsCsvMapping;
pub use reader::Reader;

pub(crate) const KIND: RecordKind = RecordKind::Posting;

/// Reads posting files, each by the reader its content calls for.
pub(crate) fn read_postings(
    files: &[std::path::PathBuf],
    mapping: &PostingsCsvMapping,
    ledger: &mut Ledger,
) -> (Vec<Posting>, Vec<PostingFile>) {
    let mut out: Vec<Posting> = Vec::new();
    let mut readers = Vec::new();
    for path in files {
        let Some(bytes) = ledger.read_file(KIND, path) else {
            continue;
        };
        let shown = display(path);
        let mut found: Found = Vec::new();
        let reader = read_file(&bytes, path, &shown, mapping, &mut found);
        let mut file = PostingFile { path: shown.clone(), reader, accepted: 0, rejected: 0 };
        let mut seen: std::collections::HashMap<String, String> = std::collections::HashMap::new();
        for item in found {
            let item = item.and_then(check).and_then(|p| match seen.get(&p.id) {
                Some(first) => Err((
                    p.source.position.clone(),
                    format!("duplicate posting id {} in the same file (first read at {first})", p.id),
                )),
                None => {
                    seen.insert(p.id.clone(), p.source.position.clone());
                    Ok(p)
                }
            });
            match item {
                Err((position, reason)) => {
                    file.rejected += 1;
                    ledger.reject(KIND, &shown, position, format!("{}: {reason}", reader.as_str()));
                }
                Ok(mut p) => {
                    file.accepted += 1;
                    p.reader = reader.as_str();
                    ledger.accept(KIND);
                    out.push(p);
                }
            }
        }
        readers.push(file);
    }
    (out, readers)
}

/// Limits every reader shares.
fn check(p: Posting) -> Result<Posting, (String, String)> {
    if p.description.len() > MAX_DESCRIPTION_BYTES {
        return Err((
            p.source.position.clone(),
            format!("description is {} bytes, above the {MAX_DESCRIPTION_BYTES}-byte limit", p.description.len()),
        ));
    }
    Ok(p)
}

/// Picks the reader for a file and runs it.
fn read_file(
    bytes: &[u8],
    path: &std::path::Path,
    shown: &str,
    mapping: &PostingsCsvMapping,
    found: &mut Found,
) -> Reader {
    let (body, _) = strip_bom(bytes);
    let first = body.iter().copied().find(|b| !b.is_ascii_whitespace());
    if first == Some(b'<') || has_ext(path, &["html", "htm"]) {
        page::read(bytes, shown, found);
        return Reader::CareerPage;
    }
    if has_ext(path, &["csv"])
        || (first.is_some_and(|b| b != b'{' && b != b'[') && !has_ext(path, &["jsonl", "ndjson", "json"]))
    {
        csv::read(bytes, shown, mapping, found);
        return Reader::Csv;
    }
    let doc = utf8(body).ok().map(serde_json::from_str::<Value>);
    match doc {
        Some(Ok(v)) => read_json(v, shown, found),
        _ => {
            // Not one JSON document: JSON Lines when the first line stands alone, else one reject
            // saying where the document breaks.
            let first_line = body.split(|&b| b == b'\n').find(|l| !l.iter().all(u8::is_ascii_whitespace));
            let lines = first_line.and_then(|l| utf8(l).ok()).is_some_and(|l| serde_json::from_str::<Value>(l).is_ok());
            if lines || has_ext(path, &["jsonl", "ndjson"]) {
                schema_org::read_jsonl(bytes, shown, found);
                return Reader::SchemaOrgJsonl;
            }
            match super::json::parse_document(bytes) {
                Err(e) => found.push(Err((e.position, e.reason))),
                Ok(_) => found.push(Err((WHOLE_FILE.into(), "unreadable JSON".into()))),
            }
            Reader::SchemaOrgJson
        }
    }
}

/// A whole JSON document: the first shape that fits.
fn read_json(v: Value, shown: &str, found: &mut Found) -> Reader {
    let first_item = |v: &Value| match v {
        Value::Array(items) => items.first().cloned(),
        other => Some(other.clone()),
    };
    if let Some(jobs) = v.get("jobs").filter(|_| v.is_object()) {
        let job = first_item(jobs).unwrap_or(Value::Null);
        let ashby = v.get("apiVersion").is_some()
            || ["descriptionHtml", "descriptionPlain", "jobUrl", "isRemote"].iter().any(|k| job.get(*k).is_some());
        if ashby {
            ashby::read(&v, shown, found);
            return Reader::Ashby;
        }
        greenhouse::read(&v, shown, found);
        return Reader::Greenhouse;
    }
    let item = first_item(&v).unwrap_or(Value::Null);
    if item.get("jobPostingInfo").is_some() {
        workday::read(&v, shown, found);
        return Reader::Workday;
    }
    let sr_item = v.get("content").and_then(first_item).unwrap_or_else(|| item.clone());
    if sr_item.get("jobAd").is_some() || (sr_item.get("refNumber").is_some() && sr_item.get("name").is_some()) {
        smartrecruiters::read(&v, shown, found);
        return Reader::SmartRecruiters;
    }
    if v.is_array()
        && item.get("text").is_some()
        && ["categories", "hostedUrl", "lists", "descriptionPlain"].iter().any(|k| item.get(*k).is_some())
    {
        lever::read(&v, shown, found);
        return Reader::Lever;
    }
    schema_org::read_document(&v, shown, found);
    Reader::SchemaOrgJson
}
