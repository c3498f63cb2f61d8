//! Values as people read them: times as "13 Feb 2026 14:23 UTC", statuses
//! as words ("in use"), and plain text wrapped at 78 columns with aligned
//! continuation lines.

use super::language::Language;
use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};

/// A timestamp (RFC 3339) or a date (`2024-03-18`) in the reader's words;
/// `None` when `value` is neither.
pub fn time(value: &str, lang: Language) -> Option<String> {
    match DateTime::parse_from_rfc3339(value.trim()) {
        Ok(t) => {
            let t = t.with_timezone(&Utc);
            Some(format!("{} {:02}:{:02} UTC", day_month_year(t.date_naive(), lang), t.hour(), t.minute()))
        }
        Err(_) => date(value, lang),
    }
}

/// The date of a timestamp (in UTC) or of a date: "13 Feb 2026".
pub fn date(value: &str, lang: Language) -> Option<String> {
    if let Ok(t) = DateTime::parse_from_rfc3339(value.trim()) {
        return Some(day_month_year(t.with_timezone(&Utc).date_naive(), lang));
    }
    (value.len() == 10).then(|| NaiveDate::parse_from_str(value, "%Y-%m-%d").ok()).flatten().map(|d| day_month_year(d, lang))
}

fn day_month_year(d: NaiveDate, lang: Language) -> String {
    format!("{} {} {}", lang.day(d.day()), lang.months()[d.month0() as usize], d.year())
}

/// A short time for summaries: "13 Feb 14:23" (the year only when it is not `year`).
pub fn short_time(value: &str, lang: Language, year: i32) -> Option<String> {
    let t = DateTime::parse_from_rfc3339(value.trim()).ok()?.with_timezone(&Utc);
    let month = lang.months()[t.month0() as usize];
    let year = if t.year() == year { String::new() } else { format!(" {}", t.year()) };
    Some(format!("{} {month}{year} {:02}:{:02}", lang.day(t.day()), t.hour(), t.minute()))
}

/// A machine status (`in_use`, `file_quarantined`) as words; anything else unchanged.
pub fn words(value: &str) -> String {
    let machine = value.contains('_') && value.chars().all(|c| c.is_ascii_lowercase() || c == '_' || c.is_ascii_digit());
    if machine { value.replace('_', " ") } else { value.to_string() }
}

/// Wraps `text`, which starts at column `indent`, at `width` columns;
/// continuation lines start with `indent` spaces. Words longer than a line
/// stay whole.
pub fn wrap(text: &str, width: usize, indent: usize) -> String {
    let mut out = String::new();
    let mut column = indent;
    let pad = " ".repeat(indent);
    for (i, paragraph) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
            out.push_str(&pad);
            column = indent;
        }
        let mut first = true;
        for word in paragraph.split_whitespace() {
            let len = word.chars().count();
            if !first && column + 1 + len > width {
                out.push('\n');
                out.push_str(&pad);
                column = indent;
                first = true;
            }
            if !first {
                out.push(' ');
                column += 1;
            }
            out.push_str(word);
            column += len;
            first = false;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_read_as_dates() {
        assert_eq!(time("2026-02-13T14:23:24.000Z", Language::En).as_deref(), Some("13 Feb 2026 14:23 UTC"));
        assert_eq!(time("2026-02-13T15:23:24+01:00", Language::De).as_deref(), Some("13. Feb. 2026 14:23 UTC"));
        assert_eq!(time("2024-03-18", Language::Fr).as_deref(), Some("18 mars 2024"));
        assert_eq!(time("WKS-FIN-042", Language::En), None);
        assert_eq!(date("2026-02-28T23:59:59Z", Language::En).as_deref(), Some("28 Feb 2026"));
        assert_eq!(short_time("2026-02-11T13:27:00Z", Language::En, 2026).as_deref(), Some("11 Feb 13:27"));
    }

    #[test]
    fn statuses_become_words_and_text_wraps() {
        assert_eq!(words("in_use"), "in use");
        assert_eq!(words("CORP\\p_alves"), "CORP\\p_alves");
        let wrapped = wrap("one two three four five six seven", 18, 4);
        assert_eq!(wrapped, "one two three\n    four five six\n    seven");
        assert!(wrap(&"word ".repeat(40), 78, 2).lines().all(|l| l.chars().count() <= 78));
    }
}
