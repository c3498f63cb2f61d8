//! `drawbridge`: the command line over the engine. Flags in, engine calls,
//! JSON out. No business rules here: each subcommand is a module in
//! `commands/` that reads its flags and calls the engine.

mod commands;
mod context;

use anyhow::Result;
use clap::{Parser, Subcommand};
use commands::audit::AuditCommand;
use commands::connectors::ConnectorsCommand;
use commands::outbox::OutboxCommand;
use commands::playbook::PlaybookCommand;
use commands::report::ReportCommand;
use commands::requests::RequestsCommand;
use commands::review::ReviewCommand;
use commands::secret::SecretCommand;
use commands::triage::{ModelCommand, TrainFlags};
use context::Ctx;
use drawbridge_engine::config::Config;
use std::path::PathBuf;

#[derive(Parser)]
#[command(name = "drawbridge", version, about = "Answers an MSSP's questions from the customer's own systems")]
struct Cli {
    /// Configuration file (default: the platform config dir's drawbridge.toml, if present).
    #[arg(long, global = true, env = "DRAWBRIDGE_CONFIG")]
    config: Option<PathBuf>,
    /// SQLite database file (default: drawbridge.db in the platform data dir).
    #[arg(long, global = true, env = "DRAWBRIDGE_DB")]
    db: Option<PathBuf>,
    /// Development only: let `--as` name someone other than the OS account
    /// running this command (demos and tests). Never in production.
    #[arg(long, global = true)]
    dev_impersonate: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Parse an email and print it as JSON, with the sender verdict.
    Parse { file: PathBuf },
    /// Print the indicators in a text or an email (`-` or nothing: standard input).
    Extract { file: Option<PathBuf> },
    /// Ingest .eml files into the store.
    Ingest {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Watch the drop folder and, when configured, the IMAP mailbox; run playbooks and the outbox.
    Serve {
        /// Seconds between drop-folder sweeps.
        #[arg(long, default_value_t = 2)]
        interval: u64,
    },
    /// Stored requests.
    #[command(subcommand)]
    Requests(RequestsCommand),
    /// What Drawbridge has seen of one indicator.
    Indicator { kind: String, value: String },
    /// Review decisions: approve, reject, redact, reveal, edit.
    #[command(subcommand)]
    Review(ReviewCommand),
    /// The append-only, hash-chained audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Replies waiting to be sent, or sent.
    #[command(subcommand)]
    Outbox(OutboxCommand),
    /// Secrets in the OS keyring (connectors name them; values never go in files).
    #[command(subcommand)]
    Secret(SecretCommand),
    /// Every classifier's decision on an email (request type, priority, …):
    /// [{"classifier", "label", "confidence", "method", "model"}].
    Classify { file: Option<PathBuf> },
    /// Correct one classifier's label of a request; logged beside the prediction, with who and when.
    Correct {
        id: i64,
        /// The right label (for the request type: enrichment, phishing, device_lost, containment or informational).
        #[arg(long = "label", visible_alias = "type")]
        label: String,
        /// Which classifier's label (default: the request type).
        #[arg(long, default_value = "request_type")]
        classifier: String,
        /// Who corrects (default: the OS account; another name needs --dev-impersonate).
        #[arg(long = "as")]
        actor: Option<String>,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Generate a labelled training corpus (train.txt and heldout.txt) for the request type or priority.
    Corpus {
        #[arg(long, default_value = "request_type")]
        classifier: String,
        #[arg(long, default_value_t = 42)]
        seed: u64,
        #[arg(long, default_value_t = 3000)]
        count: usize,
        /// Share of examples held out for evaluation (never trained on).
        #[arg(long, default_value_t = 0.2)]
        heldout: f64,
        #[arg(long, default_value = "models/corpus")]
        out: PathBuf,
        /// Instead of writing: train with each normalisation step switched off and print the held-out scores.
        #[arg(long)]
        ablation: bool,
    },
    /// Train a model on a fastText-format file.
    Train {
        #[arg(long, default_value = "request_type")]
        classifier: String,
        #[arg(long)]
        input: PathBuf,
        #[arg(long)]
        output: PathBuf,
        #[command(flatten)]
        params: TrainFlags,
        /// Evaluate on this file and record the figures in the manifest
        /// (default: heldout.txt beside the input, if present).
        #[arg(long)]
        heldout: Option<PathBuf>,
        /// Let fastText's autotune search hyper-parameters against this file.
        #[arg(long)]
        autotune_validation: Option<PathBuf>,
        #[arg(long, default_value_t = 60)]
        autotune_duration: i32,
    },
    /// Evaluate a model: per-label precision/recall, confusion matrix, coverage.
    Eval {
        #[arg(long, default_value = "request_type")]
        classifier: String,
        #[arg(long)]
        model: PathBuf,
        /// fastText-format file of normalised examples, or with --emails a
        /// JSON-lines file of raw emails ({"label", "subject", "body"}).
        #[arg(long)]
        input: PathBuf,
        /// The input holds raw emails: evaluate the whole decision on them.
        #[arg(long)]
        emails: bool,
        #[arg(long, default_value_t = 0.80)]
        threshold: f32,
        #[arg(long)]
        json: bool,
    },
    /// Reports: a request's reply report, and the monthly prediction report.
    #[command(subcommand)]
    Report(ReportCommand),
    /// Fit a model's confidence to how often it is right, on raw labelled
    /// emails it never trained on; prints the reliability diagram.
    Calibrate {
        #[arg(long, default_value = "request_type")]
        classifier: String,
        #[arg(long)]
        model: PathBuf,
        /// JSON-lines files of raw emails ({"label" or "<classifier>", "subject", "body"}).
        #[arg(long = "emails", required = true)]
        emails: Vec<PathBuf>,
        /// Write the calibrated reliability diagram here as SVG.
        #[arg(long)]
        svg: Option<PathBuf>,
        /// Record the temperature in the model's manifest.
        #[arg(long)]
        write: bool,
    },
    /// The reliability diagram of the deployment's model on raw labelled emails.
    Reliability {
        #[arg(long, default_value = "request_type")]
        classifier: String,
        #[arg(long)]
        input: PathBuf,
        #[arg(long)]
        svg: Option<PathBuf>,
    },
    /// Train on the base corpus plus analysts' corrections; promote only if not worse.
    Retrain {
        #[arg(long, default_value = "request_type")]
        classifier: String,
        #[command(flatten)]
        params: TrainFlags,
    },
    /// Manage local models.
    Model {
        #[arg(long, default_value = "request_type")]
        classifier: String,
        #[command(subcommand)]
        cmd: ModelCommand,
    },
    /// Assign a request to an analyst or queue (audited), or with --auto by the assignment rules.
    Assign {
        id: i64,
        /// The analyst or queue (as declared in [assignment]).
        #[arg(long, required_unless_present = "auto")]
        to: Option<String>,
        /// Apply the assignment rules instead.
        #[arg(long, conflicts_with = "to")]
        auto: bool,
        /// Who reassigns (default: the OS account; another name needs --dev-impersonate).
        #[arg(long = "as")]
        actor: Option<String>,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Run (or resume) the playbook of a stored request.
    Run { request_id: i64 },
    /// Submit indicators for enrichment without an e-mail and enrich them now:
    /// intel verdicts, internal sightings, the investigation ticket. Prints the summary.
    Enrich {
        #[arg(required = true)]
        values: Vec<String>,
        /// Who or what submits them (default: the OS account).
        #[arg(long)]
        by: Option<String>,
        /// Why, in a few words.
        #[arg(long)]
        note: Option<String>,
        /// The submitter's own reference (an alert id).
        #[arg(long)]
        reference: Option<String>,
    },
    /// Check, plan and describe playbooks.
    #[command(subcommand)]
    Playbook(PlaybookCommand),
    /// The connectors this build knows and this deployment has set up.
    #[command(subcommand)]
    Connectors(ConnectorsCommand),
}

fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_env("DRAWBRIDGE_LOG").unwrap_or_else(|_| "warn".into()))
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("drawbridge: cannot start the async runtime: {e}");
            std::process::exit(2);
        }
    };
    if let Err(e) = runtime.block_on(run(cli)) {
        // One line a person can act on.
        eprintln!("drawbridge: {e:#}");
        std::process::exit(1);
    }
}

async fn run(cli: Cli) -> Result<()> {
    let ctx = Ctx { config: Config::load(cli.config.as_deref())?, db: cli.db, dev_impersonate: cli.dev_impersonate };
    use commands::*;
    match cli.command {
        Command::Parse { file } => mail::parse(&ctx, &file).await,
        Command::Extract { file } => mail::extract(&ctx, file.as_deref()),
        Command::Classify { file } => mail::classify(&ctx, file.as_deref()),
        Command::Assign { id, to, auto, actor, reason } => requests::assign(&ctx, id, to.as_deref(), auto, actor.as_deref(), reason.as_deref()).await,
        Command::Ingest { files } => mail::ingest(&ctx, &files).await,
        Command::Serve { interval } => serve::run(&ctx, interval).await,
        Command::Requests(cmd) => requests::run(&ctx, cmd).await,
        Command::Indicator { kind, value } => requests::indicator(&ctx, &kind, &value).await,
        Command::Correct { id, label, classifier, actor, reason } => {
            requests::correct(&ctx, id, &classifier, &label, actor.as_deref(), reason.as_deref()).await
        }
        Command::Corpus { classifier, seed, count, heldout, out, ablation } => triage::corpus(&ctx, &classifier, seed, count, heldout, &out, ablation),
        Command::Train { classifier, input, output, params, heldout, autotune_validation, autotune_duration } => {
            let autotune = autotune_validation.as_deref().map(|p| (p, autotune_duration));
            triage::train(&ctx, &classifier, triage::TrainFiles { input: &input, output: &output, heldout: heldout.as_deref(), autotune }, params)
        }
        Command::Eval { classifier, model, input, emails, threshold, json } => triage::eval(&ctx, &classifier, &model, &input, emails, threshold, json),
        Command::Calibrate { classifier, model, emails, svg, write } => triage::calibrate(&ctx, &classifier, &model, &emails, svg.as_deref(), write),
        Command::Reliability { classifier, input, svg } => triage::reliability(&ctx, &classifier, &input, svg.as_deref()),
        Command::Retrain { classifier, params } => triage::retrain(&ctx, &classifier, params).await,
        Command::Model { classifier, cmd } => triage::model(&ctx, &classifier, cmd),
        Command::Report(cmd) => report::run(&ctx, cmd).await,
        Command::Run { request_id } => playbook::run_request(&ctx, request_id).await,
        Command::Enrich { values, by, note, reference } => {
            enrich::run(&ctx, enrich::Request { values, by: by.as_deref(), note: note.as_deref(), reference: reference.as_deref() }).await
        }
        Command::Playbook(cmd) => playbook::run(&ctx, cmd).await,
        Command::Connectors(cmd) => connectors::run(&ctx, cmd).await,
        Command::Review(cmd) => review::run(&ctx, cmd).await,
        Command::Audit(cmd) => audit::run(&ctx, cmd).await,
        Command::Outbox(cmd) => outbox::run(&ctx, cmd).await,
        Command::Secret(cmd) => secret::run(cmd),
    }
}
