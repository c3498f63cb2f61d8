import { describe, expect, it } from "vitest";
import { describeError, toFailure } from "./api";

describe("errors from the engine", () => {
  it("keep their kind, shown in words", () => {
    expect(toFailure({ kind: "refused", message: "alice has already approved" })).toEqual({ kind: "refused", message: "alice has already approved" });
    expect(describeError({ kind: "unavailable", message: "SIEM down" })).toBe("Source unavailable: SIEM down");
    expect(describeError({ kind: "refused", message: "x" })).toBe("Not allowed: x");
  });
  it("anything else is an internal error with its text", () => {
    expect(toFailure("boom")).toEqual({ kind: "internal", message: "boom" });
    expect(toFailure(new Error("bad"))).toEqual({ kind: "internal", message: "bad" });
    expect(toFailure({ kind: "nonsense", message: "m" }).kind).toBe("internal");
  });
});
