import { describe, expect, it } from "vitest";
import { nextTheme } from "./theme";

describe("the theme switch", () => {
  it("cycles system, light, dark", () => {
    expect(nextTheme("system", 1)).toBe("light");
    expect(nextTheme("light", 1)).toBe("dark");
    expect(nextTheme("dark", 1)).toBe("system");
  });
  it("reads a missing or unknown stored value as system", () => {
    expect(nextTheme(null, 0)).toBe("system");
    expect(nextTheme("purple", 0)).toBe("system");
  });
});
