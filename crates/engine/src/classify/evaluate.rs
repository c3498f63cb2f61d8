//! Evaluation of the triage decision on labelled data: per-type precision and
//! recall, macro F1, the confusion matrix, and coverage at the threshold.

use super::LabelSet;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct LabelScore {
    pub label: String,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub support: usize,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Report {
    pub examples: usize,
    pub threshold: f32,
    /// Over the model's top prediction for every example.
    pub macro_f1: f64,
    pub accuracy: f64,
    pub labels: Vec<LabelScore>,
    /// `confusion[i][j]`: examples of label `i` (priority order, then the
    /// fallback) predicted as `j`.
    pub confusion: Vec<Vec<usize>>,
    /// Share of examples the model decides on its own (probability >= threshold).
    pub coverage: f64,
    /// Accuracy on the examples the model decides.
    pub precision_when_decided: f64,
}

/// `pairs`: (true label, predicted label, probability). A predicted label
/// outside `labels` (the fallback) gets its own column.
pub fn evaluate(pairs: &[(String, String, f32)], labels: &LabelSet, threshold: f32) -> Report {
    let mut types: Vec<&str> = labels.labels().iter().map(String::as_str).collect();
    if !types.contains(&labels.fallback()) {
        types.push(labels.fallback());
    }
    let idx = |t: &str| types.iter().position(|x| *x == t).unwrap_or(types.len() - 1);
    let mut confusion = vec![vec![0usize; types.len()]; types.len()];
    let (mut decided, mut decided_right, mut right) = (0usize, 0usize, 0usize);
    for (truth, predicted, prob) in pairs {
        let (truth, predicted, prob) = (truth.as_str(), predicted.as_str(), *prob);
        confusion[idx(truth)][idx(predicted)] += 1;
        right += (truth == predicted) as usize;
        if prob >= threshold {
            decided += 1;
            decided_right += (truth == predicted) as usize;
        }
    }
    let labels: Vec<LabelScore> = types
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let tp = confusion[i][i] as f64;
            let predicted: usize = confusion.iter().map(|row| row[i]).sum();
            let support: usize = confusion[i].iter().sum();
            let precision = if predicted == 0 { 0.0 } else { tp / predicted as f64 };
            let recall = if support == 0 { 0.0 } else { tp / support as f64 };
            let f1 = if precision + recall == 0.0 { 0.0 } else { 2.0 * precision * recall / (precision + recall) };
            LabelScore { label: t.to_string(), precision, recall, f1, support }
        })
        .collect();
    let present: Vec<&LabelScore> = labels.iter().filter(|l| l.support > 0).collect();
    let n = pairs.len().max(1) as f64;
    Report {
        examples: pairs.len(),
        threshold,
        macro_f1: present.iter().map(|l| l.f1).sum::<f64>() / present.len().max(1) as f64,
        accuracy: right as f64 / n,
        labels,
        confusion,
        coverage: decided as f64 / n,
        precision_when_decided: if decided == 0 { 0.0 } else { decided_right as f64 / decided as f64 },
    }
}

impl Report {
    /// A plain-text table for the terminal.
    pub fn table(&self) -> String {
        let mut out = format!(
            "examples {}  macro-F1 {:.3}  accuracy {:.3}  coverage@{:.2} {:.3}  precision-when-decided {:.3}\n\n",
            self.examples, self.macro_f1, self.accuracy, self.threshold, self.coverage, self.precision_when_decided
        );
        out.push_str(&format!("{:<14} {:>9} {:>9} {:>9} {:>8}\n", "type", "precision", "recall", "f1", "support"));
        for l in &self.labels {
            out.push_str(&format!("{:<14} {:>9.3} {:>9.3} {:>9.3} {:>8}\n", l.label, l.precision, l.recall, l.f1, l.support));
        }
        out.push_str("\nconfusion (rows: true, columns: predicted)\n");
        out.push_str(&format!("{:<14}", ""));
        for l in &self.labels {
            out.push_str(&format!(" {:>13}", l.label));
        }
        out.push('\n');
        for (i, row) in self.confusion.iter().enumerate() {
            out.push_str(&format!("{:<14}", self.labels.get(i).map(|l| l.label.as_str()).unwrap_or("")));
            for c in row {
                out.push_str(&format!(" {:>13}", c));
            }
            out.push('\n');
        }
        out
    }
}
