//! `connectors list | test NAME | schema NAME | rdap-bootstrap`: the
//! registry as this deployment has it, and the RDAP bootstrap files.

use crate::context::{Ctx, print_json};
use anyhow::{Context, Result, bail};
use clap::Subcommand;
use drawbridge_engine::connectors::intel_rdap::{Bootstrap, RdapConfig, bootstrap};
use drawbridge_engine::paths;

#[derive(Subcommand)]
pub enum ConnectorsCommand {
    /// Every connector, whether it is set up here, and its actions.
    List,
    /// Connect, authenticate and ask one harmless question; exits non-zero when it fails.
    Test { name: String },
    /// The JSON Schema of a connector's settings (`[connectors.NAME]`).
    Schema { name: String },
    /// IANA's RDAP bootstrap files, which tell the `rdap` connector which
    /// registry to ask: `show` those in use, `update` them.
    #[command(subcommand)]
    RdapBootstrap(RdapBootstrapCommand),
}

#[derive(Subcommand)]
pub enum RdapBootstrapCommand {
    /// The files in use: publication time, where they came from, entries.
    Show,
    /// Fetch the current files (from IANA, or a mirror or folder for a
    /// network without internet access), check them, and keep those newer
    /// than the ones in use.
    Update {
        /// An http(s) base URL or a folder holding dns.json, ipv4.json and ipv6.json.
        #[arg(long, default_value = bootstrap::IANA)]
        from: String,
    },
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
        ConnectorsCommand::RdapBootstrap(cmd) => {
            let cfg: RdapConfig = deployment.config.connectors.get("rdap").unwrap_or_default();
            let dir = cfg.bootstrap_dir.clone().unwrap_or_else(paths::rdap_bootstrap_dir);
            match cmd {
                RdapBootstrapCommand::Show => print_json(&Bootstrap::load(Some(&dir))?.info()),
                RdapBootstrapCommand::Update { from } => print_json(&bootstrap::update_with(&cfg, &from, &dir).await?),
            }
        }
    }
}
