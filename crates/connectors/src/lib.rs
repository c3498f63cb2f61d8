//! Connectors: the customer's systems that playbooks ask. Each connector is a
//! folder with its config type, its query building (and escaping for its
//! query language), its client, and a `connector.rs` that registers it with
//! the [`registry`]: actions with input and output schemas, the dry-run
//! preview, the call, and the connection test.

pub mod error;
pub mod events;
pub mod fields;
pub mod http;
#[cfg(any(test, feature = "lab"))]
pub mod lab;
pub mod limits;
pub mod registry;
pub mod sighting;
pub mod tickets;
pub mod window;

pub use error::ConnectorError;
pub use limits::{ConnectorLimits, ConnectorsConfig};
pub use registry::{ActionSpec, Availability, CallTerms, Connector, ConnectorInfo, Definition, Executor, Input, Registry, RegistryError};

/// Declares each built-in connector's module and registers its `Definition`.
macro_rules! connectors {
    ($($(#[$doc:meta])* $module:ident,)+) => {
        $($(#[$doc])* pub mod $module;)+

        /// Every built-in connector, in the order they are listed.
        pub fn builtin() -> Vec<Box<dyn registry::Kind>> {
            vec![$(registry::kind::<$module::Definition>()),+]
        }
    };
}

// The built-in connectors: one line each.
connectors! {
    active_directory,
    asset_inventory,
    demo_directory,
    firewall_panos,
    intel_rdap,
    pcap_arkime,
    siem_elastic,
    siem_splunk,
    tickets_jira,
    tickets_zendesk,
}
