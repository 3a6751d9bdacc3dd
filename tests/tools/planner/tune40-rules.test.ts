import { beforeAll, describe, expect, test } from "bun:test";
import type { Catalog } from "../../../engine/catalog/catalog.ts";
import { demoCatalog, plannerOver } from "./demo-planner.ts";

/**
 * The rules of branch tune40 (#15, batch 40 "customers and retention"), on phrasings in no eval file: names of
 * customers or companies refused as personal data (personal-data.ts), a broad area's health asked back
 * (how-doing.ts), and the COO's retention words. Pure: no warehouse.
 */
let catalog: Catalog;
beforeAll(() => {
  catalog = demoCatalog();
});
const { plan, refusal } = plannerOver(() => catalog);

describe("names of customers, accounts or companies are refused, even beside a count", () => {
  test.each([
    "which accounts are flagged high risk? need the company names",
    "how many customers churned in October? list them",
    "top 5 accounts by MRR — account names please",
    "which customers are past due — names",
    "who churned last quarter? give me the names",
  ])("%s", (q) => {
    expect(refusal(q).kind).toBe("refuse");
    expect(refusal(q).reason).toMatch(/personal data/);
  });

  test("a company named as a deal's winner is no request for customers' names", () => {
    expect(plan("which company was our biggest win this year?").intent).toBe("top_n");
  });
});

describe("how X is doing, with no number named, is asked back offering the nearest numbers", () => {
  test.each([
    ["how's revenue looking this quarter?", /mrr/],
    ["how are sales going lately", /deals_won/],
    ["how is support holding up?", /tickets_opened/],
    ["how are our clients doing?", /active_customers/],
    ["how is retention trending?", /nrr/],
  ])("%s", (q, offered) => {
    const r = refusal(q);
    expect(r.kind).toBe("clarify");
    expect(r.reason).toMatch(offered);
  });

  test.each(["how is MRR doing?", "how are new customers looking this month?"])(
    "a metric named is answered: %s",
    (q) => {
      expect(plan(q).status).toBe("plan");
    },
  );
});

const metricOf = (q: string) => plan(q).calls[0]!.input as Record<string, unknown>;

describe("a COO's retention words read as the catalog's metrics", () => {
  test.each([
    ["how many accounts walked away in September?", "churned_customers", "2026-09"],
    ["how many clients walked out the door this year?", "churned_customers", "this_year"],
    ["how much ARR walked out the door in Q2?", "churned_mrr", "2026-Q2"],
    ["how much revenue went out the door with the logos we lost last month?", "churned_mrr", "last_month"],
    ["how many logos have come back after churning since January?", "reactivated_customers", undefined],
    ["how many accounts returned after cancelling last quarter?", "reactivated_customers", "last_quarter"],
  ])("%s", (q, metric, period) => {
    const input = metricOf(q);
    expect(input.metric).toBe(metric);
    if (period) expect(input.period).toBe(period);
  });

  test.each([
    "how many lapsed customers do we have?",
    "how many former clients are there — they paid us before, but pay nothing now",
    "number of former logos",
  ])("former customers are the churned ones as they stand: %s", (q) => {
    expect(metricOf(q)).toMatchObject({ mart: "customers", filters: [{ column: "status", value: "churned" }] });
  });

  test.each([
    "which plan gives us the most paying customers?",
    "what country brings us the most paying customers right now?",
  ])("gives us the most is has the most: %s", (q) => {
    expect(plan(q).status).toBe("plan");
  });

  test.each([
    ["churn rate over the first half as one number, not month by month", "churn_rate"],
    ["logo churn for Q2 as a quarterly rate", "churn_rate"],
    ["what share of MRR did we lose to churn and contraction in September, as a percentage?", "revenue_churn_rate"],
    ["how much of our revenue did we lose to cancellations and downgrades last month in percent", "revenue_churn_rate"],
  ])("one rate for a period, revenue lost as a percent: %s", (q, metric) => {
    expect(metricOf(q).metric).toBe(metric);
  });

  test.each(["how big is the customer base now?", "what's the size of the customer base at the end of Q2?"])(
    "the customer base is paying customers: %s",
    (q) => {
      expect(metricOf(q).metric).toBe("active_customers");
    },
  );

  test.each([
    "is monthly churn below 2.5% for October?",
    "was monthly customer churn over 4%? look at September",
    "is monthly logo churn above 1%? check this month",
  ])("monthly before a churn rate of one month says nothing more: %s", (q) => {
    expect(metricOf(q).metric).toBe("churn_rate");
  });

  test.each([
    "our CFO said churned MRR was around 5k in October — right?",
    "my predecessor told me we had about 600 customers at the end of Q2, is that right?",
  ])("a figure heard from someone is checked: %s", (q) => {
    expect(plan(q).status).toBe("plan");
  });

  test.each([
    ["are there any starter customers past due? how many?", "starter"],
    ["any pro accounts with open tickets? how many?", "pro"],
    ["any growth clients past due? and how many", "growth"],
  ])("any X? how many? is the count of X: %s", (q, tier) => {
    const input = metricOf(q);
    expect(input.filters).toContainEqual({ column: "plan_tier", op: "=", value: tier });
  });

  test.each([
    "how many customers are flagged as high risk right now?",
    "number of high-risk accounts",
    "how many accounts are high churn risk? just the number",
  ])("flagged high churn risk is the accounts at risk: %s", (q) => {
    expect(metricOf(q).metric).toBe("accounts_at_risk");
  });
});

describe("accounts whose product use is falling are counted by the month's change", () => {
  test.each([
    ["how many customers have usage down?", undefined],
    ["how many enterprise accounts with falling usage?", "enterprise"],
    ["how many accounts are using the app less than last month", undefined],
    ["how many pro customers whose usage is declining?", "pro"],
  ])("%s", (q, tier) => {
    const input = metricOf(q);
    expect(input.mart).toBe("account_health");
    expect(input.filters).toContainEqual({ column: "events_change_30d", op: "<", value: 0 });
    if (tier) expect(input.filters).toContainEqual({ column: "plan_tier", op: "=", value: tier });
  });
});
