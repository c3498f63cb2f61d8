//! Active Directory over LDAP(S): computers (owner via `managedBy`, OS, OU,
//! last logon), users (department, title, manager, phone, account state) and
//! nested group membership. Every value from a request is escaped (RFC 4515).

mod client;
mod connector;
mod config;
pub mod filter;
mod records;

pub use client::{ActiveDirectory, AdError};
pub use config::ActiveDirectoryConfig;
pub use connector::Definition;
pub use records::{ComputerRecord, GroupMembership, PersonRef, UserRecord};

#[cfg(test)]
mod integration_tests;
