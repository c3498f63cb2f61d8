//! The catalogue of connector actions a playbook may name, with their inputs,
//! and how each turns rendered inputs into the query its connector would send.

use crate::connectors::active_directory::filter;
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct ActionSpec {
    pub name: &'static str,
    pub connector: &'static str,
    pub description: &'static str,
    /// Required inputs.
    pub inputs: &'static [&'static str],
}

pub const ACTIONS: &[ActionSpec] = &[
    ActionSpec {
        name: "active_directory.computer",
        connector: "active_directory",
        description: "A computer by name or DNS name: owner (managedBy), OS, OU, last logon.",
        inputs: &["name"],
    },
    ActionSpec {
        name: "active_directory.user",
        connector: "active_directory",
        description: "A user by sAMAccountName, UPN, mail or DOMAIN\\user: department, title, manager, account state.",
        inputs: &["identifier"],
    },
    ActionSpec {
        name: "active_directory.groups",
        connector: "active_directory",
        description: "Every group a user belongs to, nested membership included.",
        inputs: &["identifier"],
    },
];

pub fn find(name: &str) -> Option<&'static ActionSpec> {
    ACTIONS.iter().find(|a| a.name == name)
}

/// The query the connector would send for `action` with these inputs, in the
/// connector's own language (escaped exactly as it would be sent).
pub fn query(action: &str, input: &std::collections::BTreeMap<String, String>) -> String {
    let get = |k: &str| input.get(k).map(String::as_str).unwrap_or("");
    match action {
        "active_directory.computer" => format!("LDAP search {}", filter::computer(get("name"))),
        "active_directory.user" => {
            let id = get("identifier");
            let account = id.split_once('\\').map_or(id, |(_, u)| u);
            format!("LDAP search {}", filter::user(account))
        }
        "active_directory.groups" => {
            let id = get("identifier");
            let account = id.split_once('\\').map_or(id, |(_, u)| u);
            format!("LDAP search {} then {}", filter::user(account), filter::groups_of("<the user's DN>"))
        }
        other => format!("(no query builder for {other})"),
    }
}
