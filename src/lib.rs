//! skillmatch: a nightly batch job for skills-based hiring.
//!
//! Data flows one way through the stages, each a module with a typed output:
//!
//! `ingest` → `verify` → `taxonomy`/`extract` (normalize) → `score` → `report`,
//! orchestrated by `pipeline`, configured by `config`, driven by the binary's `cli`.
//!
//! * [`ingest`] reads rosters, badge exports and postings into typed records and keeps
//!   every unreadable file or record as a [`ingest::Reject`].
//! * [`verify`] gives every credential a [`verify::Status`] and the list of checks behind it.
//! * [`taxonomy`] loads ESCO and maps raw skill strings to taxonomy entries.
//! * [`extract`] finds taxonomy skills in free posting text.
//! * [`trust_pull`] fetches the documents verification needs into a trust folder (the only
//!   code that uses the network, and only when asked: `skillmatch trust pull`).

pub mod config;
pub mod eval;
pub mod extract;
pub mod generate;
pub mod ingest;
pub mod normalize;
pub mod pipeline;
pub mod query;
pub mod report;
pub mod score;
pub mod taxonomy;
pub mod trust_pull;
pub mod util;
pub mod verify;
