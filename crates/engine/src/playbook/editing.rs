//! Playbook files as an admin edits them in the app. The files in the
//! playbooks folder stay the source of truth: the list is read from disk
//! each time, so a hand edit shows up. Problems point at the line they are
//! about; a save is refused while the text has problems, keeps the version
//! it replaces (`.history/<name>/`), and is written whole (temporary file,
//! then rename). Any earlier version can be compared and brought back.

use super::Playbook;
use super::validate::{PlaybookError, parse_with};
use crate::connectors::Registry;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// One problem, at the line (1-based) it is about.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Problem {
    pub line: usize,
    pub message: String,
}

/// A playbook file as the editor shows it.
#[derive(Debug, Clone, Serialize)]
pub struct PlaybookFile {
    /// The file name without `.yaml`: how the editor names it.
    pub name: String,
    pub text: String,
    pub problems: Vec<Problem>,
}

/// An earlier version of a playbook.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Version {
    /// Its id: when it was replaced (`20261202T081530.123Z`).
    pub id: String,
    pub bytes: u64,
}

/// One line of a comparison: `+` added, `-` removed, ` ` unchanged.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct DiffLine {
    pub tag: char,
    pub text: String,
}

#[derive(Debug, thiserror::Error)]
pub enum EditError {
    #[error("{0:?} is not a playbook name: use letters, digits, - and _")]
    BadName(String),
    #[error("the playbook has {} problem(s); the first, at line {}: {}", .0.len(), .0[0].line, .0[0].message)]
    Invalid(Vec<Problem>),
    #[error("no version {1:?} of playbook {0:?}")]
    NoVersion(String, String),
    #[error("{0}: {1}")]
    Io(String, std::io::Error),
}

fn file_of(dir: &Path, name: &str) -> Result<PathBuf, EditError> {
    let ok = !name.is_empty() && name.len() <= 64 && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok { Ok(dir.join(format!("{name}.yaml"))) } else { Err(EditError::BadName(name.into())) }
}

fn history_dir(dir: &Path, name: &str) -> PathBuf {
    dir.join(".history").join(name)
}

/// Which files the editor works on: the playbooks, or the declarative HTTP
/// connectors beside them (`connectors/`). History, comparison and rollback
/// work the same for both.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Folder {
    #[default]
    Playbooks,
    HttpConnectors,
}

impl Folder {
    /// Its directory, from the playbooks directory.
    pub fn dir(self, playbooks_dir: &Path) -> PathBuf {
        match self {
            Folder::Playbooks => playbooks_dir.to_path_buf(),
            Folder::HttpConnectors => playbooks_dir.join("connectors"),
        }
    }

    /// The problems of a text of this folder, each at its line.
    pub fn check(self, text: &str, connectors: &Registry) -> Vec<Problem> {
        match self {
            Folder::Playbooks => check(text, connectors),
            Folder::HttpConnectors => check_http_connector(text, connectors),
        }
    }

    /// Every file of this folder, as it is on disk now, with its problems.
    pub fn list(self, playbooks_dir: &Path, connectors: &Registry) -> Vec<PlaybookFile> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(self.dir(playbooks_dir))
            .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.extension().is_some_and(|x| x == "yaml")).collect())
            .unwrap_or_default();
        files.sort();
        files
            .into_iter()
            .filter_map(|path| {
                let name = path.file_stem()?.to_str()?.to_string();
                let text = std::fs::read_to_string(&path).ok()?;
                Some(PlaybookFile { problems: self.check(&text, connectors), name, text })
            })
            .collect()
    }

    /// Saves a valid text as `<name>.yaml`, keeping the version it replaces.
    pub fn save(self, playbooks_dir: &Path, name: &str, text: &str, connectors: &Registry) -> Result<(), EditError> {
        let dir = self.dir(playbooks_dir);
        let path = file_of(&dir, name)?;
        let problems = self.check(text, connectors);
        if !problems.is_empty() {
            return Err(EditError::Invalid(problems));
        }
        crate::versioned::replace(&path, &history_dir(&dir, name), "yaml", text).map_err(|(p, e)| EditError::Io(p.display().to_string(), e))
    }

    /// Brings back a kept version (the current one is kept in turn).
    pub fn rollback(self, playbooks_dir: &Path, name: &str, id: &str, connectors: &Registry) -> Result<(), EditError> {
        let text = version(&self.dir(playbooks_dir), name, id)?;
        self.save(playbooks_dir, name, &text, connectors)
    }
}

/// The problems of a declarative HTTP connector's text: its shape and
/// templates, and a name no built-in connector has.
pub fn check_http_connector(text: &str, connectors: &Registry) -> Vec<Problem> {
    use crate::connectors::http::{HttpConnector, definition::DefinitionError};
    match HttpConnector::parse(text, "connector") {
        Ok(c) => match connectors.list().iter().find(|i| i.name == c.name && i.source == "builtin") {
            Some(_) => {
                vec![Problem { line: line_of(text, &format!("name \"{}\"", c.name)), message: format!("name \"{}\" is a built-in connector's", c.name) }]
            }
            None => Vec::new(),
        },
        // A YAML error names its line; the checks' problems quote what they are about.
        Err(DefinitionError::Invalid(_, message)) if parse_error_line(&message).is_some() => vec![parse_problem(&message)],
        Err(DefinitionError::Invalid(_, message)) => message.split("; ").map(|p| Problem { line: line_of(text, p), message: p.to_string() }).collect(),
        Err(other) => vec![Problem { line: 1, message: other.to_string() }],
    }
}

/// The problems of a playbook's text, each at its line; none when it is valid.
pub fn check(text: &str, connectors: &Registry) -> Vec<Problem> {
    match parse_with(text, "playbook", connectors) {
        Ok(_) => Vec::new(),
        Err(PlaybookError::Parse(_, message)) => vec![parse_problem(&message)],
        Err(PlaybookError::Invalid { problems, .. }) => problems.into_iter().map(|p| Problem { line: line_of(text, &p), message: p }).collect(),
        Err(other) => vec![Problem { line: 1, message: other.to_string() }],
    }
}

/// A parser's error as one problem, at the line it names (else the first).
fn parse_problem(message: &str) -> Problem {
    Problem { line: parse_error_line(message).unwrap_or(1), message: first_line(message) }
}

fn first_line(message: &str) -> String {
    message.lines().next().unwrap_or(message).trim_start_matches("error: ").to_string()
}

/// `… line 6 column 5: …` → 6.
fn parse_error_line(message: &str) -> Option<usize> {
    let after = message.split("line ").nth(1)?;
    after.split(|c: char| !c.is_ascii_digit()).next()?.parse().ok()
}

/// The line a validation problem is about: within the step it names
/// (`step "b": …`), the first line holding a value it quotes; else the
/// step's `id` line; else the first line quoting that value anywhere.
fn line_of(text: &str, problem: &str) -> usize {
    let quoted: Vec<&str> = problem.split('"').skip(1).step_by(2).collect();
    let lines: Vec<&str> = text.lines().collect();
    // The value as a whole word: `nam` is not in `hostname`.
    let holds = |line: &str, value: &str| {
        let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
        !value.is_empty() && line.match_indices(value).any(|(at, _)| !word(line[..at].chars().next_back()) && !word(line[at + value.len()..].chars().next()))
    };
    if let Some(step) = problem.strip_prefix("step \"").and_then(|r| r.split('"').next()) {
        let is_id = |l: &str| {
            let t = l.trim_start().trim_start_matches("- ").trim();
            t == format!("id: {step}") || t == format!("id: \"{step}\"") || t == format!("id: '{step}'")
        };
        if let Some(start) = lines.iter().position(|l| is_id(l)) {
            let end = lines.iter().enumerate().skip(start + 1).find(|(_, l)| l.trim_start().starts_with("- id:")).map(|(i, _)| i).unwrap_or(lines.len());
            for value in quoted.iter().skip(1) {
                if let Some(i) = (start..end).find(|i| holds(lines[*i], value)) {
                    return i + 1;
                }
            }
            return start + 1;
        }
    }
    quoted.iter().find_map(|value| lines.iter().position(|l| holds(l, value))).map(|i| i + 1).unwrap_or(1)
}

/// The kept versions of a playbook, newest first.
pub fn history(dir: &Path, name: &str) -> Result<Vec<Version>, EditError> {
    file_of(dir, name)?;
    let mut versions: Vec<Version> = std::fs::read_dir(history_dir(dir, name))
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .filter_map(|e| {
                    let id = e.path().file_stem()?.to_str()?.to_string();
                    Some(Version { id, bytes: e.metadata().ok()?.len() })
                })
                .collect()
        })
        .unwrap_or_default();
    versions.sort_by(|a, b| b.id.cmp(&a.id));
    Ok(versions)
}

/// The text of a kept version.
pub fn version(dir: &Path, name: &str, id: &str) -> Result<String, EditError> {
    file_of(dir, name)?;
    if !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-') || id.contains("..") {
        return Err(EditError::NoVersion(name.into(), id.into()));
    }
    std::fs::read_to_string(history_dir(dir, name).join(format!("{id}.yaml"))).map_err(|_| EditError::NoVersion(name.into(), id.into()))
}

/// From `old` to `new`, line by line (Myers, linear in memory).
pub fn diff(old: &str, new: &str) -> Vec<DiffLine> {
    similar::TextDiff::from_lines(old, new)
        .iter_all_changes()
        .map(|c| DiffLine {
            tag: match c.tag() {
                similar::ChangeTag::Insert => '+',
                similar::ChangeTag::Delete => '-',
                similar::ChangeTag::Equal => ' ',
            },
            text: c.value().trim_end_matches('\n').to_string(),
        })
        .collect()
}

/// What the text would do for a stored request: every call with its exact,
/// escaped query, and the steps that would not run, and why. Nothing is sent.
pub fn dry_run(text: &str, request: &crate::store::RequestDetail, connectors: &Registry) -> Result<super::Plan, String> {
    let playbook = parse_with(text, "playbook", connectors).map_err(|e| e.to_string())?;
    super::plan::plan_with(&playbook, &super::context_of(request), connectors)
}

/// From a kept version to the file as it is now.
pub fn diff_to_current(dir: &Path, name: &str, id: &str) -> Result<Vec<DiffLine>, EditError> {
    let old = version(dir, name, id)?;
    let path = file_of(dir, name)?;
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    Ok(diff(&old, &current))
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "name: hosts\ntrigger: { request_types: [enrichment] }\nsteps:\n  - id: asset\n    action: asset.lookup\n    for_each: { kinds: [hostname] }\n    input: { name: \"{{ item.value }}\" }\n";

    #[test]
    fn problems_point_at_their_line() {
        let registry = Registry::unconfigured();
        assert!(check(GOOD, &registry).is_empty());
        let bad = "name: x\ntrigger: { request_types: [enrichment] }\nsteps:\n  - id: a\n    action: nope.nope\n    input: {}\n  - id: b\n    action: asset.lookup\n    for_each: { kinds: [hostname] }\n    input: { nam: \"{{ item.value }}\" }\n";
        let problems = check(bad, &registry);
        assert!(problems.iter().any(|p| p.line == 5 && p.message.contains("nope.nope")), "{problems:?}");
        assert!(problems.iter().any(|p| p.line == 10 && p.message.contains("\"nam\"")), "{problems:?}");
        assert!(problems.iter().any(|p| p.line == 7 && p.message.contains("needs input \"name\"")), "a missing input points at its step: {problems:?}");
        let broken = check("name: x\nsteps:\n  - id: a\n   bad: [\n", &registry);
        assert_eq!(broken.len(), 1);
        assert!(broken[0].line >= 3, "{broken:?}");
    }

    #[test]
    fn the_form_reads_and_writes_a_playbook() {
        let playbook = model(GOOD).expect("a playbook's shape");
        assert_eq!(playbook.steps[0].action, "asset.lookup");
        // An unknown action still opens in the form: only the shape is read here.
        assert!(model(&GOOD.replace("asset.lookup", "nope.nope")).is_ok());
        let problem = model("name: x\ntrigger: { request_types: [enrichment] }\nsteps:\n  - id: a\n    acton: asset.lookup\n").expect_err("unknown field");
        assert!(problem.message.contains("acton"), "{problem:?}");
        let written = text(&playbook).expect("yaml");
        assert!(!written.contains("retries") && !written.contains("on_error") && !written.contains("when"), "defaults are left out:\n{written}");
        assert_eq!(model(&written).expect("reads back"), playbook, "{written}");
        assert!(check(&written, &Registry::unconfigured()).is_empty(), "{written}");
        let form = form(&Registry::unconfigured());
        assert!(form.request_types.iter().any(|t| t == "default"));
        assert!(form.actions.iter().any(|a| a.name == "asset.lookup" && a.inputs == ["name"]));
        assert!(form.schema["$defs"]["Step"]["properties"]["input"].is_object());
        // The defaults the schema states (the form's placeholders) are serde's.
        let step: super::super::definition::Step = serde_saphyr::from_str("id: a\naction: asset.lookup\n").expect("a bare step");
        let props = &form.schema["$defs"]["Step"]["properties"];
        assert_eq!(
            (props["timeout_seconds"]["default"].as_u64(), props["retries"]["default"].as_u64()),
            (Some(step.timeout_seconds), Some(u64::from(step.retries)))
        );
        assert_eq!(props["on_error"]["default"], serde_json::to_value(step.on_error).expect("json"));
    }

    #[test]
    fn http_connector_files_are_checked_saved_and_rolled_back_like_playbooks() {
        let registry = Registry::unconfigured();
        let dir = tempfile::tempdir().expect("tempdir");
        let shipped = include_str!("../../../../playbooks/connectors/snipeit.yaml");
        let folder = Folder::HttpConnectors;
        assert!(folder.check(shipped, &registry).is_empty(), "{:?}", folder.check(shipped, &registry));
        let clash = shipped.replacen("name: snipeit", "name: firewall", 1);
        let problems = folder.check(&clash, &registry);
        assert!(
            problems.iter().any(|p| p.message.contains("built-in") && clash.lines().nth(p.line - 1).is_some_and(|l| l.contains("firewall"))),
            "{problems:?}"
        );
        let broken = folder.check("name: x\nactions: [\n", &registry);
        assert_eq!(broken.len(), 1, "{broken:?}");
        assert!(matches!(folder.save(dir.path(), "snipeit", &clash, &registry), Err(EditError::Invalid(_))));
        folder.save(dir.path(), "snipeit", shipped, &registry).expect("save");
        let renamed = shipped.replacen("name: snipeit", "name: snipeit2", 1);
        folder.save(dir.path(), "snipeit", &renamed, &registry).expect("save again");
        let listed = folder.list(dir.path(), &registry);
        assert_eq!((listed.len(), listed[0].name.as_str(), listed[0].problems.len()), (1, "snipeit", 0));
        assert!(dir.path().join("connectors/snipeit.yaml").exists(), "in the connectors folder");
        let kept = history(&folder.dir(dir.path()), "snipeit").expect("history");
        folder.rollback(dir.path(), "snipeit", &kept[0].id, &registry).expect("rollback");
        assert_eq!(std::fs::read_to_string(dir.path().join("connectors/snipeit.yaml")).expect("read"), shipped);
    }

    #[test]
    fn saves_keep_history_refuse_problems_and_roll_back() {
        let registry = Registry::unconfigured();
        let dir = tempfile::tempdir().expect("tempdir");
        assert!(matches!(Folder::Playbooks.save(dir.path(), "../escape", GOOD, &registry), Err(EditError::BadName(_))));
        assert!(matches!(Folder::Playbooks.save(dir.path(), "hosts", "name: x\nsteps: [", &registry), Err(EditError::Invalid(_))));
        Folder::Playbooks.save(dir.path(), "hosts", GOOD, &registry).expect("first save");
        assert!(history(dir.path(), "hosts").expect("history").is_empty(), "nothing replaced yet");
        let changed = GOOD.replace("name: hosts", "name: hosts-v2");
        Folder::Playbooks.save(dir.path(), "hosts", &changed, &registry).expect("second save");
        let versions = history(dir.path(), "hosts").expect("history");
        assert_eq!(versions.len(), 1);
        let lines = diff(&version(dir.path(), "hosts", &versions[0].id).expect("old"), &changed);
        assert!(lines.contains(&DiffLine { tag: '-', text: "name: hosts".into() }) && lines.contains(&DiffLine { tag: '+', text: "name: hosts-v2".into() }));
        Folder::Playbooks.rollback(dir.path(), "hosts", &versions[0].id, &registry).expect("rollback");
        assert_eq!(std::fs::read_to_string(dir.path().join("hosts.yaml")).expect("file"), GOOD);
        assert_eq!(history(dir.path(), "hosts").expect("history").len(), 2, "the rolled-back version is kept too");
        // A hand edit on disk is what the list shows.
        std::fs::write(dir.path().join("hosts.yaml"), changed.as_bytes()).expect("hand edit");
        assert_eq!(Folder::Playbooks.list(dir.path(), &registry)[0].text, changed);
        assert!(matches!(version(dir.path(), "hosts", "../../etc/passwd"), Err(EditError::NoVersion(..))));
    }
}

/// What the form editor is generated from: the playbook's JSON Schema, every
/// action the connectors offer with its input schema, and the request types
/// a trigger may name.
#[derive(Debug, Clone, Serialize)]
pub struct Form {
    pub schema: serde_json::Value,
    pub actions: Vec<crate::connectors::ActionSpec>,
    pub request_types: Vec<String>,
}

/// The form editor's catalogue for these connectors.
pub fn form(connectors: &Registry) -> Form {
    let mut actions = connectors.catalogue();
    actions.sort_by(|a, b| a.name.cmp(&b.name));
    Form { schema: super::schema(), actions, request_types: super::validate::REQUEST_TYPES.iter().map(|t| t.to_string()).collect() }
}

/// The playbook a text describes, for the form: its shape only, so a step
/// naming an unknown action still opens in the form (its problem is shown
/// beside it). A text that is not a playbook's shape is one problem.
pub fn model(text: &str) -> Result<Playbook, Problem> {
    serde_saphyr::from_str::<Playbook>(text).map_err(|e| parse_problem(&e.to_string()))
}

/// The text the form writes: the playbook as YAML, defaults left out.
/// Comments in the file it replaces are not kept.
pub fn text(playbook: &Playbook) -> Result<String, EditError> {
    serde_saphyr::to_string(playbook).map_err(|e| EditError::Io("playbook".into(), std::io::Error::other(e.to_string())))
}
