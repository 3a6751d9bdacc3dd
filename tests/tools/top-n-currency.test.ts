/**
 * Ranking and counting rows whose money column is in several currencies (#15, #22): accounts billed in USD and
 * EUR are never ranked € against $ nor added into one "$" total. Without vars.reporting_currency each currency
 * is ranked and summed on its own, each with its symbol; with reporting_currency and fx_rates every amount is
 * converted (the same vars the Stripe pack converts with) and the answer says so; a currency with no rate is
 * named and nothing is converted.
 *
 * Hand-worked: USD alice $500, bob $300, ed $100 (in all $900); EUR dan €450, carol €400 (in all €850).
 * At eur: 1.2 → dan $540, alice $500, carol $480, bob $300, ed $100; in all $1,920.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { catalogSidecar } from "../../engine/catalog/catalog-cache.ts";
import { loadProject } from "../../engine/config/project.ts";
import { build } from "../../engine/transform/build.ts";
import { answerValues, composeAnswer, type RoledResult } from "../../tools/ask/compose.ts";
import { createToolContext } from "../../tools/context.ts";
import { callTool } from "../../tools/toolbox/index.ts";

const ACCOUNTS = `SELECT * FROM (VALUES
  ('acc_1', 'alice', 'usd', DATE '2026-11-01', CAST(500 AS DECIMAL(18,2)), 10),
  ('acc_2', 'bob',   'usd', DATE '2026-11-01', CAST(300 AS DECIMAL(18,2)), 20),
  ('acc_3', 'carol', 'eur', DATE '2026-11-01', CAST(400 AS DECIMAL(18,2)), 30),
  ('acc_4', 'dan',   'eur', DATE '2026-11-01', CAST(450 AS DECIMAL(18,2)), 40),
  ('acc_5', 'ed',    'usd', DATE '2026-11-01', CAST(100 AS DECIMAL(18,2)), 50)
) t(account_id, owner, currency, month, mrr, open_amount)
`;

// dan billed in USD in October and in EUR from November
const HISTORY = `SELECT * FROM (VALUES
  ('dan', 'usd', DATE '2026-10-01', CAST(300 AS DECIMAL(18,2))),
  ('dan', 'eur', DATE '2026-11-01', CAST(450 AS DECIMAL(18,2))),
  ('alice', 'usd', DATE '2026-10-01', CAST(500 AS DECIMAL(18,2))),
  ('alice', 'usd', DATE '2026-11-01', CAST(500 AS DECIMAL(18,2)))
) t(owner, currency, month, mrr)
`;

const YAML = `models:
  - name: accounts
    description: one row per account, its owner and MRR in the account's currency
    columns:
      - { name: account_id, type: VARCHAR }
      - { name: owner, type: VARCHAR }
      - { name: currency, type: VARCHAR }
      - { name: month, type: DATE }
      - { name: mrr, type: "DECIMAL(18,2)" }
      # deal amounts from a CRM that keeps one currency: the billing currency says nothing of them
      - { name: open_amount, type: INTEGER, currency_column: false }
metrics:
  - name: mrr
    label: MRR
    description: monthly recurring revenue
    mart: accounts
    time_column: month
    expression: sum(mrr)
    time_rollup: last
    format: currency
    currency_column: currency
    dimensions: [currency, owner]
  - name: owner_mrr
    label: Owner MRR
    description: MRR by owner and month
    mart: mrr_history
    time_column: month
    expression: sum(mrr)
    time_rollup: last
    format: currency
    currency_column: currency
    dimensions: [currency, owner]
`;

const dirs: string[] = [];
async function project(vars: string) {
  const dir = mkdtempSync(join(tmpdir(), "dp-topn-currency-"));
  dirs.push(dir);
  mkdirSync(join(dir, "models/marts"), { recursive: true });
  writeFileSync(join(dir, "project.yaml"), `name: currencies\nsources: {}\n${vars}`);
  writeFileSync(join(dir, "models/marts/accounts.sql"), ACCOUNTS);
  writeFileSync(join(dir, "models/marts/mrr_history.sql"), HISTORY);
  writeFileSync(join(dir, "models/marts/accounts.yml"), YAML);
  const p = loadProject(dir);
  const result = await build(p, { sidecar: catalogSidecar(p) });
  expect(result.ok).toBe(true);
  return createToolContext(p);
}

type Ctx = Awaited<ReturnType<typeof project>>;
let plain: Ctx;
let converted: Ctx;
let noRate: Ctx;

beforeAll(async () => {
  process.env.DP_NOW = "2026-11-21T06:00:00Z";
  plain = await project("");
  converted = await project("vars: { reporting_currency: usd, fx_rates: { eur: 1.2 } }\n");
  noRate = await project("vars: { reporting_currency: usd, fx_rates: { gbp: 1.3 } }\n");
});
afterAll(() => {
  for (const c of [plain, converted, noRate]) c.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function rank(ctx: Ctx, input: Record<string, unknown>): Promise<RoledResult> {
  const r = await callTool(ctx, {
    name: "top_n",
    input: { mart: "accounts", measure: "mrr", label: "owner", ...input },
  });
  return { ...r, role: "main" } as RoledResult;
}

const pairs = (values: ReturnType<typeof answerValues>) => values.map((v) => [v.currency, v.value]);

describe("no reporting_currency: each currency ranked and summed on its own", () => {
  test("top 2 by mrr is the top 2 in each currency, each amount with its own symbol", async () => {
    const r = await rank(plain, { n: 2 });
    const o = r.output as any;
    expect(o.currency_split).toBe(true);
    expect(o.currencies).toEqual(["EUR", "USD"]);
    expect(o.rows.map((x: any) => [x.currency, x.rank, x.label, x.value])).toEqual([
      ["EUR", 1, "dan", 450],
      ["EUR", 2, "carol", 400],
      ["USD", 1, "alice", 500],
      ["USD", 2, "bob", 300],
    ]);
    const answer = composeAnswer("top_n", [r]).join("\n");
    expect(answer).toContain("Top 2 accounts by mrr, in each currency, one value per currency");
    expect(answer).toMatch(/EUR 1\.\s+dan\s+€450\.00/);
    expect(answer).toMatch(/USD 1\.\s+alice\s+\$500\.00/);
    expect(answer).not.toContain("$450");
    expect(pairs(answerValues([r], "top_n"))).toEqual([
      ["EUR", 450],
      ["EUR", 400],
      ["USD", 500],
      ["USD", 300],
    ]);
  });

  test("counted rows: the measure in all is one value per currency, never a $ sum of both", async () => {
    const r = await rank(plain, { n: 1 });
    const o = r.output as any;
    expect(o.matched.total).toBeNull();
    expect(o.matched.rows).toBe(5);
    expect(o.matched.by_currency.map((c: any) => [c.currency, c.rows, c.total])).toEqual([
      ["EUR", 2, 850],
      ["USD", 3, 900],
    ]);
    const answer = composeAnswer("count_rows", [r]).join("\n");
    expect(answer).toContain("5 accounts (mrr €850.00 (EUR) · $900.00 (USD) in all, one value per currency");
    expect(answer).not.toContain("1,750");
    expect(pairs(answerValues([r], "count_rows"))).toEqual([
      ["EUR", 850],
      ["USD", 900],
    ]);
  });

  test("rows kept to one currency are ranked and summed as they are, in that currency", async () => {
    const r = await rank(plain, { n: 1, filters: [{ column: "currency", op: "=", value: "eur" }] });
    const o = r.output as any;
    expect([o.currency_split, o.unit, o.matched.total]).toEqual([false, "EUR", 850]);
    expect(composeAnswer("count_rows", [r]).join("\n")).toContain(
      "2 accounts kept to currency = eur (mrr €850.00 in all).",
    );
    expect(composeAnswer("top_n", [r]).join("\n")).toMatch(/1\.\s+dan\s+€450\.00/);
  });
});

describe("reporting_currency and fx_rates: every amount converted, and said so", () => {
  test("ranked in USD at 1 EUR = 1.2 USD, summed in USD", async () => {
    const r = await rank(converted, { n: 3 });
    const o = r.output as any;
    expect([o.currency_split, o.converted_to, o.unit, o.matched.total]).toEqual([false, "USD", "USD", 1920]);
    expect(o.rows.map((x: any) => [x.label, x.value])).toEqual([
      ["dan", 540],
      ["alice", 500],
      ["carol", 480],
    ]);
    const answer = composeAnswer("top_n", [r]).join("\n");
    expect(answer).toContain("every currency converted to USD with the vars.fx_rates in project.yaml: 1 EUR = 1.2 USD");
    expect(answer).toMatch(/1\.\s+dan\s+\$540\.00/);
    expect(composeAnswer("count_rows", [r]).join("\n")).toContain(
      "5 accounts (mrr $1,920 in all (every currency converted to USD",
    );
    expect(answerValues([r], "count_rows").map((v) => [v.currency, v.converted_to, v.value])).toEqual([
      ["USD", "USD", 1920],
    ]);
  });

  test("a currency with no rate: nothing converted, one value per currency, the missing rate named", async () => {
    const r = await rank(noRate, { n: 1 });
    const o = r.output as any;
    expect([o.currency_split, o.converted_to, o.missing_rates]).toEqual([true, null, ["EUR"]]);
    expect(composeAnswer("count_rows", [r]).join("\n")).toContain(
      "(mrr €850.00 (EUR) · $900.00 (USD) in all, one value per currency (project.yaml's vars.fx_rates has no rate for EUR to convert into USD))",
    );
  });
});

describe("a bound on the amount over several currencies", () => {
  const over420 = { n: 1, filters: [{ column: "mrr", op: ">", value: 420 }] };

  test("converted: the bound holds for the converted amounts (dan €450 is $540, carol €400 is $480)", async () => {
    const r = await rank(converted, over420);
    expect(composeAnswer("count_rows", [r]).join("\n")).toContain(
      "3 accounts kept to mrr > 420 (mrr $1,520 in all (every currency converted to USD",
    );
  });

  test("not converted: the bound is read in each currency's own units, and the answer says so", async () => {
    const r = await rank(plain, over420);
    expect((r.output as any).bound_in_each_currency).toBe(true);
    expect(composeAnswer("count_rows", [r]).join("\n")).toContain(
      "2 accounts kept to mrr > 420 (mrr €450.00 (EUR) · $500.00 (USD) in all, one value per currency (project.yaml sets no vars.reporting_currency and fx_rates to convert them into one; mrr > 420 is in each currency's own units)).",
    );
  });
});

test("an amount whose YAML says no column holds its currency (currency_column: false) is ranked as one", async () => {
  const r = await rank(plain, { measure: "open_amount", n: 1 });
  const o = r.output as any;
  expect([o.currency_split, o.currencies, o.matched.total]).toEqual([false, [], 150]);
  expect(composeAnswer("count_rows", [r]).join("\n")).toContain("5 accounts (open_amount $150.00 in all).");
});

describe("metrics over owners of different currencies", () => {
  test("top 2 owners by MRR: the first two within each currency, never € against $", async () => {
    const r = await callTool(plain, {
      name: "query_metric",
      input: { metric: "mrr", period: "2026-11", group_by: ["owner"], order: "value_desc" },
    });
    const lines = composeAnswer("argmax", [{ ...r, role: "main" } as RoledResult], "most", 2);
    expect(lines[0]).toContain(
      "Top 2 owners by MRR in November 2026 (to date), in each currency, one value per currency",
    );
    expect(lines.slice(1)).toEqual([
      "  EUR 1. dan  €450.00",
      "  EUR 2. carol  €400.00",
      "  USD 1. alice  $500.00",
      "  USD 2. bob  $300.00",
    ]);
  });

  test("compare_periods: $300 in October and €450 in November are compared each with itself, no change across", async () => {
    const r = await callTool(plain, {
      name: "compare_periods",
      input: {
        metric: "owner_mrr",
        current: "2026-11",
        previous: "2026-10",
        filters: [{ dimension: "owner", op: "=", value: "dan" }],
      },
    });
    const o = r.output as any;
    expect([o.change, o.change_ratio, o.current.value]).toEqual([null, null, null]);
    // each period has rows, so a currency without any there holds nothing: €0 in October, $0 in November
    expect(o.by_currency).toEqual([
      { currency: "EUR", current: 450, previous: 0, change: 450 },
      { currency: "USD", current: 0, previous: 300, change: -300 },
    ]);
    const answer = composeAnswer("compare", [{ ...r, role: "main" } as RoledResult]).join("\n");
    expect(answer).toContain("per currency");
    expect(answer).toMatch(
      /EUR {2}€450\.00 vs €0\.00 +\+€450\.00\n {2}USD {2}\$0\.00 vs \$300\.00 {2}−\$300\.00, −100\.0%/,
    );
    // never a change from dollars to euros
    expect(answer).not.toContain("50.0%");
    expect(pairs(answerValues([{ ...r, role: "main" } as RoledResult]))).toEqual([
      ["EUR", 450],
      ["USD", 0],
    ]);
  });

  test("arithmetic: an amount in euros minus one in dollars is refused, both stated", async () => {
    const side = async (owner: string, currency: string) =>
      await callTool(plain, {
        name: "query_metric",
        input: {
          metric: "owner_mrr",
          period: "2026-11",
          filters: [
            { dimension: "owner", op: "=", value: owner },
            { dimension: "currency", op: "=", value: currency },
          ],
        },
      });
    const left = { ...(await side("dan", "eur")), role: "left" } as RoledResult;
    const right = { ...(await side("alice", "usd")), role: "minus" } as RoledResult;
    const [line] = composeAnswer("arithmetic", [left, right]);
    expect(line).toContain("(€450.00, EUR)");
    expect(line).toContain("($500.00, USD)");
    expect(line).toContain("they are in different currencies");
  });
});

describe("count: each label ranked by its rows, a number in no currency", () => {
  test("accounts per currency: usd 3, eur 2 — counted across currencies, never split", async () => {
    const r = await rank(plain, { label: "currency", n: 1, count: true });
    const o = r.output as any;
    expect(o.counted).toBe(true);
    expect(o.currency_split).toBe(false);
    expect(o.format).toBe("number");
    expect(o.rows).toEqual([{ rank: 1, label: "usd", value: 3, currency: null }]);
    expect(o.matched.rows).toBe(5);
    expect(composeAnswer("top_n", [r])[0]).toBe("Top currency by number of accounts:");
  });

  test("a bound on the amount holds in each currency: the counts are per currency", async () => {
    const o = (
      await rank(plain, { label: "currency", n: 1, count: true, filters: [{ column: "mrr", op: ">", value: 350 }] })
    ).output as any;
    // usd alice 500; eur carol 400, dan 450
    expect(o.currency_split).toBe(true);
    expect(o.rows.map((x: any) => [x.label, x.value])).toEqual([
      ["eur", 2],
      ["usd", 1],
    ]);
  });
});

describe("a mean over rows in several currencies is one per currency (tune43b)", () => {
  test("USD (500 + 300 + 100) ÷ 3 = $300, EUR (400 + 450) ÷ 2 = €425, never one across them", async () => {
    const r = await rank(plain, { n: 1, mean: true });
    const o = r.output as any;
    expect(o.matched.mean).toBeNull();
    expect(o.matched.by_currency.map((c: any) => [c.currency, c.mean])).toEqual([
      ["EUR", 425],
      ["USD", 300],
    ]);
    const answer = composeAnswer("count_rows", [r]).join("\n");
    expect(answer).toContain("one per currency");
    expect(answer).toContain("€425.00 (EUR)");
    expect(answer).toContain("$300.00 (USD)");
  });
});
