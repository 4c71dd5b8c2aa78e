//! Calendar arithmetic on epoch milliseconds (UTC), shared by the server (dates it writes and
//! reads) and the runner (the `dateTime` clock check): no date crate needed for these few forms.

/// Days since the epoch → (year, month, day), proleptic Gregorian (Howard Hinnant's algorithm).
pub fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// (year, month, day, hour, minute, second) of an epoch-ms instant, UTC.
pub fn parts(ms: i64) -> (i64, i64, i64, i64, i64, i64) {
    let secs = ms.div_euclid(1000);
    let (y, mo, d) = civil_from_days(secs.div_euclid(86_400));
    let rem = secs.rem_euclid(86_400);
    (y, mo, d, rem / 3600, (rem % 3600) / 60, rem % 60)
}

/// `2013-08-27T14:30:00.000Z`
pub fn iso(ms: i64) -> String {
    let (y, m, d, h, mi, s) = parts(ms);
    format!("{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{:03}Z", ms.rem_euclid(1000))
}

/// Days since the epoch of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn digits(text: &str, range: std::ops::Range<usize>) -> Option<i64> {
    let part = text.get(range)?;
    if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    part.parse().ok()
}

/// `2024-06-11`, `2024-06-11T09:30`, `2024-06-11T09:30:15.000-03:00`, `…Z`, `…+0300` → epoch ms.
pub fn parse_iso(text: &str) -> Option<i64> {
    let text = text.trim();
    if text.get(4..5)? != "-" || text.get(7..8)? != "-" {
        return None;
    }
    let (year, month, day) = (digits(text, 0..4)?, digits(text, 5..7)?, digits(text, 8..10)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let mut ms = days_from_civil(year, month, day) * 86_400_000;
    let rest = text.get(10..)?;
    if rest.is_empty() {
        return Some(ms);
    }
    let rest = rest.strip_prefix('T').or_else(|| rest.strip_prefix(' '))?;
    let (hour, minute) = (digits(rest, 0..2)?, digits(rest, 3..5)?);
    if rest.get(2..3)? != ":" || hour > 23 || minute > 59 {
        return None;
    }
    ms += (hour * 3600 + minute * 60) * 1000;
    let mut rest = rest.get(5..)?;
    if let Some(after) = rest.strip_prefix(':') {
        let second = digits(after, 0..2)?;
        if second > 60 {
            return None;
        }
        ms += second * 1000;
        rest = after.get(2..)?;
        if let Some(fraction) = rest.strip_prefix('.') {
            let len = fraction.bytes().take_while(u8::is_ascii_digit).count();
            if len == 0 {
                return None;
            }
            let millis = fraction.get(..len.min(3))?;
            ms += millis.parse::<i64>().ok()? * 10_i64.pow(3 - u32::try_from(millis.len()).ok()?);
            rest = fraction.get(len..)?;
        }
    }
    let offset_minutes = match rest {
        "" | "Z" | "z" => 0,
        zone => {
            let sign = match zone.get(0..1)? {
                "+" => 1,
                "-" => -1,
                _ => return None,
            };
            let zone = zone.get(1..)?.replace(':', "");
            if zone.len() != 4 {
                return None;
            }
            sign * (digits(&zone, 0..2)? * 60 + digits(&zone, 2..4)?)
        }
    };
    Some(ms - offset_minutes * 60_000)
}

/// `300ms`, `2s`, `1m`, `1.5s`.
pub fn parse_duration(text: &str) -> Option<std::time::Duration> {
    let text = text.trim();
    let split = text.find(|c: char| !(c.is_ascii_digit() || c == '.'))?;
    let (number, unit) = text.split_at(split);
    let value: f64 = number.parse().ok()?;
    let seconds = match unit {
        "ms" => value / 1000.0,
        "s" => value,
        "m" => value * 60.0,
        "h" => value * 3600.0,
        _ => return None,
    };
    (seconds.is_finite() && seconds >= 0.0).then(|| std::time::Duration::from_secs_f64(seconds))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_date_forms() {
        assert_eq!(parse_iso("1970-01-01"), Some(0));
        assert_eq!(parse_iso("2013-08-27T15:48:37.123Z"), Some(1_377_618_517_123));
        assert_eq!(parse_iso("2013-08-27T12:48:37.123-03:00"), Some(1_377_618_517_123));
        assert_eq!(parse_iso("2013-08-27T15:48:37"), Some(1_377_618_517_000));
        assert_eq!(parse_iso("2013-08-27T18:48:37+0300"), Some(1_377_618_517_000));
        assert_eq!(parse_iso("2013-08-27 15:48"), Some(1_377_618_480_000));
        for bad in ["", "2013", "2013-13-01", "2013-08-27T", "2013-08-27T25:00", "27/08/2013", "2013-08-27T15:48:37.Z"]
        {
            assert_eq!(parse_iso(bad), None, "{bad}");
        }
    }

    #[test]
    fn formats_and_parses_round_trip() {
        for ms in [0, 1_377_618_517_123, 1_795_000_000_000] {
            assert_eq!(parse_iso(&iso(ms)), Some(ms));
        }
    }
}
