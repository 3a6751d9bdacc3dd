import { beforeAll, describe, expect, test } from "bun:test";
import type { Catalog } from "../../../engine/catalog/catalog.ts";
import { planQuestion } from "../../../tools/planner/plan.ts";
import { DEMO_AT, demoCatalog, plannerOver } from "./demo-planner.ts";

/**
 * The rules of branch tune41 (#15, batch 41 "payments and cash", a controller at the close), on phrasings in no eval
 * file: controller nouns as metric synonyms (models/**), their grammar (close-words.ts), the close as a purpose
 * (purpose.ts), "X and <not in the catalog> for P" (two-asks.ts) and the share of paying customers that are a status
 * (rows-share.ts). Pure: no warehouse.
 */
let catalog: Catalog;
beforeAll(() => {
  catalog = demoCatalog();
});
const { plan, refusal } = plannerOver(() => catalog);
const main = (q: string) => plan(q).calls[0]!.input as Record<string, unknown>;

describe("controller nouns are the catalog's metrics", () => {
  test.each([
    ["cash after refunds in August", "revenue_collected", "2026-08"],
    ["net cash after refunds for Q2", "revenue_collected", "2026-Q2"],
    ["collections in July", "revenue_collected", "2026-07"],
    ["value of declined payments in August", "failed_payments_amount", "2026-08"],
    ["dollar value of failed charges last month", "failed_payments_amount", "last_month"],
  ])("%s", (q, metric, period) => {
    expect(main(q)).toMatchObject({ metric, period });
  });
});

describe("a controller's grammar around payments", () => {
  test.each([
    ["gross receipts for August, before the refunds are taken off", "charges_succeeded", "2026-08"],
    ["gross collections in Q2 before any refunds get deducted", "charges_succeeded", "2026-Q2"],
    ["declined payments in Q2, including retries", "failed_payments", "2026-Q2"],
    ["payment attempts last month with retries counted", "payment_attempts", "last_month"],
    ["how much cash was tied up in failed charges in August?", "failed_payments_amount", "2026-08"],
    ["the amount of payments that were declined in Q2", "failed_payments_amount", "2026-Q2"],
    ["how many charge attempts did we process in August?", "payment_attempts", "2026-08"],
    ["how many card payments went through successfully in July?", "successful_payments", "2026-07"],
    ["how many charges successfully got through last month", "successful_payments", "last_month"],
  ])("%s", (q, metric, period) => {
    expect(main(q)).toMatchObject({ metric, period });
  });

  test("retries left out is another number: never read away", () => {
    expect(refusal("failed payments in Q2, excluding retries").kind).toBe("clarify");
  });

  test("after refunds is never read as gross", () => {
    const p = planQuestion("gross receipts for August after refunds come off", catalog, DEMO_AT);
    expect(p.status === "plan" && p.calls.some((c) => c.input.metric === "charges_succeeded")).toBe(false);
  });

  test.each([
    ["what share of payment attempts have failed in August?", "2026-08"],
    ["what % of card charges have been declined in Q2", "2026-Q2"],
    ["failure rate on card payments in July", "2026-07"],
  ])("the failure share: %s", (q, period) => {
    const p = plan(q);
    expect(p.calls.map((c) => (c.input as { metric: string }).metric)).toEqual(["failed_payments", "payment_attempts"]);
    expect(p.calls[0]!.input).toMatchObject({ period });
  });

  test.each([
    ["rank last year's months by refunds — which was the highest?", "refunds", "last_year", "most"],
    ["sort this year's months by net collections, which one was weakest", "revenue_collected", "this_year", "least"],
    ["rank 2025's months by declined payments: which was worst?", "failed_payments", "2025", "most"],
  ] as const)("%s", (q, metric, period, direction) => {
    const p = plan(q);
    expect(p.calls[0]!.input).toMatchObject({ metric, period, grain: "month" });
    expect(p.interpretation!.argmax?.direction).toBe(direction);
  });
});

describe("the close is a purpose, set aside", () => {
  test.each([
    ["refunds in August — need it for the close", "refunds", "2026-08"],
    ["failed payments for Q2 for the month-end close", "failed_payments", "2026-Q2"],
    ["gross receipts YTD, we need them for the quarter-end close", "charges_succeeded", "ytd"],
  ])("%s", (q, metric, period) => {
    const p = plan(q);
    expect(p.calls[0]!.input).toMatchObject({ metric, period });
    expect(p.interpretation!.read_as).toContain("the purpose of the ask");
  });
});

describe("a noun the catalog lacks beside one it has: the one answered, the other said not answered", () => {
  test.each([
    ["net collections and bad debt in August", "revenue_collected", "2026-08", "bad debt"],
    ["failed payments & disputes last month", "failed_payments", "last_month", "disputes"],
    ["gross receipts and chargebacks for Q2?", "charges_succeeded", "2026-Q2", "chargebacks"],
  ])("%s", (q, metric, period, other) => {
    const p = plan(q);
    expect(p.calls[0]!.input).toMatchObject({ metric, period });
    expect(p.interpretation!.unanswered?.ask).toContain(other);
  });

  test("two nouns the catalog has are both read", () => {
    const p = plan("refunds and failed payments for Q2");
    expect(p.interpretation!.unanswered).toBeUndefined();
  });

  test("a noun alone the catalog lacks is still refused", () => {
    expect(planQuestion("chargebacks for Q2", catalog, DEMO_AT).status).toBe("refusal");
  });
});

describe("the share of paying customers that are a status or a value", () => {
  test.each([
    ["what share of our customers are in dunning right now?", { column: "status", value: "past_due" }],
    ["what percentage of paying customers are behind on payments", { column: "status", value: "past_due" }],
    ["what % of paying customers are in Germany?", { column: "country", value: "DE" }],
  ])("%s", (q, filter) => {
    const p = plan(q);
    expect(p.calls.map((c) => c.role)).toEqual(["main", "share"]);
    expect((p.calls[0]!.input as { filters: unknown[] }).filters).toContainEqual(expect.objectContaining(filter));
    expect((p.calls[1]!.input as { filters: unknown[] }).filters).toEqual([
      { column: "status", op: "in", value: ["active", "past_due"] },
    ]);
    expect(p.interpretation!.check).toMatchObject({ kind: "share_of", of: "rows" });
  });

  test("a status outside the paying ones is no share of them", () => {
    const p = planQuestion("what share of paying customers are churned?", catalog, DEMO_AT);
    expect(p.status === "plan" && p.calls.some((c) => c.role === "share")).toBe(false);
  });
});
