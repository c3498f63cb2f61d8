//! Triage: the shipped model's quality on the held-out split and on
//! hand-written emails, the model → keywords → default decision, and bad input.

use drawbridge_engine::classify::dataset::Dataset;
use drawbridge_engine::classify::{Classifier, KeywordRules, Method, ModelError, Normalizer, RequestType, Steps, TriageModel};
use drawbridge_engine::config::Config;
use drawbridge_engine::indicators::Extractor;
use drawbridge_engine::indicators::IndicatorsConfig;
use drawbridge_engine::ingest;
use drawbridge_engine::paths::shipped_models_dir;

fn models() -> std::path::PathBuf {
    shipped_models_dir()
}

fn normalizer() -> Normalizer {
    Normalizer::new(Extractor::new(&IndicatorsConfig::default()).expect("config"), Steps::default())
}

fn classifier_with(model: Result<TriageModel, ModelError>, threshold: f32) -> Classifier {
    Classifier::new(normalizer(), model, KeywordRules::shipped().expect("shipped rules parse"), threshold)
}

#[test]
fn the_shipped_model_meets_the_held_out_targets() {
    let model = TriageModel::load(&models().join("triage.bin")).expect("shipped model loads");
    let heldout = Dataset::load(&models().join("corpus/heldout.txt")).expect("held-out split");
    assert!(heldout.examples.len() >= 300, "held-out split too small: {}", heldout.examples.len());
    let r = heldout.evaluate_model(&model, 0.80);
    eprintln!("{}", r.table());
    assert!(r.macro_f1 >= 0.90, "macro F1 {:.3}", r.macro_f1);
    assert!(r.coverage >= 0.85, "coverage {:.3}", r.coverage);
    assert!(r.precision_when_decided >= 0.95, "precision when decided {:.3}", r.precision_when_decided);
}

#[test]
fn the_training_corpus_is_large_varied_and_disjoint_from_the_held_out_split() {
    let train = Dataset::load(&models().join("corpus/train.txt")).expect("train split");
    let heldout = Dataset::load(&models().join("corpus/heldout.txt")).expect("held-out split");
    assert!(train.examples.len() + heldout.examples.len() >= 1500);
    for t in RequestType::PRIORITY {
        assert!(train.examples.iter().filter(|(l, _)| l == t.as_str()).count() >= 150, "{t} under-represented");
    }
    let train_texts: std::collections::HashSet<&str> = train.examples.iter().map(|(_, t)| t.as_str()).collect();
    let leaked = heldout.examples.iter().filter(|(_, t)| train_texts.contains(t.as_str())).count();
    assert!(leaked * 100 <= heldout.examples.len(), "{leaked} held-out texts also in training");
}

/// Full decision on raw emails: (decided right, total).
fn decide_file(name: &str) -> (usize, usize) {
    let classifier = ingest::classifier(&Config::default()).expect("classifier");
    let text = std::fs::read_to_string(models().join("eval").join(name)).expect("eval file");
    let mut right = 0;
    let mut total = 0;
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line).expect("json line");
        let c = classifier.classify(v["subject"].as_str().unwrap_or(""), v["body"].as_str().unwrap_or(""));
        total += 1;
        if c.label == v["label"].as_str().unwrap_or("") {
            right += 1;
        } else {
            eprintln!("miss: {} -> {} ({:?}, {:.2}): {}", v["label"], c.label, c.method, c.confidence, v["subject"]);
        }
    }
    (right, total)
}

#[test]
fn hand_written_emails_in_other_styles_are_typed_correctly() {
    let (right, total) = decide_file("handwritten.jsonl");
    eprintln!("handwritten: {right}/{total}");
    assert!(right * 100 >= total * 90, "{right}/{total}");
}

#[test]
fn blind_emails_never_tuned_against_are_typed_correctly() {
    let (right, total) = decide_file("blind.jsonl");
    eprintln!("blind: {right}/{total}");
    assert!(right * 100 >= total * BLIND_FLOOR, "{right}/{total}");
}

/// This set was written before it was ever scored, and scored 22/30 at first
/// sight. The generator was then improved in general ways (containment asks
/// in phishing vocabulary, richer German/French/Spanish phrasings), which
/// brought it to 29/30; since it has now informed tuning, it is a regression
/// floor rather than a blind measurement.
const BLIND_FLOOR: usize = 90;

#[test]
fn keywords_decide_when_the_model_is_unsure_and_default_when_nothing_matches() {
    let model = TriageModel::load(&models().join("triage.bin"));
    // A threshold no probability reaches: the model never decides alone.
    let c = classifier_with(model, 1.01);
    let r = c.classify("hello", "Please block 203.0.113.9 on your firewall.");
    assert_eq!((r.label.as_str(), r.method), ("containment", Method::Keywords), "{r:?}");
    assert!(r.reason.as_deref().is_some_and(|x| x.contains("below") && x.contains("please block")), "{r:?}");
    let r = c.classify("hello", "zzz qqq");
    assert_eq!((r.label.as_str(), r.method), ("default", Method::Default), "{r:?}");
}

#[test]
fn keyword_rules_follow_the_priority_order() {
    let rules = KeywordRules::shipped().expect("rules");
    let (t, _) = rules.decide("the laptop was stolen please block <ipv4> and reset the password").expect("match");
    assert_eq!(t, RequestType::DeviceLost.as_str());
    let (t, _) = rules.decide("phishing mail please block <domain>").expect("match");
    assert_eq!(t, RequestType::Containment.as_str());
}

#[test]
fn the_model_decides_confident_cases_and_records_its_version() {
    let c = classifier_with(TriageModel::load(&models().join("triage.bin")), 0.80);
    let r = c.classify("Lost laptop", "Our user reports that the laptop LT-HR-007 was stolen from the car. When did it last connect?");
    assert_eq!((r.label.as_str(), r.method), ("device_lost", Method::Model), "{r:?}");
    assert!(r.confidence >= 0.80);
    assert!(r.model.starts_with("triage-"), "{}", r.model);
}

#[test]
fn bad_input_gets_a_clear_result() {
    let c = classifier_with(TriageModel::load(&models().join("triage.bin")), 0.80);
    let empty = c.classify("", "");
    assert_eq!((empty.label.as_str(), empty.method), ("default", Method::Default));
    assert!(empty.reason.as_deref().is_some_and(|r| r.contains("no text")));
    let huge = "please check this host ".repeat(250_000); // ~5.5 MB
    let r = c.classify("big", &huge);
    assert!(!r.label.is_empty());
    let garbage: String = (0..20_000u32).map(|i| char::from_u32(0x80 + (i * 7919) % 0x2000).unwrap_or('?')).collect();
    let r = c.classify("\u{0}\u{1}", &garbage);
    assert!(!r.label.is_empty());
}

#[test]
fn a_missing_or_corrupt_model_is_a_clear_error_and_keywords_still_work() {
    let dir = tempfile::tempdir().expect("tempdir");
    let missing = dir.path().join("nope.bin");
    let err = TriageModel::load(&missing).expect_err("missing");
    assert!(err.to_string().contains("does not exist"), "{err}");

    let garbage = dir.path().join("garbage.bin");
    std::fs::write(&garbage, b"this is not a model at all").expect("write");
    let err = TriageModel::load(&garbage).expect_err("garbage");
    assert!(err.to_string().contains("not a usable fastText model"), "{err}");

    let real = std::fs::read(models().join("triage.bin")).expect("model");
    let truncated = dir.path().join("truncated.bin");
    std::fs::write(&truncated, &real[..real.len() / 3]).expect("write");
    let err = TriageModel::load(&truncated).expect_err("truncated");
    assert!(err.to_string().contains("not a usable fastText model"), "{err}");

    let c = classifier_with(TriageModel::load(&truncated), 0.80);
    let r = c.classify("Urgent", "Please isolate WKS-FIN-042 now.");
    assert_eq!((r.label.as_str(), r.method, r.model.as_str()), ("containment", Method::Keywords, "none"), "{r:?}");
    assert!(r.reason.as_deref().is_some_and(|x| x.contains("model unavailable")), "{r:?}");
}

/// The second blind set (`models/eval/blind2.jsonl`, 100 emails written from
/// scratch on 2026-12-02 without looking at the model's errors): measured
/// once, at first sight, and kept as a floor (`models/eval/README.md`). Only
/// the totals are printed, so that it is never tuned on.
#[test]
fn second_blind_set_floor() {
    let classifier = ingest::classifier(&Config::default()).expect("classifier");
    let text = std::fs::read_to_string(models().join("eval/blind2.jsonl")).expect("eval file");
    let (mut right, mut total, mut by_model, mut model_right) = (0usize, 0usize, 0usize, 0usize);
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line).expect("json line");
        let c = classifier.classify(v["subject"].as_str().unwrap_or(""), v["body"].as_str().unwrap_or(""));
        let ok = c.label == v["label"].as_str().unwrap_or("");
        total += 1;
        right += usize::from(ok);
        if c.method == Method::Model {
            by_model += 1;
            model_right += usize::from(ok);
        }
    }
    let accuracy = right as f64 / total as f64;
    eprintln!("blind2: accuracy {right}/{total} = {accuracy:.3}; the model decided {by_model}/{total}; precision where it decided {model_right}/{by_model}");
    assert_eq!(total, 100);
    assert!(accuracy >= BLIND2_FLOOR, "accuracy {accuracy:.3} fell below the first-sight floor {BLIND2_FLOOR}");
}

/// blind2 scored 0.88 at first sight; the widened generator brought it to 0.94, so it
/// has informed tuning and is now a regression floor (see models/eval/README.md).
const BLIND2_FLOOR: f64 = 0.92;

/// The third blind set (`models/eval/blind3.jsonl`), labelled for the request
/// type and the priority. First sight: request type 0.871, priority 0.495;
/// both have informed tuning since (see models/eval/README.md), so these are
/// regression floors. Only totals are printed.
#[test]
fn third_set_floors_for_request_type_and_priority() {
    let classifiers = ingest::classifiers(&Config::default()).expect("classifiers");
    let text = std::fs::read_to_string(models().join("eval/blind3.jsonl")).expect("eval file");
    let (mut total, mut type_right, mut priority_right, mut by_model) = (0usize, 0usize, 0usize, 0usize);
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line).expect("json line");
        let all = classifiers.classify_all(v["subject"].as_str().unwrap_or(""), v["body"].as_str().unwrap_or(""));
        let of = |name: &str| all.iter().find(|c| c.classifier == name).expect("every classifier answers");
        total += 1;
        type_right += usize::from(of("request_type").label == v["label"].as_str().unwrap_or(""));
        priority_right += usize::from(of("priority").label == v["priority"].as_str().unwrap_or(""));
        by_model += usize::from(of("request_type").method == Method::Model);
    }
    eprintln!("blind3: request type {type_right}/{total}, model decided {by_model}/{total}; priority {priority_right}/{total}");
    assert_eq!(total, 101);
    assert!(type_right as f64 / total as f64 >= 0.88, "request type {type_right}/{total}");
    assert!(by_model as f64 / total as f64 >= 0.80, "model decided {by_model}/{total}");
    assert!(priority_right as f64 / total as f64 >= 0.68, "priority {priority_right}/{total}");
}

#[test]
fn the_shipped_priority_model_has_its_own_labels_corpus_and_held_out_figures() {
    let config = Config::default();
    let c = config.classifiers.0.get("priority").expect("priority is declared by default");
    let labels = c.label_set().expect("labels");
    assert_eq!(labels.labels(), ["P1", "P2", "P3", "P4"]);
    let model = TriageModel::load_for(&c.model_path("priority"), &labels).expect("shipped priority model");
    // A request-type model is not a priority model, and the other way round.
    assert!(TriageModel::load(&c.model_path("priority")).is_err());
    assert!(TriageModel::load_for(&models().join("triage.bin"), &labels).is_err());
    let heldout = Dataset::load_for(&c.corpus_dir("priority").join("heldout.txt"), &labels).expect("held-out split");
    let r = heldout.evaluate_model_for(&model, &labels, c.threshold);
    eprintln!("{}", r.table());
    assert!(r.macro_f1 >= 0.75, "macro F1 {:.3}", r.macro_f1);
    assert!(r.precision_when_decided >= 0.90, "precision when decided {:.3}", r.precision_when_decided);
}

#[test]
fn a_calibration_temperature_in_the_manifest_changes_confidence_not_the_label() {
    let path = models().join("triage.bin");
    let calibrated = TriageModel::load(&path).expect("model");
    let t = calibrated.temperature();
    assert!((t - 1.0).abs() > 0.01, "the shipped model carries a fitted temperature, not 1");
    let raw = TriageModel::load(&path).expect("model").with_temperature(1.0);
    let mut moved = 0;
    for (subject, body) in [("Question", "hello team, about the server"), ("RE: case", "thanks, and the laptop?"), ("", "please have a look at 203.0.113.9")] {
        let text = normalizer().normalize(subject, body);
        let (a, pa) = calibrated.predict(&text).expect("prediction");
        let (b, pb) = raw.predict(&text).expect("prediction");
        assert_eq!(a, b, "calibration keeps the ranking");
        moved += usize::from((pa - pb).abs() > 1e-4);
    }
    assert!(moved > 0, "the temperature changes the stated confidence of uncertain mail");
}

#[test]
fn an_admin_declared_classifier_runs_on_keyword_rules_alone_and_bad_declarations_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let rules = dir.path().join("sensitivity.yaml");
    std::fs::write(&rules, "labels:\n  restricted:\n    - board\n    - merger\n  internal:\n    - payroll\n").expect("write");
    let text = format!(
        "[classifiers.sensitivity]\nlabels = [\"restricted\", \"internal\", \"public\"]\nfallback = \"public\"\nkeywords = {:?}\nmodel = {:?}\n",
        rules.display().to_string(),
        dir.path().join("none.bin").display().to_string()
    );
    let config = Config::from_toml(&text).expect("config");
    let classifiers = ingest::classifiers(&config).expect("classifiers");
    let names: Vec<&str> = classifiers.iter().map(|c| c.name()).collect();
    assert_eq!(names, ["request_type", "sensitivity"], "declaring [classifiers] replaces the default set");
    let all = classifiers.classify_all("Board meeting", "Who owns WKS-FIN-042? It holds the merger documents and the payroll.");
    let s = all.iter().find(|c| c.classifier == "sensitivity").expect("sensitivity answers");
    assert_eq!((s.label.as_str(), s.method), ("restricted", Method::Keywords), "{s:?}");
    assert!(s.reason.as_deref().is_some_and(|r| r.contains("does not exist")), "says why the model did not decide: {s:?}");
    let none = classifiers.classify_all("Hello", "Nothing sensitive here.");
    assert_eq!(none.iter().find(|c| c.classifier == "sensitivity").map(|c| c.label.as_str()), Some("public"));

    // Keyword rules naming an undeclared label, duplicate labels, or a second request_type are errors.
    std::fs::write(&rules, "labels:\n  secret:\n    - board\n").expect("write");
    assert!(ingest::classifiers(&config).is_err());
    let dup = Config::from_toml("[classifiers.x]\nlabels = [\"a\", \"a\"]\nfallback = \"a\"\n").expect("config");
    assert!(ingest::classifiers(&dup).is_err());
    let shadow = Config::from_toml("[classifiers.request_type]\nlabels = [\"a\"]\nfallback = \"a\"\n").expect("config");
    assert!(ingest::classifiers(&shadow).is_err());
}

/// The fourth set (`models/eval/blind4.jsonl`), written after everything
/// above was committed and measured once: request type 0.930 (the model
/// decided 0.91, precision 0.967), priority 0.710. Its misses have not been
/// read; only totals are printed, so that it is never tuned on.
#[test]
fn fourth_blind_set_floors() {
    let classifiers = ingest::classifiers(&Config::default()).expect("classifiers");
    let text = std::fs::read_to_string(models().join("eval/blind4.jsonl")).expect("eval file");
    let (mut total, mut type_right, mut priority_right, mut by_model, mut model_right) = (0usize, 0usize, 0usize, 0usize, 0usize);
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line).expect("json line");
        let all = classifiers.classify_all(v["subject"].as_str().unwrap_or(""), v["body"].as_str().unwrap_or(""));
        let of = |name: &str| all.iter().find(|c| c.classifier == name).expect("every classifier answers");
        let ok = of("request_type").label == v["label"].as_str().unwrap_or("");
        total += 1;
        type_right += usize::from(ok);
        priority_right += usize::from(of("priority").label == v["priority"].as_str().unwrap_or(""));
        if of("request_type").method == Method::Model {
            by_model += 1;
            model_right += usize::from(ok);
        }
    }
    eprintln!("blind4: request type {type_right}/{total}, model decided {by_model}/{total} ({model_right} right); priority {priority_right}/{total}");
    assert_eq!(total, 100);
    assert!(type_right as f64 / total as f64 >= 0.92, "request type {type_right}/{total}");
    assert!(by_model as f64 / total as f64 >= 0.90, "model decided {by_model}/{total}");
    assert!(model_right as f64 / by_model.max(1) as f64 >= 0.95, "precision where the model decided {model_right}/{by_model}");
    assert!(priority_right as f64 / total as f64 >= 0.70, "priority {priority_right}/{total}");
}
