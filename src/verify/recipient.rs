//! Recipient matching: plain and hashed identities against roster emails, and resolution of
//! unclaimed credentials against the whole roster with one hash table per distinct salt.

use std::collections::{BTreeSet, HashMap};

use md5::Digest as _;
use md5::Md5;
use rayon::prelude::*;

use crate::ingest::{Credential, HashAlgo, Recipient, Roster};

/// `hex(algo(identity + salt))`, lower-case: the Open Badges hashed-identity digest.
pub fn hash_identity(algo: HashAlgo, identity: &str, salt: Option<&str>) -> String {
    let mut input = String::with_capacity(identity.len() + salt.map_or(0, str::len));
    input.push_str(identity);
    input.push_str(salt.unwrap_or(""));
    match algo {
        HashAlgo::Sha256 => crate::util::sha256_hex(input.as_bytes()),
        HashAlgo::Md5 => hex::encode(Md5::digest(input.as_bytes())),
    }
}

/// Name of a hash algorithm for messages.
pub(crate) fn algo_name(algo: HashAlgo) -> &'static str {
    match algo {
        HashAlgo::Sha256 => "sha256",
        HashAlgo::Md5 => "md5",
    }
}

/// Cache key: algorithm and salt.
type SaltKey = (&'static str, String);

/// Digest → candidate indexes, one table per (algorithm, salt) seen among unclaimed credentials.
/// Each roster email is hashed once per distinct salt.
#[derive(Debug, Default)]
pub(crate) struct SaltCache {
    tables: HashMap<SaltKey, HashMap<String, BTreeSet<usize>>>,
    /// Keys left out because the run had more distinct salts than the limit.
    skipped: std::collections::HashSet<SaltKey>,
    /// Every key seen so far (built or skipped), so later batches keep the first ones.
    seen: std::collections::HashSet<SaltKey>,
    limit: usize,
}

impl SaltCache {
    /// Builds the tables needed by the unclaimed hashed credentials in `creds` (in parallel), for
    /// at most `limit` distinct (algorithm, salt) pairs, the first ones in credential order.
    pub fn build<'a>(creds: impl IntoIterator<Item = &'a Credential>, roster: &Roster, limit: usize) -> SaltCache {
        let mut cache = SaltCache::new(limit);
        cache.extend(creds, roster);
        cache
    }

    /// An empty cache that will build tables for at most `limit` distinct (algorithm, salt) pairs.
    pub fn new(limit: usize) -> SaltCache {
        SaltCache { limit, ..SaltCache::default() }
    }

    /// Adds the tables needed by `creds`, the credentials that come after those already seen:
    /// built batch by batch, the cache holds the same tables as one built over all of them.
    pub fn extend<'a>(&mut self, creds: impl IntoIterator<Item = &'a Credential>, roster: &Roster) {
        let mut keys: Vec<(HashAlgo, String)> = Vec::new();
        for c in creds {
            if c.candidate_id.is_some() {
                continue;
            }
            if let Recipient::Hashed { algo, salt, .. } = &c.recipient {
                let key = (*algo, salt.clone().unwrap_or_default());
                if self.seen.insert((algo_name(key.0), key.1.clone())) {
                    if self.tables.len() + keys.len() < self.limit {
                        keys.push(key);
                    } else {
                        self.skipped.insert((algo_name(key.0), key.1));
                    }
                }
            }
        }
        let tables: Vec<_> = keys
            .into_par_iter()
            .map(|(algo, salt)| {
                let mut table: HashMap<String, BTreeSet<usize>> = HashMap::new();
                for (i, cand) in roster.candidates.iter().enumerate() {
                    for email in &cand.emails {
                        table.entry(hash_identity(algo, email, Some(&salt))).or_default().insert(i);
                    }
                }
                ((algo_name(algo), salt), table)
            })
            .collect();
        self.tables.extend(tables);
    }

    /// Whether the table for (algo, salt) was left out by the limit.
    fn was_skipped(&self, algo: HashAlgo, salt: Option<&str>) -> bool {
        !self.skipped.is_empty() && self.skipped.contains(&(algo_name(algo), salt.unwrap_or("").to_string()))
    }

    /// Candidates whose email hashes to `digest` under (algo, salt); `None` if the table was not built.
    fn lookup(&self, algo: HashAlgo, salt: Option<&str>, digest: &str) -> Option<Vec<usize>> {
        let table = self.tables.get(&(algo_name(algo), salt.unwrap_or("").to_string()))?;
        Some(table.get(&digest.to_ascii_lowercase()).map(|s| s.iter().copied().collect()).unwrap_or_default())
    }
}

/// Result of the recipient check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum RecipientResult {
    /// Matches; `resolved` is set when an unclaimed credential was resolved to this candidate.
    Match { detail: String, resolved: Option<String> },
    /// Does not match, or cannot be resolved.
    Mismatch(String),
    /// The credential names no recipient at all: it is structurally incomplete (`malformed`),
    /// not someone else's.
    NoRecipient(String),
}

/// Whether a plain identity is compared against roster emails.
fn is_email(kind: &str) -> bool {
    kind.eq_ignore_ascii_case("email")
}

/// Checks the credential's recipient against its claiming candidate, or resolves an unclaimed
/// credential against the whole roster (exactly one candidate must match).
/// Messages never contain emails.
pub(crate) fn check(cred: &Credential, roster: &Roster, cache: &SaltCache) -> RecipientResult {
    use RecipientResult::{Match, Mismatch, NoRecipient};
    if matches!(cred.recipient, Recipient::Absent) {
        return NoRecipient("credential names no recipient (nothing ties it to a person)".to_string());
    }
    match &cred.candidate_id {
        Some(cid) => {
            let Some(cand) = roster.by_id.get(cid).and_then(|&i| roster.candidates.get(i)) else {
                return Mismatch(format!("claimed by candidate {cid}, who is not in the roster"));
            };
            match &cred.recipient {
                Recipient::Plain { kind, identity } if is_email(kind) => {
                    let id = identity.trim().to_lowercase();
                    if cand.emails.contains(&id) {
                        Match { detail: format!("recipient email is an email of candidate {cid}"), resolved: None }
                    } else {
                        Mismatch(format!(
                            "recipient email is not among the {} email(s) of candidate {cid}",
                            cand.emails.len()
                        ))
                    }
                }
                Recipient::Plain { kind, .. } => Mismatch(format!(
                    "recipient is a {kind} identity; the roster lists only emails for candidate {cid}"
                )),
                Recipient::Hashed { algo, digest, salt, .. } => {
                    let hit = cand
                        .emails
                        .iter()
                        .any(|e| hash_identity(*algo, e, salt.as_deref()).eq_ignore_ascii_case(digest));
                    let salted = if salt.as_deref().is_some_and(|s| !s.is_empty()) { "salted" } else { "unsalted" };
                    if hit {
                        let detail = format!(
                            "hashed recipient ({}, {salted}) matches an email of candidate {cid}",
                            algo_name(*algo)
                        );
                        Match { detail, resolved: None }
                    } else {
                        Mismatch(format!(
                            "hashed recipient ({}, {salted}) matches none of the {} email(s) of candidate {cid}",
                            algo_name(*algo),
                            cand.emails.len()
                        ))
                    }
                }
                Recipient::Absent => NoRecipient("credential names no recipient".to_string()),
            }
        }
        None => {
            let matches: Vec<usize> = match &cred.recipient {
                Recipient::Plain { kind, identity } if is_email(kind) => {
                    roster.by_email.get(&identity.trim().to_lowercase()).copied().into_iter().collect()
                }
                Recipient::Plain { kind, .. } => {
                    return Mismatch(format!(
                        "unclaimed, and the recipient is a {kind} identity that the roster (emails only) cannot resolve"
                    ));
                }
                Recipient::Hashed { algo, salt, .. } if cache.was_skipped(*algo, salt.as_deref()) => {
                    return Mismatch(format!(
                        "unclaimed, and not resolved: the batch has more than {} distinct recipient salts \
                         ([verify] max_resolution_salts); claim it with a candidate folder or the claims file",
                        cache.limit
                    ));
                }
                Recipient::Hashed { algo, digest, salt, .. } => match cache.lookup(*algo, salt.as_deref(), digest) {
                    Some(found) => found,
                    None => {
                        // Not pre-built (single-credential call): hash the roster for this salt only.
                        let local = SaltCache::build(std::iter::once(cred), roster, 1);
                        local.lookup(*algo, salt.as_deref(), digest).unwrap_or_default()
                    }
                },
                Recipient::Absent => Vec::new(),
            };
            let ids: Vec<&str> =
                matches.iter().filter_map(|&i| roster.candidates.get(i)).map(|c| c.id.as_str()).collect();
            match ids.as_slice() {
                [one] => Match {
                    detail: format!("unclaimed; recipient resolved to candidate {one} from the roster"),
                    resolved: Some((*one).to_string()),
                },
                [] => Mismatch("unclaimed, and the recipient matches no roster email".to_string()),
                many => Mismatch(format!(
                    "unclaimed, and the recipient matches {} candidates ({}): ambiguous",
                    many.len(),
                    many.join(", ")
                )),
            }
        }
    }
}
