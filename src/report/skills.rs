//! Skill-level files: `unmapped_skills.csv`, `crosswalk.csv`, `meaning.csv` (with `[meaning]`)
//! and `supply_demand.csv`.

use std::collections::BTreeMap;
use std::path::Path;

use super::table::{Col, Table};
use super::{OutputFile, ReportError, ReportInput};
use crate::ingest::Requirement;
use crate::normalize::CrosswalkRow;
use crate::taxonomy::{MatchMethod, SkillId};
use crate::verify::Status;

fn raw_cols<'a>(rows: &[&'a CrosswalkRow]) -> Vec<Col<'a>> {
    vec![
        Col::str("source", rows.iter().map(|r| r.source.as_str()).collect()),
        Col::opt("raw_name", rows.iter().map(|r| r.raw.name.as_deref()).collect()),
        Col::opt("raw_uri", rows.iter().map(|r| r.raw.uri.as_deref()).collect()),
    ]
}

/// The O*NET columns of `crosswalk.csv`, from the O*NET technologies the mapped skill stands for
/// (an ESCO skill whose label is a technology name, or a technology added as a skill):
/// `onet_technology` (names), `onet_commodity` (UNSPSC `code title`), `onet_hot` (`true` when any
/// of them is a Hot Technology); empty when the skill stands for none.
fn onet_cols(tax: &crate::taxonomy::Taxonomy, rows: &[&CrosswalkRow]) -> Vec<Col<'static>> {
    let techs = |r: &&CrosswalkRow| r.mapping.skill.map_or(&[][..], |s| tax.technologies_of(s));
    let commodities = |r: &&CrosswalkRow| {
        let mut v: Vec<String> =
            techs(r).iter().flat_map(|t| t.commodities.iter().map(|(code, title)| format!("{code} {title}"))).collect();
        v.sort();
        v.dedup();
        v
    };
    let hot = |r: &&CrosswalkRow| {
        let t = techs(r);
        (!t.is_empty()).then(|| t.iter().any(|t| t.hot).to_string())
    };
    // Plain `;`-joined text (the file is CSV only): list columns cost seconds at 100k+ rows.
    let joined = |v: Vec<String>| (!v.is_empty()).then(|| v.join(";"));
    vec![
        Col::opt(
            "onet_technology",
            rows.iter().map(|r| joined(techs(r).iter().map(|t| t.name.clone()).collect())).collect(),
        ),
        Col::opt("onet_commodity", rows.iter().map(|r| joined(commodities(r))).collect()),
        Col::opt("onet_hot", rows.iter().map(hot).collect()),
    ]
}

/// Writes the three files.
pub fn write(dir: &Path, input: &ReportInput<'_>) -> Result<Vec<OutputFile>, ReportError> {
    let tax = input.taxonomy;
    let cw = &input.normalized.crosswalk;

    let mut unmapped: Vec<&CrosswalkRow> = cw.iter().filter(|r| r.mapping.method == MatchMethod::Unmapped).collect();
    unmapped.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| (a.source, &a.raw).cmp(&(b.source, &b.raw))));
    let mut cols = raw_cols(&unmapped);
    cols.push(Col::u64("count", unmapped.iter().map(|r| r.count).collect()));
    let mut out = vec![super::csv(dir, super::schema::UNMAPPED_SKILLS, &Table::new(cols), input.csv_bom)?];

    let all: Vec<&CrosswalkRow> = cw.iter().collect();
    let uri = |r: &&CrosswalkRow| r.mapping.skill.map(|s| tax.skill(s).uri.as_str());
    let lab = |r: &&CrosswalkRow| r.mapping.skill.map(|s| tax.skill(s).label.as_str());
    let mut cols = raw_cols(&all);
    cols.extend([
        Col::opt("uri", all.iter().map(uri).collect()),
        Col::opt("label", all.iter().map(lab).collect()),
        Col::str("taxonomy", all.iter().map(|r| r.mapping.skill.map_or("", |s| tax.source_of(s).0)).collect()),
        Col::str("method", all.iter().map(|r| r.mapping.method.as_str()).collect()),
        Col::f64("confidence", all.iter().map(|r| crate::util::round4(r.mapping.confidence as f64)).collect()),
        Col::u64("count", all.iter().map(|r| r.count).collect()),
    ]);
    cols.extend(onet_cols(tax, &all));
    out.push(super::csv(dir, super::schema::CROSSWALK, &Table::new(cols), input.csv_bom)?);

    if !input.normalized.meaning.is_empty() {
        out.push(meaning(dir, input)?);
    }
    out.push(supply_demand(dir, input)?);
    Ok(out)
}

/// `meaning.csv`: one row per skill found in a posting's text and per job title's occupation
/// found by meaning, by role id: `role_id, use, uri, label, method, confidence, evidence` (the
/// sentence, or the title). Skill strings mapped by meaning are in `crosswalk.csv` (method
/// `semantic`).
fn meaning(dir: &Path, input: &ReportInput<'_>) -> Result<OutputFile, ReportError> {
    let rows = &input.normalized.meaning;
    let text = |f: fn(&crate::normalize::MeaningRow) -> &str| rows.iter().map(|r| f(r).to_string()).collect();
    let cols = vec![
        Col::str("role_id", text(|r| &r.role_id)),
        Col::str("use", text(|r| r.what)),
        Col::str("uri", text(|r| &r.uri)),
        Col::str("label", text(|r| &r.label)),
        Col::str("method", text(|r| &r.method)),
        Col::f64("confidence", rows.iter().map(|r| crate::util::round4(r.confidence as f64)).collect()),
        Col::str("evidence", text(|r| &r.evidence)),
    ];
    super::csv(dir, super::schema::MEANING, &Table::new(cols), input.csv_bom)
}

/// One skill's demand and supply (`supply_demand.csv`'s row, `report.html`'s gaps).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SkillTally {
    /// Roles requiring it.
    pub roles_required: u64,
    /// Roles preferring it.
    pub roles_preferred: u64,
    /// Candidates with counted evidence of it.
    pub candidates_with_evidence: u64,
    /// Candidates with verified evidence of it.
    pub candidates_verified: u64,
}

impl SkillTally {
    /// Roles asking for the skill.
    pub fn demand(&self) -> u64 {
        self.roles_required + self.roles_preferred
    }
}

/// Per skill: how many roles ask for it and how many candidates can prove it.
pub(crate) fn tally(input: &ReportInput<'_>) -> BTreeMap<SkillId, SkillTally> {
    let mut tally: BTreeMap<SkillId, SkillTally> = BTreeMap::new();
    for role in input.roles {
        for rs in &role.skills {
            let t = tally.entry(rs.skill).or_default();
            match rs.requirement {
                Requirement::Required => t.roles_required += 1,
                Requirement::Preferred => t.roles_preferred += 1,
            }
        }
    }
    for p in input.profiles {
        for h in &p.skills {
            let t = tally.entry(h.skill).or_default();
            t.candidates_with_evidence += 1;
            if h.evidence
                .iter()
                .any(|&c| input.credentials.get(c as usize).is_some_and(|v| v.status == Status::Verified))
            {
                t.candidates_verified += 1;
            }
        }
    }
    tally
}

/// `supply_demand.csv`: the tally, most demanded skills first.
fn supply_demand(dir: &Path, input: &ReportInput<'_>) -> Result<OutputFile, ReportError> {
    let tally = tally(input);
    let mut rows: Vec<(&SkillId, &SkillTally)> = tally.iter().collect();
    let demand = |t: &SkillTally| t.demand();
    rows.sort_by(|a, b| {
        demand(b.1).cmp(&demand(a.1)).then_with(|| input.taxonomy.skill(*a.0).uri.cmp(&input.taxonomy.skill(*b.0).uri))
    });
    let table = Table::new(vec![
        Col::str("skill_uri", rows.iter().map(|(s, _)| input.taxonomy.skill(**s).uri.clone()).collect()),
        Col::str("skill_label", rows.iter().map(|(s, _)| input.taxonomy.skill(**s).label.clone()).collect()),
        Col::u64("roles_required", rows.iter().map(|(_, t)| t.roles_required).collect()),
        Col::u64("roles_preferred", rows.iter().map(|(_, t)| t.roles_preferred).collect()),
        Col::u64("candidates_with_evidence", rows.iter().map(|(_, t)| t.candidates_with_evidence).collect()),
        Col::u64("candidates_verified", rows.iter().map(|(_, t)| t.candidates_verified).collect()),
    ]);
    super::csv(dir, super::schema::SUPPLY_DEMAND, &table, input.csv_bom)
}
