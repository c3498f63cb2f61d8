//! A PAN-OS XML API simulator (`/api/`), reproducing the documented requests
//! and replies that Drawbridge's firewall connector relies on: the API key in
//! `X-PAN-KEY` (403 with PAN-OS's single-quoted error body otherwise), log
//! queries as asynchronous jobs (`type=log` → code 19 and a job id; `action=get`
//! → `ACT` on the first poll, then `FIN` with the entries), and the filter
//! syntax `(addr in X)`, `(url contains 'X')`, `(receive_time geq 'T')`,
//! `(receive_time leq 'T')` joined with `and`. Anything else in a filter is
//! answered with code 400, as a device would refuse it.

use crate::http::Response;
use std::collections::HashMap;
use std::net::TcpListener;
use std::sync::Mutex;

#[derive(Debug, Clone)]
pub struct LogEntry {
    pub log_type: &'static str,
    /// `YYYY/MM/DD HH:MM:SS`, device local time (the lab device runs on UTC).
    pub time: String,
    pub src: String,
    pub dst: String,
    pub dport: u16,
    pub action: &'static str,
    pub rule: &'static str,
    pub url: Option<String>,
}

struct State {
    key: String,
    entries: Vec<LogEntry>,
    jobs: HashMap<u32, (Vec<LogEntry>, u32)>,
    next_job: u32,
}

/// Serves until the listener fails; one thread per connection.
pub fn serve(listener: TcpListener, key: &str, entries: Vec<LogEntry>) {
    let state = Mutex::new(State { key: key.to_string(), entries, jobs: HashMap::new(), next_job: 1 });
    crate::http::serve(listener, move |req| {
        let key = req.header("x-pan-key").or(req.param("key"));
        let (status, xml) = respond(&state, key, &req.params, &req.path);
        Response::new(status, "application/xml", xml)
    });
}

fn respond(state: &Mutex<State>, key: Option<&str>, p: &HashMap<String, String>, path: &str) -> (&'static str, String) {
    let Ok(mut s) = state.lock() else { return ("500 Internal Server Error", String::new()) };
    if !path.starts_with("/api") {
        return ("404 Not Found", String::new());
    }
    if key != Some(s.key.as_str()) {
        return ("403 Forbidden", "<response status = 'error' code = '403'><result><msg>Invalid Credential</msg></result></response>".into());
    }
    if p.get("type").map(String::as_str) != Some("log") {
        return ("200 OK", r#"<response status="error" code="1"><msg><line>Unknown command</line></msg></response>"#.into());
    }
    if p.get("action").map(String::as_str) == Some("get") {
        let id: u32 = p.get("job-id").and_then(|j| j.parse().ok()).unwrap_or(0);
        let Some((entries, polls)) = s.jobs.get_mut(&id) else {
            return ("200 OK", format!(r#"<response status="error" code="7"><msg><line>job {id} not found</line></msg></response>"#));
        };
        *polls += 1;
        if *polls == 1 {
            return (
                "200 OK",
                format!(
                    r#"<response status="success"><result><job><tenq>10:00:01</tenq><tdeq>10:00:01</tdeq><tlast>01:00:00</tlast><status>ACT</status><id>{id}</id></job><log><logs count="0" progress="20"/></log></result></response>"#
                ),
            );
        }
        let mut xml = format!(
            r#"<response status="success"><result><job><tenq>10:00:01</tenq><tdeq>10:00:01</tdeq><tlast>10:00:02</tlast><status>FIN</status><id>{id}</id></job><log><logs count="{}" progress="100">"#,
            entries.len()
        );
        for (n, e) in entries.iter().enumerate() {
            xml.push_str(&format!(
                "<entry logid=\"{n}\"><receive_time>{t}</receive_time><time_generated>{t}</time_generated><type>{ty}</type><subtype>end</subtype><serial>012345678901</serial><device_name>fw-edge-1</device_name><src>{src}</src><dst>{dst}</dst><sport>51544</sport><dport>{dport}</dport><proto>tcp</proto><app>ssl</app><action>{action}</action><rule>{rule}</rule><from>trust</from><to>untrust</to><misc>{misc}</misc></entry>",
                t = e.time,
                ty = e.log_type.to_uppercase(),
                src = e.src,
                dst = e.dst,
                dport = e.dport,
                action = e.action,
                rule = escape(e.rule),
                misc = escape(e.url.as_deref().unwrap_or("")),
            ));
        }
        xml.push_str("</logs></log></result></response>");
        return ("200 OK", xml);
    }
    let log_type = p.get("log-type").cloned().unwrap_or_else(|| "traffic".into());
    let nlogs: usize = p.get("nlogs").and_then(|n| n.parse().ok()).unwrap_or(20);
    if nlogs > 5000 {
        return ("200 OK", r#"<response status="error" code="400"><msg><line>nlogs must be at most 5000</line></msg></response>"#.into());
    }
    let Some(clauses) = parse_filter(p.get("query").map(String::as_str).unwrap_or("")) else {
        return ("200 OK", r#"<response status="error" code="400"><msg><line>Invalid query syntax</line></msg></response>"#.into());
    };
    let matched: Vec<LogEntry> = s.entries.iter().filter(|e| e.log_type == log_type && clauses.iter().all(|c| c.matches(e))).take(nlogs).cloned().collect();
    let id = s.next_job;
    s.next_job += 1;
    s.jobs.insert(id, (matched, 0));
    (
        "200 OK",
        format!(
            r#"<response status="success" code="19"><result><msg><line>query job enqueued with jobid {id}</line></msg><job>{id}</job></result></response>"#
        ),
    )
}

enum Clause {
    Addr(String),
    UrlContains(String),
    TimeGeq(String),
    TimeLeq(String),
}

impl Clause {
    fn matches(&self, e: &LogEntry) -> bool {
        match self {
            Clause::Addr(a) => &e.src == a || &e.dst == a || in_cidr(a, &e.src) || in_cidr(a, &e.dst),
            Clause::UrlContains(u) => e.url.as_deref().is_some_and(|x| x.contains(u.as_str())),
            Clause::TimeGeq(t) => e.time.as_str() >= t.as_str(),
            Clause::TimeLeq(t) => e.time.as_str() <= t.as_str(),
        }
    }
}

fn in_cidr(cidr: &str, ip: &str) -> bool {
    let Some((net, bits)) = cidr.split_once('/') else { return false };
    let (Ok(net), Ok(ip), Ok(bits)) = (net.parse::<std::net::Ipv4Addr>(), ip.parse::<std::net::Ipv4Addr>(), bits.parse::<u32>()) else { return false };
    let mask = if bits == 0 { 0 } else { u32::MAX << (32 - bits.min(32)) };
    u32::from(net) & mask == u32::from(ip) & mask
}

/// `(a) and (b)`; `None` for anything the simulator (and so Drawbridge) does not use.
fn parse_filter(q: &str) -> Option<Vec<Clause>> {
    let mut out = Vec::new();
    for part in q.split(" and ") {
        let inner = part.trim().strip_prefix('(')?.strip_suffix(')')?;
        let quoted = |v: &str| v.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')).map(str::to_string);
        if let Some(v) = inner.strip_prefix("addr in ") {
            if v.contains(['\'', ' ', '(', ')']) {
                return None;
            }
            out.push(Clause::Addr(v.to_string()));
        } else if let Some(v) = inner.strip_prefix("url contains ") {
            out.push(Clause::UrlContains(quoted(v)?));
        } else if let Some(v) = inner.strip_prefix("receive_time geq ") {
            out.push(Clause::TimeGeq(quoted(v)?));
        } else if let Some(v) = inner.strip_prefix("receive_time leq ") {
            out.push(Clause::TimeLeq(quoted(v)?));
        } else {
            return None;
        }
    }
    Some(out)
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// The lab device's logs: the incident sessions to the bad IP and some noise.
pub fn lab_entries() -> Vec<LogEntry> {
    let mut v = Vec::new();
    for (day, hour) in [(19, 2), (20, 3), (24, 2)] {
        v.push(LogEntry {
            log_type: "traffic",
            time: format!("2026/11/{day:02} {hour:02}:00:00"),
            src: "10.20.1.42".into(),
            dst: crate::BAD_IP.into(),
            dport: 8443,
            action: "allow",
            rule: "Outbound Web",
            url: None,
        });
    }
    v.push(LogEntry {
        log_type: "traffic",
        time: "2026/11/25 08:00:00".into(),
        src: "10.20.5.11".into(),
        dst: crate::BAD_IP.into(),
        dport: 443,
        action: "deny",
        rule: "Block Threat Intel",
        url: None,
    });
    for i in 0..200u32 {
        v.push(LogEntry {
            log_type: "traffic",
            time: format!("2026/11/{:02} {:02}:{:02}:00", 1 + i % 26, i % 24, i % 60),
            src: format!("10.20.{}.{}", 1 + i % 8, 2 + i % 200),
            dst: format!("198.51.100.{}", i % 250),
            dport: 443,
            action: "allow",
            rule: "Outbound Web",
            url: None,
        });
    }
    v.push(LogEntry {
        log_type: "url",
        time: "2026/11/24 09:00:00".into(),
        src: "10.20.5.20".into(),
        dst: "192.0.2.80".into(),
        dport: 443,
        action: "alert",
        rule: "Outbound Web",
        url: Some(format!("{}/login", crate::BAD_DOMAIN)),
    });
    v
}
