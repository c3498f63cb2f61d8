//! Secrets are referenced by name and resolved at run time, never written in
//! configuration, logs or the database. Headless sources, in order:
//! the environment variable `DRAWBRIDGE_SECRET_<NAME>` (upper case, `-` → `_`),
//! then a `NAME=value` line in the secrets file (`DRAWBRIDGE_SECRETS_FILE`),
//! which must not be readable by group or others.

use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("secret {0:?} not found: set DRAWBRIDGE_SECRET_{1} or add it to the secrets file")]
    Missing(String, String),
    #[error("secrets file {0} is readable by others (mode {1:o}); run chmod 600 on it")]
    TooOpen(PathBuf, u32),
    #[error("cannot read secrets file {0}: {1}")]
    Read(PathBuf, std::io::Error),
}

fn env_name(name: &str) -> String {
    name.to_ascii_uppercase().replace(['-', '.'], "_")
}

pub fn resolve(name: &str) -> Result<String, SecretError> {
    let var = env_name(name);
    if let Ok(v) = std::env::var(format!("DRAWBRIDGE_SECRET_{var}")) {
        return Ok(v);
    }
    if let Ok(file) = std::env::var("DRAWBRIDGE_SECRETS_FILE") {
        if let Some(v) = from_file(Path::new(&file), name)? {
            return Ok(v);
        }
    }
    Err(SecretError::Missing(name.to_string(), var))
}

fn from_file(path: &Path, name: &str) -> Result<Option<String>, SecretError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let meta = std::fs::metadata(path).map_err(|e| SecretError::Read(path.into(), e))?;
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(SecretError::TooOpen(path.into(), mode));
        }
    }
    let text = std::fs::read_to_string(path).map_err(|e| SecretError::Read(path.into(), e))?;
    Ok(text.lines().filter_map(|l| l.split_once('=')).find(|(k, _)| k.trim() == name).map(|(_, v)| v.trim().to_string()))
}
