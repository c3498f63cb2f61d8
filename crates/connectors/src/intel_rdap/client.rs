//! Asking a registry: `GET {base}domain/{name}` and `GET {base}ip/{address}`
//! with `Accept: application/rdap+json`, redirects between registries
//! followed, the answer (RFC 9083) read into a registration summary.

use super::bootstrap::{Bootstrap, BootstrapError};
use super::config::RdapConfig;
use crate::http::client::retry_after_duration;
use chrono::{DateTime, Utc};
use drawbridge_net::tls;
use serde::Serialize;
use serde_json::Value;
use std::net::IpAddr;
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum RdapError {
    #[error("RDAP configuration: {0}")]
    Config(String),
    #[error(transparent)]
    Bootstrap(#[from] BootstrapError),
    #[error("refused: {0}")]
    Invalid(String),
    #[error("no RDAP registry serves {0} (IANA's bootstrap files have no entry for it)")]
    NoRegistry(String),
    #[error("the registry of {0} publishes only plain HTTP ({1}); set allow_http to ask it")]
    PlainHttp(String, String),
    #[error("RDAP registry unreachable at {0}: {1}")]
    Unreachable(String, String),
    #[error("RDAP registry {url} answered {status}: {body}")]
    Status { url: String, status: u16, body: String, retry_after: Option<Duration> },
    #[error("RDAP answer from {0} unreadable: {1}")]
    Answer(String, String),
}

/// A domain's registration.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct DomainRegistration {
    #[schemars(extend("x-class" = "reputation", "x-label" = "Domain"))]
    pub domain: String,
    #[schemars(extend("x-class" = "reputation", "x-label" = "Registrar"))]
    pub registrar: Option<String>,
    #[schemars(extend("x-class" = "reputation", "x-label" = "Registrar IANA ID"))]
    pub registrar_iana_id: Option<String>,
    #[schemars(extend("x-class" = "reputation", "x-label" = "Registered"))]
    pub registered: Option<String>,
    /// Days since registration when asked: young domains are a classic
    /// sign of phishing infrastructure.
    #[schemars(extend("x-class" = "reputation", "x-label" = "Days since registration"))]
    pub registered_days_ago: Option<i64>,
    #[schemars(extend("x-class" = "reputation", "x-label" = "Expires"))]
    pub expires: Option<String>,
    #[schemars(extend("x-class" = "reputation", "x-label" = "Registration last changed"))]
    pub last_changed: Option<String>,
    #[schemars(extend("x-class" = "reputation", "x-label" = "Registry status"))]
    pub status: Vec<String>,
    #[schemars(extend("x-class" = "reputation", "x-label" = "Name servers"))]
    pub nameservers: Vec<String>,
    #[schemars(extend("x-class" = "reputation", "x-label" = "DNSSEC signed"))]
    pub dnssec: Option<bool>,
    #[schemars(extend("x-class" = "reputation", "x-label" = "Abuse contact"))]
    pub abuse_email: Option<String>,
    /// The registry that answered (after redirects).
    #[schemars(extend("x-class" = "technical", "x-label" = "RDAP registry"))]
    pub registry: String,
}

/// The registered network an address belongs to.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct NetworkRegistration {
    #[schemars(extend("x-class" = "reputation", "x-label" = "Network"))]
    pub network: Option<String>,
    #[schemars(extend("x-class" = "reputation", "x-label" = "Network handle"))]
    pub handle: Option<String>,
    #[schemars(extend("x-class" = "reputation", "x-label" = "Address range"))]
    pub range: Option<String>,
    #[schemars(extend("x-class" = "reputation", "x-label" = "Holder"))]
    pub holder: Option<String>,
    #[schemars(extend("x-class" = "reputation", "x-label" = "Country"))]
    pub country: Option<String>,
    #[schemars(extend("x-class" = "reputation", "x-label" = "Allocation type"))]
    pub allocation: Option<String>,
    #[schemars(extend("x-class" = "reputation", "x-label" = "Abuse contact"))]
    pub abuse_email: Option<String>,
    #[schemars(extend("x-class" = "reputation", "x-label" = "Registered"))]
    pub registered: Option<String>,
    #[schemars(extend("x-class" = "reputation", "x-label" = "Registration last changed"))]
    pub last_changed: Option<String>,
    #[schemars(extend("x-class" = "technical", "x-label" = "RDAP registry"))]
    pub registry: String,
}

pub struct Rdap {
    http: reqwest::Client,
    cfg: RdapConfig,
    bootstrap: Bootstrap,
}

/// Redirects followed between registries at most.
const MAX_REDIRECTS: usize = 3;

impl Rdap {
    pub fn new(cfg: &RdapConfig) -> Result<Rdap, RdapError> {
        let http = tls::http_client(cfg.ca_file.as_deref(), cfg.allow_tls12, Duration::from_secs(cfg.timeout_seconds.max(1))).map_err(RdapError::Config)?;
        Ok(Rdap { http, cfg: cfg.clone(), bootstrap: Bootstrap::load(cfg.bootstrap_dir.as_deref())? })
    }

    pub fn bootstrap(&self) -> &Bootstrap {
        &self.bootstrap
    }

    /// The service to ask among a registry's base URLs: HTTPS first.
    fn base<'a>(&self, what: &str, urls: &'a [String]) -> Result<&'a str, RdapError> {
        if let Some(https) = urls.iter().find(|u| u.starts_with("https://")) {
            return Ok(https);
        }
        match urls.first() {
            Some(http) if self.cfg.allow_http => Ok(http),
            Some(http) => Err(RdapError::PlainHttp(what.into(), http.clone())),
            None => Err(RdapError::NoRegistry(what.into())),
        }
    }

    /// The URL a domain lookup asks.
    pub fn domain_url(&self, domain: &str) -> Result<String, RdapError> {
        let name = host_name(domain)?;
        let urls = self.bootstrap.for_domain(&name).ok_or_else(|| RdapError::NoRegistry(name.clone()))?;
        Ok(format!("{}domain/{name}", self.base(&name, urls)?))
    }

    /// The URL an address lookup asks.
    pub fn ip_url(&self, ip: &str) -> Result<String, RdapError> {
        let addr: IpAddr = ip.trim().parse().map_err(|_| RdapError::Invalid(format!("{ip:?} is not an IP address")))?;
        let urls = self.bootstrap.for_address(addr).ok_or_else(|| RdapError::NoRegistry(addr.to_string()))?;
        Ok(format!("{}ip/{addr}", self.base(&addr.to_string(), urls)?))
    }

    /// GET with redirects followed; `None` for 404.
    async fn get(&self, first: String) -> Result<Option<(String, Value)>, RdapError> {
        let mut url = first;
        for _ in 0..=MAX_REDIRECTS {
            let unreachable = |e: reqwest::Error| RdapError::Unreachable(origin(&url), e.without_url().to_string());
            let resp = self.http.get(&url).header("Accept", "application/rdap+json").send().await.map_err(unreachable)?;
            let status = resp.status();
            if status.is_redirection() {
                let to = resp.headers().get("location").and_then(|l| l.to_str().ok()).map(str::to_string);
                let to = to.ok_or_else(|| RdapError::Answer(origin(&url), "a redirect without Location".into()))?;
                if !(to.starts_with("https://") || (self.cfg.allow_http && to.starts_with("http://"))) {
                    return Err(RdapError::Answer(origin(&url), format!("redirect to {} refused (HTTPS only)", origin(&to))));
                }
                url = to;
                continue;
            }
            if status == reqwest::StatusCode::NOT_FOUND {
                return Ok(None);
            }
            let retry_after = resp.headers().get("retry-after").and_then(|v| v.to_str().ok()).and_then(|r| retry_after_duration(r, std::time::SystemTime::now()));
            let text = resp.text().await.map_err(unreachable)?;
            if !status.is_success() {
                // RFC 9083 §6: {"errorCode", "title", "description": [...]}.
                let body = serde_json::from_str::<Value>(&text)
                    .ok()
                    .and_then(|v| v["title"].as_str().map(str::to_string))
                    .unwrap_or_else(|| text.chars().take(200).collect());
                return Err(RdapError::Status { url: origin(&url), status: status.as_u16(), body, retry_after });
            }
            let v: Value = serde_json::from_str(&text).map_err(|e| RdapError::Answer(origin(&url), e.to_string()))?;
            return Ok(Some((registry(&url), v)));
        }
        Err(RdapError::Answer(origin(&url), format!("more than {MAX_REDIRECTS} redirects")))
    }

    pub async fn domain(&self, domain: &str) -> Result<Option<DomainRegistration>, RdapError> {
        let Some((registry, v)) = self.get(self.domain_url(domain)?).await? else { return Ok(None) };
        if v["objectClassName"].as_str() != Some("domain") {
            return Err(RdapError::Answer(registry, "not a domain object".into()));
        }
        let registrar = entity(&v, "registrar");
        let registered = event(&v, "registration");
        Ok(Some(DomainRegistration {
            domain: v["ldhName"].as_str().map(str::to_ascii_lowercase).unwrap_or_else(|| domain.to_ascii_lowercase()),
            registrar: registrar.and_then(|e| vcard(e, "fn")),
            registrar_iana_id: registrar.and_then(|e| {
                e["publicIds"].as_array()?.iter().find(|p| p["type"].as_str() == Some("IANA Registrar ID"))?["identifier"].as_str().map(str::to_string)
            }),
            registered_days_ago: registered.as_deref().and_then(days_ago),
            registered,
            expires: event(&v, "expiration"),
            last_changed: event(&v, "last changed"),
            status: strings(&v["status"]),
            nameservers: v["nameservers"].as_array().into_iter().flatten().filter_map(|n| n["ldhName"].as_str()).map(str::to_ascii_lowercase).collect(),
            dnssec: v["secureDNS"]["delegationSigned"].as_bool(),
            abuse_email: entity(&v, "abuse").and_then(|e| vcard(e, "email")),
            registry,
        }))
    }

    pub async fn ip(&self, ip: &str) -> Result<Option<NetworkRegistration>, RdapError> {
        let Some((registry, v)) = self.get(self.ip_url(ip)?).await? else { return Ok(None) };
        if v["objectClassName"].as_str() != Some("ip network") {
            return Err(RdapError::Answer(registry, "not an ip network object".into()));
        }
        let text = |k: &str| v[k].as_str().filter(|s| !s.is_empty()).map(str::to_string);
        let range = match (text("startAddress"), text("endAddress")) {
            (Some(a), Some(b)) => Some(format!("{a} – {b}")),
            _ => None,
        };
        Ok(Some(NetworkRegistration {
            network: text("name"),
            handle: text("handle"),
            range,
            holder: entity(&v, "registrant").and_then(|e| vcard(e, "fn")),
            country: text("country"),
            allocation: text("type"),
            abuse_email: entity(&v, "abuse").and_then(|e| vcard(e, "email")),
            registered: event(&v, "registration"),
            last_changed: event(&v, "last changed"),
            registry,
        }))
    }
}

/// A domain as a lower-case LDH host name, or refused: never quoted into
/// a path, only validated.
fn host_name(domain: &str) -> Result<String, RdapError> {
    let name = domain.trim().trim_end_matches('.').to_ascii_lowercase();
    let label_ok = |l: &str| !l.is_empty() && l.len() <= 63 && !l.starts_with('-') && !l.ends_with('-') && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if name.len() > 253 || !name.contains('.') || !name.split('.').all(label_ok) {
        return Err(RdapError::Invalid(format!("{domain:?} is not a domain name (IDNs as A-labels: xn--…)")));
    }
    Ok(name)
}

/// The registry's base URL: the URL without its `domain/…` or `ip/…` query.
fn registry(url: &str) -> String {
    match url.rfind("/domain/").or_else(|| url.rfind("/ip/")) {
        Some(i) => url[..=i].to_string(),
        None => origin(url),
    }
}

/// `https://host[:port]` of a URL, for messages (never the path with the value).
fn origin(url: &str) -> String {
    let rest = url.split_once("://").map(|(s, r)| (s, r.split('/').next().unwrap_or(""))).map(|(s, h)| format!("{s}://{h}"));
    rest.unwrap_or_else(|| url.chars().take(60).collect())
}

fn event(v: &Value, action: &str) -> Option<String> {
    v["events"].as_array()?.iter().find(|e| e["eventAction"].as_str() == Some(action))?["eventDate"].as_str().map(str::to_string)
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array().into_iter().flatten().filter_map(|s| s.as_str()).map(str::to_string).collect()
}

/// The first entity, at any depth, that has `role`.
fn entity<'a>(v: &'a Value, role: &str) -> Option<&'a Value> {
    v["entities"].as_array()?.iter().find_map(|e| {
        let has = e["roles"].as_array().is_some_and(|r| r.iter().any(|x| x.as_str() == Some(role)));
        if has { Some(e) } else { entity(e, role) }
    })
}

/// A jCard property's text (`fn`, `email`): `["vcard", [[name, params, type, value], …]]`.
fn vcard(entity: &Value, property: &str) -> Option<String> {
    entity["vcardArray"][1].as_array()?.iter().find(|p| p[0].as_str() == Some(property))?[3].as_str().filter(|s| !s.is_empty()).map(str::to_string)
}

fn days_ago(date: &str) -> Option<i64> {
    let t = DateTime::parse_from_rfc3339(date).ok()?;
    Some((Utc::now() - t.with_timezone(&Utc)).num_days())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn values_are_validated_never_quoted() {
        for bad in ["a/../b.com", "x y.com", "com", "-a.com", "a.com/ip", "ex%41mple.com", "münchen.de"] {
            assert!(matches!(host_name(bad), Err(RdapError::Invalid(_))), "{bad}");
        }
        assert_eq!(host_name("Login-Verify-Portal.COM.").unwrap(), "login-verify-portal.com");
        assert_eq!(host_name("xn--mnchen-3ya.de").unwrap(), "xn--mnchen-3ya.de");
    }

    #[test]
    fn registrar_and_abuse_contact_are_found_in_nested_entities() {
        let v = json!({"entities": [{"roles": ["registrar"], "vcardArray": ["vcard", [["version", {}, "text", "4.0"], ["fn", {}, "text", "Example Registrar, Inc."]]],
            "entities": [{"roles": ["abuse"], "vcardArray": ["vcard", [["fn", {}, "text", ""], ["email", {}, "text", "abuse@registrar.example"]]]}]}]});
        assert_eq!(entity(&v, "registrar").and_then(|e| vcard(e, "fn")).as_deref(), Some("Example Registrar, Inc."));
        assert_eq!(entity(&v, "abuse").and_then(|e| vcard(e, "email")).as_deref(), Some("abuse@registrar.example"));
        assert!(entity(&v, "registrant").is_none());
    }

    #[test]
    fn messages_name_the_registry_not_the_value() {
        assert_eq!(origin("https://rdap.verisign.com/com/v1/domain/secret.com"), "https://rdap.verisign.com");
    }
}
