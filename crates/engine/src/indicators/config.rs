//! `[indicators]`: what counts as an indicator, and what never does.

use serde::{Deserialize, Serialize};

/// What counts as an indicator, and what never does.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorsConfig {
    /// Names under these domains are the customer's own hosts (`hostname`, never `domain`).
    #[serde(default)]
    pub internal_domains: Vec<String>,
    /// Regular expressions for short internal host names, matched against the whole token.
    #[serde(default)]
    pub hostname_patterns: Vec<String>,
    /// NetBIOS domain names: `CORP\user` is an `account` when `CORP` is listed.
    #[serde(default)]
    pub netbios_domains: Vec<String>,
    /// The MSSP's own domains (and their sub-domains): never indicators.
    #[serde(default)]
    pub exclude_domains: Vec<String>,
    /// Addresses that are never indicators, such as the gateway mailbox.
    #[serde(default)]
    pub exclude_addresses: Vec<String>,
    /// The site's own suffixes that are not on the public suffix list (the
    /// special-use ones such as `.local`, `.internal`, `.test` are built in).
    #[serde(default)]
    pub extra_suffixes: Vec<String>,
    /// The customer's mail gateways (and their `authserv-id`s): named in the
    /// `Received:` and `Authentication-Results:` lines of forwarded mail, they
    /// are context, not indicators. The sender checks' `trusted_authserv_ids`
    /// are added to these.
    #[serde(default)]
    pub mail_gateways: Vec<String>,
    /// Sites whose links are references (advisories, frameworks, sandboxes,
    /// reputation services), recorded as such and not as indicators. Values in
    /// the link's path (a hash, an IP, a CVE) are still indicators.
    #[serde(default = "default_reference_sites")]
    pub reference_sites: Vec<String>,
}

/// The shipped list of reference sites. An entry covers its sub-domains
/// (`virustotal.com` covers `www.virustotal.com`).
pub fn default_reference_sites() -> Vec<String> {
    [
        // Frameworks, standards, vulnerability databases.
        "first.org",
        "attack.mitre.org",
        "cve.mitre.org",
        "cwe.mitre.org",
        "d3fend.mitre.org",
        "cve.org",
        "nvd.nist.gov",
        "csrc.nist.gov",
        "cisa.gov",
        "us-cert.gov",
        "kb.cert.org",
        "ncsc.gov.uk",
        "bsi.bund.de",
        "cert.europa.eu",
        "enisa.europa.eu",
        "exploit-db.com",
        "github.com/advisories",
        "osv.dev",
        "cvedetails.com",
        // Vendor advisories.
        "msrc.microsoft.com",
        "learn.microsoft.com",
        "support.microsoft.com",
        "docs.microsoft.com",
        "security.paloaltonetworks.com",
        "docs.paloaltonetworks.com",
        "fortiguard.com",
        "sec.cloudapps.cisco.com",
        "tools.cisco.com",
        "talosintelligence.com",
        "support.apple.com",
        "chromereleases.googleblog.com",
        "helpx.adobe.com",
        "access.redhat.com",
        "ubuntu.com/security",
        "security-tracker.debian.org",
        "vmware.com/security",
        "support.broadcom.com",
        "kb.vmware.com",
        "ivanti.com",
        "citrix.com",
        "sophos.com",
        "trendmicro.com",
        "crowdstrike.com",
        "mandiant.com",
        "unit42.paloaltonetworks.com",
        "securelist.com",
        "welivesecurity.com",
        "thedfirreport.com",
        // Reputation services and sandboxes (the value inside the link is the indicator).
        "virustotal.com",
        "urlscan.io",
        "bazaar.abuse.ch",
        "urlhaus.abuse.ch",
        "threatfox.abuse.ch",
        "feodotracker.abuse.ch",
        "sslbl.abuse.ch",
        "abuseipdb.com",
        "shodan.io",
        "censys.io",
        "otx.alienvault.com",
        "any.run",
        "hybrid-analysis.com",
        "joesandbox.com",
        "tria.ge",
        "malshare.com",
        "greynoise.io",
        "exchange.xforce.ibmcloud.com",
        "pulsedive.com",
        "spur.us",
        "ipinfo.io",
        "whois.domaintools.com",
    ]
    .into_iter()
    .map(String::from)
    .collect()
}

impl Default for IndicatorsConfig {
    fn default() -> Self {
        IndicatorsConfig {
            internal_domains: vec!["corp.example".into(), "corp.example.local".into()],
            hostname_patterns: vec!["(?i)^(wks|lt|srv)-[a-z0-9-]+$".into()],
            netbios_domains: vec!["CORP".into()],
            exclude_domains: vec!["mssp.example.net".into()],
            exclude_addresses: vec!["mssp-requests@corp.example".into()],
            extra_suffixes: Vec::new(),
            mail_gateways: Vec::new(),
            reference_sites: default_reference_sites(),
        }
    }
}
