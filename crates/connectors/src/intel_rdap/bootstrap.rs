//! IANA's RDAP bootstrap files (RFC 9224): which registry serves a TLD or
//! an address block. Parsed and checked as a whole; looked up by the
//! longest matching label suffix (DNS) or the longest prefix (IP).

use std::net::IpAddr;
use std::path::{Path, PathBuf};

/// The three registries this connector uses, as IANA names their files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Space {
    Dns,
    Ipv4,
    Ipv6,
}

impl Space {
    pub const ALL: [Space; 3] = [Space::Dns, Space::Ipv4, Space::Ipv6];

    pub fn file_name(self) -> &'static str {
        match self {
            Space::Dns => "dns.json",
            Space::Ipv4 => "ipv4.json",
            Space::Ipv6 => "ipv6.json",
        }
    }

    fn shipped(self) -> &'static str {
        match self {
            Space::Dns => include_str!("bootstrap/dns.json"),
            Space::Ipv4 => include_str!("bootstrap/ipv4.json"),
            Space::Ipv6 => include_str!("bootstrap/ipv6.json"),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum BootstrapError {
    #[error("{file}: {reason}")]
    Invalid { file: String, reason: String },
    #[error("cannot read {0}: {1}")]
    Read(PathBuf, std::io::Error),
    #[error("cannot write {0}: {1}")]
    Write(PathBuf, std::io::Error),
    #[error("cannot fetch {0}: {1}")]
    Fetch(String, String),
    #[error("{file}: published {offered}, older than the {current} in use; not replaced")]
    Older { file: String, offered: String, current: String },
}

/// Where one bootstrap file in use came from.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FileInfo {
    pub file: &'static str,
    /// IANA's `publication` time of the file.
    pub publication: String,
    /// `shipped`, or the path it was read from.
    pub source: String,
    /// Entries (TLDs or address blocks) it maps.
    pub entries: usize,
}

#[derive(Debug, Clone, PartialEq)]
enum Key {
    Label(String),
    Net { addr: u128, len: u8, v6: bool },
}

#[derive(Debug, Clone)]
struct Service {
    keys: Vec<Key>,
    urls: Vec<String>,
}

/// One parsed bootstrap file.
#[derive(Debug, Clone)]
pub struct File {
    space: Space,
    publication: String,
    services: Vec<Service>,
}

impl File {
    /// Parses and checks `text` as `space`'s file: version 1.0, a
    /// publication time, at least one service, every entry well-formed for
    /// its space, every URL http(s) ending in `/`.
    pub fn parse(space: Space, text: &str) -> Result<File, BootstrapError> {
        let invalid = |reason: String| BootstrapError::Invalid { file: space.file_name().into(), reason };
        let v: serde_json::Value = serde_json::from_str(text).map_err(|e| invalid(format!("not JSON: {e}")))?;
        if v["version"].as_str() != Some("1.0") {
            return Err(invalid("not a version 1.0 bootstrap file".into()));
        }
        let publication = v["publication"].as_str().ok_or_else(|| invalid("no publication time".into()))?;
        chrono::DateTime::parse_from_rfc3339(publication).map_err(|e| invalid(format!("publication {publication:?}: {e}")))?;
        let list = v["services"].as_array().filter(|s| !s.is_empty()).ok_or_else(|| invalid("no services".into()))?;
        let mut services = Vec::with_capacity(list.len());
        for (i, s) in list.iter().enumerate() {
            let (Some(entries), Some(urls)) = (s[0].as_array(), s[1].as_array()) else {
                return Err(invalid(format!("service {} is not [[entries], [urls]]", i + 1)));
            };
            let keys = entries
                .iter()
                .map(|e| e.as_str().ok_or_else(|| "an entry is not text".to_string()).and_then(|e| key(space, e)))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| invalid(format!("service {}: {e}", i + 1)))?;
            let urls: Vec<String> = urls.iter().filter_map(|u| u.as_str()).map(str::to_string).collect();
            if keys.is_empty() || urls.is_empty() {
                return Err(invalid(format!("service {} has no entries or no URLs", i + 1)));
            }
            if let Some(bad) = urls.iter().find(|u| !(u.starts_with("https://") || u.starts_with("http://")) || !u.ends_with('/')) {
                return Err(invalid(format!("service {}: {bad:?} is not an http(s) base URL ending in /", i + 1)));
            }
            services.push(Service { keys, urls });
        }
        Ok(File { space, publication: publication.to_string(), services })
    }

    fn entries(&self) -> usize {
        self.services.iter().map(|s| s.keys.len()).sum()
    }
}

fn key(space: Space, entry: &str) -> Result<Key, String> {
    match space {
        Space::Dns => {
            let label = entry.trim_end_matches('.').to_ascii_lowercase();
            if label.is_empty() || !label.split('.').all(|l| !l.is_empty() && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')) {
                return Err(format!("{entry:?} is not a domain label"));
            }
            Ok(Key::Label(label))
        }
        Space::Ipv4 | Space::Ipv6 => {
            let (a, l) = entry.split_once('/').ok_or_else(|| format!("{entry:?} is not a prefix"))?;
            let addr: IpAddr = a.parse().map_err(|_| format!("{entry:?} is not a prefix"))?;
            let v6 = addr.is_ipv6();
            if v6 != (space == Space::Ipv6) {
                return Err(format!("{entry:?} is in the wrong address family"));
            }
            let len: u8 = l.parse().ok().filter(|&n| n <= if v6 { 128 } else { 32 }).ok_or_else(|| format!("{entry:?} has a bad prefix length"))?;
            Ok(Key::Net { addr: bits(addr), len, v6 })
        }
    }
}

/// An address as 128 bits, IPv4 in the high 32.
fn bits(addr: IpAddr) -> u128 {
    match addr {
        IpAddr::V4(a) => (u32::from(a) as u128) << 96,
        IpAddr::V6(a) => u128::from(a),
    }
}

fn within(addr: u128, net: u128, len: u8) -> bool {
    len == 0 || (addr ^ net) >> (128 - len as u32) == 0
}

/// The bootstrap files in use.
#[derive(Debug, Clone)]
pub struct Bootstrap {
    files: Vec<(File, String)>,
}

impl Bootstrap {
    /// The files in `dir` where there, else the shipped ones. A file in
    /// `dir` that does not check out is an error, not silently skipped.
    pub fn load(dir: Option<&Path>) -> Result<Bootstrap, BootstrapError> {
        let mut files = Vec::new();
        for space in Space::ALL {
            let path = dir.map(|d| d.join(space.file_name())).filter(|p| p.exists());
            let file = match &path {
                Some(p) => {
                    let text = std::fs::read_to_string(p).map_err(|e| BootstrapError::Read(p.clone(), e))?;
                    (File::parse(space, &text)?, p.display().to_string())
                }
                None => (File::parse(space, space.shipped())?, "shipped".to_string()),
            };
            files.push(file);
        }
        Ok(Bootstrap { files })
    }

    /// The shipped files only.
    pub fn shipped() -> Result<Bootstrap, BootstrapError> {
        Bootstrap::load(None)
    }

    pub fn info(&self) -> Vec<FileInfo> {
        self.files
            .iter()
            .map(|(f, source)| FileInfo { file: f.space.file_name(), publication: f.publication.clone(), source: source.clone(), entries: f.entries() })
            .collect()
    }

    fn file(&self, space: Space) -> Option<&File> {
        self.files.iter().map(|(f, _)| f).find(|f| f.space == space)
    }

    /// The base URLs of the registry for `domain` (longest matching suffix).
    pub fn for_domain(&self, domain: &str) -> Option<&[String]> {
        let file = self.file(Space::Dns)?;
        let name = domain.trim_end_matches('.').to_ascii_lowercase();
        let labels: Vec<&str> = name.split('.').collect();
        (0..labels.len()).find_map(|i| {
            let suffix = labels[i..].join(".");
            file.services.iter().find(|s| s.keys.contains(&Key::Label(suffix.clone()))).map(|s| s.urls.as_slice())
        })
    }

    /// The base URLs of the registry for `addr` (longest matching prefix).
    pub fn for_address(&self, addr: IpAddr) -> Option<&[String]> {
        let file = self.file(if addr.is_ipv4() { Space::Ipv4 } else { Space::Ipv6 })?;
        let a = bits(addr);
        let mut best: Option<(u8, &Service)> = None;
        for s in &file.services {
            for k in &s.keys {
                if let Key::Net { addr: net, len, .. } = k
                    && within(a, *net, *len)
                    && best.is_none_or(|(l, _)| *len > l)
                {
                    best = Some((*len, s));
                }
            }
        }
        best.map(|(_, s)| s.urls.as_slice())
    }
}

/// IANA's RDAP bootstrap files.
pub const IANA: &str = "https://data.iana.org/rdap/";

/// [`update`] over the connector's own TLS settings (its CA bundle, for a
/// proxy or mirror inside the customer's PKI).
pub async fn update_with(cfg: &super::RdapConfig, from: &str, dir: &Path) -> Result<Vec<FileInfo>, BootstrapError> {
    let http = drawbridge_net::tls::http_client(cfg.ca_file.as_deref(), cfg.allow_tls12, std::time::Duration::from_secs(cfg.timeout_seconds.max(30)))
        .map_err(|e| BootstrapError::Fetch(from.into(), e))?;
    update(from, dir, &http).await
}

/// Fetches (or reads) the three files from `from`, an http(s) base URL
/// (IANA's is `https://data.iana.org/rdap/`) or a folder, checks each, and
/// writes those newer than the ones in use into `dir`. Returns the files
/// now in use.
pub async fn update(from: &str, dir: &Path, http: &reqwest::Client) -> Result<Vec<FileInfo>, BootstrapError> {
    let current = Bootstrap::load(Some(dir))?;
    let mut fresh = Vec::new();
    for space in Space::ALL {
        let text = if from.starts_with("https://") || from.starts_with("http://") {
            let url = format!("{}/{}", from.trim_end_matches('/'), space.file_name());
            let resp = http.get(&url).send().await.map_err(|e| BootstrapError::Fetch(url.clone(), e.without_url().to_string()))?;
            let status = resp.status();
            if !status.is_success() {
                return Err(BootstrapError::Fetch(url, format!("HTTP {status}")));
            }
            resp.text().await.map_err(|e| BootstrapError::Fetch(url.clone(), e.without_url().to_string()))?
        } else {
            let path = Path::new(from).join(space.file_name());
            std::fs::read_to_string(&path).map_err(|e| BootstrapError::Read(path, e))?
        };
        let file = File::parse(space, &text)?;
        if let Some(old) = current.file(space) {
            let (offered, now) = (published(&file.publication), published(&old.publication));
            if offered < now {
                return Err(BootstrapError::Older { file: space.file_name().into(), offered: file.publication, current: old.publication.clone() });
            }
        }
        fresh.push((space, text));
    }
    // Every file checked before any is written: the set stays consistent.
    std::fs::create_dir_all(dir).map_err(|e| BootstrapError::Write(dir.to_path_buf(), e))?;
    for (space, text) in fresh {
        let path = dir.join(space.file_name());
        let tmp = dir.join(format!(".{}.new", space.file_name()));
        std::fs::write(&tmp, text).map_err(|e| BootstrapError::Write(tmp.clone(), e))?;
        std::fs::rename(&tmp, &path).map_err(|e| BootstrapError::Write(path.clone(), e))?;
    }
    Ok(Bootstrap::load(Some(dir))?.info())
}

fn published(t: &str) -> chrono::DateTime<chrono::FixedOffset> {
    chrono::DateTime::parse_from_rfc3339(t).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_files_parse_and_name_the_registries_of_well_known_spaces() {
        let b = Bootstrap::shipped().expect("shipped bootstrap");
        assert_eq!(b.for_domain("example.com").and_then(|u| u.first()).map(String::as_str), Some("https://rdap.verisign.com/com/v1/"));
        assert_eq!(b.for_domain("WWW.Example.CO.UK.").and_then(|u| u.first()).map(String::as_str), Some("https://rdap.nominet.uk/uk/"));
        let ripe = b.for_address("185.220.101.4".parse().unwrap()).expect("185/8");
        assert!(ripe.iter().any(|u| u == "https://rdap.db.ripe.net/"), "{ripe:?}");
        let arin = b.for_address("8.8.8.8".parse().unwrap()).expect("8/8");
        assert!(arin.iter().any(|u| u.starts_with("https://rdap.arin.net/")), "{arin:?}");
        assert!(b.for_address("2a00:1450::1".parse().unwrap()).is_some_and(|u| u.iter().any(|u| u.contains("ripe"))));
        assert!(b.for_domain("host.invalid-tld-zz").is_none());
        let info = b.info();
        assert_eq!(info.len(), 3);
        assert!(info.iter().all(|i| i.source == "shipped" && i.entries > 0), "{info:?}");
        assert!(info.iter().find(|i| i.file == "dns.json").is_some_and(|i| i.entries > 1000));
    }

    #[test]
    fn the_longest_match_wins() {
        let dns = r#"{"version":"1.0","publication":"2026-01-01T00:00:00Z","services":[[["uk"],["https://uk.example/"]],[["co.uk"],["https://co-uk.example/"]]]}"#;
        let v4 = r#"{"version":"1.0","publication":"2026-01-01T00:00:00Z","services":[[["10.0.0.0/8"],["https://wide.example/"]],[["10.1.0.0/16"],["https://narrow.example/"]]]}"#;
        let dir = std::env::temp_dir().join(format!("drawbridge-rdap-bs-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("dns.json"), dns).unwrap();
        std::fs::write(dir.join("ipv4.json"), v4).unwrap();
        let b = Bootstrap::load(Some(&dir)).unwrap();
        assert_eq!(b.for_domain("a.b.co.uk").unwrap()[0], "https://co-uk.example/");
        assert_eq!(b.for_domain("b.uk").unwrap()[0], "https://uk.example/");
        assert_eq!(b.for_address("10.1.2.3".parse().unwrap()).unwrap()[0], "https://narrow.example/");
        assert_eq!(b.for_address("10.2.2.3".parse().unwrap()).unwrap()[0], "https://wide.example/");
        assert!(b.for_address("11.0.0.1".parse().unwrap()).is_none());
        // IPv6 still from the shipped file.
        assert!(b.info().iter().any(|i| i.file == "ipv6.json" && i.source == "shipped"));
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn malformed_files_are_refused_with_the_reason() {
        let cases = [
            ("{", "not JSON"),
            (r#"{"version":"2.0","publication":"2026-01-01T00:00:00Z","services":[[["com"],["https://x/"]]]}"#, "version 1.0"),
            (r#"{"version":"1.0","services":[[["com"],["https://x/"]]]}"#, "publication"),
            (r#"{"version":"1.0","publication":"2026-01-01T00:00:00Z","services":[]}"#, "no services"),
            (r#"{"version":"1.0","publication":"2026-01-01T00:00:00Z","services":[[["co m"],["https://x/"]]]}"#, "not a domain label"),
            (r#"{"version":"1.0","publication":"2026-01-01T00:00:00Z","services":[[["com"],["ftp://x/"]]]}"#, "base URL"),
        ];
        for (text, why) in cases {
            let e = File::parse(Space::Dns, text).expect_err(text).to_string();
            assert!(e.contains(why), "{text}: {e}");
        }
        let e = File::parse(Space::Ipv4, r#"{"version":"1.0","publication":"2026-01-01T00:00:00Z","services":[[["2001:db8::/32"],["https://x/"]]]}"#).unwrap_err();
        assert!(e.to_string().contains("wrong address family"), "{e}");
    }
}
