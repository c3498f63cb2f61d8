//! Simulators of the threat intel services, one server, each vendor under
//! its own path prefix (the deployment points each connector's base URL
//! there). Each reproduces the vendor's documented requests and replies
//! (`../shared/cookbook/vendor-apis.md`, the vendors' public docs):
//!
//! - `/virustotal/api/v3`: VirusTotal v3, `x-apikey`; `files/{hash}`,
//!   `ip_addresses/{ip}`, `domains/{domain}`, `urls/{base64url id}`; errors
//!   as `{"error":{"code","message"}}` (401 `WrongCredentialsError`, 404
//!   `NotFoundError`, 429 `QuotaExceededError` with `Retry-After`).
//! - `/abuseipdb/api/v2`: AbuseIPDB `check?ipAddress=`, header `Key`, with
//!   `X-RateLimit-Limit/Remaining/Reset` on every answer and 429 with
//!   `Retry-After` once the daily limit is spent; errors as
//!   `{"errors":[{"detail","status"}]}`.
//! - `/greynoise/v3/community/{ip}`: GreyNoise community, header `key`;
//!   404 with its "not observed" message.
//! - `/shodan/shodan/host/{ip}?key=`: Shodan host lookup; 404
//!   `{"error":"No information available for that IP."}`, 401 for a bad key.
//! - `/urlscan/api/v1/search/?q=`: urlscan.io search (Elasticsearch query
//!   string), header `API-Key`.
//! - `/misp/attributes/restSearch`: MISP's attribute search (POST, JSON
//!   body with `value`), header `Authorization: <key>`; 403 with MISP's
//!   "Authentication failed" body for a bad key.
//!
//! - `/rdap/…`: RDAP registries (RFC 9082/9083, no key):
//!   `/rdap/bootstrap/{dns,ipv4,ipv6}.json` are IANA-style bootstrap files
//!   (RFC 9224) naming this server's registries for `.com`, `.test`,
//!   `185.0.0.0/8`, `45.0.0.0/8` and `2001:db8::/32`; `/rdap/verisign/domain/{name}`,
//!   `/rdap/arin/ip/{addr}` (which refers 185/8 addresses on to
//!   `/rdap/ripe/` with a 301, as registries do for blocks they do not
//!   hold) and `/rdap/ripe/ip/{addr}`; errors as `{"errorCode","title",
//!   "description"}`, 404 for what is not registered, 429 with `Retry-After`.
//!   `/rdap/old-bootstrap/` serves files published before the shipped ones.
//!
//! Every request is logged (method, path, parameters, body) so a test can
//! prove what never reached a service; answers can be slowed and 429s
//! injected.

use crate::http::{Request, Response};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A file hash every engine flags: the lab incident's sample, which the
/// lab SIEM saw run on WKS-FIN-042.
pub const BAD_SHA256: &str = crate::BAD_SHA256;
/// A file hash nobody has seen.
pub const UNKNOWN_SHA256: &str = "3a6eb0790f39ac87c94f3856b2dd2c5d110e6811602261a9a923d3bb23adc8b7";
/// A Tor exit node with a bad name everywhere.
pub const BAD_IP: &str = "185.220.101.4";
/// A hosting address some have reported.
pub const SUSPICIOUS_IP: &str = "45.155.205.233";
/// The lab incident's phishing domain.
pub const BAD_DOMAIN: &str = crate::BAD_DOMAIN;

#[derive(Default)]
struct State {
    log: Vec<String>,
    /// Vendor → 429s still to send.
    throttle: BTreeMap<String, u32>,
    abuseipdb_used: u64,
}

/// The intel simulators' shared state; clone it to inspect the log.
#[derive(Clone)]
pub struct Simulator {
    key: String,
    latency: Duration,
    abuseipdb_daily: u64,
    state: Arc<Mutex<State>>,
}

impl Simulator {
    /// Every vendor accepts `key`; answers take `latency`.
    pub fn new(key: &str, latency: Duration) -> Simulator {
        Simulator { key: key.into(), latency, abuseipdb_daily: 1000, state: Arc::new(Mutex::new(State::default())) }
    }

    /// AbuseIPDB's daily limit (its quota headers count down from it).
    pub fn with_abuseipdb_daily_limit(mut self, limit: u64) -> Simulator {
        self.abuseipdb_daily = limit;
        self
    }

    /// The next `n` calls to `vendor` (`virustotal`, `abuseipdb`…) answer 429.
    pub fn throttle(&self, vendor: &str, n: u32) {
        if let Ok(mut s) = self.state.lock() {
            s.throttle.insert(vendor.into(), n);
        }
    }

    /// Every request so far: `METHOD /path k=v … body`.
    pub fn log(&self) -> Vec<String> {
        self.state.lock().map(|s| s.log.clone()).unwrap_or_default()
    }

    pub fn handle(&self, req: &Request) -> Response {
        std::thread::sleep(self.latency);
        let params: BTreeMap<&String, &String> = req.params.iter().collect();
        let line = format!(
            "{} {} {} {}",
            req.method,
            req.path,
            params.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(" "),
            String::from_utf8_lossy(&req.body)
        );
        let vendor = req.path.trim_start_matches('/').split('/').next().unwrap_or("").to_string();
        let throttled = match self.state.lock() {
            Ok(mut s) => {
                s.log.push(line);
                match s.throttle.get_mut(&vendor) {
                    Some(n) if *n > 0 => {
                        *n -= 1;
                        true
                    }
                    _ => false,
                }
            }
            Err(_) => false,
        };
        let rest = req.path.strip_prefix(&format!("/{vendor}")).unwrap_or("");
        match vendor.as_str() {
            "virustotal" => self.virustotal(req, rest, throttled),
            "abuseipdb" => self.abuseipdb(req, rest, throttled),
            "greynoise" => self.greynoise(req, rest, throttled),
            "shodan" => self.shodan(req, rest, throttled),
            "urlscan" => self.urlscan(req, rest, throttled),
            "misp" => self.misp(req, rest),
            "rdap" => rdap(req, rest, throttled),
            _ => Response::json("404 Not Found", r#"{"error":"no such service"}"#),
        }
    }

    fn virustotal(&self, req: &Request, rest: &str, throttled: bool) -> Response {
        let error =
            |status: &'static str, code: &str, message: &str| Response::json(status, json!({ "error": { "code": code, "message": message } }).to_string());
        match req.header("x-apikey") {
            None => return error("401 Unauthorized", "AuthenticationRequiredError", "X-Apikey header is missing"),
            Some(k) if k != self.key => return error("401 Unauthorized", "WrongCredentialsError", "Wrong API key"),
            _ => {}
        }
        if throttled {
            let mut r = error("429 Too Many Requests", "QuotaExceededError", "Quota exceeded");
            r.headers.push(("Retry-After", "1".into()));
            return r;
        }
        let Some(rest) = rest.strip_prefix("/api/v3/") else { return error("404 Not Found", "NotFoundError", "Resource not found") };
        let (collection, id) = rest.split_once('/').unwrap_or((rest, ""));
        let stats = |malicious: u32, suspicious: u32| json!({ "malicious": malicious, "suspicious": suspicious, "harmless": 60 - malicious.min(60), "undetected": 10, "timeout": 0 });
        let (kind, attributes) = match (collection, id) {
            ("files", h) if h.eq_ignore_ascii_case(BAD_SHA256) => (
                "file",
                json!({ "last_analysis_stats": stats(41, 2), "reputation": -73, "meaningful_name": "invoice_0412.exe", "type_description": "Win32 EXE", "last_analysis_date": 1_764_000_000 }),
            ),
            ("files", _) => return error("404 Not Found", "NotFoundError", &format!("File \"{id}\" not found")),
            ("ip_addresses", BAD_IP) => (
                "ip_address",
                json!({ "last_analysis_stats": stats(14, 3), "reputation": -41, "as_owner": "Example Hosting AS", "country": "DE", "last_analysis_date": 1_764_000_000 }),
            ),
            ("ip_addresses", SUSPICIOUS_IP) => (
                "ip_address",
                json!({ "last_analysis_stats": stats(2, 1), "reputation": -3, "as_owner": "Cheap VPS Ltd", "country": "NL", "last_analysis_date": 1_764_000_000 }),
            ),
            // A never-seen address: zeroed stats, not 404.
            ("ip_addresses", _) => ("ip_address", json!({ "last_analysis_stats": stats(0, 0), "reputation": 0, "last_analysis_date": 1_764_000_000 })),
            ("domains", BAD_DOMAIN) => (
                "domain",
                json!({ "last_analysis_stats": stats(9, 4), "reputation": -20, "registrar": "Example Registrar", "creation_date": 1_763_000_000, "last_analysis_date": 1_764_000_000 }),
            ),
            ("domains", _) => return error("404 Not Found", "NotFoundError", &format!("Domain \"{id}\" not found")),
            ("urls", url_id) => match crate::intel::url_from_id(url_id) {
                Some(url) if url.contains(BAD_DOMAIN) => {
                    ("url", json!({ "last_analysis_stats": stats(12, 1), "url": url, "last_analysis_date": 1_764_000_000 }))
                }
                _ => return error("404 Not Found", "NotFoundError", &format!("URL \"{url_id}\" not found")),
            },
            _ => return error("400 Bad Request", "BadRequestError", "unknown collection"),
        };
        Response::json("200 OK", json!({ "data": { "type": kind, "id": id, "links": { "self": format!("https://www.virustotal.com/api/v3/{collection}/{id}") }, "attributes": attributes } }).to_string())
    }

    fn abuseipdb(&self, req: &Request, rest: &str, throttled: bool) -> Response {
        let errors =
            |status: &'static str, code: u16, detail: &str| Response::json(status, json!({ "errors": [{ "detail": detail, "status": code }] }).to_string());
        if !req.header("accept").is_some_and(|a| a.contains("application/json")) {
            return Response::new("401 Unauthorized", "text/html", "<html><body>Authentication failed</body></html>");
        }
        if req.header("key") != Some(self.key.as_str()) {
            return errors("401 Unauthorized", 401, "Authentication failed. Your API key is either missing, incorrect, or revoked.");
        }
        let reset = 1_900_000_000u64;
        let (used, over) = match self.state.lock() {
            Ok(mut s) => {
                s.abuseipdb_used += 1;
                (s.abuseipdb_used, s.abuseipdb_used > self.abuseipdb_daily)
            }
            Err(_) => (0, false),
        };
        let quota = |mut r: Response| {
            r.headers.push(("X-RateLimit-Limit", self.abuseipdb_daily.to_string()));
            r.headers.push(("X-RateLimit-Remaining", self.abuseipdb_daily.saturating_sub(used).to_string()));
            r.headers.push(("X-RateLimit-Reset", reset.to_string()));
            r
        };
        if throttled || over {
            let mut r = quota(errors(
                "429 Too Many Requests",
                429,
                "Daily rate limit of 1000 requests exceeded for this endpoint. See headers for additional details.",
            ));
            r.headers.push(("Retry-After", if throttled { "1".into() } else { "3600".into() }));
            return r;
        }
        if rest != "/api/v2/check" {
            return quota(errors("404 Not Found", 404, "Not found"));
        }
        let ip = req.param("ipAddress").unwrap_or("");
        if ip.parse::<std::net::IpAddr>().is_err() {
            return quota(Response::json(
                "422 Unprocessable Entity",
                json!({ "errors": [{ "detail": "The ip address must be a valid IPv4 or IPv6 address (e.g. 8.8.8.8 or 2001:4860:4860::8888).", "status": 422, "source": { "parameter": "ipAddress" } }] }).to_string(),
            ));
        }
        let (score, reports, last) = match ip {
            BAD_IP => (100, 2144, Value::from("2026-11-30T22:41:07+00:00")),
            SUSPICIOUS_IP => (38, 14, Value::from("2026-11-21T09:12:44+00:00")),
            _ => (0, 0, Value::Null),
        };
        quota(Response::json(
            "200 OK",
            json!({ "data": {
                "ipAddress": ip, "isPublic": true, "ipVersion": if ip.contains(':') { 6 } else { 4 }, "isWhitelisted": null,
                "abuseConfidenceScore": score, "countryCode": "DE", "usageType": "Data Center/Web Hosting/Transit",
                "isp": "Example Hosting", "domain": "example-hosting.net", "hostnames": [], "isTor": ip == BAD_IP,
                "totalReports": reports, "numDistinctUsers": reports / 3, "lastReportedAt": last,
            } })
            .to_string(),
        ))
    }

    fn greynoise(&self, req: &Request, rest: &str, throttled: bool) -> Response {
        if req.header("key") != Some(self.key.as_str()) {
            return Response::json("401 Unauthorized", r#"{"message":"Authentication required"}"#);
        }
        if throttled {
            let mut r = Response::json(
                "429 Too Many Requests",
                r#"{"plan":"community","rate-limit":"50-lookups/week","plan_url":"https://greynoise.io/pricing","message":"You have hit your daily rate limit"}"#,
            );
            r.headers.push(("Retry-After", "1".into()));
            return r;
        }
        let ip = rest.strip_prefix("/v3/community/").unwrap_or("");
        let (classification, name, noise) = match ip {
            BAD_IP => ("malicious", "unknown", true),
            SUSPICIOUS_IP => ("unknown", "unknown", true),
            _ => {
                return Response::json(
                    "404 Not Found",
                    json!({ "ip": ip, "noise": false, "riot": false, "message": "IP not observed scanning the internet or contained in RIOT data set." })
                        .to_string(),
                );
            }
        };
        Response::json(
            "200 OK",
            json!({ "ip": ip, "noise": noise, "riot": false, "classification": classification, "name": name, "link": format!("https://viz.greynoise.io/ip/{ip}"), "last_seen": "2026-11-30", "message": "Success" }).to_string(),
        )
    }

    fn shodan(&self, req: &Request, rest: &str, throttled: bool) -> Response {
        if req.param("key") != Some(self.key.as_str()) {
            return Response::json("401 Unauthorized", r#"{"error":"Please provide a valid API key"}"#);
        }
        if throttled {
            let mut r = Response::json("429 Too Many Requests", r#"{"error":"Rate limit reached (1/second)"}"#);
            r.headers.push(("Retry-After", "1".into()));
            return r;
        }
        let ip = rest.strip_prefix("/shodan/host/").unwrap_or("");
        match ip {
            BAD_IP | SUSPICIOUS_IP => Response::json(
                "200 OK",
                json!({ "ip_str": ip, "ports": [22, 443, 9001], "hostnames": [], "org": "Example Hosting", "isp": "Example Hosting", "os": null, "asn": "AS64500", "country_code": "DE", "tags": if ip == BAD_IP { json!(["tor"]) } else { json!([]) }, "vulns": [], "last_update": "2026-11-29T12:00:00.000000" }).to_string(),
            ),
            _ => Response::json("404 Not Found", r#"{"error":"No information available for that IP."}"#),
        }
    }

    fn urlscan(&self, req: &Request, rest: &str, throttled: bool) -> Response {
        if req.header("api-key") != Some(self.key.as_str()) {
            return Response::json("401 Unauthorized", r#"{"message":"Unauthorized","status":401}"#);
        }
        if throttled {
            let mut r = Response::json("429 Too Many Requests", r#"{"message":"Rate limit exceeded","status":429}"#);
            r.headers.push(("Retry-After", "1".into()));
            r.headers.push(("X-Rate-Limit-Remaining", "0".into()));
            return r;
        }
        if rest.trim_end_matches('/') != "/api/v1/search" {
            return Response::json("404 Not Found", r#"{"message":"Not found","status":404}"#);
        }
        // `domain:"…"`, the query string syntax the connector sends, quoted.
        let q = req.param("q").unwrap_or("");
        let domain = q.strip_prefix("domain:\"").and_then(|r| r.strip_suffix('"')).map(|d| d.replace("\\\"", "\"").replace("\\\\", "\\"));
        let results = match domain.as_deref() {
            Some(BAD_DOMAIN) => json!([{
                "task": { "uuid": "5d6a2b1c-0000-4000-8000-000000000001", "time": "2026-11-28T10:00:00.000Z", "url": format!("https://{BAD_DOMAIN}/login"), "visibility": "public" },
                "page": { "domain": BAD_DOMAIN, "ip": SUSPICIOUS_IP, "country": "NL", "server": "nginx", "status": "200", "url": format!("https://{BAD_DOMAIN}/login") },
                "verdicts": { "overall": { "malicious": true, "score": 100 } },
                "result": "https://urlscan.io/api/v1/result/5d6a2b1c-0000-4000-8000-000000000001/",
            }]),
            Some(_) => json!([]),
            None => return Response::json("400 Bad Request", r#"{"message":"Invalid query","status":400}"#),
        };
        let total = results.as_array().map_or(0, Vec::len);
        Response::json("200 OK", json!({ "results": results, "total": total, "took": 12, "has_more": false }).to_string())
    }
}

impl Simulator {
    fn misp(&self, req: &Request, rest: &str) -> Response {
        if req.header("authorization") != Some(self.key.as_str()) {
            return Response::json(
                "403 Forbidden",
                json!({ "name": "Authentication failed. Please make sure you pass the API key of an API enabled user along in the Authorization header.", "message": "Authentication failed. Please make sure you pass the API key of an API enabled user along in the Authorization header.", "url": "/attributes/restSearch" }).to_string(),
            );
        }
        if req.method != "POST" || rest != "/attributes/restSearch" {
            return Response::json("404 Not Found", r#"{"name":"Not Found","message":"Not Found","url":"/"}"#);
        }
        let body: Value = serde_json::from_slice(&req.body).unwrap_or(Value::Null);
        let value = body["value"].as_str().unwrap_or("");
        let attributes = match value {
            v if v.eq_ignore_ascii_case(BAD_SHA256) => json!([{
                "id": "1201", "event_id": "77", "object_id": "0", "category": "Payload delivery", "type": "sha256", "to_ids": true,
                "value": v, "timestamp": "1763900000", "comment": "dropper seen at two members",
                "Event": { "id": "77", "info": "Invoice-themed dropper campaign", "org_id": "1", "orgc_id": "4", "uuid": "5e0f2a8c-0000-4000-8000-000000000077" }
            }]),
            SUSPICIOUS_IP => json!([{
                "id": "1300", "event_id": "81", "object_id": "0", "category": "Network activity", "type": "ip-dst", "to_ids": false,
                "value": SUSPICIOUS_IP, "timestamp": "1763000000", "comment": "",
                "Event": { "id": "81", "info": "Scanning infrastructure (low confidence)", "org_id": "1", "orgc_id": "4", "uuid": "5e0f2a8c-0000-4000-8000-000000000081" }
            }]),
            _ => json!([]),
        };
        Response::json("200 OK", json!({ "response": { "Attribute": attributes } }).to_string())
    }
}

/// The bootstrap file `file` (`dns.json`, `ipv4.json`, `ipv6.json`) naming
/// the simulated registries under `base` (`http://host:port/rdap`).
pub fn rdap_bootstrap(base: &str, publication: &str, file: &str) -> Option<Value> {
    let services = match file {
        "dns.json" => json!([[["com", "test"], [format!("{base}/verisign/")]]]),
        "ipv4.json" => json!([[["185.0.0.0/8", "45.0.0.0/8"], [format!("{base}/arin/")]], [["203.0.113.0/24"], ["http://203.0.113.1/rdap/"]]]),
        "ipv6.json" => json!([[["2001:db8::/32"], [format!("{base}/ripe/")]]]),
        _ => return None,
    };
    Some(json!({ "description": "RDAP bootstrap file (lab)", "publication": publication, "services": services, "version": "1.0" }))
}

/// The registration date of the lab's phishing domain: days before now.
pub const BAD_DOMAIN_AGE_DAYS: i64 = 9;

fn rdap(req: &Request, rest: &str, throttled: bool) -> Response {
    let error = |status: &'static str, code: u16, title: &str| {
        Response::new(status, "application/rdap+json", json!({ "errorCode": code, "title": title, "description": [title] }).to_string())
    };
    if throttled {
        let mut r = error("429 Too Many Requests", 429, "Too many requests");
        r.headers.push(("Retry-After", "1".into()));
        return r;
    }
    let host = req.header("host").unwrap_or("127.0.0.1");
    let base = format!("http://{host}/rdap");
    let (registry, path) = rest.trim_start_matches('/').split_once('/').unwrap_or((rest.trim_start_matches('/'), ""));
    let published = match registry {
        "bootstrap" => "2026-11-30T00:00:00Z",
        "old-bootstrap" => "2025-01-01T00:00:00Z",
        _ => "",
    };
    if !published.is_empty() {
        return match rdap_bootstrap(&base, published, path) {
            Some(file) => Response::json("200 OK", file.to_string()),
            None => error("404 Not Found", 404, "Not Found"),
        };
    }
    let notices = json!([{ "title": "Terms of Use", "description": ["Lab registry data."] }]);
    let vcard = |name: &str, email: Option<&str>| {
        let mut props = vec![json!(["version", {}, "text", "4.0"]), json!(["fn", {}, "text", name])];
        if let Some(e) = email {
            props.push(json!(["email", {}, "text", e]));
        }
        json!(["vcard", props])
    };
    let now = chrono::Utc::now();
    let day = |days_ago: i64| (now - chrono::Duration::days(days_ago)).format("%Y-%m-%dT%H:%M:%SZ").to_string();
    match (registry, path.split_once('/')) {
        ("verisign", Some(("domain", name))) => match name.to_ascii_lowercase().as_str() {
            BAD_DOMAIN => Response::new(
                "200 OK",
                "application/rdap+json",
                json!({
                    "objectClassName": "domain", "handle": "2941751234_DOMAIN_COM-VRSN", "ldhName": BAD_DOMAIN.to_ascii_uppercase(),
                    "status": ["client transfer prohibited"],
                    "events": [
                        { "eventAction": "registration", "eventDate": day(BAD_DOMAIN_AGE_DAYS) },
                        { "eventAction": "expiration", "eventDate": day(BAD_DOMAIN_AGE_DAYS - 365) },
                        { "eventAction": "last changed", "eventDate": day(BAD_DOMAIN_AGE_DAYS - 1) }
                    ],
                    "entities": [{
                        "objectClassName": "entity", "handle": "1606", "roles": ["registrar"],
                        "publicIds": [{ "type": "IANA Registrar ID", "identifier": "1606" }],
                        "vcardArray": vcard("Cheap Names Registrar LLC", None),
                        "entities": [{ "objectClassName": "entity", "roles": ["abuse"], "vcardArray": vcard("", Some("abuse@cheapnames.example")) }]
                    }],
                    "nameservers": [{ "objectClassName": "nameserver", "ldhName": "NS1.BULLETPROOF-DNS.EXAMPLE" }, { "objectClassName": "nameserver", "ldhName": "NS2.BULLETPROOF-DNS.EXAMPLE" }],
                    "secureDNS": { "delegationSigned": false },
                    "rdapConformance": ["rdap_level_0", "icann_rdap_technical_implementation_guide_1"], "notices": notices
                })
                .to_string(),
            ),
            "example.com" => Response::new(
                "200 OK",
                "application/rdap+json",
                json!({
                    "objectClassName": "domain", "handle": "2336799_DOMAIN_COM-VRSN", "ldhName": "EXAMPLE.COM", "status": ["client delete prohibited"],
                    "events": [{ "eventAction": "registration", "eventDate": "1995-08-14T04:00:00Z" }, { "eventAction": "expiration", "eventDate": "2027-08-13T04:00:00Z" }],
                    "entities": [{ "objectClassName": "entity", "roles": ["registrar"], "publicIds": [{ "type": "IANA Registrar ID", "identifier": "376" }], "vcardArray": vcard("RESERVED-Internet Assigned Numbers Authority", None) }],
                    "nameservers": [{ "objectClassName": "nameserver", "ldhName": "A.IANA-SERVERS.NET" }], "secureDNS": { "delegationSigned": true },
                    "rdapConformance": ["rdap_level_0"], "notices": notices
                })
                .to_string(),
            ),
            _ => error("404 Not Found", 404, "Not Found"),
        },
        ("arin", Some(("ip", addr))) if addr.starts_with("185.") => {
            let mut r = Response::new("301 Moved Permanently", "application/rdap+json", "");
            r.headers.push(("Location", format!("{base}/ripe/ip/{addr}")));
            r
        }
        ("arin" | "ripe", Some(("ip", addr))) => {
            let (name, handle, start, end, holder, country) = match addr {
                BAD_IP => ("TOR-EXIT-LAB", "185.220.101.0 - 185.220.101.255", "185.220.101.0", "185.220.101.255", "Relay Operators e.V.", "DE"),
                SUSPICIOUS_IP => ("HOSTING-LAB-NET", "NET-45-155-205-0-1", "45.155.205.0", "45.155.205.255", "Example Hosting Ltd", "NL"),
                _ => return error("404 Not Found", 404, "Not Found"),
            };
            Response::new(
                "200 OK",
                "application/rdap+json",
                json!({
                    "objectClassName": "ip network", "handle": handle, "startAddress": start, "endAddress": end, "ipVersion": "v4",
                    "name": name, "type": "ASSIGNED PA", "country": country, "status": ["active"],
                    "events": [{ "eventAction": "registration", "eventDate": "2019-04-02T10:00:00Z" }, { "eventAction": "last changed", "eventDate": "2026-03-01T09:00:00Z" }],
                    "entities": [
                        { "objectClassName": "entity", "handle": "ORG-LAB1", "roles": ["registrant"], "vcardArray": vcard(holder, None) },
                        { "objectClassName": "entity", "handle": "ABUSE-LAB1", "roles": ["abuse"], "vcardArray": vcard("Abuse desk", Some("abuse@hosting.example")) }
                    ],
                    "rdapConformance": ["rdap_level_0", "cidr0"], "notices": notices
                })
                .to_string(),
            )
        }
        _ => error("404 Not Found", 404, "Not Found"),
    }
}

/// VirusTotal's URL identifier back to the URL (base64url without padding).
pub fn url_from_id(id: &str) -> Option<String> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut bits = 0u32;
    let mut count = 0;
    let mut out = Vec::new();
    for c in id.bytes() {
        let v = ALPHABET.iter().position(|&a| a == c)? as u32;
        bits = (bits << 6) | v;
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
            bits &= (1 << count) - 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Serves the simulators until the listener fails.
pub fn serve(listener: TcpListener, simulator: Simulator) {
    crate::http::serve(listener, move |req| simulator.handle(req));
}

/// Writes bootstrap files naming this simulator's registries (served at
/// `url`, `http://host:port`) into `dir`: what the demo and tests point the
/// RDAP connector's `bootstrap_dir` at.
pub fn write_rdap_bootstrap(dir: &std::path::Path, url: &str) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    for file in ["dns.json", "ipv4.json", "ipv6.json"] {
        let text = rdap_bootstrap(&format!("{url}/rdap"), "2026-11-30T00:00:00Z", file).map(|v| v.to_string()).unwrap_or_default();
        std::fs::write(dir.join(file), text)?;
    }
    Ok(())
}
