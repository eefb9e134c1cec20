//! HTML careers pages: every schema.org `JobPosting` in JSON-LD blocks
//! (`<script type="application/ld+json">`: one object, an array, an `@graph`, or a page entity's
//! `mainEntity`) and in microdata (`itemscope itemtype=".../JobPosting"` with `itemprop`s title,
//! description, skills, identifier, datePosted, validThrough, hiringOrganization, jobLocation,
//! url, qualifications). The `@context` may be `http` or `https`, with or without `www.` and a
//! trailing slash. The page is parsed by `scraper` (html5ever's tree builder). A page holding no
//! `JobPosting` is one reject that says so.

use scraper::{ElementRef, Html, Selector};
use serde_json::{Map, Value};

use super::super::files::{WHOLE_FILE, strip_bom, utf8};
use super::super::json::{one_or_many, types_of};
use super::super::types::SourceRef;
use super::build::{Found, MAX_PAGE_BYTES};
use super::schema_org::posting_from_json;

/// Deepest element nesting of a page that is parsed (tree building is quadratic in it; real
/// careers pages nest a few dozen levels).
const MAX_PAGE_DEPTH: usize = 4096;

/// How deep JobPostings are looked for inside a JSON-LD block (`@graph` → `mainEntity` → …).
const MAX_LD_DEPTH: usize = 8;

/// Reads one page.
pub(super) fn read(bytes: &[u8], path: &str, found: &mut Found) {
    if bytes.len() > MAX_PAGE_BYTES {
        found.push(Err((
            WHOLE_FILE.into(),
            format!("page is {} bytes, above the {MAX_PAGE_BYTES}-byte limit for a careers page", bytes.len()),
        )));
        return;
    }
    let (body, skip) = strip_bom(bytes);
    let html = match utf8(body) {
        Ok(h) => h,
        Err(at) => {
            found.push(Err((format!("byte {}", skip + at), "invalid UTF-8 (pages are read as UTF-8)".into())));
            return;
        }
    };
    let depth = crate::extract::html_nesting_depth(html);
    if depth > MAX_PAGE_DEPTH {
        found.push(Err((
            WHOLE_FILE.into(),
            format!("page nests elements {depth} deep, above the {MAX_PAGE_DEPTH} limit for a careers page"),
        )));
        return;
    }
    let doc = Html::parse_document(html);
    let before = found.len();
    let blocks = json_ld(&doc, path, found);
    let items = microdata(&doc, path, found);
    if found.len() == before {
        found.push(Err((
            WHOLE_FILE.into(),
            format!(
                "no schema.org JobPosting in the page ({blocks} JSON-LD block(s), {items} microdata item(s) of other types)"
            ),
        )));
    }
}

fn selector(s: &str) -> Selector {
    // The selectors are constants of this file; a typo is caught by the tests.
    Selector::parse(s).unwrap_or_else(|_| unreachable!("constant selector {s} parses"))
}

/// Whether a `@context` (string, `{"@vocab"}`, or list) names schema.org.
fn is_schema_org(ctx: &Value) -> bool {
    match ctx {
        Value::String(s) => {
            let s = s.trim().trim_end_matches('/');
            let s = s.strip_prefix("https://").or_else(|| s.strip_prefix("http://")).unwrap_or(s);
            s.strip_prefix("www.").unwrap_or(s).eq_ignore_ascii_case("schema.org")
        }
        Value::Object(m) => m.get("@vocab").is_some_and(is_schema_org),
        Value::Array(items) => items.iter().any(is_schema_org),
        _ => false,
    }
}

/// Whether a `@type` written as a full IRI is schema.org's, or a bare name under a schema.org context.
fn is_job_posting(v: &Value, schema_context: bool) -> bool {
    let raw = one_or_many(v.get("@type").or_else(|| v.get("type")));
    raw.iter().filter_map(|t| t.as_str()).any(|t| {
        let full = t.contains("://");
        let local = types_of(&serde_json::json!({"@type": t})).into_iter().next().unwrap_or_default();
        local == "JobPosting" && (if full { t.to_ascii_lowercase().contains("schema.org/") } else { schema_context })
    })
}

/// JobPostings of the JSON-LD blocks; returns how many blocks there were.
fn json_ld(doc: &Html, path: &str, found: &mut Found) -> usize {
    let mut n = 0;
    for script in doc.select(&selector("script")) {
        let kind = script.value().attr("type").unwrap_or_default();
        if !kind.trim().to_ascii_lowercase().starts_with("application/ld+json") {
            continue;
        }
        n += 1;
        let block = format!("ld+json block {n}");
        let text: String = script.text().collect();
        match serde_json::from_str::<Value>(&text) {
            Err(e) => found.push(Err((
                block,
                format!("invalid JSON at line {} column {} of the block: {e}", e.line(), e.column()),
            ))),
            Ok(v) => {
                let context = v.get("@context").is_some_and(is_schema_org);
                collect(&v, context, &block, 0, path, found);
            }
        }
    }
    n
}

/// Walks a JSON-LD value for JobPostings (arrays, `@graph`, `mainEntity`), reading each.
fn collect(v: &Value, context: bool, position: &str, depth: usize, path: &str, found: &mut Found) {
    if depth > MAX_LD_DEPTH {
        return;
    }
    match v {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                collect(item, context, &format!("{position}[{i}]"), depth + 1, path, found);
            }
        }
        Value::Object(_) => {
            let context = context || v.get("@context").is_some_and(is_schema_org);
            if is_job_posting(v, context) {
                let src = SourceRef { path: path.to_string(), position: position.to_string() };
                found.push(posting_from_json(v, src).map_err(|e| (position.to_string(), e)));
                return;
            }
            for key in ["@graph", "mainEntity", "itemListElement", "item"] {
                if let Some(inner) = v.get(key) {
                    collect(inner, context, &format!("{position} {key}"), depth + 1, path, found);
                }
            }
        }
        _ => {}
    }
}

/// JobPostings written as microdata; returns how many top-level items of other types there were.
fn microdata(doc: &Html, path: &str, found: &mut Found) -> usize {
    let mut others = 0;
    let mut n = 0;
    for el in doc.select(&selector("[itemscope]")) {
        if el.value().attr("itemprop").is_some() {
            continue; // a property of another item, read with it
        }
        let itemtype = el.value().attr("itemtype").unwrap_or_default();
        let is_posting = itemtype.split_ascii_whitespace().any(|t| {
            let t = t.trim_end_matches('/');
            t.ends_with("/JobPosting") && t.to_ascii_lowercase().contains("schema.org/")
        });
        if !is_posting {
            others += 1;
            continue;
        }
        n += 1;
        let position = format!("microdata item {n}");
        let v = item(el, 0);
        let src = SourceRef { path: path.to_string(), position: position.clone() };
        found.push(posting_from_json(&v, src).map_err(|e| (position, e)));
    }
    others
}

/// A microdata item as JSON-LD-like JSON: `@type` from `itemtype`, each `itemprop` a key
/// (repeated properties become arrays), nested items objects.
fn item(scope: ElementRef, depth: usize) -> Value {
    let mut map = Map::new();
    if let Some(t) = scope.value().attr("itemtype").and_then(|t| t.split_ascii_whitespace().next()) {
        map.insert("@type".into(), Value::String(t.to_string()));
    }
    if depth < MAX_LD_DEPTH {
        properties(scope, depth, &mut map);
    }
    Value::Object(map)
}

/// The properties of one item: its descendants with `itemprop`, not descending into nested
/// items (read as values of their own). Walked with an explicit stack, so a deeply nested page
/// cannot exhaust the call stack.
fn properties(parent: ElementRef, depth: usize, map: &mut Map<String, Value>) {
    let mut stack: Vec<ElementRef> = parent.children().filter_map(ElementRef::wrap).collect();
    stack.reverse();
    while let Some(child) = stack.pop() {
        let props = child.value().attr("itemprop");
        let scoped = child.value().attr("itemscope").is_some();
        if let Some(props) = props {
            let value = if scoped { item(child, depth + 1) } else { Value::String(property_value(child, props)) };
            for name in props.split_ascii_whitespace() {
                match map.get_mut(name) {
                    None => {
                        map.insert(name.to_string(), value.clone());
                    }
                    Some(Value::Array(list)) => list.push(value.clone()),
                    Some(existing) => {
                        let first = existing.take();
                        *existing = Value::Array(vec![first, value.clone()]);
                    }
                }
            }
        }
        if !scoped {
            let at = stack.len();
            stack.extend(child.children().filter_map(ElementRef::wrap));
            stack[at..].reverse();
        }
    }
}

/// A property's value by the microdata rules (`content`, `href`, `src`, `datetime`, `value`),
/// else its text; a description keeps its markup so headings and lists still count.
fn property_value(el: ElementRef, props: &str) -> String {
    let e = el.value();
    let attr = match e.name() {
        "meta" => e.attr("content"),
        "a" | "link" | "area" => e.attr("href"),
        "img" | "audio" | "video" | "source" | "iframe" | "embed" => e.attr("src"),
        "time" => e.attr("datetime"),
        "data" | "meter" => e.attr("value"),
        _ => None,
    };
    if let Some(a) = attr.or_else(|| e.attr("content")) {
        return a.trim().to_string();
    }
    if props.split_ascii_whitespace().any(|p| p == "description") {
        return el.inner_html();
    }
    el.text().collect::<String>().split_whitespace().collect::<Vec<_>>().join(" ")
}
