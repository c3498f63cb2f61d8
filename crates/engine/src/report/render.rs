//! Rendering a report into what is sent: plain text, HTML (every value from
//! outside escaped by minijinja's HTML auto-escaping) and the JSON
//! attachment. The templates ship in the engine and a customer can replace
//! them with their own (`[report] templates_dir`, same file names).

use super::model::Report;
use std::path::Path;

const TEXT: &str = include_str!("../../templates/report.txt.j2");
const HTML: &str = include_str!("../../templates/report.html.j2");

/// A report as it will leave, and the digest approvals are bound to.
#[derive(Debug, Clone, serde::Serialize, PartialEq)]
pub struct Rendered {
    /// The reply's subject: both references, and the TLP label where asked.
    pub subject: String,
    pub text: String,
    pub html: String,
    pub json: String,
    /// The STIX 2.1 bundle, when the deployment sends one.
    pub stix: Option<String>,
    /// SHA-256 over subject, text, HTML, JSON and STIX.
    pub digest: String,
}

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("report template {0}: {1}")]
    Template(String, String),
    #[error("cannot read report template {0}: {1}")]
    Read(String, std::io::Error),
}

fn template(dir: Option<&Path>, name: &str, shipped: &'static str) -> Result<String, RenderError> {
    match dir.map(|d| d.join(name)).filter(|p| p.exists()) {
        Some(p) => std::fs::read_to_string(&p).map_err(|e| RenderError::Read(p.display().to_string(), e)),
        None => Ok(shipped.to_string()),
    }
}

/// How to render: the customer's templates, and the STIX bundle's organisation (none: no bundle).
#[derive(Debug, Clone, Default)]
pub struct RenderOptions<'a> {
    pub templates_dir: Option<&'a Path>,
    pub stix_organisation: Option<&'a str>,
}

/// The text and HTML templates, compiled once: the shipped ones, or the
/// customer's from `[report] templates_dir` where it has them.
#[derive(Debug)]
pub struct Templates {
    env: minijinja::Environment<'static>,
}

impl Templates {
    pub fn load(templates_dir: Option<&Path>) -> Result<Templates, RenderError> {
        let mut env = minijinja::Environment::new();
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
        env.set_trim_blocks(true);
        env.set_lstrip_blocks(true);
        // Escaping follows the template name: `.html.j2` is HTML-escaped.
        env.set_auto_escape_callback(|name| if name.contains(".html") { minijinja::AutoEscape::Html } else { minijinja::AutoEscape::None });
        // `wrap(78, 4)`: plain text wrapped, continuation lines indented;
        // `pad(12)`: a label padded to a column.
        env.add_filter("wrap", |text: String, width: usize, indent: usize| super::format::wrap(&text, width, indent));
        env.add_filter("pad", |text: String, width: usize| format!("{text:<width$}"));
        for (name, shipped) in [("report.txt.j2", TEXT), ("report.html.j2", HTML)] {
            let source = template(templates_dir, name, shipped)?;
            env.add_template_owned(name, source).map_err(|e| RenderError::Template(name.into(), e.to_string()))?;
        }
        Ok(Templates { env })
    }

    /// Renders `report`; with `stix_organisation`, the STIX bundle too.
    pub fn render(&self, report: &Report, stix_organisation: Option<&str>) -> Result<Rendered, RenderError> {
        let view = super::present::view(report);
        let ctx = minijinja::context! { report => report, view => &view };
        let run = |name: &str| self.env.get_template(name).and_then(|t| t.render(&ctx)).map_err(|e| RenderError::Template(name.into(), e.to_string()));
        let text = run("report.txt.j2")?;
        let html = run("report.html.j2")?;
        let json = serde_json::to_string_pretty(report).unwrap_or_default();
        let stix = stix_organisation.map(|o| serde_json::to_string_pretty(&super::stix::bundle(report, o)).unwrap_or_default());
        let subject = view.subject;
        let digest = crate::digest::of_parts(&[&subject, &text, &html, &json, stix.as_deref().unwrap_or("")]);
        Ok(Rendered { digest, subject, text, html, json, stix })
    }
}

/// Loads the templates and renders once (tools and tests; a running engine
/// keeps its [`Templates`]).
pub fn render(report: &Report, options: &RenderOptions<'_>) -> Result<Rendered, RenderError> {
    Templates::load(options.templates_dir)?.render(report, options.stix_organisation)
}

/// HTML made safe to show in the app: scripts, event handlers, styles that
/// load things and unknown elements removed.
pub fn sanitize_for_display(html: &str) -> String {
    ammonia::Builder::default().add_tags(["table", "tr", "td", "th", "h3", "code", "small", "em"]).clean(html).to_string()
}
