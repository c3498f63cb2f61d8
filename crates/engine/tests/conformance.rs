//! External yardstick: other projects' public IOC test cases in
//! `../shared/conformance/ioc/cases.jsonl` (see its README). Skips when the
//! folder is absent. Cases whose upstream convention differs from ours
//! (scheme-less URLs, CIDR + IP twice, non-default options, encoded input,
//! whitespace inside the indicator) are left out; the rest are scored by
//! micro-averaged F1 over expected and forbidden values, and the score must
//! not fall below the level measured when this test was written.

use drawbridge_engine::indicators::Extractor;
use drawbridge_engine::indicators::IndicatorsConfig;
use std::collections::HashSet;
use std::path::PathBuf;

const KINDS: &[&str] = &["ipv4", "ipv6", "cidr", "domain", "url", "email", "md5", "sha1", "sha256", "sha512", "cve", "mac"];
const SKIP_TAGS: &[&str] = &[
    "non-default-options",
    "encoded",
    "encoded-base64",
    "encoded-hex",
    "whitespace-in-ioc",
    "schemeless-url",
    "refang-function",
    "upstream-fails",
    "source-limitation",
    "source-specific-context",
    "no-word-boundary",
    "kind-filter",
    "count-only",
];

fn cases_file() -> Option<PathBuf> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance/ioc/cases.jsonl");
    p.exists().then_some(p)
}

#[derive(Default)]
struct Score {
    cases: usize,
    tp: usize,
    fn_: usize,
    fp: usize,
}

impl Score {
    fn f1(&self) -> f64 {
        let precision = self.tp as f64 / (self.tp + self.fp).max(1) as f64;
        let recall = self.tp as f64 / (self.tp + self.fn_).max(1) as f64;
        2.0 * precision * recall / (precision + recall).max(f64::EPSILON)
    }
    fn line(&self, what: &str) -> String {
        let precision = self.tp as f64 / (self.tp + self.fp).max(1) as f64;
        let recall = self.tp as f64 / (self.tp + self.fn_).max(1) as f64;
        format!("{what}: {} cases, tp={} fn={} fp={}, precision={precision:.3} recall={recall:.3} F1={:.3}", self.cases, self.tp, self.fn_, self.fp, self.f1())
    }
}

#[test]
fn ioc_extraction_against_public_test_data() {
    let Some(path) = cases_file() else {
        eprintln!("SKIPPED: ../shared/conformance is not present");
        return;
    };
    let text = std::fs::read_to_string(&path).expect("readable");
    // No internal domains or exclusions: the public cases know nothing of our customer.
    let cfg = IndicatorsConfig {
        internal_domains: vec![],
        hostname_patterns: vec![],
        netbios_domains: vec![],
        exclude_domains: vec![],
        exclude_addresses: vec![],
        ..IndicatorsConfig::default()
    };
    let extractor = Extractor::new(&cfg).expect("config");
    let (mut comparable, mut everything) = (Score::default(), Score::default());
    for line in text.lines() {
        let Ok(case) = serde_json::from_str::<serde_json::Value>(line) else { continue };
        if case.get("options").is_some_and(|o| !o.is_null()) {
            continue; // expectations that depend on non-default upstream flags
        }
        let tags: Vec<&str> = case["tags"].as_array().map(|a| a.iter().filter_map(|t| t.as_str()).collect()).unwrap_or_default();
        let same_convention = !tags.iter().any(|t| SKIP_TAGS.contains(t));
        let Some(input) = case["input"].as_str() else { continue };
        let got: HashSet<(String, String)> = extractor.extract(input).into_iter().map(|i| (i.kind.to_string(), i.value.to_ascii_lowercase())).collect();
        let mut s = Score::default();
        for kind in KINDS {
            for v in case["expect"][kind].as_array().into_iter().flatten().filter_map(|v| v.as_str()) {
                if got.contains(&(kind.to_string(), canonical(kind, v))) {
                    s.tp += 1;
                } else {
                    s.fn_ += 1;
                    if std::env::var_os("CONFORMANCE_VERBOSE").is_some() && same_convention {
                        eprintln!("missed {kind} {v} in {input:?}");
                    }
                }
            }
            for v in case["absent"][kind].as_array().into_iter().flatten().filter_map(|v| v.as_str()) {
                if got.contains(&(kind.to_string(), canonical(kind, v))) {
                    s.fp += 1;
                }
            }
        }
        if s.tp + s.fn_ + s.fp == 0 && case["absent"].as_object().is_none_or(|a| a.is_empty()) {
            continue;
        }
        for total in [Some(&mut everything), same_convention.then_some(&mut comparable)].into_iter().flatten() {
            total.cases += 1;
            total.tp += s.tp;
            total.fn_ += s.fn_;
            total.fp += s.fp;
        }
    }
    eprintln!("{}", comparable.line("conformance (same conventions)"));
    eprintln!("{}", everything.line("conformance (every default-option case)"));
    assert!(comparable.cases > 500, "too few cases scored: {}", comparable.cases);
    assert!(comparable.f1() >= FLOOR, "F1 {:.3} fell below {FLOOR}", comparable.f1());
}

/// Our output conventions (as the issue asks): IPv6 in RFC 5952 canonical
/// form, MAC addresses as lower-case `aa:bb:…`; everything else compared
/// case-insensitively.
fn canonical(kind: &str, value: &str) -> String {
    if kind == "ipv6"
        && let Ok(addr) = value.parse::<std::net::Ipv6Addr>()
    {
        return addr.to_string();
    }
    if kind == "mac" {
        let hex: String = value.chars().filter(|c| c.is_ascii_hexdigit()).collect::<String>().to_ascii_lowercase();
        if hex.len() == 12 {
            return hex.as_bytes().chunks(2).map(|p| String::from_utf8_lossy(p).into_owned()).collect::<Vec<_>>().join(":");
        }
    }
    value.to_ascii_lowercase()
}

/// The target; measured 0.964 when this floor was set.
const FLOOR: f64 = 0.95;
