import { describe, expect, test } from "bun:test";
import { negationsIn } from "../../../tools/planner/negation-words.ts";
import { demoCatalog, plannerOver } from "./demo-planner.ts";

/**
 * The rules of branch tune46 (#15, exclusions, negations and thresholds), on phrasings in no eval file: a negation the
 * planner cannot place is never set aside as "a second ask" (the first part answered alone is the number the question
 * left out), a movement left out of another (already out of it, taken off it, or asked back), a clause of another
 * metric negated ("that weren't urgent", "that never converted"), a value left out with "weren't"/"wasn't", paying
 * accounts counted by a bound on a number of theirs, and "tickets that aren't closed". Plans over the demo's catalog at
 * 2026-11-21.
 */
const catalog = demoCatalog();
catalog.dimensionValues!.set("deals_closed_monthly.owner", ["James Chen", "Maria Lopez", "Priya Nair", "Tom Becker"]);
const { plan, refusal } = plannerOver(() => catalog);
const inputs = (q: string) => plan(q).calls.map((c) => ({ role: c.role, ...(c.input as object) }));
const main = (q: string) => plan(q).calls[0]!.input as { metric: string; period: unknown; filters?: unknown[] };

describe("the negation words", () => {
  test.each([
    ["and didn't convert", ["didn't"]],
    ["that werent won", ["werent"]],
    ["everyone other than James", ["other than"]],
    ["no longer paying", ["no longer"]],
    ["non-enterprise accounts", ["non"]],
    ["new accounts this month", []],
    ["the amount we won", []],
  ])("%p → %j", (text, words) => {
    expect(negationsIn(text as string)).toEqual(words as string[]);
  });
});

describe("a negation the catalog cannot place is never set aside as a second ask", () => {
  test.each([
    "deals won in Q3 and weren't discounted",
    "new customers last month and never activated",
    "refunds in October and not chargebacks",
    "MRR at the end of October and not from resellers",
  ])("%p asks back", (q) => {
    expect(refusal(q).status).toBe("refusal");
  });
});

describe("a movement the number never held, left out: the number as it is", () => {
  test.each([
    ["new MRR last month excluding reactivations", "new_mrr"],
    ["churned MRR in Q2, leave the downgrades out", "churned_mrr"],
    ["new MRR this year without win-backs", "new_mrr"],
    ["churned MRR in September not counting contraction", "churned_mrr"],
    ["deals won in Q3 excluding deals lost", "deals_won"],
  ])("%p → %s", (q, metric) => {
    const p = plan(q);
    expect(p.intent).toBe("metric");
    expect((p.calls[0]!.input as { metric: string }).metric).toBe(metric);
    expect(p.interpretation!.read_as).toMatch(/not in it/);
  });
});

describe("a part the number's description names, left out: the number minus the part", () => {
  test.each([
    ["net new MRR in Q3 without reactivation", "net_new_mrr", "reactivation_mrr", "2026-Q3"],
    ["trials in october that never converted", "trials_ended", "trials_converted", "2026-10"],
    ["deals closed last quarter that were never won", "deals_closed", "deals_won", "last_quarter"],
    ["support tickets opened this year that weren't urgent", "tickets_opened", "high_priority_tickets", "this_year"],
    ["tickets opened last week excluding escalations", "tickets_opened", "high_priority_tickets", "last_week"],
    ["deals closed in Q3 excluding deals won", "deals_closed", "deals_won", "2026-Q3"],
  ])("%p → %s minus %s", (q, left, minus, period) => {
    expect(inputs(q)).toMatchObject([
      { role: "left", metric: left, period },
      { role: "minus", metric: minus, period },
    ]);
  });
});

describe("a part inside the number's formula, or out of a level, is asked back", () => {
  test.each([
    "revenue churn rate in September excluding contraction",
    "gross revenue churn last quarter without downgrades",
    "MRR excluding expansion",
    // gross payments are "before refunds": without them is the number itself, or net of them?
    "gross payments in september without refunds",
  ])("%p asks back", (q) => {
    expect(refusal(q).status).toBe("refusal");
  });
});

describe("a value left out with weren't / wasn't", () => {
  test.each([
    ["deals won in october that weren't James's", "deals_won", "James Chen"],
    ["deals lost last quarter that were not Maria's", "deals_lost", "Maria Lopez"],
    ["deals won this year that weren't Priya's", "deals_won", "Priya Nair"],
  ])("%p → %s without %s", (q, metric, owner) => {
    expect(main(q)).toMatchObject({ metric, filters: [{ dimension: "owner", op: "!=", value: owner }] });
  });
});

describe("paying accounts counted by a bound on a number of theirs", () => {
  const bound = (q: string) => {
    const p = plan(q);
    expect(p.intent).toBe("count_rows");
    return (p.calls[0]!.input as { mart: string; filters: unknown[] }).filters;
  };
  test.each([
    ["how many paying accounts have more than 20 seats", [{ column: "seats", op: ">", value: 20 }]],
    [
      "growth accounts with fewer than 3 seats, how many",
      [
        { column: "seats", op: "<", value: 3 },
        { column: "plan_tier", op: "=", value: "growth" },
      ],
    ],
    [
      "paying customers with 2 or more failed payments in the last 30 days",
      [{ column: "failed_payments_30d", op: ">=", value: 2 }],
    ],
    [
      "how many accounts have had no failed payments in the past 30 days",
      [{ column: "failed_payments_30d", op: "=", value: 0 }],
    ],
    ["paying customers with zero open tickets", [{ column: "open_tickets", op: "=", value: 0 }]],
    [
      "how many paying accounts haven't logged in for two weeks or more",
      [{ column: "days_since_last_seen", op: ">=", value: 14 }],
    ],
    [
      "how many customers are using the app less than they did last month",
      [{ column: "events_change_30d", op: "<", value: 0 }],
    ],
  ])("%p → %j", (q, filters) => {
    expect(bound(q)).toEqual(filters);
  });

  test.each([
    "how many paying accounts have more than $5 seats",
    "paying accounts with fewer than 5 widgets",
    "paying accounts with at least 3 failed payments in the last 60 days",
  ])("%p is not read as a bound", (q) => {
    expect(refusal(q).status).toBe("refusal");
  });
});

describe("tickets that aren't closed are the open tickets", () => {
  test.each(["how many tickets are not closed right now", "tickets that haven't been closed", "tickets not resolved"])(
    "%p → open_tickets",
    (q) => {
      expect(main(q).metric).toBe("open_tickets");
    },
  );
});

describe("a value of the rows negated beside the values kept: the values kept less it", () => {
  const filters = (q: string) => (plan(q).calls[0]!.input as { filters: unknown[] }).filters;
  test.each([
    ["how many paying customers are not past due", [{ column: "status", op: "=", value: "active" }]],
    ["paying accounts that aren't in dunning, how many", [{ column: "status", op: "=", value: "active" }]],
    ["how many customers have stopped paying us", [{ column: "status", op: "=", value: "churned" }]],
    ["how many customers are no longer paying", [{ column: "status", op: "=", value: "churned" }]],
  ])("%p → %j", (q, f) => {
    expect(filters(q)).toEqual(f);
  });

  test.each(["how many customers are not paying", "how many paying customers are not churned"])(
    "%p asks back (a value negated alone, or one that is not among those kept)",
    (q) => {
      expect(refusal(q).status).toBe("refusal");
    },
  );
});

describe("a month left out of the period said: cut from its start or end, else asked back", () => {
  test.each([
    ["tickets closed in Q2 apart from June", "tickets_closed", { start: "2026-04-01", end: "2026-05-31" }],
    ["refunds in Q2 except April", "refunds", { start: "2026-05-01", end: "2026-06-30" }],
    ["deals won in Q3 other than July", "deals_won", { start: "2026-08-01", end: "2026-09-30" }],
    [
      "new MRR so far this year, leaving out November since it isn't finished",
      "new_mrr",
      { start: "2026-01-01", end: "2026-10-31" },
    ],
  ])("%p → %s over %j", (q, metric, period) => {
    expect(main(q)).toMatchObject({ metric, period });
  });

  test.each(["tickets closed in Q3 excluding August", "MRR excluding November", "refunds last month except March"])(
    "%p asks back",
    (q) => {
      expect(refusal(q).status).toBe("refusal");
    },
  );
});

describe("a value taken out: 'if you take Enterprise out', 'with Pro taken out'", () => {
  test.each([
    ["MRR in October if you take Enterprise out", "Enterprise"],
    ["MRR at the end of Q3 with Pro taken out", "Pro"],
    ["MRR now leaving Starter out", "Starter"],
  ])("%p → plan != %s", (q, value) => {
    expect(main(q)).toMatchObject({ metric: "mrr", filters: [{ dimension: "plan", op: "!=", value }] });
  });
});

describe("a ratio with a value left out of a dimension only its two sides declare: ARPA as MRR per plan customer", () => {
  test.each([
    ["ARPA excluding starter in Q3", "!=", "Starter", "2026-Q3"],
    ["ex-Pro ARPA last month", "!=", "Pro", "last_month"],
    ["average revenue per account in September, growth plan excluded", "!=", "Growth", "2026-09"],
  ])("%p → mrr per plan_customers, plan %s %s", (q, op, value, period) => {
    const filters = [{ dimension: "plan", op, value }];
    expect(inputs(q)).toMatchObject([
      { role: "left", metric: "mrr", period, filters },
      { role: "per", metric: "plan_customers", period, filters },
    ]);
  });

  test("ARPA with no plan said is ARPA; ARPA on a plan kept still asks back", () => {
    expect(main("ARPA in October").metric).toBe("arpa");
    expect(refusal("ARPA on Pro last month").status).toBe("refusal");
  });
});
