// Geometry for the Insights charts (plain SVG, nothing loaded): stacked
// bars, horizontal bars and a confusion grid. No drawing here, only numbers.

/** Okabe–Ito: told apart with every common colour-vision deficiency. */
export const PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999"];

export function colourOf(index: number): string {
  return PALETTE[index % PALETTE.length];
}

/** A round maximum for an axis (1, 2, 5 × 10ⁿ) at or above `max`. */
export function niceMax(max: number): number {
  if (!(max > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 5, 10]) if (step * power >= max) return step * power;
  return 10 * power;
}

export interface Segment {
  series: string;
  value: number;
  y: number;
  height: number;
  colour: string;
}

export interface Bar {
  label: string;
  x: number;
  width: number;
  total: number;
  segments: Segment[];
}

/**
 * Bars of `width`×`height` pixels, one per entry, each stacked in the order of
 * `series` (series beyond the palette share its last colour, "other").
 */
export function stackedBars(entries: { label: string; parts: Record<string, number> }[], series: string[], width: number, height: number): { bars: Bar[]; max: number } {
  const totals = entries.map((e) => Object.values(e.parts).reduce((a, b) => a + b, 0));
  const max = niceMax(Math.max(0, ...totals));
  const slot = entries.length > 0 ? width / entries.length : width;
  const barWidth = Math.max(1, slot * 0.8);
  const bars = entries.map((e, i) => {
    let top = height;
    const segments: Segment[] = [];
    series.forEach((s, k) => {
      const value = e.parts[s] ?? 0;
      if (value <= 0) return;
      const h = (value / max) * height;
      top -= h;
      segments.push({ series: s, value, y: top, height: h, colour: colourOf(k) });
    });
    return { label: e.label, x: i * slot + (slot - barWidth) / 2, width: barWidth, total: totals[i], segments };
  });
  return { bars, max };
}

/** Horizontal bar lengths for `values`, the longest filling `width`. */
export function barLengths(values: number[], width: number): number[] {
  const max = Math.max(0, ...values);
  return values.map((v) => (max > 0 ? (Math.max(0, v) / max) * width : 0));
}

/** (predicted, final, count) pairs as a square grid: rows predicted, columns final. */
export function confusionGrid(pairs: [string, string, number][]): { labels: string[]; counts: number[][]; max: number } {
  const labels = [...new Set(pairs.flatMap(([p, f]) => [p, f]))].sort();
  const counts = labels.map(() => labels.map(() => 0));
  for (const [p, f, n] of pairs) counts[labels.indexOf(p)][labels.indexOf(f)] += n;
  return { labels, counts, max: Math.max(0, ...counts.flat()) };
}

/** "45 s", "12 min", "3.5 h", "2.1 d". */
export function minutesText(minutes: number | null): string {
  if (minutes === null) return "—";
  if (minutes < 1) return `${Math.round(minutes * 60)} s`;
  if (minutes < 90) return `${Math.round(minutes)} min`;
  if (minutes < 60 * 36) return `${(minutes / 60).toFixed(1)} h`;
  return `${(minutes / 1440).toFixed(1)} d`;
}

/** Every day from `since` (exclusive of its time) to `today` (`YYYY-MM-DD`, UTC), with the days that have data in place. */
export function everyDay<T extends { day: string }>(days: T[], since: string, today: string, blank: (day: string) => T): T[] {
  const byDay = new Map(days.map((d) => [d.day, d]));
  const out: T[] = [];
  const start = new Date(`${since.slice(0, 10)}T00:00:00Z`);
  const end = new Date(`${today}T00:00:00Z`);
  if (isNaN(start.getTime()) || isNaN(end.getTime())) return days;
  for (let t = start.getTime(); t <= end.getTime() && out.length < 400; t += 86400000) {
    const day = new Date(t).toISOString().slice(0, 10);
    out.push(byDay.get(day) ?? blank(day));
  }
  return out;
}
