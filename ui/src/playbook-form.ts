// The playbook form editor's logic: which fields a step has (from the
// playbook JSON Schema), which inputs an action takes (from the connector
// registry's input schemas), and the edits that keep a playbook whole
// (renaming or removing a step updates what names it). The engine turns the
// model into YAML and checks it; nothing here writes YAML.
import { choicesOf, fieldsOf, resolve, type Field, type Schema } from "./schema-form";

export interface StepModel {
  id: string;
  action: string;
  for_each?: { kinds: string[] } | null;
  input?: Record<string, string>;
  when?: string | null;
  needs?: string[];
  timeout_seconds?: number;
  retries?: number;
  on_error?: string;
  [other: string]: unknown;
}

export interface PlaybookModel {
  name: string;
  description?: string;
  trigger: { request_types: string[]; indicator_kinds?: string[] };
  steps?: StepModel[];
  report?: string[];
}

export interface ActionSpec {
  name: string;
  connector: string;
  description: string;
  inputs: string[];
  input_schema: Schema;
}

export interface PlaybookFormCatalog {
  schema: Schema;
  actions: ActionSpec[];
  request_types: string[];
}

/** The fields a step has that the form draws as plain fields, from the schema (action, inputs, kinds and needs have their own controls). */
export function stepFields(schema: Schema): Field[] {
  const step = resolve({ $ref: "#/$defs/Step" }, schema);
  const own = new Set(["action", "input", "for_each", "needs"]);
  return fieldsOf({ ...step, $defs: schema["$defs"] }).filter((f) => !own.has(f.key));
}

/** The indicator kinds a trigger or `for_each` may name. */
export function kindOptions(schema: Schema): string[] {
  return choicesOf(resolve({ $ref: "#/$defs/Kind" }, schema)) ?? [];
}

/** An action's inputs as form fields (required first, each with its description). */
export function inputFields(action: ActionSpec | undefined): Field[] {
  return action ? fieldsOf(action.input_schema) : [];
}

/** A fresh step id: `<action's last part>`, or with `_2`, `_3`… when taken. */
export function freshId(steps: StepModel[], action: string): string {
  const base = (action.split(".").pop() || "step").replace(/[^A-Za-z0-9_]/g, "_");
  const taken = new Set(steps.map((s) => s.id));
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}_${n}`)) return `${base}_${n}`;
}

/** A new step for an action: once per indicator of `kinds`, each required input from the indicator. */
export function newStep(steps: StepModel[], action: ActionSpec, kinds: string[]): StepModel {
  const step: StepModel = { id: freshId(steps, action.name), action: action.name, input: {} };
  if (kinds.length > 0) step.for_each = { kinds: [...kinds] };
  for (const name of action.inputs) step.input![name] = kinds.length > 0 ? "{{ item.value }}" : "";
  return step;
}

/** Switches a step to another action: inputs the new one also takes are kept, the others dropped, missing required ones added empty. */
export function withAction(step: StepModel, action: ActionSpec): StepModel {
  const input: Record<string, string> = {};
  const allowed = new Set(Object.keys((action.input_schema["properties"] as Schema | undefined) ?? {}));
  for (const [k, v] of Object.entries(step.input ?? {})) if (allowed.has(k)) input[k] = v;
  for (const name of action.inputs) if (!(name in input)) input[name] = step.for_each ? "{{ item.value }}" : "";
  return { ...step, action: action.name, input };
}

const stepRef = (id: string) => new RegExp(`(^|[^A-Za-z0-9_.])steps\\.${id.replace(/[^A-Za-z0-9_-]/g, "")}(?![A-Za-z0-9_-])`, "g");

/** Renames a step and everything that names it: `needs`, the report list, and `steps.<id>` in templates. */
export function renameStep(model: PlaybookModel, from: string, to: string): PlaybookModel {
  const rewrite = (text: string) => text.replace(stepRef(from), (_m, before: string) => `${before}steps.${to}`);
  const steps = (model.steps ?? []).map((s) => ({
    ...s,
    id: s.id === from ? to : s.id,
    needs: s.needs?.map((n) => (n === from ? to : n)),
    when: typeof s.when === "string" ? rewrite(s.when) : s.when,
    input: s.input ? Object.fromEntries(Object.entries(s.input).map(([k, v]) => [k, rewrite(v)])) : s.input,
  }));
  return { ...model, steps, report: model.report?.map((r) => (r === from ? to : r)) };
}

/** Removes a step, and its id from other steps' `needs` and from the report list. */
export function removeStep(model: PlaybookModel, id: string): PlaybookModel {
  const steps = (model.steps ?? []).filter((s) => s.id !== id).map((s) => ({ ...s, needs: s.needs?.filter((n) => n !== id) }));
  return { ...model, steps, report: model.report?.filter((r) => r !== id) };
}

/** Moves the step at `index` up (-1) or down (+1). */
export function moveStep(steps: StepModel[], index: number, by: -1 | 1): StepModel[] {
  const to = index + by;
  if (to < 0 || to >= steps.length) return steps;
  const out = [...steps];
  [out[index], out[to]] = [out[to], out[index]];
  return out;
}

/** A plain field's value as the form shows it. */
export function shown(step: StepModel, f: Field): string {
  const v = step[f.key];
  return v === undefined || v === null ? "" : String(v);
}

/** Sets a plain field from what was typed; an empty optional field goes back to its default. Returns the problem, if any. */
export function setField(step: StepModel, f: Field, typed: string): string | null {
  const text = typed.trim();
  if (text === "") {
    if (f.required) return "required";
    delete step[f.key];
    return null;
  }
  if (f.type === "integer") {
    if (!/^\d+$/.test(text)) return "a whole number";
    step[f.key] = Number(text);
  } else if (f.type === "choice" && !f.options.includes(text)) {
    return `one of ${f.options.join(", ")}`;
  } else {
    step[f.key] = f.type === "string" && f.key !== "when" ? text : typed;
  }
  return null;
}

/** The engine's problems by the step they name (`step "x": …`); the rest under "". */
export function problemsByStep(problems: { line: number; message: string }[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const p of problems) {
    const m = /^step "([^"]*)":? (.*)$/.exec(p.message);
    const key = m ? m[1] : "";
    out.set(key, [...(out.get(key) ?? []), m ? m[2] : p.message]);
  }
  return out;
}

/** Toggles a value in a list (kinds, request types, needs, report). */
export function toggled(list: string[] | undefined, value: string, on: boolean): string[] {
  const rest = (list ?? []).filter((x) => x !== value);
  return on ? [...rest, value] : rest;
}
