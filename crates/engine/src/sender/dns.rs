//! DKIM and DMARC verification with `mail-auth`, over a DNS source that tests
//! can replace with fixed records (no network in tests).

use mail_auth::common::parse::TxtRecordParser;
use mail_auth::common::verify::DomainKey;
use mail_auth::dmarc::Dmarc;
use mail_auth::dmarc::verify::DmarcParameters;
use mail_auth::hickory_resolver::config::{ResolverConfig, ResolverOpts};
use mail_auth::hickory_resolver::proto::op::ResponseCode;
use mail_auth::spf::Spf;
use mail_auth::{AuthenticatedMessage, DkimResult, DmarcResult, DnsError, MessageAuthenticator, Parameters, ResolverCache, SpfOutput, Txt};
use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};

/// Where TXT records come from.
#[derive(Clone)]
pub enum DnsSource {
    /// The system resolver (`/etc/resolv.conf`).
    System,
    /// Fixed records only (name → TXT text); any other name does not exist.
    Fixed(Arc<HashMap<String, String>>),
}

impl std::fmt::Debug for DnsSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DnsSource::System => f.write_str("System"),
            DnsSource::Fixed(m) => write!(f, "Fixed({} records)", m.len()),
        }
    }
}

/// The outcome of our own check.
#[derive(Debug, Clone)]
pub struct OwnVerdict {
    pub dkim: String,
    pub dmarc: String,
    pub detail: String,
}

/// A TXT cache pre-filled from fixed records; mail-auth consults it before DNS.
/// When `authoritative`, a name that is not in it does not exist (NXDOMAIN),
/// as DMARC's tree walk must see for the parent domains it also asks about.
struct FixedCache {
    records: Mutex<HashMap<Box<str>, Txt>>,
    authoritative: bool,
}

impl ResolverCache<Box<str>, Txt> for FixedCache {
    fn get<Q>(&self, name: &Q) -> Option<Txt>
    where
        Box<str>: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let found = self.records.lock().ok()?.get(name).cloned();
        match found {
            Some(txt) => Some(txt),
            None if self.authoritative => Some(Txt::Error(mail_auth::Error::Dns(DnsError::RecordNotFound(ResponseCode::NXDomain)))),
            None => None,
        }
    }
    fn remove<Q>(&self, name: &Q) -> Option<Txt>
    where
        Box<str>: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.records.lock().ok()?.remove(name)
    }
    fn insert(&self, key: Box<str>, value: Txt, _valid_until: std::time::Instant) {
        if let Ok(mut m) = self.records.lock() {
            m.insert(key, value);
        }
    }
}

fn fixed_cache(records: &HashMap<String, String>) -> FixedCache {
    let mut map = HashMap::new();
    for (name, text) in records {
        let fqdn = if name.ends_with('.') { name.to_ascii_lowercase() } else { format!("{}.", name.to_ascii_lowercase()) };
        let bytes = text.as_bytes();
        let txt: Txt = if fqdn.contains("._domainkey.") {
            DomainKey::parse(bytes).map(Txt::from).unwrap_or_else(Txt::Error)
        } else if fqdn.starts_with("_dmarc.") {
            Dmarc::parse(bytes).map(Txt::from).unwrap_or_else(Txt::Error)
        } else {
            Spf::parse(bytes).map(Txt::from).unwrap_or_else(Txt::Error)
        };
        map.insert(fqdn.into_boxed_str(), txt);
    }
    FixedCache { records: Mutex::new(map), authoritative: true }
}

/// Verifies DKIM signatures and evaluates DMARC for the From domain. SPF is
/// not evaluated here: the connecting IP is only known to the receiving MTA,
/// whose verdict arrives through a trusted `Authentication-Results` header.
pub async fn verify(raw: &[u8], source: &DnsSource) -> OwnVerdict {
    let Some(message) = AuthenticatedMessage::parse(raw) else {
        return OwnVerdict { dkim: "permerror".into(), dmarc: "permerror".into(), detail: "message headers could not be read for DKIM".into() };
    };
    let (authenticator, cache) = match source {
        DnsSource::System => match MessageAuthenticator::new_system_conf() {
            Ok(a) => (a, FixedCache { records: Mutex::new(HashMap::new()), authoritative: false }),
            Err(e) => {
                return OwnVerdict { dkim: "temperror".into(), dmarc: "temperror".into(), detail: format!("no DNS resolver: {e}") };
            }
        },
        DnsSource::Fixed(records) => {
            // No name servers at all: names missing from the fixed records fail at once.
            let config = ResolverConfig::from_parts(None, vec![], vec![]);
            match MessageAuthenticator::new(config, ResolverOpts::default()) {
                Ok(a) => (a, fixed_cache(records)),
                Err(e) => {
                    return OwnVerdict { dkim: "temperror".into(), dmarc: "temperror".into(), detail: format!("resolver: {e}") };
                }
            }
        }
    };
    let dkim = authenticator.verify_dkim(Parameters::new(&message).with_txt_cache(&cache)).await;
    let dkim_summary = if dkim.iter().any(|d| d.result() == &DkimResult::Pass) {
        "pass"
    } else if dkim.is_empty() {
        "none"
    } else {
        "fail"
    };
    let from_domain = message.from().rsplit_once('@').map(|(_, d)| d.to_ascii_lowercase()).unwrap_or_default();
    let spf = SpfOutput::default();
    let dmarc = authenticator
        .verify_dmarc(
            Parameters::new(DmarcParameters {
                message: &message,
                dkim_output: &dkim,
                dkim2_output: None,
                rfc5321_mail_from_domain: &from_domain,
                spf_output: &spf,
            })
            .with_txt_cache(&cache),
        )
        .await;
    let dmarc_pass = dmarc.dkim_result() == &DmarcResult::Pass || dmarc.spf_result() == &DmarcResult::Pass;
    let dmarc_summary = if dmarc_pass {
        "pass".to_string()
    } else {
        match dmarc.dkim_result() {
            DmarcResult::None => "none".to_string(),
            DmarcResult::TempError(_) => "temperror".to_string(),
            DmarcResult::PermError(_) => "permerror".to_string(),
            _ => "fail".to_string(),
        }
    };
    OwnVerdict {
        dkim: dkim_summary.into(),
        dmarc: dmarc_summary.clone(),
        detail: format!("dkim={dkim_summary} dmarc={dmarc_summary} header.from={from_domain}"),
    }
}
