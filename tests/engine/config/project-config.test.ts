import { describe, expect, test } from "bun:test";
import { dp, writeProject } from "../../helpers.ts";

const good = `name: acme
sources:
  billing:
    connector: demo
    owner: ana@acme.com
    freshness: { warn_after: 6h, error_after: 24h }
    config: { seed: 1, scale: tiny, streams: [plans] }
`;

interface Case {
  name: string;
  yaml: string;
  command?: string[];
  env?: Record<string, string | undefined>;
  /** all must appear in stderr */
  expect: (string | RegExp)[];
}

const cases: Case[] = [
  {
    name: "unknown top-level key",
    yaml: `name: acme\nsorces: {}\n`,
    expect: ["unknown key sorces", "project.yaml:2", "fix:"],
  },
  { name: "missing name", yaml: `sources: {}\n`, expect: ["missing required key name", "project.yaml"] },
  {
    name: "wrong type for a duration",
    yaml: good.replace("warn_after: 6h", "warn_after: 6"),
    expect: ["sources.billing.freshness.warn_after", "project.yaml:6"],
  },
  {
    name: "a duration that is not one",
    yaml: good.replace("warn_after: 6h", "warn_after: six hours"),
    expect: ["sources.billing.freshness.warn_after", "expected a duration"],
  },
  {
    name: "unknown key inside a source",
    yaml: good.replace("owner:", "ownr:"),
    expect: ["unknown key sources.billing.ownr", "project.yaml:5"],
  },
  {
    name: "bad enum",
    yaml: good.replace("    owner:", "    schema: freezee\n    owner:"),
    expect: ["sources.billing.schema", "project.yaml:5"],
  },
  {
    name: "invalid YAML",
    yaml: `name: acme\nsources:\n  billing:\n    connector: demo\n   owner: x\n`,
    expect: ["invalid YAML", /project\.yaml:\d+/],
  },
  { name: "duplicate key", yaml: `name: acme\nname: other\n`, expect: ["invalid YAML", "project.yaml:2"] },
  { name: "not a mapping", yaml: `- a\n- b\n`, expect: ["must be a mapping"] },
  {
    name: "a memory limit DuckDB cannot read",
    yaml: `name: acme\nwarehouse:\n  memory_limit: lots\n`,
    expect: ["warehouse.memory_limit", "768MB", "project.yaml:3"],
  },
  {
    name: "source name not snake_case",
    yaml: `name: acme\nsources:\n  Billing-1:\n    connector: demo\n`,
    expect: ["sources.Billing-1", "snake_case"],
  },
  {
    name: "unknown connector",
    yaml: good.replace("connector: demo", "connector: stripee"),
    command: ["pull"],
    expect: ['unknown connector "stripee"', "project.yaml:4", "sources.billing.connector"],
  },
  {
    name: "unknown key in connector config",
    yaml: good.replace("seed: 1", "sed: 1"),
    command: ["pull"],
    expect: ["unknown key sources.billing.config.sed", "project.yaml:7"],
  },
  {
    name: "wrong type in connector config",
    yaml: good.replace("seed: 1", "seed: lots"),
    command: ["pull"],
    expect: ["sources.billing.config.seed", "project.yaml:7"],
  },
  {
    name: "missing env var names the variable and the source",
    yaml: good.replace("seed: 1", 'seed: 1, token: "${DP_TEST_UNSET_VAR}"'),
    command: ["pull"],
    env: { DP_TEST_UNSET_VAR: undefined },
    expect: ["DP_TEST_UNSET_VAR", 'source "billing"', "sources.billing.config"],
  },
  {
    name: "unknown source on the command line",
    yaml: good,
    command: ["pull", "nope"],
    expect: ['unknown source "nope"', "use one of: billing"],
  },
];

describe("project.yaml errors exit 2 and name file, line, key path and fix", () => {
  for (const c of cases) {
    test(c.name, () => {
      const dir = writeProject({ "project.yaml": c.yaml });
      const r = dp([...(c.command ?? ["sources"]), "-C", dir], { env: c.env });
      expect(r.code).toBe(2);
      for (const e of c.expect) {
        if (typeof e === "string") expect(r.stderr).toContain(e);
        else expect(r.stderr).toMatch(e);
      }
      expect(r.stderr).not.toContain("    at "); // no stack trace
    });
  }

  test("a secret from the environment never appears in an error", () => {
    const yaml = good.replace("seed: 1", 'seed: 1, api_key: "${DP_TEST_SECRET}"');
    const dir = writeProject({ "project.yaml": yaml });
    const r = dp(["pull", "-C", dir], { env: { DP_TEST_SECRET: "sk_canary_5f2e9a" } });
    expect(r.code).toBe(2);
    expect(r.stderr + r.stdout).not.toContain("sk_canary_5f2e9a");
  });

  test(".env next to project.yaml provides variables", () => {
    const yaml = good.replace("owner: ana@acme.com", 'owner: "${DP_TEST_OWNER}"');
    const dir = writeProject({ "project.yaml": yaml, ".env": "DP_TEST_OWNER=ops@acme.com\n" });
    const r = dp(["sources", "--json", "-C", dir], { env: { DP_TEST_OWNER: undefined } });
    expect(r.code).toBe(0);
  });
});
