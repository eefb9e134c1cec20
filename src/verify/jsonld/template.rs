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
use std::sync::{Arc, LazyLock, RwLock};

use oxrdf::{GraphName, NamedNodeRef, NamedOrBlankNode, Term};
use serde_json::{Map, Value};
use sophia_api::MownStr;
use sophia_api::term::{BnodeId, IriRef, LanguageTag, SimpleTerm};

use super::{JsonLdError, XSD_STRING, contexts, to_quads};

/// Largest number of document shapes whose template (or fallback decision) is remembered.
pub const MAX_TEMPLATES: usize = 1_024;

/// The token marker; a document containing it is never templated.
const MARKER: &str = "x-skillmatch-slot-";

/// Every object key of every bundled context document (a superset of the terms they define).
static BUNDLED_KEYS: LazyLock<HashSet<String>> = LazyLock::new(|| {
    let mut keys = HashSet::new();
    for (_, bytes) in contexts::CONTEXTS {
        if let Ok(v) = serde_json::from_slice::<Value>(bytes) {
            collect_keys(&v, &mut keys);
        }
    }
    keys
});

/// Templates by exact probe bytes; `None`: this shape takes the general path.
type Cache = HashMap<Vec<u8>, Option<Arc<Template>>>;

static TEMPLATES: LazyLock<RwLock<Cache>> = LazyLock::new(|| RwLock::new(HashMap::new()));

fn collect_keys(v: &Value, keys: &mut HashSet<String>) {
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

/// Keyword keys whose values are structure, kept exactly.
const KEPT_KEYS: [&str; 11] = [
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
];

/// One position of a template quad.
enum Slot {
    /// A term that is the same for every document of the shape.
    Fixed(SimpleTerm<'static>),
    /// The value of token `n` as an IRI.
    Iri(usize),
    /// The value of token `n` as a literal with this datatype IRI.
    Typed(usize, String),
    /// The value of token `n` as a literal with this language tag.
    Lang(usize, String),
}

/// The dataset of a shape with its values left open.
struct Template {
    quads: Vec<(Slot, Slot, Slot, Option<Slot>)>,
    /// Tokens used in an IRI position (their values must be valid absolute IRIs).
    iri_tokens: Vec<usize>,
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

    fn walk(&mut self, v: &'a Value) -> Value {
        match v {
            Value::Object(m) => {
                let mut out = Map::new();
                for (k, x) in m {
                    if k.contains(MARKER) {
                        self.ok = false;
                    }
                    let nx = if KEPT_KEYS.contains(&k.as_str()) {
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

/// Keys of every inline context of the document (objects under `@context`, at any depth).
fn inline_context_keys<'a>(v: &'a Value, out: &mut HashSet<&'a str>) {
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
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                if k == "@context" {
                    all_keys(x, out);
                } else {
                    inline_context_keys(x, out);
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| inline_context_keys(x, out)),
        _ => {}
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
            None => Slot::Fixed(super::iri(s)),
        })
    }
    let mut out = Vec::with_capacity(quads.len());
    for q in quads {
        let subject = match q.subject {
            NamedOrBlankNode::NamedNode(n) => iri_slot(&mut classify, n.into_string())?,
            NamedOrBlankNode::BlankNode(b) => Slot::Fixed(super::bnode(b.into_string())),
        };
        let predicate = iri_slot(&mut classify, q.predicate.into_string())?;
        let graph = match q.graph_name {
            GraphName::DefaultGraph => None,
            GraphName::NamedNode(n) => Some(iri_slot(&mut classify, n.into_string())?),
            GraphName::BlankNode(b) => Some(Slot::Fixed(super::bnode(b.into_string()))),
        };
        let object = match q.object {
            Term::NamedNode(n) => iri_slot(&mut classify, n.into_string())?,
            Term::BlankNode(b) => Slot::Fixed(super::bnode(b.into_string())),
            Term::Literal(l) => {
                let (value, datatype, language) = l.destruct();
                let datatype = datatype.map_or_else(|| XSD_STRING.to_string(), |d| d.into_string());
                if datatype.contains(MARKER) || language.as_ref().is_some_and(|l| l.contains(MARKER)) {
                    return None;
                }
                match (classify(&value, false)?, language) {
                    (Some(n), Some(lang)) => Slot::Lang(n, lang),
                    (Some(n), None) => Slot::Typed(n, datatype),
                    (None, Some(lang)) => Slot::Fixed(SimpleTerm::LiteralLanguage(
                        MownStr::from(value),
                        LanguageTag::new_unchecked(MownStr::from(lang)),
                        None,
                    )),
                    (None, None) => Slot::Fixed(SimpleTerm::LiteralDatatype(
                        MownStr::from(value),
                        IriRef::new_unchecked(MownStr::from(datatype)),
                    )),
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
    Some(Template { quads: out, iri_tokens })
}

/// A quad for [`super::canonicalize_set`]: subject, predicate, object, graph.
pub(super) type BQuad<'a> = ([SimpleTerm<'a>; 3], Option<SimpleTerm<'a>>);

fn borrow<'a>(t: &'a SimpleTerm<'static>) -> SimpleTerm<'a> {
    match t {
        SimpleTerm::Iri(i) => SimpleTerm::Iri(IriRef::new_unchecked(MownStr::from(i.as_str()))),
        SimpleTerm::BlankNode(b) => SimpleTerm::BlankNode(BnodeId::new_unchecked(MownStr::from(b.as_str()))),
        SimpleTerm::LiteralDatatype(v, d) => {
            SimpleTerm::LiteralDatatype(MownStr::from(v.as_ref()), IriRef::new_unchecked(MownStr::from(d.as_str())))
        }
        SimpleTerm::LiteralLanguage(v, l, dir) => SimpleTerm::LiteralLanguage(
            MownStr::from(v.as_ref()),
            LanguageTag::new_unchecked(MownStr::from(l.as_str())),
            *dir,
        ),
        other => other.clone(),
    }
}

fn instantiate<'a>(t: &'a Template, values: &[&'a str]) -> Option<HashSet<BQuad<'a>>> {
    for &n in &t.iri_tokens {
        let v = values.get(n)?;
        // The last branch of IRI expansion: the value passes through only if it is a valid
        // absolute IRI (the token was one); otherwise take the general path.
        if NamedNodeRef::new(v).is_err() {
            return None;
        }
    }
    let value = |n: usize| values.get(n).copied();
    let slot = |s: &'a Slot| -> Option<SimpleTerm<'a>> {
        Some(match s {
            Slot::Fixed(t) => borrow(t),
            Slot::Iri(n) => SimpleTerm::Iri(IriRef::new_unchecked(MownStr::from(value(*n)?))),
            Slot::Typed(n, d) => {
                SimpleTerm::LiteralDatatype(MownStr::from(value(*n)?), IriRef::new_unchecked(MownStr::from(d.as_str())))
            }
            Slot::Lang(n, l) => SimpleTerm::LiteralLanguage(
                MownStr::from(value(*n)?),
                LanguageTag::new_unchecked(MownStr::from(l.as_str())),
                None,
            ),
        })
    };
    let mut set = HashSet::with_capacity(t.quads.len());
    for (s, p, o, g) in &t.quads {
        let graph = match g {
            None => None,
            Some(g) => Some(slot(g)?),
        };
        set.insert(([slot(s)?, slot(p)?, slot(o)?], graph));
    }
    Some(set)
}

/// The RDFC-1.0 canonical N-Quads of `doc` through its shape's template, or `None` when this
/// document must take the general path (see the module doc).
pub(super) fn canonical_nquads(doc: &Value) -> Option<Result<String, JsonLdError>> {
    let mut inline_keys = HashSet::new();
    inline_context_keys(doc, &mut inline_keys);
    let mut shaper = Shaper { inline_keys, values: Vec::new(), tokens: Vec::new(), ok: true };
    let probe = shaper.walk(doc);
    if !shaper.ok {
        return None;
    }
    let key = serde_json::to_vec(&probe).ok()?;
    let cached = TEMPLATES.read().ok().and_then(|m| m.get(&key).cloned());
    let template = match cached {
        Some(t) => t?,
        None => {
            let built = super::guarded(|| Ok(build(&probe, &shaper.tokens))).ok().flatten().map(Arc::new);
            if let Ok(mut m) = TEMPLATES.write()
                && m.len() < MAX_TEMPLATES
            {
                m.insert(key, built.clone());
            }
            built?
        }
    };
    let set = instantiate(&template, &shaper.values)?;
    Some(super::guarded(|| super::canonicalize_set(&set)))
}
