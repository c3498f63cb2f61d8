import { describe, expect, it } from "vitest";
import { cellOf, cellText, fieldsOf, nameSecrets, rowsOf, settingsOf, valuesOf, variantCell, variantParts } from "./schema-form";

// Shaped as schemars writes a connector's settings.
const splunk = {
  title: "SplunkConfig",
  type: "object",
  properties: {
    url: { type: "string" },
    index: { type: "string", description: "Index searched" },
    allow_tls12: { type: "boolean", default: false },
    token_secret: { type: ["string", "null"], description: "Name of the secret" },
    timeout_seconds: { type: "integer", format: "uint64", default: 30 },
    hosts: { type: "array", items: { type: "string" } },
    fields: { type: "object", additionalProperties: { type: "array", items: { type: "string" } } },
    tls: { $ref: "#/$defs/Tls" },
  },
  required: ["url", "index"],
  $defs: { Tls: { type: "string", enum: ["implicit", "starttls"] } },
};

describe("a form from a JSON Schema", () => {
  it("gives each property a field of its type", () => {
    const fields = fieldsOf(splunk);
    const byKey = Object.fromEntries(fields.map((f) => [f.key, f]));
    expect(byKey.url).toMatchObject({ type: "string", required: true });
    expect(byKey.allow_tls12.type).toBe("boolean");
    expect(byKey.token_secret).toMatchObject({ type: "string", required: false, secret: true });
    expect(byKey.timeout_seconds).toMatchObject({ type: "integer", placeholder: "30" });
    expect(byKey.hosts.type).toBe("list");
    expect(byKey.fields.type).toBe("json");
    expect(byKey.tls).toMatchObject({ type: "choice", options: ["implicit", "starttls"] });
  });

  it("merges the variants of a tagged enum, the tag becoming a choice", () => {
    const inventory = {
      oneOf: [
        { type: "object", properties: { backend: { type: "string", const: "csv" }, path: { type: "string" } }, required: ["backend", "path"] },
        { type: "object", properties: { backend: { type: "string", const: "postgres" }, dsn: { type: "string" } }, required: ["backend", "dsn"] },
      ],
    };
    const fields = fieldsOf(inventory);
    expect(fields.find((f) => f.key === "backend")).toMatchObject({ type: "choice", options: ["csv", "postgres"], required: true });
    expect(fields.find((f) => f.key === "path")?.required).toBe(false);
  });

  it("turns what was typed back into settings, leaving empty optional fields out", () => {
    const fields = fieldsOf(splunk);
    const values = valuesOf(fields, { url: "https://splunk:8089", index: "main", timeout_seconds: 10, hosts: ["a", "b"], fields: { ip: ["src"] } });
    expect(values.hosts).toBe("a\nb");
    values.timeout_seconds = "12";
    const { settings, problems } = settingsOf(fields, values);
    expect(problems).toEqual({});
    expect(settings).toEqual({ url: "https://splunk:8089", index: "main", allow_tls12: false, timeout_seconds: 12, hosts: ["a", "b"], fields: { ip: ["src"] } });
  });

  it("names each problem at its field", () => {
    const fields = fieldsOf(splunk);
    const values = valuesOf(fields, null);
    values.timeout_seconds = "soon";
    values.fields = "{";
    values.tls = "udp";
    const { problems } = settingsOf(fields, values);
    expect(problems).toEqual({ url: "required", index: "required", timeout_seconds: "a whole number", fields: "not valid JSON", tls: "one of implicit, starttls" });
  });
});

describe("secrets typed in the form", () => {
  it("get a name when none is given, and only then", () => {
    const fields = fieldsOf({ type: "object", properties: { url: { type: "string" }, api_key_secret: { type: "string" } }, required: ["url", "api_key_secret"] });
    expect(fields.map((f) => f.key)).toEqual(["url", "api_key_secret"]);
    const values = valuesOf(fields, { url: "https://fw" });
    expect(nameSecrets(fields, values, {}, "firewall").api_key_secret).toBe("");
    expect(nameSecrets(fields, values, { api_key_secret: "k" }, "firewall").api_key_secret).toBe("firewall-api-key");
    expect(nameSecrets(fields, { ...values, api_key_secret: "pan-prod" }, { api_key_secret: "k" }, "firewall").api_key_secret).toBe("pan-prod");
  });
});

// The shape schemars gives `[intel] verdict`: a list of rule records by `$ref`.
const intel = {
  type: "object",
  properties: {
    internal_networks: { type: "array", items: { type: "string" } },
    verdict: { type: "array", items: { $ref: "#/$defs/VerdictRule" } },
    escalation: { $ref: "#/$defs/EscalationConfig", description: "what follows a bad verdict" },
  },
  $defs: {
    EscalationConfig: {
      type: "object",
      additionalProperties: false,
      properties: {
        dedup_days: { type: "integer", default: 30 },
        sightings_on: { type: "array", items: { $ref: "#/$defs/VerdictKind" } },
        tickets: { type: ["string", "null"] },
      },
    },
    VerdictRule: {
      type: "object",
      required: ["verdict", "source", "field"],
      properties: {
        verdict: { $ref: "#/$defs/RuleVerdict" },
        source: { type: "string" },
        field: { type: "string" },
        at_least: { type: ["number", "null"] },
        at_most: { type: ["number", "null"] },
        equals: true,
      },
    },
    RuleVerdict: { type: "string", enum: ["malicious", "suspicious"] },
    // Documented variants: schemars writes them as `oneOf` consts.
    VerdictKind: { oneOf: [{ const: "malicious", description: "bad" }, { const: "suspicious", description: "maybe" }] },
  },
};

describe("a list of flat records", () => {
  it("is a table with a column per record field", () => {
    const verdict = fieldsOf(intel).find((f) => f.key === "verdict");
    expect(verdict?.type).toBe("table");
    expect(verdict?.columns?.map((c) => [c.key, c.type])).toEqual([
      ["verdict", "choice"],
      ["source", "string"],
      ["field", "string"],
      ["at_least", "number"],
      ["at_most", "number"],
      ["equals", "json"],
    ]);
    expect(verdict?.columns?.[0].options).toEqual(["malicious", "suspicious"]);
  });

  it("reads typed cells as the engine expects them and round-trips through settings", () => {
    const fields = fieldsOf(intel);
    const columns = fields.find((f) => f.key === "verdict")?.columns ?? [];
    const col = (k: string) => columns.find((c) => c.key === k)!;
    expect(cellOf(col("at_least"), "5")).toBe(5);
    expect(cellOf(col("at_least"), "five")).toBe("five");
    expect(cellOf(col("at_most"), " ")).toBeUndefined();
    expect(cellOf(col("equals"), "true")).toBe(true);
    expect(cellOf(col("equals"), "malicious")).toBe("malicious");
    expect(cellText(true)).toBe("true");
    const rules = [{ verdict: "suspicious", source: "rdap", field: "registered_days_ago", at_most: 30 }];
    const values = valuesOf(fields, { verdict: rules });
    expect(rowsOf(String(values.verdict))).toEqual(rules);
    expect(settingsOf(fields, values).settings.verdict).toEqual(rules);
    expect(rowsOf("{")).toBeNull();
    expect(rowsOf("[1, 2]")).toBeNull();
    expect(rowsOf("")).toEqual([]);
  });
});

describe("a table of plain settings", () => {
  it("is shown as its fields, named by their path, and read back as a table", () => {
    const fields = fieldsOf(intel);
    expect(fields.filter((f) => f.key.startsWith("escalation")).map((f) => [f.key, f.type])).toEqual([
      ["escalation.dedup_days", "integer"],
      ["escalation.sightings_on", "list"],
      ["escalation.tickets", "string"],
    ]);
    const values = valuesOf(fields, { escalation: { dedup_days: 14, sightings_on: ["malicious"] } });
    expect(values["escalation.dedup_days"]).toBe("14");
    expect(values["escalation.sightings_on"]).toBe("malicious");
    values["escalation.tickets"] = "jira";
    const { settings, problems } = settingsOf(fields, values);
    expect(problems).toEqual({});
    expect(settings.escalation).toEqual({ dedup_days: 14, sightings_on: ["malicious"], tickets: "jira" });
    // Nothing typed: no table at all, so the defaults hold.
    expect(settingsOf(fields, valuesOf(fields, {})).settings.escalation).toBeUndefined();
  });
});

// `[assignment]` as schemars writes it: the rules hold lists, a map of
// label lists, and a tagged enum whose every variant holds one value.
const assignment = {
  type: "object",
  properties: {
    queues: { type: "array", items: { type: "string" }, default: [] },
    teams: { type: "object", additionalProperties: { type: "array", items: { type: "string" } }, default: {} },
    rules: { type: "array", items: { $ref: "#/$defs/Rule" }, default: [] },
  },
  $defs: {
    Rule: {
      type: "object",
      properties: {
        name: { type: "string" },
        request_types: { type: "array", items: { type: "string" }, default: [] },
        labels: { type: "object", additionalProperties: { type: "array", items: { type: "string" } }, default: {} },
        hours: { type: ["string", "null"] },
        assign_to: { $ref: "#/$defs/Target", description: "Where matching requests go." },
      },
      required: ["name", "assign_to"],
      additionalProperties: false,
    },
    Target: {
      oneOf: [
        { type: "object", properties: { analyst: { type: "string" } }, required: ["analyst"], additionalProperties: false },
        { type: "object", properties: { queue: { type: "string" } }, required: ["queue"], additionalProperties: false },
        { description: "iCalendar file", type: "object", properties: { rota: { type: "string" } }, required: ["rota"], additionalProperties: false },
      ],
    },
  },
};

describe("a table of rules with lists, maps and where they assign", () => {
  const fields = fieldsOf(assignment);
  const rules = fields.find((f) => f.key === "rules")!;
  const col = (k: string) => rules.columns!.find((c) => c.key === k)!;

  it("gives lists, label maps and the target cells of their own", () => {
    expect(rules.type).toBe("table");
    expect(rules.columns!.map((c) => [c.key, c.type])).toEqual([
      ["name", "string"],
      ["assign_to", "variant"],
      ["request_types", "list"],
      ["labels", "map"],
      ["hours", "string"],
    ]);
    expect(col("assign_to").options).toEqual(["analyst", "queue", "rota"]);
    // A variant holding a number is not typed as text: its cell stays JSON.
    const numbered = { type: "array", items: { type: "object", properties: { every: { oneOf: [{ type: "object", properties: { minutes: { type: "integer" } }, required: ["minutes"] }] } } } };
    expect(fieldsOf({ type: "object", properties: { rules: numbered } })[0].columns?.[0].type).toBe("json");
    // Outside a table a map stays JSON, a list a list.
    expect(fields.find((f) => f.key === "teams")?.type).toBe("json");
    expect(fields.find((f) => f.key === "queues")?.type).toBe("list");
  });

  it("reads and shows the cells as the engine writes them", () => {
    expect(cellOf(col("request_types"), "enrichment, asset_owner ,")).toEqual(["enrichment", "asset_owner"]);
    expect(cellOf(col("request_types"), " ")).toBeUndefined();
    expect(cellText(["enrichment", "asset_owner"], col("request_types"))).toBe("enrichment, asset_owner");
    expect(cellOf(col("labels"), "priority: P1, P2; severity: high")).toEqual({ priority: ["P1", "P2"], severity: ["high"] });
    expect(cellText({ priority: ["P1", "P2"], severity: ["high"] }, col("labels"))).toBe("priority: P1, P2; severity: high");
    // An entry with no key is kept as typed, for the engine to refuse.
    expect(cellOf(col("labels"), "P1, P2")).toBe("P1, P2");
    expect(variantParts(col("assign_to"), { queue: "triage" })).toEqual({ kind: "queue", text: "triage" });
    expect(variantParts(col("assign_to"), undefined)).toEqual({ kind: "analyst", text: "" });
    expect(variantCell("rota", " oncall.ics ")).toEqual({ rota: "oncall.ics" });
    expect(variantCell("queue", "")).toBeUndefined();
  });

  it("round-trips a rule through the form", () => {
    const rule = { name: "P1 by night", request_types: ["enrichment"], labels: { priority: ["P1"] }, hours: "22:00-06:00", assign_to: { queue: "night" } };
    const values = valuesOf(fields, { queues: ["night"], rules: [rule] });
    expect(settingsOf(fields, values).settings.rules).toEqual([rule]);
  });
});
