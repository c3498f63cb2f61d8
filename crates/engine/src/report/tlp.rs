//! Traffic Light Protocol 2.0 (FIRST): the marking every reply carries, per
//! MSSP (default TLP:AMBER), with its colours for the HTML banner and its
//! STIX 2.1 marking definition (the OASIS TLP 2.0 extension's fixed ids).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema, PartialEq, Eq, Default)]
pub enum Tlp {
    #[serde(rename = "clear")]
    Clear,
    #[serde(rename = "green")]
    Green,
    #[default]
    #[serde(rename = "amber")]
    Amber,
    #[serde(rename = "amber+strict")]
    AmberStrict,
    #[serde(rename = "red")]
    Red,
}

/// The STIX 2.1 TLP 2.0 extension's id.
pub const STIX_EXTENSION: &str = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d";

impl Tlp {
    /// `TLP:AMBER`, as the marking is written.
    pub fn label(self) -> &'static str {
        match self {
            Tlp::Clear => "TLP:CLEAR",
            Tlp::Green => "TLP:GREEN",
            Tlp::Amber => "TLP:AMBER",
            Tlp::AmberStrict => "TLP:AMBER+STRICT",
            Tlp::Red => "TLP:RED",
        }
    }

    /// The lower-case level of the STIX extension (`amber+strict`).
    pub fn level(self) -> &'static str {
        match self {
            Tlp::Clear => "clear",
            Tlp::Green => "green",
            Tlp::Amber => "amber",
            Tlp::AmberStrict => "amber+strict",
            Tlp::Red => "red",
        }
    }

    /// The label's colour on a black background, as FIRST specifies (RGB).
    pub fn colour(self) -> &'static str {
        match self {
            Tlp::Clear => "#FFFFFF",
            Tlp::Green => "#33FF00",
            Tlp::Amber | Tlp::AmberStrict => "#FFC000",
            Tlp::Red => "#FF2B2B",
        }
    }

    /// The fixed id of its STIX 2.1 marking definition.
    pub fn stix_id(self) -> &'static str {
        match self {
            Tlp::Clear => "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
            Tlp::Green => "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
            Tlp::Amber => "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
            Tlp::AmberStrict => "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
            Tlp::Red => "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
        }
    }

    /// The STIX 2.1 marking definition object.
    pub fn stix_marking(self) -> serde_json::Value {
        serde_json::json!({
            "type": "marking-definition",
            "spec_version": "2.1",
            "id": self.stix_id(),
            "created": "2022-10-01T00:00:00.000Z",
            "name": self.label(),
            "extensions": { STIX_EXTENSION: { "extension_type": "property-extension", "tlp_2_0": self.level() } },
        })
    }

    pub fn parse(label: &str) -> Option<Tlp> {
        [Tlp::Clear, Tlp::Green, Tlp::Amber, Tlp::AmberStrict, Tlp::Red].into_iter().find(|t| t.label().eq_ignore_ascii_case(label) || t.level() == label)
    }
}

/// The marking as the JSON attachment carries it.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Marking {
    /// `TLP:AMBER`…
    pub tlp: String,
    /// Its STIX 2.1 marking definition id (TLP 2.0 extension).
    pub marking_definition: String,
}

impl From<Tlp> for Marking {
    fn from(t: Tlp) -> Marking {
        Marking { tlp: t.label().into(), marking_definition: t.stix_id().into() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markings_read_and_map_to_their_stix_definitions() {
        let t: Tlp = serde_json::from_str("\"amber+strict\"").expect("config spelling");
        assert_eq!(t, Tlp::AmberStrict);
        assert_eq!(Tlp::parse("TLP:RED"), Some(Tlp::Red));
        assert_eq!(Tlp::default().label(), "TLP:AMBER");
        let m = Tlp::Amber.stix_marking();
        assert_eq!(m["id"], "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421");
        assert_eq!(m["extensions"][STIX_EXTENSION]["tlp_2_0"], "amber");
    }
}
