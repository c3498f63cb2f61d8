//! The labels one classifier chooses between, in priority order, and what it
//! answers when neither its model nor its keyword rules decide.

use super::RequestType;
use serde::Serialize;

/// The name of the built-in classifier that picks the playbook.
pub const REQUEST_TYPE: &str = "request_type";

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LabelSet {
    /// Priority order: when keyword rules of several labels match, the first wins.
    labels: Vec<String>,
    /// The answer when nothing decides (`default` for the request type).
    fallback: String,
}

impl LabelSet {
    /// `labels` in priority order; empty names and duplicates are refused.
    pub fn new(labels: Vec<String>, fallback: String) -> Result<LabelSet, String> {
        if labels.is_empty() {
            return Err("a classifier needs at least one label".into());
        }
        for (i, l) in labels.iter().enumerate() {
            if l.is_empty() || l.contains(char::is_whitespace) {
                return Err(format!("label {l:?} must be one word"));
            }
            if labels[..i].contains(l) {
                return Err(format!("label {l:?} is declared twice"));
            }
        }
        if fallback.is_empty() || fallback.contains(char::is_whitespace) {
            return Err(format!("fallback label {fallback:?} must be one word"));
        }
        Ok(LabelSet { labels, fallback })
    }

    /// The request types, with `default` when nothing decides.
    pub fn request_types() -> LabelSet {
        LabelSet { labels: RequestType::PRIORITY.iter().map(|t| t.as_str().to_string()).collect(), fallback: "default".into() }
    }

    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    pub fn fallback(&self) -> &str {
        &self.fallback
    }

    /// The label's position in priority order; `__label__` prefixes are accepted.
    pub fn index(&self, name: &str) -> Option<usize> {
        let name = name.strip_prefix("__label__").unwrap_or(name);
        self.labels.iter().position(|l| l == name)
    }

    /// The declared spelling of `name`, if it is one of the labels.
    pub fn parse(&self, name: &str) -> Option<&str> {
        self.index(name).map(|i| self.labels[i].as_str())
    }

    /// A label or the fallback: what an analyst may correct a prediction to.
    pub fn accepts(&self, name: &str) -> bool {
        self.parse(name).is_some() || name == self.fallback
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_one_word_and_unique() {
        assert!(LabelSet::new(vec![], "x".into()).is_err());
        assert!(LabelSet::new(vec!["P1".into(), "P1".into()], "P3".into()).is_err());
        assert!(LabelSet::new(vec!["high priority".into()], "P3".into()).is_err());
        let s = LabelSet::new(vec!["P1".into(), "P2".into()], "P2".into()).expect("valid");
        assert_eq!(s.index("__label__P2"), Some(1));
        assert_eq!(s.parse("P3"), None);
        assert!(s.accepts("P2") && !s.accepts("P9"));
        assert!(LabelSet::request_types().accepts("default"));
    }
}
