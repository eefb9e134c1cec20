//! Pipeline: run the stages in order and write the run folder.
//!
//! `ingest` (while the taxonomy loads on the other core) → `verify` → `normalize` (taxonomy +
//! extract) → `score` → `report`. Every stage's output is a typed value handed to the next.

pub mod cancel;
pub mod guards;
pub mod preflight;
pub mod progress;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

use chrono::NaiveDate;

pub use progress::{Progress, ProgressMode};

use crate::config::Config;
use crate::extract::Extractor;
use crate::ingest::{Counts, IngestError, IngestOutput, InputFile, Reject, ingest};
use crate::normalize::{NormalizeOptions, normalize};
use crate::report::manifest::{CustomTaxonomyInfo, Manifest, RunInfo, TaxonomyFile, TaxonomyInfo, ToolInfo};
use crate::report::{ReportError, ReportInput};
use crate::score::{Catalog, Neighbours, ScoreOutput, ScoreParams, score_all_with};
use crate::taxonomy::{Taxonomy, TaxonomyError};
use crate::verify::{Status, verify_all};

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
    /// The run has nothing to read.
    #[error("no inputs: give --roster, --badges and --postings, or a config with an [inputs] table")]
    NoInputs,
    /// The output root or run id cannot take this run (checked before any work).
    #[error(transparent)]
    Preflight(#[from] preflight::PreflightError),
    /// A stop signal ended the run.
    #[error(transparent)]
    Interrupted(#[from] cancel::Interrupted),
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
        ) || matches!(self, PipelineError::Taxonomy(TaxonomyError::Io { .. }))
            || matches!(self, PipelineError::Preflight(e) if e.is_usage())
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
}

/// What a finished run produced.
#[derive(Debug, Clone)]
pub struct RunSummary {
    /// The report folder.
    pub run_dir: PathBuf,
    /// The manifest written into it.
    pub manifest: Manifest,
}

/// Runs the whole job inside a thread pool of the requested size.
pub fn run(req: &RunRequest) -> Result<RunSummary, PipelineError> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(req.threads)
        .build()
        .map_err(|e| PipelineError::Threads { threads: req.threads, reason: e.to_string() })?;
    pool.install(|| run_in_pool(req, pool.current_num_threads()))
}

/// Stage timings and counts collected along the way.
#[derive(Default)]
struct Ledger {
    timings: BTreeMap<String, u64>,
    stages: BTreeMap<String, BTreeMap<String, u64>>,
}

impl Ledger {
    fn time(&mut self, stage: &str, start: Instant) -> std::time::Duration {
        let d = start.elapsed();
        self.timings.insert(stage.to_string(), d.as_millis() as u64);
        d
    }
    fn count(&mut self, stage: &str, key: &str, n: u64) {
        self.stages.entry(stage.to_string()).or_default().insert(key.to_string(), n);
    }
}

fn run_in_pool(req: &RunRequest, threads: usize) -> Result<RunSummary, PipelineError> {
    let cfg = &req.config;
    if cfg.inputs.roster.is_none() && cfg.inputs.badges.is_empty() && cfg.inputs.postings.is_empty() {
        return Err(PipelineError::NoInputs);
    }
    let trust = cfg.verify.load_trust()?;
    let started = chrono::Utc::now();
    // Output root, run id, lock and leftovers are checked before any work.
    let preflight::Prepared { run_id, staging, .. } =
        preflight::prepare(&req.out_root, req.run_id.as_deref(), started)?;
    cancel::stage("ingest")?;
    let progress = Progress::new(req.progress, 5);
    let mut ledger = Ledger::default();

    // Stage 1: ingest, with the taxonomy loading on the other core.
    progress.start("ingest", "reading roster, badges and postings; loading taxonomy");
    let t = Instant::now();
    let (ingested, taxonomy) = rayon::join(|| ingest(&cfg.inputs), || load_taxonomy(cfg));
    let mut ingested: IngestOutput = ingested?;
    guards::check(cfg, &ingested)?;
    let LoadedTaxonomy { taxonomy, onet, alias_rejects, alias_counts, alias_files, custom_rejects, custom_counts } =
        taxonomy?;
    // O*NET's files are among the taxonomy's when its technologies were added; record them here
    // when only its titles are used, and the crosswalk file either way.
    if let Some(o) = &onet {
        let onet_files = o.onet.files.iter().filter(|_| taxonomy.onet_version().is_none()).map(|f| ("onet", f));
        for (kind, (path, sha256)) in onet_files.chain(o.crosswalk_file.iter().map(|f| ("crosswalk", f))) {
            let bytes = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
            ingested.files.push(InputFile { kind: kind.into(), path: path.clone(), sha256: sha256.clone(), bytes });
        }
    }
    if let Some(dir) = &cfg.verify.trust {
        // Trust-folder files that are not trust documents were skipped with a warning when the
        // store loaded; they are counted (kind `trust`) and listed among the rejects.
        ingested.counts.insert("trust".into(), trust_counts(&trust));
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
        ingested.rejects.extend(custom_rejects);
        ingested.counts.insert("taxonomy".into(), custom_counts);
    }
    if !cfg.taxonomy.aliases.is_empty() {
        ingested.rejects.extend(alias_rejects);
        ingested.counts.insert("alias".into(), alias_counts);
        ingested.files.extend(alias_files);
    }
    let d = ledger.time("ingest+taxonomy", t);
    progress.finish(
        "ingest",
        d,
        &format!(
            "{} candidates, {} credentials, {} postings, {} rejects; {} skills in {} {}",
            ingested.roster.candidates.len(),
            ingested.credentials.len(),
            ingested.postings.len(),
            ingested.rejects.len(),
            taxonomy.skills.len(),
            taxonomy.name,
            taxonomy.version
        ),
    );

    cancel::stage("verify")?;
    // Stage 2: verify.
    progress.start("verify", &format!("{} credentials", ingested.credentials.len()));
    let t = Instant::now();
    let creds = std::mem::take(&mut ingested.credentials);
    let verified = verify_all(creds, &ingested.roster, req.as_of, &cfg.verify, &trust);
    let mut by_status: BTreeMap<String, u64> = Status::ALL.iter().map(|s| (s.as_str().to_string(), 0)).collect();
    for v in &verified {
        *by_status.entry(v.status.as_str().to_string()).or_default() += 1;
    }
    let verified_n = by_status.get("verified").copied().unwrap_or(0);
    ledger.stages.insert("verify".into(), by_status);
    let d = ledger.time("verify", t);
    progress.finish("verify", d, &format!("{verified_n} of {} verified", verified.len()));

    cancel::stage("normalize")?;
    // Stage 3: normalize (taxonomy mapping + extraction from posting text).
    progress.start("normalize", "mapping skills and extracting from posting text");
    let t = Instant::now();
    // The title index (ESCO labels, and O*NET alternate titles through the crosswalk) is built
    // on the other core while the extractor's automaton is.
    let (extractor, titles) = rayon::join(
        || Extractor::new(&taxonomy),
        || {
            cfg.taxonomy.infer_from_title.then(|| {
                let onet_titles = onet.as_ref().and_then(|o| o.crosswalk.as_ref().map(|c| (&o.onet, c)));
                crate::taxonomy::titles::TitleIndex::build(&taxonomy, onet_titles)
            })
        },
    );
    let mut normalized = normalize(
        &taxonomy,
        &extractor,
        &verified,
        &ingested.postings,
        NormalizeOptions {
            description_skills: cfg.score.description_skills,
            titles: titles.as_ref(),
            title_profile: cfg.taxonomy.title_profile,
        },
    );
    crate::score::policy::weigh_roles(&mut normalized.roles, &cfg.score);
    let unmapped = normalized.crosswalk.iter().filter(|r| r.mapping.skill.is_none()).count() as u64;
    ledger.count("normalize", "distinct_raw_skills", normalized.crosswalk.len() as u64);
    ledger.count("normalize", "distinct_unmapped", unmapped);
    ledger.count("normalize", "extracted_mentions", normalized.extracted_mentions);
    ledger.count("normalize", "roles", normalized.roles.len() as u64);
    ledger.count("normalize", "postings_merged", normalized.duplicates.len() as u64);
    ledger.count(
        "normalize",
        "roles_with_inferred_skills",
        normalized
            .roles
            .iter()
            .filter(|r| r.skills.iter().any(|s| s.origin == crate::score::SkillOrigin::Inferred))
            .count() as u64,
    );
    ledger.count(
        "normalize",
        "roles_without_skills",
        normalized.roles.iter().filter(|r| r.skills.is_empty()).count() as u64,
    );
    let d = ledger.time("normalize", t);
    progress.finish(
        "normalize",
        d,
        &format!("{} distinct skill strings, {unmapped} unmapped", normalized.crosswalk.len()),
    );

    cancel::stage("score")?;
    // Stage 4: score.
    progress
        .start("score", &format!("{} candidates x {} roles", ingested.roster.candidates.len(), normalized.roles.len()));
    let t = Instant::now();
    let pathways = crate::score::policy::resolve_pathways(&cfg.pathways, &taxonomy)?;
    let (profiles, pathway_progress) = crate::score::policy::candidate_profiles(
        &ingested.roster,
        &verified,
        &normalized.credential_skills,
        cfg,
        req.as_of,
        &pathways,
        &trust,
    );
    ledger.count("score", "pathways_completed", pathway_progress.iter().filter(|p| p.complete).count() as u64);
    ledger.count("score", "pathways_partial", pathway_progress.iter().filter(|p| !p.complete).count() as u64);
    let params = ScoreParams::from_config(&cfg.score);
    let neighbours = Neighbours::new(&taxonomy, &params);
    let scores: ScoreOutput = score_all_with(&taxonomy, &neighbours, &profiles, &normalized.roles, &params);
    let catalog = Catalog::from_credentials(&verified, &normalized.credential_skills);
    let thin_roles: Vec<bool> = normalized.roles.iter().map(|r| crate::score::policy::is_thin(r, &cfg.score)).collect();
    ledger.count("score", "thin_roles", thin_roles.iter().filter(|t| **t).count() as u64);
    ledger.count("score", "badge_classes", catalog.classes.len() as u64);
    ledger.count("score", "candidates", profiles.len() as u64);
    ledger.count("score", "candidates_with_skills", profiles.iter().filter(|p| !p.skills.is_empty()).count() as u64);
    ledger.count("score", "roles", normalized.roles.len() as u64);
    ledger.count("score", "pairs_total", profiles.len() as u64 * normalized.roles.len() as u64);
    ledger.count("score", "pairs_scored", scores.pairs_scored);
    ledger.count("score", "role_pairs_scored", scores.stats.role_pairs_scored);
    ledger.count("score", "candidate_pairs_scored", scores.stats.candidate_pairs_scored);
    ledger.count("score", "postings_visited", scores.stats.postings_visited);
    ledger.count("score", "distinct_roles", scores.stats.distinct_roles);
    ledger.count("score", "candidate_blocks", scores.stats.candidate_blocks);
    ledger.count("score", "role_blocks", scores.stats.role_blocks);
    ledger.count("score", "candidate_blocks_opened", scores.stats.candidate_blocks_opened);
    ledger.count("score", "role_blocks_opened", scores.stats.role_blocks_opened);
    ledger.count("score", "shortlist_rows", scores.by_role.iter().map(|v| v.len() as u64).sum());
    let d = ledger.time("score", t);
    progress.finish("score", d, &format!("{} pairs scored", scores.pairs_scored));

    cancel::stage("report")?;
    // Stage 5: report, atomically.
    progress.start("report", "writing the run folder");
    let t = Instant::now();
    let input = ReportInput {
        taxonomy: &taxonomy,
        credentials: &verified,
        normalized: &normalized,
        profiles: &profiles,
        roles: &normalized.roles,
        scores: &scores,
        thin_roles: &thin_roles,
        params: &params,
        neighbours: &neighbours,
        rejects: &ingested.rejects,
        catalog: &catalog,
        pathways: &pathways,
        pathway_progress: &pathway_progress,
        next_credential_roles: cfg.score.next_credential_roles,
        csv_bom: cfg.run.csv_bom,
        badge_inputs: &cfg.inputs.badges,
        posting_inputs: &cfg.inputs.postings,
    };
    let (outputs, writer_ms) = crate::report::write_data_files(staging.dir(), &input)?;
    ledger.timings.extend(writer_ms);
    ledger.time("report", t);
    let manifest = build_manifest(req, &ingested, &taxonomy, outputs, ledger, threads, &run_id, started);
    crate::report::manifest::write(staging.dir(), &manifest)?;
    let run_dir = staging.commit().map_err(|source| match cancel::check("report") {
        Err(stopped) => PipelineError::Interrupted(stopped),
        Ok(()) => PipelineError::Staging { root: req.out_root.display().to_string(), source },
    })?;
    let _ = cancel::stage("done");
    progress.finish("report", t.elapsed(), &run_dir.display().to_string());
    progress.close();
    Ok(RunSummary { run_dir, manifest })
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
    alias_rejects: Vec<Reject>,
    alias_counts: Counts,
    alias_files: Vec<InputFile>,
    /// Rows of custom taxonomy files with a problem (kind `taxonomy`).
    custom_rejects: Vec<Reject>,
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

    let mut custom_rejects = Vec::new();
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
            custom_rejects.push(Reject {
                kind: "taxonomy".into(),
                path: shown.clone(),
                position: format!("line {}", p.line),
                reason: p.reason.clone(),
            });
        }
    }

    let mut rejects = Vec::new();
    let mut counts = Counts::default();
    let mut files = Vec::new();
    for (path, load) in &loaded.aliases {
        let shown = path.display().to_string();
        counts.accepted += load.added as u64;
        counts.rejected += load.unresolved.len() as u64;
        for (line, target) in &load.unresolved {
            rejects.push(Reject {
                kind: "alias".into(),
                path: shown.clone(),
                position: format!("line {line}"),
                reason: format!("alias target {target:?} is neither a taxonomy URI nor a label"),
            });
        }
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
        alias_rejects: rejects,
        alias_counts: counts,
        alias_files: files,
        custom_rejects,
        custom_counts,
    })
}

#[allow(clippy::too_many_arguments)]
fn build_manifest(
    req: &RunRequest,
    ingested: &IngestOutput,
    taxonomy: &Taxonomy,
    outputs: Vec<crate::report::OutputFile>,
    ledger: Ledger,
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
        taxonomy: TaxonomyInfo {
            name: taxonomy.name.clone(),
            version: taxonomy.version.clone(),
            skills: taxonomy.skills.len() as u64,
            occupations: taxonomy.occupations.len() as u64,
            files: taxonomy
                .files
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
        stages: ledger.stages,
        outputs,
        run: RunInfo {
            run_id: run_id.to_string(),
            out_root: req.out_root.display().to_string(),
            started_at: started.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            finished_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            threads,
            timings_ms: ledger.timings,
            peak_rss_kib: crate::report::manifest::peak_rss_kib(),
        },
    }
}
