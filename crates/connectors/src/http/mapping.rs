//! Picking values out of an answer: a JSON pointer (`/rows/0/name`, RFC 6901)
//! when the path starts with `/`, otherwise a JMESPath expression
//! (`assigned_to.username`).

use serde_json::Value;

pub enum Path {
    Pointer(String),
    JmesPath(jmespath::Expression<'static>),
}

impl Path {
    pub fn parse(text: &str) -> Result<Path, String> {
        if text.is_empty() || text.starts_with('/') {
            Ok(Path::Pointer(text.to_string()))
        } else {
            jmespath::compile(text).map(Path::JmesPath).map_err(|e| format!("{text:?} is not a JSON pointer or JMESPath expression: {e}"))
        }
    }

    /// The value at this path; `None` when absent or null.
    pub fn get(&self, value: &Value) -> Option<Value> {
        let found = match self {
            Path::Pointer(p) => value.pointer(p).cloned(),
            Path::JmesPath(e) => {
                let data = jmespath::Variable::from_serializable(value).ok()?;
                let out = e.search(data).ok()?;
                serde_json::to_value(&*out).ok()
            }
        };
        found.filter(|v| !v.is_null())
    }
}

/// Undoes the HTML escaping some tools apply to every text value.
pub fn html_unescape(value: Value) -> Value {
    match value {
        Value::String(s) if s.contains('&') => Value::String(
            s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#039;", "'").replace("&#39;", "'").replace("&amp;", "&"),
        ),
        Value::Array(a) => Value::Array(a.into_iter().map(html_unescape).collect()),
        Value::Object(o) => Value::Object(o.into_iter().map(|(k, v)| (k, html_unescape(v))).collect()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn pointers_and_jmespath_pick_values() {
        let v = json!({ "rows": [{ "name": "LT-1", "assigned_to": { "username": "j.doe" } }], "total": 1 });
        assert_eq!(Path::parse("/rows/0/name").expect("p").get(&v), Some(json!("LT-1")));
        assert_eq!(Path::parse("rows[0].assigned_to.username").expect("j").get(&v), Some(json!("j.doe")));
        assert_eq!(Path::parse("rows[0].missing").expect("j").get(&v), None);
        assert!(Path::parse("rows[").is_err());
        assert_eq!(html_unescape(json!("R&amp;D &lt;b&gt;")), json!("R&D <b>"));
        assert_eq!(html_unescape(json!("&amp;lt;")), json!("&lt;"), "decoded once, &amp; last");
    }
}
