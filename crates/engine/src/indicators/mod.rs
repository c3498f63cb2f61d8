//! Indicator extraction: which values in an MSSP's email are things to look up.
//!
//! `refang` undoes defanging, `domain` knows what a public or internal name is,
//! `extract` finds and classifies values. Policy (what is internal, what to
//! exclude) comes from [`crate::config::IndicatorsConfig`].

mod domain;
mod extract;
mod from_message;
mod kind;
mod refang;

pub use domain::is_under;
pub use extract::{Collector, Extractor, Indicator, PatternError};
pub use kind::Kind;
pub use refang::{Refanged, refang};
