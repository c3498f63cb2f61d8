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
        /// Only those assigned to me (`--as`, else DRAWBRIDGE_ANALYST, else the OS account).
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
        RequestsCommand::List { limit, mine: true, actor } => print_json(&store.list_assigned(&me(actor.as_deref())?, limit).await?),
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

/// Who is asking: `--as`, else DRAWBRIDGE_ANALYST, else the OS account.
fn me(actor: Option<&str>) -> Result<String> {
    let name = actor
        .map(str::to_string)
        .or_else(|| std::env::var("DRAWBRIDGE_ANALYST").ok())
        .or_else(|| std::env::var("USER").ok())
        .or_else(|| std::env::var("USERNAME").ok())
        .unwrap_or_default();
    let name = name.trim().to_string();
    if name.is_empty() {
        bail!("cannot tell who you are: give --as NAME or set DRAWBRIDGE_ANALYST");
    }
    Ok(name)
}

pub async fn correct(ctx: &Ctx, id: i64, classifier: &str, label: &str, actor: &str, reason: Option<&str>) -> Result<()> {
    let c = super::triage::classifier(ctx, classifier)?;
    if !c.labels().accepts(label) {
        let mut allowed = c.labels().labels().to_vec();
        if !allowed.iter().any(|l| l == c.labels().fallback()) {
            allowed.push(c.labels().fallback().to_string());
        }
        bail!("{label:?} is not a {classifier} label ({})", allowed.join(", "));
    }
    if actor.trim().is_empty() {
        bail!("--as needs the name of the analyst who corrects");
    }
    let store = ctx.store().await?;
    let deployment = ctx.deployment()?;
    let reviewer = drawbridge_engine::review::Reviewer::new(&store, &deployment);
    print_json(&reviewer.correct_label(id, classifier, label, actor.trim(), reason).await?)
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
    print_json(&assigner.reassign(&store, id, to, &me(actor)?, reason).await?)
}
