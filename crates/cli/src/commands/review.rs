//! `review approve | reject | redact | reveal | edit-summary`.

use crate::context::{Ctx, print_json};
use anyhow::{Context, Result};
use clap::Subcommand;
use drawbridge_engine::review::Reviewer;
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum ReviewCommand {
    /// Approve the report you were shown: `--digest` is the digest `report
    /// show` printed with it; a report that changed since is refused.
    Approve {
        id: i64,
        #[arg(long)]
        digest: String,
        #[arg(long = "as")]
        actor: Option<String>,
    },
    /// Reject the request; `--reply` queues a short "we cannot answer this".
    Reject {
        id: i64,
        #[arg(long)]
        reason: String,
        #[arg(long = "as")]
        actor: Option<String>,
        #[arg(long)]
        reply: bool,
    },
    /// Withhold one value (its id from `report show ID --format json`), or a
    /// section: `kind:value|step` (one finding) or `kind:value` (one indicator).
    Redact {
        id: i64,
        fact: String,
        #[arg(long = "as")]
        actor: Option<String>,
    },
    /// Send one value (or section) as it is, whatever the policy says.
    Reveal {
        id: i64,
        fact: String,
        #[arg(long = "as")]
        actor: Option<String>,
    },
    /// Replace the summary with the text in FILE (`-`: standard input).
    EditSummary {
        id: i64,
        file: PathBuf,
        #[arg(long = "as")]
        actor: Option<String>,
    },
}

pub async fn run(ctx: &Ctx, cmd: ReviewCommand) -> Result<()> {
    let store = ctx.store().await?;
    let deployment = ctx.deployment()?;
    let reviewer = Reviewer::new(&store, &deployment);
    // Every decision is the OS account's; `--as` someone else needs --dev-impersonate.
    let view = match cmd {
        ReviewCommand::Approve { id, digest, actor } => reviewer.approve(id, &ctx.actor(actor.as_deref())?, &digest).await?,
        ReviewCommand::Reject { id, reason, actor, reply } => reviewer.reject(id, &reason, &ctx.actor(actor.as_deref())?, reply).await?,
        ReviewCommand::Redact { id, fact, actor } => reviewer.redact(id, &fact, &ctx.actor(actor.as_deref())?).await?,
        ReviewCommand::Reveal { id, fact, actor } => reviewer.reveal(id, &fact, &ctx.actor(actor.as_deref())?).await?,
        ReviewCommand::EditSummary { id, file, actor } => {
            let actor = ctx.actor(actor.as_deref())?;
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
