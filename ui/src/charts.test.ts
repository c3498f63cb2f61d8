import { describe, expect, it } from "vitest";
import { barLengths, confusionGrid, everyDay, minutesText, niceMax, stackedBars } from "./charts";

describe("chart geometry", () => {
  it("rounds an axis up to 1, 2 or 5 times a power of ten", () => {
    expect([niceMax(0), niceMax(3), niceMax(7), niceMax(12), niceMax(180), niceMax(1000)]).toEqual([1, 5, 10, 20, 200, 1000]);
  });

  it("stacks each bar in series order from the bottom, scaled to the axis", () => {
    const { bars, max } = stackedBars(
      [
        { label: "11-30", parts: { enrichment: 6, phishing: 2 } },
        { label: "12-01", parts: { phishing: 1 } },
      ],
      ["enrichment", "phishing"],
      200,
      100,
    );
    expect(max).toBe(10);
    expect(bars[0].total).toBe(8);
    expect(bars[0].segments.map((s) => [s.series, s.y, s.height])).toEqual([["enrichment", 40, 60], ["phishing", 20, 20]]);
    expect(bars[1].segments[0].colour).toBe(bars[0].segments[1].colour);
    expect(bars[1].x).toBeCloseTo(110);
    expect(bars[0].width).toBeCloseTo(80);
  });

  it("scales horizontal bars to the longest", () => {
    expect(barLengths([50, 100, 0], 300)).toEqual([150, 300, 0]);
    expect(barLengths([0, 0], 300)).toEqual([0, 0]);
  });

  it("lays the correction log out as predicted × final", () => {
    const g = confusionGrid([["enrichment", "enrichment", 7], ["enrichment", "phishing", 2], ["phishing", "phishing", 3]]);
    expect(g.labels).toEqual(["enrichment", "phishing"]);
    expect(g.counts).toEqual([[7, 2], [0, 3]]);
    expect(g.max).toBe(7);
  });

  it("says durations in the unit that reads best", () => {
    expect([minutesText(null), minutesText(0.5), minutesText(12.4), minutesText(210), minutesText(3000)]).toEqual(["—", "30 s", "12 min", "3.5 h", "2.1 d"]);
  });
});

describe("the days of a period", () => {
  it("are all there, the days with data in place", () => {
    const filled = everyDay([{ day: "2026-11-30", n: 3 }], "2026-11-28T10:00:00Z", "2026-12-01", (day) => ({ day, n: 0 }));
    expect(filled).toEqual([{ day: "2026-11-28", n: 0 }, { day: "2026-11-29", n: 0 }, { day: "2026-11-30", n: 3 }, { day: "2026-12-01", n: 0 }]);
  });
});
