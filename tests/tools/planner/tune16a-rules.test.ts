import { beforeAll, describe, expect, test } from "bun:test";
import type { Catalog } from "../../../engine/catalog/catalog.ts";
import { planQuestion } from "../../../tools/planner/plan.ts";
import { DEMO_AT, demoCatalog, plannerOver } from "./demo-planner.ts";

/**
 * The rules of branch tune16a (#15, the board-room batch's wording and period classes), on phrasings that are in no
 * eval file, written before the code from the board room's own templates: investor-update prompts and board-deck
 * checklists ("write the monthly investor update for the reporting period", "Quarterly ARR performance YoY", "Ending
 * ARR and YoY growth", "Acme — July Update (ARR $83k, +11% m/m)"), accountants' period names ("the three months ended
 * June 30"), and "net of refunds" / "before refunds" from bookkeeping. Plans over the demo's catalog at 2026-11-21.
 */
let catalog: Catalog;
beforeAll(() => {
  catalog = demoCatalog();
});
const { plan, refusal } = plannerOver(() => catalog);
const input = (q: string) => plan(q).calls[0]!.input;

describe("the board register: who the number is for and how to state it place no word of it", () => {
  test.each([
    ["for our board deck, what was ARR at the end of Q3?", "arr"],
    ["For the quarterly investor update: net new MRR in October", "net_new_mrr"],
    ["can you tell the investors our churn rate for last quarter", "churn_rate"],
    ["To report to the board, how many new customers did we add in Q3?", "new_customers"],
    ["Please provide net revenue retention for Q3 2026.", "nrr"],
    ["Kindly state closed-won amount for October.", "won_amount"],
    ["what were refunds in October, for the auditors?", "refunds"],
  ])("%p → %s", (q, metric) => {
    expect(input(q)).toMatchObject({ metric });
  });
});

describe("units said in the board's words", () => {
  test.each([
    ["In dollar terms, how much did ARR grow from June to September?", "arr"],
    ["how much did active customers grow in absolute terms from August to October?", "active_customers"],
    ["in relative terms, how did MRR change between the end of June and the end of September", "mrr"],
  ])("%p compares %s", (q, metric) => {
    const p = plan(q);
    expect(p.calls[0]!.name).toBe("compare_periods");
    expect(p.calls[0]!.input).toMatchObject({ metric });
  });

  test("a percentage said of a change is the change's unit, never 'win percentage'", () => {
    const p = plan("what was the change in closed won amount from august to september, in percentage terms?");
    expect(p.calls[0]!.input).toMatchObject({ metric: "won_amount", current: "2026-09", previous: "2026-08" });
  });

  test.each([
    ["year-on-year, how did ARR change at the end of September?", "arr"],
    ["month on month, how much did MRR grow in October?", "mrr"],
  ])("%p: 'on' is 'over'", (q, metric) => {
    expect(plan(q).calls[0]!.input).toMatchObject({ metric });
  });
});

describe("rankings and judgements in formal words", () => {
  test.each([
    ["Who was our best-performing rep by won amount in Q3?", "owner", "most"],
    ["which rep was the worst performer by win rate last quarter", "owner", "least"],
    ["which deal owner had the strongest win rate in Q2?", "owner", "most"],
    ["Which sales owner closed the most bookings in October?", "owner", "most"],
  ])("%p ranks %s (%s)", (q, dimension, direction) => {
    const p = plan(q);
    expect(JSON.stringify(p.interpretation!.argmax)).toContain(dimension);
    expect(p.interpretation!.argmax?.direction).toBe(direction as "most" | "least");
  });

  test.each([
    ["which quarter of 2025 produced the most new customers", "new_customers"],
    ["which month this year achieved the highest closed-won amount", "won_amount"],
    ["Which month of 2026 was our weakest for new MRR?", "new_mrr"],
  ])("%p: a bucket's event, ranked (%s)", (q, metric) => {
    expect(input(q)).toMatchObject({ metric });
    expect(plan(q).interpretation!.argmax?.dimension).toBe("period");
  });

  test.each([
    ["Has churn improved? Compare October with September.", "churn_rate"],
    ["did our win rate deteriorate in Q3 compared with Q2?", "win_rate"],
    ["Has ARPA worsened? compare Q3 vs Q2", "arpa"],
  ])("%p: a judgement of change is the change (%s)", (q, metric) => {
    const p = plan(q);
    expect(p.calls[0]!.name).toBe("compare_periods");
    expect(p.calls[0]!.input).toMatchObject({ metric });
  });

  test("customer additions are customers added; net additions (new less churned) are no such count: asked back", () => {
    expect(input("how many customer additions did we have in Q3?")).toMatchObject({ metric: "new_customers" });
    refusal("how many net customer additions did we have in Q3?");
  });
});

describe("periods in the accountant's words", () => {
  test.each([
    ["new customers in the three months ended June 30, 2026", { start: "2026-04-01", end: "2026-06-30" }],
    ["net new MRR for the year ended December 31, 2025", { start: "2025-01-01", end: "2025-12-31" }],
    ["churned MRR for the nine months ending September 30", { start: "2026-01-01", end: "2026-09-30" }],
    ["NRR for the quarter that ended June 30", { start: "2026-04-01", end: "2026-06-30" }],
    ["refunds in the month ended October 31", { start: "2026-10-01", end: "2026-10-31" }],
  ])("%p", (q, period) => {
    expect(input(q)).toMatchObject({ period });
  });

  test.each(["new customers in the quarter ended August 31", "refunds for the quarter ended September 15"])(
    "%p: no quarter ends there: asked back",
    (q) => {
      refusal(q);
    },
  );

  test.each([
    ["new MRR in the first two quarters of 2025, combined", { start: "2025-01-01", end: "2025-06-30" }],
    ["won amount for the first nine months of the year, in aggregate", { start: "2026-01-01", end: "2026-09-30" }],
    ["total churned customers in the first three quarters of last year", { start: "2025-01-01", end: "2025-09-30" }],
  ])("%p: the year's opening stretch", (q, period) => {
    expect(input(q)).toMatchObject({ period });
  });

  test.each([
    ["new customers from March through August of this year", { start: "2026-03-01", end: "2026-08-31" }],
    ["refunds from February to May of last year", { start: "2025-02-01", end: "2025-05-31" }],
  ])("%p: the year said once is the range's", (q, period) => {
    expect(input(q)).toMatchObject({ period });
  });

  test.each([
    ["new customers this year, excluding the current month", { start: "2026-01-01", end: "2026-10-31" }],
    [
      "which month of 2026 had the most churned MRR, not counting the partial month",
      { start: "2026-01-01", end: "2026-10-31" },
    ],
    [
      "won amount since July, leaving out November as it is still in progress",
      { start: "2026-07-01", end: "2026-10-31" },
    ],
  ])("%p: the month still running is left out", (q, period) => {
    expect(input(q)).toMatchObject({ period });
  });

  test("leaving out a month that is not the running one is no cut at the end: asked back", () => {
    refusal("new customers this year, leaving out August since it is incomplete");
  });

  test("a level now with the running month left out has nothing left: asked back", () => {
    refusal("MRR excluding the current month");
  });
});

describe("net of and before refunds", () => {
  test.each([
    ["cash collections last quarter, net of refunds", "revenue_collected"],
    ["net collections in October", "revenue_collected"],
    ["net receipts in Q3", "revenue_collected"],
    ["gross receipts in September", "charges_succeeded"],
    ["gross cash collected before refunds in Q2", "charges_succeeded"],
    ["the sum of refunds issued in Q3", "refunds"],
    ["tally of refunds since August", "refunds"],
  ])("%p → %s", (q, metric) => {
    expect(input(q)).toMatchObject({ metric });
  });
});

test("cash collections net of refunds: already net, read once (never refunds taken out twice)", () => {
  const p = plan("what were cash collections in September, net of refunds?");
  expect(p.calls[0]!.input).toMatchObject({ metric: "revenue_collected", period: "2026-09" });
  expect(p.interpretation!.read_as).toContain("already net of refunds");
});

describe("an English word is never typo-corrected into a catalog word of another stem", () => {
  test.each([
    "Please state churn rate for Q3 2026.",
    "what was MRR nearly a year ago",
    "remember the ARR at the end of Q3?",
    "MRR for the quarter, in plain words",
  ])("%p: read as typed (answered without the word, or asked back on it), never as a catalog word", (q) => {
    const p = planQuestion(q.toLowerCase(), catalog, DEMO_AT);
    const why = JSON.stringify(p.status === "plan" ? p.interpretation?.why : p);
    expect(why).not.toMatch(/read "(?:state|nearly|remember|plain)" as/);
  });

  test.each([
    ["churn rate lst mnth", "churn_rate"],
    ["new custmers in october", "new_customers"],
    ["revenu collected in q3", "revenue_collected"],
  ])("%p: a misspelling no dictionary has is still corrected (%s)", (q, metric) => {
    expect(input(q)).toMatchObject({ metric });
  });
});

test("two neighbouring letters swapped is still a typo, English word or not ('trials' typed 'trails')", () => {
  expect(input("how many trails converted in october")).toMatchObject({ metric: "trials_converted" });
});

describe("how a level moved from one month to another is its series (its two ends stated first), never one value", () => {
  test.each([
    ["How has MRR moved from June through October?", "mrr"],
    ["how has ARR evolved from March to September of this year", "arr"],
    ["How did active customers fare from January through August?", "active_customers"],
  ])("%p → %s by month", (q, metric) => {
    const p = plan(q);
    expect(p.calls[0]!.input).toMatchObject({ metric, grain: "month" });
  });

  test("a word of its own that stems to a stop word ('state' → 'stat') is no stop word: asked back", () => {
    refusal("what state are our customers in?");
  });
});

test("'in absolute terms' says no unit: a count's change stays a count", () => {
  const p = plan("how many more new customers did we add in October than in September, in absolute terms?");
  expect(p.calls[0]!.input).toMatchObject({ metric: "new_customers" });
});
