//! Badge inputs, the dispatcher: read every badge file, detect its format by content, index the support
//! documents (BadgeClass, Issuer/Profile, RevocationList, …) across all badge inputs, then
//! turn credential documents into [`Credential`]s.
//!
//! Every file is first decoded by content ([`super::decode`]): JSON, a compact JWS / VC-JWT, a
//! baked PNG/SVG image or a Credly CSV export.
//!
//! Counting: every credential record (an OB 2.0 / OB 3.0 document, a Credly `data[i]` entry or
//! CSV row, a credential nested in a CLR) and every file that is not readable as a badge counts
//! under `badge`; every support document and every CLR wrapper counts under `badge_document`.

use std::path::PathBuf;

use rayon::prelude::*;
use serde_json::Value;

use super::classify::{DocKind, classify};
use super::credential::blank;
use super::credly_csv::CredlyCsvMapping;
use super::decode::{self, Doc, Unit};
use super::files::{Ledger, Loaded, WHOLE_FILE, display, has_ext, load, natural_cmp, read};
use super::json::one_or_many;
use super::peek::{Peeked, peek};
use super::prepared::{self, FileKey, Prepared};
use super::problem::{self, Problem, ProblemKind};
use super::record_kind::RecordKind;
use super::support::{EmbeddedBadges, SupportIndex};
use super::types::{BadgeFormat, Credential, Roster, Scope, SourceRef, VerificationKind};
use super::{IngestError, credly, limits, ob2, ob3};

/// Count kind of credential records and unreadable badge files.
const KIND_BADGE: RecordKind = RecordKind::Badge;
/// Count kind of support documents.
const KIND_DOCUMENT: RecordKind = RecordKind::BadgeDocument;

/// One badge file to read, with the candidate who claims it (folder or claims CSV).
#[derive(Debug, Clone)]
pub(crate) struct BadgeFile {
    /// Path as found.
    pub path: PathBuf,
    /// Claiming candidate, if any.
    pub claim: Option<String>,
    /// The file's name in a prepared index: its badge input and path below it.
    pub key: FileKey,
}

/// Deepest nesting of CLR credentials inside CLR credentials that is read.
const MAX_CLR_DEPTH: usize = 4;

/// A credential document waiting for the support index to be complete.
struct Pending {
    /// Index into the badge files.
    file: usize,
    class: DocKind,
    doc: Doc,
}

/// Builds a chunk's pending credential documents in parallel against the read-only support
/// index, each taking its document (not a copy). Credly exports, which count and reject entry
/// by entry, are left for [`read_chunk`] to parse in file order, with everything that touches
/// the ledger.
fn build_credentials(pending: Vec<Pending>, files: &[BadgeFile], shown: &[String], index: &SupportIndex) -> Vec<Built> {
    pending
        .into_par_iter()
        .map(|Pending { file: i, class, doc }| {
            let Doc { value, position, compact, problems } = doc;
            let Some((file, path)) = files.get(i).zip(shown.get(i)) else { return Built::Skip };
            let source = SourceRef { path: path.clone(), position };
            let mut cred = match class {
                DocKind::Ob2 => ob2::parse_assertion(value, source, index),
                DocKind::Ob3 => ob3::parse_credential(value, source),
                DocKind::Credly => return Built::Credly { file: i, value },
                _ => return Built::Skip,
            };
            cred.candidate_id = file.claim.clone();
            if let Some(compact) = compact {
                cred.verification =
                    if class == DocKind::Ob2 { VerificationKind::Signed } else { VerificationKind::Proof };
                cred.compact = Some(compact.text);
                cred.raw = Some(compact.payload);
            }
            if !problems.is_empty() {
                let mut problems = problems;
                problems.append(&mut cred.problems);
                cred.problems = problems;
            }
            Built::Credential(Box::new(cred))
        })
        .collect()
}

/// A pending credential document after the parallel build of [`read_chunk`].
enum Built {
    /// An OB 2.0 or OB 3.0 credential, complete (boxed: the other variants are small).
    Credential(Box<Credential>),
    /// A Credly export, parsed in order (it counts entry by entry).
    Credly {
        /// Index into the badge files.
        file: usize,
        /// The export document.
        value: Value,
    },
    /// Nothing to build.
    Skip,
}

/// The position of entry `i` of a CLR's `verifiableCredential` list.
fn nested_position(base: &str, i: usize) -> String {
    if base == WHOLE_FILE { format!("verifiableCredential[{i}]") } else { format!("{base}, verifiableCredential[{i}]") }
}

/// Classifies one document: credentials wait in `pending`, support documents are indexed (when
/// an index is given: the first pass builds it, the second only counts them), a CLR wrapper is counted as a document and each nested credential placed on its own.
fn place(
    file: usize,
    shown: &str,
    doc: Doc,
    depth: usize,
    mut index: Option<&mut SupportIndex>,
    ledger: &mut Ledger,
    pending: &mut Vec<Pending>,
) {
    match classify(&doc.value) {
        DocKind::Unknown(reason) if doc.problems.is_empty() => ledger.reject(KIND_BADGE, shown, doc.position, reason),
        DocKind::Unknown(reason) => {
            ledger.reject(KIND_BADGE, shown, doc.position, format!("{reason}; {}", problem::join(&doc.problems)))
        }
        DocKind::Clr => {
            ledger.accept(KIND_DOCUMENT);
            let subjects = one_or_many(doc.value.get("credentialSubject"));
            let nested: Vec<&Value> =
                subjects.into_iter().flat_map(|s| one_or_many(s.get("verifiableCredential"))).collect();
            for (i, entry) in nested.into_iter().enumerate() {
                let position = nested_position(&doc.position, i);
                match decode::nested_doc(entry, position) {
                    Ok(child) if depth < MAX_CLR_DEPTH => {
                        place(file, shown, child, depth + 1, index.as_deref_mut(), ledger, pending)
                    }
                    Ok(child) => ledger.reject(
                        KIND_BADGE,
                        shown,
                        child.position,
                        format!("CLR credentials nested more than {MAX_CLR_DEPTH} deep are not read"),
                    ),
                    Err((position, reason)) => ledger.reject(KIND_BADGE, shown, position, reason),
                }
            }
        }
        class @ (DocKind::Ob2 | DocKind::Ob3 | DocKind::Credly) => pending.push(Pending { file, class, doc }),
        class => {
            if let Some(index) = index {
                index.add(&class, &doc.value);
            }
            ledger.accept(KIND_DOCUMENT);
        }
    }
}

/// A credential for a baked image that holds only a hosted assertion URL (never fetched).
fn hosted_url_credential(url: String, source: SourceRef) -> Credential {
    let mut c = blank(source, BadgeFormat::Ob2);
    c.problems.push(Problem::new("id", ProblemKind::HostedNotFetched, limits::truncate(&url, 200)));
    c.credential_id = url;
    c.verification = VerificationKind::Hosted;
    c
}

/// Badge files read and decoded at once, in parallel: enough to keep both cores busy, few
/// enough that their parsed documents stay a small, bounded part of memory.
pub(crate) const CHUNK_FILES: usize = 2048;

/// How many badge files are read and decoded at once, and whose.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Chunking<'a> {
    /// Files per chunk, at least 1.
    pub files: usize,
    /// Whose credentials are parsed in the second pass (the first indexes every file).
    pub scope: Scope<'a>,
    /// Whether the first pass hashes every file, in the scope or not (`prepare` does).
    pub hash_all: bool,
}

/// The prepared index of `files` (`skillmatch prepare`): the first pass alone, hashing every file.
pub(crate) fn prepare(files: &[BadgeFile], mapping: &CredlyCsvMapping, chunk_files: usize) -> Prepared {
    let chunking = Chunking { files: chunk_files.max(1), scope: Scope::Everyone, hash_all: true };
    let (index, facts) = index_support(files, mapping, chunking);
    let facts = files
        .iter()
        .zip(facts)
        .map(|(f, fact)| (f.key.clone(), fact.unwrap_or_else(|| Err("not read".into()))))
        .collect();
    Prepared::new(facts, index)
}

/// Reads all badge files and hands their credentials to `sink`, chunk by chunk, in
/// (path, position) order: every credential of a file is in the same chunk, chunks come in
/// path order and each chunk is sorted, so the chunks concatenated are sorted.
///
/// Two passes keep memory bounded by one chunk of parsed documents rather than by all of them:
/// the first indexes the support documents (BadgeClass, Issuer, revocation lists, keys, status
/// lists, and the BadgeClass and Issuer objects embedded in OB 2.0 assertions) across all badge
/// inputs; the second reads, hashes and decodes the files again chunk by chunk and builds each
/// credential against the complete index. Counts, rejects and file hashes come from the second
/// pass only. The sink may drop each credential's document once it has used it (`verify` does).
///
/// With a prepared index (`skillmatch prepare`), the first pass is not run: the support index
/// and the facts of the files outside the scope are the prepared ones, and every file read must
/// agree with its prepared facts (else [`IngestError::Prepared`]).
///
/// With a [`Scope`] other than everyone, the files claimed by candidates outside it are hashed
/// in the first pass (which indexes every file either way) and not read in the second, and the
/// credentials of unclaimed files whose candidate is outside it are dropped (both counted in
/// the ledger's `out_of_scope`).
pub(crate) fn read_badges(
    files: &[BadgeFile],
    roster: &Roster,
    mapping: &CredlyCsvMapping,
    chunking: Chunking<'_>,
    mut prepared: Option<&mut Prepared>,
    ledger: &mut Ledger,
    sink: &mut (dyn FnMut(Vec<Credential>) + Send),
) -> Result<(), IngestError> {
    let scope = chunking.scope;
    let shown: Vec<String> = files.iter().map(|f| display(&f.path)).collect();
    let (index, mut facts, expected) = match prepared.as_deref_mut() {
        None => {
            let (index, facts) = index_support(files, mapping, chunking);
            (index, facts, Vec::new())
        }
        // The prepared facts stand for the files outside the scope; those in it are read and
        // must agree with theirs.
        Some(p) => {
            let (index, prepared) = p.take(files.iter().map(|f| &f.key), &shown)?;
            let (facts, expected) = files
                .iter()
                .zip(prepared)
                .map(|(f, fact)| if in_scope(f, scope) { (None, Some(fact)) } else { (Some(fact), None) })
                .unzip();
            (index, facts, expected)
        }
    };
    let mut order: Vec<usize> = (0..files.len()).collect();
    order.sort_by(|&a, &b| shown[a].cmp(&shown[b]));
    let chunks: Vec<&[usize]> = order.chunks(chunking.files).collect();
    let mut interner = super::intern::Interner::default();
    let check = prepared.as_deref().map(|p| (p, expected.as_slice()));
    let cx = Context { roster, index: &index, scope, check };
    // While one chunk is counted, built, verified and handed on (partly serial work), the next
    // chunk's files are read and decoded on the other workers.
    let mut next = chunks.first().map(|c| load_chunk(files, c, mapping, scope));
    for (k, chunk) in chunks.iter().enumerate() {
        let loaded = next.take().unwrap_or_default();
        let (done, ahead) = rayon::join(
            || -> Result<(), IngestError> {
                let mut out = read_chunk(files, &shown, chunk, loaded, cx, &mut facts, ledger)?;
                let read = out.len();
                out.retain(|c| scope.keeps(c.candidate_id.as_deref()));
                ledger.out_of_scope.credentials += (read - out.len()) as u64;
                out.sort_by(natural_cmp_source);
                for c in &mut out {
                    limits::enforce(c);
                    interner.credential(c);
                }
                sink(out);
                Ok(())
            },
            || chunks.get(k + 1).map(|c| load_chunk(files, c, mapping, scope)),
        );
        done?;
        next = ahead;
    }
    Ok(())
}

/// Orders credentials by (source path, position in natural order).
fn natural_cmp_source(a: &Credential, b: &Credential) -> std::cmp::Ordering {
    a.source.path.cmp(&b.source.path).then_with(|| natural_cmp(&a.source.position, &b.source.position))
}

/// A file's manifest facts as the index pass read them (only for files the credential pass
/// does not read), or why it could not be read.
type Facts = Option<Result<Loaded, String>>;

/// What the first pass takes from one badge file.
enum First {
    /// A credential with nothing to index (OB 3.0, Credly).
    Nothing,
    /// An OB 2.0 assertion's embedded BadgeClass (`None`: its `badge` is not an object).
    Embedded(Option<Value>),
    /// Anything else, decoded in full.
    Decoded(Unit),
}

/// The first pass: every support document of every badge file, indexed in file order (the
/// first of two documents with one id wins), then the objects embedded in OB 2.0 assertions.
/// Nothing is counted or rejected here; the second pass does that. Plain JSON credentials are
/// only peeked at ([`super::peek`]), not decoded in full. Files are hashed here only when the
/// second pass will not read them (outside the scope): their facts are returned, by file index.
fn index_support(
    files: &[BadgeFile],
    mapping: &CredlyCsvMapping,
    chunking: Chunking<'_>,
) -> (SupportIndex, Vec<Facts>) {
    let mut state = Indexing { facts: Vec::with_capacity(files.len()), ..Indexing::default() };
    let chunks: Vec<&[BadgeFile]> = files.chunks(chunking.files).collect();
    let look = |chunk: &[BadgeFile]| -> Vec<(Option<First>, Facts)> {
        chunk.par_iter().map(|f| first_look(f, mapping, chunking.scope, chunking.hash_all)).collect()
    };
    let mut next = chunks.first().map(|c| look(c));
    for c in 0..chunks.len() {
        let units = next.take().unwrap_or_default();
        // The next chunk's files are read while this one's documents are indexed.
        let ((), ahead) = rayon::join(|| state.add(units, c * chunking.files), || chunks.get(c + 1).map(|n| look(n)));
        next = ahead;
    }
    let Indexing { mut index, embedded, facts, .. } = state;
    embedded.index_into(&mut index);
    (index, facts)
}

/// What the first pass has indexed so far.
#[derive(Default)]
struct Indexing {
    index: SupportIndex,
    embedded: EmbeddedBadges,
    /// Each file's facts, by file index.
    facts: Vec<Facts>,
}

impl Indexing {
    /// Indexes one chunk's first looks, in file order; `first` is the chunk's first file index.
    fn add(&mut self, units: Vec<(Option<First>, Facts)>, first: usize) {
        let mut scratch = Ledger::new();
        let mut pending: Vec<Pending> = Vec::new();
        for (i, (unit, fact)) in units.into_iter().enumerate() {
            self.facts.push(fact);
            let file = first + i;
            match unit {
                Some(First::Decoded(Unit::Doc(doc))) => {
                    place(file, "", doc, 0, Some(&mut self.index), &mut scratch, &mut pending)
                }
                // Offered below in file order, with the assertions decoded in full.
                Some(First::Embedded(Some(badge))) => pending.push(Pending {
                    file,
                    class: DocKind::Ob2,
                    doc: Doc::whole_file(serde_json::json!({ "badge": badge })),
                }),
                _ => {}
            }
        }
        for p in pending.into_iter().filter(|p| p.class == DocKind::Ob2) {
            self.embedded.offer(p.doc.value);
        }
    }
}

/// The first pass over one file: what it gives the support index, and, for a file outside the
/// scope, its manifest facts (or why it cannot be read), which the second pass then uses
/// instead of reading it again.
fn first_look(f: &BadgeFile, mapping: &CredlyCsvMapping, scope: Scope<'_>, hash_all: bool) -> (Option<First>, Facts) {
    let (bytes, fact) = if in_scope(f, scope) && !hash_all {
        (read(&f.path).ok(), None)
    } else {
        match load(&f.path) {
            Ok((meta, bytes)) => (Some(bytes), Some(Ok(meta))),
            Err(e) => (None, Some(Err(e))),
        }
    };
    // A Credly CSV export holds no support document.
    let Some(bytes) = bytes.filter(|_| !has_ext(&f.path, &["csv"])) else {
        return (None, fact);
    };
    let first = match peek(&f.path, &bytes) {
        Some(Peeked::Credential) => First::Nothing,
        Some(Peeked::Ob2 { badge }) => First::Embedded(badge.filter(Value::is_object)),
        None => First::Decoded(decode::decode_file(&f.path, &bytes, mapping)),
    };
    (Some(first), fact)
}

/// What the second pass builds credentials with.
#[derive(Clone, Copy)]
struct Context<'a> {
    roster: &'a Roster,
    /// The complete support index (the first pass's).
    index: &'a SupportIndex,
    scope: Scope<'a>,
    /// With a prepared index: the prepared facts of the files in the scope (by file index), which
    /// the facts of the files read must agree with.
    check: Option<(&'a Prepared, &'a [Facts])>,
}

/// Whether a file is parsed in the second pass: unclaimed files always (their credentials'
/// candidates are known only once parsed), claimed ones when the scope keeps their candidate.
fn in_scope(file: &BadgeFile, scope: Scope<'_>) -> bool {
    file.claim.is_none() || scope.keeps(file.claim.as_deref())
}

/// A chunk's files as the second pass reads them, in chunk order: each file's manifest facts and
/// decoded content (`None`, `None` for a file outside the scope, which is not read again).
type LoadedChunk = Vec<(Facts, Option<Unit>)>;

/// The parallel part of the second pass over one chunk of files (indexes into `files`): read,
/// hash and decode, order kept. Bytes are dropped once decoded. Files outside the scope are not
/// read again: the first pass hashed them (or the prepared index did).
fn load_chunk(files: &[BadgeFile], chunk: &[usize], mapping: &CredlyCsvMapping, scope: Scope<'_>) -> LoadedChunk {
    chunk
        .par_iter()
        .map(|&i| match in_scope(&files[i], scope).then(|| load(&files[i].path)) {
            Some(Ok((meta, bytes))) => (Some(Ok(meta)), Some(decode::decode_file(&files[i].path, &bytes, mapping))),
            Some(Err(e)) => (Some(Err(e)), None),
            None => (None, None),
        })
        .collect()
}

/// The rest of the second pass over one chunk of files (indexes into `files` and into `shown`,
/// their paths as displayed), in file order: check, count, and build the chunk's credentials
/// from `loaded` ([`load_chunk`]'s) against the complete index.
fn read_chunk(
    files: &[BadgeFile],
    shown: &[String],
    chunk: &[usize],
    loaded: LoadedChunk,
    cx: Context<'_>,
    facts: &mut [Facts],
    ledger: &mut Ledger,
) -> Result<Vec<Credential>, IngestError> {
    let Context { roster, index, scope, check } = cx;
    let mut pending: Vec<Pending> = Vec::new();
    let mut out = Vec::new();
    for (&i, (meta, unit)) in chunk.iter().zip(loaded) {
        let (file, shown) = (&files[i], &shown[i]);
        if let (Some((p, expected)), Some(now)) = (check, &meta)
            && let Some(Some(prepared)) = expected.get(i)
            && !prepared::agree(now, prepared)
        {
            return Err(p.changed(format!("{shown} is not the file it was prepared from")));
        }
        let Some(meta) = meta.or_else(|| facts.get_mut(i).and_then(Option::take)) else {
            continue;
        };
        if !ledger.record(KIND_BADGE, &file.path, meta) {
            continue;
        }
        if !in_scope(file, scope) {
            ledger.out_of_scope.files += 1;
            continue;
        }
        match unit {
            None => {}
            Some(Unit::Fail { position, reason }) => ledger.reject(KIND_BADGE, shown, position, reason),
            Some(Unit::Doc(doc)) => place(i, shown, doc, 0, None, ledger, &mut pending),
            Some(Unit::HostedUrl { url, position }) => {
                let mut c = hosted_url_credential(url, SourceRef { path: shown.clone(), position });
                c.candidate_id = file.claim.clone();
                ledger.accept(KIND_BADGE);
                out.push(c);
            }
            Some(Unit::CsvRows(rows)) => {
                for (position, row) in rows {
                    match row {
                        Ok(mut c) => {
                            c.candidate_id = credly::join_candidate(file.claim.as_deref(), &c.recipient, roster);
                            ledger.accept(KIND_BADGE);
                            out.push(c);
                        }
                        Err(reason) => ledger.reject(KIND_BADGE, shown, position, reason),
                    }
                }
            }
        }
    }
    let built = build_credentials(pending, files, shown, index);
    for built in built {
        match built {
            Built::Skip => {}
            Built::Credly { file: i, value } => {
                if let Some((file, shown)) = files.get(i).zip(shown.get(i)) {
                    credly::parse_export(&value, shown, file.claim.as_deref(), roster, ledger, &mut out);
                }
            }
            Built::Credential(cred) => {
                ledger.accept(KIND_BADGE);
                out.push(*cred);
            }
        }
    }
    Ok(out)
}
