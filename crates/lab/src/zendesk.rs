//! A Zendesk Support API simulator (`../shared/cookbook/vendor-apis.md` §9):
//! Basic authentication as `{email}/token:{api_token}` on every route;
//! `POST /api/v2/tickets.json` (422 `RecordInvalid` with `details` when the
//! subject or first comment is missing, tags normalised to lower case and
//! sorted), `PUT /api/v2/tickets/{id}.json` with a comment (and upload
//! tokens), `POST /api/v2/uploads.json?filename=` answering a token,
//! `GET /api/v2/users/me.json`, 404 `RecordNotFound`, and 429 with
//! `Retry-After` and a plain-text body on demand. Tickets, comments and
//! uploads are kept for tests to assert field by field.

use crate::http::{Request, Response};
use serde_json::{Value, json};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

#[derive(Debug, Clone)]
pub struct Ticket {
    pub id: u64,
    /// The `ticket` object of the create request, as sent.
    pub created: Value,
    /// Each later comment object, as sent.
    pub comments: Vec<Value>,
}

#[derive(Default)]
struct State {
    tickets: Vec<Ticket>,
    /// token → (file name, content)
    uploads: Vec<(String, String, String)>,
    throttle: u32,
}

#[derive(Clone)]
pub struct Simulator {
    authorization: String,
    state: Arc<Mutex<State>>,
}

impl Simulator {
    pub fn new(email: &str, token: &str) -> Simulator {
        Simulator { authorization: format!("Basic {}", crate::jira::base64(format!("{email}/token:{token}").as_bytes())), state: Arc::default() }
    }

    pub fn tickets(&self) -> Vec<Ticket> {
        self.state.lock().map(|s| s.tickets.clone()).unwrap_or_default()
    }

    /// The uploaded file a token names: (file name, content).
    pub fn upload(&self, token: &str) -> Option<(String, String)> {
        self.state.lock().ok()?.uploads.iter().find(|u| u.0 == token).map(|u| (u.1.clone(), u.2.clone()))
    }

    pub fn throttle(&self, n: u32) {
        if let Ok(mut s) = self.state.lock() {
            s.throttle = n;
        }
    }

    pub fn handle(&self, req: &Request) -> Response {
        if req.header("authorization") != Some(self.authorization.as_str()) {
            return Response::json("401 Unauthorized", r#"{"error":"Couldn't authenticate you"}"#);
        }
        let Ok(mut state) = self.state.lock() else { return Response::json("500 Internal Server Error", "{}") };
        if state.throttle > 0 {
            state.throttle -= 1;
            let mut r =
                Response::new("429 Too Many Requests", "text/plain", "Rate limit for ticket updates exceeded, please wait before updating this ticket again");
            r.headers.push(("Retry-After", "1".into()));
            return r;
        }
        let body: Value = serde_json::from_slice(&req.body).unwrap_or(Value::Null);
        let not_found = || Response::json("404 Not Found", r#"{"error":"RecordNotFound","description":"Not found"}"#);
        match (req.method.as_str(), req.path.as_str()) {
            ("GET", "/api/v2/users/me.json") => Response::json("200 OK", r#"{"user":{"id":1,"name":"SOC bot","role":"agent"}}"#),
            ("POST", "/api/v2/uploads.json") => {
                let name = req.param("filename").unwrap_or("file").to_string();
                let token = format!("upload-{}", state.uploads.len() + 1);
                state.uploads.push((token.clone(), name.clone(), String::from_utf8_lossy(&req.body).into_owned()));
                Response::json("201 Created", json!({ "upload": { "token": token, "attachment": { "file_name": name, "size": req.body.len() } } }).to_string())
            }
            ("POST", "/api/v2/tickets.json") => {
                let t = &body["ticket"];
                let mut details = serde_json::Map::new();
                if t["subject"].as_str().is_none_or(|s| s.trim().is_empty()) {
                    details.insert("subject".into(), json!([{ "description": "Subject: cannot be blank" }]));
                }
                if t["comment"]["body"].as_str().is_none_or(|s| s.trim().is_empty()) {
                    details.insert("description".into(), json!([{ "description": "Description: cannot be blank" }]));
                }
                if !details.is_empty() {
                    return Response::json(
                        "422 Unprocessable Entity",
                        json!({ "error": "RecordInvalid", "description": "Record validation errors", "details": details }).to_string(),
                    );
                }
                let id = 35_436 + state.tickets.len() as u64;
                state.tickets.push(Ticket { id, created: t.clone(), comments: Vec::new() });
                let mut tags: Vec<String> = t["tags"].as_array().into_iter().flatten().filter_map(|x| x.as_str().map(str::to_lowercase)).collect();
                tags.sort();
                Response::json(
                    "201 Created",
                    json!({ "ticket": { "id": id, "subject": t["subject"], "status": "new", "priority": t["priority"], "tags": tags }, "audit": { "id": 1 } })
                        .to_string(),
                )
            }
            ("PUT", path) => {
                let Some(id) = path.strip_prefix("/api/v2/tickets/").and_then(|p| p.strip_suffix(".json")).and_then(|i| i.parse::<u64>().ok()) else {
                    return not_found();
                };
                let Some(ticket) = state.tickets.iter_mut().find(|t| t.id == id) else { return not_found() };
                let comment = body["ticket"]["comment"].clone();
                if comment["body"].as_str().is_none_or(|s| s.trim().is_empty()) {
                    return Response::json(
                        "422 Unprocessable Entity",
                        r#"{"error":"RecordInvalid","description":"Record validation errors","details":{"comment":[{"description":"Comment: cannot be blank"}]}}"#,
                    );
                }
                ticket.comments.push(comment);
                let audit = ticket.comments.len() + 1;
                Response::json("200 OK", json!({ "ticket": { "id": id, "status": "open" }, "audit": { "id": audit } }).to_string())
            }
            _ => not_found(),
        }
    }
}

pub fn serve(listener: TcpListener, simulator: Simulator) {
    crate::http::serve(listener, move |req| simulator.handle(req));
}
