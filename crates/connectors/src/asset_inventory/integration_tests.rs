//! The asset inventory over real PostgreSQL (`tests/lab/postgres.sh`, started
//! by `make test`): parameterised lookups, no result, and injection attempts.

use super::AssetInventory;

fn lab() -> Option<super::AssetInventoryConfig> {
    drawbridge_lab::require::postgres()?;
    Some(crate::lab::inventory())
}

#[tokio::test]
async fn a_machine_is_found_by_name_or_ip() {
    let Some(cfg) = lab() else { return };
    let inv = AssetInventory::open(&cfg).await.expect("connect");
    for name in ["WKS-FIN-042", "wks-fin-042", "10.20.1.42"] {
        let a = inv.lookup(name).await.expect("query").unwrap_or_else(|| panic!("{name} found"));
        assert_eq!(a["hostname"], "WKS-FIN-042");
        assert_eq!(a["owner"], "j.doe");
        assert_eq!(a["model"], "HP EliteDesk 800 G9");
        assert_eq!(a["location"], "London HQ, 2nd floor");
        assert!(a["serial"].as_str().is_some_and(|s| s.starts_with("SN")));
        assert!(a["purchased"].as_str().is_some_and(|d| d.len() == 10), "dates come back as text: {:?}", a["purchased"]);
    }
    assert!(inv.lookup("WKS-NOPE-999").await.expect("query").is_none());
}

#[tokio::test]
async fn a_machine_is_found_by_fqdn_and_by_mac_in_any_spelling() {
    let Some(cfg) = lab() else { return };
    let inv = AssetInventory::open(&cfg).await.expect("connect");
    let company = drawbridge_lab::company(7);
    let c = company.computers.iter().find(|c| c.name == "WKS-FIN-042").expect("in the company");
    let mac = c.mac();
    for key in [c.fqdn(), c.fqdn().to_uppercase(), mac.clone(), mac.to_uppercase().replace(':', "-"), mac.replace(':', "")] {
        let a = inv.lookup(&key).await.expect("query").unwrap_or_else(|| panic!("{key} found"));
        assert_eq!(a["hostname"], "WKS-FIN-042", "{key}");
    }
    assert_eq!(inv.lookup(&mac).await.expect("query").expect("found")["matched_by"], "mac");
    assert_eq!(inv.lookup("10.20.1.42").await.expect("query").expect("found")["matched_by"], "ip");
    assert!(inv.lookup("00:00:00:00:00:00").await.expect("query").is_none());
}

#[tokio::test]
async fn injection_attempts_are_values_not_sql() {
    let Some(cfg) = lab() else { return };
    let inv = AssetInventory::open(&cfg).await.expect("connect");
    for hostile in ["x' OR '1'='1", "'; DROP TABLE assets; --", "WKS-FIN-042' --", "%"] {
        assert!(inv.lookup(hostile).await.expect("query").is_none(), "{hostile:?}");
    }
    assert!(inv.lookup("WKS-FIN-042").await.expect("query").is_some(), "the table is still there");
}

#[tokio::test]
async fn a_wrong_password_or_an_absent_server_is_a_clear_error() {
    let Some(_) = lab() else { return };
    drawbridge_net::secrets::inject("inventory-wrong", "nope");
    let with = |url: &str, secret: Option<&str>| match crate::lab::inventory() {
        super::AssetInventoryConfig::Sql { query, query_by_ip, query_by_mac, .. } => {
            super::AssetInventoryConfig::Sql { url: url.into(), password_secret: secret.map(String::from), query, query_by_ip, query_by_mac }
        }
        other => other,
    };
    let wrong = with("postgres://drawbridge@127.0.0.1:54329/inventory", Some("inventory-wrong"));
    let err = AssetInventory::open(&wrong).await.err().expect("refused");
    assert!(err.to_string().contains("password"), "{err}");
    let absent = with("postgres://drawbridge@127.0.0.1:1/inventory", None);
    let err = AssetInventory::open(&absent).await.err().expect("unreachable");
    assert!(err.is_transient(), "{err}");
}

#[tokio::test]
async fn the_default_queries_work_on_a_table_without_the_optional_columns() {
    let Some(cfg) = lab() else { return };
    // An inventory laid out as before fqdn and mac existed, with an inet
    // column named ip_address and a date, in a schema of its own.
    let inv = AssetInventory::open(&cfg).await.expect("connect");
    let AssetInventory::Sql { pool, .. } = &inv else { panic!("sql") };
    for stmt in [
        "DROP SCHEMA IF EXISTS legacy CASCADE",
        "CREATE SCHEMA legacy",
        "CREATE TABLE legacy.assets (hostname text, serial text, ip_address inet, purchased date)",
        "INSERT INTO legacy.assets VALUES ('WKS-OLD-001', 'SN-OLD', '10.99.0.1', DATE '2023-01-02')",
    ] {
        sqlx::query(stmt).execute(pool).await.expect(stmt);
    }
    let super::AssetInventoryConfig::Sql { url, password_secret, query, query_by_ip, query_by_mac } = crate::lab::inventory() else { panic!("sql") };
    let legacy = super::AssetInventoryConfig::Sql { url: format!("{url}?options=-c%20search_path%3Dlegacy"), password_secret, query, query_by_ip, query_by_mac };
    let old = AssetInventory::open(&legacy).await.expect("connect");
    let a = old.lookup("wks-old-001.corp.example.local").await.expect("query").expect("by name");
    assert_eq!((a["serial"].as_str(), a["purchased"].as_str()), (Some("SN-OLD"), Some("2023-01-02")));
    assert_eq!(old.lookup("10.99.0.1").await.expect("query").expect("by ip")["hostname"], "WKS-OLD-001");
    assert!(old.lookup("00:11:22:33:44:55").await.expect("a table without a mac column answers").is_none());
    sqlx::query("DROP SCHEMA legacy CASCADE").execute(pool).await.expect("clean up");
}

#[tokio::test]
async fn verify_full_is_enforced_when_asked_for() {
    let Some(cfg) = lab() else { return };
    // The lab server speaks no TLS: asking for verify-full must fail, not fall back to plain text.
    let super::AssetInventoryConfig::Sql { url, password_secret, query, query_by_ip, query_by_mac } = cfg else { panic!("sql") };
    let strict = super::AssetInventoryConfig::Sql { url: format!("{url}?sslmode=verify-full"), password_secret, query, query_by_ip, query_by_mac };
    assert!(AssetInventory::open(&strict).await.is_err(), "no plain-text fallback under verify-full");
}
