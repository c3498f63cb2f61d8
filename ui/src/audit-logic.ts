/** Audit entries matching every word typed (actor, action, request, detail), newest first. */
export function searchAudit<E extends { id: number; actor: string; action: string; request_id: number | null; detail: string; at: string }>(entries: E[], text: string): E[] {
  const words = text.toLowerCase().split(/\s+/).filter((w) => w !== "");
  return entries
    .filter((e) => {
      const hay = [e.actor, e.action, e.request_id === null ? "" : `db-${e.request_id} ${e.request_id}`, e.detail, e.at].join(" ").toLowerCase();
      return words.every((w) => hay.includes(w));
    })
    .sort((a, b) => b.id - a.id);
}

/** The chain check in one sentence. */
export function verdictText(v: { entries: number; mac_checked: number; without_mac: number; broken_at: [number, string] | null }): string {
  if (v.broken_at) return `The chain is broken at entry ${v.broken_at[0]}: ${v.broken_at[1]}`;
  const macs = v.mac_checked > 0 ? `; ${v.mac_checked} MAC(s) checked with the audit key` : "; no audit key, so no MAC was checked";
  return `All ${v.entries} entries chain up${macs}.`;
}
