import { beforeAll, describe, expect, test } from "bun:test";
import type { Catalog } from "../../../engine/catalog/catalog.ts";
import { demoCatalog, plannerOver } from "./demo-planner.ts";

/**
 * The rules of branch tune16b (#15): ratios, shares, rankings and aggregations as board members, investors and
 * analysts ask them, on phrasings that are in no eval file — "how many times larger", "X as a multiple of Y"
 * (investopedia's "times" ratios), "refunds as a percentage of gross payments" (Stripe's refund rate, Baremetrics'
 * "refunds as a % of revenue"), "what proportion of payment attempts failed" (Stripe's payment failure rate: failed
 * over all attempts), "October month-end", "October's ending MRR" (an accountant's closing figure). Plans over the
 * demo's catalog at 2026-11-21.
 */
let catalog: Catalog;
beforeAll(() => {
  catalog = demoCatalog();
});
const { plan, refusal } = plannerOver(() => catalog);
const sides = (q: string) => {
  const p = plan(q);
  expect(p.intent).toBe("arithmetic");
  return p.calls.map((c) => [c.role, c.input.metric, c.input.period, c.input.filters]);
};
const pro = [{ dimension: "plan", op: "=", value: "Pro" }];
const starter = [{ dimension: "plan", op: "=", value: "Starter" }];

describe("a multiple is one number over another, each with its own filters", () => {
  test.each([
    ["How many times larger is Pro MRR than Starter MRR as of the end of October?", "2026-10"],
    ["how many times bigger was Pro MRR than Starter MRR in October", "2026-10"],
    ["Pro MRR as a multiple of Starter MRR in October", "2026-10"],
    ["In October, Pro MRR was how many times Starter MRR?", "2026-10"],
    ["how many times greater is Pro MRR than Starter in October", "2026-10"],
  ])("%p → Pro ÷ Starter", (q, period) => {
    expect(sides(q)).toEqual([
      ["left", "mrr", period, pro],
      ["times", "mrr", period, starter],
    ]);
  });

  test.each([
    ["In October, how many times the value of won deals was the value of lost deals?", "lost_amount", "won_amount"],
    ["how many times the churned MRR was the new MRR last month", "new_mrr", "churned_mrr"],
    ["how many times larger was won amount than lost amount in Q3", "won_amount", "lost_amount"],
  ])("%p: the second said is that many times the first (%s ÷ %s)", (q, num, den) => {
    const s = sides(q);
    expect(s[0]!.slice(0, 2)).toEqual(["left", num]);
    expect(s[1]!.slice(0, 2)).toEqual(["times", den]);
  });

  test.each([
    "how many times larger is new MRR than churn rate last month",
    "how many times larger was won amount than deals won in october",
  ])("%p: two numbers of other units are no multiple: asked back", (q) => {
    expect(refusal(q).kind).toBe("clarify");
  });

  test("how many times an event happened is no multiple", () => {
    expect(refusal("how many times did customers churn last month").kind).toBe("clarify");
  });
});

describe("one metric as a share of another, both named", () => {
  test.each([
    ["Year to date, refunds have been what percent of gross payments?", "ytd"],
    ["In Q3, refunds were what percentage of gross payments?", "2026-Q3"],
    ["refunds as a percentage of gross payments in Q3", "2026-Q3"],
    ["what were refunds as a share of gross payments in Q3", "2026-Q3"],
  ])("%p → refunds over gross payments", (q, period) => {
    expect(sides(q)).toEqual([
      ["left", "refunds", period, []],
      ["share", "charges_succeeded", period, []],
    ]);
  });

  test.each(["new MRR as a percentage of ARR", "churned MRR as a share of MRR last month"])(
    "%p: a flow over a level is no share: asked back",
    (q) => {
      expect(refusal(q).kind).toBe("clarify");
    },
  );

  test.each([
    ["What proportion of payment attempts failed in October?", "2026-10"],
    ["what percentage of payments failed last month", "last_month"],
    ["what fraction of payment attempts failed in Q3", "2026-Q3"],
  ])("%p: failed payments over all attempts (failed + successful)", (q, period) => {
    expect(sides(q)).toEqual([
      ["left", "failed_payments", period, []],
      ["share", "payment_attempts", period, []],
    ]);
  });
});

describe("the end of a named period said after it", () => {
  test.each([
    ["What percentage of October's ending MRR came from the Enterprise plan?", "share"],
    ["Which plan had the fewest customers at October month-end?", "argmax"],
    ["ARR at September month-end", "metric"],
    ["what was Q3 closing ARR", "metric"],
  ])("%p reads the period's end (%s)", (q, intent) => {
    const p = plan(q);
    expect(intent === "share" ? String(p.calls[1]!.role) : String(p.intent)).toBe(intent);
    expect(p.interpretation?.read_as).toMatch(/the end of (October|September|Q3) 2026/);
  });
});
