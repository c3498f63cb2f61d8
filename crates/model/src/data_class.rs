//! What kind of data a value is, for the disclosure policy. Every connector
//! declares the class of each field it outputs (through its output schema's
//! `x-class`, or its definition file for declarative HTTP connectors); a
//! field nobody declared is `Unclassified`, and the policy withholds it.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The class of a value.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum DataClass {
    /// A person's name.
    PersonName,
    /// An account name (sAMAccountName, a SIEM's user field).
    Username,
    /// An e-mail address or UPN.
    Email,
    /// A phone number.
    Phone,
    /// A department or team.
    Department,
    /// A job title.
    Title,
    /// A site, office or room.
    Location,
    /// Free text someone typed about a person or machine (`description`, notes).
    Description,
    /// Where an object sits in the directory: distinguished names, OU paths.
    DirectoryPath,
    /// A group name (directory groups, distribution lists).
    Group,
    /// A fact about a machine or account that names no one: OS, model,
    /// serial, state, last logon, expiry.
    Technical,
    /// What happened: event counts, first and last seen, ports, actions,
    /// rules, file names, log sources.
    Activity,
    /// What outside threat intelligence says of a value: detections,
    /// scores, classifications, the verdict and its reasons.
    Reputation,
    /// An internal host name.
    InternalHost,
    /// An IP address seen inside the company.
    InternalIp,
    /// A field no connector declared: always withheld.
    #[serde(alias = "other")]
    Unclassified,
}

impl DataClass {
    /// Every class, in the order the docs and the app list them.
    pub const ALL: [DataClass; 16] = [
        DataClass::PersonName,
        DataClass::Username,
        DataClass::Email,
        DataClass::Phone,
        DataClass::Department,
        DataClass::Title,
        DataClass::Location,
        DataClass::Description,
        DataClass::DirectoryPath,
        DataClass::Group,
        DataClass::Technical,
        DataClass::Activity,
        DataClass::Reputation,
        DataClass::InternalHost,
        DataClass::InternalIp,
        DataClass::Unclassified,
    ];

    /// The class's name as configs and schemas spell it (`person_name`).
    pub fn as_str(self) -> &'static str {
        match self {
            DataClass::PersonName => "person_name",
            DataClass::Username => "username",
            DataClass::Email => "email",
            DataClass::Phone => "phone",
            DataClass::Department => "department",
            DataClass::Title => "title",
            DataClass::Location => "location",
            DataClass::Description => "description",
            DataClass::DirectoryPath => "directory_path",
            DataClass::Group => "group",
            DataClass::Technical => "technical",
            DataClass::Activity => "activity",
            DataClass::Reputation => "reputation",
            DataClass::InternalHost => "internal_host",
            DataClass::InternalIp => "internal_ip",
            DataClass::Unclassified => "unclassified",
        }
    }

    /// The class named `name`, as configs and schemas spell it.
    pub fn parse(name: &str) -> Option<DataClass> {
        DataClass::ALL.into_iter().find(|c| c.as_str() == name)
    }

    /// For people: "person's name", "directory path".
    pub fn describe(self) -> &'static str {
        match self {
            DataClass::PersonName => "person's name",
            DataClass::Username => "username",
            DataClass::Email => "email address",
            DataClass::Phone => "phone number",
            DataClass::Department => "department",
            DataClass::Title => "job title",
            DataClass::Location => "location",
            DataClass::Description => "free-text description",
            DataClass::DirectoryPath => "directory path",
            DataClass::Group => "group name",
            DataClass::Technical => "technical detail",
            DataClass::Activity => "activity",
            DataClass::Reputation => "threat intelligence",
            DataClass::InternalHost => "internal host name",
            DataClass::InternalIp => "internal address",
            DataClass::Unclassified => "undeclared field",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::DataClass;

    #[test]
    fn names_round_trip_and_the_old_name_still_reads() {
        for c in DataClass::ALL {
            assert_eq!(DataClass::parse(c.as_str()), Some(c));
            assert_eq!(serde_json::to_value(c).expect("json"), serde_json::Value::String(c.as_str().into()));
        }
        let old: DataClass = serde_json::from_str("\"other\"").expect("reports stored before classes were declared");
        assert_eq!(old, DataClass::Unclassified);
        assert_eq!(DataClass::parse("other"), None, "configs name the class by its current name");
    }
}
