//! `[triage]` (the request type) and `[classifiers.<name>]` (every other
//! classifier, `priority` by default): how requests are labelled.

use super::LabelSet;
use crate::paths::shipped_models_dir;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// How requests are typed.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TriageConfig {
    /// The model decides alone when its top probability reaches this.
    #[serde(default = "default_threshold")]
    pub threshold: f32,
    /// Model file. Default: the promoted model in the data dir's `models/`
    /// (after `drawbridge retrain`), else the model shipped in `models/triage.bin`.
    #[serde(default)]
    pub model: Option<PathBuf>,
    /// Keyword rules (YAML). Default: the shipped `models/keywords.yaml`.
    #[serde(default)]
    pub keywords: Option<PathBuf>,
    /// The base training corpus and held-out split used by `drawbridge retrain`.
    /// Default: `models/corpus/` of the source tree.
    #[serde(default)]
    pub corpus_dir: Option<PathBuf>,
    /// Where retrained models are promoted (`current` names the model in use).
    /// Set by `Config::load` to the data dir's `models/`; `None` in a
    /// configuration built in code, so tests never pick up a model promoted
    /// on the machine running them.
    #[serde(skip)]
    pub promoted_models: Option<PathBuf>,
}

fn default_threshold() -> f32 {
    0.80
}

impl Default for TriageConfig {
    fn default() -> Self {
        TriageConfig { threshold: default_threshold(), model: None, keywords: None, corpus_dir: None, promoted_models: None }
    }
}

/// The model in `configured`, else the one `current` names in `promoted`, else `shipped`.
fn chosen_model(configured: Option<&Path>, promoted: Option<&Path>, shipped: PathBuf) -> PathBuf {
    if let Some(p) = configured {
        return p.to_path_buf();
    }
    if let Some(dir) = promoted
        && let Ok(name) = std::fs::read_to_string(dir.join("current"))
    {
        let p = dir.join(name.trim());
        if p.exists() {
            return p;
        }
    }
    shipped
}

impl TriageConfig {
    /// The model to use: configured, else the one promoted in
    /// `promoted_models` (set when the configuration is loaded for a real
    /// deployment, never by `Config::default()`), else the shipped one.
    pub fn model_path(&self) -> PathBuf {
        chosen_model(self.model.as_deref(), self.promoted_models.as_deref(), shipped_models_dir().join("triage.bin"))
    }

    pub fn corpus_dir(&self) -> PathBuf {
        self.corpus_dir.clone().unwrap_or_else(|| shipped_models_dir().join("corpus"))
    }
}

/// One more classifier (`[classifiers.<name>]`). Its files default to
/// `models/<name>/`: `model.bin`, `keywords.yaml` and `corpus/`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClassifierConfig {
    /// Its labels in priority order (one word each).
    pub labels: Vec<String>,
    /// The label when neither the model nor a keyword rule decides.
    pub fallback: String,
    #[serde(default = "default_threshold")]
    pub threshold: f32,
    #[serde(default)]
    pub model: Option<PathBuf>,
    #[serde(default)]
    pub keywords: Option<PathBuf>,
    #[serde(default)]
    pub corpus_dir: Option<PathBuf>,
    /// Set by `Config::load` to the data dir's `models/<name>/`.
    #[serde(skip)]
    pub promoted_models: Option<PathBuf>,
}

impl ClassifierConfig {
    pub fn label_set(&self) -> Result<LabelSet, String> {
        LabelSet::new(self.labels.clone(), self.fallback.clone())
    }

    pub fn model_path(&self, name: &str) -> PathBuf {
        chosen_model(self.model.as_deref(), self.promoted_models.as_deref(), shipped_models_dir().join(name).join("model.bin"))
    }

    pub fn keywords_path(&self, name: &str) -> PathBuf {
        self.keywords.clone().unwrap_or_else(|| shipped_models_dir().join(name).join("keywords.yaml"))
    }

    pub fn corpus_dir(&self, name: &str) -> PathBuf {
        self.corpus_dir.clone().unwrap_or_else(|| shipped_models_dir().join(name).join("corpus"))
    }
}

/// The classifiers besides the request type, by name. Default: `priority`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ClassifiersConfig(pub BTreeMap<String, ClassifierConfig>);

/// A classifier and the labels an analyst may choose from.
#[derive(Debug, Clone, Serialize)]
pub struct LabelChoices {
    pub classifier: String,
    pub labels: Vec<String>,
}

impl ClassifiersConfig {
    /// Every classifier's labels, the request type first: what a correction may pick.
    pub fn choices(&self) -> Vec<LabelChoices> {
        let request_type = LabelChoices { classifier: super::REQUEST_TYPE.into(), labels: super::LabelSet::request_types().labels().to_vec() };
        std::iter::once(request_type)
            .chain(self.0.iter().filter_map(|(name, c)| c.label_set().ok().map(|set| LabelChoices { classifier: name.clone(), labels: set.labels().to_vec() })))
            .collect()
    }
}

impl Default for ClassifiersConfig {
    fn default() -> Self {
        let priority = ClassifierConfig {
            labels: ["P1", "P2", "P3", "P4"].map(String::from).to_vec(),
            fallback: "P3".into(),
            threshold: 0.70,
            model: None,
            keywords: None,
            corpus_dir: None,
            promoted_models: None,
        };
        ClassifiersConfig(BTreeMap::from([("priority".to_string(), priority)]))
    }
}
