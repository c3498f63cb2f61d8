import { describe, expect, it } from "vitest";
import { PAGE, moveSelection, pagesFor, queueQuery, visibleRange } from "./queue-logic";

describe("the queue", () => {
  it("asks the database for every word typed, the state and the type, a page at a time", () => {
    expect(queueQuery({ text: "  wks-fin   alice ", state: "", type: "" }, 0)).toEqual({ words: ["wks-fin", "alice"], state: null, request_type: null, offset: 0, limit: PAGE });
    expect(queueQuery({ text: "", state: "quarantined", type: "phishing" }, 3)).toEqual({ words: [], state: "quarantined", request_type: "phishing", offset: 3 * PAGE, limit: PAGE });
  });

  it("draws only the rows in view, with some either side", () => {
    // 10,000 rows of 36 px, a 720 px window scrolled to row 5,000.
    const r = visibleRange(5000 * 36, 720, 36, 10_000, 10);
    expect(r).toEqual({ start: 4990, end: 5031 });
    expect(r.end - r.start).toBeLessThan(50);
    expect(visibleRange(0, 720, 36, 3)).toEqual({ start: 0, end: 3 });
    expect(visibleRange(0, 720, 36, 0)).toEqual({ start: 0, end: 0 });
    // Scrolled past the end (the list shrank): the last rows, not none.
    expect(visibleRange(1e6, 720, 36, 5, 2)).toEqual({ start: 2, end: 5 });
  });

  it("fetches the pages that hold the rows drawn", () => {
    expect(pagesFor(0, 30)).toEqual([0]);
    expect(pagesFor(90, 130)).toEqual([0, 1]);
    expect(pagesFor(4990, 5031)).toEqual([49, 50]);
    expect(pagesFor(5, 5)).toEqual([]);
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
