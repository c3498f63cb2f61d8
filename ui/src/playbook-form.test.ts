import { describe, expect, it } from "vitest";
import schema from "../../playbooks/schema.json";
import {
  freshId, inputFields, kindOptions, moveStep, newStep, problemsByStep, removeStep, renameStep, setField, stepFields, withAction,
  type ActionSpec, type PlaybookModel,
} from "./playbook-form";

const lookup: ActionSpec = {
  name: "asset.lookup", connector: "asset", description: "The inventory record", inputs: ["name"],
  input_schema: { type: "object", properties: { name: { type: "string", description: "Host, IP or MAC" } }, required: ["name"] },
};
const user: ActionSpec = {
  name: "active_directory.user", connector: "active_directory", description: "An account", inputs: ["identifier"],
  input_schema: { type: "object", properties: { identifier: { type: "string" }, name: { type: "string" } }, required: ["identifier"] },
};

describe("playbook form", () => {
  it("takes a step's plain fields and the kinds from the playbook schema", () => {
    const keys = stepFields(schema).map((f) => f.key);
    expect([...keys].sort()).toEqual(["id", "on_error", "retries", "timeout_seconds", "when"]);
    const onError = stepFields(schema).find((f) => f.key === "on_error");
    expect(onError?.type).toBe("choice");
    expect(onError?.options).toEqual(["continue", "fail"]);
    expect(stepFields(schema).find((f) => f.key === "retries")?.placeholder).toBe("2");
    const kinds = kindOptions(schema);
    expect(kinds).toContain("ipv4");
    expect(kinds).toContain("hostname");
    expect(kinds).toContain("account");
  });

  it("takes an action's inputs from its input schema", () => {
    expect(inputFields(user).map((f) => [f.key, f.required])).toEqual([["identifier", true], ["name", false]]);
    expect(inputFields(undefined)).toEqual([]);
  });

  it("makes new steps with unique ids and inputs from the indicator", () => {
    const first = newStep([], lookup, ["hostname"]);
    expect(first).toEqual({ id: "lookup", action: "asset.lookup", for_each: { kinds: ["hostname"] }, input: { name: "{{ item.value }}" } });
    expect(freshId([first], "asset.lookup")).toBe("lookup_2");
    expect(newStep([first], lookup, []).input).toEqual({ name: "" });
  });

  it("keeps the inputs the new action also takes", () => {
    const step = { id: "a", action: "asset.lookup", input: { name: "{{ item.value }}", other: "x" }, for_each: { kinds: ["hostname"] } };
    expect(withAction(step, user).input).toEqual({ name: "{{ item.value }}", identifier: "{{ item.value }}" });
  });

  it("renames a step everywhere it is named, and removes it cleanly", () => {
    const model: PlaybookModel = {
      name: "p", trigger: { request_types: ["enrichment"] }, report: ["a", "b"],
      steps: [
        { id: "a", action: "asset.lookup", input: { name: "x" } },
        { id: "b", action: "active_directory.user", needs: ["a"], when: "steps.a.status == 'ok' and mysteps.a", input: { identifier: "{{ steps.a.output.owner }}" } },
      ],
    };
    const renamed = renameStep(model, "a", "asset");
    expect(renamed.steps?.map((s) => s.id)).toEqual(["asset", "b"]);
    expect(renamed.steps?.[1].needs).toEqual(["asset"]);
    expect(renamed.steps?.[1].when).toBe("steps.asset.status == 'ok' and mysteps.a");
    expect(renamed.steps?.[1].input?.identifier).toBe("{{ steps.asset.output.owner }}");
    expect(renamed.report).toEqual(["asset", "b"]);
    const removed = removeStep(renamed, "asset");
    expect(removed.steps?.map((s) => s.id)).toEqual(["b"]);
    expect(removed.steps?.[0].needs).toEqual([]);
    expect(removed.report).toEqual(["b"]);
    expect(moveStep(model.steps!, 1, -1).map((s) => s.id)).toEqual(["b", "a"]);
    expect(moveStep(model.steps!, 0, -1).map((s) => s.id)).toEqual(["a", "b"]);
  });

  it("types plain fields, an empty one going back to its default", () => {
    const fields = stepFields(schema);
    const retries = fields.find((f) => f.key === "retries")!;
    const step: Record<string, unknown> & { id: string; action: string } = { id: "a", action: "asset.lookup", retries: 5 };
    expect(setField(step, retries, "two")).toBe("a whole number");
    expect(step.retries).toBe(5);
    expect(setField(step, retries, "")).toBeNull();
    expect("retries" in step).toBe(false);
    expect(setField(step, fields.find((f) => f.key === "on_error")!, "explode")).toBe("one of continue, fail");
    expect(setField(step, fields.find((f) => f.key === "id")!, " ")).toBe("required");
  });

  it("files the engine's problems under their step", () => {
    const by = problemsByStep([
      { line: 5, message: 'step "b": action asset.lookup needs input "name"' },
      { line: 7, message: 'step "b" is defined twice' },
      { line: 2, message: 'trigger.request_types: "x" is not a request type' },
    ]);
    expect(by.get("b")).toEqual(['action asset.lookup needs input "name"', "is defined twice"]);
    expect(by.get("")).toEqual(['trigger.request_types: "x" is not a request type']);
  });
});
