import { describe, expect, test } from "bun:test";
import { demoCatalog, plannerOver } from "./demo-planner.ts";

/**
 * The rules of branch tune53b (#15, fresh-53: period grammar for retention metrics), on phrasings in no eval file,
 * written from how SaaS Capital and ChartMogul readers say a retention span ("trailing twelve months", "TTM", "last 6
 * full months", "the 6 months to September", "a 6-month logo retention"): a window and the month it ends with said
 * apart is that window ending with the month; a span adjective that repeats the window is the window; an adjective
 * alone or against a window of another length is asked back. Its reading states the span with its dates.
 */
const catalog = demoCatalog();
const { plan, refusal } = plannerOver(() => catalog);

function mainInput(q: string) {
  const p = plan(q);
  const main = p.calls.find((c) => c.role === "main")!;
  expect(main.name).toBe("query_metric");
  return { input: main.input as { metric: string; period: unknown }, p };
}

describe("a trailing window and the month it ends with, said apart, is that window ending with the month", () => {
  test.each([
    ["TTM gross revenue retention, through August", "grr", { start: "2025-09-01", end: "2026-08-31" }],
    [
      "trailing 6 month logo retention, through september",
      "logo_retention_rate",
      { start: "2026-04-01", end: "2026-09-30" },
    ],
    ["TTM NRR through September", "nrr", { start: "2025-10-01", end: "2026-09-30" }],
    ["last twelve months net dollar retention ending in june", "nrr", { start: "2025-07-01", end: "2026-06-30" }],
  ])("%p", (q, metric, period) => {
    const { input, p } = mainInput(q);
    expect(input.metric).toBe(metric);
    expect(input.period).toEqual(period);
    expect(p.interpretation!.read_as).toContain(`${period.start} – ${period.end}`);
  });
});

describe("a span adjective repeating the window is the window, its dates said", () => {
  test.each([
    [
      "12-month net revenue retention over the last 12 full months",
      "nrr",
      "last_12_months",
      "November 2025 – October 2026",
    ],
    ["3-month GRR (trailing 3 months)", "grr", "last_3_months", "August 2026 – October 2026"],
    ["12-month NRR, TTM", "nrr", "last_12_months", "November 2025 – October 2026"],
    [
      "6-month customer retention rate for the past 6 complete months",
      "logo_retention_rate",
      "last_6_months",
      "May 2026 – October 2026",
    ],
  ])("%p", (q, metric, period, dates) => {
    const { input, p } = mainInput(q);
    expect(input.metric).toBe(metric);
    expect(input.period).toBe(period);
    expect(p.interpretation!.read_as).toContain(dates);
  });
  test.each(["6-month nrr, last 12 months", "12-month nrr", "3-month logo retention"])(
    "%p: an adjective alone, or against another window, is not answered",
    (q) => {
      expect(() => plan(q)).toThrow();
    },
  );
});

describe("customers counted by how many movements they had: no typed tool counts them, so never a number", () => {
  // (customer_mrr_monthly.movement has them, but no tool counts customers with ≥ N movements of a kind without raw
  // SQL: left for a new tool)
  test.each([
    "how many accounts upgraded two or more times this year",
    "customers that expanded more than once in 2026",
    "number of customers who downgraded at least twice",
  ])("%p", (q) => {
    expect(() => plan(q)).toThrow();
    expect(["clarify", "refuse"]).toContain(refusal(q).kind as string);
  });
});
