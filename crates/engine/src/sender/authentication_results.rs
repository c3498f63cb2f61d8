//! Reading `Authentication-Results` (RFC 8601) written by the customer's own
//! mail gateway. Anyone can write such a header, so only the topmost one whose
//! authserv-id is explicitly trusted is read; the others are ignored.

/// What a trusted gateway said about the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatewayVerdict {
    pub authserv_id: String,
    /// `pass`, `fail`, `none`…; `None` when the header has no dmarc result.
    pub dmarc: Option<String>,
    /// The `header.from` property of the dmarc result, lower case.
    pub dmarc_header_from: Option<String>,
    pub dkim: Option<String>,
    pub spf: Option<String>,
}

/// The authserv-id of a header value: the first token before `;`, without the
/// optional version number.
pub fn authserv_id(value: &str) -> &str {
    let head = value.split(';').next().unwrap_or("").trim();
    head.split_whitespace().next().unwrap_or("")
}

/// Finds the topmost header from a trusted authserv-id and reads it.
/// Headers are given in message order (topmost first).
pub fn trusted_verdict(headers: &[String], trusted: &[String]) -> Option<GatewayVerdict> {
    let header = headers.iter().find(|h| {
        let id = authserv_id(h);
        trusted.iter().any(|t| t.eq_ignore_ascii_case(id))
    })?;
    Some(parse(header))
}

fn parse(value: &str) -> GatewayVerdict {
    let mut v = GatewayVerdict { authserv_id: authserv_id(value).to_ascii_lowercase(), dmarc: None, dmarc_header_from: None, dkim: None, spf: None };
    for resinfo in strip_comments(value).split(';').skip(1) {
        let mut words = resinfo.split_whitespace();
        let Some(first) = words.next() else { continue };
        let Some((method, result)) = first.split_once('=') else { continue };
        let method = method.to_ascii_lowercase();
        let result = result.to_ascii_lowercase();
        match method.as_str() {
            "dmarc" if v.dmarc.is_none() => {
                v.dmarc = Some(result);
                v.dmarc_header_from = words
                    .filter_map(|w| w.split_once('='))
                    .find(|(k, _)| k.eq_ignore_ascii_case("header.from"))
                    .map(|(_, val)| val.trim_matches('"').to_ascii_lowercase());
            }
            // The strongest DKIM result wins: one passing signature is enough.
            "dkim" if v.dkim.as_deref() != Some("pass") => v.dkim = Some(result),
            "spf" if v.spf.is_none() => v.spf = Some(result),
            _ => {}
        }
    }
    v
}

/// Removes RFC 5322 comments `( … )`, which may contain `;` or `=`.
fn strip_comments(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut depth = 0usize;
    for c in value.chars() {
        match c {
            '(' => depth += 1,
            ')' if depth > 0 => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_trusted_gateway() {
        let h = vec!["mx1.corp.example 1; spf=pass smtp.mailfrom=mssp.example.net; dkim=pass (good sig) header.d=mssp.example.net; dmarc=pass header.from=mssp.example.net".to_string()];
        let v = trusted_verdict(&h, &["mx1.corp.example".into()]).expect("trusted");
        assert_eq!(v.dmarc.as_deref(), Some("pass"));
        assert_eq!(v.dmarc_header_from.as_deref(), Some("mssp.example.net"));
        assert_eq!(v.dkim.as_deref(), Some("pass"));
        assert_eq!(v.spf.as_deref(), Some("pass"));
    }

    #[test]
    fn ignores_untrusted_ids() {
        let h = vec!["evil.test; dmarc=pass header.from=mssp.example.net".to_string()];
        assert!(trusted_verdict(&h, &["mx1.corp.example".into()]).is_none());
    }

    #[test]
    fn only_the_topmost_trusted_header_counts() {
        let h = vec![
            "mx1.corp.example; dmarc=fail header.from=mssp.example.net".to_string(),
            "mx1.corp.example; dmarc=pass header.from=mssp.example.net".to_string(),
        ];
        let v = trusted_verdict(&h, &["mx1.corp.example".into()]).expect("trusted");
        assert_eq!(v.dmarc.as_deref(), Some("fail"));
    }
}
