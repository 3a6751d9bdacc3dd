import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { dp, tempDir } from "../../helpers.ts";
import { findCall } from "../../../tools/eval/match-call.ts";
import { checkValues, withinTolerance } from "../../../tools/eval/value.ts";

const root = tempDir("dp-eval-");
const dir = join(root, "acme");
const env = { DP_NOW: "2026-11-21T06:00:00Z", ANTHROPIC_API_KEY: "" };

beforeAll(() => {
  expect(dp(["init", dir, "--demo"]).code).toBe(0);
  expect(dp(["run", "-C", dir], { env }).code).toBe(0);
}, 180_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("dp eval on a fresh demo project", () => {
  test("offline, dev set: the answer text states the SQL's number; no wrong number on evals/dev; outcomes counted", () => {
    const r = dp(["eval", "--offline", "--set", "dev", "--json", "-C", dir], { env });
    expect(r.stderr).toBe("");
    const report = JSON.parse(r.stdout);
    expect(r.code).toBe(0);
    expect(report.planner).toBe("offline");
    expect(Object.keys(report.sets)).toEqual(["dev"]);
    const dev = report.cases.filter((c: { file: string }) => c.file.startsWith("evals/dev/"));
    expect(dev.length).toBeGreaterThanOrEqual(150);
    // the failure that must be 0: a number stated for a different question than the one asked
    expect(
      dev.filter((c: { outcome: string }) => c.outcome === "wrong_number").map((c: { id: string }) => c.id),
    ).toEqual([]);
    expect(report.sets.dev.accuracy).toBeGreaterThanOrEqual(report.threshold);
    const outcomes = report.sets.dev.outcomes;
    expect(Object.keys(outcomes).sort()).toEqual([
      "answered_refusable",
      "correct",
      "correct_refusal",
      "error",
      "refused_answerable",
      "wrong_number",
    ]);
    expect(outcomes.correct_refusal).toBeGreaterThanOrEqual(40);
    for (const c of report.cases) expect(c.latency_ms).toBeLessThan(5_000);
  }, 180_000);

  test("new format: a wrong SQL value is wrong_number, an answered refusal case too, a refused value case is refused_answerable; dev and holdout scored apart", () => {
    mkdirSync(join(dir, "evals/holdout"), { recursive: true });
    writeFileSync(
      join(dir, "evals/zz-text.yaml"),
      `now: 2026-11-21T06:00:00Z
cases:
  - id: zz-mrr-right
    question: MRR last month
    expect: { answer: value, unit: money, sql: "select sum(mrr) from marts.customer_mrr_monthly where month = date '2026-10-01'" }
  - id: zz-mrr-wrong
    question: MRR last month
    expect: { answer: value, unit: money, sql: "select 1.5 * sum(mrr) from marts.customer_mrr_monthly where month = date '2026-10-01'" }
  - id: zz-should-refuse
    question: MRR last month
    expect: { answer: refuse }
`,
    );
    writeFileSync(
      join(dir, "evals/holdout/zz-holdout.yaml"),
      `now: 2026-11-21T06:00:00Z
cases:
  - id: zz-refused-answerable
    question: MRR for the blue widgets
    expect: { answer: value, unit: money, sql: "select 1" }
  - id: zz-email-refused
    question: list every customer's email address
    expect: { answer: refuse }
`,
    );
    try {
      const r = dp(["eval", "--offline", "--filter", "zz-", "-C", dir], { env });
      expect(r.code).toBe(1);
      expect(r.stdout).toContain(
        "dev: 1/3 (33.3%) — correct 1, correct_refusal 0, wrong_number 2, answered_refusable 0, refused_answerable 0, error 0",
      );
      expect(r.stdout).toContain(
        "holdout: 1/2 (50.0%) — correct 0, correct_refusal 1, wrong_number 0, answered_refusable 0, refused_answerable 1, error 0",
      );
      expect(r.stdout).toMatch(/✗! zz-mrr-wrong[\s\S]*stated \$[\d,]+; expected \d+/);
      expect(r.stdout).toContain("instead of refusing");
      const only = JSON.parse(
        dp(["eval", "--offline", "--set", "holdout", "--filter", "zz-", "--json", "-C", dir], { env }).stdout,
      );
      expect(Object.keys(only.sets)).toEqual(["holdout"]);
      expect(only.cases.map((c: { id: string; outcome: string }) => [c.id, c.outcome])).toEqual([
        ["zz-refused-answerable", "refused_answerable"],
        ["zz-email-refused", "correct_refusal"],
      ]);
      const bad = dp(["eval", "--offline", "--set", "holdot", "-C", dir], { env });
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain("did you mean holdout?");
    } finally {
      rmSync(join(dir, "evals/zz-text.yaml"));
      rmSync(join(dir, "evals/holdout/zz-holdout.yaml"));
    }
  }, 60_000);

  test("a wrong expected value fails the case, the run is below threshold: exit 1 with the difference", () => {
    writeFileSync(
      join(dir, "evals/zz-wrong.yaml"),
      `now: 2026-11-21T06:00:00Z
cases:
  - id: zz-wrong-churn
    question: churn last month?
    expect: { tool: query_metric, input: { metric: churn_rate, period: last_month }, value: 0.5, tolerance: 0.001 }
  - id: zz-wrong-tool
    question: churn last month?
    expect: { tool: query_metric, input: { metric: new_mrr } }
  - id: zz-wrong-refusal
    question: churn last month?
    expect: { refusal: true }
`,
    );
    try {
      const r = dp(["eval", "--offline", "--filter", "zz-wrong", "-C", dir], { env });
      expect(r.code).toBe(1);
      expect(r.stdout).toContain("0/3 passed");
      // 19 of the 573 customers paying at the end of September churned in October (test accounts excluded)
      expect(r.stdout).toMatch(/value 0\.5 ≠ 0\.0331588/);
      expect(r.stdout).toMatch(/metric: "new_mrr" ≠ "churn_rate"/);
      expect(r.stdout).toContain("answered instead of refusing");
    } finally {
      rmSync(join(dir, "evals/zz-wrong.yaml"));
    }
  }, 60_000);
});

describe("scoring", () => {
  test("periods compare by the dates they resolve to; left-out defaults equal written-out ones", () => {
    process.env.DP_NOW = env.DP_NOW;
    const calls = [
      { name: "query_metric", input: { metric: "mrr", period: { start: "2026-10-01", end: "2026-10-31" } } },
    ];
    expect(
      findCall(calls, "query_metric", { metric: "mrr", period: "last_month", filters: [], group_by: [] }).call,
    ).toBeDefined();
    expect(findCall(calls, "query_metric", { metric: "mrr", period: "2026-09" }).why).toContain("period");
    expect(findCall(calls, "compare_periods", {}).why).toBe("expected compare_periods, got query_metric");
  });

  test("tolerance: absolute or relative; where picks the row", () => {
    expect(withinTolerance(100, 100.9, "1%")).toBe(true);
    expect(withinTolerance(100, 101.1, "1%")).toBe(false);
    expect(withinTolerance(0.033, 0.0334, 0.0005)).toBe(true);
    const output = {
      rows: [
        { plan_tier: "pro", value: 10 },
        { plan_tier: "starter", value: 20 },
      ],
    };
    const base = { tool: "query_metric", input: {}, output: {} };
    expect(
      checkValues({ ...base, where: { plan_tier: "starter" }, value: 20 }, "query_metric", output, "0.1%").ok,
    ).toBe(true);
    expect(
      checkValues({ ...base, where: { plan_tier: "growth" }, value: 20 }, "query_metric", output, "0.1%").why,
    ).toContain("no row where");
    expect(
      checkValues({ ...base, output: { "rows.length": 2, "rows.1.plan_tier": "starter" } }, "query_metric", output, 0)
        .ok,
    ).toBe(true);
  });
});
