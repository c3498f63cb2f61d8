//! Building SPL. Values go inside double quotes with `\` and `"` escaped;
//! `*` cannot be escaped in a search term, so a value containing it is
//! refused; field and index names come from the configuration and must be
//! plain names.

use super::config::SplunkConfig;
use drawbridge_model::Kind;

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum SplError {
    #[error("{0:?} contains `*`, which SPL always treats as a wildcard; refusing to search for it")]
    Wildcard(String),
    #[error("{0:?} contains a control character")]
    Control(String),
    #[error("{0:?} is not a plain Splunk field or index name")]
    Name(String),
}

/// `"value"` with `\` and `"` escaped, for a search term.
pub fn quote(value: &str) -> Result<String, SplError> {
    if value.contains('*') {
        return Err(SplError::Wildcard(value.into()));
    }
    if value.chars().any(char::is_control) {
        return Err(SplError::Control(value.into()));
    }
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            c => out.push(c),
        }
    }
    out.push('"');
    Ok(out)
}

fn name(n: &str, wildcard_ok: bool) -> Result<&str, SplError> {
    let ok = !n.is_empty() && n.chars().all(|c| c.is_ascii_alphanumeric() || "_.:-".contains(c) || (wildcard_ok && c == '*'));
    if ok { Ok(n) } else { Err(SplError::Name(n.into())) }
}

/// The fields a sighting search groups by, in order: source, host, user,
/// then the configured breakdowns.
pub fn group_fields(cfg: &SplunkConfig) -> Vec<&str> {
    let b = &cfg.breakdowns;
    let mut by: Vec<&str> = vec![b.source.as_str(), cfg.host_field.as_str(), cfg.user_field.as_str()];
    for f in [&b.destination_port, &b.action, &b.outcome, &b.event_type].into_iter().flatten() {
        by.push(f.as_str());
    }
    by.extend(b.file_names.iter().map(String::as_str));
    let mut seen = std::collections::HashSet::new();
    by.retain(|f| seen.insert(*f));
    by
}

/// `index=… (field="v" OR …)`: the search part every SPL here starts
/// with; `Ok(None)` when no field is mapped for the kind.
fn matching(cfg: &SplunkConfig, kind: Kind, value: &str) -> Result<Option<String>, SplError> {
    let Some(fields) = cfg.fields.get(&kind).filter(|f| !f.is_empty()) else { return Ok(None) };
    // Splunk matches case-insensitively: one value per spelling is enough.
    let mut values = crate::sighting::stored_values(kind, value);
    let mut seen = std::collections::HashSet::new();
    values.retain(|v| seen.insert(v.to_ascii_lowercase()));
    let quoted = values.iter().map(|v| quote(v)).collect::<Result<Vec<_>, _>>()?;
    let mut terms = Vec::new();
    for f in fields {
        let f = name(f, false)?;
        terms.extend(quoted.iter().map(|v| format!("{f}={v}")));
    }
    // The index is checked to be a plain name; written bare so that a
    // pattern like `sec*` works.
    Ok(Some(format!("search index={} ({})", name(&cfg.index, true)?, terms.join(" OR "))))
}

/// The SPL of a sighting search; `Ok(None)` when no field is mapped for the
/// kind. One search for everything a sighting reports: `stats` by every
/// breakdown field (missing ones filled with `""`), summed per field by the client.
pub fn sighting(cfg: &SplunkConfig, kind: Kind, value: &str) -> Result<Option<String>, SplError> {
    let Some(search) = matching(cfg, kind, value)? else { return Ok(None) };
    let by = group_fields(cfg).into_iter().map(|f| name(f, false)).collect::<Result<Vec<_>, _>>()?;
    Ok(Some(format!(
        "{search} | fillnull value=\"\" {} | stats count, min(_time) AS first_seen, max(_time) AS last_seen by {}",
        by.join(" "),
        by.join(", "),
    )))
}

/// The field `eventstats` writes the number of matching events into.
pub const TOTAL_FIELD: &str = "drawbridge_total";

/// The SPL of an events search: the newest `limit` matching events (an
/// event search returns newest first), each with the count of all matching
/// events, and only the fields a log line needs.
pub fn events(cfg: &SplunkConfig, kind: Kind, value: &str, limit: usize) -> Result<Option<String>, SplError> {
    let Some(search) = matching(cfg, kind, value)? else { return Ok(None) };
    let (host, user) = (name(&cfg.host_field, false)?, name(&cfg.user_field, false)?);
    Ok(Some(format!("{search} | eventstats count AS {TOTAL_FIELD} | head {} | fields _time index sourcetype {host} {user} _raw {TOTAL_FIELD}", limit.max(1))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_quoted_and_escaped_backslash_first() {
        assert_eq!(quote(r#"CORP\j.doe"#).as_deref(), Ok(r#""CORP\\j.doe""#));
        assert_eq!(quote(r#"" OR 1=1 | delete"#).as_deref(), Ok(r#""\" OR 1=1 | delete""#));
        assert_eq!(quote(r#"a\"b"#).as_deref(), Ok(r#""a\\\"b""#));
        assert!(matches!(quote("evil*"), Err(SplError::Wildcard(_))));
        assert!(matches!(quote("a\r\nb"), Err(SplError::Control(_))));
    }

    #[test]
    fn configured_names_must_be_plain() {
        let mut cfg: SplunkConfig = toml::from_str("url = \"https://s:8089\"\nindex = \"sec*\"").expect("config");
        let spl = sighting(&cfg, Kind::Ipv4, "203.0.113.7").expect("spl").expect("mapped");
        assert_eq!(
            spl,
            r#"search index=sec* (src_ip="203.0.113.7" OR dest_ip="203.0.113.7" OR src="203.0.113.7" OR dest="203.0.113.7") | fillnull value="" sourcetype host user dest_port action eventtype file_name process_name | stats count, min(_time) AS first_seen, max(_time) AS last_seen by sourcetype, host, user, dest_port, action, eventtype, file_name, process_name"#
        );
        let spl = events(&cfg, Kind::Ipv4, "203.0.113.7", 200).expect("spl").expect("mapped");
        assert_eq!(
            spl,
            r#"search index=sec* (src_ip="203.0.113.7" OR dest_ip="203.0.113.7" OR src="203.0.113.7" OR dest="203.0.113.7") | eventstats count AS drawbridge_total | head 200 | fields _time index sourcetype host user _raw drawbridge_total"#
        );
        assert!(matches!(events(&cfg, Kind::Ipv4, "evil*", 200), Err(SplError::Wildcard(_))));
        cfg.host_field = "host | delete".into();
        assert!(matches!(sighting(&cfg, Kind::Ipv4, "203.0.113.7"), Err(SplError::Name(_))));
        assert!(matches!(events(&cfg, Kind::Ipv4, "203.0.113.7", 200), Err(SplError::Name(_))));
    }
}
