import { beforeAll, describe, expect, test } from "bun:test";
import type { Catalog } from "../../../engine/catalog/catalog.ts";
import { planQuestion } from "../../../tools/planner/plan.ts";
import { reviewPeriod } from "../../../tools/planner/review-period.ts";
import { DEMO_AT, demoCatalog, plannerOver } from "./demo-planner.ts";

/**
 * The rules of branch tune39 (#15, batch 39 "the monthly review"), on phrasings in no eval file: the review's period
 * said by its context (review-period.ts), slide and bridge framing set aside (purpose.ts), "brand-new" (plain-words.ts)
 * and "urgent / high-priority" (support-words.ts). Pure: no warehouse.
 */
let catalog: Catalog;
beforeAll(() => {
  catalog = demoCatalog();
});
const { plan, refusal } = plannerOver(() => catalog);
const main = (q: string) => plan(q).calls[0]!.input as Record<string, unknown>;
const OCT = "2026-10";

describe("the month under review is the last complete month, said so in the reading", () => {
  test.each([
    ["trials converted during the month we're reviewing", "trials_converted"],
    ["deals lost in this review", "deals_lost"],
    ["first response time for this MBR", "first_response_minutes"],
    ["stickiness for this monthly review", "stickiness"],
    ["ARPA at the end of this review month", "arpa"],
    ["open deals as of the end of the month under review", "open_deals"],
    ["contraction MRR in the reporting month", "contraction_mrr"],
    ["WAU at the close of the review month", "weekly_active_users"],
  ])("%s", (q, metric) => {
    const p = plan(q);
    expect(p.calls[0]!.input).toMatchObject({ metric, period: OCT });
    expect(p.interpretation!.read_as).toContain("October 2026");
    expect(p.interpretation!.read_as).toContain("the month under review: the last complete month");
  });

  test("a stock for this review is its last day's value, never this month's to date", () => {
    expect(main("DAU for this review")).toMatchObject({ metric: "daily_active_users", period: OCT });
    expect(main("paying customers for this review")).toMatchObject({ metric: "active_customers", period: OCT });
  });

  test("in January the month under review is last year's December", () => {
    expect(reviewPeriod("MRR for this review", new Date("2027-01-09T00:00:00Z"))?.text).toBe("MRR in December 2026");
  });
});

describe("the quarter under review is the last complete quarter", () => {
  test.each([
    ["ARR for this QBR", "arr"],
    ["NRR for the quarter we're reviewing", "nrr"],
    ["win rate in this quarterly business review", "win_rate"],
    ["new customers for the quarter view", "new_customers"],
  ])("%s", (q, metric) => {
    const p = plan(q);
    expect(p.calls[0]!.input).toMatchObject({ metric, period: "2026-Q3" });
    expect(p.interpretation!.read_as).toContain("the quarter under review: the last complete quarter");
  });
});

describe("a review beside a period of its own only says what the number is for", () => {
  test.each([
    ["for the monthly review: failed payments in September", "failed_payments", "2026-09"],
    ["CSAT in August, for this MBR", "csat", "2026-08"],
    ["for the QBR: churned MRR in Q2", "churned_mrr", "2026-Q2"],
  ])("%s", (q, metric, period) => {
    expect(main(q)).toMatchObject({ metric, period });
  });

  test("'for the QBR' alone, or 'right now' beside this review, is read as the question without it", () => {
    for (const [q, bare] of [
      ["ARR for the QBR", "ARR"],
      ["how many customers do we have for the MBR", "how many customers do we have"],
      ["MRR right now for this review", "MRR right now"],
      ["open tickets currently, for this MBR", "open tickets currently"],
    ])
      expect(plan(q).calls.map((c) => c.input)).toEqual(plan(bare).calls.map((c) => c.input));
  });

  test("a review no context dates is not read as one", () => {
    for (const q of ["churn rate for the board meeting month", "product events for the last review"])
      expect(planQuestion(q, catalog, DEMO_AT).status).toBe("refusal");
  });
});

describe("slide and bridge framing is set aside, never read as a metric word", () => {
  test.each([
    ["revenue slide: new MRR in October", "new_mrr"],
    ["the expansion bar: expansion MRR for September", "expansion_mrr"],
    ["last bar on the bridge — contraction MRR in October", "contraction_mrr"],
    ["slide 5 needs trial conversion for September", "trial_conversion_rate"],
    ["so what should we put for win rate on the sales slide for September?", "win_rate"],
    ["refunds for September, for the billing slide", "refunds"],
    ["tickets closed in September, same slide", "tickets_closed"],
    ["what do we put for NRR for August?", "nrr"],
  ])("%s", (q, metric) => {
    const p = plan(q);
    expect(p.calls[0]!.input).toMatchObject({ metric });
    expect(p.interpretation!.read_as).toContain("set aside");
  });

  test("a slide that names no number is still asked back", () => {
    expect(refusal("what's the main number for the cover slide?").status).toBe("refusal");
    expect(refusal("give me the usual retention slide").status).toBe("refusal");
  });
});

describe("two names of one priority, and brand-new", () => {
  test.each([
    ["urgent/high-priority tickets in September", "high_priority_tickets"],
    ["how many high-pri or urgent tickets came in last month", "high_priority_tickets"],
    ["brand new customers in September", "new_customers"],
    ["MRR from brand-new customers in August", "new_mrr"],
  ])("%s", (q, metric) => {
    expect(main(q)).toMatchObject({ metric });
  });
});
