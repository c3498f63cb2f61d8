//! HTTP Digest authentication (RFC 7616) with MD5 and `qop=auth`, as the
//! Arkime viewer asks for it.

use md5::{Digest, Md5};

/// A `WWW-Authenticate: Digest …` challenge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    pub realm: String,
    pub nonce: String,
    pub opaque: Option<String>,
    pub qop_auth: bool,
}

/// The challenge's parameters; `None` when it is not a Digest challenge.
pub fn parse(header: &str) -> Option<Challenge> {
    let rest = header.trim().strip_prefix("Digest").or_else(|| header.trim().strip_prefix("digest"))?;
    let mut params = std::collections::HashMap::new();
    let mut s = rest.trim();
    while !s.is_empty() {
        let (key, after) = s.split_once('=')?;
        let key = key.trim().trim_start_matches(',').trim().to_ascii_lowercase();
        let after = after.trim_start();
        let (value, next) = if let Some(q) = after.strip_prefix('"') {
            let end = q.find('"')?;
            (q[..end].to_string(), &q[end + 1..])
        } else {
            let end = after.find(',').unwrap_or(after.len());
            (after[..end].trim().to_string(), &after[end..])
        };
        params.insert(key, value);
        s = next.trim_start().trim_start_matches(',').trim_start();
    }
    Some(Challenge {
        realm: params.get("realm")?.clone(),
        nonce: params.get("nonce")?.clone(),
        opaque: params.get("opaque").cloned(),
        qop_auth: params.get("qop").is_some_and(|q| q.split(',').any(|x| x.trim() == "auth")),
    })
}

pub fn md5_hex(text: &str) -> String {
    hex(&Md5::digest(text.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The `response` value: MD5(HA1:nonce:nc:cnonce:auth:HA2), or
/// MD5(HA1:nonce:HA2) without `qop`.
pub fn response(c: &Challenge, username: &str, password: &str, method: &str, uri: &str, nc: &str, cnonce: &str) -> String {
    let ha1 = md5_hex(&format!("{username}:{}:{password}", c.realm));
    let ha2 = md5_hex(&format!("{method}:{uri}"));
    if c.qop_auth { md5_hex(&format!("{ha1}:{}:{nc}:{cnonce}:auth:{ha2}", c.nonce)) } else { md5_hex(&format!("{ha1}:{}:{ha2}", c.nonce)) }
}

/// The `Authorization` header answering the challenge.
pub fn authorization(c: &Challenge, username: &str, password: &str, method: &str, uri: &str, cnonce: &str) -> String {
    let nc = "00000001";
    let r = response(c, username, password, method, uri, nc, cnonce);
    let quote = |v: &str| v.replace('\\', "\\\\").replace('"', "\\\"");
    let mut h = format!("Digest username=\"{}\", realm=\"{}\", nonce=\"{}\", uri=\"{}\", algorithm=MD5, response=\"{r}\"", quote(username), quote(&c.realm), quote(&c.nonce), quote(uri));
    if c.qop_auth {
        h.push_str(&format!(", qop=auth, nc={nc}, cnonce=\"{cnonce}\""));
    }
    if let Some(o) = &c.opaque {
        h.push_str(&format!(", opaque=\"{}\"", quote(o)));
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rfc_2617_example_gives_its_response() {
        // RFC 2617 §3.5: Mufasa / "Circle Of Life".
        let c = parse(r#"Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41""#).expect("challenge");
        assert!(c.qop_auth);
        assert_eq!(c.opaque.as_deref(), Some("5ccc069c403ebaf9f0171e9517f40e41"));
        let r = response(&c, "Mufasa", "Circle Of Life", "GET", "/dir/index.html", "00000001", "0a4f113b");
        assert_eq!(r, "6629fae49393a05397450978507c4ef1");
        assert!(parse("Basic realm=\"x\"").is_none());
    }
}
