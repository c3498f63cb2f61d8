//! Secrets are referenced by name and resolved at run time, never written in
//! configuration, playbooks, logs or the database. Sources, in order:
//! 1. the environment variable `DRAWBRIDGE_SECRET_<NAME>` (upper case, `-` and `.` → `_`);
//! 2. the OS keyring (service `drawbridge`, account = the name): Secret
//!    Service (GNOME Keyring, KWallet) on Linux, Keychain on macOS,
//!    Credential Manager on Windows; `drawbridge secret set NAME` stores one;
//! 3. a `NAME=value` line in the secrets file (`DRAWBRIDGE_SECRETS_FILE`),
//!    which must not be readable by group or others (headless servers).
//!
//! A keyring that is absent (no D-Bus session on a server) is skipped.
//!
//! Values given with [`inject`] come before all of these: tests and an
//! embedding program hand secrets over in memory this way, instead of
//! changing the process environment.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The keyring service under which Drawbridge keeps its secrets.
pub const KEYRING_SERVICE: &str = "drawbridge";

#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("secret {0:?} not found: set DRAWBRIDGE_SECRET_{1}, store it with `drawbridge secret set {0}`, or add it to the secrets file")]
    Missing(String, String),
    #[error("secrets file {0} is readable by others (mode {1:o}); run chmod 600 on it")]
    TooOpen(PathBuf, u32),
    #[error("cannot read secrets file {0}: {1}")]
    Read(PathBuf, std::io::Error),
    #[error("OS keyring: {0}")]
    Keyring(String),
}

fn env_name(name: &str) -> String {
    name.to_ascii_uppercase().replace(['-', '.'], "_")
}

/// Secrets handed over in memory, by name.
static INJECTED: std::sync::Mutex<BTreeMap<String, String>> = std::sync::Mutex::new(BTreeMap::new());

/// Makes `name` resolve to `value` in this process, ahead of every other
/// source. The value stays in memory only.
pub fn inject(name: &str, value: &str) {
    INJECTED.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).insert(name.to_string(), value.to_string());
}

fn injected(name: &str) -> Option<String> {
    INJECTED.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).get(name).cloned()
}

pub fn resolve(name: &str) -> Result<String, SecretError> {
    if let Some(v) = injected(name) {
        return Ok(v);
    }
    let var = env_name(name);
    if let Ok(v) = std::env::var(format!("DRAWBRIDGE_SECRET_{var}")) {
        return Ok(v);
    }
    if let Some(v) = from_keyring(name) {
        return Ok(v);
    }
    if let Ok(file) = std::env::var("DRAWBRIDGE_SECRETS_FILE")
        && let Some(v) = from_file(Path::new(&file), name)?
    {
        return Ok(v);
    }
    Err(SecretError::Missing(name.to_string(), var))
}

/// The secret from the OS keyring; `None` when it is not there or there is no keyring.
fn from_keyring(name: &str) -> Option<String> {
    // Without a session bus there is no Secret Service: do not try.
    if cfg!(target_os = "linux") && std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none() {
        return None;
    }
    match keyring::Entry::new(KEYRING_SERVICE, name).and_then(|e| e.get_password()) {
        Ok(v) => Some(v),
        Err(keyring::Error::NoEntry) => None,
        Err(e) => {
            tracing::debug!(secret = name, error = %e, "OS keyring unavailable; trying the secrets file");
            None
        }
    }
}

/// Stores a secret in the OS keyring.
pub fn store_in_keyring(name: &str, value: &str) -> Result<(), SecretError> {
    keyring::Entry::new(KEYRING_SERVICE, name).and_then(|e| e.set_password(value)).map_err(|e| SecretError::Keyring(e.to_string()))
}

/// Removes a secret from the OS keyring (no error when it was not there).
pub fn delete_from_keyring(name: &str) -> Result<(), SecretError> {
    match keyring::Entry::new(KEYRING_SERVICE, name).and_then(|e| e.delete_credential()) {
        Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
        Err(e) => Err(SecretError::Keyring(e.to_string())),
    }
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
