//! Templates in playbook inputs, connector requests and reports (minijinja,
//! strict: an unknown name is an error, not an empty string).

use minijinja::{Environment, UndefinedBehavior};

pub fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env
}

pub fn render(env: &Environment<'_>, template: &str, context: &serde_json::Value) -> Result<String, String> {
    env.render_str(template, context).map_err(|e| e.to_string())
}

pub fn condition(env: &Environment<'_>, expr: &str, context: &serde_json::Value) -> Result<bool, String> {
    let compiled = env.compile_expression(expr).map_err(|e| e.to_string())?;
    compiled.eval(context).map(|v| v.is_true()).map_err(|e| e.to_string())
}
