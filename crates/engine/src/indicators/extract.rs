//! The scanner: refang, find URLs, then classify every remaining token.
//!
//! Tokens are split on bytes that never occur inside an indicator, and each
//! token is classified with cheap byte checks before anything expensive runs,
//! so ordinary prose costs little more than a pass over its bytes.

use super::config::IndicatorsConfig;
use super::context::{ContextScan, preceded_by_version_word};
use super::domain::{SPECIAL_USE_SUFFIXES, is_hostname_syntax, is_public_domain, is_under, is_under_suffix, looks_like_file_name};
use super::refang::{Refanged, refang};
pub use drawbridge_model::Indicator;
use drawbridge_model::Kind;
use regex::Regex;
use std::collections::HashMap;
use std::net::{Ipv4Addr, Ipv6Addr};

/// Compiled extraction settings. Build once, use for many texts.
#[derive(Clone)]
pub struct Extractor {
    hostname_patterns: Vec<Regex>,
    /// Bytes a token can start with and still match a hostname pattern
    /// (all true when some pattern is not anchored at the start or has no
    /// finite set of literal prefixes). Saves a regex call per ordinary word.
    hostname_first_bytes: [bool; 256],
    internal_domains: Vec<String>,
    netbios_domains: Vec<String>,
    exclude_domains: Vec<String>,
    exclude_addresses: Vec<String>,
    /// Special-use suffixes and the site's `extra_suffixes`.
    suffixes: Vec<String>,
    /// Mail gateways: context in forwarded headers, never indicators.
    context_hosts: Vec<String>,
    /// Reference sites: host → path prefixes (`""` for the whole site).
    reference_sites: HashMap<String, Vec<String>>,
}

#[derive(Debug, thiserror::Error)]
#[error("invalid hostname pattern {pattern:?}: {source}")]
pub struct PatternError {
    pattern: String,
    source: regex::Error,
}

/// One indicator occurrence in refanged text.
#[derive(Debug, Clone)]
struct Hit {
    start: usize,
    end: usize,
    kind: Kind,
    value: String,
    defanged: bool,
}

/// Collects indicators over several texts (the parts of one email), keeping the
/// order of first appearance and merging duplicates, and the reference links
/// seen on the way.
#[derive(Debug, Default)]
pub struct Collector {
    found: Vec<Indicator>,
    index: HashMap<(Kind, String), usize>,
    references: Vec<String>,
}

/// What one email yields: its indicators and the reference links it cites.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Extraction {
    pub indicators: Vec<Indicator>,
    /// Links to reference sites (advisories, frameworks, sandboxes), in order.
    pub references: Vec<String>,
}

impl Collector {
    fn reference(&mut self, url: String) {
        if !self.references.contains(&url) {
            self.references.push(url);
        }
    }

    /// Keeps only the indicators `keep` accepts (the rest are context).
    pub(super) fn retain(&mut self, keep: impl Fn(&Indicator) -> bool) {
        self.found.retain(|i| keep(i));
        self.index = self.found.iter().enumerate().map(|(n, i)| ((i.kind, i.value.clone()), n)).collect();
    }

    pub fn finish_all(self) -> Extraction {
        Extraction { indicators: self.found, references: self.references }
    }

    fn add(&mut self, kind: Kind, value: String, defanged: bool, source: &str) {
        if let Some(&i) = self.index.get(&(kind, value.clone())) {
            let ind = &mut self.found[i];
            ind.occurrences = ind.occurrences.saturating_add(1);
            return;
        }
        self.index.insert((kind, value.clone()), self.found.len());
        self.found.push(Indicator { kind, value, defanged, occurrences: 1, source: source.to_string() });
    }

    pub fn finish(self) -> Vec<Indicator> {
        self.found
    }
}

impl std::fmt::Debug for Extractor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Extractor")
            .field("hostname_patterns", &self.hostname_patterns)
            .field("internal_domains", &self.internal_domains)
            .finish_non_exhaustive()
    }
}

impl Extractor {
    pub fn new(cfg: &IndicatorsConfig) -> Result<Self, PatternError> {
        let hostname_patterns =
            cfg.hostname_patterns.iter().map(|p| Regex::new(p).map_err(|source| PatternError { pattern: p.clone(), source })).collect::<Result<Vec<_>, _>>()?;
        let hostname_first_bytes = first_bytes(&cfg.hostname_patterns);
        let lower = |v: &[String]| v.iter().map(|s| s.trim().trim_end_matches('.').to_ascii_lowercase()).collect();
        Ok(Extractor {
            hostname_patterns,
            hostname_first_bytes,
            internal_domains: lower(&cfg.internal_domains),
            netbios_domains: cfg.netbios_domains.iter().map(|s| s.to_ascii_uppercase()).collect(),
            exclude_domains: lower(&cfg.exclude_domains),
            exclude_addresses: lower(&cfg.exclude_addresses),
            suffixes: SPECIAL_USE_SUFFIXES
                .iter()
                .map(|s| s.to_string())
                .chain(lower(&cfg.extra_suffixes).into_iter().map(|s: String| s.trim_start_matches('.').to_string()))
                .collect(),
            context_hosts: lower(&cfg.mail_gateways),
            reference_sites: lower(&cfg.reference_sites).into_iter().fold(HashMap::new(), |mut sites: HashMap<String, Vec<String>>, s: String| {
                let (host, prefix) = match s.split_once('/') {
                    Some((host, path)) => (host.to_string(), format!("/{}", path.trim_matches('/'))),
                    None => (s, String::new()),
                };
                sites.entry(host).or_default().push(prefix);
                sites
            }),
        })
    }

    /// Adds host names that are context, not indicators: the mail gateways
    /// (the sender checks' trusted `authserv-id`s).
    pub fn with_context_hosts(mut self, hosts: &[String]) -> Self {
        self.context_hosts.extend(hosts.iter().map(|h| h.trim().trim_end_matches('.').to_ascii_lowercase()));
        self
    }

    /// A domain name: a known public suffix, or a special-use or site suffix.
    fn is_domain(&self, host: &str) -> bool {
        is_public_domain(host) || is_under_suffix(host, &self.suffixes)
    }

    /// Whether `text` (lower case) contains an address that is never an indicator.
    pub(super) fn names_excluded_address(&self, text: &str) -> bool {
        self.exclude_addresses.iter().any(|a| text.contains(a.as_str()))
    }

    pub(super) fn internal_or_excluded(&self, domain: &str) -> bool {
        self.internal_domain(domain).is_some() || self.excluded_domain(domain)
    }

    /// Whether `host` and `path` (from `/`) are a reference site's.
    fn is_reference(&self, host: &str, path: &str) -> bool {
        if self.reference_sites.is_empty() {
            return false;
        }
        // The host and each parent domain, one map lookup each.
        let mut rest = host;
        loop {
            if let Some(prefixes) = self.reference_sites.get(rest)
                && prefixes.iter().any(|p| path.starts_with(p.as_str()))
            {
                return true;
            }
            match rest.split_once('.') {
                Some((_, parent)) if parent.contains('.') => rest = parent,
                _ => return false,
            }
        }
    }

    /// Extracts the distinct indicators of one text, in order of first appearance.
    pub fn extract(&self, text: &str) -> Vec<Indicator> {
        let mut c = Collector::default();
        self.extract_into(text, "text", &mut c);
        c.finish()
    }

    /// Adds the indicators of `text` to `out`, tagging new ones with `source`.
    pub fn extract_into(&self, text: &str, source: &str, out: &mut Collector) {
        let r = refang(text);
        let mut references = Vec::new();
        for hit in self.hits(&r, &mut references) {
            out.add(hit.kind, hit.value, hit.defanged, source);
        }
        for url in references {
            out.reference(url);
        }
    }

    /// Every indicator occurrence in the refanged text, in order, without
    /// the context: header lines that only identify messages, the gateways'
    /// own names, version numbers that look like addresses.
    fn hits(&self, r: &Refanged<'_>, references: &mut Vec<String>) -> Vec<Hit> {
        let mut found = Vec::new();
        let urls = self.find_urls(r, &mut found, references);
        self.scan_tokens(r, &urls, &mut found);
        let context = ContextScan::of(&r.text);
        let text = r.text.as_bytes();
        found.retain(|h| {
            !context.skips(h.start)
                && !(matches!(h.kind, Kind::Hostname | Kind::Domain)
                    && (self.context_hosts.contains(&h.value.to_ascii_lowercase()) || context.is_context_host(&h.value)))
                && !(h.kind == Kind::Hostname && context.is_receiver(&h.value))
                && !(h.kind == Kind::Ipv4 && !h.defanged && preceded_by_version_word(text, h.start))
        });
        found.sort_by_key(|h| h.start);
        found
    }

    /// The text with every indicator replaced by its kind in angle brackets
    /// (`<ipv4>`, `<url>`…), after refanging. Used to normalise text for the
    /// triage model, which should learn from words, not from values.
    pub fn mask(&self, text: &str) -> String {
        let r = refang(text);
        let hits = self.hits(&r, &mut Vec::new());
        let mut out = String::with_capacity(r.text.len());
        let mut last = 0;
        for h in hits {
            if h.start < last {
                continue;
            }
            out.push_str(&r.text[last..h.start]);
            out.push_str(" <");
            out.push_str(h.kind.as_str());
            out.push_str("> ");
            last = h.end;
        }
        out.push_str(&r.text[last..]);
        out
    }

    fn excluded_domain(&self, host: &str) -> bool {
        self.exclude_domains.iter().any(|d| is_under(host, d))
    }

    fn internal_domain(&self, host: &str) -> Option<&str> {
        self.internal_domains.iter().find(|d| is_under(host, d)).map(|s| s.as_str())
    }

    /// Finds `scheme://…` URLs; returns their spans so the token pass skips them.
    fn find_urls(&self, r: &Refanged<'_>, found: &mut Vec<Hit>, references: &mut Vec<String>) -> Vec<(usize, usize)> {
        let text = r.text.as_bytes();
        let mut spans = Vec::new();
        let mut from = 0;
        while let Some(rel) = memchr::memmem::find(&text[from..], b"://") {
            let sep = from + rel;
            from = sep + 3;
            // Scheme: letters, digits, + . - going back, starting with a letter.
            let mut start = sep;
            while start > 0 && (text[start - 1].is_ascii_alphanumeric() || matches!(text[start - 1], b'+' | b'-' | b'.')) {
                start -= 1;
            }
            while start < sep && !text[start].is_ascii_alphabetic() {
                start += 1;
            }
            if sep - start < 2 || sep - start > 12 {
                continue;
            }
            let mut end = sep + 3;
            let mut open_bracket = false;
            let mut query = false;
            while end < text.len() && url_byte(text[end]) {
                match text[end] {
                    b'[' => open_bracket = true,
                    // `[text](url)` (Markdown) and other closing brackets end a URL
                    // unless it opened one itself (`http://[2001:db8::1]/`).
                    b']' if !open_bracket => break,
                    b'?' | b'#' => query = true,
                    // A comma before the query ends the URL: a CSV row
                    // (`https://x.test/a,url,2026-02-24,block`) or a list.
                    b',' if !query => break,
                    _ => {}
                }
                end += 1;
            }
            let end = trim_url_end(text, sep + 3, end);
            if end <= sep + 3 {
                continue;
            }
            from = end.max(from);
            spans.push((start, end));
            // `http://example .com/x`: a space cut the host; what follows the
            // space continues it, so the part before is no URL of its own.
            let mut next = end;
            while next < text.len() && text[next] == b' ' && next < end + 3 {
                next += 1;
            }
            let cut = next > end && matches!(text.get(next), Some(b'.' | b'[' | b'('));
            let Some((host, path_at, value)) = self.normalise_url(&r.text[start..end], sep - start, cut) else {
                continue;
            };
            let defanged = r.touches(start, end);
            let Some(value) = value else { continue };
            if self.is_reference(&host, &value[path_at..]) {
                // A link to an advisory or a sandbox: a reference. A hash, an
                // address or a CVE in its path is still an indicator.
                let mut offset = start + path_at;
                for piece in r.text[start + path_at..end].split(['/', '?', '&', '=', '#', ';']) {
                    let (o, p) = trim_token(piece);
                    if p.len() >= 3 {
                        self.classify(p, offset + o, defanged, found, 1);
                    }
                    offset += piece.len() + 1;
                }
                references.push(value);
                continue;
            }
            found.push(Hit { start, end, kind: Kind::Url, value, defanged });
        }
        spans
    }

    /// `Some((host, where the path starts, Some(url)))` to report,
    /// `Some((host, _, None))` for a URL that is excluded (the MSSP's own),
    /// `None` when the host is not plausible.
    fn normalise_url(&self, url: &str, scheme_len: usize, cut: bool) -> Option<(String, usize, Option<String>)> {
        let scheme = url[..scheme_len].to_ascii_lowercase();
        let rest = &url[scheme_len + 3..];
        let auth_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let authority = &rest[..auth_end];
        let hostport = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
        let host = if let Some(v6) = hostport.strip_prefix('[') {
            let inner = v6.split(']').next()?;
            inner.parse::<Ipv6Addr>().ok()?;
            inner.to_string()
        } else {
            let h = match hostport.rsplit_once(':') {
                Some((h, port)) if port.bytes().all(|b| b.is_ascii_digit()) => h,
                _ => hostport,
            };
            let h = h.trim_end_matches('.').to_ascii_lowercase();
            // An explicit scheme is strong evidence: any well-formed host name
            // will do, and a single-label host (`http://intranet/`) after a
            // network scheme, unless a space cut it (`http://example .com`).
            let plausible = h.parse::<Ipv4Addr>().is_ok()
                || (is_hostname_syntax(&h) && !h.rsplit('.').next().unwrap_or("").bytes().all(|b| b.is_ascii_digit()))
                || self.matches_hostname_pattern(&h)
                || (NETWORK_SCHEMES.contains(&scheme.as_str()) && is_label(&h) && !(cut && auth_end == rest.len()));
            if !plausible {
                return None;
            }
            h
        };
        if self.excluded_domain(&host) || self.context_hosts.contains(&host) {
            return Some((host, 0, None));
        }
        // Lower-case scheme and host, keep path and query as written.
        let host_start = scheme_len + 3 + (authority.len() - hostport.len());
        let mut out = String::with_capacity(url.len());
        out.push_str(&scheme);
        out.push_str("://");
        out.push_str(&url[scheme_len + 3..host_start]);
        out.push_str(&url[host_start..host_start + hostport.len()].to_ascii_lowercase());
        let path_at = out.len();
        out.push_str(&rest[auth_end..]);
        Some((host, path_at, Some(out)))
    }

    fn matches_hostname_pattern(&self, token: &str) -> bool {
        let Some(&first) = token.as_bytes().first() else { return false };
        self.hostname_first_bytes[first as usize] && self.hostname_patterns.iter().any(|p| p.is_match(token))
    }

    fn scan_tokens(&self, r: &Refanged<'_>, urls: &[(usize, usize)], found: &mut Vec<Hit>) {
        let text = r.text.as_bytes();
        let mut url_idx = 0;
        let mut i = 0;
        let n = text.len();
        while i < n {
            while i < n && is_delimiter(text[i]) {
                i += 1;
            }
            let start = i;
            while i < n && !is_delimiter(text[i]) {
                i += 1;
            }
            if i - start < 3 {
                continue;
            }
            while url_idx < urls.len() && urls[url_idx].1 <= start {
                url_idx += 1;
            }
            if url_idx < urls.len() && urls[url_idx].0 < i {
                continue; // part of a URL already reported
            }
            // Split at ASCII delimiters (every byte >= 0x80 is one), so both
            // ends are char boundaries.
            let token = &r.text[start..i];
            let (offset, token) = trim_token(token);
            if token.len() < 3 {
                continue;
            }
            let pos = start + offset;
            let defanged = r.touches(pos, pos + token.len());
            // `x'or'1'='1@corp.example`: an apostrophe split the local part of
            // an address; take it whole, literally.
            if offset == 0 && start > 0 && text[start - 1] == b'\'' && token.contains('@') {
                let mut s = start;
                while s > 0 && is_atext(text[s - 1]) {
                    s -= 1;
                }
                while s < start && text[s] == b'\'' {
                    s += 1;
                }
                if s < start
                    && let Some(value) = self.literal_email(&r.text[s..i])
                {
                    if let Some(value) = value {
                        found.push(Hit { start: s, end: i, kind: Kind::Email, value, defanged });
                    }
                    continue;
                }
            }
            self.classify(token, pos, defanged, found, 0);
        }
    }

    fn classify(&self, token: &str, pos: usize, defanged: bool, found: &mut Vec<Hit>, depth: u8) {
        let b = token.as_bytes();
        let mut has_dot = false;
        let mut has_colon = false;
        let mut has_at = false;
        let mut has_slash = false;
        let mut has_backslash = false;
        let mut has_eq = false;
        let mut all_hex = true;
        for &c in b {
            match c {
                b'.' => has_dot = true,
                b':' => has_colon = true,
                b'@' => has_at = true,
                b'/' => has_slash = true,
                b'\\' => has_backslash = true,
                b'=' => has_eq = true,
                _ => {}
            }
            all_hex &= c.is_ascii_hexdigit();
        }
        let end = pos + token.len();
        let mut emit = |kind: Kind, value: String| found.push(Hit { start: pos, end, kind, value, defanged });

        if all_hex {
            let kind = match b.len() {
                32 => Some(Kind::Md5),
                40 => Some(Kind::Sha1),
                64 => Some(Kind::Sha256),
                128 => Some(Kind::Sha512),
                _ => None,
            };
            if let Some(kind) = kind {
                return emit(kind, token.to_ascii_lowercase());
            }
        }
        if b.len() >= 13
            && b[..4].eq_ignore_ascii_case(b"cve-")
            && let Some(cve) = parse_cve(token)
        {
            return emit(Kind::Cve, cve);
        }
        if has_backslash && let Some((dom, user)) = token.split_once('\\') {
            let user = user.trim_start_matches('\\');
            if self.netbios_domains.iter().any(|d| d.eq_ignore_ascii_case(dom)) && is_account_name(user) {
                return emit(Kind::Account, format!("{}\\{}", dom.to_ascii_uppercase(), user.to_ascii_lowercase()));
            }
        }
        if has_at && let Some(email) = self.email(token) {
            if let Some(v) = email {
                emit(Kind::Email, v);
            }
            return; // an email, reported or excluded: not also a domain
        }
        if has_colon {
            if let Some(mac) = parse_mac(token) {
                return emit(Kind::Mac, mac);
            }
            if let Some(v6) = parse_ipv6(token) {
                return emit(Kind::Ipv6, v6);
            }
        }
        if has_slash && let Some((addr, prefix)) = token.split_once('/') {
            if let Some(cidr) = parse_cidr(addr, prefix) {
                return emit(Kind::Cidr, cidr);
            }
            // Scheme-less URL: `evil.com/path`.
            let host = addr.to_ascii_lowercase();
            if !prefix.is_empty() && self.is_domain(&host) && !looks_like_file_name(&host) {
                if self.excluded_domain(&host) {
                    return;
                }
                return emit(Kind::Url, format!("{host}/{prefix}"));
            }
        }
        if has_dot && !has_colon && !has_slash && !has_at && !has_backslash && !has_eq {
            if b[0].is_ascii_digit()
                && let Some(ip) = parse_ipv4(token)
            {
                return emit(Kind::Ipv4, ip);
            }
            let host = token.trim_end_matches('.').to_ascii_lowercase();
            if let Some(parent) = self.internal_domain(&host) {
                if host != parent && is_hostname_syntax(&host) {
                    emit(Kind::Hostname, host);
                }
                return;
            }
            if self.is_domain(&host) {
                if self.excluded_domain(&host) || self.is_reference(&host, "/") || (!defanged && looks_like_file_name(&host)) {
                    return;
                }
                return emit(Kind::Domain, host);
            }
        }
        if ((b.len() == 14 && b[4] == b'.' && b[9] == b'.') || (b.len() == 17 && b[2] == b'-'))
            && let Some(mac) = parse_mac(token)
        {
            return emit(Kind::Mac, mac);
        }
        if b.len() <= 63 && !has_dot && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-' || *c == b'_') {
            if self.matches_hostname_pattern(token) {
                return emit(Kind::Hostname, token.to_ascii_uppercase());
            }
            return;
        }
        // A compound token such as `ip=1.2.3.4`, `host:evil.com:443` or
        // `C:\path\evil.exe`: classify its pieces.
        if depth == 0 && (has_colon || has_eq || has_slash || has_backslash) {
            let mut offset = 0;
            for piece in token.split([':', '=', '/', '\\']) {
                let (o, p) = trim_token(piece);
                if p.len() >= 3 {
                    self.classify(p, pos + offset + o, defanged, found, depth + 1);
                }
                offset += piece.len() + 1;
            }
        }
    }

    /// `Some(Some(v))` an email to report, `Some(None)` an excluded one, `None` not an email.
    fn email(&self, token: &str) -> Option<Option<String>> {
        let (local, _) = token.rsplit_once('@')?;
        let local = local.trim_start_matches(|c: char| !c.is_ascii_alphanumeric());
        if !local.bytes().all(|c| c.is_ascii_alphanumeric() || b"._%+-'".contains(&c)) {
            return None;
        }
        self.address(local, token.rsplit_once('@')?.1)
    }

    /// An address whose local part is any RFC 5322 `atext` (`x'or'1'='1`),
    /// taken literally: it was written as one quoted value.
    fn literal_email(&self, token: &str) -> Option<Option<String>> {
        let (local, domain) = token.rsplit_once('@')?;
        let domain = domain.trim_end_matches(|c: char| !c.is_ascii_alphanumeric());
        if !local.bytes().all(|c| is_atext(c) || c == b'.') {
            return None;
        }
        self.address(local, domain)
    }

    fn address(&self, local: &str, domain: &str) -> Option<Option<String>> {
        let domain = domain.trim_end_matches('.').to_ascii_lowercase();
        if local.is_empty() || local.len() > 64 || local.starts_with('.') {
            return None;
        }
        let valid = self.is_domain(&domain) || (is_hostname_syntax(&domain) && self.internal_domain(&domain).is_some()) || domain.parse::<Ipv4Addr>().is_ok();
        if !valid {
            return None;
        }
        let value = format!("{}@{}", local.to_ascii_lowercase(), domain);
        if self.exclude_addresses.contains(&value) || self.excluded_domain(&domain) {
            return Some(None);
        }
        Some(Some(value))
    }
}

/// The bytes a match of any of `patterns` can start with. A pattern only
/// narrows the set when it is anchored with `^` and its literal prefixes are
/// a finite set; otherwise every byte is allowed.
fn first_bytes(patterns: &[String]) -> [bool; 256] {
    use regex_syntax::hir::Look;
    use regex_syntax::hir::literal::{ExtractKind, Extractor as Literals};
    let mut table = [false; 256];
    for pattern in patterns {
        let Ok(hir) = regex_syntax::Parser::new().parse(pattern) else { return [true; 256] };
        if !hir.properties().look_set_prefix().contains(Look::Start) {
            return [true; 256];
        }
        let seq = Literals::new().kind(ExtractKind::Prefix).extract(&hir);
        let Some(literals) = seq.literals() else { return [true; 256] };
        if literals.is_empty() {
            continue; // matches nothing
        }
        for lit in literals {
            match lit.as_bytes().first() {
                Some(&b) => table[b as usize] = true,
                None => return [true; 256],
            }
        }
    }
    table
}

/// Schemes after which a single-label host is still a URL.
const NETWORK_SCHEMES: &[&str] =
    &["http", "https", "ftp", "ftps", "sftp", "tcp", "udp", "ws", "wss", "smb", "ssh", "telnet", "rdp", "ldap", "ldaps", "imap", "imaps", "smtp", "irc"];

fn is_label(h: &str) -> bool {
    let b = h.as_bytes();
    !b.is_empty() && b.len() <= 63 && b[0].is_ascii_alphanumeric() && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-' || *c == b'_')
}

/// Builds a 256-entry membership table at compile time.
const fn byte_table(bytes: &[u8], below_space: bool, non_ascii: bool) -> [bool; 256] {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = (below_space && i <= b' ' as usize) || (non_ascii && i >= 0x80);
        i += 1;
    }
    let mut j = 0;
    while j < bytes.len() {
        t[bytes[j] as usize] = true;
        j += 1;
    }
    t
}

/// Bytes that never occur inside an indicator token: whitespace, control,
/// non-ASCII, quotes and brackets.
static DELIMITER: [bool; 256] = byte_table(b"\"'<>(){}[]|,;`^*!", true, true);
/// Punctuation trimmed from the start and end of a token.
static TRIM: [bool; 256] = byte_table(b".:=/\\#~-_?&%+@", false, false);

#[inline]
fn is_delimiter(c: u8) -> bool {
    DELIMITER[c as usize]
}

/// RFC 5322 `atext`: the characters of an unquoted local part.
fn is_atext(c: u8) -> bool {
    c.is_ascii_alphanumeric() || b"!#$%&'*+-/=?^_`{|}~".contains(&c)
}

#[inline]
fn url_byte(c: u8) -> bool {
    c > b' ' && c < 0x7f && !matches!(c, b'"' | b'<' | b'>' | b'`' | b'{' | b'}' | b'|' | b'\\' | b'^' | b'\'')
}

/// Trims trailing punctuation from a URL, keeping a `)` or `]` that closes one inside it.
fn trim_url_end(text: &[u8], host_start: usize, mut end: usize) -> usize {
    while end > host_start {
        let c = text[end - 1];
        let drop = match c {
            b'.' | b',' | b';' | b':' | b'!' | b'?' | b'\'' | b'"' => true,
            b')' => count(&text[host_start..end], b'(') < count(&text[host_start..end], b')'),
            b']' => count(&text[host_start..end], b'[') < count(&text[host_start..end], b']'),
            _ => false,
        };
        if !drop {
            break;
        }
        end -= 1;
    }
    end
}

fn count(s: &[u8], c: u8) -> usize {
    memchr::memchr_iter(c, s).count()
}

/// Strips surrounding punctuation; returns the offset of what is left.
/// Only ASCII bytes are stripped, so the slice stays on char boundaries.
fn trim_token(token: &str) -> (usize, &str) {
    let b = token.as_bytes();
    let mut start = 0;
    while start < b.len() && TRIM[b[start] as usize] {
        start += 1;
    }
    let mut end = b.len();
    while end > start && TRIM[b[end - 1] as usize] {
        end -= 1;
    }
    (start, &token[start..end])
}

fn parse_cve(token: &str) -> Option<String> {
    let rest = &token[4..];
    let (year, num) = rest.split_once('-')?;
    let num = num.trim_end_matches(|c: char| !c.is_ascii_digit());
    if year.len() == 4 && year.bytes().all(|c| c.is_ascii_digit()) && (4..=7).contains(&num.len()) && num.bytes().all(|c| c.is_ascii_digit()) {
        Some(format!("CVE-{year}-{num}"))
    } else {
        None
    }
}

fn is_account_name(user: &str) -> bool {
    !user.is_empty() && user.len() <= 64 && user.bytes().all(|c| c.is_ascii_alphanumeric() || b"._-$".contains(&c))
}

/// Dotted quad with up to three digits a part; leading zeros are dropped.
fn parse_ipv4(token: &str) -> Option<String> {
    let mut octets = [0u8; 4];
    let mut n = 0;
    for part in token.split('.') {
        if n == 4 || part.is_empty() || part.len() > 3 || !part.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        octets[n] = part.parse::<u16>().ok().filter(|v| *v <= 255)? as u8;
        n += 1;
    }
    (n == 4).then(|| Ipv4Addr::from(octets).to_string())
}

fn parse_ipv6(token: &str) -> Option<String> {
    let t = token.trim_start_matches('[');
    let t = t.split(']').next().unwrap_or(t);
    let t = t.split('%').next().unwrap_or(t);
    if t.bytes().filter(|&c| c == b':').count() < 2 {
        return None;
    }
    let addr: Ipv6Addr = t.parse().ok()?;
    Some(addr.to_string())
}

fn parse_cidr(addr: &str, prefix: &str) -> Option<String> {
    if prefix.is_empty() || prefix.len() > 3 || !prefix.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let bits: u8 = prefix.parse().ok()?;
    if let Some(v4) = parse_ipv4(addr) {
        return (bits <= 32).then(|| format!("{v4}/{bits}"));
    }
    let v6: Ipv6Addr = addr.parse().ok()?;
    (bits <= 128).then(|| format!("{v6}/{bits}"))
}

/// `00:1A:2B:3C:4D:5E`, `00-1a-2b-3c-4d-5e` or `001a.2b3c.4d5e`, as lower-case colon form.
fn parse_mac(token: &str) -> Option<String> {
    let b = token.as_bytes();
    let hex: Vec<u8> = if b.len() == 17 {
        let sep = b[2];
        if sep != b':' && sep != b'-' {
            return None;
        }
        for (i, &c) in b.iter().enumerate() {
            if i % 3 == 2 {
                if c != sep {
                    return None;
                }
            } else if !c.is_ascii_hexdigit() {
                return None;
            }
        }
        b.iter().enumerate().filter(|(i, _)| i % 3 != 2).map(|(_, c)| c.to_ascii_lowercase()).collect()
    } else if b.len() == 14 {
        for (i, &c) in b.iter().enumerate() {
            if i == 4 || i == 9 {
                if c != b'.' {
                    return None;
                }
            } else if !c.is_ascii_hexdigit() {
                return None;
            }
        }
        b.iter().filter(|&&c| c != b'.').map(|c| c.to_ascii_lowercase()).collect()
    } else {
        return None;
    };
    let mut out = String::with_capacity(17);
    for (i, pair) in hex.chunks(2).enumerate() {
        if i > 0 {
            out.push(':');
        }
        out.push(pair[0] as char);
        out.push(pair[1] as char);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::first_bytes;

    #[test]
    fn anchored_patterns_narrow_the_first_bytes() {
        let t = first_bytes(&["(?i)^(wks|lt|srv)-[a-z0-9-]+$".to_string()]);
        for b in [b'w', b'W', b'l', b'L', b's', b'S'] {
            assert!(t[b as usize], "{}", b as char);
        }
        assert!(!t[b'a' as usize] && !t[b'x' as usize] && !t[b'1' as usize]);
    }

    #[test]
    fn unanchored_or_open_patterns_allow_every_byte() {
        assert!(first_bytes(&["fin-[0-9]+".to_string()]).iter().all(|b| *b));
        assert!(first_bytes(&["^[a-z]+[0-9]{3}$".to_string()]).iter().filter(|b| **b).count() >= 26);
    }
}
