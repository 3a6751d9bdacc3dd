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
