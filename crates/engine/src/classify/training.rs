//! Making models: the labelled corpus from the seeded generator, training
//! with the manifest written beside the model, the normalisation ablation,
//! and scoring the whole decision on raw hand-written emails. The CLI's
//! `corpus`, `train`, `eval --emails` and `retrain` all come here.

use super::dataset::{Dataset, DatasetError};
use super::evaluate::{Report, evaluate};
use super::model::{Manifest, ModelError, TrainParams, TriageModel};
use super::normalize::{Normalizer, Steps};
use super::{Classifier, LabelSet, Method, REQUEST_TYPE};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(Debug, thiserror::Error)]
pub enum TrainingError {
    #[error(transparent)]
    Model(#[from] ModelError),
    #[error(transparent)]
    Dataset(#[from] DatasetError),
    #[error("cannot use {0}: {1}")]
    Io(String, std::io::Error),
    #[error("{0}")]
    Input(String),
}

/// The classifiers the corpus generator labels its emails for.
pub const GENERATED: [&str; 2] = [REQUEST_TYPE, "priority"];

/// The generated corpus, labelled for `classifier` (one of [`GENERATED`]),
/// normalised and split into training and held-out examples (`heldout_share`
/// of them, chosen by a seeded coin).
pub fn split_corpus(normalizer: &Normalizer, classifier: &str, seed: u64, count: usize, heldout_share: f64) -> Result<(Dataset, Dataset), TrainingError> {
    if !(0.0..1.0).contains(&heldout_share) {
        return Err(TrainingError::Input("the held-out share must be between 0 and 1".into()));
    }
    if !GENERATED.contains(&classifier) {
        return Err(TrainingError::Input(format!(
            "the corpus generator labels emails for {GENERATED:?}, not {classifier:?}: train that classifier on your own labelled file"
        )));
    }
    let mut rng = drawbridge_triage_corpus::Rng::new(seed ^ 0x5eed);
    let (mut train, mut heldout) = (Dataset::default(), Dataset::default());
    for email in drawbridge_triage_corpus::generate(seed, count) {
        let label = if classifier == REQUEST_TYPE { email.label } else { email.priority };
        let text = normalizer.normalize(&email.subject, &email.body);
        if rng.chance(heldout_share) { &mut heldout } else { &mut train }.examples.push((label.to_string(), text));
    }
    Ok((train, heldout))
}

/// A model written to disk with its manifest.
#[derive(Debug, Clone, Serialize)]
pub struct Trained {
    pub version: String,
    pub path: PathBuf,
    pub examples: usize,
    pub seconds: f64,
    pub evaluation: Option<Report>,
}

/// How to train one model.
pub struct TrainJob<'a> {
    pub data: &'a Dataset,
    pub output: &'a Path,
    pub version: String,
    pub params: &'a TrainParams,
    /// Scored on this after training; the figures go in the manifest.
    pub heldout: Option<&'a Dataset>,
    /// Let fastText's autotune search against this file for this many seconds.
    pub autotune: Option<(&'a Path, i32)>,
    pub threshold: f32,
    pub normalization: Steps,
    pub labels: &'a LabelSet,
}

/// Trains on `data`, saves the model at `output` and its manifest beside it.
pub fn train(job: &TrainJob<'_>) -> Result<(TriageModel, Trained), TrainingError> {
    let started = Instant::now();
    let input = job.output.with_extension("train.txt");
    job.data.save(&input)?;
    let result = TriageModel::train(&input, job.params, job.autotune);
    let _ = std::fs::remove_file(&input);
    let fasttext = result?;
    let seconds = started.elapsed().as_secs_f64();
    let used_params = TriageModel::params_of(&fasttext);
    TriageModel::save(&fasttext, job.output)?;
    let model = TriageModel::from_fasttext(fasttext, job.version.clone());
    let evaluation = job.heldout.map(|h| h.evaluate_model_for(&model, job.labels, job.threshold));
    Manifest {
        version: job.version.clone(),
        labels: job.labels.labels().to_vec(),
        trained_at: chrono::Utc::now().to_rfc3339(),
        training_data_sha256: job.data.sha256(),
        training_examples: job.data.examples.len(),
        params: used_params,
        normalization: job.normalization,
        evaluation: evaluation.clone(),
        calibration: None,
    }
    .save(job.output)?;
    let trained = Trained { version: job.version.clone(), path: job.output.to_path_buf(), examples: job.data.examples.len(), seconds, evaluation };
    Ok((model, trained))
}

/// One row of the ablation: held-out and hand-written figures with one
/// normalisation step switched off.
#[derive(Debug, Clone, Serialize)]
pub struct AblationRow {
    pub setting: &'static str,
    pub heldout: Report,
    pub handwritten: Report,
}

/// Trains once per normalisation setting and scores each model on the
/// generated held-out split and on hand-written emails (`(type, subject, body)`).
pub fn ablation(
    extractor: &crate::indicators::Extractor,
    seed: u64,
    count: usize,
    heldout_share: f64,
    handwritten: &[(String, String, String)],
    threshold: f32,
    scratch: &Path,
) -> Result<Vec<AblationRow>, TrainingError> {
    let variants = [
        ("all steps", Steps::default()),
        ("without indicator masking", Steps { mask_indicators: false, ..Steps::default() }),
        ("without quoted-history cut", Steps { strip_quoted: false, ..Steps::default() }),
        ("without signature cut", Steps { strip_signature: false, ..Steps::default() }),
        ("no normalisation steps", Steps { mask_indicators: false, strip_quoted: false, strip_signature: false }),
    ];
    std::fs::create_dir_all(scratch).map_err(|e| TrainingError::Io(scratch.display().to_string(), e))?;
    let mut rows = Vec::new();
    for (setting, steps) in variants {
        let normalizer = Normalizer::new(extractor.clone(), steps);
        let (train_set, heldout) = split_corpus(&normalizer, REQUEST_TYPE, seed, count, heldout_share)?;
        let job = TrainJob {
            data: &train_set,
            output: &scratch.join("ablation.bin"),
            version: setting.into(),
            params: &TrainParams::default(),
            heldout: Some(&heldout),
            autotune: None,
            threshold,
            normalization: steps,
            labels: &LabelSet::request_types(),
        };
        let (model, trained) = train(&job)?;
        let hand = Dataset { examples: handwritten.iter().map(|(t, s, b)| (t.clone(), normalizer.normalize(s, b))).collect() };
        rows.push(AblationRow { setting, heldout: trained.evaluation.unwrap_or_default(), handwritten: hand.evaluate_model(&model, threshold) });
    }
    Ok(rows)
}

/// Hand-written emails from JSON lines (`{"label", "subject", "body"}`), labelled by request type.
pub fn read_emails(path: &Path) -> Result<Vec<(String, String, String)>, TrainingError> {
    read_labelled_emails(path, "label", &LabelSet::request_types())
}

/// Hand-written emails whose `field` holds one of `labels`; lines without
/// that field are left out (a set may be labelled for some classifiers only).
pub fn read_labelled_emails(path: &Path, field: &str, labels: &LabelSet) -> Result<Vec<(String, String, String)>, TrainingError> {
    let text = std::fs::read_to_string(path).map_err(|e| TrainingError::Io(path.display().to_string(), e))?;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line).map_err(|e| TrainingError::Input(format!("{}:{}: not JSON: {e}", path.display(), i + 1)))?;
        let Some(given) = v.get(field).and_then(|l| l.as_str()) else { continue };
        let truth = labels
            .parse(given)
            .ok_or_else(|| TrainingError::Input(format!("{}:{}: {field} {given:?} is not one of {:?}", path.display(), i + 1, labels.labels())))?;
        out.push((truth.to_string(), v["subject"].as_str().unwrap_or("").to_string(), v["body"].as_str().unwrap_or("").to_string()));
    }
    Ok(out)
}

/// The whole decision (normalisation, model, keyword rules, default) scored on raw emails.
#[derive(Debug, Clone, Serialize)]
pub struct EmailEvaluation {
    pub decision_accuracy: f64,
    pub right: usize,
    pub total: usize,
    /// How many each method decided.
    pub methods: BTreeMap<String, usize>,
    /// The model's figures (confidence counted only where the model decided).
    pub report: Report,
    pub misses: Vec<String>,
}

pub fn evaluate_emails(classifier: &Classifier, emails: &[(String, String, String)], threshold: f32) -> EmailEvaluation {
    let mut pairs = Vec::new();
    let mut right = 0;
    let mut misses = Vec::new();
    let mut methods = BTreeMap::<String, usize>::new();
    for (i, (truth, subject, body)) in emails.iter().enumerate() {
        let c = classifier.classify(subject, body);
        *methods.entry(c.method.as_str().to_string()).or_default() += 1;
        if c.label == *truth {
            right += 1;
        } else {
            misses.push(format!("email {}: {} -> {} ({}, {:.2})", i + 1, truth, c.label, c.method.as_str(), c.confidence));
        }
        pairs.push((truth.clone(), c.label.clone(), if c.method == Method::Model { c.confidence } else { 0.0 }));
    }
    EmailEvaluation {
        decision_accuracy: right as f64 / pairs.len().max(1) as f64,
        right,
        total: pairs.len(),
        methods,
        report: evaluate(&pairs, classifier.labels(), threshold),
        misses,
    }
}
