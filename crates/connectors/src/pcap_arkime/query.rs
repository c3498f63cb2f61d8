//! Arkime expressions. Arkime documents no escape that is safe for every
//! field, so values are validated and written bare: an address must parse,
//! a name must be a host name, a hash must be hex; anything else is refused.

use drawbridge_model::Kind;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ExpressionError {
    #[error("{0:?} is not a {1} Arkime can search for safely")]
    Invalid(String, &'static str),
    #[error("Arkime has no field for {0}")]
    NoField(Kind),
}

/// The expression that finds an indicator's sessions.
pub fn expression(kind: Kind, value: &str) -> Result<String, ExpressionError> {
    let v = value.trim();
    match kind {
        Kind::Ipv4 | Kind::Ipv6 => {
            let ip: std::net::IpAddr = v.parse().map_err(|_| ExpressionError::Invalid(v.into(), "address"))?;
            Ok(format!("ip == {ip}"))
        }
        Kind::Cidr => {
            let (a, p) = v.split_once('/').ok_or_else(|| ExpressionError::Invalid(v.into(), "network"))?;
            let ip: std::net::IpAddr = a.parse().map_err(|_| ExpressionError::Invalid(v.into(), "network"))?;
            let p: u8 = p.parse().map_err(|_| ExpressionError::Invalid(v.into(), "network"))?;
            if p > if ip.is_ipv4() { 32 } else { 128 } {
                return Err(ExpressionError::Invalid(v.into(), "network"));
            }
            Ok(format!("ip == {ip}/{p}"))
        }
        Kind::Domain | Kind::Hostname => {
            let ok = !v.is_empty() && v.len() <= 253 && v.split('.').all(|l| !l.is_empty() && l.len() <= 63 && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
            if ok { Ok(format!("host == {}", v.to_ascii_lowercase())) } else { Err(ExpressionError::Invalid(v.into(), "host name")) }
        }
        Kind::Md5 | Kind::Sha256 => {
            let (field, len) = if kind == Kind::Md5 { ("http.md5", 32) } else { ("http.sha256", 64) };
            if v.len() == len && v.chars().all(|c| c.is_ascii_hexdigit()) {
                Ok(format!("{field} == {}", v.to_ascii_lowercase()))
            } else {
                Err(ExpressionError::Invalid(v.into(), "hash"))
            }
        }
        other => Err(ExpressionError::NoField(other)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_validated_never_spliced() {
        assert_eq!(expression(Kind::Ipv4, "185.220.101.4").as_deref(), Ok("ip == 185.220.101.4"));
        assert_eq!(expression(Kind::Domain, "Login-Verify-Portal.com").as_deref(), Ok("host == login-verify-portal.com"));
        assert_eq!(expression(Kind::Cidr, "10.0.0.0/8").as_deref(), Ok("ip == 10.0.0.0/8"));
        assert!(expression(Kind::Ipv4, "1.2.3.4 || ip == 0.0.0.0/0").is_err());
        assert!(expression(Kind::Domain, "evil.com || ip == 1.1.1.1").is_err());
        assert!(expression(Kind::Sha256, "zz").is_err());
        assert!(matches!(expression(Kind::Cve, "CVE-2024-1"), Err(ExpressionError::NoField(_))));
    }
}
