//! A parsed email as the rest of Drawbridge reads it. The parser lives in the
//! engine's `intake::mime`; this is only the data.

use serde::Serialize;

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Mailbox {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub address: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Attachment {
    pub name: Option<String>,
    pub content_type: String,
    pub size: usize,
    pub sha256: String,
    /// Whether its text was scanned for indicators (`.txt`, `.csv`).
    pub scanned: bool,
    #[serde(skip)]
    pub scan_text: Option<String>,
}

/// One header of a forwarded message, kept because the phishing sender and
/// sending IP in it are indicators.
#[derive(Debug, Clone, Serialize)]
pub struct HeaderLine {
    pub name: String,
    pub value: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ParsedMessage {
    pub message_id: Option<String>,
    pub from: Option<Mailbox>,
    pub to: Vec<Mailbox>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cc: Vec<Mailbox>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reply_to: Option<Mailbox>,
    pub subject: Option<String>,
    /// RFC 3339, from the Date header.
    pub date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub in_reply_to: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<String>,
    /// The readable body: the text/plain parts, or the HTML parts turned into text.
    pub text: String,
    /// Quoted history in `text` ("> …", "On … wrote:", "-----Original Message-----"), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quoted: Option<String>,
    /// HTML parts as text, when there are text parts too (links may differ from the text).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub html_text: Option<String>,
    pub attachments: Vec<Attachment>,
    /// Forwarded messages (`message/rfc822`), recursively.
    pub nested: Vec<ParsedMessage>,
    /// Headers of a forwarded message that may carry indicators (empty for the outer message).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub headers: Vec<HeaderLine>,
    /// Links to reference sites the message cites (advisories, ATT&CK,
    /// sandboxes): recorded by extraction, not indicators themselves.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reference_links: Vec<String>,
    /// Things a person should know about how this message was read.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// Raw `Authentication-Results` header values (for the sender checks).
    #[serde(skip)]
    pub authentication_results: Vec<String>,
}
