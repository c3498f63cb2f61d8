//! The Drawbridge desktop app. Commands translate between the window and the
//! engine; every rule lives in `drawbridge-engine`.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use drawbridge_engine::config::Config;
use drawbridge_engine::deployment::{Current, Deployment};
use drawbridge_engine::ingest::Ingestor;
use drawbridge_engine::model::Failure;
use drawbridge_engine::report;
use drawbridge_engine::review::{ReviewView, Reviewer};
use drawbridge_engine::sender::DnsSource;
use drawbridge_engine::serve;
use drawbridge_engine::settings::{self, ConfigFile, SettingsError};
use drawbridge_engine::store::{QueuePage, QueueQuery, RequestDetail, Store};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

struct AppState {
    store: Store,
    /// Replaced when the Connectors screen saves settings.
    current: Arc<Current>,
    /// The configuration file the screens write to.
    config_file: ConfigFile,
    /// The intake's rules, shared with the watchers; reconfigured when a policy is saved.
    ingestor: Ingestor,
}

impl AppState {
    fn deployment(&self) -> Arc<Deployment> {
        self.current.get()
    }
}

/// Errors cross into the window as `{kind, message}`, so the UI can show a
/// source that is down differently from an action that is not allowed.
fn store_failure(e: drawbridge_engine::store::StoreError) -> Failure {
    Failure::new(e.kind(), e.to_string())
}

/// Who is acting: the OS account running the app (with the development
/// flag `DRAWBRIDGE_DEV_IMPERSONATE=1`, the name in `DRAWBRIDGE_ANALYST`).
/// When neither can be told, decisions are refused rather than made anonymously.
fn analyst() -> String {
    drawbridge_engine::identity::app_analyst().unwrap_or_default()
}

/// The review screen's data; the HTML preview is sanitised for display.
#[derive(serde::Serialize)]
struct ReviewScreen {
    #[serde(flatten)]
    view: ReviewView,
    html_for_display: String,
    analyst: String,
}

fn screen(view: ReviewView) -> ReviewScreen {
    ReviewScreen { html_for_display: report::sanitize_for_display(&view.rendered.html), view, analyst: analyst() }
}

#[tauri::command]
async fn get_review(state: tauri::State<'_, AppState>, id: i64) -> Result<ReviewScreen, Failure> {
    Ok(Reviewer::new(&state.store, &state.deployment()).view(id).await.map(screen)?)
}

/// One review decision, as the window sends it: the action names exactly the
/// fields it needs, and anything else is refused before it reaches the engine.
#[derive(Debug, serde::Deserialize)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
enum ReviewAction {
    /// Withhold a value or section.
    Redact { fact: String },
    /// Send a value or section the policy withholds.
    Reveal { fact: String },
    /// Back to what the policy says.
    Reset { fact: String },
    /// Replace the summary.
    Summary { text: String },
    /// Approve the report on screen: `digest` is what the approver was shown.
    Approve { digest: String },
    /// Reject, with the reason.
    Reject { text: String },
}

#[tauri::command]
async fn review_action(state: tauri::State<'_, AppState>, id: i64, request: ReviewAction) -> Result<ReviewScreen, Failure> {
    let deployment = state.deployment();
    let r = Reviewer::new(&state.store, &deployment);
    let who = analyst();
    let view = match &request {
        ReviewAction::Redact { fact } => r.redact(id, fact, &who).await,
        ReviewAction::Reveal { fact } => r.reveal(id, fact, &who).await,
        ReviewAction::Reset { fact } => r.reset(id, fact, &who).await,
        ReviewAction::Summary { text } => r.edit_summary(id, text, &who).await,
        ReviewAction::Approve { digest } => r.approve(id, &who, digest).await,
        ReviewAction::Reject { text } => r.reject(id, text, &who, false).await,
    };
    Ok(view.map(screen)?)
}

/// The request's latest playbook run, step by step (status, duration,
/// attempts, error, raw output): for the analyst, never for the reply.
#[tauri::command]
async fn run_timeline(state: tauri::State<'_, AppState>, id: i64) -> Result<Option<drawbridge_engine::store::PlaybookRun>, Failure> {
    state.store.latest_run(id).await.map_err(store_failure)
}

/// Runs the request's playbook again, whole or from one step (audited); the
/// review as it then stands.
#[tauri::command]
async fn rerun_playbook(state: tauri::State<'_, AppState>, id: i64, step: Option<String>) -> Result<ReviewScreen, Failure> {
    let deployment = state.deployment();
    Ok(Reviewer::new(&state.store, &deployment).rerun(id, step.as_deref(), &analyst()).await.map(screen)?)
}

/// Adds, removes, corrects or marks "do not disclose" one indicator of a
/// request (audited); the review as it then stands.
#[tauri::command]
async fn edit_indicator(state: tauri::State<'_, AppState>, id: i64, edit: drawbridge_engine::review::IndicatorEdit) -> Result<ReviewScreen, Failure> {
    let deployment = state.deployment();
    Ok(Reviewer::new(&state.store, &deployment).change_indicator(id, &edit, &analyst()).await.map(screen)?)
}

/// The original email's HTML body, cleaned (no script, style, image,
/// frame or link target), for the sandboxed view; None when it has none.
#[tauri::command]
async fn original_html(state: tauri::State<'_, AppState>, id: i64) -> Result<Option<String>, Failure> {
    let raw = state.store.raw_message(id).await.map_err(store_failure)?;
    Ok(drawbridge_engine::review::original::html(&raw))
}

/// Every classifier with the labels a correction may choose.
#[tauri::command]
fn label_choices(state: tauri::State<'_, AppState>) -> Vec<drawbridge_engine::classify::LabelChoices> {
    state.deployment().config.classifiers.choices()
}

/// Corrects one classifier's label of a request; a new request type runs
/// its playbook again. Returns the review as it now stands.
#[tauri::command]
async fn correct_label(state: tauri::State<'_, AppState>, id: i64, classifier: String, label: String, reason: Option<String>) -> Result<ReviewScreen, Failure> {
    let reason = reason.filter(|r| !r.trim().is_empty());
    let view = Reviewer::new(&state.store, &state.deployment()).correct_and_rerun(id, &classifier, &label, &analyst(), reason.as_deref()).await;
    Ok(view.map(screen)?)
}

use drawbridge_engine::playbook::editing::{self, DiffLine, EditError, Folder, PlaybookFile, Problem, Version};

/// Editing errors cross as `invalid_input` (the text or name) or `not_found`.
fn edit_failure(e: EditError) -> Failure {
    use drawbridge_engine::model::ErrorKind;
    let kind = match &e {
        EditError::BadName(_) | EditError::Invalid(_) => ErrorKind::InvalidInput,
        EditError::NoVersion(..) => ErrorKind::NotFound,
        EditError::Io(..) => ErrorKind::Internal,
    };
    Failure::new(kind, e.to_string())
}

/// The playbooks as the files are now, each with its problems.
#[tauri::command]
fn list_playbooks(state: tauri::State<'_, AppState>, folder: Option<Folder>) -> Vec<PlaybookFile> {
    let deployment = state.deployment();
    folder.unwrap_or_default().list(&deployment.config.playbooks_dir(), &deployment.connectors)
}

/// The problems of a text being edited, each at its line.
#[tauri::command]
fn check_playbook(state: tauri::State<'_, AppState>, text: String, folder: Option<Folder>) -> Vec<Problem> {
    folder.unwrap_or_default().check(&text, &state.deployment().connectors)
}

/// Saves a valid playbook, keeping the version it replaces; audited.
#[tauri::command]
async fn save_playbook(state: tauri::State<'_, AppState>, name: String, text: String, folder: Option<Folder>) -> Result<(), Failure> {
    let deployment = state.deployment();
    let folder = folder.unwrap_or_default();
    folder.save(&deployment.config.playbooks_dir(), &name, &text, &deployment.connectors).map_err(edit_failure)?;
    edited(&state, folder, &deployment, "saved", &name, serde_json::json!({ "digest": drawbridge_engine::digest::of_bytes(text.as_bytes()) })).await
}

/// After a file of the editor changed: its audit entry (`playbook_saved`,
/// `http_connector_rolled_back`…, naming the file), and for a connector file
/// the engine takes it at once, as its actions change the registry.
async fn edited(state: &AppState, folder: Folder, deployment: &Deployment, what: &str, name: &str, mut detail: serde_json::Value) -> Result<(), Failure> {
    let (kind, key) = match folder {
        Folder::Playbooks => ("playbook", "playbook"),
        Folder::HttpConnectors => ("http_connector", "connector_file"),
    };
    detail[key] = serde_json::Value::String(name.into());
    audit_setting(state, &format!("{kind}_{what}"), detail).await?;
    match folder {
        Folder::Playbooks => Ok(()),
        Folder::HttpConnectors => take_config(state, deployment.config.clone()),
    }
}

/// An audit entry for a change to the deployment, by the analyst running the app.
async fn audit_setting(state: &AppState, action: &str, detail: serde_json::Value) -> Result<(), Failure> {
    state.store.record_audit(&drawbridge_engine::store::NewAudit::setting(&analyst(), action, detail)).await.map_err(store_failure)
}

#[tauri::command]
fn playbook_history(state: tauri::State<'_, AppState>, name: String, folder: Option<Folder>) -> Result<Vec<Version>, Failure> {
    editing::history(&folder.unwrap_or_default().dir(&state.deployment().config.playbooks_dir()), &name).map_err(edit_failure)
}

/// From a kept version to the file as it is now.
#[tauri::command]
fn playbook_diff(state: tauri::State<'_, AppState>, name: String, version: String, folder: Option<Folder>) -> Result<Vec<DiffLine>, Failure> {
    editing::diff_to_current(&folder.unwrap_or_default().dir(&state.deployment().config.playbooks_dir()), &name, &version).map_err(edit_failure)
}

#[tauri::command]
async fn rollback_playbook(state: tauri::State<'_, AppState>, name: String, version: String, folder: Option<Folder>) -> Result<(), Failure> {
    let deployment = state.deployment();
    let folder = folder.unwrap_or_default();
    folder.rollback(&deployment.config.playbooks_dir(), &name, &version, &deployment.connectors).map_err(edit_failure)?;
    edited(&state, folder, &deployment, "rolled_back", &name, serde_json::json!({ "to_version": version })).await
}

fn settings_failure(e: SettingsError) -> Failure {
    Failure::new(e.kind(), e.to_string())
}

/// Every connector with its settings form (schema, settings, secret names).
#[tauri::command]
fn list_connectors(state: tauri::State<'_, AppState>) -> Result<Vec<settings::connectors::ConnectorForm>, Failure> {
    settings::connectors::forms(&state.deployment(), &state.config_file).map_err(settings_failure)
}

/// "Test connection" on the settings on screen; nothing is saved.
#[tauri::command]
async fn test_connector(
    state: tauri::State<'_, AppState>,
    name: String,
    settings: serde_json::Value,
    secrets: BTreeMap<String, String>,
) -> Result<settings::connectors::TestVerdict, Failure> {
    settings::connectors::test(&state.deployment(), &name, &settings, &secrets).await.map_err(settings_failure)
}

/// Saves a connector's settings (secrets to the keyring), audited; the
/// engine then runs on the new settings without a restart.
#[tauri::command]
async fn save_connector(
    state: tauri::State<'_, AppState>,
    name: String,
    settings: serde_json::Value,
    secrets: BTreeMap<String, String>,
) -> Result<settings::connectors::Saved, Failure> {
    let saved = settings::connectors::save(&state.deployment(), &state.config_file, &state.store, &name, &settings, &secrets, &analyst())
        .await
        .map_err(settings_failure)?;
    take_config(&state, saved.config.clone())?;
    Ok(saved)
}

/// The Policies screen: every policy section (schema, value in force), a
/// new disclosure policy's defaults, and the keyword rules.
#[derive(serde::Serialize)]
struct PoliciesScreen {
    sections: Vec<settings::policies::Section>,
    default_disclosure: serde_json::Value,
    keyword_rules: settings::policies::KeywordFile,
}

#[tauri::command]
fn policies(state: tauri::State<'_, AppState>) -> PoliciesScreen {
    let config = &state.deployment().config;
    PoliciesScreen {
        sections: settings::policies::sections(&state.config_file, config),
        default_disclosure: settings::policies::default_disclosure(),
        keyword_rules: settings::policies::keyword_rules(config),
    }
}

/// The running engine takes a saved configuration: playbooks and reports
/// (the deployment) and the intake's rules (the watchers' next message).
fn take_config(state: &AppState, config: drawbridge_engine::config::Config) -> Result<(), Failure> {
    use drawbridge_engine::model::ErrorKind;
    state.ingestor.reconfigure(&config).map_err(|e| Failure::new(ErrorKind::InvalidInput, e.to_string()))?;
    let deployment = Deployment::new(config).map_err(|e| Failure::new(ErrorKind::InvalidInput, e.to_string()))?;
    state.current.replace(deployment);
    Ok(())
}

/// Saves one policy section (audited); the engine takes it at once.
#[tauri::command]
async fn save_policy(state: tauri::State<'_, AppState>, section: String, value: serde_json::Value) -> Result<(), Failure> {
    let config = settings::policies::save(&state.config_file, &state.store, &section, &value, &analyst()).await.map_err(settings_failure)?;
    take_config(&state, config)
}

/// Saves the keyword rules (audited); the intake uses them for the next message.
#[tauri::command]
async fn save_keyword_rules(state: tauri::State<'_, AppState>, text: String) -> Result<(), Failure> {
    let current = state.deployment();
    let config =
        settings::policies::save_keyword_rules(&state.config_file, &state.store, &current.config, &text, &analyst()).await.map_err(settings_failure)?;
    take_config(&state, config)
}

/// A stored request's reply as it would read under a disclosure policy being edited.
#[tauri::command]
async fn preview_disclosure(state: tauri::State<'_, AppState>, request_id: i64, policy: serde_json::Value) -> Result<String, Failure> {
    use drawbridge_engine::model::ErrorKind;
    let policy: drawbridge_engine::report::disclosure::DisclosurePolicy =
        serde_json::from_value(policy).map_err(|e| Failure::new(ErrorKind::InvalidInput, format!("the policy is not valid: {e}")))?;
    let deployment = state.deployment();
    Ok(Reviewer::new(&state.store, &deployment).preview_policy(request_id, &policy).await?.text)
}

/// The exact queries the text would send for a stored request; nothing is sent.
#[tauri::command]
async fn dry_run_playbook(state: tauri::State<'_, AppState>, text: String, request_id: i64) -> Result<drawbridge_engine::playbook::Plan, Failure> {
    let detail = state.store.request(request_id).await.map_err(store_failure)?;
    editing::dry_run(&text, &detail, &state.deployment().connectors).map_err(|e| Failure::new(drawbridge_engine::model::ErrorKind::InvalidInput, e))
}

/// What the playbook form is generated from: the playbook schema, every
/// action with its input schema, the request types.
#[tauri::command]
fn playbook_form(state: tauri::State<'_, AppState>) -> editing::Form {
    editing::form(&state.deployment().connectors)
}

/// The playbook a YAML text describes, for the form (its shape only).
#[tauri::command]
fn playbook_model(text: String) -> Result<drawbridge_engine::playbook::Playbook, Problem> {
    editing::model(&text)
}

/// The YAML the form writes for a playbook.
#[tauri::command]
fn playbook_text(playbook: drawbridge_engine::playbook::Playbook) -> Result<String, Failure> {
    editing::text(&playbook).map_err(edit_failure)
}

/// The audit log (one request's, or all), oldest first.
#[tauri::command]
async fn audit_log(state: tauri::State<'_, AppState>, request_id: Option<i64>) -> Result<Vec<drawbridge_engine::store::AuditEntry>, Failure> {
    state.store.audit_log(request_id).await.map_err(store_failure)
}

/// Checks the whole chain, and each entry's MAC when an audit key is set.
#[tauri::command]
async fn verify_audit(state: tauri::State<'_, AppState>) -> Result<drawbridge_engine::review::audit::Verdict, Failure> {
    let entries = state.store.audit_log(None).await.map_err(store_failure)?;
    Ok(drawbridge_engine::review::audit::verify(&entries, drawbridge_engine::review::audit::key().as_deref()))
}

/// Writes the whole audit log as JSON into the data folder's `exports/`; returns the file.
#[tauri::command]
async fn export_audit(state: tauri::State<'_, AppState>) -> Result<String, Failure> {
    let entries = state.store.audit_log(None).await.map_err(store_failure)?;
    let dir = drawbridge_engine::paths::data_dir().join("exports");
    drawbridge_engine::review::audit::export(&entries, &dir)
        .map(|p| p.display().to_string())
        .map_err(|e| Failure::new(drawbridge_engine::model::ErrorKind::Internal, format!("cannot write the export into {}: {e}", dir.display())))
}

/// The Insights screen's figures over the last `days` days.
#[tauri::command]
async fn insights(state: tauri::State<'_, AppState>, days: Option<u32>) -> Result<drawbridge_engine::insights::Insights, Failure> {
    let deployment = state.deployment();
    let classifiers: Vec<String> = deployment.config.classifiers.choices().into_iter().map(|c| c.classifier).collect();
    drawbridge_engine::insights::gather(&state.store, &classifiers, &deployment.config.insights, days.unwrap_or(30)).await.map_err(store_failure)
}

/// One page of the queue, filtered in the database; with `mine`, the
/// requests assigned to the analyst running the app.
#[tauri::command]
async fn queue_page(state: tauri::State<'_, AppState>, query: QueueQuery, mine: Option<bool>) -> Result<QueuePage, Failure> {
    let mut query = query;
    query.assignee = if mine.unwrap_or(false) { Some(analyst()) } else { None };
    state.store.queue_page(&query).await.map_err(store_failure)
}

/// One request with its parsed message and indicators.
#[tauri::command]
async fn get_request(state: tauri::State<'_, AppState>, id: i64) -> Result<RequestDetail, Failure> {
    state.store.request(id).await.map_err(store_failure)
}

/// A desktop notification whenever a draft starts waiting for review (the
/// backlog at start once, as a count). Which requests are news is the
/// engine's (`review::attention`); this only shows them. Where the desktop
/// has no notification service, the failure is logged and the app goes on.
fn notify_when_review_waits(app: tauri::AppHandle, store: Store) {
    use drawbridge_engine::review::attention::{Attention, News, notice};
    use tauri_plugin_notification::NotificationExt;
    // Showing one is a blocking D-Bus call: never on the async workers.
    let show = move |title: &str, body: &str| {
        let (app, title, body) = (app.clone(), title.to_string(), body.to_string());
        tauri::async_runtime::spawn_blocking(move || {
            if let Err(e) = app.notification().builder().title(title).body(body).show() {
                tracing::debug!(error = %e, "no desktop notification");
            }
        });
    };
    tauri::async_runtime::spawn(async move {
        let mut attention = Attention::new();
        loop {
            match attention.look(&store).await {
                Ok(Some(News::Backlog(n))) => show("Drawbridge", &format!("{n} request{} waiting for review", if n == 1 { "" } else { "s" })),
                Ok(Some(News::Arrived(requests))) if requests.len() > 3 => show("Drawbridge", &format!("{} new requests waiting for review", requests.len())),
                Ok(Some(News::Arrived(requests))) => {
                    for r in &requests {
                        let (title, body) = notice(r);
                        tracing::info!(request = r.id, "notified: waiting for review");
                        show(&title, &body);
                    }
                }
                Ok(None) => {}
                Err(e) => tracing::warn!(error = %e, "cannot read the queue for notifications"),
            }
            tokio::time::sleep(Duration::from_secs(5)).await;
        }
    });
}

/// The window shows forms and tables: WebKit's memory caches are sized for
/// a document viewer.
#[cfg(target_os = "linux")]
fn lighten_webview(app: &tauri::App) {
    use tauri::Manager;
    use webkit2gtk::{CacheModel, WebContextExt, WebViewExt};
    let Some(window) = app.get_webview_window("main") else { return };
    let applied = window.with_webview(|webview| {
        if let Some(context) = webview.inner().context() {
            context.set_cache_model(CacheModel::DocumentViewer);
        }
    });
    if let Err(e) = applied {
        tracing::debug!(error = %e, "webview settings not applied");
    }
}

fn main() {
    // WebKitGTK's DMA-BUF renderer costs ~80 MB in the web process (GPU
    // buffers, or Mesa's software GL where there is no GPU) and buys nothing
    // for forms and tables. Set before any thread starts; a value the user
    // set is kept.
    #[cfg(target_os = "linux")]
    if std::env::var_os("WEBKIT_DISABLE_DMABUF_RENDERER").is_none() {
        // SAFETY: the first statement of main, before any other thread exists.
        unsafe { std::env::set_var("WEBKIT_DISABLE_DMABUF_RENDERER", "1") };
    }
    tracing_subscriber::fmt().with_env_filter(tracing_subscriber::EnvFilter::try_from_env("DRAWBRIDGE_LOG").unwrap_or_else(|_| "info".into())).init();
    let config_path = std::env::var_os("DRAWBRIDGE_CONFIG").map(PathBuf::from);
    // Where the screens save settings: the file given, else the platform's config file.
    let config_file = ConfigFile::new(
        config_path
            .clone()
            .or_else(drawbridge_engine::paths::default_config_path)
            .unwrap_or_else(|| drawbridge_engine::paths::data_dir().join("drawbridge.toml")),
    );
    let config = match Config::load(config_path.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("drawbridge: {e}");
            std::process::exit(1);
        }
    };
    let db = config.database_path(std::env::var_os("DRAWBRIDGE_DB").map(PathBuf::from).as_deref());
    let store = match tauri::async_runtime::block_on(Store::open_sqlite(&db)) {
        Ok(s) => s.with_audit_key(drawbridge_engine::review::audit::key().as_deref()),
        Err(e) => {
            eprintln!("drawbridge: cannot open database {}: {e}", db.display());
            std::process::exit(1);
        }
    };
    let ingestor = match Ingestor::new(&config, store.clone(), DnsSource::System) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("drawbridge: {e}");
            std::process::exit(1);
        }
    };
    let deployment = match Deployment::new(config.clone()) {
        Ok(d) => Current::new(Arc::new(d)),
        Err(e) => {
            eprintln!("drawbridge: {e}");
            std::process::exit(1);
        }
    };
    // The watchers and workers run on Tauri's async runtime for the life of the app.
    let (background_config, background_store, background_deployment, background_ingestor) =
        (config.clone(), store.clone(), deployment.clone(), ingestor.clone());
    tauri::async_runtime::spawn(async move {
        let mut tasks = tokio::task::JoinSet::new();
        if let Err(e) = serve::spawn_watchers(&background_config, &background_ingestor, Duration::from_secs(2), &mut tasks) {
            tracing::error!(error = %e, "cannot start the intake watchers");
            return;
        }
        serve::spawn_workers(&background_deployment, &background_store, Duration::from_secs(2), &mut tasks);
        while tasks.join_next().await.is_some() {}
    });
    let notifications_store = store.clone();
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_notification::init())
        .setup(move |app| {
            #[cfg(target_os = "linux")]
            lighten_webview(app);
            notify_when_review_waits(app.handle().clone(), notifications_store);
            Ok(())
        })
        .manage(AppState { store, current: deployment, config_file, ingestor })
        .invoke_handler(tauri::generate_handler![
            queue_page,
            get_request,
            get_review,
            review_action,
            label_choices,
            correct_label,
            list_playbooks,
            check_playbook,
            playbook_form,
            playbook_model,
            playbook_text,
            save_playbook,
            playbook_history,
            playbook_diff,
            rollback_playbook,
            dry_run_playbook,
            audit_log,
            verify_audit,
            export_audit,
            list_connectors,
            test_connector,
            save_connector,
            insights,
            run_timeline,
            rerun_playbook,
            edit_indicator,
            original_html,
            policies,
            save_policy,
            save_keyword_rules,
            preview_disclosure
        ])
        .run(tauri::generate_context!("../tauri.conf.json"));
    if let Err(e) = result {
        eprintln!("drawbridge: the app failed: {e}");
        std::process::exit(1);
    }
}

#[cfg(test)]
mod tests {
    use super::ReviewAction;

    #[test]
    fn a_review_action_carries_exactly_its_own_fields() {
        let ok: ReviewAction = serde_json::from_str(r#"{"action":"approve","digest":"d"}"#).expect("approve");
        assert!(matches!(ok, ReviewAction::Approve { digest } if digest == "d"));
        for bad in
            [r#"{"action":"approve","digest":"d","fact":"x"}"#, r#"{"action":"approve"}"#, r#"{"action":"teleport"}"#, r#"{"action":"redact","text":"x"}"#]
        {
            assert!(serde_json::from_str::<ReviewAction>(bad).is_err(), "{bad}");
        }
    }
}
