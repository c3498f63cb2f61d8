//! `report show | schema | predictions`.

use crate::context::{Ctx, print_json};
use anyhow::{Context, Result, bail};
use clap::Subcommand;
use drawbridge_engine::review::Reviewer;

#[derive(Subcommand)]
pub enum ReportCommand {
    /// Accuracy, coverage, confusion and most-corrected phrases of one month's predictions.
    Predictions {
        /// YYYY-MM
        #[arg(long)]
        month: String,
        /// Which classifier's predictions (default: the request type).
        #[arg(long, default_value = "request_type")]
        classifier: String,
        #[arg(long)]
        json: bool,
    },
    /// The report of a request as it would be sent now.
    Show {
        id: i64,
        /// text, html, json (the attachment), stix (with [report] stix_organisation) or review (everything the review screen shows)
        #[arg(long, default_value = "text")]
        format: String,
    },
    /// JSON Schema of the report attachment.
    Schema,
}

pub async fn run(ctx: &Ctx, cmd: ReportCommand) -> Result<()> {
    match cmd {
        ReportCommand::Predictions { month, classifier, json } => super::triage::predictions(ctx, &classifier, &month, json).await,
        ReportCommand::Schema => print_json(&drawbridge_engine::report::schema()),
        ReportCommand::Show { id, format } => {
            let store = ctx.store().await?;
            let deployment = ctx.deployment()?;
            let view = Reviewer::new(&store, &deployment).view(id).await?;
            match format.as_str() {
                "text" => {
                    print!("{}", view.rendered.text);
                    // What `review approve --digest` needs, apart from the report itself.
                    eprintln!("digest: {}", view.rendered.digest);
                }
                "html" => print!("{}", view.rendered.html),
                "json" => println!("{}", view.rendered.json),
                "stix" => println!("{}", view.rendered.stix.as_deref().context("no STIX bundle: set [report] stix_organisation")?),
                "review" => print_json(&view)?,
                other => bail!("unknown format {other:?} (text, html, json, stix, review)"),
            }
            Ok(())
        }
    }
}
