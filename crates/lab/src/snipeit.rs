//! A Snipe-IT API v1 simulator for the lab company's hardware, reproducing
//! what a client has to cope with: `Authorization: Bearer` on every route,
//! a redirect to `/login` when `Accept: application/json` is missing, errors
//! sent as HTTP 200 with a `{"status":"error"}` envelope, `{"total","rows"}`
//! lists paged by `limit`/`offset`, text values HTML-escaped by the server,
//! dates as objects, `assigned_to` null when not checked out, and 429 with
//! `Retry-After` past the per-minute throttle.

use crate::http::{Request, Response};
use crate::{Company, DEPARTMENTS};
use serde_json::{Value, json};
use std::net::TcpListener;
use std::sync::Mutex;
use std::time::Instant;

pub struct Simulator {
    token: String,
    assets: Vec<Value>,
    throttle_per_minute: usize,
    window: Mutex<(Instant, usize)>,
}

const MODELS: [&str; 4] = ["Latitude 7440", "ThinkPad T14", "EliteDesk 800 G9", "PowerEdge R650"];

/// Snipe-IT escapes text it returns (`e()`).
fn e(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#039;")
}

impl Simulator {
    pub fn new(company: &Company, token: &str, throttle_per_minute: usize) -> Simulator {
        let mut assets = Vec::new();
        for (n, c) in company.computers.iter().enumerate() {
            let id = n + 1;
            let owner = c.managed_by.as_deref().and_then(|sam| company.users.iter().find(|u| u.sam == sam));
            let location = match c.department.map(|d| DEPARTMENTS[d].code) {
                Some("DEV") => "R&D Lab, Building 2",
                _ if c.name.starts_with("SRV-") => "Datacenter LON1",
                _ => "London HQ",
            };
            assets.push(json!({
                "id": id,
                "name": e(&c.name),
                "asset_tag": format!("A-{id:05}"),
                "serial": format!("SN{:08X}", (id as u64).wrapping_mul(2_654_435_761) & 0xffff_ffff),
                "model": { "id": 1 + id % 4, "name": MODELS[id % 4] },
                "model_number": "7440",
                "status_label": { "id": 2, "name": "Deployed", "status_type": "deployable", "status_meta": "deployed" },
                "category": { "id": 3, "name": if c.name.starts_with("LT-") { "Laptops" } else { "Desktops" } },
                "manufacturer": { "id": 1, "name": "Dell" },
                "company": null,
                "location": { "id": 5, "name": e(location) },
                "rtd_location": { "id": 5, "name": e(location) },
                "assigned_to": owner.map(|u| json!({
                    "id": 1000 + id,
                    "username": u.sam,
                    "name": e(&format!("{} {}", crate::capitalise(&u.given), crate::capitalise(&u.surname))),
                    "first_name": crate::capitalise(&u.given),
                    "last_name": crate::capitalise(&u.surname),
                    "email": format!("{}@corp.example.test", u.sam),
                    "employee_number": format!("E{}", 1000 + id),
                    "type": "user",
                })),
                "last_checkout": owner.map(|_| json!({ "datetime": "2026-04-02 09:15:00", "formatted": "2026-04-02 9:15AM" })),
                "custom_fields": {},
                "available_actions": { "checkout": owner.is_none(), "checkin": owner.is_some(), "update": true, "delete": false },
            }));
        }
        Simulator { token: token.to_string(), assets, throttle_per_minute, window: Mutex::new((Instant::now(), 0)) }
    }

    fn envelope(message: &str) -> Response {
        Response::json("200 OK", json!({ "status": "error", "messages": message, "payload": null }).to_string())
    }

    pub fn handle(&self, req: &Request) -> Response {
        if !req.header("accept").is_some_and(|a| a.contains("application/json")) && req.header("authorization").is_none() {
            let mut r = Response::new("302 Found", "text/html", "Redirecting to /login");
            r.headers.push(("Location", "/login".into()));
            return r;
        }
        if req.header("authorization") != Some(format!("Bearer {}", self.token).as_str()) {
            return Response::json("401 Unauthorized", r#"{"error":"Unauthorized or unauthenticated."}"#);
        }
        if let Ok(mut w) = self.window.lock() {
            if w.0.elapsed().as_secs() >= 60 {
                *w = (Instant::now(), 0);
            }
            w.1 += 1;
            if w.1 > self.throttle_per_minute {
                let mut r = Response::json("429 Too Many Requests", json!({ "status": "error", "messages": "Too many requests", "payload": null }).to_string());
                r.headers.push(("Retry-After", "60".into()));
                r.headers.push(("X-RateLimit-Limit", self.throttle_per_minute.to_string()));
                r.headers.push(("X-RateLimit-Remaining", "0".into()));
                return r;
            }
        }
        if req.method != "GET" {
            return Self::envelope("404 endpoint not found");
        }
        let field = |a: &Value, k: &str| a[k].as_str().unwrap_or("").to_string();
        if let Some(tag) = req.path.strip_prefix("/api/v1/hardware/bytag/") {
            let found: Vec<&Value> = self.assets.iter().filter(|a| field(a, "asset_tag") == tag).collect();
            return match found.as_slice() {
                [] => Self::envelope("Asset does not exist."),
                [one] => Response::json("200 OK", one.to_string()),
                many => Response::json("200 OK", json!({ "total": many.len(), "rows": many }).to_string()),
            };
        }
        if let Some(serial) = req.path.strip_prefix("/api/v1/hardware/byserial/") {
            let found: Vec<&Value> = self.assets.iter().filter(|a| field(a, "serial") == serial).collect();
            return Response::json("200 OK", json!({ "total": found.len(), "rows": found }).to_string());
        }
        if req.path == "/api/v1/hardware" {
            let search = req.param("search").unwrap_or("").to_lowercase();
            let limit = req.param("limit").and_then(|l| l.parse::<usize>().ok()).unwrap_or(50).min(500);
            let offset = req.param("offset").and_then(|o| o.parse::<usize>().ok()).unwrap_or(0);
            let matched: Vec<&Value> = self
                .assets
                .iter()
                .filter(|a| search.is_empty() || ["name", "asset_tag", "serial"].iter().any(|k| field(a, k).to_lowercase().contains(&search)))
                .collect();
            let rows: Vec<&Value> = matched.iter().skip(offset).take(limit).copied().collect();
            return Response::json("200 OK", json!({ "total": matched.len(), "rows": rows }).to_string());
        }
        if let Some(id) = req.path.strip_prefix("/api/v1/hardware/").and_then(|i| i.parse::<usize>().ok()) {
            return match self.assets.get(id.wrapping_sub(1)) {
                Some(a) => Response::json("200 OK", a.to_string()),
                None => Self::envelope("Asset does not exist."),
            };
        }
        Self::envelope("404 endpoint not found")
    }
}

/// Serves the simulator until the listener fails.
pub fn serve(listener: TcpListener, simulator: Simulator) {
    crate::http::serve(listener, move |req| simulator.handle(req));
}
