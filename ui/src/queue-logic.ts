/** What the queue shows: the search words (all must appear in the row's
 * sender, subject, type, assignee or number), and the state and type chosen. */
export interface QueueFilter {
  text: string;
  state: string; // "" for any; "new" for requests without a draft yet
  type: string; // "" for any
}

interface Row {
  id: number;
  sender: string | null;
  subject: string | null;
  request_type: string | null;
  assignee: string | null;
  review_state: string | null;
  status: string;
}

export function filterRequests<R extends Row>(rows: R[], f: QueueFilter): R[] {
  const words = f.text.toLowerCase().split(/\s+/).filter((w) => w !== "");
  return rows.filter((r) => {
    const state = r.status === "quarantined" ? "quarantined" : (r.review_state ?? "new");
    if (f.state !== "" && state !== f.state) return false;
    if (f.type !== "" && r.request_type !== f.type) return false;
    const hay = [String(r.id), r.sender ?? "", r.subject ?? "", r.request_type ?? "", r.assignee ?? ""].join(" ").toLowerCase();
    return words.every((w) => hay.includes(w));
  });
}

/** j/k (and the arrows) move the selection, staying in the list. */
export function moveSelection(current: number, key: string, length: number): number {
  if (length === 0) return -1;
  if (key === "j" || key === "ArrowDown") return Math.min(length - 1, current + 1);
  if (key === "k" || key === "ArrowUp") return Math.max(0, current - 1);
  return current;
}
