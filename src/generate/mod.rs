//! `skillmatch gen`: deterministic synthetic hiring data built from real ESCO occupation profiles.
//!
//! Roles are real ESCO occupations (title, description, essential skills as required, optional
//! skills as preferred) whose popularity follows a Zipf law over a seeded rank order. Each
//! candidate is drawn from one role's occupation and holds badges covering a random 50–90% of its
//! essential skills plus a few unrelated ones, in a mix of formats (OB 2.0 hosted with hashed
//! recipients, Credly exports, OB 3.0), some of them components of stackable pathways. Skill
//! names appear as ESCO URIs, preferred labels, alternative labels, case changes and small typos.
//! With noise on, shares of badges are expired, revoked, pending or issued to someone else.
//! [`Population`] plans all of it; the writers here only render it.
//!
//! Candidates are generated and written in chunks of [`CHUNK`] (in parallel within a chunk,
//! written in index order), so memory stays bounded whatever the candidate count. The same seed
//! gives byte-identical files whatever the thread count: every candidate and role draws from its
//! own ChaCha stream.
//!
//! # Layouts
//! * [`Layout::Folders`] (default): `badges/<candidate_id>/` holds one file per OB 2.0 / OB 3.0
//!   badge and one Credly export; the folder claims the files.
//! * [`Layout::Bundles`] (for large populations, ~6× fewer files): `badges/<candidate_id>.json`
//!   is one CLR 2.0 `ClrCredential` wrapping the candidate's OB 2.0 and OB 3.0 credentials
//!   (compact JSON), claimed through `claims.csv`; Credly entries of each chunk of [`CHUNK`]
//!   candidates go to one export `badges/credly-NNNNN.json`, joined to candidates by recipient
//!   email as a real organisation export would be.

mod badges;
pub mod population;
mod postings;

pub use population::{
    BadgePlan, CandidatePlan, Fault, Format, FormatShares, PathwayComponent, PathwayPlan, Population, RoleModel,
    RolePlan, SkillEvidence, generated_policy, planned_status,
};

use std::io::Write;
use std::path::{Component, Path, PathBuf};

use chrono::NaiveDate;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use crate::taxonomy::Taxonomy;
use crate::util::sha256_hex;

/// Candidates generated and written together: memory is bounded by one chunk, and in the
/// [`Layout::Bundles`] layout each chunk's Credly entries form one export file.
pub const CHUNK: usize = 4096;

/// Errors writing generated data.
#[derive(Debug, thiserror::Error)]
pub enum GenError {
    /// A file could not be written.
    #[error("cannot write {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The options cannot be satisfied.
    #[error("{0}")]
    Invalid(String),
}

/// How badge files are laid out under `badges/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Layout {
    /// One folder per candidate, one file per badge (plus one Credly export per candidate).
    #[default]
    Folders,
    /// One CLR file per candidate claimed by `claims.csv`, Credly exports per chunk of candidates.
    Bundles,
}

/// What to generate.
#[derive(Debug, Clone)]
pub struct GenOptions {
    /// Number of candidates.
    pub candidates: usize,
    /// Number of roles (postings).
    pub roles: usize,
    /// Random seed.
    pub seed: u64,
    /// Output folder.
    pub out: PathBuf,
    /// Reference date: badges are issued before it, some expire before it.
    pub as_of: NaiveDate,
    /// Apply the fault shares below and add typos; off: every badge is sound, no typos.
    pub noise: bool,
    /// Zipf exponent of occupation popularity (0: every eligible occupation equally popular).
    pub zipf: f64,
    /// Relative shares of the badge formats.
    pub formats: FormatShares,
    /// Share of badges expired before `as_of` (with noise).
    pub expired: f64,
    /// Share of badges revoked (with noise; OB 2.0 or Credly).
    pub revoked: f64,
    /// Share of badges issued to another email than the candidate's (with noise).
    pub misaddressed: f64,
    /// Share of Credly badges left pending (with noise).
    pub pending: f64,
    /// Number of pathways (one per most popular occupation).
    pub pathways: usize,
    /// Badge file layout.
    pub layout: Layout,
    /// How roles list skills ([`RoleModel::Realistic`] by default).
    pub role_model: RoleModel,
    /// Share of realistic postings with only a title and a description (no skills field).
    pub text_only: f64,
    /// Share of candidates who also hold 1–4 essential skills of an adjacent occupation
    /// (realistic model only).
    pub adjacent: f64,
    /// ESCO folder the taxonomy was loaded from; when set, `run.toml` points at it (relative to
    /// the output folder).
    pub taxonomy_dir: Option<PathBuf>,
}

impl Default for GenOptions {
    /// 300 candidates, 80 roles, seed 42, output `generated`, as-of 2026-11-01, noise on,
    /// Zipf exponent 1, formats 50/30/20, 5% expired, 3% revoked, 2% misaddressed, 1% pending,
    /// 10 pathways, folders layout, realistic roles (25% text-only postings, half the candidates
    /// with skills of an adjacent occupation).
    fn default() -> Self {
        GenOptions {
            candidates: 300,
            roles: 80,
            seed: 42,
            out: PathBuf::from("generated"),
            as_of: NaiveDate::from_ymd_opt(2026, 11, 1).unwrap_or_default(),
            noise: true,
            zipf: 1.0,
            formats: FormatShares::default(),
            expired: 0.05,
            revoked: 0.03,
            misaddressed: 0.02,
            pending: 0.01,
            pathways: 10,
            layout: Layout::Folders,
            role_model: RoleModel::Realistic,
            text_only: 0.25,
            adjacent: 0.5,
            taxonomy_dir: None,
        }
    }
}

/// What was written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GenSummary {
    /// Candidates in the roster.
    pub candidates: usize,
    /// Roles written.
    pub roles: usize,
    /// Badge files written.
    pub badge_files: usize,
    /// Credentials inside those files.
    pub credentials: usize,
    /// Pathways written to `run.toml`.
    pub pathways: usize,
}

/// Fictional issuers (reserved `.example` domains): name, domain.
pub(crate) const ISSUERS: [(&str, &str); 10] = [
    ("Northbridge Institute of Technology", "northbridge.example"),
    ("Open Skills Academy", "openskills.example"),
    ("Harbour City College", "harbourcity.example"),
    ("Meridian Professional Training", "meridian-training.example"),
    ("Crescent University Extension", "crescent-extension.example"),
    ("Atlas Trade School", "atlas-trades.example"),
    ("Summit Learning Platform", "summit-learning.example"),
    ("Riverside Health Education", "riverside-health.example"),
    ("Beacon Data School", "beacon-data.example"),
    ("Granite Engineering Guild", "granite-guild.example"),
];

/// Fictional employers.
pub(crate) const EMPLOYERS: [&str; 12] = [
    "Alder & Finch Ltd",
    "Bluewater Logistics",
    "Copperleaf Health",
    "Driftwood Studios",
    "Evergreen Utilities",
    "Foxglove Retail Group",
    "Ironbark Manufacturing",
    "Juniper Financial",
    "Kestrel Aerospace",
    "Larkspur Hospitality",
    "Millstone Construction",
    "Nettle Public Services",
];

/// Real city names used as locations.
pub(crate) const CITIES: [&str; 10] =
    ["Amsterdam", "Berlin", "Brussels", "Dublin", "Lisbon", "Lyon", "Milan", "Prague", "Valencia", "Vienna"];

/// The RNG stream for one entity: the same (seed, domain, index) always gives the same stream.
///
/// Domains: 1 roles, 2 candidates, 3 postings, 4 badge rendering, 5 occupation ranks, 6 pathways.
pub(crate) fn stream(seed: u64, domain: u64, index: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ domain.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    rng.set_stream(index);
    rng
}

/// Fisher–Yates shuffle with our RNG (kept here so the output never depends on a crate's internals).
pub(crate) fn shuffle<T>(v: &mut [T], rng: &mut ChaCha8Rng) {
    use rand::Rng;
    for i in (1..v.len()).rev() {
        let j = rng.random_range(0..=i);
        v.swap(i, j);
    }
}

/// `Title Case` of every space-separated word.
pub(crate) fn title_case(s: &str) -> String {
    s.split(' ')
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_uppercase().chain(c).collect(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Lower-case ASCII slug of at most 60 characters.
pub(crate) fn slug(s: &str) -> String {
    let mut out: String =
        s.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
    while out.contains("--") {
        out = out.replace("--", "-");
    }
    out.trim_matches('-').chars().take(60).collect()
}

/// A UUID-shaped string derived from `seed`.
pub(crate) fn uuid_like(seed: &str) -> String {
    let h = sha256_hex(seed.as_bytes());
    format!("{}-{}-4{}-a{}-{}", &h[0..8], &h[8..12], &h[13..16], &h[17..20], &h[20..32])
}

/// The error maker for a path.
pub(crate) fn io_err(path: &Path) -> impl Fn(std::io::Error) -> GenError + use<> {
    let path = path.display().to_string();
    move |source| GenError::Io { path: path.clone(), source }
}

/// Generates a data set into `opts.out`: `roster.csv`, `truth.csv`, `postings.jsonl`,
/// `postings.csv`, `badges/`, `run.toml` (and `claims.csv` in the bundles layout).
///
/// # Errors
/// [`GenError::Invalid`] for options [`Population::new`] refuses, [`GenError::Io`] when a file
/// cannot be written.
pub fn generate(taxonomy: &Taxonomy, opts: &GenOptions) -> Result<GenSummary, GenError> {
    let population = Population::new(taxonomy, opts)?;
    let out = &opts.out;
    let badge_dir = out.join("badges");
    std::fs::create_dir_all(&badge_dir).map_err(io_err(&badge_dir))?;
    postings::write(out, taxonomy, &population, opts)?;
    let mut badge_files = badges::write_issuers(&badge_dir)?;

    let create = |name: &str| -> Result<std::io::BufWriter<std::fs::File>, GenError> {
        let p = out.join(name);
        Ok(std::io::BufWriter::new(std::fs::File::create(&p).map_err(io_err(&p))?))
    };
    let mut roster = create("roster.csv")?;
    let mut truth = create("truth.csv")?;
    let mut claims = match opts.layout {
        Layout::Bundles => Some(create("claims.csv")?),
        Layout::Folders => None,
    };
    let header = |w: &mut std::io::BufWriter<std::fs::File>, name: &str, line: &[u8]| {
        w.write_all(line).map_err(io_err(&out.join(name)))
    };
    header(&mut roster, "roster.csv", b"candidate_id,emails,location\n")?;
    header(&mut truth, "truth.csv", b"candidate_id,occupation_uri,role_id\n")?;
    if let Some(w) = claims.as_mut() {
        header(w, "claims.csv", b"candidate_id,path\n")?;
    }

    let ctx = badges::Writer { taxonomy, population: &population, opts, dir: &badge_dir };
    let mut credentials = 0;
    for (chunk, start) in (0..population.len_candidates()).step_by(CHUNK).enumerate() {
        let end = (start + CHUNK).min(population.len_candidates());
        let written: Vec<Result<badges::Written, GenError>> =
            (start..end).into_par_iter().map(|i| ctx.candidate(population.candidate(i))).collect();
        let mut credly = Vec::new();
        for w in written {
            let w = w?;
            let plan = &w.plan;
            let role = &population.roles()[plan.role];
            let uri = &taxonomy.occupations()[role.occupation].uri;
            writeln!(roster, "{},{},{}", plan.id, plan.emails.join(";"), plan.location)
                .map_err(io_err(&out.join("roster.csv")))?;
            writeln!(truth, "{},{},{}", plan.id, uri, role.id).map_err(io_err(&out.join("truth.csv")))?;
            if let (Some(c), Some(path)) = (claims.as_mut(), &w.claim) {
                writeln!(c, "{},{}", plan.id, path).map_err(io_err(&out.join("claims.csv")))?;
            }
            badge_files += w.files;
            credentials += plan.badges.len();
            credly.extend(w.credly);
        }
        if !credly.is_empty() {
            badge_files += ctx.credly_export(chunk, &credly)?;
        }
    }
    for (w, name) in [(&mut roster, "roster.csv"), (&mut truth, "truth.csv")] {
        w.flush().map_err(io_err(&out.join(name)))?;
    }
    if let Some(w) = claims.as_mut() {
        w.flush().map_err(io_err(&out.join("claims.csv")))?;
    }
    write_run_config(taxonomy, &population, opts)?;
    Ok(GenSummary {
        candidates: population.len_candidates(),
        roles: population.roles().len(),
        badge_files,
        credentials,
        pathways: population.pathways().len(),
    })
}

/// `target` relative to the folder `base` (both made absolute first); absolute when they share
/// nothing below the root; `target` itself when either cannot be resolved.
fn relative_to(base: &Path, target: &Path) -> PathBuf {
    let (Ok(base), Ok(abs)) = (std::fs::canonicalize(base), std::fs::canonicalize(target)) else {
        return target.to_path_buf();
    };
    let b: Vec<Component<'_>> = base.components().collect();
    let t: Vec<Component<'_>> = abs.components().collect();
    let common = b.iter().zip(&t).take_while(|(x, y)| x == y).count();
    if common <= 1 {
        // Nothing in common but the root: the absolute path reads better.
        return abs;
    }
    let mut rel = PathBuf::new();
    for _ in common..b.len() {
        rel.push("..");
    }
    for c in &t[common..] {
        rel.push(c.as_os_str());
    }
    rel
}

/// The `run.toml` written next to the data.
#[derive(serde::Serialize)]
struct RunToml {
    inputs: RunInputs,
    #[serde(skip_serializing_if = "Option::is_none")]
    taxonomy: Option<RunTaxonomy>,
    run: RunRun,
    verify: crate::verify::VerifyPolicy,
    pathway: Vec<crate::score::PathwayConfig>,
}

#[derive(serde::Serialize)]
struct RunInputs {
    roster: String,
    badges: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    claims: Option<String>,
    postings: Vec<String>,
}

#[derive(serde::Serialize)]
struct RunTaxonomy {
    esco_dir: String,
}

#[derive(serde::Serialize)]
struct RunRun {
    as_of: String,
}

/// Writes `run.toml`: a config that runs the generated folder (`skillmatch run --config
/// run.toml`), with the policy the planned statuses assume and the generated pathways.
fn write_run_config(taxonomy: &Taxonomy, population: &Population, opts: &GenOptions) -> Result<(), GenError> {
    let pathway = population
        .pathways()
        .iter()
        .map(|p| crate::score::PathwayConfig {
            name: p.name.clone(),
            badges: p.components.iter().map(|c| c.class_key.clone()).collect(),
            skills: p.skills.iter().map(|&s| taxonomy.skill(s).uri.clone()).collect(),
            min_completed: None,
        })
        .collect();
    let config = RunToml {
        inputs: RunInputs {
            roster: "roster.csv".into(),
            badges: vec!["badges".into()],
            claims: (opts.layout == Layout::Bundles).then(|| "claims.csv".into()),
            postings: vec!["postings.jsonl".into()],
        },
        taxonomy: opts
            .taxonomy_dir
            .as_ref()
            .map(|d| RunTaxonomy { esco_dir: relative_to(&opts.out, d).to_string_lossy().into_owned() }),
        run: RunRun { as_of: opts.as_of.to_string() },
        verify: generated_policy(),
        pathway,
    };
    let body = toml::to_string(&config).map_err(|e| GenError::Invalid(format!("cannot write run.toml: {e}")))?;
    let text = format!(
        "# Written by `skillmatch gen`: `skillmatch run --config run.toml` runs this folder.\n\
         # Each [[pathway]] is a program of badge classes issued in this data set.\n\n{body}"
    );
    let p = opts.out.join("run.toml");
    std::fs::write(&p, text).map_err(io_err(&p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_climb_to_the_common_folder() {
        let root = tempfile::tempdir().expect("tempdir");
        let out = root.path().join("data/gen");
        let esco = root.path().join("taxonomy/esco");
        std::fs::create_dir_all(&out).expect("mkdir");
        std::fs::create_dir_all(&esco).expect("mkdir");
        assert_eq!(relative_to(&out, &esco), PathBuf::from("../../taxonomy/esco"));
        assert_eq!(relative_to(&out, Path::new("/no/such/dir")), PathBuf::from("/no/such/dir"));
    }

    #[test]
    fn slugs_are_lower_case_ascii_without_repeated_dashes() {
        assert_eq!(slug("Use C++ & SQL  (advanced)"), "use-c-sql-advanced");
        assert_eq!(slug(&"x".repeat(80)).len(), 60);
        assert_eq!(title_case("manage a team"), "Manage A Team");
    }

    #[test]
    fn default_options_match_the_documented_cli_defaults() {
        let o = GenOptions::default();
        assert_eq!((o.candidates, o.roles, o.seed, o.pathways), (300, 80, 42, 10));
        assert_eq!((o.zipf, o.expired, o.revoked, o.misaddressed, o.pending), (1.0, 0.05, 0.03, 0.02, 0.01));
        assert_eq!(o.layout, Layout::Folders);
        assert_eq!(o.as_of.to_string(), "2026-11-01");
    }
}
