//! The privacy guard: what may never reach a service outside the customer's
//! network. Enforced by the playbook runner on every call to an external
//! action (after templates are rendered, so a value taken from an earlier
//! step's answer is checked too), never left to playbooks:
//!
//! - internal values: private, loopback, link-local, shared and reserved
//!   addresses, the customer's own networks (`[intel] internal_networks`),
//!   names under the customer's domains or not public at all, the
//!   customer's hosts, accounts, mailboxes and MAC addresses;
//! - values an analyst marked "do not disclose".
//!
//! A refused call is recorded as `withheld` with its reason; nothing is sent.

use crate::indicators::{Indicator, Kind};
use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Why a value must not leave, and the value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub value: String,
    pub reason: String,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "not sent to an outside service: {} is {}", self.value, self.reason)
    }
}

/// A network given as `address/prefix`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Network {
    address: IpAddr,
    prefix: u8,
    text: String,
}

impl Network {
    pub fn parse(text: &str) -> Result<Network, String> {
        let (a, p) = text.trim().split_once('/').unwrap_or((text.trim(), ""));
        let address: IpAddr = a.parse().map_err(|_| format!("{text:?} is not an address/prefix"))?;
        let max = if address.is_ipv4() { 32 } else { 128 };
        let prefix = if p.is_empty() { max } else { p.parse::<u8>().map_err(|_| format!("{text:?}: the prefix is not a number"))? };
        if prefix > max {
            return Err(format!("{text:?}: the prefix is longer than {max}"));
        }
        Ok(Network { address, prefix, text: text.trim().to_string() })
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.address, ip) {
            (IpAddr::V4(n), IpAddr::V4(a)) => within(u128::from(u32::from(n)), u128::from(u32::from(a)), 32, self.prefix),
            (IpAddr::V6(n), IpAddr::V6(a)) => within(u128::from(n), u128::from(a), 128, self.prefix),
            (IpAddr::V6(_), IpAddr::V4(a)) => self.contains(IpAddr::V6(a.to_ipv6_mapped())),
            (IpAddr::V4(_), IpAddr::V6(a)) => a.to_ipv4_mapped().is_some_and(|v4| self.contains(IpAddr::V4(v4))),
        }
    }
}

fn within(network: u128, address: u128, bits: u8, prefix: u8) -> bool {
    if prefix == 0 {
        return true;
    }
    let shift = u32::from(bits - prefix);
    (network >> shift) == (address >> shift)
}

/// The guard of one deployment.
#[derive(Debug, Clone, Default)]
pub struct Guard {
    /// The customer's domains, lower case.
    domains: Vec<String>,
    /// The customer's own networks, public ones included.
    networks: Vec<Network>,
    /// Suffixes that name no public host (`.local`, the site's own).
    private_suffixes: Vec<String>,
}

impl Guard {
    pub fn new(indicators: &crate::indicators::IndicatorsConfig, networks: &[String]) -> Result<Guard, String> {
        let mut private_suffixes: Vec<String> = crate::indicators::SPECIAL_USE_SUFFIXES.iter().map(|s| s.to_string()).collect();
        private_suffixes.extend(indicators.extra_suffixes.iter().map(|s| s.trim_start_matches('.').to_ascii_lowercase()));
        Ok(Guard {
            domains: indicators.internal_domains.iter().map(|d| d.trim_start_matches('.').to_ascii_lowercase()).filter(|d| !d.is_empty()).collect(),
            networks: networks.iter().map(|n| Network::parse(n)).collect::<Result<_, _>>().map_err(|e| format!("[intel] internal_networks: {e}"))?,
            private_suffixes,
        })
    }

    /// Why an address must stay inside, if it must.
    pub fn address(&self, ip: IpAddr) -> Option<String> {
        if let Some(n) = self.networks.iter().find(|n| n.contains(ip)) {
            return Some(format!("in the customer's network {} ([intel] internal_networks)", n.text));
        }
        special_address(ip).map(str::to_string)
    }

    /// Why a host or domain name must stay inside, if it must.
    pub fn name(&self, name: &str) -> Option<String> {
        let name = name.trim_end_matches('.').to_ascii_lowercase();
        if let Some(d) = self.domains.iter().find(|d| crate::indicators::is_under(&name, d)) {
            return Some(format!("under the customer's domain {d}"));
        }
        if let Some(s) = self.private_suffixes.iter().find(|s| crate::indicators::is_under(&name, s)) {
            return Some(format!("under .{s}, which names no public host"));
        }
        if !name.contains('.') {
            return Some("a short host name (only meaningful inside)".into());
        }
        None
    }

    /// Why an indicator must stay inside, if it must.
    pub fn indicator(&self, kind: Kind, value: &str) -> Option<String> {
        let value = value.trim();
        match kind {
            Kind::Hostname => Some("one of the customer's host names".into()),
            Kind::Account => Some("one of the customer's accounts".into()),
            Kind::Mac => Some("a MAC address (only meaningful inside)".into()),
            Kind::Ipv4 | Kind::Ipv6 => match value.parse::<IpAddr>() {
                Ok(ip) => self.address(ip),
                Err(_) => Some("not an address this guard can check".into()),
            },
            Kind::Cidr => match Network::parse(value) {
                Ok(n) => self.address(n.address).or_else(|| {
                    self.networks
                        .iter()
                        .find(|own| own.contains(n.address) || n.contains(own.address))
                        .map(|own| format!("overlapping the customer's network {}", own.text))
                }),
                Err(_) => Some("not a network this guard can check".into()),
            },
            Kind::Domain => self.name(value),
            Kind::Email => {
                let domain = value.rsplit_once('@').map(|(_, d)| d).unwrap_or("");
                self.name(domain).map(|why| format!("a mailbox {why}"))
            }
            Kind::Url => self.url_host(value),
            Kind::Md5 | Kind::Sha1 | Kind::Sha256 | Kind::Sha512 | Kind::Cve => None,
        }
    }

    fn url_host(&self, url: &str) -> Option<String> {
        let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
        let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
        let host_port = authority.rsplit_once('@').map(|(_, h)| h).unwrap_or(authority);
        let host = if let Some(v6) = host_port.strip_prefix('[') {
            v6.split(']').next().unwrap_or("")
        } else {
            host_port.rsplit_once(':').filter(|(_, p)| p.bytes().all(|b| b.is_ascii_digit())).map(|(h, _)| h).unwrap_or(host_port)
        };
        if host.is_empty() {
            return Some("a link without a host".into());
        }
        match host.parse::<IpAddr>() {
            Ok(ip) => self.address(ip).map(|why| format!("a link to an address {why}")),
            Err(_) => self.name(host).map(|why| format!("a link to a host {why}")),
        }
    }

    /// The values of one request that may never leave: its internal
    /// indicators and those marked "do not disclose".
    pub fn request(&self, indicators: &[(Indicator, bool)]) -> RequestGuard {
        let mut private = BTreeMap::new();
        for (i, undisclosed) in indicators {
            let why = if *undisclosed { Some("marked \"do not disclose\" by an analyst".to_string()) } else { self.indicator(i.kind, &i.value) };
            if let Some(why) = why {
                private.insert(i.value.to_lowercase(), why);
            }
        }
        RequestGuard { guard: self.clone(), private }
    }
}

/// The guard for the calls of one request.
#[derive(Debug, Clone)]
pub struct RequestGuard {
    guard: Guard,
    /// Lower-case value → why it stays inside.
    private: BTreeMap<String, String>,
}

impl RequestGuard {
    /// Why this call may not go to an outside service: its indicator, or
    /// any input carrying an internal or "do not disclose" value (the whole
    /// value, or inside a longer one: a URL, a query, a list).
    pub fn refuses(&self, indicator: Option<&Indicator>, input: &BTreeMap<String, String>) -> Option<Refusal> {
        if let Some(i) = indicator {
            if let Some(why) = self.private.get(&i.value.to_lowercase()) {
                return Some(Refusal { value: i.value.clone(), reason: why.clone() });
            }
            if let Some(why) = self.guard.indicator(i.kind, &i.value) {
                return Some(Refusal { value: i.value.clone(), reason: why });
            }
        }
        input.values().find_map(|v| self.in_text(v))
    }

    fn in_text(&self, text: &str) -> Option<Refusal> {
        let lower = text.to_lowercase();
        for (value, why) in &self.private {
            if !value.is_empty() && contains_bounded(&lower, value) {
                return Some(Refusal { value: value.clone(), reason: why.clone() });
            }
        }
        for token in lower.split(|c: char| c.is_whitespace() || "\"'<>()[]{},;|\\`=&?#!*^$".contains(c)).filter(|t| !t.is_empty()) {
            let token = token.trim_matches(|c: char| c == '.' || c == ':' || c == '/');
            if let Ok(ip) = token.parse::<IpAddr>() {
                if let Some(why) = self.guard.address(ip) {
                    return Some(Refusal { value: token.to_string(), reason: why });
                }
                continue;
            }
            if let Some((_, domain)) = token.rsplit_once('@')
                && let Some(d) = self.guard.domains.iter().find(|d| crate::indicators::is_under(domain, d))
            {
                return Some(Refusal { value: token.to_string(), reason: format!("a mailbox under the customer's domain {d}") });
            }
            let host = token.split_once("://").map(|(_, r)| r).unwrap_or(token);
            let host = host.split('/').next().unwrap_or(host);
            if let Some(d) = self.guard.domains.iter().find(|d| crate::indicators::is_under(host, d)) {
                return Some(Refusal { value: host.to_string(), reason: format!("under the customer's domain {d}") });
            }
            if host.contains('.')
                && let Ok(ip) = host.rsplit_once(':').map(|(h, _)| h).unwrap_or(host).parse::<IpAddr>()
                && let Some(why) = self.guard.address(ip)
            {
                return Some(Refusal { value: host.to_string(), reason: why });
            }
        }
        None
    }
}

/// `needle` in `haystack` not as part of a longer name or number.
fn contains_bounded(haystack: &str, needle: &str) -> bool {
    let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '-' || c == '_');
    let mut from = 0;
    while let Some(at) = haystack[from..].find(needle) {
        let start = from + at;
        let end = start + needle.len();
        if !word(haystack[..start].chars().next_back()) && !word(haystack[end..].chars().next()) {
            return true;
        }
        from = start + haystack[start..].chars().next().map_or(1, char::len_utf8);
    }
    false
}

/// The special-purpose address ranges (RFC 6890 and successors) that no
/// outside service should hear about.
fn special_address(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => special_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => special_v4(v4),
            None => special_v6(v6),
        },
    }
}

fn special_v4(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, c, _] = ip.octets();
    Some(match (a, b, c) {
        (10, _, _) | (172, 16..=31, _) | (192, 168, _) => "a private address (RFC 1918)",
        (127, _, _) => "a loopback address",
        (169, 254, _) => "a link-local address",
        (100, 64..=127, _) => "in the shared address space of carrier-grade NAT (RFC 6598)",
        (0, _, _) => "in \"this network\" (0.0.0.0/8)",
        (192, 0, 0) => "in the IETF protocol assignments (192.0.0.0/24)",
        (192, 0, 2) | (198, 51, 100) | (203, 0, 113) => "in a documentation range (RFC 5737)",
        (198, 18..=19, _) => "in the benchmarking range (RFC 2544)",
        (224..=239, _, _) => "a multicast address",
        (240..=255, _, _) => "a reserved address (240.0.0.0/4)",
        _ => return None,
    })
}

fn special_v6(ip: Ipv6Addr) -> Option<&'static str> {
    let s = ip.segments();
    Some(if ip.is_loopback() {
        "a loopback address"
    } else if ip.is_unspecified() {
        "the unspecified address"
    } else if s[0] & 0xfe00 == 0xfc00 {
        "a unique local address (RFC 4193)"
    } else if s[0] & 0xffc0 == 0xfe80 {
        "a link-local address"
    } else if s[0] & 0xff00 == 0xff00 {
        "a multicast address"
    } else if s[0] == 0x2001 && s[1] == 0x0db8 {
        "in the documentation range (RFC 3849)"
    } else if s[0] == 0x0064 && s[1] == 0xff9b {
        "a NAT64 address"
    } else {
        return None;
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indicators::IndicatorsConfig;

    fn guard() -> Guard {
        let cfg = IndicatorsConfig { internal_domains: vec!["corp.example.com".into()], ..IndicatorsConfig::default() };
        Guard::new(&cfg, &["81.2.69.0/24".into(), "2a02:1234::/32".into()]).expect("guard")
    }

    #[test]
    fn internal_addresses_names_and_identities_stay_inside() {
        let g = guard();
        for (kind, value) in [
            (Kind::Ipv4, "10.1.2.3"),
            (Kind::Ipv4, "172.20.0.9"),
            (Kind::Ipv4, "192.168.1.1"),
            (Kind::Ipv4, "127.0.0.1"),
            (Kind::Ipv4, "169.254.1.1"),
            (Kind::Ipv4, "100.64.0.1"),
            (Kind::Ipv4, "203.0.113.7"),
            (Kind::Ipv4, "81.2.69.14"),
            (Kind::Ipv6, "fd00::1"),
            (Kind::Ipv6, "fe80::1"),
            (Kind::Ipv6, "::ffff:10.0.0.1"),
            (Kind::Ipv6, "2a02:1234::5"),
            (Kind::Cidr, "10.0.0.0/8"),
            (Kind::Cidr, "81.2.0.0/16"),
            (Kind::Domain, "intranet.corp.example.com"),
            (Kind::Domain, "fileserver.local"),
            (Kind::Email, "j.doe@corp.example.com"),
            (Kind::Url, "https://wiki.corp.example.com/page"),
            (Kind::Url, "http://10.0.0.5:8080/x"),
            (Kind::Url, "http://[fd00::2]/"),
            (Kind::Hostname, "WKS-FIN-042"),
            (Kind::Account, "CORP\\jdoe"),
            (Kind::Mac, "00:11:22:33:44:55"),
        ] {
            assert!(g.indicator(kind, value).is_some(), "{kind} {value} must stay inside");
        }
        for (kind, value) in [
            (Kind::Ipv4, "185.220.101.4"),
            (Kind::Ipv4, "172.32.0.1"),
            (Kind::Ipv6, "2a03:2880::1"),
            (Kind::Domain, "evil-login.com"),
            (Kind::Domain, "corp.example.com.attacker.net"),
            (Kind::Email, "ceo@evil-login.com"),
            (Kind::Url, "https://evil-login.com/corp.example.com"),
            (Kind::Sha256, "a".repeat(64).as_str()),
        ] {
            assert_eq!(g.indicator(kind, value), None, "{kind} {value} may be looked up outside");
        }
        assert!(g.indicator(Kind::Ipv4, "10.1.2.3").is_some_and(|r| r.contains("RFC 1918")));
        assert!(g.indicator(Kind::Ipv4, "81.2.69.14").is_some_and(|r| r.contains("81.2.69.0/24")), "the customer's own public range");
    }

    #[test]
    fn inputs_are_searched_for_private_values_wherever_they_sit() {
        let g = guard();
        let host = Indicator { kind: Kind::Hostname, value: "WKS-FIN-042".into(), defanged: false, occurrences: 1, source: "body".into() };
        let secret = Indicator { kind: Kind::Domain, value: "partner-deal.com".into(), defanged: false, occurrences: 1, source: "body".into() };
        let r = g.request(&[(host, false), (secret, true)]);
        let input = |v: &str| BTreeMap::from([("query".to_string(), v.to_string())]);
        for refused in [
            "host:wks-fin-042",
            "domain:partner-deal.com OR domain:x.com",
            "src=10.9.8.7",
            "https://intranet.corp.example.com/login",
            "mail j.doe@corp.example.com",
            "[fd00::1]",
        ] {
            assert!(r.refuses(None, &input(refused)).is_some(), "{refused}");
        }
        for allowed in ["evil-login.com", "185.220.101.4", "wks-fin-0420", "xpartner-deal.com.au", "2026-11-01T00:00:00Z", "ipv4"] {
            assert_eq!(r.refuses(None, &input(allowed)), None, "{allowed}");
        }
        let why = r.refuses(None, &input("partner-deal.com")).expect("refused");
        assert!(why.to_string().contains("do not disclose"), "{why}");
    }

    #[test]
    fn networks_parse_and_match() {
        let n = Network::parse("198.51.100.0/24").expect("net");
        assert!(n.contains("198.51.100.200".parse().expect("ip")));
        assert!(!n.contains("198.51.101.1".parse().expect("ip")));
        assert!(Network::parse("10.0.0.0/33").is_err());
        assert!(Network::parse("nonsense").is_err());
        assert!(Network::parse("0.0.0.0/0").expect("all").contains("8.8.8.8".parse().expect("ip")));
    }
}
