//! PAN-OS log filters. The syntax has no documented escape for a quote inside
//! a value, so values are validated instead of escaped: addresses must parse
//! as IP addresses or networks, quoted values may not contain quotes or
//! control characters; anything else is refused with a clear error.

use drawbridge_model::Kind;
use chrono::{DateTime, Duration, Utc};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogQuery {
    pub log_type: &'static str,
    pub filter: String,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FilterError {
    #[error("{0:?} is not an IP address or network, so it cannot be searched in PAN-OS logs")]
    NotAnAddress(String),
    #[error("{0:?} contains characters a PAN-OS filter cannot carry safely")]
    Unsafe(String),
    #[error("PAN-OS logs are not searched for {0} indicators")]
    Unsupported(Kind),
}

/// `YYYY/MM/DD HH:MM:SS` in the device's local time.
fn device_time(t: DateTime<Utc>, offset_minutes: i32) -> String {
    (t + Duration::minutes(offset_minutes as i64)).format("%Y/%m/%d %H:%M:%S").to_string()
}

fn quoted(value: &str) -> Result<String, FilterError> {
    if value.is_empty() || value.len() > 1024 || value.chars().any(|c| c == '\'' || c == '"' || c == '\\' || c.is_control()) {
        return Err(FilterError::Unsafe(value.into()));
    }
    Ok(format!("'{value}'"))
}

fn address(value: &str) -> Result<String, FilterError> {
    let (ip, prefix) = match value.split_once('/') {
        Some((ip, p)) => (ip, Some(p)),
        None => (value, None),
    };
    let addr: std::net::IpAddr = ip.parse().map_err(|_| FilterError::NotAnAddress(value.into()))?;
    match prefix {
        None => Ok(addr.to_string()),
        Some(p) => {
            let bits: u8 = p.parse().map_err(|_| FilterError::NotAnAddress(value.into()))?;
            let max = if addr.is_ipv4() { 32 } else { 128 };
            if bits > max {
                return Err(FilterError::NotAnAddress(value.into()));
            }
            Ok(format!("{addr}/{bits}"))
        }
    }
}

/// The log type and filter for an indicator in a window.
pub fn log_query(kind: Kind, value: &str, start: DateTime<Utc>, end: DateTime<Utc>, offset_minutes: i32) -> Result<LogQuery, FilterError> {
    let time = format!(
        "(receive_time geq '{}') and (receive_time leq '{}')",
        device_time(start, offset_minutes),
        device_time(end - Duration::seconds(1), offset_minutes)
    );
    let (log_type, clause) = match kind {
        Kind::Ipv4 | Kind::Ipv6 | Kind::Cidr => ("traffic", format!("(addr in {})", address(value)?)),
        Kind::Domain | Kind::Url => ("url", format!("(url contains {})", quoted(value)?)),
        other => return Err(FilterError::Unsupported(other)),
    };
    Ok(LogQuery { log_type, filter: format!("{clause} and {time}") })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).expect("date").with_timezone(&Utc)
    }

    #[test]
    fn addresses_and_windows() {
        let q = log_query(Kind::Ipv4, "203.0.113.7", t("2026-11-01T00:00:00Z"), t("2026-12-01T00:00:00Z"), 60).expect("query");
        assert_eq!(q.log_type, "traffic");
        assert_eq!(q.filter, "(addr in 203.0.113.7) and (receive_time geq '2026/11/01 01:00:00') and (receive_time leq '2026/12/01 00:59:59')");
        assert_eq!(log_query(Kind::Cidr, "10.0.0.0/8", t("2026-11-01T00:00:00Z"), t("2026-11-02T00:00:00Z"), 0).expect("q").filter[..20], *"(addr in 10.0.0.0/8)");
    }

    #[test]
    fn hostile_values_are_refused_not_escaped() {
        let (a, b) = (t("2026-11-01T00:00:00Z"), t("2026-11-02T00:00:00Z"));
        assert!(matches!(log_query(Kind::Ipv4, "1.2.3.4) or (addr in 0.0.0.0/0", a, b, 0), Err(FilterError::NotAnAddress(_))));
        assert!(matches!(log_query(Kind::Domain, "evil.com') or (addr in 0.0.0.0/0", a, b, 0), Err(FilterError::Unsafe(_))));
        assert!(matches!(log_query(Kind::Md5, "44d88612fea8a8f36de82e12e5e5ff1c", a, b, 0), Err(FilterError::Unsupported(_))));
        assert!(matches!(log_query(Kind::Cidr, "10.0.0.0/33", a, b, 0), Err(FilterError::NotAnAddress(_))));
    }
}
