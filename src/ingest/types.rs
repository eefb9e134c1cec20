//! Typed records produced by the ingest stage and consumed by `verify`, `taxonomy` and `score`.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::problem::Problem;

/// Where a record came from: the file and the position inside it.
///
/// `position` is human-readable and format-specific: `line 12` for CSV/JSONL,
/// `byte 1040` for a JSON syntax error, `data[3]` for the fourth entry of a Credly export,
/// `whole file` for single-record files (also a compact JWS file), `iTXt chunk at byte 33` /
/// `openbadges:assertion at byte 210` for baked PNG / SVG images, `verifiableCredential[1]`
/// for a credential nested in a CLR 2.0 `ClrCredential`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceRef {
    /// Path of the input file as given on the command line or found by walking a folder.
    pub path: String,
    /// Position of the record inside the file.
    pub position: String,
}

/// A file or record that could not be read. Written to `rejects.jsonl`; never aborts a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reject {
    /// Input kind: `roster`, `claims`, `badge`, `posting`.
    pub kind: String,
    /// Path of the file.
    pub path: String,
    /// `line N`, `byte N`, `data[i]`, `whole file`.
    pub position: String,
    /// Why it was rejected, in words a person can act on.
    pub reason: String,
}

/// One person in the roster: the only identity that appears in outputs is `id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// Stable candidate id used in every output (emails never are).
    pub id: String,
    /// Lower-cased, trimmed email addresses of this candidate.
    pub emails: Vec<String>,
    /// Free-text location, if known.
    pub location: Option<String>,
}

/// The roster: candidates in file order, with lookups by id and by email.
#[derive(Debug, Clone, Default)]
pub struct Roster {
    /// Candidates in the order they appear in the roster file (duplicates rejected).
    pub candidates: Vec<Candidate>,
    /// Candidate id → index into `candidates`.
    pub by_id: std::collections::HashMap<String, usize>,
    /// Lower-cased email → index into `candidates`.
    pub by_email: std::collections::HashMap<String, usize>,
}

/// The credential format a badge was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BadgeFormat {
    /// Open Badges 2.0 Assertion (hosted or signed).
    Ob2,
    /// Open Badges 3.0 OpenBadgeCredential / AchievementCredential (W3C VC).
    Ob3,
    /// Credly Web Service API issued-badges export (JSON) or issued-badges CSV report.
    Credly,
}

impl BadgeFormat {
    /// The exact string used in outputs: `ob2`, `ob3`, `credly`.
    pub fn as_str(self) -> &'static str {
        match self {
            BadgeFormat::Ob2 => "ob2",
            BadgeFormat::Ob3 => "ob3",
            BadgeFormat::Credly => "credly",
        }
    }
}

/// Hash algorithm of a hashed recipient identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HashAlgo {
    /// `sha256$<hex>`
    Sha256,
    /// `md5$<hex>`
    Md5,
}

/// Who a credential says it was issued to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recipient {
    /// A plain identity (usually an email), compared case-insensitively.
    Plain {
        /// Identity type (`email`, `url`, `telephone`, `did`, …).
        kind: String,
        /// The identity itself.
        identity: String,
    },
    /// A hashed identity: `algo(identity + salt)` as lower-case hex.
    Hashed {
        /// Identity type (`email`, …).
        kind: String,
        /// Hash algorithm.
        algo: HashAlgo,
        /// Lower-case hex digest.
        digest: String,
        /// Salt appended to the identity before hashing, if any.
        salt: Option<String>,
    },
    /// The credential names no recipient we can check.
    Absent,
}

/// A raw skill as it appears in a badge or posting: a name, a taxonomy URI, or both.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct RawSkill {
    /// Human label (`targetName`, tag, Credly skill name, DefinedTerm name).
    pub name: Option<std::sync::Arc<str>>,
    /// Taxonomy URI or code (`targetUrl`/`targetCode`, DefinedTerm `termCode`).
    pub uri: Option<std::sync::Arc<str>>,
}

/// How the issuer says the credential should be verified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VerificationKind {
    /// OB 2.0 hosted assertion (its JSON is in the export; fetching is not done offline).
    Hosted,
    /// OB 2.0 signed assertion (JWS).
    Signed,
    /// A W3C VC with an embedded proof or a VC-JWT.
    Proof,
    /// Trusted because it comes from the platform's own export (Credly).
    PlatformExport,
    /// Nothing usable was stated.
    Unknown,
}

/// One credential read from an export, before verification.
#[derive(Debug, Clone)]
pub struct Credential {
    /// Where it came from.
    pub source: SourceRef,
    /// Format it was read as.
    pub format: BadgeFormat,
    /// The credential's own id (`id`, Credly `id`); synthesized from the source when absent.
    pub credential_id: String,
    /// The candidate who claims it (folder name or claims CSV), or resolved from the roster.
    pub candidate_id: Option<String>,
    /// Issuer id (URL / DID), if stated.
    pub issuer_id: Option<std::sync::Arc<str>>,
    /// Issuer display name.
    pub issuer_name: Option<std::sync::Arc<str>>,
    /// BadgeClass / Achievement / badge template id.
    pub achievement_id: Option<std::sync::Arc<str>>,
    /// BadgeClass / Achievement / badge template name (never the earner's name).
    pub achievement: Option<std::sync::Arc<str>>,
    /// Recipient identity as stated.
    pub recipient: Recipient,
    /// Issue date (`issuedOn`, `validFrom`, `issuanceDate`, `issued_at`).
    pub issued_on: Option<DateTime<Utc>>,
    /// Expiry (`expires`, `validUntil`, `expirationDate`, `expires_at`).
    pub expires: Option<DateTime<Utc>>,
    /// Credly `state` (`accepted`, `pending`, `rejected`, `revoked`), lower-cased.
    pub platform_state: Option<String>,
    /// Revocation stated inside the record itself (`revoked: true` with a reason).
    pub revoked_reason: Option<String>,
    /// How the issuer says to verify it.
    pub verification: VerificationKind,
    /// Skills the credential asserts (alignments, tags, Credly skills).
    pub skills: Vec<RawSkill>,
    /// The credential document as read (OB 2.0 assertion, OB 3.0 credential), kept for the
    /// proof and consistency checks of `verify`; `verify` drops it once checked to bound memory.
    pub raw: Option<std::sync::Arc<serde_json::Value>>,
    /// The compact JWS / VC-JWT text when the credential arrived in that form.
    pub compact: Option<String>,
    /// Structural problems found while reading (missing required fields, wrong types).
    /// A non-empty list makes the credential `malformed` in `verify`.
    pub problems: Vec<Problem>,
}

/// Whether a posting skill is required or preferred.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Requirement {
    /// Must-have for the role.
    Required,
    /// Nice to have.
    Preferred,
}

/// Another source of the same opening, merged into a [`Posting`] (same id, or same employer,
/// normalised title and location).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PostingSource {
    /// Where the other copy was read.
    pub source: SourceRef,
    /// The reader that took its file (`greenhouse`, `career_page`, …).
    pub reader: &'static str,
    /// Its own posting id.
    pub id: String,
    /// Why the two were taken for one opening: `same id` or `same employer, title and location`.
    pub rule: &'static str,
}

/// One open role, read by one of the posting readers (career page, ATS export, schema.org
/// JSON/JSONL, CSV).
#[derive(Debug, Clone)]
pub struct Posting {
    /// Where it came from.
    pub source: SourceRef,
    /// Posting id (`identifier` / `id`).
    pub id: String,
    /// Job title.
    pub title: String,
    /// Hiring organisation name.
    pub employer: Option<String>,
    /// Location as text.
    pub location: Option<String>,
    /// `datePosted`.
    pub date_posted: Option<String>,
    /// `validThrough`.
    pub valid_through: Option<String>,
    /// Description as HTML (or plain text): the reader writes an export's sections (Lever
    /// `lists`, SmartRecruiters `jobAd.sections`) into it as headings; `extract` strips it.
    pub description: String,
    /// Explicit skills with their requirement level.
    pub skills: Vec<(RawSkill, Requirement)>,
    /// The posting's public URL, when the source gives one.
    pub url: Option<String>,
    /// The reader that took its file (`career_page`, `greenhouse`, `lever`, `csv`, …).
    pub reader: &'static str,
    /// Other copies of the same opening merged into this one, in input order.
    pub also_from: Vec<PostingSource>,
}

/// One posting file and the reader that took it (listed in the manifest).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct PostingFile {
    /// Path as read.
    pub path: String,
    /// The reader that took it.
    pub reader: super::postings::reader::Reader,
    /// Postings read from it.
    pub accepted: u64,
    /// Entries rejected (the whole file counts as one when it could not be split).
    pub rejected: u64,
}

/// One merge: a copy folded into the posting kept (a row of `duplicate_postings.csv`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DuplicatePosting {
    /// Id of the posting kept (the role id).
    pub role_id: String,
    /// File of the posting kept.
    pub kept_path: String,
    /// Its position.
    pub kept_position: String,
    /// Reader of the posting kept.
    pub kept_reader: &'static str,
    /// Id of the copy merged into it.
    pub merged_id: String,
    /// File of the copy.
    pub merged_path: String,
    /// Its position.
    pub merged_position: String,
    /// Reader of the copy.
    pub merged_reader: &'static str,
    /// Why they were taken for one opening: `same id` or `same employer, title and location`.
    pub rule: &'static str,
}

impl DuplicatePosting {
    /// The merges recorded on a posting kept (one per [`Posting::also_from`] entry).
    pub fn all_of(p: &Posting) -> Vec<DuplicatePosting> {
        p.also_from
            .iter()
            .map(|s| DuplicatePosting {
                role_id: p.id.clone(),
                kept_path: p.source.path.clone(),
                kept_position: p.source.position.clone(),
                kept_reader: p.reader,
                merged_id: s.id.clone(),
                merged_path: s.source.path.clone(),
                merged_position: s.source.position.clone(),
                merged_reader: s.reader,
                rule: s.rule,
            })
            .collect()
    }
}

/// A file that was read, recorded in the manifest with its hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct InputFile {
    /// Input kind: `roster`, `claims`, `badge`, `posting`.
    pub kind: String,
    /// Path as read.
    pub path: String,
    /// Lower-case hex sha256 of the file's bytes.
    pub sha256: String,
    /// Size in bytes.
    pub bytes: u64,
}

/// Per-kind record counts; `read == accepted + rejected` always holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Counts {
    /// Records (or whole files, when a file could not be split into records) seen.
    pub read: u64,
    /// Records turned into typed values.
    pub accepted: u64,
    /// Records sent to the rejects file.
    pub rejected: u64,
}

/// Whose credentials an ingest reads: everyone's, or, in a shard of a sharded run
/// ([`crate::shard`]), only those of the candidates a predicate accepts.
///
/// A scoped ingest still indexes the support documents of every badge file (BadgeClasses,
/// issuers, revocation and status lists, embedded classes), so the credentials it keeps are
/// built and verified against the same index as in an unscoped run, exactly. What it saves is
/// the rest: a badge file claimed by a candidate outside the scope (a `<candidate_id>/` folder or
/// a claims-CSV row) is hashed for the manifest but not parsed again, and a credential of a file
/// without a claim is dropped once its recipient is joined to a candidate outside the scope, or
/// to none. Both are counted in [`IngestOutput::out_of_scope`].
#[derive(Clone, Copy)]
pub enum Scope<'a> {
    /// Every candidate's credentials (an ordinary run, and a merge).
    Everyone,
    /// Only the credentials of candidates whose id the predicate accepts.
    Candidates(&'a (dyn Fn(&str) -> bool + Sync)),
}

impl Scope<'_> {
    /// Whether a credential held by `candidate` (none: claimed by nobody) is read in full.
    pub fn keeps(&self, candidate: Option<&str>) -> bool {
        match self {
            Scope::Everyone => true,
            Scope::Candidates(keep) => candidate.is_some_and(keep),
        }
    }
}

impl std::fmt::Debug for Scope<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Scope::Everyone => "Everyone",
            Scope::Candidates(_) => "Candidates(..)",
        })
    }
}

/// What a scoped ingest ([`Scope::Candidates`]) left to other shards; zero in an unscoped one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct OutOfScope {
    /// Badge files claimed by a candidate outside the scope: hashed (they are inputs of the
    /// job), indexed for their support documents, not counted under `badge` or `badge_document`.
    pub files: u64,
    /// Credentials of files without a claim, read and counted under `badge`, then dropped
    /// because their recipient is a candidate outside the scope or none.
    pub credentials: u64,
}

/// Everything the ingest stage produced.
#[derive(Debug, Clone, Default)]
pub struct IngestOutput {
    /// The roster.
    pub roster: Roster,
    /// All credentials, sorted by (source path, position) for determinism.
    pub credentials: Vec<Credential>,
    /// All postings, sorted by id; copies of one opening from several sources are merged into
    /// the first read (see [`Posting::also_from`] and `duplicate_postings`).
    pub postings: Vec<Posting>,
    /// Every posting file with the reader that took it and its counts, in reading order.
    pub posting_files: Vec<PostingFile>,
    /// Every merge of a copy of an opening into the posting first read (`duplicate_postings.csv`).
    pub duplicate_postings: Vec<DuplicatePosting>,
    /// Every rejected file or record.
    pub rejects: Vec<Reject>,
    /// Every input file with its sha256, sorted by path.
    pub files: Vec<InputFile>,
    /// Counts for `roster`, `claims`, `badge` (credential records and unreadable badge files),
    /// `badge_document` (BadgeClass / Issuer / revocation / key / status-list documents and CLR
    /// 2.0 wrappers, whose nested credentials count under `badge`) and `posting`.
    pub counts: std::collections::BTreeMap<String, Counts>,
    /// What a scoped ingest left to other shards ([`Scope`]); zero when every candidate is read.
    pub out_of_scope: OutOfScope,
}
