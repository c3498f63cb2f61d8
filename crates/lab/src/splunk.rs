//! A Splunk REST simulator (`POST /services/search/jobs/export`) over the lab
//! company's SIEM events, reproducing what a client has to cope with:
//! `Authorization: Bearer` or `Splunk <sessionKey>` on every call (401 with
//! Splunk's `messages` body otherwise), form-encoded `search`,
//! `earliest_time`/`latest_time` (epoch seconds), SPL that must begin with
//! `search `, double-quoted values with `\\` and `\"` escapes and `*` always
//! a wildcard, NDJSON results with `preview:true` rows before the final ones,
//! string values, and a closing `lastrow`. Understands exactly the SPL shape
//! Drawbridge sends: `search index=… (field="v" OR …) | fillnull value="" f…
//! | stats count, min(_time) AS first_seen, max(_time) AS last_seen by f…`.
//! Anything else is answered 400 with a FATAL message, as Splunk would for
//! a command it does not know.

use crate::http::{Request, Response};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::net::TcpListener;

pub struct Simulator {
    token: String,
    events: Vec<Map<String, Value>>,
}

impl Simulator {
    /// The lab's SIEM events (`siem_events` NDJSON) as flat CIM-style fields:
    /// `_time` (epoch), `index`, `sourcetype`, `host`, `user`, `src_ip`,
    /// `dest_ip`, `dest_port`, `url`, `url_domain`, `file_hash`, `action`,
    /// `eventtype`, `file_name`, `process_name`.
    pub fn from_bulk(bulk: &str, token: &str) -> Simulator {
        let mut events = Vec::new();
        let mut index = String::new();
        for line in bulk.lines() {
            let Ok(v) = serde_json::from_str::<Value>(line) else { continue };
            if let Some(i) = v["index"]["_index"].as_str() {
                index = i.trim_end_matches("-lab").to_string();
                continue;
            }
            let mut e = Map::new();
            let time = v["@timestamp"].as_str().and_then(chrono_like_epoch).unwrap_or(0);
            e.insert("_time".into(), json!(time));
            e.insert("index".into(), json!(index));
            let mut put = |k: &str, x: &Value| {
                if let Some(s) = x.as_str() {
                    e.insert(k.into(), json!(s));
                } else if let Some(n) = x.as_u64() {
                    e.insert(k.into(), json!(n.to_string()));
                }
            };
            put("host", &v["host"]["name"]);
            put("user", &v["user"]["name"]);
            put("src_ip", &v["source"]["ip"]);
            put("dest_ip", &v["destination"]["ip"]);
            put("dest_port", &v["destination"]["port"]);
            put("url", &v["url"]["original"]);
            put("url_domain", &v["url"]["domain"]);
            put("file_hash", &v["process"]["hash"]["sha256"]);
            put("action", &v["event"]["action"]);
            put("eventtype", &v["event"]["category"]);
            put("file_name", &v["file"]["name"]);
            put("process_name", &v["process"]["name"]);
            e.insert("sourcetype".into(), json!(format!("lab:{index}")));
            e.insert("_raw".into(), json!(line));
            events.push(e);
        }
        Simulator { token: token.to_string(), events }
    }

    fn messages(status: &'static str, kind: &str, text: &str) -> Response {
        Response::json(status, json!({ "messages": [{ "type": kind, "text": text }] }).to_string())
    }

    pub fn handle(&self, req: &Request) -> Response {
        let auth = req.header("authorization").unwrap_or("");
        if auth != format!("Bearer {}", self.token) && auth != format!("Splunk {}", self.token) {
            return Self::messages("401 Unauthorized", "WARN", "call not properly authenticated");
        }
        if req.path != "/services/search/jobs/export" {
            return Self::messages("404 Not Found", "ERROR", "Not Found");
        }
        if req.param("exec_mode").is_some() {
            return Self::messages("400 Bad Request", "FATAL", "exec_mode is not a valid argument for export");
        }
        let Some(spl) = req.param("search") else { return Self::messages("400 Bad Request", "FATAL", "Missing search argument") };
        let Some(rest) = spl.strip_prefix("search ") else {
            let first = spl.split_whitespace().next().unwrap_or("");
            return Self::messages("400 Bad Request", "FATAL", &format!("Unknown search command '{}'.", first.split('=').next().unwrap_or(first)));
        };
        let epoch = |k: &str| req.param(k).and_then(|v| v.parse::<f64>().ok());
        let (earliest, latest) = (epoch("earliest_time").unwrap_or(f64::MIN), epoch("latest_time").unwrap_or(f64::MAX));
        let query = match parse(rest) {
            Ok(q) => q,
            Err(e) => return Self::messages("400 Bad Request", "FATAL", &e),
        };
        let matching = self.events.iter().filter(|e| {
            let t = e["_time"].as_f64().unwrap_or(0.0);
            t >= earliest && t < latest && query.filter.matches(e)
        });
        if let Some(events) = &query.events {
            return events_answer(matching.collect(), events);
        }
        // stats count, min(_time), max(_time) by the fields.
        let mut groups: BTreeMap<Vec<String>, (u64, f64, f64)> = BTreeMap::new();
        for e in matching {
            let key: Vec<String> = query
                .by
                .iter()
                .map(|f| e.get(f).and_then(Value::as_str).map(str::to_string).or_else(|| query.fillnull.contains(f).then(String::new)))
                .collect::<Option<Vec<_>>>()
                .unwrap_or_default();
            if key.len() != query.by.len() {
                continue; // Splunk drops events that lack a by-field
            }
            let t = e["_time"].as_f64().unwrap_or(0.0);
            let g = groups.entry(key).or_insert((0, f64::MAX, f64::MIN));
            g.0 += 1;
            g.1 = g.1.min(t);
            g.2 = g.2.max(t);
        }
        let row = |key: &[String], (count, first, last): (u64, f64, f64)| {
            let mut r = Map::new();
            for (f, v) in query.by.iter().zip(key) {
                r.insert(f.clone(), json!(v));
            }
            r.insert("count".into(), json!(count.to_string()));
            r.insert("first_seen".into(), json!(format!("{first:.0}")));
            r.insert("last_seen".into(), json!(format!("{last:.0}")));
            Value::Object(r)
        };
        let mut body = String::new();
        // A transforming search streams a preview first: clients must skip it.
        if let Some((k, v)) = groups.iter().next() {
            body.push_str(&json!({ "preview": true, "offset": 0, "result": row(k, (v.0 / 2 + 1, v.1, v.2)) }).to_string());
            body.push('\n');
        }
        body.push_str(&final_rows(groups.iter().map(|(k, v)| row(k, *v)).collect()));
        Response::new("200 OK", "application/json", body)
    }
}

/// `2026-11-20T02:00:00Z` → epoch seconds (the lab writes whole UTC seconds).
fn chrono_like_epoch(t: &str) -> Option<i64> {
    let b = t.as_bytes();
    if b.len() < 19 {
        return None;
    }
    let num = |r: std::ops::Range<usize>| t.get(r).and_then(|s| s.parse::<i64>().ok());
    let (y, m, d, hh, mm, ss) = (num(0..4)?, num(5..7)?, num(8..10)?, num(11..13)?, num(14..16)?, num(17..19)?);
    // Days from civil (Howard Hinnant's algorithm).
    let y2 = if m <= 2 { y - 1 } else { y };
    let era = y2.div_euclid(400);
    let yoe = y2 - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + hh * 3600 + mm * 60 + ss)
}

struct Query {
    filter: Filter,
    fillnull: Vec<String>,
    by: Vec<String>,
    /// An events search instead of `stats`.
    events: Option<EventsQuery>,
}

/// `| eventstats count AS total | head n | fields …`.
struct EventsQuery {
    total: String,
    head: usize,
    fields: Vec<String>,
}

/// Events newest first, the first `head`, with the selected fields and the
/// count of all matching events; `_time` as Splunk's JSON output writes it.
fn events_answer(mut matching: Vec<&Map<String, Value>>, q: &EventsQuery) -> Response {
    matching.sort_by(|a, b| b["_time"].as_f64().unwrap_or(0.0).total_cmp(&a["_time"].as_f64().unwrap_or(0.0)));
    let total = matching.len();
    let rows: Vec<Value> = matching
        .iter()
        .take(q.head)
        .map(|e| {
            let mut r = Map::new();
            for f in &q.fields {
                if f == "_time" {
                    let t = e["_time"].as_i64().unwrap_or(0);
                    r.insert(f.clone(), json!(iso(t)));
                } else if f == &q.total {
                    r.insert(f.clone(), json!(total.to_string()));
                } else if let Some(v) = e.get(f) {
                    r.insert(f.clone(), v.clone());
                }
            }
            Value::Object(r)
        })
        .collect();
    Response::new("200 OK", "application/json", final_rows(rows))
}

/// The final result rows as the export streams them: one JSON line each
/// with its offset, `lastrow` on the last, a bare `lastrow` when there are none.
fn final_rows(rows: Vec<Value>) -> String {
    let mut body = String::new();
    let n = rows.len();
    for (i, r) in rows.into_iter().enumerate() {
        let mut line = json!({ "preview": false, "offset": i, "result": r });
        if i + 1 == n {
            line["lastrow"] = json!(true);
        }
        body.push_str(&line.to_string());
        body.push_str("\n\n");
    }
    if n == 0 {
        body.push_str("{\"preview\":false,\"lastrow\":true}\n");
    }
    body
}

/// Epoch seconds as `2026-11-20T04:02:00.000+00:00`.
fn iso(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0).map(|d| d.format("%Y-%m-%dT%H:%M:%S%.3f+00:00").to_string()).unwrap_or_default()
}

enum Filter {
    And(Vec<Filter>),
    Or(Vec<Filter>),
    Eq(String, String),
}

impl Filter {
    fn matches(&self, e: &Map<String, Value>) -> bool {
        match self {
            Filter::And(v) => v.iter().all(|f| f.matches(e)),
            Filter::Or(v) => v.iter().any(|f| f.matches(e)),
            Filter::Eq(field, pattern) => e.get(field).and_then(Value::as_str).is_some_and(|v| glob(pattern, v)),
        }
    }
}

/// Splunk term matching: case-insensitive, `*` matches anything.
fn glob(pattern: &str, value: &str) -> bool {
    let (p, v) = (pattern.to_lowercase(), value.to_lowercase());
    let parts: Vec<&str> = p.split('*').collect();
    if parts.len() == 1 {
        return p == v;
    }
    let mut rest = v.as_str();
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            let Some(r) = rest.strip_prefix(part) else { return false };
            rest = r;
        } else if i == parts.len() - 1 {
            return rest.ends_with(part);
        } else {
            let Some(at) = rest.find(part) else { return false };
            rest = &rest[at + part.len()..];
        }
    }
    true
}

#[derive(Debug, PartialEq)]
enum Token {
    Open,
    Close,
    Or,
    Pipe,
    Term(String, String),
    Word(String),
}

fn tokens(s: &str) -> Result<Vec<Token>, String> {
    let mut out = Vec::new();
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    let read_value = |i: &mut usize| -> Result<String, String> {
        let mut v = String::new();
        if chars.get(*i) == Some(&'"') {
            *i += 1;
            loop {
                match chars.get(*i) {
                    None => return Err("Unbalanced quotes.".into()),
                    Some('\\') => {
                        match chars.get(*i + 1) {
                            Some(c @ ('\\' | '"')) => v.push(*c),
                            Some(c) => {
                                v.push('\\');
                                v.push(*c);
                            }
                            None => return Err("Unbalanced quotes.".into()),
                        }
                        *i += 2;
                    }
                    Some('"') => {
                        *i += 1;
                        return Ok(v);
                    }
                    Some(c) => {
                        v.push(*c);
                        *i += 1;
                    }
                }
            }
        }
        while let Some(c) = chars.get(*i) {
            if c.is_whitespace() || *c == '(' || *c == ')' || *c == '|' {
                break;
            }
            v.push(*c);
            *i += 1;
        }
        Ok(v)
    };
    while i < chars.len() {
        match chars[i] {
            c if c.is_whitespace() || c == ',' => i += 1,
            '(' => {
                out.push(Token::Open);
                i += 1;
            }
            ')' => {
                out.push(Token::Close);
                i += 1;
            }
            '|' => {
                out.push(Token::Pipe);
                i += 1;
            }
            '"' => out.push(Token::Word(read_value(&mut i)?)),
            _ => {
                let start = i;
                while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '.') {
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                if chars.get(i) == Some(&'=') {
                    i += 1;
                    out.push(Token::Term(word, read_value(&mut i)?));
                } else if word == "OR" {
                    out.push(Token::Or);
                } else if word.is_empty() {
                    // min(_time) and the like: read up to whitespace as a word.
                    let start = i;
                    while i < chars.len() && !chars[i].is_whitespace() && chars[i] != ',' {
                        i += 1;
                    }
                    out.push(Token::Word(chars[start..i].iter().collect()));
                } else if chars.get(i) == Some(&'(') {
                    while i < chars.len() && !chars[i].is_whitespace() && chars[i] != ',' {
                        i += 1;
                    }
                    out.push(Token::Word(chars[start..i].iter().collect()));
                } else {
                    out.push(Token::Word(word));
                }
            }
        }
    }
    Ok(out)
}

fn parse(spl: &str) -> Result<Query, String> {
    let toks = tokens(spl)?;
    let mut segments = toks.split(|t| *t == Token::Pipe);
    let search = segments.next().unwrap_or(&[]);
    let mut pos = 0;
    let filter = parse_and(search, &mut pos)?;
    if pos != search.len() {
        return Err("Error in 'search' command: Unable to parse the search: unbalanced parentheses.".into());
    }
    let mut fillnull = Vec::new();
    let mut by = Vec::new();
    let mut saw_stats = false;
    let mut events: Option<EventsQuery> = None;
    let words = |seg: &[Token]| -> Vec<String> { seg[1..].iter().filter_map(|t| if let Token::Word(w) = t { Some(w.clone()) } else { None }).collect() };
    for seg in segments {
        match seg.first() {
            Some(Token::Word(w)) if w == "eventstats" => match words(seg).as_slice() {
                [count, as_, name] if count == "count" && as_ == "AS" => {
                    events = Some(EventsQuery { total: name.clone(), head: usize::MAX, fields: Vec::new() })
                }
                _ => return Err("The simulator only answers `eventstats count AS <name>`".into()),
            },
            Some(Token::Word(w)) if w == "head" => {
                let n = words(seg).first().and_then(|n| n.parse().ok()).ok_or("Error in 'head' command: The argument must be a positive number.")?;
                events.as_mut().ok_or("The simulator answers `head` only after `eventstats`")?.head = n;
            }
            Some(Token::Word(w)) if w == "fields" => {
                events.as_mut().ok_or("The simulator answers `fields` only after `eventstats`")?.fields = words(seg);
            }
            Some(Token::Word(w)) if w == "fillnull" => {
                fillnull.extend(seg[1..].iter().filter_map(|t| if let Token::Word(w) = t { Some(w.clone()) } else { None }));
            }
            Some(Token::Word(w)) if w == "stats" => {
                let words = words(seg);
                let expected = ["count", "min(_time)", "AS", "first_seen", "max(_time)", "AS", "last_seen", "by"];
                if words.len() < expected.len() || words[..expected.len()] != expected {
                    return Err(format!("The simulator only answers `stats {}`", expected.join(" ")));
                }
                by = words[expected.len()..].to_vec();
                saw_stats = true;
            }
            Some(Token::Word(w)) => return Err(format!("Unknown search command '{w}'.")),
            _ => return Err("Error in search pipeline.".into()),
        }
    }
    if events.is_some() {
        if saw_stats {
            return Err("The simulator answers either `stats` or an events search, not both".into());
        }
        return Ok(Query { filter, fillnull, by, events });
    }
    if !saw_stats || by.is_empty() {
        return Err("The simulator only answers searches ending in `| stats … by …` or events searches".into());
    }
    Ok(Query { filter, fillnull, by, events })
}

fn parse_and(t: &[Token], pos: &mut usize) -> Result<Filter, String> {
    let mut ors = vec![Vec::new()];
    while let Some(tok) = t.get(*pos) {
        match tok {
            Token::Close => break,
            Token::Or => {
                ors.push(Vec::new());
                *pos += 1;
            }
            Token::Open => {
                *pos += 1;
                let inner = parse_and(t, pos)?;
                if t.get(*pos) != Some(&Token::Close) {
                    return Err("Error in 'search' command: Unable to parse the search: unbalanced parentheses.".into());
                }
                *pos += 1;
                if let Some(v) = ors.last_mut() {
                    v.push(inner)
                }
            }
            Token::Term(f, v) => {
                if let Some(x) = ors.last_mut() {
                    x.push(Filter::Eq(f.clone(), v.clone()))
                }
                *pos += 1;
            }
            Token::Word(w) => return Err(format!("The simulator does not search free text ({w:?})")),
            Token::Pipe => break,
        }
    }
    let mut alts: Vec<Filter> = ors.into_iter().map(Filter::And).collect();
    Ok(if alts.len() == 1 { alts.remove(0) } else { Filter::Or(alts) })
}

/// Serves the simulator until the listener fails.
pub fn serve(listener: TcpListener, simulator: Simulator) {
    crate::http::serve(listener, move |req| simulator.handle(req));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_values_unescape_and_stars_are_wildcards() {
        let q = parse(r#"index="fire*" (src_ip="a\"b\\c" OR dest_ip="203.0.113.7") | fillnull value="" host user | stats count, min(_time) AS first_seen, max(_time) AS last_seen by host, user"#).expect("parses");
        assert_eq!(q.by, ["host", "user"]);
        assert_eq!(q.fillnull, ["host", "user"]);
        let mut e = Map::new();
        e.insert("index".into(), json!("firewall"));
        e.insert("src_ip".into(), json!("a\"b\\c"));
        assert!(q.filter.matches(&e));
        assert!(parse("index=x | delete").is_err());
        assert_eq!(chrono_like_epoch("2026-11-27T00:00:00Z"), Some(crate::LAB_NOW));
    }
}
