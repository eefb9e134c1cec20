//! Credly CSV exports (the "issued badges" report): one badge per row, columns found by header
//! name through a configurable [`CredlyCsvMapping`]. Every field is repaired for mojibake
//! ([`super::repair_mojibake`]) before anything else reads it. Earner names are never kept.

use serde::{Deserialize, Serialize};

use super::credential::blank;
use super::csvhead::{find, fold, names};
use super::csvrec::{RawRecord, records};
use super::dates::{parse_datetime, unparseable_date};
use super::files::WHOLE_FILE;
use super::json::push_skill;
use super::limits::truncate;
use super::mojibake::repair_mojibake;
use super::problem::{Problem, ProblemKind};
use super::types::{BadgeFormat, Credential, RawSkill, Recipient, SourceRef, VerificationKind};

/// Which CSV header names hold which Credly field. Header names are compared ignoring case,
/// spaces and punctuation (`Issued To Email` = `issued_to_email`); for each field the first
/// listed name present in the header wins. Set a list to `[]` to ignore a field.
///
/// The defaults cover the common Credly "issued badges" report headers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CredlyCsvMapping {
    /// Badge (issued badge) id. Without such a column, ids are synthesized from path and line.
    pub id: Vec<String>,
    /// Badge template name: the achievement (required column).
    pub badge_name: Vec<String>,
    /// Badge template id.
    pub template_id: Vec<String>,
    /// Earner email used to join the roster.
    pub recipient_email: Vec<String>,
    /// Issue date.
    pub issued_at: Vec<String>,
    /// Expiry date.
    pub expires_at: Vec<String>,
    /// Badge state (`accepted`, `pending`, `rejected`, `revoked`).
    pub state: Vec<String>,
    /// Issuing organization name.
    pub issuer: Vec<String>,
    /// Issuing organization id.
    pub issuer_id: Vec<String>,
    /// Skills, separated by any character of `skill_separators`.
    pub skills: Vec<String>,
    /// Characters that separate skills inside the skills cell (default `,;`).
    pub skill_separators: String,
}

impl Default for CredlyCsvMapping {
    fn default() -> Self {
        CredlyCsvMapping {
            id: names(&["Badge Id", "ID", "Issued Badge Id", "Credential Id"]),
            badge_name: names(&["Badge Name", "Badge Template Name", "Badge Template", "Badge"]),
            template_id: names(&["Badge Template Id", "Template Id"]),
            recipient_email: names(&["Issued To Email", "Recipient Email", "Earner Email", "Email"]),
            issued_at: names(&["Issued At", "Issued Date", "Issue Date", "Issued On", "Date Issued"]),
            expires_at: names(&["Expires At", "Expiration Date", "Expiry Date", "Expires On", "Expires"]),
            state: names(&["State", "Badge State", "Status"]),
            issuer: names(&["Issuer", "Organization Name", "Issuer Name", "Organization"]),
            issuer_id: names(&["Organization Id", "Issuer Id"]),
            skills: names(&["Skills", "Badge Skills"]),
            skill_separators: ",;".to_string(),
        }
    }
}

/// Column indexes of each field in one file.
#[derive(Debug, Default)]
struct Columns {
    id: Option<usize>,
    badge_name: Option<usize>,
    template_id: Option<usize>,
    recipient_email: Option<usize>,
    issued_at: Option<usize>,
    expires_at: Option<usize>,
    state: Option<usize>,
    issuer: Option<usize>,
    issuer_id: Option<usize>,
    skills: Option<usize>,
}

/// One CSV row's outcome: a credential or a reject reason, at `line N`.
pub(crate) type Row = (String, Result<Credential, String>);

/// Reads a Credly CSV file: the rows as credentials (claim and roster join are the caller's),
/// or a whole-file failure `(position, reason)`.
pub(crate) fn parse(bytes: &[u8], path: &str, mapping: &CredlyCsvMapping) -> Result<Vec<Row>, (String, String)> {
    let mut recs = records(bytes, false).into_iter();
    let Some(first) = recs.next() else {
        return Err((WHOLE_FILE.to_string(), "empty file (no header row)".to_string()));
    };
    let header = first.fields.map_err(|e| (format!("line {}", first.line), format!("unreadable header row: {e}")))?;
    let shown: Vec<String> = header.iter().map(|h| repair_mojibake(h).into_owned()).collect();
    let folded: Vec<String> = shown.iter().map(|h| fold(h)).collect();
    let cols = Columns {
        id: find(&folded, &mapping.id),
        badge_name: find(&folded, &mapping.badge_name),
        template_id: find(&folded, &mapping.template_id),
        recipient_email: find(&folded, &mapping.recipient_email),
        issued_at: find(&folded, &mapping.issued_at),
        expires_at: find(&folded, &mapping.expires_at),
        state: find(&folded, &mapping.state),
        issuer: find(&folded, &mapping.issuer),
        issuer_id: find(&folded, &mapping.issuer_id),
        skills: find(&folded, &mapping.skills),
    };
    if cols.badge_name.is_none() {
        return Err((
            format!("line {}", first.line),
            format!(
                "not a Credly CSV export: no badge name column (looked for {}; found {})",
                mapping.badge_name.join(", "),
                truncate(&shown.join(", "), 300)
            ),
        ));
    }
    Ok(recs.map(|rec| row(rec, header.len(), &cols, path, mapping)).collect())
}

fn row(rec: RawRecord, width: usize, cols: &Columns, path: &str, mapping: &CredlyCsvMapping) -> Row {
    let position = rec.position();
    let fields = match rec.into_row(width) {
        Ok(f) => f,
        Err(e) => return (position, Err(e)),
    };
    let fields: Vec<String> = fields.iter().map(|f| repair_mojibake(f).into_owned()).collect();
    let get = |col: Option<usize>| col.and_then(|i| fields.get(i)).map(|s| s.trim()).filter(|s| !s.is_empty());
    let mut c = blank(SourceRef { path: path.to_string(), position: position.clone() }, BadgeFormat::Credly);
    if cols.id.is_some() {
        match get(cols.id) {
            Some(id) => c.credential_id = id.to_string(),
            None => return (position, Err("row has no badge id".to_string())),
        }
    }
    c.verification = VerificationKind::PlatformExport;
    c.achievement = get(cols.badge_name).map(str::to_string).map(Into::into);
    if c.achievement.is_none() {
        c.problems.push(Problem::new("badge name", ProblemKind::Empty, ""));
    }
    c.achievement_id = get(cols.template_id).map(str::to_string).map(Into::into);
    if let Some(email) = get(cols.recipient_email) {
        c.recipient = Recipient::Plain { kind: "email".to_string(), identity: email.to_string() };
    }
    let dates = [
        (cols.issued_at, "issued_at", ProblemKind::BadIssueDate, &mut c.issued_on),
        (cols.expires_at, "expires_at", ProblemKind::BadDate, &mut c.expires),
    ];
    for (col, key, kind, slot) in dates {
        if let Some(s) = get(col) {
            match parse_datetime(s) {
                Some(d) => *slot = Some(d),
                None => c.problems.push(unparseable_date(key, kind, s)),
            }
        }
    }
    c.platform_state = get(cols.state).map(str::to_lowercase);
    c.issuer_name = get(cols.issuer).map(str::to_string).map(Into::into);
    c.issuer_id = get(cols.issuer_id).map(str::to_string).map(Into::into);
    if let Some(cell) = get(cols.skills) {
        for name in cell.split(|ch: char| mapping.skill_separators.contains(ch)) {
            let name = name.trim();
            if !name.is_empty() {
                push_skill(&mut c.skills, RawSkill { name: Some(name.into()), uri: None });
            }
        }
    }
    (position, Ok(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_headers_case_and_space_insensitive() {
        let csv = "badge_id,BADGE NAME,Issued To First Name,Issued To Last Name,issued to email,Issued Date,Expires At,Badge State,Organization Name,Skills\n\
                   b-1,Certified SAFeÂ® 6 Agilist,Ann,Lee,ann@example.org,2024-03-01,,Accepted,CafÃ© Academy,\"Agile; Lean, Scrum\"\n\
                   ,No id,A,B,c@example.org,2024-01-01,,accepted,X,\n\
                   b-3,Short row\n\
                   b-4,,A,B,d@example.org,someday,,pending,X,\n";
        let rows = parse(csv.as_bytes(), "x.csv", &CredlyCsvMapping::default()).expect("header maps");
        assert_eq!(rows.len(), 4);
        let (pos, first) = &rows[0];
        assert_eq!(pos, "line 2");
        let c = first.as_ref().expect("row 1");
        assert_eq!(c.credential_id, "b-1");
        assert_eq!(c.achievement.as_deref(), Some("Certified SAFe® 6 Agilist"));
        assert_eq!(c.issuer_name.as_deref(), Some("Café Academy"));
        assert_eq!(c.platform_state.as_deref(), Some("accepted"));
        assert_eq!(c.recipient, Recipient::Plain { kind: "email".into(), identity: "ann@example.org".into() });
        let skills: Vec<&str> = c.skills.iter().filter_map(|s| s.name.as_deref()).collect();
        assert_eq!(skills, ["Agile", "Lean", "Scrum"]);
        assert!(c.problems.is_empty());
        assert!(!format!("{c:?}").contains("Lee"), "earner names are not kept");
        assert_eq!(rows[1].1.as_ref().err().map(String::as_str), Some("row has no badge id"));
        assert!(rows[2].1.as_ref().is_err_and(|e| e.contains("expected 10 columns, found 2")));
        let bad = rows[3].1.as_ref().expect("row with problems");
        assert_eq!(
            super::super::problem::join(&bad.problems),
            "badge name is empty; issued_at: unparseable date \"someday\""
        );
    }

    #[test]
    fn custom_mapping_and_unmapped_header() {
        let mapping: CredlyCsvMapping =
            toml::from_str("badge_name = [\"Credential\"]\nid = []\nskill_separators = \"|\"\nskills = [\"Tags\"]")
                .expect("mapping deserializes");
        let rows = parse(b"Credential,Tags\nSQL,a|b\n", "y.csv", &mapping).expect("maps");
        let c = rows[0].1.as_ref().expect("row");
        assert_eq!(c.credential_id, "y.csv#line 2", "synthesized id without an id column");
        assert_eq!(c.skills.len(), 2);
        let err = parse(b"candidate_id,emails\nc1,a@x\n", "z.csv", &CredlyCsvMapping::default()).err();
        assert!(err.is_some_and(|(_, r)| r.starts_with("not a Credly CSV export: no badge name column")));
        assert!(parse(b"", "e.csv", &CredlyCsvMapping::default()).is_err_and(|(_, r)| r.contains("empty")));
        assert!(toml::from_str::<CredlyCsvMapping>("unknown = []").is_err(), "unknown keys are errors");
    }
}
