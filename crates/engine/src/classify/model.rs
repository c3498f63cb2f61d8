//! The fastText model: loading (with clear errors), prediction, training,
//! and the manifest that travels with every model file.

use super::LabelSet;
use fasttext::FastText;
use fasttext::args::{Args, LossName, ModelName};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("model file {0} does not exist")]
    Missing(PathBuf),
    #[error("model file {path} is not a usable fastText model: {reason}")]
    Corrupt { path: PathBuf, reason: String },
    #[error("model file {path} has labels its classifier does not declare: {labels:?}")]
    WrongLabels { path: PathBuf, labels: Vec<String> },
    #[error("training failed: {0}")]
    Training(String),
    #[error("cannot write {0}: {1}")]
    Write(PathBuf, String),
}

/// Hyper-parameters a model was trained with.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
pub struct TrainParams {
    pub epoch: i32,
    pub lr: f64,
    pub word_ngrams: i32,
    pub dim: i32,
    pub minn: i32,
    pub maxn: i32,
    pub bucket: i32,
    pub seed: i32,
}

impl Default for TrainParams {
    fn default() -> Self {
        TrainParams { epoch: 30, lr: 0.5, word_ngrams: 2, dim: 16, minn: 3, maxn: 5, bucket: 30_000, seed: 42 }
    }
}

/// Written beside the model as `<model>.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    pub version: String,
    pub labels: Vec<String>,
    pub trained_at: String,
    pub training_data_sha256: String,
    pub training_examples: usize,
    pub params: TrainParams,
    pub normalization: super::normalize::Steps,
    #[serde(default)]
    pub evaluation: Option<super::evaluate::Report>,
    /// Temperature fitted on emails the model never trained on (`drawbridge calibrate`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calibration: Option<super::calibration::Calibration>,
}

pub fn manifest_path(model: &Path) -> PathBuf {
    model.with_extension("json")
}

impl Manifest {
    pub fn load(model: &Path) -> Option<Manifest> {
        let text = std::fs::read_to_string(manifest_path(model)).ok()?;
        serde_json::from_str(&text).ok()
    }

    pub fn save(&self, model: &Path) -> Result<(), ModelError> {
        let path = manifest_path(model);
        let text = serde_json::to_string_pretty(self).map_err(|e| ModelError::Write(path.clone(), e.to_string()))?;
        std::fs::write(&path, text + "\n").map_err(|e| ModelError::Write(path, e.to_string()))
    }
}

/// One classifier's fastText model and the labels it was trained on.
pub struct TriageModel {
    model: FastText,
    version: String,
    labels: Vec<String>,
    /// From the manifest's calibration; 1 leaves probabilities as trained.
    temperature: f32,
}

impl std::fmt::Debug for TriageModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TriageModel").field("version", &self.version).finish_non_exhaustive()
    }
}

impl TriageModel {
    /// Loads a request-type model; its version comes from the manifest beside
    /// it, or from the file's hash when there is none.
    pub fn load(path: &Path) -> Result<TriageModel, ModelError> {
        Self::load_for(path, &LabelSet::request_types())
    }

    /// Loads a model whose labels must all be in `labels`.
    pub fn load_for(path: &Path, labels: &LabelSet) -> Result<TriageModel, ModelError> {
        let bytes = std::fs::read(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => ModelError::Missing(path.to_path_buf()),
            _ => ModelError::Corrupt { path: path.to_path_buf(), reason: e.to_string() },
        })?;
        let manifest = Manifest::load(path);
        let temperature = manifest.as_ref().and_then(|m| m.calibration).map(|c| c.temperature).filter(|t| t.is_finite() && *t > 0.0).unwrap_or(1.0);
        let version = manifest.map(|m| m.version).unwrap_or_else(|| {
            use sha2::Digest;
            format!("sha256:{}", &hex::encode(sha2::Sha256::digest(&bytes))[..12])
        });
        let mut model = Self::from_bytes(&bytes, path, version, labels)?;
        model.temperature = temperature;
        Ok(model)
    }

    fn from_bytes(bytes: &[u8], path: &Path, version: String, declared: &LabelSet) -> Result<TriageModel, ModelError> {
        let corrupt = |reason: String| ModelError::Corrupt { path: path.to_path_buf(), reason };
        // The parser trusts sizes in the file; a damaged file must not take the
        // process down with it.
        let loaded = std::panic::catch_unwind(|| FastText::load(&mut std::io::Cursor::new(bytes)))
            .map_err(|_| corrupt("the file is damaged (the loader gave up)".into()))?
            .map_err(|e| corrupt(e.to_string()))?;
        let (labels, _) = loaded.get_labels();
        let foreign: Vec<String> = labels.iter().filter(|l| declared.parse(l).is_none()).cloned().collect();
        if labels.is_empty() || !foreign.is_empty() {
            return Err(ModelError::WrongLabels { path: path.to_path_buf(), labels: foreign });
        }
        let labels = labels.iter().map(|l| l.strip_prefix("__label__").unwrap_or(l).to_string()).collect();
        Ok(TriageModel { model: loaded, version, labels, temperature: 1.0 })
    }

    pub fn version(&self) -> &str {
        &self.version
    }

    /// The labels the model was trained on.
    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    pub fn temperature(&self) -> f32 {
        self.temperature
    }

    /// The same model with another calibration temperature.
    pub fn with_temperature(mut self, temperature: f32) -> TriageModel {
        self.temperature = temperature;
        self
    }

    /// The most likely label and its calibrated probability, for normalised text.
    pub fn predict(&self, normalized: &str) -> Option<(String, f32)> {
        if self.temperature != 1.0 {
            let mut all = self.predict_all(normalized);
            super::calibration::apply(&mut all, self.temperature);
            return all.into_iter().next();
        }
        let top = self.model.predict(normalized, 1, 0.0).into_iter().next()?;
        let label = top.label.strip_prefix("__label__").unwrap_or(&top.label).to_string();
        // exp(log p) can land a hair above 1.
        Some((label, top.prob.clamp(0.0, 1.0)))
    }

    /// Every label's probability as trained (uncalibrated), highest first.
    pub fn predict_all(&self, normalized: &str) -> Vec<(String, f32)> {
        self.model
            .predict(normalized, self.labels.len(), 0.0)
            .into_iter()
            .map(|p| (p.label.strip_prefix("__label__").unwrap_or(&p.label).to_string(), p.prob.clamp(0.0, 1.0)))
            .collect()
    }

    /// Trains on a fastText-format file (`__label__X text` per line).
    pub fn train(input: &Path, params: &TrainParams, autotune: Option<(&Path, i32)>) -> Result<FastText, ModelError> {
        let mut args = Args::default();
        args.apply_supervised_defaults();
        args.input = input.to_path_buf();
        args.model = ModelName::Supervised;
        args.loss = LossName::Softmax;
        args.epoch = params.epoch;
        args.lr = params.lr;
        args.word_ngrams = params.word_ngrams;
        args.dim = params.dim;
        args.minn = params.minn;
        args.maxn = params.maxn;
        args.bucket = params.bucket;
        args.seed = params.seed;
        // One thread: training is then reproducible from the seed.
        args.thread = 1;
        args.verbose = 0;
        if let Some((validation, seconds)) = autotune {
            // fastText's autotune searches epoch, lr, dim, n-grams… against the
            // validation file for `seconds`, then trains the best setting.
            args.autotune_validation_file = validation.to_path_buf();
            args.autotune_duration = seconds.max(1);
            args.thread = 2;
            return fasttext::autotune::Autotune::run(args).map_err(|e| ModelError::Training(e.to_string()));
        }
        FastText::train(args).map_err(|e| ModelError::Training(e.to_string()))
    }

    pub fn save(model: &FastText, path: &Path) -> Result<(), ModelError> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| ModelError::Write(parent.to_path_buf(), e.to_string()))?;
        }
        model.save_model(path).map_err(|e| ModelError::Write(path.to_path_buf(), e.to_string()))
    }

    /// The hyper-parameters a trained model actually used (autotune picks its own).
    pub fn params_of(model: &FastText) -> TrainParams {
        let a = model.args();
        TrainParams { epoch: a.epoch, lr: a.lr, word_ngrams: a.word_ngrams, dim: a.dim, minn: a.minn, maxn: a.maxn, bucket: a.bucket, seed: a.seed }
    }

    pub fn from_fasttext(model: FastText, version: String) -> TriageModel {
        let labels = model.get_labels().0.iter().map(|l| l.strip_prefix("__label__").unwrap_or(l).to_string()).collect();
        TriageModel { model, version, labels, temperature: 1.0 }
    }
}
