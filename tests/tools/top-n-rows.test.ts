/**
 * top_n's row filters and mean (#15, branch tune43b): `{op: is_null}` keeps the rows with no value in a column (the
 * accounts with no owner), said "no owner" in the answer; `mean: true` adds the measure summed over the kept rows ÷
 * their count. Hand-worked: owners alice (2 seats, $100), bob (4 seats, $300), none (6 seats, $50), none (8 seats,
 * $150), carol (no seats known, $0): no owner → 2 rows, $200 in all; mean seats over the 4 rows with seats = 20 ÷ 4 = 5 (carol's row, with none, is in no mean, as SQL's avg); over bob and alice = 3.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { catalogSidecar } from "../../engine/catalog/catalog-cache.ts";
import { loadProject } from "../../engine/config/project.ts";
import { build } from "../../engine/transform/build.ts";
import { composeAnswer, type RoledResult } from "../../tools/ask/compose.ts";
import { createToolContext } from "../../tools/context.ts";
import { callTool } from "../../tools/toolbox/index.ts";

const ACCOUNTS = `SELECT * FROM (VALUES
  ('acc_1', 'alice', 'usd', CAST(100 AS DECIMAL(18,2)), 2),
  ('acc_2', 'bob',   'usd', CAST(300 AS DECIMAL(18,2)), 4),
  ('acc_3', NULL,    'usd', CAST(50 AS DECIMAL(18,2)), 6),
  ('acc_4', NULL,    'usd', CAST(150 AS DECIMAL(18,2)), 8),
  ('acc_5', 'carol', 'usd', CAST(0 AS DECIMAL(18,2)), NULL)
) t(account_id, owner, currency, mrr, seats)
`;
const YAML = `models:
  - name: accounts
    description: one row per account, its owner, MRR and seats
    columns:
      - { name: account_id, type: VARCHAR }
      - { name: owner, type: VARCHAR }
      - { name: currency, type: VARCHAR }
      - { name: mrr, type: "DECIMAL(18,2)" }
      - { name: seats, type: INTEGER }
`;

let dir: string;
let ctx: ReturnType<typeof createToolContext>;
beforeAll(async () => {
  process.env.DP_NOW = "2026-11-21T06:00:00Z";
  dir = mkdtempSync(join(tmpdir(), "dp-topn-rows-"));
  mkdirSync(join(dir, "models/marts"), { recursive: true });
  writeFileSync(join(dir, "project.yaml"), "name: rows\nsources: {}\n");
  writeFileSync(join(dir, "models/marts/accounts.sql"), ACCOUNTS);
  writeFileSync(join(dir, "models/marts/accounts.yml"), YAML);
  const p = loadProject(dir);
  const result = await build(p, { sidecar: catalogSidecar(p) });
  expect(result.ok).toBe(true);
  ctx = createToolContext(p);
});
afterAll(() => {
  ctx.close();
  rmSync(dir, { recursive: true, force: true });
});

async function rows(input: Record<string, unknown>): Promise<RoledResult> {
  const r = await callTool(ctx, {
    name: "top_n",
    input: { mart: "accounts", label: "account_id", n: 1, ...input },
  });
  return { ...r, role: "main" } as RoledResult;
}

describe("is_null keeps the rows with no value in the column", () => {
  test("accounts with no owner: 2 rows, $200 in all, said 'no owner'", async () => {
    const r = await rows({ measure: "mrr", filters: [{ column: "owner", op: "is_null", value: true }] });
    const o = r.output as any;
    expect(o.matched.rows).toBe(2);
    expect(o.matched.total).toBe(200);
    const answer = composeAnswer("count_rows", [r]).join("\n");
    expect(answer).toContain("no owner");
    expect(answer).toContain("$200");
  });
});

describe("mean: the measure summed over the kept rows ÷ their count", () => {
  test("over every row with a value: 20 seats ÷ 4 = 5, the row with none left out and said", async () => {
    const r = await rows({ measure: "seats", mean: true });
    expect((r.output as any).matched).toMatchObject({ rows: 5, valued: 4, mean: 5 });
    expect(composeAnswer("count_rows", [r]).join("\n")).toMatch(
      /Average seats over the 4 accounts rows kept with a seats \(of 5\): 5\b/,
    );
  });
  test("kept to owners: (2 + 4) ÷ 2 = 3", async () => {
    const r = await rows({
      measure: "seats",
      mean: true,
      filters: [{ column: "owner", op: "in", value: ["alice", "bob"] }],
    });
    expect((r.output as any).matched.mean).toBe(3);
  });
  test("not asked: no mean", async () => {
    const r = await rows({ measure: "seats" });
    expect((r.output as any).matched.mean).toBeNull();
  });
});
