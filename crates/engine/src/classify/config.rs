//! `[triage]`: how requests are typed.

use crate::paths::shipped_models_dir;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// How requests are typed.
#[derive(Debug, Clone, Serialize, Deserialize)]
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

impl TriageConfig {
    /// The model to use: configured, else the one promoted in
    /// `promoted_models` (set when the configuration is loaded for a real
    /// deployment, never by `Config::default()`), else the shipped one.
    pub fn model_path(&self) -> PathBuf {
        if let Some(p) = &self.model {
            return p.clone();
        }
        if let Some(dir) = &self.promoted_models
            && let Ok(name) = std::fs::read_to_string(dir.join("current"))
        {
            let p = dir.join(name.trim());
            if p.exists() {
                return p;
            }
        }
        shipped_models_dir().join("triage.bin")
    }

    pub fn corpus_dir(&self) -> PathBuf {
        self.corpus_dir.clone().unwrap_or_else(|| shipped_models_dir().join("corpus"))
    }
}
