//! One role, many sources: the same opening exported by two systems (a careers page and the ATS
//! behind it, or two ATS exports) is merged into the posting read first.
//!
//! Two postings from different files are one opening when they share an id, or when they name
//! the same employer, title and location after folding (case, punctuation and spacing
//! ignored; the employer must be stated). The first read (in input and file order) is kept; the
//! other's source is added to its [`Posting::also_from`], its explicit skills are added (a skill
//! required by either stays required), and fields the kept one lacks (employer, location, dates,
//! URL, description) are taken from it. Each merge is listed as a [`DuplicatePosting`]
//! (`duplicate_postings.csv`). Two postings sharing an id inside one file are not two sources:
//! the second is rejected where it is read.

use std::collections::HashMap;

use super::super::types::{DuplicatePosting, Posting, PostingSource};
use super::build::add_skill;
use crate::taxonomy::fold;

/// Rule name: the same posting id.
pub const SAME_ID: &str = "same id";
/// Rule name: the same employer, title and location.
pub const SAME_OPENING: &str = "same employer, title and location";

/// The employer–title–location key of a posting, when it has an employer.
fn opening_key(p: &Posting) -> Option<(String, String, String)> {
    let employer = fold(p.employer.as_deref()?);
    let title = fold(&p.title);
    if employer.is_empty() || title.is_empty() {
        return None;
    }
    Some((employer, title, fold(p.location.as_deref().unwrap_or_default())))
}

/// Merges copies of one opening (postings in reading order); returns the postings kept, in
/// reading order, and the merges.
pub(crate) fn merge(postings: Vec<Posting>) -> (Vec<Posting>, Vec<DuplicatePosting>) {
    let mut kept: Vec<Posting> = Vec::with_capacity(postings.len());
    let mut by_id: HashMap<String, usize> = HashMap::new();
    let mut by_opening: HashMap<(String, String, String), usize> = HashMap::new();
    let mut merges = Vec::new();
    for p in postings {
        let key = opening_key(&p);
        let hit = match by_id.get(&p.id) {
            Some(&i) => Some((i, SAME_ID)),
            None => key.as_ref().and_then(|k| by_opening.get(k)).map(|&i| (i, SAME_OPENING)),
        };
        let Some((i, rule)) = hit.filter(|(i, _)| kept[*i].source.path != p.source.path) else {
            let i = kept.len();
            by_id.entry(p.id.clone()).or_insert(i);
            if let Some(k) = key {
                by_opening.entry(k).or_insert(i);
            }
            kept.push(p);
            continue;
        };
        let target = &mut kept[i];
        merges.push(DuplicatePosting {
            role_id: target.id.clone(),
            kept_path: target.source.path.clone(),
            kept_position: target.source.position.clone(),
            kept_reader: target.reader,
            merged_id: p.id.clone(),
            merged_path: p.source.path.clone(),
            merged_position: p.source.position.clone(),
            merged_reader: p.reader,
            rule,
        });
        absorb(target, p, rule);
    }
    (kept, merges)
}

fn absorb(target: &mut Posting, p: Posting, rule: &'static str) {
    for (skill, req) in p.skills {
        add_skill(&mut target.skills, skill, req);
    }
    let fill = |slot: &mut Option<String>, v: Option<String>| {
        if slot.is_none() {
            *slot = v;
        }
    };
    fill(&mut target.employer, p.employer);
    fill(&mut target.location, p.location);
    fill(&mut target.date_posted, p.date_posted);
    fill(&mut target.valid_through, p.valid_through);
    fill(&mut target.url, p.url);
    if target.description.trim().is_empty() {
        target.description = p.description;
    }
    target.also_from.push(PostingSource { source: p.source, reader: p.reader, id: p.id, rule });
    target.also_from.extend(p.also_from);
}
