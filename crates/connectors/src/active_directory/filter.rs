//! LDAP search filters (RFC 4515). Every value that comes from a request is
//! escaped here; filters are never built by pasting raw values.

/// Escapes a value for use inside a filter: `*`, `(`, `)`, `\` and NUL
/// become `\2a`, `\28`, `\29`, `\5c`, `\00`.
pub fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '*' => out.push_str("\\2a"),
            '(' => out.push_str("\\28"),
            ')' => out.push_str("\\29"),
            '\\' => out.push_str("\\5c"),
            '\0' => out.push_str("\\00"),
            c => out.push(c),
        }
    }
    out
}

/// `(attr=value)` with the value escaped.
pub fn eq(attr: &str, value: &str) -> String {
    format!("({attr}={})", escape(value))
}

pub fn and(parts: &[String]) -> String {
    format!("(&{})", parts.concat())
}

pub fn or(parts: &[String]) -> String {
    format!("(|{})", parts.concat())
}

/// A computer by short name, `NAME$` or DNS name.
pub fn computer(name: &str) -> String {
    let short = name.split('.').next().unwrap_or(name).trim_end_matches('$');
    let mut alternatives = vec![eq("cn", short), eq("sAMAccountName", &format!("{short}$"))];
    if name.contains('.') {
        alternatives.push(eq("dNSHostName", name));
    }
    and(&["(objectClass=computer)".into(), or(&alternatives)])
}

/// A user by sAMAccountName, UPN or mail.
pub fn user(identifier: &str) -> String {
    let alternatives = if identifier.contains('@') {
        vec![eq("userPrincipalName", identifier), eq("mail", identifier), eq("proxyAddresses", &format!("smtp:{identifier}"))]
    } else {
        vec![eq("sAMAccountName", identifier)]
    };
    and(&["(objectCategory=person)".into(), "(objectClass=user)".into(), or(&alternatives)])
}

/// Computers whose owner (`managedBy`) is `owner_dn`.
pub fn managed_by(owner_dn: &str) -> String {
    and(&["(objectClass=computer)".into(), eq("managedBy", owner_dn)])
}

/// Groups that have `member_dn` as a member, directly or through nesting
/// (LDAP_MATCHING_RULE_IN_CHAIN).
pub fn groups_of(member_dn: &str) -> String {
    and(&["(objectClass=group)".into(), format!("(member:1.2.840.113556.1.4.1941:={})", escape(member_dn))])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn special_characters_are_escaped() {
        assert_eq!(escape("*)(objectClass=*"), "\\2a\\29\\28objectClass=\\2a");
        assert_eq!(escape("a\\b\0c"), "a\\5cb\\00c");
        assert_eq!(escape("Müller (Finance)"), "Müller \\28Finance\\29");
        assert_eq!(eq("cn", "x)(|(cn=*"), "(cn=x\\29\\28|\\28cn=\\2a)");
    }

    #[test]
    fn filters_have_the_expected_shape() {
        assert_eq!(computer("WKS-FIN-042"), "(&(objectClass=computer)(|(cn=WKS-FIN-042)(sAMAccountName=WKS-FIN-042$)))");
        assert!(computer("wks-fin-042.corp.example.local").contains("(dNSHostName=wks-fin-042.corp.example.local)"));
        assert!(user("j.doe@corp.example").contains("(userPrincipalName=j.doe@corp.example)"));
        assert!(groups_of("CN=John Doe,OU=Finance").contains(":1.2.840.113556.1.4.1941:=CN=John Doe,OU=Finance"));
    }
}
