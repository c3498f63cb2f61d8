//! Active Directory in the registry: `active_directory.computer`, `.user`
//! and `.groups`, over one bound connection opened on first use and
//! reopened after a failure.

use super::{ActiveDirectory, ActiveDirectoryConfig, AdError, ComputerRecord, GroupMembership, UserRecord, filter};
use crate::error::ConnectorError;
use crate::registry::{ActionSpec, Connector, Input, output};
use crate::window::get;
use futures::future::BoxFuture;
use serde_json::Value;
use std::sync::Arc;
use tokio::sync::Mutex;

pub struct Definition;

impl crate::registry::Definition for Definition {
    const NAME: &'static str = "active_directory";
    const TITLE: &'static str = "Active Directory";
    type Config = ActiveDirectoryConfig;

    fn actions() -> Vec<ActionSpec> {
        let identifier = [("identifier", "sAMAccountName, UPN, mail or DOMAIN\\user")];
        vec![
            ActionSpec::new::<ComputerRecord>(
                "active_directory.computer",
                Self::NAME,
                "A computer by name or DNS name: owner (managedBy), OS and version, description, OU, last logon.",
                &[("name", "the computer's name or DNS name")],
            )
            .with_fallback("demo_directory.computer"),
            ActionSpec::new::<UserRecord>(
                "active_directory.user",
                Self::NAME,
                "A user by sAMAccountName, UPN, mail or DOMAIN\\user: department, title, description, manager, account state \
                 (enabled, locked, expired), last logon, expiry, password last set, transitive groups and managed computers.",
                &identifier,
            )
            .with_fallback("demo_directory.user"),
            ActionSpec::new::<GroupMembership>("active_directory.groups", Self::NAME, "Every group a user belongs to, nested membership included.", &identifier)
                .with_fallback("demo_directory.groups"),
        ]
    }

    fn example() -> ActiveDirectoryConfig {
        ActiveDirectoryConfig {
            url: "ldaps://dc1.corp.example:636".into(),
            starttls: false,
            ca_file: None,
            allow_tls12: false,
            bind_dn: "svc_drawbridge@corp.example".into(),
            password_secret: "ldap-bind".into(),
            base_dn: "DC=corp,DC=example".into(),
            netbios_domain: "CORP".into(),
            timeout_seconds: 10,
            page_size: 500,
        }
    }

    fn build(config: ActiveDirectoryConfig) -> Result<Arc<dyn Connector>, String> {
        Ok(Arc::new(Directory { config, connection: Mutex::new(None) }))
    }
}

struct Directory {
    config: ActiveDirectoryConfig,
    connection: Mutex<Option<ActiveDirectory>>,
}

impl Directory {
    async fn connection(&self) -> Result<ActiveDirectory, ConnectorError> {
        let mut slot = self.connection.lock().await;
        if let Some(conn) = slot.as_ref() {
            return Ok(conn.clone());
        }
        let conn = ActiveDirectory::connect(&self.config).await.map_err(error)?;
        *slot = Some(conn.clone());
        Ok(conn)
    }

    async fn ask(&self, action: &str, input: &Input) -> Result<Option<Value>, ConnectorError> {
        let mut ad = self.connection().await?;
        match action {
            "active_directory.computer" => ad.computer(get(input, "name")).await.map_err(error).and_then(output),
            "active_directory.user" => ad.user(get(input, "identifier")).await.map_err(error).and_then(output),
            "active_directory.groups" => ad.groups(get(input, "identifier")).await.map_err(error).and_then(output),
            other => Err(ConnectorError::new(drawbridge_model::ErrorKind::NotFound, format!("Active Directory has no action {other}"))),
        }
    }
}

impl Connector for Directory {
    fn preview(&self, action: &str, input: &Input) -> Result<String, ConnectorError> {
        let account = |id: &str| id.split_once('\\').map_or(id, |(_, u)| u).to_string();
        Ok(match action {
            "active_directory.computer" => format!("LDAP search {}", filter::computer(get(input, "name"))),
            "active_directory.user" => format!("LDAP search {}", filter::user(&account(get(input, "identifier")))),
            _ => format!("LDAP search {} then {}", filter::user(&account(get(input, "identifier"))), filter::groups_of("<the user's DN>")),
        })
    }

    fn call<'a>(&'a self, action: &'a str, input: &'a Input) -> BoxFuture<'a, Result<Option<Value>, ConnectorError>> {
        Box::pin(async move {
            let result = self.ask(action, input).await;
            if result.as_ref().is_err_and(|e| e.transient) {
                *self.connection.lock().await = None;
            }
            result
        })
    }

    fn test_connection(&self) -> BoxFuture<'_, Result<String, ConnectorError>> {
        Box::pin(async move {
            let mut ad = ActiveDirectory::connect(&self.config).await.map_err(error)?;
            ad.health().await.map_err(error)?;
            Ok(format!("TLS and bind as {} succeeded; {} is readable", self.config.bind_dn, self.config.base_dn))
        })
    }
}

fn error(e: AdError) -> ConnectorError {
    use drawbridge_model::ErrorKind;
    let message = e.to_string();
    match e {
        AdError::Connect { .. } | AdError::Search(_) => ConnectorError::unavailable(message, true),
        AdError::Bind(..) => ConnectorError::refused(message),
        AdError::Config(_) | AdError::Secret(_) => ConnectorError::new(ErrorKind::NotConfigured, message),
        AdError::ForeignDomain(..) => ConnectorError::invalid(message),
    }
}
