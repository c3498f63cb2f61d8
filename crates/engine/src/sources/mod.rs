//! Where requests come from: the watchers that turn arrivals into ingested
//! requests. Each keeps running through bad input and server outages.

pub mod drop_folder;
pub mod imap;
