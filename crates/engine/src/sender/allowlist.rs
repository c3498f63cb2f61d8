//! Who may send requests: exact addresses and exact domains.

use super::config::SendersConfig;

/// Why a From address is (or is not) on the allowlist.
pub fn check(cfg: &SendersConfig, from: &str) -> Result<String, String> {
    let from = from.trim().to_ascii_lowercase();
    let Some((local, domain)) = from.rsplit_once('@') else {
        return Err(format!("sender address {from:?} has no domain"));
    };
    if local.is_empty() || domain.is_empty() {
        return Err(format!("sender address {from:?} is malformed"));
    }
    if cfg.allowed_addresses.iter().any(|a| a.trim().eq_ignore_ascii_case(&from)) {
        return Ok(format!("sender address {from} is on the allowlist"));
    }
    // Exact domain only: neither sub-domains of an allowed domain nor look-alikes.
    if cfg.allowed_domains.iter().any(|d| d.trim().trim_end_matches('.').eq_ignore_ascii_case(domain)) {
        return Ok(format!("sender domain {domain} is on the allowlist"));
    }
    Err(format!("sender {from} is not on the allowlist"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg() -> SendersConfig {
        SendersConfig { allowed_domains: vec!["mssp.example.net".into()], allowed_addresses: vec!["soc@partner.test".into()], ..Default::default() }
    }

    #[test]
    fn exact_domain_is_allowed() {
        assert!(check(&cfg(), "analyst@mssp.example.net").is_ok());
        assert!(check(&cfg(), "Analyst@MSSP.Example.NET").is_ok());
        assert!(check(&cfg(), "soc@partner.test").is_ok());
    }

    #[test]
    fn look_alike_domains_are_refused() {
        for from in [
            "a@mssp.example.net.attacker.test",
            "a@mssp-example.net",
            "a@sub.mssp.example.net",
            "a@xmssp.example.net",
            "other@partner.test",
            "no-at-sign",
            "@mssp.example.net",
        ] {
            assert!(check(&cfg(), from).is_err(), "{from} must be refused");
        }
    }
}
