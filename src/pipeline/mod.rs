//! Pipeline: run the stages in order and write the run folder.
//!
//! `ingest` (while the taxonomy loads on the other core) → `verify` → `normalize` (taxonomy +
//! extract) → `score` → `report`. Every stage's output is a typed value handed to the next.

pub mod cancel;
pub mod guards;
pub mod preflight;
pub mod profile;
pub mod progress;

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::NaiveDate;

use profile::Meter;
pub use progress::{Progress, ProgressMode};

use crate::config::Config;
use crate::extract::Extractor;
use crate::ingest::{Counts, IngestError, IngestOutput, InputFile, Prepared, Reject, Scope, ingest_streaming};
use crate::normalize::{NormalizeOptions, NormalizeStats, normalize};
use crate::report::manifest::{
    CustomTaxonomyInfo, Manifest, RunInfo, StageStats, TaxonomyFile, TaxonomyInfo, ToolInfo,
};
use crate::report::{ReportError, ReportInput};
use crate::score::ScoreInput;
use crate::taxonomy::{Taxonomy, TaxonomyError, TaxonomyReject};
use crate::verify::{Status, VerifiedCredential, Verifier, VerifyStats};

/// Why a run failed. [`PipelineError::is_usage`] tells the CLI which exit code to use.
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    /// An input path does not exist.
    #[error(transparent)]
    Input(#[from] IngestError),
    /// The taxonomy could not be loaded.
    #[error("{0} (check [taxonomy] esco_dir, custom, aliases, onet_dir and crosswalk in the config)")]
    Taxonomy(#[from] TaxonomyError),
    /// Writing the report failed.
    #[error(transparent)]
    Report(#[from] ReportError),
    /// The report folder could not be created or moved into place.
    #[error("cannot create report folder under {root}: {source}")]
    Staging {
        /// Output root.
        root: String,
        /// Why.
        source: std::io::Error,
    },
    /// The thread pool could not be built.
    #[error("cannot start {threads} worker threads: {reason}")]
    Threads {
        /// Requested threads.
        threads: usize,
        /// Why.
        reason: String,
    },
    /// The trust folder (`[verify] trust` / `--trust`) could not be loaded.
    #[error("{0} (check [verify] trust / --trust)")]
    Trust(#[from] crate::verify::TrustError),
    /// A pathway names a program skill the taxonomy does not know (exactly).
    #[error(transparent)]
    PathwaySkill(#[from] crate::score::policy::PathwaySkillError),
    /// The inputs yielded nothing, too little, or mostly rejects (`[run]` guards).
    #[error("{0}")]
    Guard(#[from] guards::GuardError),
    /// The configured demographics file cannot be read (`[report] audit_demographics`).
    #[error("{0} (check [report] audit_demographics)")]
    Audit(#[from] crate::audit::AuditError),
    /// The run has nothing to read.
    #[error("no inputs: give --roster, --badges and --postings, or a config with an [inputs] table")]
    NoInputs,
    /// The output root or run id cannot take this run (checked before any work).
    #[error(transparent)]
    Preflight(#[from] preflight::PreflightError),
    /// A stop signal ended the run.
    #[error(transparent)]
    Interrupted(#[from] cancel::Interrupted),
    /// Shards that cannot be merged (different jobs, a missing or duplicated index).
    #[error(transparent)]
    Shard(#[from] crate::shard::ShardError),
    /// `[meaning]` switches a use on but the model is missing or unusable.
    #[error("{0} (needed by [meaning] in the config)")]
    Meaning(#[from] crate::semantic::SemanticError),
}

impl PipelineError {
    /// True for errors the user fixes by changing flags or config (exit code 2).
    pub fn is_usage(&self) -> bool {
        matches!(
            self,
            PipelineError::Input(_)
                | PipelineError::NoInputs
                | PipelineError::Trust(_)
                | PipelineError::PathwaySkill(_)
                | PipelineError::Audit(_)
                | PipelineError::Shard(_)
        ) || matches!(self, PipelineError::Taxonomy(TaxonomyError::Io { .. }))
            || matches!(self, PipelineError::Preflight(e) if e.is_usage())
            || matches!(
                self,
                PipelineError::Meaning(
                    crate::semantic::SemanticError::NotInstalled(_)
                        | crate::semantic::SemanticError::Digest { .. }
                        | crate::semantic::SemanticError::Model(_)
                )
            )
    }

    /// The stop signal that ended the run, if one did (the binary exits with `128 + signal`).
    pub fn interrupted(&self) -> Option<&cancel::Interrupted> {
        match self {
            PipelineError::Interrupted(i) | PipelineError::Report(ReportError::Interrupted(i)) => Some(i),
            _ => None,
        }
    }
}

/// What to run.
#[derive(Debug, Clone)]
pub struct RunRequest {
    /// The effective configuration (CLI overrides applied).
    pub config: Config,
    /// Evaluation date.
    pub as_of: NaiveDate,
    /// Output root; the run writes `<out_root>/<run_id>/`.
    pub out_root: PathBuf,
    /// Run id; a timestamp when absent.
    pub run_id: Option<String>,
    /// Worker threads (0 = all cores).
    pub threads: usize,
    /// Progress display.
    pub progress: ProgressMode,
    /// A prepared index of the badge inputs (`skillmatch prepare`), read instead of indexing
    /// every badge file: a shard then reads only its own candidates' files. Not part of the
    /// configuration: a run's outputs are the same with or without it.
    pub prepared: Option<PathBuf>,
}

/// What a finished run produced.
#[derive(Debug, Clone)]
pub struct RunSummary {
    /// The report folder.
    pub run_dir: PathBuf,
    /// The manifest written into it.
    pub manifest: Manifest,
}

/// Runs the whole job inside a thread pool of the requested size. Input paths are made
/// absolute first, so that rejects and the manifest name them the same way from any folder.
pub fn run(req: &RunRequest) -> Result<RunSummary, PipelineError> {
    run_mode(req, &Mode::Single)
}

/// [`run`] as a shard of a sharded job, or as the merge of one ([`Mode`]).
///
/// # Errors
/// As [`run`]; a merge also refuses inputs that are not the ones its shards read.
pub fn run_mode(req: &RunRequest, mode: &Mode) -> Result<RunSummary, PipelineError> {
    let mut req = req.clone();
    req.config.make_paths_absolute();
    let req = &req;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(req.threads)
        .build()
        .map_err(|e| PipelineError::Threads { threads: req.threads, reason: e.to_string() })?;
    pool.install(|| run_in_pool(req, mode, pool.current_num_threads()))
}

/// Merges the shard folders `dirs` (every shard of one job, any order) into the run folder a
/// single run of the same job writes under `out_root`: the job's inputs and configuration are
/// read from the shards' manifests, checked against them, and every output is recomputed from
/// the shards' rankings.
///
/// # Errors
/// A folder that is not a shard, shards of different jobs, a missing or duplicated index (all
/// usage errors), and whatever a run can fail with.
pub fn merge(
    dirs: &[PathBuf],
    out_root: &std::path::Path,
    run_id: Option<String>,
    threads: usize,
    progress: ProgressMode,
) -> Result<RunSummary, PipelineError> {
    let shards = dirs.iter().map(|d| crate::shard::ShardFolder::read(d)).collect::<Result<Vec<_>, _>>()?;
    let shards = crate::shard::check_set(shards)?;
    let first = shards.first().ok_or(crate::shard::ShardError::NoShards)?;
    let m = &first.manifest;
    let bad = |reason: String| crate::shard::ShardError::Read {
        path: first.dir.join(crate::report::schema::MANIFEST).display().to_string(),
        reason,
    };
    let config: Config = serde_json::from_value(m.config.clone()).map_err(|e| bad(format!("config: {e}")))?;
    let as_of =
        NaiveDate::parse_from_str(&m.as_of, "%Y-%m-%d").map_err(|e| bad(format!("as_of {:?}: {e}", m.as_of)))?;
    let req = RunRequest { config, as_of, out_root: out_root.to_path_buf(), run_id, threads, progress, prepared: None };
    run_mode(&req, &Mode::Merge(shards))
}

/// Wall time of each stage and report writer in milliseconds, and each stage's cost (the
/// manifest's `run` block).
#[derive(Default)]
struct Timings {
    wall_ms: BTreeMap<String, u64>,
    profile: crate::report::manifest::Profile,
}

impl Timings {
    fn time(&mut self, stage: &str, meter: &Meter) -> std::time::Duration {
        let d = meter.started().elapsed();
        self.wall_ms.insert(stage.to_string(), d.as_millis() as u64);
        self.profile.insert(stage.to_string(), meter.stop());
        d
    }
}

/// Ingest and the taxonomy, loaded side by side, with the side inputs (trust folder, O*NET,
/// custom taxonomies, alias files) accounted for beside the ingested files.
struct Loaded {
    /// Everything read but the credentials (its `credentials` is empty).
    ingested: IngestOutput,
    /// The credentials, verified as they were read, in (path, position) order.
    verified: Vec<VerifiedCredential>,
    taxonomy: Taxonomy,
    onet: Option<OnetParts>,
    /// The taxonomy's own rejects: custom files' rows, then alias files' rows.
    taxonomy_rejects: Vec<TaxonomyReject>,
}

fn run_in_pool(req: &RunRequest, mode: &Mode, threads: usize) -> Result<RunSummary, PipelineError> {
    let cfg = &req.config;
    if cfg.inputs.roster.is_none() && cfg.inputs.badges.is_empty() && cfg.inputs.postings.is_empty() {
        return Err(PipelineError::NoInputs);
    }
    let trust = cfg.verify.load_trust()?;
    // Demographics and the `[meaning]` model are read before any work: a wrong file fails at once.
    let demographics = cfg.report.audit_demographics.as_deref().map(crate::audit::demographics::read).transpose()?;
    let model = cfg.meaning.load_model()?;
    let mut prepared = req.prepared.as_deref().map(Prepared::read).transpose()?;
    let started = chrono::Utc::now();
    let default_id = mode.default_run_id();
    // Output root, run id, lock and leftovers are checked before any work.
    let preflight::Prepared { run_id, staging, .. } =
        preflight::prepare(&req.out_root, req.run_id.as_deref().or(default_id.as_deref()), started)?;
    let progress = Progress::new(req.progress, 5);
    let mut timings = Timings::default();

    cancel::stage("ingest")?;
    let owns = owner(mode);
    let scope = if matches!(mode, Mode::Shard(_)) { Scope::Candidates(&owns) } else { Scope::Everyone };
    let Loaded { ingested, verified, taxonomy, onet, taxonomy_rejects } =
        ingest_stage(cfg, &trust, (scope, prepared.as_mut()), req.as_of, &progress, &mut timings)?;

    cancel::stage("verify")?;
    let verify_stats = verify_summary(&verified, &timings, &progress);

    cancel::stage("normalize")?;
    let mut normalized =
        normalize_stage(cfg, &taxonomy, onet.as_ref(), &verified, &ingested, model.as_ref(), &progress, &mut timings)?;
    let normalize_stats = NormalizeStats::of(&normalized);
    let requirements = std::mem::take(&mut normalized.roles);

    cancel::stage("score")?;
    let roster = &ingested.roster;
    progress.start("score", &format!("{} candidates x {} roles", roster.candidates.len(), requirements.len()));
    let t = Meter::start();
    let roles = crate::score::stage::roles(requirements, cfg);
    let input = ScoreInput {
        config: cfg,
        as_of: req.as_of,
        taxonomy: &taxonomy,
        roster,
        verified: &verified,
        credential_skills: &normalized.credential_skills,
        trust: &trust,
    };
    let ranked = crate::score::stage::prepare(input, &roles)?;
    let head = Head { req, ingested: &ingested, taxonomy: &taxonomy, threads, run_id: &run_id, started };
    let scores = match mode {
        Mode::Single => {
            crate::score::score_all_with(&taxonomy, &ranked.neighbours, &ranked.profiles, &roles, &cfg.score_params())
        }
        Mode::Shard(spec) => {
            let job = ShardJob { spec: *spec, input, roles: &roles, ranked: &ranked, normalize_stats, verify_stats };
            return write_shard(head, job, timings, t, staging, &progress);
        }
        Mode::Merge(shards) => {
            check_merge_inputs(&head, shards)?;
            let ids: Vec<&str> = ranked.profiles.iter().map(|p| p.id.as_str()).collect();
            crate::shard::merge_scores(shards, &ids, roles.len(), cfg.score.top_k)?
        }
    };
    let scored = crate::score::stage::finish(input, &roles, ranked, scores);
    let d = timings.time("score", &t);
    progress.finish("score", d, &format!("{} pairs scored", scored.scores.pairs_scored));
    // Timed apart from `score`, so its cost shows in the manifest's profile.
    let t = Meter::start();
    let credential_value = crate::score::stage::credential_value(input, &roles, &scored);
    timings.time("credential_value", &t);

    cancel::stage("report")?;
    progress.start("report", "writing the run folder");
    // Ingest's rejects (and the trust folder's), then the taxonomy's own.
    let rejects: Vec<Reject> =
        ingested.rejects.iter().cloned().chain(taxonomy_rejects.iter().map(taxonomy_reject)).collect();
    let input = ReportInput {
        taxonomy: &taxonomy,
        credentials: &verified,
        normalized: &normalized,
        profiles: &scored.profiles,
        roles: &roles,
        matches: &scored.details,
        thin_roles: &scored.thin_roles,
        rejects: &rejects,
        catalog: &scored.catalog,
        pathways: &scored.pathways,
        pathway_progress: &scored.pathway_progress,
        credential_value: &credential_value,
        csv_bom: cfg.run.csv_bom,
        badge_inputs: &cfg.inputs.badges,
        posting_inputs: &cfg.inputs.postings,
        as_of: req.as_of,
        ingest_counts: &ingested.counts,
        trust: &trust,
    };
    let stages = StageStats { normalize: normalize_stats, score: scored.stats, verify: verify_stats };
    report_stage(head, &input, stages, timings, staging, demographics.as_ref(), &progress)
}

impl Mode {
    /// The run id when none is given: a shard's place in the job, so that shards never collide
    /// (a timestamp for the others).
    fn default_run_id(&self) -> Option<String> {
        match self {
            Mode::Shard(spec) => Some(spec.default_run_id()),
            _ => None,
        }
    }
}

/// Whose credentials a run reads in full (see `ingest::Scope`): a shard's own candidates', or
/// everyone's.
fn owner(mode: &Mode) -> impl Fn(&str) -> bool + Sync + use<> {
    let shard = match mode {
        Mode::Shard(spec) => Some(*spec),
        _ => None,
    };
    move |id: &str| shard.is_none_or(|s| s.owns(id))
}

/// What kind of run [`run_mode`] makes.
#[derive(Debug, Clone)]
pub enum Mode {
    /// An ordinary run: every candidate, every output.
    Single,
    /// One shard of a sharded job: ranks the candidates the shard owns and writes a shard folder
    /// (its top-K lists and a manifest with a `shard` block), see [`crate::shard`].
    Shard(crate::shard::ShardSpec),
    /// The merge of a complete, checked set of shards ([`crate::shard::check_set`]): the run
    /// folder a single run writes, with the engine's ranking taken from the shards.
    Merge(Vec<crate::shard::ShardFolder>),
}

/// What every manifest is built from, beside the outputs and counts.
struct Head<'a> {
    req: &'a RunRequest,
    ingested: &'a IngestOutput,
    taxonomy: &'a Taxonomy,
    threads: usize,
    run_id: &'a str,
    started: chrono::DateTime<chrono::Utc>,
}

/// A shard's part of the score stage, for its folder.
struct ShardJob<'a> {
    spec: crate::shard::ShardSpec,
    input: ScoreInput<'a>,
    roles: &'a [crate::score::Role],
    ranked: &'a crate::score::stage::Ranked,
    normalize_stats: NormalizeStats,
    verify_stats: VerifyStats,
}

/// Ranks a shard's candidates (the score stage timed from `t`) and writes its folder: its top-K
/// lists and a manifest with its `shard` block.
fn write_shard(
    head: Head<'_>,
    job: ShardJob<'_>,
    mut timings: Timings,
    t: Meter,
    staging: crate::report::staging::Staging,
    progress: &Progress,
) -> Result<RunSummary, PipelineError> {
    let spec = job.spec;
    let (scores, ids) = crate::score::stage::rank_part(job.input, job.roles, job.ranked, |id| spec.owns(id));
    let d = timings.time("score", &t);
    progress.finish("score", d, &format!("shard {}/{}: {} candidates ranked", spec.index, spec.count, ids.len()));
    let score = crate::shard::stage_stats(&scores, ids.len());
    let stages = StageStats { normalize: job.normalize_stats, score, verify: job.verify_stats };
    cancel::stage("report")?;
    let t = std::time::Instant::now();
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    let file = crate::shard::ShardScores::new(&scores, &ids);
    let name = crate::shard::SHARD_SCORES;
    let io = |source| ReportError::Io { path: name.into(), source };
    let rows = file.write(staging.dir()).map_err(io)?;
    let outputs = vec![crate::report::output_file(staging.dir(), name, rows)?];
    let (req, threads) = (head.req, head.threads);
    let mut manifest =
        build_manifest(req, head.ingested, head.taxonomy, outputs, stages, timings, threads, head.run_id, head.started);
    manifest.shard = Some(crate::shard::info(spec, &manifest, ids.len() as u64, head.ingested.out_of_scope));
    manifest.run.timings_ms.insert("report:shard".into(), t.elapsed().as_millis() as u64);
    crate::report::manifest::write(staging.dir(), &manifest)?;
    commit(staging, req, progress, t).map(|run_dir| RunSummary { run_dir, manifest })
}

/// Refuses a merge whose inputs or configuration, as read now, are not the ones the shards ran on.
fn check_merge_inputs(head: &Head<'_>, shards: &[crate::shard::ShardFolder]) -> Result<(), PipelineError> {
    let first = shards.first().ok_or(crate::shard::ShardError::NoShards)?;
    let taxonomy = head.taxonomy.files();
    let now = crate::shard::inputs_sha256(
        &head.ingested.files,
        taxonomy.iter().map(|(_, h)| h.as_str()),
        &head.req.as_of.to_string(),
    );
    if now != first.info.inputs_sha256 {
        return Err(crate::shard::ShardError::Mismatch {
            path: "the inputs as merge reads them now".into(),
            first: first.dir.display().to_string(),
            what: "inputs",
            a: first.info.inputs_sha256.clone(),
            b: now,
        }
        .into());
    }
    Ok(())
}

/// Renames the staging folder into place (refused once a stop signal arrived).
fn commit(
    staging: crate::report::staging::Staging,
    req: &RunRequest,
    progress: &Progress,
    t: std::time::Instant,
) -> Result<PathBuf, PipelineError> {
    let run_dir = staging.commit().map_err(|source| match cancel::check("report") {
        Err(stopped) => PipelineError::Interrupted(stopped),
        Ok(()) => PipelineError::Staging { root: req.out_root.display().to_string(), source },
    })?;
    let _ = cancel::stage("done");
    progress.finish("report", t.elapsed(), &run_dir.display().to_string());
    progress.close();
    Ok(run_dir)
}

/// Stage 5: the data files, the comparisons and the page, the manifest; then the folder is
/// renamed into place.
fn report_stage(
    head: Head<'_>,
    input: &ReportInput<'_>,
    stages: StageStats,
    mut timings: Timings,
    staging: crate::report::staging::Staging,
    demographics: Option<&crate::audit::demographics::Demographics>,
    progress: &Progress,
) -> Result<RunSummary, PipelineError> {
    let t = Meter::start();
    let (outputs, writer_ms) = crate::report::write_data_files(staging.dir(), input)?;
    timings.wall_ms.extend(writer_ms);
    timings.time("report", &t);
    let req = head.req;
    let cfg = &req.config;
    let previous = cfg.report.diff_previous.then(|| crate::diff::previous_run(&req.out_root, head.run_id)).flatten();
    let mut manifest = build_manifest(
        req,
        head.ingested,
        head.taxonomy,
        outputs,
        stages,
        timings,
        head.threads,
        head.run_id,
        head.started,
    );
    let names = &input.normalized.meaning_names;
    manifest.run.names_by_meaning = (names.distinct > 0).then(|| names.clone());
    let comparisons = Comparisons { previous, demographics };
    write_comparisons_and_page(staging.dir(), input, comparisons, &mut manifest)?;
    crate::report::manifest::write(staging.dir(), &manifest)?;
    let run_dir = commit(staging, req, progress, t.started())?;
    Ok(RunSummary { run_dir, manifest })
}

/// What a run is compared with after its data files are written: the previous run (for
/// `diff.json`) and the audit's demographics.
struct Comparisons<'a> {
    previous: Option<(std::path::PathBuf, Manifest)>,
    demographics: Option<&'a crate::audit::demographics::Demographics>,
}

/// Writes `diff.json` and `audit.csv` when asked for, then `report.html` with their sections,
/// into the staging folder, recording each in the manifest.
fn write_comparisons_and_page(
    staging: &std::path::Path,
    input: &ReportInput<'_>,
    comparisons: Comparisons<'_>,
    manifest: &mut Manifest,
) -> Result<(), PipelineError> {
    let changes = match comparisons.previous {
        Some((dir, old)) => {
            cancel::check("report")?;
            diff_previous(staging, &dir, old, manifest)?
        }
        None => None,
    };
    let audit = match comparisons.demographics {
        Some(demo) => {
            cancel::check("report")?;
            let t = std::time::Instant::now();
            let (report, file) = crate::audit::write_for_run(staging, manifest, demo)?;
            manifest.outputs.push(file);
            manifest.run.timings_ms.insert("report:audit".into(), t.elapsed().as_millis() as u64);
            Some(crate::audit::page::page_section(&report))
        }
        None => None,
    };
    cancel::check("report")?;
    let t = std::time::Instant::now();
    manifest.outputs.push(crate::report::page::write(staging, input, changes, audit)?);
    manifest.run.timings_ms.insert("report:page".into(), t.elapsed().as_millis() as u64);
    Ok(())
}

/// Writes `diff.json` into the staging folder `staging`, comparing the run being written (its
/// `manifest`, not yet written) with the previous finished run in `dir`, and records both the
/// file and the previous run's id in the manifest. A previous run whose files cannot be read
/// is warned about and skipped: last night's broken folder must not fail tonight's run.
/// Returns the page's section of changes.
fn diff_previous(
    staging: &std::path::Path,
    dir: &std::path::Path,
    old: Manifest,
    manifest: &mut Manifest,
) -> Result<Option<crate::report::page::summary::Section>, PipelineError> {
    let t = std::time::Instant::now();
    let snapshots = crate::diff::RunSnapshot::read_with(dir, old)
        .and_then(|old| Ok((old, crate::diff::RunSnapshot::read_with(staging, manifest.clone())?)));
    let (old, new) = match snapshots {
        Ok(s) => s,
        Err(e) => {
            tracing::warn!("no diff.json: cannot read the previous run {}: {e}", dir.display());
            return Ok(None);
        }
    };
    let diff = crate::diff::diff(&old, &new);
    manifest.outputs.push(crate::diff::write_json(staging, &diff)?);
    manifest.run.previous_run = Some(old.manifest.run.run_id.clone());
    manifest.run.timings_ms.insert("report:diff".into(), t.elapsed().as_millis() as u64);
    Ok(Some(crate::diff::page::page_section(&diff)))
}

/// Stage 1: ingest, with the taxonomy loading on the other core; then the `[run]` guards.
fn ingest_stage(
    cfg: &Config,
    trust: &crate::verify::TrustStore,
    (scope, prepared): (Scope<'_>, Option<&mut Prepared>),
    as_of: NaiveDate,
    progress: &Progress,
    timings: &mut Timings,
) -> Result<Loaded, PipelineError> {
    progress.start("ingest", "reading roster, badges and postings; loading taxonomy");
    let t = Meter::start();
    let mut verified = Vec::new();
    let mut verify_cost = crate::report::manifest::StageCost::default();
    let (ingested, taxonomy) = rayon::join(
        || {
            // Each chunk of credentials is verified as soon as it is read, so their documents
            // are dropped chunk by chunk instead of all being held until a verify stage.
            let mut verifier = Verifier::new(as_of, &cfg.verify, trust).lean();
            ingest_streaming(&cfg.inputs, scope, prepared, &mut |chunk, roster| {
                let m = Meter::start();
                verified.extend(verifier.verify_chunk(chunk, roster));
                let cost = m.stop();
                verify_cost.wall_ms += cost.wall_ms;
                verify_cost.cpu_ms += cost.cpu_ms;
                verify_cost.peak_rss_growth_kib += cost.peak_rss_growth_kib;
            })
        },
        || load_taxonomy(cfg),
    );
    let mut ingested: IngestOutput = ingested?;
    // A stop during ingest leaves files unread ("the run is stopping"): report the
    // interruption, not the empty inputs it caused.
    cancel::check("ingest")?;
    guards::check(cfg, &ingested)?;
    let loaded = taxonomy?;
    record_side_inputs(cfg, trust, &loaded, &mut ingested);
    let LoadedTaxonomy { taxonomy, onet, rejects: taxonomy_rejects, .. } = loaded;
    let d = timings.time("ingest+taxonomy", &t);
    // Verification's share of the ingest wall time, summed over the chunks.
    timings.wall_ms.insert("verify".into(), verify_cost.wall_ms);
    timings.profile.insert("verify".into(), verify_cost);
    progress.finish(
        "ingest",
        d,
        &format!(
            "{} candidates, {} credentials, {} postings, {} rejects; {} skills in {} {}",
            ingested.roster.candidates.len(),
            verified.len(),
            ingested.postings.len(),
            ingested.rejects.len() + taxonomy_rejects.len(),
            taxonomy.skills().len(),
            taxonomy.name(),
            taxonomy.version()
        ),
    );
    Ok(Loaded { ingested, verified, taxonomy, onet, taxonomy_rejects })
}

/// The verify stage's counts and progress line: credentials were verified chunk by chunk while
/// ingest read the badge files (see `ingest_stage`), which also timed them.
fn verify_summary(verified: &[VerifiedCredential], timings: &Timings, progress: &Progress) -> VerifyStats {
    let stats = VerifyStats::of(verified);
    progress.start("verify", &format!("{} credentials", verified.len()));
    let wall = std::time::Duration::from_millis(timings.wall_ms.get("verify").copied().unwrap_or(0));
    progress.finish("verify", wall, &format!("{} of {} verified", stats.count(Status::Verified), verified.len()));
    stats
}

/// Lists the files read beside the ingested ones (O*NET, crosswalk, trust folder, alias files)
/// among the run's inputs and their counts among ingest's; the trust folder's skipped files
/// among ingest's rejects (the taxonomy's own rejects stay the taxonomy's).
fn record_side_inputs(
    cfg: &Config,
    trust: &crate::verify::TrustStore,
    loaded: &LoadedTaxonomy,
    ingested: &mut IngestOutput,
) {
    // O*NET's files are among the taxonomy's when its technologies were added; record them here
    // when only its titles are used, and the crosswalk file either way.
    if let Some(o) = &loaded.onet {
        let onet_files = o.onet.files.iter().filter(|_| loaded.taxonomy.onet_version().is_none()).map(|f| ("onet", f));
        for (kind, (path, sha256)) in onet_files.chain(o.crosswalk_file.iter().map(|f| ("crosswalk", f))) {
            let bytes = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
            ingested.files.push(InputFile { kind: kind.into(), path: path.clone(), sha256: sha256.clone(), bytes });
        }
    }
    if let Some(dir) = &cfg.verify.trust {
        // Trust-folder files that are not trust documents were skipped with a warning when the
        // store loaded; they are counted (kind `trust`) and listed among the rejects.
        ingested.counts.insert("trust".into(), trust_counts(trust));
        for s in trust.skipped() {
            ingested.rejects.push(crate::ingest::Reject {
                kind: "trust".into(),
                path: dir.join(&s.path).display().to_string(),
                position: "whole file".into(),
                reason: format!("skipped, not a trust document: {}", s.reason),
            });
        }
        for f in trust.files() {
            let path = dir.join(&f.path);
            let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
            ingested.files.push(InputFile {
                kind: "trust".into(),
                path: path.display().to_string(),
                sha256: f.sha256.clone(),
                bytes,
            });
        }
    }
    if !cfg.taxonomy.custom.is_empty() {
        ingested.counts.insert("taxonomy".into(), loaded.custom_counts);
    }
    if !cfg.taxonomy.aliases.is_empty() {
        ingested.counts.insert("alias".into(), loaded.alias_counts);
        ingested.files.extend(loaded.alias_files.iter().cloned());
    }
}

/// Stage 3: normalize (taxonomy mapping + extraction from posting text; with `[meaning]`, also
/// by meaning with the model loaded before any work).
#[allow(clippy::too_many_arguments)]
fn normalize_stage(
    cfg: &Config,
    taxonomy: &Taxonomy,
    onet: Option<&OnetParts>,
    verified: &[crate::verify::VerifiedCredential],
    ingested: &IngestOutput,
    model: Option<&crate::semantic::Encoder>,
    progress: &Progress,
    timings: &mut Timings,
) -> Result<crate::normalize::Normalized, PipelineError> {
    progress.start("normalize", "mapping skills and extracting from posting text");
    let t = Meter::start();
    // `[meaning]`: labels embedded once (cached beside the model).
    let meaning = model.map(|m| crate::normalize::Meaning::build(&cfg.meaning, m, taxonomy)).transpose()?;
    // The title index (ESCO labels, and O*NET alternate titles through the crosswalk) is built
    // on the other core while the extractor's automaton is.
    let (extractor, titles) = rayon::join(
        || Extractor::new(taxonomy),
        || {
            cfg.taxonomy.infer_from_title.then(|| {
                let onet_titles = onet.and_then(|o| o.crosswalk.as_ref().map(|c| (&o.onet, c)));
                crate::taxonomy::titles::TitleIndex::build(taxonomy, onet_titles)
            })
        },
    );
    let extractor = match meaning.as_ref().and_then(|m| m.text.clone()) {
        Some(text) => extractor.with_semantic(text),
        None => extractor,
    };
    let normalized = normalize(
        taxonomy,
        &extractor,
        verified,
        &ingested.postings,
        NormalizeOptions {
            description_skills: cfg.score.description_skills,
            titles: titles.as_ref(),
            title_profile: cfg.taxonomy.title_profile,
            meaning: meaning.as_ref(),
        },
    );
    let unmapped = normalized.crosswalk.iter().filter(|r| r.mapping.skill.is_none()).count();
    let d = timings.time("normalize", &t);
    progress.finish(
        "normalize",
        d,
        &format!("{} distinct skill strings, {unmapped} unmapped", normalized.crosswalk.len()),
    );
    Ok(normalized)
}

/// Counts of the trust folder's files (kind `trust`): every document file read (`policy.toml`
/// and `SNAPSHOT.json` are not documents), accepted when it was a trust document, rejected when
/// it was skipped.
fn trust_counts(trust: &crate::verify::TrustStore) -> crate::ingest::Counts {
    let skipped = trust.skipped().len() as u64;
    let accepted = trust
        .files()
        .iter()
        .filter(|f| f.path != "policy.toml" && f.path != crate::verify::trust::SNAPSHOT_FILE)
        .filter(|f| !trust.skipped().iter().any(|s| s.path == f.path))
        .count() as u64;
    crate::ingest::Counts { read: accepted + skipped, accepted, rejected: skipped }
}

/// What [`load_taxonomy`] loaded.
struct LoadedTaxonomy {
    taxonomy: Taxonomy,
    /// O*NET (and the crosswalk, for job titles), when configured and found.
    onet: Option<OnetParts>,
    /// Rows of custom taxonomy files skipped, then alias rows naming no skill.
    rejects: Vec<TaxonomyReject>,
    alias_counts: Counts,
    alias_files: Vec<InputFile>,
    custom_counts: Counts,
}

/// O*NET as the run uses it.
struct OnetParts {
    onet: crate::taxonomy::onet::Onet,
    /// The ESCO ↔ O*NET crosswalk (codes resolved), when job titles use O*NET.
    crosswalk: Option<crate::taxonomy::onet::Crosswalk>,
    /// The crosswalk file read, with its sha256.
    crosswalk_file: Option<(String, String)>,
}

/// Loads O*NET when configured, then the taxonomy in the fixed order of [`Taxonomy::load`]
/// (ESCO → `[taxonomy] custom` files → alias files → O*NET technologies, when
/// `onet_technologies`), and the crosswalk (`onet_titles`, for job titles). Custom-file rows with
/// a problem become rejects of kind `taxonomy`, alias rows that name no skill rejects of kind
/// `alias`, each with their counts.
fn load_taxonomy(cfg: &Config) -> Result<LoadedTaxonomy, TaxonomyError> {
    let tc = &cfg.taxonomy;
    let titles = tc.infer_from_title && tc.onet_titles;
    let onet = match tc.onet_folder() {
        Some(dir) if tc.onet_technologies || titles => Some(crate::taxonomy::onet::Onet::load(&dir)?),
        _ => None,
    };
    let loaded = Taxonomy::load(&tc.load_spec(onet.as_ref().filter(|_| tc.onet_technologies)))?;
    let rejects = loaded.rejects();

    let mut custom_counts = Counts::default();
    // Counts follow the loader's own ledger (`read == added + skipped`): a row added without its
    // parent is accepted (its problem is a warning on stderr), only skipped rows are rejects.
    for (path, load) in &loaded.custom {
        let shown = path.display().to_string();
        custom_counts.read += load.read as u64;
        custom_counts.accepted += load.added as u64;
        for p in &load.problems {
            if !p.skipped {
                tracing::warn!("{shown} line {}: {}", p.line, p.reason);
                continue;
            }
            custom_counts.rejected += 1;
        }
    }

    let mut counts = Counts::default();
    let mut files = Vec::new();
    for (path, load) in &loaded.aliases {
        let shown = path.display().to_string();
        counts.accepted += load.added as u64;
        counts.rejected += load.unresolved.len() as u64;
        let bytes = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        // The manifest pins every input by its hash: one that cannot be computed is an error,
        // never an empty string.
        let sha256 =
            crate::util::sha256_file(path).map_err(|source| TaxonomyError::Io { path: shown.clone(), source })?;
        files.push(InputFile { kind: "alias".into(), path: shown, sha256, bytes });
    }
    counts.read = counts.accepted + counts.rejected;

    let onet = match onet {
        Some(onet) => {
            let mut parts = OnetParts { onet, crosswalk: None, crosswalk_file: None };
            if titles && let Some(path) = tc.crosswalk_path() {
                let mut c = crate::taxonomy::onet::Crosswalk::load(&path)?;
                c.resolve_codes(&parts.onet);
                parts.crosswalk_file = Some(c.file.clone());
                parts.crosswalk = Some(c);
            }
            Some(parts)
        }
        None => None,
    };
    Ok(LoadedTaxonomy {
        taxonomy: loaded.taxonomy,
        onet,
        rejects,
        alias_counts: counts,
        alias_files: files,
        custom_counts,
    })
}

/// A taxonomy reject as the rejects file lists it.
fn taxonomy_reject(r: &TaxonomyReject) -> Reject {
    Reject { kind: r.kind.as_str().into(), path: r.path.clone(), position: r.position(), reason: r.reason.clone() }
}

#[allow(clippy::too_many_arguments)]
fn build_manifest(
    req: &RunRequest,
    ingested: &IngestOutput,
    taxonomy: &Taxonomy,
    outputs: Vec<crate::report::OutputFile>,
    stages: StageStats,
    timings: Timings,
    threads: usize,
    run_id: &str,
    started: chrono::DateTime<chrono::Utc>,
) -> Manifest {
    let mut config = req.config.clone();
    config.run.threads = None;
    config.run.as_of = Some(req.as_of);
    config.run.out = None;
    // Absolute taxonomy paths let `explain`/`shortlist` reload it from any working directory.
    let tc = &mut config.taxonomy;
    let paths = std::iter::once(&mut tc.esco_dir)
        .chain(tc.custom.iter_mut())
        .chain(tc.aliases.iter_mut())
        .chain([&mut tc.onet_dir, &mut tc.crosswalk].into_iter().flatten());
    for path in paths {
        if let Ok(abs) = std::fs::canonicalize(&*path) {
            *path = abs;
        }
    }
    Manifest {
        tool: ToolInfo { name: env!("CARGO_PKG_NAME").into(), version: env!("CARGO_PKG_VERSION").into() },
        as_of: req.as_of.to_string(),
        config: serde_json::to_value(&config).unwrap_or(serde_json::Value::Null),
        meaning: crate::normalize::MeaningInfo::of(&req.config.meaning),
        taxonomy: TaxonomyInfo {
            name: taxonomy.name().to_string(),
            version: taxonomy.version().to_string(),
            skills: taxonomy.skills().len() as u64,
            occupations: taxonomy.occupations().len() as u64,
            files: taxonomy
                .files()
                .iter()
                .map(|(path, sha256)| TaxonomyFile { path: path.clone(), sha256: sha256.clone() })
                .collect(),
            onet_version: taxonomy.onet_version().map(str::to_string),
            onet_technologies: taxonomy.technology_count() as u64,
            custom: taxonomy
                .custom_taxonomies()
                .iter()
                .map(|c| CustomTaxonomyInfo {
                    name: c.name.clone(),
                    version: c.version.clone(),
                    path: c.path.clone(),
                    sha256: c.sha256.clone(),
                    skills: u64::from(c.skills.end - c.skills.start),
                })
                .collect(),
        },
        inputs: ingested.files.clone(),
        ingest: ingested.counts.clone(),
        posting_files: ingested.posting_files.clone(),
        stages,
        outputs,
        run: RunInfo {
            run_id: run_id.to_string(),
            out_root: req.out_root.display().to_string(),
            started_at: started.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            finished_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            threads,
            timings_ms: timings.wall_ms,
            profile: timings.profile,
            peak_rss_kib: crate::report::manifest::peak_rss_kib(),
            previous_run: None,
            names_by_meaning: None,
        },
        shard: None,
    }
}
