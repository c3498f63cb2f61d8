//! Checking the audit log. Two layers protect it:
//!
//! - **The hash chain.** Every entry's hash covers the one before and its own
//!   fields, from `genesis` on. An entry edited, inserted or removed without
//!   rewriting every later hash breaks the chain at that point. It protects
//!   against accidents and against anyone who edits rows but does not
//!   recompute the chain. Anyone who can write the database *and* recompute
//!   hashes can forge it.
//! - **The keyed MAC.** With an audit key configured (the secret `audit-key`:
//!   OS keyring, `DRAWBRIDGE_SECRET_AUDIT_KEY`, or the 0600 secrets file),
//!   every entry also carries an HMAC-SHA256 of its hash. Someone who can
//!   write the database but does not hold the key cannot produce a valid
//!   MAC, so a rewritten chain shows. The MAC does not protect against
//!   someone who holds the key, and entries written before a key was
//!   configured carry none.

use crate::store::{AuditEntry, audit_hash, audit_mac};
use serde::Serialize;

/// The name of the secret that keys the audit log's MACs.
pub const AUDIT_KEY_SECRET: &str = "audit-key";

/// The audit key, if one is configured (see the module's documentation).
pub fn key() -> Option<Vec<u8>> {
    drawbridge_net::secrets::resolve(AUDIT_KEY_SECRET).ok().map(|k| k.trim().as_bytes().to_vec()).filter(|k| !k.is_empty())
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Verdict {
    pub entries: usize,
    /// Entries whose MAC was checked against the key.
    pub mac_checked: usize,
    /// Entries without a MAC (written before a key was configured).
    pub without_mac: usize,
    /// The first entry that does not fit, and why.
    pub broken_at: Option<(i64, String)>,
}

/// Checks the chain, and with `key` every entry's MAC. Once an entry carries
/// a MAC, every later one must: an entry without one after it was written
/// by someone without the key.
pub fn verify(entries: &[AuditEntry], key: Option<&[u8]>) -> Verdict {
    let mut prev = "genesis".to_string();
    let (mut mac_checked, mut without_mac, mut keyed_seen) = (0, 0, false);
    let broken = |id: i64, why: &str, checked: usize, without: usize| Verdict {
        entries: entries.len(),
        mac_checked: checked,
        without_mac: without,
        broken_at: Some((id, why.to_string())),
    };
    for e in entries {
        if e.prev_hash != prev {
            return broken(e.id, "does not follow the entry before it (an entry was removed or inserted)", mac_checked, without_mac);
        }
        let expected = audit_hash(&prev, &e.at, &e.actor, &e.action, e.request_id, e.before_digest.as_deref(), e.after_digest.as_deref(), &e.detail);
        if e.hash != expected {
            return broken(e.id, "its content does not match its hash (the entry was changed)", mac_checked, without_mac);
        }
        match (&e.mac, key) {
            (Some(mac), Some(key)) => {
                if *mac != audit_mac(key, &e.hash) {
                    return broken(e.id, "its MAC does not match under the audit key (the chain was rewritten, or the key changed)", mac_checked, without_mac);
                }
                mac_checked += 1;
                keyed_seen = true;
            }
            (Some(_), None) => keyed_seen = true,
            (None, _) if keyed_seen => {
                return broken(e.id, "it carries no MAC although earlier entries do (written by someone without the audit key)", mac_checked, without_mac);
            }
            (None, _) => without_mac += 1,
        }
        prev = e.hash.clone();
    }
    Verdict { entries: entries.len(), mac_checked, without_mac, broken_at: None }
}

/// Writes `entries` as JSON into `dir` (`audit-<time>.json`, whole or not at
/// all); returns the file. The export keeps each entry's hash and MAC, so it
/// can be verified again elsewhere.
pub fn export(entries: &[AuditEntry], dir: &std::path::Path) -> std::io::Result<std::path::PathBuf> {
    std::fs::create_dir_all(dir)?;
    let path = dir.join(format!("audit-{}.json", chrono::Utc::now().format("%Y%m%dT%H%M%S%.3fZ")));
    let json = serde_json::to_vec_pretty(entries).map_err(std::io::Error::other)?;
    let partial = path.with_extension("json.partial");
    std::fs::write(&partial, json)?;
    std::fs::rename(&partial, &path)?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_export_is_the_log_as_json_and_verifies_again() {
        let entry = |id: i64, prev: &str| {
            let mut e = super::AuditEntry {
                id,
                at: "2026-12-02T08:00:00Z".into(),
                actor: "alice".into(),
                action: "redact".into(),
                request_id: Some(1),
                before_digest: None,
                after_digest: None,
                detail: "{}".into(),
                prev_hash: prev.into(),
                hash: String::new(),
                mac: None,
            };
            e.hash = crate::store::audit_hash(&e.prev_hash, &e.at, &e.actor, &e.action, e.request_id, None, None, &e.detail);
            e
        };
        let first = entry(1, "genesis");
        let second = entry(2, &first.hash);
        let entries = [first, second];
        assert!(super::verify(&entries, None).broken_at.is_none());
        let dir = tempfile::tempdir().expect("tempdir");
        let path = super::export(&entries, dir.path()).expect("export");
        let back: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).expect("read")).expect("JSON");
        let hashes: Vec<&str> = back.as_array().expect("a list").iter().filter_map(|e| e["hash"].as_str()).collect();
        assert_eq!(hashes, [entries[0].hash.as_str(), entries[1].hash.as_str()], "each entry keeps its hash, so the chain can be checked again");
        assert_eq!(std::fs::read_dir(dir.path()).expect("list").count(), 1, "no partial file left");
    }
}
