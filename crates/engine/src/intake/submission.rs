//! Indicators submitted without an e-mail: "technology X submits a
//! potential IOC". From `drawbridge enrich VALUE…`, or a JSON file dropped
//! into the drop folder:
//!
//! ```json
//! { "values": ["203.0.113.7", "hxxps://evil[.]example/x"], "submitted_by": "EDR", "note": "beaconing" }
//! ```
//!
//! (or a bare array of values). The submission's bytes are kept as the
//! request's raw message; its values become the text indicators are
//! extracted from (defanged ones too), and its type is `enrichment`.

use drawbridge_model::ParsedMessage;
use serde::{Deserialize, Serialize};

/// The most values one submission may carry.
pub const MAX_VALUES: usize = 1000;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Submission {
    /// The potential indicators, one per entry.
    pub values: Vec<String>,
    /// Who or what submitted them (a tool's name, an analyst).
    #[serde(default)]
    pub submitted_by: Option<String>,
    /// Why, in a few words.
    #[serde(default)]
    pub note: Option<String>,
    /// The submitter's own reference (an alert id).
    #[serde(default)]
    pub reference: Option<String>,
    /// When (RFC 3339); set on submission when absent.
    #[serde(default)]
    pub submitted_at: Option<String>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SubmissionError {
    #[error("not a submission: {0} (expected {{\"values\": [\"…\"]}} or a JSON array of values)")]
    Json(String),
    #[error("the submission has no values")]
    Empty,
    #[error("the submission has {0} values, over the limit of {MAX_VALUES}")]
    TooMany(usize),
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Either {
    Full(Submission),
    Values(Vec<String>),
}

impl Submission {
    pub fn new(values: Vec<String>, submitted_by: Option<String>, note: Option<String>) -> Submission {
        Submission { values, submitted_by, note, reference: None, submitted_at: None }
    }

    /// A dropped file's submission.
    pub fn parse(bytes: &[u8]) -> Result<Submission, SubmissionError> {
        let s = match serde_json::from_slice::<Either>(bytes).map_err(|e| SubmissionError::Json(e.to_string()))? {
            Either::Full(s) => s,
            Either::Values(values) => Submission::new(values, None, None),
        };
        s.checked()
    }

    /// The submission with its values trimmed and bounded.
    pub fn checked(mut self) -> Result<Submission, SubmissionError> {
        self.values = self.values.iter().map(|v| v.trim().to_string()).filter(|v| !v.is_empty()).collect();
        if self.values.is_empty() {
            return Err(SubmissionError::Empty);
        }
        if self.values.len() > MAX_VALUES {
            return Err(SubmissionError::TooMany(self.values.len()));
        }
        Ok(self)
    }

    /// Who submitted it, for people.
    pub fn by(&self) -> &str {
        self.submitted_by.as_deref().map(str::trim).filter(|s| !s.is_empty()).unwrap_or("a local submission")
    }

    /// The submission as a message the rest of Drawbridge reads: its
    /// subject names the submitter, its text is the values (and the note).
    pub fn message(&self, received_at: &str) -> ParsedMessage {
        let clean = |s: &str| s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect::<String>();
        let mut subject = format!("Enrichment submitted by {}", clean(self.by()));
        if let Some(r) = self.reference.as_deref().filter(|r| !r.trim().is_empty()) {
            subject.push_str(&format!(" [{}]", clean(r.trim())));
        }
        let mut text = self.values.join("\n");
        if let Some(n) = self.note.as_deref().filter(|n| !n.trim().is_empty()) {
            text = format!("{}\n\n{text}", n.trim());
        }
        ParsedMessage {
            message_id: None,
            from: None,
            to: Vec::new(),
            cc: Vec::new(),
            reply_to: None,
            subject: Some(subject.chars().take(300).collect()),
            date: Some(self.submitted_at.clone().unwrap_or_else(|| received_at.to_string())),
            in_reply_to: None,
            references: Vec::new(),
            text,
            quoted: None,
            html_text: None,
            attachments: Vec::new(),
            nested: Vec::new(),
            headers: Vec::new(),
            reference_links: Vec::new(),
            warnings: vec![format!("submitted for enrichment by {} without an e-mail: there is no sender to check or reply to", clean(self.by()))],
            authentication_results: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_an_object_or_a_bare_array_and_junk_is_a_clear_error() {
        let s = Submission::parse(br#"{"values":[" 203.0.113.7 ", ""],"submitted_by":"EDR","note":"beaconing"}"#).expect("object");
        assert_eq!(s.values, ["203.0.113.7"]);
        assert_eq!(s.by(), "EDR");
        let bare = Submission::parse(br#"["evil[.]example"]"#).expect("array");
        assert_eq!(bare.values, ["evil[.]example"]);
        assert_eq!(bare.by(), "a local submission");
        assert_eq!(Submission::parse(br#"{"values":[]}"#), Err(SubmissionError::Empty));
        assert!(matches!(Submission::parse(b"not json"), Err(SubmissionError::Json(_))));
        assert!(matches!(Submission::parse(br#"{"values":["x"],"evil":1}"#), Err(SubmissionError::Json(_))), "unknown fields are refused");
        let many = serde_json::to_vec(&vec!["1.2.3.4"; MAX_VALUES + 1]).expect("json");
        assert_eq!(Submission::parse(&many), Err(SubmissionError::TooMany(MAX_VALUES + 1)));
    }

    #[test]
    fn the_message_carries_the_values_and_no_header_can_be_injected() {
        let mut s = Submission::new(vec!["a.example".into(), "b.example".into()], Some("EDR\r\nBcc: x@y".into()), Some("why".into()));
        s.reference = Some("ALERT-9".into());
        let m = s.message("2026-12-01T00:00:00Z");
        assert_eq!(m.subject.as_deref(), Some("Enrichment submitted by EDR  Bcc: x@y [ALERT-9]"));
        assert_eq!(m.text, "why\n\na.example\nb.example");
        assert!(m.from.is_none() && m.warnings[0].contains("no sender"));
    }
}
