//! The project's own extraction evaluation: 40 MSSP emails with every
//! indicator an analyst would look up (`tests/eval/extraction.yaml`; how and
//! when it was written is in its header). Each email goes through the MIME
//! parser and `extract_message` as in intake; the score is micro precision,
//! recall and F1 over (kind, value) pairs, and every miss and false positive
//! is printed. The floor is the figure measured after the fixes of issue 10,
//! so a regression fails the test.

use drawbridge_engine::indicators::{Extractor, IndicatorsConfig};
use drawbridge_engine::intake::mime;
use serde::Deserialize;
use std::collections::BTreeSet;

const FLOOR: f64 = 0.98;

#[derive(Deserialize)]
struct Case {
    id: String,
    from: String,
    subject: String,
    body: String,
    expect: Vec<String>,
}

fn extractor() -> Extractor {
    let cfg = IndicatorsConfig { exclude_domains: vec![], ..IndicatorsConfig::default() };
    Extractor::new(&cfg).expect("config compiles").with_context_hosts(&["mx1.corp.example".to_string()])
}

fn raw(case: &Case) -> Vec<u8> {
    format!(
        "From: {}\r\nTo: mssp-requests@corp.example\r\nSubject: {}\r\nDate: Wed, 02 Dec 2026 09:00:00 +0000\r\nMessage-ID: <{}@eval.shieldwatch-mdr.net>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{}",
        case.from,
        case.subject,
        case.id,
        case.body.replace('\n', "\r\n")
    )
    .into_bytes()
}

#[test]
fn extraction_on_the_projects_mssp_emails() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/eval/extraction.yaml");
    let text = std::fs::read_to_string(&path).expect("the evaluation set is in the repository");
    let cases: Vec<Case> = serde_saphyr::from_str(&text).expect("the evaluation set parses");
    assert_eq!(cases.len(), 40);
    let ex = extractor();
    let (mut tp, mut fp, mut fn_) = (0usize, 0usize, 0usize);
    for case in &cases {
        let message = mime::parse(&raw(case)).expect("the case is a valid email");
        let got: BTreeSet<String> = ex.extract_message(&message).into_iter().map(|i| format!("{} {}", i.kind, i.value)).collect();
        let want: BTreeSet<String> = case.expect.iter().cloned().collect();
        for w in &want {
            if got.contains(w) {
                tp += 1;
            } else {
                fn_ += 1;
                println!("{} missed: {w}", case.id);
            }
        }
        for g in got.difference(&want) {
            fp += 1;
            println!("{} false positive: {g}", case.id);
        }
    }
    let precision = tp as f64 / (tp + fp).max(1) as f64;
    let recall = tp as f64 / (tp + fn_).max(1) as f64;
    let f1 = 2.0 * precision * recall / (precision + recall).max(f64::EPSILON);
    println!("extraction eval: {} emails, tp={tp} fp={fp} fn={fn_}, precision={precision:.3} recall={recall:.3} F1={f1:.3}", cases.len());
    assert!(f1 >= FLOOR, "F1 {f1:.3} fell below {FLOOR}");
}
