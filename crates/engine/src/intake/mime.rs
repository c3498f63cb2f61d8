//! MIME parsing: raw bytes to a [`ParsedMessage`] that the rest of the engine
//! (and `drawbridge parse`) can read. It parses; it does not judge the sender.

pub use drawbridge_model::message::{Attachment, HeaderLine, Mailbox, ParsedMessage};
use mail_parser::{Address, HeaderName, Message, MessageParser, MessagePart, MimeHeaders, PartType};
use sha2::{Digest, Sha256};

/// Forwards nested deeper than this are listed but not opened.
pub const MAX_NESTING: usize = 8;
/// Text taken from one attachment for indicator scanning.
const MAX_SCAN_TEXT: usize = 5 * 1024 * 1024;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ParseError {
    #[error("not an email: {0}")]
    NotAnEmail(&'static str),
}

/// Headers of forwarded messages worth scanning for indicators.
const ORIGIN_HEADERS: &[&str] = &["From", "Sender", "Reply-To", "Return-Path", "To", "Subject", "Received", "X-Originating-IP", "X-Sender-IP", "Message-ID"];

pub fn parse(raw: &[u8]) -> Result<ParsedMessage, ParseError> {
    check_looks_like_email(raw)?;
    let message = MessageParser::default().parse(raw).ok_or(ParseError::NotAnEmail("no header section"))?;
    let has_identity = message
        .headers()
        .iter()
        .any(|h| matches!(h.name, HeaderName::From | HeaderName::Date | HeaderName::MessageId | HeaderName::Subject | HeaderName::Received | HeaderName::To));
    if !has_identity {
        return Err(ParseError::NotAnEmail("none of From, To, Date, Subject, Message-ID or Received is present"));
    }
    Ok(convert(&message, 0, false))
}

/// The HTML body of a message as it arrived (its `text/html` parts,
/// joined), unsanitized: for a sandboxed view only, after
/// `review::original::html` has cleaned it. None when it has no HTML part.
pub fn html_body(raw: &[u8]) -> Option<String> {
    check_looks_like_email(raw).ok()?;
    let message = MessageParser::default().parse(raw)?;
    let parts: Vec<String> = message.html_bodies().filter(|p| p.is_text_html()).filter_map(part_text).collect();
    (!parts.is_empty()).then(|| parts.join("\n<hr>\n"))
}

/// Cheap structural check before handing bytes to the parser: the first line
/// must be a header field (or an mbox `From ` line) and the header section must
/// be text.
fn check_looks_like_email(raw: &[u8]) -> Result<(), ParseError> {
    if raw.is_empty() {
        return Err(ParseError::NotAnEmail("the file is empty"));
    }
    let mut data = raw;
    if data.starts_with(b"\xEF\xBB\xBF") {
        data = &data[3..];
    }
    while let Some(rest) = data.strip_prefix(b"\r\n").or_else(|| data.strip_prefix(b"\n")) {
        data = rest;
    }
    if data.starts_with(b"From ") {
        data = data.iter().position(|&c| c == b'\n').map_or(&[][..], |i| &data[i + 1..]);
    }
    let first_line_end = data.iter().position(|&c| c == b'\n').unwrap_or(data.len());
    let line = &data[..first_line_end];
    let colon = line.iter().position(|&c| c == b':').ok_or(ParseError::NotAnEmail("the first line is not a header field"))?;
    let name = &line[..colon];
    if name.is_empty() || !name.iter().all(|&c| (33..=126).contains(&c) && c != b':') {
        return Err(ParseError::NotAnEmail("the first line is not a header field"));
    }
    let header_end = memchr::memmem::find(data, b"\n\n").or_else(|| memchr::memmem::find(data, b"\r\n\r\n")).unwrap_or(data.len().min(64 * 1024));
    let head = &data[..header_end.min(data.len())];
    if head.contains(&0) {
        return Err(ParseError::NotAnEmail("the header section contains NUL bytes"));
    }
    Ok(())
}

fn mailbox_list(addr: Option<&Address<'_>>) -> Vec<Mailbox> {
    addr.map(|a| {
        a.iter()
            .filter_map(|m| m.address().map(|address| Mailbox { name: m.name().map(str::to_string).filter(|n| !n.is_empty()), address: address.to_string() }))
            .collect()
    })
    .unwrap_or_default()
}

fn convert(message: &Message<'_>, depth: usize, nested: bool) -> ParsedMessage {
    let mut warnings = Vec::new();
    let text_parts: Vec<String> = message.text_bodies().filter(|p| !p.is_text_html()).filter_map(part_text).collect();
    let html_parts: Vec<String> = message.html_bodies().filter(|p| p.is_text_html()).filter_map(part_text).collect();
    let html_as_text = |parts: &[String]| parts.iter().map(|h| html_to_text(h)).collect::<Vec<_>>().join("\n");
    let (text, html_text) = if !text_parts.is_empty() {
        (text_parts.join("\n"), (!html_parts.is_empty()).then(|| html_as_text(&html_parts)))
    } else {
        (html_as_text(&html_parts), None)
    };
    let quoted = split_quoted(&text).map(str::to_string);

    let mut attachments = Vec::new();
    let mut nested_messages = Vec::new();
    for part in message.attachments() {
        match &part.body {
            PartType::Message(inner) => {
                if depth + 1 >= MAX_NESTING {
                    warnings.push(format!("forwarded messages nested deeper than {MAX_NESTING} levels were not opened"));
                    attachments.push(attachment(part));
                } else {
                    nested_messages.push(convert(inner, depth + 1, true));
                }
            }
            _ => attachments.push(attachment(part)),
        }
    }

    let headers = if nested {
        message
            .headers_raw()
            .filter(|(name, _)| ORIGIN_HEADERS.iter().any(|h| h.eq_ignore_ascii_case(name)))
            .map(|(name, value)| HeaderLine { name: name.to_string(), value: unfold(value) })
            .collect()
    } else {
        Vec::new()
    };
    let authentication_results =
        message.headers_raw().filter(|(name, _)| name.eq_ignore_ascii_case("Authentication-Results")).map(|(_, v)| unfold(v)).collect();

    ParsedMessage {
        message_id: message.message_id().map(str::to_string),
        from: mailbox_list(message.from()).into_iter().next(),
        to: mailbox_list(message.to()),
        cc: mailbox_list(message.cc()),
        reply_to: mailbox_list(message.reply_to()).into_iter().next(),
        subject: message.subject().map(str::to_string),
        date: message.date().map(|d| d.to_rfc3339()),
        in_reply_to: message.in_reply_to().as_text().map(str::to_string),
        references: message
            .references()
            .as_text_list()
            .map(|l| l.iter().map(|s| s.to_string()).collect())
            .or_else(|| message.references().as_text().map(|s| vec![s.to_string()]))
            .unwrap_or_default(),
        text,
        quoted,
        html_text,
        attachments,
        nested: nested_messages,
        headers,
        reference_links: Vec::new(),
        warnings,
        authentication_results,
    }
}

fn part_text(part: &MessagePart<'_>) -> Option<String> {
    match &part.body {
        PartType::Text(t) | PartType::Html(t) => Some(t.to_string()),
        _ => None,
    }
}

fn attachment(part: &MessagePart<'_>) -> Attachment {
    let contents = part.contents();
    let content_type = part
        .content_type()
        .map(|ct| match &ct.c_subtype {
            Some(sub) => format!("{}/{}", ct.c_type, sub),
            None => ct.c_type.to_string(),
        })
        .unwrap_or_else(|| "application/octet-stream".into())
        .to_ascii_lowercase();
    let name = part.attachment_name().map(str::to_string);
    let lower = name.as_deref().unwrap_or("").to_ascii_lowercase();
    let scannable = lower.ends_with(".txt") || lower.ends_with(".csv") || content_type == "text/csv" || content_type == "text/plain";
    let scan_text = scannable.then(|| {
        let limit = contents.len().min(MAX_SCAN_TEXT);
        String::from_utf8_lossy(&contents[..limit]).into_owned()
    });
    Attachment { name, content_type, size: contents.len(), sha256: hex::encode(Sha256::digest(contents)), scanned: scan_text.is_some(), scan_text }
}

fn unfold(value: &str) -> String {
    value.split(['\r', '\n']).map(str::trim).filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" ")
}

/// HTML to readable text, links kept as footnotes so their targets are visible.
pub fn html_to_text(html: &str) -> String {
    html2text::config::plain().no_link_wrapping().string_from_read(html.as_bytes(), 10_000).unwrap_or_else(|_| strip_tags(html))
}

/// Last-resort fallback when the HTML renderer fails: drop the tags.
fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// The quoted history of a reply: from the first attribution line or the first
/// run of `>` lines to the end.
pub fn split_quoted(text: &str) -> Option<&str> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim();
        let is_attribution = (t.starts_with("On ") && t.ends_with("wrote:"))
            || (t.starts_with("Am ") && t.ends_with("schrieb:"))
            || (t.starts_with("Le ") && t.ends_with("a écrit :"))
            || (t.starts_with("El ") && t.ends_with("escribió:"))
            || t.starts_with("-----Original Message-----")
            || t.starts_with("-----Ursprüngliche Nachricht-----")
            || t.starts_with("-------- Forwarded Message --------")
            || (t.starts_with('>') && offset > 0);
        if is_attribution {
            return Some(&text[offset..]);
        }
        offset += line.len();
    }
    None
}
