//! What the triage model sees: subject and body, with indicators replaced by
//! their kind, quoted history and signatures cut, HTML remnants and
//! punctuation removed, lower case. Each step can be switched off, so that
//! `drawbridge eval --ablation` can measure whether it helps.

use crate::indicators::Extractor;
use serde::{Deserialize, Serialize};

/// Bodies longer than this are cut before normalisation: the request is in the first part.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Steps {
    pub mask_indicators: bool,
    pub strip_quoted: bool,
    pub strip_signature: bool,
}

impl Default for Steps {
    fn default() -> Self {
        Steps { mask_indicators: true, strip_quoted: true, strip_signature: true }
    }
}

#[derive(Debug, Clone)]
pub struct Normalizer {
    extractor: Extractor,
    steps: Steps,
}

/// Lines that start the quoted history of a reply.
fn is_reply_attribution(line: &str) -> bool {
    let t = line.trim();
    (t.starts_with("On ") && t.ends_with("wrote:"))
        || (t.starts_with("Am ") && t.ends_with("schrieb:"))
        || (t.starts_with("Le ") && (t.ends_with("a écrit :") || t.ends_with("a écrit:")))
        || (t.starts_with("El ") && t.ends_with("escribió:"))
        || t.starts_with("-----Original Message-----")
        || t.starts_with("-----Ursprüngliche Nachricht-----")
        || t.starts_with("-----Message d'origine-----")
        || t.starts_with("-----Mensaje original-----")
}

/// `Re:`, `AW:`, `SV:`… possibly repeated or behind a `[ticket]` tag.
fn is_reply_subject(subject: &str) -> bool {
    let mut s = subject.trim_start();
    if s.starts_with('[')
        && let Some(end) = s.find(']')
    {
        s = s[end + 1..].trim_start();
    }
    let lower = s.to_lowercase();
    ["re:", "re :", "aw:", "sv:", "antw:", "r:", "ré:", "réf:", "vs:"].iter().any(|p| lower.starts_with(p))
}

/// Sign-off lines after which only a signature and disclaimers follow.
const SIGNOFFS: &[&str] = &[
    "best regards",
    "kind regards",
    "regards",
    "thanks",
    "thank you",
    "cheers",
    "best",
    "many thanks",
    "br",
    "warm regards",
    "mit freundlichen grüßen",
    "viele grüße",
    "beste grüße",
    "gruß",
    "grüße",
    "cordialement",
    "bien à vous",
    "salutations",
    "merci",
    "saludos",
    "un saludo",
    "atentamente",
    "gracias",
];

fn is_signoff(line: &str) -> bool {
    let t = line.trim().trim_end_matches([',', '!', '.']).to_lowercase();
    t == "--" || SIGNOFFS.contains(&t.as_str())
}

impl Normalizer {
    pub fn new(extractor: Extractor, steps: Steps) -> Normalizer {
        Normalizer { extractor, steps }
    }

    pub fn steps(&self) -> Steps {
        self.steps
    }

    /// The model's view of one email, as one line of lower-case words.
    pub fn normalize(&self, subject: &str, body: &str) -> String {
        let body = cut(body, MAX_BODY_BYTES);
        let mut kept = String::with_capacity(body.len() + subject.len() + 1);
        // A reply's subject belongs to the earlier message of the thread
        // ("Re: Who owns WKS-FIN-042?" over "Thanks, that answers it"): only
        // the new text says what is asked now. Forwards keep theirs.
        if !(self.steps.strip_quoted && is_reply_subject(subject)) {
            kept.push_str(subject);
        }
        kept.push('\n');
        let mut prev_outlook_from = false;
        for line in body.lines() {
            if self.steps.strip_quoted {
                let t = line.trim_start();
                if t.starts_with('>') {
                    continue;
                }
                // Outlook's reply header: "From: …" directly followed by "Sent: …".
                if prev_outlook_from && (t.starts_with("Sent:") || t.starts_with("Gesendet:") || t.starts_with("Envoyé :")) {
                    break;
                }
                if is_reply_attribution(line) {
                    break;
                }
                prev_outlook_from = t.starts_with("From:") || t.starts_with("Von:") || t.starts_with("De :");
            }
            if self.steps.strip_signature && is_signoff(line) {
                break;
            }
            kept.push_str(line);
            kept.push('\n');
        }
        let text = if self.steps.mask_indicators { self.extractor.mask(&kept) } else { kept };
        words(&strip_html(&text))
    }
}

fn cut(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// Drops `<tag>` remnants and `&entity;` references, keeping `<kind>` markers.
fn strip_html(text: &str) -> String {
    if !text.contains(['<', '&']) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(['<', '&']) {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let close = if tail.starts_with('<') { tail.find('>') } else { tail.find(';') };
        match close {
            Some(j) if j <= 40 => {
                let inner = &tail[1..j];
                if tail.starts_with('<') && crate::indicators::Kind::parse(inner).is_some() {
                    out.push_str(&tail[..=j]); // an indicator marker
                } else {
                    out.push(' ');
                }
                rest = &tail[j + 1..];
            }
            _ => {
                out.push(' ');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Lower-case words separated by single spaces; punctuation dropped,
/// `<kind>` markers kept.
fn words(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_marker = false;
    let mut pending_space = false;
    for c in text.chars() {
        let keep = c.is_alphanumeric() || (in_marker && c == '>') || c == '<' || (in_marker && c.is_ascii_lowercase());
        if c == '<' {
            in_marker = true;
        }
        if keep {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            for l in c.to_lowercase() {
                out.push(l);
            }
            if c == '>' {
                in_marker = false;
                pending_space = true;
            }
        } else {
            in_marker = false;
            pending_space = true;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indicators::IndicatorsConfig;

    fn normalizer() -> Normalizer {
        Normalizer::new(Extractor::new(&IndicatorsConfig::default()).expect("config"), Steps::default())
    }

    #[test]
    fn indicators_become_their_kind() {
        let n = normalizer().normalize("Who owns WKS-FIN-042?", "Did 203.0.113[.]7 hit hxxps://evil[.]com/x? Hash: 44d88612fea8a8f36de82e12e5e5ff1c.");
        assert_eq!(n, "who owns <hostname> did <ipv4> hit <url> hash <md5>");
    }

    #[test]
    fn quoted_history_and_signatures_are_cut() {
        let body = "Please block 1.2.3.4.\n\nBest regards,\nAnna\nSOC | MSSP\nConfidential.\n\nOn 2026-01-02 at 10:00, Ben wrote:\n> who owns WKS-A-1?";
        assert_eq!(normalizer().normalize("RE: x", body), "please block <ipv4>");
        let outlook = "Closing the case.\n\nFrom: Ben\nSent: Monday\nSubject: x\n\nplease isolate the host";
        assert_eq!(normalizer().normalize("", outlook), "closing the case from ben");
    }

    #[test]
    fn reply_subjects_are_dropped_and_forward_subjects_kept() {
        assert_eq!(normalizer().normalize("Re: Who owns WKS-FIN-042?", "Thanks, that answers it."), "thanks that answers it");
        assert_eq!(normalizer().normalize("[INC-1] AW: RE: x", "ok"), "ok");
        assert_eq!(normalizer().normalize("FW: Invoice overdue", "see below"), "fw invoice overdue see below");
    }

    #[test]
    fn html_remnants_go_and_non_ascii_words_stay() {
        assert_eq!(normalizer().normalize("", "<div>Bonjour&nbsp;l'équipe</div><br>"), "bonjour l équipe");
    }

    #[test]
    fn huge_and_empty_bodies_are_handled() {
        assert_eq!(normalizer().normalize("", ""), "");
        let huge = "word ".repeat(2_000_000);
        assert!(normalizer().normalize("s", &huge).len() <= MAX_BODY_BYTES + 2);
    }
}
