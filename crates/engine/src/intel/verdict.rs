//! An indicator's verdict (malicious, suspicious, clean or unknown) from
//! the answers of outside intel sources, by the configured rules, with the
//! reasons that decided it.

use super::config::{RuleVerdict, VerdictRule};
use crate::model::StepStatus;
use crate::store::StepResult;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum VerdictKind {
    Malicious,
    Suspicious,
    /// Sources answered and no rule fired.
    Clean,
    /// No intel source answered.
    Unknown,
}

impl VerdictKind {
    pub fn as_str(self) -> &'static str {
        match self {
            VerdictKind::Malicious => "malicious",
            VerdictKind::Suspicious => "suspicious",
            VerdictKind::Clean => "clean",
            VerdictKind::Unknown => "unknown",
        }
    }
}

/// The verdict on one indicator.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Verdict {
    pub verdict: VerdictKind,
    /// Why: the rules that fired ("virustotal: malicious 12 ≥ 5"), or
    /// which sources answered without any firing.
    pub reasons: Vec<String>,
}

/// What the rules make of the intel answers for one indicator (`item`,
/// `kind:value`). The intel sources are the outside services
/// (`external(action)`) and every source a rule names (a customer's own
/// MISP): any of them can make it malicious or suspicious, but only the
/// outside ones clean or unknown. `None` when no outside source was asked
/// about it and no rule fired.
pub fn decide(rules: &[VerdictRule], results: &[StepResult], item: &str, external: impl Fn(&str) -> bool) -> Option<Verdict> {
    let intel = |action: &str| external(action) || rules.iter().any(|rule| matches_source(&rule.source, action));
    let asked: Vec<&StepResult> = results.iter().filter(|r| r.item == item && intel(&r.action)).collect();
    if asked.is_empty() {
        return None;
    }
    let mut fired: Vec<(RuleVerdict, String)> = Vec::new();
    for r in asked.iter().filter(|r| r.status == StepStatus::Ok) {
        let Some(output) = &r.output else { continue };
        for rule in rules.iter().filter(|rule| matches_source(&rule.source, &r.action)) {
            for value in values_at(output, &rule.field) {
                if let Some(why) = fires(rule, &value) {
                    fired.push((rule.verdict, format!("{}: {why}", r.action)));
                    break;
                }
            }
        }
    }
    let pick = |v: RuleVerdict| fired.iter().filter(|(f, _)| *f == v).map(|(_, why)| why.clone()).collect::<Vec<_>>();
    let malicious = pick(RuleVerdict::Malicious);
    if !malicious.is_empty() {
        return Some(Verdict { verdict: VerdictKind::Malicious, reasons: malicious });
    }
    let suspicious = pick(RuleVerdict::Suspicious);
    if !suspicious.is_empty() {
        return Some(Verdict { verdict: VerdictKind::Suspicious, reasons: suspicious });
    }
    // Clean and unknown are the outside sources' word: a customer's own
    // source (its MISP) knowing nothing of a value makes no verdict alone.
    let outside: Vec<&&StepResult> = asked.iter().filter(|r| external(&r.action)).collect();
    if outside.is_empty() {
        return None;
    }
    let answers = |r: &StepResult| matches!(r.status, StepStatus::Ok | StepStatus::NoResult);
    if !outside.iter().any(|r| answers(r)) {
        let withheld = outside.iter().any(|r| r.status == StepStatus::Withheld);
        let why = if withheld { "not sent to outside sources (an internal or undisclosed value)" } else { "no outside source answered" };
        return Some(Verdict { verdict: VerdictKind::Unknown, reasons: vec![why.into()] });
    }
    let mut names: Vec<&str> = asked.iter().filter(|r| answers(r)).map(|r| r.action.as_str()).collect();
    names.sort();
    names.dedup();
    Some(Verdict { verdict: VerdictKind::Clean, reasons: vec![format!("no rule fired on the answers of {}", names.join(", "))] })
}

fn matches_source(source: &str, action: &str) -> bool {
    action == source || action.split_once('.').is_some_and(|(connector, _)| connector == source)
}

/// The values at a dotted path: in each record when the answer has
/// `records` and they have the field, else in the answer itself (`total`).
fn values_at(output: &serde_json::Value, field: &str) -> Vec<serde_json::Value> {
    let at = |v: &serde_json::Value| field.split('.').try_fold(v, |v, key| v.get(key)).filter(|v| !v.is_null()).cloned();
    let in_records: Vec<serde_json::Value> = output.get("records").and_then(|r| r.as_array()).map(|rs| rs.iter().filter_map(at).collect()).unwrap_or_default();
    if in_records.is_empty() { at(output).into_iter().collect() } else { in_records }
}

fn fires(rule: &VerdictRule, value: &serde_json::Value) -> Option<String> {
    let n = || value.as_f64().or_else(|| value.as_str().and_then(|s| s.trim().parse().ok()));
    if let Some(min) = rule.at_least {
        let n = n()?;
        return (n >= min).then(|| format!("{} {} ≥ {}", rule.field, number(n), number(min)));
    }
    if let Some(max) = rule.at_most {
        let n = n()?;
        return (n <= max).then(|| format!("{} {} ≤ {}", rule.field, number(n), number(max)));
    }
    let want = rule.equals.as_ref()?;
    let same = match (want, value) {
        (serde_json::Value::String(a), serde_json::Value::String(b)) => a.eq_ignore_ascii_case(b),
        (serde_json::Value::String(a), other) => a.eq_ignore_ascii_case(&other.to_string()),
        (a, b) => a == b,
    };
    same.then(|| format!("{} = {}", rule.field, value.as_str().map(str::to_string).unwrap_or_else(|| value.to_string())))
}

fn number(n: f64) -> String {
    if n.fract() == 0.0 { format!("{}", n as i64) } else { format!("{n}") }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::intel::config::default_rules;
    use serde_json::json;

    fn result(action: &str, item: &str, status: StepStatus, output: Option<serde_json::Value>) -> StepResult {
        StepResult {
            step: action.replace('.', "_"),
            item: item.into(),
            action: action.into(),
            input: json!({}),
            status,
            output,
            error: None,
            error_kind: None,
            attempts: 1,
            duration_ms: 1,
            finished_at: "2026-12-01T00:00:00Z".into(),
            cached_at: None,
        }
    }

    const ITEM: &str = "sha256:aa";
    fn outside(a: &str) -> bool {
        !a.starts_with("siem.")
    }

    #[test]
    fn the_strongest_rule_decides_and_every_fired_rule_is_a_reason() {
        let rules = default_rules();
        let vt = |n: i64| result("virustotal.file", ITEM, StepStatus::Ok, Some(json!({ "records": [{ "malicious": n, "suspicious": 0 }], "total": 1 })));
        let v = decide(&rules, &[vt(12)], ITEM, outside).expect("asked");
        assert_eq!(v.verdict, VerdictKind::Malicious);
        assert_eq!(v.reasons, ["virustotal.file: malicious 12 ≥ 5"]);
        assert_eq!(decide(&rules, &[vt(2)], ITEM, outside).expect("asked").verdict, VerdictKind::Suspicious);
        let clean = decide(&rules, &[vt(0)], ITEM, outside).expect("asked");
        assert_eq!(clean.verdict, VerdictKind::Clean);
        assert!(clean.reasons[0].contains("virustotal.file"), "{:?}", clean.reasons);
        let abuse = result("abuseipdb.check", ITEM, StepStatus::Ok, Some(json!({ "records": [{ "abuse_confidence": "95" }] })));
        let v = decide(&rules, &[vt(2), abuse], ITEM, outside).expect("asked");
        assert_eq!((v.verdict, v.reasons.len()), (VerdictKind::Malicious, 1), "{:?}", v.reasons);
        let gn = result("greynoise.ip", ITEM, StepStatus::Ok, Some(json!({ "records": [{ "classification": "MALICIOUS" }] })));
        assert_eq!(decide(&rules, &[gn], ITEM, outside).expect("asked").verdict, VerdictKind::Malicious, "text compared ignoring case");
    }

    #[test]
    fn a_domain_registered_in_the_last_month_is_suspicious() {
        let rules = default_rules();
        let rdap = |days: i64| result("rdap.domain", ITEM, StepStatus::Ok, Some(json!({ "domain": "x.com", "registered_days_ago": days })));
        let v = decide(&rules, &[rdap(9)], ITEM, outside).expect("asked");
        assert_eq!((v.verdict, v.reasons.clone()), (VerdictKind::Suspicious, vec!["rdap.domain: registered_days_ago 9 ≤ 30".to_string()]));
        assert_eq!(decide(&rules, &[rdap(30)], ITEM, outside).expect("asked").verdict, VerdictKind::Suspicious, "at most: inclusive");
        assert_eq!(decide(&rules, &[rdap(31)], ITEM, outside).expect("asked").verdict, VerdictKind::Clean);
        let unknown_age = result("rdap.domain", ITEM, StepStatus::Ok, Some(json!({ "domain": "x.com", "registered_days_ago": null })));
        assert_eq!(decide(&rules, &[unknown_age], ITEM, outside).expect("asked").verdict, VerdictKind::Clean, "no date, no rule");
    }

    #[test]
    fn no_answer_is_unknown_and_no_outside_source_is_no_verdict() {
        let rules = default_rules();
        let failed = result("virustotal.file", ITEM, StepStatus::Failed, None);
        assert_eq!(decide(&rules, &[failed], ITEM, outside).expect("asked").verdict, VerdictKind::Unknown);
        let withheld = result("virustotal.ip", ITEM, StepStatus::Withheld, None);
        let v = decide(&rules, &[withheld], ITEM, outside).expect("asked");
        assert!(v.reasons[0].contains("not sent"), "{:?}", v.reasons);
        let none = result("virustotal.file", ITEM, StepStatus::NoResult, None);
        assert_eq!(decide(&rules, &[none], ITEM, outside).expect("asked").verdict, VerdictKind::Clean, "the source answered: it knows nothing bad");
        let siem = result("siem.sighting", ITEM, StepStatus::Ok, Some(json!({ "malicious": 99 })));
        assert_eq!(decide(&rules, &[siem], ITEM, outside), None, "an internal source no rule names gives no verdict");
        let inside = |a: &str| !a.starts_with("misp.") && outside(a) && !a.starts_with("siem.");
        let misp = result("misp.attributes", ITEM, StepStatus::Ok, Some(json!({ "records": [{ "to_ids": true, "event": "Campaign X" }], "total": 1 })));
        let v = decide(&rules, &[misp], ITEM, inside).expect("a rule names misp");
        assert_eq!((v.verdict, v.reasons.clone()), (VerdictKind::Malicious, vec!["misp.attributes: to_ids = true".to_string()]));
        let listed = result("misp.attributes", ITEM, StepStatus::Ok, Some(json!({ "records": [{ "to_ids": false }], "total": 2 })));
        let v = decide(&rules, &[listed], ITEM, inside).expect("asked");
        assert_eq!(
            (v.verdict, v.reasons.clone()),
            (VerdictKind::Suspicious, vec!["misp.attributes: total 2 ≥ 1".to_string()]),
            "a field the records lack is read from the answer"
        );
        let nothing = result("misp.attributes", ITEM, StepStatus::NoResult, None);
        assert_eq!(decide(&rules, std::slice::from_ref(&nothing), ITEM, inside), None, "the customer's MISP knowing nothing is no verdict alone");
        let withheld = result("virustotal.ip", ITEM, StepStatus::Withheld, None);
        let v = decide(&rules, &[nothing, withheld], ITEM, inside).expect("an outside source was not asked");
        assert_eq!(v.verdict, VerdictKind::Unknown, "not clean: no outside source said anything");
        let other = result("virustotal.file", "sha256:bb", StepStatus::Ok, Some(json!({ "malicious": 99 })));
        assert_eq!(decide(&rules, &[other], ITEM, outside), None, "another indicator's answer");
    }
}
