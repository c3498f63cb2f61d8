//! What each output field of an action is: its data class (for the
//! disclosure policy) and a label for people. Built-in connectors declare
//! them on their output types (`#[schemars(extend("x-class" = …, "x-label" =
//! …))]`), so the declaration sits beside the field it describes; HTTP
//! connectors declare them in their definition file, and a deployment may add
//! its own (`[connectors.field_classes.<connector>]`) for columns only it has.
//! A field nobody declared is [`DataClass::Unclassified`] and withheld.

use drawbridge_model::DataClass;
use serde::Serialize;
use serde_json::Value;

/// One declared output field.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FieldSpec {
    /// The field's path in the action's output, without list indices
    /// (`managed_by.name`, `hosts`, `sources.hits`). A declaration covers the
    /// fields beneath it (`actions` covers `actions.allow`).
    pub path: String,
    pub class: DataClass,
    /// For people: "Owner", "Last logon".
    pub label: String,
}

impl FieldSpec {
    pub fn new(path: &str, class: DataClass, label: &str) -> FieldSpec {
        FieldSpec { path: path.into(), class, label: label.into() }
    }
}

/// A flattened output label (`hosts[0]`, `sources[1].hits`) as a path
/// (`hosts`, `sources.hits`).
pub fn path_of(label: &str) -> String {
    let mut path = String::with_capacity(label.len());
    let mut depth = 0usize;
    for c in label.chars() {
        match c {
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            c if depth == 0 => path.push(c),
            _ => {}
        }
    }
    path
}

/// The declaration that covers `label`: the one at its path, else the
/// nearest one above it.
pub fn find<'a>(fields: &'a [FieldSpec], label: &str) -> Option<&'a FieldSpec> {
    let path = path_of(label);
    fields.iter().filter(|f| path == f.path || path.strip_prefix(f.path.as_str()).is_some_and(|rest| rest.starts_with('.'))).max_by_key(|f| f.path.len())
}

/// The declarations in an output JSON Schema (`x-class`, `x-label`).
pub fn declared_in(schema: &Value) -> Vec<FieldSpec> {
    let mut out = Vec::new();
    visit(schema, schema, "", 0, &mut |path, node| {
        if let Some(class) = node.get("x-class").and_then(Value::as_str).and_then(DataClass::parse) {
            let label = node.get("x-label").and_then(Value::as_str).map(str::to_string).unwrap_or_else(|| label_from_path(path));
            out.push(FieldSpec { path: path.to_string(), class, label });
        }
    });
    out
}

/// The paths of the schema's values (strings, numbers, booleans, and
/// `(name, count)` pairs): what a completeness check compares with the
/// declarations.
pub fn leaves_in(schema: &Value) -> Vec<String> {
    let mut out = Vec::new();
    visit(schema, schema, "", 0, &mut |path, node| {
        let types: Vec<&str> = match node.get("type") {
            Some(Value::String(t)) => vec![t.as_str()],
            Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        let scalar = types.iter().any(|t| matches!(*t, "string" | "integer" | "number" | "boolean"));
        let pair = node.get("prefixItems").is_some();
        if (scalar || pair) && !path.is_empty() && !out.iter().any(|p| p == path) {
            out.push(path.to_string());
        }
    });
    out
}

/// Walks every schema node with its output path, through `$ref`, `anyOf`,
/// `properties`, `items` and `additionalProperties` (as `path.*`).
fn visit(root: &Value, node: &Value, path: &str, depth: usize, f: &mut dyn FnMut(&str, &Value)) {
    if depth > 32 {
        return;
    }
    f(path, node);
    if let Some(target) = node.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix('#')).and_then(|p| root.pointer(p)) {
        visit(root, target, path, depth + 1, f);
    }
    for key in ["anyOf", "oneOf", "allOf"] {
        for alternative in node.get(key).and_then(Value::as_array).into_iter().flatten() {
            visit(root, alternative, path, depth + 1, f);
        }
    }
    if let Some(props) = node.get("properties").and_then(Value::as_object) {
        for (name, sub) in props {
            let sub_path = if path.is_empty() { name.clone() } else { format!("{path}.{name}") };
            visit(root, sub, &sub_path, depth + 1, f);
        }
    }
    // A (name, count) pair is one value: its parts are not walked.
    if node.get("prefixItems").is_none()
        && let Some(items) = node.get("items")
    {
        visit(root, items, path, depth + 1, f);
    }
    if let Some(extra) = node.get("additionalProperties").filter(|v| v.is_object()) {
        visit(root, extra, &format!("{path}.*"), depth + 1, f);
    }
}

/// `managed_computers` → "Managed computers", `owner.mail` → "Owner mail".
pub fn label_from_path(path: &str) -> String {
    let words = path.replace(['.', '_'], " ");
    let mut chars = words.trim().chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(schemars::JsonSchema)]
    #[allow(dead_code)]
    struct Person {
        #[schemars(extend("x-class" = "person_name", "x-label" = "Name"))]
        name: String,
        #[schemars(extend("x-class" = "directory_path"))]
        dn: String,
    }

    #[derive(schemars::JsonSchema)]
    #[allow(dead_code)]
    struct Record {
        #[schemars(extend("x-class" = "technical", "x-label" = "Operating system"))]
        os: Option<String>,
        owner: Option<Person>,
        #[schemars(extend("x-class" = "internal_host", "x-label" = "Hosts"))]
        hosts: Vec<(String, u64)>,
        #[schemars(extend("x-class" = "activity"))]
        actions: std::collections::BTreeMap<String, u64>,
        forgotten: String,
    }

    #[test]
    fn declarations_are_read_through_options_refs_and_lists() {
        let schema = serde_json::to_value(schemars::schema_for!(Record)).expect("schema");
        let fields = declared_in(&schema);
        let class = |label: &str| find(&fields, label).map(|f| f.class);
        assert_eq!(class("os"), Some(DataClass::Technical));
        assert_eq!(class("owner.name"), Some(DataClass::PersonName));
        assert_eq!(class("owner.dn"), Some(DataClass::DirectoryPath));
        assert_eq!(class("hosts[3]"), Some(DataClass::InternalHost));
        assert_eq!(class("actions.allow"), Some(DataClass::Activity), "a declaration covers what is beneath it");
        assert_eq!(class("forgotten"), None);
        assert_eq!(class("osx"), None, "a prefix counts only at a dot");
        assert_eq!(find(&fields, "owner.name").map(|f| f.label.as_str()), Some("Name"));
        assert_eq!(find(&fields, "owner.dn").map(|f| f.label.as_str()), Some("Owner dn"));
    }

    #[test]
    fn leaves_are_every_value_a_report_can_show() {
        let schema = serde_json::to_value(schemars::schema_for!(Record)).expect("schema");
        let mut leaves = leaves_in(&schema);
        leaves.sort();
        assert_eq!(leaves, ["actions.*", "forgotten", "hosts", "os", "owner.dn", "owner.name"]);
    }

    #[test]
    fn labels_lose_their_indices() {
        assert_eq!(path_of("sources[1].hits"), "sources.hits");
        assert_eq!(path_of("records[0].assigned_to.name"), "records.assigned_to.name");
        assert_eq!(path_of("hosts[12]"), "hosts");
    }
}
