// The review screen's decisions, apart from the component so they can be
// tested: which key does what, what the screen allows now, and how a fresh
// copy of the review (a poll or an action's answer) updates local state.
import type { Fact, ReviewScreen } from "./api";

/** What the review screen allows, given the review as it stands. */
export interface Allowed {
  /** The report may still change (not sent). */
  editable: boolean;
  /** The playbook is still gathering findings. */
  gathering: boolean;
  /** An approval can be given now. */
  canApprove: boolean;
}

export function allowed(review: ReviewScreen | null): Allowed {
  if (review === null) return { editable: false, gathering: false, canApprove: false };
  const gathering = review.run_status !== "completed" && review.run_status !== "failed";
  return { editable: review.state !== "sent", gathering, canApprove: review.state === "draft" && !gathering };
}

/** The parts of a keyboard event the shortcuts look at. */
export interface Key {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
  /** The focused element's tag (`TEXTAREA`, `INPUT`…), if any. */
  targetTag?: string;
}

export type KeyAction = "approve" | "reject" | "close" | null;

/**
 * Shortcuts: A approves, R opens the rejection, Esc goes back. Never while
 * typing, and never with a modifier (Ctrl/Cmd+A selects text; it must not
 * approve a report).
 */
export function keyAction(k: Key, can: Allowed): KeyAction {
  if (k.targetTag === "TEXTAREA" || k.targetTag === "INPUT" || k.targetTag === "SELECT") return null;
  if (k.key === "Escape") return "close";
  if (k.ctrlKey || k.metaKey || k.altKey) return null;
  if ((k.key === "a" || k.key === "A") && can.canApprove) return "approve";
  if ((k.key === "r" || k.key === "R") && can.editable) return "reject";
  return null;
}

/** Clicking a value: reveal what is withheld by policy, reset what the analyst redacted, else redact. */
export function toggleFor(f: Fact): { action: "redact" | "reveal" | "reset"; fact: string } {
  if (f.disclosure === "withheld") return { action: f.reason === "redacted by the analyst" ? "reset" : "reveal", fact: f.id };
  return { action: "redact", fact: f.id };
}

/**
 * The summary text box after a fresh copy of the review arrives: it follows
 * the report, except while the analyst is editing it, when their unsaved
 * text stays.
 */
export function summaryAfterUpdate(current: string, editing: boolean, incoming: ReviewScreen): string {
  return editing ? current : incoming.report.summary;
}

/** What a label correction form offers: the classifier's labels except the
 * current one, and whether a choice would change anything. */
export function correctionOptions(choices: { classifier: string; labels: string[] }[], classifier: string, current: string | null | undefined): string[] {
  const found = choices.find((c) => c.classifier === classifier);
  return found ? found.labels.filter((l) => l !== current) : [];
}
