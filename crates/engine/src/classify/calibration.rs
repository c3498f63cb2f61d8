//! Calibration: making "0.80" mean right about 80 % of the time.
//!
//! fastText's softmax is over-confident on mail unlike its training corpus.
//! Temperature scaling divides the log-probabilities by one number `T`, fitted
//! on labelled emails the model never trained on (the lowest negative
//! log-likelihood over a grid); it keeps the ranking of labels and so the
//! accuracy, and changes only how sure the model says it is. `T` travels in
//! the model's manifest. The reliability diagram shows, per confidence band,
//! how often the model was right.

use serde::{Deserialize, Serialize};

/// What the manifest records of a fitted calibration.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
pub struct Calibration {
    pub temperature: f32,
    /// How many emails it was fitted on.
    pub examples: usize,
}

/// `probabilities` rescaled by `temperature` (1 leaves them as they are).
pub fn apply(probabilities: &mut [(String, f32)], temperature: f32) {
    if (temperature - 1.0).abs() < 1e-6 || probabilities.is_empty() {
        return;
    }
    let logits: Vec<f32> = probabilities.iter().map(|(_, p)| p.max(1e-9).ln() / temperature).collect();
    let max = logits.iter().cloned().fold(f32::MIN, f32::max);
    let sum: f32 = logits.iter().map(|l| (l - max).exp()).sum();
    for ((_, p), l) in probabilities.iter_mut().zip(&logits) {
        *p = (l - max).exp() / sum;
    }
    probabilities.sort_by(|a, b| b.1.total_cmp(&a.1));
}

/// One labelled example's full prediction: the true label and every label's probability.
pub type Scored = (String, Vec<(String, f32)>);

/// Mean negative log-likelihood of the true labels at `temperature`.
fn nll(examples: &[Scored], temperature: f32) -> f64 {
    let mut total = 0.0;
    for (truth, probs) in examples {
        let mut probs = probs.clone();
        apply(&mut probs, temperature);
        let p = probs.iter().find(|(l, _)| l == truth).map(|(_, p)| *p).unwrap_or(0.0);
        total -= f64::from(p.max(1e-6)).ln();
    }
    total / examples.len().max(1) as f64
}

/// The temperature in [0.5, 8] with the lowest negative log-likelihood.
pub fn fit(examples: &[Scored]) -> Calibration {
    let mut best = (1.0f32, nll(examples, 1.0));
    let mut t = 0.5f32;
    while t <= 8.0 {
        let v = nll(examples, t);
        if v < best.1 - 1e-9 {
            best = (t, v);
        }
        t += 0.05;
    }
    Calibration { temperature: (best.0 * 100.0).round() / 100.0, examples: examples.len() }
}

/// One confidence band of the reliability diagram.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Bin {
    pub from: f32,
    pub to: f32,
    pub count: usize,
    pub mean_confidence: f64,
    pub accuracy: f64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Reliability {
    pub bins: Vec<Bin>,
    /// Expected calibration error: the count-weighted mean gap between
    /// confidence and accuracy.
    pub ece: f64,
    pub examples: usize,
}

/// Ten equal bands over the top label's confidence.
pub fn reliability(examples: &[Scored], temperature: f32) -> Reliability {
    let mut sums = [(0usize, 0.0f64, 0usize); 10];
    for (truth, probs) in examples {
        let mut probs = probs.clone();
        apply(&mut probs, temperature);
        let Some((label, p)) = probs.first() else { continue };
        let b = ((p * 10.0) as usize).min(9);
        sums[b].0 += 1;
        sums[b].1 += f64::from(*p);
        sums[b].2 += (label == truth) as usize;
    }
    let n = examples.len().max(1) as f64;
    let mut ece = 0.0;
    let bins = sums
        .iter()
        .enumerate()
        .map(|(i, &(count, conf, right))| {
            let (mean_confidence, accuracy) = if count == 0 { (0.0, 0.0) } else { (conf / count as f64, right as f64 / count as f64) };
            ece += count as f64 / n * (mean_confidence - accuracy).abs();
            Bin { from: i as f32 / 10.0, to: (i + 1) as f32 / 10.0, count, mean_confidence, accuracy }
        })
        .collect();
    Reliability { bins, ece, examples: examples.len() }
}

impl Reliability {
    /// A terminal table: band, count, mean confidence, accuracy and a bar.
    pub fn table(&self) -> String {
        let mut out = format!("reliability over {} emails (ECE {:.3})\n", self.examples, self.ece);
        out.push_str("band        count  confidence  accuracy\n");
        for b in self.bins.iter().filter(|b| b.count > 0) {
            let bar = "#".repeat((b.accuracy * 20.0).round() as usize);
            out.push_str(&format!("{:.1}–{:.1}  {:>7}  {:>10.3}  {:>8.3}  {bar}\n", b.from, b.to, b.count, b.mean_confidence, b.accuracy));
        }
        out
    }

    /// The diagram as a standalone SVG: accuracy bars per band against the diagonal.
    pub fn svg(&self, title: &str) -> String {
        let (w, h, pad) = (420.0, 420.0, 50.0);
        let plot = w - 2.0 * pad;
        let x = |v: f64| pad + v * plot;
        let y = |v: f64| h - pad - v * plot;
        let mut s = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" font-family=\"sans-serif\" font-size=\"11\">\n\
             <rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n\
             <text x=\"{}\" y=\"20\" text-anchor=\"middle\" font-size=\"13\">{}</text>\n\
             <text x=\"{}\" y=\"36\" text-anchor=\"middle\">{} emails, ECE {:.3}</text>\n",
            w / 2.0,
            xml_escape(title),
            w / 2.0,
            self.examples,
            self.ece
        );
        for b in self.bins.iter().filter(|b| b.count > 0) {
            let (x0, x1) = (x(f64::from(b.from)), x(f64::from(b.to)));
            s.push_str(&format!(
                "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"#4a78b5\" stroke=\"white\"><title>{:.1}–{:.1}: {} emails, accuracy {:.2}</title></rect>\n",
                x0,
                y(b.accuracy),
                x1 - x0,
                b.accuracy * plot,
                b.from,
                b.to,
                b.count,
                b.accuracy
            ));
            s.push_str(&format!(
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"9\">{}</text>\n",
                (x0 + x1) / 2.0,
                y(b.accuracy) - 3.0,
                b.count
            ));
        }
        s.push_str(&format!(
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#c33\" stroke-dasharray=\"4 3\"/>\n\
             <rect x=\"{pad}\" y=\"{pad}\" width=\"{plot}\" height=\"{plot}\" fill=\"none\" stroke=\"black\"/>\n\
             <text x=\"{}\" y=\"{}\" text-anchor=\"middle\">confidence of the top label</text>\n\
             <text x=\"14\" y=\"{}\" text-anchor=\"middle\" transform=\"rotate(-90 14 {})\">share right</text>\n",
            x(0.0),
            y(0.0),
            x(1.0),
            y(1.0),
            w / 2.0,
            h - 15.0,
            h / 2.0,
            h / 2.0
        ));
        for i in 0..=5 {
            let v = f64::from(i) / 5.0;
            s.push_str(&format!("<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{v:.1}</text>\n", x(v), h - pad + 14.0));
            s.push_str(&format!("<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{v:.1}</text>\n", pad - 4.0, y(v) + 4.0));
        }
        s.push_str("</svg>\n");
        s
    }
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ex(truth: &str, top: &str, p: f32) -> Scored {
        let other = if top == "a" { "b" } else { "a" };
        (truth.into(), vec![(top.into(), p), (other.into(), 1.0 - p)])
    }

    #[test]
    fn temperature_keeps_the_ranking_and_softens_overconfidence() {
        let mut p = vec![("a".to_string(), 0.99f32), ("b".to_string(), 0.01)];
        apply(&mut p, 3.0);
        assert_eq!(p[0].0, "a");
        assert!(p[0].1 < 0.90 && p[0].1 > 0.5, "{p:?}");
    }

    #[test]
    fn an_overconfident_model_gets_a_temperature_above_one() {
        // Says 0.99 every time but is right only 7 times in 10.
        let examples: Vec<Scored> = (0..100).map(|i| if i % 10 < 7 { ex("a", "a", 0.99) } else { ex("b", "a", 0.99) }).collect();
        let before = reliability(&examples, 1.0);
        let c = fit(&examples);
        assert!(c.temperature > 1.5, "{c:?}");
        let after = reliability(&examples, c.temperature);
        assert!(after.ece < before.ece / 3.0, "{} -> {}", before.ece, after.ece);
        assert!(after.svg("t").starts_with("<svg"));
    }
}
