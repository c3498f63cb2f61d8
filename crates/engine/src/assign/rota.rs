//! On-call rotas from iCalendar files (RFC 5545): who is on call at a moment.
//!
//! Read: VEVENTs with DTSTART/DTEND (UTC, `TZID=`, floating or all-day),
//! SUMMARY or ATTENDEE;CN naming the analyst, and RRULE with FREQ=DAILY or
//! WEEKLY, INTERVAL, COUNT and UNTIL, plus EXDATE. Other recurrences are
//! refused with a clear error rather than guessed.

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

#[derive(Debug, Clone, PartialEq)]
pub struct Shift {
    pub who: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// Occurrences repeat on the wall clock of this zone (08:00 stays 08:00 across DST).
    local_start: NaiveDateTime,
    zone: Tz,
    repeat: Option<Repeat>,
    exceptions: Vec<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq)]
struct Repeat {
    every: Duration,
    count: Option<u32>,
    until: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Default)]
pub struct Rota {
    shifts: Vec<Shift>,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum RotaError {
    #[error("line {line}: {reason}")]
    Line { line: usize, reason: String },
}

/// Lines with folded continuations joined (RFC 5545 §3.1).
fn unfold(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for raw in text.split('\n') {
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if let Some(rest) = line.strip_prefix(' ').or_else(|| line.strip_prefix('\t'))
            && let Some(last) = out.last_mut()
        {
            last.push_str(rest);
        } else {
            out.push(line.to_string());
        }
    }
    out
}

/// A property's parameters (`TZID=…`, `CN=…`), names upper-cased.
type Params = Vec<(String, String)>;

/// `NAME;PARAM=V:VALUE` → (name, params, value).
fn split_property(line: &str) -> Option<(String, Params, String)> {
    let colon = line.find(':')?;
    let (head, value) = (&line[..colon], &line[colon + 1..]);
    let mut parts = head.split(';');
    let name = parts.next()?.to_ascii_uppercase();
    let params = parts.filter_map(|p| p.split_once('=').map(|(k, v)| (k.to_ascii_uppercase(), v.trim_matches('"').to_string()))).collect();
    Some((name, params, value.to_string()))
}

/// The wall-clock time and the zone it is in (`Z` times are in UTC).
fn parse_local(value: &str, params: &[(String, String)], zone: Tz) -> Option<(NaiveDateTime, Tz)> {
    if let Some(utc) = value.strip_suffix('Z') {
        return NaiveDateTime::parse_from_str(utc, "%Y%m%dT%H%M%S").ok().map(|n| (n, chrono_tz::UTC));
    }
    let tz = params.iter().find(|(k, _)| k == "TZID").and_then(|(_, v)| v.parse::<Tz>().ok()).unwrap_or(zone);
    let naive = match NaiveDateTime::parse_from_str(value, "%Y%m%dT%H%M%S") {
        Ok(n) => n,
        Err(_) => NaiveDate::parse_from_str(value, "%Y%m%d").ok()?.and_hms_opt(0, 0, 0)?,
    };
    Some((naive, tz))
}

/// A wall-clock time as an instant; in a spring-forward gap, the moment the gap ends.
fn instant(naive: NaiveDateTime, tz: Tz) -> DateTime<Utc> {
    match tz.from_local_datetime(&naive).earliest() {
        Some(d) => d.with_timezone(&Utc),
        None => {
            tz.from_local_datetime(&(naive + Duration::hours(1))).earliest().map(|d| d.with_timezone(&Utc)).unwrap_or_else(|| Utc.from_utc_datetime(&naive))
        }
    }
}

fn parse_time(value: &str, params: &[(String, String)], zone: Tz) -> Option<DateTime<Utc>> {
    parse_local(value, params, zone).map(|(n, tz)| instant(n, tz))
}

impl Rota {
    /// Parses an iCalendar text; times without a zone are read in `zone`.
    pub fn parse(text: &str, zone: Tz) -> Result<Rota, RotaError> {
        let mut shifts = Vec::new();
        type Event = (Option<String>, Option<(NaiveDateTime, Tz)>, Option<DateTime<Utc>>, Option<Repeat>, Vec<DateTime<Utc>>);
        let mut current: Option<Event> = None;
        for (i, line) in unfold(text).iter().enumerate() {
            let bad = |reason: String| RotaError::Line { line: i + 1, reason };
            let Some((name, params, value)) = split_property(line) else { continue };
            match (name.as_str(), &mut current) {
                ("BEGIN", None) if value.eq_ignore_ascii_case("VEVENT") => current = Some((None, None, None, None, Vec::new())),
                ("END", Some(_)) if value.eq_ignore_ascii_case("VEVENT") => {
                    let Some((who, start, end, repeat, exceptions)) = current.take() else { continue };
                    let who = who.ok_or_else(|| bad("an event names nobody (SUMMARY or ATTENDEE;CN)".into()))?;
                    let (local_start, zone) = start.ok_or_else(|| bad("an event has no DTSTART".into()))?;
                    let start = instant(local_start, zone);
                    let end = end.unwrap_or(start + Duration::days(1));
                    if end <= start {
                        return Err(bad(format!("the shift of {who} ends before it starts")));
                    }
                    shifts.push(Shift { who, start, end, local_start, zone, repeat, exceptions });
                }
                ("SUMMARY", Some(ev)) => ev.0 = Some(value.trim().to_string()),
                ("ATTENDEE", Some(ev)) if ev.0.is_none() => {
                    ev.0 = params.iter().find(|(k, _)| k == "CN").map(|(_, v)| v.clone()).or_else(|| {
                        let v = value.trim();
                        Some(v.strip_prefix("mailto:").or_else(|| v.strip_prefix("MAILTO:")).unwrap_or(v).to_string())
                    })
                }
                ("DTSTART", Some(ev)) => ev.1 = Some(parse_local(&value, &params, zone).ok_or_else(|| bad(format!("DTSTART {value:?} is not a time")))?),
                ("DTEND", Some(ev)) => ev.2 = Some(parse_time(&value, &params, zone).ok_or_else(|| bad(format!("DTEND {value:?} is not a time")))?),
                ("EXDATE", Some(ev)) => {
                    for v in value.split(',') {
                        ev.4.push(parse_time(v, &params, zone).ok_or_else(|| bad(format!("EXDATE {v:?} is not a time")))?);
                    }
                }
                ("RRULE", Some(ev)) => ev.3 = Some(parse_rrule(&value, zone).map_err(bad)?),
                _ => {}
            }
        }
        Ok(Rota { shifts })
    }

    pub fn load(path: &std::path::Path, zone: Tz) -> Result<Rota, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read rota {}: {e}", path.display()))?;
        Rota::parse(&text, zone).map_err(|e| format!("rota {}: {e}", path.display()))
    }

    /// Who is on call at `at`; when shifts overlap, the one that started last.
    pub fn on_call(&self, at: DateTime<Utc>) -> Option<&str> {
        let mut best: Option<(DateTime<Utc>, &str)> = None;
        for s in &self.shifts {
            if let Some(start) = s.occurrence_covering(at)
                && best.is_none_or(|(b, _)| start > b)
            {
                best = Some((start, s.who.as_str()));
            }
        }
        best.map(|(_, who)| who)
    }
}

impl Shift {
    /// The start of the occurrence that covers `at`, if any.
    fn occurrence_covering(&self, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let length = self.end - self.start;
        if at < self.start {
            return None;
        }
        let start = match &self.repeat {
            None => self.start,
            Some(r) => {
                // The latest occurrence starting at or before `at`, counted on
                // the wall clock (a DST change shifts UTC by an hour).
                let approx = (at - self.start).num_seconds() / r.every.num_seconds().max(1);
                let nth = |n: i64| instant(self.local_start + r.every * n as i32, self.zone);
                let n = [approx + 1, approx, approx - 1].into_iter().find(|n| *n >= 0 && nth(*n) <= at)?;
                let start = nth(n);
                if r.count.is_some_and(|c| n >= i64::from(c)) || r.until.is_some_and(|u| start > u) {
                    return None;
                }
                start
            }
        };
        (at < start + length && !self.exceptions.contains(&start)).then_some(start)
    }
}

fn parse_rrule(value: &str, zone: Tz) -> Result<Repeat, String> {
    let mut freq = None;
    let mut interval = 1i64;
    let mut count = None;
    let mut until = None;
    for part in value.split(';') {
        let Some((k, v)) = part.split_once('=') else { continue };
        match k.to_ascii_uppercase().as_str() {
            "FREQ" => freq = Some(v.to_ascii_uppercase()),
            "INTERVAL" => interval = v.parse().map_err(|_| format!("RRULE INTERVAL {v:?} is not a number"))?,
            "COUNT" => count = Some(v.parse().map_err(|_| format!("RRULE COUNT {v:?} is not a number"))?),
            "UNTIL" => until = Some(parse_time(v, &[], zone).ok_or_else(|| format!("RRULE UNTIL {v:?} is not a time"))?),
            "WKST" => {}
            other => return Err(format!("RRULE {other} is not supported in rotas (use FREQ=DAILY or WEEKLY with INTERVAL, COUNT, UNTIL)")),
        }
    }
    let days = match freq.as_deref() {
        Some("DAILY") => 1,
        Some("WEEKLY") => 7,
        other => return Err(format!("RRULE FREQ {other:?} is not supported in rotas (DAILY or WEEKLY)")),
    };
    if interval < 1 {
        return Err("RRULE INTERVAL must be at least 1".into());
    }
    Ok(Repeat { every: Duration::days(days * interval), count, until })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROTA: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nSUMMARY:alice\r\nDTSTART;TZID=Europe/Berlin:20261130T080000\r\nDTEND;TZID=Europe/Berlin:20261207T080000\r\nRRULE:FREQ=WEEKLY;INTERVAL=2\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nATTENDEE;CN=bob:mailto:bob@customer.example\r\nDTSTART;TZID=Europe/Berlin:20261207T080000\r\nDTEND;TZID=Europe/Berlin:20261214T0800\r\n 00\r\nRRULE:FREQ=WEEKLY;INTERVAL=2\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).expect("time").with_timezone(&Utc)
    }

    #[test]
    fn a_fortnightly_rota_hands_over_at_eight_berlin_time() {
        let rota = Rota::parse(ROTA, chrono_tz::UTC).expect("rota");
        assert_eq!(rota.on_call(at("2026-12-02T12:00:00Z")), Some("alice"));
        // 08:00 in Berlin is 07:00 UTC in winter.
        assert_eq!(rota.on_call(at("2026-12-07T06:59:00Z")), Some("alice"));
        assert_eq!(rota.on_call(at("2026-12-07T07:00:00Z")), Some("bob"));
        assert_eq!(rota.on_call(at("2026-12-15T10:00:00Z")), Some("alice"));
        assert_eq!(rota.on_call(at("2026-12-22T10:00:00Z")), Some("bob"));
        assert_eq!(rota.on_call(at("2026-11-01T10:00:00Z")), None, "before the rota starts");
    }

    #[test]
    fn a_weekly_shift_keeps_its_wall_clock_time_across_daylight_saving() {
        let text =
            "BEGIN:VEVENT\nSUMMARY:dana\nDTSTART;TZID=Europe/Berlin:20270301T080000\nDTEND;TZID=Europe/Berlin:20270301T200000\nRRULE:FREQ=WEEKLY\nEND:VEVENT\n";
        let rota = Rota::parse(text, chrono_tz::UTC).expect("rota");
        // 2027-04-05 is after the switch to CEST: 08:00 Berlin is 06:00 UTC.
        assert_eq!(rota.on_call(at("2027-04-05T06:00:00Z")), Some("dana"));
        assert_eq!(rota.on_call(at("2027-04-05T05:59:00Z")), None);
        assert_eq!(rota.on_call(at("2027-03-01T07:00:00Z")), Some("dana"), "CET: 08:00 is 07:00 UTC");
    }

    #[test]
    fn unsupported_recurrences_and_nameless_events_are_refused() {
        let monthly =
            ROTA.replace("FREQ=WEEKLY;INTERVAL=2\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nATTENDEE", "FREQ=MONTHLY\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nATTENDEE");
        assert!(matches!(Rota::parse(&monthly, chrono_tz::UTC), Err(RotaError::Line { .. })));
        let nameless = "BEGIN:VEVENT\nDTSTART:20261201T000000Z\nEND:VEVENT\n";
        assert!(Rota::parse(nameless, chrono_tz::UTC).is_err());
    }

    #[test]
    fn count_until_and_exdate_end_or_skip_occurrences() {
        let text =
            "BEGIN:VEVENT\nSUMMARY:carol\nDTSTART:20261201T000000Z\nDTEND:20261202T000000Z\nRRULE:FREQ=DAILY;COUNT=3\nEXDATE:20261202T000000Z\nEND:VEVENT\n";
        let rota = Rota::parse(text, chrono_tz::UTC).expect("rota");
        assert_eq!(rota.on_call(at("2026-12-01T12:00:00Z")), Some("carol"));
        assert_eq!(rota.on_call(at("2026-12-02T12:00:00Z")), None, "excluded");
        assert_eq!(rota.on_call(at("2026-12-03T12:00:00Z")), Some("carol"));
        assert_eq!(rota.on_call(at("2026-12-04T12:00:00Z")), None, "after COUNT");
    }
}
