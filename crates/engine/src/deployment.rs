//! What a running engine loads once from its configuration: the connector
//! registry (built-in connectors and the HTTP connector files in
//! `<playbooks_dir>/connectors/`), the playbooks and the report templates,
//! the last two reloaded when their files change. The CLI, `drawbridge
//! serve` and the app each hold one.

use crate::config::Config;
use crate::connectors::http::HttpConnector;
use crate::connectors::{Registry, RegistryError};
use crate::playbook::{Playbook, PlaybookError};
use crate::reload::Reloading;
use crate::report::{RenderError, Templates};
use std::sync::Arc;

#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error("HTTP connectors: {0}")]
    HttpConnectors(#[from] crate::connectors::http::definition::DefinitionError),
    #[error(transparent)]
    Connectors(#[from] RegistryError),
    #[error("{0}")]
    Demo(String),
    #[error("{0}")]
    Intel(String),
}

pub struct Deployment {
    pub config: Config,
    pub connectors: Arc<Registry>,
    /// What may never reach an outside service.
    pub privacy: crate::intel::Guard,
    playbooks: Reloading<Vec<Playbook>, PlaybookError>,
    templates: Reloading<Templates, RenderError>,
}

impl Deployment {
    pub fn new(mut config: Config) -> Result<Deployment, SetupError> {
        crate::secrets::use_default_file(crate::paths::data_dir().join("secrets"));
        if let Some(demo) = &config.demo {
            crate::demo::apply(demo, &mut config.connectors).map_err(SetupError::Demo)?;
        }
        let problems = config.intel.check();
        if !problems.is_empty() {
            return Err(SetupError::Intel(problems.join("; ")));
        }
        let privacy = crate::intel::Guard::new(&config.indicators, &config.intel.internal_networks).map_err(SetupError::Intel)?;
        let dir = config.playbooks_dir();
        let http = HttpConnector::load_dir(&dir.join("connectors"))?;
        let connectors = Arc::new(Registry::build(&config.connectors, &http)?);
        let registry = connectors.clone();
        let playbooks_dir = dir.clone();
        let playbooks = Reloading::new(vec![dir], move || crate::playbook::load_dir(&playbooks_dir, &registry));
        let templates_dir = config.report.templates_dir.clone();
        let templates = Reloading::new(templates_dir.iter().cloned().collect(), move || Templates::load(templates_dir.as_deref()));
        Ok(Deployment { config, connectors, privacy, playbooks, templates })
    }

    /// The playbooks as the files are now.
    pub fn playbooks(&self) -> Result<Arc<Vec<Playbook>>, PlaybookError> {
        self.playbooks.get()
    }

    /// The report templates as the files are now.
    pub fn templates(&self) -> Result<Arc<Templates>, RenderError> {
        self.templates.get()
    }
}

/// The deployment in use, replaced whole when its settings change (the
/// app's Connectors screen saves them); each worker pass takes the one that
/// is current then, so a change applies without a restart.
pub struct Current(std::sync::RwLock<Arc<Deployment>>);

impl Current {
    pub fn new(deployment: Arc<Deployment>) -> Arc<Current> {
        Arc::new(Current(std::sync::RwLock::new(deployment)))
    }

    pub fn get(&self) -> Arc<Deployment> {
        self.0.read().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
    }

    pub fn replace(&self, deployment: Deployment) {
        *self.0.write().unwrap_or_else(|poisoned| poisoned.into_inner()) = Arc::new(deployment);
    }
}
