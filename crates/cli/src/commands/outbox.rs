//! `outbox list | send`.

use crate::context::{Ctx, print_json};
use anyhow::{Context, Result};
use clap::Subcommand;

#[derive(Subcommand)]
pub enum OutboxCommand {
    /// Queued and sent replies.
    List,
    /// Send every due reply now (what `serve` does periodically).
    Send,
}

pub async fn run(ctx: &Ctx, cmd: OutboxCommand) -> Result<()> {
    let store = ctx.store().await?;
    match cmd {
        OutboxCommand::List => print_json(&store.outbox(None).await?),
        OutboxCommand::Send => {
            let config = &ctx.config;
            let out = config.outbound.as_ref().context("no [outbound] section in the config")?;
            print_json(
                &drawbridge_engine::outbound::outbox::send_due(&store, &out.transport(), &out.retry(), out.sent_copy(config.intake.imap.as_ref()).as_ref())
                    .await?,
            )
        }
    }
}
