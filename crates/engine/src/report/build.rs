//! From a finished playbook run to a draft report: per indicator, each
//! report step's result as a finding ("found", "no result", "unavailable",
//! "not asked" kept distinct), the values flattened into labelled facts,
//! the disclosure policy applied, and the analyst's overrides on top.

use super::disclosure::{self, DisclosurePolicy, Override, Overrides, Rule};
use super::model::*;
use super::vocabulary;
use crate::model::{ErrorKind, StepStatus};
use crate::playbook::Playbook;
use crate::store::{PlaybookRun, RequestDetail, StepResult};
use serde_json::Value;
use std::collections::HashSet;

/// The reference the MSSP sees for a request.
pub fn reference(request_id: i64) -> String {
    format!("DB-{request_id}")
}

/// Keys that are provenance for machines, not findings for people.
const SKIPPED_KEYS: &[&str] = &["query", "request", "filter", "window", "truncated", "total"];

/// One value of a step's output, flattened: its label (`managed_by.name`,
/// `hosts[0]`), its text, and for (name, count) pairs the count.
#[derive(Debug, Clone, PartialEq)]
pub struct Flat {
    pub label: String,
    pub value: String,
    pub count: Option<u64>,
}

/// The values of an output, in a stable order.
pub fn flatten(value: &Value) -> Vec<Flat> {
    let mut out = Vec::new();
    walk(value, String::new(), &mut out);
    out
}

fn walk(value: &Value, label: String, out: &mut Vec<Flat>) {
    let mut push = |label: String, value: String| out.push(Flat { label, value, count: None });
    match value {
        Value::Null => {}
        Value::Bool(b) => push(label, if *b { "yes" } else { "no" }.into()),
        Value::Number(n) => push(label, n.to_string()),
        Value::String(s) if s.is_empty() => {}
        Value::String(s) => push(label, s.clone()),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let l = format!("{label}[{i}]");
                match item {
                    // (name, count) pairs: hosts, users, ports, sources.
                    Value::Array(pair) if pair.len() == 2 && pair[0].is_string() && pair[1].is_number() => {
                        out.push(Flat { label: l, value: pair[0].as_str().unwrap_or("").to_string(), count: pair[1].as_u64() });
                    }
                    other => walk(other, l, out),
                }
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                if label.is_empty() && SKIPPED_KEYS.contains(&k.as_str()) {
                    continue;
                }
                walk(v, if label.is_empty() { k.clone() } else { format!("{label}.{k}") }, out);
            }
        }
    }
}

/// The system behind an action, for people.
pub fn source_name(action: &str) -> String {
    match action.split('.').next().unwrap_or(action) {
        "active_directory" => "Active Directory".into(),
        "demo_directory" => "Demo directory".into(),
        "siem" | "splunk" => "SIEM".into(),
        "firewall" => "Firewall".into(),
        "asset" => "Asset inventory".into(),
        "snipeit" => "Snipe-IT".into(),
        "virustotal" => "VirusTotal".into(),
        "abuseipdb" => "AbuseIPDB".into(),
        "greynoise" => "GreyNoise".into(),
        "shodan" => "Shodan".into(),
        "urlscan" => "urlscan.io".into(),
        "misp" => "MISP".into(),
        other => other.replace('_', " "),
    }
}

pub struct Inputs<'a> {
    pub detail: &'a RequestDetail,
    pub run: Option<&'a PlaybookRun>,
    pub playbook: Option<&'a Playbook>,
    pub window: Option<TimeWindow>,
    pub policy: &'a DisclosurePolicy,
    /// What each output field is (its data class), as the connectors declare.
    pub connectors: &'a crate::connectors::Registry,
    /// The rules that turn outside intel answers into a verdict.
    pub verdict_rules: &'a [crate::intel::VerdictRule],
    pub overrides: &'a Overrides,
    /// The analyst's summary, replacing the generated one.
    pub summary: Option<&'a str>,
    pub generated_at: String,
}

/// Whether an earlier request came from the same MSSP as this one: its sender
/// domain is one of this disclosure policy's domains, or, under the default
/// policy (which covers every other sender), the very same domain. What one
/// MSSP asked is never told to another.
fn same_mssp(policy: &DisclosurePolicy, current: Option<&str>, prior: Option<&str>) -> bool {
    let domain = |s: Option<&str>| s.and_then(|s| s.rsplit_once('@')).map(|(_, d)| d.trim_end_matches('>').to_ascii_lowercase());
    let Some(prior) = domain(prior) else { return false };
    if policy.domains.is_empty() { domain(current).is_some_and(|c| c == prior) } else { policy.domains.iter().any(|d| d.eq_ignore_ascii_case(&prior)) }
}

pub fn build(i: &Inputs<'_>) -> Report {
    let d = i.detail;
    let asked: HashSet<String> = d.indicators.iter().map(|x| x.value.to_lowercase()).collect();
    // What the MSSP wrote itself: its indicators (an account's bare name
    // too), its subject and its text. None of it is masked back at it.
    let request_text = format!("{}\n{}", d.summary.subject.as_deref().unwrap_or(""), d.parsed.as_ref().and_then(|p| p["text"].as_str()).unwrap_or(""));
    let supplied: HashSet<String> = asked
        .iter()
        .flat_map(|v| {
            let bare = v.rsplit_once('\\').map(|(_, user)| user.to_string());
            std::iter::once(v.clone()).chain(bare)
        })
        .collect();
    let results: &[StepResult] = i.run.map(|r| r.steps.as_slice()).unwrap_or(&[]);
    let steps: Vec<&crate::playbook::definition::Step> = match i.playbook {
        Some(p) if !p.report.is_empty() => p.report.iter().filter_map(|id| p.steps.iter().find(|s| &s.id == id)).collect(),
        Some(p) => p.steps.iter().collect(),
        None => Vec::new(),
    };
    let mut indicators = Vec::new();
    for ind in &d.indicators {
        // Marked "do not disclose": nothing about it, not even "no records".
        if ind.withheld_by.is_some() {
            indicators.push(IndicatorReport { kind: ind.kind.to_string(), value: ind.value.clone(), findings: Vec::new(), withheld: true, verdict: None });
            continue;
        }
        let item = format!("{}:{}", ind.kind, ind.value);
        let mut findings = Vec::new();
        for step in steps.iter().filter(|s| s.for_each.as_ref().is_some_and(|f| f.kinds.contains(&ind.kind))) {
            let result = results.iter().find(|r| r.step == step.id && r.item == item);
            let mut finding = Finding {
                source: source_name(&step.action),
                step: step.id.clone(),
                status: FindingStatus::NotAsked,
                note: None,
                queried_at: result.map(|r| r.finished_at.clone()),
                facts: Vec::new(),
            };
            match result {
                // A step whose condition did not apply (an IP the inventory
                // does not know has no owner to look up) asked nothing: it is
                // not part of the answer.
                None if i.run.is_some() => continue,
                None => finding.note = Some("the playbook has not run".into()),
                Some(r) => match r.status {
                    StepStatus::Ok => {
                        finding.status = FindingStatus::Found;
                        for Flat { label, value, count } in r.output.as_ref().map(flatten).unwrap_or_default() {
                            let class = i.connectors.class_of(&r.action, &label);
                            let original = value.clone();
                            let mut fact = Fact {
                                id: format!("{item}|{}|{label}", step.id),
                                term: vocabulary::term(&r.action, &label),
                                title: i.connectors.title(&r.action, &label),
                                label,
                                value,
                                count,
                                class,
                                disclosure: Disclosure::Shared,
                                reason: None,
                            };
                            disclosure::apply(i.policy, &mut fact, &asked);
                            if fact.disclosure != Disclosure::Shared && disclosure::supplied_by_mssp(&original, &request_text, &supplied) {
                                fact.value = original;
                                fact.disclosure = Disclosure::Shared;
                                fact.reason = Some("supplied by the MSSP in its request".into());
                            }
                            let choice = i.overrides.get(&fact.id).copied();
                            apply_override(&mut fact, choice.as_ref(), r.output.as_ref());
                            finding.facts.push(fact);
                        }
                    }
                    StepStatus::NoResult => finding.status = FindingStatus::NoResult,
                    StepStatus::Skipped => continue,
                    // The value, or one the call would have carried, must
                    // stay inside; which one is for the analyst only.
                    StepStatus::Withheld => {
                        finding.status = FindingStatus::NotSent;
                        finding.queried_at = None;
                        finding.note = Some("not sent to an outside source: an internal or undisclosed value".into());
                    }
                    // A connector this deployment does not have was not asked.
                    StepStatus::Failed if r.error_kind == Some(ErrorKind::NotConfigured) => {
                        finding.status = FindingStatus::NotAsked;
                        finding.queried_at = None;
                        finding.note = Some(format!("{} is not connected", finding.source));
                    }
                    // What went wrong stays with the analyst (the review's
                    // `source_errors`); the MSSP reads only a neutral class.
                    StepStatus::Failed => {
                        finding.status = FindingStatus::Unavailable;
                        finding.note = Some(unavailable_reason(r.error_kind).into());
                    }
                },
            }
            findings.push(finding);
        }
        let verdict = crate::intel::decide(i.verdict_rules, results, &item, |action| i.connectors.action(action).is_some_and(|a| a.external)).and_then(|v| {
            match i.policy.reputation {
                Rule::Share => Some(v),
                Rule::Mask => Some(crate::intel::Verdict { reasons: Vec::new(), ..v }),
                Rule::Withhold => None,
            }
        });
        indicators.push(IndicatorReport { kind: ind.kind.to_string(), value: ind.value.clone(), findings, withheld: false, verdict });
    }
    let current_sender = d.summary.sender.as_deref();
    let asked_before = results
        .iter()
        .find(|r| r.step == crate::playbook::ASKED_BEFORE_STEP)
        .and_then(|r| r.output.as_ref())
        .and_then(|o| o["requests"].as_array())
        .map(|rs| {
            rs.iter()
                .filter(|r| same_mssp(i.policy, current_sender, r["sender"].as_str()))
                .filter_map(|r| {
                    let prior_sender = r["sender"].as_str();
                    Some(PriorRequest {
                        indicator: format!("{}:{}", r["kind"].as_str()?, r["value"].as_str()?),
                        reference: reference(r["request_id"].as_i64()?),
                        received_at: r["received_at"].as_str()?.to_string(),
                        // A colleague at the same MSSP is not named either: only
                        // the requester's own earlier questions carry a sender.
                        sender: prior_sender.filter(|p| current_sender.is_some_and(|c| c.eq_ignore_ascii_case(p))).map(str::to_string),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    let mut report = Report {
        schema: SCHEMA.into(),
        reference: reference(d.summary.id),
        request: RequestInfo {
            id: d.summary.id,
            received_at: d.summary.received_at.clone(),
            sender: d.summary.sender.clone(),
            subject: d.summary.subject.clone(),
            message_id: d.message_id.clone(),
            request_type: d.summary.request_type.clone(),
        },
        window: i.window.clone(),
        generated_at: i.generated_at.clone(),
        summary: String::new(),
        indicators,
        asked_before,
        mssp_reference: d.summary.subject.as_deref().and_then(|s| super::references::mssp_reference(s, &reference(d.summary.id), &asked)),
        language: super::language::detect(&request_text),
        marking: Some(i.policy.tlp.into()),
        tlp_in_subject: i.policy.tlp_in_subject,
    };
    report.summary = match i.summary {
        Some(s) => s.to_string(),
        None => super::present::summary_text(&report),
    };
    report
}

/// The analyst's choice wins over the policy. Revealing restores the
/// original value from the step output.
fn apply_override(fact: &mut Fact, choice: Option<&Override>, output: Option<&Value>) {
    match choice {
        Some(Override::Redact) => {
            fact.value = String::new();
            fact.disclosure = Disclosure::Withheld;
            fact.reason = Some("redacted by the analyst".into());
        }
        Some(Override::Reveal) => {
            if let Some(original) = output.map(flatten).unwrap_or_default().into_iter().find(|f| f.label == fact.label) {
                fact.value = original.value;
            }
            fact.disclosure = Disclosure::Shared;
            fact.reason = Some("shared by the analyst".into());
        }
        None => {}
    }
}

/// The neutral reason a source could not answer, as the MSSP may read it:
/// never the connector's own error text (URLs, bodies, secret names).
pub fn unavailable_reason(kind: Option<ErrorKind>) -> &'static str {
    match kind {
        Some(ErrorKind::Refused) => "the source refused the query",
        Some(ErrorKind::InvalidInput) => "the value could not be queried",
        Some(ErrorKind::NotConfigured) => "the source is not set up",
        Some(ErrorKind::Unavailable) | None => "the source did not answer",
        Some(ErrorKind::NotFound | ErrorKind::Conflict | ErrorKind::Internal) => "an internal error",
    }
}

#[cfg(test)]
mod asked_before_tests {
    use super::same_mssp;
    use crate::report::disclosure::DisclosurePolicy;

    #[test]
    fn earlier_questions_count_only_within_one_mssp() {
        let default = DisclosurePolicy::default();
        assert!(same_mssp(&default, Some("a@mssp-a.example"), Some("b@mssp-a.example")));
        assert!(!same_mssp(&default, Some("a@mssp-a.example"), Some("x@mssp-b.example")), "the default policy covers many MSSPs");
        assert!(!same_mssp(&default, Some("a@mssp-a.example"), None));
        let a = DisclosurePolicy { domains: vec!["mssp-a.example".into(), "mssp-a-soc.example".into()], ..DisclosurePolicy::default() };
        assert!(same_mssp(&a, Some("a@mssp-a.example"), Some("n@MSSP-A-SOC.example")));
        assert!(!same_mssp(&a, Some("a@mssp-a.example"), Some("x@mssp-b.example")));
    }
}

#[cfg(test)]
mod declared_fields_tests {
    use super::SKIPPED_KEYS;
    use crate::connectors::Registry;
    use crate::connectors::http::HttpConnector;

    /// Every value a shipped connector can put into a report has a declared
    /// class: a field added without one would be withheld from every reply,
    /// and this test names it.
    #[test]
    fn every_output_field_of_every_shipped_connector_is_declared() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../playbooks/connectors");
        let http = HttpConnector::load_dir(&dir).expect("shipped HTTP connectors load");
        assert!(!http.is_empty());
        let registry = Registry::build(&Default::default(), &http).expect("registry");
        let mut missing = Vec::new();
        for action in registry.catalogue() {
            for leaf in action.undeclared() {
                if !SKIPPED_KEYS.contains(&leaf.split('.').next().unwrap_or(&leaf)) {
                    missing.push(format!("{}: {leaf}", action.name));
                }
            }
        }
        assert!(missing.is_empty(), "fields without a data class: {missing:#?}");
        let user = registry.action("active_directory.user").expect("user lookup");
        assert!(crate::connectors::fields::leaves_in(&user.output_schema).len() >= 25 && user.fields.len() >= 25, "the walk reaches every field");
        assert_eq!(registry.class_of("active_directory.computer", "description"), crate::model::DataClass::Description);
        assert_eq!(registry.class_of("active_directory.user", "groups[2]"), crate::model::DataClass::Group);
        assert_eq!(registry.class_of("snipeit.asset", "records[0].assigned_to_name"), crate::model::DataClass::PersonName);
        assert_eq!(registry.class_of("asset.lookup", "cost_centre"), crate::model::DataClass::Unclassified);
    }

    #[test]
    fn a_deployment_declares_its_own_columns() {
        let cfg: crate::connectors::limits::ConnectorsConfig =
            toml::from_str("[field_classes.asset_inventory]\ncost_centre = \"department\"\nserial = \"description\"\n").expect("config");
        let registry = Registry::build(&cfg, &[]).expect("registry");
        assert_eq!(registry.class_of("asset.lookup", "cost_centre"), crate::model::DataClass::Department);
        assert_eq!(registry.class_of("asset.lookup", "serial"), crate::model::DataClass::Description, "the deployment's word wins");
        let unknown: crate::connectors::limits::ConnectorsConfig = toml::from_str("[field_classes.nosuch]\nx = \"department\"\n").expect("config");
        assert!(Registry::build(&unknown, &[]).is_err(), "a typo in the connector name is an error, not a silent no-op");
        let bad = toml::from_str::<crate::connectors::limits::ConnectorsConfig>("[field_classes.asset_inventory]\nx = \"secretish\"\n");
        assert!(bad.is_err(), "an unknown class is refused");
    }
}
