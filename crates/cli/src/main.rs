//! `drawbridge`: the command line over the engine. Flags in, engine calls,
//! JSON out. No business rules here.

mod triage;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use drawbridge_engine::review::Reviewer;
use drawbridge_engine::classify::dataset::Dataset;
use drawbridge_engine::classify::{RequestType, TrainParams, TriageModel, learning};
use drawbridge_engine::config::{Config, local_models_dir};
use drawbridge_engine::ingest;
use drawbridge_engine::playbook;
use drawbridge_engine::indicators::{Extractor, Kind};
use drawbridge_engine::ingest::{Ingestor, Origin};
use drawbridge_engine::intake::mime;
use drawbridge_engine::serve;
use drawbridge_engine::sender::{DnsSource, SenderPolicy};
use drawbridge_engine::store::{Source, Store};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

#[derive(Parser)]
#[command(name = "drawbridge", version, about = "Answers an MSSP's questions from the customer's own systems")]
struct Cli {
    /// Configuration file (default: the platform config dir's drawbridge.toml, if present).
    #[arg(long, global = true, env = "DRAWBRIDGE_CONFIG")]
    config: Option<PathBuf>,
    /// SQLite database file (default: drawbridge.db in the platform data dir).
    #[arg(long, global = true, env = "DRAWBRIDGE_DB")]
    db: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum SecretCommand {
    /// Store a secret: the value is read from standard input (first line).
    Set { name: String },
    /// Remove a secret from the keyring.
    Delete { name: String },
    /// Whether a secret resolves (env, keyring or secrets file); never prints it.
    Check { name: String },
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
    /// Watch the drop folder and, when configured, the IMAP mailbox.
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
    /// The request type of an email: {"label", "confidence", "method", "model"}.
    Classify { file: Option<PathBuf> },
    /// Correct a request's type; logged beside the prediction, with who and when.
    Correct {
        id: i64,
        /// The right type: enrichment, phishing, device_lost, containment or informational.
        #[arg(long = "type")]
        request_type: String,
        /// Who corrects.
        #[arg(long = "as")]
        actor: String,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Generate the labelled training corpus (train.txt and heldout.txt).
    Corpus {
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
    /// Evaluate a model: per-type precision/recall, confusion matrix, coverage.
    Eval {
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
    /// Train on the base corpus plus analysts' corrections; promote only if not worse.
    Retrain {
        #[command(flatten)]
        params: TrainFlags,
    },
    /// Manage local models.
    #[command(subcommand)]
    Model(ModelCommand),
    /// Run (or resume) the playbook of a stored request.
    Run { request_id: i64 },
    /// Check, plan and describe playbooks.
    #[command(subcommand)]
    Playbook(PlaybookCommand),
}

#[derive(Subcommand)]
enum PlaybookCommand {
    /// Validate playbook files; exits non-zero with every problem listed.
    Validate {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Print the exact queries each connector would send for a request; sends nothing.
    DryRun {
        file: PathBuf,
        /// The request, as an .eml file.
        #[arg(long)]
        request: PathBuf,
    },
    /// The JSON Schema of playbook files (what the GUI editor validates against).
    Schema,
    /// The connector actions a playbook may use.
    Actions,
}

#[derive(clap::Args, Clone, Copy)]
struct TrainFlags {
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
enum ReportCommand {
    /// Accuracy, coverage, confusion and most-corrected phrases of one month's predictions.
    Predictions {
        /// YYYY-MM
        #[arg(long)]
        month: String,
        #[arg(long)]
        json: bool,
    },
    /// The report of a request as it would be sent now (the draft is made on first sight).
    Show {
        id: i64,
        /// text, html, json (the attachment), stix (with [report] stix_organisation) or review (everything the review screen shows)
        #[arg(long, default_value = "text")]
        format: String,
    },
    /// JSON Schema of the report attachment.
    Schema,
}

#[derive(Subcommand)]
enum ModelCommand {
    /// Return to the previously promoted model.
    Rollback,
    /// Which model triage uses now.
    Current,
}

#[derive(Subcommand)]
enum ReviewCommand {
    /// Approve the report exactly as `report show` prints it now.
    Approve {
        id: i64,
        #[arg(long = "as")]
        actor: String,
    },
    /// Reject the request; `--reply` queues a short "we cannot answer this".
    Reject {
        id: i64,
        #[arg(long)]
        reason: String,
        #[arg(long = "as", default_value = "cli")]
        actor: String,
        #[arg(long)]
        reply: bool,
    },
    /// Withhold one value (its id from `report show ID --format json`), or a
    /// section: `kind:value|step` (one finding) or `kind:value` (one indicator).
    Redact {
        id: i64,
        fact: String,
        #[arg(long = "as")]
        actor: String,
    },
    /// Send one value (or section) as it is, whatever the policy says.
    Reveal {
        id: i64,
        fact: String,
        #[arg(long = "as")]
        actor: String,
    },
    /// Replace the summary with the text in FILE (`-`: standard input).
    EditSummary {
        id: i64,
        file: PathBuf,
        #[arg(long = "as")]
        actor: String,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check the hash chain of the whole audit log.
    Verify,
    /// The audit entries (of one request).
    Show { id: Option<i64> },
}

#[derive(Subcommand)]
enum OutboxCommand {
    /// Queued and sent replies.
    List,
    /// Send every due reply now (what `serve` does periodically).
    Send,
}

#[derive(Subcommand)]
enum RequestsCommand {
    /// The newest requests.
    List {
        #[arg(long, default_value_t = 50)]
        limit: i64,
    },
    /// One request with its parsed message and indicators.
    Show { id: i64 },
    /// The exact bytes that arrived, to standard output.
    Raw { id: i64 },
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
    let config = Config::load(cli.config.as_deref())?;
    match cli.command {
        Command::Parse { file } => parse(&config, &file).await,
        Command::Extract { file } => extract(&config, file.as_deref()),
        Command::Ingest { files } => {
            let ingestor = ingestor(&config, cli.db.as_deref()).await?;
            let mut failed = 0;
            for file in files {
                let raw = std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
                let origin = Origin { source: Source::File, reference: file.display().to_string(), cursor: None };
                match ingestor.ingest(&raw, &origin).await {
                    Ok(outcome) => println!("{}", serde_json::json!({"file": file, "request_id": outcome.request_id, "duplicate": outcome.duplicate, "quarantined": outcome.quarantined})),
                    Err(e) => {
                        eprintln!("drawbridge: {}: {e}", file.display());
                        failed += 1;
                    }
                }
            }
            if failed > 0 {
                bail!("{failed} file(s) could not be stored");
            }
            Ok(())
        }
        Command::Serve { interval } => serve(&config, cli.db.as_deref(), interval).await,
        Command::Requests(cmd) => {
            let store = open_store(&config, cli.db.as_deref()).await?;
            match cmd {
                RequestsCommand::List { limit } => print_json(&store.list_requests(limit).await?),
                RequestsCommand::Show { id } => print_json(&store.request(id).await?),
                RequestsCommand::Raw { id } => {
                    use std::io::Write;
                    std::io::stdout().write_all(&store.raw_message(id).await?)?;
                    Ok(())
                }
            }
        }
        Command::Classify { file } => {
            let raw = read_input(file.as_deref())?;
            let classifier = ingest::classifier(&config)?;
            let (subject, body) = match mime::parse(&raw) {
                Ok(m) => (m.subject.unwrap_or_default(), m.text),
                Err(_) => (String::new(), String::from_utf8_lossy(&raw).into_owned()),
            };
            print_json(&classifier.classify(&subject, &body))
        }
        Command::Correct { id, request_type, actor, reason } => {
            let t = RequestType::parse(&request_type).with_context(|| format!("{request_type:?} is not a request type (enrichment, phishing, device_lost, containment, informational)"))?;
            if actor.trim().is_empty() {
                bail!("--as needs the name of the analyst who corrects");
            }
            let store = open_store(&config, cli.db.as_deref()).await?;
            print_json(&store.correct_type(id, t.as_str(), actor.trim(), reason.as_deref()).await?)
        }
        Command::Corpus { seed, count, heldout, out, ablation } => triage::corpus(&config, seed, count, heldout, &out, ablation),
        Command::Train { input, output, params, heldout, autotune_validation, autotune_duration } => {
            triage::train(&input, &output, &params.into(), heldout.as_deref(), autotune_validation.as_deref().map(|p| (p, autotune_duration)), config.triage.threshold)
        }
        Command::Eval { model, input, threshold, json, emails: true } => triage::eval_emails(&config, &model, &input, threshold, json),
        Command::Eval { model, input, threshold, json, emails: false } => {
            let model = TriageModel::load(&model)?;
            let report = Dataset::load(&input)?.evaluate_model(&model, threshold);
            if json { print_json(&report) } else { print!("{}", report.table()); Ok(()) }
        }
        Command::Report(ReportCommand::Predictions { month, json }) => {
            let store = open_store(&config, cli.db.as_deref()).await?;
            let (from, to) = triage::month_bounds(&month)?;
            let records = store.predictions_between(&from, &to).await?;
            let classifier = ingest::classifier(&config)?;
            let report = learning::prediction_report(&month, &records, classifier.normalizer());
            if json { print_json(&report) } else { print!("{}", triage::report_table(&report)); Ok(()) }
        }
        Command::Retrain { params } => {
            let store = open_store(&config, cli.db.as_deref()).await?;
            let classifier = ingest::classifier(&config)?;
            let outcome = learning::retrain(
                &store,
                classifier.normalizer(),
                &config.triage.corpus_dir(),
                &config.triage.model_path(),
                &local_models_dir(),
                &params.into(),
                config.triage.threshold,
            )
            .await?;
            print_json(&outcome)
        }
        Command::Model(ModelCommand::Rollback) => {
            let now = learning::rollback(&local_models_dir())?;
            println!("triage now uses {now}");
            Ok(())
        }
        Command::Model(ModelCommand::Current) => {
            let path = config.triage.model_path();
            let model = TriageModel::load(&path)?;
            println!("{} ({})", model.version(), path.display());
            Ok(())
        }
        Command::Playbook(PlaybookCommand::Validate { files }) => {
            let mut failed = 0;
            for f in &files {
                match playbook::load(f) {
                    Ok(p) => println!("{}: ok ({} steps)", f.display(), p.steps.len()),
                    Err(e) => {
                        eprintln!("{e}");
                        failed += 1;
                    }
                }
            }
            if failed > 0 {
                bail!("{failed} playbook(s) invalid");
            }
            Ok(())
        }
        Command::Playbook(PlaybookCommand::DryRun { file, request }) => {
            let pb = playbook::load(&file)?;
            let raw = std::fs::read(&request).with_context(|| format!("cannot read {}", request.display()))?;
            let message = mime::parse(&raw).map_err(|e| anyhow::anyhow!("{}: {e}", request.display()))?;
            let classifier = ingest::classifier(&config)?;
            let triage = classifier.classify(message.subject.as_deref().unwrap_or(""), &message.text);
            let sent = message.date.as_deref().and_then(|d| chrono::DateTime::parse_from_rfc3339(d).ok()).map(|d| d.with_timezone(&chrono::Utc)).unwrap_or_else(chrono::Utc::now);
            let ctx = playbook::RequestContext {
                window: playbook::window::window(&format!("{}\n{}", message.subject.as_deref().unwrap_or(""), message.text), sent),
                id: None,
                subject: message.subject.clone().unwrap_or_default(),
                sender: message.from.as_ref().map(|f| f.address.clone()).unwrap_or_default(),
                request_type: triage.label.clone(),
                indicators: Extractor::new(&config.indicators)?.extract_message(&message),
            };
            print_json(&playbook::plan::plan_with(&pb, &ctx, &config.connectors).map_err(|e| anyhow::anyhow!("{e}"))?)
        }
        Command::Run { request_id } => {
            let store = open_store(&config, cli.db.as_deref()).await?;
            let executor = std::sync::Arc::new(playbook::executor::Connectors::new(&config.connectors));
            let mut runner = playbook::Runner::configured(store.clone(), executor, &config.connectors);
            print_json(&playbook::run_request(&store, &config, &mut runner, request_id).await?)
        }
        Command::Playbook(PlaybookCommand::Schema) => print_json(&playbook::schema()),
        Command::Playbook(PlaybookCommand::Actions) => print_json(&playbook::actions::catalogue(&config.connectors.http_definitions)),
        Command::Report(ReportCommand::Schema) => print_json(&drawbridge_engine::report::schema()),
        Command::Report(ReportCommand::Show { id, format }) => {
            let store = open_store(&config, cli.db.as_deref()).await?;
            let view = Reviewer::new(&store, &config).view(id).await?;
            match format.as_str() {
                "text" => print!("{}", view.rendered.text),
                "html" => print!("{}", view.rendered.html),
                "json" => println!("{}", view.rendered.json),
                "stix" => println!("{}", view.rendered.stix.as_deref().context("no STIX bundle: set [report] stix_organisation")?),
                "review" => print_json(&view)?,
                other => anyhow::bail!("unknown format {other:?} (text, html, json, review)"),
            }
            Ok(())
        }
        Command::Review(cmd) => {
            let store = open_store(&config, cli.db.as_deref()).await?;
            let reviewer = Reviewer::new(&store, &config);
            let view = match cmd {
                ReviewCommand::Approve { id, actor } => reviewer.approve(id, &actor).await?,
                ReviewCommand::Reject { id, reason, actor, reply } => reviewer.reject(id, &reason, &actor, reply).await?,
                ReviewCommand::Redact { id, fact, actor } => reviewer.redact(id, &fact, &actor).await?,
                ReviewCommand::Reveal { id, fact, actor } => reviewer.reveal(id, &fact, &actor).await?,
                ReviewCommand::EditSummary { id, file, actor } => {
                    let text = if file.as_os_str() == "-" {
                        std::io::read_to_string(std::io::stdin())?
                    } else {
                        std::fs::read_to_string(&file).with_context(|| format!("cannot read {}", file.display()))?
                    };
                    reviewer.edit_summary(id, text.trim(), &actor).await?
                }
            };
            print_json(&serde_json::json!({
                "state": view.state,
                "approvals": view.approvals,
                "approvals_required": view.approvals_required,
                "digest": view.rendered.digest,
                "outbox": view.outbox,
            }))
        }
        Command::Audit(AuditCommand::Show { id }) => {
            let store = open_store(&config, cli.db.as_deref()).await?;
            print_json(&store.audit_log(id).await?)
        }
        Command::Audit(AuditCommand::Verify) => {
            let store = open_store(&config, cli.db.as_deref()).await?;
            let verdict = drawbridge_engine::review::audit::verify(&store.audit_log(None).await?);
            print_json(&verdict)?;
            match verdict.broken_at {
                None => Ok(()),
                Some((id, why)) => anyhow::bail!("the audit log was tampered with at entry {id}: {why}"),
            }
        }
        Command::Outbox(OutboxCommand::List) => {
            let store = open_store(&config, cli.db.as_deref()).await?;
            print_json(&store.outbox(None).await?)
        }
        Command::Outbox(OutboxCommand::Send) => {
            let store = open_store(&config, cli.db.as_deref()).await?;
            let out = config.outbound.as_ref().context("no [outbound] section in the config")?;
            let smtp = out.smtp.as_ref().context("no [outbound.smtp] section in the config")?;
            print_json(&drawbridge_engine::outbound::outbox::send_due(&store, smtp, &out.retry(), out.sent_copy(config.intake.imap.as_ref()).as_ref()).await?)
        }
        Command::Secret(SecretCommand::Set { name }) => {
            let mut value = String::new();
            std::io::stdin().read_line(&mut value).context("cannot read the secret from standard input")?;
            let value = value.trim_end_matches(['\r', '\n']);
            anyhow::ensure!(!value.is_empty(), "empty secret on standard input");
            drawbridge_engine::secrets::store_in_keyring(&name, value)?;
            eprintln!("stored secret {name:?} in the OS keyring");
            Ok(())
        }
        Command::Secret(SecretCommand::Delete { name }) => Ok(drawbridge_engine::secrets::delete_from_keyring(&name)?),
        Command::Secret(SecretCommand::Check { name }) => {
            drawbridge_engine::secrets::resolve(&name)?;
            eprintln!("secret {name:?} resolves");
            Ok(())
        }
        Command::Indicator { kind, value } => {
            let kind = Kind::parse(&kind).with_context(|| format!("unknown indicator kind {kind:?}"))?;
            let store = open_store(&config, cli.db.as_deref()).await?;
            print_json(&store.indicator_history(kind, &value).await?)
        }
    }
}

fn print_json<T: serde::Serialize>(value: &T) -> Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

async fn open_store(config: &Config, db: Option<&Path>) -> Result<Store> {
    let path = config.database_path(db);
    Store::open_sqlite(&path).await.with_context(|| format!("cannot open database {}", path.display()))
}

async fn ingestor(config: &Config, db: Option<&Path>) -> Result<Ingestor> {
    let store = open_store(config, db).await?;
    Ok(Ingestor::new(config, store, DnsSource::System)?)
}

async fn parse(config: &Config, file: &Path) -> Result<()> {
    let raw = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let message = mime::parse(&raw).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    let verdict = SenderPolicy::new(config.senders.clone(), DnsSource::System).evaluate(&message, &raw).await;
    let mut json = serde_json::to_value(&message)?;
    if let Some(obj) = json.as_object_mut() {
        obj.insert("sender".into(), serde_json::to_value(&verdict)?);
    }
    print_json(&json)
}

/// A file's bytes, or standard input for `-` or no file.
fn read_input(file: Option<&Path>) -> Result<Vec<u8>> {
    Ok(match file {
        Some(p) if p != Path::new("-") => std::fs::read(p).with_context(|| format!("cannot read {}", p.display()))?,
        _ => {
            let mut buf = Vec::new();
            std::io::stdin().read_to_end(&mut buf).context("cannot read standard input")?;
            buf
        }
    })
}

fn extract(config: &Config, file: Option<&Path>) -> Result<()> {
    let raw = read_input(file)?;
    let extractor = Extractor::new(&config.indicators)?;
    let indicators = match mime::parse(&raw) {
        Ok(message) => extractor.extract_message(&message),
        Err(_) => extractor.extract(&String::from_utf8_lossy(&raw)),
    };
    print_json(&indicators)
}

async fn serve(config: &Config, db: Option<&Path>, interval: u64) -> Result<()> {
    let ingestor = ingestor(config, db).await?;
    let mut tasks = tokio::task::JoinSet::new();
    serve::spawn_watchers(config, &ingestor, Duration::from_secs(interval.max(1)), &mut tasks)
        .with_context(|| format!("cannot create drop folder {}", config.drop_folder().display()))?;
    serve::spawn_workers(config, &open_store(config, db).await?, Duration::from_secs(interval.max(1)), &mut tasks);
    eprintln!("drawbridge: watching {}{}", config.drop_folder().display(), if config.intake.imap.is_some() { " and the IMAP mailbox" } else { "" });
    tokio::select! {
        _ = tokio::signal::ctrl_c() => { eprintln!("drawbridge: stopping"); }
        _ = tasks.join_next() => { bail!("a watcher stopped unexpectedly"); }
    }
    Ok(())
}
