import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dp as runCli } from "../helpers.ts";

let root: string;
let dir: string;

const dp = (args: string[], cwd = dir) => runCli(args, { cwd, env: { ANTHROPIC_API_KEY: "" } });

function ask(question: string) {
  const r = dp(["ask", question, "--json"]);
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout);
}

function sql(query: string): Record<string, any>[] {
  const r = dp(["sql", query, "--json"]);
  expect(r.stderr).toBe("");
  return JSON.parse(r.stdout);
}

/**
 * each customer's MRR at each month end, summed from the Stripe pack's per-subscription month-end MRR
 * (intermediate.int_stripe__subscription_mrr), not from the marts that answer the questions
 */
const MONTH_END_MRR = `WITH e AS (SELECT month, customer_id, sum(mrr) AS mrr
      FROM intermediate.int_stripe__subscription_mrr GROUP BY ALL)`;

const money = (v: number) => `$${Math.round(v).toLocaleString("en-US")}`;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "dp-ask-demo-"));
  dir = join(root, "acme");
  expect(dp(["init", dir, "--demo"], root).code).toBe(0);
  const run = dp(["run"]);
  expect(run.code).toBe(0);
}, 120_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

test("churn last month?", () => {
  const j = ask("churn last month?");
  expect(j.status).toBe("answered");
  const [e] = sql(`${MONTH_END_MRR}
    SELECT count(*) FILTER (WHERE s.mrr > 0) AS at_start,
           count(*) FILTER (WHERE s.mrr > 0 AND coalesce(o.mrr, 0) = 0) AS churned
    FROM e s LEFT JOIN e o ON o.customer_id = s.customer_id AND o.month = DATE '2026-10-01'
    WHERE s.month = DATE '2026-09-01'`);
  const rate = Number(e!.churned) / Number(e!.at_start);
  expect(j.answer.split("\n")[0]).toBe("Read as: Customer churn rate in October 2026, test accounts excluded.");
  expect(j.answer.split("\n")[1]).toBe(
    `Customer churn rate in October 2026 was ${(rate * 100).toFixed(1)}% (${e!.churned} of ${e!.at_start} customers at start of month).`,
  );
  expect(j.answer).toMatch(/churn_rate, last 8 months/);
  expect(j.citations[0].model).toBe("marts.mrr_monthly");
  expect(j.tests.failing).toEqual([]);
}, 30_000);

test("MRR by plan this quarter", () => {
  const j = ask("MRR by plan this quarter");
  const [e] = sql(`${MONTH_END_MRR} SELECT sum(mrr) AS mrr FROM e WHERE month = DATE '2026-11-01'`);
  expect(j.answer.split("\n")[0]).toBe("Read as: MRR now (November 2026, to date), by plan, test accounts excluded.");
  expect(j.answer.split("\n")[1]).toBe(
    `MRR in Q4 2026 (to date) was ${money(Number(e!.mrr))} (as of November 2026); by plan:`,
  );
  const main = j.tool_calls.find((c: any) => c.role === "main");
  expect(main.input).toMatchObject({ metric: "mrr", period: "this_quarter", group_by: ["plan"] });
  // each plan's line: its products' month-end MRR
  const byPlan = sql(`SELECT p.product_name AS plan, sum(m.mrr) AS mrr FROM intermediate.int_stripe__subscription_mrr m
    JOIN staging.stg_stripe__products p USING (product_id) WHERE m.month = DATE '2026-11-01' GROUP BY 1 ORDER BY 1`);
  expect(
    j.answer
      .split("\n")
      .slice(2, 6)
      .map((l: string) => l.trim().split(/\s+/)),
  ).toEqual(byPlan.map((r) => [r.plan, money(Number(r.mrr))]));
}, 30_000);

test("how many new customers in September 2026", () => {
  const j = ask("how many new customers in September 2026");
  const [e] = sql(`${MONTH_END_MRR}
    SELECT count(*) AS n, sum(e.mrr) AS m
    FROM (SELECT customer_id, min(month) FILTER (WHERE mrr > 0) AS first_paid FROM e GROUP BY 1) f
    JOIN e ON e.customer_id = f.customer_id AND e.month = f.first_paid
    WHERE first_paid = DATE '2026-09-01'`);
  expect(j.answer.split("\n")[0]).toBe("Read as: New customers in September 2026, test accounts excluded.");
  // the count, and its companion (the new customers' MRR, new_mrr)
  const line = j.answer.split("\n")[1] as string;
  expect(line.startsWith(`New customers in September 2026 was ${Number(e!.n)} (New MRR: $`)).toBe(true);
  expect(Math.abs(Number(/\$([\d,.]+)\)/.exec(line)![1]!.replaceAll(",", "")) - Number(e!.m))).toBeLessThan(1);
}, 30_000);

test("top 5 customers by MRR", () => {
  const j = ask("top 5 customers by MRR");
  const expected = sql(
    `${MONTH_END_MRR} SELECT customer_id, mrr FROM e WHERE month = DATE '2026-11-01' ORDER BY mrr DESC, customer_id LIMIT 5`,
  );
  const main = j.tool_calls[0];
  expect(main).toMatchObject({ name: "top_n", input: { mart: "customers", measure: "mrr", n: 5 } });
  // the reading first: the instant the MRR ranked is for (now, as a level with no period), then the header
  expect(j.answer.split("\n")[0]).toBe("Read as: MRR now (November 2026, to date), the 5 customers with the most.");
  const lines = j.answer.split("\n").slice(2);
  expect(lines.map((l: string) => l.trim().split(/\s+/).at(-1))).toEqual(
    expected.map((e) => `$${Number(e.mrr).toFixed(2)}`),
  );
  expect(j.answer).not.toMatch(/@/);
}, 30_000);

test("a count of rows over an amount, and a ranking kept to a state, a period and a person (trust8)", () => {
  const counted = ask("how many won deals were over $9k in q2");
  const [c] = sql(
    "SELECT count(*)::int AS n FROM marts.deals WHERE is_won AND close_date >= DATE '2026-04-01' AND close_date < DATE '2026-07-01' AND amount > 9000",
  );
  expect(counted.tool_calls[0]).toMatchObject({ name: "top_n", input: { mart: "deals", measure: "amount" } });
  expect(counted.answer.split("\n")[0]).toBe(
    "Read as: Number of deals, amount > 9,000, won, close date in Q2 2026, their amount summed too.",
  );
  expect(counted.answer.split("\n")[1]).toStartWith(
    `${c!.n} deals kept to amount > 9000, won, close_date 2026-04-01 to 2026-06-30`,
  );

  const ranked = ask("the largest deal tom won in q3");
  const [top] = sql(
    "SELECT deal_name FROM marts.deals WHERE is_won AND owner = 'Tom Becker' AND close_date BETWEEN DATE '2026-07-01' AND DATE '2026-09-30' ORDER BY amount DESC LIMIT 1",
  );
  expect(ranked.answer).toContain("owner = Tom Becker");
  expect(ranked.answer.split("\n")[0]).toBe(
    "Read as: Deal amount, the deal with the most, won, owner = Tom Becker, close date in Q3 2026.",
  );
  expect(ranked.answer.split("\n")[2]).toContain(top!.deal_name);
}, 30_000);

test("a tie at the cut of a ranking of rows is said, never hidden (trust8)", () => {
  const j = ask("largest deal we won in q3");
  const rows = sql(
    "SELECT deal_name, amount FROM marts.deals WHERE is_won AND close_date BETWEEN DATE '2026-07-01' AND DATE '2026-09-30' ORDER BY amount DESC, deal_name LIMIT 2",
  );
  if (Number(rows[0]!.amount) === Number(rows[1]!.amount))
    expect(j.answer).toContain(`tied at the cut: ${rows[1]!.deal_name} has the same amount as #1`);
  else expect(j.answer).not.toContain("tied at the cut");
  expect(j.answer.split("\n")[2]).toContain(rows[0]!.deal_name);
}, 30_000);
