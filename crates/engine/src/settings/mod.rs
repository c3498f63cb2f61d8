//! The configuration file as the app edits it: one section at a time, with
//! comments and every other section kept. The whole text is checked as a
//! `Config` before it is written; the file is replaced whole (never half
//! written), and the version it replaces is kept in `.history/` beside it.
//! What each section means stays with the module it configures; this module
//! only reads and writes them.

pub mod connectors;
pub mod policies;

use crate::config::Config;
use serde_json::Value;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("cannot read or write {0}: {1}")]
    Io(PathBuf, std::io::Error),
    #[error("the configuration file {0} is not valid TOML: {1}")]
    Unreadable(PathBuf, String),
    #[error("{0}")]
    Invalid(String),
    #[error("no connector is called {0}")]
    NoConnector(String),
    #[error("cannot store secret {0:?}: {1}")]
    Secret(String, String),
    #[error("cannot record the change in the audit log: {0}")]
    Audit(String),
}

impl SettingsError {
    pub fn kind(&self) -> drawbridge_model::ErrorKind {
        use drawbridge_model::ErrorKind;
        match self {
            SettingsError::Invalid(_) | SettingsError::Unreadable(..) => ErrorKind::InvalidInput,
            SettingsError::NoConnector(_) => ErrorKind::NotFound,
            SettingsError::Io(..) | SettingsError::Secret(..) | SettingsError::Audit(_) => ErrorKind::Internal,
        }
    }
}

/// The configuration file the program was started with (it need not exist yet).
#[derive(Debug, Clone)]
pub struct ConfigFile {
    path: PathBuf,
}

impl ConfigFile {
    pub fn new(path: impl Into<PathBuf>) -> ConfigFile {
        ConfigFile { path: path.into() }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn text(&self) -> Result<String, SettingsError> {
        match std::fs::read_to_string(&self.path) {
            Ok(t) => Ok(t),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(String::new()),
            Err(e) => Err(SettingsError::Io(self.path.clone(), e)),
        }
    }

    /// The section at `keys` (`["connectors", "siem"]`; none: the whole file) as the file has it.
    pub fn section(&self, keys: &[&str]) -> Result<Option<Value>, SettingsError> {
        let table: toml::Table = toml::from_str(&self.text()?).map_err(|e| SettingsError::Unreadable(self.path.clone(), e.to_string()))?;
        let mut at = toml::Value::Table(table);
        for key in keys {
            match at.get(*key) {
                Some(v) => at = v.clone(),
                None => return Ok(None),
            }
        }
        serde_json::to_value(at).map(Some).map_err(|e| SettingsError::Unreadable(self.path.clone(), e.to_string()))
    }

    /// Replaces the section at `keys` with `value` (a JSON object; nulls are
    /// left out, as TOML has none). Refused, and nothing written, when the
    /// file would not load as a `Config`. Returns the configuration as the
    /// program loads it from the new file.
    pub fn set_section(&self, keys: &[&str], value: &Value) -> Result<Config, SettingsError> {
        let (last, parents) = keys.split_last().ok_or_else(|| SettingsError::Invalid("no section named".into()))?;
        let mut doc = self.document()?;
        let mut table = doc.as_table_mut();
        for key in parents {
            let item = table.entry(key).or_insert_with(|| {
                let mut t = toml_edit::Table::new();
                t.set_implicit(true);
                toml_edit::Item::Table(t)
            });
            table = item.as_table_mut().ok_or_else(|| SettingsError::Invalid(format!("[{key}] in {} is not a table", self.path.display())))?;
        }
        table.insert(last, toml_edit::Item::Table(toml_table(value)?));
        self.commit(&doc)
    }

    /// Replaces the array of tables `key` (`[[disclosure]]`) with `values`
    /// (JSON objects), or removes it when there are none; as `set_section`.
    pub fn set_tables(&self, key: &str, values: &[Value]) -> Result<Config, SettingsError> {
        let mut doc = self.document()?;
        if values.is_empty() {
            doc.remove(key);
        } else {
            let mut array = toml_edit::ArrayOfTables::new();
            for v in values {
                array.push(toml_table(v)?);
            }
            doc.insert(key, toml_edit::Item::ArrayOfTables(array));
        }
        self.commit(&doc)
    }

    /// The file as an editable document (comments and layout kept).
    fn document(&self) -> Result<toml_edit::DocumentMut, SettingsError> {
        self.text()?.parse().map_err(|e: toml_edit::TomlError| SettingsError::Unreadable(self.path.clone(), e.to_string()))
    }

    /// Writes `doc` if it loads as a `Config`; the configuration as loaded from the new file.
    fn commit(&self, doc: &toml_edit::DocumentMut) -> Result<Config, SettingsError> {
        let text = doc.to_string();
        Config::from_toml(&text).map_err(|e| SettingsError::Invalid(format!("the settings would make the configuration invalid: {e}")))?;
        self.write(&text)?;
        Config::load(Some(&self.path)).map_err(|e| SettingsError::Invalid(e.to_string()))
    }

    /// Keeps the old file in `.history/<file name>/` beside it, then replaces it whole.
    fn write(&self, new: &str) -> Result<(), SettingsError> {
        let dir = self.path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let name = self.path.file_name().and_then(|n| n.to_str()).unwrap_or("drawbridge.toml");
        crate::versioned::replace(&self.path, &dir.join(".history").join(name), "toml", new).map_err(|(p, e)| SettingsError::Io(p, e))
    }
}

/// A JSON object as a TOML table, nulls left out.
fn toml_table(value: &Value) -> Result<toml_edit::Table, SettingsError> {
    fn strip(v: &Value) -> Value {
        match v {
            Value::Object(m) => Value::Object(m.iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k.clone(), strip(v))).collect()),
            Value::Array(a) => Value::Array(a.iter().filter(|v| !v.is_null()).map(strip).collect()),
            other => other.clone(),
        }
    }
    let stripped = strip(value);
    if !stripped.is_object() {
        return Err(SettingsError::Invalid("settings must be a table of keys and values".into()));
    }
    let toml_value = toml::Value::try_from(&stripped).map_err(|e| SettingsError::Invalid(format!("settings cannot be written as TOML: {e}")))?;
    let text = toml::to_string(&toml_value).map_err(|e| SettingsError::Invalid(format!("settings cannot be written as TOML: {e}")))?;
    let doc: toml_edit::DocumentMut = text.parse().map_err(|e: toml_edit::TomlError| SettingsError::Invalid(e.to_string()))?;
    let mut table = doc.as_table().clone();
    unplace(&mut table);
    // No `[intel]` header over nothing but sub-tables.
    table.set_implicit(true);
    Ok(table)
}

/// Forgets where the tables were in the text they were parsed from: each
/// then follows its parent in the file it is written into, instead of
/// standing at its old position among that file's tables.
fn unplace(table: &mut toml_edit::Table) {
    table.set_position(None);
    for (_, item) in table.iter_mut() {
        match item {
            toml_edit::Item::Table(t) => unplace(t),
            toml_edit::Item::ArrayOfTables(a) => a.iter_mut().for_each(unplace),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_section_is_replaced_and_comments_elsewhere_stay() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("drawbridge.toml");
        std::fs::write(&path, "# the SOC's settings\n[senders]\nallowed_domains = [\"mssp.example.net\"] # our MSSP\n\n[connectors.firewall]\nurl = \"https://old\"\napi_key_secret = \"k\"\n").expect("write");
        let file = ConfigFile::new(&path);
        let config = file
            .set_section(&["connectors", "firewall"], &serde_json::json!({ "url": "https://fw.corp.example", "api_key_secret": "panos-key", "ca_file": null }))
            .expect("saved");
        let text = std::fs::read_to_string(&path).expect("text");
        assert!(text.contains("# the SOC's settings") && text.contains("# our MSSP"), "{text}");
        assert!(text.contains("url = \"https://fw.corp.example\"") && !text.contains("https://old"), "{text}");
        assert_eq!(config.connectors.sections["firewall"]["api_key_secret"], "panos-key");
        assert_eq!(file.section(&["connectors", "firewall", "url"]).expect("read"), Some(serde_json::json!("https://fw.corp.example")));
        let kept: Vec<_> = std::fs::read_dir(dir.path().join(".history/drawbridge.toml")).expect("history").collect();
        assert_eq!(kept.len(), 1);
    }

    #[test]
    fn settings_that_break_the_configuration_are_not_written() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("drawbridge.toml");
        std::fs::write(&path, "[senders]\nallowed_domains = []\n").expect("write");
        let err = ConfigFile::new(&path).set_section(&["senders"], &serde_json::json!({ "allowed_domainz": ["x"] })).expect_err("refused");
        assert!(matches!(err, SettingsError::Invalid(_)), "{err}");
        assert_eq!(std::fs::read_to_string(&path).expect("text"), "[senders]\nallowed_domains = []\n");
    }

    #[test]
    fn a_section_with_lists_of_tables_is_written_in_one_piece() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("drawbridge.toml");
        std::fs::write(&path, "[senders]\nallowed_domains = []\n\n[connectors.firewall]\nurl = \"https://fw\"\napi_key_secret = \"k\"\n\n[outbound]\nfrom = \"soc@corp.example\"\n").expect("write");
        let rule = |source: &str| serde_json::json!({ "verdict": "malicious", "source": source, "field": "malicious", "at_least": 5 });
        let value = serde_json::json!({ "verdict": [rule("virustotal"), rule("misp"), rule("urlscan")], "escalation": { "dedup_days": 14 } });
        let config = ConfigFile::new(&path).set_section(&["intel"], &value).expect("saved");
        assert_eq!(config.intel.verdict.len(), 3);
        let text = std::fs::read_to_string(&path).expect("text");
        let headers: Vec<&str> = text.lines().filter(|l| l.starts_with('[')).collect();
        let intel: Vec<usize> = headers.iter().enumerate().filter(|(_, h)| h.contains("intel")).map(|(i, _)| i).collect();
        assert_eq!(intel.len(), 4, "{text}");
        assert!(intel.windows(2).all(|w| w[1] == w[0] + 1), "the section's tables stand together:\n{text}");
    }

    #[test]
    fn a_missing_file_is_created() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("conf").join("drawbridge.toml");
        ConfigFile::new(&path).set_section(&["connectors", "demo_directory"], &serde_json::json!({ "seed": 3 })).expect("saved");
        assert!(std::fs::read_to_string(&path).expect("text").contains("[connectors.demo_directory]"));
    }
}
