//! RDFC-1.0 without the n-degree step: the common case, in a single pass over borrowed terms.
//!
//! RDFC-1.0 labels blank nodes in two stages: every blank node gets its *first-degree hash*
//! (SHA-256 of the sorted N-Quads that mention it, itself written `_:a` and every other blank
//! node `_:z`); blank nodes whose hash is unique are labelled `c14n0`, `c14n1`, … in hash order,
//! and only the ones sharing a hash need the expensive "hash n-degree quads" step. Credentials
//! are trees of nodes with distinct properties, so their blank nodes nearly always have unique
//! first-degree hashes; a dataset with one blank node needs no hash at all (it is `c14n0`), and
//! one without blank nodes is just its sorted canonical N-Quads.
//!
//! [`canonicalize`] does exactly the spec's steps 1–4 and 6 over [`Quad`]s that borrow their
//! strings, and returns `None` whenever anything is outside that case, so that the caller runs
//! the full algorithm ([`sophia_c14n`]) instead:
//!
//! * two blank nodes share a first-degree hash (the n-degree step is needed);
//! * a quad names the same blank node twice (implementations differ on how often such a quad is
//!   hashed; none occurs in JSON-LD output of credentials);
//! * a predicate is not an IRI, a subject or graph name is a literal;
//! * a language tag is not lower case (sophia's serializer lowercases tags while its dataset
//!   compares them as given) or holds anything but ASCII letters, digits and `-` (the line
//!   order argument below needs it; IRIs are valid by construction, see [`Term::Iri`]).
//!
//! The output is byte-for-byte what [`sophia_c14n::rdfc10::normalize`] writes for the same set
//! of quads: same term serialization (the escapes of [`sophia_c14n`]'s canonical N-Quads), same
//! order (the lines sorted by code point, which equals sophia's term-by-term order for valid
//! terms: a term that is a prefix of another is followed by a space or ` .`, below any character
//! that can continue a term). Tests compare both on every fixture, both 1EdTech test vectors and
//! generated datasets.

use sha2::{Digest, Sha256};

use super::XSD_STRING;

/// An RDF term whose strings are borrowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Term<'a> {
    /// An IRI, already validated as an absolute IRI (as `oxrdf::NamedNode` guarantees): it holds
    /// no `>`, space or control character, which the line order of [`canonicalize`] relies on.
    Iri(&'a str),
    /// A blank node, by its label without `_:`.
    Blank(&'a str),
    /// A literal: lexical form and datatype IRI (`xsd:string` for plain strings).
    Typed(&'a str, &'a str),
    /// A language-tagged string: lexical form and language tag.
    Lang(&'a str, &'a str),
}

/// A quad: subject, predicate, object and graph name (`None`: the default graph).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Quad<'a> {
    /// Subject.
    pub s: Term<'a>,
    /// Predicate.
    pub p: Term<'a>,
    /// Object.
    pub o: Term<'a>,
    /// Graph name.
    pub g: Option<Term<'a>>,
}

/// One serialized position of a quad: text in the shared buffer, or a blank node by index.
#[derive(Clone, Copy)]
enum Part {
    Text(usize, usize),
    Blank(usize),
}

/// The RDFC-1.0 canonical N-Quads of the *set* of `quads` (duplicates are removed), or `None`
/// when the dataset needs the full algorithm (see the module doc). When `quads` holds
/// duplicates, it is sorted and deduplicated in place.
pub fn canonicalize(quads: &mut Vec<Quad<'_>>) -> Option<String> {
    // Most datasets hold no duplicate quad: canonicalize them as they are and look for equal
    // output lines at the end (equal lines ⇔ equal quads); only then deduplicate and start over,
    // so that blank node hashes never count a quad twice.
    match canonicalize_distinct(quads)? {
        Some(out) => Some(out),
        None => {
            quads.sort_unstable();
            quads.dedup();
            canonicalize_distinct(quads)?
        }
    }
}

/// [`canonicalize`] of quads assumed distinct: `Some(None)` when two output lines are equal
/// (the quads were not distinct, and blank node hashes may have counted a quad twice).
fn canonicalize_distinct(quads: &[Quad<'_>]) -> Option<Option<String>> {
    // Blank nodes by index (their labels sorted).
    let mut blanks: Vec<&str> = Vec::with_capacity(16);
    for q in quads.iter() {
        for t in [Some(q.s), Some(q.p), Some(q.o), q.g].into_iter().flatten() {
            if let Term::Blank(label) = t {
                blanks.push(label);
            }
        }
    }
    blanks.sort_unstable();
    blanks.dedup();

    // Step 2 and the serialization of every non-blank term, once.
    let mut text = String::with_capacity(quads.len() * 96);
    let mut parts: Vec<[Option<Part>; 4]> = Vec::with_capacity(quads.len());
    // (blank node, quad) for every mention, grouped by blank node below.
    let mut mentions: Vec<(usize, usize)> = Vec::with_capacity(quads.len() + 8);
    for (qi, q) in quads.iter().enumerate() {
        if !matches!(q.p, Term::Iri(_))
            || matches!(q.s, Term::Typed(..) | Term::Lang(..))
            || matches!(q.g, Some(Term::Typed(..) | Term::Lang(..)))
        {
            return None;
        }
        let mut row = [None; 4];
        let first_mention = mentions.len();
        for (pos, t) in [Some(q.s), Some(q.p), Some(q.o), q.g].into_iter().enumerate() {
            let Some(t) = t else { continue };
            row[pos] = Some(match t {
                Term::Blank(label) => {
                    let b = blanks.binary_search(&label).ok()?;
                    if mentions[first_mention..].iter().any(|&(m, _)| m == b) {
                        return None;
                    }
                    mentions.push((b, qi));
                    Part::Blank(b)
                }
                other => {
                    let start = text.len();
                    write_term(&mut text, other)?;
                    Part::Text(start, text.len())
                }
            });
        }
        parts.push(row);
    }
    mentions.sort_unstable();

    let ranks = rank_blank_nodes(&text, &parts, &mentions, blanks.len())?;

    // Step 6: every quad with canonical labels, lines sorted by code point.
    let mut lines = String::with_capacity(text.len() + parts.len() * 32);
    let mut ranges = Vec::with_capacity(parts.len());
    for row in &parts {
        let start = lines.len();
        write_line(&mut lines, &text, row, |out, b| {
            out.push_str("_:c14n");
            out.push_str(itoa::Buffer::new().format(*ranks.get(b)?));
            Some(())
        })?;
        ranges.push((start, lines.len()));
    }
    let text_of = |&(start, end): &(usize, usize)| lines.get(start..end);
    ranges.sort_unstable_by(|a, b| text_of(a).cmp(&text_of(b)));
    if ranges.windows(2).any(|w| text_of(&w[0]) == text_of(&w[1])) {
        return Some(None);
    }
    let mut out = String::with_capacity(lines.len());
    for r in &ranges {
        out.push_str(text_of(r)?);
    }
    Some(Some(out))
}

/// The canonical number of each blank node (steps 3–4: the rank of its first-degree hash), or
/// `None` when two first-degree hashes are equal. `mentions` is sorted by blank node.
fn rank_blank_nodes(
    text: &str,
    parts: &[[Option<Part>; 4]],
    mentions: &[(usize, usize)],
    count: usize,
) -> Option<Vec<usize>> {
    if count <= 1 {
        return Some(vec![0; count]);
    }
    let mut hashes: Vec<([u8; 32], usize)> = Vec::with_capacity(count);
    let mut buffer = String::with_capacity(text.len() + 64);
    let mut ranges = Vec::with_capacity(parts.len());
    for group in mentions.chunk_by(|a, b| a.0 == b.0) {
        let b = group.first()?.0;
        buffer.clear();
        ranges.clear();
        for &(_, qi) in group {
            let start = buffer.len();
            write_line(&mut buffer, text, parts.get(qi)?, |out, other| {
                out.push_str(if other == b { "_:a" } else { "_:z" });
                Some(())
            })?;
            ranges.push((start, buffer.len()));
        }
        let lines = buffer.as_str();
        ranges.sort_unstable_by(|&(s1, e1), &(s2, e2)| lines.get(s1..e1).cmp(&lines.get(s2..e2)));
        let mut h = Sha256::new();
        for &(start, end) in &ranges {
            h.update(lines.get(start..end)?.as_bytes());
        }
        hashes.push((h.finalize().into(), b));
    }
    if hashes.len() != count {
        return None;
    }
    hashes.sort_unstable();
    if hashes.windows(2).any(|w| w[0].0 == w[1].0) {
        return None;
    }
    let mut ranks = vec![0; count];
    for (rank, (_, b)) in hashes.iter().enumerate() {
        *ranks.get_mut(*b)? = rank;
    }
    Some(ranks)
}

/// Writes one N-Quads line (`term term term [term ].\n`), blank nodes written by `blank`.
fn write_line(
    out: &mut String,
    text: &str,
    row: &[Option<Part>; 4],
    blank: impl Fn(&mut String, usize) -> Option<()>,
) -> Option<()> {
    for part in row.iter().flatten() {
        match *part {
            Part::Text(a, b) => out.push_str(text.get(a..b)?),
            Part::Blank(b) => blank(out, b)?,
        }
        out.push(' ');
    }
    out.push_str(".\n");
    Some(())
}

/// Writes a non-blank term in canonical N-Quads; `None` for a language tag that is not lower-case
/// ASCII letters, digits and `-` (outside the cases whose line order is proven equal to
/// sophia's). IRIs are valid by construction ([`Term::Iri`]), so they hold no `>` or space.
fn write_term(out: &mut String, t: Term<'_>) -> Option<()> {
    match t {
        Term::Iri(iri) => write_iri(out, iri),
        Term::Typed(value, datatype) => {
            write_literal(out, value);
            if datatype != XSD_STRING {
                out.push_str("^^");
                write_iri(out, datatype);
            }
        }
        Term::Lang(value, tag) => {
            if tag.is_empty() || !tag.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') {
                return None;
            }
            write_literal(out, value);
            out.push('@');
            out.push_str(tag);
        }
        Term::Blank(_) => return None,
    }
    Some(())
}

/// `<iri>`.
fn write_iri(out: &mut String, iri: &str) {
    out.push('<');
    out.push_str(iri);
    out.push('>');
}

/// A quoted literal with the escapes of canonical N-Quads.
fn write_literal(out: &mut String, value: &str) {
    out.push('"');
    if !value.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\' || b == 0x7f) {
        out.push_str(value);
    } else {
        for c in value.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                '\x08' => out.push_str("\\b"),
                '\x0c' => out.push_str("\\f"),
                '\x7f' => out.push_str("\\u007F"),
                c if c <= '\x1f' => {
                    out.push_str("\\u00");
                    let n = c as u8;
                    out.push(char::from(b"0123456789ABCDEF"[usize::from(n >> 4)]));
                    out.push(char::from(b"0123456789ABCDEF"[usize::from(n & 0xf)]));
                }
                c => out.push(c),
            }
        }
    }
    out.push('"');
}
