import { describe, expect, it } from "vitest";
import type { ReviewScreen } from "./api";
import { allowed, correctionOptions, keyAction, summaryAfterUpdate, toggleFor } from "./review-logic";

function review(over: Partial<ReviewScreen> = {}): ReviewScreen {
  return {
    state: "draft",
    report: { reference: "DB-1", summary: "generated summary", window: null, indicators: [], asked_before: [] },
    rendered: { text: "", html: "", json: "", digest: "d1" },
    html_for_display: "",
    generated_text: "",
    diff: [],
    approvals: [],
    approvals_required: 1,
    reject_reason: null,
    recipients: [],
    no_reply: null,
    outbox: [],
    analyst: "alice",
    run_status: "completed",
    source_errors: [],
    tickets: [],
    task_closed: null,
    ...over,
  };
}

describe("what the review screen allows", () => {
  it("approves a finished draft", () => {
    expect(allowed(review())).toEqual({ editable: true, gathering: false, canApprove: true });
  });
  it("waits while the playbook gathers", () => {
    expect(allowed(review({ run_status: "running" }))).toMatchObject({ gathering: true, canApprove: false });
    expect(allowed(review({ run_status: null }))).toMatchObject({ gathering: true, canApprove: false });
  });
  it("freezes a sent report and approves nothing twice", () => {
    expect(allowed(review({ state: "sent" }))).toMatchObject({ editable: false, canApprove: false });
    expect(allowed(review({ state: "queued" }))).toMatchObject({ editable: true, canApprove: false });
  });
  it("allows nothing before the review has loaded", () => {
    expect(allowed(null)).toEqual({ editable: false, gathering: false, canApprove: false });
  });
});

describe("keyboard shortcuts", () => {
  const ready = allowed(review());
  it("A approves, R rejects, Esc goes back", () => {
    expect(keyAction({ key: "a" }, ready)).toBe("approve");
    expect(keyAction({ key: "A" }, ready)).toBe("approve");
    expect(keyAction({ key: "r" }, ready)).toBe("reject");
    expect(keyAction({ key: "Escape" }, ready)).toBe("close");
    expect(keyAction({ key: "x" }, ready)).toBeNull();
  });
  it("Ctrl+A and Cmd+A select text; they never approve", () => {
    expect(keyAction({ key: "a", ctrlKey: true }, ready)).toBeNull();
    expect(keyAction({ key: "a", metaKey: true }, ready)).toBeNull();
    expect(keyAction({ key: "r", altKey: true }, ready)).toBeNull();
  });
  it("typing in a field is typing, not a shortcut", () => {
    expect(keyAction({ key: "a", targetTag: "TEXTAREA" }, ready)).toBeNull();
    expect(keyAction({ key: "r", targetTag: "INPUT" }, ready)).toBeNull();
    expect(keyAction({ key: "Escape", targetTag: "TEXTAREA" }, ready)).toBeNull();
  });
  it("A does nothing while gathering or once sent", () => {
    expect(keyAction({ key: "a" }, allowed(review({ run_status: "running" })))).toBeNull();
    expect(keyAction({ key: "a" }, allowed(review({ state: "sent" })))).toBeNull();
    expect(keyAction({ key: "r" }, allowed(review({ state: "sent" })))).toBeNull();
  });
});

describe("state updates", () => {
  it("a poll does not overwrite a summary being edited", () => {
    expect(summaryAfterUpdate("my unsaved words", true, review())).toBe("my unsaved words");
  });
  it("otherwise the summary follows the report", () => {
    expect(summaryAfterUpdate("old", false, review())).toBe("generated summary");
  });
  it("a click reveals a policy-withheld value, resets a redacted one, redacts the rest", () => {
    const fact = { id: "f", term: "user.name", label: "l", value: "v", class: "other", reason: null };
    expect(toggleFor({ ...fact, disclosure: "withheld", reason: "personal name" })).toEqual({ action: "reveal", fact: "f" });
    expect(toggleFor({ ...fact, disclosure: "withheld", reason: "redacted by the analyst" })).toEqual({ action: "reset", fact: "f" });
    expect(toggleFor({ ...fact, disclosure: "shared" })).toEqual({ action: "redact", fact: "f" });
    expect(toggleFor({ ...fact, disclosure: "masked" })).toEqual({ action: "redact", fact: "f" });
  });
});

describe("label correction", () => {
  const choices = [
    { classifier: "request_type", labels: ["enrichment", "phishing", "default"] },
    { classifier: "priority", labels: ["P1", "P2", "P3", "P4"] },
  ];
  it("offers the other labels of the classifier", () => {
    expect(correctionOptions(choices, "request_type", "phishing")).toEqual(["enrichment", "default"]);
    expect(correctionOptions(choices, "priority", undefined)).toEqual(["P1", "P2", "P3", "P4"]);
  });
  it("offers nothing for a classifier it does not know", () => {
    expect(correctionOptions(choices, "nonsense", "x")).toEqual([]);
  });
});
