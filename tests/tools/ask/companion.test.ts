/**
 * A metric's `companion` (metric YAML): the answer states the count behind an amount, or the amount behind a
 * count, for the same period and filters — "how many deals did we win" gets the deals and what they were
 * worth, as a sales lead would say it. A companion that is not a metric of the same mart with the same
 * dimensions is a CONFIG error naming the metric, the file and the nearest valid name.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { runDp, writeProject } from "../../helpers.ts";

const NOW = "2026-11-21T06:00:00Z";
const metric = (name: string, expression: string, format: string, companion?: string) => `
  - name: ${name}
    label: ${name.replaceAll("_", " ")}
    description: ${name}
    mart: deals_closed
    time_column: month
    expression: ${expression}
    format: ${format}
    dimensions: [owner]${companion ? `\n    companion: ${companion}` : ""}
    synonyms: [${name.replaceAll("_", " ")}]`;
const files = (companion: string) => ({
  "project.yaml": "name: companions\n",
  "models/marts/deals_closed.sql": `select * from (values
    (date '2026-10-01', 'Ann', 3, 7000.00),
    (date '2026-10-01', 'Bob', 2, 500.00),
    (date '2026-09-01', 'Ann', 1, 100.00)) t(month, owner, deals_won, won_amount)\n`,
  "models/marts/deals.yml": `version: 1
models:
  - name: deals_closed
    description: Deals won by month and owner
metrics:${metric("deals_won", "sum(deals_won)", "number", companion)}${metric("won_amount", "sum(won_amount)", "currency", "deals_won")}\n`,
});

let dir: string;
beforeAll(async () => {
  dir = writeProject(files("won_amount"));
  const r = await runDp(["build", "-C", dir], { env: { DP_NOW: NOW } });
  expect(r.code).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function ask(q: string): Promise<{ status: string; answer: string; tool_calls: { role: string }[] }> {
  const r = await runDp(["ask", "--offline", "--json", q, "-C", dir], { env: { DP_NOW: NOW, ANTHROPIC_API_KEY: "" } });
  return JSON.parse(r.stdout);
}

describe("companion metrics", () => {
  test("a count is stated with its amount, same period", async () => {
    const r = await ask("how many deals did we win in October 2026?");
    expect(r.status).toBe("answered");
    expect(r.answer).toContain("in October 2026 was 5 (won amount: $7,500).");
    expect(r.tool_calls.map((c) => c.role)).toContain("companion");
  });

  test("the companion takes the question's filters", async () => {
    const r = await ask("won amount for Ann in October 2026");
    expect(r.answer).toMatch(/was \$7,000 \(deals won: 3\)\./);
  });

  test("a companion that is not a metric of the mart is a CONFIG error with the nearest name", async () => {
    const bad = writeProject(files("won_amout"));
    try {
      const r = await runDp(["build", "-C", bad, "--json"], { env: { DP_NOW: NOW } });
      expect(r.code).toBe(2);
      const err = JSON.parse(r.stdout).error ?? JSON.parse(r.stdout);
      expect(JSON.stringify(err)).toContain('metric \\"deals_won\\" has companion won_amout, which is not a metric');
      expect(JSON.stringify(err)).toContain("did you mean won_amount?");
      expect(JSON.stringify(err)).toContain("deals.yml");
    } finally {
      rmSync(bad, { recursive: true, force: true });
    }
  });
});
