fn main() {
    // The app's config is the workspace's top-level tauri.conf.json.
    // Each command gets its own permission (allow-list-requests, …); the
    // window's capability grants exactly the ones the UI uses.
    let manifest = tauri_build::AppManifest::new().commands(&[
        "queue_page",
        "get_request",
        "get_review",
        "review_action",
        "label_choices",
        "correct_label",
        "list_playbooks",
        "check_playbook",
        "playbook_form",
        "playbook_model",
        "playbook_text",
        "save_playbook",
        "playbook_history",
        "playbook_diff",
        "rollback_playbook",
        "dry_run_playbook",
        "audit_log",
        "verify_audit",
        "export_audit",
        "list_connectors",
        "test_connector",
        "save_connector",
        "insights",
        "run_timeline",
        "rerun_playbook",
        "edit_indicator",
        "original_html",
        "policies",
        "save_policy",
        "save_keyword_rules",
        "preview_disclosure",
    ]);
    if let Err(e) = tauri_build::try_build(tauri_build::Attributes::new().config_path("../tauri.conf.json").app_manifest(manifest)) {
        panic!("tauri build step failed: {e:#}");
    }
}
