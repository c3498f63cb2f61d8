//! `GET /api/sessions` behind HTTP Digest: the sessions in a time range.

use super::config::ArkimeConfig;
use super::digest;
use super::query::{self, ExpressionError};
use chrono::{DateTime, Utc};
use drawbridge_model::Kind;
use drawbridge_net::{secrets, tls};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Serialize;
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum ArkimeError {
    #[error("Arkime configuration: {0}")]
    Config(String),
    #[error(transparent)]
    Expression(#[from] ExpressionError),
    #[error("Arkime unreachable at {0}: {1}")]
    Unreachable(String, String),
    #[error("Arkime answered {status}: {body}")]
    Status { status: u16, body: String },
    #[error("Arkime answer unreadable: {0}")]
    Answer(String),
    #[error(transparent)]
    Secret(#[from] secrets::SecretError),
}

impl ArkimeError {
    pub fn is_transient(&self) -> bool {
        match self {
            ArkimeError::Unreachable(..) => true,
            ArkimeError::Status { status, .. } => *status == 429 || *status >= 500,
            _ => false,
        }
    }
}

/// The sessions found, and where their packets are.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Sessions {
    /// Sessions matching (Arkime's `recordsFiltered`).
    #[schemars(extend("x-class" = "activity", "x-label" = "Sessions"))]
    pub total: u64,
    #[schemars(extend("x-class" = "activity", "x-label" = "Sessions"))]
    pub sessions: Vec<Session>,
    /// The size of all listed sessions' PCAP.
    #[schemars(extend("x-class" = "activity", "x-label" = "PCAP size (bytes)"))]
    pub pcap_bytes: u64,
    /// Every listed session's packets in one PCAP.
    #[schemars(extend("x-class" = "technical", "x-label" = "PCAP download"))]
    pub download_all: String,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Session {
    #[schemars(extend("x-class" = "technical", "x-label" = "Session"))]
    pub id: String,
    #[schemars(extend("x-class" = "technical", "x-label" = "Capture node"))]
    pub node: String,
    #[schemars(extend("x-class" = "activity", "x-label" = "First packet"))]
    pub first_packet: String,
    #[schemars(extend("x-class" = "activity", "x-label" = "Last packet"))]
    pub last_packet: String,
    #[schemars(extend("x-class" = "internal_ip", "x-label" = "Source"))]
    pub source: String,
    #[schemars(extend("x-class" = "activity", "x-label" = "Destination"))]
    pub destination: String,
    #[schemars(extend("x-class" = "activity", "x-label" = "Packets"))]
    pub packets: u64,
    /// Bytes on the wire (Arkime's `network.bytes`).
    #[schemars(extend("x-class" = "activity", "x-label" = "Bytes"))]
    pub bytes: u64,
    /// The PCAP's size: its global header, a record header per packet and
    /// the packets.
    #[schemars(extend("x-class" = "activity", "x-label" = "PCAP size (bytes)"))]
    pub pcap_bytes: u64,
    /// The session in the viewer.
    #[schemars(extend("x-class" = "technical", "x-label" = "Link"))]
    pub link: String,
    #[schemars(extend("x-class" = "technical", "x-label" = "PCAP download"))]
    pub download: String,
}

#[derive(Clone)]
pub struct Arkime {
    http: reqwest::Client,
    cfg: ArkimeConfig,
}

/// Kept as they are in a query value or path segment (RFC 3986 unreserved).
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

fn enc(s: &str) -> String {
    utf8_percent_encode(s, UNRESERVED).to_string()
}

/// The PCAP of a session: 24-byte global header, 16 bytes per packet, the packets.
pub fn pcap_size(packets: u64, bytes: u64) -> u64 {
    24 + 16 * packets + bytes
}

impl Arkime {
    pub fn new(cfg: &ArkimeConfig) -> Result<Arkime, ArkimeError> {
        let http = tls::http_client(cfg.ca_file.as_deref(), cfg.allow_tls12, Duration::from_secs(cfg.timeout_seconds.max(1))).map_err(ArkimeError::Config)?;
        Ok(Arkime { http, cfg: cfg.clone() })
    }

    fn base(&self) -> &str {
        self.cfg.url.trim_end_matches('/')
    }

    /// The request path and query for a search (what a dry run shows).
    pub fn path(&self, kind: Kind, value: &str, start: DateTime<Utc>, end: DateTime<Utc>) -> Result<String, ArkimeError> {
        let expression = query::expression(kind, value)?;
        Ok(format!(
            "/api/sessions?expression={}&startTime={}&stopTime={}&length={}&order=firstPacket%3Aasc",
            enc(&expression),
            start.timestamp(),
            end.timestamp(),
            self.cfg.max_sessions.max(1)
        ))
    }

    /// GET with Digest: the first answer's challenge, then the real request.
    async fn get(&self, path: &str) -> Result<String, ArkimeError> {
        let url = format!("{}{path}", self.base());
        let unreachable = |e: reqwest::Error| ArkimeError::Unreachable(self.cfg.url.clone(), e.without_url().to_string());
        let first = self.http.get(&url).send().await.map_err(unreachable)?;
        let resp = if first.status() == reqwest::StatusCode::UNAUTHORIZED {
            let challenge = first
                .headers()
                .get_all("www-authenticate")
                .iter()
                .filter_map(|h| h.to_str().ok())
                .find_map(digest::parse)
                .ok_or_else(|| ArkimeError::Status { status: 401, body: "no Digest challenge".into() })?;
            let password = secrets::resolve(&self.cfg.password_secret)?;
            let cnonce = format!("{:016x}", std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(7));
            let header = digest::authorization(&challenge, &self.cfg.username, &password, "GET", path, &cnonce);
            self.http.get(&url).header("Authorization", header).send().await.map_err(unreachable)?
        } else {
            first
        };
        let status = resp.status();
        let text = resp.text().await.map_err(unreachable)?;
        if !status.is_success() {
            return Err(ArkimeError::Status { status: status.as_u16(), body: text.chars().take(300).collect() });
        }
        Ok(text)
    }

    /// The sessions of an indicator in the window; `None` when there are none.
    pub async fn sessions(&self, kind: Kind, value: &str, start: DateTime<Utc>, end: DateTime<Utc>) -> Result<Option<Sessions>, ArkimeError> {
        let text = self.get(&self.path(kind, value, start, end)?).await?;
        let v: serde_json::Value = serde_json::from_str(&text).map_err(|e| ArkimeError::Answer(e.to_string()))?;
        let total = v["recordsFiltered"].as_u64().ok_or_else(|| ArkimeError::Answer("no recordsFiltered".into()))?;
        let time = |ms: &serde_json::Value| ms.as_i64().and_then(DateTime::<Utc>::from_timestamp_millis).map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)).unwrap_or_default();
        let endpoint = |e: &serde_json::Value| format!("{}:{}", e["ip"].as_str().unwrap_or("?"), e["port"].as_u64().map(|p| p.to_string()).unwrap_or_default());
        let sessions: Vec<Session> = v["data"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| {
                let id = s["id"].as_str()?.to_string();
                let node = s["node"].as_str().unwrap_or_default().to_string();
                let packets = s["network"]["packets"].as_u64().unwrap_or(0);
                let bytes = s["network"]["bytes"].as_u64().unwrap_or(0);
                Some(Session {
                    link: format!("{}/sessions?expression={}", self.base(), enc(&format!("id == {id}"))),
                    download: format!("{}/api/session/{}/{}/pcap", self.base(), enc(&node), enc(&id)),
                    first_packet: time(&s["firstPacket"]),
                    last_packet: time(&s["lastPacket"]),
                    source: endpoint(&s["source"]),
                    destination: endpoint(&s["destination"]),
                    pcap_bytes: pcap_size(packets, bytes),
                    id,
                    node,
                    packets,
                    bytes,
                })
            })
            .collect();
        if total == 0 || sessions.is_empty() {
            return Ok(None);
        }
        let ids: Vec<&str> = sessions.iter().map(|s| s.id.as_str()).collect();
        Ok(Some(Sessions {
            total,
            pcap_bytes: sessions.iter().map(|s| s.pcap_bytes).sum(),
            download_all: format!("{}/api/sessions/pcap?ids={}", self.base(), enc(&ids.join(","))),
            sessions,
        }))
    }
}
