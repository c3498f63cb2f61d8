//! Triage: what an email is, by as many classifiers as the config declares.
//! The built-in `request_type` picks the playbook; `priority` (P1–P4) ships
//! too, and an admin may add any classifier they have labelled data for.
//!
//! Each classifier's fastText model decides when its top probability reaches
//! the classifier's threshold; below it its keyword rules decide; when none
//! match, its fallback label stands (`default` for the request type). Every
//! result records the classifier, label, confidence, method and model version.

pub mod calibration;
mod config;
pub mod dataset;
pub mod evaluate;
pub mod keywords;
mod labels;
pub mod learning;
pub mod model;
pub mod normalize;
mod request_type;
mod set;
pub mod training;

pub use config::{ClassifierConfig, ClassifiersConfig, LabelChoices, TriageConfig};
pub use drawbridge_model::{Classification, Method};
pub use keywords::KeywordRules;
pub use labels::{LabelSet, REQUEST_TYPE};
pub use model::{Manifest, ModelError, TrainParams, TriageModel};
pub use normalize::{Normalizer, Steps};
pub use request_type::RequestType;
pub use set::Classifiers;

pub const DEFAULT_THRESHOLD: f32 = 0.80;

/// One classifier: its labels, model, keyword rules and threshold.
#[derive(Debug)]
pub struct Classifier {
    name: String,
    labels: LabelSet,
    normalizer: Normalizer,
    model: Result<TriageModel, String>,
    rules: KeywordRules,
    threshold: f32,
}

impl Classifier {
    /// The request-type classifier. `model` may have failed to load: triage
    /// then runs on keyword rules and says why in every result.
    pub fn new(normalizer: Normalizer, model: Result<TriageModel, ModelError>, rules: KeywordRules, threshold: f32) -> Classifier {
        Self::named(REQUEST_TYPE, LabelSet::request_types(), normalizer, model, rules, threshold)
    }

    /// Any classifier; `rules` must have been read for the same `labels`.
    pub fn named(
        name: &str,
        labels: LabelSet,
        normalizer: Normalizer,
        model: Result<TriageModel, ModelError>,
        rules: KeywordRules,
        threshold: f32,
    ) -> Classifier {
        Classifier { name: name.into(), labels, normalizer, model: model.map_err(|e| e.to_string()), rules, threshold }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn labels(&self) -> &LabelSet {
        &self.labels
    }

    pub fn threshold(&self) -> f32 {
        self.threshold
    }

    pub fn model(&self) -> Option<&TriageModel> {
        self.model.as_ref().ok()
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
        let result = |label: &str, confidence: f32, method: Method, reason: Option<String>| Classification {
            classifier: self.name.clone(),
            label: label.into(),
            confidence,
            method,
            model: model_version.clone(),
            reason,
        };
        if text.trim().is_empty() {
            return result(self.labels.fallback(), 0.0, Method::Default, Some("the email has no text".into()));
        }
        let (top, why_not_model) = match &self.model {
            Ok(model) => match model.predict(text) {
                Some((t, p)) if p >= self.threshold => return result(&t, p, Method::Model, None),
                Some((t, p)) => {
                    let why = format!("model confidence {p:.2} for {t} is below {:.2}", self.threshold);
                    (Some((t, p)), why)
                }
                None => (None, "the model gave no prediction".to_string()),
            },
            Err(e) => (None, format!("model unavailable: {e}")),
        };
        if let Some((t, phrase)) = self.rules.decide(text) {
            let confidence = top.as_ref().filter(|(mt, _)| mt == t).map(|(_, p)| *p).unwrap_or(0.0);
            return result(t, confidence, Method::Keywords, Some(format!("{why_not_model}; keyword rule matched \"{phrase}\"")));
        }
        result(self.labels.fallback(), top.map(|(_, p)| p).unwrap_or(0.0), Method::Default, Some(format!("{why_not_model}; no keyword rule matched")))
    }
}
