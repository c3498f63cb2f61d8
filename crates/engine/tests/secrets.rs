//! Resolving named secrets: the environment first, then the OS keyring (a
//! real GNOME Keyring Secret Service when the keyring lab runs), then a 0600
//! secrets file; a file others can read is refused.
//!
//! Each test sets process-wide variables, so they run in one test function.

use drawbridge_engine::secrets::{self, SecretError};
use std::os::unix::fs::PermissionsExt;

#[test]
fn environment_then_keyring_then_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("secrets");
    std::fs::write(&file, "ldap-bind = from-file\nsiem-key=file-key\n").expect("write");
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    // SAFETY: this is the only test in this binary.
    unsafe {
        std::env::set_var("DRAWBRIDGE_SECRETS_FILE", &file);
        std::env::set_var("DRAWBRIDGE_SECRET_SIEM_KEY", "env-key");
    }
    assert_eq!(secrets::resolve("ldap-bind").expect("file"), "from-file");
    assert_eq!(secrets::resolve("siem-key").expect("env"), "env-key", "the environment wins over the file");
    let missing = secrets::resolve("no-such").expect_err("missing");
    assert!(matches!(missing, SecretError::Missing(..)) && missing.to_string().contains("DRAWBRIDGE_SECRET_NO_SUCH"), "{missing}");

    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let open = secrets::resolve("ldap-bind").expect_err("too open");
    assert!(matches!(open, SecretError::TooOpen(_, 0o644)), "{open}");
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).expect("chmod");

    if drawbridge_lab::require::keyring().is_none() {
        return;
    }
    let name = format!("test-{}", std::process::id());
    secrets::store_in_keyring(&name, "from-keyring").expect("stored in the Secret Service");
    assert_eq!(secrets::resolve(&name).expect("keyring"), "from-keyring");
    // The keyring comes before the file.
    secrets::store_in_keyring("ldap-bind", "keyring-bind").expect("stored");
    assert_eq!(secrets::resolve("ldap-bind").expect("keyring"), "keyring-bind");
    secrets::delete_from_keyring("ldap-bind").expect("deleted");
    assert_eq!(secrets::resolve("ldap-bind").expect("file again"), "from-file");
    secrets::delete_from_keyring(&name).expect("deleted");
    assert!(matches!(secrets::resolve(&name), Err(SecretError::Missing(..))));
}
