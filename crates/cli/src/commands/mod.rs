//! One module per subcommand (or family of subcommands).

pub mod audit;
pub mod connectors;
pub mod enrich;
pub mod mail;
pub mod outbox;
pub mod playbook;
pub mod report;
pub mod requests;
pub mod review;
pub mod secret;
pub mod serve;
pub mod triage;
