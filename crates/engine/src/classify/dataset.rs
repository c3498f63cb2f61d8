//! Labelled examples in fastText format (`__label__X normalised text`), and
//! evaluating a model on them.

use super::evaluate::{Report, evaluate};
use super::{Classifier, RequestType, TriageModel};
use sha2::{Digest, Sha256};
use std::path::Path;

#[derive(Debug, Clone, Default)]
pub struct Dataset {
    pub examples: Vec<(RequestType, String)>,
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
    pub fn load(path: &Path) -> Result<Dataset, DatasetError> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| DatasetError::Read(name.clone(), e))?;
        let mut examples = Vec::new();
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let (label, rest) = line.split_once(' ').unwrap_or((line, ""));
            let t = RequestType::parse(label).ok_or_else(|| DatasetError::Line {
                file: name.clone(),
                line: i + 1,
                reason: format!("{label:?} is not __label__ followed by a request type"),
            })?;
            examples.push((t, rest.to_string()));
        }
        Ok(Dataset { examples })
    }

    pub fn to_fasttext(&self) -> String {
        let mut out = String::new();
        for (t, text) in &self.examples {
            out.push_str("__label__");
            out.push_str(t.as_str());
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

    /// The model's top prediction on each example, scored.
    pub fn evaluate_model(&self, model: &TriageModel, threshold: f32) -> Report {
        let pairs: Vec<(RequestType, RequestType, f32)> = self
            .examples
            .iter()
            .map(|(truth, text)| match model.predict(text) {
                Some((p, prob)) => (*truth, p, prob),
                None => (*truth, RequestType::Informational, 0.0),
            })
            .collect();
        evaluate(&pairs, threshold)
    }

    /// How the full decision (model, then keywords, then default) fares:
    /// the share of examples each method decided and its accuracy.
    pub fn evaluate_decision(&self, classifier: &Classifier) -> DecisionReport {
        let mut r = DecisionReport::default();
        for (truth, text) in &self.examples {
            let c = classifier.classify_normalized(text);
            let right = crate::classify::RequestType::parse(&c.label) == Some(*truth);
            let (n, ok) = match c.method {
                super::Method::Model => (&mut r.by_model, &mut r.model_right),
                super::Method::Keywords => (&mut r.by_keywords, &mut r.keywords_right),
                super::Method::Default => (&mut r.by_default, &mut r.default_right),
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
