//! `drawbridge`: the command line over the engine. Flags in, engine calls,
//! JSON out. No business rules here.

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use drawbridge_engine::config::Config;
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

fn extract(config: &Config, file: Option<&Path>) -> Result<()> {
    let raw = match file {
        Some(p) if p != Path::new("-") => std::fs::read(p).with_context(|| format!("cannot read {}", p.display()))?,
        _ => {
            let mut buf = Vec::new();
            std::io::stdin().read_to_end(&mut buf).context("cannot read standard input")?;
            buf
        }
    };
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
    eprintln!("drawbridge: watching {}{}", config.drop_folder().display(), if config.intake.imap.is_some() { " and the IMAP mailbox" } else { "" });
    tokio::select! {
        _ = tokio::signal::ctrl_c() => { eprintln!("drawbridge: stopping"); }
        _ = tasks.join_next() => { bail!("a watcher stopped unexpectedly"); }
    }
    Ok(())
}
