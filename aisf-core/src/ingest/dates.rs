//! Calendar dates and RFC 3339 timestamps, to and from Unix seconds (UTC).
//!
//! Written here rather than taken from a date crate because ingest needs
//! only two shapes, `YYYY-MM-DD` and RFC 3339 date-times, and the
//! conversion is a few lines of arithmetic on the proleptic Gregorian
//! calendar (the days-from-civil algorithm, counting in 400-year eras).

const SECS_PER_DAY: i64 = 86_400;

/// Days since 1970-01-01 of a proleptic Gregorian date; `month` 1..=12.
pub(crate) fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    // Count years from March so that the leap day is the last of the year.
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year.rem_euclid(400);
    let month_from_march = (i64::from(month) + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The date of a day counted from 1970-01-01: (year, month, day).
pub(crate) fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * month_from_march + 2) / 5 + 1) as u32;
    let month = if month_from_march < 10 { month_from_march + 3 } else { month_from_march - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month as u32, day)
}

fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        _ => 28,
    }
}

/// Reads `YYYY-MM-DD` (midnight UTC) or an RFC 3339 date-time
/// (`2024-03-05T11:00:18Z`, `2024-03-05T11:00:18.5+01:00`; a space may
/// stand for the `T`) as seconds since the Unix epoch. Fractions of a
/// second are dropped. `None` when the text is neither.
pub(crate) fn parse_timestamp(text: &str) -> Option<i64> {
    let text = text.trim();
    let bytes = text.as_bytes();
    let date = parse_date(bytes.get(..10)?)?;
    let rest = bytes.get(10..)?;
    if rest.is_empty() {
        return Some(date * SECS_PER_DAY);
    }

    if !matches!(rest.first(), Some(b'T' | b't' | b' ')) {
        return None;
    }
    let (secs_of_day, rest) = parse_time(rest.get(1..)?)?;
    let offset = parse_offset(rest)?;
    Some(date * SECS_PER_DAY + secs_of_day - offset)
}

/// Days since the epoch of `YYYY-MM-DD`.
fn parse_date(bytes: &[u8]) -> Option<i64> {
    if bytes.len() != 10 || bytes.get(4) != Some(&b'-') || bytes.get(7) != Some(&b'-') {
        return None;
    }
    let year = digits(bytes.get(0..4)?)?;
    let month = digits(bytes.get(5..7)?)? as u32;
    let day = digits(bytes.get(8..10)?)? as u32;
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    Some(days_from_civil(year, month, day))
}

/// `HH:MM:SS` with an optional fraction; returns seconds and what follows.
fn parse_time(bytes: &[u8]) -> Option<(i64, &[u8])> {
    if bytes.get(2) != Some(&b':') || bytes.get(5) != Some(&b':') {
        return None;
    }
    let hour = digits(bytes.get(0..2)?)?;
    let minute = digits(bytes.get(3..5)?)?;
    let second = digits(bytes.get(6..8)?)?;
    // A leap second (60) is read as the last second of its minute.
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let mut rest = bytes.get(8..)?;

    if rest.first() == Some(&b'.') {
        let fraction = rest.iter().skip(1).take_while(|b| b.is_ascii_digit()).count();
        if fraction == 0 {
            return None;
        }
        rest = rest.get(1 + fraction..)?;
    }
    Some((hour * 3600 + minute * 60 + second.min(59), rest))
}

/// `Z` or `±HH:MM`, as seconds east of UTC; nothing may follow.
fn parse_offset(bytes: &[u8]) -> Option<i64> {
    match bytes {
        [b'Z' | b'z'] => Some(0),
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let hours = digits(&[*h1, *h2])?;
            let minutes = digits(&[*m1, *m2])?;
            if hours > 23 || minutes > 59 {
                return None;
            }
            let offset = hours * 3600 + minutes * 60;
            Some(if *sign == b'-' { -offset } else { offset })
        }
        _ => None,
    }
}

fn digits(bytes: &[u8]) -> Option<i64> {
    let mut value = 0i64;
    for b in bytes {
        if !b.is_ascii_digit() {
            return None;
        }
        value = value * 10 + i64::from(b - b'0');
    }
    Some(value)
}

/// Seconds since the epoch as RFC 3339 in UTC (`2024-03-05T11:00:18Z`).
pub(crate) fn format_timestamp(secs: i64) -> String {
    let (days, secs_of_day) = (secs.div_euclid(SECS_PER_DAY), secs.rem_euclid(SECS_PER_DAY));
    let (year, month, day) = civil_from_days(days);
    let (hour, minute, second) = (secs_of_day / 3600, secs_of_day / 60 % 60, secs_of_day % 60);
    format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}Z")
}

/// Seconds since the epoch as `YYYY-MM-DD` when they fall on a midnight,
/// else as RFC 3339.
pub(crate) fn format_date_or_timestamp(secs: i64) -> String {
    if secs.rem_euclid(SECS_PER_DAY) != 0 {
        return format_timestamp(secs);
    }
    let (year, month, day) = civil_from_days(secs.div_euclid(SECS_PER_DAY));
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_dates_convert_both_ways() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(civil_from_days(11_017), (2000, 3, 1));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        assert_eq!(parse_timestamp("2024-03-05"), Some(1_709_596_800));
        assert_eq!(parse_timestamp("2024-03-05T11:00:18Z"), Some(1_709_636_418));
        assert_eq!(parse_timestamp("2024-03-05T12:00:18.123+01:00"), Some(1_709_636_418));
        assert_eq!(parse_timestamp("2024-03-05 11:00:18z"), Some(1_709_636_418));
    }

    #[test]
    fn impossible_dates_are_refused() {
        for text in [
            "2023-02-29",
            "2024-13-01",
            "2024-00-10",
            "2024-04-31",
            "24-03-05",
            "2024-03-05T",
            "2024-03-05T25:00:00Z",
            "2024-03-05T10:00:00",
            "2024-03-05T10:00:00+1:00",
            "2024-03-05T10:00:00.Z",
            "yesterday",
            "",
        ] {
            assert_eq!(parse_timestamp(text), None, "{text}");
        }
        assert_eq!(parse_timestamp("2024-02-29"), Some(1_709_164_800));
    }

    #[test]
    fn every_day_of_four_centuries_round_trips() {
        for days in (-146_097 * 2)..146_097 {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(format_timestamp(1_709_636_418), "2024-03-05T11:00:18Z");
        assert_eq!(format_date_or_timestamp(1_709_596_800), "2024-03-05");
        assert_eq!(format_timestamp(-1), "1969-12-31T23:59:59Z");
    }
}
