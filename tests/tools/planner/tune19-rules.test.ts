import { beforeAll, describe, expect, test } from "bun:test";
import type { Catalog } from "../../../engine/catalog/catalog.ts";
import { demoCatalog, plannerOver } from "./demo-planner.ts";

/**
 * The rules of branch tune19 (#15, batch 19 "an ordinary week"), on phrasings in no eval file — how a sales lead or
 * CS manager types an errand into a chat box (HubSpot's "remind reps to update deal stages", Salesforce's "assign the
 * lead", Stripe's "retry the invoice", Slack's "ping", "nudge", "chase", "loop in"): an instruction to act on people
 * or a system is refused as an action, never answered with the count its nouns name. Pure: no warehouse.
 */
let catalog: Catalog;
beforeAll(() => {
  catalog = demoCatalog();
});
const { plan, refusal } = plannerOver(() => catalog);

describe("an instruction to act on people or a system is refused as an action", () => {
  test.each([
    "nudge Sarah about her overdue renewals",
    "can you remind the reps to log their calls before Friday",
    "Assign the Acme deal to Maria",
    "follow up with Acme about the failed invoice",
    "mark the Globex deal as closed lost",
    "hey, ping the CS team to chase the past due accounts",
    "please slack Jordan the Q3 numbers",
    "escalate the tickets older than 3 days",
    "I need you to cancel the Initech subscription",
    "close out Tom's stale deals before the pipeline call",
    "How many deals closed last month, and tell Tom",
    "could you reach out to the customers whose cards failed",
    "chase up the accounts that are past due",
    "loop in finance on the refunds from October",
    "reassign the open Enterprise deals to James",
    "tell the reps to clean up their pipeline before Monday",
    "tell Sarah about the failed payments",
  ])("%s", (q) => {
    const r = refusal(q);
    expect(r.kind).toBe("refuse");
    expect(r.reason).toMatch(/only reads/);
  });

  test("how a reader asks stays a question: tell me, remind me, let me know", () => {
    expect(plan("tell me mrr").calls[0]!.input.metric).toBe("mrr");
    expect(plan("remind me what ARPA was in June").calls[0]!.input.metric).toBe("arpa");
    expect(plan("let me know new mrr last month").calls[0]!.input.metric).toBe("new_mrr");
    expect(plan("refund amount in october").calls[0]!.input.metric).toBe("refunds");
    expect(plan("how many customers cancelled in october").calls[0]!.input.metric).toBe("churned_customers");
    // the number for someone is the number asked; only telling someone to do something is an errand
    expect(plan("could you tell the board our nrr for q3").calls[0]!.input.metric).toBe("nrr");
  });

  test("'stale deals' is no question of data freshness: never a freshness answer's hours", () => {
    const p = planQuestion("how many stale deals does Tom have");
    expect(p.status === "plan" && p.intent === "freshness").toBe(false);
    expect(plan("is the hubspot data stale?").intent).toBe("freshness");
  });
});

describe("where most of a group comes from is the dimension's value with the most of it", () => {
  test.each([
    ["which country do most of our paying customers come from", "country", ["active", "past_due"]],
    ["which country did most of the churned customers come from?", "country", "churned"],
  ])("%s", (q, label, status) => {
    const p = plan(q);
    expect(p.intent).toBe("top_n");
    const input = p.calls[0]!.input as { label: string; count: boolean; filters: { value: unknown }[] };
    expect(input.label).toBe(label);
    expect(input.count).toBe(true);
    expect(input.filters[0]!.value).toEqual(status);
  });

  test("where the data comes from is still lineage", () => {
    expect(plan("where does the mrr come from").intent).toBe("lineage");
  });
});

describe("accounts counted by billing status are customers; clipped words read typed out", () => {
  test.each([
    ["how many accounts are past due right now", "past_due"],
    ["number of accounts that are past due", "past_due"],
    ["customers past due rn", "past_due"],
    ["how many custs are past due atm", "past_due"],
    ["how many paying accts in the uk rn", ["active", "past_due"]],
  ])("%s", (q, status) => {
    const p = plan(q);
    expect(p.intent).toBe("count_rows");
    const input = p.calls[0]!.input as { mart: string; filters: { column: string; value: unknown }[] };
    expect(input.mart).toBe("customers");
    expect(input.filters.find((f) => f.column === "status")!.value).toEqual(status);
  });

  test("accounts with no status said are asked back, never every row", () => {
    expect(() => refusal("how many accts do we have rn")).not.toThrow();
  });
});

describe("faster or slower of a time metric is a comparison judged by its direction", () => {
  test.each([
    ["are deals closing faster? sales cycle q3 vs q2", "sales_cycle_days", "2026-Q3", "2026-Q2"],
    [
      "is support getting slower? first response time this month vs last month",
      "first_response_minutes",
      "this_month",
      "last_month",
    ],
    ["is our frt getting quicker? frt october vs september", "first_response_minutes", "2026-10", "2026-09"],
    [
      "are we responding slower? reply time this month vs last month",
      "first_response_minutes",
      "this_month",
      "last_month",
    ],
  ])("%s", (q, metric, current, previous) => {
    const p = plan(q);
    expect(p.intent).toBe("compare");
    expect(p.calls[0]!.input).toMatchObject({ metric, current, previous });
  });

  test("faster of a metric that is no time is left to ask back", () => {
    expect(() => refusal("is mrr growing faster in q3 vs q2")).not.toThrow();
    expect(() => refusal("is new mrr coming in faster oct vs sep")).not.toThrow();
  });
});

describe("a period restated as the range it spans is one period; any other span asks back", () => {
  test.each([
    ["average won deal size in h1, january to june", { start: "2026-01-01", end: "2026-06-30" }],
    ["new mrr in q3, july through september", "2026-Q3"],
    ["new mrr in q3 — jul to sep", "2026-Q3"],
    ["win rate for the first half of the year: january thru june", { start: "2026-01-01", end: "2026-06-30" }],
  ])("%s", (q, period) => {
    expect(plan(q).calls[0]!.input.period).toEqual(period);
  });

  test.each(["new mrr in q3, august through september", "mrr in october, september"])("%s", (q) => {
    expect(refusal(q).kind).toBe("clarify");
  });
});

describe("a period taken 'as a whole' is the period, one ratio over it", () => {
  test.each([
    ["churn rate for q3 as a whole", "churn_rate", "2026-Q3"],
    ["win rate for Q2 in its entirety", "win_rate", "2026-Q2"],
    ["What was our customer churn rate for the third quarter taken as a whole?", "churn_rate", "2026-Q3"],
  ])("%s", (q, metric, period) => {
    expect(plan(q).calls[0]!.input).toMatchObject({ metric, period });
  });
});

describe("a bracketed aside of timing or purpose is read away wherever it sits", () => {
  test.each([
    ["what was mrr in october (for the board deck)", "mrr"],
    ["(no worries) churn rate in q3", "churn_rate"],
    ["new customers last month (asap)", "new_customers"],
  ])("%s", (q, metric) => {
    expect(plan(q).calls[0]!.input.metric).toBe(metric);
  });
});

function planQuestion(q: string) {
  try {
    return plan(q);
  } catch {
    return refusal(q);
  }
}
