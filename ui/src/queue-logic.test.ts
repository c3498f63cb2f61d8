import { describe, expect, it } from "vitest";
import { filterRequests, moveSelection } from "./queue-logic";

const rows = [
  { id: 1, sender: "analyst@mssp.example.net", subject: "Who owns WKS-FIN-042?", request_type: "enrichment", assignee: "alice", review_state: "draft", status: "new" },
  { id: 2, sender: "analyst@mssp.example.net", subject: "Invoice overdue", request_type: "phishing", assignee: null, review_state: null, status: "new" },
  { id: 3, sender: "alerts@evil.test", subject: "disable CORP\\ceo", request_type: null, assignee: null, review_state: null, status: "quarantined" },
];

describe("the queue", () => {
  it("finds rows by every word typed", () => {
    expect(filterRequests(rows, { text: "wks-fin alice", state: "", type: "" }).map((r) => r.id)).toEqual([1]);
    expect(filterRequests(rows, { text: "mssp", state: "", type: "" }).map((r) => r.id)).toEqual([1, 2]);
    expect(filterRequests(rows, { text: "nothing-like-this", state: "", type: "" })).toEqual([]);
  });
  it("filters by state and type", () => {
    expect(filterRequests(rows, { text: "", state: "new", type: "" }).map((r) => r.id)).toEqual([2]);
    expect(filterRequests(rows, { text: "", state: "quarantined", type: "" }).map((r) => r.id)).toEqual([3]);
    expect(filterRequests(rows, { text: "", state: "", type: "phishing" }).map((r) => r.id)).toEqual([2]);
  });
  it("moves the selection with j and k within the list", () => {
    expect(moveSelection(-1, "j", 3)).toBe(0);
    expect(moveSelection(2, "j", 3)).toBe(2);
    expect(moveSelection(0, "k", 3)).toBe(0);
    expect(moveSelection(1, "ArrowUp", 3)).toBe(0);
    expect(moveSelection(1, "x", 3)).toBe(1);
    expect(moveSelection(0, "j", 0)).toBe(-1);
  });
});
