//! One fictional company, generated from a seed, for the lab's real servers:
//! the same people and machines appear in Active Directory (and, later, the
//! asset inventory and the SIEM).

pub mod arkime;
pub mod http;
pub mod intel;
pub mod jira;
pub mod panos;
pub mod require;
pub mod snipeit;
pub mod splunk;
pub mod zendesk;

use drawbridge_triage_corpus::Rng;

pub const BASE_DN: &str = "DC=corp,DC=example,DC=test";
pub const DNS_SUFFIX: &str = "corp.example.local";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Department {
    pub code: &'static str,
    pub name: &'static str,
}

pub const DEPARTMENTS: &[Department] = &[
    Department { code: "FIN", name: "Finance" },
    Department { code: "HR", name: "Human Resources" },
    Department { code: "OPS", name: "Operations" },
    Department { code: "DEV", name: "Development" },
    Department { code: "SALES", name: "Sales" },
    Department { code: "LEGAL", name: "Legal" },
    Department { code: "IT", name: "IT" },
    Department { code: "MKT", name: "Marketing" },
];

#[derive(Debug, Clone)]
pub struct User {
    pub sam: String,
    pub given: String,
    pub surname: String,
    pub department: usize,
    pub title: String,
    pub phone: String,
    pub manager: Option<String>,
    pub enabled: bool,
    /// `accountExpires`, unix seconds; `None`: never.
    pub expires: Option<i64>,
    /// `lastLogonTimestamp`, unix seconds.
    pub last_logon: i64,
}

#[derive(Debug, Clone)]
pub struct Computer {
    pub name: String,
    pub department: Option<usize>,
    pub os: &'static str,
    pub description: String,
    pub managed_by: Option<String>,
    /// Unix seconds.
    pub last_logon: i64,
    pub ip: String,
}

impl Computer {
    /// The network card's MAC address (derived from the name, so stable).
    pub fn mac(&self) -> String {
        let h = self.name.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
        format!("00:1a:4b:{:02x}:{:02x}:{:02x}", (h >> 16) as u8, (h >> 8) as u8, h as u8)
    }

    /// `operatingSystemVersion` as Windows writes it.
    pub fn os_version(&self) -> &'static str {
        match self.os {
            "Windows 11 Enterprise" => "10.0 (22631)",
            "Windows 10 Enterprise" => "10.0 (19045)",
            "Windows Server 2022 Datacenter" => "10.0 (20348)",
            _ => "10.0 (17763)",
        }
    }

    pub fn fqdn(&self) -> String {
        format!("{}.{DNS_SUFFIX}", self.name.to_lowercase())
    }
}

impl User {
    /// `description`: what the account is for.
    pub fn description(&self) -> String {
        format!("{}, {}", self.title, DEPARTMENTS[self.department].name)
    }
}

#[derive(Debug, Clone)]
pub struct Company {
    pub users: Vec<User>,
    pub computers: Vec<Computer>,
}

const FIRST: &[&str] = &[
    "anna", "ben", "clara", "david", "elena", "farid", "greta", "hiro", "ines", "jonas", "karin", "luis", "maya", "noah", "olga", "pierre", "quinn", "rosa",
    "sam", "tara", "umar", "vera", "will", "xenia", "yusuf", "zoe", "marta", "paul", "lena", "omar",
];
const LAST: &[&str] = &[
    "schmidt", "dubois", "garcia", "smith", "mueller", "rossi", "novak", "kowalski", "jensen", "silva", "brown", "martin", "weber", "nguyen", "okafor",
    "petrov", "tanaka", "haddad", "larsen", "costa",
];
const TITLES: &[&str] = &["Analyst", "Specialist", "Senior Specialist", "Coordinator", "Engineer", "Associate"];

/// Seconds since the epoch of 2026-11-27T00:00:00Z, the lab's "now".
pub const LAB_NOW: i64 = 1_795_737_600;

pub fn company(seed: u64) -> Company {
    let mut rng = Rng::new(seed);
    let mut users = Vec::new();
    // Fixed people the tests and demos rely on.
    users.push(User {
        sam: "m.schmidt".into(),
        given: "Martina".into(),
        surname: "Schmidt".into(),
        department: 0,
        title: "Head of Finance".into(),
        phone: "+44 20 7946 0100".into(),
        manager: None,
        enabled: true,
        expires: None,
        last_logon: LAB_NOW - 26 * 3600,
    });
    users.push(User {
        sam: "j.doe".into(),
        given: "John".into(),
        surname: "Doe".into(),
        department: 0,
        title: "Accountant".into(),
        phone: "+44 20 7946 0142".into(),
        manager: Some("m.schmidt".into()),
        enabled: true,
        expires: None,
        last_logon: LAB_NOW - 3 * 3600,
    });
    for (d, dept) in DEPARTMENTS.iter().enumerate().skip(1) {
        let head = format!("head.{}", dept.code.to_lowercase());
        users.push(User {
            sam: head,
            given: "Head".into(),
            surname: dept.name.into(),
            department: d,
            title: format!("Head of {}", dept.name),
            phone: format!("+44 20 7946 0{}00", d + 1),
            manager: None,
            enabled: true,
            expires: None,
            last_logon: LAB_NOW - (d as i64 + 1) * 5 * 3600,
        });
    }
    let mut seen: std::collections::HashSet<String> = users.iter().map(|u| u.sam.clone()).collect();
    while users.len() < 200 {
        let first = rng.pick(FIRST);
        let last = rng.pick(LAST);
        let mut sam = format!("{first}.{last}");
        let mut n = 2;
        while seen.contains(&sam) {
            sam = format!("{first}.{last}{n}");
            n += 1;
        }
        seen.insert(sam.clone());
        let department = rng.below(DEPARTMENTS.len());
        let manager = if department == 0 { "m.schmidt".to_string() } else { format!("head.{}", DEPARTMENTS[department].code.to_lowercase()) };
        users.push(User {
            sam,
            given: capitalise(first),
            surname: capitalise(last),
            department,
            title: format!("{} {}", DEPARTMENTS[department].name, rng.pick(TITLES)),
            phone: format!("+44 20 7946 {:04}", 1000 + rng.below(9000)),
            manager: Some(manager),
            enabled: !rng.chance(0.05),
            expires: None,
            // Not from `rng`, so that the rest of the company stays as it was.
            last_logon: LAB_NOW - ((users.len() as i64 * 7919) % (30 * 24)) * 3600,
        });
    }
    let mut computers = Vec::new();
    let j_doe_logon = LAB_NOW - 3 * 3600;
    computers.push(Computer {
        name: "WKS-FIN-042".into(),
        department: Some(0),
        os: "Windows 11 Enterprise",
        description: "Finance workstation, 2nd floor".into(),
        managed_by: Some("j.doe".into()),
        last_logon: j_doe_logon,
        ip: "10.20.1.42".into(),
    });
    let mut names: std::collections::HashSet<String> = computers.iter().map(|c| c.name.clone()).collect();
    let mut host = 1;
    while computers.len() < 280 {
        let owner = &users[rng.below(users.len())];
        let dept = &DEPARTMENTS[owner.department];
        let laptop = rng.chance(0.4);
        let name = format!("{}-{}-{:03}", if laptop { "LT" } else { "WKS" }, dept.code, rng.below(1000));
        if !names.insert(name.clone()) {
            continue;
        }
        host += 1;
        computers.push(Computer {
            name,
            department: Some(owner.department),
            os: if rng.chance(0.8) { "Windows 11 Enterprise" } else { "Windows 10 Enterprise" },
            description: format!("{} {}", dept.name, if laptop { "laptop" } else { "workstation" }),
            managed_by: Some(owner.sam.clone()),
            last_logon: LAB_NOW - (rng.below(40 * 24) as i64) * 3600,
            ip: format!("10.20.{}.{}", owner.department + 1, (host % 250) + 2),
        });
    }
    for (i, role) in ["DC", "FILE", "APP", "SQL", "WEB", "MAIL", "PRINT", "BACKUP", "JUMP", "LOG"].iter().cycle().take(20).enumerate() {
        let name = format!("SRV-{role}-{:02}", i / 10 + 1);
        if !names.insert(name.clone()) {
            continue;
        }
        computers.push(Computer {
            name,
            department: None,
            os: if rng.chance(0.7) { "Windows Server 2022 Datacenter" } else { "Windows Server 2019 Standard" },
            description: format!("{role} server"),
            managed_by: Some("head.it".into()),
            last_logon: LAB_NOW - (rng.below(7 * 24) as i64) * 3600,
            ip: format!("10.10.0.{}", i + 10),
        });
    }
    // People the question bank asks about, added last so that nothing drawn
    // from `rng` above changes: a contractor whose account has expired (with
    // a laptop), one that expires in the future, and an account that
    // `tests/lab/directory.sh` locks out with failed binds.
    for (sam, given, surname, title, expires) in [
        ("ext.kaiser", "Felix", "Kaiser", "External Auditor", Some(LAB_NOW - 10 * 86_400)),
        ("ext.moreau", "Chloe", "Moreau", "External Consultant", Some(LAB_NOW + 3650 * 86_400)),
        ("t.locked", "Theo", "Locke", "Finance Analyst", None),
    ] {
        users.push(User {
            sam: sam.into(),
            given: given.into(),
            surname: surname.into(),
            department: 0,
            title: title.into(),
            phone: "+44 20 7946 0999".into(),
            manager: Some("m.schmidt".into()),
            enabled: true,
            expires,
            last_logon: LAB_NOW - 12 * 86_400,
        });
    }
    computers.push(Computer {
        name: "LT-FIN-900".into(),
        department: Some(0),
        os: "Windows 11 Enterprise",
        description: "Auditor laptop, loan pool".into(),
        managed_by: Some("ext.kaiser".into()),
        last_logon: LAB_NOW - 11 * 86_400,
        ip: "10.20.1.250".into(),
    });
    Company { users, computers }
}

/// The account `tests/lab/directory.sh` locks out, and its password.
pub const LOCKED_USER: &str = "t.locked";
pub const LOCKED_USER_PASSWORD: &str = "Lab-Locked-Pw1!";

/// The lab's "malicious" indicators and where they really occur in the SIEM.
pub const BAD_IP: &str = "203.0.113.7";
pub const BAD_DOMAIN: &str = "login-verify-portal.com";
pub const BAD_SHA256: &str = "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881";
/// The 28 days of events end here (exclusive): 2026-11-27T00:00:00Z.
pub const EVENTS_END: i64 = LAB_NOW;
pub const EVENT_DAYS: i64 = 28;

fn iso(unix: i64) -> String {
    let days = unix.div_euclid(86_400);
    let secs = unix.rem_euclid(86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", secs / 3600, secs % 3600 / 60, secs % 60)
}

impl Company {
    /// `count` SIEM events over the last four weeks, as `_bulk` NDJSON:
    /// proxy, firewall and endpoint logs with ECS field names. The bad
    /// indicators occur on known days from known hosts.
    pub fn siem_events(&self, seed: u64, count: usize) -> String {
        let mut rng = Rng::new(seed ^ 0x51e4);
        let start = EVENTS_END - EVENT_DAYS * 86_400;
        let mut out = String::with_capacity(count * 260);
        let sites = ["www.example.com", "cdn.example.net", "api.partner.example", "news.example.org", "docs.example.io", "mail.example.com"];
        let workstations: Vec<&Computer> = self.computers.iter().filter(|c| c.department.is_some()).collect();
        for i in 0..count {
            let c = workstations[rng.below(workstations.len())];
            let user = c.managed_by.clone().unwrap_or_default();
            let t = start + (rng.next_u64() % (EVENT_DAYS as u64 * 86_400)) as i64;
            let (index, doc) = match i % 10 {
                0..=5 => (
                    "proxy-lab",
                    format!(
                        r#"{{"@timestamp":"{}","event":{{"category":"web","dataset":"proxy","action":"allowed","outcome":"success"}},"host":{{"name":"{}"}},"user":{{"name":"{}"}},"source":{{"ip":"{}"}},"url":{{"domain":"{}","original":"https://{}/{}"}}}}"#,
                        iso(t),
                        c.name,
                        user,
                        c.ip,
                        sites[i % sites.len()],
                        sites[i % sites.len()],
                        rng.hex(6)
                    ),
                ),
                6..=8 => (
                    "firewall-lab",
                    format!(
                        r#"{{"@timestamp":"{}","event":{{"category":"network","dataset":"firewall","action":"allow","outcome":"success"}},"host":{{"name":"{}"}},"source":{{"ip":"{}"}},"destination":{{"ip":"198.51.100.{}","port":443}}}}"#,
                        iso(t),
                        c.name,
                        c.ip,
                        rng.below(250)
                    ),
                ),
                _ => (
                    "endpoint-lab",
                    format!(
                        r#"{{"@timestamp":"{}","event":{{"category":"process","dataset":"edr","action":"process_started","outcome":"success"}},"host":{{"name":"{}"}},"user":{{"name":"{}"}},"process":{{"name":"chrome.exe","hash":{{"sha256":"{}"}}}}}}"#,
                        iso(t),
                        c.name,
                        user,
                        rng.hex(64)
                    ),
                ),
            };
            out.push_str(&format!("{{\"index\":{{\"_index\":\"{index}\"}}}}\n{doc}\n"));
        }
        // The lab's incident: WKS-FIN-042 (j.doe) talks to the bad IP on three
        // days (allowed twice on 8443, denied once on 443), two other hosts
        // visit the phishing domain (one allowed, one blocked by the proxy),
        // and the bad hash runs on WKS-FIN-042 once and is quarantined there.
        let day = |d: i64, h: i64| start + d * 86_400 + h * 3600;
        for (d, h, action, outcome, port) in [(20, 2, "allow", "success", 8443), (21, 3, "allow", "success", 8443), (25, 2, "deny", "failure", 443)] {
            out.push_str(&format!(
                "{{\"index\":{{\"_index\":\"firewall-lab\"}}}}\n{{\"@timestamp\":\"{}\",\"event\":{{\"category\":\"network\",\"dataset\":\"firewall\",\"action\":\"{action}\",\"outcome\":\"{outcome}\"}},\"host\":{{\"name\":\"WKS-FIN-042\"}},\"user\":{{\"name\":\"j.doe\"}},\"source\":{{\"ip\":\"10.20.1.42\"}},\"destination\":{{\"ip\":\"{BAD_IP}\",\"port\":{port}}}}}\n",
                iso(day(d, h))
            ));
        }
        for (host, user, action, outcome) in [("LT-SALES-101", "luis.costa", "allowed", "success"), ("WKS-HR-017", "anna.weber", "blocked", "failure")] {
            out.push_str(&format!(
                "{{\"index\":{{\"_index\":\"proxy-lab\"}}}}\n{{\"@timestamp\":\"{}\",\"event\":{{\"category\":\"web\",\"dataset\":\"proxy\",\"action\":\"{action}\",\"outcome\":\"{outcome}\"}},\"host\":{{\"name\":\"{host}\"}},\"user\":{{\"name\":\"{user}\"}},\"url\":{{\"domain\":\"{BAD_DOMAIN}\",\"original\":\"https://{BAD_DOMAIN}/login\"}}}}\n",
                iso(day(24, 9))
            ));
        }
        for (minute, category, action) in [(0, "process", "process_started"), (2, "malware", "file_quarantined")] {
            out.push_str(&format!(
                "{{\"index\":{{\"_index\":\"endpoint-lab\"}}}}\n{{\"@timestamp\":\"{}\",\"event\":{{\"category\":\"{category}\",\"dataset\":\"edr\",\"action\":\"{action}\",\"outcome\":\"success\"}},\"host\":{{\"name\":\"WKS-FIN-042\"}},\"user\":{{\"name\":\"j.doe\"}},\"file\":{{\"name\":\"invoice.exe\",\"path\":\"C:\\\\Users\\\\j.doe\\\\Downloads\\\\invoice.exe\"}},\"process\":{{\"name\":\"invoice.exe\",\"hash\":{{\"sha256\":\"{BAD_SHA256}\"}}}}}}\n",
                iso(day(21, 4) + minute * 60)
            ));
        }
        out
    }
}

impl Company {
    /// The asset inventory for the same machines, as SQL for PostgreSQL.
    pub fn assets_sql(&self, seed: u64) -> String {
        let mut rng = Rng::new(seed ^ 0xa55e7);
        let mut out = String::from(
            "CREATE TABLE assets (\n  hostname text PRIMARY KEY,\n  fqdn text,\n  serial text NOT NULL,\n  model text,\n  location text,\n  owner text,\n  department text,\n  ip text,\n  mac text,\n  os text,\n  purchased date\n);\n",
        );
        let sites = ["London HQ, 2nd floor", "London HQ, 3rd floor", "Manchester office", "Remote", "Datacenter LON1, rack 12"];
        let models = ["Dell Latitude 7440", "Lenovo ThinkPad T14", "HP EliteDesk 800 G9", "Dell OptiPlex 7010", "Dell PowerEdge R650"];
        let quote = |s: &str| format!("'{}'", s.replace('\'', "''"));
        for c in &self.computers {
            let dept = c.department.map(|d| DEPARTMENTS[d].name).unwrap_or("IT");
            let (model, site) = if c.name == "WKS-FIN-042" {
                ("HP EliteDesk 800 G9", "London HQ, 2nd floor")
            } else if c.name.starts_with("SRV-") {
                (models[4], sites[4])
            } else if c.name.starts_with("LT-") {
                (models[rng.below(2)], sites[rng.below(4)])
            } else {
                (models[2 + rng.below(2)], sites[rng.below(3)])
            };
            out.push_str(&format!(
                "INSERT INTO assets VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, DATE '{}-{:02}-{:02}');\n",
                quote(&c.name),
                quote(&c.fqdn()),
                quote(&format!("SN{}", rng.hex(8).to_uppercase())),
                quote(model),
                quote(site),
                quote(c.managed_by.as_deref().unwrap_or("")),
                quote(dept),
                quote(&c.ip),
                // Inventories write MACs every way: upper case with dashes here.
                quote(&c.mac().to_uppercase().replace(':', "-")),
                quote(c.os),
                2021 + rng.below(5),
                1 + rng.below(12),
                1 + rng.below(28)
            ));
        }
        out
    }
}

pub(crate) fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

/// Windows FILETIME (100 ns since 1601-01-01) of unix seconds.
pub fn filetime(unix: i64) -> i64 {
    (unix + 11_644_473_600) * 10_000_000
}

impl Company {
    /// The user's CN: the display name, numbered when two people share one
    /// (`hiro.martin2` is "Hiro Martin 2"), since a CN is unique in its OU.
    pub fn user_cn(u: &User) -> String {
        let digits: String = u.sam.chars().rev().take_while(|c| c.is_ascii_digit()).collect::<Vec<_>>().into_iter().rev().collect();
        if digits.is_empty() { format!("{} {}", u.given, u.surname) } else { format!("{} {} {digits}", u.given, u.surname) }
    }

    pub fn user_dn(&self, sam: &str) -> Option<String> {
        let u = self.users.iter().find(|u| u.sam == sam)?;
        Some(format!("CN={},OU={},OU=Users,OU=Corp,{BASE_DN}", Self::user_cn(u), DEPARTMENTS[u.department].name))
    }

    /// The directory as LDIF, to load with `ldapadd`.
    pub fn ldif(&self) -> String {
        let mut out = String::new();
        let mut entry = |lines: Vec<String>| {
            for l in lines {
                out.push_str(&l);
                out.push('\n');
            }
            out.push('\n');
        };
        let ou = |dn: String| vec![format!("dn: {dn}"), "objectClass: organizationalUnit".into()];
        entry(ou(format!("OU=Corp,{BASE_DN}")));
        for parent in ["Users", "Computers", "Groups"] {
            entry(ou(format!("OU={parent},OU=Corp,{BASE_DN}")));
        }
        entry(ou(format!("OU=Servers,OU=Computers,OU=Corp,{BASE_DN}")));
        for d in DEPARTMENTS {
            entry(ou(format!("OU={},OU=Users,OU=Corp,{BASE_DN}", d.name)));
            entry(ou(format!("OU={},OU=Computers,OU=Corp,{BASE_DN}", d.name)));
        }
        // Managers first, so that `manager` can point at existing entries.
        let mut users: Vec<&User> = self.users.iter().collect();
        users.sort_by_key(|u| u.manager.is_some());
        for u in users {
            let mut l = vec![
                format!("dn: {}", self.user_dn(&u.sam).unwrap_or_default()),
                "objectClass: user".into(),
                format!("sAMAccountName: {}", u.sam),
                format!("userPrincipalName: {}@corp.example", u.sam),
                format!("mail: {}@corp.example", u.sam),
                format!("givenName: {}", u.given),
                format!("sn: {}", u.surname),
                format!("displayName: {} {}", u.given, u.surname),
                format!("department: {}", DEPARTMENTS[u.department].name),
                format!("title: {}", u.title),
                format!("telephoneNumber: {}", u.phone),
                // NORMAL_ACCOUNT | PASSWD_NOTREQD, plus ACCOUNTDISABLE when disabled.
                format!("userAccountControl: {}", if u.enabled { 544 } else { 546 }),
                format!("description: {}", u.description()),
                format!("lastLogonTimestamp: {}", filetime(u.last_logon)),
                format!("accountExpires: {}", u.expires.map_or(0, filetime)),
            ];
            if let Some(m) = u.manager.as_ref().and_then(|m| self.user_dn(m)) {
                l.push(format!("manager: {m}"));
            }
            entry(l);
        }
        for c in &self.computers {
            let ou = match c.department {
                Some(d) => format!("OU={},OU=Computers,OU=Corp", DEPARTMENTS[d].name),
                None => "OU=Servers,OU=Computers,OU=Corp".into(),
            };
            let mut l = vec![
                format!("dn: CN={},{ou},{BASE_DN}", c.name),
                "objectClass: computer".into(),
                format!("sAMAccountName: {}$", c.name),
                format!("dNSHostName: {}.{DNS_SUFFIX}", c.name.to_lowercase()),
                format!("operatingSystem: {}", c.os),
                format!("operatingSystemVersion: {}", c.os_version()),
                format!("description: {}", c.description),
                // WORKSTATION_TRUST_ACCOUNT
                "userAccountControl: 4096".into(),
                format!("lastLogonTimestamp: {}", filetime(c.last_logon)),
            ];
            if let Some(m) = c.managed_by.as_ref().and_then(|m| self.user_dn(m)) {
                l.push(format!("managedBy: {m}"));
            }
            entry(l);
        }
        // Groups: one per department, nested into All Staff; VPN users nest
        // some departments; IT admins nest into Privileged.
        let group = |name: &str, members: Vec<String>| {
            let mut l = vec![format!("dn: CN={name},OU=Groups,OU=Corp,{BASE_DN}"), "objectClass: group".into(), format!("sAMAccountName: {name}")];
            l.extend(members.into_iter().map(|m| format!("member: {m}")));
            l
        };
        let gdn = |name: &str| format!("CN={name},OU=Groups,OU=Corp,{BASE_DN}");
        for (i, d) in DEPARTMENTS.iter().enumerate() {
            let members = self.users.iter().filter(|u| u.department == i).filter_map(|u| self.user_dn(&u.sam)).collect();
            entry(group(&format!("GRP-{}", d.code), members));
        }
        entry(group("GRP-AllStaff", DEPARTMENTS.iter().map(|d| gdn(&format!("GRP-{}", d.code))).collect()));
        entry(group("GRP-VPN-Users", vec![gdn("GRP-SALES"), gdn("GRP-FIN"), gdn("GRP-IT")]));
        entry(group("GRP-IT-Admins", vec![self.user_dn("head.it").unwrap_or_default()]));
        entry(group("GRP-Privileged", vec![gdn("GRP-IT-Admins")]));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_civil() {
        assert_eq!(iso(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso(LAB_NOW), "2026-11-27T00:00:00Z");
        assert_eq!(iso(951_782_400), "2000-02-29T00:00:00Z");
    }

    #[test]
    fn siem_events_are_valid_bulk_ndjson() {
        let c = company(7);
        let events = c.siem_events(1, 1000);
        let lines: Vec<&str> = events.lines().collect();
        assert_eq!(lines.len() % 2, 0);
        assert!(lines.len() >= 2000);
        assert!(events.contains(BAD_IP) && events.contains(BAD_DOMAIN) && events.contains(BAD_SHA256));
        assert!(lines.iter().all(|l| l.starts_with('{') && l.ends_with('}')));
    }

    #[test]
    fn the_company_is_seeded_and_consistent() {
        let a = company(7);
        assert_eq!(a.users.len(), 203);
        assert_eq!(a.computers.len(), 301);
        assert_eq!(company(7).ldif(), a.ldif());
        let sams: std::collections::HashSet<_> = a.users.iter().map(|u| &u.sam).collect();
        assert_eq!(sams.len(), a.users.len(), "unique sAMAccountNames");
        for c in &a.computers {
            assert!(c.managed_by.as_ref().is_some_and(|m| sams.contains(m)), "{} managed by a real user", c.name);
        }
        assert!(a.ldif().contains("managedBy: CN=John Doe,OU=Finance,OU=Users,OU=Corp,DC=corp,DC=example,DC=test"));
        let dns: std::collections::HashSet<String> = a.users.iter().filter_map(|u| a.user_dn(&u.sam)).collect();
        assert_eq!(dns.len(), a.users.len(), "unique user DNs");
    }
}
