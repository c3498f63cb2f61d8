//! Indicator extraction: every defang form, the negative cases, and where in
//! an email indicators are looked for.

use drawbridge_engine::indicators::IndicatorsConfig;
use drawbridge_engine::indicators::{Extractor, Kind};
use drawbridge_engine::intake::mime;

fn extractor() -> Extractor {
    Extractor::new(&IndicatorsConfig::default()).expect("default config compiles")
}

fn found(text: &str) -> Vec<(Kind, String)> {
    extractor().extract(text).into_iter().map(|i| (i.kind, i.value)).collect()
}

fn has(text: &str, kind: Kind, value: &str) {
    let f = found(text);
    assert!(f.contains(&(kind, value.to_string())), "{kind} {value} not found in {text:?}: {f:?}");
}

fn lacks(text: &str, value: &str) {
    let f = found(text);
    assert!(!f.iter().any(|(_, v)| v == value), "{value} must not be extracted from {text:?}: {f:?}");
}

#[test]
fn every_defang_form_is_refanged() {
    let cases = [
        ("evil[.]com", Kind::Domain, "evil.com"),
        ("evil(.)com", Kind::Domain, "evil.com"),
        ("evil{.}com", Kind::Domain, "evil.com"),
        ("evil[dot]com", Kind::Domain, "evil.com"),
        ("evil(dot)com", Kind::Domain, "evil.com"),
        ("evil dot com", Kind::Domain, "evil.com"),
        ("evil\\.com", Kind::Domain, "evil.com"),
        ("hxxp://evil.com/a", Kind::Url, "http://evil.com/a"),
        ("hxxps://evil.com/a", Kind::Url, "https://evil.com/a"),
        ("hXXps://evil[.]com/a", Kind::Url, "https://evil.com/a"),
        ("fxp://files.evil.com/x", Kind::Url, "ftp://files.evil.com/x"),
        ("http[:]//evil.com/a", Kind::Url, "http://evil.com/a"),
        ("http[://]evil.com/a", Kind::Url, "http://evil.com/a"),
        ("hxxp[:]//203.0.113[.]9/x", Kind::Url, "http://203.0.113.9/x"),
        ("bad[@]evil.com", Kind::Email, "bad@evil.com"),
        ("bad[at]evil.com", Kind::Email, "bad@evil.com"),
        ("bad(at)evil.com", Kind::Email, "bad@evil.com"),
        ("bad at evil dot com", Kind::Email, "bad@evil.com"),
        ("198.51.100[.]7", Kind::Ipv4, "198.51.100.7"),
        ("198[.]51[.]100[.]7", Kind::Ipv4, "198.51.100.7"),
    ];
    for (text, kind, value) in cases {
        let inds = extractor().extract(&format!("Please check {text} today."));
        let hit = inds.iter().find(|i| i.kind == kind && i.value == value);
        let hit = hit.unwrap_or_else(|| panic!("{text:?} should give {kind} {value}, got {inds:?}"));
        assert!(hit.defanged, "{text:?} is marked as defanged");
    }
}

#[test]
fn values_are_normalised() {
    has("EVIL.Example.COM.", Kind::Domain, "evil.example.com");
    has("2001:DB8:0:0:0:0:0:1", Kind::Ipv6, "2001:db8::1");
    has("see https://Evil.COM/Path?Q=1&r=2.", Kind::Url, "https://evil.com/Path?Q=1&r=2");
    has("(https://evil.com/wiki/Thing_(x))", Kind::Url, "https://evil.com/wiki/Thing_(x)");
    has("MAC 00-1A-2B-3C-4D-5E", Kind::Mac, "00:1a:2b:3c:4d:5e");
    has("cisco 001a.2b3c.4d5e", Kind::Mac, "00:1a:2b:3c:4d:5e");
    has("cve-2024-3400", Kind::Cve, "CVE-2024-3400");
    has("44D88612FEA8A8F36DE82E12E5E5FF1C", Kind::Md5, "44d88612fea8a8f36de82e12e5e5ff1c");
    has("10.1.2.0/24", Kind::Cidr, "10.1.2.0/24");
    has("ip=192.0.2.44:443", Kind::Ipv4, "192.0.2.44");
    has("corp\\J.Doe logged on", Kind::Account, "CORP\\j.doe");
}

#[test]
fn every_hash_length_has_its_kind() {
    for (len, kind) in [(32, Kind::Md5), (40, Kind::Sha1), (64, Kind::Sha256), (128, Kind::Sha512)] {
        let hash: String = "0123456789abcdef".chars().cycle().take(len).collect();
        has(&format!("hash: {hash}."), kind, &hash);
    }
    // Other lengths of hex are not hashes.
    lacks(&"ab12".repeat(9), &"ab12".repeat(9));
}

#[test]
fn internal_names_are_hostnames_never_domains() {
    let f = found("Who owns WKS-FIN-042 and srv-dc01.corp.example.local? Also lt-hr-7.");
    assert!(f.contains(&(Kind::Hostname, "WKS-FIN-042".into())), "{f:?}");
    assert!(f.contains(&(Kind::Hostname, "srv-dc01.corp.example.local".into())), "{f:?}");
    assert!(f.contains(&(Kind::Hostname, "LT-HR-7".into())), "{f:?}");
    assert!(!f.iter().any(|(k, _)| *k == Kind::Domain), "{f:?}");
    // A user's address at the customer is an email.
    has("mail j.doe@corp.example please", Kind::Email, "j.doe@corp.example");
}

#[test]
fn negative_cases_are_not_indicators() {
    for text in ["invoice.pdf", "setup.py", "notes.md", "report.docx", "version 1.2.3", "v2.0.1", "1.2.3.4.5", "999.1.1.1", "e.g. this", "12:30:45", "Mr.Smith"]
    {
        let f = found(text);
        assert!(f.is_empty(), "{text:?} gave {f:?}");
    }
    // The MSSP's own domain, its sub-domains, its URLs and the gateway mailbox.
    for text in ["analyst@mssp.example.net", "www.mssp.example.net", "https://portal.mssp.example.net/case/9", "mssp-requests@corp.example"] {
        let f = found(text);
        assert!(f.is_empty(), "{text:?} gave {f:?}");
    }
    // Look-alikes of the MSSP's domain are indicators.
    has("mssp.example.net.attacker.com", Kind::Domain, "mssp.example.net.attacker.com");
    has("mssp-example.net", Kind::Domain, "mssp-example.net");
}

#[test]
fn a_domain_inside_a_url_or_email_is_not_listed_again() {
    let f = found("Blocked https://evil.com/x and mail from bad@phish.example.org at 203.0.113.5");
    assert_eq!(
        f,
        vec![(Kind::Url, "https://evil.com/x".to_string()), (Kind::Email, "bad@phish.example.org".to_string()), (Kind::Ipv4, "203.0.113.5".to_string()),]
    );
    // …but listed when it also stands on its own.
    let f = found("https://evil.com/x and evil.com");
    assert!(f.contains(&(Kind::Domain, "evil.com".into())), "{f:?}");
}

#[test]
fn indicators_keep_first_appearance_order_and_count_repeats() {
    let inds = extractor().extract("b.evil.com 1.1.1.1 a.evil.com 1.1.1.1 b.evil.com");
    let order: Vec<&str> = inds.iter().map(|i| i.value.as_str()).collect();
    assert_eq!(order, ["b.evil.com", "1.1.1.1", "a.evil.com"]);
    assert_eq!(inds[0].occurrences, 2);
}

#[test]
fn an_email_is_scanned_in_subject_body_html_attachments_and_forwards_but_not_outer_headers() {
    let raw = concat!(
        "From: analyst@mssp.example.net\r\n",
        "To: mssp-requests@corp.example\r\n",
        "Subject: FW: check WKS-FIN-042\r\n",
        "Message-ID: <outer@mssp.example.net>\r\n",
        "Received: from relay.outer-only.example ([192.0.2.250])\r\n",
        "MIME-Version: 1.0\r\n",
        "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n",
        "--b1\r\nContent-Type: text/plain\r\n\r\nBody mentions 198.51.100.1.\r\n",
        "--b1\r\nContent-Type: text/html\r\n\r\n<p>See <a href=\"https://hidden-link.example.com/x\">here</a></p>\r\n",
        "--b1\r\nContent-Type: text/csv; name=\"iocs.csv\"\r\nContent-Disposition: attachment; filename=\"iocs.csv\"\r\n\r\n",
        "type,value\r\ndomain,csv-domain.example.org\r\n",
        "--b1\r\nContent-Type: message/rfc822\r\n\r\n",
        "From: Phisher <ceo@phish-sender.example.com>\r\n",
        "Received: from mail.phish-sender.example.com ([203.0.113.66])\r\n",
        "Subject: Urgent invoice\r\n\r\n",
        "Click hxxp://pay-now[.]example.net/inv\r\n",
        "--b1--\r\n"
    );
    let message = mime::parse(raw.as_bytes()).expect("parses");
    assert_eq!(message.nested.len(), 1);
    assert_eq!(message.attachments.iter().filter(|a| a.scanned).count(), 1);
    let inds = extractor().extract_message(&message);
    let pairs: Vec<(Kind, &str)> = inds.iter().map(|i| (i.kind, i.value.as_str())).collect();
    for expected in [
        (Kind::Hostname, "WKS-FIN-042"),
        (Kind::Ipv4, "198.51.100.1"),
        (Kind::Url, "https://hidden-link.example.com/x"),
        (Kind::Domain, "csv-domain.example.org"),
        (Kind::Email, "ceo@phish-sender.example.com"),
        (Kind::Ipv4, "203.0.113.66"),
        (Kind::Url, "http://pay-now.example.net/inv"),
    ] {
        assert!(pairs.contains(&expected), "{expected:?} missing from {pairs:?}");
    }
    for absent in ["192.0.2.250", "relay.outer-only.example", "analyst@mssp.example.net", "mssp-requests@corp.example"] {
        assert!(!pairs.iter().any(|(_, v)| *v == absent), "{absent} is from the outer headers: {pairs:?}");
    }
    let forwarded = inds.iter().find(|i| i.value == "203.0.113.66").expect("forwarded IP");
    assert_eq!(forwarded.source, "forwarded[0].headers");
}

#[test]
fn ten_thousand_indicators_in_one_message() {
    let text: String = (0..10_000).map(|i| format!("10.{}.{}.{} ", i / 65536, (i / 256) % 256, i % 256)).collect();
    assert_eq!(extractor().extract(&text).len(), 10_000);
}

#[test]
fn urls_with_a_scheme_accept_intranet_hosts_and_stop_at_markdown_brackets() {
    has("see http://intranet/wiki/page", Kind::Url, "http://intranet/wiki/page");
    has("[https://evil.com/a.png](https://evil.com/a.png)", Kind::Url, "https://evil.com/a.png");
    has("http://[2001:db8::1]:8080/x", Kind::Url, "http://[2001:db8::1]:8080/x");
    lacks("Note://this is prose", "note://this");
}

#[test]
fn spaced_at_joins_only_around_a_defanged_domain() {
    has("from myuser @ example[.]com today", Kind::Email, "myuser@example.com");
    has("from myuser@ example[.]com today", Kind::Email, "myuser@example.com");
    let f = found("meet me @ example.com tomorrow");
    assert!(!f.iter().any(|(k, _)| *k == Kind::Email), "{f:?}");
}

#[test]
fn half_bracket_defangs_and_ip_literal_emails() {
    has("https://example[.com/test", Kind::Url, "https://example.com/test");
    has("host 192[.168.1.1 seen", Kind::Ipv4, "192.168.1.1");
    has("contact a@127.0.0.1", Kind::Email, "a@127.0.0.1");
}

#[test]
fn special_use_and_internal_suffixes_are_domains() {
    for name in
        ["fileshare01.corp.local", "jump.internal", "c2.redteam.test", "wpad.lan", "printer.home.arpa", "portal.contoso-login.invalid", "build01.dev.corp"]
    {
        has(&format!("please check {name} today"), Kind::Domain, name);
    }
    has("mail hr@contoso-login.invalid now", Kind::Email, "hr@contoso-login.invalid");
    lacks("the suffix .test alone", "test");
    let cfg = IndicatorsConfig { extra_suffixes: vec!["acme".into()], ..IndicatorsConfig::default() };
    let site = Extractor::new(&cfg).expect("config");
    assert!(site.extract("host build.eu.acme").iter().any(|i| i.kind == Kind::Domain && i.value == "build.eu.acme"));
    lacks("host build.eu.acme", "build.eu.acme");
}

#[test]
fn version_numbers_are_not_addresses() {
    lacks("The sensor reports version 7.11.0.18 today", "7.11.0.18");
    lacks("the rest of the fleet runs 7.14.0.4", "7.14.0.4");
    lacks("build: 10.0.1.2", "10.0.1.2");
    has("traffic from 10.0.1.2 at noon", Kind::Ipv4, "10.0.1.2");
    has("version 7[.]11.0.18 was defanged on purpose", Kind::Ipv4, "7.11.0.18");
}

#[test]
fn csv_rows_end_urls_at_the_comma() {
    let text = "indicator,type,first_seen,action\nhttps://cdn-update.example/payload.bin,url,2026-11-24,block\n";
    has(text, Kind::Url, "https://cdn-update.example/payload.bin");
    has("see https://x.example/a?ids=1,2,3 now", Kind::Url, "https://x.example/a?ids=1,2,3");
}

#[test]
fn reference_links_are_references_but_values_inside_them_are_indicators() {
    let text = "VT: https://www.virustotal.com/gui/file/2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881/detection \
                see https://attack.mitre.org/techniques/T1566/002/ and https://nvd.nist.gov/vuln/detail/CVE-2024-3400 (TLP https://www.first.org/tlp/)";
    let f = found(text);
    assert!(f.iter().all(|(k, _)| *k != Kind::Url && *k != Kind::Domain), "{f:?}");
    has(text, Kind::Sha256, "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881");
    has(text, Kind::Cve, "CVE-2024-3400");
    lacks("github.com/advisories is a reference, github.com/evil/repo is not", "github.com");
    has("payload at https://github.com/evil/repo/raw/x.ps1", Kind::Url, "https://github.com/evil/repo/raw/x.ps1");
}

#[test]
fn defangs_with_a_missing_bracket_or_a_stray_space() {
    has("check 192[.168.1.1 now", Kind::Ipv4, "192.168.1.1");
    has("and malware-drop[dotcom too", Kind::Domain, "malware-drop.com");
    has("hxxp://paypal-resolution[.] com/case", Kind::Url, "http://paypal-resolution.com/case");
    lacks("hxxp://paypal-resolution[.] com/case", "http://paypal-resolution");
    lacks("lure at http://example .com/x", "http://example");
    has("the intranet http://intranet/wiki", Kind::Url, "http://intranet/wiki");
}

#[test]
fn injection_looking_addresses_are_kept_whole() {
    has("user name \"x'or'1'='1@corp.example\" was tried", Kind::Email, "x'or'1'='1@corp.example");
    lacks("user name \"x'or'1'='1@corp.example\" was tried", "1@corp.example");
    has("write to 'john@evil.com' please", Kind::Email, "john@evil.com");
}

fn message(raw: &str) -> mime::ParsedMessage {
    mime::parse(raw.replace('\n', "\r\n").as_bytes()).expect("valid message")
}

#[test]
fn gateways_message_ids_and_the_requesters_own_addresses_are_context() {
    let m = message(
        "From: Priya <priya@shieldwatch-mdr.net>\nTo: mssp-requests@corp.example\nSubject: FW: phish\n\n\
         Message-ID: <CAKx9f2Lq8mZ7pQ@mail.dhl-notice.com>\n\
         Received: from mail.dhl-notice.com (unknown [198.51.100.23])\n        by mx1.corp.example (Postfix)\n\
         Authentication-Results: mx9.corp.example; spf=fail smtp.mailfrom=dhl-notice.com\n\n\
         Priya\npriya@shieldwatch-mdr.net | https://www.shieldwatch-mdr.net | soc@shieldwatch-mdr.net\n",
    );
    let ex = extractor().with_context_hosts(&["mx1.corp.example".to_string()]);
    let got: Vec<String> = ex.extract_message(&m).into_iter().map(|i| i.value).collect();
    assert!(got.contains(&"198.51.100.23".to_string()) && got.contains(&"mail.dhl-notice.com".to_string()), "{got:?}");
    for context in ["cakx9f2lq8mz7pq@mail.dhl-notice.com", "mx1.corp.example", "mx9.corp.example", "priya@shieldwatch-mdr.net", "soc@shieldwatch-mdr.net"] {
        assert!(!got.iter().any(|g| g == context), "{context} is context: {got:?}");
    }
    assert!(!got.iter().any(|g| g.contains("shieldwatch")), "{got:?}");
    // The customer's own mail servers in Received lines, configured or not.
    let m = message(
        "From: soc@shieldwatch-mdr.net\nTo: mssp-requests@corp.example\nSubject: FW\n\nReceived: from relay.evil.test ([192.0.2.9])\n    by mx7.corp.example (Postfix)\nplease check relay.evil.test\n",
    );
    let got: Vec<String> = extractor().extract_message(&m).into_iter().map(|i| i.value).collect();
    assert!(got.contains(&"relay.evil.test".to_string()) && !got.contains(&"mx7.corp.example".to_string()), "{got:?}");
    // A customer user forwarding a phish: colleagues' addresses are indicators.
    let m = message("From: anna.weber@corp.example\nTo: mssp-requests@corp.example\nSubject: phish\n\nalso sent to j.doe@corp.example\n");
    assert!(ex.extract_message(&m).iter().any(|i| i.value == "j.doe@corp.example"));
}

#[test]
fn quoted_history_of_drawbridges_own_reply_is_not_a_new_question() {
    let m = message(
        "From: soc@shieldwatch-mdr.net\nTo: mssp-requests@corp.example\nSubject: Re: findings\n\n\
         One more: 45.142.212.61?\n\nOn Tue, 24 Nov 2026 at 10:02, Drawbridge <mssp-requests@corp.example> wrote:\n> Findings for 203.0.113.7\n",
    );
    let got: Vec<String> = extractor().extract_message(&m).into_iter().map(|i| i.value).collect();
    assert_eq!(got, vec!["45.142.212.61".to_string()]);
}
