//! Triage: which type of request an email is, so that the right playbook runs.
//!
//! The fastText model decides when its top probability reaches the threshold
//! (0.80 by default); below it the keyword rules decide; when none match, the
//! `default` playbook runs. Every result records its label, confidence,
//! method and the model version.

mod config;
pub mod dataset;
pub mod evaluate;
pub mod keywords;
pub mod learning;
pub mod model;
pub mod normalize;
mod request_type;
pub mod training;

pub use config::TriageConfig;
pub use drawbridge_model::{Classification, Method};
pub use keywords::KeywordRules;
pub use model::{Manifest, ModelError, TrainParams, TriageModel};
pub use normalize::{Normalizer, Steps};
pub use request_type::RequestType;

pub const DEFAULT_THRESHOLD: f32 = 0.80;

#[derive(Debug)]
pub struct Classifier {
    normalizer: Normalizer,
    model: Result<TriageModel, String>,
    rules: KeywordRules,
    threshold: f32,
}

impl Classifier {
    /// `model` may have failed to load: triage then runs on keyword rules and
    /// says why in every result.
    pub fn new(normalizer: Normalizer, model: Result<TriageModel, ModelError>, rules: KeywordRules, threshold: f32) -> Classifier {
        Classifier { normalizer, model: model.map_err(|e| e.to_string()), rules, threshold }
    }

    pub fn normalizer(&self) -> &Normalizer {
        &self.normalizer
    }

    pub fn model_version(&self) -> &str {
        self.model.as_ref().map(|m| m.version()).unwrap_or("none")
    }

    pub fn classify(&self, subject: &str, body: &str) -> Classification {
        let text = self.normalizer.normalize(subject, body);
        self.classify_normalized(&text)
    }

    pub fn classify_normalized(&self, text: &str) -> Classification {
        let model_version = self.model_version().to_string();
        if text.trim().is_empty() {
            return Classification {
                label: "default".into(),
                confidence: 0.0,
                method: Method::Default,
                model: model_version,
                reason: Some("the email has no text".into()),
            };
        }
        let (top, why_not_model) = match &self.model {
            Ok(model) => match model.predict(text) {
                Some((t, p)) if p >= self.threshold => {
                    return Classification { label: t.as_str().into(), confidence: p, method: Method::Model, model: model_version, reason: None };
                }
                Some((t, p)) => (Some((t, p)), format!("model confidence {p:.2} for {t} is below {:.2}", self.threshold)),
                None => (None, "the model gave no prediction".to_string()),
            },
            Err(e) => (None, format!("model unavailable: {e}")),
        };
        if let Some((t, phrase)) = self.rules.decide(text) {
            let confidence = top.filter(|(mt, _)| *mt == t).map(|(_, p)| p).unwrap_or(0.0);
            return Classification {
                label: t.as_str().into(),
                confidence,
                method: Method::Keywords,
                model: model_version,
                reason: Some(format!("{why_not_model}; keyword rule matched \"{phrase}\"")),
            };
        }
        Classification {
            label: "default".into(),
            confidence: top.map(|(_, p)| p).unwrap_or(0.0),
            method: Method::Default,
            model: model_version,
            reason: Some(format!("{why_not_model}; no keyword rule matched")),
        }
    }
}
