//! `playbook validate | dry-run | schema | actions` and `run`.

use crate::context::{Ctx, print_json};
use anyhow::{Context, Result, bail};
use clap::Subcommand;
use drawbridge_engine::intake::mime;
use drawbridge_engine::{enrich, ingest, playbook};
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum PlaybookCommand {
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
    /// The connector actions a playbook may use, with their input and output schemas.
    Actions,
}

pub async fn run(ctx: &Ctx, cmd: PlaybookCommand) -> Result<()> {
    match cmd {
        PlaybookCommand::Validate { files } => {
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
        PlaybookCommand::DryRun { file, request } => {
            let deployment = ctx.deployment()?;
            let pb = playbook::load(&file)?;
            let raw = std::fs::read(&request).with_context(|| format!("cannot read {}", request.display()))?;
            let message = mime::parse(&raw).map_err(|e| anyhow::anyhow!("{}: {e}", request.display()))?;
            let triage = ingest::classifier(&ctx.config)?.classify(message.subject.as_deref().unwrap_or(""), &message.text);
            let indicators = drawbridge_engine::ingest::extractor(&ctx.config)?.extract_message(&message);
            let context = playbook::context_of_message(&message, &triage.label, indicators);
            print_json(&playbook::plan::plan_with(&pb, &context, &deployment.connectors).map_err(|e| anyhow::anyhow!("{e}"))?)
        }
        PlaybookCommand::Schema => print_json(&playbook::schema()),
        PlaybookCommand::Actions => print_json(&ctx.deployment()?.connectors.catalogue()),
    }
}

/// `run ID`: run or resume a stored request's playbook.
pub async fn run_request(ctx: &Ctx, request_id: i64) -> Result<()> {
    let store = ctx.store().await?;
    let deployment = ctx.deployment()?;
    let mut runner = playbook::Runner::configured(store.clone(), deployment.connectors.clone(), &ctx.config.connectors.limits);
    print_json(&enrich::run_request(&store, &deployment, &mut runner, request_id).await?)
}
