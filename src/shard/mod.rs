//! Sharded runs: a deterministic partition of the candidates, the file a shard writes, and the
//! exact merge of the shards' rankings.
//!
//! A shard (`run --shard I/N`, or the index and count from a scheduler's environment, see
//! [`ShardSpec::from_env`]) reads every input like a single run (roles, IDF statistics and the
//! taxonomy are computed identically in every shard, see docs/DECISIONS.md "Issue 17:
//! sharding"; with `--prepared`, the badge files' support index and hashes come from
//! `skillmatch prepare`'s file instead, see [`crate::ingest::Prepared`]), ranks only the
//! candidates it owns ([`shard_of`]: sha256 of the candidate id, not Rust's randomized hasher)
//! against every role, and writes [`SHARD_SCORES`] and a manifest carrying a [`ShardInfo`]. `merge` checks the set ([`check_set`]) and rebuilds the single run's
//! ranking with [`merge_scores`]: each candidate's top-K roles come from the shard that owns it;
//! each role's top-K is the best K of the union of the shards' top-K lists, in the engine's order
//! (score descending, candidate index ascending), so it equals the top-K over all candidates.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::report::manifest::{Manifest, ShardInfo};
use crate::score::{EngineStats, RankedMatch, ScoreOutput};

/// The file a shard writes beside its manifest: its top-K lists.
pub const SHARD_SCORES: &str = "shard_scores.json";

/// What [`ShardInfo::partition`] says: how candidates are assigned to shards.
pub const PARTITION: &str = "sha256(candidate id), first 8 bytes big-endian, mod count";

/// Environment variables naming a shard, in the order they are read: (index, count, scheduler).
pub const ENV_VARS: [(&str, &str, &str); 3] = [
    ("SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT", "Slurm job array"),
    ("AWS_BATCH_JOB_ARRAY_INDEX", "AWS_BATCH_JOB_ARRAY_SIZE", "AWS Batch array job"),
    ("JOB_COMPLETION_INDEX", "SKILLMATCH_SHARD_COUNT", "Kubernetes Indexed Job"),
];

/// Why a shard could not be set up, read or merged.
#[derive(Debug, thiserror::Error)]
pub enum ShardError {
    /// `--shard` or an environment variable holds no valid index or count.
    #[error("{source_name} = {value:?}: {reason}")]
    Spec {
        /// The flag or variable.
        source_name: String,
        /// Its value.
        value: String,
        /// What is wrong.
        reason: String,
    },
    /// An index variable is set without its count.
    #[error("{index_var} is set but {count_var} is not: a {scheduler} shard needs both (index and count)")]
    NoCount {
        /// The index variable.
        index_var: String,
        /// The missing count variable.
        count_var: String,
        /// The scheduler they belong to.
        scheduler: String,
    },
    /// A shard folder cannot be read.
    #[error("cannot read shard {path}: {reason}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        reason: String,
    },
    /// A folder given to merge is not a shard (its manifest has no `shard` block).
    #[error(
        "{path} is not a shard folder (its manifest.json has no shard block): give the folders `run --shard` wrote"
    )]
    NotShard {
        /// The folder.
        path: String,
    },
    /// Shards of different jobs.
    #[error("shard {path} was run on different {what} than {first} ({a} vs {b}): merge only shards of one job")]
    Mismatch {
        /// The shard that differs.
        path: String,
        /// The first shard.
        first: String,
        /// `inputs`, `config`, `version` or `shard count`.
        what: &'static str,
        /// The first shard's value.
        a: String,
        /// This shard's value.
        b: String,
    },
    /// Shard indices missing from the set.
    #[error("shard index {missing} of {count} is missing: give every shard folder 0..{count}")]
    Missing {
        /// The missing indices, comma-separated.
        missing: String,
        /// The shard count.
        count: u32,
    },
    /// The same index given twice.
    #[error("shard index {index} is given twice ({a} and {b})")]
    Duplicate {
        /// The index.
        index: u32,
        /// One folder.
        a: String,
        /// The other.
        b: String,
    },
    /// The shards' lists do not fit the merged run's candidates or roles.
    #[error("shard {path} does not fit the inputs: {reason}")]
    Inconsistent {
        /// The shard folder.
        path: String,
        /// What does not fit.
        reason: String,
    },
    /// `merge` was given no folder.
    #[error("no shard folders given")]
    NoShards,
}

/// Which shard of how many a run is: 0-based `index` < `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShardSpec {
    /// 0-based index.
    pub index: u32,
    /// Number of shards, at least 1.
    pub count: u32,
}

impl ShardSpec {
    /// Parses `I/N` (the `--shard` flag).
    ///
    /// # Errors
    /// Not two numbers separated by `/`, `N = 0` or `I >= N`.
    pub fn parse(text: &str) -> Result<ShardSpec, ShardError> {
        let bad = |reason: &str| ShardError::Spec {
            source_name: "--shard".into(),
            value: text.into(),
            reason: reason.into(),
        };
        let (i, n) = text.split_once('/').ok_or_else(|| bad("expected INDEX/COUNT, e.g. 0/4"))?;
        let index = number("--shard", text, i)?;
        let count = number("--shard", text, n)?;
        ShardSpec::new(index, count).map_err(|reason| bad(&reason))
    }

    /// A shard, checked: `count >= 1`, `index < count`.
    ///
    /// # Errors
    /// The reason, when not.
    pub fn new(index: u32, count: u32) -> Result<ShardSpec, String> {
        if count == 0 {
            return Err("the shard count must be at least 1".into());
        }
        if index >= count {
            return Err(format!("index {index} is not below the count {count} (indices are 0..{count})"));
        }
        Ok(ShardSpec { index, count })
    }

    /// The shard named by a scheduler's environment ([`ENV_VARS`], first set index wins), read
    /// through `get`; `None` when no index variable is set.
    ///
    /// # Errors
    /// An index without its count, a value that is not a number, or an index not below the count.
    pub fn from_env(get: impl Fn(&str) -> Option<String>) -> Result<Option<ShardSpec>, ShardError> {
        for (index_var, count_var, scheduler) in ENV_VARS {
            let Some(i) = get(index_var) else { continue };
            let Some(n) = get(count_var) else {
                return Err(ShardError::NoCount {
                    index_var: index_var.into(),
                    count_var: count_var.into(),
                    scheduler: scheduler.into(),
                });
            };
            let index = number(index_var, &i, &i)?;
            let count = number(count_var, &n, &n)?;
            return ShardSpec::new(index, count).map(Some).map_err(|reason| ShardError::Spec {
                source_name: format!("{index_var}/{count_var}"),
                value: format!("{i}/{n}"),
                reason,
            });
        }
        Ok(None)
    }

    /// The run id a shard takes when none is given: `shard-0003-of-0007`, so that an array of
    /// tasks writing into one output folder never collide.
    pub fn default_run_id(&self) -> String {
        format!("shard-{:04}-of-{:04}", self.index, self.count)
    }

    /// Whether this shard ranks candidate `id`.
    pub fn owns(&self, id: &str) -> bool {
        shard_of(id, self.count) == self.index
    }
}

fn number(name: &str, value: &str, part: &str) -> Result<u32, ShardError> {
    part.trim().parse::<u32>().map_err(|_| ShardError::Spec {
        source_name: name.into(),
        value: value.into(),
        reason: format!("{part:?} is not a non-negative whole number"),
    })
}

/// The shard of `count` that candidate `id` belongs to ([`PARTITION`]): stable across
/// processes, machines and Rust versions.
pub fn shard_of(id: &str, count: u32) -> u32 {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(id.as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    (u64::from_be_bytes(first) % u64::from(count.max(1))) as u32
}

/// sha256 over what a run read: every input's kind, size and content hash, the taxonomy files'
/// content hashes and the as-of date (paths are left out: shards may mount the same files at
/// different places).
pub fn inputs_sha256<'a>(
    inputs: &[crate::ingest::InputFile],
    taxonomy_sha256: impl Iterator<Item = &'a str>,
    as_of: &str,
) -> String {
    let inputs: Vec<(&str, u64, &str)> = inputs.iter().map(|f| (f.kind.as_str(), f.bytes, f.sha256.as_str())).collect();
    let taxonomy: Vec<&str> = taxonomy_sha256.collect();
    let value = serde_json::json!({ "inputs": inputs, "taxonomy": taxonomy, "as_of": as_of });
    crate::util::sha256_hex(value.to_string().as_bytes())
}

/// sha256 of a manifest's effective configuration (its `config` block).
pub fn config_sha256(config: &serde_json::Value) -> String {
    crate::util::sha256_hex(config.to_string().as_bytes())
}

/// The manifest block of shard `spec` of the run described by `m`, which ranked `candidates`.
pub fn info(spec: ShardSpec, m: &Manifest, candidates: u64, out_of_scope: crate::ingest::OutOfScope) -> ShardInfo {
    ShardInfo {
        index: spec.index,
        count: spec.count,
        partition: PARTITION.into(),
        candidates,
        out_of_scope,
        inputs_sha256: inputs_sha256(&m.inputs, m.taxonomy.files.iter().map(|f| f.sha256.as_str()), &m.as_of),
        config_sha256: config_sha256(&m.config),
        version: m.tool.version.clone(),
    }
}

/// The score counts a shard's manifest records: its candidates, every role, and the engine's
/// work on them (the explanations, catalog and pathways are the merge's).
pub fn stage_stats(out: &ScoreOutput, candidates: usize) -> crate::score::ScoreStats {
    let e = &out.stats;
    crate::score::ScoreStats {
        candidate_blocks: e.candidate_blocks,
        candidate_blocks_opened: e.candidate_blocks_opened,
        candidate_pairs_scored: e.candidate_pairs_scored,
        candidates: candidates as u64,
        distinct_roles: e.distinct_roles,
        pairs_scored: out.pairs_scored,
        pairs_total: candidates as u64 * out.by_role.len() as u64,
        postings_visited: e.postings_visited,
        role_blocks: e.role_blocks,
        role_blocks_opened: e.role_blocks_opened,
        role_pairs_scored: e.role_pairs_scored,
        roles: out.by_role.len() as u64,
        shortlist_rows: out.by_role.iter().map(|v| v.len() as u64).sum(),
        ..crate::score::ScoreStats::default()
    }
}

/// A score as stored: the bits of the `f64`, so that it reads back exactly.
pub type ScoreBits = u64;

/// What a shard ranked ([`SHARD_SCORES`]).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ShardScores {
    /// Number of roles (every shard ranks all of them).
    pub roles: u32,
    /// Per role, in role order: the shard's top-K `(candidate id, score)`, best first.
    pub by_role: Vec<Vec<(String, ScoreBits)>>,
    /// Per owned candidate, in id order: `(candidate id, [(role index, score)])`, best first.
    pub by_candidate: Vec<(String, Vec<(u32, ScoreBits)>)>,
    /// The engine's work on this shard.
    pub engine: EngineStats,
}

impl ShardScores {
    /// The file form of a shard's engine output; `ids` are the shard's candidate ids, in the
    /// order the engine saw them.
    pub fn new(out: &ScoreOutput, ids: &[&str]) -> ShardScores {
        let id = |c: u32| ids.get(c as usize).map_or_else(String::new, |s| (*s).to_string());
        ShardScores {
            roles: out.by_role.len() as u32,
            by_role: out
                .by_role
                .iter()
                .map(|l| l.iter().map(|m| (id(m.candidate), m.score.to_bits())).collect())
                .collect(),
            by_candidate: out
                .by_candidate
                .iter()
                .enumerate()
                .map(|(c, l)| (id(c as u32), l.iter().map(|m| (m.role, m.score.to_bits())).collect()))
                .collect(),
            engine: out.stats,
        }
    }

    /// Writes the file into `dir`; returns its size in rows (role and candidate lists).
    ///
    /// # Errors
    /// The file cannot be written.
    pub fn write(&self, dir: &Path) -> std::io::Result<usize> {
        let mut bytes = serde_json::to_vec(self).map_err(std::io::Error::other)?;
        bytes.push(b'\n');
        std::fs::write(dir.join(SHARD_SCORES), bytes)?;
        Ok(self.by_role.len() + self.by_candidate.len())
    }
}

/// A shard folder as merge reads it.
#[derive(Debug, Clone)]
pub struct ShardFolder {
    /// The folder.
    pub dir: std::path::PathBuf,
    /// Its manifest.
    pub manifest: Manifest,
    /// Its shard block.
    pub info: ShardInfo,
    /// Its lists.
    pub scores: ShardScores,
}

impl ShardFolder {
    /// Reads a shard folder: its manifest (with a shard block) and its scores file, whose sha256
    /// must be the one the manifest lists.
    ///
    /// # Errors
    /// Missing or unreadable files, a folder that is not a shard, a checksum that does not match.
    pub fn read(dir: &Path) -> Result<ShardFolder, ShardError> {
        let shown = dir.display().to_string();
        let manifest = crate::report::schema::read_manifest(dir)
            .map_err(|e| ShardError::Read { path: shown.clone(), reason: e.to_string() })?;
        let info = manifest.shard.clone().ok_or_else(|| ShardError::NotShard { path: shown.clone() })?;
        let path = dir.join(SHARD_SCORES);
        let read_err = |reason: String| ShardError::Read { path: path.display().to_string(), reason };
        let bytes = std::fs::read(&path).map_err(|e| read_err(e.to_string()))?;
        let listed = manifest.outputs.iter().find(|o| o.file == SHARD_SCORES).map(|o| o.sha256.as_str());
        if listed != Some(crate::util::sha256_hex(&bytes).as_str()) {
            return Err(read_err("its sha256 is not the one manifest.json lists (changed or truncated)".into()));
        }
        let scores: ShardScores = serde_json::from_slice(&bytes).map_err(|e| read_err(e.to_string()))?;
        Ok(ShardFolder { dir: dir.to_path_buf(), manifest, info, scores })
    }
}

/// Checks that `shards` are one complete job: same inputs, config, version and count, every
/// index `0..count` exactly once. Returns them sorted by index.
///
/// # Errors
/// The first difference, a duplicated index, or the missing indices.
pub fn check_set(mut shards: Vec<ShardFolder>) -> Result<Vec<ShardFolder>, ShardError> {
    let first = shards.first().ok_or(ShardError::NoShards)?.clone();
    for s in &shards {
        let fields: [(&'static str, String, String); 4] = [
            ("version", first.info.version.clone(), s.info.version.clone()),
            ("inputs", first.info.inputs_sha256.clone(), s.info.inputs_sha256.clone()),
            ("config", first.info.config_sha256.clone(), s.info.config_sha256.clone()),
            ("shard count", first.info.count.to_string(), s.info.count.to_string()),
        ];
        if let Some((what, a, b)) = fields.into_iter().find(|(_, a, b)| a != b) {
            return Err(ShardError::Mismatch {
                path: s.dir.display().to_string(),
                first: first.dir.display().to_string(),
                what,
                a,
                b,
            });
        }
    }
    shards.sort_by_key(|s| s.info.index);
    for w in shards.windows(2) {
        if w[0].info.index == w[1].info.index {
            return Err(ShardError::Duplicate {
                index: w[0].info.index,
                a: w[0].dir.display().to_string(),
                b: w[1].dir.display().to_string(),
            });
        }
    }
    let count = first.info.count;
    let missing: Vec<String> =
        (0..count).filter(|i| !shards.iter().any(|s| s.info.index == *i)).map(|i| i.to_string()).collect();
    if !missing.is_empty() {
        return Err(ShardError::Missing { missing: missing.join(", "), count });
    }
    Ok(shards)
}

/// The engine's order: score descending, then candidate index ascending.
fn better(a: &(u32, f64), b: &(u32, f64)) -> std::cmp::Ordering {
    b.1.total_cmp(&a.1).then(a.0.cmp(&b.0))
}

/// Rebuilds the single run's ranking from the shards' lists. `ids` are all candidate ids of the
/// run, sorted (the profiles' order); `roles` the number of roles; `top_k` the list length.
///
/// # Errors
/// A shard names a candidate the run does not have, or a role index out of range; a candidate
/// ranked by two shards or by none.
pub fn merge_scores(
    shards: &[ShardFolder],
    ids: &[&str],
    roles: usize,
    top_k: usize,
) -> Result<ScoreOutput, ShardError> {
    let mut by_candidate: Vec<Option<Vec<RankedMatch>>> = vec![None; ids.len()];
    let mut by_role: Vec<Vec<(u32, f64)>> = vec![Vec::new(); roles];
    let mut stats = EngineStats::default();
    for s in shards {
        let bad = |reason: String| ShardError::Inconsistent { path: s.dir.display().to_string(), reason };
        let index_of =
            |id: &str| ids.binary_search(&id).map(|i| i as u32).map_err(|_| bad(format!("unknown candidate {id:?}")));
        if s.scores.roles as usize != roles || s.scores.by_role.len() != roles {
            return Err(bad(format!("{} roles, the inputs give {roles}", s.scores.roles)));
        }
        for (r, list) in s.scores.by_role.iter().enumerate() {
            for (id, bits) in list {
                by_role[r].push((index_of(id)?, f64::from_bits(*bits)));
            }
        }
        for (id, list) in &s.scores.by_candidate {
            let c = index_of(id)?;
            let slot = &mut by_candidate[c as usize];
            if slot.is_some() {
                return Err(bad(format!("candidate {id:?} is ranked by two shards")));
            }
            let mut ranked = Vec::with_capacity(list.len());
            for (i, (r, bits)) in list.iter().enumerate() {
                if *r as usize >= roles {
                    return Err(bad(format!("role index {r} out of range")));
                }
                ranked.push(RankedMatch { role: *r, candidate: c, rank: i as u32 + 1, score: f64::from_bits(*bits) });
            }
            *slot = Some(ranked);
        }
        add_stats(&mut stats, &s.scores.engine);
    }
    let by_candidate = by_candidate
        .into_iter()
        .zip(ids)
        .map(|(l, id)| {
            l.ok_or_else(|| ShardError::Inconsistent {
                path: "(all shards)".into(),
                reason: format!("no shard ranked candidate {id:?}"),
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let by_role = by_role
        .into_iter()
        .enumerate()
        .map(|(r, mut items)| {
            items.sort_by(better);
            items.truncate(top_k);
            items
                .into_iter()
                .enumerate()
                .map(|(i, (c, score))| RankedMatch { role: r as u32, candidate: c, rank: i as u32 + 1, score })
                .collect()
        })
        .collect();
    Ok(ScoreOutput {
        by_role,
        by_candidate,
        pairs_scored: stats.role_pairs_scored + stats.candidate_pairs_scored,
        stats,
    })
}

/// Adds a shard's engine work to the total (the work actually done, all shards together);
/// `distinct_roles` is the same in every shard and kept once.
fn add_stats(total: &mut EngineStats, s: &EngineStats) {
    total.postings_visited += s.postings_visited;
    total.distinct_roles = s.distinct_roles;
    total.role_pairs_scored += s.role_pairs_scored;
    total.candidate_pairs_scored += s.candidate_pairs_scored;
    total.candidate_blocks += s.candidate_blocks;
    total.role_blocks += s.role_blocks;
    total.candidate_blocks_opened += s.candidate_blocks_opened;
    total.role_blocks_opened += s.role_blocks_opened;
    total.role_side_ms += s.role_side_ms;
    total.candidate_side_ms += s.candidate_side_ms;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shard_flag_parses_and_refuses_bad_values() {
        assert_eq!(ShardSpec::parse("3/7").ok(), Some(ShardSpec { index: 3, count: 7 }));
        for bad in ["7/7", "1/0", "x/2", "1", "-1/2", "1/2/3"] {
            assert!(ShardSpec::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(ShardSpec { index: 3, count: 7 }.default_run_id(), "shard-0003-of-0007");
    }

    #[test]
    fn environment_names_the_shard_in_scheduler_order_and_names_a_bad_variable() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| (*v).to_string())
        };
        assert_eq!(ShardSpec::from_env(env(&[])).ok(), Some(None));
        let slurm =
            env(&[("SLURM_ARRAY_TASK_ID", "2"), ("SLURM_ARRAY_TASK_COUNT", "4"), ("JOB_COMPLETION_INDEX", "0")]);
        assert_eq!(ShardSpec::from_env(slurm).ok(), Some(Some(ShardSpec { index: 2, count: 4 })));
        let k8s = env(&[("JOB_COMPLETION_INDEX", "1"), ("SKILLMATCH_SHARD_COUNT", "3")]);
        assert_eq!(ShardSpec::from_env(k8s).ok(), Some(Some(ShardSpec { index: 1, count: 3 })));
        let no_count = ShardSpec::from_env(env(&[("AWS_BATCH_JOB_ARRAY_INDEX", "1")])).expect_err("no size");
        assert!(no_count.to_string().contains("AWS_BATCH_JOB_ARRAY_SIZE"), "{no_count}");
        let nan = ShardSpec::from_env(env(&[("JOB_COMPLETION_INDEX", "a"), ("SKILLMATCH_SHARD_COUNT", "3")]))
            .expect_err("not a number");
        assert!(nan.to_string().contains("JOB_COMPLETION_INDEX"), "{nan}");
        let high = ShardSpec::from_env(env(&[("SLURM_ARRAY_TASK_ID", "4"), ("SLURM_ARRAY_TASK_COUNT", "4")]))
            .expect_err("index too high");
        assert!(high.to_string().contains("SLURM_ARRAY_TASK_ID"), "{high}");
    }

    #[test]
    fn partition_is_a_fixed_function_of_the_id() {
        // Pinned values: the partition must never change between versions or machines.
        // sha256("c00001") etc., first 8 bytes big-endian, mod 7 (computed independently with
        // Python's hashlib).
        let shards: Vec<u32> = ["c00001", "c00002", "c00003", "alice"].iter().map(|id| shard_of(id, 7)).collect();
        assert_eq!(shards, [4, 5, 6, 1]);
        assert!((0..1000).all(|i| shard_of(&format!("c{i}"), 4) < 4));
        assert_eq!(shard_of("anything", 1), 0);
    }
}
