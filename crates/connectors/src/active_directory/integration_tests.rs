//! The Active Directory connector against a real Samba AD DC seeded with the
//! lab company (`tests/lab/directory.sh`, started by `make test`).

use super::{ActiveDirectory, AdError};
use crate::lab::active_directory as config;
use drawbridge_lab::require::directory as lab;

#[tokio::test]
async fn a_computer_resolves_to_its_owner_os_ou_and_last_logon() {
    let Some(lab) = lab() else { return };
    let mut ad = ActiveDirectory::connect(&config(&lab)).await.expect("connect and bind");
    ad.health().await.expect("healthy");
    for name in ["WKS-FIN-042", "wks-fin-042", "wks-fin-042.corp.example.local"] {
        let c = ad.computer(name).await.expect("search").unwrap_or_else(|| panic!("{name} found"));
        assert_eq!(c.name, "WKS-FIN-042");
        assert_eq!(c.operating_system.as_deref(), Some("Windows 11 Enterprise"));
        assert_eq!(c.operating_system_version.as_deref(), Some("10.0 (22631)"));
        assert_eq!(c.description.as_deref(), Some("Finance workstation, 2nd floor"));
        assert_eq!(c.ou, "Corp/Computers/Finance");
        assert_eq!(c.last_logon.as_deref(), Some("2026-11-26T21:00:00Z"));
        let owner = c.managed_by.expect("managedBy resolved");
        assert_eq!((owner.account.as_deref(), owner.name.as_deref(), owner.department.as_deref()), (Some("j.doe"), Some("John Doe"), Some("Finance")));
    }
    assert!(ad.computer("WKS-NOPE-999").await.expect("search").is_none(), "no result is not an error");
}

#[tokio::test]
async fn a_user_is_found_by_every_identifier_form() {
    let Some(lab) = lab() else { return };
    let mut ad = ActiveDirectory::connect(&config(&lab)).await.expect("connect");
    for id in ["j.doe", "J.Doe", "CORP\\j.doe", "corp\\j.doe", "j.doe@corp.example"] {
        let u = ad.user(id).await.expect("search").unwrap_or_else(|| panic!("{id} found"));
        assert_eq!(u.account, "j.doe");
        assert_eq!((u.department.as_deref(), u.title.as_deref()), (Some("Finance"), Some("Accountant")));
        assert_eq!(u.manager.as_ref().and_then(|m| m.account.as_deref()), Some("m.schmidt"));
        assert!(u.enabled && !u.locked && !u.expired);
        assert_eq!(u.description.as_deref(), Some("Accountant, Finance"));
        assert_eq!(u.last_logon.as_deref(), Some("2026-11-26T21:00:00Z"));
        assert_eq!((u.account_expires.as_deref(), u.lockout_time.as_deref()), (None, None));
        assert!(u.groups.iter().any(|g| g == "GRP-VPN-Users"), "transitive groups for {id}: {:?}", u.groups);
        assert!(u.managed_computers.iter().any(|c| c == "WKS-FIN-042"), "{:?}", u.managed_computers);
    }
    let err = ad.user("OTHER\\j.doe").await.expect_err("another domain");
    assert!(matches!(err, AdError::ForeignDomain(..)), "{err}");
}

#[tokio::test]
async fn disabled_accounts_are_reported_as_such() {
    let Some(lab) = lab() else { return };
    let company = drawbridge_lab::company(7);
    let disabled = company.users.iter().find(|u| !u.enabled).expect("the lab has disabled users");
    let mut ad = ActiveDirectory::connect(&config(&lab)).await.expect("connect");
    let u = ad.user(&disabled.sam).await.expect("search").expect("found");
    assert!(!u.enabled, "{} is disabled", disabled.sam);
}

#[tokio::test]
async fn account_state_is_computed_as_ad_computes_it() {
    let Some(lab) = lab() else { return };
    let mut ad = ActiveDirectory::connect(&config(&lab)).await.expect("connect");
    // Locked out by three failed binds (tests/lab/directory.sh).
    let locked = ad.user(drawbridge_lab::LOCKED_USER).await.expect("search").expect("found");
    assert!(locked.locked && locked.enabled && !locked.expired, "{locked:?}");
    assert!(locked.lockout_time.is_some() && locked.password_last_set.is_some(), "{locked:?}");
    // Expired ten days before the lab's "now"; the other contractor in ten years.
    let expired = ad.user("ext.kaiser@corp.example").await.expect("search").expect("found");
    assert!(expired.expired && !expired.locked, "{expired:?}");
    assert_eq!(expired.account_expires.as_deref(), Some("2026-11-17T00:00:00Z"));
    assert_eq!(expired.managed_computers, vec!["LT-FIN-900".to_string()]);
    let later = ad.user("ext.moreau").await.expect("search").expect("found");
    assert!(!later.expired && later.account_expires.as_deref().is_some_and(|d| d.starts_with("2036-")), "{later:?}");
}

#[tokio::test]
async fn nested_group_membership_is_resolved() {
    let Some(lab) = lab() else { return };
    let mut ad = ActiveDirectory::connect(&config(&lab)).await.expect("connect");
    let g = ad.groups("CORP\\j.doe").await.expect("search").expect("user");
    for group in ["GRP-FIN", "GRP-AllStaff", "GRP-VPN-Users"] {
        assert!(g.groups.iter().any(|x| x == group), "{group} in {:?}", g.groups);
    }
    assert!(!g.groups.iter().any(|x| x == "GRP-Privileged"), "{:?}", g.groups);
    let admin = ad.groups("head.it").await.expect("search").expect("user");
    assert!(admin.groups.iter().any(|x| x == "GRP-Privileged"), "nested twice: {:?}", admin.groups);
}

#[tokio::test]
async fn filter_injection_finds_nothing_extra() {
    let Some(lab) = lab() else { return };
    let mut ad = ActiveDirectory::connect(&config(&lab)).await.expect("connect");
    for hostile in ["*", "*)(objectClass=*", "WKS-FIN-042)(|(cn=*", "*)(|(sAMAccountName=*"] {
        assert!(ad.computer(hostile).await.expect("search").is_none(), "computer {hostile:?}");
        assert!(ad.user(hostile).await.expect("search").is_none(), "user {hostile:?}");
    }
}

#[tokio::test]
async fn starttls_works_and_failures_are_clear() {
    let Some(lab) = lab() else { return };
    let mut cfg = config(&lab);
    cfg.url = "ldap://127.0.0.1:389".into();
    cfg.starttls = true;
    let mut ad = ActiveDirectory::connect(&cfg).await.expect("StartTLS");
    assert!(ad.computer("WKS-FIN-042").await.expect("search").is_some());

    cfg.starttls = false;
    let err = ActiveDirectory::connect(&cfg).await.err().expect("plain LDAP refused");
    assert!(err.to_string().contains("unencrypted"), "{err}");

    let mut bad = config(&lab);
    drawbridge_net::secrets::inject("ad-wrong", "not-the-password");
    bad.password_secret = "ad-wrong".into();
    let err = ActiveDirectory::connect(&bad).await.err().expect("bad password");
    assert!(matches!(err, AdError::Bind(..)), "{err}");

    let mut down = config(&lab);
    down.url = "ldaps://127.0.0.1:1".into();
    let err = ActiveDirectory::connect(&down).await.err().expect("nothing listens");
    assert!(matches!(err, AdError::Connect { .. }), "{err}");
}
