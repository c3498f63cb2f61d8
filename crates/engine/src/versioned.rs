//! A file the app edits (a playbook, the configuration), replaced whole:
//! the version it replaces is kept in a history folder as
//! `<UTC stamp>.<ext>` (two saves within a millisecond keep both), and the
//! new text is written beside the file and renamed over it, so a crash
//! leaves the old file or the new one, never half of one.

use std::path::{Path, PathBuf};

/// Replaces `path` with `text`, keeping the previous version in `history`.
/// Nothing happens when the text is unchanged. The error names the path
/// that could not be read or written.
pub fn replace(path: &Path, history: &Path, ext: &str, text: &str) -> Result<(), (PathBuf, std::io::Error)> {
    let io = |p: &Path| {
        let p = p.to_path_buf();
        move |e| (p, e)
    };
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    if let Ok(previous) = std::fs::read(path) {
        if previous == text.as_bytes() {
            return Ok(());
        }
        std::fs::create_dir_all(history).map_err(io(history))?;
        let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S%.3fZ").to_string();
        let kept = (0..)
            .map(|n| history.join(if n == 0 { format!("{stamp}.{ext}") } else { format!("{stamp}-{n}.{ext}") }))
            .find(|p| !p.exists())
            .unwrap_or_else(|| history.join(format!("{stamp}.{ext}")));
        std::fs::write(&kept, previous).map_err(io(&kept))?;
    }
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let partial = dir.join(format!(".{name}.partial"));
    std::fs::write(&partial, text).map_err(io(&partial))?;
    std::fs::rename(&partial, path).map_err(io(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_replaced_version_is_kept_and_an_unchanged_text_keeps_none() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (path, history) = (dir.path().join("a").join("x.yaml"), dir.path().join("h"));
        replace(&path, &history, "yaml", "one").expect("new file");
        assert!(!history.exists(), "nothing replaced yet");
        replace(&path, &history, "yaml", "two").expect("second");
        replace(&path, &history, "yaml", "three").expect("third");
        replace(&path, &history, "yaml", "three").expect("unchanged");
        assert_eq!(std::fs::read_to_string(&path).expect("text"), "three");
        let mut kept: Vec<String> =
            std::fs::read_dir(&history).expect("history").map(|e| std::fs::read_to_string(e.expect("entry").path()).expect("kept")).collect();
        kept.sort();
        assert_eq!(kept, ["one", "two"]);
        assert!(!path.with_file_name(".x.yaml.partial").exists());
    }
}
