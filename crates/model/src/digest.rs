//! SHA-256 over several texts, each prefixed with its length, so that moving
//! text from one part into the next changes the digest. Approvals are bound
//! to such a digest of what is sent, and the audit log is chained with it.

use sha2::{Digest, Sha256};

/// Hex SHA-256 of the length-prefixed parts.
pub fn of_parts(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for part in parts {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    hex::encode(h.finalize())
}

/// Hex SHA-256 of raw bytes (a queued message, as sent).
pub fn of_bytes(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}
