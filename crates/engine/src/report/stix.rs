//! The report's sightings as a STIX 2.1 bundle, for MSSPs whose automation
//! speaks STIX (`[report] stix = true` adds it as a second attachment): an
//! `identity` for the customer, and per indicator that the SIEM or firewall
//! saw, an `indicator` with its pattern and a `sighting` with the count and
//! first/last seen. Only values the report discloses are used. Ids are
//! derived from the content, so the same report gives the same bundle.

use super::model::{Disclosure, FindingStatus, Report};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// A STIX id (`type--uuid`) derived from `seed`.
fn id(kind: &str, seed: &str) -> String {
    let h = Sha256::digest(format!("{kind}|{seed}"));
    let mut b = [0u8; 16];
    b.copy_from_slice(&h[..16]);
    b[6] = (b[6] & 0x0f) | 0x50; // version 5 (name-based)
    b[8] = (b[8] & 0x3f) | 0x80; // RFC 4122 variant
    let x = hex::encode(b);
    format!("{kind}--{}-{}-{}-{}-{}", &x[0..8], &x[8..12], &x[12..16], &x[16..20], &x[20..32])
}

/// A string literal in a STIX pattern.
fn literal(v: &str) -> String {
    format!("'{}'", v.replace('\\', "\\\\").replace('\'', "\\'"))
}

fn pattern(kind: &str, value: &str) -> Option<String> {
    let v = literal(value);
    Some(match kind {
        "ipv4" | "cidr" => format!("[ipv4-addr:value = {v}]"),
        "ipv6" => format!("[ipv6-addr:value = {v}]"),
        "domain" => format!("[domain-name:value = {v}]"),
        "url" => format!("[url:value = {v}]"),
        "email" => format!("[email-addr:value = {v}]"),
        "md5" => format!("[file:hashes.MD5 = {v}]"),
        "sha1" => format!("[file:hashes.'SHA-1' = {v}]"),
        "sha256" => format!("[file:hashes.'SHA-256' = {v}]"),
        "sha512" => format!("[file:hashes.'SHA-512' = {v}]"),
        "mac" => format!("[mac-addr:value = {v}]"),
        _ => return None,
    })
}

/// RFC 3339 in UTC with milliseconds, as STIX timestamps are written.
fn timestamp(t: &str) -> Option<String> {
    chrono::DateTime::parse_from_rfc3339(t).ok().map(|d| d.with_timezone(&chrono::Utc).to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
}

pub fn bundle(report: &Report, organisation: &str) -> Value {
    let created = timestamp(&report.generated_at).unwrap_or_else(|| "1970-01-01T00:00:00.000Z".into());
    let identity = id("identity", organisation);
    let mut objects = vec![json!({
        "type": "identity", "spec_version": "2.1", "id": identity, "created": created, "modified": created,
        "name": organisation, "identity_class": "organization",
    })];
    for ind in &report.indicators {
        let Some(pattern) = pattern(&ind.kind, &ind.value) else { continue };
        let sightings: Vec<_> = ind.findings.iter().filter(|f| f.status == FindingStatus::Found && matches!(f.source.as_str(), "SIEM" | "Firewall")).collect();
        if sightings.is_empty() {
            continue;
        }
        let indicator = id("indicator", &pattern);
        objects.push(json!({
            "type": "indicator", "spec_version": "2.1", "id": indicator, "created": created, "modified": created,
            "pattern": pattern, "pattern_type": "stix", "valid_from": created,
            "name": format!("{} {}", ind.kind, ind.value),
        }));
        for f in sightings {
            let fact =
                |labels: &[&str]| f.facts.iter().find(|x| labels.contains(&x.label.as_str()) && x.disclosure != Disclosure::Withheld).map(|x| x.value.clone());
            let mut s = json!({
                "type": "sighting", "spec_version": "2.1", "id": id("sighting", &format!("{}|{}|{}", report.reference, f.step, ind.value)),
                "created": created, "modified": created, "sighting_of_ref": indicator, "where_sighted_refs": [identity],
                "description": format!("{} ({}), report {}", f.source, f.step, report.reference),
            });
            if let Some(n) = fact(&["hits", "count"]).and_then(|n| n.parse::<u64>().ok()) {
                s["count"] = json!(n.min(999_999_999));
            }
            if let Some(t) = fact(&["first_seen"]).and_then(|t| timestamp(&t)) {
                s["first_seen"] = json!(t);
            }
            if let Some(t) = fact(&["last_seen"]).and_then(|t| timestamp(&t)) {
                s["last_seen"] = json!(t);
            }
            objects.push(s);
        }
    }
    // The TLP 2.0 marking: its definition in the bundle, and every object marked with it.
    if let Some(tlp) = report.marking.as_ref().and_then(|m| super::tlp::Tlp::parse(&m.tlp)) {
        for object in &mut objects {
            object["object_marking_refs"] = json!([tlp.stix_id()]);
        }
        objects.insert(0, tlp.stix_marking());
    }
    json!({ "type": "bundle", "id": id("bundle", &format!("{}|{}", report.reference, created)), "objects": objects })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_uuids_and_patterns_escape_quotes() {
        let i = id("indicator", "x");
        assert_eq!(i.len(), "indicator--".len() + 36);
        assert_eq!(&i["indicator--".len() + 14..][..1], "5");
        assert_eq!(pattern("domain", "a'b\\c").as_deref(), Some("[domain-name:value = 'a\\'b\\\\c']"));
        assert_eq!(pattern("hostname", "WKS-1"), None);
    }
}
