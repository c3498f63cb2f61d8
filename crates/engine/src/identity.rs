//! Who is acting. An analyst is the OS account running the process: the
//! name of the effective user from the system's user database, not a
//! variable anyone can set. Acting as somebody else needs the explicit
//! development flag (`--dev-impersonate` on the CLI, or
//! `DRAWBRIDGE_DEV_IMPERSONATE=1` for the app), meant for demos and tests.
//! Identities are compared normalised, so `CORP\Alice`, `alice@corp.example`
//! and `alice` are one person to the four-eyes rule.

/// Setting this to `1` lets the app take its analyst from `DRAWBRIDGE_ANALYST`.
pub const DEV_IMPERSONATE_ENV: &str = "DRAWBRIDGE_DEV_IMPERSONATE";

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum IdentityError {
    #[error("cannot tell which OS account runs this process")]
    Unknown,
    #[error("you are {os}; acting as {claimed:?} needs the development flag (--dev-impersonate or {DEV_IMPERSONATE_ENV}=1)")]
    Impersonation { os: String, claimed: String },
}

/// The effective user's login name.
#[cfg(unix)]
pub fn os_account() -> Option<String> {
    // SAFETY: getpwuid_r writes into the buffers we own and pass with their
    // sizes; the returned pointer, when non-null, points into `pwd`/`buf`.
    unsafe {
        let uid = libc::geteuid();
        let mut pwd: libc::passwd = std::mem::zeroed();
        let mut buf = vec![0 as libc::c_char; 4096];
        let mut result: *mut libc::passwd = std::ptr::null_mut();
        let rc = libc::getpwuid_r(uid, &mut pwd, buf.as_mut_ptr(), buf.len(), &mut result);
        if rc != 0 || result.is_null() || pwd.pw_name.is_null() {
            return None;
        }
        let name = std::ffi::CStr::from_ptr(pwd.pw_name).to_string_lossy().into_owned();
        (!name.is_empty()).then_some(name)
    }
}

/// The signed-in user (Windows sets it for the session).
#[cfg(not(unix))]
pub fn os_account() -> Option<String> {
    std::env::var("USERNAME").ok().filter(|n| !n.trim().is_empty())
}

/// `CORP\Alice`, `alice@corp.example`, ` Alice ` → `alice`.
pub fn normalize(name: &str) -> String {
    let name = name.trim();
    let name = name.rsplit_once('\\').map(|(_, u)| u).unwrap_or(name);
    let name = name.split_once('@').map(|(u, _)| u).unwrap_or(name);
    name.trim().to_lowercase()
}

pub fn same_person(a: &str, b: &str) -> bool {
    let (a, b) = (normalize(a), normalize(b));
    !a.is_empty() && a == b
}

/// Who acts: the OS account, unless `claimed` names someone else and
/// `impersonation_allowed` (the development flag) is set.
pub fn acting(claimed: Option<&str>, impersonation_allowed: bool) -> Result<String, IdentityError> {
    acting_as(os_account(), claimed, impersonation_allowed)
}

fn acting_as(os: Option<String>, claimed: Option<&str>, impersonation_allowed: bool) -> Result<String, IdentityError> {
    let claimed = claimed.map(str::trim).filter(|c| !c.is_empty());
    match (os, claimed) {
        (Some(os), None) => Ok(os),
        (Some(os), Some(c)) if same_person(&os, c) => Ok(os),
        (_, Some(c)) if impersonation_allowed => Ok(c.to_string()),
        (Some(os), Some(c)) => Err(IdentityError::Impersonation { os, claimed: c.to_string() }),
        (None, _) => Err(IdentityError::Unknown),
    }
}

/// The app's analyst: the OS account, or with `DRAWBRIDGE_DEV_IMPERSONATE=1`
/// the name in `DRAWBRIDGE_ANALYST`.
pub fn app_analyst() -> Result<String, IdentityError> {
    let dev = std::env::var(DEV_IMPERSONATE_ENV).is_ok_and(|v| v == "1");
    let claimed = if dev { std::env::var("DRAWBRIDGE_ANALYST").ok() } else { None };
    acting(claimed.as_deref(), dev)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_os_account_is_who_acts_and_claiming_another_needs_the_flag() {
        let os = Some("alice".to_string());
        assert_eq!(acting_as(os.clone(), None, false), Ok("alice".into()));
        assert_eq!(acting_as(os.clone(), Some("CORP\\Alice"), false), Ok("alice".into()), "the same person, spelled otherwise");
        assert!(matches!(acting_as(os.clone(), Some("bob"), false), Err(IdentityError::Impersonation { .. })));
        assert_eq!(acting_as(os, Some("bob"), true), Ok("bob".into()));
        assert_eq!(acting_as(None, None, true), Err(IdentityError::Unknown));
    }

    #[test]
    fn identities_compare_normalised() {
        assert!(same_person("CORP\\Alice", "alice@corp.example"));
        assert!(same_person(" ALICE ", "alice"));
        assert!(!same_person("alice", "alicia"));
        assert!(!same_person("", ""));
    }

    #[cfg(unix)]
    #[test]
    fn this_process_has_an_os_account() {
        assert!(os_account().is_some_and(|n| !n.is_empty()));
    }
}
