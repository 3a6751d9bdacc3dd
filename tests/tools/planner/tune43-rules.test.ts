import { describe, expect, test } from "bun:test";
import type { Catalog } from "../../../engine/catalog/catalog.ts";
import { demoCatalog, plannerOver } from "./demo-planner.ts";

/**
 * The rules of branch tune43 (#15, customer success and account management), on phrasings in no eval file, written
 * from how CSMs and a head of CS talk about a book of accounts: revenue at risk, dunning, failed payments, accounts
 * gone quiet, open tickets and seats summed over the paying accounts, tiers ranked, owners' books, involuntary churn
 * and the words around a metric ("did we hold", "dip", "this year against last year"). Plans over the demo's catalog at
 * 2026-11-21, with the owners a build of it reads.
 */
function withOwners(): Catalog {
  const catalog = demoCatalog();
  catalog.dimensionValues!.set("deals.owner", ["James Chen", "Maria Lopez", "Priya Nair", "Sofia Rossi", "Tom Becker"]);
  return catalog;
}
const catalog = withOwners();
const { plan, refusal } = plannerOver(() => catalog);
type Rows = { mart: string; measure: string; label: string; count?: boolean; filters: unknown[] };
const rows = (q: string) => {
  const p = plan(q);
  expect(p.calls).toHaveLength(1);
  expect(p.calls[0]!.name).toBe("top_n");
  return { intent: p.intent, input: p.calls[0]!.input as Rows, read: p.interpretation!.read_as };
};

describe("'my book' is asked back: dp does not know who is asking", () => {
  test.each([
    "what does my book look like in Q3?",
    "how much MRR is in my portfolio?",
    "how many of my accounts are past due?",
    "how is my book of business doing this quarter?",
  ])("%p asks back", (q) => {
    const r = refusal(q);
    expect(r.kind).toBe("clarify");
    expect(r.reason).toContain("whose book");
  });
});

describe("paying accounts counted or summed by a signal of their health or their churn-risk label", () => {
  test.each([
    [
      "how much MRR do we have in accounts at high churn risk?",
      "churn_risk",
      [
        { column: "label", op: "=", value: "high" },
        { column: "status", op: "!=", value: "rejected" },
      ],
    ],
    [
      "how many accounts are flagged medium risk?",
      "churn_risk",
      [
        { column: "label", op: "=", value: "medium" },
        { column: "status", op: "!=", value: "rejected" },
      ],
    ],
    [
      "what's the total MRR of accounts at risk of churning?",
      "churn_risk",
      [
        { column: "label", op: "=", value: "high" },
        { column: "status", op: "!=", value: "rejected" },
      ],
    ],
    [
      "how much MRR is stuck in dunning right now?",
      "account_health",
      [{ column: "status", op: "=", value: "past_due" }],
    ],
    [
      "how much MRR is tied to accounts with usage trending down?",
      "account_health",
      [{ column: "events_change_30d", op: "<", value: 0 }],
    ],
    [
      "how many customers have at least 2 failed payments in the last 90 days?",
      "account_health",
      [{ column: "failed_payments_90d", op: ">=", value: 2 }],
    ],
    [
      "how many accounts haven't been seen in over 14 days?",
      "account_health",
      [{ column: "days_since_last_seen", op: ">", value: 14 }],
    ],
    [
      "how many accounts haven't logged in for more than 10 days?",
      "account_health",
      [{ column: "days_since_last_seen", op: ">", value: 10 }],
    ],
    [
      "how many paying customers are billed annually?",
      "account_health",
      [{ column: "billing_interval", op: "=", value: "year" }],
    ],
    [
      "how many paying accounts are on a monthly plan?",
      "account_health",
      [{ column: "billing_interval", op: "=", value: "month" }],
    ],
    [
      "how many starter accounts are sitting at low churn risk?",
      "churn_risk",
      [
        { column: "label", op: "=", value: "low" },
        { column: "status", op: "!=", value: "rejected" },
        { column: "plan_tier", op: "=", value: "starter" },
      ],
    ],
  ])("%p", (q, mart, filters) => {
    const r = rows(q);
    expect(r.intent).toBe("count_rows");
    expect(r.input).toMatchObject({ mart, measure: "mrr", filters });
  });

  test.each([
    [
      "how many open tickets do our starter accounts have?",
      "open_tickets",
      [{ column: "plan_tier", op: "=", value: "starter" }],
    ],
    [
      "how many seats do enterprise customers have in total?",
      "seats",
      [{ column: "plan_tier", op: "=", value: "enterprise" }],
    ],
    ["how many unresolved tickets do paying accounts have combined?", "open_tickets", []],
    ["total seats across pro accounts", "seats", [{ column: "plan_tier", op: "=", value: "pro" }]],
    ["total seats on the growth plan", "seats", [{ column: "plan_tier", op: "=", value: "growth" }]],
    [
      "how many high priority tickets are still open for pro customers?",
      "urgent_open_tickets",
      [{ column: "plan_tier", op: "=", value: "pro" }],
    ],
  ])("%p sums %s over the accounts, never counts the accounts that have one", (q, measure, filters) => {
    const r = rows(q);
    expect(r.intent).toBe("count_rows");
    expect(r.input).toMatchObject({ mart: "account_health", measure, filters });
    expect(r.read).toContain(`${measure.replaceAll("_", " ")} summed too`);
  });

  test.each([
    "how many accounts have gone quiet?",
    "how much MRR is in enterprise accounts?",
    "how many accounts are trending down on usage by more than half?",
    "how many customers are billed annually?",
    "which tier has the fewest accounts in dunning?",
    "how many accounts were past due last month?",
    "how many seats does the average enterprise account have?",
    "how many open tickets per enterprise account?",
  ])("%p: a word left unplaced (no threshold, a metric's, a ratio of two columns) is not read as these rows", (q) => {
    const p = (() => {
      try {
        return plan(q);
      } catch {
        return undefined;
      }
    })();
    if (p) expect(p.calls.some((c) => (c.input as { mart?: string }).mart === "account_health")).toBe(false);
  });
});

describe("a tier ranked over the paying accounts names the tier", () => {
  test.each([
    ["which tier has the most past-due accounts?", { label: "plan_tier", count: true }],
    ["which plan tier has the most open tickets?", { label: "plan_tier", measure: "open_tickets" }],
    ["which tier carries the most MRR at high churn risk?", { label: "plan_tier", measure: "mrr", mart: "churn_risk" }],
    ["which tier has the most customers with declining usage?", { label: "plan_tier", count: true }],
    [
      "which tier has the most accounts with open tickets?",
      { label: "plan_tier", count: true, filters: [{ column: "open_tickets", op: ">", value: 0 }] },
    ],
  ])("%p", (q, want) => {
    const r = rows(q);
    expect(r.intent).toBe("top_n");
    expect(r.input).toMatchObject(want);
    expect(r.read).toContain("the plan tier with the most");
  });
});

describe("an owner's book of business", () => {
  test.each([
    ["how much MRR does Tom Becker own?", "Tom Becker"],
    ["how much recurring revenue is in Sofia Rossi's book?", "Sofia Rossi"],
    ["how much mrr is in maria lopez's portfolio?", "Maria Lopez"],
    ["how much MRR does Priya own?", "Priya Nair"],
    ["how much MRR does James Chen's book hold?", "James Chen"],
  ])("%p: the paying accounts' MRR", (q, owner) => {
    const r = rows(q);
    expect(r.input).toMatchObject({
      mart: "accounts",
      measure: "mrr",
      filters: [
        { column: "owner", op: "=", value: owner },
        { column: "is_paying", op: "=", value: true },
      ],
    });
  });

  test.each([
    ["how many paying accounts are in Sofia Rossi's book?", "Sofia Rossi"],
    ["how many paying customers does Tom Becker manage?", "Tom Becker"],
  ])("%p counts the paying ones", (q, owner) => {
    expect(rows(q).input.filters).toEqual([
      { column: "owner", op: "=", value: owner },
      { column: "is_paying", op: "=", value: true },
    ]);
  });

  test("an owner the catalog does not know is no book", () => {
    expect(refusal("how much MRR does Jane Doe own?").status).toBe("refusal");
  });

  test.each([
    "who has the biggest book of business by MRR?",
    "which owner's book is largest by MRR?",
    "which CSM has the most MRR?",
  ])("%p ranks the owners, an account with no owner left out", (q) => {
    const r = rows(q);
    expect(r.intent).toBe("top_n");
    expect(r.input).toMatchObject({ mart: "accounts", label: "owner", measure: "mrr" });
    expect(r.input.filters[0]).toMatchObject({ column: "owner", op: "in" });
  });
});

describe("involuntary churn: subscriptions ended for a failed payment", () => {
  test.each([
    ["how many subscriptions were cancelled in Q3 due to failed payments?", "2026-07-01", "2026-10-01"],
    ["how many subscriptions ended last month for non-payment?", "2026-10-01", "2026-11-01"],
    ["how many subscriptions churned involuntarily this year?", "2026-01-01", "2027-01-01"],
  ])("%p", (q, from, to) => {
    expect(rows(q).input).toMatchObject({
      mart: "subscriptions",
      filters: [
        { column: "cancellation_reason", op: "=", value: "payment_failed" },
        { column: "ended_at", op: ">=", value: from },
        { column: "ended_at", op: "<", value: to },
      ],
    });
  });
});

describe("a head of CS's words around a metric", () => {
  const main = (q: string) => plan(q).calls[0]!;
  test.each([
    ["did we keep NRR above 100% in Q3?", "nrr", "2026-Q3"],
    ["did we manage to keep churn under 3% in September?", "churn_rate", "2026-09"],
    ["did we hold net retention over 100% in August?", "nrr", "2026-08"],
    ["did GRR stay above 90% in Q2?", "grr", "2026-Q2"],
  ])("%p is whether it was", (q, metric, period) => {
    expect(main(q).input).toMatchObject({ metric, period });
    expect(plan(q).interpretation!.read_as).toContain("checked");
  });

  test.each([
    ["did CSAT slip in August compared to July?", "csat", "2026-08", "2026-07"],
    ["did NRR dip in September vs August?", "nrr", "2026-09", "2026-08"],
    ["did churn creep up in October vs September?", "churn_rate", "2026-10", "2026-09"],
    ["new logos in Q3, this year against last year", "new_customers", "2026-Q3", "2025-Q3"],
    ["churned MRR in September, this year versus last year", "churned_mrr", "2026-09", "2025-09"],
  ])("%p compares the two periods", (q, metric, current, previous) => {
    expect(main(q).input).toMatchObject({ metric, current, previous });
  });

  test.each([
    ["how many customers grew their spend with us in October?", "expanded_customers", "2026-10"],
    ["gross retention for Q3 — how leaky was the bucket?", "grr", "2026-Q3"],
    ["how many logos did we win back in August?", "reactivated_customers", "2026-08"],
    [
      "a colleague said we're losing about 15 customers a month — what was it in September?",
      "churned_customers",
      "2026-09",
    ],
  ])("%p", (q, metric, period) => {
    expect(main(q).input).toMatchObject({ metric, period });
  });

  test.each([
    "is less than 2% of our customer base in dunning right now?",
    "are more than 1% of our paying customers past due today?",
  ])("%p is the share of paying customers past due", (q) => {
    const p = plan(q);
    expect(p.calls.map((c) => c.role)).toEqual(["main", "share"]);
    expect(p.calls[0]!.input).toMatchObject({ filters: [{ column: "status", op: "=", value: "past_due" }] });
  });
});
