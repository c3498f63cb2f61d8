//! Drawbridge's shared records: indicators, parsed messages, verdicts,
//! classifications, playbook runs, review states and the kinds of failure.
//! Plain data with no I/O; every other crate builds on these.

pub mod classification;
pub mod data_class;
pub mod digest;
pub mod error;
mod kind;
pub mod message;
pub mod overrides;
pub mod review;
pub mod run;
pub mod sender;
pub mod status;

pub use classification::{Classification, Method};
pub use data_class::DataClass;
pub use error::{ErrorKind, Failure};
pub use kind::{Indicator, Kind};
pub use message::ParsedMessage;
pub use overrides::{Override, Overrides};
pub use review::ReviewState;
pub use run::{PlaybookRun, StepResult};
pub use sender::SenderVerdict;
pub use status::{RequestStatus, RunStatus, StepStatus};
