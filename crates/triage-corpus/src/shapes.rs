//! The shapes real requests come in besides a polite paragraph: a terse
//! one-liner, a portal's field table, a long narrative, a list of indicators
//! with one line of text, a subject with no body, a message in one language
//! asking in another, a forward of a forward, HTML-heavy mail, and typos.

use crate::rng::Rng;

/// Portal categories per request type: not the label's name, as portals word them.
pub fn category(rng: &mut Rng, label: &str) -> &'static str {
    rng.pick(match label {
        "enrichment" => &["Information request", "Asset lookup", "Context request", "Investigation support", "Customer query"][..],
        "phishing" => &["Email threat", "Suspicious email", "Phishing analysis", "User-reported mail"][..],
        "containment" => &["Response action", "Remediation request", "Active response", "Block / isolate"][..],
        "device_lost" => &["Lost or stolen device", "Asset incident", "Device report"][..],
        _ => &["Notification", "Service notice", "General", "Maintenance"][..],
    })
}

/// A field table as ticket portals render it.
pub fn field_table(rng: &mut Rng, category: &str, ticket: &str, ask: &str, extra: &[String]) -> String {
    let sep = rng.pick(&[": ", " | ", "\t", " = "]);
    let mut rows = vec![
        format!("Ticket{sep}{ticket}"),
        format!("{}{sep}{category}", rng.pick(&["Category", "Type", "Service", "Request category"])),
        format!("{}{sep}{}", rng.pick(&["Status", "State"]), rng.pick(&["Awaiting customer", "New", "Open"])),
    ];
    for e in extra {
        rows.push(format!("{}{sep}{e}", rng.pick(&["Observable", "Indicator", "IOC", "Artifact"])));
    }
    rows.push(format!("{}{sep}{ask}", rng.pick(&["Question", "Request", "Details", "Description", "Action requested"])));
    rows.join("\n")
}

/// A short list of indicators as they get pasted, one per line.
pub fn indicator_list(rng: &mut Rng, values: &[String]) -> String {
    let bullet = rng.pick(&["", "- ", "* ", "• "]);
    values.iter().map(|v| format!("{bullet}{v}")).collect::<Vec<_>>().join("\n")
}

/// Clumsy typing: a few words with letters swapped, dropped or doubled.
pub fn typos(rng: &mut Rng, text: &str, rate: f64) -> String {
    text.split(' ')
        .map(|w| {
            let chars: Vec<char> = w.chars().collect();
            // Indicators and short words stay as typed.
            if chars.len() < 5 || w.contains(['.', '{', '@', '\\', ':', '/']) || w.chars().any(|c| c.is_ascii_digit()) || !rng.chance(rate) {
                return w.to_string();
            }
            let i = 1 + rng.below(chars.len() - 2);
            let mut c = chars.clone();
            match rng.below(3) {
                0 => c.swap(i, i + 1),
                1 => {
                    c.remove(i);
                }
                _ => c.insert(i, chars[i]),
            }
            c.into_iter().collect()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A body rendered as HTML-heavy mail after the text part is lost: tags,
/// entities and inline styles left as remnants.
pub fn html_heavy(rng: &mut Rng, body: &str) -> String {
    let mut out = String::from(rng.pick(&["<html><body style=\"font-family:Calibri\">", "<div dir=\"ltr\">", "<table><tr><td>"]));
    for line in body.lines() {
        if line.trim().is_empty() {
            out.push_str("<p>&nbsp;</p>\n");
        } else {
            out.push_str(&format!("<p class=\"MsoNormal\"><span style=\"font-size:11pt\">{}</span></p>\n", line.replace('&', "&amp;")));
        }
    }
    out.push_str(rng.pick(&["</body></html>", "</div>", "</td></tr></table>"]));
    out
}

/// Headers of one more forward around `body`.
pub fn forward(rng: &mut Rng, body: &str, from: &str, date: &str, subject: &str) -> String {
    let marker =
        rng.pick(&["---------- Forwarded message ---------", "-----Original Message-----", "Begin forwarded message:", "________________________________"]);
    format!("{marker}\nFrom: {from}\nSent: {date}\nSubject: {subject}\n\n{body}")
}
