//! The drop folder: `.eml` files placed in a folder are ingested, and
//! `.json` files are indicators submitted for enrichment
//! (`intake::submission`); either is then moved to `processed/` or
//! `quarantine/` beside them. A file is only moved after its
//! request is committed, so a crash at worst ingests it again (a no-op: the
//! store de-duplicates by content).

use crate::ingest::{Ingestor, Origin};
use crate::store::Source;
use std::path::{Path, PathBuf};
use std::time::Duration;
use tracing::{error, warn};

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SweepReport {
    pub processed: usize,
    pub quarantined: usize,
    pub failed: usize,
}

/// Ingests every `.eml` and `.json` file currently in `folder`, oldest name first.
pub async fn sweep(ingestor: &Ingestor, folder: &Path) -> std::io::Result<SweepReport> {
    let processed_dir = folder.join("processed");
    let quarantine_dir = folder.join("quarantine");
    std::fs::create_dir_all(&processed_dir)?;
    std::fs::create_dir_all(&quarantine_dir)?;
    let mut files: Vec<PathBuf> = std::fs::read_dir(folder)?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x.eq_ignore_ascii_case("eml") || x.eq_ignore_ascii_case("json")))
        .collect();
    files.sort();
    let mut report = SweepReport::default();
    for path in files {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let raw = match std::fs::read(&path) {
            Ok(raw) => raw,
            Err(e) => {
                warn!(file = %path.display(), error = %e, "cannot read dropped file; will retry");
                report.failed += 1;
                continue;
            }
        };
        let submitted = path.extension().is_some_and(|x| x.eq_ignore_ascii_case("json"));
        let origin = Origin { source: if submitted { Source::Submission } else { Source::DropFolder }, reference: name.clone(), cursor: None };
        let stored = if submitted { ingestor.submit(&raw, &origin).await } else { ingestor.ingest(&raw, &origin).await };
        match stored {
            Ok(outcome) => {
                let target = if outcome.quarantined { &quarantine_dir } else { &processed_dir };
                if let Err(e) = std::fs::rename(&path, unique_target(target, &name)) {
                    error!(file = %path.display(), error = %e, "ingested but could not move the file");
                }
                if outcome.quarantined {
                    report.quarantined += 1;
                } else {
                    report.processed += 1;
                }
            }
            Err(e) => {
                error!(file = %path.display(), error = %e, "store failed; file left in place for the next sweep");
                report.failed += 1;
            }
        }
    }
    Ok(report)
}

fn unique_target(dir: &Path, name: &str) -> PathBuf {
    let candidate = dir.join(name);
    if !candidate.exists() {
        return candidate;
    }
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S%.3f");
    dir.join(format!("{stamp}-{name}"))
}

/// Sweeps `folder` forever, every `interval`. Errors are logged; the watcher keeps running.
pub async fn watch(ingestor: Ingestor, folder: PathBuf, interval: Duration) {
    loop {
        if let Err(e) = sweep(&ingestor, &folder).await {
            error!(folder = %folder.display(), error = %e, "drop folder sweep failed");
        }
        tokio::time::sleep(interval).await;
    }
}
