//! skillmatch: a nightly batch job for skills-based hiring.
//!
//! The map of the crate. Data flows one way through the stages, each a module with a typed
//! output that the next consumes; no stage imports a later one, and no two files import each
//! other (`cargo test --test architecture` checks it):
//!
//! `ingest` → `verify` → `normalize` (over `taxonomy` and `extract`) → `score` → `report`,
//! wired by `pipeline`, configured by `config`, driven by the binary's `cli` (one file per
//! subcommand in `src/cli/`).
//!
//! The stages, in data-flow order:
//! * [`ingest`] — rosters, badge exports and postings in the formats people have → typed
//!   records ([`ingest::IngestOutput`]); every unreadable file or record a [`ingest::Reject`].
//! * [`verify`] — every credential → a [`verify::Status`] and the checks behind it, offline,
//!   against a pinned [`verify::TrustStore`].
//! * [`taxonomy`] — ESCO, custom taxonomies, aliases and O*NET loaded into one taxonomy;
//!   skill strings and job titles mapped to it.
//! * [`extract`] — taxonomy skills found in free posting text.
//! * [`semantic`] — optional meaning-based matching (issue 18): a sentence encoder run in plain
//!   Rust, its pinned installation, label indexes; used by `extract`, `eval` and the CLI.
//! * [`normalize`] — verified credentials' skills and postings mapped to the taxonomy:
//!   roles with their requirements, the crosswalk of every skill string.
//! * [`score`] — evidence policy (status, issuer tier, recency, pathways), the exact top-K
//!   engine over candidates × roles, explanations, next-credential covers and each badge
//!   class's counterfactual value ([`score::value`]).
//! * [`report`] — the run folder's writers (Parquet, CSV, JSON Lines, `report.html`, the manifest) and its
//!   schema ([`report::schema`]), written to a staging folder and renamed into place.
//!
//! Around them:
//! * [`pipeline`] — runs the stages in order inside a thread pool, with guards, progress and
//!   clean stops on signals; holds no policy of its own.
//! * [`config`] — the TOML configuration, each stage's section validated.
//! * [`shard`] — sharded runs (`run --shard I/N` or a scheduler's array index): the stable
//!   partition of candidates, the shard folder's scores, and `merge`'s exact k-way merge of
//!   the shards' top-K lists back into the single run's ranking. The badge index every shard
//!   needs is built once by `skillmatch prepare` ([`ingest::prepare`], [`ingest::Prepared`]).
//! * [`query`] — answers recruiter questions (`shortlist`, `explain`) from a finished run folder.
//! * [`export`] — loads a finished run folder into PostgreSQL for dashboards
//!   (`skillmatch export postgres`), with `COPY`, one transaction per run.
//! * [`audit`] — an adverse-impact audit of a finished run against a demographics file
//!   (`skillmatch audit`): selection and scoring rates, impact ratios, four-fifths flags.
//! * [`diff`] — what changed between two finished runs and why (`skillmatch diff`, `diff.json`).
//! * [`eval`] — quality measurements on labelled sets and on `gen` runs (`skillmatch eval`).
//! * [`generate`] — synthetic test data at any scale, with known true roles (`skillmatch gen`).
//! * [`trust_pull`] — fetches the documents verification needs into a trust folder (the only
//!   code that uses the network, and only when asked: `skillmatch trust pull`).
//! * [`util`] — small leaf helpers shared by all: hashing, CSV/HTML/terminal escaping, rounding.

pub mod audit;
pub mod config;
pub mod diff;
pub mod eval;
pub mod export;
pub mod extract;
pub mod generate;
pub mod ingest;
pub mod normalize;
pub mod pipeline;
pub mod query;
pub mod report;
pub mod score;
pub mod semantic;
pub mod shard;
pub mod taxonomy;
pub mod trust_pull;
pub mod util;
pub mod verify;
