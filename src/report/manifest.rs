//! `manifest.json`: what ran, on what, with which settings, and what came out.
//!
//! Everything outside the `run` block is deterministic for the same inputs, config and as-of
//! date; the `run` block holds what legitimately differs between runs (run id, wall-clock
//! times, thread count, per-stage timings).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{OutputFile, ReportError};
use crate::ingest::{Counts, InputFile};

/// Tool name and version.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ToolInfo {
    /// `skillmatch`.
    pub name: String,
    /// Crate version.
    pub version: String,
}

/// A taxonomy that was loaded.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct TaxonomyInfo {
    /// Name (`esco`; without ESCO, the first custom taxonomy's).
    pub name: String,
    /// Version (`1.2.0`).
    pub version: String,
    /// Skills loaded (ESCO's, custom ones and O*NET technologies).
    pub skills: u64,
    /// Occupations loaded.
    pub occupations: u64,
    /// Files read with their sha256, in load order: ESCO's, then each custom taxonomy file, then
    /// O*NET's when its technologies were added.
    pub files: Vec<TaxonomyFile>,
    /// O*NET version whose technologies were added (`29.2`), if any.
    pub onet_version: Option<String>,
    /// O*NET technologies added as skills of their own (included in `skills`).
    pub onet_technologies: u64,
    /// Custom taxonomies added (`[taxonomy] custom`), in order; absent when there are none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub custom: Vec<CustomTaxonomyInfo>,
}

/// A custom taxonomy that was loaded (see [`crate::taxonomy::TaxonomyBuilder::add_custom`]).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct CustomTaxonomyInfo {
    /// Name (the file stem, e.g. `acme-skills`).
    pub name: String,
    /// Version (from a `-v…` file-name suffix, else the first 12 hex digits of `sha256`).
    pub version: String,
    /// The file.
    pub path: String,
    /// sha256 of the file.
    pub sha256: String,
    /// Skills it added (included in `skills`).
    pub skills: u64,
}

/// One taxonomy file.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct TaxonomyFile {
    /// Path.
    pub path: String,
    /// sha256.
    pub sha256: String,
}

/// One stage's cost.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageCost {
    /// Wall time in milliseconds.
    pub wall_ms: u64,
    /// CPU time of all threads (user + system) in milliseconds; 0 when the OS does not say.
    pub cpu_ms: u64,
    /// Growth of the process's peak resident memory during the stage, in KiB (0 when the
    /// stage stayed under an earlier peak or the OS does not say).
    pub peak_rss_growth_kib: u64,
}

/// Costs by stage name, in the order of names.
pub type Profile = BTreeMap<String, StageCost>;

/// Volatile facts about this particular run.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct RunInfo {
    /// Run id (the report folder's name).
    pub run_id: String,
    /// Output root the run folder was written under.
    pub out_root: String,
    /// Start time, RFC 3339 UTC.
    pub started_at: String,
    /// End time, RFC 3339 UTC.
    pub finished_at: String,
    /// Worker threads used.
    pub threads: usize,
    /// Wall time per stage and per report writer (`report:<file>`) in milliseconds.
    pub timings_ms: BTreeMap<String, u64>,
    /// Per stage: wall time, CPU time of all threads and growth of the peak resident memory.
    pub profile: Profile,
    /// Peak resident memory in KiB, when the OS reports it.
    pub peak_rss_kib: Option<u64>,
    /// The run `diff.json` compares this one with (the previous finished run in the same output
    /// root, see [`crate::diff::previous_run`]); absent when there was none or `[report]
    /// diff_previous = false`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous_run: Option<String>,
    /// With `[meaning] skill_names` and strings to look up: how many there were and how many the
    /// cross-run cache beside the model answered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub names_by_meaning: Option<crate::normalize::NamesByMeaning>,
}

/// Counts of the stages after ingest, each stage's own type (keys in alphabetical order).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageStats {
    /// Mapping and role building.
    pub normalize: crate::normalize::NormalizeStats,
    /// Profiles, ranking work and shortlists.
    pub score: crate::score::ScoreStats,
    /// Credentials per status.
    pub verify: crate::verify::VerifyStats,
}

/// The whole manifest.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Manifest {
    /// Tool.
    pub tool: ToolInfo,
    /// Evaluation date.
    pub as_of: String,
    /// The effective configuration (after CLI overrides; threads live in `run`).
    pub config: serde_json::Value,
    /// What meaning the run used (`[meaning]`): the model and each use's mode and thresholds,
    /// or `{"used": false}` for a dictionary-only run.
    pub meaning: crate::normalize::MeaningInfo,
    /// Taxonomy.
    pub taxonomy: TaxonomyInfo,
    /// Every input file with its sha256.
    pub inputs: Vec<InputFile>,
    /// Record counts per ingest kind (`read == accepted + rejected`).
    pub ingest: BTreeMap<String, Counts>,
    /// Every posting file with the reader that took it (`career_page`, `greenhouse`, `csv`, …)
    /// and its accepted / rejected entries.
    pub posting_files: Vec<crate::ingest::PostingFile>,
    /// Counts of later stages (credentials per status, skills mapped, roles, pairs scored, …).
    pub stages: StageStats,
    /// Data files written, with rows and sha256.
    pub outputs: Vec<OutputFile>,
    /// Facts that differ from run to run.
    pub run: RunInfo,
    /// Which shard of a sharded job this folder is (`run --shard`); absent in a single or merged
    /// run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shard: Option<ShardInfo>,
}

/// The manifest block of a shard folder ([`crate::shard`]): its place in the job and the hashes
/// `merge` compares to refuse shards of different jobs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ShardInfo {
    /// 0-based shard index.
    pub index: u32,
    /// Number of shards.
    pub count: u32,
    /// How candidates are assigned to shards.
    pub partition: String,
    /// Candidates this shard ranked.
    pub candidates: u64,
    /// The other shards' badge files and credentials this shard did not parse or verify (its
    /// manifest's `badge` counts and `stages.verify` cover the rest only).
    pub out_of_scope: crate::ingest::OutOfScope,
    /// sha256 over the inputs' and taxonomy files' content hashes and the as-of date.
    pub inputs_sha256: String,
    /// sha256 of the effective configuration.
    pub config_sha256: String,
    /// The tool version that wrote the shard.
    pub version: String,
}

/// Writes `manifest.json` (pretty-printed, trailing newline), streamed to the file: a run over
/// hundreds of thousands of badge files lists each, and its manifest is tens of megabytes.
pub fn write(dir: &Path, manifest: &Manifest) -> Result<(), ReportError> {
    let name = super::schema::MANIFEST;
    let io = |source| ReportError::Io { path: name.into(), source };
    let mut w = std::io::BufWriter::new(std::fs::File::create(dir.join(name)).map_err(io)?);
    serde_json::to_writer_pretty(&mut w, manifest).map_err(|source| {
        if source.is_io() { io(source.into()) } else { ReportError::Json { path: name.into(), source } }
    })?;
    w.write_all(b"\n").map_err(io)?;
    w.flush().map_err(io)
}

/// Peak resident set size of this process in KiB (Linux `VmHWM`), if available.
pub fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
