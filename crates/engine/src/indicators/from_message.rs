//! Where indicators come from in an email: subject, text and HTML parts,
//! `.txt`/`.csv` attachments, and forwarded messages including their headers.
//! The outer message's own headers are not scanned (they describe the MSSP),
//! nor is quoted history of Drawbridge's own replies. The requester's own
//! address and organisation (a signature, a portal link) are context.

use super::extract::{Collector, Extraction, Extractor, Indicator};
use crate::intake::mime::ParsedMessage;
use drawbridge_model::Kind;

/// Mail providers whose domain says nothing about who the sender works for.
const FREEMAIL: &[&str] = &[
    "gmail.com",
    "googlemail.com",
    "outlook.com",
    "hotmail.com",
    "live.com",
    "yahoo.com",
    "icloud.com",
    "me.com",
    "aol.com",
    "protonmail.com",
    "proton.me",
    "gmx.com",
    "gmx.de",
    "gmx.net",
    "web.de",
    "mail.ru",
    "yandex.ru",
    "yandex.com",
    "zoho.com",
    "tutanota.com",
];

impl Extractor {
    pub fn extract_message(&self, message: &ParsedMessage) -> Vec<Indicator> {
        self.extract_message_all(message).indicators
    }

    /// The indicators of an email and the reference links it cites.
    pub fn extract_message_all(&self, message: &ParsedMessage) -> Extraction {
        let mut c = Collector::default();
        self.walk(message, "", &mut c);
        if let Some(from) = &message.from {
            let sender = from.address.to_ascii_lowercase();
            let domain = sender.rsplit_once('@').map(|(_, d)| d.to_string()).unwrap_or_default();
            let organisation = psl::domain_str(&domain).unwrap_or(&domain).to_string();
            // The requester's own domain is context unless it is the customer's
            // (a user forwarding a phish) or a mail provider anyone can use.
            let own = !domain.is_empty() && !self.internal_or_excluded(&domain) && !FREEMAIL.contains(&organisation.as_str());
            c.retain(|i| {
                let host = match i.kind {
                    Kind::Email if i.value == sender => return false,
                    Kind::Email => i.value.rsplit_once('@').map_or("", |(_, d)| d),
                    Kind::Domain | Kind::Hostname => i.value.as_str(),
                    Kind::Url => url_host(&i.value),
                    _ => return true,
                };
                !(own && super::is_under(host, &organisation))
            });
        }
        c.finish_all()
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
        self.extract_into(self.new_text(m), &label("body"), c);
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

    /// The body without quoted history of a reply to Drawbridge itself (the
    /// attribution line names an excluded address: the gateway mailbox).
    /// That history is an earlier answer, not a new question.
    fn new_text<'a>(&self, m: &'a ParsedMessage) -> &'a str {
        let Some(quoted) = &m.quoted else { return &m.text };
        let attribution = quoted.lines().next().unwrap_or("").to_ascii_lowercase();
        if self.names_excluded_address(&attribution) && m.text.ends_with(quoted.as_str()) {
            return &m.text[..m.text.len() - quoted.len()];
        }
        &m.text
    }
}

/// The host of a normalised URL (`scheme://[user@]host[:port]/…`).
fn url_host(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let hostport = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if hostport.starts_with('[') {
        return hostport;
    }
    hostport.rsplit_once(':').map_or(hostport, |(h, _)| h)
}
