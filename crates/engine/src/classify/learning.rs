//! The learning loop: what analysts' corrections say about the model
//! (`drawbridge report predictions`), and turning them into a better model
//! (`drawbridge retrain`), promoted only when it is not worse.

use super::dataset::Dataset;
use super::evaluate::Report;
use super::model::{ModelError, TrainParams, TriageModel};
use super::{Classifier, Normalizer, REQUEST_TYPE};
use crate::store::{PredictionRecord, Store, StoreError};
use serde::Serialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Serialize)]
pub struct PredictionReport {
    pub period: String,
    pub predictions: usize,
    pub corrected: usize,
    /// Share of predictions that no analyst corrected.
    pub accuracy: f64,
    /// Share decided by the model alone.
    pub coverage: f64,
    pub by_method: HashMap<String, usize>,
    /// (predicted, final) → count, for every pair that occurred.
    pub confusion: Vec<(String, String, usize)>,
    /// Word pairs most frequent in corrected requests, with their count.
    pub most_corrected_phrases: Vec<(String, usize)>,
}

/// Builds the report over `records` (one period's predictions); the
/// most-corrected phrases only with a `normalizer`.
pub fn prediction_report(period: &str, records: &[PredictionRecord], normalizer: Option<&Normalizer>) -> PredictionReport {
    // The latest prediction per request is the one that was acted upon.
    let mut latest: HashMap<i64, &PredictionRecord> = HashMap::new();
    for r in records {
        latest.insert(r.request_id, r);
    }
    let mut by_method: HashMap<String, usize> = HashMap::new();
    let mut confusion: HashMap<(String, String), usize> = HashMap::new();
    let mut phrases: HashMap<String, usize> = HashMap::new();
    let mut corrected = 0;
    for r in latest.values() {
        *by_method.entry(r.method.clone()).or_default() += 1;
        let final_label = r.corrected_to.clone().unwrap_or_else(|| r.label.clone());
        *confusion.entry((r.label.clone(), final_label.clone())).or_default() += 1;
        if final_label != r.label {
            corrected += 1;
            let Some(normalizer) = normalizer else { continue };
            let text = normalizer.normalize(r.subject.as_deref().unwrap_or(""), r.text.as_deref().unwrap_or(""));
            // Words, not ticket numbers or indicator markers.
            let words: Vec<&str> = text.split(' ').filter(|w| w.len() > 2 && !w.starts_with('<') && !w.chars().all(|c| c.is_ascii_digit())).collect();
            let mut seen = std::collections::HashSet::new();
            for pair in words.windows(2) {
                let phrase = format!("{} {}", pair[0], pair[1]);
                if seen.insert(phrase.clone()) {
                    *phrases.entry(phrase).or_default() += 1;
                }
            }
        }
    }
    let n = latest.len();
    let mut confusion: Vec<(String, String, usize)> = confusion.into_iter().map(|((p, f), c)| (p, f, c)).collect();
    confusion.sort();
    let mut most: Vec<(String, usize)> = phrases.into_iter().filter(|(_, c)| *c >= 2 || corrected < 5).collect();
    most.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    most.truncate(15);
    PredictionReport {
        period: period.into(),
        predictions: n,
        corrected,
        accuracy: if n == 0 { 0.0 } else { (n - corrected) as f64 / n as f64 },
        coverage: if n == 0 { 0.0 } else { *by_method.get("model").unwrap_or(&0) as f64 / n as f64 },
        by_method,
        confusion,
        most_corrected_phrases: most,
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RetrainError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Model(#[from] ModelError),
    #[error(transparent)]
    Dataset(#[from] super::dataset::DatasetError),
    #[error(transparent)]
    Training(#[from] super::training::TrainingError),
    #[error("cannot use the models folder {0}: {1}")]
    Folder(String, std::io::Error),
    #[error("no model to roll back to in {0}")]
    NothingToRollBack(String),
}

#[derive(Debug, Clone, Serialize)]
pub struct RetrainOutcome {
    pub candidate: String,
    pub promoted: bool,
    pub corrections_used: usize,
    pub candidate_macro_f1: f64,
    pub current_macro_f1: Option<f64>,
    pub candidate_path: PathBuf,
    pub evaluation: Report,
}

/// Where one classifier's retraining reads and writes.
pub struct RetrainPlan<'a> {
    pub classifier: &'a Classifier,
    /// `train.txt` and `heldout.txt`.
    pub corpus_dir: &'a Path,
    /// The model in use, which the candidate must not be worse than.
    pub current_model: &'a Path,
    /// Candidates are written here; `current` names the promoted one.
    pub models_dir: &'a Path,
}

/// Trains a candidate on the classifier's base corpus plus every correction
/// analysts made to that classifier, evaluates it on the held-out split, and
/// promotes it (writes `current` in `models_dir`) only if its macro F1 is not
/// below the current model's. Earlier models stay in `models_dir`, so
/// `rollback` can return to them.
pub async fn retrain(store: &Store, plan: &RetrainPlan<'_>, params: &TrainParams) -> Result<RetrainOutcome, RetrainError> {
    let (classifier, models_dir) = (plan.classifier, plan.models_dir);
    let (labels, threshold) = (classifier.labels(), classifier.threshold());
    let mut train = Dataset::load_for(&plan.corpus_dir.join("train.txt"), labels)?;
    let heldout = Dataset::load_for(&plan.corpus_dir.join("heldout.txt"), labels)?;
    let corrections = store.corrected_examples(classifier.name()).await?;
    let mut used = 0;
    for c in &corrections {
        // A correction to the fallback (`default`) teaches no label.
        if let Some(t) = labels.parse(&c.label) {
            let text = classifier.normalizer().normalize(&c.subject, &c.text);
            // Corrections are rare and precious: weigh them like several examples.
            for _ in 0..5 {
                train.examples.push((t.to_string(), text.clone()));
            }
            used += 1;
        }
    }
    std::fs::create_dir_all(models_dir).map_err(|e| RetrainError::Folder(models_dir.display().to_string(), e))?;
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ").to_string();
    let prefix = if classifier.name() == REQUEST_TYPE { "triage" } else { classifier.name() };
    let version = format!("{prefix}-{stamp}");
    let candidate_path = models_dir.join(format!("{version}.bin"));
    let job = super::training::TrainJob {
        data: &train,
        output: &candidate_path,
        version: version.clone(),
        params,
        heldout: Some(&heldout),
        autotune: None,
        threshold,
        normalization: classifier.normalizer().steps(),
        labels,
    };
    let (_, trained) = super::training::train(&job)?;
    let evaluation = trained.evaluation.unwrap_or_default();
    let current_f1 = TriageModel::load_for(plan.current_model, labels).ok().map(|m| heldout.evaluate_model_for(&m, labels, threshold).macro_f1);
    let promoted = current_f1.is_none_or(|f1| evaluation.macro_f1 >= f1);
    if promoted {
        let previous = std::fs::read_to_string(models_dir.join("current")).ok();
        if let Some(prev) = previous {
            std::fs::write(models_dir.join("previous"), prev).map_err(|e| RetrainError::Folder(models_dir.display().to_string(), e))?;
        }
        std::fs::write(models_dir.join("current"), format!("{version}.bin\n")).map_err(|e| RetrainError::Folder(models_dir.display().to_string(), e))?;
    }
    Ok(RetrainOutcome {
        candidate: version,
        promoted,
        corrections_used: used,
        candidate_macro_f1: evaluation.macro_f1,
        current_macro_f1: current_f1,
        candidate_path,
        evaluation,
    })
}

/// Makes the previously promoted model current again (or, with no earlier
/// local model, returns to the shipped one).
pub fn rollback(models_dir: &Path) -> Result<String, RetrainError> {
    let current = models_dir.join("current");
    if !current.exists() {
        return Err(RetrainError::NothingToRollBack(models_dir.display().to_string()));
    }
    let folder_err = |e| RetrainError::Folder(models_dir.display().to_string(), e);
    match std::fs::read_to_string(models_dir.join("previous")) {
        Ok(prev) => {
            std::fs::write(&current, &prev).map_err(folder_err)?;
            std::fs::remove_file(models_dir.join("previous")).map_err(folder_err)?;
            Ok(prev.trim().to_string())
        }
        Err(_) => {
            std::fs::remove_file(&current).map_err(folder_err)?;
            Ok("the shipped model".into())
        }
    }
}

/// `[start, end)` of a month given as `YYYY-MM`, as RFC 3339 bounds.
pub fn month_bounds(month: &str) -> Option<(String, String)> {
    let start = chrono::NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d").ok()?;
    let end = start.checked_add_months(chrono::Months::new(1))?;
    Some((format!("{start}T00:00:00"), format!("{end}T00:00:00")))
}
