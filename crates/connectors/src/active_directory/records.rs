//! What the directory knows, as typed records.

use serde::Serialize;
use std::collections::HashMap;

/// A person a record points at (`managedBy`, `manager`), resolved.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct PersonRef {
    #[schemars(extend("x-class" = "directory_path", "x-label" = "Distinguished name"))]
    pub dn: String,
    #[schemars(extend("x-class" = "person_name", "x-label" = "Name"))]
    pub name: Option<String>,
    #[schemars(extend("x-class" = "username", "x-label" = "Account"))]
    pub account: Option<String>,
    #[schemars(extend("x-class" = "email", "x-label" = "E-mail"))]
    pub mail: Option<String>,
    #[schemars(extend("x-class" = "department", "x-label" = "Department"))]
    pub department: Option<String>,
    #[schemars(extend("x-class" = "title", "x-label" = "Job title"))]
    pub title: Option<String>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ComputerRecord {
    #[schemars(extend("x-class" = "directory_path", "x-label" = "Distinguished name"))]
    pub dn: String,
    #[schemars(extend("x-class" = "internal_host", "x-label" = "Computer name"))]
    pub name: String,
    #[schemars(extend("x-class" = "internal_host", "x-label" = "DNS name"))]
    pub dns_host_name: Option<String>,
    #[schemars(extend("x-class" = "description", "x-label" = "Description"))]
    pub description: Option<String>,
    #[schemars(extend("x-class" = "technical", "x-label" = "Operating system"))]
    pub operating_system: Option<String>,
    /// `operatingSystemVersion`, e.g. `10.0 (22631)`.
    #[schemars(extend("x-class" = "technical", "x-label" = "OS version"))]
    pub operating_system_version: Option<String>,
    /// The OU path, e.g. `Corp/Computers/Finance`.
    #[schemars(extend("x-class" = "directory_path", "x-label" = "Organisational unit"))]
    pub ou: String,
    #[schemars(extend("x-class" = "person_name", "x-label" = "Owner"))]
    pub managed_by: Option<PersonRef>,
    /// From `lastLogonTimestamp` (replicated, up to ~14 days behind), RFC 3339.
    #[schemars(extend("x-class" = "technical", "x-label" = "Last logon"))]
    pub last_logon: Option<String>,
    #[schemars(extend("x-class" = "technical", "x-label" = "Enabled"))]
    pub enabled: bool,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct UserRecord {
    #[schemars(extend("x-class" = "directory_path", "x-label" = "Distinguished name"))]
    pub dn: String,
    #[schemars(extend("x-class" = "username", "x-label" = "Account"))]
    pub account: String,
    #[schemars(extend("x-class" = "email", "x-label" = "User principal name"))]
    pub upn: Option<String>,
    #[schemars(extend("x-class" = "email", "x-label" = "E-mail"))]
    pub mail: Option<String>,
    #[schemars(extend("x-class" = "person_name", "x-label" = "Name"))]
    pub name: Option<String>,
    #[schemars(extend("x-class" = "department", "x-label" = "Department"))]
    pub department: Option<String>,
    #[schemars(extend("x-class" = "title", "x-label" = "Job title"))]
    pub title: Option<String>,
    #[schemars(extend("x-class" = "phone", "x-label" = "Phone"))]
    pub phone: Option<String>,
    #[schemars(extend("x-class" = "description", "x-label" = "Description"))]
    pub description: Option<String>,
    #[schemars(extend("x-class" = "person_name", "x-label" = "Manager"))]
    pub manager: Option<PersonRef>,
    /// Account state as AD computes it: not disabled (`userAccountControl`).
    #[schemars(extend("x-class" = "technical", "x-label" = "Enabled"))]
    pub enabled: bool,
    /// Locked out now (`msDS-User-Account-Control-Computed`, which accounts
    /// for the lockout duration; `lockoutTime` where it is not readable).
    #[schemars(extend("x-class" = "technical", "x-label" = "Locked out"))]
    pub locked: bool,
    /// `accountExpires` is in the past.
    #[schemars(extend("x-class" = "technical", "x-label" = "Expired"))]
    pub expired: bool,
    /// From `lastLogonTimestamp` (replicated, up to ~14 days behind), ISO 8601 UTC.
    #[schemars(extend("x-class" = "technical", "x-label" = "Last logon"))]
    pub last_logon: Option<String>,
    /// `accountExpires`, ISO 8601 UTC; `None`: never expires.
    #[schemars(extend("x-class" = "technical", "x-label" = "Account expires"))]
    pub account_expires: Option<String>,
    /// `pwdLastSet`, ISO 8601 UTC; `None`: must change at next logon or never set.
    #[schemars(extend("x-class" = "technical", "x-label" = "Password last set"))]
    pub password_last_set: Option<String>,
    /// `lockoutTime`, ISO 8601 UTC, when the account was last locked out.
    #[schemars(extend("x-class" = "technical", "x-label" = "Last locked out"))]
    pub lockout_time: Option<String>,
    #[schemars(extend("x-class" = "directory_path", "x-label" = "Organisational unit"))]
    pub ou: String,
    /// Every group the user is in, directly or through nesting, by name.
    #[schemars(extend("x-class" = "group", "x-label" = "Groups"))]
    pub groups: Vec<String>,
    /// Computers whose `managedBy` is this user, by name.
    #[schemars(extend("x-class" = "internal_host", "x-label" = "Computers owned"))]
    pub managed_computers: Vec<String>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct GroupMembership {
    #[schemars(extend("x-class" = "username", "x-label" = "Account"))]
    pub user: String,
    /// Every group the user is in, directly or through nesting, by name.
    #[schemars(extend("x-class" = "group", "x-label" = "Groups"))]
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

/// Locked out now. AD computes this in `msDS-User-Account-Control-Computed`
/// (UF_LOCKOUT clears itself when the lockout duration has passed, while
/// `lockoutTime` stays set); only a directory that does not return it is
/// read from the UAC bit and `lockoutTime`.
pub(super) fn is_locked(attrs: &Attrs) -> bool {
    match first(attrs, "msDS-User-Account-Control-Computed").and_then(|v| v.parse::<i64>().ok()) {
        Some(computed) => computed as u32 & UF_LOCKOUT != 0,
        None => uac(attrs) & UF_LOCKOUT != 0 || first(attrs, "lockoutTime").and_then(|v| v.parse::<i64>().ok()).is_some_and(|t| t > 0),
    }
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
        // The computed attribute wins: the lockout has run out.
        a.insert("msDS-User-Account-Control-Computed".into(), vec!["0".into()]);
        assert!(!is_locked(&a));
        a.insert("msDS-User-Account-Control-Computed".into(), vec!["16".into()]);
        assert!(is_locked(&a));
        a.insert("accountExpires".into(), vec!["116444736000000000".into()]); // 1970
        assert!(is_expired(&a, 1_000));
        a.insert("accountExpires".into(), vec!["9223372036854775807".into()]);
        assert!(!is_expired(&a, 1_000));
    }
}
