//! The typed contract between ingest and verify for what is wrong with a credential as read: a
//! [`Problem`] names the field, the kind of fault and its detail. `verify` decides on the kind
//! (a problem of any kind makes the credential `malformed`; an unreadable issue date stands in
//! for a missing one); the text written to `verification.csv` is the [`Problem`]'s `Display`.
//! A leaf: imports nothing.

use std::fmt;

/// Every problem of a credential whose hosted assertion would have to be fetched to be read
/// (a baked image holding only the assertion URL) starts with this text. Such a credential is
/// kept (counted as an accepted `badge` record, its URL as the credential id) but holds no
/// assertion to check, so `verify` reports it `malformed` (its `structure` check fails with this
/// text), never `verified` (pinned by `tests/report_outputs.rs`).
pub const HOSTED_NOT_FETCHED: &str = "hosted assertion not fetched";

/// What kind of fault a [`Problem`] is; each kind has one sentence shape (see [`Problem`]'s
/// `Display`), so the text in the outputs is rendered from the typed value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProblemKind {
    /// A required field is absent: `{field} is missing`.
    MissingField,
    /// An object lacks a member: `{field} has no {detail}`.
    MissingMember,
    /// A field is present but empty: `{field} is empty`.
    Empty,
    /// A field has the wrong JSON type or shape: `{field} is {detail}` (the detail says what
    /// it is and what was expected).
    WrongType,
    /// The issue date (`issuedOn`, `validFrom`, `issuanceDate`, `issued_at`, …) cannot be read:
    /// `{field}: {detail}`.
    BadIssueDate,
    /// Another date (expiry) cannot be read: `{field}: {detail}`.
    BadDate,
    /// A referenced document is not among the badge inputs:
    /// `{field} {detail} not found among the badge inputs` (the detail is its id).
    NotFound,
    /// A hashed recipient identity that cannot be read; the detail is the whole sentence.
    BadRecipientHash,
    /// A text longer than the field limit, cut: `{field} is {detail}`.
    TooLong,
    /// A list longer than its limit, cut: `more than {detail} {field}; only the first {detail}
    /// are kept` (the detail is the limit).
    TooMany,
    /// A baked image holding only its hosted assertion's URL, which is never fetched; the
    /// detail is the (shortened) URL. Rendered starting with [`HOSTED_NOT_FETCHED`].
    HostedNotFetched,
    /// A part that is not base64url: `compact {field} is not valid base64url: {detail}`.
    NotBase64,
    /// A part that is not JSON: `{field} is not JSON: {detail}`.
    NotJson,
    /// Two statements of one fact disagree (a JWT claim and the credential's property):
    /// `{field} {detail}`.
    Conflict,
}

/// One structural problem found while reading a credential.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Problem {
    /// The field concerned, as named in messages (`badge`, `credentialSubject.achievement`,
    /// `badge.alignment[2]`, `JWT claim iss`, …).
    pub field: String,
    /// The kind of fault.
    pub kind: ProblemKind,
    /// What the kind's sentence needs beside the field (empty when it needs nothing).
    pub detail: String,
}

impl Problem {
    /// A problem of `kind` with `field` and `detail`.
    pub fn new(field: impl Into<String>, kind: ProblemKind, detail: impl Into<String>) -> Problem {
        Problem { field: field.into(), kind, detail: detail.into() }
    }

    /// `{field} is missing`.
    pub fn missing(field: impl Into<String>) -> Problem {
        Problem::new(field, ProblemKind::MissingField, "")
    }

    /// `{field} is {found}, expected {expected}`.
    pub fn wrong_type(field: impl Into<String>, found: &str, expected: &str) -> Problem {
        Problem::new(field, ProblemKind::WrongType, format!("{found}, expected {expected}"))
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Problem { field, kind, detail } = self;
        match kind {
            ProblemKind::MissingField => write!(f, "{field} is missing"),
            ProblemKind::MissingMember => write!(f, "{field} has no {detail}"),
            ProblemKind::Empty => write!(f, "{field} is empty"),
            ProblemKind::WrongType | ProblemKind::TooLong => write!(f, "{field} is {detail}"),
            ProblemKind::BadIssueDate | ProblemKind::BadDate => write!(f, "{field}: {detail}"),
            ProblemKind::NotFound => write!(f, "{field} {detail} not found among the badge inputs"),
            ProblemKind::BadRecipientHash => f.write_str(detail),
            ProblemKind::TooMany => write!(f, "more than {detail} {field}; only the first {detail} are kept"),
            ProblemKind::HostedNotFetched => write!(
                f,
                "{HOSTED_NOT_FETCHED}: the baked image holds only the URL of its hosted assertion ({detail}) and nothing is fetched at run time"
            ),
            ProblemKind::NotBase64 => write!(f, "compact {field} is not valid base64url: {detail}"),
            ProblemKind::NotJson => write!(f, "{field} is not JSON: {detail}"),
            ProblemKind::Conflict => write!(f, "{field} {detail}"),
        }
    }
}

/// The problems as one text, `; `-separated (as `verification.csv` and rejects show them).
pub(crate) fn join(problems: &[Problem]) -> String {
    problems.iter().map(Problem::to_string).collect::<Vec<_>>().join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The texts each kind renders, exactly as ingest wrote them before problems were typed.
    #[test]
    fn each_kind_renders_the_text_written_before_problems_were_typed() {
        let cases = [
            (Problem::missing("badge"), "badge is missing"),
            (
                Problem::new("credentialSubject.identifier", ProblemKind::MissingMember, "identityHash"),
                "credentialSubject.identifier has no identityHash",
            ),
            (Problem::new("badge name", ProblemKind::Empty, ""), "badge name is empty"),
            (
                Problem::wrong_type("badge", "a number", "an object or an id"),
                "badge is a number, expected an object or an id",
            ),
            (
                Problem::new("issuedOn", ProblemKind::BadIssueDate, "unparseable date \"x\""),
                "issuedOn: unparseable date \"x\"",
            ),
            (
                Problem::new("expires", ProblemKind::BadDate, "number 1.5 is not a Unix timestamp"),
                "expires: number 1.5 is not a Unix timestamp",
            ),
            (
                Problem::new("badge class", ProblemKind::NotFound, "urn:x"),
                "badge class urn:x not found among the badge inputs",
            ),
            (
                Problem::new("recipient", ProblemKind::BadRecipientHash, "recipient hash is not 64 hex digits"),
                "recipient hash is not 64 hex digits",
            ),
            (
                Problem::new(
                    "skill name",
                    ProblemKind::TooLong,
                    "5000 bytes long, above the 4096-byte limit (cut): \"a…\"",
                ),
                "skill name is 5000 bytes long, above the 4096-byte limit (cut): \"a…\"",
            ),
            (
                Problem::new("skills", ProblemKind::TooMany, "1000"),
                "more than 1000 skills; only the first 1000 are kept",
            ),
            (
                Problem::new("id", ProblemKind::HostedNotFetched, "https://x/a"),
                "hosted assertion not fetched: the baked image holds only the URL of its hosted assertion (https://x/a) and nothing is fetched at run time",
            ),
            (
                Problem::new("JWS header", ProblemKind::NotBase64, "Invalid byte 33, offset 0."),
                "compact JWS header is not valid base64url: Invalid byte 33, offset 0.",
            ),
            (
                Problem::new("JWS header", ProblemKind::NotJson, "EOF while parsing"),
                "JWS header is not JSON: EOF while parsing",
            ),
            (
                Problem::new(
                    "JWT claim iss",
                    ProblemKind::Conflict,
                    "\"a\" disagrees with the credential's issuer \"b\"",
                ),
                "JWT claim iss \"a\" disagrees with the credential's issuer \"b\"",
            ),
        ];
        for (problem, text) in cases {
            assert_eq!(problem.to_string(), text, "{problem:?}");
        }
        assert!(Problem::new("id", ProblemKind::HostedNotFetched, "u").to_string().starts_with(HOSTED_NOT_FETCHED));
        assert_eq!(join(&[Problem::missing("a"), Problem::missing("b")]), "a is missing; b is missing");
    }
}
