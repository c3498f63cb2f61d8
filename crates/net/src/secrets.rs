//! Secrets are referenced by name and resolved at run time, never written in
//! configuration, playbooks, logs or the database. Sources, in order:
//! 1. the environment variable `DRAWBRIDGE_SECRET_<NAME>` (upper case, `-` and `.` → `_`);
//! 2. the OS keyring (service `drawbridge`, account = the name): Secret
//!    Service (GNOME Keyring, KWallet) on Linux, Keychain on macOS,
//!    Credential Manager on Windows; `drawbridge secret set NAME` stores one;
//! 3. a `NAME=value` line in the secrets file (`DRAWBRIDGE_SECRETS_FILE`,
//!    else the default file the program names with [`use_default_file`]),
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
    #[error("cannot read or write secrets file {0}: {1}")]
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
    if let Some(file) = secrets_file()
        && (file.exists() || std::env::var_os("DRAWBRIDGE_SECRETS_FILE").is_some())
        && let Some(v) = from_file(&file, name)?
    {
        return Ok(v);
    }
    Err(SecretError::Missing(name.to_string(), var))
}

/// The secrets file used when `DRAWBRIDGE_SECRETS_FILE` is not set: the
/// program's data folder, typically. Set once; later calls change nothing.
static DEFAULT_FILE: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();

pub fn use_default_file(path: PathBuf) {
    let _ = DEFAULT_FILE.set(path);
}

/// The secrets file in use: `DRAWBRIDGE_SECRETS_FILE`, else the default one.
pub fn secrets_file() -> Option<PathBuf> {
    std::env::var_os("DRAWBRIDGE_SECRETS_FILE").map(PathBuf::from).or_else(|| DEFAULT_FILE.get().cloned())
}

/// Where [`store`] put a secret.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "in", rename_all = "snake_case")]
pub enum StoredIn {
    Keyring,
    File { path: PathBuf },
}

/// Stores a secret where [`resolve`] finds it: the OS keyring when there is
/// one, else the secrets file (created with mode 0600, written whole).
pub fn store(name: &str, value: &str) -> Result<StoredIn, SecretError> {
    if value.contains(['\r', '\n']) || name.contains(['\r', '\n', '=']) || name.trim().is_empty() {
        return Err(SecretError::Keyring("a secret's name and value are one line each, and a name has no '='".into()));
    }
    let has_keyring = !(cfg!(target_os = "linux") && std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none());
    if has_keyring && store_in_keyring(name, value).is_ok() {
        return Ok(StoredIn::Keyring);
    }
    let path = secrets_file().ok_or_else(|| SecretError::Keyring("no OS keyring and no secrets file is set (DRAWBRIDGE_SECRETS_FILE)".into()))?;
    store_in_file(&path, name, value)?;
    Ok(StoredIn::File { path })
}

/// Sets `name` in the secrets file at `path`, keeping every other line.
pub fn store_in_file(path: &Path, name: &str, value: &str) -> Result<(), SecretError> {
    let old = match std::fs::metadata(path) {
        Ok(_) => {
            from_file(path, name)?; // refuses a file readable by others
            std::fs::read_to_string(path).map_err(|e| SecretError::Read(path.into(), e))?
        }
        Err(_) => String::new(),
    };
    let mut lines: Vec<String> = old.lines().filter(|l| l.split_once('=').is_none_or(|(k, _)| k.trim() != name)).map(str::to_string).collect();
    lines.push(format!("{name}={value}"));
    let text = lines.join("\n") + "\n";
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| SecretError::Read(path.into(), e))?;
    }
    let tmp = path.with_extension("tmp");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let write = || -> std::io::Result<()> {
        use std::io::Write;
        let _ = std::fs::remove_file(&tmp);
        let mut f = options.open(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    };
    write().map_err(|e| SecretError::Read(path.into(), e))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_secrets_file_is_written_0600_keeping_other_secrets() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("sub").join("secrets");
        store_in_file(&path, "panos-key", "first").expect("store");
        store_in_file(&path, "splunk-token", "tok=en").expect("store another");
        store_in_file(&path, "panos-key", "second").expect("replace");
        assert_eq!(from_file(&path, "panos-key").expect("read").as_deref(), Some("second"));
        assert_eq!(from_file(&path, "splunk-token").expect("read").as_deref(), Some("tok=en"));
        let text = std::fs::read_to_string(&path).expect("text");
        assert_eq!(text.matches("panos-key=").count(), 1, "{text}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).expect("meta").permissions().mode() & 0o777, 0o600);
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_secrets_file_readable_by_others_is_not_written_to() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("secrets");
        std::fs::write(&path, "a=b\n").expect("write");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        assert!(matches!(store_in_file(&path, "c", "d"), Err(SecretError::TooOpen(..))));
        assert_eq!(std::fs::read_to_string(&path).expect("text"), "a=b\n");
    }

    #[test]
    fn a_value_on_two_lines_is_refused() {
        assert!(store("x", "a\nb").is_err());
        assert!(store("x=y", "a").is_err());
    }
}
