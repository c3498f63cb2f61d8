//! Carrying out an HTTP connector action: render the request (path segments
//! percent-encoded, query parameters URL-encoded, body fields as JSON
//! strings), authenticate from the named secret, page through the answer,
//! recognise error envelopes, and map the records to output fields.

use super::definition::{Auth, HttpAction, HttpConnector, Method};
use super::mapping::{Path, html_unescape};
use drawbridge_net::secrets;
use drawbridge_net::tls;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

/// Characters kept as they are in a path segment (RFC 3986 unreserved).
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// The deployment's settings for an HTTP connector (`[connectors.http.<name>]`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HttpDeployment {
    #[serde(default)]
    pub base_url: Option<String>,
    #[serde(default)]
    pub ca_file: Option<PathBuf>,
    #[serde(default)]
    pub allow_tls12: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    #[error("{0} has no action {1:?}")]
    UnknownAction(String, String),
    #[error("{0}: {1}")]
    Config(String, String),
    #[error("{0} unreachable: {1}")]
    Unreachable(String, String),
    #[error("{connector} answered HTTP {status}: {body}")]
    Status { connector: String, status: u16, body: String, retry_after: Option<Duration> },
    #[error("{0}: the quota is used up until {1} (the service's rate-limit headers)")]
    Quota(String, String, Duration),
    #[error("{0} redirected to {1}; an API answers instead of redirecting (is `Accept: application/json` set?)")]
    Redirect(String, String),
    #[error("{0} reported an error: {1}")]
    Reported(String, String),
    #[error("{0} answered something that is not JSON: {1}")]
    NotJson(String, String),
    #[error(transparent)]
    Secret(#[from] secrets::SecretError),
}

impl HttpError {
    pub fn is_transient(&self) -> bool {
        match self {
            HttpError::Unreachable(..) => true,
            HttpError::Status { status, .. } => *status == 429 || *status >= 500,
            HttpError::Quota(..) => true,
            _ => false,
        }
    }
}

pub struct HttpClient {
    def: HttpConnector,
    base_url: String,
    client: reqwest::Client,
    /// No call before this: the service said its quota is used up until then
    /// (`X-RateLimit-Remaining: 0` with `X-RateLimit-Reset`).
    quota_until: std::sync::Mutex<Option<std::time::SystemTime>>,
}

/// A request as it would be sent, secrets left out (for dry runs and provenance).
#[derive(Debug, Clone, Serialize)]
pub struct PreparedRequest {
    pub method: &'static str,
    pub url: String,
    pub query: Vec<(String, String)>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
}

impl std::fmt::Display for PreparedRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let query: Vec<String> = self.query.iter().map(|(k, v)| format!("{}={}", utf8_percent_encode(k, SEGMENT), utf8_percent_encode(v, SEGMENT))).collect();
        write!(f, "{} {}{}{}", self.method, self.url, if query.is_empty() { "" } else { "?" }, query.join("&"))?;
        if let Some(b) = &self.body {
            write!(f, " {b}")?;
        }
        Ok(())
    }
}

/// `.` or `..`, also when percent-encoded (`%2e`, `.%2E`, `%252e%252e`…):
/// a segment that a server or proxy could resolve as "here" or "up".
fn is_dot_segment(segment: &str) -> bool {
    let mut s = segment.to_string();
    for _ in 0..4 {
        if s == "." || s == ".." {
            return true;
        }
        let decoded = percent_encoding::percent_decode_str(&s).decode_utf8_lossy().into_owned();
        if decoded == s {
            return false;
        }
        s = decoded;
    }
    false
}

/// Renders an action's request from its inputs.
pub fn prepare(base_url: &str, action: &HttpAction, input: &BTreeMap<String, String>) -> Result<PreparedRequest, String> {
    let env = drawbridge_net::template::environment();
    let raw = json!({ "input": input });
    let encoded: BTreeMap<&String, String> = input.iter().map(|(k, v)| (k, utf8_percent_encode(v, SEGMENT).to_string())).collect();
    let path = drawbridge_net::template::render(&env, &action.path, &json!({ "input": encoded })).map_err(|e| format!("path: {e}"))?;
    if let Some(segment) = path.split('/').find(|seg| is_dot_segment(seg)) {
        return Err(format!("path: the segment {segment:?} would leave the API's path; refused"));
    }
    let mut query = Vec::new();
    for (k, t) in &action.query {
        query.push((k.clone(), drawbridge_net::template::render(&env, t, &raw).map_err(|e| format!("query {k}: {e}"))?));
    }
    let body = if action.body.is_empty() {
        None
    } else {
        let mut m = Map::new();
        for (k, t) in &action.body {
            m.insert(k.clone(), Value::String(drawbridge_net::template::render(&env, t, &raw).map_err(|e| format!("body {k}: {e}"))?));
        }
        Some(Value::Object(m))
    };
    Ok(PreparedRequest {
        method: match action.method {
            Method::Get => "GET",
            Method::Post => "POST",
        },
        url: format!("{}{}", base_url.trim_end_matches('/'), if path.starts_with('/') { path } else { format!("/{path}") }),
        query,
        body,
    })
}

impl HttpClient {
    pub fn new(def: &HttpConnector, deployment: Option<&HttpDeployment>) -> Result<HttpClient, HttpError> {
        let base_url = deployment.and_then(|d| d.base_url.clone()).unwrap_or_else(|| def.base_url.clone());
        let ca = deployment.and_then(|d| d.ca_file.clone()).or_else(|| def.ca_file.clone());
        let tls =
            tls::client_config(ca.as_deref(), deployment.is_some_and(|d| d.allow_tls12)).map_err(|e| HttpError::Config(def.name.clone(), e.to_string()))?;
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(def.timeout_seconds.max(1)))
            .redirect(reqwest::redirect::Policy::none())
            .use_preconfigured_tls((*tls).clone())
            .build()
            .map_err(|e| HttpError::Config(def.name.clone(), e.to_string()))?;
        Ok(HttpClient { def: def.clone(), base_url, client, quota_until: std::sync::Mutex::new(None) })
    }

    pub fn name(&self) -> &str {
        &self.def.name
    }

    pub fn definition(&self) -> &HttpConnector {
        &self.def
    }

    pub fn preview(&self, action: &str, input: &BTreeMap<String, String>) -> Result<PreparedRequest, String> {
        let a = self.def.actions.get(action).ok_or_else(|| format!("{} has no action {action:?}", self.def.name))?;
        prepare(&self.base_url, a, input)
    }

    /// Runs `action`; `Ok(None)` when the tool has no matching record.
    pub async fn call(&self, action: &str, input: &BTreeMap<String, String>) -> Result<Option<Value>, HttpError> {
        let name = self.def.name.clone();
        let a = self.def.actions.get(action).ok_or_else(|| HttpError::UnknownAction(name.clone(), action.into()))?;
        let prepared = prepare(&self.base_url, a, input).map_err(|e| HttpError::Config(name.clone(), e))?;
        let mut records = Vec::new();
        let mut truncated = false;
        let mut total_reported = None;
        let pages = a.pagination.as_ref().map_or(1, |p| p.max_pages.max(1));
        for page in 0..pages {
            let mut query = prepared.query.clone();
            if let Some(p) = &a.pagination {
                query.push((p.limit_param.clone(), p.page_size.to_string()));
                query.push((p.offset_param.clone(), (page * p.page_size).to_string()));
            }
            let answer = self.send(&prepared, &query).await?;
            if let Some(message) = self.reported_error(&answer) {
                return match message {
                    Ok(()) => Ok(None),
                    Err(m) => Err(HttpError::Reported(name, m)),
                };
            }
            let page_records: Vec<Value> = match a.records.as_deref().map(Path::parse).transpose().map_err(|e| HttpError::Config(name.clone(), e))? {
                None => vec![answer.clone()],
                Some(path) => match path.get(&answer) {
                    Some(Value::Array(items)) => items,
                    Some(one) => vec![one],
                    // A tool that answers one record where it would list several (Snipe-IT bytag).
                    None if answer.is_object() => vec![answer.clone()],
                    None => Vec::new(),
                },
            };
            let got = page_records.len();
            records.extend(page_records);
            let Some(p) = &a.pagination else { break };
            let total = p
                .total
                .as_deref()
                .map(Path::parse)
                .transpose()
                .map_err(|e| HttpError::Config(name.clone(), e))?
                .and_then(|t| t.get(&answer))
                .and_then(|t| t.as_u64().or_else(|| t.as_str().and_then(|s| s.parse().ok())));
            total_reported = total.or(total_reported);
            let more = match total {
                Some(t) => (records.len() as u64) < t,
                None => got as u32 >= p.page_size,
            };
            if !more || got == 0 {
                break;
            }
            if page + 1 == pages {
                truncated = true;
            }
        }
        let mut out: Vec<Value> = records.iter().map(|r| self.map_record(a, r)).collect::<Result<_, _>>().map_err(|e| HttpError::Config(name.clone(), e))?;
        if let Some(m) = &a.exact_match {
            let want = input.get(&m.input).map(|s| s.to_lowercase()).unwrap_or_default();
            out.retain(|r| r.get(&m.field).and_then(Value::as_str).is_some_and(|v| v.to_lowercase() == want));
        }
        if out.is_empty() {
            return Ok(None);
        }
        Ok(Some(json!({
            "records": out,
            "total": total_reported.unwrap_or(records.len() as u64),
            "truncated": truncated,
            "request": prepared.to_string(),
        })))
    }

    fn map_record(&self, a: &HttpAction, record: &Value) -> Result<Value, String> {
        let mapped = if a.fields.is_empty() {
            record.clone()
        } else {
            let mut m = Map::new();
            for (k, p) in &a.fields {
                m.insert(k.clone(), Path::parse(p)?.get(record).unwrap_or(Value::Null));
            }
            Value::Object(m)
        };
        Ok(if self.def.html_escaped_values { html_unescape(mapped) } else { mapped })
    }

    /// `Some(Ok(()))`: the tool says "not found"; `Some(Err(m))`: an error.
    fn reported_error(&self, answer: &Value) -> Option<Result<(), String>> {
        for rule in &self.def.errors {
            let Ok(path) = Path::parse(&rule.path) else { continue };
            if path.get(answer).as_ref() != Some(&rule.equals) {
                continue;
            }
            let message = rule
                .message
                .as_deref()
                .and_then(|m| Path::parse(m).ok())
                .and_then(|m| m.get(answer))
                .map(|m| m.as_str().map(str::to_string).unwrap_or_else(|| m.to_string()))
                .unwrap_or_else(|| "error".into());
            let lower = message.to_lowercase();
            if rule.not_found_if_message_contains.iter().any(|n| lower.contains(&n.to_lowercase())) {
                return Some(Ok(()));
            }
            return Some(Err(message));
        }
        None
    }

    async fn send(&self, prepared: &PreparedRequest, query: &[(String, String)]) -> Result<Value, HttpError> {
        let name = &self.def.name;
        let until = self.quota_until.lock().ok().and_then(|q| *q);
        if let Some(wait) = until.and_then(|u| u.duration_since(std::time::SystemTime::now()).ok()) {
            let at = until.map(|u| chrono::DateTime::<chrono::Utc>::from(u).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)).unwrap_or_default();
            return Err(HttpError::Quota(name.clone(), at, wait));
        }
        let mut req = match prepared.method {
            "POST" => self.client.post(&prepared.url),
            _ => self.client.get(&prepared.url),
        };
        let mut query = query.to_vec();
        for (k, v) in &self.def.headers {
            req = req.header(k, v);
        }
        match &self.def.auth {
            None => {}
            Some(Auth::Bearer { secret }) => req = req.bearer_auth(secrets::resolve(secret)?),
            Some(Auth::Header { header, secret, prefix }) => req = req.header(header, format!("{prefix}{}", secrets::resolve(secret)?)),
            Some(Auth::Basic { username, secret }) => req = req.basic_auth(username, Some(secrets::resolve(secret)?)),
            Some(Auth::Query { param, secret }) => query.push((param.clone(), secrets::resolve(secret)?)),
        }
        req = req.query(&query);
        if let Some(b) = &prepared.body {
            req = req.json(b);
        }
        let resp = req.send().await.map_err(|e| HttpError::Unreachable(name.clone(), without_url(&e)))?;
        let status = resp.status();
        if status.is_redirection() {
            let to = resp.headers().get("location").and_then(|l| l.to_str().ok()).unwrap_or("?").to_string();
            return Err(HttpError::Redirect(name.clone(), to));
        }
        let retry_after = resp.headers().get("retry-after").and_then(|v| v.to_str().ok()).map(str::to_string);
        if let Some(reset) = quota_reset(resp.headers(), std::time::SystemTime::now())
            && let Ok(mut q) = self.quota_until.lock()
        {
            *q = Some(reset);
        }
        let text = resp.text().await.map_err(|e| HttpError::Unreachable(name.clone(), without_url(&e)))?;
        let parsed: Result<Value, _> = serde_json::from_str(&text);
        if !status.is_success() {
            // Some tools put their "not found" envelope on a 404.
            if let Ok(v) = &parsed
                && let Some(Ok(())) = self.reported_error(v)
            {
                return Ok(v.clone());
            }
            let mut body: String = text.chars().take(300).collect();
            let wait = retry_after.as_deref().and_then(|r| retry_after_duration(r, std::time::SystemTime::now()));
            if let Some(r) = retry_after {
                body.push_str(&format!(" (Retry-After: {r})"));
            }
            return Err(HttpError::Status { connector: name.clone(), status: status.as_u16(), body, retry_after: wait });
        }
        parsed.map_err(|_| HttpError::NotJson(name.clone(), text.chars().take(200).collect()))
    }
}

/// `Retry-After` as a wait: delay-seconds, or an HTTP date (RFC 9110 §10.2.3).
pub fn retry_after_duration(value: &str, now: std::time::SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let at = std::time::SystemTime::from(at.with_timezone(&chrono::Utc));
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// When a service that said "no calls left" (`X-RateLimit-Remaining: 0`)
/// takes calls again: `X-RateLimit-Reset` as epoch seconds (AbuseIPDB),
/// seconds from now (small numbers), or an RFC 3339 time (Jira).
pub fn quota_reset(headers: &reqwest::header::HeaderMap, now: std::time::SystemTime) -> Option<std::time::SystemTime> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim);
    let remaining = header("x-ratelimit-remaining").or_else(|| header("x-rate-limit-remaining")).or_else(|| header("ratelimit-remaining"))?;
    if remaining.parse::<u64>().ok()? > 0 {
        return None;
    }
    let reset = header("x-ratelimit-reset").or_else(|| header("ratelimit-reset"))?;
    if let Ok(n) = reset.parse::<u64>() {
        // Epoch seconds are large; a delta is small (under a year).
        return Some(if n > 365 * 86_400 { std::time::UNIX_EPOCH + Duration::from_secs(n) } else { now + Duration::from_secs(n) });
    }
    chrono::DateTime::parse_from_rfc3339(reset).ok().map(|t| std::time::SystemTime::from(t.with_timezone(&chrono::Utc)))
}

/// reqwest's error text includes the URL, whose query may carry a secret.
fn without_url(e: &reqwest::Error) -> String {
    let mut s = e.to_string();
    if let Some(url) = e.url() {
        s = s.replace(url.as_str(), "(url)");
    }
    if e.is_timeout() { format!("no answer in time ({s})") } else { s }
}
