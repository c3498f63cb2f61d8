//! `connectors list | test NAME | schema NAME`: the registry as this deployment has it.

use crate::context::{Ctx, print_json};
use anyhow::{Context, Result, bail};
use clap::Subcommand;

#[derive(Subcommand)]
pub enum ConnectorsCommand {
    /// Every connector, whether it is set up here, and its actions.
    List,
    /// Connect, authenticate and ask one harmless question; exits non-zero when it fails.
    Test { name: String },
    /// The JSON Schema of a connector's settings (`[connectors.NAME]`).
    Schema { name: String },
}

pub async fn run(ctx: &Ctx, cmd: ConnectorsCommand) -> Result<()> {
    let deployment = ctx.deployment()?;
    let registry = &deployment.connectors;
    match cmd {
        ConnectorsCommand::List => print_json(&registry.list()),
        ConnectorsCommand::Test { name } => match registry.test(&name).await {
            Ok(detail) => {
                print_json(&serde_json::json!({ "connector": name, "ok": true, "detail": detail }))?;
                Ok(())
            }
            Err(e) => {
                print_json(&serde_json::json!({ "connector": name, "ok": false, "kind": e.kind, "detail": e.message }))?;
                bail!("{name}: {} ({})", e.message, e.kind)
            }
        },
        ConnectorsCommand::Schema { name } => print_json(&registry.config_schema(&name).with_context(|| format!("no connector is called {name}"))?),
    }
}
