import { beforeAll, describe, expect, test } from "bun:test";
import type { Catalog } from "../../../engine/catalog/catalog.ts";
import { demoCatalog, plannerOver } from "./demo-planner.ts";

/**
 * The rules of branch tune29 (#15, batch 29 "every sales/CRM metric"), on phrasings in no eval file: a deal count
 * "won or lost" / "decided" is deals closed, "what percent of <filtered> deals we win" is the win rate with the filter
 * (never a share whose whole drops it), rankings of stages, reps and pipelines said in sales talk ("holding the most
 * money", "on their plate", "brought in the most money from closed deals", "bigger deals on average", "shortest
 * cycle"), "new business closed", days from created to won, customers linked to the CRM (sales-words.ts,
 * share-whole.ts). Pure: no warehouse.
 */
let catalog: Catalog;
beforeAll(() => {
  catalog = demoCatalog();
  const owners = ["Sofia Rossi", "Priya Nair", "Maria Lopez", "Tom Becker", "James Chen"];
  for (const mart of ["pipeline_monthly", "deals_closed_monthly", "deals"])
    catalog.dimensionValues!.set(`${mart}.owner`, owners);
});
const { plan, refusal } = plannerOver(() => catalog);
const main = (q: string) => plan(q).calls[0]!.input as Record<string, unknown>;
const ENT = [{ dimension: "pipeline", op: "=", value: "Enterprise" }];

describe("a count of deals won or lost together is deals closed", () => {
  test.each([
    ["how many deals closed, won or lost, in Q3?", "2026-Q3"],
    ["deals closed (won or lost) last month", "last_month"],
    ["how many deals were decided either way in september?", "2026-09"],
    ["how many deals were won or lost in Q2?", "2026-Q2"],
    ["how many deals got resolved one way or the other last quarter?", "last_quarter"],
  ])("%s", (q, period) => {
    expect(main(q)).toMatchObject({ metric: "deals_closed", period });
  });

  test("with its filter kept", () => {
    expect(main("how many enterprise deals got decided one way or the other this year?")).toMatchObject({
      metric: "deals_closed",
      filters: ENT,
    });
  });
});

describe("a percent of filtered deals won is that filter's win rate", () => {
  test.each([
    ["what percentage of enterprise deals do we win?", ENT],
    ["what share of Sofia's deals did we win last quarter?", [{ dimension: "owner", op: "=", value: "Sofia Rossi" }]],
    ["what fraction of enterprise deals have we won in Q3?", ENT],
    ["what percent of deals in the enterprise pipeline did we win this year?", ENT],
  ])("%s", (q, filters) => {
    expect(main(q)).toMatchObject({ metric: "win_rate", filters });
  });

  test.each([
    "what percent of enterprise deals did we lose this year?",
    "what share of enterprise deals are we losing?",
    "what percentage of Tom's deals got lost in Q3?",
    "what percent of deals in the enterprise pipeline did we lose?",
  ])("a filter on the whole of a share is never dropped: asked back (%s)", (q) => {
    expect(refusal(q).kind).toBe("clarify");
  });
});

describe("rankings in sales talk", () => {
  test.each<[string, string, string, "most" | "least"]>([
    ["which rep is carrying the most money right now?", "open_pipeline", "owner", "most"],
    ["which pipeline is holding the least money at the end of October?", "open_pipeline", "pipeline", "least"],
    ["which stage was sitting on the most dollars at the end of june?", "open_pipeline", "stage", "most"],
    ["which rep has the fewest deals on their plate?", "open_deals", "owner", "least"],
    ["who has the most deals on their plate at the end of september?", "open_deals", "owner", "most"],
    ["which rep brought in the least money from closed deals in Q2?", "won_amount", "owner", "least"],
    ["which pipeline brought in the most money from won deals this year?", "won_amount", "pipeline", "most"],
    ["which rep brings in the biggest deals on average?", "average_won_deal_size", "owner", "most"],
    [
      "which pipeline brought in the smaller deals on average last quarter?",
      "average_won_deal_size",
      "pipeline",
      "least",
    ],
    ["which rep has the longest sales cycle this year?", "sales_cycle_days", "owner", "most"],
    ["which pipeline has the quickest typical sales cycle in Q3?", "sales_cycle_days", "pipeline", "least"],
    ["who has the shortest average sales cycle last quarter?", "average_sales_cycle_days", "owner", "least"],
  ])("%s", (q, metric, dimension, direction) => {
    const p = plan(q);
    expect(main(q).metric).toBe(metric);
    expect(p.interpretation!.argmax).toEqual({ dimension, direction });
  });

  test("deals on one rep's plate are that rep's open deals", () => {
    expect(main("how many deals does Priya have on her plate?")).toMatchObject({
      metric: "open_deals",
      filters: [{ dimension: "owner", op: "=", value: "Priya Nair" }],
    });
  });
});

describe("new business closed is the won amount", () => {
  test.each([
    ["how much new business did we close last quarter?", "last_quarter"],
    ["new business closed in august", "2026-08"],
  ])("%s", (q, period) => {
    expect(main(q)).toMatchObject({ metric: "won_amount", period });
  });

  test("of one rep", () => {
    expect(main("how much new business did Tom close in Q2?")).toMatchObject({
      metric: "won_amount",
      filters: [{ dimension: "owner", op: "=", value: "Tom Becker" }],
    });
  });
});

describe("days from a deal's creation to its win is the sales cycle", () => {
  test.each([
    ["average number of days between a deal being created and it being won this year", "average_sales_cycle_days"],
    ["how many days from deal creation to close, on average, in Q2?", "average_sales_cycle_days"],
    ["median days from a deal being created to it being won last month", "sales_cycle_days"],
  ])("%s", (q, metric) => {
    expect(main(q).metric).toBe(metric);
  });
});

describe("customers linked to the CRM are the matched customers", () => {
  test.each([
    ["how many stripe customers are linked to hubspot?", "matched_customers"],
    ["number of billing customers linked to a crm company", "matched_customers"],
    ["what share of billing customers are linked to the CRM?", "customer_match_rate"],
  ])("%s", (q, metric) => {
    expect(main(q).metric).toBe(metric);
  });
});

describe("a share of the deals won by someone stays a share of the wins", () => {
  test("share of deals won by a rep", () => {
    const p = plan("what percent of deals won by Maria this quarter?");
    expect(p.calls.map((c) => (c.input as { metric: string }).metric)).toEqual(["deals_won", "deals_won"]);
  });
});
