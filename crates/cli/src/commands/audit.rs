//! `audit verify | show`.

use crate::context::{Ctx, print_json};
use anyhow::{Result, bail};
use clap::Subcommand;

#[derive(Subcommand)]
pub enum AuditCommand {
    /// Check the hash chain of the whole audit log, and each entry's MAC
    /// when the audit key (secret `audit-key`) is configured.
    Verify,
    /// The audit entries (of one request).
    Show { id: Option<i64> },
}

pub async fn run(ctx: &Ctx, cmd: AuditCommand) -> Result<()> {
    let store = ctx.store().await?;
    match cmd {
        AuditCommand::Show { id } => print_json(&store.audit_log(id).await?),
        AuditCommand::Verify => {
            let key = drawbridge_engine::review::audit::key();
            let verdict = drawbridge_engine::review::audit::verify(&store.audit_log(None).await?, key.as_deref());
            if key.is_none() {
                eprintln!("drawbridge: no audit key is configured (secret audit-key): only the hash chain was checked");
            }
            print_json(&verdict)?;
            match verdict.broken_at {
                None => Ok(()),
                Some((id, why)) => bail!("the audit log was tampered with at entry {id}: {why}"),
            }
        }
    }
}
