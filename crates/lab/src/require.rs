//! Whether a lab server is there for a test. A test that needs one asks
//! here: on a developer's machine without the lab it is skipped, saying so;
//! with `DRAWBRIDGE_REQUIRE_LABS=1` (set by CI's `.ci/run`) a missing lab is
//! a failure, so nothing passes by skipping.

use std::path::PathBuf;

/// True when missing labs must fail the tests.
pub fn labs_required() -> bool {
    std::env::var("DRAWBRIDGE_REQUIRE_LABS").is_ok_and(|v| v == "1")
}

/// Skips (returns `false`, printing why) or, where labs are required,
/// panics with `why` and how to start the lab.
pub fn missing(why: &str) -> bool {
    if labs_required() {
        panic!("{why}, and DRAWBRIDGE_REQUIRE_LABS=1: a lab the tests need is missing; `make test` starts every lab");
    }
    eprintln!("SKIPPED: {why}; `make test` starts the labs");
    false
}

/// The lab folder named by the environment variable `var` (set by
/// `tests/run.sh` once that lab is up), or `None` when the test is skipped.
pub fn lab(var: &str) -> Option<PathBuf> {
    match std::env::var_os(var) {
        Some(p) => Some(PathBuf::from(p)),
        None => {
            missing(&format!("{var} is not set"));
            None
        }
    }
}

/// Dovecot and Postfix (`tests/lab/mail.sh`).
pub fn mail() -> Option<PathBuf> {
    lab("DRAWBRIDGE_MAIL_LAB")
}

/// The Samba AD DC (`tests/lab/directory.sh`).
pub fn directory() -> Option<PathBuf> {
    lab("DRAWBRIDGE_DIRECTORY_LAB")
}

/// osmem-server with the company's events (`tests/lab/siem.sh`).
pub fn siem() -> Option<PathBuf> {
    lab("DRAWBRIDGE_SIEM_LAB")
}

/// PostgreSQL with the asset inventory (`tests/lab/postgres.sh`).
pub fn postgres() -> Option<PathBuf> {
    lab("DRAWBRIDGE_POSTGRES_LAB")
}

/// GNOME Keyring on a private D-Bus (`tests/lab/keyring.sh`).
pub fn keyring() -> Option<PathBuf> {
    lab("DRAWBRIDGE_KEYRING_LAB")
}
