//! Date parsing: credential dates (lenient, many forms) and evaluation dates (`--as-of`, strict).

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use serde_json::Value;

use super::limits::truncate;
use super::problem::{Problem, ProblemKind};

/// Parses a credential date into UTC.
///
/// Accepted forms:
/// * RFC 3339 / ISO 8601 with a zone (`2024-05-01T10:00:00Z`, `…+02:00`, `…-0500`, fractional seconds);
/// * a date-time without a zone (`2024-05-01T10:00:00`, also with a space instead of `T`), taken as UTC;
///   a trailing ` UTC` / ` GMT` (`2024-05-01 10:00:00 UTC`) is accepted;
/// * a plain date (`2024-05-01`), taken as 00:00:00 UTC;
/// * a 9- or 10-digit Unix timestamp in seconds (Open Badges 2.0 allows these).
///
/// Returns `None` for anything else (and for any text longer than 64 bytes).
pub fn parse_datetime(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if s.is_empty() || s.len() > 64 {
        return None;
    }
    // `2024-05-01 10:00:00 UTC` (spreadsheet exports): a zone-less date-time taken as UTC.
    match s.strip_suffix(" UTC").or_else(|| s.strip_suffix(" GMT")) {
        Some(rest) => parse_without_suffix(rest.trim_end()),
        None => parse_without_suffix(s),
    }
}

/// [`parse_datetime`] after the optional ` UTC` suffix is removed.
fn parse_without_suffix(s: &str) -> Option<DateTime<Utc>> {
    if s.is_empty() {
        return None;
    }
    if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
        return Some(dt.with_timezone(&Utc));
    }
    for fmt in ["%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%d %H:%M:%S%.f%z", "%Y-%m-%d %H:%M:%S%.f %z"] {
        if let Ok(dt) = DateTime::parse_from_str(s, fmt) {
            return Some(dt.with_timezone(&Utc));
        }
    }
    for fmt in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M"] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(s, fmt) {
            return Some(Utc.from_utc_datetime(&naive));
        }
    }
    if let Ok(date) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return date.and_hms_opt(0, 0, 0).map(|naive| Utc.from_utc_datetime(&naive));
    }
    if (9..=10).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()) {
        return s.parse::<i64>().ok().and_then(|secs| DateTime::from_timestamp(secs, 0));
    }
    None
}

/// Years an evaluation date (`--as-of`, `[run] as_of`) may have.
pub const AS_OF_YEARS: std::ops::RangeInclusive<i32> = 1970..=2100;

/// Parses an evaluation date: exactly `YYYY-MM-DD`, a four-digit year within [`AS_OF_YEARS`].
/// `26-11-01` (chrono would read the year 26), `2026-1-1` or `2026-02-30` are errors naming the
/// value.
pub fn parse_as_of(s: &str) -> Result<NaiveDate, String> {
    let b = s.as_bytes();
    let shape = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    let bad = || {
        format!(
            "{:?} is not a date YYYY-MM-DD with a year in {}..={}",
            truncate(s, 40),
            AS_OF_YEARS.start(),
            AS_OF_YEARS.end()
        )
    };
    if !shape {
        return Err(bad());
    }
    let num = |r: std::ops::Range<usize>| s[r].parse::<u32>().map_err(|_| bad());
    let (y, m, d) = (num(0..4)? as i32, num(5..7)?, num(8..10)?);
    if !AS_OF_YEARS.contains(&y) {
        return Err(bad());
    }
    NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| format!("{s:?} is not a calendar date"))
}

/// Reads an optional date field of a JSON object. Absent or `null` → `Ok(None)`;
/// a value that is not a parseable date → `Err(problem)` of `kind` ([`ProblemKind::BadIssueDate`]
/// or [`ProblemKind::BadDate`]) naming the field.
pub(crate) fn date_field(obj: &Value, key: &str, kind: ProblemKind) -> Result<Option<DateTime<Utc>>, Problem> {
    let problem = |detail: String| Problem::new(key, kind, detail);
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => parse_datetime(s).map(Some).ok_or_else(|| unparseable_date(key, kind, s)),
        Some(Value::Number(n)) => n
            .as_i64()
            .and_then(|secs| DateTime::from_timestamp(secs, 0))
            .map(Some)
            .ok_or_else(|| problem(format!("number {n} is not a Unix timestamp"))),
        Some(other) => Err(problem(format!("expected a date string, found {}", super::json::kind_of(other)))),
    }
}

/// The problem of a date text `s` in `field` that cannot be parsed.
pub(crate) fn unparseable_date(field: &str, kind: ProblemKind, s: &str) -> Problem {
    Problem::new(field, kind, format!("unparseable date {:?}", truncate(s, 60)))
}

/// First date field among `keys` that is present (so `validFrom` wins over `issuanceDate`).
pub(crate) fn first_date_field(
    obj: &Value,
    keys: &[&str],
    kind: ProblemKind,
) -> Result<Option<DateTime<Utc>>, Problem> {
    for key in keys {
        if !matches!(obj.get(*key), None | Some(Value::Null)) {
            return date_field(obj, key, kind);
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymdhms(s: &str) -> String {
        parse_datetime(s).map(|d| d.format("%Y-%m-%dT%H:%M:%S").to_string()).unwrap_or_default()
    }

    #[test]
    fn forms() {
        assert_eq!(ymdhms("2016-12-31T23:59:59Z"), "2016-12-31T23:59:59");
        assert_eq!(ymdhms("2019-12-09T21:56:33.000-05:00"), "2019-12-10T02:56:33");
        assert_eq!(ymdhms("2016-12-31T23:59:59+0100"), "2016-12-31T22:59:59");
        assert_eq!(ymdhms("2024-02-29"), "2024-02-29T00:00:00");
        assert_eq!(ymdhms("2024-02-29T08:30:00"), "2024-02-29T08:30:00");
        assert_eq!(ymdhms("1483228799"), "2016-12-31T23:59:59");
        assert_eq!(ymdhms("2024-05-01 10:00:00 UTC"), "2024-05-01T10:00:00");
        assert!(parse_datetime("2024-05-01 UTC UTC").is_none());
        assert!(parse_datetime("yesterday").is_none());
        assert!(parse_datetime("2023-02-30").is_none());
        assert!(parse_datetime("").is_none());
    }

    #[test]
    fn evaluation_dates_are_exact_four_digit_years_in_range() {
        assert_eq!(parse_as_of("2026-11-01"), Ok(NaiveDate::from_ymd_opt(2026, 11, 1).expect("date")));
        for bad in [
            "26-11-01",
            "0026-11-01",
            "2026-1-01",
            "2026-11-1",
            "20261101",
            "2026/11/01",
            "+2026-11-01",
            "3026-11-01",
            " 2026-11-01",
            "２０２６-11-01",
        ] {
            let e = parse_as_of(bad).expect_err(bad);
            assert!(e.contains("YYYY-MM-DD") && e.contains("1970..=2100"), "{bad}: {e}");
        }
        assert!(parse_as_of("2026-02-30").is_err_and(|e| e.contains("calendar")));
    }

    #[test]
    fn fields() {
        let v = serde_json::json!({"a": "2020-01-01", "b": "soon", "c": 7, "d": null, "e": 1483228799});
        assert!(date_field(&v, "a", ProblemKind::BadDate).is_ok_and(|d| d.is_some()));
        assert!(date_field(&v, "b", ProblemKind::BadDate).is_err_and(|e| e.to_string().starts_with("b: unparseable")));
        assert!(date_field(&v, "d", ProblemKind::BadDate).is_ok_and(|d| d.is_none()));
        assert!(date_field(&v, "e", ProblemKind::BadDate).is_ok_and(|d| d.is_some()));
        assert_eq!(first_date_field(&v, &["d", "b", "a"], ProblemKind::BadDate).map_err(|_| ()), Err(()));
    }
}
