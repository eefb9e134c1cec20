//! `skillmatch gen`: deterministic synthetic hiring data built from real ESCO occupation profiles.
//!
//! Roles are real ESCO occupations (title, description, essential skills as required, optional
//! skills as preferred). Each candidate is drawn from one role's occupation and holds badges
//! covering a random 50–90% of its essential skills plus a few unrelated ones, in a mix of
//! formats (OB 2.0 hosted with hashed recipients, Credly exports, OB 3.0). Skill names appear
//! as ESCO URIs, preferred labels, alternative labels, case changes and small typos. With noise
//! on, a small share of badges is expired, revoked, pending or issued to someone else.
//!
//! The same seed gives byte-identical files whatever the thread count: every candidate and
//! role draws from its own ChaCha stream.

mod badges;
mod postings;

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use crate::taxonomy::{SkillId, Taxonomy};

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
    /// Add expired / revoked / pending / wrong-recipient badges and typos.
    pub noise: bool,
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
}

/// Fictional issuers (reserved `.example` domains): name, domain, format preference.
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

/// A candidate plan shared by the badge writer and the truth file.
#[derive(Debug, Clone)]
pub(crate) struct CandidatePlan {
    pub id: String,
    pub emails: Vec<String>,
    pub location: String,
    pub role: usize,
    pub skills: Vec<SkillId>,
}

/// A role plan: which occupation it is.
#[derive(Debug, Clone)]
pub(crate) struct RolePlan {
    pub id: String,
    pub occupation: usize,
}

/// The RNG stream for one entity: the same (seed, domain, index) always gives the same stream.
pub(crate) fn stream(seed: u64, domain: u64, index: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ domain.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    rng.set_stream(index);
    rng
}

/// Generates a data set into `opts.out`.
pub fn generate(taxonomy: &Taxonomy, opts: &GenOptions) -> Result<GenSummary, GenError> {
    if opts.candidates == 0 || opts.roles == 0 {
        return Err(GenError::Invalid("--candidates and --roles must be at least 1".into()));
    }
    let eligible: Vec<usize> =
        (0..taxonomy.occupations.len()).filter(|&i| taxonomy.occupations[i].essential.len() >= 5).collect();
    if eligible.is_empty() {
        return Err(GenError::Invalid("the taxonomy has no occupation with at least 5 essential skills".into()));
    }
    let io = |path: &Path| {
        let path = path.display().to_string();
        move |source| GenError::Io { path: path.clone(), source }
    };
    std::fs::create_dir_all(opts.out.join("badges")).map_err(io(&opts.out))?;

    // Roles: distinct occupations while there are enough, drawn without replacement.
    let mut rng = stream(opts.seed, 1, 0);
    let mut pool = eligible.clone();
    let roles: Vec<RolePlan> = (0..opts.roles)
        .map(|i| {
            if pool.is_empty() {
                pool = eligible.clone();
            }
            let occupation = pool.swap_remove(rng.random_range(0..pool.len()));
            RolePlan { id: format!("role-{:05}", i + 1), occupation }
        })
        .collect();

    let all_skills = taxonomy.skills.len() as u32;
    let candidates: Vec<CandidatePlan> = (0..opts.candidates)
        .into_par_iter()
        .map(|i| {
            let mut rng = stream(opts.seed, 2, i as u64);
            let role = rng.random_range(0..roles.len());
            let occ = &taxonomy.occupations[roles[role].occupation];
            let frac = rng.random_range(0.5..=0.9);
            let take = ((occ.essential.len() as f64 * frac).round() as usize).clamp(1, occ.essential.len());
            let mut skills: Vec<SkillId> = occ.essential.clone();
            shuffle(&mut skills, &mut rng);
            skills.truncate(take);
            for _ in 0..rng.random_range(0..=3) {
                skills.push(rng.random_range(0..all_skills));
            }
            skills.sort_unstable();
            skills.dedup();
            shuffle(&mut skills, &mut rng);
            let n = i + 1;
            let mut emails = vec![format!("cand{n:06}@mail.example")];
            if rng.random_bool(0.3) {
                emails.push(format!("c.{n:06}@work.example"));
            }
            CandidatePlan {
                id: format!("cand-{n:06}"),
                emails,
                location: CITIES[rng.random_range(0..CITIES.len())].to_string(),
                role,
                skills,
            }
        })
        .collect();

    write_roster(&opts.out, &candidates).map_err(io(&opts.out.join("roster.csv")))?;
    write_truth(&opts.out, taxonomy, &candidates, &roles).map_err(io(&opts.out.join("truth.csv")))?;
    postings::write(&opts.out, taxonomy, &roles, opts).map_err(io(&opts.out.join("postings.jsonl")))?;
    let (badge_files, credentials) = badges::write(&opts.out.join("badges"), taxonomy, &candidates, opts)?;
    Ok(GenSummary { candidates: candidates.len(), roles: roles.len(), badge_files, credentials })
}

/// Fisher–Yates shuffle with our RNG (kept here so the output never depends on a crate's internals).
pub(crate) fn shuffle<T>(v: &mut [T], rng: &mut ChaCha8Rng) {
    for i in (1..v.len()).rev() {
        let j = rng.random_range(0..=i);
        v.swap(i, j);
    }
}

fn write_roster(out: &Path, candidates: &[CandidatePlan]) -> std::io::Result<()> {
    let mut w = std::io::BufWriter::new(std::fs::File::create(out.join("roster.csv"))?);
    writeln!(w, "candidate_id,emails,location")?;
    for c in candidates {
        writeln!(w, "{},{},{}", c.id, c.emails.join(";"), c.location)?;
    }
    w.flush()
}

fn write_truth(
    out: &Path,
    taxonomy: &Taxonomy,
    candidates: &[CandidatePlan],
    roles: &[RolePlan],
) -> std::io::Result<()> {
    let mut w = std::io::BufWriter::new(std::fs::File::create(out.join("truth.csv"))?);
    writeln!(w, "candidate_id,occupation_uri,role_id")?;
    for c in candidates {
        let role = &roles[c.role];
        writeln!(w, "{},{},{}", c.id, taxonomy.occupations[role.occupation].uri, role.id)?;
    }
    w.flush()
}
