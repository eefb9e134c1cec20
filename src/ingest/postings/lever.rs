//! Lever postings API (`GET /v0/postings/{site}?mode=json`): an array of
//! `{id, text, categories: {location, team, department, commitment, allLocations}, createdAt (ms),
//! description, descriptionPlain, lists: [{text, content}], additional, additionalPlain,
//! hostedUrl, applyUrl, workplaceType}`. Each of `lists` becomes a section under its own heading
//! (`Requirements`, `Nice to have`…), so the heading rules decide what it holds.

use serde_json::Value;

use super::super::json::text;
use super::super::types::SourceRef;
use super::build::{Found, blank, escape, millis_to_date, push_section, read_entries};

/// Reads every posting of the array.
pub(super) fn read(v: &Value, path: &str, found: &mut Found) {
    read_entries(v, "", "Lever postings", path, found, posting);
}

fn posting(item: &Value, path: &str, position: &str) -> Result<crate::ingest::Posting, String> {
    if !item.is_object() {
        return Err("posting is not an object".into());
    }
    let id = text(item.get("id")).ok_or("missing id")?;
    let title = text(item.get("text")).ok_or("missing title (`text`)")?;
    let mut p = blank(SourceRef { path: path.into(), position: position.into() }, id, title);
    let categories = item.get("categories");
    p.location = categories.and_then(|c| text(c.get("location")));
    if p.location.is_none() && text(item.get("workplaceType")).is_some_and(|w| w.eq_ignore_ascii_case("remote")) {
        p.location = Some("remote".into());
    }
    p.date_posted = millis_to_date(item.get("createdAt"));
    p.url = text(item.get("hostedUrl"));
    let mut description = match (item.get("description").and_then(Value::as_str), text(item.get("descriptionPlain"))) {
        (Some(html), _) if !html.trim().is_empty() => html.to_string(),
        (_, Some(plain)) => format!("<p>{}</p>", escape(&plain)),
        _ => String::new(),
    };
    for list in item.get("lists").and_then(Value::as_array).into_iter().flatten() {
        let heading = text(list.get("text")).unwrap_or_default();
        let content = list.get("content").and_then(Value::as_str).unwrap_or_default();
        push_section(&mut description, &heading, &format!("<ul>{content}</ul>"));
    }
    match (item.get("additional").and_then(Value::as_str), text(item.get("additionalPlain"))) {
        (Some(html), _) if !html.trim().is_empty() => push_section(&mut description, "", html),
        (_, Some(plain)) => push_section(&mut description, "", &format!("<p>{}</p>", escape(&plain))),
        _ => {}
    }
    p.description = description;
    Ok(p)
}
