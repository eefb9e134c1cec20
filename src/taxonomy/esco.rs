//! Reading the ESCO CSV files (`X.csv` or `X.csv.gz`) into skills, groups and occupations.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use flate2::read::MultiGzDecoder;
use sha2::{Digest, Sha256};

use super::{Occupation, Skill, SkillGroup, SkillId, TaxonomyError};

/// The ESCO entities read from one folder, sorted by URI, with the files read.
#[derive(Debug)]
pub(crate) struct EscoData {
    pub(crate) skills: Vec<Skill>,
    pub(crate) groups: Vec<SkillGroup>,
    pub(crate) occupations: Vec<Occupation>,
    pub(crate) files: Vec<(String, String)>,
    pub(crate) skill_by_uri: HashMap<String, SkillId>,
}

/// Loads skills, groups, the skill hierarchy, occupations and occupation–skill relations.
pub(crate) fn load(dir: &Path) -> Result<EscoData, TaxonomyError> {
    let mut files = Vec::new();

    let table = Table::open(dir, "skills_en", &mut files)?;
    let mut skills = read_skills(&table)?;
    let skill_by_uri = index_by_uri(&skills, |s| &s.uri, &table)?;

    let table = Table::open(dir, "skillGroups_en", &mut files)?;
    let groups = read_groups(&table)?;
    let group_by_uri = index_by_uri(&groups, |g| &g.uri, &table)?;

    let table = Table::open(dir, "broaderRelationsSkillPillar_en", &mut files)?;
    let edges = read_broader(&table, &skill_by_uri, &group_by_uri)?;
    assign_nearest_groups(&mut skills, &edges);
    assign_hierarchy(&mut skills, &edges);

    let table = Table::open(dir, "skillSkillRelations_en", &mut files)?;
    read_skill_relations(&table, &skill_by_uri, &mut skills)?;

    let table = Table::open(dir, "occupations_en", &mut files)?;
    let mut occupations = read_occupations(&table)?;
    let occ_by_uri = index_by_uri(&occupations, |o| &o.uri, &table)?;

    let table = Table::open(dir, "occupationSkillRelations_en", &mut files)?;
    read_relations(&table, &occ_by_uri, &skill_by_uri, &mut occupations)?;

    Ok(EscoData { skills, groups, occupations, files, skill_by_uri })
}

/// One CSV file read fully into memory (decompressed when it is a `.csv.gz`).
struct Table {
    path: String,
    data: Vec<u8>,
}

impl Table {
    /// Opens `dir/stem.csv`, or `dir/stem.csv.gz` when the former does not exist, and records
    /// the file and the sha256 of its bytes as stored in `files`.
    fn open(dir: &Path, stem: &str, files: &mut Vec<(String, String)>) -> Result<Table, TaxonomyError> {
        let plain = dir.join(format!("{stem}.csv"));
        let gz = dir.join(format!("{stem}.csv.gz"));
        let (path, compressed) = if plain.is_file() || !gz.is_file() { (plain, false) } else { (gz, true) };
        let shown = path.display().to_string();
        let raw = std::fs::read(&path).map_err(|source| io_error(&path, source))?;
        files.push((shown.clone(), hex::encode(Sha256::digest(&raw))));
        let data = if compressed { gunzip(&path, &raw)? } else { raw };
        Ok(Table { path: shown, data })
    }

    /// A CSV reader over the table with its header row checked for `columns`; returns the
    /// reader and the index of each requested column, in order.
    fn reader<const N: usize>(&self, columns: [&str; N]) -> Result<(csv::Reader<&[u8]>, [usize; N]), TaxonomyError> {
        let mut reader = csv::ReaderBuilder::new().has_headers(true).flexible(false).from_reader(self.data.as_slice());
        let headers = reader.headers().map_err(|e| self.csv_error(&e))?.clone();
        let mut idx = [0usize; N];
        for (slot, name) in idx.iter_mut().zip(columns) {
            *slot = headers
                .iter()
                .position(|h| h.trim_start_matches('\u{feff}') == name)
                .ok_or_else(|| self.parse_error("header", format!("missing column `{name}`")))?;
        }
        Ok((reader, idx))
    }

    /// Calls `row` with each record's line number and the requested fields.
    fn for_each<const N: usize>(
        &self,
        columns: [&str; N],
        mut row: impl FnMut(u64, [&str; N]) -> Result<(), TaxonomyError>,
    ) -> Result<(), TaxonomyError> {
        let (mut reader, idx) = self.reader(columns)?;
        let mut record = csv::StringRecord::new();
        loop {
            match reader.read_record(&mut record) {
                Ok(false) => return Ok(()),
                Ok(true) => {}
                Err(e) => return Err(self.csv_error(&e)),
            }
            let line = record.position().map_or(0, csv::Position::line);
            let fields = idx.map(|i| record.get(i).unwrap_or(""));
            row(line, fields)?;
        }
    }

    fn parse_error(&self, position: impl Into<String>, reason: impl Into<String>) -> TaxonomyError {
        TaxonomyError::Parse { path: self.path.clone(), position: position.into(), reason: reason.into() }
    }

    fn line_error(&self, line: u64, reason: impl Into<String>) -> TaxonomyError {
        self.parse_error(format!("line {line}"), reason)
    }

    fn csv_error(&self, e: &csv::Error) -> TaxonomyError {
        let position = match e.position() {
            Some(p) => format!("line {}, record {}", p.line(), p.record()),
            None => "unknown position".to_string(),
        };
        self.parse_error(position, e.to_string())
    }
}

fn io_error(path: &Path, source: std::io::Error) -> TaxonomyError {
    TaxonomyError::Io { path: path.display().to_string(), source }
}

fn gunzip(path: &Path, raw: &[u8]) -> Result<Vec<u8>, TaxonomyError> {
    let mut out = Vec::with_capacity(raw.len() * 8);
    MultiGzDecoder::new(raw).read_to_end(&mut out).map_err(|source| io_error(path, source))?;
    Ok(out)
}

/// Splits a newline-separated label list, trimming and dropping empty and repeated labels.
fn split_labels(field: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for label in field.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if !out.iter().any(|o| o == label) {
            out.push(label.to_string());
        }
    }
    out
}

/// Maps each URI to its index; `items` must already be sorted by URI. Duplicates are errors.
fn index_by_uri<T>(
    items: &[T],
    uri: impl Fn(&T) -> &String,
    table: &Table,
) -> Result<HashMap<String, SkillId>, TaxonomyError> {
    let mut map = HashMap::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let id = SkillId::try_from(i).map_err(|_| table.parse_error("end of file", "more than 2^32 rows"))?;
        if map.insert(uri(item).clone(), id).is_some() {
            return Err(table.parse_error("column conceptUri", format!("duplicate conceptUri {}", uri(item))));
        }
    }
    Ok(map)
}

fn require_uri(table: &Table, line: u64, uri: &str) -> Result<(), TaxonomyError> {
    if uri.trim().is_empty() { Err(table.line_error(line, "empty conceptUri")) } else { Ok(()) }
}

fn read_skills(table: &Table) -> Result<Vec<Skill>, TaxonomyError> {
    let cols = ["conceptUri", "skillType", "preferredLabel", "altLabels"];
    let mut skills = Vec::new();
    table.for_each(cols, |line, [uri, kind, label, alts]| {
        require_uri(table, line, uri)?;
        skills.push(Skill {
            uri: uri.trim().to_string(),
            label: label.trim().to_string(),
            alt_labels: split_labels(alts),
            kind: kind.trim().to_string(),
            groups: Vec::new(),
            broader: Vec::new(),
            narrower: Vec::new(),
            related: Vec::new(),
        });
        Ok(())
    })?;
    skills.sort_by(|a, b| a.uri.cmp(&b.uri));
    Ok(skills)
}

fn read_groups(table: &Table) -> Result<Vec<SkillGroup>, TaxonomyError> {
    let mut groups = Vec::new();
    // `code` (e.g. `S1.8.0`) is optional: older exports do not have it.
    let has_code = table.reader(["code"]).is_ok();
    let mut push = |line: u64, uri: &str, label: &str, code: &str| {
        require_uri(table, line, uri)?;
        let (uri, label, code) = (uri.trim().to_string(), label.trim().to_string(), code.trim().to_string());
        groups.push(SkillGroup { uri, label, code });
        Ok(())
    };
    if has_code {
        table.for_each(["conceptUri", "preferredLabel", "code"], |line, [uri, label, code]| {
            push(line, uri, label, code)
        })?;
    } else {
        table.for_each(["conceptUri", "preferredLabel"], |line, [uri, label]| push(line, uri, label, ""))?;
    }
    groups.sort_by(|a, b| a.uri.cmp(&b.uri));
    Ok(groups)
}

/// Broader edges starting at skills: per skill, its broader skills and its broader groups.
#[derive(Debug, Default)]
struct SkillEdges {
    parents: Vec<Vec<SkillId>>,
    groups: Vec<Vec<u32>>,
}

fn read_broader(
    table: &Table,
    skills: &HashMap<String, SkillId>,
    groups: &HashMap<String, u32>,
) -> Result<SkillEdges, TaxonomyError> {
    let mut edges = SkillEdges { parents: vec![Vec::new(); skills.len()], groups: vec![Vec::new(); skills.len()] };
    table.for_each(["conceptUri", "broaderUri"], |line, [uri, broader]| {
        let (uri, broader) = (uri.trim(), broader.trim());
        if groups.contains_key(uri) {
            // Group → group edges are not needed for nearest groups; check the target exists.
            return match groups.contains_key(broader) {
                true => Ok(()),
                false => Err(table.line_error(line, format!("unknown broader group {broader}"))),
            };
        }
        let Some(&skill) = skills.get(uri) else {
            return Err(table.line_error(line, format!("unknown concept {uri}")));
        };
        let slot = skill as usize;
        if let Some(&g) = groups.get(broader) {
            edges.groups[slot].push(g);
        } else if let Some(&p) = skills.get(broader) {
            edges.parents[slot].push(p);
        } else {
            return Err(table.line_error(line, format!("unknown broader concept {broader}")));
        }
        Ok(())
    })?;
    Ok(edges)
}

/// Sets each skill's direct `broader` and `narrower` skill concepts from the skill → skill edges.
fn assign_hierarchy(skills: &mut [Skill], edges: &SkillEdges) {
    for (child, parents) in edges.parents.iter().enumerate() {
        for &p in parents {
            if p as usize != child {
                skills[child].broader.push(p);
                skills[p as usize].narrower.push(child as SkillId);
            }
        }
    }
    for s in skills.iter_mut() {
        s.broader.sort_unstable();
        s.broader.dedup();
        s.narrower.sort_unstable();
        s.narrower.dedup();
    }
}

/// Reads `skillSkillRelations` (essential or optional relations between skills) into each
/// skill's `related` list, in both directions.
fn read_skill_relations(
    table: &Table,
    skills: &HashMap<String, SkillId>,
    out: &mut [Skill],
) -> Result<(), TaxonomyError> {
    table.for_each(["originalSkillUri", "relatedSkillUri"], |line, [a, b]| {
        let lookup = |uri: &str| {
            skills
                .get(uri.trim())
                .copied()
                .ok_or_else(|| table.line_error(line, format!("unknown skill {}", uri.trim())))
        };
        let (a, b) = (lookup(a)?, lookup(b)?);
        if a != b {
            out[a as usize].related.push(b);
            out[b as usize].related.push(a);
        }
        Ok(())
    })?;
    for s in out.iter_mut() {
        s.related.sort_unstable();
        s.related.dedup();
    }
    Ok(())
}

/// Sets each skill's `groups` to the skill groups found at the smallest number of broader steps
/// (breadth-first over skill → skill edges; cycles are tolerated).
fn assign_nearest_groups(skills: &mut [Skill], edges: &SkillEdges) {
    let mut seen = vec![u32::MAX; skills.len()];
    let mut level: Vec<SkillId> = Vec::new();
    let mut next: Vec<SkillId> = Vec::new();
    for (i, skill) in skills.iter_mut().enumerate() {
        let stamp = i as u32;
        level.clear();
        level.push(stamp);
        seen[i] = stamp;
        let mut found: Vec<u32> = Vec::new();
        while !level.is_empty() && found.is_empty() {
            next.clear();
            for &s in &level {
                found.extend_from_slice(&edges.groups[s as usize]);
                for &p in &edges.parents[s as usize] {
                    if seen[p as usize] != stamp {
                        seen[p as usize] = stamp;
                        next.push(p);
                    }
                }
            }
            std::mem::swap(&mut level, &mut next);
        }
        found.sort_unstable();
        found.dedup();
        skill.groups = found;
    }
}

fn read_occupations(table: &Table) -> Result<Vec<Occupation>, TaxonomyError> {
    let cols = ["conceptUri", "iscoGroup", "preferredLabel", "altLabels", "description"];
    let mut occupations = Vec::new();
    table.for_each(cols, |line, [uri, isco, label, alts, description]| {
        require_uri(table, line, uri)?;
        occupations.push(Occupation {
            uri: uri.trim().to_string(),
            label: label.trim().to_string(),
            alt_labels: split_labels(alts),
            description: description.trim().to_string(),
            isco_group: isco.trim().to_string(),
            essential: Vec::new(),
            optional: Vec::new(),
        });
        Ok(())
    })?;
    occupations.sort_by(|a, b| a.uri.cmp(&b.uri));
    Ok(occupations)
}

fn read_relations(
    table: &Table,
    occupations_by_uri: &HashMap<String, u32>,
    skills: &HashMap<String, SkillId>,
    occupations: &mut [Occupation],
) -> Result<(), TaxonomyError> {
    let cols = ["occupationUri", "relationType", "skillUri"];
    table.for_each(cols, |line, [occ, relation, skill]| {
        let Some(&o) = occupations_by_uri.get(occ.trim()) else {
            return Err(table.line_error(line, format!("unknown occupation {occ}")));
        };
        let Some(&s) = skills.get(skill.trim()) else {
            return Err(table.line_error(line, format!("unknown skill {skill}")));
        };
        let occupation = &mut occupations[o as usize];
        match relation.trim() {
            "essential" => occupation.essential.push(s),
            "optional" => occupation.optional.push(s),
            other => return Err(table.line_error(line, format!("unknown relationType `{other}`"))),
        }
        Ok(())
    })?;
    for occupation in occupations {
        occupation.essential.sort_unstable();
        occupation.essential.dedup();
        occupation.optional.sort_unstable();
        occupation.optional.dedup();
        let essential = &occupation.essential;
        occupation.optional.retain(|s| essential.binary_search(s).is_err());
    }
    Ok(())
}

/// Reads only `skills_en` (`.csv` or `.csv.gz`) of an ESCO folder: skills sorted by URI, without
/// groups. Used by [`super::diff`].
pub(crate) fn load_skills_only(dir: &Path) -> Result<Vec<Skill>, TaxonomyError> {
    let mut files = Vec::new();
    let table = Table::open(dir, "skills_en", &mut files)?;
    read_skills(&table)
}
