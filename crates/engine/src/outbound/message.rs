//! The reply as an email: threaded to the request (`In-Reply-To`,
//! `References`, `Re:` subject), text and HTML alternatives, and the report
//! as a JSON attachment. Every header value is stripped of control
//! characters first, and addresses must parse as single mailboxes, so no
//! value can add a header.

use crate::report::Rendered;
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};

#[derive(Debug, thiserror::Error)]
pub enum MessageError {
    #[error("{0:?} is not a single email address")]
    Address(String),
    #[error("cannot build the reply: {0}")]
    Build(String),
}

/// What a reply is made of.
pub struct Reply<'a> {
    pub from: &'a str,
    pub to: &'a [String],
    pub original_subject: Option<&'a str>,
    /// The request's Message-ID (`<…>`).
    pub in_reply_to: Option<&'a str>,
    /// The request's References.
    pub references: &'a [String],
    pub body: Body<'a>,
    /// Domain for our own Message-ID.
    pub id_domain: &'a str,
}

pub enum Body<'a> {
    Report { rendered: &'a Rendered, reference: &'a str },
    Text(&'a str),
}

/// Control characters (CR and LF above all) replaced by spaces.
pub fn header_safe(value: &str) -> String {
    value.chars().map(|c| if c.is_control() { ' ' } else { c }).collect::<String>().trim().to_string()
}

/// A Message-ID as it may appear in a header: `<local@domain>` without spaces or controls.
fn message_id(value: &str) -> Option<String> {
    let v = value.trim();
    let inner = v.strip_prefix('<').and_then(|x| x.strip_suffix('>')).unwrap_or(v);
    let ok = !inner.is_empty() && inner.contains('@') && inner.chars().all(|c| c.is_ascii_graphic() && !"<>\"\\".contains(c));
    ok.then(|| format!("<{inner}>"))
}

fn mailbox(s: &str) -> Result<Mailbox, MessageError> {
    if s.chars().any(|c| c.is_control()) || s.contains(',') {
        return Err(MessageError::Address(s.into()));
    }
    s.parse::<Mailbox>().map_err(|_| MessageError::Address(s.into()))
}

/// `Re: <subject>` without stacking `Re:`.
pub fn reply_subject(original: Option<&str>, fallback: &str) -> String {
    let s = header_safe(original.unwrap_or(""));
    if s.is_empty() {
        return fallback.to_string();
    }
    if s.to_ascii_lowercase().starts_with("re:") { s } else { format!("Re: {s}") }
}

/// The bytes to send, our Message-ID, the envelope sender and recipients.
pub fn build(r: &Reply<'_>) -> Result<(Vec<u8>, String, String, Vec<String>), MessageError> {
    let from = mailbox(r.from)?;
    let own_id = format!("<{}.{}@{}>", uuid_like(), chrono::Utc::now().timestamp(), header_safe(r.id_domain).replace(['<', '>', ' '], ""));
    let mut builder = lettre::Message::builder().from(from.clone()).message_id(Some(own_id.clone()));
    let mut recipients = Vec::new();
    for to in r.to {
        let m = mailbox(to)?;
        recipients.push(m.email.to_string());
        builder = builder.to(m);
    }
    let fallback = match &r.body {
        Body::Report { reference, .. } => format!("Drawbridge {reference}"),
        Body::Text(_) => "Drawbridge".into(),
    };
    // A report carries its own subject (both references, the TLP label
    // where the MSSP asks for it), approved with the rest of it.
    let subject = match &r.body {
        Body::Report { rendered, .. } if !rendered.subject.is_empty() => header_safe(&rendered.subject),
        _ => reply_subject(r.original_subject, &fallback),
    };
    builder = builder.subject(subject);
    if let Some(id) = r.in_reply_to.and_then(message_id) {
        let mut refs: Vec<String> = r.references.iter().filter_map(|x| message_id(x)).collect();
        if !refs.contains(&id) {
            refs.push(id.clone());
        }
        builder = builder.in_reply_to(id).references(refs.join(" "));
    }
    let message = match &r.body {
        Body::Report { rendered, reference } => {
            let json = ContentType::parse("application/json").map_err(|e| MessageError::Build(e.to_string()))?;
            let mut parts = MultiPart::mixed()
                .multipart(MultiPart::alternative_plain_html(rendered.text.clone(), rendered.html.clone()))
                .singlepart(Attachment::new(format!("{}.json", header_safe(reference))).body(rendered.json.clone(), json.clone()));
            if let Some(stix) = &rendered.stix {
                parts = parts.singlepart(Attachment::new(format!("{}.stix.json", header_safe(reference))).body(stix.clone(), json));
            }
            builder.multipart(parts)
        }
        Body::Text(t) => builder.singlepart(SinglePart::plain(t.to_string())),
    }
    .map_err(|e| MessageError::Build(e.to_string()))?;
    Ok((message.formatted(), own_id, from.email.to_string(), recipients))
}

/// Unique enough for a Message-ID: time, process and a counter, hashed.
fn uuid_like() -> String {
    use sha2::{Digest, Sha256};
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or_default();
    let digest = Sha256::digest(format!("{t}.{}.{n}", std::process::id()));
    hex::encode(&digest[..12])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_values_cannot_add_headers() {
        assert_eq!(header_safe("Hello\r\nBcc: attacker@evil.test"), "Hello  Bcc: attacker@evil.test");
        assert!(mailbox("x@y.test\r\nBcc: attacker@evil.test").is_err());
        assert!(mailbox("x@y.test, attacker@evil.test").is_err());
        assert_eq!(message_id("<a@b>\r\nBcc: x@y"), None);
        assert_eq!(message_id("<abc@mssp.example.net>").as_deref(), Some("<abc@mssp.example.net>"));
        assert_eq!(reply_subject(Some("Re: who owns X?"), "f"), "Re: who owns X?");
        assert_eq!(reply_subject(Some("who owns X?\r\nBcc: a@b"), "f"), "Re: who owns X?  Bcc: a@b");
    }
}
