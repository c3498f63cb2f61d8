//! What may leave the company. A policy per MSSP (matched by the sender's
//! domain) says, per class of data, whether a value is shared, masked or
//! withheld. Each connector declares the class of every field it outputs
//! (`drawbridge_connectors::fields`); a field no one declared is withheld,
//! whatever the policy says, so a new connector or a new column never leaks
//! by default. Internal host names and IPs the MSSP did not ask about are
//! withheld by default. The analyst can redact or reveal any single value
//! afterwards (`Overrides`).

use super::model::{DataClass, Disclosure, Fact};
pub use drawbridge_model::{Override, Overrides};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    Share,
    Mask,
    Withhold,
}

/// The disclosure policy for one MSSP (`[[disclosure]]`): a rule per data
/// class. There is no rule for undeclared fields: they are always withheld.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
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
    /// Sites, offices, rooms.
    #[serde(default = "share")]
    pub location: Rule,
    /// Free text people typed (AD `description`, inventory notes).
    #[serde(default = "withhold")]
    pub description: Rule,
    /// Distinguished names and OU paths.
    #[serde(default = "withhold")]
    pub directory_path: Rule,
    /// Group names.
    #[serde(default = "withhold")]
    pub group: Rule,
    /// OS, model, serial, account state, last logon.
    #[serde(default = "share")]
    pub technical: Rule,
    /// Event counts, first and last seen, ports, actions, rules.
    #[serde(default = "share")]
    pub activity: Rule,
    /// What outside threat intelligence says: detections, scores, the
    /// verdict and its reasons.
    #[serde(default = "share")]
    pub reputation: Rule,
    /// Internal host names and IP addresses the MSSP asked about.
    #[serde(default = "share")]
    pub asked_internal: Rule,
    /// Internal host names and IP addresses the MSSP did not ask about.
    #[serde(default = "withhold")]
    pub unasked_internal: Rule,
    /// The Traffic Light Protocol marking of replies to this MSSP
    /// (`clear`, `green`, `amber`, `amber+strict`, `red`).
    #[serde(default)]
    pub tlp: super::tlp::Tlp,
    /// Also put the TLP label in front of the reply's subject.
    #[serde(default)]
    pub tlp_in_subject: bool,
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
    /// What the serde defaults say: department, title, location, technical
    /// facts and activity yes; names, phones, descriptions, directory paths
    /// and groups no; usernames and addresses masked; internal names and IPs
    /// only where asked about.
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
            location: share(),
            description: withhold(),
            directory_path: withhold(),
            group: withhold(),
            technical: share(),
            activity: share(),
            reputation: share(),
            asked_internal: share(),
            unasked_internal: withhold(),
            tlp: Default::default(),
            tlp_in_subject: false,
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

/// Whether the MSSP itself wrote `value` in its request: one of the
/// indicators it named (an account's bare name too: `palves` for
/// `CORP\palves`), or the value word for word in its subject or text. The
/// disclosure policy is about what Drawbridge adds; a value the MSSP
/// supplied is not new to it.
pub fn supplied_by_mssp(value: &str, request_text: &str, indicators: &HashSet<String>) -> bool {
    let v = value.trim().to_lowercase();
    if v.chars().count() < 3 {
        return false;
    }
    if indicators.contains(&v) {
        return true;
    }
    // Word-bounded, so that `doe` is not found in `doesn't` or `j.doe`; a
    // full stop that ends a sentence is a boundary.
    let text = request_text.to_lowercase();
    let joins = |c: char| c.is_alphanumeric() || matches!(c, '_' | '@' | '\\' | '-');
    let mut from = 0;
    while let Some(at) = text[from..].find(&v) {
        let start = from + at;
        let end = start + v.len();
        let before = text[..start].chars().next_back();
        let mut after = text[end..].chars();
        let (next, next2) = (after.next(), after.next());
        let open_before = before.is_none_or(|c| !joins(c) && c != '.');
        let open_after = match next {
            None => true,
            Some('.') => next2.is_none_or(|c| !joins(c)),
            Some(c) => !joins(c),
        };
        if open_before && open_after {
            return true;
        }
        from = end;
    }
    false
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
        DataClass::Location => (policy.location, "policy: location"),
        DataClass::Description => (policy.description, "policy: free-text description"),
        DataClass::DirectoryPath => (policy.directory_path, "policy: directory path"),
        DataClass::Group => (policy.group, "policy: group name"),
        DataClass::Technical => (policy.technical, "policy: technical detail"),
        DataClass::Activity => (policy.activity, "policy: activity"),
        DataClass::Reputation => (policy.reputation, "policy: threat intelligence"),
        DataClass::InternalHost | DataClass::InternalIp if asked.contains(&bare) => (policy.asked_internal, "policy: internal name or address"),
        DataClass::InternalHost | DataClass::InternalIp => (policy.unasked_internal, "not asked about by the MSSP"),
        DataClass::Unclassified => (Rule::Withhold, "no connector declares what this field is"),
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
            fact.reason = Some(format!("{} withheld ({why})", fact.class.describe()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fact(class: DataClass, value: &str) -> Fact {
        Fact {
            id: "x".into(),
            term: "t".into(),
            label: "l".into(),
            title: String::new(),
            value: value.into(),
            count: None,
            class,
            disclosure: Disclosure::Shared,
            reason: None,
        }
    }

    #[test]
    fn undeclared_fields_are_withheld_even_by_a_policy_that_shares_everything() {
        let share_all: DisclosurePolicy = toml::from_str(
            "person_name = 'share'\nusername = 'share'\nemail = 'share'\nphone = 'share'\ndepartment = 'share'\ntitle = 'share'\n\
             location = 'share'\ndescription = 'share'\ndirectory_path = 'share'\ngroup = 'share'\ntechnical = 'share'\nactivity = 'share'\n\
             asked_internal = 'share'\nunasked_internal = 'share'\n",
        )
        .expect("policy");
        let asked = HashSet::new();
        for class in DataClass::ALL {
            let mut f = fact(class, "Jane Doe - CFO laptop");
            apply(&share_all, &mut f, &asked);
            if class == DataClass::Unclassified {
                assert_eq!((f.disclosure, f.value.as_str()), (Disclosure::Withheld, ""), "{class:?}");
                assert!(f.reason.as_deref().is_some_and(|r| r.contains("no connector declares")), "{:?}", f.reason);
            } else {
                assert_eq!(f.disclosure, Disclosure::Shared, "{class:?}");
            }
        }
        assert!(toml::from_str::<DisclosurePolicy>("unclassified = 'share'").is_err(), "no rule can share undeclared fields");
    }

    #[test]
    fn the_default_policy_withholds_descriptions_paths_and_groups() {
        let policy = DisclosurePolicy::default();
        let asked = HashSet::new();
        for (class, expected) in [
            (DataClass::Description, Disclosure::Withheld),
            (DataClass::DirectoryPath, Disclosure::Withheld),
            (DataClass::Group, Disclosure::Withheld),
            (DataClass::PersonName, Disclosure::Withheld),
            (DataClass::Username, Disclosure::Masked),
            (DataClass::Technical, Disclosure::Shared),
            (DataClass::Activity, Disclosure::Shared),
            (DataClass::Location, Disclosure::Shared),
        ] {
            let mut f = fact(class, "CN=Jane Doe,OU=Finance,DC=corp");
            apply(&policy, &mut f, &asked);
            assert_eq!(f.disclosure, expected, "{class:?}");
        }
        let parsed: DisclosurePolicy = toml::from_str("").expect("empty policy");
        assert_eq!(format!("{parsed:?}"), format!("{policy:?}"), "serde defaults and Default agree");
    }

    #[test]
    fn what_the_mssp_wrote_is_recognised_word_for_word() {
        let indicators: HashSet<String> = ["corp\\palves".to_string(), "palves".to_string()].into();
        let text = "Large uploads from LT-ENG-0530 by CORP\\palves; is the owner Jane Doe. It doesn't look right.";
        assert!(supplied_by_mssp("palves", text, &indicators));
        assert!(supplied_by_mssp("Jane Doe", text, &indicators));
        assert!(!supplied_by_mssp("doe", "It doesn't look right", &HashSet::new()), "inside a word does not count");
        assert!(!supplied_by_mssp("j.doe", text, &indicators));
        assert!(!supplied_by_mssp("no", text, &indicators), "too short to mean anything");
    }

    #[test]
    fn masks_keep_little() {
        assert_eq!(mask_value(DataClass::Username, "j.doe"), "j***");
        assert_eq!(mask_value(DataClass::Email, "j.doe@corp.example"), "j***@corp.example");
        assert_eq!(mask_value(DataClass::PersonName, "Jane Doe"), "J. D.");
    }
}
