import type { QueueQuery } from "./api";

/** What the queue shows: the search words (all must appear in the row's
 * sender, subject, type, assignee or number), and the state and type chosen.
 * The database does the filtering; this only builds the query. */
export interface QueueFilter {
  text: string;
  state: string; // "" for any; "new" for requests without a draft yet
  type: string; // "" for any
}

/** Rows fetched per call. */
export const PAGE = 100;

export function queueQuery(f: QueueFilter, page: number): QueueQuery {
  return {
    words: f.text.split(/\s+/).filter((w) => w !== ""),
    state: f.state === "" ? null : f.state,
    request_type: f.type === "" ? null : f.type,
    offset: page * PAGE,
    limit: PAGE,
  };
}

/**
 * The rows to draw for a scroll position: those in view plus `overscan`
 * either side; only these are in the DOM, so 10,000 requests scroll as 40.
 */
export function visibleRange(scrollTop: number, viewport: number, rowHeight: number, total: number, overscan = 10): { start: number; end: number } {
  if (total <= 0 || rowHeight <= 0) return { start: 0, end: 0 };
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const count = Math.ceil(Math.max(0, viewport) / rowHeight) + 1;
  const start = Math.max(0, Math.min(total - 1, first) - overscan);
  const end = Math.min(total, first + count + overscan);
  return { start, end };
}

/** The pages that hold rows `start` to `end` (exclusive). */
export function pagesFor(start: number, end: number): number[] {
  if (end <= start) return [];
  const pages: number[] = [];
  for (let p = Math.floor(start / PAGE); p <= Math.floor((end - 1) / PAGE); p++) pages.push(p);
  return pages;
}

/** j/k (and the arrows) move the selection, staying in the list. */
export function moveSelection(current: number, key: string, length: number): number {
  if (length === 0) return -1;
  if (key === "j" || key === "ArrowDown") return Math.min(length - 1, current + 1);
  if (key === "k" || key === "ArrowUp") return Math.max(0, current - 1);
  return current;
}
