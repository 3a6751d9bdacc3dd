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

/** each customer's MRR at each month end, straight from the staging history (not the marts) */
const MONTH_END_MRR = `WITH months AS (SELECT CAST(unnest(generate_series(DATE '2025-01-01', DATE '2026-11-01', INTERVAL 1 MONTH)) AS DATE) AS month),
e AS (SELECT m.month, h.customer_id, sum(h.mrr) AS mrr FROM months m JOIN staging.stg_billing__subscription_history h
      ON h.valid_from < m.month + INTERVAL 1 MONTH AND (h.valid_to IS NULL OR h.valid_to >= m.month + INTERVAL 1 MONTH) GROUP BY ALL)`;

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
  expect(j.answer.split("\n")[0]).toBe(
    `Customer churn rate in October 2026 was ${(rate * 100).toFixed(1)}% (${e!.churned} of ${e!.at_start} customers at start of month).`,
  );
  expect(j.answer).toMatch(/churn_rate, last 8 months/);
  expect(j.citations[0].model).toBe("marts.churn_monthly");
  expect(j.tests.failing).toEqual([]);
}, 30_000);

test("MRR by plan this quarter", () => {
  const j = ask("MRR by plan this quarter");
  const [e] = sql(`${MONTH_END_MRR} SELECT sum(mrr) AS mrr FROM e WHERE month = DATE '2026-11-01'`);
  expect(j.answer.split("\n")[0]).toBe(
    `MRR in Q4 2026 (to date) was ${money(Number(e!.mrr))} (as of November 2026); by plan_tier:`,
  );
  const main = j.tool_calls.find((c: any) => c.role === "main");
  expect(main.input).toMatchObject({ metric: "mrr", period: "this_quarter", group_by: ["plan_tier"] });
}, 30_000);

test("how many new customers in September 2026", () => {
  const j = ask("how many new customers in September 2026");
  const [e] = sql(`${MONTH_END_MRR}
    SELECT count(*) AS n FROM (SELECT customer_id, min(month) FILTER (WHERE mrr > 0) AS first_paid FROM e GROUP BY 1)
    WHERE first_paid = DATE '2026-09-01'`);
  expect(j.answer.split("\n")[0]).toBe(`New customers in September 2026 was ${Number(e!.n)}.`);
}, 30_000);

test("top 5 customers by MRR", () => {
  const j = ask("top 5 customers by MRR");
  const expected = sql(
    `${MONTH_END_MRR} SELECT customer_id, mrr FROM e WHERE month = DATE '2026-11-01' ORDER BY mrr DESC, customer_id LIMIT 5`,
  );
  const main = j.tool_calls[0];
  expect(main).toMatchObject({ name: "top_n", input: { mart: "customers", measure: "mrr", n: 5 } });
  const lines = j.answer.split("\n").slice(1);
  expect(lines.map((l: string) => l.trim().split(/\s+/).at(-1))).toEqual(
    expected.map((e) => `$${Number(e.mrr).toFixed(2)}`),
  );
  expect(j.answer).not.toMatch(/@/);
}, 30_000);
