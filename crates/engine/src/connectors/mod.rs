//! Connectors: the customer's systems that playbooks ask. Each connector is a
//! folder with its config type, its query building (and escaping for its query
//! language), its client with typed actions, and a health check.

pub mod active_directory;
pub mod asset_inventory;
pub mod firewall_panos;
pub mod http;
pub mod siem_elastic;
pub mod siem_splunk;
