//! Custom taxonomy CSVs: an organisation's own skills (`id,label,alt_labels,parent`) added to the
//! taxonomy after the base one (see [`TaxonomyBuilder::add_custom`]).

use std::collections::HashMap;
use std::path::Path;

use sha2::{Digest, Sha256};

use super::provenance::CustomTaxonomy;
use super::{Skill, SkillId, Taxonomy, TaxonomyBuilder, TaxonomyError, fold};

/// Kind of a skill read from a custom taxonomy file ([`Skill::kind`]).
pub const CUSTOM_KIND: &str = "custom";

/// A row of a custom taxonomy file with a problem (see [`CustomLoad::problems`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomProblem {
    /// Line of the row in the file (the header is line 1).
    pub line: u64,
    /// What is wrong and what was done, in words a person can act on.
    pub reason: String,
    /// `true`: the row was skipped (empty id or label, duplicate id); `false`: its skill was
    /// added without its parent (unknown parent, parent cycle).
    pub skipped: bool,
}

/// What [`TaxonomyBuilder::add_custom`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CustomLoad {
    /// The custom taxonomy's name (see [`CustomTaxonomy::name`]).
    pub name: String,
    /// Its version (see [`CustomTaxonomy::version`]).
    pub version: String,
    /// Data rows read (rows with every field empty are not rows).
    pub read: usize,
    /// Rows added as skills, including rows added without their parent.
    pub added: usize,
    /// One entry per row with a problem, in line order. Every row read is either added or
    /// skipped: `read == added + problems.iter().filter(|p| p.skipped).count()`.
    pub problems: Vec<CustomProblem>,
}

/// The name and version of a custom taxonomy file (see [`CustomTaxonomy`]).
fn name_and_version(path: &Path, sha256: &str) -> (String, String) {
    let stem = path.file_stem().map_or_else(|| "custom".to_string(), |s| s.to_string_lossy().into_owned());
    match stem.rsplit_once("-v") {
        Some((name, version)) if !name.is_empty() && version.starts_with(|c: char| c.is_ascii_digit()) => {
            (name.to_string(), version.to_string())
        }
        _ => (stem.clone(), sha256[..12].to_string()),
    }
}

/// Splits an `alt_labels` field at `|` and line breaks, trimming and dropping empty labels and
/// repeats (of each other or of the preferred label).
fn split_alt_labels(field: &str, label: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for alt in field.split(['|', '\n', '\r']).map(str::trim).filter(|a| !a.is_empty()) {
        if alt != label && !out.iter().any(|o| o == alt) {
            out.push(alt.to_string());
        }
    }
    out
}

/// A row kept as a skill, before its parent is resolved.
struct Row {
    line: u64,
    id: String,
    label: String,
    alt_labels: Vec<String>,
    parent: String,
}

/// What a row's `parent` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Parent {
    None,
    /// Another kept row of the same file (index into the kept rows).
    Row(usize),
    /// A skill already in the taxonomy.
    Skill(SkillId),
    /// A skill group.
    Group(u32),
}

/// A custom taxonomy file read and checked, before its rows become skills.
struct CustomFile {
    /// The path as shown in messages.
    shown: String,
    sha256: String,
    /// Rows kept, in line order.
    rows: Vec<Row>,
    /// Id → index into `rows`.
    row_by_id: HashMap<String, usize>,
    load: CustomLoad,
}

/// Where the columns of a custom taxonomy file are (see [`TaxonomyBuilder::add_custom`]).
struct Columns {
    id: usize,
    label: usize,
    alt_labels: Option<usize>,
    parent: Option<usize>,
}

/// A `Parse` error of `path` at a CSV error's position.
fn csv_error(shown: &str, e: csv::Error) -> TaxonomyError {
    let position = e.position().map_or("unknown position".to_string(), |p| format!("line {}", p.line()));
    TaxonomyError::Parse { path: shown.to_string(), position, reason: e.to_string() }
}

/// Finds the columns by name in the header (case-insensitively, BOM and spaces ignored).
fn columns(shown: &str, headers: &csv::StringRecord) -> Result<Columns, TaxonomyError> {
    let column =
        |name: &str| headers.iter().position(|h| h.trim_start_matches('\u{feff}').trim().eq_ignore_ascii_case(name));
    match (column("id"), column("label")) {
        (Some(id), Some(label)) => {
            Ok(Columns { id, label, alt_labels: column("alt_labels"), parent: column("parent") })
        }
        (i, _) => {
            let missing = if i.is_none() { "id" } else { "label" };
            let found: Vec<&str> = headers.iter().collect();
            Err(TaxonomyError::Parse {
                path: shown.to_string(),
                position: "line 1 (header)".into(),
                reason: format!(
                    "missing column `{missing}`; a custom taxonomy needs a header `id,label,alt_labels,parent` \
                     (found {found:?})"
                ),
            })
        }
    }
}

impl TaxonomyBuilder {
    /// Adds a custom taxonomy CSV: an organisation's own skills. Call it after the base taxonomy
    /// is loaded and before [`TaxonomyBuilder::load_aliases`] (so that aliases can target custom
    /// skills) and [`TaxonomyBuilder::add_onet_technologies`] (so that a technology named like a
    /// custom label links to it); [`TaxonomyBuilder::load`] keeps that order.
    ///
    /// The file has a header row; columns are found by name, case-insensitively: `id` and
    /// `label` are required, `alt_labels` and `parent` optional, others (`description`…)
    /// ignored. Each row becomes a skill of kind [`CUSTOM_KIND`] appended to the taxonomy's
    /// skills, with URI = the id as written (trimmed) and the alternative labels of
    /// `alt_labels` (separated by `|` or line breaks). `parent` may name, in this order of
    /// lookup: the id of another row of the file; a skill already in the taxonomy by URI or bare
    /// ESCO UUID (see [`Taxonomy::skill_by_uri`]: an ESCO skill, a row of an earlier custom
    /// file); a skill group URI (see [`Taxonomy::group_by_uri`]); a label of a row of the file;
    /// a label of a skill already there (exact folded match). A parent skill gives
    /// `broader`/`narrower` edges both ways; the row's `groups` are its parent's (transitively
    /// through custom parents), or the parent group itself.
    ///
    /// The skills' labels join the surface-form, variant and fuzzy indexes (built once, after
    /// the last custom file), so [`Taxonomy::normalize`] and the extractor find them. A label
    /// shared with a skill already there follows the form index's rule: the form goes to a skill
    /// whose *preferred* label it is, then to the lowest id — so a custom preferred label equal
    /// to an ESCO alternative label takes that form, while one equal to an ESCO preferred label
    /// stays with ESCO; either way the form is ambiguous (confidence
    /// [`super::AMBIGUOUS_EXACT_CONFIDENCE`]).
    ///
    /// The file joins [`Taxonomy::files`]; [`Taxonomy::source_of`] gives its name and version
    /// (see [`CustomTaxonomy`]) for its skills.
    ///
    /// Row problems never abort: a row with an empty id or label, or an id already used (in the
    /// file, or as a URI of the taxonomy) is skipped; an unknown parent, or a parent that closes
    /// a cycle of rows (each row on the cycle loses its parent edge), leaves the skill without a
    /// parent. Each is reported in [`CustomLoad::problems`] with its line.
    ///
    /// Errors: the file cannot be read ([`TaxonomyError::Io`]); it is not CSV, or its header has
    /// no `id` or no `label` column ([`TaxonomyError::Parse`], with the position); alias files or
    /// O*NET technologies were already added ([`TaxonomyError::Order`]).
    pub fn add_custom(&mut self, path: &Path) -> Result<CustomLoad, TaxonomyError> {
        let shown = path.display().to_string();
        if self.is_indexed() {
            return Err(TaxonomyError::Order { path: shown });
        }
        let CustomFile { shown, sha256, rows, row_by_id, mut load } = self.read_custom(path, shown)?;
        let mut parents = self.resolve_parents(&rows, &row_by_id, &mut load.problems);
        break_cycles(&rows, &mut parents, &mut load.problems);
        load.problems.sort_by_key(|p| p.line);
        load.added = parents.len();
        let skills = self.insert_rows(rows, &parents);
        self.files.push((shown.clone(), sha256.clone()));
        let (name, version) = (load.name.clone(), load.version.clone());
        self.provenance.custom.push(CustomTaxonomy { name, version, path: shown, sha256, skills });
        Ok(load)
    }

    /// Reads a custom taxonomy file and sorts its rows into kept ones and problems.
    fn read_custom(&self, path: &Path, shown: String) -> Result<CustomFile, TaxonomyError> {
        let bytes = std::fs::read(path).map_err(|source| TaxonomyError::Io { path: shown.clone(), source })?;
        let sha256 = hex::encode(Sha256::digest(&bytes));
        let (name, version) = name_and_version(path, &sha256);
        let mut reader = csv::ReaderBuilder::new().has_headers(true).flexible(true).from_reader(bytes.as_slice());
        let headers = reader.headers().map_err(|e| csv_error(&shown, e))?.clone();
        let cols = columns(&shown, &headers)?;
        let load = CustomLoad { name, version, ..CustomLoad::default() };
        let mut file = CustomFile { shown, sha256, rows: Vec::new(), row_by_id: HashMap::new(), load };
        let mut record = csv::StringRecord::new();
        while reader.read_record(&mut record).map_err(|e| csv_error(&file.shown, e))? {
            let line = record.position().map_or(0, csv::Position::line);
            let get = |c: Option<usize>| c.and_then(|c| record.get(c)).unwrap_or("").trim();
            let (id, label, alts, parent) =
                (get(Some(cols.id)), get(Some(cols.label)), get(cols.alt_labels), get(cols.parent));
            if id.is_empty() && label.is_empty() && alts.is_empty() && parent.is_empty() {
                continue;
            }
            file.load.read += 1;
            match self.row_problem(&file, id, label) {
                Some(reason) => file.load.problems.push(CustomProblem { line, reason, skipped: true }),
                None => {
                    file.row_by_id.insert(id.to_string(), file.rows.len());
                    file.rows.push(Row {
                        line,
                        id: id.to_string(),
                        label: label.to_string(),
                        alt_labels: split_alt_labels(alts, label),
                        parent: parent.to_string(),
                    });
                }
            }
        }
        Ok(file)
    }

    /// Why a row with this id and label is skipped, if it is.
    fn row_problem(&self, file: &CustomFile, id: &str, label: &str) -> Option<String> {
        if id.is_empty() {
            Some(format!("empty id (label {label:?}); row skipped"))
        } else if label.is_empty() {
            Some(format!("empty label (id {id:?}); row skipped"))
        } else if let Some(&first) = file.row_by_id.get(id) {
            Some(format!("duplicate id {id:?} (first on line {}); row skipped", file.rows[first].line))
        } else if let Some(existing) = self.skill_by_uri(id) {
            let (source, v) = self.source_of(existing);
            let other = &self.skills[existing as usize].label;
            Some(format!("id {id:?} is already the URI of {other:?} ({source}-v{v}); row skipped"))
        } else {
            None
        }
    }

    /// Appends the kept rows as skills with their parent edges; returns their ids.
    fn insert_rows(&mut self, rows: Vec<Row>, parents: &[Parent]) -> std::ops::Range<SkillId> {
        let start = self.skills.len() as SkillId;
        let groups = self.inherited_groups(parents);
        for (row, groups) in rows.into_iter().zip(groups) {
            self.skills.push(Skill {
                uri: row.id,
                label: row.label,
                alt_labels: row.alt_labels,
                kind: CUSTOM_KIND.to_string(),
                groups,
                ..Skill::default()
            });
        }
        let mut touched: Vec<SkillId> = Vec::new();
        for (k, parent) in parents.iter().enumerate() {
            let child = start + k as SkillId;
            let parent = match *parent {
                Parent::Row(j) => start + j as SkillId,
                Parent::Skill(s) => s,
                Parent::None | Parent::Group(_) => continue,
            };
            self.skills[child as usize].broader.push(parent);
            self.skills[parent as usize].narrower.push(child);
            touched.push(parent);
        }
        for s in touched {
            let n = &mut self.skills[s as usize].narrower;
            n.sort_unstable();
            n.dedup();
        }
        self.index_new_skills(start);
        start..self.skills.len() as SkillId
    }

    /// What each kept row's `parent` names; unknown parents are reported (the row keeps no
    /// parent).
    fn resolve_parents(
        &self,
        rows: &[Row],
        row_by_id: &HashMap<String, usize>,
        problems: &mut Vec<CustomProblem>,
    ) -> Vec<Parent> {
        let mut row_by_label: HashMap<String, usize> = HashMap::new();
        // Preferred labels first, then alternative labels; the first row wins.
        for (k, row) in rows.iter().enumerate() {
            row_by_label.entry(fold(&row.label)).or_insert(k);
        }
        for (k, row) in rows.iter().enumerate() {
            for alt in &row.alt_labels {
                row_by_label.entry(fold(alt)).or_insert(k);
            }
        }
        rows.iter()
            .map(|row| {
                let parent = self.parent_named(&row.parent, row_by_id, &row_by_label);
                if parent.is_none() && !row.parent.is_empty() {
                    problems.push(CustomProblem {
                        line: row.line,
                        reason: format!(
                            "unknown parent {:?} of {:?}: not an id of this file, a skill or skill-group URI, or a \
                             label; skill added without a parent",
                            row.parent, row.id
                        ),
                        skipped: false,
                    });
                }
                parent.unwrap_or(Parent::None)
            })
            .collect()
    }

    /// What the `parent` field `p` names (`Some(Parent::None)` when empty; `None` when unknown).
    fn parent_named(
        &self,
        p: &str,
        row_by_id: &HashMap<String, usize>,
        row_by_label: &HashMap<String, usize>,
    ) -> Option<Parent> {
        if p.is_empty() {
            return Some(Parent::None);
        }
        if let Some(&k) = row_by_id.get(p) {
            return Some(Parent::Row(k));
        }
        if let Some(s) = self.skill_by_uri(p) {
            return Some(Parent::Skill(s));
        }
        if let Some(g) = self.group_by_uri(p) {
            return Some(Parent::Group(g));
        }
        let folded = fold(p);
        if let Some(&k) = row_by_label.get(&folded) {
            return Some(Parent::Row(k));
        }
        self.skill_labelled(&folded).map(Parent::Skill)
    }

    /// Each kept row's nearest skill groups: its parent group, or its parent skill's groups
    /// (through custom parents, transitively); none without a parent.
    fn inherited_groups(&self, parents: &[Parent]) -> Vec<Vec<u32>> {
        let mut groups: Vec<Option<Vec<u32>>> = vec![None; parents.len()];
        for k in 0..parents.len() {
            let mut chain = Vec::new();
            let mut cur = k;
            let found = loop {
                if let Some(g) = &groups[cur] {
                    break g.clone();
                }
                chain.push(cur);
                match parents[cur] {
                    Parent::Row(j) => cur = j,
                    Parent::Skill(s) => break self.skills[s as usize].groups.clone(),
                    Parent::Group(g) => break vec![g],
                    Parent::None => break Vec::new(),
                }
            };
            for c in chain {
                groups[c] = Some(found.clone());
            }
        }
        groups.into_iter().map(Option::unwrap_or_default).collect()
    }
}

impl Taxonomy {
    /// The custom taxonomies added by [`TaxonomyBuilder::add_custom`], in the order added.
    pub fn custom_taxonomies(&self) -> &[CustomTaxonomy] {
        &self.provenance.custom
    }
}

/// Drops the parent edge of every row on a cycle of row → row parents, reporting each.
fn break_cycles(rows: &[Row], parents: &mut [Parent], problems: &mut Vec<CustomProblem>) {
    const NEW: u8 = 0;
    const ON_PATH: u8 = 1;
    const DONE: u8 = 2;
    let mut state = vec![NEW; parents.len()];
    let mut on_cycle: Vec<Vec<usize>> = Vec::new();
    for k in 0..parents.len() {
        let mut path = Vec::new();
        let mut cur = Some(k);
        while let Some(c) = cur {
            match state[c] {
                DONE => break,
                ON_PATH => {
                    let from = path.iter().position(|&p| p == c).unwrap_or(0);
                    on_cycle.push(path[from..].to_vec());
                    break;
                }
                _ => {
                    state[c] = ON_PATH;
                    path.push(c);
                    cur = match parents[c] {
                        Parent::Row(j) => Some(j),
                        _ => None,
                    };
                }
            }
        }
        for p in path {
            state[p] = DONE;
        }
    }
    for cycle in on_cycle {
        let mut ids: Vec<&str> = cycle.iter().map(|&k| rows[k].id.as_str()).collect();
        ids.push(&rows[cycle[0]].id);
        let shown = ids.join(" → ");
        for &k in &cycle {
            parents[k] = Parent::None;
            problems.push(CustomProblem {
                line: rows[k].line,
                reason: format!(
                    "parent {:?} of {:?} closes a cycle ({shown}); skill added without a parent",
                    rows[k].parent, rows[k].id
                ),
                skipped: false,
            });
        }
    }
}

#[cfg(test)]
mod tests;
