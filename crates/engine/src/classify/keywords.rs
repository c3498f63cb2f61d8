//! Keyword rules: what decides when the model is unsure. A YAML file
//! (`models/keywords.yaml`) that the admin can edit; phrases match whole words
//! of the normalised text, and types are tried in priority order.

use super::RequestType;
use aho_corasick::{AhoCorasick, MatchKind};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// The file's shape.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeywordFile {
    /// Phrases per request type, lower case, as they appear in normalised text
    /// (indicators appear as `<ipv4>`, `<hostname>`…).
    pub types: BTreeMap<String, Vec<String>>,
}

#[derive(Debug, thiserror::Error)]
pub enum KeywordError {
    #[error("cannot read keyword rules {0}: {1}")]
    Read(String, std::io::Error),
    #[error("invalid keyword rules {0}: {1}")]
    Parse(String, String),
    #[error("keyword rules {0}: {1:?} is not a request type")]
    UnknownType(String, String),
}

#[derive(Debug, Clone)]
pub struct KeywordRules {
    matcher: Option<AhoCorasick>,
    /// For each pattern: its type and phrase.
    patterns: Vec<(RequestType, String)>,
}

pub const SHIPPED: &str = include_str!("../../../../models/keywords.yaml");

impl KeywordRules {
    pub fn load(path: &Path) -> Result<KeywordRules, KeywordError> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| KeywordError::Read(name.clone(), e))?;
        Self::from_yaml(&text, &name)
    }

    pub fn shipped() -> Result<KeywordRules, KeywordError> {
        Self::from_yaml(SHIPPED, "models/keywords.yaml (built in)")
    }

    pub fn from_yaml(text: &str, name: &str) -> Result<KeywordRules, KeywordError> {
        let file: KeywordFile = serde_saphyr::from_str(text).map_err(|e| KeywordError::Parse(name.into(), e.to_string()))?;
        let mut patterns = Vec::new();
        for (ty, phrases) in &file.types {
            let t = RequestType::parse(ty).ok_or_else(|| KeywordError::UnknownType(name.into(), ty.clone()))?;
            for p in phrases {
                let p = p.trim().to_lowercase();
                if !p.is_empty() {
                    patterns.push((t, format!(" {p} ")));
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
        Ok(KeywordRules { matcher, patterns })
    }

    /// The highest-priority type with a matching phrase, and that phrase.
    pub fn decide(&self, normalized: &str) -> Option<(RequestType, &str)> {
        let matcher = self.matcher.as_ref()?;
        let padded = format!(" {normalized} ");
        let mut best: Option<(RequestType, &str)> = None;
        for m in matcher.find_overlapping_iter(&padded) {
            let (t, phrase) = &self.patterns[m.pattern().as_usize()];
            let rank = |t: RequestType| RequestType::PRIORITY.iter().position(|p| *p == t).unwrap_or(usize::MAX);
            if best.is_none_or(|(b, _)| rank(*t) < rank(b)) {
                best = Some((*t, phrase.trim()));
            }
        }
        best
    }
}
