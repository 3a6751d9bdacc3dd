import { beforeAll, describe, expect, test } from "bun:test";
import type { Catalog } from "../../../engine/catalog/catalog.ts";
import { instantSaid } from "../../../tools/planner/instant.ts";
import { demoCatalog, plannerOver } from "./demo-planner.ts";

/**
 * The rules of branch tune30 (#15, batch 30 "billing coverage"), on phrasings in no eval file: a stock at a period's
 * edge said as a verb (instant.ts), billing, payments and retention said in words (billing-words.ts) and their
 * nouns (models/** synonyms). Pure: no warehouse.
 */
let catalog: Catalog;
beforeAll(() => {
  catalog = demoCatalog();
});
const { plan, refusal } = plannerOver(() => catalog);
const main = (q: string) => plan(q).calls[0]!.input as Record<string, unknown>;

describe("a stock at a period's edge said as a verb is the level at that instant, never today's", () => {
  test.each([
    ["what MRR did we go into 2025 with", "mrr", "2024-12"],
    ["how many customers did we head into Q4 with", "active_customers", "2026-09"],
    ["what ARPA did we start the quarter with", "arpa", "2026-09"],
    ["how many paying customers did we begin 2026 with", "active_customers", "2025-12"],
    ["what was MRR when october closed", "mrr", "2026-10"],
    ["how many customers did we have when Q2 ended", "active_customers", "2026-Q2"],
    ["what ARR did we end 2025 with", "arr", "2025"],
    ["what was ARPA as Q3 began", "arpa", "2026-06"],
  ])("%s", (q, metric, period) => {
    expect(main(q)).toMatchObject({ metric, period });
  });

  test("a period still running said to close is left as typed", () => {
    expect(instantSaid("what was mrr when the quarter closed")).toBe("what was mrr when the quarter closed");
  });
});

describe("movements said in words", () => {
  test.each([
    ["what did downgrades cost us in september", "contraction_mrr", "2026-09"],
    ["how much revenue did cancellations cost us in Q3", "churned_mrr", "2026-Q3"],
    ["how much mrr did churn cost us last month", "churned_mrr", "last_month"],
    ["how much revenue came back from former clients in october", "reactivation_mrr", "2026-10"],
    ["how many old customers returned in Q2", "reactivated_customers", "2026-Q2"],
    ["how many lapsed accounts came back last month", "reactivated_customers", "last_month"],
    ["how much net new arr did we tack on in Q3", "net_new_arr", "2026-Q3"],
  ])("%s", (q, metric, period) => {
    expect(main(q)).toMatchObject({ metric, period });
  });
});

describe("payments said in words", () => {
  test.each([
    ["how much did we successfully charge in october before refunds", "charges_succeeded", "2026-10"],
    ["how many charges went through last month", "successful_payments", "last_month"],
    [
      "how many times did we try to bill customers in Q3, failed and successful combined",
      "payment_attempts",
      "2026-Q3",
    ],
    ["what were trials that ran out in september", "trials_ended", "2026-09"],
    ["how many trials finished in Q3", "trials_ended", "2026-Q3"],
  ])("%s", (q, metric, period) => {
    expect(main(q)).toMatchObject({ metric, period });
  });

  test("where churned customers came from is no return", () => {
    expect(main("which plan did most of the churned customers come from in Q3")).not.toMatchObject({
      metric: "reactivated_customers",
    });
  });

  test("a failure rate defined in the words is read as defined, never as failed over attempts", () => {
    expect(refusal("card failure rate in May (declined / succeeded)").kind).toBe("clarify");
  });

  test("a metric's own name with a slash, said beside the ask, is no quotient defined", () => {
    expect(main("My board keeps mentioning DAU/MAU. What was it in september?")).toMatchObject({
      metric: "stickiness",
      period: "2026-09",
    });
  });

  test.each([
    ["what share of payments bounced in september", "2026-09"],
    ["what was the payment failure rate last month", "last_month"],
    ["what percent of card charges were declined in Q3", "2026-Q3"],
  ])("the failure share is failed over attempts: %s", (q, period) => {
    const calls = plan(q).calls.map((c) => c.input as Record<string, unknown>);
    expect(calls.map((c) => c.metric)).toEqual(["failed_payments", "payment_attempts"]);
    expect(calls[0]).toMatchObject({ period });
  });
});

describe("a share said in a check of two periods", () => {
  test.each([
    "was september's payment failure rate lower than june's",
    "was august's failed payments as a share of payment attempts higher than june's",
  ])("is each period's share, never the change of the part alone: %s", (q) => {
    const calls = plan(q).calls.map((c) => c.input as Record<string, unknown>);
    expect(calls.map((c) => c.metric)).toEqual([
      "failed_payments",
      "payment_attempts",
      "failed_payments",
      "payment_attempts",
    ]);
  });

  test("a share the check cannot read per period is asked back", () => {
    const p = planQuestion("were refunds as a share of gross payments higher in october than in september");
    expect(p.status === "plan" && p.calls[0]!.name === "compare_periods").toBe(false);
  });
});

describe("rates and retention over a range", () => {
  test.each([
    ["what share of our customers did we lose last quarter", "churn_rate", "last_quarter"],
    ["what percentage of paying customers did we lose in october", "churn_rate", "2026-10"],
    [
      "how much of the mrr we had at the start of the quarter have we kept, not counting expansion",
      "grr",
      "this_quarter",
    ],
    ["how much of the revenue we started Q2 with did we keep, including upsells", "nrr", "2026-Q2"],
  ])("%s", (q, metric, period) => {
    expect(main(q)).toMatchObject({ metric, period });
  });

  test("the second half said alone, before a comma, is H2", () => {
    expect(main("what was revenue churn in the second half, as a percent")).toMatchObject({
      metric: "revenue_churn_rate",
      period: { start: "2026-07-01", end: "2026-11-21" },
    });
  });

  test("revenue kept with no word on upsells is two numbers: not read as either", () => {
    const p = planQuestion("how much of the revenue we started the year with have we kept");
    expect(p.status === "plan" && ["grr", "nrr"].includes(String(p.calls[0]!.input.metric))).toBe(false);
  });
});

describe("customers said in words", () => {
  test.each([
    ["how many folks are on a trial right now", "trialing"],
    ["how many customers are in their trial at the moment", "trialing"],
  ])("%s", (q, status) => {
    expect(main(q)).toMatchObject({ mart: "customers", filters: [{ column: "status", op: "=", value: status }] });
  });

  test("on a trial with no now said is left to ask back (trials ended in a period are another number)", () => {
    expect(refusal("how many customers are on a free trial").kind).toBe("clarify");
  });

  test("MRR of a country's customers in a past period is not read from today's rows", () => {
    const p = planQuestion("how much mrr came from customers in france in september");
    expect(p.status === "plan" && p.calls[0]!.name === "top_n").toBe(false);
  });

  test.each([
    ["how much mrr do we get from customers in france", "FR"],
    ["what mrr comes from american customers", "US"],
    ["how much recurring revenue is coming from customers in germany right now", "DE"],
  ])("MRR of a country's customers: %s", (q, country) => {
    const input = main(q);
    expect(input).toMatchObject({ mart: "customers", measure: "mrr" });
    expect(input.filters).toContainEqual({ column: "country", op: "=", value: country });
  });

  test("MRR from customers of no value said is not read as a count", () => {
    const p = planQuestion("how much mrr comes from customers at the moment");
    expect(p.status === "plan" && p.calls[0]!.input.metric === "active_customers").toBe(false);
  });

  test.each([
    "what percent of our stripe customers are matched to a company in the crm",
    "what proportion of customers can we link to an account in hubspot",
  ])("the CRM match rate: %s", (q) => {
    expect(main(q)).toMatchObject({ metric: "customer_match_rate" });
  });
});

function planQuestion(q: string) {
  try {
    return plan(q);
  } catch {
    return refusal(q);
  }
}
