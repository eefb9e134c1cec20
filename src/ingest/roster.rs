//! Roster CSV: `candidate_id,emails,location`.
//!
//! A header row is required; columns are found by name (`location` is optional, extra
//! columns are allowed). Fields follow RFC 4180: a quoted field may hold commas, `""` and line
//! breaks (a line break in a location becomes a space). Emails are `;`-separated, trimmed and lower-cased. A row with the
//! wrong column count, a broken quote, invalid UTF-8, an empty or duplicate id, or an email
//! already listed for another candidate is rejected with `line N`; other rows are read.

use std::collections::HashMap;
use std::path::Path;

use super::csvhead::{required_columns, split_header};
use super::csvrec::records;
use super::files::{Ledger, display};
use super::record_kind::RecordKind;
use super::types::{Candidate, Roster};

const KIND: RecordKind = RecordKind::Roster;

/// Reads a roster file. Problems become rejects in `ledger`; the roster holds the good rows.
pub(crate) fn read_roster(path: &Path, ledger: &mut Ledger) -> Roster {
    let mut roster = Roster::default();
    let Some(bytes) = ledger.read_file(KIND, path) else {
        return roster;
    };
    let shown = display(path);
    let Some((header, rows)) = split_header(records(&bytes, false), KIND, &shown, ledger) else {
        return roster;
    };
    let Some(idx) = required_columns(&header, &["candidate_id", "emails", "location"], 2, KIND, &shown, ledger) else {
        return roster;
    };
    let (Some(id_col), Some(email_col)) = (idx[0], idx[1]) else {
        return roster;
    };
    let loc_col = idx[2];
    let mut email_owner: HashMap<String, String> = HashMap::new();
    for rec in rows {
        let pos = rec.position();
        let fields = match rec.into_row(header.len()) {
            Ok(f) => f,
            Err(e) => {
                ledger.reject(KIND, &shown, pos, e);
                continue;
            }
        };
        let id = fields[id_col].clone();
        if id.is_empty() {
            ledger.reject(KIND, &shown, pos, "empty candidate_id");
            continue;
        }
        if roster.by_id.contains_key(&id) {
            ledger.reject(KIND, &shown, pos, format!("duplicate candidate_id {id}"));
            continue;
        }
        let mut emails: Vec<String> = Vec::new();
        for e in fields[email_col].split(';') {
            let e = e.trim().to_lowercase();
            if !e.is_empty() && !emails.contains(&e) {
                emails.push(e);
            }
        }
        if let Some(owner) = emails.iter().find_map(|e| email_owner.get(e)) {
            ledger.reject(
                KIND,
                &shown,
                pos,
                format!("an email of candidate {id} is already listed for candidate {owner}"),
            );
            continue;
        }
        let location =
            loc_col.map(|c| fields[c].split_whitespace().collect::<Vec<_>>().join(" ")).filter(|l| !l.is_empty());
        let index = roster.candidates.len();
        for e in &emails {
            email_owner.insert(e.clone(), id.clone());
            roster.by_email.insert(e.clone(), index);
        }
        roster.by_id.insert(id.clone(), index);
        roster.candidates.push(Candidate { id, emails, location });
        ledger.accept(KIND);
    }
    roster
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, bytes).expect("write fixture");
        p
    }

    #[test]
    fn good_and_bad_rows() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut csv = Vec::new();
        csv.extend_from_slice(b"candidate_id,emails,location\n");
        csv.extend_from_slice(b"c1, Alice@Example.org ; alice.work@example.com ,Berlin\n"); // line 2
        csv.extend_from_slice(b"c2,\"bob@example.org\",\"Paris, FR\"\n"); // line 3
        csv.extend_from_slice(b"c3,\"carol@example.org,Rome\n"); // line 4: broken quote
        csv.extend_from_slice(b"c4,d\xFFve@example.org,Oslo\n"); // line 5: invalid UTF-8
        csv.extend_from_slice(b"c5,eve@example.org\n"); // line 6: too few columns
        csv.extend_from_slice(b",frank@example.org,Lyon\n"); // line 7: empty id
        csv.extend_from_slice(b"c1,other@example.org,Lyon\n"); // line 8: duplicate id
        csv.extend_from_slice(b"c9,ALICE@example.org,Lyon\n"); // line 9: email of c1
        csv.extend_from_slice(b"\n");
        csv.extend_from_slice(b"c10,,\n"); // line 11: no email, no location
        let p = write(dir.path(), "roster.csv", &csv);
        let mut ledger = Ledger::new();
        let roster = read_roster(&p, &mut ledger);

        let ids: Vec<&str> = roster.candidates.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["c1", "c2", "c10"]);
        assert_eq!(roster.candidates[0].emails, ["alice@example.org", "alice.work@example.com"]);
        assert_eq!(roster.candidates[0].location.as_deref(), Some("Berlin"));
        assert_eq!(roster.candidates[1].location.as_deref(), Some("Paris, FR"));
        assert_eq!(roster.candidates[2].location, None);
        assert_eq!(roster.by_email.get("alice.work@example.com"), Some(&0));
        assert_eq!(roster.by_id.get("c10"), Some(&2));

        let got: Vec<(String, bool)> =
            ledger.rejects.iter().map(|r| (r.position.clone(), r.kind == "roster")).collect();
        let lines: Vec<&str> = got.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(lines, ["line 4", "line 5", "line 6", "line 7", "line 8", "line 9"]);
        assert!(ledger.rejects[0].reason.contains("quote"));
        assert!(ledger.rejects[1].reason.contains("invalid UTF-8"));
        assert!(ledger.rejects[4].reason.contains("duplicate candidate_id c1"));
        let c = ledger.counts["roster"];
        assert_eq!((c.read, c.accepted, c.rejected), (9, 3, 6));
        assert_eq!(ledger.files.len(), 1);
    }

    #[test]
    fn quoted_fields_may_span_lines_as_in_rfc_4180() {
        let dir = tempfile::tempdir().expect("tempdir");
        let csv = b"candidate_id,emails,location\nc1,\"a@example.org;\nb@example.org\",\"Paris,\nFrance\"\nc2,c@example.org,Rome\nc3,\"d@example.org,Oslo\nc4,e@example.org,Lima\n";
        let p = write(dir.path(), "roster.csv", csv);
        let mut ledger = Ledger::new();
        let roster = read_roster(&p, &mut ledger);
        let ids: Vec<&str> = roster.candidates.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["c1", "c2", "c4"], "{:?}", ledger.rejects);
        assert_eq!(roster.candidates[0].emails, ["a@example.org", "b@example.org"]);
        assert_eq!(roster.candidates[0].location.as_deref(), Some("Paris, France"));
        // The broken quote of line 6 loses that line only.
        assert_eq!(ledger.rejects.len(), 1);
        assert_eq!(ledger.rejects[0].position, "line 6");
    }

    #[test]
    fn missing_header_columns_rejects_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = write(dir.path(), "r.csv", b"id,mail\nc1,a@b.c\n");
        let mut ledger = Ledger::new();
        let roster = read_roster(&p, &mut ledger);
        assert!(roster.candidates.is_empty());
        assert_eq!(ledger.rejects.len(), 1);
        assert_eq!(ledger.counts["roster"].read, 1);
    }
}
