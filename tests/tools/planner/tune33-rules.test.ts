import { beforeAll, describe, expect, test } from "bun:test";
import type { Catalog } from "../../../engine/catalog/catalog.ts";
import { demoCatalog, plannerOver } from "./demo-planner.ts";

/**
 * The rules of branch tune33 (#15, batch 33 "periods"), on phrasings in no eval file: a period anchored on an event the
 * catalog does not date (anchor-event.ts), a week named by one of its days (week-of.ts), and people in the app over a
 * day or a whole week (app-people.ts). Pure: no warehouse. (A period wholly before the data is refused from the
 * results: tests/tools/ask/answer.test.ts.)
 */
let catalog: Catalog;
beforeAll(() => {
  catalog = demoCatalog();
});
const { plan, refusal } = plannerOver(() => catalog);
const main = (q: string) => plan(q).calls[0]!.input as Record<string, unknown>;

describe("a period anchored on an undated event is asked back for its date, never read as all time", () => {
  test.each([
    "how much MRR have we added since the rebrand",
    "new customers since we raised our seed round",
    "what's our churn rate since the new pricing",
    "deals won after the price change",
    "how many refunds since we launched v2",
    "failed payments before the migration",
    "how many signups since the series A",
  ])("%s", (q) => {
    const r = refusal(q);
    expect(r.kind).toBe("clarify");
    expect(r.reason).toContain("no date for");
  });

  test("bare 'since launch' is the business's whole life: all time, as before", () => {
    expect(main("total cash collected since launch")).toMatchObject({ metric: "revenue_collected", period: "all" });
    expect(main("how many customers have churned since we launched")).toMatchObject({ period: "all" });
  });

  test("a dated period or a plain 'since' is still read", () => {
    expect(main("tickets opened since September 1st")).toMatchObject({ metric: "tickets_opened" });
    expect(main("new customers since the start of the year")).toMatchObject({ metric: "new_customers", period: "ytd" });
  });
});

describe("a week named by one of its days is that Monday–Sunday week (or the seven days from / to it)", () => {
  test.each([
    ["tickets opened the week of Oct 14", "tickets_opened", { start: "2026-10-12", end: "2026-10-18" }],
    ["average DAU the week of the 2nd of November", "daily_active_users", { start: "2026-11-02", end: "2026-11-08" }],
    ["tickets closed the week ending Nov 15", "tickets_closed", { start: "2026-11-09", end: "2026-11-15" }],
    ["product events the week starting Oct 7th", "product_events", { start: "2026-10-07", end: "2026-10-13" }],
    ["urgent tickets the week of 2026-09-16", "high_priority_tickets", { start: "2026-09-14", end: "2026-09-20" }],
  ])("%s", (q, metric, period) => {
    expect(main(q)).toMatchObject({ metric, period });
  });

  test("a metric kept by month is not read for a week", () => {
    expect(refusal("new customers the week of Oct 12").status).toBe("refusal");
    expect(refusal("ARR the week of Nov 2").status).toBe("refusal");
  });
});

describe("people in the app over a day is DAU, over a whole week WAU read at its last day", () => {
  test.each([
    ["how many users were on the app yesterday", "daily_active_users", "yesterday"],
    ["how many people logged into the product on Nov 3", "daily_active_users", "2026-11-03"],
    ["how many unique users used the product over the past 7 days", "weekly_active_users", "last_7_days"],
    ["how many people opened the app last week", "weekly_active_users", "last_week"],
    [
      "how many people were active in the app the week of Nov 2",
      "weekly_active_users",
      { start: "2026-11-02", end: "2026-11-08" },
    ],
  ])("%s", (q, metric, period) => {
    expect(main(q)).toMatchObject({ metric, period });
  });

  test("a month stays MAU, and a mean per day stays DAU", () => {
    expect(main("how many people used the app in October")).toMatchObject({ metric: "monthly_active_users" });
    expect(main("how many people use the app on an average day")).toMatchObject({ metric: "daily_active_users" });
  });
});
