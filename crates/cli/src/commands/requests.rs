//! `requests`, `indicator` and `correct`: what is stored.

use crate::context::{Ctx, print_json};
use anyhow::{Context, Result, bail};
use clap::Subcommand;
use drawbridge_engine::classify::RequestType;
use drawbridge_engine::indicators::Kind;

#[derive(Subcommand)]
pub enum RequestsCommand {
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

pub async fn run(ctx: &Ctx, cmd: RequestsCommand) -> Result<()> {
    let store = ctx.store().await?;
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

pub async fn indicator(ctx: &Ctx, kind: &str, value: &str) -> Result<()> {
    let kind = Kind::parse(kind).with_context(|| format!("unknown indicator kind {kind:?}"))?;
    print_json(&ctx.store().await?.indicator_history(kind, value).await?)
}

pub async fn correct(ctx: &Ctx, id: i64, request_type: &str, actor: &str, reason: Option<&str>) -> Result<()> {
    let t = RequestType::parse(request_type)
        .with_context(|| format!("{request_type:?} is not a request type (enrichment, phishing, device_lost, containment, informational)"))?;
    if actor.trim().is_empty() {
        bail!("--as needs the name of the analyst who corrects");
    }
    print_json(&ctx.store().await?.correct_type(id, t.as_str(), actor.trim(), reason).await?)
}
