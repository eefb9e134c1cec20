//! Fast path for JSON-LD toRdf: quad *templates* per document shape, exact against the general
//! path ([`super::to_quads`]).
//!
//! Expanding an OB 3.0 credential costs milliseconds, almost all of it in processing the same
//! few contexts again (the bundled VC / OB contexts and their type-scoped contexts). What
//! expansion does to a document depends on its keys, its contexts, its `type` values and the
//! *kind* of each value, but a plain data value only flows through: a string in a literal
//! position becomes the lexical form of a literal whose datatype / language come from the
//! context; an absolute IRI in an `@id` position becomes that IRI. So the dataset of a document
//! is the dataset of its *probe* — the document with every such value replaced by a unique
//! token — with the tokens replaced back. A batch from a few issuer templates has a few probes:
//! each is expanded once ([`MAX_TEMPLATES`] at most) and every credential of that shape is then
//! instantiated in microseconds.
//!
//! Soundness (why the instantiated dataset equals the general path's, byte for byte after
//! RDFC-1.0):
//!
//! * Kept exactly (part of the shape): object keys, `@context` and the other keyword values,
//!   `type`/`@type` values, numbers, booleans, `null`, strings starting with `@` or `_:`, and any
//!   string that is a key anywhere in a bundled context or in one of the document's inline
//!   contexts (so a value can never be a term, whose expansion would depend on it).
//! * Every other string becomes a token that keeps what IRI expansion looks at: the prefix
//!   before the first `:` and whether `//` follows it (`https://x-skillmatch-slot-7`,
//!   `did:x-skillmatch-slot-8`), or no colon at all (`x-skillmatch-slot-9`). With the value not a
//!   term, IRI expansion of the token and of the value take the same branch (same prefix, same
//!   prefix-term lookup), the last being "is it a valid absolute IRI", which is checked on the
//!   value itself when it is instantiated in an IRI position; an invalid one falls back to the
//!   general path.
//! * The template is used only when every token appears in the probe's dataset, and only as a
//!   *whole* term (an IRI or a literal's lexical form): a token dropped (undefined term, relative
//!   IRI), rewritten (vocabulary- or base-resolved, prefix-expanded, inside a `@json` literal) or
//!   used both as an IRI and as a literal makes the shape fall back to the general path.
//! * A document that already contains the token marker anywhere falls back as well.
//! * Errors (unbundled context, invalid JSON-LD) always come from the general path.
//!
//! Tests compare this path with the general one on every fixture and test vector.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::{Arc, LazyLock, OnceLock, RwLock};

use oxrdf::{GraphName, NamedNodeRef, NamedOrBlankNode, Term};
use serde_json::{Map, Value};

use super::c14n;
use super::{JsonLdError, XSD_STRING, contexts, to_quads, write_json, write_json_str, write_separated};

/// Largest number of document shapes whose template (or fallback decision) is remembered.
pub const MAX_TEMPLATES: usize = 1_024;

/// The token marker; a document containing it is never templated.
const MARKER: &str = "x-skillmatch-slot-";

/// Every object key of every bundled context document (a superset of the terms they define).
static BUNDLED_KEYS: LazyLock<HashSet<String, BuildHasherDefault<FxHasher>>> = LazyLock::new(|| {
    let mut keys = HashSet::default();
    for (_, bytes) in contexts::CONTEXTS {
        if let Ok(v) = serde_json::from_slice::<Value>(bytes) {
            collect_keys(&v, &mut keys);
        }
    }
    keys
});

/// A multiply-rotate hasher (the "Fx" hash of rustc / Firefox) for [`BUNDLED_KEYS`], which every
/// string value of every document is looked up in. The set is fixed (the bundled contexts'
/// keys), so crafted values cannot degrade it; SipHash is kept for the template cache, whose
/// keys come from documents.
#[derive(Default)]
struct FxHasher(u64);

impl FxHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(c);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word) ^ ((rest.len() as u64) << 59));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// Templates by exact probe bytes; `None`: this shape takes the general path.
type Cache = HashMap<Vec<u8>, Option<Arc<Template>>>;

static TEMPLATES: LazyLock<RwLock<Cache>> = LazyLock::new(|| RwLock::new(HashMap::new()));

fn collect_keys<S: std::hash::BuildHasher>(v: &Value, keys: &mut HashSet<String, S>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                keys.insert(k.clone());
                collect_keys(x, keys);
            }
        }
        Value::Array(a) => a.iter().for_each(|x| collect_keys(x, keys)),
        _ => {}
    }
}

/// Keys whose values are kept exactly: keywords whose values are structure, and `proofPurpose`
/// (a term value, kept as the safe-mode shape keeps it; see [`Template::safe_mode`]).
const KEPT_KEYS: [&str; 12] = [
    "@context",
    "@language",
    "@direction",
    "@index",
    "@version",
    "@base",
    "@vocab",
    "@protected",
    "@type",
    "type",
    "@propagate",
    "proofPurpose",
];

/// Whether the value `x` of key `k` is kept exactly: [`KEPT_KEYS`], and an `id` / `@id` that is
/// not a string (invalid as an IRI; kept so that the shape decides safe mode, see
/// [`Template::safe_mode`]).
fn kept(k: &str, x: &Value) -> bool {
    KEPT_KEYS.contains(&k) || (matches!(k, "id" | "@id") && !x.is_string())
}

/// A term that is the same for every document of a shape.
enum Fixed {
    Iri(String),
    Blank(String),
    Typed(String, String),
    Lang(String, String),
}

impl Fixed {
    fn term(&self) -> c14n::Term<'_> {
        match self {
            Fixed::Iri(i) => c14n::Term::Iri(i),
            Fixed::Blank(b) => c14n::Term::Blank(b),
            Fixed::Typed(v, d) => c14n::Term::Typed(v, d),
            Fixed::Lang(v, l) => c14n::Term::Lang(v, l),
        }
    }
}

/// One position of a template quad.
enum Slot {
    /// A term that is the same for every document of the shape.
    Fixed(Fixed),
    /// The value of token `n` as an IRI.
    Iri(usize),
    /// The value of token `n` as a literal with this datatype IRI.
    Typed(usize, String),
    /// The value of token `n` as a literal with this language tag.
    Lang(usize, String),
}

/// The dataset of a shape with its values left open.
pub(super) struct Template {
    quads: Vec<(Slot, Slot, Slot, Option<Slot>)>,
    /// Tokens used in an IRI position (their values must be valid absolute IRIs).
    iri_tokens: Vec<usize>,
    /// The JSON-LD safe-mode result of every document of this shape.
    ///
    /// Sound because the shape (the cache key) determines [`super::safe::check_coverage`]: the
    /// key keeps every key, array position, keyword value, `type`, `proofPurpose`, number,
    /// boolean and non-string `id` exactly, and of every other string whether it has a `:`,
    /// which is all that [`super::safe::fingerprint`] keeps, except the text of an `id` without
    /// `:`; such an id makes `check_coverage` refuse the document at the first such id's path,
    /// which the key also determines.
    safe_mode: OnceLock<Result<(), String>>,
}

impl Template {
    /// [`super::safe::check_coverage`] of `unsecured`, a document of this shape, computed for
    /// the first document of the shape only.
    ///
    /// # Errors
    /// As `check_coverage`.
    pub(super) fn safe_mode(&self, unsecured: impl FnOnce() -> Value) -> Result<(), String> {
        self.safe_mode.get_or_init(|| super::safe::check_coverage(&unsecured())).clone()
    }
}

/// The probe of a document: the document with data values tokenized, and the values.
struct Shaper<'a> {
    inline_keys: HashSet<&'a str>,
    values: Vec<&'a str>,
    tokens: Vec<String>,
    ok: bool,
}

impl<'a> Shaper<'a> {
    fn keep(&self, s: &str) -> bool {
        s.starts_with('@') || s.starts_with("_:") || BUNDLED_KEYS.contains(s) || self.inline_keys.contains(s)
    }

    fn token(&mut self, s: &'a str) -> Value {
        let n = self.values.len();
        self.values.push(s);
        let token = match s.split_once(':') {
            Some((prefix, suffix)) if suffix.starts_with("//") => format!("{prefix}://{MARKER}{n}"),
            Some((prefix, _)) => format!("{prefix}:{MARKER}{n}"),
            None => format!("{MARKER}{n}"),
        };
        self.tokens.push(token.clone());
        Value::String(token)
    }

    /// Writes the cache key of `v`: exactly `serde_json::to_vec(&self.walk(v))`, without building
    /// the probe (the probe is built only when the key is not cached yet). Collects the same
    /// values in the same order as [`Shaper::walk`].
    fn write_key(&mut self, v: &'a Value, out: &mut Vec<u8>) {
        match v {
            Value::Object(m) => write_separated(out, (b'{', b'}'), m, |(k, x), out| self.write_entry(k, x, out)),
            Value::Array(a) => write_separated(out, (b'[', b']'), a, |x, out| self.write_key(x, out)),
            Value::String(s) if s.contains(MARKER) => {
                self.ok = false;
                write_json_str(out, s);
            }
            Value::String(s) if self.keep(s) => write_json_str(out, s),
            Value::String(s) => {
                let n = self.values.len();
                self.values.push(s);
                let (prefix, slashes) = match s.split_once(':') {
                    Some((prefix, suffix)) => (Some(prefix), suffix.starts_with("//")),
                    None => (None, false),
                };
                // The token's JSON text: `"{prefix}:[//]{MARKER}{n}"` (only the prefix may need
                // escaping).
                if let Some(prefix) = prefix {
                    write_json_str(out, prefix);
                    out.pop();
                    out.extend_from_slice(if slashes { b"://" } else { b":" });
                } else {
                    out.push(b'"');
                }
                out.extend_from_slice(MARKER.as_bytes());
                out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
                out.push(b'"');
            }
            Value::Number(_) | Value::Bool(_) | Value::Null => write_json(out, v),
        }
    }

    /// Writes one object entry `"k":value` of the cache key (see [`Shaper::write_key`]).
    fn write_entry(&mut self, k: &'a str, x: &'a Value, out: &mut Vec<u8>) {
        if k.contains(MARKER) {
            self.ok = false;
        }
        write_json_str(out, k);
        out.push(b':');
        if kept(k, x) {
            self.ok &= !contains_marker(x);
            write_json(out, x);
        } else {
            self.write_key(x, out);
        }
    }

    fn walk(&mut self, v: &'a Value) -> Value {
        match v {
            Value::Object(m) => {
                let mut out = Map::new();
                for (k, x) in m {
                    if k.contains(MARKER) {
                        self.ok = false;
                    }
                    let nx = if kept(k, x) {
                        self.ok &= !contains_marker(x);
                        x.clone()
                    } else {
                        self.walk(x)
                    };
                    out.insert(k.clone(), nx);
                }
                Value::Object(out)
            }
            Value::Array(a) => Value::Array(a.iter().map(|x| self.walk(x)).collect()),
            Value::String(s) if s.contains(MARKER) => {
                self.ok = false;
                v.clone()
            }
            Value::String(s) if self.keep(s) => v.clone(),
            Value::String(s) => self.token(s),
            Value::Number(_) | Value::Bool(_) | Value::Null => v.clone(),
        }
    }
}

fn contains_marker(v: &Value) -> bool {
    match v {
        Value::Object(m) => m.iter().any(|(k, x)| k.contains(MARKER) || contains_marker(x)),
        Value::Array(a) => a.iter().any(contains_marker),
        Value::String(s) => s.contains(MARKER),
        _ => false,
    }
}

/// Every key of `v`, at any depth (the terms an inline context may define).
fn all_keys<'a>(v: &'a Value, out: &mut HashSet<&'a str>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                out.insert(k.as_str());
                all_keys(x, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|x| all_keys(x, out)),
        _ => {}
    }
}

/// Keys of every inline context of the document (objects under `@context`, at any depth).
fn inline_context_keys<'a>(v: &'a Value, out: &mut HashSet<&'a str>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                inline_context_entry(k, x, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|x| inline_context_keys(x, out)),
        _ => {}
    }
}

/// [`inline_context_keys`] of one object entry.
fn inline_context_entry<'a>(k: &str, x: &'a Value, out: &mut HashSet<&'a str>) {
    if k == "@context" {
        all_keys(x, out);
    } else {
        inline_context_keys(x, out);
    }
}

/// Builds the template of a probe, or `None` when the shape must take the general path.
fn build(probe: &Value, tokens: &[String]) -> Option<Template> {
    let quads = to_quads(probe).ok()?;
    let index: HashMap<&str, usize> = tokens.iter().enumerate().map(|(n, t)| (t.as_str(), n)).collect();
    // Per token: Some(true) used as an IRI, Some(false) as a literal.
    let mut kind: Vec<Option<bool>> = vec![None; tokens.len()];
    // Some(Some(n)): the whole term is token n; Some(None): no marker; None: a token inside a
    // longer term (rewritten by expansion: the shape takes the general path).
    let mut classify = |s: &str, iri: bool| -> Option<Option<usize>> {
        if !s.contains(MARKER) {
            return Some(None);
        }
        let n = *index.get(s)?;
        match kind[n] {
            Some(k) if k != iri => None,
            _ => {
                kind[n] = Some(iri);
                Some(Some(n))
            }
        }
    };
    fn iri_slot(classify: &mut impl FnMut(&str, bool) -> Option<Option<usize>>, s: String) -> Option<Slot> {
        Some(match classify(&s, true)? {
            Some(n) => Slot::Iri(n),
            None => Slot::Fixed(Fixed::Iri(s)),
        })
    }
    let mut out = Vec::with_capacity(quads.len());
    for q in quads {
        let subject = match q.subject {
            NamedOrBlankNode::NamedNode(n) => iri_slot(&mut classify, n.into_string())?,
            NamedOrBlankNode::BlankNode(b) => Slot::Fixed(Fixed::Blank(b.into_string())),
        };
        let predicate = iri_slot(&mut classify, q.predicate.into_string())?;
        let graph = match q.graph_name {
            GraphName::DefaultGraph => None,
            GraphName::NamedNode(n) => Some(iri_slot(&mut classify, n.into_string())?),
            GraphName::BlankNode(b) => Some(Slot::Fixed(Fixed::Blank(b.into_string()))),
        };
        let object = match q.object {
            Term::NamedNode(n) => iri_slot(&mut classify, n.into_string())?,
            Term::BlankNode(b) => Slot::Fixed(Fixed::Blank(b.into_string())),
            Term::Literal(l) => {
                let (value, datatype, language) = l.destruct();
                let datatype = datatype.map_or_else(|| XSD_STRING.to_string(), |d| d.into_string());
                if datatype.contains(MARKER) || language.as_ref().is_some_and(|l| l.contains(MARKER)) {
                    return None;
                }
                match (classify(&value, false)?, language) {
                    (Some(n), Some(lang)) => Slot::Lang(n, lang),
                    (Some(n), None) => Slot::Typed(n, datatype),
                    (None, Some(lang)) => Slot::Fixed(Fixed::Lang(value, lang)),
                    (None, None) => Slot::Fixed(Fixed::Typed(value, datatype)),
                }
            }
        };
        out.push((subject, predicate, object, graph));
    }
    // Every token must reach the dataset: a dropped value may hide a value-dependent rule.
    if kind.iter().any(Option::is_none) {
        return None;
    }
    let iri_tokens = (0..tokens.len()).filter(|&n| kind[n] == Some(true)).collect();
    Some(Template { quads: out, iri_tokens, safe_mode: OnceLock::new() })
}

fn instantiate<'a>(t: &'a Template, values: &[&'a str]) -> Option<Vec<c14n::Quad<'a>>> {
    for &n in &t.iri_tokens {
        let v = values.get(n)?;
        // The last branch of IRI expansion: the value passes through only if it is a valid
        // absolute IRI (the token was one); otherwise take the general path.
        if NamedNodeRef::new(v).is_err() {
            return None;
        }
    }
    let slot = |s: &'a Slot| -> Option<c14n::Term<'a>> {
        Some(match s {
            Slot::Fixed(t) => t.term(),
            Slot::Iri(n) => c14n::Term::Iri(values.get(*n)?),
            Slot::Typed(n, d) => c14n::Term::Typed(values.get(*n)?, d),
            Slot::Lang(n, l) => c14n::Term::Lang(values.get(*n)?, l),
        })
    };
    let mut quads = Vec::with_capacity(t.quads.len());
    for (s, p, o, g) in &t.quads {
        let g = match g {
            None => None,
            Some(g) => Some(slot(g)?),
        };
        quads.push(c14n::Quad { s: slot(s)?, p: slot(p)?, o: slot(o)?, g });
    }
    Some(quads)
}

/// A JSON document read in place: a value, or an object given by its entries (a signed document
/// without its `proof`, a proof with the document's `@context`), so that verification does not
/// copy documents to add or drop a key.
pub enum Doc<'a> {
    /// The document itself.
    Value(&'a Value),
    /// An object with these entries, in the order its [`Doc::to_value`] copy iterates them.
    Entries(Vec<(&'a str, &'a Value)>),
}

impl<'a> Doc<'a> {
    /// `doc` without its top-level key `skip` (`doc` itself when it is not an object).
    pub fn without(doc: &'a Value, skip: &str) -> Doc<'a> {
        match doc {
            Value::Object(m) => {
                Doc::Entries(m.iter().filter(|(k, _)| *k != skip).map(|(k, v)| (k.as_str(), v)).collect())
            }
            other => Doc::Value(other),
        }
    }

    /// The proof options document of `proof` (an object): the proof without `proofValue`, with
    /// the `@context` of `doc` (see [`super::proof_options`]); `None` when the
    /// proof is not an object.
    pub fn proof_options(proof: &'a Value, doc: &'a Value) -> Option<Doc<'a>> {
        let m = proof.as_object()?;
        let context = doc.get("@context");
        let mut entries: Vec<(&str, &Value)> = m
            .iter()
            .filter(|(k, _)| *k != "proofValue" && !(context.is_some() && *k == "@context"))
            .map(|(k, v)| (k.as_str(), v))
            .collect();
        if let Some(c) = context {
            entries.push(("@context", c));
        }
        // The copy's map iterates its keys in order (serde_json's default map is sorted).
        entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
        Some(Doc::Entries(entries))
    }

    /// The document as a value (a copy, for the general path and cache misses).
    pub fn to_value(&self) -> Value {
        match self {
            Doc::Value(v) => (*v).clone(),
            Doc::Entries(e) => Value::Object(e.iter().map(|(k, v)| (k.to_string(), (*v).clone())).collect()),
        }
    }
}

/// The RDFC-1.0 canonical N-Quads of `doc` through its shape's template, or `None` when this
/// document must take the general path (see the module doc). The template is returned when it
/// is in the cache (its safe-mode result is then shared by the shape).
pub(super) fn canonical_nquads(doc: &Doc<'_>) -> Option<Templated> {
    let (key, shaper) = shape_key(doc)?;
    let cached = TEMPLATES.read().ok().and_then(|m| m.get(&key).cloned());
    let (template, stored) = match cached {
        Some(t) => (t?, true),
        None => {
            let copy = doc.to_value();
            let mut probe_shaper =
                Shaper { inline_keys: HashSet::new(), values: Vec::new(), tokens: Vec::new(), ok: true };
            inline_context_keys(&copy, &mut probe_shaper.inline_keys);
            let probe = probe_shaper.walk(&copy);
            let built = super::guarded(|| Ok(build(&probe, &probe_shaper.tokens))).ok().flatten().map(Arc::new);
            let mut stored = false;
            if let Ok(mut m) = TEMPLATES.write()
                && m.len() < MAX_TEMPLATES
            {
                m.insert(key, built.clone());
                stored = true;
            }
            (built?, stored)
        }
    };
    let mut quads = instantiate(&template, &shaper.values)?;
    let nquads = super::guarded(|| super::canonicalize_borrowed(&mut quads));
    Some((nquads, stored.then_some(template)))
}

/// The canonical N-Quads of a document through a template, with the template when it is cached.
pub(super) type Templated = (Result<String, JsonLdError>, Option<Arc<Template>>);

/// The cache key of `doc`, with the shaper holding its values; `None` when the document
/// contains the token marker. Equal to the key of `doc`'s copy ([`Doc::to_value`]).
fn shape_key<'a>(doc: &Doc<'a>) -> Option<(Vec<u8>, Shaper<'a>)> {
    let mut inline_keys = HashSet::new();
    match doc {
        Doc::Value(v) => inline_context_keys(v, &mut inline_keys),
        Doc::Entries(e) => e.iter().for_each(|(k, x)| inline_context_entry(k, x, &mut inline_keys)),
    }
    let mut shaper = Shaper { inline_keys, values: Vec::with_capacity(64), tokens: Vec::new(), ok: true };
    let mut key = Vec::with_capacity(2_048);
    match doc {
        Doc::Value(v) => shaper.write_key(v, &mut key),
        Doc::Entries(e) => {
            key.push(b'{');
            for (i, (k, x)) in e.iter().enumerate() {
                if i > 0 {
                    key.push(b',');
                }
                shaper.write_entry(k, x, &mut key);
            }
            key.push(b'}');
        }
    }
    shaper.ok.then_some((key, shaper))
}

/// A cache key with the values of its tokens.
#[cfg(test)]
pub(super) type KeyAndValues = (Vec<u8>, Vec<String>);

/// The streamed cache key of `doc` and the serialization of the probe of its copy, with both
/// value lists (tests: they must be equal).
#[cfg(test)]
pub(super) fn key_and_probe(doc: &Doc<'_>) -> (KeyAndValues, KeyAndValues) {
    let owned = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let streamed = shape_key(doc).map(|(key, a)| (key, owned(&a.values))).unwrap_or_default();
    let copy = doc.to_value();
    let mut inline_keys = HashSet::new();
    inline_context_keys(&copy, &mut inline_keys);
    let mut b = Shaper { inline_keys, values: Vec::new(), tokens: Vec::new(), ok: true };
    let probe = serde_json::to_vec(&b.walk(&copy)).unwrap_or_default();
    let probed = if b.ok { (probe, owned(&b.values)) } else { Default::default() };
    (streamed, probed)
}
