//! Date parsing for credential dates.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use serde_json::Value;

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

/// Reads an optional date field of a JSON object. Absent or `null` → `Ok(None)`;
/// a value that is not a parseable date → `Err(problem)` naming the field.
pub(crate) fn date_field(obj: &Value, key: &str) -> Result<Option<DateTime<Utc>>, String> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => {
            parse_datetime(s).map(Some).ok_or_else(|| format!("{key}: unparseable date {:?}", truncate(s, 60)))
        }
        Some(Value::Number(n)) => n
            .as_i64()
            .and_then(|secs| DateTime::from_timestamp(secs, 0))
            .map(Some)
            .ok_or_else(|| format!("{key}: number {n} is not a Unix timestamp")),
        Some(other) => Err(format!("{key}: expected a date string, found {}", super::json::kind_of(other))),
    }
}

/// First date field among `keys` that is present (so `validFrom` wins over `issuanceDate`).
pub(crate) fn first_date_field(obj: &Value, keys: &[&str]) -> Result<Option<DateTime<Utc>>, String> {
    for key in keys {
        if !matches!(obj.get(*key), None | Some(Value::Null)) {
            return date_field(obj, key);
        }
    }
    Ok(None)
}

/// Shortens `s` to at most `max` characters for messages.
pub(crate) fn truncate(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
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
    fn fields() {
        let v = serde_json::json!({"a": "2020-01-01", "b": "soon", "c": 7, "d": null, "e": 1483228799});
        assert!(date_field(&v, "a").is_ok_and(|d| d.is_some()));
        assert!(date_field(&v, "b").is_err_and(|e| e.contains("unparseable")));
        assert!(date_field(&v, "d").is_ok_and(|d| d.is_none()));
        assert!(date_field(&v, "e").is_ok_and(|d| d.is_some()));
        assert_eq!(first_date_field(&v, &["d", "b", "a"]).map_err(|_| ()), Err(()));
    }
}
