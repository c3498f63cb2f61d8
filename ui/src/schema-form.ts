// A form generated from a JSON Schema (as schemars writes it): the fields,
// and the way back from what was typed to the settings object. Used by the
// Connectors and Policies screens; nothing here knows a connector or a policy.

export type FieldType = "string" | "integer" | "number" | "boolean" | "choice" | "list" | "table" | "json" | "variant" | "map";

export interface Field {
  key: string;
  type: FieldType;
  required: boolean;
  description: string;
  /** For `choice`: the values allowed; for `variant` (a table cell only), the kinds. */
  options: string[];
  /** For `map` (a table cell only): each key holds a list of values, not one. */
  listValues?: boolean;
  /** The schema's default, as the form shows it. */
  placeholder: string;
  /** A field naming a secret (`*_secret`): the value is typed apart and goes to the keyring. */
  secret: boolean;
  /** For `table` (a list of flat records, such as rules): one column per record field. */
  columns?: Field[];
  /** A table of plain settings, shown as its fields (`fieldsOf` flattens it). */
  group?: Field[];
}

export type Schema = Record<string, unknown>;

export function resolve(schema: Schema, root: Schema): Schema {
  const ref = schema["$ref"];
  if (typeof ref === "string" && ref.startsWith("#/")) {
    let at: unknown = root;
    for (const part of ref.slice(2).split("/")) at = (at as Schema | undefined)?.[part];
    if (at && typeof at === "object") return resolve(at as Schema, root);
  }
  return schema;
}

/** The types a property allows, `null` left out (an optional field). */
function typesOf(p: Schema): string[] {
  const t = p["type"];
  const list = Array.isArray(t) ? t.map(String) : typeof t === "string" ? [t] : [];
  return list.filter((x) => x !== "null");
}

/** Values of `enum`, or of `oneOf`/`anyOf` branches that are each one `const`. */
export function choicesOf(p: Schema): string[] | null {
  if (Array.isArray(p["enum"])) return (p["enum"] as unknown[]).filter((v) => v !== null).map(String);
  for (const key of ["oneOf", "anyOf"]) {
    const branches = p[key];
    const plain = (b: Schema) => "const" in b || Array.isArray(b["enum"]) || b["type"] === "null";
    if (Array.isArray(branches) && branches.length > 0 && branches.every((b) => b && typeof b === "object" && plain(b as Schema))) {
      return (branches as Schema[]).flatMap((b) => ("const" in b ? [String(b["const"])] : Array.isArray(b["enum"]) ? (b["enum"] as unknown[]).filter((v) => v !== null).map(String) : []));
    }
  }
  if ("const" in p) return [String(p["const"])];
  return null;
}

/**
 * The kinds of a tagged enum whose every variant holds one plain value
 * (`{ analyst = "alice" }` or `{ queue = "triage" }`), or null.
 */
function variantsOf(p: Schema, root: Schema): string[] | null {
  const branches = p["oneOf"] ?? p["anyOf"];
  if (!Array.isArray(branches) || branches.length === 0) return null;
  const kinds: string[] = [];
  for (const given of branches as Schema[]) {
    const b = resolve(given ?? {}, root);
    const props = b["properties"];
    const keys = props && typeof props === "object" ? Object.keys(props) : [];
    const required = Array.isArray(b["required"]) ? (b["required"] as string[]) : [];
    if (keys.length !== 1 || !required.includes(keys[0])) return null;
    // Text only: the cell writes what was typed as text.
    const t = typesOf(resolve((props as Record<string, Schema>)[keys[0]] ?? {}, root));
    if (t.length !== 1 || t[0] !== "string") return null;
    kinds.push(keys[0]);
  }
  return kinds;
}

/** For a map of text (or of lists of text): whether its values are lists; null when it is not one. */
function mapOf(p: Schema, root: Schema): boolean | null {
  if (typesOf(p)[0] !== "object" || p["properties"]) return null;
  const values = p["additionalProperties"];
  if (values === null || typeof values !== "object") return null;
  const v = resolve(values as Schema, root);
  if (typesOf(v)[0] === "string") return false;
  if (typesOf(v)[0] === "array" && typesOf(resolve((v["items"] as Schema) ?? {}, root))[0] === "string") return true;
  return null;
}

// `cell`: the field is a table's column, where a one-value variant and a
// map of text have cells of their own; elsewhere they are JSON.
function fieldOf(key: string, given: Schema | boolean, root: Schema, required: boolean, cell = false): Field {
  // `true` (any value) is a schema too.
  const raw: Schema = given !== null && typeof given === "object" ? given : {};
  const p = resolve(raw, root);
  const description = String(p["description"] ?? raw["description"] ?? "");
  const def = "default" in p ? p["default"] : raw["default"];
  const placeholder = def === undefined || def === null ? "" : typeof def === "object" ? JSON.stringify(def) : String(def);
  const base = { key, required, description, options: [] as string[], placeholder, secret: key.endsWith("_secret") };
  const choices = choicesOf(p);
  if (choices) return { ...base, type: "choice", options: choices };
  if (cell) {
    const kinds = variantsOf(p, root);
    if (kinds) return { ...base, type: "variant", options: kinds };
    const listValues = mapOf(p, root);
    if (listValues !== null) return { ...base, type: "map", listValues };
  }
  const types = typesOf(p);
  if (types.length === 1) {
    const t = types[0];
    if (t === "string" || t === "integer" || t === "number" || t === "boolean") return { ...base, type: t };
    if (t === "array") {
      const items = resolve((p["items"] as Schema) ?? {}, root);
      // Text, or one of set values (an enum, documented variants as `oneOf` consts).
      if ((typesOf(items).length === 1 && typesOf(items)[0] === "string") || choicesOf(items)) return { ...base, type: "list" };
      // A list of flat records (rules): a table, one column per field.
      if (typesOf(items)[0] === "object" && items["properties"]) {
        const columns = fieldsOf(items, root, true);
        if (columns.length > 0 && columns.every((c) => c.type !== "table")) return { ...base, type: "table", columns };
      }
    }
  }
  // Nested tables, maps, and anything else: edited as JSON.
  return { ...base, type: "json" };
}

/**
 * The fields of an object schema; variants of a tagged enum are merged, the
 * tag becoming a choice. `cells`: they are a table's columns.
 */
export function fieldsOf(schema: Schema, root: Schema = schema, cells = false): Field[] {
  const top = resolve(schema, root);
  const variants = [top, ...(["oneOf", "anyOf"].flatMap((k) => (Array.isArray(top[k]) ? (top[k] as Schema[]) : [])).map((v) => resolve(v, root)))];
  const byKey = new Map<string, Field>();
  const requiredEverywhere = new Map<string, number>();
  let objectVariants = 0;
  for (const v of variants) {
    const props = v["properties"];
    if (!props || typeof props !== "object") continue;
    objectVariants += 1;
    const required = new Set(Array.isArray(v["required"]) ? (v["required"] as string[]) : []);
    for (const [key, raw] of Object.entries(props as Record<string, Schema>)) {
      if (required.has(key)) requiredEverywhere.set(key, (requiredEverywhere.get(key) ?? 0) + 1);
      const field = cells ? fieldOf(key, raw, root, false, true) : groupOf(fieldOf(key, raw, root, false), raw, root);
      const seen = byKey.get(key);
      if (seen && seen.type === "choice" && field.type === "choice") {
        seen.options = [...new Set([...seen.options, ...field.options])];
      } else if (!seen) {
        byKey.set(key, field);
      }
    }
  }
  const fields = [...byKey.values()].map((f) => ({ ...f, required: (requiredEverywhere.get(f.key) ?? 0) === objectVariants }));
  // A table of plain settings (`[intel.escalation]`) is its fields, named by
  // their path (`escalation.dedup_days`); required only where its table is.
  const flat = fields.flatMap((f) => (f.group ? f.group.map((g) => ({ ...g, key: `${f.key}.${g.key}`, required: f.required && g.required })) : [f]));
  // Required fields first, each group in the schema's order.
  return [...flat.filter((f) => f.required), ...flat.filter((f) => !f.required)];
}

const PLAIN: FieldType[] = ["string", "integer", "number", "boolean", "choice", "list"];

/** A JSON field whose schema is a table of plain settings, with those settings as its group. */
function groupOf(field: Field, raw: Schema | boolean, root: Schema): Field {
  if (field.type !== "json" || raw === null || typeof raw !== "object") return field;
  const p = resolve(raw, root);
  if (typesOf(p)[0] !== "object" || !p["properties"] || "additionalProperties" in p && p["additionalProperties"] !== false) return field;
  const group = fieldsOf(p, root);
  return group.length > 0 && group.every((g) => PLAIN.includes(g.type)) ? { ...field, group } : field;
}

/** The value at a field's path (`escalation.dedup_days`). */
function at(settings: Record<string, unknown> | null, key: string): unknown {
  return key.split(".").reduce<unknown>((v, k) => (v !== null && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined), settings);
}

/** Sets the value at a field's path, making the tables on the way. */
function put(settings: Record<string, unknown>, key: string, value: unknown) {
  const path = key.split(".");
  let table = settings;
  for (const k of path.slice(0, -1)) {
    if (table[k] === null || typeof table[k] !== "object") table[k] = {};
    table = table[k] as Record<string, unknown>;
  }
  table[path[path.length - 1]] = value;
}

/**
 * A secret typed with no name for it gets the name the engine would give
 * (`<connector>-<field>`, e.g. `firewall-api-key`), shown in the form.
 */
export function nameSecrets(fields: Field[], values: Values, secretValues: Record<string, string>, connector: string): Values {
  const out = { ...values };
  for (const f of fields) {
    if (f.secret && String(out[f.key] ?? "").trim() === "" && (secretValues[f.key] ?? "") !== "") {
      out[f.key] = `${connector}-${f.key.replace(/_secret$/, "").replaceAll("_", "-")}`;
    }
  }
  return out;
}

export type Values = Record<string, string | boolean>;

/** What the form shows for settings as they are. */
export function valuesOf(fields: Field[], settings: Record<string, unknown> | null): Values {
  const out: Values = {};
  for (const f of fields) {
    const v = at(settings, f.key);
    if (f.type === "boolean") out[f.key] = v === true;
    else if (v === undefined || v === null) out[f.key] = "";
    else if (f.type === "list") out[f.key] = Array.isArray(v) ? v.join("\n") : String(v);
    else if (f.type === "json" || f.type === "table") out[f.key] = JSON.stringify(v, null, 2);
    else out[f.key] = String(v);
  }
  return out;
}

/** The settings object from what was typed, or the problems, each by field. Empty optional fields are left out. */
export function settingsOf(fields: Field[], values: Values): { settings: Record<string, unknown>; problems: Record<string, string> } {
  const settings: Record<string, unknown> = {};
  const problems: Record<string, string> = {};
  for (const f of fields) {
    const raw = values[f.key];
    if (f.type === "boolean") {
      // Inside a table of settings only a ticked box is written, so an
      // untouched table is not made just to hold `false`.
      if (raw === true || !f.key.includes(".")) put(settings, f.key, raw === true);
      continue;
    }
    const text = typeof raw === "string" ? raw.trim() : "";
    if (text === "") {
      if (f.required) problems[f.key] = "required";
      continue;
    }
    switch (f.type) {
      case "integer":
        if (!/^-?\d+$/.test(text)) problems[f.key] = "a whole number";
        else put(settings, f.key, Number(text));
        break;
      case "number":
        if (isNaN(Number(text))) problems[f.key] = "a number";
        else put(settings, f.key, Number(text));
        break;
      case "choice":
        if (!f.options.includes(text)) problems[f.key] = `one of ${f.options.join(", ")}`;
        else put(settings, f.key, text);
        break;
      case "list":
        put(settings, f.key, itemsOf(text, /[\n,]/));
        break;
      case "json":
      case "table":
        try {
          put(settings, f.key, JSON.parse(text));
        } catch {
          problems[f.key] = "not valid JSON";
        }
        break;
      default:
        put(settings, f.key, text);
    }
  }
  return { settings, problems };
}

/** The items of a typed list (`a, b`), trimmed, empty ones left out. */
function itemsOf(text: string, by: RegExp = /,/): string[] {
  return text.split(by).map((s) => s.trim()).filter((s) => s !== "");
}

/** The records of a table field's text (a JSON array); `null` when it is not one. */
export function rowsOf(text: string): Record<string, unknown>[] | null {
  if (text.trim() === "") return [];
  try {
    const v = JSON.parse(text);
    return Array.isArray(v) && v.every((r) => r !== null && typeof r === "object" && !Array.isArray(r)) ? v : null;
  } catch {
    return null;
  }
}

/**
 * A cell's value from what was typed: a number for number columns (kept as
 * typed when it is not one, for the engine to refuse), JSON where an
 * any-typed cell parses (`true`, `5`), else the text; `undefined` when empty
 * (the field is left out).
 */
export function cellOf(column: Field, typed: string | boolean): unknown {
  if (column.type === "boolean") return typed === true;
  const text = String(typed).trim();
  if (text === "") return undefined;
  if (column.type === "list") return itemsOf(text);
  if (column.type === "map") return mapCell(text, column.listValues === true);
  if (column.type === "integer" || column.type === "number") return isNaN(Number(text)) ? text : Number(text);
  if (column.type === "json") {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

/**
 * A map cell's value from `key: a, b; other: c`; the text as typed when an
 * entry has no key (for the engine to refuse, naming the field).
 */
function mapCell(text: string, listValues: boolean): unknown {
  const map: Record<string, string | string[]> = {};
  for (const entry of text.split(";").map((e) => e.trim()).filter((e) => e !== "")) {
    const colon = entry.indexOf(":");
    const key = colon > 0 ? entry.slice(0, colon).trim() : "";
    if (key === "") return text;
    const rest = entry.slice(colon + 1).trim();
    map[key] = listValues ? itemsOf(rest) : rest;
  }
  return map;
}

/** A variant cell's value: `{ kind: text }`, or `undefined` when nothing is typed. */
export function variantCell(kind: string, typed: string): Record<string, string> | undefined {
  const text = typed.trim();
  return text === "" ? undefined : { [kind]: text };
}

/** A variant cell's kind and text (`{ queue: "triage" }` → queue, triage); the first kind when empty. */
export function variantParts(column: Field, value: unknown): { kind: string; text: string } {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    const [kind, v] = Object.entries(value as Record<string, unknown>)[0] ?? [];
    if (kind !== undefined) return { kind, text: cellText(v) };
  }
  return { kind: column.options[0] ?? "", text: "" };
}

/** What a cell shows for its value (a list as `a, b`, a map as `key: a, b; other: c` when the column says so). */
export function cellText(value: unknown, column?: Field): string {
  if (value === undefined || value === null) return "";
  if (column?.type === "list" && Array.isArray(value)) return value.map(String).join(", ");
  if (column?.type === "map" && typeof value === "object" && !Array.isArray(value)) {
    return Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.map(String).join(", ") : String(v)}`)
      .join("; ");
  }
  return typeof value === "string" ? value : JSON.stringify(value);
}
