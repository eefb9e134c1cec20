//! Next credentials: the smallest set of badge classes (from the catalog seen in the data) that
//! would cover a candidate's missing required skills for a role, by greedy set cover.
//!
//! Greedy set cover is the classic ln(n)-approximation: at each step take the badge class that
//! covers the most still-missing skills (ties: fewer skills in total, i.e. the more focused
//! badge, then catalog order, which is sorted by key), until nothing left can be covered.

use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;

use super::engine::RankedMatch;
use super::model::Role;
use super::routes::PairRoutes;
use crate::ingest::Requirement;
use crate::taxonomy::SkillId;
use crate::verify::VerifiedCredential;

/// A badge class (BadgeClass / Achievement / Credly template) and the skills it asserts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadgeClass {
    /// Stable key: the achievement id, else `issuer|name`.
    pub key: String,
    /// Display name.
    pub name: String,
    /// Issuer name or id.
    pub issuer: String,
    /// Mapped skills, sorted and deduplicated (the union over every credential of the class).
    pub skills: Vec<SkillId>,
    /// How many credentials of this class were seen.
    pub holders: u64,
}

/// All badge classes seen in a run, with a skill → classes index.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    /// Classes sorted by key.
    pub classes: Vec<BadgeClass>,
    by_skill: HashMap<SkillId, Vec<u32>>,
}

/// One step of a cover: take `class`, which covers `covers`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoverStep {
    /// Index into [`Catalog::classes`].
    pub class: u32,
    /// Missing skills this class covers (not covered by an earlier step).
    pub covers: Vec<SkillId>,
    /// Missing skills left uncovered after this step.
    pub missing_after: usize,
}

impl Catalog {
    /// Builds the catalog from every credential that has a name and at least one mapped skill,
    /// whatever its status (a revoked badge still shows that the badge class exists).
    pub fn from_credentials(creds: &[VerifiedCredential], skills: &[Vec<SkillId>]) -> Catalog {
        let mut map: BTreeMap<String, BadgeClass> = BTreeMap::new();
        for (v, sk) in creds.iter().zip(skills) {
            let c = &v.credential;
            let (Some(name), false) = (c.achievement.as_ref(), sk.is_empty()) else { continue };
            let issuer = c.issuer_name.as_deref().or(c.issuer_id.as_deref()).unwrap_or_default().to_string();
            let Some(key) = super::pathways::badge_key(c) else { continue };
            let e = map.entry(key.clone()).or_insert_with(|| BadgeClass {
                key,
                name: name.to_string(),
                issuer,
                skills: Vec::new(),
                holders: 0,
            });
            e.skills.extend_from_slice(sk);
            e.holders += 1;
        }
        let mut classes: Vec<BadgeClass> = map.into_values().collect();
        let mut by_skill: HashMap<SkillId, Vec<u32>> = HashMap::new();
        for (i, c) in classes.iter_mut().enumerate() {
            c.skills.sort_unstable();
            c.skills.dedup();
            for &s in &c.skills {
                by_skill.entry(s).or_default().push(i as u32);
            }
        }
        Catalog { classes, by_skill }
    }

    /// The name people know a badge class key by: the class's name when a credential of that
    /// class was seen, else the name part of an `issuer|name` key, else the key itself.
    pub fn display_name(&self, key: &str) -> String {
        if let Ok(i) = self.classes.binary_search_by(|c| c.key.as_str().cmp(key)) {
            return self.classes[i].name.clone();
        }
        match key.split_once('|') {
            Some((_, name)) if !name.is_empty() => name.to_string(),
            _ => key.to_string(),
        }
    }

    /// Next credentials for every pair of a candidate-side ranked list (`pairs`, with their
    /// `routes` and the `roles` they index): the greedy cover of the missing required skills for each candidate's
    /// `best_roles` best roles, nothing for the others.
    pub fn next_credentials(
        &self,
        pairs: &[RankedMatch],
        routes: &[PairRoutes],
        roles: &[Role],
        best_roles: usize,
    ) -> Vec<Vec<CoverStep>> {
        pairs
            .par_iter()
            .zip(routes.par_iter())
            .map(|(m, r)| {
                if (m.rank as usize) > best_roles {
                    return Vec::new();
                }
                let Some(role) = roles.get(m.role as usize) else { return Vec::new() };
                let missing: Vec<SkillId> = r.missing(role, Requirement::Required).collect();
                self.cover(&missing)
            })
            .collect()
    }

    /// Greedy set cover of `missing` (any order; duplicates ignored).
    ///
    /// One pass over the missing skills' class lists counts how many of them every class
    /// covers, and files each class under its count; each step takes the best class of the
    /// highest non-empty count and subtracts what it covered from the counts of the classes
    /// sharing those skills (filing them again lower), so the whole cover costs a small multiple
    /// of the total length of those lists, whatever the number of steps. Counts live in a
    /// per-thread array indexed by class (reset after use), not a hash map.
    pub fn cover(&self, missing: &[SkillId]) -> Vec<CoverStep> {
        let mut remaining: Vec<SkillId> = missing.to_vec();
        remaining.sort_unstable();
        remaining.dedup();
        if remaining.is_empty() {
            return Vec::new();
        }
        COVER_COUNTS.with_borrow_mut(|scratch| {
            let CoverScratch { counts, touched, levels } = scratch;
            if counts.len() < self.classes.len() {
                counts.resize(self.classes.len(), 0);
            }
            let classes_of = |s: &SkillId| self.by_skill.get(s).map(Vec::as_slice).unwrap_or(&[]);
            for s in &remaining {
                for &ci in classes_of(s) {
                    if counts[ci as usize] == 0 {
                        touched.push(ci);
                    }
                    counts[ci as usize] += 1;
                }
            }
            // Classes by how many missing skills they cover. A class is filed again each time
            // its count drops, so a level may hold stale entries: those are dropped when the
            // level is read.
            let mut level = remaining.len();
            if levels.len() <= level {
                levels.resize_with(level + 1, Vec::new);
            }
            for &ci in touched.iter() {
                levels[counts[ci as usize] as usize].push(ci);
            }
            let mut steps = Vec::new();
            while !remaining.is_empty() {
                // Most covered, then fewest skills in total (the more focused badge), then
                // catalog order: a total order, so the order within a level does not matter.
                let mut best = None;
                while level > 0 {
                    let at = &mut levels[level];
                    at.retain(|&ci| counts[ci as usize] as usize == level);
                    best = at
                        .iter()
                        .map(|&ci| (std::cmp::Reverse(self.classes[ci as usize].skills.len()), std::cmp::Reverse(ci)))
                        .max();
                    if best.is_some() {
                        break;
                    }
                    level -= 1;
                }
                let Some((_, std::cmp::Reverse(ci))) = best else { break };
                let class = &self.classes[ci as usize];
                let (covers, rest): (Vec<SkillId>, Vec<SkillId>) =
                    remaining.iter().partition(|r| class.skills.binary_search(r).is_ok());
                for s in &covers {
                    for &other in classes_of(s) {
                        let n = &mut counts[other as usize];
                        *n -= 1;
                        if *n > 0 {
                            levels[*n as usize].push(other);
                        }
                    }
                }
                steps.push(CoverStep { class: ci, covers, missing_after: rest.len() });
                remaining = rest;
            }
            for &ci in touched.iter() {
                counts[ci as usize] = 0;
            }
            touched.clear();
            levels.iter_mut().for_each(Vec::clear);
            steps
        })
    }
}

/// Per-thread counts of [`Catalog::cover`]: zero everywhere between calls.
#[derive(Default)]
struct CoverScratch {
    /// Missing skills each class covers, indexed by class.
    counts: Vec<u32>,
    /// Classes whose count was raised in this call (to reset them).
    touched: Vec<u32>,
    /// Classes filed by count (index: how many missing skills they cover).
    levels: Vec<Vec<u32>>,
}

thread_local! {
    static COVER_COUNTS: std::cell::RefCell<CoverScratch> = std::cell::RefCell::new(CoverScratch::default());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog(classes: &[(&str, &[SkillId])]) -> Catalog {
        let mut by_skill: HashMap<SkillId, Vec<u32>> = HashMap::new();
        let classes: Vec<BadgeClass> = classes
            .iter()
            .enumerate()
            .map(|(i, (k, s))| {
                for &x in *s {
                    by_skill.entry(x).or_default().push(i as u32);
                }
                BadgeClass {
                    key: k.to_string(),
                    name: k.to_string(),
                    issuer: String::new(),
                    skills: s.to_vec(),
                    holders: 1,
                }
            })
            .collect();
        Catalog { classes, by_skill }
    }

    #[test]
    fn greedy_cover_takes_the_widest_badge_first_and_stops_when_nothing_covers() {
        let c = catalog(&[("a", &[1, 2]), ("b", &[2, 3, 4]), ("c", &[4]), ("d", &[5])]);
        let steps = c.cover(&[1, 2, 3, 4, 9]);
        assert_eq!(
            steps,
            vec![
                CoverStep { class: 1, covers: vec![2, 3, 4], missing_after: 2 },
                CoverStep { class: 0, covers: vec![1], missing_after: 1 }
            ]
        );
    }

    #[test]
    fn ties_prefer_the_more_focused_badge() {
        let c = catalog(&[("broad", &[1, 7, 8, 9]), ("focused", &[1])]);
        assert_eq!(c.cover(&[1]), vec![CoverStep { class: 1, covers: vec![1], missing_after: 0 }]);
    }

    #[test]
    fn a_key_displays_as_the_seen_class_name_else_its_name_part_else_itself() {
        let mut c = catalog(&[("acme|Data Basics", &[1])]);
        c.classes[0].name = "Data Basics (seen)".into();
        assert_eq!(c.display_name("acme|Data Basics"), "Data Basics (seen)");
        assert_eq!(c.display_name("other|SQL Pro"), "SQL Pro");
        assert_eq!(c.display_name("https://example.org/badge/7"), "https://example.org/badge/7");
        assert_eq!(c.display_name("issuer|"), "issuer|");
    }

    /// The cover as first written: recount every class from the remaining skills at each step.
    fn cover_by_recounting(c: &Catalog, missing: &[SkillId]) -> Vec<CoverStep> {
        let mut remaining: Vec<SkillId> = missing.to_vec();
        remaining.sort_unstable();
        remaining.dedup();
        let mut steps = Vec::new();
        while !remaining.is_empty() {
            let mut counts: HashMap<u32, usize> = HashMap::new();
            for s in &remaining {
                for &ci in c.by_skill.get(s).map(Vec::as_slice).unwrap_or(&[]) {
                    *counts.entry(ci).or_default() += 1;
                }
            }
            let best = counts
                .iter()
                .map(|(&ci, &n)| (n, std::cmp::Reverse(c.classes[ci as usize].skills.len()), std::cmp::Reverse(ci)))
                .max();
            let Some((_, _, std::cmp::Reverse(ci))) = best else { break };
            let (covers, rest): (Vec<SkillId>, Vec<SkillId>) =
                remaining.iter().partition(|r| c.classes[ci as usize].skills.binary_search(r).is_ok());
            steps.push(CoverStep { class: ci, covers, missing_after: rest.len() });
            remaining = rest;
        }
        steps
    }

    #[test]
    fn incremental_cover_equals_recounting_on_random_catalogs_of_any_size() {
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = move |n: u64| {
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) % n
        };
        // Catalogs of different sizes, one after the other on this thread: the scratch counts
        // must come back to zero between calls.
        for &(n_classes, n_skills) in &[(40_u64, 30_u64), (5, 8), (300, 60), (1, 3)] {
            let owned: Vec<(String, Vec<SkillId>)> = (0..n_classes)
                .map(|i| {
                    let mut sk: Vec<SkillId> = (0..1 + next(6)).map(|_| next(n_skills) as SkillId).collect();
                    sk.sort_unstable();
                    sk.dedup();
                    (format!("c{i:04}"), sk)
                })
                .collect();
            let refs: Vec<(&str, &[SkillId])> = owned.iter().map(|(k, s)| (k.as_str(), s.as_slice())).collect();
            let c = catalog(&refs);
            for _ in 0..200 {
                let missing: Vec<SkillId> = (0..next(12)).map(|_| next(n_skills + 5) as SkillId).collect();
                assert_eq!(c.cover(&missing), cover_by_recounting(&c, &missing), "missing {missing:?}");
            }
        }
    }

    #[test]
    fn nothing_missing_needs_nothing() {
        let c = catalog(&[("a", &[1])]);
        assert!(c.cover(&[]).is_empty());
    }
}
