//! The report for a request: `model` is the data (and the versioned schema of
//! the JSON attachment), `build` turns a playbook run into a draft,
//! `disclosure` decides what may leave, `present` turns the data into what
//! the MSSP analyst reads (in the request's `language`, with `phrases`,
//! `format`ted values, `references` and the `tlp` marking), and `render`
//! produces the text, HTML and JSON that are sent.

pub mod build;
mod config;
pub mod disclosure;
pub mod format;
pub mod language;
pub mod model;
pub mod phrases;
pub mod present;
pub mod references;
pub mod render;
pub mod stix;
pub mod tlp;
pub mod vocabulary;

pub use build::{Inputs, build, reference};
pub use config::ReportConfig;
pub use model::*;
pub use render::{RenderError, RenderOptions, Rendered, Templates, render, sanitize_for_display};
