//! The report as the MSSP analyst reads it: what the templates render. From
//! the report's data it makes a summary that answers the questions (built
//! from the facts by fixed sentence patterns, never by a language model),
//! per indicator the facts under human labels with times, counts and lists
//! written for people, one line per section for what the disclosure policy
//! held back, one "could not check" line, the references, and the TLP
//! marking, all in the request's language.

use super::format;
use super::language::Language;
use super::model::*;
use super::phrases::{self, Phrases, fill};
use super::tlp::Tlp;
use crate::intel::VerdictKind;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Serialize)]
pub struct View {
    pub lang: &'static str,
    pub p: Phrases,
    pub tlp: TlpView,
    pub subject: String,
    pub our_reference: String,
    pub your_reference: Option<String>,
    /// The references line: "Your reference: … · Our reference: …".
    pub references: String,
    /// One line per indicator (generated), or the analyst's paragraphs.
    pub summary: Vec<String>,
    pub could_not_check: Option<String>,
    pub window: Option<String>,
    pub sections: Vec<Section>,
    pub asked_before: Vec<String>,
    pub attachment: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct TlpView {
    pub label: &'static str,
    pub note: &'static str,
    pub colour: &'static str,
}

/// One indicator the MSSP asked about.
#[derive(Debug, Clone, Serialize)]
pub struct Section {
    pub heading: String,
    pub blocks: Vec<Block>,
}

/// What one source said about it.
#[derive(Debug, Clone, Serialize)]
pub struct Block {
    pub source: String,
    /// "no records", when the source had nothing.
    pub status: Option<String>,
    pub rows: Vec<Row>,
    /// "3 fields withheld or masked under our disclosure policy: …".
    pub withheld: Option<String>,
    /// The longest label, for aligned plain text.
    pub label_width: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub label: String,
    pub value: String,
}

/// The view of `report`, for the templates.
pub fn view(report: &Report) -> View {
    let lang = report.language;
    let p = phrases::phrases(lang);
    let tlp = report.marking.as_ref().and_then(|m| Tlp::parse(&m.tlp)).unwrap_or_default();
    let your_reference = report.mssp_reference.clone();
    let references = match &your_reference {
        Some(theirs) => format!("{}: {theirs} · {}: {}", p.your_reference, p.our_reference, report.reference),
        None => format!("{}: {}", p.our_reference, report.reference),
    };
    // Generated, one line per indicator; or the analyst's own paragraphs.
    let summary = report.summary.lines().map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect();
    let window = report.window.as_ref().map(|w| {
        let end = chrono::DateTime::parse_from_rfc3339(&w.end).map(|e| (e - chrono::Duration::seconds(1)).to_rfc3339()).unwrap_or_else(|_| w.end.clone());
        fill(p.window, &[("start", &day(&w.start, lang)), ("end", &day(&end, lang))])
    });
    View {
        lang: lang.code(),
        tlp: TlpView { label: tlp.label(), note: phrases::tlp_note(lang, tlp), colour: tlp.colour() },
        subject: subject(report, tlp),
        our_reference: report.reference.clone(),
        your_reference,
        references,
        summary,
        could_not_check: could_not_check(report, &p),
        window,
        sections: report.indicators.iter().map(|i| section(i, report, &p, lang)).collect(),
        asked_before: report
            .asked_before
            .iter()
            .map(|a| fill(p.asked_before_item, &[("indicator", &a.indicator), ("reference", &a.reference), ("date", &day(&a.received_at, lang))]))
            .collect(),
        attachment: fill(p.attachment, &[("schema", &report.schema)]),
        p,
    }
}

/// The date part of a time ("13 Feb 2026").
fn day(value: &str, lang: Language) -> String {
    format::date(value, lang).unwrap_or_else(|| value.to_string())
}

/// The reply's subject: `Re:` the request's, with both references, and the
/// TLP label in front where the MSSP's policy asks for it.
pub fn subject(report: &Report, tlp: Tlp) -> String {
    // No control character can reach a header (the outbound message strips them again).
    let original: String = report.request.subject.as_deref().unwrap_or("").chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    let original = original.trim().to_string();
    let mut s = if original.is_empty() {
        format!("Drawbridge {}", report.reference)
    } else if original.to_ascii_lowercase().starts_with("re:") {
        original.clone()
    } else {
        format!("Re: {original}")
    };
    if let Some(theirs) = &report.mssp_reference
        && !s.contains(theirs.as_str())
    {
        s = format!("{s} [{theirs}]");
    }
    if !s.contains(&report.reference) {
        s = format!("{s} [{}]", report.reference);
    }
    if report.tlp_in_subject && !s.contains(tlp.label()) {
        s = format!("[{}] {s}", tlp.label());
    }
    s
}

/// Sources that were not connected or did not answer, once, neutrally.
fn could_not_check(report: &Report, p: &Phrases) -> Option<String> {
    let mut sources: BTreeMap<String, &'static str> = BTreeMap::new();
    for f in report.indicators.iter().flat_map(|i| i.findings.iter()) {
        let why = match f.status {
            FindingStatus::NotAsked => p.not_connected,
            FindingStatus::Unavailable => match f.note.as_deref() {
                Some("the source refused the query") => p.refused,
                Some("the value could not be queried") => p.cannot_query,
                Some("an internal error") => p.internal_error,
                _ => p.no_answer,
            },
            _ => continue,
        };
        sources.entry(f.source.clone()).or_insert(why);
    }
    if sources.is_empty() {
        return None;
    }
    let list: Vec<String> = sources.into_iter().map(|(s, why)| format!("{s} ({why})")).collect();
    Some(fill(p.could_not_check, &[("sources", &list.join(", "))]))
}

fn section(ind: &IndicatorReport, report: &Report, p: &Phrases, lang: Language) -> Section {
    let asked: Vec<String> = report.indicators.iter().map(|i| i.value.to_lowercase()).collect();
    let mut blocks = Vec::new();
    for f in &ind.findings {
        // A source asked twice for one indicator (the machine, then its
        // owner) names the step as well.
        let twice = ind.findings.iter().filter(|g| g.source == f.source && g.status == FindingStatus::Found).count() > 1;
        let source = if twice { format!("{} ({})", f.source, format::words(&f.step)) } else { f.source.clone() };
        match f.status {
            FindingStatus::Found => {
                let (rows, withheld) = rows(&f.facts, &asked, p, lang);
                let label_width = rows.iter().map(|r| r.label.chars().count()).max().unwrap_or(0).min(28);
                blocks.push(Block { source, status: None, rows, withheld, label_width });
            }
            FindingStatus::NoResult => blocks.push(Block { source, status: Some(p.no_records.into()), rows: Vec::new(), withheld: None, label_width: 0 }),
            FindingStatus::NotSent => blocks.push(Block { source, status: Some(p.not_sent_outside.into()), rows: Vec::new(), withheld: None, label_width: 0 }),
            // Said once, in the "could not check" line.
            FindingStatus::Unavailable | FindingStatus::NotAsked => {}
        }
    }
    if let Some(v) = ind.verdict.as_ref().filter(|_| !ind.withheld) {
        let word = p.verdicts[match v.verdict {
            VerdictKind::Malicious => 0,
            VerdictKind::Suspicious => 1,
            VerdictKind::Clean => 2,
            VerdictKind::Unknown => 3,
        }];
        let status = if v.reasons.is_empty() { word.to_string() } else { format!("{word} ({})", v.reasons.join("; ")) };
        blocks.insert(0, Block { source: p.verdict.to_string(), status: Some(status), rows: Vec::new(), withheld: None, label_width: 0 });
    }
    if ind.withheld {
        blocks.push(Block { source: p.not_disclosed.to_string(), status: None, rows: Vec::new(), withheld: None, label_width: 0 });
    } else if blocks.is_empty() {
        blocks.push(Block { source: p.not_checked.to_string(), status: None, rows: Vec::new(), withheld: None, label_width: 0 });
    }
    Section { heading: format!("{} {}", phrases::kind_name(lang, &ind.kind), ind.value), blocks }
}

/// The shared facts as rows (a list in one row, counts beside their
/// names, times and statuses as words, in the vocabulary's order), and the
/// line that sums up what was held back.
fn rows(facts: &[Fact], asked: &[String], p: &Phrases, lang: Language) -> (Vec<Row>, Option<String>) {
    let mut held: BTreeMap<DataClass, usize> = BTreeMap::new();
    let mut redacted = 0usize;
    // Row key (the label without indices) → (rank, title, values), in the order first seen.
    let mut order: Vec<String> = Vec::new();
    let mut grouped: BTreeMap<String, (usize, String, Vec<String>)> = BTreeMap::new();
    // A sighting's per-source counts, by list index: (name, hits).
    let mut per_source: BTreeMap<String, (Option<String>, Option<String>)> = BTreeMap::new();
    for fact in facts {
        match fact.disclosure {
            Disclosure::Withheld | Disclosure::Masked => {
                if fact.reason.as_deref() == Some("redacted by the analyst") {
                    redacted += 1;
                } else {
                    *held.entry(fact.class).or_default() += 1;
                }
                continue;
            }
            Disclosure::Shared => {}
        }
        // Directory identifiers only where the MSSP asked for them.
        if fact.term.ends_with(".dn") && !asked.contains(&fact.value.to_lowercase()) {
            continue;
        }
        let index = fact.label.split(']').next().unwrap_or("").to_string();
        match fact.term.as_str() {
            "sighting.source.name" => {
                per_source.entry(index).or_default().0 = Some(fact.value.clone());
                continue;
            }
            "sighting.source.hits" => {
                per_source.entry(index).or_default().1 = Some(fact.value.clone());
                continue;
            }
            t if t.starts_with("sighting.source.") => continue,
            _ => {}
        }
        let (key, value) = match fact.term.strip_prefix("firewall.action.") {
            // One row for what the firewall did: "allow 8, deny 2".
            Some(action) => ("firewall.actions".to_string(), format!("{action} {}", fact.value)),
            None => (crate::connectors::fields::path_of(&fact.label), value_text(fact, p, lang)),
        };
        let title = if fact.title.is_empty() { crate::connectors::fields::label_from_path(&key) } else { fact.title.clone() };
        if !grouped.contains_key(&key) {
            order.push(key.clone());
        }
        grouped.entry(key).or_insert_with(|| (rank(&fact.term), title, Vec::new())).2.push(value);
    }
    let mut ranked: Vec<(usize, usize, Row)> = order
        .into_iter()
        .enumerate()
        .filter_map(|(seen, k)| grouped.remove(&k).map(|(rank, label, values)| (rank, seen, Row { label, value: values.join(", ") })))
        .collect();
    ranked.sort_by_key(|(rank, seen, _)| (*rank, *seen));
    let mut rows: Vec<Row> = ranked.into_iter().map(|(_, _, r)| r).collect();
    // "20 (proxy 12, firewall 8)": the events per source beside the total.
    let breakdown: Vec<String> = per_source.into_values().filter_map(|(name, hits)| Some(format!("{} {}", name?, hits?))).collect();
    if breakdown.len() > 1
        && let Some(total) = facts.iter().find(|f| f.term == "sighting.hits").and_then(|f| rows.iter_mut().find(|r| r.value == f.value))
    {
        total.value = format!("{} ({})", total.value, breakdown.join(", "));
    }
    // A distinct count that only repeats the length of its list says nothing.
    for (distinct, list) in [("sighting.hosts_distinct", "sighting.host"), ("sighting.users_distinct", "sighting.user")] {
        let listed = facts.iter().filter(|f| f.term == list && f.disclosure == Disclosure::Shared).count();
        if let Some(d) = facts.iter().find(|f| f.term == distinct)
            && d.value.parse::<usize>().is_ok_and(|n| n <= listed)
        {
            let title = d.title.clone();
            rows.retain(|r| r.label != title);
        }
    }
    let count: usize = held.values().sum::<usize>() + redacted;
    let withheld = (count > 0).then(|| {
        let mut classes: Vec<&str> = held.keys().map(|c| phrases::class_plural(lang, *c)).collect();
        if redacted > 0 {
            classes.push(p.redacted);
        }
        let template = if count == 1 { p.withheld_one } else { p.withheld };
        fill(template, &[("n", &count.to_string()), ("classes", &classes.join(", "))])
    });
    (rows, withheld)
}

/// Where a term stands in the vocabulary's curated order (identity, then
/// state, then activity); open families after the fixed terms.
fn rank(term: &str) -> usize {
    let terms = super::vocabulary::TERMS;
    match term {
        // How the record was found is provenance: last.
        "asset.matched_by" => terms.len() + 1,
        t if t.starts_with("firewall.action.") => terms.iter().position(|(t, _)| *t == "firewall.rule").unwrap_or(terms.len()),
        t => terms.iter().position(|(x, _)| *x == t).unwrap_or(terms.len()),
    }
}

fn value_text(fact: &Fact, p: &Phrases, lang: Language) -> String {
    let v = match fact.value.as_str() {
        "yes" => p.yes.to_string(),
        "no" => p.no.to_string(),
        other => format::time(other, lang).unwrap_or_else(|| format::words(other)),
    };
    match fact.count {
        Some(n) => format!("{v} ({n})"),
        None => v,
    }
}

/// The generated summary: one sentence per indicator, from its shared
/// facts, in the report's language.
pub fn summary_text(report: &Report) -> String {
    let p = phrases::phrases(report.language);
    let year = report.generated_at.get(..4).and_then(|y| y.parse().ok()).unwrap_or(2026);
    if report.indicators.is_empty() {
        return p.no_indicator.to_string();
    }
    report.indicators.iter().map(|ind| sentence(ind, &p, report.language, year)).collect::<Vec<_>>().join("\n")
}

fn sentence(ind: &IndicatorReport, p: &Phrases, lang: Language, year: i32) -> String {
    if ind.withheld {
        return format!("{}: {}.", ind.value, p.not_disclosed);
    }
    let facts: Vec<&Fact> = ind.findings.iter().flat_map(|f| f.facts.iter()).filter(|f| f.disclosure == Disclosure::Shared).collect();
    let first = |terms: &[&str]| terms.iter().find_map(|t| facts.iter().find(|f| f.term == *t).map(|f| format::words(&f.value)));
    let mut parts: Vec<String> = Vec::new();
    // What it is.
    let model = first(&["asset.model", "snipeit.model"]);
    let os = first(&["computer.os", "asset.os"]);
    let place: Vec<String> = [first(&["asset.department", "computer.owner.department", "user.department"]), first(&["asset.location", "asset.site"])]
        .into_iter()
        .flatten()
        .collect();
    let mut what = match (model, os) {
        (Some(m), Some(o)) => format!("{m}, {o}"),
        (Some(m), None) => m,
        (None, Some(o)) => o,
        (None, None) => String::new(),
    };
    if !place.is_empty() {
        what = if what.is_empty() { place.join(", ") } else { format!("{what} ({})", place.join(", ")) };
    }
    if !what.is_empty() {
        parts.push(what);
    }
    // Who it belongs to.
    if let Some(owner) = first(&["computer.owner.account", "asset.owner", "computer.owner.name"]) {
        parts.push(format!("{} {owner}", p.owner));
    }
    // An account's state.
    if let Some(enabled) = first(&["user.enabled"]) {
        let mut state = if enabled == "no" { p.account_disabled.to_string() } else { p.account_enabled.to_string() };
        if first(&["user.locked"]).as_deref() == Some("yes") {
            state = format!("{state}, {}", p.locked_out);
        }
        if let Some(logon) = first(&["user.last_logon"]).and_then(|t| format::short_time(&t, lang, year)) {
            state = format!("{state}, {} {logon}", p.last_logon);
        }
        parts.push(state);
    }
    // What was seen.
    if let Some(hits) = first(&["sighting.hits"]).filter(|h| h != "0") {
        let mut seen = fill(p.events, &[("n", &hits)]);
        if let (Some(a), Some(b)) = (
            first(&["sighting.first_seen"]).and_then(|t| format::short_time(&t, lang, year)),
            first(&["sighting.last_seen"]).and_then(|t| format::short_time(&t, lang, year)),
        ) {
            seen = format!("{seen} {} UTC", fill(p.between, &[("first", &a), ("last", &b)]));
        }
        if let Some(n) = first(&["sighting.hosts_distinct"]).filter(|n| n != "0" && n != "1") {
            seen = format!("{seen}, {}", fill(p.from_hosts, &[("n", &n)]));
        }
        parts.push(seen);
    }
    if let Some(count) = first(&["firewall.count"]).filter(|c| c != "0") {
        let actions: Vec<String> = facts
            .iter()
            .filter(|f| f.term.starts_with("firewall.action."))
            .map(|f| format!("{} {}", f.term.trim_start_matches("firewall.action."), f.value))
            .collect();
        let mut fw = fill(p.firewall_entries, &[("n", &count)]);
        if !actions.is_empty() {
            fw = format!("{fw} ({})", actions.join(", "));
        }
        parts.push(fw);
    }
    if parts.is_empty() {
        let has = |s: FindingStatus| ind.findings.iter().any(|f| f.status == s);
        parts.push(if has(FindingStatus::Found) {
            p.details.to_lowercase()
        } else if has(FindingStatus::NoResult) {
            p.nothing_found.to_string()
        } else {
            p.not_checked.to_string()
        });
    }
    format!("{}: {}.", ind.value, parts.join("; "))
}
