//! Dates as pages write them: machine forms (RFC 3339, ISO 8601, RFC 2822, compact), visible
//! datelines ("November 19, 2019", "19 Nov 2019") and URL paths (`/2019/11/19/`).

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, Utc};

/// A date as precise as its source.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum When {
    /// A time with a known offset.
    Zoned(DateTime<FixedOffset>),
    /// A time of day without an offset.
    Local(NaiveDateTime),
    /// A day only.
    Day(NaiveDate),
}

impl When {
    /// RFC 3339 when the offset is known; `YYYY-MM-DDTHH:MM:SS` or `YYYY-MM-DD` otherwise.
    pub fn render(&self) -> String {
        match self {
            When::Zoned(d) => d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            When::Local(d) => d.format("%Y-%m-%dT%H:%M:%S").to_string(),
            When::Day(d) => d.format("%Y-%m-%d").to_string(),
        }
    }

    /// The calendar day.
    pub fn day(&self) -> NaiveDate {
        match self {
            When::Zoned(d) => d.date_naive(),
            When::Local(d) => d.date(),
            When::Day(d) => *d,
        }
    }

    /// Whether it is certainly after `now` (days and local times get 14 hours of slack for
    /// time zones).
    pub fn after(&self, now: DateTime<Utc>) -> bool {
        let slack = now.checked_add_signed(chrono::Duration::hours(14)).unwrap_or(now);
        match self {
            When::Zoned(d) => d.with_timezone(&Utc) > now,
            When::Local(d) => d.and_utc() > slack,
            When::Day(d) => *d > slack.date_naive(),
        }
    }
}

fn plausible(d: NaiveDate) -> bool {
    use chrono::Datelike;
    (1990..=2100).contains(&d.year())
}

/// Parses a machine-readable date (meta tags, JSON-LD, `<time datetime>`).
pub(crate) fn parse_machine(raw: &str) -> Option<When> {
    let s = raw.trim();
    if s.is_empty() || s.len() > 64 {
        return None;
    }
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return plausible(d.date_naive()).then_some(When::Zoned(d));
    }
    // ISO forms with a space, missing colon in the offset, or fractional seconds.
    let t = s.replacen(' ', "T", 1);
    for f in [
        "%Y-%m-%dT%H:%M:%S%.f%z",
        "%Y-%m-%dT%H:%M:%S%z",
        "%Y-%m-%dT%H:%M%z",
        "%Y-%m-%dT%H:%M:%S%.f%:z",
        "%Y-%m-%dT%H:%M%:z",
    ] {
        if let Ok(d) = DateTime::parse_from_str(&t, f) {
            return plausible(d.date_naive()).then_some(When::Zoned(d));
        }
    }
    if let Some(stripped) = t.strip_suffix('Z') {
        for f in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"] {
            if let Ok(d) = NaiveDateTime::parse_from_str(stripped, f) {
                return plausible(d.date()).then_some(When::Zoned(d.and_utc().fixed_offset()));
            }
        }
    }
    if let Ok(d) = DateTime::parse_from_rfc2822(s) {
        return plausible(d.date_naive()).then_some(When::Zoned(d));
    }
    for f in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"] {
        if let Ok(d) = NaiveDateTime::parse_from_str(&t, f) {
            return plausible(d.date()).then_some(When::Local(d));
        }
    }
    let day_part = t.split('T').next().unwrap_or("");
    for f in ["%Y-%m-%d", "%Y%m%d", "%Y/%m/%d"] {
        if let Ok(d) = NaiveDate::parse_from_str(day_part, f) {
            return plausible(d).then_some(When::Day(d));
        }
    }
    find_in_text(s)
}

fn month(word: &str) -> Option<u32> {
    let w = word.trim_end_matches('.').to_ascii_lowercase();
    if w.len() < 3 {
        return None;
    }
    const NAMES: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    NAMES
        .iter()
        .position(|m| m.starts_with(&w) || (w == "sept" && *m == "september"))
        .map(|i| i as u32 + 1)
}

fn number(word: &str) -> Option<u32> {
    let w = word.trim_end_matches([',', '.']).trim_end_matches(|c: char| c.is_ascii_alphabetic());
    if w.is_empty() || w.len() > 4 || !w.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    w.parse().ok()
}

/// Finds a visible date in running text: "November 19, 2019", "19 November 2019",
/// "2019-11-19", optionally followed by a time like "10:32 AM" or "10:32 ET" (kept as local).
pub(crate) fn find_in_text(text: &str) -> Option<When> {
    find_with_year(text, None)
}

/// Like [`find_in_text`], but "Nov 18, 8:19 PM" without a year takes `year` (known from the
/// element's machine-readable date).
pub(crate) fn find_with_year(text: &str, year: Option<i32>) -> Option<When> {
    let words: Vec<&str> = text.split_whitespace().take(400).collect();
    for i in 0..words.len() {
        let w = words[i];
        // ISO date inside a word.
        if w.len() >= 10 {
            let b = w.as_bytes();
            for start in 0..=(b.len() - 10) {
                let c = &b[start..start + 10];
                if c[4] == b'-'
                    && c[7] == b'-'
                    && c.iter().enumerate().all(|(j, x)| j == 4 || j == 7 || x.is_ascii_digit())
                    && let Some(d) = w
                        .get(start..start + 10)
                        .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
                    && plausible(d)
                {
                    return Some(When::Day(d));
                }
            }
        }
        let next = |k: usize| words.get(i + k).copied().unwrap_or("");
        let (y, m, d, used) = if let Some(m) = month(w) {
            // Month Day, Year
            match (number(next(1)), number(next(2))) {
                (Some(d), Some(y)) if d <= 31 && y >= 1990 => (y, m, d, 3),
                (Some(d), _) if (1..=31).contains(&d) && next(1).ends_with(',') => match year {
                    Some(y) => (y as u32, m, d, 2),
                    None => continue,
                },
                _ => continue,
            }
        } else if let Some(d) = number(w) {
            match (month(next(1)), number(next(2))) {
                (Some(m), Some(y)) if d <= 31 && y >= 1990 => (y, m, d, 3),
                _ => continue,
            }
        } else {
            continue;
        };
        let Some(day) = NaiveDate::from_ymd_opt(y as i32, m, d) else { continue };
        if !plausible(day) {
            continue;
        }
        // An optional time after the date ("at 10:32 a.m.").
        let mut k = used;
        if next(k).eq_ignore_ascii_case("at") || next(k) == "|" || next(k) == "-" {
            k += 1;
        }
        let tw = next(k).trim_end_matches(',');
        if let Some((h, mi)) = tw.split_once(':')
            && let (Ok(mut h), Ok(mi)) =
                (h.parse::<u32>(), mi.get(..2).unwrap_or("x").parse::<u32>())
        {
            let ampm = next(k + 1).to_ascii_lowercase();
            let tail = tw.to_ascii_lowercase();
            let pm = ampm.starts_with("p") || tail.ends_with("pm");
            let am = ampm.starts_with("a") || tail.ends_with("am");
            if pm && h < 12 {
                h += 12;
            }
            if am && h == 12 {
                h = 0;
            }
            if let Some(t) = NaiveTime::from_hms_opt(h, mi, 0) {
                return Some(When::Local(day.and_time(t)));
            }
        }
        return Some(When::Day(day));
    }
    None
}

/// A date in a URL path: `/2019/11/19/`, `/2019-11-19/`, `/20191119/`.
pub(crate) fn from_url(url: &str) -> Option<When> {
    let path = url.split(['?', '#']).next().unwrap_or("");
    let path = path.split_once("://").map(|(_, r)| r).unwrap_or(path);
    let segs: Vec<&str> = path.split('/').skip(1).collect();
    for i in 0..segs.len() {
        let s = segs[i];
        if s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()) {
            let y: i32 = s.parse().ok()?;
            let m = segs
                .get(i + 1)
                .and_then(|m| (m.len() <= 2).then(|| m.parse::<u32>().ok()).flatten());
            let d = segs
                .get(i + 2)
                .and_then(|d| (d.len() <= 2).then(|| d.parse::<u32>().ok()).flatten());
            if let (Some(m), Some(d)) = (m, d)
                && let Some(day) = NaiveDate::from_ymd_opt(y, m, d).filter(|d| plausible(*d))
            {
                return Some(When::Day(day));
            }
        }
        for piece in s.split(['-', '_', '.']).collect::<Vec<_>>().windows(3) {
            if piece[0].len() == 4 && piece[1].len() == 2 && piece[2].len() == 2 {
                let (Ok(y), Ok(m), Ok(d)) = (piece[0].parse(), piece[1].parse(), piece[2].parse())
                else {
                    continue;
                };
                if let Some(day) = NaiveDate::from_ymd_opt(y, m, d).filter(|d| plausible(*d)) {
                    return Some(When::Day(day));
                }
            }
        }
        if s.len() == 8
            && s.bytes().all(|b| b.is_ascii_digit())
            && let Ok(day) = NaiveDate::parse_from_str(s, "%Y%m%d")
            && plausible(day)
        {
            return Some(When::Day(day));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn machine_forms() {
        let r = |s| parse_machine(s).map(|w| w.render());
        assert_eq!(r("2019-11-19T10:05:00Z").as_deref(), Some("2019-11-19T10:05:00Z"));
        assert_eq!(
            r("2019-11-19T10:05:00.123-05:00").as_deref(),
            Some("2019-11-19T10:05:00-05:00")
        );
        assert_eq!(r("2019-11-19T10:05:00+0100").as_deref(), Some("2019-11-19T10:05:00+01:00"));
        assert_eq!(r("2019-11-19 10:05:00").as_deref(), Some("2019-11-19T10:05:00"));
        assert_eq!(r("Tue, 19 Nov 2019 10:05:00 GMT").as_deref(), Some("2019-11-19T10:05:00Z"));
        assert_eq!(r("2019-11-19").as_deref(), Some("2019-11-19"));
        assert_eq!(r("20191119").as_deref(), Some("2019-11-19"));
        assert_eq!(r("yesterday"), None);
        assert_eq!(r("0001-01-01T00:00:00Z"), None);
    }

    #[test]
    fn visible_datelines() {
        let r = |s| find_in_text(s).map(|w| w.render());
        assert_eq!(
            r("Published November 19, 2019 at 10:32 a.m.").as_deref(),
            Some("2019-11-19T10:32:00")
        );
        assert_eq!(r("Updated 3 Dec. 2020").as_deref(), Some("2020-12-03"));
        assert_eq!(r("Sept. 4, 2018 5:01 PM ET").as_deref(), Some("2018-09-04T17:01:00"));
        assert_eq!(r("May I say 4 things").as_deref(), None);
        let y = |s| find_with_year(s, Some(2019)).map(|w| w.render());
        assert_eq!(y("Posted Nov 18, 8:19 PM").as_deref(), Some("2019-11-18T20:19:00"));
        assert_eq!(y("Nov 18 fans").as_deref(), None);
        assert_eq!(r("Posted Nov 18, 8:19 PM").as_deref(), None);
    }

    #[test]
    fn url_dates() {
        let r = |s| from_url(s).map(|w| w.render());
        assert_eq!(r("https://x.com/2019/11/19/politics/a.html").as_deref(), Some("2019-11-19"));
        assert_eq!(r("https://x.com/news/2019-11-19-a-story").as_deref(), Some("2019-11-19"));
        assert_eq!(r("https://x.com/a/20191119/b").as_deref(), Some("2019-11-19"));
        assert_eq!(r("https://x.com/a/2019/b").as_deref(), None);
    }

    #[test]
    fn future_check() {
        let now = DateTime::parse_from_rfc3339("2019-11-19T12:00:00Z").unwrap().with_timezone(&Utc);
        assert!(parse_machine("2019-11-20T12:00:00Z").unwrap().after(now));
        assert!(!parse_machine("2019-11-19").unwrap().after(now));
    }
}
