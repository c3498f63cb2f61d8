//! Text around values that makes them context rather than indicators: header
//! lines that only identify messages (`Message-ID:`, `References:`, DKIM and
//! Exchange bookkeeping), the receiving gateway named as the `authserv-id` of
//! an `Authentication-Results:` line, and version numbers shaped like IPv4
//! addresses (`version 7.11.0.18`).

/// Header names whose lines carry identifiers, never indicators. A name
/// ending in `-` is a prefix (`X-MS-Exchange-…`).
const ID_HEADERS: &[&str] = &[
    "message-id",
    "in-reply-to",
    "references",
    "thread-index",
    "resent-message-id",
    "content-id",
    "dkim-signature",
    "arc-seal",
    "arc-message-signature",
    "x-ms-exchange-",
    "x-microsoft-",
    "x-forefront-",
    "x-google-",
    "x-gm-",
];

/// What one text says is context.
#[derive(Debug, Default)]
pub struct ContextScan {
    /// Byte ranges of identifier header lines (with their continuation lines).
    skip: Vec<(usize, usize)>,
    /// `authserv-id`s of `Authentication-Results:` lines and the hosts that
    /// received a message (`Received: … by <host>`), lower case.
    authserv_ids: Vec<String>,
    receivers: Vec<String>,
}

impl ContextScan {
    /// Looks only at line starts (after `>` quoting and indentation): a
    /// header name of letters, digits and `-`, then `:`.
    pub fn of(text: &str) -> ContextScan {
        let mut scan = ContextScan::default();
        let b = text.as_bytes();
        let line_end = |from: usize| memchr::memchr(b'\n', &b[from..]).map_or(b.len(), |e| from + e);
        // The end of a header line with its folded continuation lines.
        let folded_end = |end: usize| {
            let mut last = end;
            while last + 1 < b.len() && matches!(b[last + 1], b' ' | b'\t') {
                last = line_end(last + 1);
            }
            last
        };
        let mut start = 0;
        while start < b.len() {
            let end = line_end(start);
            let mut k = start;
            while k < end && matches!(b[k], b' ' | b'\t' | b'>') {
                k += 1;
            }
            let mut colon = k;
            while colon < end && colon - k <= 40 && (b[colon].is_ascii_alphanumeric() || b[colon] == b'-') {
                colon += 1;
            }
            if colon > k && b.get(colon) == Some(&b':') {
                let name = &text[k..colon];
                if name.eq_ignore_ascii_case("received") {
                    // Received: from <sender> (…) by <receiver> …, possibly folded.
                    let value = &text[colon + 1..folded_end(end)];
                    let mut words = value.split_whitespace();
                    while let Some(w) = words.next() {
                        if w.eq_ignore_ascii_case("by")
                            && let Some(host) = words.next()
                        {
                            scan.receivers.push(host.trim_end_matches([';', '.', ',']).to_ascii_lowercase());
                        }
                    }
                } else if name.eq_ignore_ascii_case("authentication-results") {
                    // Authentication-Results: <authserv-id>; …
                    let id = text[colon + 1..end].trim_start().split([';', ' ', '\t', '\r']).next().unwrap_or("").trim_end_matches('.');
                    if !id.is_empty() {
                        scan.authserv_ids.push(id.to_ascii_lowercase());
                    }
                } else if ID_HEADERS
                    .iter()
                    .any(|h| if h.ends_with('-') { name.len() > h.len() && name[..h.len()].eq_ignore_ascii_case(h) } else { name.eq_ignore_ascii_case(h) })
                {
                    let last = folded_end(end);
                    scan.skip.push((k, last));
                    start = last + 1;
                    continue;
                }
            }
            start = end + 1;
        }
        scan
    }

    /// Whether the value at `pos` sits on an identifier header line.
    pub fn skips(&self, pos: usize) -> bool {
        self.skip.iter().any(|&(s, e)| s <= pos && pos < e)
    }

    /// Whether `host` is a receiving gateway named by an `authserv-id`.
    pub fn is_context_host(&self, host: &str) -> bool {
        self.authserv_ids.iter().any(|id| id.eq_ignore_ascii_case(host))
    }

    /// Whether `host` received a message (`Received: … by <host>`): of the
    /// customer's own hosts, those are its mail servers, never the question.
    pub fn is_receiver(&self, host: &str) -> bool {
        self.receivers.iter().any(|r| r.eq_ignore_ascii_case(host))
    }
}

/// Words that make a following dotted quad a version number.
const VERSION_WORDS: &[&str] =
    &["version", "versions", "ver", "v", "build", "release", "firmware", "fw", "runs", "running", "patch", "upgraded", "updated", "upgrade", "update", "agent"];
/// Words that may stand between the version word and the number.
const LINKING_WORDS: &[&str] = &["is", "was", "to", "of", "now"];

/// Whether the word before `pos` (or the one before a linking word such as
/// "is" or "to") says the number there is a version: `version 7.11.0.18`,
/// `build: 10.0.1.2`, `upgraded to 7.14.0.4`.
pub fn preceded_by_version_word(text: &[u8], pos: usize) -> bool {
    let mut end = pos;
    for _ in 0..2 {
        while end > 0 && matches!(text[end - 1], b' ' | b'\t' | b':' | b'=' | b'(' | b'#') {
            end -= 1;
        }
        let mut start = end;
        while start > 0 && text[start - 1].is_ascii_alphabetic() {
            start -= 1;
        }
        if start == end || end - start > 10 {
            return false;
        }
        let word = std::str::from_utf8(&text[start..end]).unwrap_or("").to_ascii_lowercase();
        if VERSION_WORDS.contains(&word.as_str()) {
            return true;
        }
        if !LINKING_WORDS.contains(&word.as_str()) {
            return false;
        }
        end = start;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifier_headers_are_skipped_with_their_continuations() {
        let text = "Subject: hi\nMessage-ID: <abc@mail.evil.test>\nReferences: <a@b.test>\n  <c@d.test>\nFrom: x@evil.test\n";
        let scan = ContextScan::of(text);
        assert!(scan.skips(text.find("abc@").unwrap_or(0)));
        assert!(scan.skips(text.find("c@d.test").unwrap_or(0)));
        assert!(!scan.skips(text.find("x@evil").unwrap_or(0)));
        assert!(!ContextScan::of("see the message-id: field").skips(16), "only at a line start");
        assert!(ContextScan::of("> X-MS-Exchange-Organization-Id: 1.2.3.4\n").skips(35));
    }

    #[test]
    fn authserv_ids_are_context() {
        let scan = ContextScan::of("Authentication-Results: mx1.corp.example; spf=fail smtp.mailfrom=evil.test\n");
        assert!(scan.is_context_host("MX1.corp.example"));
        assert!(!scan.is_context_host("evil.test"));
    }

    #[test]
    fn receiving_hosts_are_read_from_folded_received_lines() {
        let scan = ContextScan::of("Received: from mail.evil.test (unknown [198.51.100.23])\n        by MX2.corp.example (Postfix) with ESMTPS id 4Xyz\n");
        assert!(scan.is_receiver("mx2.corp.example"));
        assert!(!scan.is_receiver("mail.evil.test"));
    }

    #[test]
    fn version_words() {
        let t = b"reports version 7.11.0.18 and build: 10.0.1.2, upgraded to 7.14.0.4 but 203.0.113.7 is an address";
        let at = |s: &str| t.windows(s.len()).position(|w| w == s.as_bytes()).unwrap_or(0);
        assert!(preceded_by_version_word(t, at("7.11")));
        assert!(preceded_by_version_word(t, at("10.0.1.2")));
        assert!(preceded_by_version_word(t, at("7.14")));
        assert!(!preceded_by_version_word(t, at("203.0")));
    }
}
