//! Labelled examples in fastText format (`__label__X normalised text`), and
//! evaluating a model on them.

use super::evaluate::{Report, evaluate};
use super::{Classifier, LabelSet, TriageModel};
use sha2::{Digest, Sha256};
use std::path::Path;

/// (label, normalised text) pairs.
#[derive(Debug, Clone, Default)]
pub struct Dataset {
    pub examples: Vec<(String, String)>,
}

#[derive(Debug, thiserror::Error)]
pub enum DatasetError {
    #[error("cannot read {0}: {1}")]
    Read(String, std::io::Error),
    #[error("cannot write {0}: {1}")]
    Write(String, std::io::Error),
    #[error("{file}:{line}: {reason}")]
    Line { file: String, line: usize, reason: String },
}

impl Dataset {
    /// A request-type dataset.
    pub fn load(path: &Path) -> Result<Dataset, DatasetError> {
        Self::load_for(path, &LabelSet::request_types())
    }

    /// A dataset whose every label must be one of `labels`.
    pub fn load_for(path: &Path, labels: &LabelSet) -> Result<Dataset, DatasetError> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| DatasetError::Read(name.clone(), e))?;
        let mut examples = Vec::new();
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let (label, rest) = line.split_once(' ').unwrap_or((line, ""));
            let t = labels.parse(label).filter(|_| label.starts_with("__label__")).ok_or_else(|| DatasetError::Line {
                file: name.clone(),
                line: i + 1,
                reason: format!("{label:?} is not __label__ followed by one of {:?}", labels.labels()),
            })?;
            examples.push((t.to_string(), rest.to_string()));
        }
        Ok(Dataset { examples })
    }

    pub fn to_fasttext(&self) -> String {
        let mut out = String::new();
        for (t, text) in &self.examples {
            out.push_str("__label__");
            out.push_str(t);
            out.push(' ');
            out.push_str(&text.replace('\n', " "));
            out.push('\n');
        }
        out
    }

    pub fn save(&self, path: &Path) -> Result<(), DatasetError> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| DatasetError::Write(parent.display().to_string(), e))?;
        }
        std::fs::write(path, self.to_fasttext()).map_err(|e| DatasetError::Write(path.display().to_string(), e))
    }

    pub fn sha256(&self) -> String {
        hex::encode(Sha256::digest(self.to_fasttext().as_bytes()))
    }

    /// The model's top prediction on each example, scored (request types).
    pub fn evaluate_model(&self, model: &TriageModel, threshold: f32) -> Report {
        self.evaluate_model_for(model, &LabelSet::request_types(), threshold)
    }

    /// The model's top prediction on each example, scored over `labels`.
    pub fn evaluate_model_for(&self, model: &TriageModel, labels: &LabelSet, threshold: f32) -> Report {
        let pairs: Vec<(String, String, f32)> = self
            .examples
            .iter()
            .map(|(truth, text)| match model.predict(text) {
                Some((p, prob)) => (truth.clone(), p, prob),
                None => (truth.clone(), labels.fallback().to_string(), 0.0),
            })
            .collect();
        evaluate(&pairs, labels, threshold)
    }

    /// How the full decision (model, then keywords, then default) fares:
    /// the share of examples each method decided and its accuracy.
    pub fn evaluate_decision(&self, classifier: &Classifier) -> DecisionReport {
        let mut r = DecisionReport::default();
        for (truth, text) in &self.examples {
            let c = classifier.classify_normalized(text);
            let right = c.label == *truth;
            let (n, ok) = match c.method {
                super::Method::Model => (&mut r.by_model, &mut r.model_right),
                super::Method::Keywords => (&mut r.by_keywords, &mut r.keywords_right),
                super::Method::Default | super::Method::Submitted => (&mut r.by_default, &mut r.default_right),
            };
            *n += 1;
            *ok += right as usize;
        }
        r
    }
}

#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct DecisionReport {
    pub by_model: usize,
    pub model_right: usize,
    pub by_keywords: usize,
    pub keywords_right: usize,
    pub by_default: usize,
    pub default_right: usize,
}
