//! Keyword rules: what decides when the model is unsure. A YAML file per
//! classifier (`models/keywords.yaml` for the request type) that the admin
//! can edit; phrases match whole words of the normalised text, and labels are
//! tried in their classifier's priority order.

use super::LabelSet;
use aho_corasick::{AhoCorasick, MatchKind};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// The file's shape.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeywordFile {
    /// Phrases per label, lower case, as they appear in normalised text
    /// (indicators appear as `<ipv4>`, `<hostname>`…).
    #[serde(alias = "labels")]
    pub types: BTreeMap<String, Vec<String>>,
}

#[derive(Debug, thiserror::Error)]
pub enum KeywordError {
    #[error("cannot read keyword rules {0}: {1}")]
    Read(String, std::io::Error),
    #[error("invalid keyword rules {0}: {1}")]
    Parse(String, String),
    #[error("keyword rules {0}: {1:?} is not one of the classifier's labels")]
    UnknownType(String, String),
}

#[derive(Debug, Clone)]
pub struct KeywordRules {
    matcher: Option<AhoCorasick>,
    /// For each pattern: its label's priority index and the phrase.
    patterns: Vec<(usize, String)>,
    labels: LabelSet,
}

pub const SHIPPED: &str = include_str!("../../../../models/keywords.yaml");

impl KeywordRules {
    /// Request-type rules from a file.
    pub fn load(path: &Path) -> Result<KeywordRules, KeywordError> {
        Self::load_for(path, &LabelSet::request_types())
    }

    pub fn load_for(path: &Path, labels: &LabelSet) -> Result<KeywordRules, KeywordError> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| KeywordError::Read(name.clone(), e))?;
        Self::from_yaml_for(&text, &name, labels)
    }

    /// The request-type rules built into the binary.
    pub fn shipped() -> Result<KeywordRules, KeywordError> {
        Self::from_yaml(SHIPPED, "models/keywords.yaml (built in)")
    }

    /// No rules: the model decides, else the fallback.
    pub fn none(labels: &LabelSet) -> KeywordRules {
        KeywordRules { matcher: None, patterns: Vec::new(), labels: labels.clone() }
    }

    pub fn from_yaml(text: &str, name: &str) -> Result<KeywordRules, KeywordError> {
        Self::from_yaml_for(text, name, &LabelSet::request_types())
    }

    pub fn from_yaml_for(text: &str, name: &str, labels: &LabelSet) -> Result<KeywordRules, KeywordError> {
        let file: KeywordFile = serde_saphyr::from_str(text).map_err(|e| KeywordError::Parse(name.into(), e.to_string()))?;
        let mut patterns = Vec::new();
        for (label, phrases) in &file.types {
            let i = labels.index(label).ok_or_else(|| KeywordError::UnknownType(name.into(), label.clone()))?;
            for p in phrases {
                let p = p.trim().to_lowercase();
                if !p.is_empty() {
                    patterns.push((i, format!(" {p} ")));
                }
            }
        }
        let matcher = if patterns.is_empty() {
            None
        } else {
            AhoCorasick::builder()
                .match_kind(MatchKind::Standard)
                .build(patterns.iter().map(|(_, p)| p.as_str()))
                .map(Some)
                .map_err(|e| KeywordError::Parse(name.into(), e.to_string()))?
        };
        Ok(KeywordRules { matcher, patterns, labels: labels.clone() })
    }

    /// The highest-priority label with a matching phrase, and that phrase.
    pub fn decide(&self, normalized: &str) -> Option<(&str, &str)> {
        let matcher = self.matcher.as_ref()?;
        let padded = format!(" {normalized} ");
        let mut best: Option<(usize, &str)> = None;
        for m in matcher.find_overlapping_iter(&padded) {
            let (i, phrase) = &self.patterns[m.pattern().as_usize()];
            if best.is_none_or(|(b, _)| *i < b) {
                best = Some((*i, phrase.trim()));
            }
        }
        best.map(|(i, phrase)| (self.labels.labels()[i].as_str(), phrase))
    }
}
