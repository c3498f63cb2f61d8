//! What the directory knows, as typed records.

use serde::Serialize;
use std::collections::HashMap;

/// A person a record points at (`managedBy`, `manager`), resolved.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct PersonRef {
    pub dn: String,
    pub name: Option<String>,
    pub account: Option<String>,
    pub mail: Option<String>,
    pub department: Option<String>,
    pub title: Option<String>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ComputerRecord {
    pub dn: String,
    pub name: String,
    pub dns_host_name: Option<String>,
    pub description: Option<String>,
    pub operating_system: Option<String>,
    /// The OU path, e.g. `Corp/Computers/Finance`.
    pub ou: String,
    pub managed_by: Option<PersonRef>,
    /// From `lastLogonTimestamp` (replicated, up to ~14 days behind), RFC 3339.
    pub last_logon: Option<String>,
    pub enabled: bool,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct UserRecord {
    pub dn: String,
    pub account: String,
    pub upn: Option<String>,
    pub mail: Option<String>,
    pub name: Option<String>,
    pub department: Option<String>,
    pub title: Option<String>,
    pub phone: Option<String>,
    pub manager: Option<PersonRef>,
    pub enabled: bool,
    pub locked: bool,
    pub expired: bool,
    pub ou: String,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct GroupMembership {
    pub user: String,
    /// Every group the user is in, directly or through nesting, by name.
    pub groups: Vec<String>,
}

pub(super) type Attrs = HashMap<String, Vec<String>>;

pub(super) fn first(attrs: &Attrs, name: &str) -> Option<String> {
    attrs.get(name).and_then(|v| v.first()).cloned()
}

/// `CN=x,OU=Finance,OU=Computers,OU=Corp,DC=…` → `Corp/Computers/Finance`.
pub(super) fn ou_path(dn: &str) -> String {
    let mut ous: Vec<&str> = dn.split(',').filter_map(|part| part.trim().strip_prefix("OU=")).collect();
    ous.reverse();
    ous.join("/")
}

const UF_ACCOUNTDISABLE: u32 = 0x2;
const UF_LOCKOUT: u32 = 0x10;

/// Windows FILETIME (100 ns since 1601) as RFC 3339; `None` for 0 / never.
pub(super) fn filetime(value: &str) -> Option<String> {
    let v: i64 = value.trim().parse().ok()?;
    if v <= 0 || v == i64::MAX {
        return None;
    }
    let unix = v / 10_000_000 - 11_644_473_600;
    chrono::DateTime::from_timestamp(unix, 0).map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
}

pub(super) fn uac(attrs: &Attrs) -> u32 {
    first(attrs, "userAccountControl").and_then(|v| v.parse::<i64>().ok()).map(|v| v as u32).unwrap_or(0)
}

pub(super) fn is_disabled(attrs: &Attrs) -> bool {
    uac(attrs) & UF_ACCOUNTDISABLE != 0
}

/// Locked out: the UAC bit (rarely set by DCs) or a non-zero `lockoutTime`.
pub(super) fn is_locked(attrs: &Attrs) -> bool {
    uac(attrs) & UF_LOCKOUT != 0 || first(attrs, "lockoutTime").and_then(|v| v.parse::<i64>().ok()).is_some_and(|t| t > 0)
}

/// Past its `accountExpires` date.
pub(super) fn is_expired(attrs: &Attrs, now_unix: i64) -> bool {
    first(attrs, "accountExpires").and_then(|v| v.parse::<i64>().ok()).is_some_and(|v| v > 0 && v != i64::MAX && v / 10_000_000 - 11_644_473_600 < now_unix)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filetimes_convert() {
        assert_eq!(filetime("134402004000000000").as_deref(), Some("2026-11-26T21:00:00Z"));
        assert_eq!(filetime("0"), None);
        assert_eq!(filetime("9223372036854775807"), None);
        assert_eq!(filetime("junk"), None);
    }

    #[test]
    fn ou_paths_read_top_down() {
        assert_eq!(ou_path("CN=x,OU=Finance,OU=Computers,OU=Corp,DC=corp,DC=example"), "Corp/Computers/Finance");
    }

    #[test]
    fn account_flags() {
        let mut a = Attrs::new();
        a.insert("userAccountControl".into(), vec!["546".into()]);
        assert!(is_disabled(&a));
        a.insert("lockoutTime".into(), vec!["133000000000000000".into()]);
        assert!(is_locked(&a));
        a.insert("accountExpires".into(), vec!["116444736000000000".into()]); // 1970
        assert!(is_expired(&a, 1_000));
        a.insert("accountExpires".into(), vec!["9223372036854775807".into()]);
        assert!(!is_expired(&a, 1_000));
    }
}
