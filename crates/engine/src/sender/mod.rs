//! Sender policy: may this request be processed? Combines the allowlist, a
//! trusted gateway's `Authentication-Results`, and our own DKIM/DMARC check.
//! A request that fails is still stored, but quarantined with the reasons.

pub mod allowlist;
pub mod authentication_results;
pub mod config;
pub mod dns;

pub use config::SendersConfig;
pub use dns::DnsSource;
use drawbridge_model::ParsedMessage;
pub use drawbridge_model::SenderVerdict;

#[derive(Debug, Clone)]
pub struct SenderPolicy {
    cfg: SendersConfig,
    dns: DnsSource,
}

impl SenderPolicy {
    pub fn new(cfg: SendersConfig, dns: DnsSource) -> Self {
        SenderPolicy { cfg, dns }
    }

    pub async fn evaluate(&self, message: &ParsedMessage, raw: &[u8]) -> SenderVerdict {
        let mut ok = Vec::new();
        let mut failures = Vec::new();
        let from = message.from.as_ref().map(|m| m.address.to_ascii_lowercase());
        let Some(from) = from else {
            return SenderVerdict { allowed: false, reasons: vec!["the message has no From address".into()], dmarc: None };
        };
        match allowlist::check(&self.cfg, &from) {
            Ok(r) => ok.push(r),
            Err(r) => failures.push(r),
        }
        let from_domain = from.rsplit_once('@').map(|(_, d)| d.to_ascii_lowercase()).unwrap_or_default();

        let mut dmarc = None;
        if self.cfg.require_dmarc {
            let gateway = authentication_results::trusted_verdict(&message.authentication_results, &self.cfg.trusted_authserv_ids);
            match gateway {
                // A pass counts only with the `header.from` it was computed for, and only when that is this From.
                Some(Ok(g)) if g.dmarc.as_deref() == Some("pass") && g.dmarc_header_from.as_deref() == Some(from_domain.as_str()) => {
                    ok.push(format!("DMARC pass reported by trusted gateway {}", g.authserv_id));
                    dmarc = Some(format!("pass ({})", g.authserv_id));
                }
                Some(Ok(g)) if g.dmarc.is_some() => {
                    let result = g.dmarc.clone().unwrap_or_default();
                    let reason = match g.dmarc_header_from.as_deref() {
                        None => format!("DMARC {result} reported by trusted gateway {} without header.from", g.authserv_id),
                        Some(d) if result == "pass" => {
                            format!("DMARC pass reported by trusted gateway {} for header.from={d}, not the From domain {from_domain}", g.authserv_id)
                        }
                        Some(d) => format!("DMARC {result} reported by trusted gateway {} for header.from={d}", g.authserv_id),
                    };
                    failures.push(reason);
                    dmarc = Some(format!("{} ({})", if result == "pass" { "unaligned" } else { result.as_str() }, g.authserv_id));
                }
                // The trusted gateway wrote something ambiguous: no verdict, and no second opinion either.
                Some(Err(e)) => {
                    failures.push(e.to_string());
                    dmarc = Some("unreadable (trusted gateway)".into());
                }
                _ if self.cfg.verify_dkim => {
                    let own = dns::verify(raw, &self.dns).await;
                    if own.dmarc == "pass" {
                        ok.push(format!("DMARC pass by Drawbridge's own check ({})", own.detail));
                    } else {
                        failures.push(format!("DMARC did not pass ({}); no trusted gateway verdict", own.detail));
                    }
                    dmarc = Some(format!("{} (drawbridge)", own.dmarc));
                }
                _ => failures.push("DMARC is required but no trusted gateway verdict is present and own verification is off".into()),
            }
        }
        if failures.is_empty() { SenderVerdict { allowed: true, reasons: ok, dmarc } } else { SenderVerdict { allowed: false, reasons: failures, dmarc } }
    }
}
