import { beforeAll, describe, expect, test } from "bun:test";
import type { Catalog } from "../../../engine/catalog/catalog.ts";
import { planQuestion } from "../../../tools/planner/plan.ts";
import { DEMO_AT, demoCatalog, plannerOver } from "./demo-planner.ts";

/**
 * The rules of branch durations2 (#15, batch 50), on phrasings that are in no eval file: durations the catalog now
 * declares as metrics at the data's now — the age of the open deals (HubSpot's "deal age"), the tenure of the
 * paying customers and the lifetime of the churned ones (ChartMogul's "customer tenure", read as observed months),
 * and the full resolution time of tickets (Zendesk's "full resolution time") — and the readings that stay asked
 * back because two durations fit. Planned over the demo's own catalog. Pure: no warehouse.
 */
let catalog: Catalog;

beforeAll(() => {
  catalog = demoCatalog();
  catalog.dimensionValues?.set("deals.owner", ["James Chen", "Maria Lopez", "Priya Nair"]);
  catalog.dimensionValues?.set("deals.pipeline", ["Sales Pipeline", "Enterprise"]);
});
const { plan, refusal } = plannerOver(() => catalog);

function main(q: string): Record<string, unknown> {
  return plan(q).calls.find((c) => c.role === "main")!.input;
}

describe("the age of the open deals: days from each one's create date to the data's now", () => {
  test.each([
    ["what's the mean open deal age", "average_open_deal_age_days"],
    ["avg age of open deals", "average_open_deal_age_days"],
    ["median open deal age", "open_deal_age_days"],
    ["age of the oldest deal still open", "oldest_open_deal_age_days"],
    ["oldest open deal in days", "oldest_open_deal_age_days"],
  ])("%s", (q, metric) => {
    expect(main(q).metric).toBe(metric);
  });

  test("one owner's open deals keep that owner", () => {
    const input = main("mean open deal age for Maria Lopez");
    expect(input.metric).toBe("average_open_deal_age_days");
    expect(input.filters).toContainEqual(expect.objectContaining({ dimension: "owner", value: "Maria Lopez" }));
  });

  test("deal age said of every deal, open or not, is asked back", () => {
    expect(refusal("what's the average deal age").kind).toBe("clarify");
  });

  test("split by pipeline", () => {
    expect(main("median open deal age by pipeline").group_by).toEqual(["pipeline"]);
  });

  test("the reading says the unit", () => {
    expect(plan("avg age of open deals").interpretation?.read_as).toContain("days");
  });
});

describe("tenure of the paying customers, lifetime of the churned ones (observed months)", () => {
  test.each([
    ["mean tenure of paying customers", "average_paying_customer_tenure_months"],
    ["avg tenure of paying customers in months", "average_paying_customer_tenure_months"],
    ["median paying customer tenure", "paying_customer_tenure_months"],
    ["tenure of our longest standing paying customer", "longest_paying_customer_tenure_months"],
    ["how many months did churned customers stay on average", "churned_customer_lifetime_months"],
    ["average months churned customers stayed", "churned_customer_lifetime_months"],
  ])("%s", (q, metric) => {
    expect(main(q).metric).toBe(metric);
  });

  test("the reading says months", () => {
    expect(plan("mean tenure of paying customers").interpretation?.read_as).toContain("months");
  });
});

describe("two durations fit: asked back, never one of them", () => {
  test.each([
    "what's our average customer tenure",
    "how long does a customer stick around",
    "how long do tickets take",
    "customer lifetime",
  ])("%s", (q) => {
    expect(refusal(q).status).toBe("refusal");
  });
});

describe("full resolution time: hours from opening to close, tickets closed in the period", () => {
  test.each([
    ["full resolution time last month", "last_month"],
    ["average ticket resolution time in Q3", "2026-Q3"],
    ["time to resolution in September", "2026-09"],
  ])("%s", (q, period) => {
    const input = main(q);
    expect(input.metric).toBe("resolution_hours");
    expect(input.period).toEqual(period);
  });
});

describe("rows counted by their age: a stock of open rows now, past a bound in days", () => {
  function topN(q: string) {
    const p = plan(q);
    expect(p.intent).toBe("count_rows");
    return p.calls[0]!.input as { mart: string; filters: unknown[] };
  }
  test.each([
    ["number of open deals older than 30 days", 30, ">"],
    ["count of open deals older than two weeks", 14, ">"],
    ["how many open deals are at least 60 days old", 60, ">="],
    ["how many of our open deals were created more than 120 days ago", 120, ">"],
  ])("%s", (q, days, op) => {
    const input = topN(q);
    expect(input.mart).toBe("deals");
    expect(input.filters).toContainEqual({ column: "age_days", op, value: days });
  });

  test("a slice said keeps its column", () => {
    expect(topN("open deals in the Enterprise pipeline older than 45 days, how many").filters).toContainEqual(
      expect.objectContaining({ column: "pipeline", value: "Enterprise" }),
    );
  });

  test.each([
    // won deals have no age: a flow, never the open ones' ages
    "how many won deals are more than 90 days old",
    // an age at another instant than now
    "how many open deals at the end of Q3 were more than 90 days old",
    // open or not?
    "how many deals are more than 90 days old",
  ])("%s is not read as the open deals' age now", (q) => {
    expect(refusal(q).status).toBe("refusal");
  });
});

describe("days since the last win, loss or churn; deals past their expected close date", () => {
  test.each([
    ["days since our last win", "days_since_last_win"],
    ["how long ago was our last win", "days_since_last_win"],
    ["how long since we last lost a deal", "days_since_last_loss"],
    ["days since the last lost deal in the Sales Pipeline", "days_since_last_loss"],
    ["how long since a customer last churned", "days_since_last_churn"],
    ["days since a customer last churned", "days_since_last_churn"],
    ["overdue open deals", "overdue_open_deals"],
    ["how many deals are past their expected close date", "overdue_open_deals"],
    ["open deals with a close date in the past for Maria Lopez", "overdue_open_deals"],
  ])("%s", (q, metric) => {
    expect(main(q).metric).toBe(metric);
  });
});

describe("a duration asked in another clock unit: converted by fixed factors, said in the reading", () => {
  test.each([
    ["first response time last week in hours", "first_response_minutes", 1 / 60],
    ["time to first reply in September, expressed in hours", "first_response_minutes", 1 / 60],
    ["full resolution time in Q3 in days", "resolution_hours", 1 / 24],
    ["resolution time in September (days)", "resolution_hours", 1 / 24],
    ["how many days on average did it take to resolve tickets last month", "resolution_hours", 1 / 24],
    ["median sales cycle in Q3 in weeks", "sales_cycle_days", 1 / 7],
  ])("%s", (q, metric, factor) => {
    const p = plan(q);
    expect(p.calls[0]!.input.metric).toBe(metric);
    expect(p.interpretation?.scale?.factor).toBeCloseTo(factor, 10);
    expect(p.interpretation?.read_as).toMatch(/ in (?:hours|days|weeks) \(/);
  });

  test("its own unit said is no conversion", () => {
    expect(plan("how many hours does it take to close a ticket").interpretation?.scale).toBeUndefined();
  });

  test("days counted are no unit: the bound in hours is read in the metric's minutes", () => {
    const p = plan("on how many days in October did first response time go over 6 hours");
    expect(p.interpretation?.scale).toBeUndefined();
    expect(p.interpretation?.threshold).toEqual(expect.objectContaining({ op: ">", value: 360 }));
  });

  test("counting days, with no unit asked, is never a conversion", () => {
    const p = planQuestion("on how many days last month did the average first response go over", catalog, DEMO_AT);
    expect(p.status === "plan" && p.interpretation?.scale).toBeFalsy();
  });
});

describe("trial length: days from a trial's start to its end, never the time to the first payment", () => {
  test.each([
    "how long is a trial",
    "trial duration this year",
    "what's the length of our trials",
    "trial length in days",
  ])("%s", (q) => {
    expect(main(q).metric).toBe("trial_length_days");
  });

  test("before converting is the time to the first payment: not read as the trial's length", () => {
    expect(refusal("how long do trials last before they convert").status).toBe("refusal");
  });
});
