import { describe, expect, it } from "vitest";
import { playbookName, problemsByLine } from "./playbook-logic";

describe("the playbook editor", () => {
  it("puts each problem beside its line", () => {
    const rows = problemsByLine("name: x\nsteps:\n  - id: a", [
      { line: 3, message: "step a: unknown action" },
      { line: 9, message: "past the end" },
    ]);
    expect(rows.map((r) => r.number)).toEqual([1, 2, 3]);
    expect(rows[0].problems).toEqual([]);
    expect(rows[2].problems).toEqual(["step a: unknown action", "past the end"]);
  });
  it("accepts only safe names", () => {
    expect(playbookName(" lost-laptop.yaml ")).toBe("lost-laptop");
    expect(playbookName("../etc/passwd")).toBeNull();
    expect(playbookName("")).toBeNull();
  });
});
