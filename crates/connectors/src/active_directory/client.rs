//! The Active Directory client: connect (LDAPS or StartTLS over rustls),
//! simple bind with a named secret, and the typed lookups.

use super::config::ActiveDirectoryConfig;
use super::filter;
use super::records::{Attrs, ComputerRecord, GroupMembership, PersonRef, UserRecord, filetime, first, is_disabled, is_expired, is_locked, ou_path};
use drawbridge_net::tls;
use drawbridge_net::secrets;
use ldap3::adapters::{Adapter, EntriesOnly, PagedResults};
use ldap3::{Ldap, LdapConnAsync, LdapConnSettings, Scope, SearchEntry};
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum AdError {
    #[error("Active Directory configuration: {0}")]
    Config(String),
    #[error("cannot reach Active Directory at {url}: {reason}")]
    Connect { url: String, reason: String },
    #[error("bind as {0} failed: {1}")]
    Bind(String, String),
    #[error("LDAP search failed: {0}")]
    Search(String),
    #[error(transparent)]
    Secret(#[from] secrets::SecretError),
    #[error("{0:?} is not an account of domain {1}")]
    ForeignDomain(String, String),
}

/// One bound connection. Cheap to clone (ldap3 multiplexes one socket).
#[derive(Clone)]
pub struct ActiveDirectory {
    ldap: Ldap,
    cfg: ActiveDirectoryConfig,
}

const COMPUTER_ATTRS: &[&str] =
    &["cn", "dNSHostName", "description", "operatingSystem", "operatingSystemVersion", "managedBy", "lastLogonTimestamp", "userAccountControl"];
const USER_ATTRS: &[&str] = &[
    "sAMAccountName", "userPrincipalName", "mail", "displayName", "department", "title", "telephoneNumber", "manager", "description",
    "userAccountControl", "msDS-User-Account-Control-Computed", "lockoutTime", "accountExpires", "lastLogonTimestamp", "pwdLastSet",
];
const PERSON_ATTRS: &[&str] = &["displayName", "sAMAccountName", "mail", "department", "title"];

impl ActiveDirectory {
    pub async fn connect(cfg: &ActiveDirectoryConfig) -> Result<ActiveDirectory, AdError> {
        let plain = cfg.url.starts_with("ldap://");
        if plain && !cfg.starttls {
            return Err(AdError::Config(format!("{} is unencrypted: use ldaps:// or set starttls = true", cfg.url)));
        }
        let tls_config = tls::client_config(cfg.ca_file.as_deref(), cfg.allow_tls12).map_err(|e| AdError::Config(e.to_string()))?;
        let timeout = Duration::from_secs(cfg.timeout_seconds.max(1));
        let settings = LdapConnSettings::new().set_config(tls_config).set_starttls(plain && cfg.starttls).set_conn_timeout(timeout);
        let (conn, mut ldap) = LdapConnAsync::with_settings(settings, &cfg.url)
            .await
            .map_err(|e| AdError::Connect { url: cfg.url.clone(), reason: e.to_string() })?;
        ldap3::drive!(conn);
        let password = secrets::resolve(&cfg.password_secret)?;
        ldap.with_timeout(timeout);
        ldap.simple_bind(&cfg.bind_dn, &password)
            .await
            .and_then(|r| r.success())
            .map_err(|e| AdError::Bind(cfg.bind_dn.clone(), e.to_string()))?;
        Ok(ActiveDirectory { ldap, cfg: cfg.clone() })
    }

    /// A bind and a base-DN read: is the directory usable with this config?
    pub async fn health(&mut self) -> Result<(), AdError> {
        let base = self.cfg.base_dn.clone();
        self.search(&base, Scope::Base, "(objectClass=*)", &["dn"]).await.map(|_| ())
    }

    async fn search(&mut self, base: &str, scope: Scope, filter: &str, attrs: &[&str]) -> Result<Vec<SearchEntry>, AdError> {
        self.ldap.with_timeout(Duration::from_secs(self.cfg.timeout_seconds.max(1)));
        let adapters: Vec<Box<dyn Adapter<_, _>>> = vec![Box::new(EntriesOnly::new()), Box::new(PagedResults::new(self.cfg.page_size))];
        let mut stream = self
            .ldap
            .streaming_search_with(adapters, base, scope, filter, attrs.to_vec())
            .await
            .map_err(|e| AdError::Search(e.to_string()))?;
        let mut out = Vec::new();
        while let Some(entry) = stream.next().await.map_err(|e| AdError::Search(e.to_string()))? {
            out.push(SearchEntry::construct(entry));
        }
        stream.finish().await.success().map_err(|e| AdError::Search(e.to_string()))?;
        Ok(out)
    }

    async fn person(&mut self, dn: &str) -> PersonRef {
        let found = self.search(dn, Scope::Base, "(objectClass=*)", PERSON_ATTRS).await.ok().and_then(|mut v| v.pop());
        let attrs = found.map(|e| e.attrs).unwrap_or_default();
        PersonRef {
            dn: dn.to_string(),
            name: first(&attrs, "displayName"),
            account: first(&attrs, "sAMAccountName"),
            mail: first(&attrs, "mail"),
            department: first(&attrs, "department"),
            title: first(&attrs, "title"),
        }
    }

    /// A computer by name or DNS name; `None` when the directory has none.
    pub async fn computer(&mut self, name: &str) -> Result<Option<ComputerRecord>, AdError> {
        let base = self.cfg.base_dn.clone();
        let Some(entry) = self.search(&base, Scope::Subtree, &filter::computer(name), COMPUTER_ATTRS).await?.into_iter().next() else {
            return Ok(None);
        };
        let a: Attrs = entry.attrs;
        let managed_by = match first(&a, "managedBy") {
            Some(dn) => Some(self.person(&dn).await),
            None => None,
        };
        Ok(Some(ComputerRecord {
            name: first(&a, "cn").unwrap_or_default(),
            dns_host_name: first(&a, "dNSHostName"),
            description: first(&a, "description"),
            operating_system: first(&a, "operatingSystem"),
            operating_system_version: first(&a, "operatingSystemVersion"),
            ou: ou_path(&entry.dn),
            managed_by,
            last_logon: first(&a, "lastLogonTimestamp").and_then(|v| filetime(&v)),
            enabled: !is_disabled(&a),
            dn: entry.dn,
        }))
    }

    /// A user by `sAMAccountName`, UPN, mail or `DOMAIN\user`.
    pub async fn user(&mut self, identifier: &str) -> Result<Option<UserRecord>, AdError> {
        let id = self.account_name(identifier)?;
        let base = self.cfg.base_dn.clone();
        let Some(entry) = self.search(&base, Scope::Subtree, &filter::user(&id), USER_ATTRS).await?.into_iter().next() else {
            return Ok(None);
        };
        let a: Attrs = entry.attrs;
        let manager = match first(&a, "manager") {
            Some(dn) => Some(self.person(&dn).await),
            None => None,
        };
        let groups = self.names(&filter::groups_of(&entry.dn)).await?;
        let managed_computers = self.names(&filter::managed_by(&entry.dn)).await?;
        let time = |name: &str| first(&a, name).and_then(|v| filetime(&v));
        Ok(Some(UserRecord {
            account: first(&a, "sAMAccountName").unwrap_or_default(),
            upn: first(&a, "userPrincipalName"),
            mail: first(&a, "mail"),
            name: first(&a, "displayName"),
            department: first(&a, "department"),
            title: first(&a, "title"),
            phone: first(&a, "telephoneNumber"),
            description: first(&a, "description"),
            manager,
            enabled: !is_disabled(&a),
            locked: is_locked(&a),
            expired: is_expired(&a, chrono::Utc::now().timestamp()),
            last_logon: time("lastLogonTimestamp"),
            account_expires: time("accountExpires"),
            password_last_set: time("pwdLastSet"),
            lockout_time: time("lockoutTime"),
            ou: ou_path(&entry.dn),
            groups,
            managed_computers,
            dn: entry.dn,
        }))
    }

    /// The sorted `cn`s of the entries a filter finds.
    async fn names(&mut self, filter: &str) -> Result<Vec<String>, AdError> {
        let base = self.cfg.base_dn.clone();
        let mut names: Vec<String> = self.search(&base, Scope::Subtree, filter, &["cn"]).await?.into_iter().filter_map(|e| first(&e.attrs, "cn")).collect();
        names.sort();
        Ok(names)
    }

    /// Every group the user belongs to, nested membership included.
    pub async fn groups(&mut self, identifier: &str) -> Result<Option<GroupMembership>, AdError> {
        let Some(user) = self.user(identifier).await? else { return Ok(None) };
        Ok(Some(GroupMembership { user: user.account, groups: user.groups }))
    }

    /// `CORP\j.doe` → `j.doe` (refusing other domains); anything else as given.
    fn account_name(&self, identifier: &str) -> Result<String, AdError> {
        match identifier.split_once('\\') {
            Some((domain, user)) if domain.eq_ignore_ascii_case(&self.cfg.netbios_domain) => Ok(user.to_string()),
            Some(_) => Err(AdError::ForeignDomain(identifier.to_string(), self.cfg.netbios_domain.clone())),
            None => Ok(identifier.to_string()),
        }
    }
}
