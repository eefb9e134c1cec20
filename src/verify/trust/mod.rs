//! The trust store: a folder of pinned documents (the same JSON documents the network would
//! serve) plus an optional [`policy.toml`](policy), loaded once per run.
//!
//! Every `*.json` and `*.jwt` file under the folder (recursively) is read and indexed by its own
//! `id` (a `.jwt` file, or a `.json` file holding a JSON string, is a compact VC-JWT; only
//! status-list credentials are read in that form, their signature checked on first use):
//!
//! | document | recognised by | indexed by |
//! |---|---|---|
//! | OB 2.0 Issuer / Profile, OB 3.0 Profile | `type` `Issuer` / `Profile` | `id` |
//! | OB 2.0 CryptographicKey | `type` `CryptographicKey` (`publicKeyPem`, `owner`) | `id` |
//! | OB 2.0 BadgeClass | `type` `BadgeClass` | `id` |
//! | OB 2.0 RevocationList | `type` `RevocationList` | `id` |
//! | DID document | `id` starting `did:` | the DID; its verification methods by their ids |
//! | verification method | `type` `Multikey`, `Ed25519VerificationKey2020/2018`, `JsonWebKey2020` | `id` |
//! | status-list credential | `type` `BitstringStatusListCredential` / `StatusList2021Credential`, JSON (Data Integrity proof) or VC-JWT | `id` |
//! | JWKS | a `keys` array | each key's `kid` |
//! | OB 2.0 hosted assertion copy | `type` `Assertion`, or a revocation notice (`revoked: true`) | `id` (its URL) |
//!
//! A file that is none of these (no `id`, no known type, not JSON, larger than
//! [`MAX_TRUST_FILE_BYTES`]) is skipped with a warning and listed in [`TrustStore::skipped`]:
//! leaving a document out can only make less trusted, never more. `SNAPSHOT.json` (written by
//! `skillmatch trust pull`) is read for the URLs that answered `410 Gone`.
//!
//! A credential that names a document by another URL (e.g. a status list moved to another host)
//! reaches it through the policy's `[aliases]`.
//!
//! A store built with [`TrustStore::default`] is *not configured*: verification then behaves as
//! without a trust folder (no `issuer_trust` / `consistency` checks, no `unknown_issuer`, and no
//! signing key is trusted, so signed credentials are at best `unverifiable`).

mod method;
pub mod policy;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::Value;

pub use method::{JwkEntry, Method};
pub use policy::{IssuerPolicy, Missing, TrustPolicy};

/// Largest trust document read, in bytes.
pub const MAX_TRUST_FILE_BYTES: u64 = 5 * 1024 * 1024;

/// Why a trust folder could not be loaded. Every variant names the file at fault.
#[derive(Debug, thiserror::Error)]
pub enum TrustError {
    /// The folder or a file could not be read.
    #[error("trust store: cannot read {path}: {source}")]
    Read {
        /// Path.
        path: String,
        /// I/O error.
        source: std::io::Error,
    },
    /// A file is larger than [`MAX_TRUST_FILE_BYTES`].
    #[error("trust store: {path} is {bytes} bytes, more than the {MAX_TRUST_FILE_BYTES}-byte limit")]
    TooLarge {
        /// Path.
        path: String,
        /// Size.
        bytes: u64,
    },
    /// A file is not JSON (or `policy.toml` not valid TOML).
    #[error("trust store: {path} is not valid {format}: {reason}")]
    Parse {
        /// Path.
        path: String,
        /// `JSON` or `TOML`.
        format: &'static str,
        /// Parser message.
        reason: String,
    },
    /// `policy.toml` has an invalid value.
    #[error("trust store: {path}: {reason}")]
    Policy {
        /// Path.
        path: String,
        /// What is wrong.
        reason: String,
    },
    /// Two different documents claim the same id.
    #[error("trust store: {first} and {second} both define id {id} with different content")]
    Duplicate {
        /// The id.
        id: String,
        /// First file.
        first: String,
        /// Second file.
        second: String,
    },
    /// A JSON document is neither a recognised document nor a JWKS, or has no id.
    #[error("trust store: {path}: {reason}")]
    Unrecognised {
        /// Path.
        path: String,
        /// Why.
        reason: String,
    },
}

/// A file read into the store, for the run manifest.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TrustFile {
    /// Path relative to the trust folder.
    pub path: String,
    /// Lower-case hex sha256 of its bytes.
    pub sha256: String,
}

/// A pinned status-list credential (its own signature is checked, and its bitstring decoded,
/// when a credential first points into it: see [`crate::verify::status_list::CheckedLists`]).
#[derive(Debug)]
pub struct PinnedStatusList {
    /// The status-list credential (for a VC-JWT: the credential its payload carries).
    pub doc: Arc<Value>,
    /// The compact JWT, when the list is secured as a VC-JWT rather than by a Data Integrity proof.
    pub jwt: Option<JwtSecured>,
}

/// A document that arrived as a compact VC-JWT.
#[derive(Debug, Clone)]
pub struct JwtSecured {
    /// The compact serialization, as read.
    pub compact: String,
    /// Problems mapping the JWT claims onto the credential (`iss` disagreeing with `issuer`, …);
    /// any problem makes the document unusable.
    pub problems: Vec<String>,
}

/// A trust-folder file that was skipped, with the reason.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SkippedFile {
    /// Path relative to the trust folder.
    pub path: String,
    /// Why it was skipped.
    pub reason: String,
}

/// Name of the fetch record `skillmatch trust pull` writes at the top of a trust folder.
pub const SNAPSHOT_FILE: &str = "SNAPSHOT.json";

/// Pinned documents and the trust policy.
#[derive(Debug, Default)]
pub struct TrustStore {
    configured: bool,
    root: Option<PathBuf>,
    policy: TrustPolicy,
    docs: HashMap<String, (Arc<Value>, String)>,
    profiles: HashMap<String, Arc<Value>>,
    did_docs: HashMap<String, Arc<Value>>,
    methods: HashMap<String, Method>,
    jwks: HashMap<String, Vec<JwkEntry>>,
    revocation_lists: HashMap<String, Arc<Value>>,
    badge_classes: HashMap<String, Arc<Value>>,
    status_lists: HashMap<String, PinnedStatusList>,
    files: Vec<TrustFile>,
    skipped: Vec<SkippedFile>,
    hosted: HashMap<String, Arc<Value>>,
    gone: HashMap<String, String>,
    pulled: std::collections::HashSet<String>,
    snapshot_aliases: HashMap<String, String>,
}

/// The `type` values of a JSON-LD object as written (`type` or `@type`, a string or an array)
/// and its strict `id` (`id` or `@id`, a non-empty string): the JSON-LD accessors of
/// [`crate::ingest::jsonld_access`], whose raw IRIs the trust decisions compare.
pub(crate) use crate::ingest::jsonld_access::{id_str as id_of, types_raw as types_of};

/// Resolves a method reference (`#key-1`) against the document id it appears in.
pub(crate) fn absolute_ref(base: &str, reference: &str) -> String {
    if reference.starts_with('#') {
        format!("{}{reference}", base.split('#').next().unwrap_or(base))
    } else {
        reference.to_string()
    }
}

const METHOD_TYPES: [&str; 6] = [
    "Multikey",
    "Ed25519VerificationKey2020",
    "Ed25519VerificationKey2018",
    "JsonWebKey2020",
    "JsonWebKey",
    "EcdsaSecp256r1VerificationKey2019",
];

/// Relationships of a DID document / profile whose entries are (or reference) keys.
const KEY_RELATIONS: [&str; 5] =
    ["verificationMethod", "assertionMethod", "authentication", "publicKey", "capabilityInvocation"];

impl TrustStore {
    /// An empty store that counts as configured (for tests and programmatic use).
    pub fn empty_configured() -> TrustStore {
        TrustStore { configured: true, ..TrustStore::default() }
    }

    /// Loads every `*.json` and `*.jwt` document under `dir` (recursively), `dir/policy.toml` and
    /// `dir/SNAPSHOT.json` if present.
    ///
    /// # Errors
    /// A [`TrustError`] naming the file when a file cannot be read or parsed, the policy is
    /// invalid, two documents claim the same id with different content, or a JSON file is not a
    /// document the store understands.
    pub fn load(dir: &Path) -> Result<TrustStore, TrustError> {
        let mut store = TrustStore { configured: true, root: Some(dir.to_path_buf()), ..TrustStore::default() };
        let policy_path = dir.join("policy.toml");
        if policy_path.is_file() {
            let text = read_capped(&policy_path)?;
            let text = String::from_utf8(text).map_err(|e| TrustError::Parse {
                path: policy_path.display().to_string(),
                format: "TOML",
                reason: e.to_string(),
            })?;
            let policy: TrustPolicy = toml::from_str(&text).map_err(|e| TrustError::Parse {
                path: policy_path.display().to_string(),
                format: "TOML",
                reason: e.to_string(),
            })?;
            policy
                .validate()
                .map_err(|reason| TrustError::Policy { path: policy_path.display().to_string(), reason })?;
            store
                .files
                .push(TrustFile { path: "policy.toml".into(), sha256: crate::util::sha256_hex(text.as_bytes()) });
            store.policy = policy;
        }
        let snapshot_path = dir.join(SNAPSHOT_FILE);
        if snapshot_path.is_file() {
            match read_capped(&snapshot_path) {
                Ok(bytes) => store.read_snapshot(&bytes, SNAPSHOT_FILE),
                Err(e @ TrustError::TooLarge { .. }) => store.skip(SNAPSHOT_FILE, e.to_string()),
                Err(e) => return Err(e),
            }
        }
        let mut paths = Vec::new();
        walk(dir, &mut paths)?;
        let rel_of = |path: &Path| path.strip_prefix(dir).unwrap_or(path).to_string_lossy().replace('\\', "/");
        // Documents placed by hand first, then those `trust pull` fetched: a pulled document
        // that claims the id of one placed by hand is skipped, never the other way round.
        paths.sort_by_cached_key(|p| {
            let rel = rel_of(p);
            (store.pulled.contains(&rel), rel)
        });
        for path in paths {
            let rel = rel_of(&path);
            let bytes = match read_capped(&path) {
                Ok(b) => b,
                Err(e @ TrustError::TooLarge { .. }) => {
                    store.skip(&rel, e.to_string());
                    continue;
                }
                Err(e) => return Err(e),
            };
            store.files.push(TrustFile { path: rel.clone(), sha256: crate::util::sha256_hex(&bytes) });
            if rel == SNAPSHOT_FILE {
                continue; // read above, before any document
            }
            let is_jwt = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("jwt"));
            let result = if is_jwt {
                match std::str::from_utf8(&bytes) {
                    Ok(text) => store.add_jwt(text, &rel),
                    Err(e) => {
                        Err(TrustError::Unrecognised { path: rel.clone(), reason: format!("not UTF-8 text: {e}") })
                    }
                }
            } else {
                match serde_json::from_slice::<Value>(&bytes) {
                    Ok(Value::String(text)) => store.add_jwt(&text, &rel),
                    Ok(doc) => store.add(doc, &rel),
                    Err(e) => Err(TrustError::Parse { path: rel.clone(), format: "JSON", reason: e.to_string() }),
                }
            };
            match result {
                Ok(()) => {}
                Err(e @ TrustError::Duplicate { .. }) if !store.pulled.contains(&rel) => return Err(e),
                Err(e) => store.skip(&rel, e.to_string()),
            }
        }
        store.files.sort_by(|a, b| a.path.cmp(&b.path));
        store.skipped.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(store)
    }

    /// Records a skipped file and warns about it.
    fn skip(&mut self, rel: &str, reason: String) {
        tracing::warn!("trust store: skipping {rel}: {reason}");
        self.skipped.push(SkippedFile { path: rel.to_string(), reason });
    }

    /// Reads `SNAPSHOT.json` (written by `trust pull`): the files it stored (pulled documents,
    /// which never make an issuer known), the URLs that answered `410 Gone`, and the URL → id
    /// aliases of documents whose id is not their URL.
    fn read_snapshot(&mut self, bytes: &[u8], rel: &str) {
        let snapshot: Value = match serde_json::from_slice(bytes) {
            Ok(v) => v,
            Err(e) => return self.skip(rel, format!("not valid JSON: {e}")),
        };
        for entry in snapshot.get("entries").and_then(Value::as_array).into_iter().flatten() {
            let url = entry.get("url").and_then(Value::as_str);
            let status = entry.get("status").and_then(Value::as_u64);
            if let (Some(url), Some(410)) = (url, status) {
                let when = entry.get("fetched_at").and_then(Value::as_str).unwrap_or("(unknown time)");
                self.gone.insert(url.to_string(), when.to_string());
            }
            if let Some(file) = entry.get("file").and_then(Value::as_str) {
                self.pulled.insert(file.to_string());
                if let (Some(url), Some(id)) = (url, entry.get("id").and_then(Value::as_str))
                    && url != id
                {
                    self.snapshot_aliases.insert(url.to_string(), id.to_string());
                }
            }
        }
    }

    /// Adds a compact VC-JWT document (as if read from `file`). Only status-list credentials are
    /// accepted in this form; the signature is checked when the list is first used.
    ///
    /// # Errors
    /// [`TrustError::Unrecognised`] when the text is not a compact JWS or carries no status-list
    /// credential; [`TrustError::Duplicate`] as for [`TrustStore::add`].
    pub fn add_jwt(&mut self, text: &str, file: &str) -> Result<(), TrustError> {
        let unrecognised = |reason: String| TrustError::Unrecognised { path: file.into(), reason };
        let jws = crate::verify::jws::parse(text).map_err(|e| unrecognised(format!("not a compact JWT: {e}")))?;
        let (doc, problems) = crate::ingest::jwt_credential_document(&jws.payload);
        let types = types_of(&doc);
        if !types.iter().any(|t| *t == "BitstringStatusListCredential" || *t == "StatusList2021Credential") {
            return Err(unrecognised(
                "a JWT that is not a status-list credential (only status lists are read as VC-JWT)".into(),
            ));
        }
        let Some(id) = id_of(&doc).map(str::to_string) else {
            return Err(unrecognised("status-list JWT has no id (neither the credential id nor jti)".into()));
        };
        let compact = text.trim().to_string();
        let key = Value::String(compact.clone());
        if let Some((existing, first)) = self.docs.get(&id) {
            if **existing != key {
                return Err(TrustError::Duplicate { id, first: first.clone(), second: file.into() });
            }
            return Ok(());
        }
        self.docs.insert(id.clone(), (Arc::new(key), file.into()));
        self.status_lists
            .insert(id, PinnedStatusList { doc: Arc::new(doc), jwt: Some(JwtSecured { compact, problems }) });
        Ok(())
    }

    /// Adds one document (as if read from `file`, a path relative to the folder).
    ///
    /// # Errors
    /// [`TrustError::Duplicate`] for a different document with the same id;
    /// [`TrustError::Unrecognised`] for a document without an id or of no known kind.
    pub fn add(&mut self, doc: Value, file: &str) -> Result<(), TrustError> {
        if let Some(keys) = doc.get("keys").and_then(Value::as_array) {
            for k in keys {
                if let Some(kid) = k.get("kid").and_then(Value::as_str) {
                    self.jwks.entry(kid.to_string()).or_default().push(JwkEntry::new(k.clone(), file.into()));
                }
            }
            if id_of(&doc).is_none() {
                return Ok(());
            }
        }
        let Some(id) = id_of(&doc).map(str::to_string) else {
            return Err(TrustError::Unrecognised {
                path: file.into(),
                reason: "not a trust document: it has no id (every pinned document is found by its own id; a JWKS needs a keys array)"
                    .into(),
            });
        };
        if !is_known_kind(&id, &doc) {
            let types = types_of(&doc);
            let what = if types.is_empty() { "no type".to_string() } else { format!("type {}", types.join(", ")) };
            return Err(TrustError::Unrecognised {
                path: file.into(),
                reason: format!("not a trust document: {what} is none of the kinds the store reads"),
            });
        }
        if let Some((existing, first)) = self.docs.get(&id) {
            if **existing != doc {
                return Err(TrustError::Duplicate { id, first: first.clone(), second: file.into() });
            }
            return Ok(());
        }
        let doc = Arc::new(doc);
        self.docs.insert(id.clone(), (doc.clone(), file.into()));
        let types = types_of(&doc);
        let has = |t: &str| types.contains(&t);
        if id.starts_with("did:") {
            self.did_docs.insert(id.clone(), doc.clone());
        }
        if has("Issuer") || has("Profile") {
            self.profiles.insert(id.clone(), doc.clone());
        }
        if has("BadgeClass") {
            self.badge_classes.insert(id.clone(), doc.clone());
        }
        if has("RevocationList") {
            self.revocation_lists.insert(id.clone(), doc.clone());
        }
        if has("BitstringStatusListCredential") || has("StatusList2021Credential") {
            self.status_lists.insert(id.clone(), PinnedStatusList { doc: doc.clone(), jwt: None });
        }
        if is_hosted_copy(&doc) {
            self.hosted.insert(id.clone(), doc.clone());
        }
        if has("CryptographicKey") || METHOD_TYPES.iter().any(|t| has(t)) {
            let controller = doc
                .get("controller")
                .or_else(|| doc.get("owner"))
                .and_then(Value::as_str)
                .map(|c| absolute_ref(&id, c));
            self.methods.insert(id.clone(), Method::new((*doc).clone(), controller, file.into()));
        }
        // Methods embedded in DID documents and profiles.
        for rel in KEY_RELATIONS {
            for m in doc.get(rel).and_then(Value::as_array).into_iter().flatten() {
                if let Some(mid) = id_of(m) {
                    let mid = absolute_ref(&id, mid);
                    let controller =
                        m.get("controller").and_then(Value::as_str).map(|c| absolute_ref(&id, c)).or(Some(id.clone()));
                    self.methods.entry(mid).or_insert_with(|| Method::new(m.clone(), controller, file.into()));
                }
            }
        }
        Ok(())
    }

    /// Whether a trust folder was given (see the module doc for what changes).
    pub fn is_configured(&self) -> bool {
        self.configured
    }

    /// The folder the store was loaded from.
    pub fn root(&self) -> Option<&Path> {
        self.root.as_deref()
    }

    /// The trust policy (defaults when the folder has no `policy.toml`).
    pub fn policy(&self) -> &TrustPolicy {
        &self.policy
    }

    /// Replaces the policy (for programmatic use and tests).
    pub fn set_policy(&mut self, policy: TrustPolicy) {
        self.policy = policy;
    }

    /// Every file read, sorted by path, with its sha256.
    pub fn files(&self) -> &[TrustFile] {
        &self.files
    }

    /// Files that were skipped (not a trust document, not JSON, too large), sorted by path.
    pub fn skipped(&self) -> &[SkippedFile] {
        &self.skipped
    }

    /// The fetched copy of an OB 2.0 hosted assertion (or the revocation notice served in its
    /// place) pinned under the assertion's URL.
    pub fn hosted_copy(&self, url: &str) -> Option<&Arc<Value>> {
        self.hosted.get(url)
    }

    /// When `url` answered `410 Gone` at fetch time (from `SNAPSHOT.json`), the fetch time.
    pub fn gone(&self, url: &str) -> Option<&str> {
        self.gone.get(url).map(String::as_str)
    }

    /// Number of pinned documents (by id).
    pub fn len(&self) -> usize {
        self.docs.len()
    }

    /// Whether no document is pinned.
    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    /// The id a URL stands for: its `[aliases]` target, else itself.
    ///
    /// The policy's `[aliases]` come first, then those `SNAPSHOT.json` records for documents
    /// whose id is not the URL they were fetched from.
    pub fn resolve_alias<'a>(&'a self, url: &'a str) -> &'a str {
        self.policy.aliases.get(url).or_else(|| self.snapshot_aliases.get(url)).map_or(url, String::as_str)
    }

    /// Whether the document pinned under `id` was placed by hand (not fetched by `trust pull`).
    fn placed_by_hand(&self, id: &str) -> bool {
        self.docs.get(self.resolve_alias(id)).is_some_and(|(_, file)| !self.pulled.contains(file))
    }

    /// Any pinned document by id (or alias).
    pub fn document(&self, id: &str) -> Option<&Arc<Value>> {
        self.docs.get(self.resolve_alias(id)).map(|(d, _)| d)
    }

    /// A pinned Issuer / Profile document.
    pub fn profile(&self, id: &str) -> Option<&Arc<Value>> {
        self.profiles.get(self.resolve_alias(id))
    }

    /// A pinned DID document.
    pub fn did_document(&self, did: &str) -> Option<&Arc<Value>> {
        self.did_docs.get(did)
    }

    /// A pinned verification method / CryptographicKey by id.
    pub fn method(&self, id: &str) -> Option<&Method> {
        self.methods.get(self.resolve_alias(id))
    }

    /// JWKS keys with this `kid`.
    pub fn jwks_keys(&self, kid: &str) -> &[JwkEntry] {
        self.jwks.get(kid).map_or(&[], Vec::as_slice)
    }

    /// A pinned OB 2.0 RevocationList.
    pub fn revocation_list(&self, id: &str) -> Option<&Arc<Value>> {
        self.revocation_lists.get(self.resolve_alias(id))
    }

    /// A pinned OB 2.0 BadgeClass.
    pub fn badge_class(&self, id: &str) -> Option<&Arc<Value>> {
        self.badge_classes.get(self.resolve_alias(id))
    }

    /// A pinned status-list credential.
    pub fn status_list(&self, url: &str) -> Option<&PinnedStatusList> {
        self.status_lists.get(self.resolve_alias(url))
    }

    /// The ids of every pinned status-list credential (in no particular order).
    pub fn status_list_ids(&self) -> impl Iterator<Item = &str> {
        self.status_lists.keys().map(String::as_str)
    }

    /// How the store knows `issuer_id`: the policy entry, else a profile or DID document pinned
    /// by hand (one fetched by `trust pull` does not count).
    pub fn issuer_known(&self, issuer_id: &str) -> Option<KnownIssuer<'_>> {
        if let Some(p) = self.policy.issuer(issuer_id) {
            return Some(KnownIssuer {
                policy: Some(p),
                tier: p.tier.clone().unwrap_or(self.policy.default_tier.clone()),
            });
        }
        // A pulled profile or DID document is evidence, not trust: only one placed by hand
        // makes its issuer known.
        let pinned = self.profile(issuer_id).is_some() || self.did_docs.contains_key(issuer_id);
        if pinned && self.placed_by_hand(issuer_id) {
            return Some(KnownIssuer { policy: None, tier: self.policy.default_tier.clone() });
        }
        None
    }

    /// Weight of an issuer's accreditation tier (`None` when the issuer is unknown).
    pub fn issuer_weight(&self, issuer_id: &str) -> Option<f64> {
        let known = self.issuer_known(issuer_id)?;
        self.policy.tiers.get(&known.tier).copied()
    }

    /// Whether the issuer (its pinned profile / DID document, or its policy entry and the JWKS
    /// files it names) lists `key_id` as one of its keys.
    ///
    /// For a DID document the key must be an `assertionMethod` (a credential is an assertion);
    /// for an OB 2.0 / OB 3.0 profile `publicKey`, `verificationMethod` or `assertionMethod`.
    pub fn issuer_lists_key(&self, issuer_id: &str, key_id: &str) -> bool {
        let listed_in = |doc: &Value, relations: &[&str]| {
            let base = id_of(doc).unwrap_or(issuer_id).to_string();
            relations.iter().any(|rel| {
                doc.get(*rel)
                    .into_iter()
                    .flat_map(|v| match v {
                        Value::Array(a) => a.iter().collect::<Vec<_>>(),
                        other => vec![other],
                    })
                    .any(|entry| {
                        let r = entry.as_str().or_else(|| id_of(entry));
                        r.is_some_and(|r| absolute_ref(&base, r) == key_id)
                    })
            })
        };
        if let Some(d) = self.did_docs.get(issuer_id)
            && listed_in(d, &["assertionMethod"])
        {
            return true;
        }
        if let Some(p) = self.profile(issuer_id)
            && !issuer_id.starts_with("did:")
            && listed_in(p, &["publicKey", "verificationMethod", "assertionMethod"])
        {
            return true;
        }
        if let Some(entry) = self.policy.issuer(issuer_id) {
            if entry.keys.iter().any(|k| k == key_id) {
                return true;
            }
            if self.jwks_keys(key_id).iter().any(|j| entry.jwks.iter().any(|f| same_file(f, &j.file))) {
                return true;
            }
        }
        false
    }

    /// Whether the policy names `did` (a did:key / did:jwk) as the DID of a trusted issuer.
    pub fn policy_names_did(&self, did: &str) -> bool {
        self.policy.issuers.iter().any(|i| i.did.as_deref() == Some(did) || i.id.as_deref() == Some(did))
    }

    /// The `missing` policy.
    pub fn missing(&self) -> Missing {
        self.policy.missing
    }

    /// Per-issuer hosted-without-fetch policy, if the issuer's entry sets one.
    pub fn accept_hosted_offline(&self, issuer_id: &str) -> Option<bool> {
        self.policy.issuer(issuer_id).and_then(|i| i.accept_hosted_offline)
    }

    /// Counts of pinned documents by kind (for logs).
    pub fn summary(&self) -> BTreeMap<&'static str, usize> {
        BTreeMap::from([
            ("documents", self.docs.len()),
            ("profiles", self.profiles.len()),
            ("did_documents", self.did_docs.len()),
            ("keys", self.methods.len()),
            ("jwks_keys", self.jwks.len()),
            ("revocation_lists", self.revocation_lists.len()),
            ("status_lists", self.status_lists.len()),
            ("badge_classes", self.badge_classes.len()),
            ("hosted_copies", self.hosted.len()),
            ("skipped_files", self.skipped.len()),
            ("issuers_in_policy", self.policy.issuers.len()),
        ])
    }
}

/// How an issuer is known to the store.
#[derive(Debug, Clone)]
pub struct KnownIssuer<'a> {
    /// Its policy entry, if any.
    pub policy: Option<&'a IssuerPolicy>,
    /// Its accreditation tier.
    pub tier: String,
}

/// Whether a document with this id is of a kind the store reads.
fn is_known_kind(id: &str, doc: &Value) -> bool {
    const KINDS: [&str; 7] = [
        "Issuer",
        "Profile",
        "BadgeClass",
        "RevocationList",
        "BitstringStatusListCredential",
        "StatusList2021Credential",
        "CryptographicKey",
    ];
    let types = types_of(doc);
    id.starts_with("did:")
        || doc.get("keys").is_some_and(Value::is_array)
        || types.iter().any(|t| KINDS.contains(t) || METHOD_TYPES.contains(t))
        || is_hosted_copy(doc)
}

/// Whether a document is an OB 2.0 hosted assertion as its URL serves it: an `Assertion`, or a
/// revocation notice (`{"id", "revoked": true, "revocationReason"}`, OB 2.0 context, no type).
pub(crate) fn is_hosted_copy(doc: &Value) -> bool {
    let types = types_of(doc);
    types.contains(&"Assertion")
        || (types.is_empty()
            && doc.get("revoked").and_then(Value::as_bool) == Some(true)
            && match doc.get("@context") {
                Some(Value::String(c)) => c.contains("w3id.org/openbadges"),
                Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).any(|c| c.contains("w3id.org/openbadges")),
                _ => false,
            })
}

fn same_file(a: &str, b: &str) -> bool {
    a.trim_start_matches("./") == b.trim_start_matches("./")
}

fn read_capped(path: &Path) -> Result<Vec<u8>, TrustError> {
    let meta =
        std::fs::metadata(path).map_err(|source| TrustError::Read { path: path.display().to_string(), source })?;
    if meta.len() > MAX_TRUST_FILE_BYTES {
        return Err(TrustError::TooLarge { path: path.display().to_string(), bytes: meta.len() });
    }
    std::fs::read(path).map_err(|source| TrustError::Read { path: path.display().to_string(), source })
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), TrustError> {
    let entries =
        std::fs::read_dir(dir).map_err(|source| TrustError::Read { path: dir.display().to_string(), source })?;
    for entry in entries {
        let entry = entry.map_err(|source| TrustError::Read { path: dir.display().to_string(), source })?;
        let path = entry.path();
        let file_type =
            entry.file_type().map_err(|source| TrustError::Read { path: path.display().to_string(), source })?;
        if file_type.is_dir() {
            walk(&path, out)?;
        } else if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json") || e.eq_ignore_ascii_case("jwt")) {
            out.push(path);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
