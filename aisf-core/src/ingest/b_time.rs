//! Timestamps as the directory and cloud readers find them, turned into
//! seconds since the Unix epoch, UTC.
//!
//! One parser covers the shapes seen in SCIM, LDIF, AWS, Entra, Okta and
//! Google exports:
//!
//! | shape | example |
//! |---|---|
//! | RFC 3339 / ISO 8601 extended | `2011-08-01T21:32:44.882000Z`, `2019-12-18 19:10:08+00:00` |
//! | date only | `2010-01-23` |
//! | ISO 8601 basic, LDAP GeneralizedTime | `20240101120000Z`, `20240101120000.0Z`, `202401011200-0500` |
//!
//! A missing offset means UTC. Fractions of a second are dropped. The
//! calendar arithmetic is the days-from-civil count over 400-year eras of
//! the proleptic Gregorian calendar, so no date crate is needed.

/// Seconds since 1970-01-01T00:00:00Z, or `None` when `text` is not one of
/// the shapes above or names an impossible date or time.
pub(crate) fn parse(text: &str) -> Option<i64> {
    let text = text.trim();
    let bytes = text.as_bytes();
    let extended = bytes.get(4) == Some(&b'-');

    let (date, rest) = if extended {
        let year = digits(bytes, 0, 4)?;
        (bytes.get(7) == Some(&b'-')).then_some(())?;
        ((year, digits(bytes, 5, 2)?, digits(bytes, 8, 2)?), bytes.get(10..)?)
    } else {
        ((digits(bytes, 0, 4)?, digits(bytes, 4, 2)?, digits(bytes, 6, 2)?), bytes.get(8..)?)
    };
    let (year, month, day) = date;
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    let days = days_from_civil(year, month, day);
    if rest.is_empty() {
        return Some(days * 86_400);
    }

    // The time: `T` or a space after an extended date; basic dates may
    // run straight on (GeneralizedTime).
    let rest = match rest.first() {
        Some(b'T' | b't') => rest.get(1..)?,
        Some(b' ') if extended => rest.get(1..)?,
        Some(b'0'..=b'9') if !extended => rest,
        _ => return None,
    };
    let (hour, minute, second, rest) =
        if extended { time_extended(rest)? } else { time_basic(rest)? };
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }

    let offset = offset(skip_fraction(rest))?;
    Some(days * 86_400 + hour * 3600 + minute * 60 + second - offset)
}

/// Seconds since the epoch of a .NET JSON date, `/Date(1613679244000)/`
/// (milliseconds, optionally followed by an offset such as `+0100` that
/// only says where the writer was), as PowerShell exports of Microsoft
/// Graph write them. `None` for any other text.
pub(crate) fn dotnet_date(text: &str) -> Option<i64> {
    let inner = text.trim().strip_prefix("/Date(")?.strip_suffix(")/")?;
    let digits_end = inner.char_indices().skip(1).find(|(_, c)| !c.is_ascii_digit());
    let (millis, offset) = inner.split_at(digits_end.map_or(inner.len(), |(at, _)| at));
    let valid_offset = offset.is_empty()
        || (offset.len() == 5
            && offset.starts_with(['+', '-'])
            && offset[1..].bytes().all(|b| b.is_ascii_digit()));
    valid_offset.then_some(())?;
    Some(millis.parse::<i64>().ok()?.div_euclid(1000))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (`month` 1 to 12).
pub(crate) fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    // Years are counted from March so that February, with its leap day,
    // ends the year; an era is 400 such years, 146 097 days.
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year.rem_euclid(400);
    let month_from_march = (month + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// `HH:MM[:SS]`, returning what follows.
fn time_extended(b: &[u8]) -> Option<(i64, i64, i64, &[u8])> {
    let hour = digits(b, 0, 2)?;
    (b.get(2) == Some(&b':')).then_some(())?;
    let minute = digits(b, 3, 2)?;
    if b.get(5) == Some(&b':') {
        Some((hour, minute, digits(b, 6, 2)?, b.get(8..)?))
    } else {
        Some((hour, minute, 0, b.get(5..)?))
    }
}

/// `HH[MM[SS]]`, returning what follows.
fn time_basic(b: &[u8]) -> Option<(i64, i64, i64, &[u8])> {
    let hour = digits(b, 0, 2)?;
    let Some(minute) = digits(b, 2, 2) else { return Some((hour, 0, 0, b.get(2..)?)) };
    let Some(second) = digits(b, 4, 2) else { return Some((hour, minute, 0, b.get(4..)?)) };
    Some((hour, minute, second, b.get(6..)?))
}

fn skip_fraction(b: &[u8]) -> &[u8] {
    match b.first() {
        Some(b'.' | b',') => {
            let digits = b.iter().skip(1).take_while(|c| c.is_ascii_digit()).count();
            b.get(1 + digits..).unwrap_or_default()
        }
        _ => b,
    }
}

/// The offset east of UTC in seconds: empty, `Z`, `±HH`, `±HHMM` or `±HH:MM`.
fn offset(b: &[u8]) -> Option<i64> {
    let sign = match b.first() {
        None => return Some(0),
        Some(b'Z' | b'z') if b.len() == 1 => return Some(0),
        Some(b'+') => 1,
        Some(b'-') => -1,
        _ => return None,
    };
    let hours = digits(b, 1, 2)?;
    let minutes = match b.len() {
        3 => 0,
        5 => digits(b, 3, 2)?,
        6 if b.get(3) == Some(&b':') => digits(b, 4, 2)?,
        _ => return None,
    };
    if hours > 23 || minutes > 59 {
        return None;
    }
    Some(sign * (hours * 3600 + minutes * 60))
}

/// The decimal number in `b[at..at + len]`, all digits.
fn digits(b: &[u8], at: usize, len: usize) -> Option<i64> {
    let part = b.get(at..at.checked_add(len)?)?;
    part.iter().try_fold(0i64, |acc, c| c.is_ascii_digit().then(|| acc * 10 + i64::from(c - b'0')))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shapes_of_the_samples_parse() {
        assert_eq!(parse("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse("2010-01-23T04:56:22Z"), Some(1_264_222_582));
        assert_eq!(parse("2011-08-01T18:29:49.793000Z"), Some(1_312_223_389));
        assert_eq!(parse("2019-12-18 19:10:08+00:00"), Some(1_576_696_208));
        assert_eq!(parse("2019-12-18T20:10:08+01:00"), Some(1_576_696_208));
        assert_eq!(parse("2019-12-18T14:10:08-0500"), Some(1_576_696_208));
        assert_eq!(parse("2010-01-23"), Some(1_264_204_800));
        assert_eq!(parse("20191218191008Z"), Some(1_576_696_208));
        assert_eq!(parse("20191218191008.0Z"), Some(1_576_696_208));
        assert_eq!(parse("2024-02-29T00:00:00Z"), Some(1_709_164_800));
        assert_eq!(parse("1969-12-31T23:59:59Z"), Some(-1));
    }

    #[test]
    fn impossible_or_foreign_text_is_refused() {
        for bad in [
            "",
            "True",
            "N/A",
            "no_information",
            "2023-02-29",
            "2023-13-01",
            "2023-01-01T24:00:00Z",
            "2023-01-01T10:00:00+25:00",
            "2023-01-01T10:00:00 UTC",
            "2023-01-01X10:00:00",
            "/Date(1613679244000)/",
        ] {
            assert_eq!(parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn dotnet_dates_are_milliseconds() {
        assert_eq!(dotnet_date("/Date(1613679244000)/"), Some(1_613_679_244));
        assert_eq!(dotnet_date("/Date(1613679244999+0100)/"), Some(1_613_679_244));
        assert_eq!(dotnet_date("/Date(-1000)/"), Some(-1));
        for bad in ["/Date()/", "/Date(12x)/", "Date(1)", "/Date(1+01)/", "2020-01-01"] {
            assert_eq!(dotnet_date(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn days_are_counted_from_the_epoch() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(days_from_civil(1601, 1, 1), -134_774);
    }
}
