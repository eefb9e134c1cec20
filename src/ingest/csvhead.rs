//! CSV header matching shared by every CSV reader (roster, claims, Credly CSV exports, postings
//! CSVs): splitting the header row off, finding columns by exact (case-insensitive) name, and
//! finding them through a mapping of folded names. A leaf over the record reader and the ledger.

use super::csvrec::RawRecord;
use super::files::{Ledger, WHOLE_FILE};
use super::record_kind::RecordKind;

/// Finds the index of each wanted column in a header row (names compared case-insensitively).
pub(crate) fn header_index(header: &[String], names: &[&str]) -> Vec<Option<usize>> {
    names.iter().map(|n| header.iter().position(|h| h.trim().eq_ignore_ascii_case(n))).collect()
}

/// Finds each wanted column like [`header_index`]; the first `required` of `names` must be
/// present, else the file is rejected at line 1 naming them and the header found (`None`).
pub(crate) fn required_columns(
    header: &[String],
    names: &[&str],
    required: usize,
    kind: RecordKind,
    path: &str,
    ledger: &mut Ledger,
) -> Option<Vec<Option<usize>>> {
    let idx = header_index(header, names);
    if idx[..required].iter().all(Option::is_some) {
        return Some(idx);
    }
    let wanted = names[..required].join(" and ");
    ledger.reject(kind, path, "line 1", format!("header must name {wanted} (found: {})", header.join(",")));
    None
}

/// Splits the first record off as a header. Returns `None` (after recording a whole-file
/// reject) when the file has no usable header.
pub(crate) fn split_header(
    recs: Vec<RawRecord>,
    kind: RecordKind,
    path: &str,
    ledger: &mut Ledger,
) -> Option<(Vec<String>, Vec<RawRecord>)> {
    let mut iter = recs.into_iter();
    let Some(first) = iter.next() else {
        ledger.reject(kind, path, WHOLE_FILE, "empty file (no header row)");
        return None;
    };
    match first.fields {
        Ok(h) => Some((h, iter.collect())),
        Err(e) => {
            ledger.reject(kind, path, format!("line {}", first.line), format!("unreadable header row: {e}"));
            None
        }
    }
}

/// Owned header names of a mapping's default list.
pub(crate) fn names(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_string()).collect()
}

/// A header name folded for comparison: lower-case letters and digits only.
pub(crate) fn fold(s: &str) -> String {
    s.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// The first column of a `folded` header (see [`fold`]) named by one of `wanted`, in the
/// order of `wanted`.
pub(crate) fn find(folded: &[String], wanted: &[String]) -> Option<usize> {
    wanted.iter().map(|w| fold(w)).filter(|w| !w.is_empty()).find_map(|w| folded.iter().position(|h| *h == w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mapped_columns_match_folded_names_in_the_order_wanted() {
        let folded: Vec<String> = ["Badge Id", "Issued To Email", "badge_name"].iter().map(|h| fold(h)).collect();
        assert_eq!(folded, ["badgeid", "issuedtoemail", "badgename"]);
        assert_eq!(find(&folded, &names(&["Email", "Issued To Email"])), Some(1));
        assert_eq!(find(&folded, &names(&["BADGE NAME"])), Some(2));
        assert_eq!(find(&folded, &names(&["", "---"])), None);
        let header = names(&[" Candidate_ID ", "path"]);
        assert_eq!(header_index(&header, &["candidate_id", "path", "x"]), [Some(0), Some(1), None]);
    }
}
