//! The Drawbridge desktop app. Commands translate between the window and the
//! engine; every rule lives in `drawbridge-engine`.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use drawbridge_engine::config::Config;
use drawbridge_engine::ingest::Ingestor;
use drawbridge_engine::sender::DnsSource;
use drawbridge_engine::serve;
use drawbridge_engine::store::{RequestDetail, RequestSummary, Store};
use std::path::PathBuf;
use std::time::Duration;

struct AppState {
    store: Store,
}

/// The newest requests for the queue.
#[tauri::command]
async fn list_requests(state: tauri::State<'_, AppState>, limit: Option<i64>) -> Result<Vec<RequestSummary>, String> {
    state.store.list_requests(limit.unwrap_or(200).clamp(1, 10_000)).await.map_err(|e| e.to_string())
}

/// One request with its parsed message and indicators.
#[tauri::command]
async fn get_request(state: tauri::State<'_, AppState>, id: i64) -> Result<RequestDetail, String> {
    state.store.request(id).await.map_err(|e| e.to_string())
}

fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_env("DRAWBRIDGE_LOG").unwrap_or_else(|_| "info".into()))
        .init();
    let config_path = std::env::var_os("DRAWBRIDGE_CONFIG").map(PathBuf::from);
    let config = match Config::load(config_path.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("drawbridge: {e}");
            std::process::exit(1);
        }
    };
    let db = config.database_path(std::env::var_os("DRAWBRIDGE_DB").map(PathBuf::from).as_deref());
    let store = match tauri::async_runtime::block_on(Store::open_sqlite(&db)) {
        Ok(s) => s,
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
    // The watchers run on Tauri's async runtime for the life of the app.
    tauri::async_runtime::spawn(async move {
        let mut tasks = tokio::task::JoinSet::new();
        if let Err(e) = serve::spawn_watchers(&config, &ingestor, Duration::from_secs(2), &mut tasks) {
            tracing::error!(error = %e, "cannot start the intake watchers");
            return;
        }
        while tasks.join_next().await.is_some() {}
    });
    let result = tauri::Builder::default()
        .manage(AppState { store })
        .invoke_handler(tauri::generate_handler![list_requests, get_request])
        .run(tauri::generate_context!("../tauri.conf.json"));
    if let Err(e) = result {
        eprintln!("drawbridge: the app failed: {e}");
        std::process::exit(1);
    }
}
