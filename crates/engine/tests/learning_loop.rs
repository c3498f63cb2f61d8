//! The learning loop end to end: requests are typed at ingest, an analyst
//! corrects one, the month's report shows it, and retraining uses it.

use drawbridge_engine::classify::TrainParams;
use drawbridge_engine::classify::learning::{RetrainPlan, prediction_report, retrain, rollback};
use drawbridge_engine::config::Config;
use drawbridge_engine::ingest::{Ingestor, Origin};
use drawbridge_engine::paths::shipped_models_dir;
use drawbridge_engine::sender::DnsSource;
use drawbridge_engine::store::{Source, Store};

fn email(n: u32, subject: &str, body: &str) -> Vec<u8> {
    format!(
        "From: analyst@mssp.example.net\r\nTo: mssp-requests@corp.example\r\nSubject: {subject}\r\nMessage-ID: <loop-{n}@mssp.example.net>\r\n\
         Authentication-Results: mx1.corp.example; dmarc=pass header.from=mssp.example.net\r\n\r\n{body}\r\n"
    )
    .into_bytes()
}

#[tokio::test]
async fn a_correction_is_logged_reported_and_learned_from() {
    let store = Store::in_memory().await.expect("store");
    let ingestor = Ingestor::new(&Config::default(), store.clone(), DnsSource::Fixed(Default::default())).expect("ingestor");
    let origin = Origin { source: Source::File, reference: "t".into(), cursor: None };
    let a = ingestor.ingest(&email(1, "Who owns WKS-FIN-042?", "Could you tell us who owns WKS-FIN-042?"), &origin).await.expect("a");
    let b = ingestor.ingest(&email(2, "Update", "Quarterly chocolate tasting moved to the blue room, bring mugs."), &origin).await.expect("b");

    // Typed at ingest, with the prediction logged.
    let detail = store.request(a.request_id).await.expect("a");
    assert_eq!(detail.summary.request_type.as_deref(), Some("enrichment"));

    // An analyst corrects b.
    let before = store.request(b.request_id).await.expect("b").summary.request_type.expect("typed");
    let correction = store.correct_type(b.request_id, "informational", "alice", Some("office notice")).await.expect("correct");
    assert_eq!((correction.from_label.as_str(), correction.to_label.as_str(), correction.actor.as_str()), (before.as_str(), "informational", "alice"));
    assert_eq!(store.request(b.request_id).await.expect("b").summary.request_type.as_deref(), Some("informational"));
    assert!(store.correct_type(9999, "phishing", "alice", None).await.is_err(), "unknown request");

    // The month's report.
    let month = chrono::Utc::now().format("%Y-%m").to_string();
    let records = store.predictions_between("request_type", &format!("{month}-01T00:00:00"), "9999-01-01T00:00:00").await.expect("records");
    assert_eq!(records.len(), 2);
    let classifiers = ingestor.classifiers();
    let report = prediction_report(&month, &records, Some(classifiers.request_type().normalizer()));
    assert_eq!(report.predictions, 2);
    let changed = before != "informational";
    assert_eq!(report.corrected, changed as usize);
    assert!((report.accuracy - if changed { 0.5 } else { 1.0 }).abs() < 1e-9);
    if changed {
        assert!(report.confusion.contains(&(before.clone(), "informational".into(), 1)), "{:?}", report.confusion);
        assert!(!report.most_corrected_phrases.is_empty());
    }

    // Retraining on the base corpus plus the correction, judged on the held-out split.
    let dir = tempfile::tempdir().expect("tempdir");
    let models_dir = dir.path().join("models");
    let shipped = shipped_models_dir().join("triage.bin");
    let params = TrainParams { epoch: 10, ..TrainParams::default() };
    let plan = RetrainPlan {
        classifier: classifiers.request_type(),
        corpus_dir: &shipped_models_dir().join("corpus"),
        current_model: &shipped,
        models_dir: &models_dir,
    };
    let outcome = retrain(&store, &plan, &params).await.expect("retrain");
    assert_eq!(outcome.corrections_used, 1);
    assert!(outcome.candidate_path.exists());
    assert!(outcome.current_macro_f1.is_some(), "compared against the shipped model");
    let current = std::fs::read_to_string(models_dir.join("current")).ok();
    assert_eq!(current.is_some(), outcome.promoted, "promotion writes `current`, and only promotion");
    if outcome.promoted {
        assert!(outcome.candidate_macro_f1 >= outcome.current_macro_f1.unwrap_or(0.0));
        assert_eq!(rollback(&models_dir).expect("rollback"), "the shipped model");
        assert!(!models_dir.join("current").exists());
    }
}

#[tokio::test]
async fn every_classifier_is_logged_corrected_reported_and_retrained_on_its_own() {
    let store = Store::in_memory().await.expect("store");
    let ingestor = Ingestor::new(&Config::default(), store.clone(), DnsSource::Fixed(Default::default())).expect("ingestor");
    let origin = Origin { source: Source::File, reference: "t".into(), cursor: None };
    let a = ingestor
        .ingest(&email(3, "URGENT: ransomware spreading", "Ransomware is encrypting shares right now, please isolate WKS-FIN-042 immediately."), &origin)
        .await
        .expect("a");
    let labels = store.request(a.request_id).await.expect("a").summary.labels;
    assert_eq!(labels.get("request_type").map(String::as_str), Some("containment"), "{labels:?}");
    assert_eq!(labels.get("priority").map(String::as_str), Some("P1"), "{labels:?}");

    // A priority correction leaves the request type alone, and is audited.
    let c = store.correct_label(a.request_id, "priority", "P2", "alice", Some("not spreading")).await.expect("correct");
    assert_eq!((c.classifier.as_str(), c.from_label.as_str(), c.to_label.as_str()), ("priority", "P1", "P2"));
    let summary = store.request(a.request_id).await.expect("a").summary;
    assert_eq!(summary.labels.get("priority").map(String::as_str), Some("P2"));
    assert_eq!(summary.request_type.as_deref(), Some("containment"));
    let audit = store.audit_log(Some(a.request_id)).await.expect("audit");
    assert!(audit.iter().any(|e| e.action == "correct_label" && e.actor == "alice" && e.detail.contains("\"P2\"")), "{audit:?}");

    // Each classifier's month report sees only its own predictions and corrections.
    let month = chrono::Utc::now().format("%Y-%m").to_string();
    let from = format!("{month}-01T00:00:00");
    let priority = store.predictions_between("priority", &from, "9999-01-01T00:00:00").await.expect("records");
    let types = store.predictions_between("request_type", &from, "9999-01-01T00:00:00").await.expect("records");
    assert_eq!((priority.len(), types.len()), (1, 1));
    assert_eq!(priority[0].corrected_to.as_deref(), Some("P2"));
    assert_eq!(types[0].corrected_to, None);
    assert_eq!(store.corrected_examples("priority").await.expect("examples").len(), 1);
    assert!(store.corrected_examples("request_type").await.expect("examples").is_empty());

    // Retraining the priority classifier uses its corpus and its correction only.
    let classifiers = ingestor.classifiers();
    let classifier = classifiers.get("priority").expect("priority is declared by default");
    let dir = tempfile::tempdir().expect("tempdir");
    let models_dir = dir.path().join("models");
    let shipped = shipped_models_dir().join("priority/model.bin");
    let plan = RetrainPlan { classifier, corpus_dir: &shipped_models_dir().join("priority/corpus"), current_model: &shipped, models_dir: &models_dir };
    let outcome = retrain(&store, &plan, &TrainParams { epoch: 10, ..TrainParams::default() }).await.expect("retrain");
    assert_eq!(outcome.corrections_used, 1);
    assert!(outcome.candidate.starts_with("priority-"), "{}", outcome.candidate);
    assert!(outcome.current_macro_f1.is_some(), "compared against the shipped priority model");
}
