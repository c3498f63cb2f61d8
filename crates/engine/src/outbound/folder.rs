//! Delivery into a local folder: where no SMTP server is configured (the
//! embedded demo, a first try-out), each approved reply is written as an
//! `.eml` file that any mail client opens. Written whole under a temporary
//! name and renamed, so a reader never sees half a message.

use std::path::{Path, PathBuf};

/// Writes `message` into `dir` as `<time>-<reference>.eml`; returns the path.
pub fn write(dir: &Path, reference: &str, message_id: &str, message: &[u8]) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S%.3fZ");
    let safe = |s: &str| s.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').take(40).collect::<String>();
    let name = format!("{stamp}-{}-{}.eml", safe(reference), safe(message_id.split('@').next().unwrap_or("")));
    let path = dir.join(name);
    let partial = path.with_extension("eml.partial");
    std::fs::write(&partial, message)?;
    std::fs::rename(&partial, &path)?;
    Ok(std::fs::canonicalize(&path).unwrap_or(path))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_reply_lands_whole_with_a_safe_name() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = super::write(dir.path(), "DB-7", "<abc/../x@corp.example>", b"Subject: x\r\n\r\nbody").expect("write");
        assert!(path.starts_with(std::fs::canonicalize(dir.path()).expect("dir")), "stays in the folder: {}", path.display());
        assert!(path.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.ends_with("-DB-7-abcx.eml")), "{}", path.display());
        assert_eq!(std::fs::read(&path).expect("read"), b"Subject: x\r\n\r\nbody");
        assert_eq!(std::fs::read_dir(dir.path()).expect("list").count(), 1, "no partial file left");
    }
}
