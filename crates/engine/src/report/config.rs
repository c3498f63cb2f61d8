//! `[report]`: templates and attachments.

use serde::{Deserialize, Serialize};
use std::path::PathBuf;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportConfig {
    /// A folder with `report.txt.j2` and/or `report.html.j2` replacing the shipped templates.
    #[serde(default)]
    pub templates_dir: Option<PathBuf>,
    /// Also attach the sightings as a STIX 2.1 bundle, in the name of this organisation.
    #[serde(default)]
    pub stix_organisation: Option<String>,
}
