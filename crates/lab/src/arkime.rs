//! An Arkime viewer simulator (`../shared/cookbook/vendor-apis.md` §10):
//! HTTP Digest authentication (a 401 with `WWW-Authenticate: Digest
//! realm="Moloch", nonce, qop="auth"`, then the `Authorization: Digest`
//! answer checked), `GET /api/sessions` (also the old `/sessions.json`) with
//! `expression` (`ip == A`, `host == H`), `startTime`/`stopTime` in epoch
//! seconds and `length`, answering `recordsTotal`, `recordsFiltered` and
//! `data` in the v3+ layout (`source.ip`, `firstPacket` in milliseconds).
//! The captured sessions are the lab incident's: WKS-FIN-042 (10.20.1.42)
//! talking to the lab's bad IP, and the bad hash's download.

use crate::http::{Request, Response};
use serde_json::{Value, json};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

const REALM: &str = "Moloch";
const NONCE: &str = "dcd98b7102dd2f0e8b11d0f600bfb0c093";

/// A captured session: (first packet ms, last packet ms, source, destination, packets, bytes, http sha256).
type Captured = (i64, i64, (&'static str, u16), (&'static str, u16), u64, u64, Option<&'static str>);

#[derive(Clone)]
pub struct Simulator {
    username: String,
    password: String,
    sessions: Vec<Captured>,
    log: Arc<Mutex<Vec<String>>>,
}

impl Simulator {
    /// The viewer with the lab incident's sessions.
    pub fn new(username: &str, password: &str) -> Simulator {
        // 2026-11-20T04:00:00Z and the bad IP's sessions (2026-11-19/20 02:00).
        let t = |s: &str| chrono_free_epoch_ms(s);
        let sessions = vec![
            (t("2026-11-20T03:58:30Z"), t("2026-11-20T03:59:10Z"), ("10.20.1.42", 51544), (crate::BAD_IP, 443), 310, 402_113, Some(crate::BAD_SHA256)),
            (t("2026-11-19T02:00:05Z"), t("2026-11-19T02:04:40Z"), ("10.20.1.42", 50122), (crate::BAD_IP, 8443), 88, 61_422, None),
            (t("2026-11-20T02:00:01Z"), t("2026-11-20T02:00:55Z"), ("10.20.1.42", 50988), (crate::BAD_IP, 8443), 41, 20_480, None),
            (t("2026-11-20T05:30:00Z"), t("2026-11-20T05:31:00Z"), ("10.20.7.7", 40000), ("198.51.100.9", 443), 12, 4_000, None),
        ];
        Simulator { username: username.into(), password: password.into(), sessions, log: Arc::default() }
    }

    /// Every request so far: `METHOD path expression startTime stopTime`.
    pub fn log(&self) -> Vec<String> {
        self.log.lock().map(|l| l.clone()).unwrap_or_default()
    }

    fn challenge() -> Response {
        let mut r = Response::new("401 Unauthorized", "text/plain", "Unauthorized");
        r.headers.push(("WWW-Authenticate", format!("Digest realm=\"{REALM}\", nonce=\"{NONCE}\", qop=\"auth\", opaque=\"arkime\"")));
        r
    }

    /// Whether the `Authorization: Digest` header answers our challenge.
    fn authorised(&self, req: &Request, uri: &str) -> bool {
        let Some(h) = req.header("authorization").and_then(|h| h.strip_prefix("Digest ")) else { return false };
        let mut p = std::collections::HashMap::new();
        for part in split_params(h) {
            if let Some((k, v)) = part.split_once('=') {
                p.insert(k.trim().to_string(), v.trim().trim_matches('"').to_string());
            }
        }
        let get = |k: &str| p.get(k).map(String::as_str).unwrap_or("");
        if get("username") != self.username || get("realm") != REALM || get("nonce") != NONCE || get("uri") != uri || get("qop") != "auth" {
            return false;
        }
        let ha1 = md5_hex(&format!("{}:{REALM}:{}", self.username, self.password));
        let ha2 = md5_hex(&format!("{}:{uri}", req.method));
        get("response") == md5_hex(&format!("{ha1}:{NONCE}:{}:{}:auth:{ha2}", get("nc"), get("cnonce")))
    }

    pub fn handle(&self, req: &Request, uri: &str) -> Response {
        if !self.authorised(req, uri) {
            return Self::challenge();
        }
        if req.path != "/api/sessions" && req.path != "/sessions.json" {
            return Response::json("404 Not Found", r#"{"success":false,"text":"Not found"}"#);
        }
        let expression = req.param("expression").unwrap_or("");
        let start = req.param("startTime").and_then(|s| s.parse::<i64>().ok()).unwrap_or(0) * 1000;
        let stop = req.param("stopTime").and_then(|s| s.parse::<i64>().ok()).unwrap_or(i64::MAX / 1000) * 1000;
        let length = req.param("length").and_then(|l| l.parse::<usize>().ok()).unwrap_or(100);
        if let Ok(mut l) = self.log.lock() {
            l.push(format!("{} {} {expression} {start} {stop}", req.method, req.path));
        }
        let Some((field, value)) = expression.split_once(" == ") else {
            return Response::json("400 Bad Request", r#"{"success":false,"text":"Couldn't compile expression"}"#);
        };
        let matching: Vec<&Captured> = self
            .sessions
            .iter()
            .filter(|s| s.0 <= stop && s.1 >= start)
            .filter(|s| match field {
                "ip" => s.2.0 == value || s.3.0 == value,
                "http.sha256" => s.6 == Some(value),
                _ => false,
            })
            .collect();
        let data: Vec<Value> = matching
            .iter()
            .take(length)
            .enumerate()
            .map(|(n, s)| {
                json!({
                    "id": format!("3@261120-{n:02}Yg7OpiE4Pi1PFaRq"), "node": "sensor1", "rootId": format!("261120-{n:02}"),
                    "firstPacket": s.0, "lastPacket": s.1, "ipProtocol": 6,
                    "source": { "ip": s.2.0, "port": s.2.1, "bytes": s.5 / 10, "packets": s.4 / 2, "geo": {}, "as": {} },
                    "destination": { "ip": s.3.0, "port": s.3.1, "bytes": s.5 - s.5 / 10, "packets": s.4 - s.4 / 2, "geo": {}, "as": {} },
                    "network": { "bytes": s.5, "packets": s.4 }, "totDataBytes": s.5 * 9 / 10,
                })
            })
            .collect();
        Response::json("200 OK", json!({ "recordsTotal": 6_420_810, "recordsFiltered": matching.len(), "data": data, "graph": {}, "map": {} }).to_string())
    }
}

/// `a="x, y", b=z` split at commas outside quotes.
fn split_params(s: &str) -> Vec<String> {
    let (mut out, mut cur, mut quoted) = (Vec::new(), String::new(), false);
    for c in s.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                cur.push(c);
            }
            ',' if !quoted => out.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    out.push(cur);
    out
}

fn md5_hex(text: &str) -> String {
    use md5::{Digest, Md5};
    Md5::digest(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// `2026-11-20T04:00:00Z` in epoch milliseconds (UTC, whole seconds).
fn chrono_free_epoch_ms(s: &str) -> i64 {
    let n = |a: usize, b: usize| s.get(a..b).and_then(|x| x.parse::<i64>().ok()).unwrap_or(0);
    let (y, m, d, hh, mm, ss) = (n(0, 4), n(5, 7), n(8, 10), n(11, 13), n(14, 16), n(17, 19));
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    (days * 86_400 + hh * 3600 + mm * 60 + ss) * 1000
}

/// Serves the simulator until the listener fails. The Digest `uri` is the
/// request target as sent (path and query).
pub fn serve(listener: TcpListener, simulator: Simulator) {
    crate::http::serve(listener, move |req| {
        let uri = req.target.clone();
        simulator.handle(req, &uri)
    });
}

#[cfg(test)]
mod tests {
    #[test]
    fn epoch_milliseconds_of_a_date() {
        assert_eq!(super::chrono_free_epoch_ms("1970-01-01T00:00:00Z"), 0);
        assert_eq!(super::chrono_free_epoch_ms("2026-11-20T04:00:00Z"), 1_795_147_200_000);
    }
}
