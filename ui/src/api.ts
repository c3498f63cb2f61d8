// The only place the UI talks to the engine: Tauri commands in src-tauri.
import { invoke } from "@tauri-apps/api/core";

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
  review_state: string | null;
}

export interface RequestDetail extends RequestSummary {
  message_id: string | null;
  parsed: { text?: string; subject?: string; from?: { address: string; name?: string } } | null;
  indicators: { kind: string; value: string }[];
}

export interface Fact {
  id: string;
  label: string;
  value: string;
  class: string;
  disclosure: "shared" | "masked" | "withheld";
  reason: string | null;
}

export interface Finding {
  source: string;
  step: string;
  status: "found" | "no_result" | "unavailable" | "not_asked";
  note: string | null;
  queried_at: string | null;
  facts: Fact[];
}

export interface Report {
  reference: string;
  summary: string;
  window: { start: string; end: string; source: string } | null;
  indicators: { kind: string; value: string; findings: Finding[] }[];
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
  outbox: { id: number; state: string; attempts: number; last_error: string | null; smtp_response: string | null; sent_at: string | null }[];
  analyst: string;
  run_status: string | null;
}

export function listRequests(limit = 200): Promise<RequestSummary[]> {
  return invoke<RequestSummary[]>("list_requests", { limit });
}

export function getRequest(id: number): Promise<RequestDetail> {
  return invoke<RequestDetail>("get_request", { id });
}

export function getReview(id: number): Promise<ReviewScreen> {
  return invoke<ReviewScreen>("get_review", { id });
}

export type ReviewAction = "redact" | "reveal" | "reset" | "summary" | "approve" | "reject";

export function reviewAction(id: number, action: ReviewAction, opts: { fact?: string; text?: string } = {}): Promise<ReviewScreen> {
  return invoke<ReviewScreen>("review_action", { id, action, fact: opts.fact ?? null, text: opts.text ?? null });
}
