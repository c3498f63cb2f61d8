//! Where indicators come from in an email: subject, text and HTML parts,
//! `.txt`/`.csv` attachments, and forwarded messages including their headers.
//! The outer message's own headers are not scanned (they describe the MSSP).

use super::extract::{Collector, Extractor, Indicator};
use crate::intake::mime::ParsedMessage;

impl Extractor {
    pub fn extract_message(&self, message: &ParsedMessage) -> Vec<Indicator> {
        let mut c = Collector::default();
        self.walk(message, "", &mut c);
        c.finish()
    }

    fn walk(&self, m: &ParsedMessage, prefix: &str, c: &mut Collector) {
        let label = |what: &str| if prefix.is_empty() { what.to_string() } else { format!("{prefix}.{what}") };
        if !prefix.is_empty() {
            let headers: String = m.headers.iter().map(|h| format!("{}: {}\n", h.name, h.value)).collect();
            self.extract_into(&headers, &label("headers"), c);
        }
        if let Some(subject) = &m.subject {
            self.extract_into(subject, &label("subject"), c);
        }
        self.extract_into(&m.text, &label("body"), c);
        if let Some(html) = &m.html_text {
            self.extract_into(html, &label("html"), c);
        }
        for a in &m.attachments {
            if let Some(text) = &a.scan_text {
                let name = a.name.as_deref().unwrap_or("unnamed");
                self.extract_into(text, &label(&format!("attachment:{name}")), c);
            }
        }
        for (i, inner) in m.nested.iter().enumerate() {
            self.walk(inner, &label(&format!("forwarded[{i}]")), c);
        }
    }
}
