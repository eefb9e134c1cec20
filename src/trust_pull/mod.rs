//! `skillmatch trust pull`: build (or refresh) a trust folder from the badge inputs.
//!
//! Every URL the verifier would need is collected from the credentials ([`collect`]): issuer
//! profiles, BadgeClasses, keys, `did:web` DID documents, OB 2.0 RevocationLists, status-list
//! credentials and OB 2.0 hosted assertions; then, in up to [`MAX_ROUNDS`] rounds, the URLs the
//! fetched documents name (a profile's keys and revocation list, a key's owner). Each URL is
//! fetched under the limits of [`fetch`] and the document checked before it is kept:
//!
//! * it must be a document the trust store reads (see [`crate::verify::trust`]);
//! * a hosted assertion's `id` must be exactly its URL, a DID document's `id` the DID it was
//!   fetched for; any other unsigned document must name an `id` on the host it came from (a
//!   host cannot speak for another host's keys); a status list, being signed by its issuer, may
//!   carry any id and is reached from its URL through an alias.
//!
//! Documents are stored byte for byte as served under `pulled/<sha256 of the id>.json` (`.jwt`
//! for a VC-JWT): no file name is ever built from badge or URL text. `SNAPSHOT.json` records
//! every URL with its kind, fetch time, HTTP status, sha256, size, file, id and error, sorted by
//! URL. One bad URL never stops the pull; its error is listed.
//!
//! Pulled documents are evidence, not trust: the trust store never counts an issuer as known
//! because its profile or DID document was pulled (name it in `policy.toml`).
//!
//! With `refresh`, the URLs of the existing snapshot are fetched again along with any new ones;
//! what changed is reported (keys rotated, lists grown, assertions withdrawn). A URL that fails
//! on refresh keeps its previous copy (the error is listed), except `410 Gone`, which drops it.

pub mod collect;
pub mod fetch;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde_json::Value;

use crate::ingest::Credential;
use crate::verify::TrustStore;
use crate::verify::trust::{SNAPSHOT_FILE, id_of, is_hosted_copy, types_of};
use collect::{Kind, Targets};
use fetch::{FetchLimits, Fetched, Fetcher};

/// Rounds of following the references of fetched documents.
pub const MAX_ROUNDS: usize = 3;

/// Most URLs fetched in one pull.
pub const MAX_URLS: usize = 10_000;

/// Sub-folder of the trust folder that `trust pull` owns.
pub const PULLED_DIR: &str = "pulled";

/// Options of one pull.
#[derive(Debug, Clone)]
pub struct PullOptions {
    /// The trust folder to write.
    pub out: PathBuf,
    /// Update an existing snapshot (without it, a folder that already holds one is an error).
    pub refresh: bool,
    /// Fetch limits.
    pub limits: FetchLimits,
}

/// One URL of the snapshot.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SnapshotEntry {
    /// The URL fetched (no fragment).
    pub url: String,
    /// What it was expected to serve.
    pub kind: Kind,
    /// When it was fetched (RFC 3339, UTC).
    pub fetched_at: String,
    /// HTTP status, when the server answered.
    pub status: Option<u16>,
    /// sha256 of the stored bytes.
    pub sha256: Option<String>,
    /// Size of the stored bytes.
    pub size: Option<u64>,
    /// The stored file, relative to the trust folder.
    pub file: Option<String>,
    /// The document's own id.
    pub id: Option<String>,
    /// Why the URL gave no usable document (or, on refresh, why the previous copy was kept).
    pub error: Option<String>,
}

/// The `SNAPSHOT.json` file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Snapshot {
    /// `skillmatch trust pull` and its version.
    pub created_by: String,
    /// Every URL, sorted.
    pub entries: Vec<SnapshotEntry>,
}

/// What a pull did.
#[derive(Debug, Clone)]
pub struct PullReport {
    /// The snapshot written.
    pub snapshot: Snapshot,
    /// On refresh: what changed, one line per URL (`url: what`), sorted.
    pub changes: Vec<String>,
}

impl PullReport {
    /// Entries with an error.
    pub fn errors(&self) -> impl Iterator<Item = &SnapshotEntry> {
        self.snapshot.entries.iter().filter(|e| e.error.is_some())
    }
}

/// Why a pull could not run (per-URL problems are never errors).
#[derive(Debug, thiserror::Error)]
pub enum PullError {
    /// The folder already holds a snapshot and `refresh` was not asked for.
    #[error("{0} already holds a trust snapshot (SNAPSHOT.json); use --refresh to update it")]
    Exists(String),
    /// A file could not be read or written.
    #[error("cannot {what} {path}: {source}")]
    Io {
        /// `read`, `write`, …
        what: &'static str,
        /// The path.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The existing `SNAPSHOT.json` is not one `trust pull` wrote.
    #[error("{path} is not a valid trust snapshot: {reason}")]
    BadSnapshot {
        /// The path.
        path: String,
        /// Why.
        reason: String,
    },
}

/// A fetched body that passed the checks.
struct Accepted {
    id: String,
    jwt: bool,
    doc: Option<Value>,
    body: Vec<u8>,
}

/// Pulls the documents `credentials` need into `opts.out`.
///
/// # Errors
/// [`PullError`] when the folder cannot be written, or already holds a snapshot without
/// `refresh`. Problems with single URLs are listed in the report, never errors.
pub fn pull(credentials: &[Credential], opts: &PullOptions) -> Result<PullReport, PullError> {
    let out = &opts.out;
    std::fs::create_dir_all(out.join(PULLED_DIR)).map_err(io("create", &out.join(PULLED_DIR)))?;
    let snapshot_path = out.join(SNAPSHOT_FILE);
    let previous = read_previous(&snapshot_path, opts)?;
    let old: BTreeMap<String, SnapshotEntry> =
        previous.iter().flat_map(|s| s.entries.iter().cloned()).map(|e| (e.url.clone(), e)).collect();

    let mut targets = Targets::default();
    for c in credentials {
        collect::from_credential(c, &mut targets);
    }
    for e in old.values() {
        targets.urls.entry(e.url.clone()).or_insert((e.kind, did_for(e)));
    }
    let done = fetch_rounds(&targets, &Fetcher::new(opts.limits.clone()));
    let (entries, writes) = settle(done, &old);
    for (file, body) in &writes {
        write_atomic(&out.join(file), body)?;
    }
    prune_pulled(out, &entries)?;
    let changes = match &previous {
        Some(_) => describe_changes(&old, &entries, out),
        None => Vec::new(),
    };
    let snapshot = Snapshot { created_by: format!("skillmatch trust pull {}", env!("CARGO_PKG_VERSION")), entries };
    let mut text = serde_json::to_vec_pretty(&snapshot).unwrap_or_default();
    text.push(b'\n');
    write_atomic(&snapshot_path, &text)?;
    Ok(PullReport { snapshot, changes })
}

/// The [`PullError::Io`] for `what` on `path`.
fn io(what: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> PullError {
    let path = path.display().to_string();
    move |source| PullError::Io { what, path, source }
}

/// The snapshot already in the folder (`None` when there is none).
///
/// # Errors
/// [`PullError::Exists`] without `refresh`; [`PullError::BadSnapshot`] when it is not one this
/// tool wrote (including an entry naming a file this tool would not write).
fn read_previous(snapshot_path: &Path, opts: &PullOptions) -> Result<Option<Snapshot>, PullError> {
    if !snapshot_path.is_file() {
        return Ok(None);
    }
    if !opts.refresh {
        return Err(PullError::Exists(opts.out.display().to_string()));
    }
    let bytes = std::fs::read(snapshot_path).map_err(io("read", snapshot_path))?;
    let bad = |reason: String| PullError::BadSnapshot { path: snapshot_path.display().to_string(), reason };
    let snap: Snapshot = serde_json::from_slice(&bytes).map_err(|e| bad(e.to_string()))?;
    // Only file names this tool writes: a snapshot edited to name another file is refused.
    if let Some(f) = snap.entries.iter().filter_map(|e| e.file.as_deref()).find(|f| !is_pulled_name(f)) {
        return Err(bad(format!("entry file {f:?} is not a pulled/<hash>.json|.jwt name")));
    }
    Ok(Some(snap))
}

/// Every URL's snapshot entry and, when its body passed the checks, the accepted document.
type Done = BTreeMap<String, (SnapshotEntry, Option<Accepted>)>;

/// Fetches `targets` and, in up to [`MAX_ROUNDS`] rounds, the URLs the fetched documents name
/// (at most [`MAX_URLS`] in all; those beyond either limit get an entry saying so).
fn fetch_rounds(targets: &Targets, fetcher: &Fetcher) -> Done {
    let mut done = Done::new();
    let mut pending: Vec<(String, Kind, Option<String>)> =
        targets.urls.iter().map(|(u, (k, d))| (u.clone(), *k, d.clone())).collect();
    for round in 0..MAX_ROUNDS {
        if pending.is_empty() {
            break;
        }
        let room = MAX_URLS.saturating_sub(done.len());
        let over: Vec<(String, Kind, Option<String>)> = pending.split_off(room.min(pending.len()));
        for (url, kind, _) in over {
            let error = format!("not fetched: more than {MAX_URLS} URLs in one pull");
            done.insert(url.clone(), (failed_entry(&url, kind, None, error), None));
        }
        let results: Vec<(String, Kind, Fetched, String)> = pending
            .par_iter()
            .map(|(url, kind, _)| {
                let got = fetcher.get(url);
                (url.clone(), *kind, got, now())
            })
            .collect();
        let mut next = Targets::default();
        for ((url, kind, got, at), (_, _, did)) in results.into_iter().zip(pending.iter()) {
            let entry_and_doc = record(&url, kind, got, at, did.as_deref(), &mut next);
            done.insert(url, entry_and_doc);
        }
        pending = next.urls.into_iter().filter(|(u, _)| !done.contains_key(u)).map(|(u, (k, d))| (u, k, d)).collect();
        if round + 1 == MAX_ROUNDS {
            for (url, kind, _) in std::mem::take(&mut pending) {
                let error = format!("not fetched: found after {MAX_ROUNDS} rounds of following references");
                done.insert(url.clone(), (failed_entry(&url, kind, None, error), None));
            }
        }
    }
    done
}

/// The snapshot entry of one fetch (fetched at `at`), adding the references of an accepted
/// document to `next`.
fn record(
    url: &str,
    kind: Kind,
    got: Fetched,
    at: String,
    did: Option<&str>,
    next: &mut Targets,
) -> (SnapshotEntry, Option<Accepted>) {
    match got {
        Fetched::Failed { status, error } => (failed_entry(url, kind, status, error), None),
        Fetched::Body { status, body } => match accept(url, kind, did, body) {
            Ok(acc) => {
                if let Some(doc) = &acc.doc {
                    collect::from_document(doc, next);
                }
                let entry = SnapshotEntry {
                    url: url.to_string(),
                    kind,
                    fetched_at: at,
                    status: Some(status),
                    sha256: Some(crate::util::sha256_hex(&acc.body)),
                    size: Some(acc.body.len() as u64),
                    file: Some(file_for(&acc.id, acc.jwt)),
                    id: Some(acc.id.clone()),
                    error: None,
                };
                (entry, Some(acc))
            }
            Err(error) => {
                let mut e = failed_entry(url, kind, Some(status), error);
                e.fetched_at = at;
                (e, None)
            }
        },
    }
}

/// The final entries (sorted by URL) and the files to write: of two URLs serving different
/// documents under one id the first (by URL) is kept; a URL that failed on refresh keeps its
/// previous copy (except after `410 Gone`).
fn settle(done: Done, old: &BTreeMap<String, SnapshotEntry>) -> (Vec<SnapshotEntry>, Vec<(String, Vec<u8>)>) {
    let mut by_id: BTreeMap<String, String> = BTreeMap::new();
    let mut entries = Vec::with_capacity(done.len());
    let mut writes: Vec<(String, Vec<u8>)> = Vec::new();
    for (url, (mut entry, acc)) in done {
        if let Some(acc) = acc {
            let file = file_for(&acc.id, acc.jwt);
            let sha = crate::util::sha256_hex(&acc.body);
            match by_id.get(&acc.id) {
                Some(prev_sha) if *prev_sha != sha => {
                    entry = failed_entry(
                        &url,
                        entry.kind,
                        entry.status,
                        format!("serves id {} with other content than another URL of this pull; not kept", acc.id),
                    );
                }
                Some(_) => {}
                None => {
                    by_id.insert(acc.id.clone(), sha);
                    writes.push((file, acc.body));
                }
            }
        } else if let Some(prev) = old.get(&url).filter(|p| p.file.is_some() && entry.status != Some(410)) {
            // A failed refresh keeps the previous copy.
            let why = entry.error.clone().unwrap_or_default();
            entry = SnapshotEntry {
                error: Some(format!("refresh failed ({why}); keeping the copy fetched {}", prev.fetched_at)),
                ..prev.clone()
            };
        }
        entries.push(entry);
    }
    (entries, writes)
}

/// Removes the files of `pulled/` that no entry names any more (that folder is ours).
fn prune_pulled(out: &Path, entries: &[SnapshotEntry]) -> Result<(), PullError> {
    let keep: BTreeSet<String> = entries.iter().filter_map(|e| e.file.clone()).collect();
    let pulled = out.join(PULLED_DIR);
    let listing = std::fs::read_dir(&pulled).map_err(io("read", &pulled))?;
    for f in listing.flatten() {
        let rel = format!("{PULLED_DIR}/{}", f.file_name().to_string_lossy());
        if f.path().is_file() && !keep.contains(&rel) {
            std::fs::remove_file(f.path()).map_err(io("remove", &f.path()))?;
        }
    }
    Ok(())
}

/// The DID a `did_document` entry was fetched for (its id, or derived back from its URL).
fn did_for(e: &SnapshotEntry) -> Option<String> {
    if e.kind != Kind::DidDocument {
        return None;
    }
    e.id.clone().or_else(|| collect::did_from_url(&e.url))
}

/// Whether `f` is a name [`file_for`] gives.
fn is_pulled_name(f: &str) -> bool {
    let Some(name) = f.strip_prefix(&format!("{PULLED_DIR}/")) else {
        return false;
    };
    let stem = name.strip_suffix(".json").or_else(|| name.strip_suffix(".jwt"));
    stem.is_some_and(|h| h.len() == 32 && h.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn failed_entry(url: &str, kind: Kind, status: Option<u16>, error: String) -> SnapshotEntry {
    SnapshotEntry {
        url: url.to_string(),
        kind,
        fetched_at: now(),
        status,
        sha256: None,
        size: None,
        file: None,
        id: None,
        error: Some(error),
    }
}

/// `pulled/<first 32 hex digits of sha256(id)>.json|.jwt`.
fn file_for(id: &str, jwt: bool) -> String {
    let h = crate::util::sha256_hex(id.as_bytes());
    format!("{PULLED_DIR}/{}.{}", &h[..32], if jwt { "jwt" } else { "json" })
}

/// Writes `bytes` to `path` through a temporary file in the same folder, renamed into place.
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), PullError> {
    use std::io::Write as _;
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(io("write", path))?;
    tmp.write_all(bytes).map_err(io("write", path))?;
    tmp.persist(path).map_err(|e| io("write", path)(e.error))?;
    Ok(())
}

/// The host (authority, lower-cased) of an http(s) URL.
fn host_of(url: &str) -> Option<String> {
    let rest = url.split_once("://").map(|(s, r)| (s.to_ascii_lowercase(), r))?;
    if rest.0 != "https" && rest.0 != "http" {
        return None;
    }
    let authority = rest.1.split(['/', '?', '#']).next()?;
    Some(authority.to_ascii_lowercase())
}

/// Checks a fetched body: a trust document of the expected kind with an acceptable id.
fn accept(url: &str, kind: Kind, did: Option<&str>, body: Vec<u8>) -> Result<Accepted, String> {
    let text = std::str::from_utf8(body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&body))
        .map_err(|e| format!("not UTF-8 text: {e}"))?
        .trim();
    let mut scratch = TrustStore::empty_configured();
    let (id, jwt, doc) = if text.starts_with('{') {
        let doc: Value = serde_json::from_str(text).map_err(|e| format!("not valid JSON: {e}"))?;
        scratch.add(doc.clone(), url).map_err(|e| e.to_string())?;
        let id = id_of(&doc).ok_or("document has no id")?.to_string();
        (id, false, Some(doc))
    } else {
        let compact = match serde_json::from_str::<Value>(text) {
            Ok(Value::String(s)) => s,
            _ => text.to_string(),
        };
        if kind != Kind::StatusList {
            return Err("served a JWT where a JSON document was expected".into());
        }
        scratch.add_jwt(&compact, url).map_err(|e| e.to_string())?;
        let jws = crate::verify::jws::parse(&compact)?;
        let (credential, _) = crate::ingest::jwt_credential_document(&jws.payload);
        let id = id_of(&credential).ok_or("status-list JWT has no id")?.to_string();
        (id, true, None)
    };
    let hosted = doc.as_ref().is_some_and(is_hosted_copy);
    match kind {
        Kind::HostedAssertion => {
            if !hosted {
                return Err("a hosted assertion URL served something that is not an OB 2.0 assertion".into());
            }
            if id != url {
                return Err(format!("hosted assertion names id {id}, not its own URL: refused"));
            }
        }
        _ if hosted => return Err("served an assertion where a trust document was expected".into()),
        Kind::DidDocument => {
            if Some(id.as_str()) != did {
                return Err(format!("DID document names id {id}, not {}", did.unwrap_or("the DID it was fetched for")));
            }
        }
        Kind::StatusList => {
            let is_list = jwt
                || doc.as_ref().is_some_and(|d| {
                    types_of(d)
                        .iter()
                        .any(|t| *t == "BitstringStatusListCredential" || *t == "StatusList2021Credential")
                });
            if !is_list {
                return Err("a status-list URL served something that is not a status-list credential".into());
            }
        }
        _ => {
            if id.starts_with("did:") || host_of(&id) != host_of(url) {
                return Err(format!(
                    "document names id {id}, on another host than {}; an unsigned document cannot speak for another host",
                    host_of(url).unwrap_or_default()
                ));
            }
        }
    }
    Ok(Accepted { id, jwt, doc, body })
}

/// What changed between the previous snapshot and this one, one line per URL.
fn describe_changes(old: &BTreeMap<String, SnapshotEntry>, new: &[SnapshotEntry], out: &Path) -> Vec<String> {
    let mut lines = Vec::new();
    let new_urls: BTreeSet<&str> = new.iter().map(|e| e.url.as_str()).collect();
    for e in new {
        let Some(prev) = old.get(&e.url) else {
            lines.push(format!("{}: new ({})", e.url, if e.file.is_some() { "fetched" } else { "failed" }));
            continue;
        };
        if prev.sha256 == e.sha256 && prev.status == e.status {
            continue;
        }
        if e.status == Some(410) {
            lines.push(format!("{}: now 410 Gone (withdrawn)", e.url));
            continue;
        }
        if e.sha256.is_none() {
            continue; // failed now; the error is listed
        }
        let doc = e.file.as_ref().and_then(|f| read_doc(&out.join(f)));
        let what = match (e.kind, doc) {
            (Kind::Issuer | Kind::DidDocument | Kind::Key, Some(d)) => {
                let keys = key_ids(&d);
                format!("changed; keys now: {}", if keys.is_empty() { "none".to_string() } else { keys.join(", ") })
            }
            (Kind::RevocationList, Some(d)) => format!(
                "changed; {} revoked assertion(s) listed now",
                d.get("revokedAssertions").and_then(Value::as_array).map_or(0, Vec::len)
            ),
            (Kind::StatusList, _) => "changed (status list updated: entries may have been revoked or suspended)".into(),
            (Kind::HostedAssertion, Some(d)) if d.get("revoked").and_then(Value::as_bool) == Some(true) => {
                "now revoked".into()
            }
            _ => "changed".into(),
        };
        lines.push(format!("{}: {what}", e.url));
    }
    for url in old.keys().filter(|u| !new_urls.contains(u.as_str())) {
        lines.push(format!("{url}: no longer in the snapshot"));
    }
    lines.sort();
    lines
}

fn read_doc(path: &Path) -> Option<Value> {
    serde_json::from_slice(&std::fs::read(path).ok()?).ok()
}

/// The key ids a profile / DID document lists (sorted), for change reports.
fn key_ids(doc: &Value) -> Vec<String> {
    let mut ids = BTreeSet::new();
    let base = id_of(doc).unwrap_or_default().to_string();
    for rel in ["publicKey", "verificationMethod", "assertionMethod", "publicKeyPem", "publicKeyMultibase"] {
        match doc.get(rel) {
            Some(Value::Array(a)) => {
                for v in a {
                    if let Some(r) = v.as_str().or_else(|| id_of(v)) {
                        ids.insert(crate::verify::trust::absolute_ref(&base, r));
                    }
                }
            }
            Some(Value::String(s)) if rel.starts_with("publicKey") && rel != "publicKey" => {
                ids.insert(format!("{rel} sha256:{}", &crate::util::sha256_hex(s.as_bytes())[..12]));
            }
            Some(Value::String(s)) => {
                ids.insert(crate::verify::trust::absolute_ref(&base, s));
            }
            _ => {}
        }
    }
    ids.into_iter().collect()
}
