//! The demo directory: the lab's fictional company (the same people and
//! machines the lab's Samba AD DC, SIEM events and inventory hold) answered
//! in-process, so the embedded demo shows directory findings with no server.
//! It offers `demo_directory.computer`, `.user` and `.groups` with the same
//! typed records as Active Directory, and the `active_directory.*` actions
//! fall back to it where no real directory is set up. Never for production:
//! it knows only the demo company.

use crate::active_directory::{ComputerRecord, GroupMembership, PersonRef, UserRecord};
use crate::error::ConnectorError;
use crate::registry::{ActionSpec, Connector, Input, output};
use crate::window::get;
use drawbridge_lab::{BASE_DN, Company, DEPARTMENTS, LAB_NOW, User};
use futures::future::BoxFuture;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::sync::Arc;

/// `[connectors.demo_directory]`.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DemoDirectoryConfig {
    /// The demo company's seed (the lab's default is 7).
    #[serde(default = "default_seed")]
    pub seed: u64,
}

fn default_seed() -> u64 {
    7
}

pub struct Definition;

impl crate::registry::Definition for Definition {
    const NAME: &'static str = "demo_directory";
    const TITLE: &'static str = "Demo directory (the lab company, in-process)";
    type Config = DemoDirectoryConfig;

    fn actions() -> Vec<ActionSpec> {
        let identifier = [("identifier", "sAMAccountName, UPN, mail or DOMAIN\\user")];
        vec![
            ActionSpec::new::<ComputerRecord>("demo_directory.computer", Self::NAME, "As active_directory.computer, over the demo company.", &[("name", "the computer's name")]),
            ActionSpec::new::<UserRecord>("demo_directory.user", Self::NAME, "As active_directory.user, over the demo company.", &identifier),
            ActionSpec::new::<GroupMembership>("demo_directory.groups", Self::NAME, "As active_directory.groups, over the demo company.", &identifier),
        ]
    }

    fn example() -> DemoDirectoryConfig {
        DemoDirectoryConfig { seed: default_seed() }
    }

    fn build(config: DemoDirectoryConfig) -> Result<Arc<dyn Connector>, String> {
        Ok(Arc::new(DemoDirectory { company: drawbridge_lab::company(config.seed) }))
    }
}

struct DemoDirectory {
    company: Company,
}

fn time(unix: i64) -> Option<String> {
    chrono::DateTime::from_timestamp(unix, 0).map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
}

impl DemoDirectory {
    fn user(&self, identifier: &str) -> Option<&User> {
        let id = identifier.trim().to_lowercase();
        let id = id.rsplit_once('\\').map(|(_, u)| u.to_string()).unwrap_or(id);
        let id = id.split_once('@').map(|(u, _)| u.to_string()).unwrap_or(id);
        self.company.users.iter().find(|u| u.sam.to_lowercase() == id)
    }

    fn person(&self, sam: &str) -> Option<PersonRef> {
        let u = self.user(sam)?;
        Some(PersonRef {
            dn: self.company.user_dn(&u.sam).unwrap_or_default(),
            name: Some(format!("{} {}", u.given, u.surname)),
            account: Some(u.sam.clone()),
            mail: Some(format!("{}@corp.example", u.sam)),
            department: Some(DEPARTMENTS[u.department].name.to_string()),
            title: Some(u.title.clone()),
        })
    }

    fn computer(&self, name: &str) -> Option<ComputerRecord> {
        let short = name.trim().split('.').next().unwrap_or("").to_lowercase();
        let c = self.company.computers.iter().find(|c| c.name.to_lowercase() == short)?;
        let department = c.department.map(|d| DEPARTMENTS[d].name).unwrap_or("Servers");
        Some(ComputerRecord {
            dn: format!("CN={},OU={department},OU=Computers,OU=Corp,{BASE_DN}", c.name),
            name: c.name.clone(),
            dns_host_name: Some(c.fqdn()),
            description: Some(c.description.clone()),
            operating_system: Some(c.os.to_string()),
            operating_system_version: Some(c.os_version().to_string()),
            ou: format!("Corp/Computers/{department}"),
            managed_by: c.managed_by.as_deref().and_then(|m| self.person(m)),
            last_logon: time(c.last_logon),
            enabled: true,
        })
    }

    fn groups(u: &User) -> Vec<String> {
        vec!["Domain Users".into(), format!("GG-{}", DEPARTMENTS[u.department].name)]
    }

    fn user_record(&self, identifier: &str) -> Option<UserRecord> {
        let u = self.user(identifier)?;
        Some(UserRecord {
            dn: self.company.user_dn(&u.sam).unwrap_or_default(),
            account: u.sam.clone(),
            upn: Some(format!("{}@corp.example", u.sam)),
            mail: Some(format!("{}@corp.example", u.sam)),
            name: Some(format!("{} {}", u.given, u.surname)),
            department: Some(DEPARTMENTS[u.department].name.to_string()),
            title: Some(u.title.clone()),
            phone: Some(u.phone.clone()),
            description: Some(u.description()),
            manager: u.manager.as_deref().and_then(|m| self.person(m)),
            enabled: u.enabled,
            locked: false,
            expired: u.expires.is_some_and(|e| e < LAB_NOW),
            last_logon: time(u.last_logon),
            account_expires: u.expires.and_then(time),
            password_last_set: time(u.last_logon - 40 * 86_400),
            lockout_time: None,
            ou: format!("Corp/Users/{}", DEPARTMENTS[u.department].name),
            groups: Self::groups(u),
            managed_computers: self.company.computers.iter().filter(|c| c.managed_by.as_deref() == Some(u.sam.as_str())).map(|c| c.name.clone()).collect(),
        })
    }
}

impl Connector for DemoDirectory {
    fn preview(&self, action: &str, input: &Input) -> Result<String, ConnectorError> {
        Ok(format!("demo directory: {action} {:?}", input.values().next().map(String::as_str).unwrap_or("")))
    }

    fn call<'a>(&'a self, action: &'a str, input: &'a Input) -> BoxFuture<'a, Result<Option<Value>, ConnectorError>> {
        Box::pin(async move {
            match action {
                "demo_directory.computer" => output(self.computer(get(input, "name"))),
                "demo_directory.user" => output(self.user_record(get(input, "identifier"))),
                "demo_directory.groups" => {
                    output(self.user(get(input, "identifier")).map(|u| GroupMembership { user: u.sam.clone(), groups: Self::groups(u) }))
                }
                other => Err(ConnectorError::new(drawbridge_model::ErrorKind::NotFound, format!("the demo directory has no action {other}"))),
            }
        })
    }

    fn test_connection(&self) -> BoxFuture<'_, Result<String, ConnectorError>> {
        Box::pin(async move { Ok(format!("the demo company: {} users, {} computers", self.company.users.len(), self.company.computers.len())) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::Definition as _;

    #[tokio::test]
    async fn the_demo_company_answers_like_a_directory() {
        let dir = Definition::build(Definition::example()).expect("build");
        let input = |k: &str, v: &str| Input::from([(k.to_string(), v.to_string())]);
        let computer = dir.call("demo_directory.computer", &input("name", "WKS-FIN-042")).await.expect("call").expect("known");
        assert_eq!(computer["managed_by"]["account"], "j.doe");
        let user = dir.call("demo_directory.user", &input("identifier", "CORP\\j.doe")).await.expect("call").expect("known");
        assert_eq!(user["manager"]["account"], "m.schmidt");
        assert!(user["managed_computers"].as_array().is_some_and(|c| c.iter().any(|n| n == "WKS-FIN-042")));
        assert!(dir.call("demo_directory.computer", &input("name", "WKS-NOPE-1")).await.expect("call").is_none());
    }
}
