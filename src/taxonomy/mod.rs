//! Taxonomies (ESCO v1.2.0 by default) and the normalizer that maps raw skill strings to them.
//!
//! PUBLIC API CONTRACT (other stages compile against it; extend, do not rename):
//! * [`Taxonomy::load_esco`] loads a vendored ESCO folder; [`Taxonomy::load`] loads a whole
//!   configured taxonomy in the fixed order (base ESCO → custom taxonomy CSVs → alias files →
//!   O*NET technologies).
//! * [`Taxonomy::normalize`] maps a [`RawSkill`] to a [`Mapping`] (URI → exact → fuzzy).
//! * [`fold`](fn@fold) is the surface-form folding shared by the index and the extractor.
//! * [`Taxonomy::surface_forms`] lists every folded label with the skill it names (the extractor's
//!   dictionary).
//!
//! Submodules: `esco` reads the CSV files, `fold` implements [`fold`](fn@fold), `forms` is the
//! surface-form index, `fuzzy` the trigram index behind fuzzy matching, [`onet`] reads O*NET 29.2
//! and the ESCO ↔ O*NET occupation crosswalk, [`titles`] maps job titles to occupations, `custom`
//! reads an organisation's own taxonomy CSVs ([`Taxonomy::add_custom`]).

mod custom;
pub mod diff;
mod esco;
pub(crate) mod fold;
mod forms;
mod fuzzy;
pub mod onet;
pub mod titles;
mod variants;

pub use custom::{CUSTOM_KIND, CustomLoad, CustomProblem, CustomTaxonomy};
pub use variants::WRAPPER_WORDS;

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::ingest::RawSkill;

/// Index of a skill in [`Taxonomy::skills`].
pub type SkillId = u32;

/// Errors loading a taxonomy.
#[derive(Debug, thiserror::Error)]
pub enum TaxonomyError {
    /// A required file is missing or unreadable.
    #[error("cannot read taxonomy file {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A file could not be parsed.
    #[error("taxonomy file {path} is malformed at {position}: {reason}")]
    Parse {
        /// The file.
        path: String,
        /// Where.
        position: String,
        /// Why.
        reason: String,
    },
    /// [`Taxonomy::add_custom`] was called after [`Taxonomy::add_onet_technologies`] (custom
    /// skills must come before O*NET's technologies; [`Taxonomy::load`] keeps the order).
    #[error("custom taxonomy {path} must be added before O*NET technologies")]
    Order {
        /// The custom taxonomy file.
        path: String,
    },
}

/// One skill or knowledge concept.
#[derive(Debug, Clone, Default)]
pub struct Skill {
    /// Concept URI, e.g. `http://data.europa.eu/esco/skill/…` (an O*NET technology added by
    /// [`Taxonomy::add_onet_technologies`]: `onet:technology:microsoft-excel`; a custom skill:
    /// its `id` as written, see [`Taxonomy::add_custom`]).
    pub uri: String,
    /// Preferred label.
    pub label: String,
    /// Alternative labels.
    pub alt_labels: Vec<String>,
    /// `skill/competence` or `knowledge` (ESCO); `technology` for an O*NET technology;
    /// [`CUSTOM_KIND`] for a row of a custom taxonomy file.
    pub kind: String,
    /// Nearest skill groups (indexes into [`Taxonomy::groups`]), sorted, deduplicated.
    pub groups: Vec<u32>,
    /// Skill concepts directly broader than this one (ESCO skill → skill hierarchy edges), sorted.
    pub broader: Vec<SkillId>,
    /// Skill concepts directly narrower than this one (the reverse edges), sorted.
    pub narrower: Vec<SkillId>,
    /// Skills related to this one by an ESCO skill–skill relation (essential or optional, either
    /// direction), sorted, deduplicated, never the skill itself.
    pub related: Vec<SkillId>,
}

/// A skill group of the hierarchy (ESCO `SkillGroup`).
#[derive(Debug, Clone)]
pub struct SkillGroup {
    /// Group URI.
    pub uri: String,
    /// Preferred label.
    pub label: String,
    /// Hierarchy code such as `S1.8.0` (empty when the export has no `code` column).
    pub code: String,
}

/// An occupation with its essential and optional skills.
#[derive(Debug, Clone)]
pub struct Occupation {
    /// Occupation URI.
    pub uri: String,
    /// Preferred label.
    pub label: String,
    /// Alternative labels (job titles).
    pub alt_labels: Vec<String>,
    /// Description text.
    pub description: String,
    /// ISCO-08 group code.
    pub isco_group: String,
    /// Essential skills (sorted, deduplicated).
    pub essential: Vec<SkillId>,
    /// Optional skills (sorted, deduplicated, disjoint from `essential`).
    pub optional: Vec<SkillId>,
}

/// How a raw string was mapped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchMethod {
    /// A taxonomy URI was given in the input.
    Uri,
    /// The folded string equals a folded preferred or alternative label.
    Exact,
    /// The folded string is an alias from an organisation's alias file.
    Alias,
    /// A token or inflection variant of a label: spelling (-ise/-ize), plural, derivation
    /// ("analysis"/"analyse"), wrapper words dropped ("good … skills"), or word order.
    Variant,
    /// Closest label by string similarity, above the threshold.
    Fuzzy,
    /// Nothing cleared the threshold.
    Unmapped,
}

impl MatchMethod {
    /// `uri`, `exact`, `alias`, `variant`, `fuzzy`, `unmapped`.
    pub fn as_str(self) -> &'static str {
        match self {
            MatchMethod::Uri => "uri",
            MatchMethod::Exact => "exact",
            MatchMethod::Alias => "alias",
            MatchMethod::Variant => "variant",
            MatchMethod::Fuzzy => "fuzzy",
            MatchMethod::Unmapped => "unmapped",
        }
    }
}

/// Result of normalizing one raw skill.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Mapping {
    /// The skill, or `None` when unmapped.
    pub skill: Option<SkillId>,
    /// Method used.
    pub method: MatchMethod,
    /// Confidence in [0, 1] (1.0 for URI and exact).
    pub confidence: f32,
}

/// Default of [`Taxonomy::fuzzy_threshold`].
///
/// Tuned with the ignored test `tune_fuzzy_threshold` on the 332 (string, ESCO URI) pairs of the
/// Decorte TECH/HOUSE validation spans and the Nesta OJO lookups, plus 3,000 synthetic one-edit
/// and 3,000 two-edit typos of ESCO labels:
///
/// | threshold | real pairs: fuzzy right / fuzzy | 1-edit typos found | 2-edit typos found |
/// |---|---|---|---|
/// | 0.80 | 1 / 18 | 3000 | 2999 |
/// | 0.85 | 1 / 2 | 3000 | 2999 |
/// | **0.88** | **1 / 1** | **3000** | **2996** |
/// | 0.90 | 0 / 0 | 2994 | 2859 |
///
/// The real pairs are mostly paraphrases, and below 0.88 their fuzzy mappings are wrong
/// ("production" → "reproduction", "communication skills" → "communication principles"); above
/// it typos start to be lost. It allows about one edit per 8 characters, so strings of fewer than
/// 8 characters only ever map exactly.
pub const DEFAULT_FUZZY_THRESHOLD: f32 = 0.88;

/// Confidence of an exact match on a folded label that several skills share.
pub const AMBIGUOUS_EXACT_CONFIDENCE: f32 = 0.95;

/// Confidence of a [`MatchMethod::Alias`] mapping.
pub const ALIAS_CONFIDENCE: f32 = 0.98;
/// Confidence of a [`MatchMethod::Variant`] mapping by spelling, plural or derivation.
pub const INFLECTION_CONFIDENCE: f32 = 0.95;
/// Confidence of a [`MatchMethod::Variant`] mapping after dropping wrapper words
/// ([`WRAPPER_WORDS`]) or reordering the tokens of a short label.
pub const REPHRASE_CONFIDENCE: f32 = 0.9;

/// What [`Taxonomy::load_aliases`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AliasLoad {
    /// Aliases added (or replaced).
    pub added: usize,
    /// Rows whose target is neither a known URI nor a label, as (line, target).
    pub unresolved: Vec<(u64, String)>,
}

/// What [`Taxonomy::load`] reads; see there for the order.
#[derive(Debug, Clone, Copy, Default)]
pub struct LoadSpec<'a> {
    /// The ESCO folder; `None` for a taxonomy of custom files only.
    pub esco_dir: Option<&'a Path>,
    /// Custom taxonomy CSVs ([`Taxonomy::add_custom`]), in order.
    pub custom: &'a [PathBuf],
    /// Alias files ([`Taxonomy::load_aliases`]), in order.
    pub aliases: &'a [PathBuf],
    /// O*NET, whose technologies to add ([`Taxonomy::add_onet_technologies`]).
    pub onet_technologies: Option<&'a onet::Onet>,
    /// [`Taxonomy::fuzzy_threshold`], when not the default.
    pub fuzzy_threshold: Option<f32>,
}

/// What [`Taxonomy::load`] loaded, and what each custom and alias file did.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The taxonomy.
    pub taxonomy: Taxonomy,
    /// Each custom taxonomy file with its load report, in order.
    pub custom: Vec<(PathBuf, CustomLoad)>,
    /// Each alias file with its load report, in order.
    pub aliases: Vec<(PathBuf, AliasLoad)>,
    /// What adding O*NET's technologies did, when they were added.
    pub technologies: Option<TechnologyLoad>,
}

/// One distinct folded label of the taxonomy and the skill it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SurfaceForm<'a> {
    /// The folded label (see [`fold`](fn@fold)).
    pub text: &'a str,
    /// The skill it names. When several skills share the label: a skill whose preferred label it
    /// is, else the lowest id.
    pub skill: SkillId,
    /// Whether `text` is the preferred label of `skill` (else an alternative label).
    pub preferred: bool,
    /// Whether other skills have this label too.
    pub ambiguous: bool,
}

/// A loaded taxonomy with its lookup indexes.
#[derive(Debug, Clone)]
pub struct Taxonomy {
    /// Short name, e.g. `esco`.
    pub name: String,
    /// Version, e.g. `1.2.0`.
    pub version: String,
    /// Skills of the base taxonomy, in URI order; then the skills of any custom taxonomies
    /// ([`Taxonomy::add_custom`]), file after file, in row order; then any O*NET technologies
    /// added by [`Taxonomy::add_onet_technologies`], in name order.
    pub skills: Vec<Skill>,
    /// Skill groups, in URI order.
    pub groups: Vec<SkillGroup>,
    /// Occupations, in URI order.
    pub occupations: Vec<Occupation>,
    /// Files read, with sha256, for the manifest: (path, sha256).
    pub files: Vec<(String, String)>,
    /// Minimum similarity (OSA, `1 - edits / max length`, on folded strings) for a
    /// [`MatchMethod::Fuzzy`] mapping; [`DEFAULT_FUZZY_THRESHOLD`] after loading.
    pub fuzzy_threshold: f32,
    by_uri: HashMap<String, SkillId>,
    forms: forms::FormIndex,
    fuzzy: fuzzy::FuzzyIndex,
    variants: variants::VariantIndex,
    aliases: HashMap<String, SkillId>,
    /// Folded O*NET technology name → the technology skill added for it (unlinked names only).
    technology_forms: HashMap<Box<str>, SkillId>,
    /// The O*NET technologies each skill stands for (linked ESCO skills and added technologies).
    technologies: HashMap<SkillId, Vec<TechnologyInfo>>,
    /// Number of skills of the base taxonomy (custom skills and O*NET technologies follow).
    base_skills: usize,
    /// Custom taxonomies added, in order; their skill ranges follow each other from `base_skills`.
    custom: Vec<CustomTaxonomy>,
    /// O*NET version, once [`Taxonomy::add_onet_technologies`] has run.
    onet_version: Option<String>,
}

/// An O*NET Technology Skills example as the taxonomy keeps it (see
/// [`Taxonomy::add_onet_technologies`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TechnologyInfo {
    /// The example name as published (`Microsoft Excel`).
    pub name: String,
    /// UNSPSC commodities it is listed under, as (code, title), sorted.
    pub commodities: Vec<(String, String)>,
    /// Whether any O*NET occupation lists it as a Hot Technology.
    pub hot: bool,
}

/// What [`Taxonomy::add_onet_technologies`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TechnologyLoad {
    /// Technology names that are a folded label (or alias) of a skill already there: linked to it.
    pub linked: usize,
    /// Technologies added as skills of their own (kind `technology`).
    pub added: usize,
}

/// Prefix of the URI of an O*NET technology skill (O*NET publishes no URIs for its examples);
/// the rest is the folded name with spaces as `-` (`onet:technology:microsoft-excel`).
pub const TECHNOLOGY_URI_PREFIX: &str = "onet:technology:";

/// The URI of the O*NET technology with this folded name.
fn technology_uri(folded: &str) -> String {
    let mut uri = String::with_capacity(TECHNOLOGY_URI_PREFIX.len() + folded.len());
    uri.push_str(TECHNOLOGY_URI_PREFIX);
    for c in folded.chars() {
        match c {
            ' ' => uri.push('-'),
            '#' => uri.push_str("%23"),
            c => uri.push(c),
        }
    }
    uri
}

/// Folds a surface form for lookup: Unicode NFKC, case folding, punctuation and whitespace folding.
/// Tokens such as `c#`, `c++`, `.net`, `node.js` keep their significant symbols.
///
/// * NFKC, then lower-casing.
/// * Letters, digits and combining marks are kept; every other run of characters becomes one
///   space; the result is trimmed.
/// * Kept symbols: `#` and runs of `+` right after a word (`c#`, `f#`, `c++`); `.` inside a token
///   or at its start (`node.js`, `asp.net`, `.net`, `4.0`; never at the end: `Java.` → `java`);
///   `/` and `&` between two runs of at most 3 word characters that are not glued to other symbols
///   (`ci/cd`, `tcp/ip`, `r&d`; but `html/css` → `html css`).
/// * Everything else, hyphens included, separates: `data-analysis` → `data analysis`.
pub fn fold(s: &str) -> String {
    thread_local! {
        static UNITS: RefCell<Vec<fold::Unit>> = const { RefCell::new(Vec::new()) };
    }
    let mut out = String::with_capacity(s.len());
    UNITS.with_borrow_mut(|units| fold::fold_into(s, units, &mut out));
    out
}

/// Where ESCO publishes skill URIs; a bare concept UUID is looked up under this prefix.
const ESCO_SKILL_PREFIX: &str = "http://data.europa.eu/esco/skill/";

/// Whether `s` looks like a UUID (`8-4-4-4-12` hex digits).
fn is_uuid(s: &str) -> bool {
    s.len() == 36
        && s.bytes().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

/// The lookup form of a URI: lower case, no trailing slash, `https://` as `http://`, a bare UUID
/// under [`ESCO_SKILL_PREFIX`].
fn canonical_uri(uri: &str) -> String {
    let lower = uri.trim_end_matches('/').to_ascii_lowercase();
    if let Some(rest) = lower.strip_prefix("https://") {
        format!("http://{rest}")
    } else if is_uuid(&lower) {
        format!("{ESCO_SKILL_PREFIX}{lower}")
    } else {
        lower
    }
}

/// The taxonomy version from a folder name such as `esco-v1.2.0`, else `unknown`.
fn version_from_dir(dir: &Path) -> String {
    dir.file_name()
        .and_then(|n| n.to_str())
        .and_then(|n| n.rsplit_once("-v"))
        .map(|(_, v)| v)
        .filter(|v| v.starts_with(|c: char| c.is_ascii_digit()))
        .unwrap_or("unknown")
        .to_string()
}

impl Mapping {
    /// The mapping of a string that matched nothing.
    pub const UNMAPPED: Mapping = Mapping { skill: None, method: MatchMethod::Unmapped, confidence: 0.0 };
}

impl Taxonomy {
    /// Loads ESCO from a folder laid out like `datasets/taxonomy/esco-v1.2.0/`.
    ///
    /// Reads `skills_en`, `skillGroups_en`, `broaderRelationsSkillPillar_en`, `skillSkillRelations_en`, `occupations_en`
    /// and `occupationSkillRelations_en`, each as `X.csv` or else `X.csv.gz`. Entities are sorted
    /// by URI, so ids are stable for a given release. A skill's `groups` are the skill groups
    /// reached in the fewest broader steps (following skill → skill edges). A relation listed
    /// as both essential and optional counts as essential. The version is taken from the folder
    /// name (`…-v1.2.0` → `1.2.0`).
    ///
    /// Errors: a missing or unreadable file ([`TaxonomyError::Io`]); a malformed CSV record, a
    /// missing column, a duplicate URI, a relation or hierarchy edge naming an unknown concept
    /// ([`TaxonomyError::Parse`], with file and line).
    pub fn load_esco(dir: &Path) -> Result<Taxonomy, TaxonomyError> {
        let data = esco::load(dir)?;
        let forms = forms::FormIndex::build(&data.skills);
        let fuzzy = fuzzy::FuzzyIndex::build(&forms.forms);
        let variants = variants::VariantIndex::build(&forms.forms);
        let base_skills = data.skills.len();
        Ok(Taxonomy {
            name: "esco".to_string(),
            version: version_from_dir(dir),
            skills: data.skills,
            groups: data.groups,
            occupations: data.occupations,
            files: data.files,
            fuzzy_threshold: DEFAULT_FUZZY_THRESHOLD,
            by_uri: data.skill_by_uri,
            forms,
            fuzzy,
            variants,
            aliases: HashMap::new(),
            technology_forms: HashMap::new(),
            technologies: HashMap::new(),
            base_skills,
            custom: Vec::new(),
            onet_version: None,
        })
    }

    /// A taxonomy with no skills, groups or occupations, to which custom taxonomies can be added
    /// ([`Taxonomy::add_custom`]) when an organisation uses only its own (`[taxonomy] esco =
    /// false`). Job titles then map to no occupation.
    pub fn empty(name: &str, version: &str) -> Taxonomy {
        Taxonomy {
            name: name.to_string(),
            version: version.to_string(),
            skills: Vec::new(),
            groups: Vec::new(),
            occupations: Vec::new(),
            files: Vec::new(),
            fuzzy_threshold: DEFAULT_FUZZY_THRESHOLD,
            by_uri: HashMap::new(),
            forms: forms::FormIndex::default(),
            fuzzy: fuzzy::FuzzyIndex::build(&[]),
            variants: variants::VariantIndex::build(&[]),
            aliases: HashMap::new(),
            technology_forms: HashMap::new(),
            technologies: HashMap::new(),
            base_skills: 0,
            custom: Vec::new(),
            onet_version: None,
        }
    }

    /// Loads a taxonomy in the one fixed order used by the nightly job, the query commands
    /// (which must rebuild the same skill ids to reopen a run) and the CLI:
    ///
    /// 1. the base ESCO folder ([`Taxonomy::load_esco`]), or [`Taxonomy::empty`] without one
    ///    (then named after the first custom taxonomy, `custom` if there is none);
    /// 2. the custom taxonomy CSVs in the order given ([`Taxonomy::add_custom`]);
    /// 3. the alias files in the order given ([`Taxonomy::load_aliases`]), so that an alias can
    ///    target a custom skill;
    /// 4. O*NET's technologies when given ([`Taxonomy::add_onet_technologies`]), so that a
    ///    technology named like a custom label or an alias links to that skill;
    /// 5. the fuzzy threshold, when given.
    ///
    /// Errors are those of each step; row problems of custom and alias files are returned in
    /// [`Loaded`], not errors.
    pub fn load(spec: &LoadSpec<'_>) -> Result<Loaded, TaxonomyError> {
        let mut taxonomy = match spec.esco_dir {
            Some(dir) => Taxonomy::load_esco(dir)?,
            None => Taxonomy::empty("custom", "none"),
        };
        let mut custom = Vec::with_capacity(spec.custom.len());
        for path in spec.custom {
            let load = taxonomy.add_custom(path)?;
            if spec.esco_dir.is_none() && custom.is_empty() {
                taxonomy.name = load.name.clone();
                taxonomy.version = load.version.clone();
            }
            custom.push((path.clone(), load));
        }
        let mut aliases = Vec::with_capacity(spec.aliases.len());
        for path in spec.aliases {
            aliases.push((path.clone(), taxonomy.load_aliases(path)?));
        }
        let technologies = spec.onet_technologies.map(|onet| taxonomy.add_onet_technologies(onet));
        if let Some(th) = spec.fuzzy_threshold {
            taxonomy.fuzzy_threshold = th;
        }
        Ok(Loaded { taxonomy, custom, aliases, technologies })
    }

    /// Rebuilds the surface-form, fuzzy and variant indexes from [`Taxonomy::skills`] (after
    /// skills were added).
    fn rebuild_indexes(&mut self) {
        self.forms = forms::FormIndex::build(&self.skills);
        self.fuzzy = fuzzy::FuzzyIndex::build(&self.forms.forms);
        self.variants = variants::VariantIndex::build(&self.forms.forms);
    }

    /// Reads an alias CSV (an organisation's own synonyms): two columns `alias,target`, where the
    /// target is a skill URI (or bare ESCO UUID) or a label (mapped exactly or by variant). A
    /// first row `alias,uri` / `alias,label` is a header. Later aliases replace earlier ones.
    /// Aliases are consulted after the exact label lookup ([`MatchMethod::Alias`]).
    ///
    /// Errors: the file cannot be read ([`TaxonomyError::Io`]) or is not CSV
    /// ([`TaxonomyError::Parse`]). Rows with an unknown target are returned in
    /// [`AliasLoad::unresolved`], not errors.
    pub fn load_aliases(&mut self, path: &Path) -> Result<AliasLoad, TaxonomyError> {
        let shown = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|source| TaxonomyError::Io { path: shown.clone(), source })?;
        let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(bytes.as_slice());
        let mut load = AliasLoad::default();
        for (i, rec) in reader.records().enumerate() {
            let rec = rec.map_err(|e| TaxonomyError::Parse {
                path: shown.clone(),
                position: e.position().map_or("unknown position".to_string(), |p| format!("line {}", p.line())),
                reason: e.to_string(),
            })?;
            let line = rec.position().map_or(i as u64 + 1, csv::Position::line);
            let (alias, target) = (rec.get(0).unwrap_or("").trim(), rec.get(1).unwrap_or("").trim());
            if i == 0 && alias.eq_ignore_ascii_case("alias") {
                continue;
            }
            let folded = fold(alias);
            if folded.is_empty() && target.is_empty() {
                continue;
            }
            let skill = self.skill_by_uri(target).or_else(|| {
                let m = self.normalize_name(target);
                matches!(m.method, MatchMethod::Exact | MatchMethod::Variant).then_some(m.skill).flatten()
            });
            match (skill, folded.is_empty()) {
                (Some(id), false) => {
                    self.aliases.insert(folded, id);
                    load.added += 1;
                }
                _ => load.unresolved.push((line, target.to_string())),
            }
        }
        Ok(load)
    }

    /// Adds one alias (folded) for a skill; see [`Taxonomy::load_aliases`].
    pub fn add_alias(&mut self, alias: &str, skill: SkillId) {
        let folded = fold(alias);
        if !folded.is_empty() && (skill as usize) < self.skills.len() {
            self.aliases.insert(folded, skill);
        }
    }

    /// The skill with this URI, if any.
    ///
    /// Besides the exact URI this accepts `https://` for `http://`, trailing slashes, surrounding
    /// whitespace, upper case, and a bare ESCO skill UUID.
    pub fn skill_by_uri(&self, uri: &str) -> Option<SkillId> {
        let uri = uri.trim();
        if let Some(&id) = self.by_uri.get(uri) {
            return Some(id);
        }
        self.by_uri.get(&canonical_uri(uri)).copied()
    }

    /// The skill group with this URI, if any; accepts the same variations as
    /// [`Taxonomy::skill_by_uri`] (ESCO publishes skill groups under the skill URI prefix, so a
    /// bare UUID works too).
    pub fn group_by_uri(&self, uri: &str) -> Option<u32> {
        let uri = uri.trim();
        let find = |u: &str| self.groups.binary_search_by(|g| g.uri.as_str().cmp(u)).ok().map(|i| i as u32);
        find(uri).or_else(|| find(&canonical_uri(uri)))
    }

    /// Every distinct folded preferred and alternative label, in byte order of the folded text.
    pub fn surface_forms(&self) -> impl Iterator<Item = SurfaceForm<'_>> + '_ {
        self.forms.forms.iter().map(|f| SurfaceForm {
            text: &f.text,
            skill: f.skill,
            preferred: f.preferred,
            ambiguous: f.ambiguous,
        })
    }

    /// The surface form equal to `folded` (which must already be [`fold`](fn@fold)ed), if any.
    pub fn surface_form(&self, folded: &str) -> Option<SurfaceForm<'_>> {
        self.forms.get(folded).map(|f| SurfaceForm {
            text: &f.text,
            skill: f.skill,
            preferred: f.preferred,
            ambiguous: f.ambiguous,
        })
    }

    /// The skill record.
    pub fn skill(&self, id: SkillId) -> &Skill {
        &self.skills[id as usize]
    }

    /// Adds O*NET's Technology Skills examples (call once, after any custom taxonomies and alias
    /// files; [`Taxonomy::load`] keeps that order):
    ///
    /// * a technology whose [`fold`](fn@fold)ed name is a folded label or an alias of a skill already
    ///   there (ESCO's, or a custom taxonomy's) is **linked** to that skill (`Python` → ESCO
    ///   *Python (computer programming)*);
    /// * any other technology becomes a skill of its own, appended after the taxonomy's
    ///   (in name order, so ids are stable for a release): kind `technology`, label the
    ///   published name, URI [`TECHNOLOGY_URI_PREFIX`] + the folded name, no groups or
    ///   relations. [`Taxonomy::normalize`] maps the exact name to it (after the exact label and
    ///   alias steps) and the extractor finds it in text (see [`Taxonomy::technology_forms`]).
    ///
    /// Either way [`Taxonomy::technologies_of`] gives the skill's O*NET technologies (name,
    /// commodities, Hot Technology flag). O*NET's files join [`Taxonomy::files`]. A second call
    /// does nothing.
    pub fn add_onet_technologies(&mut self, onet: &onet::Onet) -> TechnologyLoad {
        let mut load = TechnologyLoad::default();
        if self.onet_version.is_some() {
            return load;
        }
        for t in &onet.technologies {
            let folded = fold(&t.name);
            if folded.is_empty() {
                continue;
            }
            let info = TechnologyInfo { name: t.name.clone(), commodities: t.commodities.clone(), hot: t.hot };
            let existing = self
                .forms
                .get(&folded)
                .map(|f| f.skill)
                .or_else(|| self.aliases.get(&folded).copied())
                .map(|id| (id, true))
                .or_else(|| self.technology_forms.get(folded.as_str()).map(|&id| (id, false)));
            match existing {
                Some((id, linked)) => {
                    self.technologies.entry(id).or_default().push(info);
                    load.linked += usize::from(linked);
                }
                None => {
                    let id = self.skills.len() as SkillId;
                    let uri = technology_uri(&folded);
                    self.by_uri.insert(uri.clone(), id);
                    self.skills.push(Skill {
                        uri,
                        label: t.name.clone(),
                        kind: "technology".into(),
                        ..Skill::default()
                    });
                    self.technology_forms.insert(folded.into(), id);
                    self.technologies.insert(id, vec![info]);
                    load.added += 1;
                }
            }
        }
        self.files.extend(onet.files.iter().cloned());
        self.onet_version = Some(onet.version.clone());
        load
    }

    /// The O*NET technologies `id` stands for: the technologies linked to an ESCO skill, or the
    /// one an added technology skill is; empty before [`Taxonomy::add_onet_technologies`].
    pub fn technologies_of(&self, id: SkillId) -> &[TechnologyInfo] {
        self.technologies.get(&id).map_or(&[], Vec::as_slice)
    }

    /// The first id after the base taxonomy's and the custom taxonomies' skills (O*NET
    /// technologies start here).
    fn technology_start(&self) -> usize {
        self.custom.last().map_or(self.base_skills, |c| c.skills.end as usize)
    }

    /// Whether `id` is an O*NET technology added by [`Taxonomy::add_onet_technologies`] (not a
    /// skill of the base taxonomy or of a custom one).
    pub fn is_technology(&self, id: SkillId) -> bool {
        id as usize >= self.technology_start() && (id as usize) < self.skills.len()
    }

    /// `(name, version)` of the taxonomy `id` comes from: this taxonomy's (`esco`, `1.2.0`); a
    /// custom taxonomy's ([`CustomTaxonomy::name`], [`CustomTaxonomy::version`]) for its skills;
    /// (`onet`, `29.2`) for an added O*NET technology.
    pub fn source_of(&self, id: SkillId) -> (&str, &str) {
        if id as usize >= self.base_skills {
            if let Some(c) = self.custom.iter().find(|c| c.skills.contains(&id)) {
                return (&c.name, &c.version);
            }
            if let (Some(v), true) = (&self.onet_version, self.is_technology(id)) {
                return ("onet", v);
            }
        }
        (&self.name, &self.version)
    }

    /// How many O*NET technologies [`Taxonomy::add_onet_technologies`] added as skills.
    pub fn technology_count(&self) -> usize {
        self.skills.len().saturating_sub(self.technology_start())
    }

    /// The O*NET version added by [`Taxonomy::add_onet_technologies`], if any.
    pub fn onet_version(&self) -> Option<&str> {
        self.onet_version.as_deref()
    }

    /// The folded name of every added O*NET technology skill with its id, in byte order of the
    /// name (the extractor's dictionary for technologies; linked names are ESCO surface forms).
    pub fn technology_forms(&self) -> Vec<(&str, SkillId)> {
        let mut v: Vec<(&str, SkillId)> = self.technology_forms.iter().map(|(k, &id)| (&**k, id)).collect();
        v.sort_unstable();
        v
    }

    /// Maps a raw skill: URI given → exact folded label → alias → variant → fuzzy above the
    /// threshold.
    ///
    /// 1. `uri` known (see [`Taxonomy::skill_by_uri`]) → [`MatchMethod::Uri`], confidence 1.0;
    ///    an unknown URI falls through to the name.
    /// 2. The folded `name` is a surface form → [`MatchMethod::Exact`], confidence 1.0, or
    ///    [`AMBIGUOUS_EXACT_CONFIDENCE`] when several skills share that label.
    /// 3. The folded `name` is an alias ([`Taxonomy::load_aliases`]) → [`MatchMethod::Alias`],
    ///    [`ALIAS_CONFIDENCE`]; else the name of an O*NET technology added as a skill
    ///    ([`Taxonomy::add_onet_technologies`]) → [`MatchMethod::Exact`], confidence 1.0.
    /// 4. A token or inflection variant of `name` is a label → [`MatchMethod::Variant`],
    ///    [`INFLECTION_CONFIDENCE`] (spelling, plural, derivation) or [`REPHRASE_CONFIDENCE`]
    ///    (wrapper words dropped, word order of 2–3 tokens); times [`AMBIGUOUS_EXACT_CONFIDENCE`]
    ///    when the label is shared.
    /// 5. The most similar surface form with similarity ≥ [`Taxonomy::fuzzy_threshold`] →
    ///    [`MatchMethod::Fuzzy`], confidence = similarity.
    /// 6. Otherwise [`Mapping::UNMAPPED`].
    pub fn normalize(&self, raw: &RawSkill) -> Mapping {
        if let Some(id) = raw.uri.as_deref().and_then(|u| self.skill_by_uri(u)) {
            return Mapping { skill: Some(id), method: MatchMethod::Uri, confidence: 1.0 };
        }
        match raw.name.as_deref() {
            Some(name) => self.normalize_name(name),
            None => Mapping::UNMAPPED,
        }
    }

    /// Maps a string that may be a URI (`http…`, or a bare ESCO UUID) or a name: a known URI maps
    /// by [`MatchMethod::Uri`], anything else goes through [`Taxonomy::normalize_name`].
    pub fn normalize_text(&self, text: &str) -> Mapping {
        let t = text.trim();
        if (t.starts_with("http://") || t.starts_with("https://") || is_uuid(t))
            && let Some(id) = self.skill_by_uri(t)
        {
            return Mapping { skill: Some(id), method: MatchMethod::Uri, confidence: 1.0 };
        }
        self.normalize_name(text)
    }

    /// Maps many skill names, each distinct string once: the result for `names[i]` is
    /// `self.normalize_name(&names[i])`, computed in parallel over the distinct strings (real
    /// exports repeat the same few thousand strings across millions of badges).
    pub fn normalize_names<S: AsRef<str> + Sync>(&self, names: &[S]) -> Vec<Mapping> {
        use rayon::prelude::*;
        let mut first: HashMap<&str, u32> = HashMap::with_capacity(names.len().min(1 << 16));
        let mut distinct: Vec<&str> = Vec::new();
        let slots: Vec<u32> = names
            .iter()
            .map(|n| {
                let n = n.as_ref();
                *first.entry(n).or_insert_with(|| {
                    distinct.push(n);
                    distinct.len() as u32 - 1
                })
            })
            .collect();
        let mapped: Vec<Mapping> = distinct.par_iter().map(|n| self.normalize_name(n)).collect();
        slots.into_iter().map(|i| mapped[i as usize]).collect()
    }

    /// Maps a skill name (steps 2–5 of [`Taxonomy::normalize`]).
    pub fn normalize_name(&self, name: &str) -> Mapping {
        let folded = fold(name);
        if folded.is_empty() {
            return Mapping::UNMAPPED;
        }
        if let Some(form) = self.forms.get(&folded) {
            let confidence = match form.ambiguous {
                true => AMBIGUOUS_EXACT_CONFIDENCE,
                false => 1.0,
            };
            return Mapping { skill: Some(form.skill), method: MatchMethod::Exact, confidence };
        }
        if let Some(&id) = self.aliases.get(&folded) {
            return Mapping { skill: Some(id), method: MatchMethod::Alias, confidence: ALIAS_CONFIDENCE };
        }
        if let Some(&id) = self.technology_forms.get(folded.as_str()) {
            return Mapping { skill: Some(id), method: MatchMethod::Exact, confidence: 1.0 };
        }
        if let Some((f, kind)) = self.variants.find(&folded) {
            let form = &self.forms.forms[f as usize];
            let mut confidence = match kind {
                variants::VariantKind::Inflection => INFLECTION_CONFIDENCE,
                _ => REPHRASE_CONFIDENCE,
            };
            if form.ambiguous {
                confidence *= AMBIGUOUS_EXACT_CONFIDENCE;
            }
            return Mapping { skill: Some(form.skill), method: MatchMethod::Variant, confidence };
        }
        let hit = self.fuzzy.best(&self.forms.forms, &folded, self.fuzzy_threshold);
        match hit {
            Some(hit) => Mapping {
                skill: Some(self.forms.forms[hit.form as usize].skill),
                method: MatchMethod::Fuzzy,
                confidence: hit.score,
            },
            None => Mapping::UNMAPPED,
        }
    }
}

#[cfg(test)]
pub(crate) mod tests;
