//! Checks a playbook before it can run: known actions with their inputs,
//! templates that compile, `needs` that exist and form no cycle, report ids.

use super::definition::Playbook;
use crate::connectors::Registry;
use crate::connectors::http::HttpConnector;
use drawbridge_net::template as render;
use std::collections::{HashMap, HashSet};
use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum PlaybookError {
    #[error("cannot read playbook {0}: {1}")]
    Read(String, std::io::Error),
    #[error("playbook {0} is not valid YAML for a playbook: {1}")]
    Parse(String, String),
    #[error("playbook {file} is invalid:\n  - {}", problems.join("\n  - "))]
    Invalid { file: String, problems: Vec<String> },
    #[error("{0}")]
    Connector(String),
}

pub const REQUEST_TYPES: &[&str] = &["enrichment", "phishing", "device_lost", "containment", "informational", "default"];

/// Reads and validates one playbook file against the built-in connectors
/// and the HTTP connectors defined beside it (`connectors/` in the same folder).
pub fn load(path: &Path) -> Result<Playbook, PlaybookError> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| PlaybookError::Read(name.clone(), e))?;
    let registry = registry_for(path.parent().unwrap_or(Path::new(".")))?;
    parse_with(&text, &name, &registry)
}

/// The connectors a playbook folder may use when no deployment is given:
/// the built-in ones and the HTTP connectors in its `connectors/`.
pub fn registry_for(dir: &Path) -> Result<Registry, PlaybookError> {
    Registry::build(&Default::default(), &http_connectors(dir)?).map_err(|e| PlaybookError::Connector(e.to_string()))
}

/// The HTTP connectors defined for the playbooks in `dir`.
pub fn http_connectors(dir: &Path) -> Result<Vec<HttpConnector>, PlaybookError> {
    HttpConnector::load_dir(&dir.join("connectors")).map_err(|e| PlaybookError::Connector(e.to_string()))
}

/// Parses and validates a playbook that may use only built-in actions.
pub fn parse(text: &str, name: &str) -> Result<Playbook, PlaybookError> {
    parse_with(text, name, &Registry::unconfigured())
}

/// Parses and validates a playbook against these connectors' actions.
pub fn parse_with(text: &str, name: &str, connectors: &Registry) -> Result<Playbook, PlaybookError> {
    let playbook: Playbook = serde_saphyr::from_str(text).map_err(|e| PlaybookError::Parse(name.into(), e.to_string()))?;
    let problems = problems_with(&playbook, connectors);
    if problems.is_empty() { Ok(playbook) } else { Err(PlaybookError::Invalid { file: name.into(), problems }) }
}

/// Every playbook (`*.yaml`) in a folder, validated against these
/// connectors' actions; errors name their file.
pub fn load_dir(dir: &Path, connectors: &Registry) -> Result<Vec<Playbook>, PlaybookError> {
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| PlaybookError::Read(dir.display().to_string(), e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| {
            let name = p.display().to_string();
            let text = std::fs::read_to_string(p).map_err(|e| PlaybookError::Read(name.clone(), e))?;
            parse_with(&text, &name, connectors)
        })
        .collect()
}

pub fn problems(p: &Playbook) -> Vec<String> {
    problems_with(p, &Registry::unconfigured())
}

pub fn problems_with(p: &Playbook, connectors: &Registry) -> Vec<String> {
    let mut out = Vec::new();
    if p.name.trim().is_empty() {
        out.push("name is empty".into());
    }
    if p.trigger.request_types.is_empty() {
        out.push("trigger.request_types is empty: the playbook would never run".into());
    }
    for t in &p.trigger.request_types {
        if !REQUEST_TYPES.contains(&t.as_str()) {
            out.push(format!("trigger.request_types: {t:?} is not a request type ({})", REQUEST_TYPES.join(", ")));
        }
    }
    let env = render::environment();
    let mut ids = HashSet::new();
    for s in &p.steps {
        if !ids.insert(s.id.as_str()) {
            out.push(format!("step {:?} is defined twice", s.id));
        }
        match connectors.action(&s.action) {
            None => out.push(format!(
                "step {:?}: unknown action {:?} (known: {})",
                s.id,
                s.action,
                connectors.catalogue().iter().map(|a| a.name.as_str()).collect::<Vec<_>>().join(", ")
            )),
            Some(spec) => {
                for required in &spec.inputs {
                    if !s.input.contains_key(required) {
                        out.push(format!("step {:?}: action {} needs input {:?}", s.id, s.action, required));
                    }
                }
                for given in s.input.keys() {
                    if !spec.inputs.contains(given) {
                        out.push(format!("step {:?}: action {} has no input {:?}", s.id, s.action, given));
                    }
                }
            }
        }
        for (k, template) in &s.input {
            if let Err(e) = env.template_from_str(template) {
                out.push(format!("step {:?}: input {k:?} is not a valid template: {e}", s.id));
            }
        }
        if let Some(cond) = &s.when
            && let Err(e) = env.compile_expression(cond)
        {
            out.push(format!("step {:?}: `when` is not a valid expression: {e}", s.id));
        }
        if s.timeout_seconds == 0 {
            out.push(format!("step {:?}: timeout_seconds must be at least 1", s.id));
        }
    }
    out.extend(trial_render(p));
    for s in &p.steps {
        for r in super::definition::referenced_steps(s) {
            if !s.needs.contains(&r) {
                out.push(format!("step {:?} reads steps.{r} but does not list {r:?} in `needs`", s.id));
            }
        }
        for n in &s.needs {
            if !ids.contains(n.as_str()) {
                out.push(format!("step {:?} needs {n:?}, which is not a step of this playbook", s.id));
            }
        }
    }
    if let Some(cycle) = find_cycle(p) {
        out.push(format!("steps depend on each other in a cycle: {}", cycle.join(" -> ")));
    }
    for r in &p.report {
        if !ids.contains(r.as_str()) {
            out.push(format!("report names {r:?}, which is not a step"));
        }
    }
    out
}

/// A label for every classifier the playbook names (`request.labels.<name>`):
/// which classifiers run is the deployment's choice, not the playbook's.
fn sample_labels(p: &Playbook) -> std::collections::BTreeMap<String, String> {
    let mut labels = std::collections::BTreeMap::from([("request_type".to_string(), "enrichment".to_string())]);
    for s in &p.steps {
        for text in s.input.values().map(String::as_str).chain(s.when.as_deref()) {
            for (i, _) in text.match_indices("request.labels.") {
                let name: String = text[i + "request.labels.".len()..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
                if !name.is_empty() {
                    labels.entry(name).or_insert_with(|| "sample".into());
                }
            }
        }
    }
    labels
}

/// Renders every input and condition against a sample request, once per
/// indicator kind a step iterates over: catches unknown names and methods
/// that compile but cannot run.
fn trial_render(p: &Playbook) -> Vec<String> {
    use crate::indicators::{Indicator, Kind};
    let env = render::environment();
    let sample = |kind: Kind| Indicator { kind, value: "sample".into(), defanged: false, occurrences: 1, source: "body".into() };
    let request = super::plan::RequestContext {
        id: Some(1),
        subject: "sample".into(),
        sender: "analyst@mssp.example.net".into(),
        request_type: p.trigger.request_types.first().cloned().unwrap_or_default(),
        labels: sample_labels(p),
        indicators: Kind::ALL.iter().map(|k| sample(*k)).collect(),
        window: super::window::window("", chrono::Utc::now()),
    };
    let mut out = Vec::new();
    // Steps that read other steps' outputs are only compiled: their inputs
    // depend on what those steps find.
    for s in p.steps.iter().filter(|s| !super::definition::uses_step_outputs(s)) {
        let items: Vec<Option<Indicator>> = match &s.for_each {
            Some(fe) => fe.kinds.iter().map(|k| Some(sample(*k))).collect(),
            None => vec![None],
        };
        for item in items {
            let ctx = serde_json::json!({ "request": &request, "item": item, "steps": {} });
            if let Some(cond) = &s.when
                && let Err(e) = render::condition(&env, cond, &ctx)
            {
                out.push(format!("step {:?}: `when` fails: {e}", s.id));
            }
            for (k, t) in &s.input {
                if let Err(e) = render::render(&env, t, &ctx) {
                    out.push(format!("step {:?}: input {k:?} fails: {e}", s.id));
                }
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

fn find_cycle(p: &Playbook) -> Option<Vec<String>> {
    let needs: HashMap<&str, Vec<&str>> = p.steps.iter().map(|s| (s.id.as_str(), s.needs.iter().map(String::as_str).collect())).collect();
    // 0 unvisited, 1 on the stack, 2 done
    let mut state: HashMap<&str, u8> = HashMap::new();
    fn visit<'a>(n: &'a str, needs: &HashMap<&'a str, Vec<&'a str>>, state: &mut HashMap<&'a str, u8>, path: &mut Vec<&'a str>) -> Option<Vec<String>> {
        match state.get(n) {
            Some(1) => {
                let start = path.iter().position(|x| *x == n).unwrap_or(0);
                let mut cycle: Vec<String> = path[start..].iter().map(|s| s.to_string()).collect();
                cycle.push(n.to_string());
                return Some(cycle);
            }
            Some(2) => return None,
            _ => {}
        }
        state.insert(n, 1);
        path.push(n);
        for m in needs.get(n).into_iter().flatten() {
            if needs.contains_key(m)
                && let Some(c) = visit(m, needs, state, path)
            {
                return Some(c);
            }
        }
        path.pop();
        state.insert(n, 2);
        None
    }
    for s in &p.steps {
        if let Some(c) = visit(&s.id, &needs, &mut state, &mut Vec::new()) {
            return Some(c);
        }
    }
    None
}
