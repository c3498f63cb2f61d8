//! Assignment: who works on a request. Rules from `[assignment]` are tried in
//! order and the first that matches wins: by request type, MSSP, any
//! classifier's label, weekday and hours in the configured zone (a span that
//! crosses midnight belongs to the day it starts), to an analyst, a queue, a
//! team in turn (round robin), or whoever an iCalendar rota has on call. The
//! request records the rule; reassigning is one audited call.

mod config;
pub mod rota;

pub use config::{AssignmentConfig, Rule, Target};

use crate::store::{Assignment, Store, StoreError};
use chrono::{DateTime, Datelike, NaiveTime, Timelike, Utc, Weekday};
use chrono_tz::Tz;
use rota::Rota;
use std::collections::BTreeMap;

/// What the rules look at.
#[derive(Debug, Clone)]
pub struct Facts<'a> {
    pub request_type: Option<&'a str>,
    /// The sender's address (its domain identifies the MSSP).
    pub sender: Option<&'a str>,
    /// Every classifier's label.
    pub labels: &'a BTreeMap<String, String>,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    pub assignee: String,
    pub rule: String,
}

#[derive(Debug, thiserror::Error)]
pub enum AssignError {
    #[error("[assignment] {0}")]
    Config(String),
    #[error("{0:?} is not an analyst or queue declared in [assignment]")]
    Unknown(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A rule ready to match: hours parsed, days and rota read.
#[derive(Debug)]
struct Compiled {
    rule: Rule,
    days: Vec<Weekday>,
    hours: Option<(NaiveTime, NaiveTime)>,
    rota: Option<Rota>,
}

#[derive(Debug)]
pub struct Assigner {
    zone: Tz,
    rules: Vec<Compiled>,
    analysts: Vec<String>,
    queues: Vec<String>,
    teams: BTreeMap<String, Vec<String>>,
}

fn weekday(name: &str) -> Option<Weekday> {
    match name.to_ascii_lowercase().get(..3)? {
        "mon" => Some(Weekday::Mon),
        "tue" => Some(Weekday::Tue),
        "wed" => Some(Weekday::Wed),
        "thu" => Some(Weekday::Thu),
        "fri" => Some(Weekday::Fri),
        "sat" => Some(Weekday::Sat),
        "sun" => Some(Weekday::Sun),
        _ => None,
    }
}

fn hours(span: &str) -> Option<(NaiveTime, NaiveTime)> {
    let (a, b) = span.split_once('-')?;
    let t = |s: &str| NaiveTime::parse_from_str(s.trim(), "%H:%M").ok().or_else(|| (s.trim() == "24:00").then_some(NaiveTime::MIN));
    Some((t(a)?, t(b)?))
}

impl Assigner {
    /// Checks every rule against the declared analysts, queues and teams, and reads the rotas.
    pub fn new(config: &AssignmentConfig) -> Result<Assigner, AssignError> {
        let bad = |m: String| AssignError::Config(m);
        let zone: Tz = match &config.timezone {
            Some(z) => z.parse().map_err(|_| bad(format!("timezone {z:?} is not an IANA zone name (e.g. Europe/Berlin)")))?,
            None => chrono_tz::UTC,
        };
        for (team, members) in &config.teams {
            if members.is_empty() {
                return Err(bad(format!("team {team:?} has no members")));
            }
            if let Some(m) = members.iter().find(|m| !config.analysts.contains(m)) {
                return Err(bad(format!("team {team:?} names {m:?}, who is not in analysts")));
            }
        }
        let mut rules = Vec::new();
        for r in &config.rules {
            let at = |m: String| bad(format!("rule {:?}: {m}", r.name));
            if r.name.trim().is_empty() {
                return Err(bad("every rule needs a name".into()));
            }
            if config.rules.iter().filter(|o| o.name == r.name).count() > 1 {
                return Err(at("the name is used twice".into()));
            }
            let days = r.days.iter().map(|d| weekday(d).ok_or_else(|| at(format!("{d:?} is not a weekday")))).collect::<Result<Vec<_>, _>>()?;
            let hours = r.hours.as_deref().map(|h| hours(h).ok_or_else(|| at(format!("hours {h:?} is not HH:MM-HH:MM")))).transpose()?;
            let rota = match &r.assign_to {
                Target::Analyst(a) if !config.analysts.contains(a) => return Err(at(format!("{a:?} is not in analysts"))),
                Target::Queue(q) if !config.queues.contains(q) => return Err(at(format!("{q:?} is not in queues"))),
                Target::RoundRobin(t) if !config.teams.contains_key(t) => return Err(at(format!("{t:?} is not in teams"))),
                Target::Rota(path) => Some(Rota::load(path, zone).map_err(at)?),
                _ => None,
            };
            rules.push(Compiled { rule: r.clone(), days, hours, rota });
        }
        Ok(Assigner { zone, rules, analysts: config.analysts.clone(), queues: config.queues.clone(), teams: config.teams.clone() })
    }

    /// Whether `name` is a declared analyst or queue.
    pub fn knows(&self, name: &str) -> bool {
        self.analysts.iter().chain(&self.queues).any(|n| n == name)
    }

    fn in_force(&self, c: &Compiled, at: DateTime<Utc>) -> bool {
        let local = at.with_timezone(&self.zone);
        let mut day = local.weekday();
        if let Some((start, end)) = c.hours {
            let now = NaiveTime::from_hms_opt(local.hour(), local.minute(), local.second()).unwrap_or(NaiveTime::MIN);
            let inside = if start < end {
                start <= now && now < end
            } else if now >= start {
                true
            } else if now < end {
                // After midnight: the span began the day before.
                day = day.pred();
                true
            } else {
                false
            };
            if !inside {
                return false;
            }
        }
        c.days.is_empty() || c.days.contains(&day)
    }

    fn matches(&self, c: &Compiled, f: &Facts<'_>) -> bool {
        let r = &c.rule;
        if !r.request_types.is_empty() && !f.request_type.is_some_and(|t| r.request_types.iter().any(|x| x == t)) {
            return false;
        }
        if !r.mssp_domains.is_empty() {
            let domain = f.sender.and_then(|s| s.rsplit_once('@')).map(|(_, d)| d.to_ascii_lowercase());
            let ok = domain.is_some_and(|d| {
                r.mssp_domains.iter().any(|m| {
                    let m = m.to_ascii_lowercase();
                    d == m || d.ends_with(&format!(".{m}"))
                })
            });
            if !ok {
                return false;
            }
        }
        if !r.labels.iter().all(|(classifier, wanted)| f.labels.get(classifier).is_some_and(|l| wanted.contains(l))) {
            return false;
        }
        self.in_force(c, f.at)
    }

    /// The first matching rule's assignee. `last_by_rule` says whom a rule
    /// assigned last, for round robin. A rota with nobody on call does not
    /// match, so the next rule is tried.
    pub fn decide(&self, f: &Facts<'_>, last_by_rule: impl Fn(&str) -> Option<String>) -> Option<Decision> {
        for c in &self.rules {
            if !self.matches(c, f) {
                continue;
            }
            let assignee = match &c.rule.assign_to {
                Target::Analyst(a) | Target::Queue(a) => Some(a.clone()),
                Target::RoundRobin(team) => {
                    let members = self.teams.get(team)?;
                    let next = match last_by_rule(&c.rule.name).and_then(|last| members.iter().position(|m| *m == last)) {
                        Some(i) => (i + 1) % members.len(),
                        None => 0,
                    };
                    members.get(next).cloned()
                }
                Target::Rota(_) => c.rota.as_ref().and_then(|r| r.on_call(f.at)).map(str::to_string),
            };
            if let Some(assignee) = assignee {
                return Some(Decision { assignee, rule: c.rule.name.clone() });
            }
        }
        None
    }

    /// Applies the rules to a stored request and records the result (audited,
    /// as the `drawbridge` system actor). `None`: no rule matched.
    pub async fn assign_request(&self, store: &Store, request_id: i64) -> Result<Option<Assignment>, AssignError> {
        let detail = store.request(request_id).await?;
        let s = &detail.summary;
        let at = DateTime::parse_from_rfc3339(&s.received_at).map(|d| d.with_timezone(&Utc)).unwrap_or_else(|_| Utc::now());
        let facts = Facts { request_type: s.request_type.as_deref(), sender: s.sender.as_deref(), labels: &s.labels, at };
        // Round robin needs the last assignee of its rule; only round-robin
        // rules that match this request are asked, one query each.
        let mut last = BTreeMap::new();
        for c in self.rules.iter().filter(|c| matches!(c.rule.assign_to, Target::RoundRobin(_)) && self.matches(c, &facts)) {
            last.insert(c.rule.name.clone(), store.last_assignee_by_rule(&c.rule.name).await?);
        }
        let Some(d) = self.decide(&facts, |rule| last.get(rule).cloned().flatten()) else { return Ok(None) };
        Ok(Some(store.assign(request_id, &d.assignee, Some(&d.rule), SYSTEM_ACTOR, None).await?))
    }

    /// A person hands a request to another analyst or queue.
    pub async fn reassign(&self, store: &Store, request_id: i64, to: &str, actor: &str, reason: Option<&str>) -> Result<Assignment, AssignError> {
        if !self.knows(to) {
            return Err(AssignError::Unknown(to.into()));
        }
        Ok(store.assign(request_id, to, None, actor, reason).await?)
    }
}

/// Who the audit log names for assignments the rules made.
pub const SYSTEM_ACTOR: &str = "drawbridge";

#[cfg(test)]
mod tests {
    use super::*;

    fn config(rules: &str) -> AssignmentConfig {
        let text = format!(
            "timezone = \"Europe/Berlin\"\nanalysts = [\"alice\", \"bob\", \"carol\"]\nqueues = [\"night-queue\", \"soc\"]\n[teams]\nday = [\"alice\", \"bob\"]\n{rules}"
        );
        toml::from_str(&text).expect("config")
    }

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).expect("time").with_timezone(&Utc)
    }

    fn facts<'a>(labels: &'a BTreeMap<String, String>, when: &str) -> Facts<'a> {
        Facts { request_type: Some("phishing"), sender: Some("soc@mssp.example.net"), labels, at: at(when) }
    }

    #[test]
    fn the_first_matching_rule_wins_and_is_named() {
        let a = Assigner::new(&config(
            "[[rules]]\nname = \"p1\"\nlabels = { priority = [\"P1\"] }\nassign_to = { analyst = \"carol\" }\n\
             [[rules]]\nname = \"phishing\"\nrequest_types = [\"phishing\"]\nassign_to = { queue = \"soc\" }\n",
        ))
        .expect("valid");
        let p1 = BTreeMap::from([("priority".to_string(), "P1".to_string())]);
        let p3 = BTreeMap::from([("priority".to_string(), "P3".to_string())]);
        assert_eq!(a.decide(&facts(&p1, "2026-12-02T10:00:00Z"), |_| None), Some(Decision { assignee: "carol".into(), rule: "p1".into() }));
        assert_eq!(a.decide(&facts(&p3, "2026-12-02T10:00:00Z"), |_| None).map(|d| d.rule), Some("phishing".into()));
    }

    #[test]
    fn a_night_span_crossing_midnight_belongs_to_the_day_it_starts_in_the_configured_zone() {
        let a =
            Assigner::new(&config("[[rules]]\nname = \"friday night\"\ndays = [\"fri\"]\nhours = \"22:00-06:00\"\nassign_to = { queue = \"night-queue\" }\n"))
                .expect("valid");
        let none = BTreeMap::new();
        // Friday 2026-12-04 23:30 Berlin = 22:30 UTC.
        assert!(a.decide(&facts(&none, "2026-12-04T22:30:00Z"), |_| None).is_some());
        // Saturday 03:00 Berlin is still Friday's night.
        assert!(a.decide(&facts(&none, "2026-12-05T02:00:00Z"), |_| None).is_some());
        // Saturday 23:00 Berlin starts Saturday's night: not Friday's.
        assert!(a.decide(&facts(&none, "2026-12-05T22:00:00Z"), |_| None).is_none());
        // Friday 03:00 Berlin belongs to Thursday's night.
        assert!(a.decide(&facts(&none, "2026-12-04T02:00:00Z"), |_| None).is_none());
        // 21:30 UTC on Friday is 22:30 in Berlin but 21:30 in UTC: the zone decides.
        assert!(a.decide(&facts(&none, "2026-12-04T21:30:00Z"), |_| None).is_some());
        assert!(a.decide(&facts(&none, "2026-12-04T20:30:00Z"), |_| None).is_none());
    }

    #[test]
    fn round_robin_continues_after_the_last_assignee() {
        let a = Assigner::new(&config("[[rules]]\nname = \"rr\"\nassign_to = { round_robin = \"day\" }\n")).expect("valid");
        let none = BTreeMap::new();
        let f = facts(&none, "2026-12-02T10:00:00Z");
        assert_eq!(a.decide(&f, |_| None).map(|d| d.assignee), Some("alice".into()));
        assert_eq!(a.decide(&f, |_| Some("alice".into())).map(|d| d.assignee), Some("bob".into()));
        assert_eq!(a.decide(&f, |_| Some("bob".into())).map(|d| d.assignee), Some("alice".into()));
    }

    #[test]
    fn rules_naming_undeclared_people_or_bad_hours_are_refused() {
        for bad in [
            "[[rules]]\nname = \"x\"\nassign_to = { analyst = \"mallory\" }\n",
            "[[rules]]\nname = \"x\"\nhours = \"25:00-03:00\"\nassign_to = { queue = \"soc\" }\n",
            "[[rules]]\nname = \"x\"\ndays = [\"someday\"]\nassign_to = { queue = \"soc\" }\n",
            "[[rules]]\nname = \"x\"\nassign_to = { round_robin = \"night\" }\n",
            "[[rules]]\nname = \"x\"\nassign_to = { rota = \"/nonexistent/rota.ics\" }\n",
        ] {
            assert!(Assigner::new(&config(bad)).is_err(), "{bad}");
        }
        let mut c = config("");
        c.timezone = Some("Mars/Olympus".into());
        assert!(Assigner::new(&c).is_err());
    }

    #[test]
    fn mssp_domains_match_the_sender_domain_and_its_subdomains() {
        let a = Assigner::new(&config("[[rules]]\nname = \"acme\"\nmssp_domains = [\"example.net\"]\nassign_to = { analyst = \"bob\" }\n")).expect("valid");
        let none = BTreeMap::new();
        assert!(a.decide(&facts(&none, "2026-12-02T10:00:00Z"), |_| None).is_some());
        let mut f = facts(&none, "2026-12-02T10:00:00Z");
        f.sender = Some("soc@evil-example.net");
        assert!(a.decide(&f, |_| None).is_none());
    }
}
