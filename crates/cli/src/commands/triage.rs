//! `corpus`, `train`, `eval`, `retrain`, `model` and the monthly prediction
//! report: flags in, the engine's `classify::training` and `learning` do the work.

use crate::context::{Ctx, print_json};
use anyhow::{Context, Result};
use clap::Subcommand;
use drawbridge_engine::classify::dataset::Dataset;
use drawbridge_engine::classify::learning::{self, PredictionReport};
use drawbridge_engine::classify::training::{self, TrainJob};
use drawbridge_engine::classify::{Normalizer, Steps, TrainParams, TriageModel};
use drawbridge_engine::paths::{local_models_dir, shipped_models_dir};
use std::path::Path;

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

pub fn corpus(ctx: &Ctx, seed: u64, count: usize, heldout_share: f64, out: &Path, ablation: bool) -> Result<()> {
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
    let (train, heldout) = training::split_corpus(&normalizer, seed, count, heldout_share)?;
    train.save(&out.join("train.txt"))?;
    heldout.save(&out.join("heldout.txt"))?;
    println!("{}", serde_json::json!({"train": train.examples.len(), "heldout": heldout.examples.len(), "seed": seed, "out": out}));
    Ok(())
}

pub fn train(ctx: &Ctx, input: &Path, output: &Path, params: TrainFlags, heldout: Option<&Path>, autotune: Option<(&Path, i32)>) -> Result<()> {
    let data = Dataset::load(input)?;
    let heldout_path = heldout.map(Path::to_path_buf).or_else(|| input.parent().map(|p| p.join("heldout.txt")).filter(|p| p.exists()));
    let heldout = heldout_path.as_deref().map(Dataset::load).transpose()?;
    let job = TrainJob {
        data: &data,
        output,
        version: format!("triage-{}-{}", chrono::Utc::now().format("%Y%m%d"), &data.sha256()[..8]),
        params: &params.into(),
        heldout: heldout.as_ref(),
        autotune,
        threshold: ctx.config.triage.threshold,
        normalization: Steps::default(),
    };
    let (_, trained) = training::train(&job)?;
    eprintln!("trained {} on {} examples in {:.1} s", trained.version, trained.examples, trained.seconds);
    if let Some(r) = trained.evaluation {
        print!("{}", r.table());
    }
    Ok(())
}

pub fn eval(ctx: &Ctx, model: &Path, input: &Path, emails: bool, threshold: f32, json: bool) -> Result<()> {
    if emails {
        let mut config = ctx.config.clone();
        config.triage.model = Some(model.to_path_buf());
        config.triage.threshold = threshold;
        let classifier = drawbridge_engine::ingest::classifier(&config)?;
        let e = training::evaluate_emails(&classifier, &training::read_emails(input)?, threshold);
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
    let model = TriageModel::load(model)?;
    let report = Dataset::load(input)?.evaluate_model(&model, threshold);
    if json {
        print_json(&report)
    } else {
        print!("{}", report.table());
        Ok(())
    }
}

pub async fn retrain(ctx: &Ctx, params: TrainFlags) -> Result<()> {
    let store = ctx.store().await?;
    let classifier = drawbridge_engine::ingest::classifier(&ctx.config)?;
    let t = &ctx.config.triage;
    let outcome =
        learning::retrain(&store, classifier.normalizer(), &t.corpus_dir(), &t.model_path(), &local_models_dir(), &params.into(), t.threshold).await?;
    print_json(&outcome)
}

pub fn model(ctx: &Ctx, cmd: ModelCommand) -> Result<()> {
    match cmd {
        ModelCommand::Rollback => println!("triage now uses {}", learning::rollback(&local_models_dir())?),
        ModelCommand::Current => {
            let path = ctx.config.triage.model_path();
            println!("{} ({})", TriageModel::load(&path)?.version(), path.display());
        }
    }
    Ok(())
}

pub async fn predictions(ctx: &Ctx, month: &str, json: bool) -> Result<()> {
    let (from, to) = learning::month_bounds(month).with_context(|| format!("--month {month:?} is not YYYY-MM"))?;
    let records = ctx.store().await?.predictions_between(&from, &to).await?;
    let classifier = drawbridge_engine::ingest::classifier(&ctx.config)?;
    let report = learning::prediction_report(month, &records, classifier.normalizer());
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
