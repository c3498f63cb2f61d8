//! What every command may need, opened only when it asks: the configuration,
//! the store, the ingestor and the deployment (connectors and playbooks).

use anyhow::{Context, Result};
use drawbridge_engine::config::Config;
use drawbridge_engine::deployment::Deployment;
use drawbridge_engine::ingest::Ingestor;
use drawbridge_engine::sender::DnsSource;
use drawbridge_engine::store::Store;
use std::io::Read;
use std::path::{Path, PathBuf};

pub struct Ctx {
    pub config: Config,
    pub db: Option<PathBuf>,
    /// `--dev-impersonate`: `--as` may name someone other than the OS account.
    pub dev_impersonate: bool,
}

impl Ctx {
    pub async fn store(&self) -> Result<Store> {
        let path = self.config.database_path(self.db.as_deref());
        let store = Store::open_sqlite(&path).await.with_context(|| format!("cannot open database {}", path.display()))?;
        // Audit entries carry a MAC under the audit key when one is configured.
        Ok(store.with_audit_key(drawbridge_engine::review::audit::key().as_deref()))
    }

    pub async fn ingestor(&self) -> Result<Ingestor> {
        Ok(Ingestor::new(&self.config, self.store().await?, DnsSource::System)?)
    }

    /// Who acts: the OS account; `--as` naming anyone else needs `--dev-impersonate`.
    pub fn actor(&self, claimed: Option<&str>) -> Result<String> {
        Ok(drawbridge_engine::identity::acting(claimed, self.dev_impersonate)?)
    }

    pub fn deployment(&self) -> Result<Deployment> {
        Ok(Deployment::new(self.config.clone())?)
    }
}

pub fn print_json<T: serde::Serialize>(value: &T) -> Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

/// A file's bytes, or standard input for `-` or no file.
pub fn read_input(file: Option<&Path>) -> Result<Vec<u8>> {
    Ok(match file {
        Some(p) if p != Path::new("-") => std::fs::read(p).with_context(|| format!("cannot read {}", p.display()))?,
        _ => {
            let mut buf = Vec::new();
            std::io::stdin().read_to_end(&mut buf).context("cannot read standard input")?;
            buf
        }
    })
}
