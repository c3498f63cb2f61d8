import { describe, expect, it } from "vitest";
import { describeError, reviewRequest, toFailure } from "./api";

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

describe("review requests", () => {
  it("carry exactly the field their action needs", () => {
    expect(reviewRequest("redact", { fact: "f", text: "ignored", digest: "ignored" })).toEqual({ action: "redact", fact: "f" });
    expect(reviewRequest("approve", { digest: "d", fact: "ignored" })).toEqual({ action: "approve", digest: "d" });
    expect(reviewRequest("reject", { text: "outside our contract" })).toEqual({ action: "reject", text: "outside our contract" });
    expect(reviewRequest("approve")).toEqual({ action: "approve", digest: "" });
  });
});
