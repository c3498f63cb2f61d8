//! `corpus`, `train`, `eval`, `calibrate`, `retrain`, `model` and the monthly
//! prediction report, each for one classifier (`--classifier`, default the
//! request type): flags in, the engine's `classify::training`, `calibration`
//! and `learning` do the work.

use crate::context::{Ctx, print_json};
use anyhow::{Context, Result};
use clap::Subcommand;
use drawbridge_engine::classify::calibration;
use drawbridge_engine::classify::dataset::Dataset;
use drawbridge_engine::classify::learning::{self, PredictionReport};
use drawbridge_engine::classify::training::{self, TrainJob};
use drawbridge_engine::classify::{Classifier, Manifest, Normalizer, REQUEST_TYPE, Steps, TrainParams, TriageModel};
use drawbridge_engine::paths::{local_models_dir, shipped_models_dir};
use std::path::{Path, PathBuf};

/// One classifier of the deployment, by name.
pub fn classifier(ctx: &Ctx, name: &str) -> Result<Classifier> {
    let mut all = drawbridge_engine::ingest::classifiers(&ctx.config)?;
    let names: Vec<String> = all.iter().map(|c| c.name().to_string()).collect();
    all.take(name).with_context(|| format!("no classifier {name:?}; this deployment has {names:?}"))
}

/// Where a classifier's corpus, model and promoted models live.
struct Paths {
    corpus: PathBuf,
    model: PathBuf,
    promoted: PathBuf,
}

fn paths(ctx: &Ctx, name: &str) -> Result<Paths> {
    if name == REQUEST_TYPE {
        let t = &ctx.config.triage;
        return Ok(Paths { corpus: t.corpus_dir(), model: t.model_path(), promoted: local_models_dir() });
    }
    let c = ctx.config.classifiers.0.get(name).with_context(|| format!("no classifier {name:?} in the configuration"))?;
    Ok(Paths { corpus: c.corpus_dir(name), model: c.model_path(name), promoted: local_models_dir().join(name) })
}

#[derive(clap::Args, Clone, Copy)]
pub struct TrainFlags {
    #[arg(long, default_value_t = TrainParams::default().epoch)]
    epoch: i32,
    #[arg(long, default_value_t = TrainParams::default().lr)]
    lr: f64,
    #[arg(long, default_value_t = TrainParams::default().word_ngrams)]
    word_ngrams: i32,
    #[arg(long, default_value_t = TrainParams::default().dim)]
    dim: i32,
    #[arg(long, default_value_t = TrainParams::default().minn)]
    minn: i32,
    #[arg(long, default_value_t = TrainParams::default().maxn)]
    maxn: i32,
    #[arg(long, default_value_t = TrainParams::default().bucket)]
    bucket: i32,
    #[arg(long, default_value_t = TrainParams::default().seed)]
    seed: i32,
}

impl From<TrainFlags> for TrainParams {
    fn from(f: TrainFlags) -> TrainParams {
        TrainParams { epoch: f.epoch, lr: f.lr, word_ngrams: f.word_ngrams, dim: f.dim, minn: f.minn, maxn: f.maxn, bucket: f.bucket, seed: f.seed }
    }
}

#[derive(Subcommand)]
pub enum ModelCommand {
    /// Return to the previously promoted model.
    Rollback,
    /// Which model triage uses now.
    Current,
}

pub fn corpus(ctx: &Ctx, name: &str, seed: u64, count: usize, heldout_share: f64, out: &Path, ablation: bool) -> Result<()> {
    let extractor = drawbridge_engine::ingest::extractor(&ctx.config)?;
    if ablation {
        // Hand-written emails in other styles, normalised the same way: the
        // synthetic held-out split alone says little about generalisation.
        let eval_dir = shipped_models_dir().join("eval");
        let mut handwritten = Vec::new();
        for name in ["handwritten.jsonl", "blind.jsonl"] {
            let path = eval_dir.join(name);
            if path.exists() {
                handwritten.extend(training::read_emails(&path)?);
            }
        }
        let scratch = std::env::temp_dir().join(format!("drawbridge-ablation-{}", std::process::id()));
        let rows = training::ablation(&extractor, seed, count, heldout_share, &handwritten, ctx.config.triage.threshold, &scratch);
        let _ = std::fs::remove_dir_all(&scratch);
        println!("{:<30} {:>9} {:>9} {:>10}   {:>18}", "normalisation", "macro-F1", "coverage", "precision", "hand-written F1/cov");
        for r in rows? {
            println!(
                "{:<30} {:>9.3} {:>9.3} {:>10.3}   {:>9.3} {:>8.3}",
                r.setting, r.heldout.macro_f1, r.heldout.coverage, r.heldout.precision_when_decided, r.handwritten.macro_f1, r.handwritten.coverage
            );
        }
        return Ok(());
    }
    let normalizer = Normalizer::new(extractor, Steps::default());
    let (train, heldout) = training::split_corpus(&normalizer, name, seed, count, heldout_share)?;
    train.save(&out.join("train.txt"))?;
    heldout.save(&out.join("heldout.txt"))?;
    println!("{}", serde_json::json!({"train": train.examples.len(), "heldout": heldout.examples.len(), "seed": seed, "out": out}));
    Ok(())
}

pub struct TrainFiles<'a> {
    pub input: &'a Path,
    pub output: &'a Path,
    pub heldout: Option<&'a Path>,
    pub autotune: Option<(&'a Path, i32)>,
}

pub fn train(ctx: &Ctx, name: &str, files: TrainFiles<'_>, params: TrainFlags) -> Result<()> {
    let c = classifier(ctx, name)?;
    let labels = c.labels();
    let data = Dataset::load_for(files.input, labels)?;
    let heldout_path = files.heldout.map(Path::to_path_buf).or_else(|| files.input.parent().map(|p| p.join("heldout.txt")).filter(|p| p.exists()));
    let heldout = heldout_path.as_deref().map(|p| Dataset::load_for(p, labels)).transpose()?;
    let prefix = if name == REQUEST_TYPE { "triage" } else { name };
    let job = TrainJob {
        data: &data,
        output: files.output,
        version: format!("{prefix}-{}-{}", chrono::Utc::now().format("%Y%m%d"), &data.sha256()[..8]),
        params: &params.into(),
        heldout: heldout.as_ref(),
        autotune: files.autotune,
        threshold: c.threshold(),
        normalization: Steps::default(),
        labels,
    };
    let (_, trained) = training::train(&job)?;
    eprintln!("trained {} on {} examples in {:.1} s", trained.version, trained.examples, trained.seconds);
    if let Some(r) = trained.evaluation {
        print!("{}", r.table());
    }
    Ok(())
}

/// The deployment's configuration with `name`'s model and threshold replaced.
fn with_model(ctx: &Ctx, name: &str, model: &Path, threshold: f32) -> Result<drawbridge_engine::config::Config> {
    let mut config = ctx.config.clone();
    if name == REQUEST_TYPE {
        config.triage.model = Some(model.to_path_buf());
        config.triage.threshold = threshold;
    } else {
        let c = config.classifiers.0.get_mut(name).with_context(|| format!("no classifier {name:?} in the configuration"))?;
        c.model = Some(model.to_path_buf());
        c.threshold = threshold;
    }
    Ok(config)
}

/// Raw emails labelled for `name`: the `label` field for the request type, else a field named after the classifier.
fn labelled_emails(c: &Classifier, input: &Path) -> Result<Vec<(String, String, String)>> {
    let field = if c.name() == REQUEST_TYPE { "label" } else { c.name() };
    Ok(training::read_labelled_emails(input, field, c.labels())?)
}

pub fn eval(ctx: &Ctx, name: &str, model: &Path, input: &Path, emails: bool, threshold: f32, json: bool) -> Result<()> {
    if emails {
        let config = with_model(ctx, name, model, threshold)?;
        let ctx2 = Ctx { config, db: None, dev_impersonate: false };
        let classifier = classifier(&ctx2, name)?;
        let e = training::evaluate_emails(&classifier, &labelled_emails(&classifier, input)?, threshold);
        if json {
            return print_json(&e);
        }
        println!("decision accuracy {:.3} ({} of {}), methods {:?}", e.decision_accuracy, e.right, e.total, e.methods);
        print!("{}", e.report.table());
        for m in e.misses {
            println!("  miss: {m}");
        }
        return Ok(());
    }
    let labels = classifier(ctx, name)?.labels().clone();
    let model = TriageModel::load_for(model, &labels)?;
    let report = Dataset::load_for(input, &labels)?.evaluate_model_for(&model, &labels, threshold);
    if json {
        print_json(&report)
    } else {
        print!("{}", report.table());
        Ok(())
    }
}

/// Fits the model's temperature on raw labelled emails it never trained on,
/// prints the reliability diagram before and after, and with `write` records
/// the temperature in the model's manifest (and the diagram as SVG).
pub fn calibrate(ctx: &Ctx, name: &str, model_path: &Path, inputs: &[PathBuf], svg: Option<&Path>, write: bool) -> Result<()> {
    let c = classifier(ctx, name)?;
    let model = TriageModel::load_for(model_path, c.labels())?;
    let mut scored = Vec::new();
    for input in inputs {
        for (truth, subject, body) in labelled_emails(&c, input)? {
            scored.push((truth, model.predict_all(&c.normalizer().normalize(&subject, &body))));
        }
    }
    if scored.is_empty() {
        anyhow::bail!("no labelled emails for {name} in {inputs:?}");
    }
    let before = calibration::reliability(&scored, 1.0);
    let fitted = calibration::fit(&scored);
    let after = calibration::reliability(&scored, fitted.temperature);
    println!("uncalibrated: {}", before.table());
    println!("temperature {:.2}: {}", fitted.temperature, after.table());
    if let Some(svg) = svg {
        std::fs::write(svg, after.svg(&format!("{name}: temperature {:.2} on {} emails", fitted.temperature, fitted.examples)))
            .with_context(|| format!("cannot write {}", svg.display()))?;
    }
    if write {
        let mut manifest = Manifest::load(model_path).with_context(|| format!("{} has no manifest beside it", model_path.display()))?;
        manifest.calibration = Some(fitted);
        manifest.save(model_path)?;
        eprintln!("recorded temperature {:.2} in the manifest of {}", fitted.temperature, model_path.display());
    }
    Ok(())
}

/// How the model's stated confidence matches how often it is right, on raw labelled emails.
pub fn reliability(ctx: &Ctx, name: &str, input: &Path, svg: Option<&Path>) -> Result<()> {
    let c = classifier(ctx, name)?;
    let model = c.model().with_context(|| format!("classifier {name} has no usable model"))?;
    let scored: Vec<calibration::Scored> = labelled_emails(&c, input)?
        .into_iter()
        .map(|(truth, subject, body)| {
            let mut all = model.predict_all(&c.normalizer().normalize(&subject, &body));
            calibration::apply(&mut all, model.temperature());
            (truth, all)
        })
        .collect();
    let r = calibration::reliability(&scored, 1.0);
    print!("{}", r.table());
    if let Some(svg) = svg {
        std::fs::write(svg, r.svg(&format!("{name} on {}", input.display()))).with_context(|| format!("cannot write {}", svg.display()))?;
    }
    Ok(())
}

pub async fn retrain(ctx: &Ctx, name: &str, params: TrainFlags) -> Result<()> {
    let store = ctx.store().await?;
    let c = classifier(ctx, name)?;
    let p = paths(ctx, name)?;
    let plan = learning::RetrainPlan { classifier: &c, corpus_dir: &p.corpus, current_model: &p.model, models_dir: &p.promoted };
    print_json(&learning::retrain(&store, &plan, &params.into()).await?)
}

pub fn model(ctx: &Ctx, name: &str, cmd: ModelCommand) -> Result<()> {
    let p = paths(ctx, name)?;
    match cmd {
        ModelCommand::Rollback => println!("{name} now uses {}", learning::rollback(&p.promoted)?),
        ModelCommand::Current => {
            let c = classifier(ctx, name)?;
            let version = TriageModel::load_for(&p.model, c.labels())?.version().to_string();
            println!("{version} ({})", p.model.display());
        }
    }
    Ok(())
}

pub async fn predictions(ctx: &Ctx, name: &str, month: &str, json: bool) -> Result<()> {
    let (from, to) = learning::month_bounds(month).with_context(|| format!("--month {month:?} is not YYYY-MM"))?;
    let records = ctx.store().await?.predictions_between(name, &from, &to).await?;
    let classifier = classifier(ctx, name)?;
    let report = learning::prediction_report(month, &records, Some(classifier.normalizer()));
    if json {
        print_json(&report)
    } else {
        print!("{}", table(&report));
        Ok(())
    }
}

fn table(r: &PredictionReport) -> String {
    let mut out = format!("predictions {}  corrected {}  accuracy {:.3}  coverage {:.3}\n", r.predictions, r.corrected, r.accuracy, r.coverage);
    let mut methods: Vec<_> = r.by_method.iter().collect();
    methods.sort();
    out.push_str(&format!(
        "by method: {}\n\nconfusion (predicted -> final):\n",
        methods.iter().map(|(m, n)| format!("{m} {n}")).collect::<Vec<_>>().join(", ")
    ));
    for (p, f, n) in &r.confusion {
        out.push_str(&format!("  {p:<14} -> {f:<14} {n}\n"));
    }
    out.push_str("\nmost-corrected phrases:\n");
    for (phrase, n) in &r.most_corrected_phrases {
        out.push_str(&format!("  {n:>4}  {phrase}\n"));
    }
    out
}
