import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Catalog } from "../../../engine/catalog/catalog.ts";
import { loadProject } from "../../../engine/config/project.ts";
import { approxVerdict } from "../../../tools/ask/check-lines.ts";
import { APPROX_TOLERANCE, readApprox } from "../../../tools/planner/approx.ts";
import { loosePeriodAskBack } from "../../../tools/planner/loose-period.ts";
import { askIn, createFixture, type Fixture } from "../fixture.ts";
import { demoCatalog, plannerOver } from "./demo-planner.ts";

/**
 * The rules of branch tune24a (#15, batch 24 "operations people and generalists"), on phrasings in no eval file: a
 * season or holiday as a period is asked back, never dropped; a level "today" vs the end of a period is now vs that
 * period's end; a half-remembered figure ("around", "roughly", "something like", "going negative") is checked against
 * the real value with a stated tolerance; two asks in one where one is not in the catalog answer the one and say the
 * other is not answered; a purpose said around the ask is set aside and said in the reading.
 */
let catalog: Catalog;
beforeAll(() => {
  catalog = demoCatalog();
});
const { plan, refusal } = plannerOver(() => catalog);
const main = (q: string) => plan(q).calls[0]!.input as Record<string, unknown>;

describe("a season or holiday as a period has no agreed dates: asked back", () => {
  test.each([
    "how many tickets did we get over the summer?",
    "new MRR since Christmas",
    "refunds during the Easter break",
    "tickets opened over the summer holidays",
    "how did DAU look this spring?",
    "failed payments in the festive season",
  ])("%s", (q) => {
    const r = refusal(q);
    expect(r.kind).toBe("clarify");
    expect(r.reason).toMatch(/no agreed dates/);
  });

  test("a fall in a metric is no season", () => {
    const at = new Date("2026-11-21T06:00:00Z");
    expect(loosePeriodAskBack("did we see a fall in mrr", at)).toBeUndefined();
    expect(loosePeriodAskBack("mrr in the fall", at)).toMatch(/no agreed dates/);
    expect(refusal("refunds over the summer?").reason).not.toMatch(/\d/);
  });

  test("a season in backstory, with the ask's own period, gives way to the message reader", () => {
    expect(main("We had a slow spell over the summer. What was new MRR in October?")).toMatchObject({
      metric: "new_mrr",
      period: "2026-10",
    });
  });
});

describe("a level today vs the end of a period: now against that period's end", () => {
  test.each([
    ["MRR today vs at the end of last year", "mrr", "last_year"],
    ["paying customers today versus the end of last year", "active_customers", "last_year"],
    ["open pipeline today vs the end of Q2", "open_pipeline", "2026-Q2"],
  ])("%s", (q, metric, previous) => {
    expect(main(q)).toMatchObject({ metric, current: "this_month", previous });
  });

  test("a count today stays today's count", () => {
    expect(main("tickets today vs yesterday")).toMatchObject({ metric: "tickets_opened", current: "today" });
  });
});

describe("a half-remembered figure is checked against the real value", () => {
  test.each([
    ["I believe ARR was around 700k at the end of Q3, is that right?", "arr", "2026-Q3", 700_000],
    ["my sheet says churn was roughly 3% in September, does that check out?", "churn_rate", "2026-09", 0.03],
    ["I recall refunds were ~$1.5k in August, right?", "refunds", "2026-08", 1500],
    ["wasn't new MRR in July something like 10k?", "new_mrr", "2026-07", 10_000],
    ["we had about 250 open deals at the end of September, right?", "open_deals", "2026-09", 250],
  ])("%s", (q, metric, period, value) => {
    const p = plan(q);
    expect(main(q)).toMatchObject({ metric, period });
    expect(p.interpretation!.yes_no).toMatchObject({ kind: "approx", value, tolerance: APPROX_TOLERANCE });
    expect(p.interpretation!.read_as).toMatch(/within 10% holds, within 20% is close/);
  });

  test("going negative is a bound below 0", () => {
    const p = plan("I have a feeling net new MRR was negative in October, right?");
    expect(main("I have a feeling net new MRR was negative in October, right?")).toMatchObject({
      metric: "net_new_mrr",
      period: "2026-10",
    });
    expect(p.interpretation!.yes_no).toMatchObject({ kind: "threshold", op: "<", value: 0 });
  });

  test("a figure in another unit than the metric's is never checked", () => {
    expect(refusal("I think MRR was around 5% in September, right?").kind).toBe("clarify");
  });

  test("the tolerance: within 10% of the figure holds, within 20% is close, beyond is no", () => {
    expect(approxVerdict(57_900, 60_000, 0.1)).toBe("Yes");
    expect(approxVerdict(66_000, 60_000, 0.1)).toBe("Yes");
    expect(approxVerdict(0.34, 0.3, 0.1)).toBe("Close");
    expect(approxVerdict(48_000, 60_000, 0.1)).toBe("Close");
    expect(approxVerdict(192, 2000, 0.1)).toBe("No");
    expect(readApprox("what was mrr in september")).toBeUndefined();
    expect(readApprox("i think mrr was 60k or so in september, right")).toMatchObject({ value: 60_000 });
  });
});

describe("two asks in one, one not in the catalog: the other is answered, the one said as not answered", () => {
  test.each([
    ["what was ARR at the end of Q2 and what was our target for it?", "arr", "2026-Q2", ["target"]],
    ["new MRR in September, and what did we pay in commissions?", "new_mrr", "2026-09", ["pay", "commissions"]],
    [
      "how many deals did we win in Q3 and what was the marketing budget?",
      "deals_won",
      "2026-Q3",
      ["marketing", "budget"],
    ],
  ])("%s", (q, metric, period, words) => {
    const p = plan(q);
    expect(main(q)).toMatchObject({ metric, period });
    expect(p.interpretation!.unanswered?.words).toEqual(words);
    expect(p.interpretation!.read_as).toMatch(/is not answered/);
  });

  test("a second ask the catalog cannot place with the first still unread is asked back", () => {
    expect(refusal("what's our MRR now and how many employees do we have?").kind).toBe("clarify");
  });
});

describe("a purpose said around the ask is set aside and said in the reading", () => {
  test.each([
    ["for slide 7: churned customers in Q2", "churned_customers", "2026-Q2", "for slide 7"],
    ["what was ARR at the end of June, for the LP letter", "arr", "2026-06", "for the LP letter"],
    ["our CFO wants new MRR for August", "new_mrr", "2026-08", "our cfo wants"],
    [
      "how many high priority tickets came in last week? we want to hire",
      "high_priority_tickets",
      "last_week",
      "we want to hire",
    ],
  ])("%s", (q, metric, period, said) => {
    expect(main(q)).toMatchObject({ metric, period });
    expect(plan(q).interpretation!.read_as.toLowerCase()).toContain(`set aside: "${said.toLowerCase()}"`);
  });
});

describe("the answers say it", () => {
  let fx: Fixture;
  beforeAll(async () => {
    fx = await createFixture();
  });
  afterAll(() => fx.cleanup());
  const ask = (question: string) => askIn(loadProject(fx.dir), question);

  test("the other ask is said as not answered, with no number for it", async () => {
    const r = await ask("what was MRR at the end of October and what was the marketing budget?");
    expect(r.status).toBe("answered");
    const last = r.answer.split("\n").at(-1)!;
    expect(last).toBe(
      'Not answered: "what was the marketing budget" — "marketing", "budget" are in no metric of the catalog, so I have no number for it.',
    );
    expect(r.answer).toMatch(/^MRR in October 2026 was \$[\d,]+\.$/m);
  });

  test("a half-remembered figure: the real value and whether the figure holds", async () => {
    const near = await ask("I recall MRR was around 8k in August, right?");
    expect(near.status).toBe("answered");
    expect(near.answer.split("\n")[1]).toBe("Yes — MRR was $7,866, within 10% of the $8,000 you had (2% below it).");
    expect(near.answer).toMatch(/^MRR in August 2026 was \$7,866\.$/m);
    const close = await ask("wasn't MRR in August something like 9k?");
    expect(close.answer.split("\n")[1]).toBe(
      "Close — MRR was $7,866, not within 10% but within 20% of the $9,000 you had (13% below it).",
    );
    const far = await ask("I recall MRR was ~$1.5k in August, right?");
    expect(far.answer.split("\n")[1]).toBe(
      "No — MRR was $7,866, more than 20% off the $1,500 you had (424% above it).",
    );
  });
});

describe("Thanksgiving is a dated day (named-days.ts), not a loose season", () => {
  test("the week after Thanksgiving last year: from the fourth Thursday of November 2025, said in the reading", () => {
    const q = "tickets opened in the week after Thanksgiving last year";
    expect(main(q)).toMatchObject({ metric: "tickets_opened", period: { start: "2025-11-28", end: "2025-12-04" } });
    expect(plan(q).interpretation?.read_as).toContain("fourth Thursday of November");
  });

  test("a day on a monthly metric is asked back, never the month's total", () => {
    expect(refusal("new MRR since Thanksgiving").status).toBe("refusal");
  });
});
