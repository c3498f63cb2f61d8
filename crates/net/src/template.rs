//! Templates in playbook inputs, connector requests and reports (minijinja,
//! strict: an unknown name is an error, not an empty string).

use minijinja::{Environment, UndefinedBehavior};

/// The environment every template renders in. Besides minijinja's own
/// filters: `base64url`, the URL-safe base64 of a text without padding
/// (VirusTotal's URL identifier), and `lucene_phrase`, a text as one quoted
/// phrase of the Lucene / Elasticsearch query string syntax (`"` and `\`
/// escaped), so a value never becomes query syntax.
pub fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.add_filter("base64url", |value: String| {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(value.as_bytes())
    });
    env.add_filter("lucene_phrase", |value: String| format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\"")));
    env
}

pub fn render(env: &Environment<'_>, template: &str, context: &serde_json::Value) -> Result<String, String> {
    env.render_str(template, context).map_err(|e| e.to_string())
}

pub fn condition(env: &Environment<'_>, expr: &str, context: &serde_json::Value) -> Result<bool, String> {
    let compiled = env.compile_expression(expr).map_err(|e| e.to_string())?;
    compiled.eval(context).map(|v| v.is_true()).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    #[test]
    fn base64url_is_url_safe_and_unpadded() {
        let env = super::environment();
        let out = super::render(&env, "{{ v | base64url }}", &serde_json::json!({ "v": "http://evil.example/a?b=c>" })).expect("render");
        assert_eq!(out, "aHR0cDovL2V2aWwuZXhhbXBsZS9hP2I9Yz4");
        assert!(!out.contains('=') && !out.contains('+') && !out.contains('/'));
    }

    #[test]
    fn lucene_phrase_keeps_a_value_one_quoted_phrase() {
        let env = super::environment();
        let out = super::render(&env, "domain:{{ v | lucene_phrase }}", &serde_json::json!({ "v": "a\" OR *:* \\" })).expect("render");
        assert_eq!(out, r#"domain:"a\" OR *:* \\""#);
    }
}
