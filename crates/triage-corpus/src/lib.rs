//! A seeded generator of realistic MSSP-to-customer emails, each labelled with
//! the request type it carries, for training and evaluating the triage model.
//!
//! Emails are composed from hand-written phrasings (`phrases.rs`) in English,
//! German, French and Spanish, wrapped in the styles MSSPs actually send:
//! plain mail, ticket-system notifications, replies with quoted history,
//! forwards, HTML remnants, signatures and disclaimers. Some carry a second,
//! lower-priority ask (the label follows the priority order), some mention
//! actions the customer already took, and replies may quote an earlier mail
//! of another type: only what is asked now decides the label.

mod phrases;
pub mod priority;
mod rng;
mod shapes;

use phrases::{DE, EN, ES, FR, Intent, Language};
pub use rng::Rng;

/// Request types in priority order: when intents mix, the first wins.
pub const LABELS: [&str; 5] = ["device_lost", "containment", "phishing", "enrichment", "informational"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email {
    pub label: &'static str,
    /// How urgent it is, P1–P4 (the `priority` classifier's label).
    pub priority: &'static str,
    pub language: &'static str,
    pub style: &'static str,
    pub subject: String,
    pub body: String,
}

/// `count` emails from `seed`. The same seed always gives the same emails.
pub fn generate(seed: u64, count: usize) -> Vec<Email> {
    let mut rng = Rng::new(seed);
    (0..count).map(|_| one(&mut rng)).collect()
}

fn one(rng: &mut Rng) -> Email {
    let label = match rng.below(100) {
        0..=29 => "enrichment",
        30..=49 => "phishing",
        50..=61 => "device_lost",
        62..=79 => "containment",
        _ => "informational",
    };
    let lang = match rng.below(100) {
        0..=69 => &EN,
        70..=79 => &DE,
        80..=89 => &FR,
        _ => &ES,
    };
    let slots = Slots::new(rng);
    let priority = priority::draw(rng, label);
    let mut email = compose(rng, lang, label, priority, &slots);
    reshape(rng, lang, &mut email, &slots);
    // A priority other than the type's usual one must be said somewhere,
    // else no reader (and no model) could know it: the label follows the text.
    let text = format!("{}\n{}", email.subject, email.body);
    if email.priority != priority::usual(email.label) && !priority::has_cue(&text, email.language, email.priority) {
        let cues = priority::cues(email.language);
        let p = priority::index(email.priority);
        let tag = rng_pick(rng, cues.subject_tags[p]);
        if !tag.is_empty() && rng.chance(0.4) {
            email.subject = format!("{tag}{}", email.subject);
        } else {
            email.body = format!("{}\n\n{}", rng_pick(rng, cues.sentences[p]), email.body);
        }
    }
    // An urgent word anywhere (a quoted subject too) makes a low priority
    // wrong: whoever reads it treats it as at least P2.
    let text = format!("{}\n{}", email.subject, email.body).to_lowercase();
    if priority::index(email.priority) >= 2 && priority::URGENT_WORDS.iter().any(|w| text.contains(w)) {
        email.priority = "P2";
    }
    email
}

/// Gives some emails another shape than the composed paragraph: what is asked
/// (and so the label) stays, how it is written changes.
fn reshape(rng: &mut Rng, lang: &Language, e: &mut Email, s: &Slots) {
    let it = intent(lang, e.label);
    match rng.below(100) {
        0..=7 => {
            // A terse one-liner, maybe lower case, no greeting or signature.
            let mut ask = s.say(rng, it.asks);
            if rng.chance(0.5) {
                ask = ask.to_lowercase();
            }
            e.body = format!("{ask}{}", rng_pick(rng, &["", " thx", " ty", "\n\nSent from my phone", " - SOC"]));
            e.style = "terse";
        }
        8..=13 => {
            let category = shapes::category(rng, e.label);
            let ask = s.say(rng, it.asks);
            let mut extra = Vec::new();
            for _ in 0..rng.below(3) {
                let slot = rng_pick(rng, &["{ip}", "{domain}", "{host}", "{sha256}", "{url}", "{user}"]);
                extra.push(s.fill(rng, slot));
            }
            e.body = shapes::field_table(rng, category, &s.ticket, &ask, &extra);
            e.style = "fields";
        }
        14..=19 => {
            // A long narrative: context, fillers and the ask in the middle.
            let mut para: Vec<String> = (0..2 + rng.below(3)).map(|_| s.say(rng, it.context)).collect();
            for _ in 0..2 + rng.below(3) {
                para.push(s.say(rng, lang.fillers));
            }
            let at = rng.below(para.len() + 1);
            para.insert(at, s.say(rng, it.asks));
            e.body = format!("{}\n\n{}\n\n{}\n{}", s.say(rng, lang.openers), para.join(" "), rng_pick(rng, lang.signoffs), s.analyst);
            e.style = "narrative";
        }
        20..=25 => {
            // Indicators pasted as a list, with one line saying what to do.
            let kinds: &[&str] = match e.label {
                "phishing" => &["{url}", "{domain}", "{email}"],
                "device_lost" => &["{host}", "{mac}", "{user}"],
                "containment" => &["{ip}", "{host}", "{domain}", "{account}"],
                _ => &["{ip}", "{ip2}", "{domain}", "{sha256}", "{md5}", "{host}", "{url}"],
            };
            let mut values = Vec::new();
            for _ in 0..2 + rng.below(5) {
                let slot = rng_pick(rng, kinds);
                values.push(s.fill(rng, slot));
            }
            let ask = s.say(rng, it.asks);
            let list = shapes::indicator_list(rng, &values);
            e.body = if rng.chance(0.5) { format!("{ask}\n\n{list}") } else { format!("{list}\n\n{ask}") };
            e.style = "list";
        }
        26..=29 => {
            // Everything in the subject.
            e.subject = s.say(rng, it.asks);
            e.body = rng_pick(rng, &["", "See subject.", "As per subject, thanks.", "Sent from Outlook for iOS"]).to_string();
            e.style = "subject_only";
        }
        30..=35 => {
            // Greeting and sign-off in one language, the ask in English (or the reverse).
            let other = if lang.code == "en" { [&DE, &FR, &ES][rng.below(3)] } else { &EN };
            let ask = s.say(rng, intent(other, e.label).asks);
            e.body = format!("{}\n\n{ask}\n\n{}\n{}", s.say(rng, lang.openers), rng_pick(rng, lang.signoffs), s.analyst);
            e.style = "mixed_language";
        }
        36..=39 => {
            let hops = 1 + rng.below(2);
            for _ in 0..hops {
                e.body = shapes::forward(rng, &e.body, &s.person, &s.date, &e.subject);
            }
            e.body =
                format!("{}\n\n{}", rng_pick(rng, &["FYI, see below.", "Forwarding for your action.", "Please see the request below.", "See below."]), e.body);
            e.subject = format!("{}{}", rng_pick(rng, &["FW: ", "Fwd: ", "FW: FW: ", "WG: "]), e.subject);
            e.style = "nested_forward";
        }
        40..=44 => {
            e.body = shapes::html_heavy(rng, &e.body);
            e.style = "html_only";
        }
        _ => {}
    }
    if rng.chance(0.12) {
        e.body = shapes::typos(rng, &e.body, 0.15);
        e.subject = shapes::typos(rng, &e.subject, 0.1);
    }
}

fn intent<'a>(lang: &'a Language, label: &str) -> &'a Intent {
    match label {
        "enrichment" => &lang.enrichment,
        "phishing" => &lang.phishing,
        "device_lost" => &lang.device_lost,
        "containment" => &lang.containment,
        _ => &lang.informational,
    }
}

fn compose(rng: &mut Rng, lang: &Language, label: &'static str, prio: &'static str, s: &Slots) -> Email {
    let it = intent(lang, label);
    let cues = priority::cues(lang.code);
    let p = priority::index(prio);
    let mut subject = s.say(rng, it.subjects);
    if rng.chance(0.35) {
        subject = format!("{}{subject}", rng_pick(rng, cues.subject_tags[p]));
    }
    let mut lines: Vec<String> = Vec::new();
    let opener = s.say(rng, lang.openers);
    if !opener.is_empty() {
        lines.push(opener);
        lines.push(String::new());
    }
    let mut para = Vec::new();
    if rng.chance(0.5) {
        para.push(s.say(rng, it.context));
    }
    if rng.chance(0.15) {
        para.push(s.say(rng, lang.past_actions));
    }
    para.push(s.say(rng, it.asks));
    if rng.chance(0.3) {
        para.push(s.say(rng, it.asks));
    }
    // A second, lower-priority ask: the label stays with the higher one.
    let rank = LABELS.iter().position(|l| *l == label).unwrap_or(0);
    if rank + 1 < LABELS.len() && rng.chance(0.15) {
        let lower = LABELS[rank + 1 + rng.below(LABELS.len() - rank - 1)];
        if lower != "informational" {
            para.push(s.say(rng, intent(lang, lower).asks));
        }
    }
    for _ in 0..rng.below(3) {
        para.push(s.say(rng, lang.fillers));
    }
    if rng.chance(0.55) {
        let cue = rng_pick(rng, cues.sentences[p]).to_string();
        if rng.chance(0.5) { para.insert(0, cue) } else { para.push(cue) }
    }
    let joiner = if rng.chance(0.5) { " " } else { "\n" };
    lines.push(para.join(joiner));
    let closer = rng_pick(rng, lang.closers);
    if !closer.is_empty() {
        lines.push(String::new());
        lines.push(closer.to_string());
    }
    lines.push(String::new());
    if rng.chance(0.2) {
        lines.push("-- ".into());
    }
    lines.push(rng_pick(rng, lang.signoffs).to_string());
    lines.push(s.analyst.clone());
    if rng.chance(0.7) {
        lines.push(format!("{} | {}", rng_pick(rng, TITLES), rng_pick(rng, MSSPS)));
        if rng.chance(0.5) {
            lines.push(format!("Tel: +44 20 7946 {:04} | soc@mssp.example.net", rng.below(10_000)));
        }
    }
    if rng.chance(0.4) {
        lines.push(String::new());
        lines.push(rng_pick(rng, lang.disclaimers).to_string());
    }
    let mut body = lines.join("\n");
    let mut style = "plain";
    match rng.below(100) {
        0..=19 => {
            style = "ticket";
            let ticket = &s.ticket;
            subject = format!("[{ticket}] {subject}");
            body = format!(
                "Ticket: {ticket}\nPriority: {}\nQueue: SOC::{}\nStatus: {}\n----------------------------------------\n{}\n----------------------------------------\nThis is an automated message from the MSSP ticketing system. Please reply above this line.",
                rng_pick(rng, cues.ticket_field[p]),
                rng_pick(rng, &["Customer", "Tier2", "Escalations"]),
                rng_pick(rng, &["open", "pending customer", "new"]),
                body
            );
        }
        20..=39 => {
            style = "reply";
            // The quoted mail may ask for something else: it does not count.
            // Its subject is the thread's, as in real replies.
            let earlier_label = LABELS[rng.below(LABELS.len())];
            let thread_subject = s.say(rng, intent(lang, earlier_label).subjects);
            subject = format!("{}{thread_subject}", rng_pick(rng, &["RE: ", "Re: ", "AW: ", "RE: RE: "]));
            let earlier = s.say(rng, intent(lang, earlier_label).asks);
            let attribution = s.fill(rng, lang.reply_attribution);
            let greeting = s.say(rng, lang.openers);
            let quoted: String = format!("{}\n{}\n{}", greeting, earlier, rng_pick(rng, lang.signoffs)).lines().map(|l| format!("> {l}\n")).collect();
            body = if rng.chance(0.3) {
                format!("{body}\n\n-----Original Message-----\nFrom: {}\nSent: {}\nSubject: {}\n\n{}", s.person, s.date, subject, quoted.replace("> ", ""))
            } else {
                format!("{body}\n\n{attribution}\n{quoted}")
            };
        }
        40..=47 if label == "phishing" => {
            style = "forward";
            subject = format!("{}{subject}", rng_pick(rng, &["FW: ", "Fwd: ", "WG: "]));
            body = format!(
                "{body}\n\n---------- Forwarded message ---------\nFrom: {} <{}>\nDate: {}\nSubject: {}\nTo: {}\n\n{}",
                rng_pick(rng, &["IT Service Desk", "Microsoft 365", "DocuSign", "Accounts Payable", "HR Department"]),
                s.email,
                s.date,
                s.mailsubject,
                s.user,
                rng_pick(rng, LURES).replace("{url}", &s.url)
            );
        }
        48..=57 => {
            style = "html";
            body = body
                .split('\n')
                .map(|l| match rng.below(4) {
                    0 => format!("{l}<br>"),
                    1 => format!("<div>{l}</div>"),
                    2 => format!("{l}&nbsp;"),
                    _ => l.to_string(),
                })
                .collect::<Vec<_>>()
                .join("\n");
        }
        _ => {}
    }
    Email { label, priority: prio, language: lang.code, style, subject, body }
}

fn rng_pick<'a>(rng: &mut Rng, items: &[&'a str]) -> &'a str {
    rng.pick(items)
}

const TITLES: &[&str] = &["SOC Analyst", "Senior Security Analyst", "Incident Responder", "Threat Hunter", "SOC Team Lead", "MDR Analyst"];
const MSSPS: &[&str] = &["Managed Detection & Response", "Blue Harbor MSSP", "Sentinel Watch", "CyberGuard Services", "SOC-as-a-Service"];
const LURES: &[&str] = &[
    "Your password expires today. Verify your account here: {url}",
    "Please review the attached invoice and confirm payment: {url}",
    "You have received a secure document. Sign in to view: {url}",
    "Your mailbox is full. Click {url} to increase your quota.",
    "Unusual sign-in activity detected. Confirm your identity at {url}",
];

/// The values that fill `{slot}` markers, consistent within one email.
struct Slots {
    host: String,
    host2: String,
    ip: String,
    ip2: String,
    domain: String,
    url: String,
    sha256: String,
    md5: String,
    user: String,
    user2: String,
    account: String,
    email: String,
    cve: String,
    ticket: String,
    ticket2: String,
    date: String,
    time: String,
    name: String,
    person: String,
    analyst: String,
    mailsubject: String,
    num: String,
    mac: String,
}

const FIRST: &[&str] =
    &["Anna", "Ben", "Chloé", "David", "Elena", "Farid", "Greta", "Hiroshi", "Ines", "Jonas", "Karin", "Luis", "Maya", "Noah", "Olga", "Pierre"];
const LAST: &[&str] = &["Schmidt", "Dubois", "García", "Smith", "Müller", "Rossi", "Novak", "Kowalski", "Jensen", "Silva", "Brown", "Martin"];
const DEPTS: &[&str] = &["fin", "hr", "ops", "dev", "sales", "legal", "it", "mkt"];
const TLDS: &[&str] = &["com", "net", "org", "info", "xyz", "top", "ru", "io", "online", "site"];
const WORDS: &[&str] = &["secure", "login", "update", "portal", "verify", "cdn", "mail", "account", "office", "files", "invoice", "support"];
const MAIL_SUBJECTS: &[&str] = &[
    "Invoice overdue",
    "Password expiry notice",
    "Shared document for review",
    "Urgent wire transfer",
    "Your parcel is on its way",
    "Voicemail received",
    "Payroll update",
];

impl Slots {
    fn new(rng: &mut Rng) -> Slots {
        let first = rng.pick(FIRST);
        let last = rng.pick(LAST);
        let user = format!("{}.{}", first.to_lowercase(), last.to_lowercase()).replace(['é', 'í', 'ü'], "e");
        let host_prefix = rng.pick(&["WKS", "LT", "SRV", "wks", "lt"]);
        let dept = rng.pick(DEPTS).to_uppercase();
        let domain = format!("{}-{}{}.{}", rng.pick(WORDS), rng.pick(WORDS), rng.below(100), rng.pick(TLDS));
        let ticket = format!("{}-{}", rng.pick(&["INC", "SR", "CASE", "MDR", "TKT"]), 10000 + rng.below(90000));
        Slots {
            host: format!("{host_prefix}-{dept}-{:03}", rng.below(1000)),
            host2: format!("WKS-{}-{:03}", rng.pick(DEPTS).to_uppercase(), rng.below(1000)),
            ip: format!("{}.{}.{}.{}", rng.pick(&["198.51.100", "203.0.113", "192.0.2", "10.20.30", "172.16.5"]), "", "", rng.below(255)).replace("...", "."),
            ip2: format!("203.0.113.{}", rng.below(255)),
            url: format!("https://{domain}/{}/{}", rng.pick(WORDS), rng.hex(6)),
            domain,
            sha256: rng.hex(64),
            md5: rng.hex(32),
            account: format!("CORP\\{user}"),
            user2: format!("{}.{}", rng.pick(FIRST).to_lowercase(), rng.pick(LAST).to_lowercase()),
            email: format!(
                "{}@{}-{}.{}",
                rng.pick(&["billing", "it-support", "hr", "no-reply", "ceo", "payments"]),
                rng.pick(WORDS),
                rng.pick(WORDS),
                rng.pick(TLDS)
            ),
            cve: format!("CVE-{}-{}", 2023 + rng.below(4), 1000 + rng.below(40000)),
            ticket,
            ticket2: format!("INC-{}", 10000 + rng.below(90000)),
            date: format!("{}-{:02}-{:02}", 2026, 1 + rng.below(11), 1 + rng.below(28)),
            time: format!("{:02}:{:02}", rng.below(24), rng.below(60)),
            name: rng.pick(FIRST).to_string(),
            person: format!("{} {}", rng.pick(FIRST), rng.pick(LAST)),
            analyst: format!("{} {}", rng.pick(FIRST), rng.pick(LAST)),
            mailsubject: rng.pick(MAIL_SUBJECTS).to_string(),
            num: format!("{}", 100 + rng.below(900)),
            mac: format!("{}:{}:{}:{}:{}:{}", rng.hex(2), rng.hex(2), rng.hex(2), rng.hex(2), rng.hex(2), rng.hex(2)),
            user,
        }
    }

    /// Picks one of `templates` and fills it.
    fn say(&self, rng: &mut Rng, templates: &[&str]) -> String {
        let t = rng.pick(templates);
        self.fill(rng, t)
    }

    /// Fills the slots of `template`; indicators are sometimes defanged, as MSSPs write them.
    fn fill(&self, rng: &mut Rng, template: &str) -> String {
        let defang = rng.chance(0.3);
        let d = |v: &str| if defang { v.replace('.', "[.]").replace("https://", "hxxps://") } else { v.to_string() };
        template
            .replace("{host2}", &self.host2)
            .replace("{host}", &self.host)
            .replace("{ip2}", &d(&self.ip2))
            .replace("{ip}", &d(&self.ip))
            .replace("{domain}", &d(&self.domain))
            .replace("{url}", &d(&self.url))
            .replace("{sha256}", &self.sha256)
            .replace("{md5}", &self.md5)
            .replace("{account}", &self.account)
            .replace("{user2}", &self.user2)
            .replace("{user}", &self.user)
            .replace("{email}", &d(&self.email))
            .replace("{cve}", &self.cve)
            .replace("{ticket2}", &self.ticket2)
            .replace("{ticket}", &self.ticket)
            .replace("{date}", &self.date)
            .replace("{time}", &self.time)
            .replace("{name}", &self.name)
            .replace("{person}", &self.person)
            .replace("{mailsubject}", &self.mailsubject)
            .replace("{num}", &self.num)
            .replace("{mac}", &self.mac)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_corpus() {
        assert_eq!(generate(7, 50), generate(7, 50));
        assert_ne!(generate(7, 50), generate(8, 50));
    }

    #[test]
    fn every_label_language_and_style_occurs() {
        let corpus = generate(1, 2000);
        for label in LABELS {
            assert!(corpus.iter().filter(|e| e.label == label).count() > 150, "{label}");
        }
        for lang in ["en", "de", "fr", "es"] {
            assert!(corpus.iter().any(|e| e.language == lang), "{lang}");
        }
        for p in priority::PRIORITIES {
            assert!(corpus.iter().filter(|e| e.priority == p).count() > 150, "{p}");
        }
        for style in [
            "plain",
            "ticket",
            "reply",
            "forward",
            "html",
            "terse",
            "fields",
            "narrative",
            "list",
            "subject_only",
            "mixed_language",
            "nested_forward",
            "html_only",
        ] {
            assert!(corpus.iter().any(|e| e.style == style), "{style}");
        }
        assert!(corpus.iter().all(|e| !e.body.contains('{')), "unfilled slot");
    }
}
