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
}

export function listRequests(limit = 200): Promise<RequestSummary[]> {
  return invoke<RequestSummary[]>("list_requests", { limit });
}
