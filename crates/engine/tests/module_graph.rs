//! The engine's modules only point down. Crates already enforce the order
//! between model, net, store, connectors and the engine (a cycle there does
//! not build); inside the engine this test does: every `crate::<module>`
//! reference must go to a module of a lower layer, or of the same layer
//! without forming a cycle, and every module must have a layer. The layers
//! are drawn in `docs/architecture.md`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Bottom first.
const LAYERS: &[&[&str]] = &[
    // Helpers with no knowledge of requests.
    &["paths", "reload", "identity", "limits", "versioned"],
    // Protocol and policy: each owns its config section, none reads `Config`.
    &["indicators", "sender", "intake", "classify", "assign", "intel", "playbook", "report", "outbound", "demo", "insights"],
    // Gathers the sections.
    &["config"],
    // Wiring over `Config`.
    &["ingest", "deployment", "escalate", "enrich", "review", "sources", "serve", "settings"],
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

/// Top-level module → the top-level modules its files name as `crate::x`.
fn references(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read src") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let rel = path.strip_prefix(src).expect("under src");
            let first = rel.components().next().and_then(|c| c.as_os_str().to_str()).unwrap_or_default();
            let module = first.trim_end_matches(".rs").to_string();
            if module == "lib" {
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("read file");
            let targets = out.entry(module.clone()).or_default();
            for line in text.lines().filter(|l| !l.trim_start().starts_with("//")) {
                let mut rest = line;
                while let Some(i) = rest.find("crate::") {
                    let after = &rest[i + "crate::".len()..];
                    let name: String = after.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
                    if !name.is_empty() && name != module {
                        targets.insert(name);
                    }
                    rest = after;
                }
            }
        }
    }
    out
}

/// Re-exported crates (`crate::store`, `crate::model`…) sit below every module.
const CRATES: &[&str] = &["connectors", "model", "digest", "secrets", "store"];

#[test]
fn engine_modules_only_point_down() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let graph = references(&src);
    let mut problems = Vec::new();
    for (module, targets) in &graph {
        let Some(from) = layer_of(module) else {
            problems.push(format!("module {module} has no layer: add it to LAYERS here and to docs/architecture.md"));
            continue;
        };
        for t in targets.iter().filter(|t| !CRATES.contains(&t.as_str())) {
            match layer_of(t) {
                None => problems.push(format!("{module} refers to crate::{t}, which has no layer")),
                Some(to) if to > from => problems.push(format!("{module} (layer {from}) refers up to {t} (layer {to})")),
                _ => {}
            }
        }
    }
    // No cycle among the modules (within a layer, references go sideways).
    fn visit<'a>(m: &'a str, graph: &'a BTreeMap<String, BTreeSet<String>>, state: &mut BTreeMap<&'a str, u8>, path: &mut Vec<&'a str>) -> Option<Vec<String>> {
        match state.get(m) {
            Some(1) => {
                let start = path.iter().position(|x| *x == m).unwrap_or(0);
                return Some(path[start..].iter().map(|s| s.to_string()).chain([m.to_string()]).collect());
            }
            Some(2) => return None,
            _ => {}
        }
        state.insert(m, 1);
        path.push(m);
        for t in graph.get(m).into_iter().flatten() {
            if let Some(c) = visit(t, graph, state, path) {
                return Some(c);
            }
        }
        path.pop();
        state.insert(m, 2);
        None
    }
    let mut state = BTreeMap::new();
    for m in graph.keys() {
        if let Some(cycle) = visit(m, &graph, &mut state, &mut Vec::new()) {
            problems.push(format!("modules refer to each other in a cycle: {}", cycle.join(" -> ")));
            break;
        }
    }
    assert!(problems.is_empty(), "the engine's module graph:\n  {}", problems.join("\n  "));
}

#[test]
fn the_check_sees_references() {
    // The test above would pass vacuously if it found no references.
    let graph = references(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
    assert!(graph.get("serve").is_some_and(|t| t.contains("deployment") && t.contains("sources")), "{graph:?}");
    assert!(graph.get("review").is_some_and(|t| t.contains("config")), "{graph:?}");
}
