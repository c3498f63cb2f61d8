//! Intake: how messages arrive (IMAP mailbox, drop folder, files) and how their
//! bytes become a [`mime::ParsedMessage`]. Intake never decides whether a
//! sender is trusted; see [`crate::sender`].

pub mod drop_folder;
pub mod imap;
pub mod mime;
pub mod tls;
