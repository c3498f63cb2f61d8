//! `parse`, `extract`, `classify` and `ingest`: one email at a time.

use crate::context::{Ctx, print_json, read_input};
use anyhow::{Context, Result, bail};
use drawbridge_engine::ingest::{self, Origin};
use drawbridge_engine::intake::mime;
use drawbridge_engine::sender::{DnsSource, SenderPolicy};
use drawbridge_engine::store::Source;
use std::path::{Path, PathBuf};

/// The parsed email as JSON, with the sender verdict.
pub async fn parse(ctx: &Ctx, file: &Path) -> Result<()> {
    let raw = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let message = mime::parse(&raw).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    let verdict = SenderPolicy::new(ctx.config.senders.clone(), DnsSource::System).evaluate(&message, &raw).await;
    let mut json = serde_json::to_value(&message)?;
    if let Some(obj) = json.as_object_mut() {
        obj.insert("sender".into(), serde_json::to_value(&verdict)?);
    }
    print_json(&json)
}

pub fn extract(ctx: &Ctx, file: Option<&Path>) -> Result<()> {
    let raw = read_input(file)?;
    let extractor = drawbridge_engine::ingest::extractor(&ctx.config)?;
    let indicators = match mime::parse(&raw) {
        Ok(message) => extractor.extract_message(&message),
        Err(_) => extractor.extract(&String::from_utf8_lossy(&raw)),
    };
    print_json(&indicators)
}

pub fn classify(ctx: &Ctx, file: Option<&Path>) -> Result<()> {
    let raw = read_input(file)?;
    let classifiers = ingest::classifiers(&ctx.config)?;
    let (subject, body) = match mime::parse(&raw) {
        Ok(m) => (m.subject.unwrap_or_default(), m.text),
        Err(_) => (String::new(), String::from_utf8_lossy(&raw).into_owned()),
    };
    print_json(&classifiers.classify_all(&subject, &body))
}

pub async fn ingest(ctx: &Ctx, files: &[PathBuf]) -> Result<()> {
    let ingestor = ctx.ingestor().await?;
    let mut failed = 0;
    for file in files {
        let raw = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
        let origin = Origin { source: Source::File, reference: file.display().to_string(), cursor: None };
        match ingestor.ingest(&raw, &origin).await {
            Ok(outcome) => println!(
                "{}",
                serde_json::json!({"file": file, "request_id": outcome.request_id, "duplicate": outcome.duplicate, "quarantined": outcome.quarantined})
            ),
            Err(e) => {
                eprintln!("drawbridge: {}: {e}", file.display());
                failed += 1;
            }
        }
    }
    if failed > 0 {
        bail!("{failed} file(s) could not be stored");
    }
    Ok(())
}
