//! Stackable credentials: pathway definitions (a set of badge classes that together award a
//! program-level credential and its skills, such as a multi-course professional certificate).
//!
//! A candidate who holds at least `min_completed` of a pathway's badge classes (all of them by
//! default) with counted evidence completes it and gains its program skills, with the weight of
//! the weakest component that completes it (a program is only as trustworthy as its parts).
//! Partial progress is reported so that HR can see who is one course away.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use super::model::EvidenceItem;
use crate::ingest::Credential;
use crate::taxonomy::SkillId;

/// A pathway as written in the config (`[[pathway]]`).
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PathwayConfig {
    /// Program name.
    pub name: String,
    /// Component badge classes: achievement / BadgeClass / Credly template ids, or `issuer|name`.
    pub badges: Vec<String>,
    /// Program-level skills (taxonomy URIs or labels) awarded on completion.
    #[serde(default)]
    pub skills: Vec<String>,
    /// Components needed to complete it (default: all).
    #[serde(default)]
    pub min_completed: Option<usize>,
}

impl PathwayConfig {
    /// Components needed to complete the pathway.
    pub fn needed(&self) -> usize {
        self.min_completed.unwrap_or(self.badges.len()).clamp(1, self.badges.len().max(1))
    }
}

/// The key a credential's badge class is known by: its achievement id, else `issuer|name`.
pub fn badge_key(c: &Credential) -> Option<String> {
    if let Some(id) = &c.achievement_id {
        return Some(id.to_string());
    }
    let name = c.achievement.as_ref()?;
    let issuer = c.issuer_name.clone().or_else(|| c.issuer_id.clone()).unwrap_or_default();
    Some(format!("{issuer}|{name}"))
}

/// One candidate's progress on one pathway.
#[derive(Debug, Clone, PartialEq)]
pub struct PathwayProgress {
    /// Candidate index.
    pub candidate: u32,
    /// Pathway index in the config.
    pub pathway: u32,
    /// Component keys held with counted evidence, in config order.
    pub held: Vec<String>,
    /// Component keys not held, in config order.
    pub missing: Vec<String>,
    /// Completed (at least `needed` components held).
    pub complete: bool,
    /// Weight of the program evidence (0 unless complete).
    pub weight: f64,
}

/// A pathway with its program skills resolved to taxonomy ids.
#[derive(Debug, Clone)]
pub struct Pathway {
    /// The definition.
    pub config: PathwayConfig,
    /// Program skills.
    pub skills: Vec<SkillId>,
}

/// Evaluates every pathway for every candidate.
///
/// `held` gives, per credential index, `(candidate, badge key, weight)` for credentials with
/// counted evidence. Returns the progress rows (candidates with at least one component, sorted
/// by candidate then pathway) and the program evidence to add to the profiles.
pub fn evaluate(pathways: &[Pathway], held: &[(u32, u32, String, f64)]) -> (Vec<PathwayProgress>, Vec<EvidenceItem>) {
    // candidate → key → (best weight, credential)
    let mut by_cand: BTreeMap<u32, HashMap<&str, (f64, u32)>> = BTreeMap::new();
    for (cred, cand, key, w) in held {
        let e = by_cand.entry(*cand).or_default().entry(key.as_str()).or_insert((*w, *cred));
        if *w > e.0 || (*w == e.0 && *cred < e.1) {
            *e = (*w, *cred);
        }
    }
    let mut rows = Vec::new();
    let mut evidence = Vec::new();
    for (&cand, keys) in &by_cand {
        for (pi, p) in pathways.iter().enumerate() {
            let (have, missing): (Vec<&String>, Vec<&String>) =
                p.config.badges.iter().partition(|k| keys.contains_key(k.as_str()));
            if have.is_empty() {
                continue;
            }
            let mut parts: Vec<(f64, u32)> = have.iter().filter_map(|k| keys.get(k.as_str()).copied()).collect();
            parts.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            let needed = p.config.needed();
            let complete = parts.len() >= needed;
            let weight = if complete { parts[..needed].iter().map(|x| x.0).fold(f64::INFINITY, f64::min) } else { 0.0 };
            if complete && weight > 0.0 {
                for &(_, cred) in &parts[..needed] {
                    for &skill in &p.skills {
                        evidence.push(EvidenceItem { candidate: cand, skill, credential: cred, weight });
                    }
                }
            }
            rows.push(PathwayProgress {
                candidate: cand,
                pathway: pi as u32,
                held: have.into_iter().cloned().collect(),
                missing: missing.into_iter().cloned().collect(),
                complete,
                weight,
            });
        }
    }
    (rows, evidence)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pathway(badges: &[&str], min: Option<usize>) -> Pathway {
        Pathway {
            config: PathwayConfig {
                name: "p".into(),
                badges: badges.iter().map(|s| s.to_string()).collect(),
                skills: vec![],
                min_completed: min,
            },
            skills: vec![42],
        }
    }

    #[test]
    fn completing_every_component_awards_program_skills_at_the_weakest_weight() {
        let p = [pathway(&["a", "b"], None)];
        let held = vec![(0, 7, "a".to_string(), 1.0), (1, 7, "b".to_string(), 0.5), (2, 8, "a".to_string(), 1.0)];
        let (rows, ev) = evaluate(&p, &held);
        assert_eq!(rows.len(), 2);
        assert!(rows[0].complete && rows[0].candidate == 7 && rows[0].weight == 0.5);
        assert!(!rows[1].complete && rows[1].missing == vec!["b".to_string()]);
        assert_eq!(ev.len(), 2);
        assert!(ev.iter().all(|e| e.candidate == 7 && e.skill == 42 && e.weight == 0.5));
    }

    #[test]
    fn min_completed_uses_the_strongest_components() {
        let p = [pathway(&["a", "b", "c"], Some(2))];
        let held = vec![(0, 1, "a".to_string(), 0.3), (1, 1, "b".to_string(), 1.0), (2, 1, "c".to_string(), 0.5)];
        let (rows, _) = evaluate(&p, &held);
        assert!(rows[0].complete);
        assert_eq!(rows[0].weight, 0.5);
    }
}
