//! Generated badges: OB 2.0 hosted assertions (hashed recipients), Credly exports, OB 3.0
//! credentials, rendered from the [`BadgePlan`]s of a [`Population`].
//!
//! Layouts (see the module doc of [`super`]): per-candidate folders, or per-candidate CLR
//! bundles plus per-chunk Credly exports. Issuer profiles referenced by id are written once to
//! `badges/_issuers/`.

use std::path::Path;

use chrono::{NaiveDate, NaiveTime};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use serde_json::{Value, json};

use super::population::{BadgePlan, CandidatePlan, Fault, Format, Population};
use super::{GenError, GenOptions, ISSUERS, Layout, io_err, slug, stream, title_case, uuid_like};
use crate::taxonomy::{SkillId, Taxonomy};
use crate::util::sha256_hex;

/// A skill name as a badge would write it: label, alternative label, case change or typo.
fn skill_name(taxonomy: &Taxonomy, skill: SkillId, rng: &mut ChaCha8Rng, noise: bool) -> String {
    let s = taxonomy.skill(skill);
    let base = if !s.alt_labels.is_empty() && rng.random_bool(0.35) {
        s.alt_labels[rng.random_range(0..s.alt_labels.len())].clone()
    } else {
        s.label.clone()
    };
    match rng.random_range(0..10) {
        0 | 1 => title_case(&base),
        2 if noise && base.chars().count() >= 10 => typo(&base, rng),
        3 => base.to_uppercase(),
        _ => base,
    }
}

/// Swaps two adjacent letters inside a word (never the first letter).
fn typo(s: &str, rng: &mut ChaCha8Rng) -> String {
    let mut chars: Vec<char> = s.chars().collect();
    let candidates: Vec<usize> = (1..chars.len().saturating_sub(1))
        .filter(|&i| chars[i].is_alphabetic() && chars[i + 1].is_alphabetic())
        .collect();
    if candidates.is_empty() {
        return s.to_string();
    }
    let i = candidates[rng.random_range(0..candidates.len())];
    chars.swap(i, i + 1);
    chars.into_iter().collect()
}

fn ts(d: NaiveDate) -> String {
    d.and_time(NaiveTime::MIN).and_utc().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn issuer_profile(i: usize) -> Value {
    let (name, domain) = ISSUERS[i];
    json!({
        "@context": "https://w3id.org/openbadges/v2",
        "type": "Issuer",
        "id": format!("https://{domain}/issuer.json"),
        "name": name,
        "url": format!("https://{domain}/"),
        "email": format!("badges@{domain}"),
    })
}

fn pretty(v: &Value) -> Result<Vec<u8>, GenError> {
    let mut b = serde_json::to_vec_pretty(v).map_err(|e| GenError::Invalid(e.to_string()))?;
    b.push(b'\n');
    Ok(b)
}

fn compact(v: &Value) -> Result<Vec<u8>, GenError> {
    serde_json::to_vec(v).map_err(|e| GenError::Invalid(e.to_string()))
}

/// Writes the issuer profiles to `dir/_issuers/`; returns the number of files.
pub(super) fn write_issuers(dir: &Path) -> Result<usize, GenError> {
    let issuers_dir = dir.join("_issuers");
    std::fs::create_dir_all(&issuers_dir).map_err(io_err(&issuers_dir))?;
    for i in 0..ISSUERS.len() {
        let p = issuers_dir.join(format!("issuer-{i:02}.json"));
        std::fs::write(&p, pretty(&issuer_profile(i))?).map_err(io_err(&p))?;
    }
    Ok(ISSUERS.len())
}

/// Renders and writes the badges of candidates.
pub(super) struct Writer<'a> {
    pub taxonomy: &'a Taxonomy,
    pub population: &'a Population,
    pub opts: &'a GenOptions,
    /// The `badges/` folder.
    pub dir: &'a Path,
}

/// What writing one candidate produced.
pub(super) struct Written {
    /// The candidate's plan (roster and truth rows come from it).
    pub plan: CandidatePlan,
    /// Files written.
    pub files: usize,
    /// Path of the candidate's bundle relative to the output folder (bundles layout).
    pub claim: Option<String>,
    /// Credly entries (compact JSON) for the chunk export (bundles layout).
    pub credly: Vec<Vec<u8>>,
}

/// Per-candidate rendering context.
struct Ctx<'a> {
    taxonomy: &'a Taxonomy,
    population: &'a Population,
    cand: &'a CandidatePlan,
    /// Recipient of a misaddressed OB 2.0 / OB 3.0 badge (another candidate's email).
    other_email: String,
    /// Recipient of a misaddressed Credly badge.
    credly_other_email: String,
    noise: bool,
}

impl Ctx<'_> {
    fn name(&self, b: &BadgePlan, rng: &mut ChaCha8Rng) -> String {
        let lead = title_case(&self.taxonomy.skill(b.skills[0]).label);
        if let Some(p) = b.pathway {
            return format!("{}: {lead}", self.population.pathways()[p].name);
        }
        match rng.random_range(0..4) {
            0 => format!("{lead} Practitioner"),
            1 => format!("Certificate in {lead}"),
            2 => format!("{lead} Fundamentals"),
            _ => format!("Professional Skills: {lead}"),
        }
    }

    fn email(&self, b: &BadgePlan) -> &str {
        if b.fault == Fault::Misaddressed {
            if b.format == Format::Credly { &self.credly_other_email } else { &self.other_email }
        } else {
            &self.cand.emails[0]
        }
    }

    fn label(&self, s: SkillId) -> &str {
        &self.taxonomy.skill(s).label
    }

    fn ob2(&self, b: &BadgePlan, rng: &mut ChaCha8Rng) -> Value {
        let domain = ISSUERS[b.issuer].1;
        let alignment: Vec<Value> = b
            .skills
            .iter()
            .map(|&s| {
                let sk = self.taxonomy.skill(s);
                match rng.random_range(0..10) {
                    0..=3 => json!({"targetName": sk.label, "targetUrl": sk.uri, "targetFramework": "ESCO"}),
                    _ => json!({"targetName": skill_name(self.taxonomy, s, rng, self.noise)}),
                }
            })
            .collect();
        let issuer = if rng.random_bool(0.6) {
            issuer_profile(b.issuer)
        } else {
            json!(format!("https://{domain}/issuer.json"))
        };
        let salt = format!("{:016x}", rng.random::<u64>());
        let email = self.email(b);
        let mut a = json!({
            "@context": "https://w3id.org/openbadges/v2",
            "type": "Assertion",
            "id": b.credential_id,
            "recipient": {"type": "email", "hashed": true, "salt": salt, "identity": format!("sha256${}", sha256_hex(format!("{email}{salt}").as_bytes()))},
            "issuedOn": ts(b.issued),
            "verification": {"type": "hosted"},
            "badge": {
                "type": "BadgeClass",
                "id": b.class_key,
                "name": self.name(b, rng),
                "description": format!("Awarded for demonstrated competence in {}.", self.label(b.skills[0])),
                "criteria": {"narrative": "Passed an assessed project reviewed by two assessors."},
                "issuer": issuer,
                "alignment": alignment,
                "tags": b.skills.iter().take(1).map(|&s| skill_name(self.taxonomy, s, rng, self.noise)).collect::<Vec<_>>(),
            },
        });
        if let Some(e) = b.expires {
            a["expires"] = json!(ts(e));
        }
        if b.fault == Fault::Revoked {
            a["revoked"] = json!(true);
            a["revocationReason"] = json!("Issued in error.");
        }
        a
    }

    fn credly(&self, b: &BadgePlan, rng: &mut ChaCha8Rng) -> Value {
        let state = match b.fault {
            Fault::Revoked => "revoked",
            Fault::Pending => "pending",
            _ => "accepted",
        };
        json!({
            "id": b.credential_id,
            "state": state,
            "issued_at": ts(b.issued),
            "expires_at": b.expires.map(ts),
            "recipient_email": self.email(b),
            "issued_to_first_name": "Candidate",
            "issued_to_last_name": self.cand.id,
            "badge_template": {
                "id": b.class_key,
                "name": self.name(b, rng),
                "description": format!("Earners of this badge have shown skills in {}.", self.label(b.skills[0])),
                "skills": b.skills.iter().map(|&s| skill_name(self.taxonomy, s, rng, self.noise)).collect::<Vec<_>>(),
            },
            "issuer": {"entities": [{"entity": {"id": format!("org-{}", b.issuer), "name": ISSUERS[b.issuer].0, "type": "Organization"}}]},
        })
    }

    fn ob3(&self, b: &BadgePlan, rng: &mut ChaCha8Rng) -> Value {
        let (name, domain) = ISSUERS[b.issuer];
        let salt = format!("{:016x}", rng.random::<u64>());
        let email = self.email(b);
        let alignment: Vec<Value> = b
            .skills
            .iter()
            .map(|&s| {
                let sk = self.taxonomy.skill(s);
                if rng.random_bool(0.5) {
                    json!({"type": ["Alignment"], "targetName": sk.label, "targetUrl": sk.uri, "targetType": "ceterms:Skill", "targetFramework": "ESCO"})
                } else {
                    json!({"type": ["Alignment"], "targetName": skill_name(self.taxonomy, s, rng, self.noise), "targetUrl": format!("https://{domain}/skills/{}", slug(&sk.label))})
                }
            })
            .collect();
        let mut c = json!({
            "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
            "id": b.credential_id,
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "issuer": {"id": format!("https://{domain}/issuer.json"), "type": ["Profile"], "name": name},
            "validFrom": ts(b.issued),
            "name": self.name(b, rng),
            "credentialSubject": {
                "type": ["AchievementSubject"],
                "identifier": [{"type": "IdentityObject", "identityHash": format!("sha256${}", sha256_hex(format!("{email}{salt}").as_bytes())), "identityType": "emailAddress", "hashed": true, "salt": salt}],
                "achievement": {
                    "id": b.class_key,
                    "type": ["Achievement"],
                    "name": self.name(b, rng),
                    "description": format!("Demonstrated {}.", self.label(b.skills[0])),
                    "criteria": {"narrative": "Completed the assessed module."},
                    "alignment": alignment,
                },
            },
        });
        if let Some(e) = b.expires {
            c["validUntil"] = json!(ts(e));
        }
        c
    }

    /// A CLR 2.0 wrapper around the candidate's OB 2.0 / OB 3.0 credentials.
    fn clr(&self, credentials: Vec<Value>, as_of: NaiveDate) -> Value {
        json!({
            "@context": [
                "https://www.w3.org/ns/credentials/v2",
                "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json",
                "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
            ],
            "id": format!("urn:uuid:{}", uuid_like(&format!("{}-clr", self.cand.id))),
            "type": ["VerifiableCredential", "ClrCredential"],
            "issuer": {"id": "https://records.skills-passport.example/issuer.json", "type": ["Profile"], "name": "Skills Passport Learner Records"},
            "validFrom": ts(as_of),
            "name": format!("Learner record of {}", self.cand.id),
            "credentialSubject": {"type": ["ClrSubject"], "verifiableCredential": credentials},
        })
    }
}

impl Writer<'_> {
    /// Renders and writes one candidate's badges (Credly entries are returned in the bundles layout).
    pub fn candidate(&self, plan: CandidatePlan) -> Result<Written, GenError> {
        let mut rng = stream(self.opts.seed, 4, plan.index as u64);
        let n = self.population.len_candidates();
        let other = (plan.index + 1 + rng.random_range(0..n.max(2) - 1)) % n;
        let other_email = if other == plan.index {
            "someone.else@mail.example".to_string()
        } else {
            format!("cand{:06}@mail.example", other + 1)
        };
        let credly_other_email = match self.opts.layout {
            // A folder claims the export: another candidate's email is a mismatch.
            Layout::Folders => other_email.clone(),
            // Exports are joined by email: use one that no roster candidate has.
            Layout::Bundles => format!("someone.else+{}@elsewhere.example", plan.id),
        };
        let ctx = Ctx {
            taxonomy: self.taxonomy,
            population: self.population,
            cand: &plan,
            other_email,
            credly_other_email,
            noise: self.opts.noise,
        };
        let (mut files, mut claim, mut credly_entries) = (0, None, Vec::new());
        match self.opts.layout {
            Layout::Folders => {
                let cdir = self.dir.join(&plan.id);
                std::fs::create_dir_all(&cdir).map_err(io_err(&cdir))?;
                let mut credly = Vec::new();
                for b in &plan.badges {
                    let (name, doc) = match b.format {
                        Format::Ob2Hosted => (format!("ob2-{:02}.json", b.number), ctx.ob2(b, &mut rng)),
                        Format::Ob3 => (format!("ob3-{:02}.json", b.number), ctx.ob3(b, &mut rng)),
                        Format::Credly => {
                            credly.push(ctx.credly(b, &mut rng));
                            continue;
                        }
                    };
                    let p = cdir.join(name);
                    std::fs::write(&p, pretty(&doc)?).map_err(io_err(&p))?;
                    files += 1;
                }
                if !credly.is_empty() {
                    let p = cdir.join("credly-export.json");
                    let count = credly.len();
                    std::fs::write(&p, pretty(&json!({"data": credly, "metadata": {"count": count}}))?)
                        .map_err(io_err(&p))?;
                    files += 1;
                }
            }
            Layout::Bundles => {
                let mut nested = Vec::new();
                for b in &plan.badges {
                    match b.format {
                        Format::Ob2Hosted => nested.push(ctx.ob2(b, &mut rng)),
                        Format::Ob3 => nested.push(ctx.ob3(b, &mut rng)),
                        Format::Credly => credly_entries.push(compact(&ctx.credly(b, &mut rng))?),
                    }
                }
                if !nested.is_empty() {
                    let name = format!("{}.json", plan.id);
                    let p = self.dir.join(&name);
                    let mut bytes = compact(&ctx.clr(nested, self.opts.as_of))?;
                    bytes.push(b'\n');
                    std::fs::write(&p, bytes).map_err(io_err(&p))?;
                    files += 1;
                    claim = Some(format!("badges/{name}"));
                }
            }
        }
        Ok(Written { plan, files, claim, credly: credly_entries })
    }

    /// Writes the Credly export of chunk `chunk` (bundles layout); returns the number of files.
    pub fn credly_export(&self, chunk: usize, entries: &[Vec<u8>]) -> Result<usize, GenError> {
        let p = self.dir.join(format!("credly-{:05}.json", chunk + 1));
        let mut bytes = Vec::with_capacity(entries.iter().map(|e| e.len() + 1).sum::<usize>() + 64);
        bytes.extend_from_slice(b"{\"data\":[");
        for (i, e) in entries.iter().enumerate() {
            if i > 0 {
                bytes.extend_from_slice(b",\n");
            }
            bytes.extend_from_slice(e);
        }
        bytes.extend_from_slice(format!("],\"metadata\":{{\"count\":{}}}}}\n", entries.len()).as_bytes());
        std::fs::write(&p, bytes).map_err(io_err(&p))?;
        Ok(1)
    }
}
