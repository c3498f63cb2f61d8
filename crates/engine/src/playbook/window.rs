//! The period a request is about ("the whole of February 2026", "between
//! 2026-03-07 00:00 and 2026-03-10 18:00 CET", "since 1 March",
//! "01.02.-28.02.", "last 7 days"), in English, German, French and Spanish.
//! SIEM and firewall queries use it; without one, the playbook's default
//! applies (28 days back from the request's date). Times without a zone are
//! read as UTC.

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone, Utc};
use regex::Regex;
use serde::Serialize;
use std::sync::LazyLock;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Window {
    pub start: DateTime<Utc>,
    /// Exclusive.
    pub end: DateTime<Utc>,
    /// The words the window was read from, or `default`.
    pub source: String,
}

pub const DEFAULT_DAYS: i64 = 28;

const MONTHS: &[(&str, u32)] = &[
    ("january", 1),
    ("jan", 1),
    ("januar", 1),
    ("janvier", 1),
    ("enero", 1),
    ("february", 2),
    ("feb", 2),
    ("februar", 2),
    ("février", 2),
    ("fevrier", 2),
    ("febrero", 2),
    ("march", 3),
    ("mar", 3),
    ("märz", 3),
    ("maerz", 3),
    ("mars", 3),
    ("marzo", 3),
    ("april", 4),
    ("apr", 4),
    ("avril", 4),
    ("abril", 4),
    ("may", 5),
    ("mai", 5),
    ("mayo", 5),
    ("june", 6),
    ("jun", 6),
    ("juni", 6),
    ("juin", 6),
    ("junio", 6),
    ("july", 7),
    ("jul", 7),
    ("juli", 7),
    ("juillet", 7),
    ("julio", 7),
    ("august", 8),
    ("aug", 8),
    ("août", 8),
    ("aout", 8),
    ("agosto", 8),
    ("september", 9),
    ("sep", 9),
    ("sept", 9),
    ("septembre", 9),
    ("septiembre", 9),
    ("october", 10),
    ("oct", 10),
    ("oktober", 10),
    ("octobre", 10),
    ("octubre", 10),
    ("november", 11),
    ("nov", 11),
    ("novembre", 11),
    ("noviembre", 11),
    ("december", 12),
    ("dec", 12),
    ("dezember", 12),
    ("décembre", 12),
    ("decembre", 12),
    ("diciembre", 12),
];

fn month(name: &str) -> Option<u32> {
    let n = name.to_lowercase();
    MONTHS.iter().find(|(m, _)| *m == n).map(|(_, v)| *v)
}

const MONTH_RE: &str = r"(january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec|januar|februar|märz|maerz|juni|juli|oktober|dezember|janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|novembre|décembre|decembre|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre)";

static ISO_RANGE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:between|from|zwischen|vom|von|entre|du|del?|desde)\s+(\d{4}-\d{2}-\d{2})(?:[ T](\d{1,2}:\d{2}))?\s*(?:and|to|until|till|und|bis|et|au|y|a|hasta|-|–)\s*(\d{4}-\d{2}-\d{2})(?:[ T](\d{1,2}:\d{2}))?\s*(CEST|CET|UTC|GMT|Z|[+-]\d{2}:?\d{2})?").expect("regex")
});
static DOTTED_RANGE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4})?\s*(?:-|–|bis|to|au|al)\s*(\d{1,2})\.(\d{1,2})\.(\d{4})?").expect("regex"));
static WHOLE_MONTH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"(?i)\b(?:(?:the\s+)?whole\s+(?:of\s+)?|all\s+of\s+|during\s+|in\s+|im\s+(?:ganzen\s+)?|(?:tout\s+le\s+mois\s+de\s+|en\s+|durant\s+)|(?:todo\s+)?(?:el\s+mes\s+de\s+|en\s+|durante\s+))?{MONTH_RE}\s*(\d{{4}})?\b")).expect("regex")
});
static SINCE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"(?i)\b(?:since|seit(?:\s+dem)?|depuis(?:\s+le)?|desde(?:\s+el)?)\s+(?:(\d{{4}}-\d{{2}}-\d{{2}})|(\d{{1}}|\d{{2}})(?:st|nd|rd|th|er|\.)?\s*(?:de\s+)?{MONTH_RE}(?:\s+(\d{{4}}))?|{MONTH_RE}\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(\d{{4}}))?)")).expect("regex")
});
static LAST_DAYS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:last|past|previous|letzten|derniers|últimos|ultimos)\s+(\d{1,3})\s+(?:days|tagen|tage|jours|días|dias)\b").expect("regex")
});
static LAST_WEEK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:last|past|previous)\s+week\b|\bletzte[rn]?\s+woche\b|\bla\s+semaine\s+dernière\b|\bla\s+semana\s+pasada\b").expect("regex")
});
static LAST_MONTH: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\blast\s+month\b|\bletzten\s+monat\b|\ble\s+mois\s+dernier\b|\bel\s+mes\s+pasado\b").expect("regex"));

fn offset(tz: Option<&str>) -> FixedOffset {
    let utc = Utc.fix();
    match tz.map(|t| t.to_ascii_uppercase()) {
        Some(t) if t == "CET" => FixedOffset::east_opt(3600).unwrap_or(utc),
        Some(t) if t == "CEST" => FixedOffset::east_opt(7200).unwrap_or(utc),
        Some(t) if t.starts_with('+') || t.starts_with('-') => {
            let digits: String = t.chars().filter(|c| c.is_ascii_digit()).collect();
            let (h, m) = (digits.get(..2).and_then(|x| x.parse::<i32>().ok()).unwrap_or(0), digits.get(2..4).and_then(|x| x.parse::<i32>().ok()).unwrap_or(0));
            let secs = (h * 3600 + m * 60) * if t.starts_with('-') { -1 } else { 1 };
            FixedOffset::east_opt(secs).unwrap_or(utc)
        }
        _ => utc,
    }
}

fn at(date: NaiveDate, time: Option<&str>, tz: FixedOffset) -> Option<DateTime<Utc>> {
    let t = match time {
        Some(t) => NaiveTime::parse_from_str(t, "%H:%M").ok()?,
        None => NaiveTime::MIN,
    };
    tz.from_local_datetime(&NaiveDateTime::new(date, t)).single().map(|d| d.with_timezone(&Utc))
}

fn midnight(d: NaiveDate) -> DateTime<Utc> {
    Utc.from_utc_datetime(&NaiveDateTime::new(d, NaiveTime::MIN))
}

/// A month without a year means its most recent occurrence up to `today`.
fn year_for(month: u32, year: Option<i32>, today: NaiveDate) -> i32 {
    year.unwrap_or(if month > today.month() { today.year() - 1 } else { today.year() })
}

fn month_window(month: u32, year: i32) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let start = NaiveDate::from_ymd_opt(year, month, 1)?;
    let end = if month == 12 { NaiveDate::from_ymd_opt(year + 1, 1, 1)? } else { NaiveDate::from_ymd_opt(year, month + 1, 1)? };
    Some((midnight(start), midnight(end)))
}

/// When a request's time words count from: when it was sent (its `Date`),
/// else when it was received, else now.
pub fn anchor(sent: Option<&str>, received: Option<&str>) -> DateTime<Utc> {
    let time = |t: Option<&str>| t.and_then(|d| DateTime::parse_from_rfc3339(d).ok()).map(|d| d.with_timezone(&Utc));
    time(sent).or_else(|| time(received)).unwrap_or_else(Utc::now)
}

/// The window named in `text`, or the default ending at `request_date`.
pub fn window(text: &str, request_date: DateTime<Utc>) -> Window {
    let today = request_date.date_naive();
    let found = |start: DateTime<Utc>, end: DateTime<Utc>, words: &str| Window { start, end, source: words.trim().to_string() };
    if let Some(c) = ISO_RANGE.captures(text) {
        let tz = offset(c.get(5).map(|m| m.as_str()));
        let d1 = c.get(1).and_then(|m| NaiveDate::parse_from_str(m.as_str(), "%Y-%m-%d").ok());
        let d2 = c.get(3).and_then(|m| NaiveDate::parse_from_str(m.as_str(), "%Y-%m-%d").ok());
        if let (Some(d1), Some(d2)) = (d1, d2) {
            let start = at(d1, c.get(2).map(|m| m.as_str()), tz);
            // A date without a time at the end means the whole of that day.
            let end = match c.get(4) {
                Some(t) => at(d2, Some(t.as_str()), tz),
                None => at(d2 + Duration::days(1), None, tz),
            };
            if let (Some(s), Some(e)) = (start, end)
                && s < e
            {
                return found(s, e, &c[0]);
            }
        }
    }
    if let Some(c) = DOTTED_RANGE.captures(text) {
        let num = |i: usize| c.get(i).and_then(|m| m.as_str().parse::<u32>().ok());
        let y2 = c.get(6).and_then(|m| m.as_str().parse::<i32>().ok());
        let y1 = c.get(3).and_then(|m| m.as_str().parse::<i32>().ok()).or(y2);
        if let (Some(d1), Some(m1), Some(d2), Some(m2)) = (num(1), num(2), num(4), num(5)) {
            let y1 = year_for(m1, y1, today);
            let y2 = y2.unwrap_or(if m2 < m1 { y1 + 1 } else { y1 });
            if let (Some(a), Some(b)) = (NaiveDate::from_ymd_opt(y1, m1, d1), NaiveDate::from_ymd_opt(y2, m2, d2))
                && a <= b
            {
                return found(midnight(a), midnight(b + Duration::days(1)), &c[0]);
            }
        }
    }
    if let Some(c) = SINCE.captures(text) {
        let date = if let Some(iso) = c.get(1) {
            NaiveDate::parse_from_str(iso.as_str(), "%Y-%m-%d").ok()
        } else if let (Some(d), Some(m)) = (c.get(2), c.get(3)) {
            let m = month(m.as_str());
            let y = c.get(4).and_then(|y| y.as_str().parse().ok());
            m.and_then(|m| NaiveDate::from_ymd_opt(year_for(m, y, today), m, d.as_str().parse().ok()?))
        } else if let (Some(m), Some(d)) = (c.get(5), c.get(6)) {
            let m = month(m.as_str());
            let y = c.get(7).and_then(|y| y.as_str().parse().ok());
            m.and_then(|m| NaiveDate::from_ymd_opt(year_for(m, y, today), m, d.as_str().parse().ok()?))
        } else {
            None
        };
        if let Some(d) = date.filter(|d| midnight(*d) < request_date) {
            return found(midnight(d), request_date, &c[0]);
        }
    }
    if let Some(c) = LAST_DAYS.captures(text)
        && let Some(n) = c.get(1).and_then(|m| m.as_str().parse::<i64>().ok()).filter(|n| (1..=366).contains(n))
    {
        return found(request_date - Duration::days(n), request_date, &c[0]);
    }
    if let Some(c) = LAST_WEEK.find(text) {
        return found(request_date - Duration::days(7), request_date, c.as_str());
    }
    if let Some(c) = LAST_MONTH.find(text) {
        let (y, m) = if today.month() == 1 { (today.year() - 1, 12) } else { (today.year(), today.month() - 1) };
        if let Some((s, e)) = month_window(m, y) {
            return found(s, e, c.as_str());
        }
    }
    for c in WHOLE_MONTH.captures_iter(text) {
        let Some(m) = c.get(1).and_then(|m| month(m.as_str())) else { continue };
        // A bare three-letter word ("may", "mar") needs a year or a lead-in to count.
        let lead_in = c[0].len() > c[1].len() + c.get(2).map_or(0, |y| y.len() + 1);
        if c.get(2).is_none() && (!lead_in || c[1].len() <= 3) {
            continue;
        }
        let y = year_for(m, c.get(2).and_then(|y| y.as_str().parse().ok()), today);
        if let Some((s, e)) = month_window(m, y) {
            return found(s, e, &c[0]);
        }
    }
    Window { start: request_date - Duration::days(DEFAULT_DAYS), end: request_date, source: "default".into() }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).expect("date").with_timezone(&Utc)
    }

    fn w(text: &str) -> (String, String) {
        let r = window(text, day("2026-11-27T10:00:00Z"));
        (r.start.to_rfc3339(), r.end.to_rfc3339())
    }

    #[test]
    fn whole_months_in_four_languages() {
        let feb = ("2026-02-01T00:00:00+00:00".to_string(), "2026-03-01T00:00:00+00:00".to_string());
        for text in ["for the whole of February 2026", "during February 2026", "im Februar 2026", "en février 2026", "durante febrero de 2026", "in February"]
        {
            assert_eq!(w(text), feb, "{text}");
        }
        // A month later in the year than the request means last year's.
        assert_eq!(w("the whole of December").0, "2025-12-01T00:00:00+00:00");
    }

    #[test]
    fn explicit_ranges_with_zones() {
        assert_eq!(w("between 2026-03-07 00:00 and 2026-03-10 18:00 CET"), ("2026-03-06T23:00:00+00:00".into(), "2026-03-10T17:00:00+00:00".into()));
        assert_eq!(w("from 2026-03-07 to 2026-03-10"), ("2026-03-07T00:00:00+00:00".into(), "2026-03-11T00:00:00+00:00".into()));
        assert_eq!(w("zwischen 2026-03-07 08:00 und 2026-03-07 09:30 UTC"), ("2026-03-07T08:00:00+00:00".into(), "2026-03-07T09:30:00+00:00".into()));
    }

    #[test]
    fn dotted_day_month_ranges() {
        assert_eq!(w("Zeitraum 01.02.-28.02."), ("2026-02-01T00:00:00+00:00".into(), "2026-03-01T00:00:00+00:00".into()));
        assert_eq!(w("vom 15.12.2025 bis 05.01.2026"), ("2025-12-15T00:00:00+00:00".into(), "2026-01-06T00:00:00+00:00".into()));
    }

    #[test]
    fn since_and_relative_periods() {
        assert_eq!(w("since 1 March"), ("2026-03-01T00:00:00+00:00".into(), "2026-11-27T10:00:00+00:00".into()));
        assert_eq!(w("since March 1st, 2026").0, "2026-03-01T00:00:00+00:00");
        assert_eq!(w("seit dem 1. März").0, "2026-03-01T00:00:00+00:00");
        assert_eq!(w("depuis le 1er mars").0, "2026-03-01T00:00:00+00:00");
        assert_eq!(w("desde el 1 de marzo").0, "2026-03-01T00:00:00+00:00");
        assert_eq!(w("in the last 7 days").0, "2026-11-20T10:00:00+00:00");
        assert_eq!(w("last month"), ("2026-10-01T00:00:00+00:00".into(), "2026-11-01T00:00:00+00:00".into()));
    }

    #[test]
    fn without_a_window_the_default_is_28_days() {
        let r = window("who owns WKS-FIN-042? may I ask a question", day("2026-11-27T10:00:00Z"));
        assert_eq!(r.source, "default");
        assert_eq!(r.start.to_rfc3339(), "2026-10-30T10:00:00+00:00");
    }
}
