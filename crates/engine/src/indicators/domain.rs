//! Domain-name validity against the public suffix list (compiled into the
//! `psl` crate, so it works offline) and the special-use and internal
//! suffixes that list leaves out, and the file-name heuristic.

/// Top-level domains that are also common file extensions. A bare two-label
/// name ending in one of these (`setup.py`, `notes.md`, `invoice.zip`) is read
/// as a file name unless it was deliberately defanged (`evil[.]zip`) or appears
/// as a URL host.
const FILE_LIKE_TLDS: &[&str] = &[
    "zip", "mov", "py", "sh", "rs", "md", "pl", "so", "ps", "cs", "ai", "am", "ws", "mp", "sc", "gz", "bz", "cc", "sys", "dll", "ini", "log", "bin", "tar",
    "js", "ts", "go", "rb", "cat", "it", "pm", "psd", "bat", "cmd", "tel", "pro", "doc", "docx", "xls", "xlsx", "ppt",
];

pub fn is_known_tld(tld: &str) -> bool {
    if tld.is_empty() || tld.len() > 63 {
        return false;
    }
    let lower = tld.to_ascii_lowercase();
    match psl::suffix(lower.as_bytes()) {
        Some(s) => s.is_known() && s.as_bytes() == lower.as_bytes(),
        None => false,
    }
}

/// A syntactically valid DNS name of two or more labels (lower-case ASCII expected).
pub fn is_hostname_syntax(name: &str) -> bool {
    if name.len() > 253 || name.is_empty() {
        return false;
    }
    let mut labels = 0;
    for label in name.split('.') {
        labels += 1;
        let b = label.as_bytes();
        if b.is_empty() || b.len() > 63 || b[0] == b'-' || b[b.len() - 1] == b'-' {
            return false;
        }
        if !b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-' || *c == b'_') {
            return false;
        }
    }
    labels >= 2
}

/// A public domain name: valid syntax, a known public suffix, and at least one
/// label in front of that suffix. Expects lower case.
pub fn is_public_domain(name: &str) -> bool {
    if !is_hostname_syntax(name) {
        return false;
    }
    let tld = name.rsplit('.').next().unwrap_or("");
    if tld.bytes().all(|c| c.is_ascii_digit()) {
        return false;
    }
    match psl::suffix(name.as_bytes()) {
        Some(s) if s.is_known() => s.as_bytes().len() < name.len(),
        _ => false,
    }
}

/// Suffixes that are not on the public suffix list but name real hosts in
/// MSSP mail: RFC 6761 special-use names (used in exercises and red-team
/// tests), RFC 8375 `home.arpa`, ICANN's `internal`, and the internal suffixes
/// companies commonly use. A site adds its own with `[indicators] extra_suffixes`.
pub const SPECIAL_USE_SUFFIXES: &[&str] =
    &["test", "example", "invalid", "localhost", "local", "internal", "lan", "corp", "home.arpa", "intranet", "private", "localdomain"];

/// A name under one of `suffixes` (lower case), with at least one label in front.
pub fn is_under_suffix(name: &str, suffixes: &[String]) -> bool {
    is_hostname_syntax(name) && suffixes.iter().any(|s| name.len() > s.len() && is_under(name, s))
}

/// `readme.md`, `setup.py`: two labels ending in a file-extension TLD.
pub fn looks_like_file_name(name: &str) -> bool {
    let mut parts = name.rsplitn(2, '.');
    let ext = parts.next().unwrap_or("");
    let stem = parts.next().unwrap_or("");
    !stem.contains('.') && FILE_LIKE_TLDS.contains(&ext)
}

/// `name` equals `parent` or is a sub-domain of it (label-wise, so
/// `mssp.example.net.attacker.test` is not under `mssp.example.net`).
pub fn is_under(name: &str, parent: &str) -> bool {
    name.eq_ignore_ascii_case(parent)
        || (name.len() > parent.len()
            && name.as_bytes()[name.len() - parent.len() - 1] == b'.'
            && name[name.len() - parent.len()..].eq_ignore_ascii_case(parent))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_domains_need_a_known_suffix() {
        assert!(is_public_domain("evil.com"));
        assert!(is_public_domain("a.b.evil.co.uk"));
        assert!(!is_public_domain("co.uk"));
        assert!(!is_public_domain("corp.local"));
        assert!(!is_public_domain("1.2.3.4"));
        assert!(!is_public_domain("invoice.pdf"));
        assert!(!is_public_domain("v1.2"));
    }

    #[test]
    fn special_use_names_need_a_label_in_front() {
        let s: Vec<String> = SPECIAL_USE_SUFFIXES.iter().map(|s| s.to_string()).collect();
        for name in ["c2.redteam.test", "jump.internal", "printer.home.arpa", "nas.office.lan", "build01.dev.corp", "portal.contoso.invalid"] {
            assert!(is_under_suffix(name, &s), "{name}");
        }
        for name in ["test", "home.arpa", "internal", "x..test", "-a.test"] {
            assert!(!is_under_suffix(name, &s), "{name}");
        }
    }

    #[test]
    fn under_is_label_wise() {
        assert!(is_under("mssp.example.net", "mssp.example.net"));
        assert!(is_under("portal.mssp.example.net", "mssp.example.net"));
        assert!(!is_under("mssp.example.net.attacker.test", "mssp.example.net"));
        assert!(!is_under("xmssp.example.net", "mssp.example.net"));
    }

    #[test]
    fn file_names_are_recognised() {
        assert!(looks_like_file_name("setup.py"));
        assert!(looks_like_file_name("invoice.zip"));
        assert!(!looks_like_file_name("evil.com"));
        assert!(!looks_like_file_name("a.b.zip"));
    }
}
