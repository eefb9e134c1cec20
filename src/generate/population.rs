//! The generated population as data: roles planned from the taxonomy, candidates as a pure
//! function of `(seed, index)`.
//!
//! [`Population`] is the single source of truth of `skillmatch gen`: the file writers render
//! exactly what it plans (which skills a candidate holds, how they are grouped into badges, each
//! badge's format, issuer, dates, fault and badge class), and a benchmark can use the same plans
//! in memory without writing a file. What the writers add is presentation only: skill spellings
//! (labels, alternative labels, typos), badge names, salts, posting titles and texts.
//!
//! # Model
//! * **Occupations** with at least [`MIN_ESSENTIAL`] essential skills are ranked in a shuffled
//!   order drawn from the seed; rank `r` (1-based) has popularity `1 / r^s` with `s` =
//!   [`GenOptions::zipf`] (`0` = all equally popular).
//! * **Roles** draw their occupation independently from that distribution, so popular
//!   occupations get many roles. A role requires every essential skill of its occupation and
//!   prefers up to 8 of its optional ones.
//! * **Candidates** pick a role uniformly, so their true occupations follow role popularity.
//!   A candidate holds 50–90% of the occupation's essential skills plus 0–3 unrelated ones, in
//!   badges of 1–4 skills each. A candidate whose occupation has a pathway enrols with
//!   probability [`PATHWAY_ENROLMENT`] and then holds each of its component badges with
//!   probability [`PATHWAY_COMPONENT`].
//! * **Badges**: first a fault is drawn (expired, revoked, misaddressed, pending, none) with the
//!   shares of [`GenOptions`], then a format by [`FormatShares`]. A revoked badge is OB 2.0 or
//!   Credly (the only formats whose revocation skillmatch recognises offline without a signed
//!   status list: the assertion's `revoked` flag, Credly `state: revoked`); a pending one is
//!   Credly. So the format shares hold exactly for the other badges.
//! * **Pathways**: the [`GenOptions::pathways`] most popular occupations each get a program of
//!   [`PATHWAY_COMPONENTS`] single-skill badge classes (essential skills of the occupation) from
//!   one issuer, awarding up to two of its optional skills on completion.

use std::collections::HashMap;

use chrono::{Duration, NaiveDate};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::{CITIES, GenError, GenOptions, ISSUERS, shuffle, slug, stream, title_case, uuid_like};
use crate::taxonomy::{SkillId, Taxonomy};
use crate::util::sha256_hex;
use crate::verify::{Status, VerifyPolicy};

/// Occupations with fewer essential skills than this are never used for roles.
pub const MIN_ESSENTIAL: usize = 5;
/// Most optional skills a role lists as preferred.
pub const MAX_PREFERRED: usize = 8;
/// Component badges of a generated pathway (fewer when the occupation has fewer essential skills).
pub const PATHWAY_COMPONENTS: usize = 3;
/// Program skills a pathway awards on completion (optional skills of its occupation).
pub const PATHWAY_SKILLS: usize = 2;
/// Probability that a candidate whose occupation has a pathway enrols in it.
pub const PATHWAY_ENROLMENT: f64 = 0.5;
/// Probability that an enrolled candidate holds each component badge.
pub const PATHWAY_COMPONENT: f64 = 0.75;
/// Most skills a [`RoleModel::Realistic`] posting lists.
pub const MAX_ROLE_SKILLS: usize = 40;
/// Median number of skills a [`RoleModel::Realistic`] posting lists (log-normal, skewed: many list a
/// handful, a few list dozens).
pub const MEDIAN_ROLE_SKILLS: f64 = 6.0;
/// Spread (σ of the logarithm) of the number of skills a realistic posting lists.
pub const ROLE_SKILLS_SIGMA: f64 = 0.9;
/// Share of realistic roles whose occupation is replaced by a sibling (same ISCO-08 unit group),
/// so near-duplicate occupations compete for the same candidates.
pub const SIBLING_SHARE: f64 = 0.3;
/// Fewest skills (essential + optional) an occupation needs to get roles under the realistic model.
pub const MIN_REALISTIC_SKILLS: usize = 3;

/// How roles are drawn from their occupation's profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RoleModel {
    /// Postings as real employers write them: each lists 1–[`MAX_ROLE_SKILLS`] skills drawn from
    /// its occupation's essential (mostly) and optional skills, the count log-normal around
    /// [`MEDIAN_ROLE_SKILLS`]; every occupation with [`MIN_REALISTIC_SKILLS`] skills can get roles;
    /// [`SIBLING_SHARE`] of roles go to a sibling occupation of the drawn one.
    #[default]
    Realistic,
    /// Every role requires all essential skills of an occupation with at least
    /// [`MIN_ESSENTIAL`] of them and prefers up to [`MAX_PREFERRED`] optional ones (the model of
    /// skillmatch 0.1's benchmarks).
    Full,
}

/// The format a generated badge is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// An Open Badges 2.0 hosted assertion with a hashed recipient.
    Ob2Hosted,
    /// An entry of a Credly issued-badges export (plain recipient email).
    Credly,
    /// An Open Badges 3.0 `OpenBadgeCredential` without a proof.
    Ob3,
}

impl Format {
    /// Short name: `ob2`, `credly`, `ob3`.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Ob2Hosted => "ob2",
            Format::Credly => "credly",
            Format::Ob3 => "ob3",
        }
    }
}

/// What is wrong with a generated badge (noise).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Fault {
    /// Nothing.
    None,
    /// Expired before the as-of date.
    Expired,
    /// Revoked by its issuer (OB 2.0 `revoked: true`) or on the platform (Credly `state: revoked`).
    Revoked,
    /// Issued to an email that is not the claiming candidate's.
    Misaddressed,
    /// A Credly badge the earner has not accepted (`state: pending`).
    Pending,
}

/// Relative shares of the badge formats (weights, normalised; they need not sum to 1).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FormatShares {
    /// OB 2.0 hosted assertions.
    pub ob2_hosted: f64,
    /// Credly export entries.
    pub credly: f64,
    /// OB 3.0 credentials.
    pub ob3: f64,
}

impl Default for FormatShares {
    /// 50% OB 2.0 hosted, 30% Credly, 20% OB 3.0.
    fn default() -> Self {
        FormatShares { ob2_hosted: 0.5, credly: 0.3, ob3: 0.2 }
    }
}

/// The verification policy the planned statuses assume: the one of the `run.toml` that `gen`
/// writes (hosted OB 2.0 assertions and Credly exports accepted offline, no trust store).
pub fn generated_policy() -> VerifyPolicy {
    VerifyPolicy { accept_hosted_offline: true, accept_platform_exports: true, trust: None, ..VerifyPolicy::default() }
}

/// The status `skillmatch verify` gives a generated badge of `format` with `fault` under
/// `policy`, at the generator's as-of date, without a trust store. OB 3.0 credentials carry no
/// proof, so a sound one is `unverifiable`.
pub fn planned_status(format: Format, fault: Fault, policy: &VerifyPolicy) -> Status {
    match fault {
        Fault::Revoked => Status::Revoked,
        Fault::Misaddressed => Status::RecipientMismatch,
        Fault::Expired => Status::Expired,
        Fault::Pending => Status::Unverifiable,
        Fault::None => match format {
            Format::Ob2Hosted if policy.accept_hosted_offline => Status::Verified,
            Format::Credly if policy.accept_platform_exports => Status::Verified,
            _ => Status::Unverifiable,
        },
    }
}

/// A role: one posting.
#[derive(Debug, Clone, PartialEq)]
pub struct RolePlan {
    /// Posting identifier, `role-00001`.
    pub id: String,
    /// Index into `taxonomy.occupations`.
    pub occupation: usize,
    /// City of the job.
    pub location: &'static str,
    /// Required skills: every essential skill of the occupation, in taxonomy order.
    pub required: Vec<SkillId>,
    /// Preferred skills: up to [`MAX_PREFERRED`] optional skills of the occupation, sorted.
    pub preferred: Vec<SkillId>,
}

/// One component of a pathway: a single-skill badge class.
#[derive(Debug, Clone, PartialEq)]
pub struct PathwayComponent {
    /// The skill the badge aligns to.
    pub skill: SkillId,
    /// Format every badge of this class is written in.
    pub format: Format,
    /// The badge class key (BadgeClass id, Credly template id or OB 3.0 achievement id).
    pub class_key: String,
}

/// A stackable-credential program written as a `[[pathway]]` of the generated `run.toml`.
#[derive(Debug, Clone, PartialEq)]
pub struct PathwayPlan {
    /// Program name, e.g. `Software Developer Professional Certificate`.
    pub name: String,
    /// Index into `taxonomy.occupations` of the occupation it prepares for.
    pub occupation: usize,
    /// Index into the generator's issuer list.
    pub issuer: usize,
    /// Component badge classes; completing the pathway needs all of them.
    pub components: Vec<PathwayComponent>,
    /// Program skills awarded on completion.
    pub skills: Vec<SkillId>,
}

/// One badge a candidate holds.
#[derive(Debug, Clone, PartialEq)]
pub struct BadgePlan {
    /// 1-based number within the candidate (file names and credential ids use it).
    pub number: usize,
    /// Format it is written in.
    pub format: Format,
    /// Noise applied to it.
    pub fault: Fault,
    /// Status under [`generated_policy`] (see [`planned_status`] for another policy).
    pub status: Status,
    /// Index into the generator's issuer list.
    pub issuer: usize,
    /// Skills it aligns to (1–4; the first one names the badge).
    pub skills: Vec<SkillId>,
    /// Badge class key as skillmatch reads it: BadgeClass id, Credly template id or achievement id.
    pub class_key: String,
    /// Credential id as skillmatch reads it (assertion id, Credly badge id, credential `id`).
    pub credential_id: String,
    /// Issue date.
    pub issued: NaiveDate,
    /// Expiry date, if any.
    pub expires: Option<NaiveDate>,
    /// Index into [`Population::pathways`] when it is a pathway component.
    pub pathway: Option<usize>,
}

impl BadgePlan {
    /// The status this badge gets under `policy` (no trust store).
    pub fn status_under(&self, policy: &VerifyPolicy) -> Status {
        planned_status(self.format, self.fault, policy)
    }
}

/// One skill a candidate holds, with the badge that carries it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SkillEvidence {
    /// The skill.
    pub skill: SkillId,
    /// Index into [`CandidatePlan::badges`].
    pub badge: usize,
    /// Status of that badge under [`generated_policy`].
    pub status: Status,
}

/// One candidate: a pure function of `(seed, index)`.
#[derive(Debug, Clone, PartialEq)]
pub struct CandidatePlan {
    /// 0-based index in the population.
    pub index: usize,
    /// Candidate id, `cand-000001`.
    pub id: String,
    /// Roster emails (the first one is the badges' recipient).
    pub emails: Vec<String>,
    /// City.
    pub location: &'static str,
    /// Index into [`Population::roles`] of the role the candidate was drawn from (true role).
    pub role: usize,
    /// Index into `taxonomy.occupations` of the true occupation (the role's).
    pub occupation: usize,
    /// Badges held, in writing order.
    pub badges: Vec<BadgePlan>,
    /// Every skill held, each carried by exactly one badge, in badge order.
    pub skills: Vec<SkillEvidence>,
}

impl CandidatePlan {
    /// Pathways (indexes into [`Population::pathways`]) whose every component the candidate
    /// holds with a badge whose status `counts` (for a run: its evidence weight is above 0).
    pub fn completed_pathways(&self, population: &Population, counts: impl Fn(Status) -> bool) -> Vec<usize> {
        let mut done = Vec::new();
        for (p, pw) in population.pathways().iter().enumerate() {
            let all = pw.components.iter().all(|c| {
                self.badges.iter().any(|b| b.pathway == Some(p) && b.class_key == c.class_key && counts(b.status))
            });
            if all {
                done.push(p);
            }
        }
        done
    }
}

/// Cumulative fault thresholds over one uniform draw.
#[derive(Debug, Clone, Copy)]
struct FaultShares {
    expired: f64,
    revoked: f64,
    misaddressed: f64,
    pending: f64,
}

/// Roles planned from the taxonomy and the options; candidates on demand.
#[derive(Debug, Clone)]
pub struct Population {
    seed: u64,
    as_of: NaiveDate,
    candidates: usize,
    faults: FaultShares,
    formats: FormatShares,
    all_skills: u32,
    roles: Vec<RolePlan>,
    pathways: Vec<PathwayPlan>,
    /// Occupation index → pathway index.
    pathway_of: HashMap<usize, usize>,
    /// Occupation index → essential skills (eligible occupations only).
    essential: HashMap<usize, Vec<SkillId>>,
    /// Occupation index → optional skills (eligible occupations only).
    optional: HashMap<usize, Vec<SkillId>>,
    /// Eligible occupations, most popular first.
    ranked: Vec<usize>,
    /// Skill id → slug of its label (badge class keys).
    slugs: Vec<String>,
    /// How roles list skills.
    model: RoleModel,
    /// Share of candidates who also hold skills of an adjacent occupation.
    adjacent: f64,
    /// Occupation index → other eligible occupations of its ISCO-08 unit group (realistic model).
    siblings: HashMap<usize, Vec<usize>>,
}

fn check_share(name: &str, v: f64) -> Result<(), GenError> {
    if v.is_finite() && (0.0..=1.0).contains(&v) {
        Ok(())
    } else {
        Err(GenError::Invalid(format!("{name} = {v} must be a share within 0..=1")))
    }
}

/// Checks the options' counts and shares; returns the fault shares the run will plant.
fn validate(opts: &GenOptions) -> Result<FaultShares, GenError> {
    if opts.candidates == 0 || opts.roles == 0 {
        return Err(GenError::Invalid("--candidates and --roles must be at least 1".into()));
    }
    if !(opts.zipf.is_finite() && opts.zipf >= 0.0) {
        return Err(GenError::Invalid(format!("--zipf {} must be a non-negative number", opts.zipf)));
    }
    for (name, v) in [
        ("--expired", opts.expired),
        ("--revoked", opts.revoked),
        ("--misaddressed", opts.misaddressed),
        ("--pending", opts.pending),
    ] {
        check_share(name, v)?;
    }
    let f = &opts.formats;
    if ![f.ob2_hosted, f.credly, f.ob3].iter().all(|w| w.is_finite() && *w >= 0.0)
        || f.ob2_hosted + f.credly + f.ob3 <= 0.0
    {
        return Err(GenError::Invalid(format!(
            "--formats {},{},{}: weights must be non-negative with a positive sum",
            f.ob2_hosted, f.credly, f.ob3
        )));
    }
    let faults = if opts.noise {
        FaultShares {
            expired: opts.expired,
            revoked: opts.revoked,
            misaddressed: opts.misaddressed,
            pending: opts.pending,
        }
    } else {
        FaultShares { expired: 0.0, revoked: 0.0, misaddressed: 0.0, pending: 0.0 }
    };
    if faults.expired + faults.revoked + faults.misaddressed + faults.pending > 1.0 {
        return Err(GenError::Invalid("the fault shares (expired, revoked, misaddressed, pending) sum above 1".into()));
    }
    if faults.revoked > 0.0 && f.ob2_hosted + f.credly <= 0.0 {
        return Err(GenError::Invalid("revoked badges need OB 2.0 or Credly badges (--formats)".into()));
    }
    if faults.pending > 0.0 && f.credly <= 0.0 {
        return Err(GenError::Invalid("pending badges need Credly badges (--formats)".into()));
    }
    check_share("--adjacent", opts.adjacent)?;
    check_share("--text-only", opts.text_only)?;
    Ok(faults)
}

/// Siblings: eligible occupations sharing an ISCO-08 unit group, in taxonomy order.
fn siblings_of(taxonomy: &Taxonomy, ranked: &[usize]) -> HashMap<usize, Vec<usize>> {
    let mut siblings: HashMap<usize, Vec<usize>> = HashMap::new();
    let mut by_group: std::collections::BTreeMap<&str, Vec<usize>> = std::collections::BTreeMap::new();
    let mut sorted = ranked.to_vec();
    sorted.sort_unstable();
    for &o in &sorted {
        let g = taxonomy.occupations()[o].isco_group.as_str();
        if !g.is_empty() {
            by_group.entry(g).or_default().push(o);
        }
    }
    for members in by_group.values().filter(|m| m.len() > 1) {
        for &o in members {
            siblings.insert(o, members.iter().copied().filter(|&x| x != o).collect());
        }
    }
    siblings
}

/// Plans every role: an occupation drawn by Zipf popularity (a sibling's, sometimes, in the
/// realistic model), a city, and the skills the posting lists.
fn plan_roles(
    taxonomy: &Taxonomy,
    opts: &GenOptions,
    ranked: &[usize],
    cumulative: &[f64],
    total: f64,
    siblings: &HashMap<usize, Vec<usize>>,
) -> Vec<RolePlan> {
    (0..opts.roles)
        .map(|i| {
            let mut rng = stream(opts.seed, 1, i as u64);
            let u = rng.random::<f64>() * total;
            let mut occupation = ranked[cumulative.partition_point(|&c| c <= u).min(ranked.len() - 1)];
            let location = CITIES[rng.random_range(0..CITIES.len())];
            let id = format!("role-{:05}", i + 1);
            match opts.role_model {
                RoleModel::Full => {
                    let occ = &taxonomy.occupations()[occupation];
                    let mut preferred = occ.optional.clone();
                    shuffle(&mut preferred, &mut rng);
                    preferred.truncate(MAX_PREFERRED);
                    preferred.sort_unstable();
                    RolePlan { id, occupation, location, required: occ.essential.clone(), preferred }
                }
                RoleModel::Realistic => {
                    if let Some(sib) = siblings.get(&occupation)
                        && rng.random_bool(SIBLING_SHARE)
                    {
                        occupation = sib[rng.random_range(0..sib.len())];
                    }
                    let (required, preferred) = realistic_skills(&taxonomy.occupations()[occupation], &mut rng);
                    RolePlan { id, occupation, location, required, preferred }
                }
            }
        })
        .collect()
}

impl Population {
    /// Plans the roles (and pathways) of `opts` over `taxonomy`.
    ///
    /// # Errors
    /// [`GenError::Invalid`] when a count is 0, a share is outside `0..=1` or the fault shares sum
    /// above 1, the Zipf exponent or a format weight is negative, a fault needs a format whose
    /// weight is 0 (revoked: OB 2.0 or Credly; pending: Credly), or no occupation has
    /// [`MIN_ESSENTIAL`] essential skills.
    pub fn new(taxonomy: &Taxonomy, opts: &GenOptions) -> Result<Population, GenError> {
        let faults = validate(opts)?;
        let eligible = |o: &crate::taxonomy::Occupation| match opts.role_model {
            RoleModel::Full => o.essential.len() >= MIN_ESSENTIAL,
            RoleModel::Realistic => {
                !o.essential.is_empty() && o.essential.len() + o.optional.len() >= MIN_REALISTIC_SKILLS
            }
        };
        let mut ranked: Vec<usize> =
            (0..taxonomy.occupations().len()).filter(|&i| eligible(&taxonomy.occupations()[i])).collect();
        if ranked.is_empty() {
            return Err(GenError::Invalid(format!(
                "the taxonomy has no occupation with at least {MIN_ESSENTIAL} essential skills"
            )));
        }
        shuffle(&mut ranked, &mut stream(opts.seed, 5, 0));
        let essential: HashMap<usize, Vec<SkillId>> =
            ranked.iter().map(|&o| (o, taxonomy.occupations()[o].essential.clone())).collect();
        let optional: HashMap<usize, Vec<SkillId>> =
            ranked.iter().map(|&o| (o, taxonomy.occupations()[o].optional.clone())).collect();
        let slugs: Vec<String> = taxonomy.skills().iter().map(|s| slug(&s.label)).collect();

        // Zipf popularity over the ranked occupations.
        let mut cumulative = Vec::with_capacity(ranked.len());
        let mut total = 0.0f64;
        for r in 1..=ranked.len() {
            total += (r as f64).powf(-opts.zipf);
            cumulative.push(total);
        }
        let siblings =
            if opts.role_model == RoleModel::Realistic { siblings_of(taxonomy, &ranked) } else { HashMap::new() };
        let roles = plan_roles(taxonomy, opts, &ranked, &cumulative, total, &siblings);

        let mut population = Population {
            seed: opts.seed,
            as_of: opts.as_of,
            candidates: opts.candidates,
            faults,
            formats: opts.formats,
            all_skills: taxonomy.skills().len() as u32,
            roles,
            pathways: Vec::new(),
            pathway_of: HashMap::new(),
            essential,
            optional,
            ranked,
            slugs,
            model: opts.role_model,
            adjacent: if opts.role_model == RoleModel::Realistic { opts.adjacent } else { 0.0 },
            siblings,
        };
        for p in 0..opts.pathways.min(population.ranked.len()) {
            let occupation = population.ranked[p];
            let plan = population.plan_pathway(taxonomy, p, occupation);
            population.pathway_of.insert(occupation, p);
            population.pathways.push(plan);
        }
        Ok(population)
    }

    fn plan_pathway(&self, taxonomy: &Taxonomy, p: usize, occupation: usize) -> PathwayPlan {
        let mut rng = stream(self.seed, 6, p as u64);
        let occ = &taxonomy.occupations()[occupation];
        let issuer = rng.random_range(0..ISSUERS.len());
        let domain = ISSUERS[issuer].1;
        let name = format!("{} Professional Certificate", title_case(&occ.label));
        let program = slug(&occ.label);
        let mut essential = occ.essential.clone();
        shuffle(&mut essential, &mut rng);
        let rest = essential.split_off(PATHWAY_COMPONENTS.min(essential.len()));
        let mut skills = occ.optional.clone();
        shuffle(&mut skills, &mut rng);
        skills.truncate(PATHWAY_SKILLS);
        if skills.is_empty() {
            skills.extend(rest.first().copied());
        }
        let components = essential
            .into_iter()
            .map(|skill| {
                let format = self.draw_format(Fault::None, &mut rng);
                let s = &self.slugs[skill as usize];
                let class_key = match format {
                    Format::Ob2Hosted => format!("https://{domain}/badges/{program}/{s}.json"),
                    Format::Credly => format!("tmpl-{program}-{s}"),
                    Format::Ob3 => format!("https://{domain}/achievements/{program}/{s}"),
                };
                PathwayComponent { skill, format, class_key }
            })
            .collect();
        PathwayPlan { name, occupation, issuer, components, skills }
    }

    /// The roles, in posting order (`role-00001` first).
    pub fn roles(&self) -> &[RolePlan] {
        &self.roles
    }

    /// The pathways, most popular occupation first.
    pub fn pathways(&self) -> &[PathwayPlan] {
        &self.pathways
    }

    /// Occupations eligible for roles (indexes into `taxonomy.occupations`), most popular first.
    pub fn popularity(&self) -> &[usize] {
        &self.ranked
    }

    /// Number of candidates.
    pub fn len_candidates(&self) -> usize {
        self.candidates
    }

    /// The plan of candidate `i` (0-based; the id is `cand-{i+1:06}`). The same seed and options
    /// give the same plan, on any thread, in any order; `i` beyond [`Population::len_candidates`]
    /// still gives a plan, but it is not part of the written data.
    pub fn candidate(&self, i: usize) -> CandidatePlan {
        let mut rng = stream(self.seed, 2, i as u64);
        let role = rng.random_range(0..self.roles.len());
        let occupation = self.roles[role].occupation;
        let essential = &self.essential[&occupation];
        let frac = rng.random_range(0.5..=0.9);
        let take = ((essential.len() as f64 * frac).round() as usize).clamp(1, essential.len());
        let mut skills: Vec<SkillId> = essential.clone();
        shuffle(&mut skills, &mut rng);
        skills.truncate(take);
        for _ in 0..rng.random_range(0..=3) {
            skills.push(rng.random_range(0..self.all_skills));
        }
        if self.model == RoleModel::Realistic {
            // Some optional skills of the own occupation, and for a share of candidates a few
            // essential skills of an adjacent occupation (a sibling, else any eligible one).
            let optional = &self.optional[&occupation];
            let extra = rng.random_range(0.0..=0.3);
            skills.extend(optional.iter().copied().filter(|_| rng.random_bool(extra)));
            if rng.random_bool(self.adjacent) {
                let other = match self.siblings.get(&occupation) {
                    Some(sib) => sib[rng.random_range(0..sib.len())],
                    None => self.ranked[rng.random_range(0..self.ranked.len())],
                };
                let mut theirs = self.essential[&other].clone();
                shuffle(&mut theirs, &mut rng);
                theirs.truncate(rng.random_range(1..=4));
                skills.extend(theirs);
            }
        }
        skills.sort_unstable();
        skills.dedup();
        shuffle(&mut skills, &mut rng);
        let n = i + 1;
        let id = format!("cand-{n:06}");
        let mut emails = vec![format!("cand{n:06}@mail.example")];
        if rng.random_bool(0.3) {
            emails.push(format!("c.{n:06}@work.example"));
        }
        let location = CITIES[rng.random_range(0..CITIES.len())];

        let mut badges = Vec::new();
        if let Some(&p) = self.pathway_of.get(&occupation)
            && rng.random_bool(PATHWAY_ENROLMENT)
        {
            for c in &self.pathways[p].components {
                if rng.random_bool(PATHWAY_COMPONENT) {
                    skills.retain(|&s| s != c.skill);
                    let fixed =
                        Fixed { format: c.format, issuer: self.pathways[p].issuer, key: &c.class_key, pathway: p };
                    let b = self.badge(&id, badges.len() + 1, vec![c.skill], Some(fixed), &mut rng);
                    badges.push(b);
                }
            }
        }
        let mut rest: &[SkillId] = &skills;
        while !rest.is_empty() {
            let k = rng.random_range(1..=4).min(rest.len());
            let (chunk, tail) = rest.split_at(k);
            rest = tail;
            let b = self.badge(&id, badges.len() + 1, chunk.to_vec(), None, &mut rng);
            badges.push(b);
        }
        let skills = badges
            .iter()
            .enumerate()
            .flat_map(|(bi, b)| b.skills.iter().map(move |&skill| SkillEvidence { skill, badge: bi, status: b.status }))
            .collect();
        CandidatePlan { index: i, id, emails, location, role, occupation, badges, skills }
    }

    /// Draws a fault from one uniform number.
    fn draw_fault(&self, rng: &mut ChaCha8Rng) -> Fault {
        let f = &self.faults;
        let u: f64 = rng.random();
        let mut edge = f.expired;
        if u < edge {
            return Fault::Expired;
        }
        edge += f.revoked;
        if u < edge {
            return Fault::Revoked;
        }
        edge += f.misaddressed;
        if u < edge {
            return Fault::Misaddressed;
        }
        edge += f.pending;
        if u < edge {
            return Fault::Pending;
        }
        Fault::None
    }

    /// Draws a format that can carry `fault` (always one uniform number).
    fn draw_format(&self, fault: Fault, rng: &mut ChaCha8Rng) -> Format {
        let w = &self.formats;
        let (ob2, credly, ob3) = match fault {
            Fault::Revoked => (w.ob2_hosted, w.credly, 0.0),
            Fault::Pending => (0.0, 1.0, 0.0),
            _ => (w.ob2_hosted, w.credly, w.ob3),
        };
        let u = rng.random::<f64>() * (ob2 + credly + ob3);
        if u < ob2 {
            Format::Ob2Hosted
        } else if u < ob2 + credly || ob3 <= 0.0 {
            Format::Credly
        } else {
            Format::Ob3
        }
    }

    fn badge(
        &self,
        cand: &str,
        number: usize,
        skills: Vec<SkillId>,
        fixed: Option<Fixed<'_>>,
        rng: &mut ChaCha8Rng,
    ) -> BadgePlan {
        let fault = self.draw_fault(rng);
        let (format, fault) = match &fixed {
            // A pathway class has one format: a fault that format cannot carry is dropped.
            Some(f) => {
                let ok = match fault {
                    Fault::Revoked => f.format != Format::Ob3,
                    Fault::Pending => f.format == Format::Credly,
                    _ => true,
                };
                (f.format, if ok { fault } else { Fault::None })
            }
            None => (self.draw_format(fault, rng), fault),
        };
        let issuer = fixed.as_ref().map_or_else(|| rng.random_range(0..ISSUERS.len()), |f| f.issuer);
        let (issued, expires) = dates(rng, self.as_of, fault);
        let domain = ISSUERS[issuer].1;
        let lead = &self.slugs[skills[0] as usize];
        let class_key = match (&fixed, format) {
            (Some(f), _) => f.key.to_string(),
            (None, Format::Ob2Hosted) => format!("https://{domain}/badges/{lead}.json"),
            (None, Format::Credly) => format!("tmpl-{lead}"),
            (None, Format::Ob3) => format!("https://{domain}/achievements/{lead}"),
        };
        let credential_id = match format {
            Format::Ob2Hosted => format!("https://{domain}/assertions/{cand}-{number}.json"),
            Format::Credly => {
                let h = sha256_hex(format!("{cand}-{number}").as_bytes());
                format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
            }
            Format::Ob3 => format!("urn:uuid:{}", uuid_like(&format!("{cand}-{number}"))),
        };
        BadgePlan {
            number,
            format,
            fault,
            status: planned_status(format, fault, &generated_policy()),
            issuer,
            skills,
            class_key,
            credential_id,
            issued,
            expires,
            pathway: fixed.map(|f| f.pathway),
        }
    }
}

/// The skills a realistic posting of `occ` lists: `n` (log-normal around
/// [`MEDIAN_ROLE_SKILLS`], 1..=[`MAX_ROLE_SKILLS`], at most what the occupation has) drawn from its
/// essential skills (each pick with probability 0.8 while any is left) and optional ones. Essential
/// picks are required, optional picks preferred (a fifth of them required); at least one is
/// required. Both lists sorted.
fn realistic_skills(occ: &crate::taxonomy::Occupation, rng: &mut ChaCha8Rng) -> (Vec<SkillId>, Vec<SkillId>) {
    // Box–Muller: one standard normal from two uniforms.
    let (u1, u2): (f64, f64) = (rng.random::<f64>().max(f64::MIN_POSITIVE), rng.random());
    let z = (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos();
    let total = occ.essential.len() + occ.optional.len();
    let n =
        ((MEDIAN_ROLE_SKILLS.ln() + ROLE_SKILLS_SIGMA * z).exp().round() as usize).clamp(1, MAX_ROLE_SKILLS).min(total);
    let mut essential = occ.essential.clone();
    let mut optional = occ.optional.clone();
    shuffle(&mut essential, rng);
    shuffle(&mut optional, rng);
    let (mut e, mut o) = (essential.into_iter(), optional.into_iter());
    let (mut required, mut preferred) = (Vec::new(), Vec::new());
    for _ in 0..n {
        let from_essential = e.len() > 0 && (o.len() == 0 || rng.random_bool(0.8));
        if from_essential {
            required.extend(e.next());
        } else if let Some(s) = o.next() {
            if rng.random_bool(0.2) { required.push(s) } else { preferred.push(s) }
        }
    }
    if required.is_empty() && !preferred.is_empty() {
        required.push(preferred.remove(0));
    }
    required.sort_unstable();
    preferred.sort_unstable();
    (required, preferred)
}

/// What a pathway component fixes about its badges.
struct Fixed<'a> {
    format: Format,
    issuer: usize,
    key: &'a str,
    pathway: usize,
}

/// Issue and expiry dates: issued 30 days to 3 years before `as_of`; an expired badge expired
/// 1–364 days before it (and was issued before that); 30% of the others expire 30 days to 3
/// years after it.
fn dates(rng: &mut ChaCha8Rng, as_of: NaiveDate, fault: Fault) -> (NaiveDate, Option<NaiveDate>) {
    let issued = as_of - Duration::days(rng.random_range(30..1095));
    let expires = match fault {
        Fault::Expired => Some(as_of - Duration::days(rng.random_range(1..365))),
        _ if rng.random_bool(0.3) => Some(as_of + Duration::days(rng.random_range(30..1095))),
        _ => None,
    };
    let issued = match expires {
        Some(e) if e <= issued => e - Duration::days(365),
        _ => issued,
    };
    (issued, expires)
}
