//! `requests`, `indicator` and `correct`: what is stored.

use crate::context::{Ctx, print_json};
use anyhow::{Context, Result, bail};
use clap::Subcommand;
use drawbridge_engine::indicators::Kind;

#[derive(Subcommand)]
pub enum RequestsCommand {
    /// The newest requests.
    List {
        #[arg(long, default_value_t = 50)]
        limit: i64,
        /// Only those assigned to me (the OS account; `--as` another needs --dev-impersonate).
        #[arg(long)]
        mine: bool,
        #[arg(long = "as")]
        actor: Option<String>,
    },
    /// Who a request was assigned to, by which rule or person, oldest first.
    Assignments { id: i64 },
    /// One request with its parsed message and indicators.
    Show { id: i64 },
    /// The exact bytes that arrived, to standard output.
    Raw { id: i64 },
}

pub async fn run(ctx: &Ctx, cmd: RequestsCommand) -> Result<()> {
    let store = ctx.store().await?;
    match cmd {
        RequestsCommand::List { limit, mine: false, .. } => print_json(&store.list_requests(limit).await?),
        RequestsCommand::List { limit, mine: true, actor } => print_json(&store.list_assigned(&ctx.actor(actor.as_deref())?, limit).await?),
        RequestsCommand::Assignments { id } => print_json(&store.assignments(id).await?),
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

pub async fn correct(ctx: &Ctx, id: i64, classifier: &str, label: &str, actor: Option<&str>, reason: Option<&str>) -> Result<()> {
    let actor = ctx.actor(actor)?;
    let c = super::triage::classifier(ctx, classifier)?;
    if !c.labels().accepts(label) {
        let mut allowed = c.labels().labels().to_vec();
        if !allowed.iter().any(|l| l == c.labels().fallback()) {
            allowed.push(c.labels().fallback().to_string());
        }
        bail!("{label:?} is not a {classifier} label ({})", allowed.join(", "));
    }
    let store = ctx.store().await?;
    let deployment = ctx.deployment()?;
    let reviewer = drawbridge_engine::review::Reviewer::new(&store, &deployment);
    print_json(&reviewer.correct_label(id, classifier, label, &actor, reason).await?)
}

/// Hands a request to an analyst or queue (audited), or applies the rules again.
pub async fn assign(ctx: &Ctx, id: i64, to: Option<&str>, auto: bool, actor: Option<&str>, reason: Option<&str>) -> Result<()> {
    let store = ctx.store().await?;
    let assigner = drawbridge_engine::assign::Assigner::new(&ctx.config.assignment)?;
    if auto {
        return match assigner.assign_request(&store, id).await? {
            Some(a) => print_json(&a),
            None => bail!("no assignment rule matches request {id}"),
        };
    }
    let to = to.context("--to NAME or --auto")?;
    print_json(&assigner.reassign(&store, id, to, &ctx.actor(actor)?, reason).await?)
}
