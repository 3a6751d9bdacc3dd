import { beforeAll, describe, expect, test } from "bun:test";
import type { Catalog } from "../../../engine/catalog/catalog.ts";
import { planQuestion } from "../../../tools/planner/plan.ts";
import { DEMO_AT, demoCatalog, plannerOver } from "./demo-planner.ts";

/**
 * The rules of branch tune34 (#15, batch 34 "rankings", batch 36 "plain one-liners"), on phrasings in no eval file:
 * who closed the biggest deal (one deal, with its owner: deal-owner.ts), personal data asked for beside a ranking
 * (personal-data.ts), runner-up places (runner-up.ts), a period said before the ranking (front-period.ts), a rate
 * with its own count (companion-count.ts) and nouns (models/** synonyms). Pure: no warehouse.
 */
let catalog: Catalog;
beforeAll(() => {
  catalog = demoCatalog();
  catalog.dimensionValues!.set("customers.country", ["US", "DE", "GB", "FR", "CA"]);
});
const { plan, refusal } = plannerOver(() => catalog);
const main = (q: string) => plan(q).calls[0]!.input as Record<string, unknown>;

describe("who closed the biggest deal: the one largest deal, with its owner — never a count of deals", () => {
  test.each([
    ["who won the largest deal last quarter", "top"],
    ["which rep closed our biggest deal in 2026", "top"],
    ["who landed the biggest deal last month?", "top"],
    ["who signed the smallest deal this year", "bottom"],
    ["which rep won the single largest deal in Q2", "top"],
  ])("%s", (q, direction) => {
    const p = plan(q);
    expect(p.calls).toHaveLength(1);
    expect(p.calls[0]!.name).toBe("top_n");
    expect(main(q)).toMatchObject({ mart: "deals", measure: "amount", n: 1, direction, also: ["owner"] });
    expect(main(q).label).not.toBe("owner");
    expect(JSON.stringify(main(q).filters)).toContain("is_won");
  });

  test("who has the biggest open deal: the one open deal with its owner, never the owner's open pipeline", () => {
    const q = "who has the biggest open deal right now";
    const input = main(q);
    expect(plan(q).calls[0]!.name).toBe("top_n");
    expect(input).toMatchObject({ mart: "deals", measure: "amount", n: 1, also: ["owner"] });
    expect(JSON.stringify(input.filters)).toContain("is_open");
  });

  test("the most deals closed is still a count by owner", () => {
    expect(main("who closed the most deals this year")).toMatchObject({ metric: "deals_won", group_by: ["owner"] });
  });
});

describe("names, emails or phones of customers or contacts are refused, even beside a ranking", () => {
  test.each([
    "top 5 accounts by ARR — can you include their emails?",
    "biggest customers by mrr with phone numbers",
    "which 3 customers pay us the most? need names and emails for a thank-you note",
    "our 10 largest clients by revenue + contact info pls",
    "who are the top 5 customers by mrr, names & emails, want to email them",
  ])("%s", (q) => {
    expect(refusal(q).kind ?? "refuse").toBe("refuse");
  });

  test("an email in the backstory is no ask for personal data", () => {
    expect(main("got an email from our investor — what was mrr last month?")).toMatchObject({ metric: "mrr" });
  });
});

describe("runner-up places: the 2nd of the ranking, or the leader once a named value is set aside", () => {
  test.each([
    ["what's the second biggest plan by mrr right now", "mrr", 2],
    ["3rd best month for new mrr this year", "new_mrr", 3],
    ["which plan had the 2nd most customers in october", "plan_customers", 2],
    ["second worst month for churned mrr in 2026", "churned_mrr", 2],
  ])("%s", (q, metric, place) => {
    const p = plan(q);
    expect(p.intent).toBe("argmax");
    expect(main(q)).toMatchObject({ metric });
    expect(p.interpretation?.argmax?.place).toBe(place);
  });

  test.each([
    ["after the US, which country has the most paying customers?", "US"],
    ["which country has the most paying customers besides Germany", "DE"],
    ["other than the UK, what country has the most paying customers", "GB"],
  ])("%s", (q, left) => {
    const input = main(q);
    expect(input).toMatchObject({ mart: "customers", label: "country", count: true });
    expect(input.filters).toContainEqual({ column: "country", op: "not_in", value: [left] });
  });

  test("a place said of a list of rows is asked back, never the leader", () => {
    expect(refusal("2nd biggest deal we won this year").kind).toBe("clarify");
  });
});

describe("a period said before the ranking is the ranking's period", () => {
  test.each([
    ["at the end of september, which owner had the most open pipeline", "open_pipeline", "2026-09", "owner"],
    ["in Q2 which month had the most new customers?", "new_customers", "2026-Q2", undefined],
    ["last quarter, which plan had the least MRR", "mrr", "last_quarter", "plan"],
    ["at the end of october which stage had the most pipeline $", "open_pipeline", "2026-10", "stage"],
  ])("%s", (q, metric, period, by) => {
    const p = plan(q);
    expect(p.intent).toBe("argmax");
    expect(main(q)).toMatchObject({ metric, period });
    if (by) expect((main(q).group_by as string[])[0]).toContain(by);
  });
});

describe("rankings said in plain words", () => {
  test.each([
    ["which month had the most cash coming in this year", "revenue_collected"],
    ["best month for cash coming in in 2026", "revenue_collected"],
    ["which owner has the most money sitting in their deals right now", "open_pipeline"],
    ["which pipeline has the least money sitting in it", "open_pipeline"],
    ["whose deals take the longest to close", "sales_cycle_days"],
    ["which rep's deals take the shortest time to close in 2026", "sales_cycle_days"],
    ["which month in Q2 had the fewest people using the app", "monthly_active_users"],
  ])("%s", (q, metric) => {
    expect(plan(q).intent).toBe("argmax");
    expect(main(q)).toMatchObject({ metric });
  });
});

describe("subs, and a rate with its own count", () => {
  test.each([
    ["subs last month", "active_customers"],
    ["how many subs do we have", "active_customers"],
    ["paying subs at the end of Q3", "active_customers"],
  ])("%s", (q, metric) => {
    expect(main(q)).toMatchObject({ metric });
  });

  test.each([
    ["win rate and # won last month", "win_rate", "deals_won"],
    ["churn rate last month and how many churned", "churn_rate", "churned_customers"],
    ["trial conversion rate in october w/ # converted", "trial_conversion_rate", "trials_converted"],
  ])("%s", (q, metric, count) => {
    const p = plan(q);
    expect(main(q)).toMatchObject({ metric });
    expect(p.calls.map((c) => c.input.metric)).toContain(count);
  });
});

describe("words near personal data that ask for none are never refused as personal data", () => {
  test.each([
    "daily active users on the mobile app last month, pls",
    "plan names and their mrr right now",
    "got an email from the board: churn rate in october?",
  ])("%s", (q) => {
    const p = planQuestion(q, catalog, DEMO_AT);
    if (p.status === "refusal") expect(p.reason).not.toContain("personal data");
  });
});
