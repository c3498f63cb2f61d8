//! Reading `Authentication-Results` (RFC 8601) written by the customer's own
//! mail gateway. Anyone can write such a header, so only the topmost one whose
//! authserv-id is explicitly trusted is read; the others are ignored.
//!
//! The header is tokenised as RFC 8601 defines it: quoted strings (with
//! backslash escapes) are values, comments nest and may contain anything, and
//! `;` separates results only outside both. A header the parser cannot read,
//! or one with more than one `dmarc` result, gives no verdict at all: the
//! gateway's word is taken only when it is unambiguous.

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

/// Why a trusted gateway's header gives no verdict.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HeaderError {
    #[error("the Authentication-Results header of {0} cannot be read: {1}")]
    Unreadable(String, String),
    #[error("the Authentication-Results header of {0} has {1} dmarc results; one is required")]
    SeveralDmarc(String, usize),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    /// An atom or dot-atom: `mx1.corp.example`, `pass`, `header.from`, `@evil.test`.
    Word(String),
    /// A quoted string, unescaped.
    Quoted(String),
    Semicolon,
    Equals,
}

/// Splits a header value into tokens, dropping whitespace and (nested) comments.
fn tokens(value: &str) -> Result<Vec<Token>, String> {
    let mut out = Vec::new();
    let mut chars = value.chars().peekable();
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut Vec<Token>| {
        if !word.is_empty() {
            out.push(Token::Word(std::mem::take(word)));
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '(' => {
                flush(&mut word, &mut out);
                let mut depth = 1usize;
                while depth > 0 {
                    match chars.next() {
                        Some('\\') => {
                            chars.next().ok_or("a comment ends in a backslash")?;
                        }
                        Some('(') => depth += 1,
                        Some(')') => depth -= 1,
                        Some(_) => {}
                        None => return Err("a comment is not closed".into()),
                    }
                }
            }
            ')' => return Err("a comment closes that was not opened".into()),
            '"' => {
                flush(&mut word, &mut out);
                let mut s = String::new();
                loop {
                    match chars.next() {
                        Some('\\') => s.push(chars.next().ok_or("a quoted string ends in a backslash")?),
                        Some('"') => break,
                        Some(ch) => s.push(ch),
                        None => return Err("a quoted string is not closed".into()),
                    }
                }
                out.push(Token::Quoted(s));
                // A quoted local part followed by `@domain` is one value.
                if chars.peek() == Some(&'@') {
                    let mut domain = String::new();
                    while let Some(&ch) = chars.peek() {
                        if ch.is_whitespace() || matches!(ch, ';' | '=' | '(' | ')' | '"') {
                            break;
                        }
                        domain.push(ch);
                        chars.next();
                    }
                    if let Some(Token::Quoted(local)) = out.pop() {
                        out.push(Token::Word(format!("{local}{domain}")));
                    }
                }
            }
            ';' => {
                flush(&mut word, &mut out);
                out.push(Token::Semicolon);
            }
            '=' => {
                flush(&mut word, &mut out);
                out.push(Token::Equals);
            }
            c if c.is_whitespace() => flush(&mut word, &mut out),
            c if c.is_control() => return Err("the header contains a control character".into()),
            c => word.push(c),
        }
    }
    flush(&mut word, &mut out);
    Ok(out)
}

/// One `method=result` with its properties (`header.from=…`, `reason=…`).
#[derive(Debug)]
struct ResInfo {
    method: String,
    result: String,
    props: Vec<(String, String)>,
}

/// The authserv-id and the results of a header, as RFC 8601 reads it.
fn parse(value: &str) -> Result<(String, Vec<ResInfo>), String> {
    let toks = tokens(value)?;
    let mut groups = toks.split(|t| *t == Token::Semicolon);
    let head = groups.next().unwrap_or(&[]);
    let authserv_id = match head.first() {
        Some(Token::Word(w)) => w.to_ascii_lowercase(),
        _ => return Err("it does not start with an authserv-id".into()),
    };
    match head.get(1..) {
        None | Some([]) | Some([Token::Word(_)]) => {}
        Some(_) => return Err("the authserv-id is followed by something other than a version".into()),
    }
    let mut results = Vec::new();
    for group in groups {
        // `none` alone: no authentication was done.
        if let [Token::Word(w)] = group
            && w.eq_ignore_ascii_case("none")
        {
            continue;
        }
        let mut pairs = Vec::new();
        let mut i = 0;
        while i < group.len() {
            match (&group[i], group.get(i + 1), group.get(i + 2)) {
                (Token::Word(k), Some(Token::Equals), Some(Token::Word(v) | Token::Quoted(v))) => {
                    pairs.push((k.to_ascii_lowercase(), v.clone()));
                    i += 3;
                }
                _ => return Err(format!("a result is not a list of name=value pairs near {:?}", &group[i])),
            }
        }
        let Some(((method, result), props)) = pairs.split_first() else { return Err("an empty result".into()) };
        results.push(ResInfo { method: method.clone(), result: result.to_ascii_lowercase(), props: props.to_vec() });
    }
    Ok((authserv_id, results))
}

/// The authserv-id of a header value: its first atom, read even when the
/// rest of the header cannot be, so that an unreadable header from the
/// trusted gateway is recognised as its own (and gives no verdict) rather
/// than skipped in favour of a lower one anybody could have written.
pub fn authserv_id(value: &str) -> String {
    value.trim_start().chars().take_while(|c| !c.is_whitespace() && !matches!(c, ';' | '(' | '"' | '=')).collect::<String>().to_ascii_lowercase()
}

/// Finds the topmost header from a trusted authserv-id and reads it.
/// Headers are given in message order (topmost first). `None`: no trusted
/// gateway wrote one.
pub fn trusted_verdict(headers: &[String], trusted: &[String]) -> Option<Result<GatewayVerdict, HeaderError>> {
    let header = headers.iter().find(|h| {
        let id = authserv_id(h);
        trusted.iter().any(|t| t.eq_ignore_ascii_case(&id))
    })?;
    Some(verdict(header))
}

fn verdict(value: &str) -> Result<GatewayVerdict, HeaderError> {
    let (authserv_id, results) = parse(value).map_err(|why| HeaderError::Unreadable(authserv_id(value), why))?;
    let dmarcs: Vec<&ResInfo> = results.iter().filter(|r| r.method == "dmarc").collect();
    if dmarcs.len() > 1 {
        return Err(HeaderError::SeveralDmarc(authserv_id, dmarcs.len()));
    }
    let mut v = GatewayVerdict { authserv_id, dmarc: None, dmarc_header_from: None, dkim: None, spf: None };
    if let Some(d) = dmarcs.first() {
        v.dmarc = Some(d.result.clone());
        v.dmarc_header_from = d.props.iter().find(|(k, _)| k == "header.from").map(|(_, val)| val.to_ascii_lowercase());
    }
    for r in &results {
        match r.method.as_str() {
            // The strongest DKIM result wins: one passing signature is enough.
            "dkim" if v.dkim.as_deref() != Some("pass") => v.dkim = Some(r.result.clone()),
            "spf" if v.spf.is_none() => v.spf = Some(r.result.clone()),
            _ => {}
        }
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(h: &str) -> Result<GatewayVerdict, HeaderError> {
        trusted_verdict(&[h.to_string()], &["mx1.corp.example".into()]).expect("trusted")
    }

    #[test]
    fn reads_a_trusted_gateway() {
        let v = read("mx1.corp.example 1; spf=pass smtp.mailfrom=mssp.example.net; dkim=pass (good sig) header.d=mssp.example.net; dmarc=pass header.from=mssp.example.net").expect("readable");
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
        let v = trusted_verdict(&h, &["mx1.corp.example".into()]).expect("trusted").expect("readable");
        assert_eq!(v.dmarc.as_deref(), Some("fail"));
    }

    #[test]
    fn a_quoted_envelope_sender_cannot_smuggle_a_dmarc_pass() {
        // The gateway echoes the attacker's envelope sender; the `;` is inside quotes.
        let v = read(
            r#"mx1.corp.example; spf=pass smtp.mailfrom="a;dmarc=pass header.from=mssp.example.net b"@evil.test; dmarc=fail header.from=mssp.example.net"#,
        )
        .expect("readable");
        assert_eq!(v.dmarc.as_deref(), Some("fail"));
        let v = read(r#"mx1.corp.example; spf=pass smtp.mailfrom="a;dmarc=pass header.from=mssp.example.net b"@evil.test"#).expect("readable");
        assert_eq!(v.dmarc, None, "no dmarc result at all");
    }

    #[test]
    fn comments_nest_and_escape() {
        let v = read(r"mx1.corp.example; dmarc=fail (nested (comment; dmarc=pass) \) still) header.from=mssp.example.net").expect("readable");
        assert_eq!(v.dmarc.as_deref(), Some("fail"));
        assert_eq!(v.dmarc_header_from.as_deref(), Some("mssp.example.net"));
    }

    #[test]
    fn two_dmarc_results_or_an_unreadable_header_give_no_verdict() {
        assert!(matches!(
            read("mx1.corp.example; dmarc=pass header.from=mssp.example.net; dmarc=fail header.from=mssp.example.net"),
            Err(HeaderError::SeveralDmarc(_, 2))
        ));
        assert!(matches!(read("mx1.corp.example; dmarc=pass (unclosed header.from=mssp.example.net"), Err(HeaderError::Unreadable(..))));
        assert!(matches!(read("mx1.corp.example; dmarc=pass header.from=\"mssp.example.net"), Err(HeaderError::Unreadable(..))));
        assert!(matches!(read("mx1.corp.example; dmarc pass"), Err(HeaderError::Unreadable(..))));
    }

    #[test]
    fn an_unreadable_trusted_header_is_not_skipped_for_a_lower_one() {
        let h = vec!["mx1.corp.example; dmarc=fail (unclosed".to_string(), "mx1.corp.example; dmarc=pass header.from=mssp.example.net".to_string()];
        assert!(matches!(trusted_verdict(&h, &["mx1.corp.example".into()]), Some(Err(HeaderError::Unreadable(..)))));
    }

    #[test]
    fn none_and_versions_are_read() {
        let v = read("mx1.corp.example 1; none").expect("readable");
        assert_eq!(v.dmarc, None);
    }
}
