//! What may leave the company. A policy per MSSP (matched by the sender's
//! domain) says, per class of data, whether a value is shared, masked or
//! withheld; internal host names and IPs the MSSP did not ask about are
//! withheld by default. The analyst can redact or reveal any single value
//! afterwards (`Overrides`).

use super::model::{DataClass, Disclosure, Fact};
pub use drawbridge_model::{Override, Overrides};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    Share,
    Mask,
    Withhold,
}

/// The disclosure policy for one MSSP (`[[disclosure]]`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DisclosurePolicy {
    /// Sender domains this policy applies to; the first policy without
    /// domains is the default for everyone else.
    #[serde(default)]
    pub domains: Vec<String>,
    /// Further addresses of this MSSP that receive every reply.
    #[serde(default)]
    pub extra_recipients: Vec<String>,
    #[serde(default = "withhold")]
    pub person_name: Rule,
    #[serde(default = "mask")]
    pub username: Rule,
    #[serde(default = "mask")]
    pub email: Rule,
    #[serde(default = "withhold")]
    pub phone: Rule,
    #[serde(default = "share")]
    pub department: Rule,
    #[serde(default = "share")]
    pub title: Rule,
    /// Internal host names and IP addresses the MSSP asked about.
    #[serde(default = "share")]
    pub asked_internal: Rule,
    /// Internal host names and IP addresses the MSSP did not ask about.
    #[serde(default = "withhold")]
    pub unasked_internal: Rule,
}

fn share() -> Rule {
    Rule::Share
}
fn mask() -> Rule {
    Rule::Mask
}
fn withhold() -> Rule {
    Rule::Withhold
}

impl Default for DisclosurePolicy {
    /// Department and title yes, names no, usernames and addresses masked,
    /// internal names and IPs only where asked about.
    fn default() -> Self {
        DisclosurePolicy {
            domains: Vec::new(),
            extra_recipients: Vec::new(),
            person_name: withhold(),
            username: mask(),
            email: mask(),
            phone: withhold(),
            department: share(),
            title: share(),
            asked_internal: share(),
            unasked_internal: withhold(),
        }
    }
}

/// The policy for a sender: the one naming its domain, else the default one.
pub fn policy_for<'a>(policies: &'a [DisclosurePolicy], sender: Option<&str>, fallback: &'a DisclosurePolicy) -> &'a DisclosurePolicy {
    let domain = sender.and_then(|s| s.rsplit_once('@')).map(|(_, d)| d.to_ascii_lowercase());
    policies
        .iter()
        .find(|p| domain.as_ref().is_some_and(|d| p.domains.iter().any(|x| x.eq_ignore_ascii_case(d))))
        .or_else(|| policies.iter().find(|p| p.domains.is_empty()))
        .unwrap_or(fallback)
}

/// The class of a value from its label (`managed_by.name`, `top_hosts[0]`)
/// and the action that produced it.
pub fn classify(action: &str, label: &str) -> DataClass {
    let parts: Vec<&str> = label.split('.').map(|p| p.split('[').next().unwrap_or(p)).collect();
    let leaf = parts.last().copied().unwrap_or("");
    let under_person = parts.iter().any(|p| matches!(*p, "managed_by" | "manager" | "assigned_to" | "owner"));
    match leaf {
        "dn" => DataClass::PersonName,
        "name" | "display_name" | "assigned_to_name" | "given_name" | "surname" if under_person || action.ends_with(".user") || leaf != "name" => {
            DataClass::PersonName
        }
        "name" | "hostname" | "host" | "dns_host_name" | "top_hosts" | "hosts" | "device_name" if action != "active_directory.groups" => {
            DataClass::InternalHost
        }
        "account" | "username" | "user" | "users" | "top_users" | "assigned_to" | "sam_account_name" | "owner" => DataClass::Username,
        "mail" | "email" | "upn" | "assigned_to_email" => DataClass::Email,
        "phone" | "mobile" | "telephone" => DataClass::Phone,
        "department" => DataClass::Department,
        "title" => DataClass::Title,
        "ip" | "ips" | "sources" | "destinations" | "src" | "dst" | "address" => DataClass::InternalIp,
        _ => DataClass::Other,
    }
}

/// `j.doe` → `j***`; `j.doe@corp.example` → `j***@corp.example`; `Jane Doe` → `J. D.`.
pub fn mask_value(class: DataClass, value: &str) -> String {
    let first = |s: &str| s.chars().next().map(|c| c.to_string()).unwrap_or_default();
    match class {
        DataClass::Email => match value.split_once('@') {
            Some((local, domain)) => format!("{}***@{domain}", first(local)),
            None => format!("{}***", first(value)),
        },
        DataClass::PersonName => value.split_whitespace().map(|w| format!("{}.", first(w))).collect::<Vec<_>>().join(" "),
        _ => format!("{}***", first(value)),
    }
}

fn label_of(class: DataClass) -> &'static str {
    match class {
        DataClass::PersonName => "person's name",
        DataClass::Username => "username",
        DataClass::Email => "email address",
        DataClass::Phone => "phone number",
        DataClass::Department => "department",
        DataClass::Title => "job title",
        DataClass::InternalHost => "internal host name",
        DataClass::InternalIp => "internal address",
        DataClass::Other => "value",
    }
}

/// Applies the policy to a fact whose `value` is still the original.
/// `asked` holds the lower-cased values of the request's indicators.
pub fn apply(policy: &DisclosurePolicy, fact: &mut Fact, asked: &HashSet<String>) {
    let bare = fact.value.split(" (").next().unwrap_or(&fact.value).to_lowercase();
    let (rule, why) = match fact.class {
        DataClass::PersonName => (policy.person_name, "policy: person's name"),
        DataClass::Username => (policy.username, "policy: username"),
        DataClass::Email => (policy.email, "policy: email address"),
        DataClass::Phone => (policy.phone, "policy: phone number"),
        DataClass::Department => (policy.department, "policy: department"),
        DataClass::Title => (policy.title, "policy: job title"),
        DataClass::InternalHost | DataClass::InternalIp if asked.contains(&bare) => (policy.asked_internal, "policy: internal name or address"),
        DataClass::InternalHost | DataClass::InternalIp => (policy.unasked_internal, "not asked about by the MSSP"),
        DataClass::Other => (Rule::Share, ""),
    };
    match rule {
        Rule::Share => {
            fact.disclosure = Disclosure::Shared;
            fact.reason = None;
        }
        Rule::Mask => {
            fact.value = mask_value(fact.class, &fact.value);
            fact.disclosure = Disclosure::Masked;
            fact.reason = Some(why.into());
        }
        Rule::Withhold => {
            fact.value = String::new();
            fact.disclosure = Disclosure::Withheld;
            fact.reason = Some(format!("{} withheld ({why})", label_of(fact.class)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_follow_the_label_and_action() {
        assert_eq!(classify("active_directory.computer", "managed_by.name"), DataClass::PersonName);
        assert_eq!(classify("active_directory.computer", "name"), DataClass::InternalHost);
        assert_eq!(classify("active_directory.user", "name"), DataClass::PersonName);
        assert_eq!(classify("siem.sighting", "top_hosts[0]"), DataClass::InternalHost);
        assert_eq!(classify("siem.sighting", "top_users[1]"), DataClass::Username);
        assert_eq!(classify("snipeit.asset", "records[0].assigned_to_email"), DataClass::Email);
        assert_eq!(classify("active_directory.user", "department"), DataClass::Department);
        assert_eq!(classify("firewall.sessions", "sources[0]"), DataClass::InternalIp);
        assert_eq!(classify("siem.sighting", "hits"), DataClass::Other);
    }

    #[test]
    fn masks_keep_little() {
        assert_eq!(mask_value(DataClass::Username, "j.doe"), "j***");
        assert_eq!(mask_value(DataClass::Email, "j.doe@corp.example"), "j***@corp.example");
        assert_eq!(mask_value(DataClass::PersonName, "Jane Doe"), "J. D.");
    }
}
