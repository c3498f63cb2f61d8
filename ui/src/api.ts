// The only place the UI talks to the engine: Tauri commands in src-tauri.
import { invoke } from "@tauri-apps/api/core";
import type { PlaybookFormCatalog, PlaybookModel } from "./playbook-form";

export interface SenderVerdict {
  allowed: boolean;
  reasons: string[];
  dmarc?: string;
}

export interface RequestSummary {
  id: number;
  received_at: string;
  sender: string | null;
  subject: string | null;
  status: string;
  quarantine_reason: string | null;
  sender_allowed: boolean;
  sender_verdict: SenderVerdict;
  indicator_count: number;
  source: string;
  request_type: string | null;
  /** Every classifier's current label, request_type included (e.g. priority: "P2"). */
  labels: Record<string, string>;
  /** The analyst or queue working on it, and the rule or person that put it there. */
  assignee: string | null;
  assigned_by: string | null;
  review_state: string | null;
}

export interface RequestDetail extends RequestSummary {
  message_id: string | null;
  parsed: {
    text?: string;
    subject?: string;
    from?: { address: string; name?: string };
    attachments?: Attachment[];
    nested?: { subject?: string; attachments?: Attachment[] }[];
    warnings?: string[];
  } | null;
  indicators: RequestIndicator[];
}

/** An attachment as intake read it: never opened by the app, listed with its hash. */
export interface Attachment {
  name: string | null;
  content_type: string;
  size: number;
  sha256: string;
  scanned: boolean;
}

/** An indicator of a request: extracted (`source` says where) or added by an analyst (`analyst`). */
export interface RequestIndicator {
  kind: string;
  value: string;
  source: string;
  defanged: boolean;
  /** Who marked it "do not disclose": its findings stay out of the reply. */
  withheld_by: string | null;
}

/** An analyst's change to a request's indicators. */
export type IndicatorEdit =
  | { op: "add"; value: string }
  | { op: "remove"; kind: string; value: string }
  | { op: "replace"; kind: string; value: string; with: string }
  | { op: "withhold"; kind: string; value: string; withheld: boolean };

export interface Fact {
  id: string;
  /** What the fact is, in the report's vocabulary (`user.locked`, `sighting.host`). */
  term: string;
  /** Where the value sat in the connector's answer (`managed_by.name`). */
  label: string;
  /** The field's name for people, as its connector declares it ("Owner name"). */
  title?: string;
  value: string;
  /** For counted values: how many events, sessions… */
  count?: number;
  class: string;
  disclosure: "shared" | "masked" | "withheld";
  reason: string | null;
}

export interface Finding {
  source: string;
  step: string;
  status: "found" | "no_result" | "unavailable" | "not_asked" | "not_sent";
  note: string | null;
  queried_at: string | null;
  facts: Fact[];
}

export interface TicketLink {
  ticket: { id: number; system: string; key: string; url: string | null; kind: string; value: string; opened_by_request: number; opened_at: string };
  action: "opened" | "commented";
  at: string;
}

/** What outside threat intel makes of an indicator, by the configured rules. */
export interface Verdict {
  verdict: "malicious" | "suspicious" | "clean" | "unknown";
  reasons: string[];
}

export interface Report {
  reference: string;
  summary: string;
  window: { start: string; end: string; source: string } | null;
  indicators: { kind: string; value: string; findings: Finding[]; withheld?: boolean; verdict?: Verdict }[];
  asked_before: { indicator: string; reference: string; received_at: string; sender: string | null }[];
}

export type DiffLine = { op: "same" | "added" | "removed"; text: string };

export interface ReviewScreen {
  state: "draft" | "approved" | "queued" | "sent" | "rejected";
  report: Report;
  rendered: { text: string; html: string; json: string; digest: string };
  html_for_display: string;
  generated_text: string;
  diff: DiffLine[];
  approvals: { actor: string; at: string }[];
  approvals_required: number;
  reject_reason: string | null;
  recipients: string[];
  /** Why no reply goes out (indicators submitted without an e-mail); approving records the review only. */
  no_reply: string | null;
  outbox: { id: number; state: string; attempts: number; last_error: string | null; smtp_response: string | null; sent_at: string | null }[];
  analyst: string;
  run_status: string | null;
  /** What failed sources said: for the analyst, never in the reply. */
  source_errors: { step: string; item: string; action: string; kind: ErrorKind | null; error: string }[];
  /** Investigation tickets this request opened or commented on. */
  tickets: TicketLink[];
  /** The Enrichment task's closing, once its work went to a ticket. */
  task_closed: { at: string; because: string } | null;
}

/** How an engine error crosses into the window (`drawbridge_model::Failure`). */
export type ErrorKind = "not_configured" | "unavailable" | "refused" | "not_found" | "invalid_input" | "conflict" | "internal";

export interface Failure {
  kind: ErrorKind;
  message: string;
}

const KIND_LABEL: Record<ErrorKind, string> = {
  not_configured: "Not set up",
  unavailable: "Source unavailable",
  refused: "Not allowed",
  not_found: "Not found",
  invalid_input: "Invalid input",
  conflict: "Changed meanwhile",
  internal: "Something went wrong",
};

/** Anything thrown by a command, as a kind and a message a person can act on. */
export function toFailure(e: unknown): Failure {
  if (e && typeof e === "object" && "kind" in e && "message" in e) {
    const f = e as { kind: unknown; message: unknown };
    if (typeof f.kind === "string" && f.kind in KIND_LABEL) return { kind: f.kind as ErrorKind, message: String(f.message) };
  }
  return { kind: "internal", message: e instanceof Error ? e.message : String(e) };
}

/** One line for an error banner: "Not allowed: …". */
export function describeError(e: unknown): string {
  const f = toFailure(e);
  return `${KIND_LABEL[f.kind]}: ${f.message}`;
}

/** What the queue asks for (`store::QueueQuery`): filtered in the database, one page at a time. */
export interface QueueQuery {
  words: string[];
  state: string | null;
  request_type: string | null;
  offset: number;
  limit: number;
}

export interface QueuePage {
  total: number;
  offset: number;
  rows: RequestSummary[];
}

/** One page of the queue, newest first; `mine`: only those assigned to the analyst running the app. */
export function queuePage(query: QueueQuery, mine = false): Promise<QueuePage> {
  return invoke<QueuePage>("queue_page", { query, mine });
}

export function getRequest(id: number): Promise<RequestDetail> {
  return invoke<RequestDetail>("get_request", { id });
}

export function getReview(id: number): Promise<ReviewScreen> {
  return invoke<ReviewScreen>("get_review", { id });
}

export type ReviewAction = "redact" | "reveal" | "reset" | "summary" | "approve" | "reject";

/** What the app's `review_action` command accepts: each action with exactly its own field. */
export type ReviewRequest =
  | { action: "redact" | "reveal" | "reset"; fact: string }
  | { action: "summary" | "reject"; text: string }
  | { action: "approve"; digest: string };

export function reviewRequest(action: ReviewAction, opts: { fact?: string; text?: string; digest?: string } = {}): ReviewRequest {
  switch (action) {
    case "redact":
    case "reveal":
    case "reset":
      return { action, fact: opts.fact ?? "" };
    case "summary":
    case "reject":
      return { action, text: opts.text ?? "" };
    case "approve":
      return { action, digest: opts.digest ?? "" };
  }
}

/** A classifier and the labels a correction may choose. */
export interface LabelChoices {
  classifier: string;
  labels: string[];
}

export function labelChoices(): Promise<LabelChoices[]> {
  return invoke<LabelChoices[]>("label_choices");
}

/** Corrects one classifier's label; a new request type runs its playbook again. */
export function correctLabel(id: number, classifier: string, label: string, reason: string): Promise<ReviewScreen> {
  return invoke<ReviewScreen>("correct_label", { id, classifier, label, reason: reason.trim() === "" ? null : reason.trim() });
}

/** `digest`: for approve, the digest of the report on screen; a report that changed since is refused. */
export function reviewAction(id: number, action: ReviewAction, opts: { fact?: string; text?: string; digest?: string } = {}): Promise<ReviewScreen> {
  return invoke<ReviewScreen>("review_action", { id, request: reviewRequest(action, opts) });
}

/** A playbook file as the editor shows it, with its problems. */
export interface Problem {
  line: number;
  message: string;
}

export interface PlaybookFile {
  name: string;
  text: string;
  problems: Problem[];
}

export interface PlaybookVersion {
  id: string;
  bytes: number;
}

/** One line of a playbook comparison: `+` added, `-` removed, ` ` unchanged. */
export interface PlaybookDiffLine {
  tag: "+" | "-" | " ";
  text: string;
}

export interface PlannedCall {
  step: string;
  action: string;
  item?: string | null;
  query?: string;
  [key: string]: unknown;
}

export interface DryRun {
  playbook: string;
  calls: PlannedCall[];
  skipped: [string, string][];
}

/** Which files the editor works on: playbooks, or declarative HTTP connectors. */
export type Folder = "playbooks" | "http_connectors";
export const listPlaybooks = (folder: Folder = "playbooks") => invoke<PlaybookFile[]>("list_playbooks", { folder });
export const checkPlaybook = (text: string, folder: Folder = "playbooks") => invoke<Problem[]>("check_playbook", { text, folder });
export const savePlaybook = (name: string, text: string, folder: Folder = "playbooks") => invoke<void>("save_playbook", { name, text, folder });
export const playbookHistory = (name: string, folder: Folder = "playbooks") => invoke<PlaybookVersion[]>("playbook_history", { name, folder });
export const playbookDiff = (name: string, version: string, folder: Folder = "playbooks") => invoke<PlaybookDiffLine[]>("playbook_diff", { name, version, folder });
export const rollbackPlaybook = (name: string, version: string, folder: Folder = "playbooks") => invoke<void>("rollback_playbook", { name, version, folder });
export const playbookForm = () => invoke<PlaybookFormCatalog>("playbook_form");
/** The playbook a YAML text describes (its shape only), or the problem that stops the form reading it. */
export const playbookModel = (text: string) => invoke<PlaybookModel>("playbook_model", { text });
/** The YAML the form writes for a playbook (defaults left out, comments not kept). */
export const playbookText = (playbook: PlaybookModel) => invoke<string>("playbook_text", { playbook });
export const dryRunPlaybook = (text: string, requestId: number) => invoke<DryRun>("dry_run_playbook", { text, requestId });

export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  action: string;
  request_id: number | null;
  before_digest: string | null;
  after_digest: string | null;
  detail: string;
  hash: string;
  mac: string | null;
}

export interface AuditVerdict {
  entries: number;
  mac_checked: number;
  without_mac: number;
  broken_at: [number, string] | null;
}

export const auditLog = (requestId: number | null = null) => invoke<AuditEntry[]>("audit_log", { requestId });
export const verifyAudit = () => invoke<AuditVerdict>("verify_audit");
export const exportAudit = () => invoke<string>("export_audit");

/** A connector with what its settings form needs (`settings::connectors::ConnectorForm`). */
export interface ConnectorForm {
  name: string;
  title: string;
  source: "builtin" | "http";
  availability: { state: "ready" | "not_configured" | "broken"; detail?: string };
  actions: string[];
  section: string;
  schema: Record<string, unknown>;
  settings: Record<string, unknown> | null;
  origin: "file" | "demo" | "none";
  secrets: { field: string; name: string | null; resolves: boolean }[];
}

export interface TestStage {
  name: "settings" | "connection" | "authentication" | "query";
  result: "passed" | "failed" | "not_reached";
  detail: string;
}

export interface TestVerdict {
  ok: boolean;
  kind: ErrorKind | null;
  stages: TestStage[];
}

export interface SavedConnector {
  section: string;
  secrets: [string, { in: "keyring" } | { in: "file"; path: string }][];
}

export const listConnectors = () => invoke<ConnectorForm[]>("list_connectors");
/** `secrets`: new values typed for secret fields, by field; tried in memory only. */
export const testConnector = (name: string, settings: Record<string, unknown>, secrets: Record<string, string>) =>
  invoke<TestVerdict>("test_connector", { name, settings, secrets });
export const saveConnector = (name: string, settings: Record<string, unknown>, secrets: Record<string, string>) =>
  invoke<SavedConnector>("save_connector", { name, settings, secrets });

/** The Insights screen's figures (`insights::Insights`). */
export interface InsightsDay {
  day: string;
  total: number;
  by_type: Record<string, number>;
  by_mssp: Record<string, number>;
  replied: number;
  median_reply_minutes: number | null;
}

export interface Insights {
  since: string;
  days: InsightsDay[];
  types: string[];
  mssps: string[];
  reply: { answered: number; median_minutes: number | null; p90_minutes: number | null };
  time_saved: { requests: number; minutes_per_request: number; hours: number; expected_requests_per_day: number; expected_hours_per_day: number };
  classifiers: { classifier: string; predictions: number; corrected: number; accuracy: number; coverage: number; by_method: Record<string, number>; confusion: [string, string, number][] }[];
  connectors: { connector: string; calls: number; failed: number; error_rate: number; median_ms: number; p95_ms: number }[];
}

export const getInsights = (days = 30) => invoke<Insights>("insights", { days });

/** One call of a playbook run, as stored (for the analyst only). */
export interface StepRecord {
  step: string;
  item: string;
  action: string;
  input: unknown;
  status: "ok" | "no_result" | "failed" | "skipped" | "withheld";
  output: unknown;
  error: string | null;
  error_kind: ErrorKind | null;
  attempts: number;
  duration_ms: number;
  finished_at: string;
  /** Answered from the call cache: when the source gave the answer. */
  cached_at?: string;
}

export interface PlaybookRun {
  id: number;
  request_id: number;
  playbook: string;
  status: string;
  started_at: string;
  finished_at: string | null;
  steps: StepRecord[];
}

export const runTimeline = (id: number) => invoke<PlaybookRun | null>("run_timeline", { id });
/** Runs the request's playbook again (audited). */
/** Adds, removes, corrects or marks "do not disclose" one indicator (audited). */
export const editIndicator = (id: number, edit: IndicatorEdit) => invoke<ReviewScreen>("edit_indicator", { id, edit });
/** The original's HTML body, cleaned by the engine, for the sandboxed view (null: it has none). */
export const originalHtml = (id: number) => invoke<string | null>("original_html", { id });
/** One policy section: its schema (of one item, for a list), the value in force. */
export interface PolicySection {
  key: string;
  title: string;
  description: string;
  schema: Record<string, unknown>;
  list: boolean;
  value: unknown;
  in_file: boolean;
}
export interface PoliciesScreen {
  sections: PolicySection[];
  default_disclosure: Record<string, unknown>;
  keyword_rules: { path: string; text: string; shipped: boolean };
}
export const policies = () => invoke<PoliciesScreen>("policies");
/** Saves one section (audited); the engine takes it at once. */
export const savePolicy = (section: string, value: unknown) => invoke<void>("save_policy", { section, value });
export const saveKeywordRules = (text: string) => invoke<void>("save_keyword_rules", { text });
/** A stored request's reply as it would read under this disclosure policy; nothing is stored. */
export const previewDisclosure = (requestId: number, policy: Record<string, unknown>) => invoke<string>("preview_disclosure", { requestId, policy });
/** The whole run again, or `step` and the steps that need it. */
export const rerunPlaybook = (id: number, step?: string) => invoke<ReviewScreen>("rerun_playbook", { id, step: step ?? null });

/** The kind of an error as a person reads it ("Source unavailable"). */
export function kindLabel(kind: ErrorKind | null): string {
  return kind ? KIND_LABEL[kind] : "Failed";
}
