import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { rmSync, writeFileSync } from "node:fs";
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
  test("offline: the golden questions pass the threshold and every refusal case is refused", () => {
    const r = dp(["eval", "--offline", "--json", "-C", dir], { env });
    expect(r.stderr).toBe("");
    const report = JSON.parse(r.stdout);
    expect(r.code).toBe(0);
    expect(report.planner).toBe("offline");
    expect(report.total).toBeGreaterThanOrEqual(46);
    expect(report.accuracy).toBeGreaterThanOrEqual(report.threshold);
    const refusals = report.cases.filter((c: { kind: string }) => c.kind === "refusal");
    expect(refusals.length).toBeGreaterThanOrEqual(6);
    for (const c of refusals) expect({ id: c.id, status: c.status }).toEqual({ id: c.id, status: "refused" });
    expect(report.refusals.false_refusals).toBe(0);
    for (const c of report.cases) expect(c.latency_ms).toBeLessThan(5_000);
  }, 120_000);

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
      // 19 of the 599 customers paying at the end of September churned in October
      expect(r.stdout).toMatch(/value 0\.5 ≠ 0\.0317/);
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
