import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { dp, repoRoot, tempDir } from "../../helpers.ts";
import { formatValue } from "../../../engine/catalog/metric-format.ts";
import { TOOLS, toolSpecs } from "../../../tools/toolbox/index.ts";

const root = tempDir("dp-mcp-");
const dir = join(root, "acme");
const env = { DP_NOW: "2026-11-21T06:00:00Z", ANTHROPIC_API_KEY: "" };
let client: Client;

type Text = { content: { type: string; text: string }[]; isError?: boolean };
async function call(
  name: string,
  args: Record<string, unknown>,
): Promise<{ isError: boolean; text: string; json?: any }> {
  const r = (await client.callTool({ name, arguments: args })) as Text;
  const text = r.content[0]!.text;
  return { isError: !!r.isError, text, json: r.isError ? undefined : JSON.parse(text) };
}

const sqlCount = (q: string) => Number(JSON.parse(dp(["sql", "--json", q, "-C", dir], { env }).stdout)[0].n);

beforeAll(async () => {
  expect(dp(["init", dir, "--demo"]).code).toBe(0);
  expect(dp(["run", "-C", dir], { env }).code).toBe(0);
  const transport = new StdioClientTransport({
    command: "bun",
    args: [join(repoRoot, "cli/main.ts"), "mcp", "-C", dir],
    env: { ...process.env, ...env, NO_COLOR: "1" } as Record<string, string>,
    stderr: "pipe",
  });
  client = new Client({ name: "dp-test", version: "0.0.0" });
  await client.connect(transport);
}, 180_000);
afterAll(async () => {
  await client?.close();
  rmSync(root, { recursive: true, force: true });
});

describe("dp mcp over stdio", () => {
  test("listTools: every tool, its zod input as JSON Schema, read-only hints from its authority", async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(TOOLS.map((t) => t.name).sort());
    const specs = new Map(toolSpecs().map((s) => [s.name, s]));
    for (const t of tools) {
      const tool = TOOLS.find((x) => x.name === t.name)!;
      const { $schema: _, ...schema } = specs.get(t.name)!.input_schema as Record<string, any>;
      if (tool.authority === "act") {
        expect(t.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: true });
        expect(t.inputSchema).toEqual(schema as never);
      } else {
        expect(t.inputSchema).toEqual(schema as never);
        expect(t.annotations?.readOnlyHint).toBe(tool.authority === "read");
      }
    }
    expect(tools.find((t) => t.name === "query_metric")!.inputSchema.required).toContain("metric");
  });

  test("query_metric gives the same number dp ask --json answers with", async () => {
    for (const question of ["churn last month?", "MRR in September 2026", "new customers in October 2026"]) {
      const ask = JSON.parse(dp(["ask", "--json", "--offline", question, "-C", dir], { env }).stdout);
      const main = ask.tool_calls.find((c: { role: string }) => c.role === "main");
      const t0 = performance.now();
      const r = await call("query_metric", main.input);
      const ms = performance.now() - t0;
      expect(r.isError).toBe(false);
      const value = r.json.rows[0].value as number;
      expect(ask.answer.split("\n")[1]).toContain(formatValue(value, r.json.format, r.json.unit ?? undefined));
      expect(r.json.citations[0].model).toBe(ask.citations[0].model);
      expect(ms).toBeLessThan(2_000);
    }
  }, 60_000);

  test("a bad identifier is an isError result naming the valid ones", async () => {
    const metric = await call("query_metric", { metric: "mrrr", period: "last_month" });
    expect(metric.isError).toBe(true);
    expect(metric.text).toContain('unknown metric "mrrr"');
    expect(metric.text).toMatch(/fix: did you mean mrr\? \(use one of: mrr, arr, .*churn_rate/);
    const column = await call("top_n", { mart: "customers", measure: "revenue", label: "customer_id" });
    expect(column.isError).toBe(true);
    expect(column.text).toMatch(/customers has no column "revenue"[\s\S]*lifetime_revenue/);
    const input = await call("query_metric", { metric: "mrr", period: "last_month", sql: "select 1" });
    expect(input.isError).toBe(true);
    expect(input.text).toContain("bad input for query_metric");
  });

  test("SQL-looking arguments are rejected as names or bound as values, never executed", async () => {
    const before = sqlCount("select count(*) as n from marts.customers");
    const attack = "'; DROP TABLE marts.customers; --";
    for (const args of [
      { name: "query_metric", args: { metric: attack, period: "last_month" } },
      { name: "query_metric", args: { metric: "mrr", period: attack } },
      { name: "query_metric", args: { metric: "mrr", period: "latest", group_by: [attack] } },
      { name: "top_n", args: { mart: "customers", measure: "mrr", label: attack } },
      { name: "describe_mart", args: { mart: attack } },
    ]) {
      const r = await call(args.name, args.args);
      expect(r.isError).toBe(true);
      expect(r.text).not.toContain("Parser Error");
    }
    const bound = await call("query_metric", {
      metric: "mrr",
      period: "latest",
      filters: [{ dimension: "plan", op: "=", value: attack }],
    });
    expect(bound.isError).toBe(false);
    expect(bound.json.params).toContain(attack);
    expect(bound.json.sql).not.toContain("DROP");
    const topBound = await call("top_n", {
      mart: "customers",
      measure: "mrr",
      label: "customer_id",
      filters: [{ column: "status", op: "=", value: attack }],
    });
    // the bound value matched no row (ranked records are withheld over MCP; the count is still told)
    expect(topBound.json.rows_withheld).toBe(0);
    expect(sqlCount("select count(*) as n from marts.customers")).toBe(before);
  });

  test("PII never leaves: ranked records are withheld (ai.allow_row_level is off), results carry citations", async () => {
    const r = await call("top_n", { mart: "customers", measure: "mrr", label: "email", n: 3 });
    expect(r.json.rows).toBeUndefined();
    expect(r.json.rows_withheld).toBe(3);
    expect(r.text).not.toContain("@");
    expect(r.json.citations[0]).toMatchObject({ model: "marts.customers" });
    expect(r.json.citations[0].sources.length).toBeGreaterThan(0);
  });

  test("an act tool is refused to a client that cannot ask its human, confirm: true or not", async () => {
    const act = TOOLS.find((t) => t.authority === "act");
    if (!act) return;
    const target = "exports/mcp-mrr.csv";
    for (const args of [
      { mart: "mrr_monthly", to: target },
      { mart: "mrr_monthly", to: target, confirm: true },
    ]) {
      const refused = await call(act.name, args);
      expect(refused.isError).toBe(true);
      expect(refused.text).toMatch(/needs a human's yes, which this MCP client cannot ask for/);
    }
    expect(existsSync(join(dir, target))).toBe(false);
  });

  test("the metric list is a resource", async () => {
    const { resources } = await client.listResources();
    expect(resources.map((r) => r.uri)).toContain("dp://metrics");
    const read = await client.readResource({ uri: "dp://metrics" });
    const metrics = JSON.parse((read.contents[0] as { text: string }).text) as { name: string }[];
    expect(metrics.map((m) => m.name)).toContain("nrr");
  });
});
