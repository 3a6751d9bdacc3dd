import { beforeAll, describe, expect, test } from "bun:test";
import type { Catalog } from "../../../engine/catalog/catalog.ts";
import { demoCatalog, plannerOver } from "./demo-planner.ts";

/**
 * The rules of branch tune21 (#15, batch 21 "other tools' vocabulary"), on phrasings in no eval file — how people who
 * came from Chargebee, Recurly, Looker, Metabase, Mixpanel, Intercom or Freshdesk name a number: the tool and the
 * chart are context, a definition spelled out is checked against the catalog's, a tool's own number of a catalog
 * name is asked back, a report's title carries its period into the ranking asked of it. Pure: no warehouse.
 */
let catalog: Catalog;
beforeAll(() => {
  catalog = demoCatalog();
});
const { plan, refusal } = plannerOver(() => catalog);
const main = (q: string) => plan(q).calls[0]!.input as Record<string, unknown>;

describe("a tool or chart named with a catalog metric is context, set aside and said in Read as", () => {
  test.each([
    ["Chargebee's ARR at the end of Q3", "arr", "2026-Q3"],
    ["Recurly's new MRR for August", "new_mrr", "2026-08"],
    ["Expansion MRR in June 2026 — the green expansion bar on the ChartMogul chart", "expansion_mrr", "2026-06"],
    ["Weekly active users (the Mixpanel insights chart), last week", "weekly_active_users", "last_week"],
    ["In ChartMogul we watched net new MRR. What was it in July?", "net_new_mrr", "2026-07"],
  ])("%s", (q, metric, period) => {
    const p = plan(q);
    expect(main(q).metric).toBe(metric);
    expect(main(q).period).toBe(period);
    expect(main(q).filters).toEqual([]);
    expect(p.interpretation!.read_as).toMatch(/set aside/);
  });

  test("a gloss that names another value or metric is no context: asked back", () => {
    expect(refusal("MRR in September — the Enterprise one").kind).toBe("clarify");
    expect(refusal("Churn in August — the one that counts downgrades").kind).toBe("clarify");
  });

  test("a tool's own number of a catalog name is asked back, named or glossed", () => {
    for (const q of [
      "Freshdesk's satisfaction score for September",
      "Amplitude's stickiness for September",
      "stickiness in August (the PostHog chart)",
    ]) {
      const r = refusal(q);
      expect(r.kind).toBe("clarify");
      expect(r.reason).toMatch(/another number/);
    }
    // a tool said bare beside the metric is no possessive to set aside: still asked back
    expect(refusal("Intercom CSAT last quarter").kind).toBe("clarify");
    // without the tool, the catalog's own
    expect(main("satisfaction score for September").metric).toBe("csat");
  });
});

describe("a definition spelled out answers when it is the metric's, asks back when it is another", () => {
  test.each([
    [
      "Logo churn for July (churned customers over active customers at the start of the month)",
      "churn_rate",
      "2026-07",
    ],
    [
      "Revenue churn rate for Q2 — churned + contraction MRR over MRR at the start of the quarter",
      "revenue_churn_rate",
      "2026-Q2",
    ],
    [
      "What was our logo churn rate in August? I mean the Recurly one: cancelled customers ÷ customers at the start of the month.",
      "churn_rate",
      "2026-08",
    ],
  ])("%s", (q, metric, period) => {
    expect(main(q).metric).toBe(metric);
    expect(main(q).period).toBe(period);
    expect(plan(q).interpretation!.read_as).toMatch(/the same definition/);
  });

  test.each([
    "Customer churn rate in August (churned customers over customers at the end of the month)",
    "Revenue churn rate for Q3 (churned MRR over MRR at the start of the quarter)",
  ])("%s", (q) => {
    const r = refusal(q);
    expect(r.kind).toBe("clarify");
    expect(r.reason).toMatch(/is not how .* is defined here/);
  });

  test("a count over the whole it is part of, named as a rate, is that share", () => {
    const p = plan(
      "Our Metabase dashboard used to show the payment failure rate — failed payments over payment attempts. What was it for September?",
    );
    expect(p.calls.map((c) => [c.input.metric, c.input.period])).toEqual([
      ["failed_payments", "2026-09"],
      ["payment_attempts", "2026-09"],
    ]);
    expect(p.interpretation!.read_as).toMatch(/as a share of/);
  });
});

describe("a report's title and the ranking asked of it", () => {
  test("the title's period applies; the winner of its dimension is asked", () => {
    expect(main("Deals won by owner, Q3 — who won the most?")).toMatchObject({
      metric: "deals_won",
      period: "2026-Q3",
      group_by: ["owner"],
    });
    expect(main("Won amount by deal owner, September — who closed the most?")).toMatchObject({
      metric: "won_amount",
      period: "2026-09",
      group_by: ["owner"],
    });
  });

  test("a greeting and thanks around the title change nothing", () => {
    expect(main("hey dp! Deals won by owner, Q3 — who won the most? thanks")).toMatchObject({
      metric: "deals_won",
      period: "2026-Q3",
      group_by: ["owner"],
    });
  });

  test("a stock's title ranked now", () => {
    expect(main("Open deal amount by stage — which is largest right now?")).toMatchObject({
      metric: "open_pipeline",
      period: "latest",
      group_by: ["stage"],
    });
  });

  test("a question after the title that names another metric is not the title's ranking: asked back", () => {
    expect(refusal("Deals won by owner, Q3 — who has the most open pipeline?").kind).toBe("clarify");
    expect(refusal("Won amount by owner, Q3 — who lost the most deals?").kind).toBe("clarify");
  });
});

describe("other tools' words for catalog metrics", () => {
  test.each([
    ["how many reactivations did we have in Q2", "reactivated_customers"],
    ["active subscribers on the Pro plan", "plan_customers"],
    ["average time to won in Q2", "average_sales_cycle_days"],
    ["urgent tickets created last week", "high_priority_tickets"],
    ["gross MRR retention for Q2", "grr"],
    ["new recurring revenue in September", "new_mrr"],
    ["how many companies were active in the app in October", "product_active_accounts"],
    ["number of companies using the product last month", "product_active_accounts"],
    ["open deal amount at the end of September", "open_pipeline"],
    ["user churn rate in June", "churn_rate"],
  ])("%s", (q, metric) => {
    expect(main(q).metric).toBe(metric);
  });

  test("Baremetrics' user churn is customer churn, and said so", () => {
    expect(plan("user churn rate in June").interpretation!.read_as).toMatch(/"user churn" read as "customer churn"/);
  });

  test("'time to won' is read as the time to close a won deal, and said so", () => {
    expect(plan("average time to won in Q2").interpretation!.read_as).toMatch(/"time to won" read as "time to close"/);
    // deals won over time are deals won, never a sales cycle
    expect(main("average deals won over time").metric).not.toMatch(/sales_cycle/);
  });

  test("in dunning is billing status past due, said once or twice", () => {
    for (const q of [
      "how many accounts are in dunning",
      "customers in dunning right now — past due, a card failing?",
    ]) {
      const input = main(q);
      expect(input.mart).toBe("customers");
      expect(input.filters).toEqual([{ column: "status", op: "=", value: "past_due" }]);
    }
  });

  test("'did we grow faster' of a growth metric is its comparison; of a level it asks back", () => {
    expect(main("Net new MRR: September vs August — did we grow faster?")).toMatchObject({
      metric: "net_new_mrr",
      current: "2026-09",
      previous: "2026-08",
    });
    expect(refusal("MRR: September vs August — did we grow faster?").kind).toBe("clarify");
  });
});

describe("'open' said of tickets is their state, never the act of opening (a flow counted instead of a stock)", () => {
  test.each([
    "are any escalations still open?",
    "how many priority tickets are open at the moment",
    "high priority tickets currently open, how many?",
    "count of urgent tickets that are still open",
  ])("%s: not answered with tickets opened in a month", (q) => {
    // asked back (refusal() throws when it planned): no number of tickets opened is stated
    expect(refusal(q).status).toBe("refusal");
  });

  test("the act said in other verbs still counts the tickets opened", () => {
    expect(main("how many urgent tickets were raised in September").metric).toBe("high_priority_tickets");
    expect(main("urgent tickets created last month").metric).toBe("high_priority_tickets");
  });
});
