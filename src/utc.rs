//! UTC timestamps as RFC 3339 text (`2024-05-01T12:00:00Z`), without a date crate: the
//! gazetteer builder stamps indexes with one and the fetcher records when a page was
//! fetched. Also compiled into the build script (`build.rs`), which stamps the bundled
//! index.

use std::time::{SystemTime, UNIX_EPOCH};

/// A time as RFC 3339 UTC to the second, e.g. `2024-05-01T12:00:00Z`; times before
/// 1970 read as 1970.
pub fn rfc3339(t: SystemTime) -> String {
    utc_at(t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs()))
}

/// A time in seconds since 1970 as `YYYY-MM-DDTHH:MM:SSZ` (UTC).
pub fn utc_at(secs: u64) -> String {
    let (days, rem) = ((secs / 86_400) as i64, secs % 86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn dates_across_leap_days_and_centuries() {
        assert_eq!(rfc3339(UNIX_EPOCH), "1970-01-01T00:00:00Z");
        assert_eq!(
            rfc3339(UNIX_EPOCH + Duration::from_secs(1_709_210_096)),
            "2024-02-29T12:34:56Z"
        );
        // 2000-03-01: the day after a leap day in a year divisible by 400.
        assert_eq!(utc_at(951_868_800), "2000-03-01T00:00:00Z");
    }
}
