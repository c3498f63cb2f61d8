//! Indicator extraction: which values in an MSSP's email are things to look up.
//!
//! `refang` undoes defanging, `domain` knows what a public or internal name is,
//! `extract` finds and classifies values. Policy (what is internal, what to
//! exclude) comes from [`IndicatorsConfig`], the `[indicators]` section.

mod config;
mod context;
mod domain;
mod extract;
mod from_message;
mod refang;

pub use config::IndicatorsConfig;
pub use domain::{SPECIAL_USE_SUFFIXES, is_under};
pub use drawbridge_model::Kind;
pub use extract::{Collector, Extraction, Extractor, Indicator, PatternError};
pub use refang::{Refanged, refang};
