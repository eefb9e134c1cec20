//! Generated badges: OB 2.0 hosted assertions (hashed recipients), Credly exports, OB 3.0 credentials.
//!
//! Every file a candidate holds goes to `badges/<candidate_id>/`, so the folder claims it.
//! Issuer profiles referenced by id are written once to `badges/_issuers/`.

use std::path::Path;

use chrono::{Duration, NaiveDate, NaiveTime};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde_json::{Value, json};

use super::{CandidatePlan, GenError, GenOptions, ISSUERS, shuffle, stream};
use crate::taxonomy::{SkillId, Taxonomy};
use crate::util::sha256_hex;

/// What goes wrong with a badge (noise).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Fault {
    None,
    Expired,
    Revoked,
    Pending,
    WrongRecipient,
}

fn pick_fault(rng: &mut ChaCha8Rng, noise: bool) -> Fault {
    if !noise {
        return Fault::None;
    }
    match rng.random_range(0..100) {
        0..=4 => Fault::Expired,
        5..=7 => Fault::Revoked,
        8..=9 => Fault::WrongRecipient,
        10 => Fault::Pending,
        _ => Fault::None,
    }
}

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

fn title_case(s: &str) -> String {
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

struct Dates {
    issued: NaiveDate,
    expires: Option<NaiveDate>,
}

fn dates(rng: &mut ChaCha8Rng, as_of: NaiveDate, fault: Fault) -> Dates {
    let issued = as_of - Duration::days(rng.random_range(30..1095));
    let expires = match fault {
        Fault::Expired => Some(as_of - Duration::days(rng.random_range(1..365))),
        _ if rng.random_bool(0.3) => Some(as_of + Duration::days(rng.random_range(30..1095))),
        _ => None,
    };
    // An expired badge must still have been issued before it expired.
    let issued = match expires {
        Some(e) if e <= issued => e - Duration::days(365),
        _ => issued,
    };
    Dates { issued, expires }
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

fn achievement_name(taxonomy: &Taxonomy, skills: &[SkillId], rng: &mut ChaCha8Rng) -> String {
    let lead = title_case(&taxonomy.skill(skills[0]).label);
    match rng.random_range(0..4) {
        0 => format!("{lead} Practitioner"),
        1 => format!("Certificate in {lead}"),
        2 => format!("{lead} Fundamentals"),
        _ => format!("Professional Skills: {lead}"),
    }
}

struct BadgeCtx<'a> {
    taxonomy: &'a Taxonomy,
    cand: &'a CandidatePlan,
    other_email: String,
    opts: &'a GenOptions,
}

fn ob2_assertion(ctx: &BadgeCtx<'_>, skills: &[SkillId], n: usize, rng: &mut ChaCha8Rng) -> Value {
    let fault = pick_fault(rng, ctx.opts.noise);
    let d = dates(rng, ctx.opts.as_of, fault);
    let issuer_i = rng.random_range(0..ISSUERS.len());
    let (_, domain) = ISSUERS[issuer_i];
    let class_id = format!("https://{domain}/badges/{}.json", slug(&ctx.taxonomy.skill(skills[0]).label));
    let alignment: Vec<Value> = skills
        .iter()
        .map(|&s| {
            let sk = ctx.taxonomy.skill(s);
            match rng.random_range(0..10) {
                0..=3 => json!({"targetName": sk.label, "targetUrl": sk.uri, "targetFramework": "ESCO"}),
                _ => json!({"targetName": skill_name(ctx.taxonomy, s, rng, ctx.opts.noise)}),
            }
        })
        .collect();
    let issuer =
        if rng.random_bool(0.6) { issuer_profile(issuer_i) } else { json!(format!("https://{domain}/issuer.json")) };
    let salt = format!("{:016x}", rng.random::<u64>());
    let email = if fault == Fault::WrongRecipient { &ctx.other_email } else { &ctx.cand.emails[0] };
    let mut a = json!({
        "@context": "https://w3id.org/openbadges/v2",
        "type": "Assertion",
        "id": format!("https://{domain}/assertions/{}-{n}.json", ctx.cand.id),
        "recipient": {"type": "email", "hashed": true, "salt": salt, "identity": format!("sha256${}", sha256_hex(format!("{email}{salt}").as_bytes()))},
        "issuedOn": ts(d.issued),
        "verification": {"type": "hosted"},
        "badge": {
            "type": "BadgeClass",
            "id": class_id,
            "name": achievement_name(ctx.taxonomy, skills, rng),
            "description": format!("Awarded for demonstrated competence in {}.", ctx.taxonomy.skill(skills[0]).label),
            "criteria": {"narrative": "Passed an assessed project reviewed by two assessors."},
            "issuer": issuer,
            "alignment": alignment,
            "tags": skills.iter().take(1).map(|&s| skill_name(ctx.taxonomy, s, rng, ctx.opts.noise)).collect::<Vec<_>>(),
        },
    });
    if let Some(e) = d.expires {
        a["expires"] = json!(ts(e));
    }
    if fault == Fault::Revoked {
        a["revoked"] = json!(true);
        a["revocationReason"] = json!("Issued in error.");
    }
    a
}

fn credly_entry(ctx: &BadgeCtx<'_>, skills: &[SkillId], n: usize, rng: &mut ChaCha8Rng) -> Value {
    let fault = pick_fault(rng, ctx.opts.noise);
    let d = dates(rng, ctx.opts.as_of, fault);
    let issuer_i = rng.random_range(0..ISSUERS.len());
    let state = match fault {
        Fault::Revoked => "revoked",
        Fault::Pending => "pending",
        _ => "accepted",
    };
    let email = if fault == Fault::WrongRecipient { &ctx.other_email } else { &ctx.cand.emails[0] };
    let h = sha256_hex(format!("{}-{n}", ctx.cand.id).as_bytes());
    json!({
        "id": format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32]),
        "state": state,
        "issued_at": ts(d.issued),
        "expires_at": d.expires.map(ts),
        "recipient_email": email,
        "issued_to_first_name": "Candidate",
        "issued_to_last_name": ctx.cand.id,
        "badge_template": {
            "id": format!("tmpl-{}", slug(&ctx.taxonomy.skill(skills[0]).label)),
            "name": achievement_name(ctx.taxonomy, skills, rng),
            "description": format!("Earners of this badge have shown skills in {}.", ctx.taxonomy.skill(skills[0]).label),
            "skills": skills.iter().map(|&s| skill_name(ctx.taxonomy, s, rng, ctx.opts.noise)).collect::<Vec<_>>(),
        },
        "issuer": {"entities": [{"entity": {"id": format!("org-{issuer_i}"), "name": ISSUERS[issuer_i].0, "type": "Organization"}}]},
    })
}

fn ob3_credential(ctx: &BadgeCtx<'_>, skills: &[SkillId], n: usize, rng: &mut ChaCha8Rng) -> Value {
    let fault = pick_fault(rng, ctx.opts.noise);
    let d = dates(rng, ctx.opts.as_of, fault);
    let issuer_i = rng.random_range(0..ISSUERS.len());
    let (name, domain) = ISSUERS[issuer_i];
    let salt = format!("{:016x}", rng.random::<u64>());
    let email = if fault == Fault::WrongRecipient { &ctx.other_email } else { &ctx.cand.emails[0] };
    let alignment: Vec<Value> = skills
        .iter()
        .map(|&s| {
            let sk = ctx.taxonomy.skill(s);
            if rng.random_bool(0.5) {
                json!({"type": ["Alignment"], "targetName": sk.label, "targetUrl": sk.uri, "targetType": "ceterms:Skill", "targetFramework": "ESCO"})
            } else {
                json!({"type": ["Alignment"], "targetName": skill_name(ctx.taxonomy, s, rng, ctx.opts.noise), "targetUrl": format!("https://{domain}/skills/{}", slug(&sk.label))})
            }
        })
        .collect();
    let mut c = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": format!("urn:uuid:{}", uuid_like(&format!("{}-{n}", ctx.cand.id))),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": format!("https://{domain}/issuer.json"), "type": ["Profile"], "name": name},
        "validFrom": ts(d.issued),
        "name": achievement_name(ctx.taxonomy, skills, rng),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [{"type": "IdentityObject", "identityHash": format!("sha256${}", sha256_hex(format!("{email}{salt}").as_bytes())), "identityType": "emailAddress", "hashed": true, "salt": salt}],
            "achievement": {
                "id": format!("https://{domain}/achievements/{}", slug(&ctx.taxonomy.skill(skills[0]).label)),
                "type": ["Achievement"],
                "name": achievement_name(ctx.taxonomy, skills, rng),
                "description": format!("Demonstrated {}.", ctx.taxonomy.skill(skills[0]).label),
                "criteria": {"narrative": "Completed the assessed module."},
                "alignment": alignment,
            },
        },
    });
    if let Some(e) = d.expires {
        c["validUntil"] = json!(ts(e));
    }
    c
}

fn slug(s: &str) -> String {
    let mut out: String =
        s.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
    while out.contains("--") {
        out = out.replace("--", "-");
    }
    out.trim_matches('-').chars().take(60).collect()
}

fn uuid_like(seed: &str) -> String {
    let h = sha256_hex(seed.as_bytes());
    format!("{}-{}-4{}-a{}-{}", &h[0..8], &h[8..12], &h[13..16], &h[17..20], &h[20..32])
}

fn pretty(v: &Value) -> Result<Vec<u8>, GenError> {
    let mut b = serde_json::to_vec_pretty(v).map_err(|e| GenError::Invalid(e.to_string()))?;
    b.push(b'\n');
    Ok(b)
}

/// Writes every candidate's badges; returns (files, credentials).
pub(super) fn write(
    dir: &Path,
    taxonomy: &Taxonomy,
    candidates: &[CandidatePlan],
    opts: &GenOptions,
) -> Result<(usize, usize), GenError> {
    let io = |p: &Path| {
        let path = p.display().to_string();
        move |source| GenError::Io { path: path.clone(), source }
    };
    let issuers_dir = dir.join("_issuers");
    std::fs::create_dir_all(&issuers_dir).map_err(io(&issuers_dir))?;
    for i in 0..ISSUERS.len() {
        let p = issuers_dir.join(format!("issuer-{i:02}.json"));
        std::fs::write(&p, pretty(&issuer_profile(i))?).map_err(io(&p))?;
    }
    let counts: Vec<Result<(usize, usize), GenError>> = candidates
        .par_iter()
        .enumerate()
        .map(|(ci, cand)| {
            let mut rng = stream(opts.seed, 4, ci as u64);
            let other = &candidates[(ci + 1 + rng.random_range(0..candidates.len().max(2) - 1)) % candidates.len()];
            let ctx = BadgeCtx {
                taxonomy,
                cand,
                other_email: if other.id == cand.id {
                    "someone.else@mail.example".into()
                } else {
                    other.emails[0].clone()
                },
                opts,
            };
            let cdir = dir.join(&cand.id);
            std::fs::create_dir_all(&cdir).map_err(io(&cdir))?;
            let mut skills = cand.skills.clone();
            shuffle(&mut skills, &mut rng);
            let mut files = 0;
            let mut creds = 0;
            let mut credly = Vec::new();
            let mut n = 0;
            for chunk in chunks(&skills, &mut rng) {
                n += 1;
                match rng.random_range(0..10) {
                    0..=4 => {
                        let p = cdir.join(format!("ob2-{n:02}.json"));
                        std::fs::write(&p, pretty(&ob2_assertion(&ctx, chunk, n, &mut rng))?).map_err(io(&p))?;
                        files += 1;
                    }
                    5..=7 => credly.push(credly_entry(&ctx, chunk, n, &mut rng)),
                    _ => {
                        let p = cdir.join(format!("ob3-{n:02}.json"));
                        std::fs::write(&p, pretty(&ob3_credential(&ctx, chunk, n, &mut rng))?).map_err(io(&p))?;
                        files += 1;
                    }
                }
                creds += 1;
            }
            if !credly.is_empty() {
                let p = cdir.join("credly-export.json");
                std::fs::write(&p, pretty(&json!({"data": credly, "metadata": {"count": credly.len()}}))?)
                    .map_err(io(&p))?;
                files += 1;
            }
            Ok((files, creds))
        })
        .collect();
    let mut totals = (ISSUERS.len(), 0);
    for c in counts {
        let (f, n) = c?;
        totals.0 += f;
        totals.1 += n;
    }
    Ok(totals)
}

/// Splits skills into badges of 1–4 skills.
fn chunks<'a>(skills: &'a [SkillId], rng: &mut ChaCha8Rng) -> Vec<&'a [SkillId]> {
    let mut out = Vec::new();
    let mut rest = skills;
    while !rest.is_empty() {
        let k = rng.random_range(1..=4).min(rest.len());
        let (a, b) = rest.split_at(k);
        out.push(a);
        rest = b;
    }
    out
}
