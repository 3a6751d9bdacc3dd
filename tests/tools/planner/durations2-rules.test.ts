import { beforeAll, describe, expect, test } from "bun:test";
import type { Catalog } from "../../../engine/catalog/catalog.ts";
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
