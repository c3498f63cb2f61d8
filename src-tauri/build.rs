fn main() {
    // The app's config is the workspace's top-level tauri.conf.json.
    if let Err(e) = tauri_build::try_build(tauri_build::Attributes::new().config_path("../tauri.conf.json")) {
        panic!("tauri build step failed: {e:#}");
    }
}
