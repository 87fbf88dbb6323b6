//! Dates as CRM exports write them, and retention periods as people write them.
//!
//! Accepted dates (surrounding blanks ignored):
//!
//! | form | read as |
//! |---|---|
//! | `2023-05-12`, `2023/05/12`, `2023.05.12` | year first |
//! | `2023-05-12 14:03`, `2023-05-12T14:03:00`, with `Z`, `+01:00`, `+0100`, ` UTC` or `[Europe/Stockholm]` | the date as written (no conversion between zones) |
//! | `12/05/2023`, `12.05.2023`, `12-05-2023` (optionally with a time) | **day first** (Nordic/European convention): 12 May 2023 |
//! | `20230512` | year, month, day |
//!
//! Anything else — two-digit years, month names, `0000-00-00`, impossible dates — is
//! unreadable, and the checks report it as `unparseable_date` instead of guessing.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use std::fmt;

/// How a date was written, so a report can say which convention it assumed.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum DateFormat {
    /// `YYYY-MM-DD` (also with `/` or `.`), with or without a time.
    YearFirst,
    /// `DD/MM/YYYY`, `DD.MM.YYYY`, `DD-MM-YYYY`: day first.
    DayFirst,
    /// `YYYYMMDD`.
    Compact,
}

impl DateFormat {
    pub fn describe(self) -> &'static str {
        match self {
            DateFormat::YearFirst => "YYYY-MM-DD",
            DateFormat::DayFirst => "DD/MM/YYYY (day first, European convention)",
            DateFormat::Compact => "YYYYMMDD",
        }
    }
}

/// What the checks accept, for messages about unreadable values.
pub const ACCEPTED_FORMATS: &str =
    "YYYY-MM-DD (optionally with a time and zone), DD/MM/YYYY or DD.MM.YYYY (day first), YYYYMMDD";

/// Read a date, or `None` when it is not in one of the accepted forms.
pub fn parse_date(text: &str) -> Option<(Date, DateFormat)> {
    let s = text.trim();
    if s.is_empty() {
        return None;
    }
    let (date, time) = match s.find([' ', 'T']) {
        Some(i) => (&s[..i], Some(s[i + 1..].trim_start())),
        None => (s, None),
    };
    if let Some(t) = time
        && !is_time(t)
    {
        return None;
    }
    let b = date.as_bytes();
    if b.len() == 8 && b.iter().all(u8::is_ascii_digit) {
        if time.is_some() {
            return None;
        }
        let n = |r: std::ops::Range<usize>| date[r].parse::<i64>().ok();
        return make(n(0..4)?, n(4..6)?, n(6..8)?).map(|d| (d, DateFormat::Compact));
    }
    let sep = date.chars().find(|c| !c.is_ascii_digit())?;
    if !matches!(sep, '-' | '/' | '.') {
        return None;
    }
    let parts: Vec<&str> = date.split(sep).collect();
    if parts.len() != 3
        || parts
            .iter()
            .any(|p| p.is_empty() || !p.bytes().all(|c| c.is_ascii_digit()))
    {
        return None;
    }
    let num = |p: &str| p.parse::<i64>().ok();
    let short = |p: &str| (1..=2).contains(&p.len());
    if parts[0].len() == 4 && short(parts[1]) && short(parts[2]) {
        let d = make(num(parts[0])?, num(parts[1])?, num(parts[2])?)?;
        Some((d, DateFormat::YearFirst))
    } else if parts[2].len() == 4 && short(parts[0]) && short(parts[1]) {
        let d = make(num(parts[2])?, num(parts[1])?, num(parts[0])?)?;
        Some((d, DateFormat::DayFirst))
    } else {
        None
    }
}

fn make(y: i64, m: i64, d: i64) -> Option<Date> {
    if !(1000..=9999).contains(&y) {
        return None;
    }
    Date::new(y as i16, i8::try_from(m).ok()?, i8::try_from(d).ok()?).ok()
}

/// `HH:MM[:SS[.fff]]` followed by an optional zone: `Z`, `UTC`, `GMT`, `+HH[:MM]`,
/// `+HHMM`, and an optional `[Area/City]` annotation.
fn is_time(t: &str) -> bool {
    let t = match t.find('[') {
        Some(i) if t.ends_with(']') => &t[..i],
        Some(_) => return false,
        None => t,
    };
    let b = t.as_bytes();
    let digits = |from: usize| b[from..].iter().take_while(|c| c.is_ascii_digit()).count();
    let two = |i: usize, max: u32| -> bool {
        b.len() >= i + 2
            && b[i].is_ascii_digit()
            && b[i + 1].is_ascii_digit()
            && t[i..i + 2].parse::<u32>().is_ok_and(|v| v <= max)
    };
    let h = digits(0);
    if !(1..=2).contains(&h) || t[..h].parse::<u32>().map_or(true, |v| v > 23) {
        return false;
    }
    let mut i = h;
    if b.get(i) != Some(&b':') || !two(i + 1, 59) {
        return false;
    }
    i += 3;
    if b.get(i) == Some(&b':') {
        if !two(i + 1, 60) {
            return false;
        }
        i += 3;
        if matches!(b.get(i), Some(b'.' | b',')) {
            let n = digits(i + 1);
            if n == 0 {
                return false;
            }
            i += 1 + n;
        }
    }
    is_zone(t[i..].trim())
}

fn is_zone(z: &str) -> bool {
    if z.is_empty() || matches!(z, "Z" | "z" | "UTC" | "GMT") {
        return true;
    }
    let Some(rest) = z.strip_prefix(['+', '-']) else {
        return false;
    };
    let rest = rest.replace(':', "");
    matches!(rest.len(), 2 | 4) && rest.bytes().all(|c| c.is_ascii_digit())
}

/// The civil (UTC) date of a Unix timestamp, as mail Date headers are compared.
pub fn date_of_unix(seconds: i64) -> Option<Date> {
    let ts = jiff::Timestamp::from_second(seconds).ok()?;
    Some(ts.to_zoned_datetime(TimeZone::UTC).date())
}

/// A retention period: `24 months`, `2 years`, `90 days`, `6 weeks`, or several
/// (`1 year 6 months`). Swedish units (`år`, `månader`, `veckor`, `dagar`) work too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Period {
    pub years: u32,
    pub months: u32,
    pub weeks: u32,
    pub days: u32,
}

impl Period {
    pub fn parse(text: &str) -> Result<Period, String> {
        let words: Vec<&str> = text.split_whitespace().collect();
        if words.is_empty() {
            return Err("empty; write e.g. `24 months`, `2 years`, `90 days`, `6 weeks`".into());
        }
        let mut p = Period::default();
        let mut i = 0;
        while i < words.len() {
            // `24months` and `24 months` both work.
            let (num, unit) = match words[i].find(|c: char| !c.is_ascii_digit()) {
                Some(0) => return Err(format!("expected a number, found `{}`", words[i])),
                Some(k) => (&words[i][..k], &words[i][k..]),
                None => {
                    let unit = words.get(i + 1).copied().ok_or_else(|| {
                        format!("`{}` has no unit (days, weeks, months, years)", words[i])
                    })?;
                    i += 1;
                    (words[i - 1], unit)
                }
            };
            i += 1;
            let n: u32 = num
                .parse()
                .ok()
                .filter(|&n| n <= 100_000)
                .ok_or_else(|| format!("`{num}` is not a usable number"))?;
            let unit = unit.trim_end_matches(',').to_lowercase();
            let slot = match unit.as_str() {
                "d" | "day" | "days" | "dag" | "dagar" => &mut p.days,
                "w" | "week" | "weeks" | "vecka" | "veckor" => &mut p.weeks,
                "m" | "month" | "months" | "mån" | "månad" | "månader" => &mut p.months,
                "y" | "year" | "years" | "år" => &mut p.years,
                other => {
                    return Err(format!(
                        "unknown unit `{other}` (use days, weeks, months or years)"
                    ));
                }
            };
            *slot += n;
            if i < words.len() && words[i].eq_ignore_ascii_case("and") {
                i += 1;
            }
        }
        if p == Period::default() {
            return Err("a retention period of zero keeps nothing; write e.g. `90 days`".into());
        }
        Ok(p)
    }

    /// The first day that is still within the period: a date before it is expired.
    /// Months and years that land on a day the month lacks clamp to its last day
    /// (29 Feb − 1 year = 28 Feb).
    pub fn cutoff(&self, as_of: Date) -> Option<Date> {
        let span = jiff::Span::new()
            .try_years(self.years)
            .ok()?
            .try_months(self.months)
            .ok()?
            .try_weeks(self.weeks)
            .ok()?
            .try_days(self.days)
            .ok()?;
        as_of.checked_sub(span).ok()
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        for (n, unit) in [
            (self.years, "year"),
            (self.months, "month"),
            (self.weeks, "week"),
            (self.days, "day"),
        ] {
            if n > 0 {
                parts.push(format!("{n} {unit}{}", if n == 1 { "" } else { "s" }));
            }
        }
        f.write_str(&parts.join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i16, m: i8, day: i8) -> Date {
        Date::new(y, m, day).unwrap()
    }

    #[test]
    fn iso_dates_with_and_without_times_and_zones() {
        for s in [
            "2023-05-12",
            " 2023-05-12 ",
            "2023-05-12 14:03",
            "2023-05-12T14:03:00",
            "2023-05-12T14:03:00Z",
            "2023-05-12T14:03:00.250+02:00",
            "2023-05-12T23:59:59-0500",
            "2023-05-12 14:03 UTC",
            "2023-05-12T14:03:00+02:00[Europe/Stockholm]",
            "2023/05/12",
            "2023-5-12",
        ] {
            assert_eq!(
                parse_date(s),
                Some((d(2023, 5, 12), DateFormat::YearFirst)),
                "{s}"
            );
        }
    }

    #[test]
    fn day_first_forms_and_compact() {
        for s in [
            "12/05/2023",
            "12.05.2023",
            "12-05-2023",
            "12.5.2023",
            "12/05/2023 08:15",
        ] {
            assert_eq!(
                parse_date(s),
                Some((d(2023, 5, 12), DateFormat::DayFirst)),
                "{s}"
            );
        }
        assert_eq!(
            parse_date("20230512"),
            Some((d(2023, 5, 12), DateFormat::Compact))
        );
        // Day first even when the first number could be a month.
        assert_eq!(parse_date("01/02/2024").unwrap().0, d(2024, 2, 1));
    }

    #[test]
    fn unreadable_values_are_not_guessed() {
        for s in [
            "",
            "   ",
            "2023-13-01",
            "2023-02-30",
            "31/04/2023",
            "0000-00-00",
            "12/05/23",
            "May 12, 2023",
            "12 maj 2023",
            "2023-05-12 25:00",
            "2023-05-12T14",
            "2023-05-12 14:03 CEST",
            "2023-05-12x",
            "20231512",
            "202305120",
            "20230512 10:00",
            "2023-05",
            "yes",
            "2023-05-12T14:03:00+02:00[Europe",
        ] {
            assert_eq!(parse_date(s), None, "{s:?}");
        }
    }

    #[test]
    fn unix_seconds_become_utc_dates() {
        assert_eq!(date_of_unix(0), Some(d(1970, 1, 1)));
        assert_eq!(date_of_unix(1_700_000_000), Some(d(2023, 11, 14)));
    }

    #[test]
    fn periods_in_english_and_swedish() {
        let p = |s: &str| Period::parse(s).unwrap();
        assert_eq!(p("24 months").months, 24);
        assert_eq!(p("2 years").years, 2);
        assert_eq!(p("90 days").days, 90);
        assert_eq!(p("6 weeks").weeks, 6);
        assert_eq!(p("1 year"), p("12 månader").max_years_equiv());
        assert_eq!(
            p("1 year and 6 months"),
            Period {
                years: 1,
                months: 6,
                ..Default::default()
            }
        );
        assert_eq!(p("36months").months, 36);
        assert_eq!(p("2 år").years, 2);
        assert_eq!(p("24 months").to_string(), "24 months");
        assert_eq!(p("1 year 1 day").to_string(), "1 year 1 day");
        for bad in [
            "",
            "24",
            "months",
            "24 fortnights",
            "-3 days",
            "0 days",
            "two years",
        ] {
            assert!(Period::parse(bad).is_err(), "{bad:?}");
        }
    }

    impl Period {
        /// Test helper: months as years where they divide evenly.
        fn max_years_equiv(self) -> Period {
            Period {
                years: self.years + self.months / 12,
                months: self.months % 12,
                ..self
            }
        }
    }

    #[test]
    fn cutoffs_clamp_like_calendar_months() {
        let as_of = d(2026, 11, 29);
        assert_eq!(
            Period::parse("24 months").unwrap().cutoff(as_of),
            Some(d(2024, 11, 29))
        );
        assert_eq!(
            Period::parse("90 days").unwrap().cutoff(as_of),
            Some(d(2026, 8, 31))
        );
        assert_eq!(
            Period::parse("1 year").unwrap().cutoff(d(2024, 2, 29)),
            Some(d(2023, 2, 28))
        );
        assert_eq!(
            Period::parse("1 month").unwrap().cutoff(d(2026, 3, 31)),
            Some(d(2026, 2, 28))
        );
    }
}
