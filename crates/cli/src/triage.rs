//! Glue for the triage commands: corpus generation, training with a
//! manifest, ablation, and the prediction report's table.

use anyhow::{Context, Result, bail};
use drawbridge_engine::classify::dataset::Dataset;
use drawbridge_engine::classify::learning::PredictionReport;
use drawbridge_engine::classify::{Manifest, Normalizer, RequestType, Steps, TrainParams, TriageModel};
use drawbridge_engine::config::Config;
use drawbridge_engine::indicators::Extractor;
use drawbridge_triage_corpus::{Rng, generate};
use std::path::Path;
use std::time::Instant;

/// Generates the corpus, normalises it and splits it into train and held-out.
fn split(config: &Config, seed: u64, count: usize, heldout_share: f64, steps: Steps) -> Result<(Dataset, Dataset)> {
    let normalizer = Normalizer::new(Extractor::new(&config.indicators)?, steps);
    let mut rng = Rng::new(seed ^ 0x5eed);
    let (mut train, mut heldout) = (Dataset::default(), Dataset::default());
    for email in generate(seed, count) {
        let t = RequestType::parse(email.label).context("generator label")?;
        let text = normalizer.normalize(&email.subject, &email.body);
        if rng.chance(heldout_share) { &mut heldout } else { &mut train }.examples.push((t, text));
    }
    Ok((train, heldout))
}

pub fn corpus(config: &Config, seed: u64, count: usize, heldout_share: f64, out: &Path, ablation: bool) -> Result<()> {
    if !(0.0..1.0).contains(&heldout_share) {
        bail!("--heldout must be between 0 and 1");
    }
    if ablation {
        let variants = [
            ("all steps", Steps::default()),
            ("without indicator masking", Steps { mask_indicators: false, ..Steps::default() }),
            ("without quoted-history cut", Steps { strip_quoted: false, ..Steps::default() }),
            ("without signature cut", Steps { strip_signature: false, ..Steps::default() }),
            ("no normalisation steps", Steps { mask_indicators: false, strip_quoted: false, strip_signature: false }),
        ];
        // Hand-written emails in other styles, normalised the same way: the
        // synthetic held-out split alone says little about generalisation.
        let eval_dir = drawbridge_engine::config::shipped_models_dir().join("eval");
        let mut raw_eval = Vec::new();
        for name in ["handwritten.jsonl", "blind.jsonl"] {
            if let Ok(text) = std::fs::read_to_string(eval_dir.join(name)) {
                for line in text.lines().filter(|l| !l.trim().is_empty()) {
                    let v: serde_json::Value = serde_json::from_str(line)?;
                    if let Some(t) = RequestType::parse(v["label"].as_str().unwrap_or("")) {
                        raw_eval.push((t, v["subject"].as_str().unwrap_or("").to_string(), v["body"].as_str().unwrap_or("").to_string()));
                    }
                }
            }
        }
        println!("{:<30} {:>9} {:>9} {:>10}   {:>18}", "normalisation", "macro-F1", "coverage", "precision", "hand-written F1/cov");
        for (name, steps) in variants {
            let (train, heldout) = split(config, seed, count, heldout_share, steps)?;
            let dir = tempfile_dir()?;
            let path = dir.join("train.txt");
            train.save(&path)?;
            let model = TriageModel::from_fasttext(TriageModel::train(&path, &TrainParams::default(), None)?, name.into());
            let r = heldout.evaluate_model(&model, config.triage.threshold);
            let normalizer = Normalizer::new(Extractor::new(&config.indicators)?, steps);
            let hand = Dataset { examples: raw_eval.iter().map(|(t, s, b)| (*t, normalizer.normalize(s, b))).collect() };
            let h = hand.evaluate_model(&model, config.triage.threshold);
            println!("{:<30} {:>9.3} {:>9.3} {:>10.3}   {:>9.3} {:>8.3}", name, r.macro_f1, r.coverage, r.precision_when_decided, h.macro_f1, h.coverage);
            let _ = std::fs::remove_dir_all(&dir);
        }
        return Ok(());
    }
    let (train, heldout) = split(config, seed, count, heldout_share, Steps::default())?;
    train.save(&out.join("train.txt"))?;
    heldout.save(&out.join("heldout.txt"))?;
    println!(
        "{}",
        serde_json::json!({"train": train.examples.len(), "heldout": heldout.examples.len(), "seed": seed, "out": out})
    );
    Ok(())
}

fn tempfile_dir() -> Result<std::path::PathBuf> {
    let dir = std::env::temp_dir().join(format!("drawbridge-ablation-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

pub fn train(input: &Path, output: &Path, params: &TrainParams, heldout: Option<&Path>, autotune: Option<(&Path, i32)>, threshold: f32) -> Result<()> {
    let data = Dataset::load(input)?;
    let started = Instant::now();
    let model = TriageModel::train(input, params, autotune)?;
    let seconds = started.elapsed().as_secs_f64();
    let used_params = TriageModel::params_of(&model);
    TriageModel::save(&model, output)?;
    let version = format!("triage-{}-{}", chrono::Utc::now().format("%Y%m%d"), &data.sha256()[..8]);
    let model = TriageModel::from_fasttext(model, version.clone());
    let heldout_path = heldout.map(Path::to_path_buf).or_else(|| input.parent().map(|p| p.join("heldout.txt")).filter(|p| p.exists()));
    let evaluation = match &heldout_path {
        Some(p) => Some(Dataset::load(p)?.evaluate_model(&model, threshold)),
        None => None,
    };
    Manifest {
        version: version.clone(),
        labels: RequestType::PRIORITY.iter().map(|t| t.as_str().to_string()).collect(),
        trained_at: chrono::Utc::now().to_rfc3339(),
        training_data_sha256: data.sha256(),
        training_examples: data.examples.len(),
        params: used_params,
        normalization: Steps::default(),
        evaluation: evaluation.clone(),
    }
    .save(output)?;
    eprintln!("trained {version} on {} examples in {seconds:.1} s", data.examples.len());
    if let Some(r) = evaluation {
        print!("{}", r.table());
    }
    Ok(())
}

pub fn month_bounds(month: &str) -> Result<(String, String)> {
    let start = chrono::NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d").with_context(|| format!("--month {month:?} is not YYYY-MM"))?;
    let end = start.checked_add_months(chrono::Months::new(1)).context("month out of range")?;
    Ok((format!("{start}T00:00:00"), format!("{end}T00:00:00")))
}

pub fn report_table(r: &PredictionReport) -> String {
    let mut out = format!(
        "predictions {}  corrected {}  accuracy {:.3}  coverage {:.3}\n",
        r.predictions, r.corrected, r.accuracy, r.coverage
    );
    let mut methods: Vec<_> = r.by_method.iter().collect();
    methods.sort();
    out.push_str(&format!("by method: {}\n\nconfusion (predicted -> final):\n", methods.iter().map(|(m, n)| format!("{m} {n}")).collect::<Vec<_>>().join(", ")));
    for (p, f, n) in &r.confusion {
        out.push_str(&format!("  {p:<14} -> {f:<14} {n}\n"));
    }
    out.push_str("\nmost-corrected phrases:\n");
    for (phrase, n) in &r.most_corrected_phrases {
        out.push_str(&format!("  {n:>4}  {phrase}\n"));
    }
    out
}

/// Scores the whole decision (normalisation, model, keyword rules, default)
/// on raw emails, and lists the misses.
pub fn eval_emails(config: &Config, model_path: &Path, input: &Path, threshold: f32, json: bool) -> Result<()> {
    let mut cfg = config.clone();
    cfg.triage.model = Some(model_path.to_path_buf());
    cfg.triage.threshold = threshold;
    let classifier = drawbridge_engine::ingest::classifier(&cfg)?;
    let text = std::fs::read_to_string(input).with_context(|| format!("cannot read {}", input.display()))?;
    let mut pairs = Vec::new();
    let mut decided_right = 0;
    let mut misses = Vec::new();
    let mut methods = std::collections::BTreeMap::<String, usize>::new();
    for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line).with_context(|| format!("{}:{}: not JSON", input.display(), i + 1))?;
        let truth = RequestType::parse(v["label"].as_str().unwrap_or("")).with_context(|| format!("{}:{}: bad label", input.display(), i + 1))?;
        let c = classifier.classify(v["subject"].as_str().unwrap_or(""), v["body"].as_str().unwrap_or(""));
        *methods.entry(c.method.as_str().to_string()).or_default() += 1;
        let decided = c.request_type();
        if decided == Some(truth) {
            decided_right += 1;
        } else {
            misses.push(format!("line {}: {} -> {} ({}, {:.2})", i + 1, truth, c.label, c.method.as_str(), c.confidence));
        }
        let predicted = decided.unwrap_or(RequestType::Informational);
        pairs.push((truth, predicted, if c.method == drawbridge_engine::classify::Method::Model { c.confidence } else { 0.0 }));
    }
    let report = drawbridge_engine::classify::evaluate::evaluate(&pairs, threshold);
    if json {
        println!("{}", serde_json::json!({"decision_accuracy": decided_right as f64 / pairs.len().max(1) as f64, "methods": methods, "report": report, "misses": misses}));
    } else {
        println!("decision accuracy {:.3} ({} of {}), methods {:?}", decided_right as f64 / pairs.len().max(1) as f64, decided_right, pairs.len(), methods);
        print!("{}", report.table());
        for m in misses {
            println!("  miss: {m}");
        }
    }
    Ok(())
}
