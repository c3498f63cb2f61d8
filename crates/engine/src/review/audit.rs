//! Checking the audit log: every entry's hash must be the hash of the one
//! before and its own fields, from `genesis` on. An edited, inserted or
//! removed entry breaks the chain at that point.

use crate::store::{AuditEntry, audit_hash};
use serde::Serialize;

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Verdict {
    pub entries: usize,
    /// The first entry that does not fit, and why.
    pub broken_at: Option<(i64, String)>,
}

pub fn verify(entries: &[AuditEntry]) -> Verdict {
    let mut prev = "genesis".to_string();
    for e in entries {
        if e.prev_hash != prev {
            return Verdict {
                entries: entries.len(),
                broken_at: Some((e.id, "does not follow the entry before it (an entry was removed or inserted)".into())),
            };
        }
        let expected = audit_hash(&prev, &e.at, &e.actor, &e.action, e.request_id, e.before_digest.as_deref(), e.after_digest.as_deref(), &e.detail);
        if e.hash != expected {
            return Verdict { entries: entries.len(), broken_at: Some((e.id, "its content does not match its hash (the entry was changed)".into())) };
        }
        prev = e.hash.clone();
    }
    Verdict { entries: entries.len(), broken_at: None }
}
