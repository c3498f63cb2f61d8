//! Where things are on disk by default: the platform's config and data
//! folders (XDG on Linux), and the shipped `models/` and `playbooks/`.

use std::path::PathBuf;

fn project_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("net", "Drawbridge", "drawbridge")
}

pub fn default_config_path() -> Option<PathBuf> {
    project_dirs().map(|d| d.config_dir().join("drawbridge.toml"))
}

pub fn data_dir() -> PathBuf {
    project_dirs().map(|d| d.data_dir().to_path_buf()).unwrap_or_else(|| PathBuf::from(".drawbridge"))
}

/// The repository's `models/` folder: beside the working directory when run
/// from a checkout, else where this crate was built from.
pub fn shipped_models_dir() -> PathBuf {
    let here = PathBuf::from("models");
    if here.join("keywords.yaml").exists() {
        return here;
    }
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../models"))
}

/// Where retrained models are kept, with `current` naming the promoted one.
pub fn local_models_dir() -> PathBuf {
    data_dir().join("models")
}

/// Where `drawbridge connectors rdap-bootstrap update` keeps IANA's RDAP
/// bootstrap files, which replace the shipped ones.
pub fn rdap_bootstrap_dir() -> PathBuf {
    data_dir().join("rdap-bootstrap")
}

/// The shipped `playbooks/`: beside the working directory when run from a
/// checkout, else where this crate was built from.
pub fn shipped_playbooks_dir() -> PathBuf {
    let here = PathBuf::from("playbooks");
    if here.join("enrichment.yaml").exists() { here } else { PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../playbooks")) }
}
