//! How the `--as-of` day is compared with credential dates.
//!
//! `as_of` is a whole day in UTC:
//! * a credential is **expired** iff `expires < as_of 00:00:00 UTC` (it is still valid on the
//!   day it expires);
//! * a credential is **not yet valid** iff `issued > as_of 23:59:59.999… UTC`, i.e. issued on a
//!   later day (anything issued during the as-of day counts as issued).

use chrono::{DateTime, Days, NaiveDate, TimeZone, Utc};

/// `as_of` 00:00:00 UTC.
pub fn day_start(as_of: NaiveDate) -> DateTime<Utc> {
    Utc.from_utc_datetime(&as_of.and_time(chrono::NaiveTime::MIN))
}

/// The first instant after the as-of day (`as_of + 1 day`, 00:00:00 UTC).
pub fn day_after(as_of: NaiveDate) -> DateTime<Utc> {
    as_of.checked_add_days(Days::new(1)).map_or(DateTime::<Utc>::MAX_UTC, day_start)
}

/// Whether `expires` is before the as-of day.
pub fn is_expired(expires: DateTime<Utc>, as_of: NaiveDate) -> bool {
    expires < day_start(as_of)
}

/// Whether `issued` is after the as-of day.
pub fn is_not_yet_valid(issued: DateTime<Utc>, as_of: NaiveDate) -> bool {
    issued >= day_after(as_of)
}

/// RFC 3339 text of a date for check details (`2024-05-01T00:00:00Z`).
pub(crate) fn show(d: DateTime<Utc>) -> String {
    d.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        crate::ingest::parse_datetime(s).unwrap_or(DateTime::<Utc>::MIN_UTC)
    }

    #[test]
    fn boundaries() {
        let day = NaiveDate::from_ymd_opt(2025, 3, 10).unwrap_or_default();
        assert!(!is_expired(at("2025-03-10T00:00:00Z"), day));
        assert!(is_expired(at("2025-03-09T23:59:59Z"), day));
        assert!(!is_not_yet_valid(at("2025-03-10T23:59:59Z"), day));
        assert!(is_not_yet_valid(at("2025-03-11T00:00:00Z"), day));
        assert_eq!(day_after(NaiveDate::MAX), DateTime::<Utc>::MAX_UTC);
    }
}
