import { describe, expect, it } from "vitest";
import { searchAudit, verdictText } from "./audit-logic";

const entries = [
  { id: 1, at: "2026-12-02T08:00:00Z", actor: "alice", action: "redact", request_id: 7, detail: "{}" },
  { id: 2, at: "2026-12-02T08:01:00Z", actor: "bob", action: "approve", request_id: 7, detail: "{}" },
  { id: 3, at: "2026-12-02T08:02:00Z", actor: "drawbridge", action: "sent", request_id: 8, detail: "{\"smtp\":\"250 ok\"}" },
];

describe("the audit screen", () => {
  it("searches by every word and lists the newest first", () => {
    expect(searchAudit(entries, "").map((e) => e.id)).toEqual([3, 2, 1]);
    expect(searchAudit(entries, "db-7 approve").map((e) => e.id)).toEqual([2]);
    expect(searchAudit(entries, "250").map((e) => e.id)).toEqual([3]);
  });
  it("says what the chain check found", () => {
    expect(verdictText({ entries: 3, mac_checked: 0, without_mac: 3, broken_at: null })).toContain("All 3 entries chain up; no audit key");
    expect(verdictText({ entries: 3, mac_checked: 3, without_mac: 0, broken_at: null })).toContain("3 MAC(s) checked");
    expect(verdictText({ entries: 3, mac_checked: 1, without_mac: 0, broken_at: [2, "hash does not match"] })).toBe("The chain is broken at entry 2: hash does not match");
  });
});
