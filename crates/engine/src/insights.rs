//! The figures of the app's Insights screen, computed from the store:
//! requests per day by type and by MSSP (the sender's domain), time to
//! reply, analyst time saved, each classifier's accuracy and coverage from
//! the correction log with its confusion pairs, and each connector's latency
//! and error rate.

use crate::classify::learning::{PredictionReport, prediction_report};
use crate::store::{Activity, Store, StoreError};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `[insights]`: how time saved is counted.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InsightsConfig {
    /// Analyst minutes one request answered by Drawbridge saves. Default 1.
    #[serde(default = "one_minute")]
    pub minutes_saved_per_request: f64,
    /// Requests a day the projection assumes. Default 150.
    #[serde(default = "per_day")]
    pub expected_requests_per_day: u32,
}

fn one_minute() -> f64 {
    1.0
}

fn per_day() -> u32 {
    150
}

impl Default for InsightsConfig {
    fn default() -> Self {
        InsightsConfig { minutes_saved_per_request: one_minute(), expected_requests_per_day: per_day() }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Insights {
    pub since: String,
    pub days: Vec<Day>,
    /// Every type and MSSP seen, most frequent first (the charts' series).
    pub types: Vec<String>,
    pub mssps: Vec<String>,
    pub reply: ReplyTimes,
    pub time_saved: TimeSaved,
    pub classifiers: Vec<ClassifierInsight>,
    pub connectors: Vec<ConnectorInsight>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Day {
    /// `YYYY-MM-DD` (UTC).
    pub day: String,
    pub total: usize,
    pub by_type: BTreeMap<String, usize>,
    pub by_mssp: BTreeMap<String, usize>,
    /// Replies sent that day, and their median time to reply.
    pub replied: usize,
    pub median_reply_minutes: Option<f64>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ReplyTimes {
    pub answered: usize,
    pub median_minutes: Option<f64>,
    pub p90_minutes: Option<f64>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TimeSaved {
    pub requests: usize,
    pub minutes_per_request: f64,
    pub hours: f64,
    /// At `expected_requests_per_day`, hours saved a working day.
    pub expected_requests_per_day: u32,
    pub expected_hours_per_day: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ClassifierInsight {
    pub classifier: String,
    #[serde(flatten)]
    pub report: PredictionReport,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ConnectorInsight {
    pub connector: String,
    pub calls: usize,
    pub failed: usize,
    pub error_rate: f64,
    pub median_ms: i64,
    pub p95_ms: i64,
}

/// The last `days` days up to now.
pub async fn gather(store: &Store, classifiers: &[String], config: &InsightsConfig, days: u32) -> Result<Insights, StoreError> {
    gather_until(store, classifiers, config, days, Utc::now()).await
}

/// The last `days` days up to `now`.
pub async fn gather_until(store: &Store, classifiers: &[String], config: &InsightsConfig, days: u32, now: DateTime<Utc>) -> Result<Insights, StoreError> {
    let since = (now - Duration::days(i64::from(days.clamp(1, 366)))).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let activity = store.activity_since(&since).await?;
    let mut reports = Vec::new();
    for name in classifiers {
        let records = store.predictions_between(name, &since, &now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)).await?;
        reports.push(ClassifierInsight { classifier: name.clone(), report: prediction_report(&since, &records, None) });
    }
    Ok(compute(&activity, reports, config, &since))
}

/// The MSSP of a sender: its address's domain.
fn mssp_of(sender: Option<&str>) -> String {
    sender.and_then(|s| s.rsplit_once('@')).map(|(_, d)| d.trim_end_matches('>').to_ascii_lowercase()).unwrap_or_else(|| "(unknown)".into())
}

fn day_of(at: &str) -> String {
    DateTime::parse_from_rfc3339(at).map(|t| t.with_timezone(&Utc).format("%Y-%m-%d").to_string()).unwrap_or_else(|_| at.chars().take(10).collect())
}

/// The value at `q` (0..=1) of sorted values, nearest rank.
fn quantile<T: Copy>(sorted: &[T], q: f64) -> Option<T> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    Some(sorted[rank - 1])
}

fn by_frequency(counts: impl Iterator<Item = String>) -> Vec<String> {
    let mut n: BTreeMap<String, usize> = BTreeMap::new();
    for k in counts {
        *n.entry(k).or_default() += 1;
    }
    let mut keys: Vec<(String, usize)> = n.into_iter().collect();
    keys.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    keys.into_iter().map(|(k, _)| k).collect()
}

pub fn compute(activity: &Activity, classifiers: Vec<ClassifierInsight>, config: &InsightsConfig, since: &str) -> Insights {
    let mut days: BTreeMap<String, Day> = BTreeMap::new();
    let blank = |day: &str| Day { day: day.to_string(), total: 0, by_type: BTreeMap::new(), by_mssp: BTreeMap::new(), replied: 0, median_reply_minutes: None };
    for r in &activity.requests {
        let day = day_of(&r.received_at);
        let d = days.entry(day.clone()).or_insert_with(|| blank(&day));
        d.total += 1;
        *d.by_type.entry(r.request_type.clone().unwrap_or_else(|| "(untyped)".into())).or_default() += 1;
        *d.by_mssp.entry(mssp_of(r.sender.as_deref())).or_default() += 1;
    }
    let mut minutes: Vec<f64> = Vec::new();
    let mut per_day: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for r in &activity.replies {
        let (Ok(received), Ok(sent)) = (DateTime::parse_from_rfc3339(&r.received_at), DateTime::parse_from_rfc3339(&r.sent_at)) else { continue };
        let m = (sent - received).num_seconds().max(0) as f64 / 60.0;
        minutes.push(m);
        per_day.entry(day_of(&r.sent_at)).or_default().push(m);
    }
    for (day, mut ms) in per_day {
        ms.sort_by(f64::total_cmp);
        let d = days.entry(day.clone()).or_insert_with(|| blank(&day));
        d.replied = ms.len();
        d.median_reply_minutes = quantile(&ms, 0.5);
    }
    minutes.sort_by(f64::total_cmp);
    let reply = ReplyTimes { answered: minutes.len(), median_minutes: quantile(&minutes, 0.5), p90_minutes: quantile(&minutes, 0.9) };
    let time_saved = TimeSaved {
        requests: minutes.len(),
        minutes_per_request: config.minutes_saved_per_request,
        hours: minutes.len() as f64 * config.minutes_saved_per_request / 60.0,
        expected_requests_per_day: config.expected_requests_per_day,
        expected_hours_per_day: f64::from(config.expected_requests_per_day) * config.minutes_saved_per_request / 60.0,
    };
    let mut by_connector: BTreeMap<String, (usize, usize, Vec<i64>)> = BTreeMap::new();
    for c in &activity.calls {
        let connector = c.action.split('.').next().unwrap_or(&c.action).to_string();
        let e = by_connector.entry(connector).or_default();
        e.0 += 1;
        e.1 += usize::from(c.failed);
        e.2.push(c.duration_ms);
    }
    let connectors = by_connector
        .into_iter()
        .map(|(connector, (calls, failed, mut ms))| {
            ms.sort_unstable();
            ConnectorInsight {
                connector,
                calls,
                failed,
                error_rate: failed as f64 / calls.max(1) as f64,
                median_ms: quantile(&ms, 0.5).unwrap_or(0),
                p95_ms: quantile(&ms, 0.95).unwrap_or(0),
            }
        })
        .collect();
    Insights {
        since: since.to_string(),
        types: by_frequency(activity.requests.iter().map(|r| r.request_type.clone().unwrap_or_else(|| "(untyped)".into()))),
        mssps: by_frequency(activity.requests.iter().map(|r| mssp_of(r.sender.as_deref()))),
        days: days.into_values().collect(),
        reply,
        time_saved,
        classifiers,
        connectors,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{CallActivity, ReplyActivity, RequestActivity};

    fn request(id: i64, at: &str, sender: &str, kind: &str) -> RequestActivity {
        RequestActivity { id, received_at: at.into(), sender: Some(sender.into()), request_type: Some(kind.into()) }
    }

    #[test]
    fn figures_from_the_rows() {
        let activity = Activity {
            requests: vec![
                request(1, "2026-11-30T09:00:00Z", "a@mssp.example.net", "enrichment"),
                request(2, "2026-11-30T10:00:00Z", "b@MSSP.example.net", "enrichment"),
                request(3, "2026-12-01T08:00:00Z", "c@other-mssp.example", "phishing"),
            ],
            replies: vec![
                ReplyActivity { request_id: 1, received_at: "2026-11-30T09:00:00Z".into(), sent_at: "2026-11-30T09:10:00Z".into() },
                ReplyActivity { request_id: 2, received_at: "2026-11-30T10:00:00Z".into(), sent_at: "2026-11-30T10:30:00Z".into() },
                ReplyActivity { request_id: 3, received_at: "2026-12-01T08:00:00Z".into(), sent_at: "2026-12-01T09:00:00Z".into() },
            ],
            calls: vec![
                CallActivity { action: "siem.sighting".into(), failed: false, duration_ms: 100 },
                CallActivity { action: "siem.sighting".into(), failed: true, duration_ms: 3000 },
                CallActivity { action: "asset.lookup".into(), failed: false, duration_ms: 5 },
            ],
        };
        let config = InsightsConfig { minutes_saved_per_request: 6.0, expected_requests_per_day: 150 };
        let i = compute(&activity, Vec::new(), &config, "2026-11-01T00:00:00Z");
        assert_eq!(i.days.len(), 2);
        assert_eq!(i.days[0].day, "2026-11-30");
        assert_eq!(i.days[0].by_type["enrichment"], 2);
        assert_eq!(i.days[0].by_mssp["mssp.example.net"], 2, "the domain, case-folded");
        assert_eq!(i.days[0].median_reply_minutes, Some(10.0));
        assert_eq!(i.types, ["enrichment", "phishing"]);
        assert_eq!(i.reply, ReplyTimes { answered: 3, median_minutes: Some(30.0), p90_minutes: Some(60.0) });
        assert_eq!(i.time_saved.hours, 0.3);
        assert_eq!(i.time_saved.expected_hours_per_day, 15.0);
        let siem = i.connectors.iter().find(|c| c.connector == "siem").expect("siem");
        assert_eq!((siem.calls, siem.failed, siem.error_rate, siem.p95_ms), (2, 1, 0.5, 3000));
    }

    #[test]
    fn nothing_yet_gives_empty_figures() {
        let i = compute(&Activity::default(), Vec::new(), &InsightsConfig::default(), "2026-11-01T00:00:00Z");
        assert!(i.days.is_empty() && i.connectors.is_empty());
        assert_eq!(i.reply.median_minutes, None);
        assert_eq!(i.time_saved.expected_hours_per_day, 2.5);
    }
}
