//! Settings for the test lab's servers (`tests/lab/*.sh`), with their
//! secrets handed over in memory. Compiled for this crate's tests and, with
//! the `lab` feature, for `drawbridge-testkit`: one copy for every test.

use crate::active_directory::ActiveDirectoryConfig;
use crate::asset_inventory::{AssetInventoryConfig, default_query, default_query_by_ip, default_query_by_mac};
use crate::siem_elastic::{ElasticConfig, default_fields};
use drawbridge_net::secrets;
use std::path::Path;

/// The Samba AD DC's administrator password (set by `tests/lab/directory.sh`).
pub const AD_PASSWORD: &str = "Passw0rd!Admin";
/// The inventory database user's password (set by `tests/lab/postgres.sh`).
pub const INVENTORY_PASSWORD: &str = "inventory-pw";

/// The directory lab over LDAPS, binding as its administrator.
pub fn active_directory(lab: &Path) -> ActiveDirectoryConfig {
    secrets::inject("ad-lab", AD_PASSWORD);
    ActiveDirectoryConfig {
        url: "ldaps://127.0.0.1:636".into(),
        starttls: false,
        ca_file: Some(lab.join("tls/ca.pem")),
        allow_tls12: false,
        bind_dn: "Administrator@corp.example.test".into(),
        password_secret: "ad-lab".into(),
        base_dn: "DC=corp,DC=example,DC=test".into(),
        netbios_domain: "CORP".into(),
        timeout_seconds: 5,
        page_size: 100,
    }
}

/// The SIEM lab (osmem-server) at `url`. It indexes by dynamic mapping,
/// where strings are `text` with a `.keyword` sub-field: the field map says so.
pub fn siem(url: &str) -> ElasticConfig {
    let fields = default_fields().into_iter().map(|(k, v)| (k, v.into_iter().map(|f| format!("{f}.keyword")).collect())).collect();
    ElasticConfig {
        url: url.into(),
        index: "*-lab".into(),
        ca_file: None,
        allow_tls12: false,
        username: None,
        password_secret: None,
        api_key_secret: None,
        timeout_seconds: 10,
        fields,
        time_field: "@timestamp".into(),
        host_field: "host.name.keyword".into(),
        user_field: "user.name.keyword".into(),
        // osmem-server maps strings as text with a `.keyword` sub-field; the
        // breakdowns follow `host_field` there.
        breakdowns: None,
        top: None,
    }
}

/// The inventory lab (PostgreSQL on port 54329).
pub fn inventory() -> AssetInventoryConfig {
    secrets::inject("inventory-lab", INVENTORY_PASSWORD);
    AssetInventoryConfig::Sql {
        url: "postgres://drawbridge@127.0.0.1:54329/inventory".into(),
        password_secret: Some("inventory-lab".into()),
        query: default_query(),
        query_by_ip: default_query_by_ip(),
        query_by_mac: default_query_by_mac(),
    }
}
