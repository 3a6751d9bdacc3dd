/**
 * Rows whose currency column is empty (#15, batch 52: "top 7 accounts" failed with "currency is not a well-formed
 * currency code"): an account that never paid has no currency and MRR 0. A row with nothing in the amount is in no
 * currency and ranks as 0 beside the others; a row with an amount and no currency is "(unknown currency)", ranked
 * on its own and never written as dollars; the answer never fails on an empty code.
 *
 * Hand-worked: alice $500, bob $300 (USD); carol and dan no currency, MRR 0; with erin (no currency, 200) added,
 * the rows are USD (alice, bob, …) and (unknown currency) (erin 200).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { catalogSidecar } from "../../engine/catalog/catalog-cache.ts";
import { formatValue } from "../../engine/catalog/metric-format.ts";
import { loadProject } from "../../engine/config/project.ts";
import { build } from "../../engine/transform/build.ts";
import { composeAnswer, type RoledResult } from "../../tools/ask/compose.ts";
import { createToolContext } from "../../tools/context.ts";
import { callTool } from "../../tools/toolbox/index.ts";

const rowsOf = (extra: string) => `SELECT * FROM (VALUES
  ('alice', 'usd', CAST(500 AS DECIMAL(18,2))),
  ('bob',   'usd', CAST(300 AS DECIMAL(18,2))),
  ('carol', NULL,  CAST(0 AS DECIMAL(18,2))),
  ('dan',   '',    CAST(0 AS DECIMAL(18,2)))${extra}
) t(owner, currency, mrr)
`;

const YAML = `models:
  - name: accounts
    description: one row per account, its MRR in the account's currency (none for an account that never paid)
    columns:
      - { name: owner, type: VARCHAR }
      - { name: currency, type: VARCHAR }
      - { name: mrr, type: "DECIMAL(18,2)" }
`;

const dirs: string[] = [];
async function project(extra: string) {
  const dir = mkdtempSync(join(tmpdir(), "dp-topn-nocurrency-"));
  dirs.push(dir);
  mkdirSync(join(dir, "models/marts"), { recursive: true });
  writeFileSync(join(dir, "project.yaml"), "name: nocurrency\nsources: {}\n");
  writeFileSync(join(dir, "models/marts/accounts.sql"), rowsOf(extra));
  writeFileSync(join(dir, "models/marts/accounts.yml"), YAML);
  const p = loadProject(dir);
  const result = await build(p, { sidecar: catalogSidecar(p) });
  expect(result.ok).toBe(true);
  return createToolContext(p);
}

type Ctx = Awaited<ReturnType<typeof project>>;
let zeros: Ctx;
let unknown: Ctx;

beforeAll(async () => {
  process.env.DP_NOW = "2026-11-21T06:00:00Z";
  zeros = await project("");
  unknown = await project(",\n  ('erin', NULL, CAST(200 AS DECIMAL(18,2)))");
});
afterAll(() => {
  for (const c of [zeros, unknown]) c.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function rank(ctx: Ctx, input: Record<string, unknown>): Promise<RoledResult> {
  const r = await callTool(ctx, {
    name: "top_n",
    input: { mart: "accounts", measure: "mrr", label: "owner", ...input },
  });
  return { ...r, role: "main" } as RoledResult;
}

describe("rows with no currency", () => {
  test("with nothing in the amount they are in no currency: one ranking in USD, the zeros at the bottom", async () => {
    const r = await rank(zeros, { n: 4 });
    const o = r.output as any;
    expect(o.currencies).toEqual(["USD"]);
    expect(o.currency_split).toBe(false);
    expect(o.rows.map((x: any) => [x.label, x.value])).toEqual([
      ["alice", 500],
      ["bob", 300],
      ["carol", 0],
      ["dan", 0],
    ]);
    const answer = composeAnswer("top_n", [r]).join("\n");
    expect(answer).toMatch(/alice\s+\$500\.00/);
  });

  test("the bottom of the ranking (every row at 0) is answered, never a failed currency format", async () => {
    const r = await rank(zeros, { n: 2, direction: "bottom" });
    expect(() => composeAnswer("top_n", [r])).not.toThrow();
  });

  test("an amount with no currency is '(unknown currency)', ranked on its own and never written as dollars", async () => {
    const r = await rank(unknown, { n: 2 });
    const o = r.output as any;
    expect(o.currencies).toEqual(["(unknown currency)", "USD"]);
    expect(o.currency_split).toBe(true);
    const answer = composeAnswer("top_n", [r]).join("\n");
    expect(answer).toContain("erin");
    expect(answer).not.toContain("$200");
  });

  test("an empty currency code is a number in no currency", () => {
    expect(formatValue(200, "currency", "")).toBe("200");
  });
});
