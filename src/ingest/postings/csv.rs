//! Any postings CSV with a header row, its columns found by a configurable
//! [`PostingsCsvMapping`] (`[inputs.postings_csv]`), so an ATS's own CSV export reads without
//! editing. Quoted fields may span lines; a bad row is rejected with its line and the rest are read.

use serde::{Deserialize, Serialize};

use super::super::csvhead::{find, fold, names};
use super::super::csvrec::records;
use super::super::files::WHOLE_FILE;
use super::super::types::{Requirement, SourceRef};
use super::build::{Found, add_skill, blank, named};

/// Which CSV header names hold which posting field. Header names are compared ignoring case,
/// spaces and punctuation (`Job Title` = `job_title`); for each field the first listed name
/// present in the header wins. Set a list to `[]` to ignore a field. `id` and `title` columns are
/// required.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PostingsCsvMapping {
    /// Posting / requisition id.
    pub id: Vec<String>,
    /// Job title.
    pub title: Vec<String>,
    /// Hiring organisation.
    pub employer: Vec<String>,
    /// Location as text.
    pub location: Vec<String>,
    /// Date posted.
    pub date_posted: Vec<String>,
    /// Closing date.
    pub valid_through: Vec<String>,
    /// Description (HTML or text).
    pub description: Vec<String>,
    /// Required skills, separated by any character of `skill_separators`.
    pub required_skills: Vec<String>,
    /// Preferred skills, separated the same way.
    pub preferred_skills: Vec<String>,
    /// The posting's public URL.
    pub url: Vec<String>,
    /// Characters that separate skills inside a skills cell (default `;`).
    pub skill_separators: String,
}

impl Default for PostingsCsvMapping {
    fn default() -> Self {
        PostingsCsvMapping {
            id: names(&["id", "Job ID", "Requisition ID", "Req ID", "Posting ID", "Job Code"]),
            title: names(&["title", "Job Title", "Position", "Position Title", "Posting Title"]),
            employer: names(&["employer", "Company", "Company Name", "Organization", "Hiring Organization"]),
            location: names(&["location", "Job Location", "City", "Office"]),
            date_posted: names(&["date_posted", "Posted Date", "Date Posted", "Published", "Created"]),
            valid_through: names(&["valid_through", "Closing Date", "Expiry Date", "Close Date"]),
            description: names(&["description", "Job Description", "Description HTML", "Content"]),
            required_skills: names(&["required_skills", "Skills", "Required Skills", "Must Have Skills"]),
            preferred_skills: names(&["preferred_skills", "Preferred Skills", "Nice To Have Skills"]),
            url: names(&["url", "Job URL", "Posting URL", "Apply URL"]),
            skill_separators: ";".to_string(),
        }
    }
}

/// Reads a postings CSV.
pub(super) fn read(bytes: &[u8], path: &str, mapping: &PostingsCsvMapping, found: &mut Found) {
    let mut recs = records(bytes, false).into_iter();
    let Some(first) = recs.next() else {
        found.push(Err((WHOLE_FILE.into(), "empty file (no header row)".into())));
        return;
    };
    let header = match first.fields {
        Ok(h) => h,
        Err(e) => {
            found.push(Err((format!("line {}", first.line), format!("unreadable header row: {e}"))));
            return;
        }
    };
    let folded: Vec<String> = header.iter().map(|h| fold(h)).collect();
    let m = mapping;
    let cols = [
        &m.id,
        &m.title,
        &m.employer,
        &m.location,
        &m.date_posted,
        &m.valid_through,
        &m.description,
        &m.required_skills,
        &m.preferred_skills,
        &m.url,
    ]
    .map(|w| find(&folded, w));
    if cols[0].is_none() || cols[1].is_none() {
        let msg = format!(
            "wrong shape: the header must name an id column (one of {}) and a title column (one of {}); found {}",
            m.id.join(", "),
            m.title.join(", "),
            super::super::limits::truncate(&header.join(","), 300)
        );
        found.push(Err((format!("line {}", first.line), msg)));
        return;
    }
    for rec in recs {
        let position = rec.position();
        let fields = match rec.into_row(header.len()) {
            Ok(f) => f,
            Err(e) => {
                found.push(Err((position, e)));
                continue;
            }
        };
        let get = |k: usize| cols[k].and_then(|c| fields.get(c)).cloned().filter(|s| !s.is_empty());
        let Some(id) = get(0) else {
            found.push(Err((position, "missing id".to_string())));
            continue;
        };
        let Some(title) = get(1) else {
            found.push(Err((position, "missing title".to_string())));
            continue;
        };
        let mut p = blank(SourceRef { path: path.to_string(), position }, id, title);
        p.employer = get(2);
        p.location = get(3);
        p.date_posted = get(4);
        p.valid_through = get(5);
        p.description = get(6).unwrap_or_default();
        for (col, req) in [(7, Requirement::Required), (8, Requirement::Preferred)] {
            for part in get(col).unwrap_or_default().split(|c: char| m.skill_separators.contains(c)) {
                add_skill(&mut p.skills, named(part), req);
            }
        }
        p.url = get(9);
        found.push(Ok(p));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ats_export_with_its_own_headers_reads_through_the_mapping() {
        let mapping: PostingsCsvMapping = toml::from_str(
            "id = [\"Req #\"]\ntitle = [\"Role\"]\nrequired_skills = [\"Tags\"]\nskill_separators = \"|\"",
        )
        .expect("mapping deserializes");
        let csv = "Req #,Role,Company,Tags,Extra\nR-1,Welder,Acme,welding|blueprints,x\nR-2,,Acme,,x\n";
        let mut found = Found::new();
        read(csv.as_bytes(), "ats.csv", &mapping, &mut found);
        assert_eq!(found.len(), 2);
        let p = found[0].as_ref().expect("row 2 reads");
        assert_eq!((p.id.as_str(), p.title.as_str(), p.employer.as_deref()), ("R-1", "Welder", Some("Acme")));
        assert_eq!(p.skills.len(), 2);
        assert_eq!(found[1].as_ref().err(), Some(&("line 3".to_string(), "missing title".to_string())));
        let mut found = Found::new();
        read(b"name,place\nx,y\n", "other.csv", &PostingsCsvMapping::default(), &mut found);
        assert!(found[0].as_ref().is_err_and(|(pos, r)| pos == "line 1" && r.starts_with("wrong shape")));
        assert!(toml::from_str::<PostingsCsvMapping>("bogus = []").is_err(), "unknown keys are errors");
    }
}
