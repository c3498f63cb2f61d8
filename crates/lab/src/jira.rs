//! A Jira Cloud REST v3 simulator (`../shared/cookbook/vendor-apis.md` §8):
//! Basic authentication with an e-mail and API token on every route,
//! `POST /rest/api/3/issue` refusing a description that is not an Atlassian
//! Document (400 with Jira's own message) and labels with spaces, 201 with
//! `id`, `key` and `self`; comments (`POST …/comment`, ADF body, 201);
//! attachments (`POST …/attachments`: 403 without `X-Atlassian-Token:
//! no-check`, `multipart/form-data` with the part named `file`, 200 with a
//! JSON array); `GET /rest/api/3/myself`; 404 for an unknown issue in Jira's
//! `errorMessages` envelope; 429 with `Retry-After` on demand. Every issue,
//! comment and attachment is kept so a test can assert them field by field.

use crate::http::{Request, Response};
use serde_json::{Value, json};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

/// An issue as the simulator received it.
#[derive(Debug, Clone)]
pub struct Issue {
    pub key: String,
    /// The `fields` object as sent.
    pub fields: Value,
    /// Comment bodies (ADF) as sent.
    pub comments: Vec<Value>,
    /// (file name, content) of each attachment.
    pub attachments: Vec<(String, String)>,
}

#[derive(Default)]
struct State {
    issues: Vec<Issue>,
    throttle: u32,
}

#[derive(Clone)]
pub struct Simulator {
    authorization: String,
    project: String,
    state: Arc<Mutex<State>>,
}

impl Simulator {
    pub fn new(email: &str, token: &str, project: &str) -> Simulator {
        Simulator { authorization: format!("Basic {}", base64(format!("{email}:{token}").as_bytes())), project: project.into(), state: Arc::default() }
    }

    /// Every issue so far, with its comments and attachments.
    pub fn issues(&self) -> Vec<Issue> {
        self.state.lock().map(|s| s.issues.clone()).unwrap_or_default()
    }

    /// The next `n` requests answer 429 with `Retry-After: 1`.
    pub fn throttle(&self, n: u32) {
        if let Ok(mut s) = self.state.lock() {
            s.throttle = n;
        }
    }

    fn errors(status: &'static str, messages: &[&str], fields: Value) -> Response {
        Response::json(status, json!({ "errorMessages": messages, "errors": fields }).to_string())
    }

    pub fn handle(&self, req: &Request) -> Response {
        if req.header("authorization") != Some(self.authorization.as_str()) {
            return Self::errors("401 Unauthorized", &["Client must be authenticated to access this resource."], json!({}));
        }
        let Ok(mut state) = self.state.lock() else { return Self::errors("500 Internal Server Error", &["lock"], json!({})) };
        if state.throttle > 0 {
            state.throttle -= 1;
            let mut r = Self::errors("429 Too Many Requests", &["Rate limit exceeded."], json!({}));
            r.headers.push(("Retry-After", "1".into()));
            r.headers.push(("RateLimit-Reason", "jira-burst-based".into()));
            return r;
        }
        let Some(path) = req.path.strip_prefix("/rest/api/3/") else { return Self::errors("404 Not Found", &["Not found"], json!({})) };
        let body: Value = serde_json::from_slice(&req.body).unwrap_or(Value::Null);
        match (req.method.as_str(), path.split('/').collect::<Vec<_>>().as_slice()) {
            ("GET", ["myself"]) => {
                Response::json("200 OK", json!({ "accountId": "5b10a2844c20165700ede21g", "displayName": "SOC bot", "active": true }).to_string())
            }
            ("POST", ["issue"]) => {
                let fields = &body["fields"];
                let mut problems = serde_json::Map::new();
                if fields["project"]["key"].as_str() != Some(self.project.as_str()) {
                    problems.insert("project".into(), "valid project is required".into());
                }
                if fields["issuetype"]["name"].as_str().is_none_or(str::is_empty) {
                    problems.insert("issuetype".into(), "valid issue type is required".into());
                }
                if fields["summary"].as_str().is_none_or(|s| s.trim().is_empty()) {
                    problems.insert("summary".into(), "You must specify a summary of the issue.".into());
                }
                if !is_adf(&fields["description"]) {
                    problems.insert("description".into(), "Operation value must be an Atlassian Document (see the Atlassian Document Format)".into());
                }
                if fields["labels"].as_array().is_some_and(|ls| ls.iter().any(|l| l.as_str().is_none_or(|l| l.contains(' ')))) {
                    problems.insert("labels".into(), "The label can't contain spaces.".into());
                }
                if !problems.is_empty() {
                    return Self::errors("400 Bad Request", &[], Value::Object(problems));
                }
                let n = state.issues.len() + 17;
                let key = format!("{}-{n}", self.project);
                state.issues.push(Issue { key: key.clone(), fields: fields.clone(), comments: Vec::new(), attachments: Vec::new() });
                Response::json(
                    "201 Created",
                    json!({ "id": (10_000 + n).to_string(), "key": key, "self": format!("https://site.atlassian.net/rest/api/3/issue/{}", 10_000 + n) })
                        .to_string(),
                )
            }
            ("POST", ["issue", key, "comment"]) => {
                let Some(issue) = state.issues.iter_mut().find(|i| i.key == *key) else {
                    return Self::errors("404 Not Found", &["Issue does not exist or you do not have permission to see it."], json!({}));
                };
                if !is_adf(&body["body"]) {
                    return Self::errors("400 Bad Request", &[], json!({ "comment": "Comment body can not be empty!" }));
                }
                issue.comments.push(body["body"].clone());
                let id = 10_100 + issue.comments.len();
                Response::json("201 Created", json!({ "id": id.to_string(), "self": format!("https://site.atlassian.net/rest/api/3/issue/{key}/comment/{id}"), "body": body["body"], "created": "2026-12-01T10:00:00.000+0000" }).to_string())
            }
            ("POST", ["issue", key, "attachments"]) => {
                if req.header("x-atlassian-token") != Some("no-check") {
                    return Response::new("403 Forbidden", "text/plain", "XSRF check failed");
                }
                let Some(issue) = state.issues.iter_mut().find(|i| i.key == *key) else {
                    return Self::errors("404 Not Found", &["Issue does not exist or you do not have permission to see it."], json!({}));
                };
                let Some((filename, content)) = req.header("content-type").and_then(|t| file_part(t, &req.body)) else {
                    return Self::errors("400 Bad Request", &["no file part named 'file'"], json!({}));
                };
                let size = content.len();
                issue.attachments.push((filename.clone(), content));
                let id = 10_200 + issue.attachments.len();
                Response::json("200 OK", json!([{ "id": id.to_string(), "filename": filename, "size": size, "mimeType": "text/plain", "content": format!("https://site.atlassian.net/rest/api/3/attachment/content/{id}") }]).to_string())
            }
            _ => Self::errors("404 Not Found", &["Not found"], json!({})),
        }
    }
}

/// A minimal Atlassian Document: `{"type":"doc","version":1,"content":[…]}`
/// whose text nodes are not empty.
fn is_adf(v: &Value) -> bool {
    fn texts_ok(v: &Value) -> bool {
        match v {
            Value::Object(o) => {
                if o.get("type").and_then(Value::as_str) == Some("text") && o.get("text").and_then(Value::as_str).is_none_or(str::is_empty) {
                    return false;
                }
                o.values().all(texts_ok)
            }
            Value::Array(a) => a.iter().all(texts_ok),
            _ => true,
        }
    }
    v["type"] == "doc" && v["version"] == 1 && v["content"].is_array() && texts_ok(v)
}

/// The part named `file` of a `multipart/form-data` body: (file name, text).
fn file_part(content_type: &str, body: &[u8]) -> Option<(String, String)> {
    let boundary = content_type.split(';').find_map(|p| p.trim().strip_prefix("boundary="))?.trim_matches('"');
    let text = String::from_utf8_lossy(body);
    for part in text.split(&format!("--{boundary}")) {
        let Some((head, content)) = part.split_once("\r\n\r\n") else { continue };
        if !head.contains("name=\"file\"") {
            continue;
        }
        let filename = head.split("filename=\"").nth(1).and_then(|r| r.split('"').next()).unwrap_or("file").to_string();
        return Some((filename, content.strip_suffix("\r\n").unwrap_or(content).to_string()));
    }
    None
}

pub fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Serves the simulator until the listener fails.
pub fn serve(listener: TcpListener, simulator: Simulator) {
    crate::http::serve(listener, move |req| simulator.handle(req));
}

#[cfg(test)]
mod tests {
    #[test]
    fn base64_matches_the_standard() {
        assert_eq!(super::base64(b"soc@corp.example:tok"), "c29jQGNvcnAuZXhhbXBsZTp0b2s=");
        assert_eq!(super::base64(b"ab"), "YWI=");
        assert_eq!(super::base64(b"abc"), "YWJj");
    }
}
