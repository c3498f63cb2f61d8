//! The report's vocabulary: every fact carries a `term` that names what it is
//! (`user.locked`, `computer.owner.account`, `sighting.destination_port`),
//! independent of how a connector shapes its output, so that the MSSP's
//! automation can read the JSON attachment without parsing prose. The terms
//! are listed, with their meaning, in the report schema
//! (`docs/report.schema.json`, `x-vocabulary`); a term never changes meaning
//! within a schema version.

/// Every fixed term and what it means. `asset.<column>` (one per inventory
/// column) and `<connector>.<field>` (declarative HTTP connectors) are open
/// families on top of these.
pub const TERMS: &[(&str, &str)] = &[
    ("computer.dn", "Distinguished name of the computer object"),
    ("computer.name", "Computer name (cn)"),
    ("computer.dns_name", "dNSHostName"),
    ("computer.description", "Description of the computer"),
    ("computer.os", "Operating system"),
    ("computer.os_version", "Operating system version"),
    ("computer.ou", "Organisational unit path, top down"),
    ("computer.last_logon", "Last logon (lastLogonTimestamp, ISO 8601 UTC, up to ~14 days behind)"),
    ("computer.enabled", "The computer account is enabled"),
    ("computer.owner.dn", "The owner (managedBy): distinguished name"),
    ("computer.owner.name", "The owner: display name"),
    ("computer.owner.account", "The owner: sAMAccountName"),
    ("computer.owner.mail", "The owner: e-mail address"),
    ("computer.owner.department", "The owner: department"),
    ("computer.owner.title", "The owner: job title"),
    ("user.dn", "Distinguished name of the user object"),
    ("user.account", "sAMAccountName"),
    ("user.upn", "userPrincipalName"),
    ("user.mail", "E-mail address"),
    ("user.name", "Display name"),
    ("user.department", "Department"),
    ("user.title", "Job title"),
    ("user.phone", "Telephone number"),
    ("user.description", "Description of the account"),
    ("user.ou", "Organisational unit path, top down"),
    ("user.enabled", "The account is enabled (userAccountControl)"),
    ("user.locked", "The account is locked out now (msDS-User-Account-Control-Computed)"),
    ("user.expired", "The account has expired (accountExpires in the past)"),
    ("user.last_logon", "Last logon (lastLogonTimestamp, ISO 8601 UTC)"),
    ("user.account_expires", "When the account expires (ISO 8601 UTC; absent: never)"),
    ("user.password_last_set", "When the password was last set (ISO 8601 UTC)"),
    ("user.lockout_time", "When the account was last locked out (ISO 8601 UTC)"),
    ("user.group", "A group the user is in, directly or through nesting (one fact per group)"),
    ("user.managed_computer", "A computer whose owner (managedBy) the user is (one fact per computer)"),
    ("user.manager.dn", "The manager: distinguished name"),
    ("user.manager.name", "The manager: display name"),
    ("user.manager.account", "The manager: sAMAccountName"),
    ("user.manager.mail", "The manager: e-mail address"),
    ("user.manager.department", "The manager: department"),
    ("user.manager.title", "The manager: job title"),
    ("sighting.hits", "Events in the SIEM that mention the indicator in the window"),
    ("sighting.first_seen", "First such event (ISO 8601 UTC)"),
    ("sighting.last_seen", "Last such event (ISO 8601 UTC)"),
    ("sighting.source.name", "An index or source type with such events (one group per source)"),
    ("sighting.source.hits", "Events in that source"),
    ("sighting.source.first_seen", "First event in that source"),
    ("sighting.source.last_seen", "Last event in that source"),
    ("sighting.host", "An internal host with such events; `count`: how many"),
    ("sighting.hosts_distinct", "How many distinct hosts (the list stops at the cap)"),
    ("sighting.user", "A user with such events; `count`: how many"),
    ("sighting.users_distinct", "How many distinct users"),
    ("sighting.destination_port", "A destination port; `count`: events"),
    ("sighting.action", "What the device did (allow, deny, block, process_started, file_quarantined…); `count`: events"),
    ("sighting.outcome", "success or failure; `count`: events"),
    ("sighting.file_name", "A file or process name; `count`: events"),
    ("sighting.event_type", "An event category (network, web, process, malware…); `count`: events"),
    ("firewall.log_type", "The firewall log searched (traffic, url, threat)"),
    ("firewall.count", "Firewall log entries that match"),
    ("firewall.first_seen", "First entry (ISO 8601)"),
    ("firewall.last_seen", "Last entry (ISO 8601)"),
    ("firewall.source", "A source address; `count`: entries"),
    ("firewall.destination", "A destination address; `count`: entries"),
    ("firewall.port", "A destination port; `count`: entries"),
    ("firewall.action.<action>", "How many entries the firewall handled with that action (allow, deny, drop…)"),
    ("firewall.rule", "A security rule that matched; `count`: entries"),
    ("asset.<column>", "A column of the asset inventory's record (hostname, fqdn, serial, model, location, owner, department, ip, mac, os, purchased…)"),
    ("asset.matched_by", "What the inventory record was found by: name, ip or mac"),
    ("<connector>.<field>", "A field of a declarative HTTP connector's record (e.g. snipeit.assigned_to)"),
];

/// The term of a fact: what its label (`managed_by.name`, `hosts[0]`) means
/// for the action that produced it.
pub fn term(action: &str, label: &str) -> String {
    let (family, renames): (&str, &[(&str, &str)]) = match action {
        "active_directory.computer" | "demo_directory.computer" => {
            ("computer", &[("managed_by", "owner"), ("dns_host_name", "dns_name"), ("operating_system_version", "os_version"), ("operating_system", "os")])
        }
        "active_directory.user" | "active_directory.groups" | "demo_directory.user" | "demo_directory.groups" => {
            ("user", &[("groups", "group"), ("managed_computers", "managed_computer"), ("user", "account")])
        }
        "asset.lookup" => ("asset", &[]),
        "siem.sighting" | "splunk.sighting" => (
            "sighting",
            &[
                ("sources.source", "source.name"),
                ("sources", "source"),
                ("hosts_distinct", "hosts_distinct"),
                ("users_distinct", "users_distinct"),
                ("hosts", "host"),
                ("users", "user"),
                ("destination_ports", "destination_port"),
                ("actions", "action"),
                ("outcomes", "outcome"),
                ("file_names", "file_name"),
                ("event_types", "event_type"),
            ],
        ),
        "firewall.sessions" => {
            ("firewall", &[("sources", "source"), ("destinations", "destination"), ("ports", "port"), ("actions", "action"), ("rules", "rule")])
        }
        other => (other.split('.').next().unwrap_or(other), &[]),
    };
    // `hosts[3]` → `hosts`, `sources[0].hits` → `sources.hits`.
    let path = crate::connectors::fields::path_of(label);
    let renamed = renames
        .iter()
        .find(|(from, _)| path == *from || path.strip_prefix(from).is_some_and(|rest| rest.starts_with('.')))
        .map(|(from, to)| format!("{to}{}", &path[from.len()..]))
        .unwrap_or(path);
    format!("{family}.{renamed}")
}

/// Whether a term is in the vocabulary (fixed, or of an open family).
pub fn is_documented(term: &str) -> bool {
    let open_family = |prefix: &str| term.strip_prefix(prefix).is_some_and(|rest| !rest.is_empty() && !rest.contains('.'));
    TERMS.iter().any(|(t, _)| *t == term) || open_family("asset.") || open_family("firewall.action.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_become_terms() {
        assert_eq!(term("active_directory.computer", "managed_by.account"), "computer.owner.account");
        assert_eq!(term("active_directory.computer", "operating_system_version"), "computer.os_version");
        assert_eq!(term("active_directory.computer", "operating_system"), "computer.os");
        assert_eq!(term("active_directory.user", "groups[4]"), "user.group");
        assert_eq!(term("active_directory.user", "manager.name"), "user.manager.name");
        assert_eq!(term("active_directory.groups", "user"), "user.account");
        assert_eq!(term("siem.sighting", "hosts[0]"), "sighting.host");
        assert_eq!(term("splunk.sighting", "sources[1].source"), "sighting.source.name");
        assert_eq!(term("siem.sighting", "sources[1].last_seen"), "sighting.source.last_seen");
        assert_eq!(term("siem.sighting", "hosts_distinct"), "sighting.hosts_distinct");
        assert_eq!(term("firewall.sessions", "actions.allow"), "firewall.action.allow");
        assert_eq!(term("asset.lookup", "serial"), "asset.serial");
        assert_eq!(term("snipeit.asset", "assigned_to.name"), "snipeit.assigned_to.name");
    }

    #[test]
    fn terms_are_documented() {
        assert!(is_documented("user.locked") && is_documented("asset.serial") && is_documented("sighting.host"));
        assert!(!is_documented("user.nonsense") && !is_documented("asset."));
    }
}
