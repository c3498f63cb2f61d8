//! The closed vocabulary of indicator kinds. The names are part of the public
//! JSON output and the store, so they never change spelling.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Ipv4,
    Ipv6,
    Cidr,
    Domain,
    Url,
    Email,
    Md5,
    Sha1,
    Sha256,
    Sha512,
    Cve,
    Mac,
    /// An internal host name of the customer (short name or FQDN under an internal domain).
    Hostname,
    /// A Windows account written `DOMAIN\user` with a configured NetBIOS domain.
    Account,
}

impl Kind {
    pub const ALL: [Kind; 14] = [
        Kind::Ipv4,
        Kind::Ipv6,
        Kind::Cidr,
        Kind::Domain,
        Kind::Url,
        Kind::Email,
        Kind::Md5,
        Kind::Sha1,
        Kind::Sha256,
        Kind::Sha512,
        Kind::Cve,
        Kind::Mac,
        Kind::Hostname,
        Kind::Account,
    ];

    #[inline]
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Ipv4 => "ipv4",
            Kind::Ipv6 => "ipv6",
            Kind::Cidr => "cidr",
            Kind::Domain => "domain",
            Kind::Url => "url",
            Kind::Email => "email",
            Kind::Md5 => "md5",
            Kind::Sha1 => "sha1",
            Kind::Sha256 => "sha256",
            Kind::Sha512 => "sha512",
            Kind::Cve => "cve",
            Kind::Mac => "mac",
            Kind::Hostname => "hostname",
            Kind::Account => "account",
        }
    }

    #[inline]
    pub fn parse(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == name)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One distinct indicator found in a text or an email.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Indicator {
    pub kind: Kind,
    pub value: String,
    /// The first occurrence was written in a defanged form.
    pub defanged: bool,
    /// How many times it occurred.
    pub occurrences: u32,
    /// Where it was found first (`subject`, `body`, `attachment:list.csv`, `forwarded[1].headers`…).
    pub source: String,
}
