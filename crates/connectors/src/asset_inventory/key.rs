//! What an inventory is asked by: a host name (short or FQDN), an IP address
//! or a MAC address, told apart from the value itself and normalised so that
//! every spelling finds the same record (`WKS-FIN-042.corp.example.local`,
//! `wks-fin-042`; `3C-52-82-1A-9F-0B`, `3c:52:82:1a:9f:0b`, `3c52.821a.9f0b`).

use std::net::IpAddr;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AssetKey {
    /// As asked, and its first label (the short name).
    Name { given: String, short: String },
    Ip(IpAddr),
    /// Twelve lower-case hex digits.
    Mac(String),
}

impl AssetKey {
    pub fn parse(value: &str) -> AssetKey {
        let v = value.trim();
        if let Ok(ip) = v.trim_start_matches('[').trim_end_matches(']').parse::<IpAddr>() {
            return AssetKey::Ip(ip);
        }
        if let Some(mac) = mac_digits(v) {
            return AssetKey::Mac(mac);
        }
        let given = v.trim_end_matches('.').to_string();
        let short = given.split('.').next().unwrap_or(&given).to_string();
        AssetKey::Name { given, short }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            AssetKey::Name { .. } => "name",
            AssetKey::Ip(_) => "ip",
            AssetKey::Mac(_) => "mac",
        }
    }

    /// Whether a record's `hostname`, `fqdn`, `ip` and `mac` values match.
    pub fn matches(&self, hostname: &str, fqdn: &str, ip: &str, mac: &str) -> bool {
        match self {
            AssetKey::Name { given, short } => {
                let host_short = hostname.split('.').next().unwrap_or(hostname);
                (!hostname.is_empty() && (hostname.eq_ignore_ascii_case(given) || host_short.eq_ignore_ascii_case(short)))
                    || (!fqdn.is_empty() && fqdn.trim_end_matches('.').eq_ignore_ascii_case(given))
            }
            AssetKey::Ip(want) => ip.split([',', ';', ' ']).any(|one| one.trim().parse::<IpAddr>().is_ok_and(|have| have == *want)),
            AssetKey::Mac(want) => mac.split([',', ';', ' ']).any(|one| mac_digits(one.trim()).is_some_and(|have| have == *want)),
        }
    }
}

/// `00:1A:2B:3C:4D:5E`, `00-1a-2b-3c-4d-5e`, `001a.2b3c.4d5e` or
/// `001a2b3c4d5e` as twelve lower-case hex digits; `None` for anything else.
pub fn mac_digits(value: &str) -> Option<String> {
    let b = value.as_bytes();
    let separated = |sep: u8, group: usize| {
        let parts: Vec<&str> = value.split(sep as char).collect();
        parts.len() == 12 / group && parts.iter().all(|p| p.len() == group && p.bytes().all(|c| c.is_ascii_hexdigit()))
    };
    let ok = match b.len() {
        12 => b.iter().all(u8::is_ascii_hexdigit),
        14 => separated(b'.', 4),
        17 => separated(b':', 2) || separated(b'-', 2),
        _ => false,
    };
    ok.then(|| value.bytes().filter(u8::is_ascii_hexdigit).map(|c| c.to_ascii_lowercase() as char).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_told_apart_and_normalised() {
        assert_eq!(AssetKey::parse("wks-fin-042.corp.example.local"), AssetKey::Name { given: "wks-fin-042.corp.example.local".into(), short: "wks-fin-042".into() });
        assert_eq!(AssetKey::parse("10.20.1.42"), AssetKey::Ip("10.20.1.42".parse().expect("ip")));
        assert_eq!(AssetKey::parse("2001:DB8::1"), AssetKey::Ip("2001:db8::1".parse().expect("ip")));
        for mac in ["3C-52-82-1A-9F-0B", "3c:52:82:1a:9f:0b", "3c52.821a.9f0b", "3C52821A9F0B"] {
            assert_eq!(AssetKey::parse(mac), AssetKey::Mac("3c52821a9f0b".into()), "{mac}");
        }
        assert!(matches!(AssetKey::parse("3c:52:82:1a:9f"), AssetKey::Name { .. }));
        assert!(matches!(AssetKey::parse("deadbeefcafe1"), AssetKey::Name { .. }));
    }

    #[test]
    fn records_match_in_any_spelling() {
        let name = AssetKey::parse("WKS-FIN-042.corp.example.local");
        assert!(name.matches("wks-fin-042", "", "", ""));
        assert!(name.matches("", "wks-fin-042.corp.example.local.", "", ""));
        assert!(AssetKey::parse("wks-fin-042").matches("WKS-FIN-042.corp.example.local", "", "", ""));
        assert!(!AssetKey::parse("wks-fin-04").matches("wks-fin-042", "", "", ""));
        assert!(AssetKey::parse("10.20.1.42").matches("x", "", "10.20.1.42, 10.30.1.42", ""));
        assert!(!AssetKey::parse("10.20.1.4").matches("x", "", "10.20.1.42", ""));
        assert!(AssetKey::parse("00:1a:4b:00:00:01").matches("x", "", "", "00-1A-4B-00-00-01"));
        assert!(!AssetKey::parse("").matches("", "", "", ""), "an empty key matches nothing");
    }
}
