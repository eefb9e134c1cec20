//! O*NET 29.2 (occupations, alternate titles, technology skills, skill and knowledge importance)
//! and the Nesta ESCO ↔ O*NET occupation crosswalk.
//!
//! * [`Onet::load`] reads a folder laid out like `datasets/taxonomy/onet-29.2/` (each file as
//!   `X.txt` or else `X.txt.gz`; tab-separated, header row, no quoting).
//! * [`Onet::technology`] looks an O*NET technology example name up by its [`fold`](fn@crate::taxonomy::fold)ed form;
//!   [`Onet::link_esco`] attaches the ESCO skill that has the same folded label (or alias).
//! * [`Crosswalk::load`] reads the Nesta crosswalk CSV: ESCO occupation URI ↔ O*NET-SOC code.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use flate2::read::MultiGzDecoder;
use sha2::{Digest, Sha256};

use super::{SkillId, Taxonomy, TaxonomyError, fold};

/// Index of an occupation in [`Onet::occupations`].
pub type OnetOccupationId = u32;
/// Index of a technology in [`Onet::technologies`].
pub type TechnologyId = u32;

/// One O*NET-SOC occupation.
#[derive(Debug, Clone)]
pub struct OnetOccupation {
    /// O*NET-SOC code, e.g. `15-1252.00`.
    pub code: String,
    /// Title, e.g. `Software Developers`.
    pub title: String,
    /// Description.
    pub description: String,
    /// Alternate titles (`Alternate Titles.txt`, column `Alternate Title`), in file order.
    pub alt_titles: Vec<String>,
    /// Technology skills of the occupation, sorted by technology id.
    pub technologies: Vec<OccupationTechnology>,
    /// Skill importance (scale `IM`, 1–5) per element of [`Onet::skill_elements`], sorted by element.
    pub skills: Vec<(u32, f32)>,
    /// Knowledge importance (scale `IM`, 1–5) per element of [`Onet::knowledge_elements`].
    pub knowledge: Vec<(u32, f32)>,
}

/// A technology listed for one occupation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OccupationTechnology {
    /// The technology.
    pub technology: TechnologyId,
    /// `Hot Technology` = `Y` for this row.
    pub hot: bool,
    /// `In Demand` = `Y` for this row.
    pub in_demand: bool,
}

/// One distinct technology example name (e.g. `Microsoft Excel`).
#[derive(Debug, Clone)]
pub struct Technology {
    /// The example name as published.
    pub name: String,
    /// UNSPSC commodities it is listed under, as (code, title), sorted, deduplicated.
    pub commodities: Vec<(String, String)>,
    /// Whether any occupation lists it as a Hot Technology.
    pub hot: bool,
    /// Number of occupations listing it.
    pub occupations: u32,
    /// The ESCO skill with the same folded label or alias, once [`Onet::link_esco`] has run.
    pub esco: Option<SkillId>,
}

/// An O*NET skill or knowledge element (e.g. `2.A.1.a` Reading Comprehension).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element {
    /// Element ID.
    pub id: String,
    /// Element name.
    pub name: String,
}

/// The loaded O*NET database (the parts skillmatch uses).
#[derive(Debug, Clone, Default)]
pub struct Onet {
    /// Version from the folder name (`onet-29.2` → `29.2`), else `unknown`.
    pub version: String,
    /// Occupations, sorted by code.
    pub occupations: Vec<OnetOccupation>,
    /// Technologies, sorted by name.
    pub technologies: Vec<Technology>,
    /// Skill elements (`Skills.txt`), sorted by id.
    pub skill_elements: Vec<Element>,
    /// Knowledge elements (`Knowledge.txt`), sorted by id.
    pub knowledge_elements: Vec<Element>,
    /// Files read, with sha256 of the bytes as stored: (path, sha256).
    pub files: Vec<(String, String)>,
    by_code: HashMap<String, OnetOccupationId>,
    tech_by_fold: HashMap<String, TechnologyId>,
}

/// One tab-separated O*NET file read into memory.
struct Tsv {
    path: String,
    data: Vec<u8>,
}

fn io_error(path: &Path, source: std::io::Error) -> TaxonomyError {
    TaxonomyError::Io { path: path.display().to_string(), source }
}

impl Tsv {
    /// Opens `dir/stem.txt`, else `dir/stem.txt.gz`, recording its sha256 in `files`.
    fn open(dir: &Path, stem: &str, files: &mut Vec<(String, String)>) -> Result<Tsv, TaxonomyError> {
        let plain = dir.join(format!("{stem}.txt"));
        let gz = dir.join(format!("{stem}.txt.gz"));
        let (path, compressed) = if plain.is_file() || !gz.is_file() { (plain, false) } else { (gz, true) };
        let raw = std::fs::read(&path).map_err(|e| io_error(&path, e))?;
        files.push((path.display().to_string(), hex::encode(Sha256::digest(&raw))));
        let data = if compressed {
            let mut out = Vec::with_capacity(raw.len() * 6);
            MultiGzDecoder::new(raw.as_slice()).read_to_end(&mut out).map_err(|e| io_error(&path, e))?;
            out
        } else {
            raw
        };
        Ok(Tsv { path: path.display().to_string(), data })
    }

    fn error(&self, position: String, reason: impl Into<String>) -> TaxonomyError {
        TaxonomyError::Parse { path: self.path.clone(), position, reason: reason.into() }
    }

    /// Calls `row` with each record's line number and the named columns.
    fn for_each<const N: usize>(
        &self,
        columns: [&str; N],
        mut row: impl FnMut(u64, [&str; N]) -> Result<(), TaxonomyError>,
    ) -> Result<(), TaxonomyError> {
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(b'\t')
            .quoting(false)
            .has_headers(true)
            .flexible(true)
            .from_reader(self.data.as_slice());
        let headers = reader.headers().map_err(|e| self.error("header".into(), e.to_string()))?.clone();
        let mut idx = [0usize; N];
        for (slot, name) in idx.iter_mut().zip(columns) {
            *slot = headers
                .iter()
                .position(|h| h.trim_start_matches('\u{feff}').trim() == name)
                .ok_or_else(|| self.error("header".into(), format!("missing column `{name}`")))?;
        }
        let mut record = csv::StringRecord::new();
        loop {
            match reader.read_record(&mut record) {
                Ok(false) => return Ok(()),
                Ok(true) => {}
                Err(e) => {
                    let pos = e.position().map_or("unknown position".to_string(), |p| format!("line {}", p.line()));
                    return Err(self.error(pos, e.to_string()));
                }
            }
            let line = record.position().map_or(0, csv::Position::line);
            row(line, idx.map(|i| record.get(i).map_or("", str::trim)))?;
        }
    }
}

/// The version from a folder name such as `onet-29.2`.
fn onet_version(dir: &Path) -> String {
    dir.file_name()
        .and_then(|n| n.to_str())
        .and_then(|n| n.rsplit_once('-'))
        .map(|(_, v)| v.trim_start_matches('v'))
        .filter(|v| v.starts_with(|c: char| c.is_ascii_digit()))
        .unwrap_or("unknown")
        .to_string()
}

impl Onet {
    /// Loads `Occupation Data`, `Alternate Titles`, `Technology Skills`, `Skills` and `Knowledge`
    /// (each `X.txt` or else `X.txt.gz`) from `dir`. Only rows of scale `IM` (importance) are used
    /// from `Skills` and `Knowledge`.
    ///
    /// Errors: a missing or unreadable file ([`TaxonomyError::Io`]); a missing column, a duplicate
    /// or empty occupation code, a row naming an unknown occupation, an importance that is not a
    /// number ([`TaxonomyError::Parse`], with file and line).
    pub fn load(dir: &Path) -> Result<Onet, TaxonomyError> {
        let mut files = Vec::new();
        let mut occupations: Vec<OnetOccupation> = Vec::new();
        let t = Tsv::open(dir, "Occupation Data", &mut files)?;
        t.for_each(["O*NET-SOC Code", "Title", "Description"], |line, [code, title, description]| {
            if code.is_empty() {
                return Err(t.error(format!("line {line}"), "empty O*NET-SOC Code"));
            }
            occupations.push(OnetOccupation {
                code: code.to_string(),
                title: title.to_string(),
                description: description.to_string(),
                alt_titles: Vec::new(),
                technologies: Vec::new(),
                skills: Vec::new(),
                knowledge: Vec::new(),
            });
            Ok(())
        })?;
        occupations.sort_by(|a, b| a.code.cmp(&b.code));
        let mut by_code = HashMap::with_capacity(occupations.len());
        for (i, o) in (0..).zip(&occupations) {
            if by_code.insert(o.code.clone(), i).is_some() {
                return Err(t.error("column O*NET-SOC Code".into(), format!("duplicate code {}", o.code)));
            }
        }
        let find = |t: &Tsv, line: u64, code: &str| {
            by_code
                .get(code)
                .copied()
                .ok_or_else(|| t.error(format!("line {line}"), format!("unknown O*NET-SOC Code {code}")))
        };

        let t = Tsv::open(dir, "Alternate Titles", &mut files)?;
        t.for_each(["O*NET-SOC Code", "Alternate Title"], |line, [code, title]| {
            let o = find(&t, line, code)?;
            if !title.is_empty() {
                occupations[o as usize].alt_titles.push(title.to_string());
            }
            Ok(())
        })?;

        let (technologies, tech_by_fold) = read_technologies(dir, &mut files, &find, &mut occupations)?;

        let skill_elements = read_importance(dir, "Skills", &mut files, &find, &mut occupations, |o| &mut o.skills)?;
        let knowledge_elements =
            read_importance(dir, "Knowledge", &mut files, &find, &mut occupations, |o| &mut o.knowledge)?;

        Ok(Onet {
            version: onet_version(dir),
            occupations,
            technologies,
            skill_elements,
            knowledge_elements,
            files,
            by_code,
            tech_by_fold,
        })
    }

    /// The occupation with this O*NET-SOC code (`15-1252.00`; a bare `15-1252` means `.00`).
    pub fn occupation(&self, code: &str) -> Option<&OnetOccupation> {
        let code = code.trim();
        let id = self.by_code.get(code).or_else(|| self.by_code.get(&format!("{code}.00")))?;
        self.occupations.get(*id as usize)
    }

    /// The technology whose folded example name equals the folded `name`
    /// (`"microsoft excel"`, `"Atlassian JIRA"`).
    pub fn technology(&self, name: &str) -> Option<(TechnologyId, &Technology)> {
        let id = *self.tech_by_fold.get(&fold(name))?;
        self.technologies.get(id as usize).map(|t| (id, t))
    }

    /// The technology with an already [`fold`](fn@crate::taxonomy::fold)ed name.
    pub fn technology_folded(&self, folded: &str) -> Option<(TechnologyId, &Technology)> {
        let id = *self.tech_by_fold.get(folded)?;
        self.technologies.get(id as usize).map(|t| (id, t))
    }

    /// Every technology's folded name with its id, in no particular order (for dictionaries).
    pub fn technology_forms(&self) -> impl Iterator<Item = (&str, TechnologyId)> + '_ {
        self.tech_by_fold.iter().map(|(k, &v)| (k.as_str(), v))
    }

    /// Sets [`Technology::esco`] for every technology whose folded name is a folded ESCO label
    /// (preferred or alternative; see [`Taxonomy::surface_form`]) or an alias loaded into `esco`
    /// ([`TaxonomyBuilder::load_aliases`](super::TaxonomyBuilder::load_aliases)); returns how
    /// many linked.
    pub fn link_esco(&mut self, esco: &Taxonomy) -> usize {
        let mut linked = 0;
        for t in &mut self.technologies {
            let folded = fold(&t.name);
            t.esco = esco.normalizer.label_or_alias(&folded);
            linked += usize::from(t.esco.is_some());
        }
        linked
    }
}

/// Reads `Technology Skills`: the technologies in name order (commodities sorted, Hot
/// Technology if any occupation flags it), each occupation's technologies, and the folded-name
/// lookup.
fn read_technologies(
    dir: &Path,
    files: &mut Vec<(String, String)>,
    find: &impl Fn(&Tsv, u64, &str) -> Result<OnetOccupationId, TaxonomyError>,
    occupations: &mut [OnetOccupation],
) -> Result<(Vec<Technology>, HashMap<String, TechnologyId>), TaxonomyError> {
    // Technology rows: (occupation, name, commodity code, commodity title, hot, in demand).
    let mut rows: Vec<(OnetOccupationId, String, String, String, bool, bool)> = Vec::new();
    let t = Tsv::open(dir, "Technology Skills", files)?;
    let cols = ["O*NET-SOC Code", "Example", "Commodity Code", "Commodity Title", "Hot Technology", "In Demand"];
    t.for_each(cols, |line, [code, name, cc, ct, hot, demand]| {
        let o = find(&t, line, code)?;
        if !name.is_empty() {
            rows.push((o, name.to_string(), cc.to_string(), ct.to_string(), hot == "Y", demand == "Y"));
        }
        Ok(())
    })?;
    rows.sort_by(|a, b| a.1.cmp(&b.1));
    let mut technologies: Vec<Technology> = Vec::new();
    for (o, name, cc, ct, hot, in_demand) in rows {
        if technologies.last().is_none_or(|t| t.name != name) {
            technologies.push(Technology { name, commodities: Vec::new(), hot: false, occupations: 0, esco: None });
        }
        let id = technologies.len() as u32 - 1;
        let Some(tech) = technologies.last_mut() else { continue };
        tech.hot |= hot;
        tech.commodities.push((cc, ct));
        let techs = &mut occupations[o as usize].technologies;
        if techs.last().is_none_or(|t| t.technology != id) {
            tech.occupations += 1;
            techs.push(OccupationTechnology { technology: id, hot, in_demand });
        } else if let Some(last) = techs.last_mut() {
            last.hot |= hot;
            last.in_demand |= in_demand;
        }
    }
    for t in &mut technologies {
        t.commodities.sort();
        t.commodities.dedup();
    }
    for o in occupations.iter_mut() {
        o.technologies.sort_by_key(|t| t.technology);
    }
    let mut tech_by_fold = HashMap::with_capacity(technologies.len());
    for (i, t) in (0..).zip(&technologies) {
        let key = fold(&t.name);
        if !key.is_empty() {
            // Names are sorted, so the first (shortest-sorting) name wins a folded collision.
            tech_by_fold.entry(key).or_insert(i);
        }
    }
    Ok((technologies, tech_by_fold))
}

/// Reads the `IM` rows of `Skills`/`Knowledge` into each occupation; returns the elements.
fn read_importance(
    dir: &Path,
    stem: &str,
    files: &mut Vec<(String, String)>,
    find: &impl Fn(&Tsv, u64, &str) -> Result<OnetOccupationId, TaxonomyError>,
    occupations: &mut [OnetOccupation],
    target: impl Fn(&mut OnetOccupation) -> &mut Vec<(u32, f32)>,
) -> Result<Vec<Element>, TaxonomyError> {
    let t = Tsv::open(dir, stem, files)?;
    let mut rows: Vec<(OnetOccupationId, String, String, f32)> = Vec::new();
    let cols = ["O*NET-SOC Code", "Element ID", "Element Name", "Scale ID", "Data Value"];
    t.for_each(cols, |line, [code, id, name, scale, value]| {
        if scale != "IM" {
            return Ok(());
        }
        let o = find(&t, line, code)?;
        let v: f32 = value
            .parse()
            .map_err(|_| t.error(format!("line {line}"), format!("Data Value `{value}` is not a number")))?;
        rows.push((o, id.to_string(), name.to_string(), v));
        Ok(())
    })?;
    let mut elements: Vec<Element> = rows.iter().map(|r| Element { id: r.1.clone(), name: r.2.clone() }).collect();
    elements.sort_by(|a, b| a.id.cmp(&b.id));
    elements.dedup_by(|a, b| a.id == b.id);
    for (o, id, _, v) in rows {
        if let Ok(e) = elements.binary_search_by(|x| x.id.as_str().cmp(&id)) {
            target(&mut occupations[o as usize]).push((e as u32, v));
        }
    }
    for o in occupations.iter_mut() {
        let list = target(o);
        list.sort_by_key(|x| x.0);
        list.dedup_by_key(|x| x.0);
    }
    Ok(elements)
}

/// One crosswalk row: an ESCO occupation mapped to an O*NET-SOC code.
#[derive(Debug, Clone, PartialEq)]
pub struct CrosswalkLink {
    /// ESCO occupation URI.
    pub esco_uri: String,
    /// O*NET-SOC code (after [`Crosswalk::resolve_codes`]: the O*NET 29.2 code).
    pub onet_code: String,
    /// The code as published in the crosswalk (O*NET-SOC 2010 era).
    pub source_code: String,
    /// The O*NET title as published in the crosswalk (lower case).
    pub onet_title: String,
    /// Nesta's confidence (0.5, 1 or 2; higher is surer).
    pub confidence: f32,
}

/// The ESCO ↔ O*NET occupation crosswalk (Nesta, "Mapping Career Causeways").
#[derive(Debug, Clone, Default)]
pub struct Crosswalk {
    /// Every link, sorted by (ESCO URI, O*NET code).
    pub links: Vec<CrosswalkLink>,
    /// The file read, with its sha256.
    pub file: (String, String),
    by_esco: HashMap<String, Vec<u32>>,
    by_onet: HashMap<String, Vec<u32>>,
}

/// The crosswalk file inside a folder like `datasets/taxonomy/crosswalk-nesta/`.
pub const CROSSWALK_FILE: &str = "esco_onet_crosswalk_Nov2020.csv";

impl Crosswalk {
    /// Reads the Nesta crosswalk CSV (columns `concept_uri`, `onet_code`, `confidence`), given as
    /// the file or a folder holding [`CROSSWALK_FILE`]. Rows with an empty URI or code are skipped;
    /// a missing confidence counts as 1.
    ///
    /// Errors: unreadable file ([`TaxonomyError::Io`]), malformed CSV or missing column
    /// ([`TaxonomyError::Parse`]).
    pub fn load(path: &Path) -> Result<Crosswalk, TaxonomyError> {
        let file = if path.is_dir() { path.join(CROSSWALK_FILE) } else { path.to_path_buf() };
        let shown = file.display().to_string();
        let raw = std::fs::read(&file).map_err(|e| io_error(&file, e))?;
        let parse = |position: String, reason: String| TaxonomyError::Parse { path: shown.clone(), position, reason };
        let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(raw.as_slice());
        let headers = reader.headers().map_err(|e| parse("header".into(), e.to_string()))?.clone();
        let col = |name: &str| {
            headers
                .iter()
                .position(|h| h.trim() == name)
                .ok_or_else(|| parse("header".into(), format!("missing column `{name}`")))
        };
        let (ci, oi, fi) = (col("concept_uri")?, col("onet_code")?, col("confidence")?);
        let ti = col("onet_occupation")?;
        let mut links = Vec::new();
        for rec in reader.records() {
            let rec = rec.map_err(|e| {
                parse(e.position().map_or("unknown position".into(), |p| format!("line {}", p.line())), e.to_string())
            })?;
            let (uri, code) = (rec.get(ci).unwrap_or("").trim(), rec.get(oi).unwrap_or("").trim());
            if uri.is_empty() || code.is_empty() {
                continue;
            }
            let confidence = rec.get(fi).and_then(|c| c.trim().parse().ok()).unwrap_or(1.0);
            let onet_title = rec.get(ti).unwrap_or("").trim().to_string();
            let (esco_uri, onet_code, source_code) = (uri.to_string(), code.to_string(), code.to_string());
            links.push(CrosswalkLink { esco_uri, onet_code, source_code, onet_title, confidence });
        }
        let mut c = Crosswalk { links, file: (shown, hex::encode(Sha256::digest(&raw))), ..Crosswalk::default() };
        c.reindex();
        Ok(c)
    }

    fn reindex(&mut self) {
        self.links.sort_by(|a, b| (&a.esco_uri, &a.onet_code).cmp(&(&b.esco_uri, &b.onet_code)));
        self.links.dedup_by(|a, b| a.esco_uri == b.esco_uri && a.onet_code == b.onet_code);
        self.by_esco.clear();
        self.by_onet.clear();
        for (i, l) in (0..).zip(&self.links) {
            self.by_esco.entry(l.esco_uri.clone()).or_default().push(i);
            self.by_onet.entry(l.onet_code.clone()).or_default().push(i);
        }
    }

    /// Rewrites each link's [`CrosswalkLink::onet_code`] to a code of `onet` (the crosswalk was
    /// made against O*NET-SOC 2010 codes): the same code when it exists, else the occupation with
    /// the same folded title, else the `.00` occupation of the same SOC code. Links that resolve
    /// nowhere keep their published code. Returns how many links name an `onet` occupation after.
    pub fn resolve_codes(&mut self, onet: &Onet) -> usize {
        let by_title: HashMap<String, &str> =
            onet.occupations.iter().map(|o| (fold(&o.title), o.code.as_str())).collect();
        let mut known = 0;
        for l in &mut self.links {
            let code = if onet.by_code.contains_key(&l.source_code) {
                Some(l.source_code.clone())
            } else if let Some(c) = by_title.get(&fold(&l.onet_title)) {
                Some((*c).to_string())
            } else {
                l.source_code.get(..7).map(|p| format!("{p}.00")).filter(|c| onet.by_code.contains_key(c))
            };
            known += usize::from(code.is_some());
            l.onet_code = code.unwrap_or_else(|| l.source_code.clone());
        }
        self.reindex();
        known
    }

    /// The O*NET links of an ESCO occupation URI.
    pub fn onet_for_esco(&self, esco_uri: &str) -> impl Iterator<Item = &CrosswalkLink> + '_ {
        self.by_esco.get(esco_uri.trim()).into_iter().flatten().filter_map(|&i| self.links.get(i as usize))
    }

    /// The ESCO links of an O*NET-SOC code.
    pub fn esco_for_onet(&self, onet_code: &str) -> impl Iterator<Item = &CrosswalkLink> + '_ {
        self.by_onet.get(onet_code.trim()).into_iter().flatten().filter_map(|&i| self.links.get(i as usize))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use std::path::{Path, PathBuf};
    use std::sync::OnceLock;

    use super::*;

    pub(crate) fn onet_dir() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets/taxonomy/onet-29.2")
    }

    pub(crate) fn crosswalk_dir() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets/taxonomy/crosswalk-nesta")
    }

    /// O*NET, loaded once and linked to the vendored ESCO.
    pub(crate) fn onet() -> &'static Onet {
        static ONET: OnceLock<Onet> = OnceLock::new();
        ONET.get_or_init(|| match Onet::load(&onet_dir()) {
            Ok(mut o) => {
                o.link_esco(crate::taxonomy::tests::esco());
                o
            }
            Err(e) => panic!("loading the vendored O*NET failed: {e}"),
        })
    }

    pub(crate) fn crosswalk() -> &'static Crosswalk {
        static CW: OnceLock<Crosswalk> = OnceLock::new();
        CW.get_or_init(|| match Crosswalk::load(&crosswalk_dir()) {
            Ok(mut c) => {
                c.resolve_codes(onet());
                c
            }
            Err(e) => panic!("loading the vendored crosswalk failed: {e}"),
        })
    }

    #[test]
    fn loads_real_occupations_and_titles() {
        let o = onet();
        assert_eq!(o.version, "29.2");
        assert_eq!(o.occupations.len(), 1016);
        let dev = o.occupation("15-1252.00").expect("software developers");
        assert_eq!(dev.title, "Software Developers");
        assert!(dev.alt_titles.iter().any(|t| t == "Application Developer"), "{:?}", &dev.alt_titles[..5]);
        assert_eq!(o.occupation("15-1252").map(|x| x.code.as_str()), Some("15-1252.00"));
        let total: usize = o.occupations.iter().map(|x| x.alt_titles.len()).sum();
        assert_eq!(total, 56560);
        assert_eq!(o.files.len(), 5);
    }

    #[test]
    fn technology_lookup_with_hot_flag_and_commodity() {
        let o = onet();
        let (_, excel) = o.technology("microsoft  EXCEL").expect("excel");
        assert_eq!(excel.name, "Microsoft Excel");
        assert!(excel.hot);
        assert!(excel.commodities.iter().any(|(c, t)| c == "43232110" && t == "Spreadsheet software"));
        assert!(excel.occupations > 100);
        let (jira_id, jira) = o.technology("Atlassian JIRA").expect("jira");
        assert!(jira.commodities.iter().any(|(_, t)| t == "Content workflow software"));
        let ceo = o.occupation("11-1011.00").expect("ceo");
        let row = ceo.technologies.iter().find(|t| t.technology == jira_id).expect("ceo lists jira");
        assert!(row.hot);
        assert!(o.technology("no such software 123").is_none());
        assert!(o.technologies.len() > 8000);
    }

    #[test]
    fn technologies_link_to_esco_by_label() {
        let o = onet();
        let esco = crate::taxonomy::tests::esco();
        let (_, py) = o.technology("Python").expect("python");
        let skill = py.esco.expect("Python is an ESCO label");
        assert_eq!(esco.skill(skill).uri, "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d");
        assert!(o.technologies.iter().filter(|t| t.esco.is_some()).count() > 50);
    }

    #[test]
    fn importance_scales() {
        let o = onet();
        assert_eq!(o.skill_elements.len(), 35);
        assert_eq!(o.knowledge_elements.len(), 33);
        let ceo = o.occupation("11-1011.00").expect("ceo");
        let rc = o.skill_elements.iter().position(|e| e.id == "2.A.1.a").expect("reading comprehension");
        assert_eq!(o.skill_elements[rc].name, "Reading Comprehension");
        let (_, v) = ceo.skills.iter().find(|(e, _)| *e as usize == rc).expect("ceo has it");
        assert!((v - 4.12).abs() < 1e-6);
        let am = o.knowledge_elements.iter().position(|e| e.name == "Administration and Management").expect("a&m");
        assert!(ceo.knowledge.iter().any(|&(e, v)| e as usize == am && (v - 4.78).abs() < 1e-6));
    }

    #[test]
    fn crosswalk_both_ways() {
        let c = crosswalk();
        assert_eq!(c.links.len(), 1680);
        let sec = "http://data.europa.eu/esco/occupation/0ee67d5e-8de9-48f0-97c5-ba23d486b1e9";
        let l: Vec<_> = c.onet_for_esco(sec).collect();
        assert_eq!(l.len(), 1);
        assert_eq!(l[0].onet_code, "11-1011.00");
        assert!(c.esco_for_onet("11-1011.00").any(|l| l.esco_uri == sec));
        // 1,355 of the published codes exist in 29.2; titles and `.00` codes resolve most others.
        let known = c.links.iter().filter(|l| onet().occupation(&l.onet_code).is_some()).count();
        assert!(known >= 1550, "{known} of {}", c.links.len());
        // 11-3011.00 (SOC 2010) is 11-3012.00 in 29.2, found by its title.
        let moved = c.links.iter().find(|l| l.source_code == "11-3011.00").expect("a link to 11-3011.00");
        assert_eq!(
            onet().occupation(&moved.onet_code).map(|o| o.title.as_str()),
            Some("Administrative Services Managers")
        );
    }

    #[test]
    fn malformed_files_are_errors_not_panics() {
        let dir = tempfile::tempdir().expect("tempdir");
        assert!(matches!(Onet::load(dir.path()), Err(TaxonomyError::Io { .. })));
        std::fs::write(dir.path().join("Occupation Data.txt"), "Code\tTitle\n1\tx\n").expect("write");
        assert!(matches!(Onet::load(dir.path()), Err(TaxonomyError::Parse { .. })));
        let f = dir.path().join("cw.csv");
        std::fs::write(&f, "a,b\n1,2\n").expect("write");
        assert!(matches!(Crosswalk::load(&f), Err(TaxonomyError::Parse { .. })));
    }
}
