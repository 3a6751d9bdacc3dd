import { beforeAll, describe, expect, test } from "bun:test";
import type { Catalog } from "../../../engine/catalog/catalog.ts";
import { planQuestion } from "../../../tools/planner/plan.ts";
import { DEMO_AT, demoCatalog, plannerOver } from "./demo-planner.ts";

/**
 * The rules of branch tune20 (#15, batch 20 "a Slack data bot"), on phrasings in no eval file: how people who do not
 * know the metric names type into a team chat (an office manager's "money that came in", an investor's "what do
 * customers pay us", a support lead's "how long people waited"). The unit a question asks must be the metric's; a
 * score question is answered with its one value; plain words naming two metrics are asked back; plain vocabulary
 * reads as the catalog metric a careful analyst would use; a period typed after the question is its period.
 * Pure: no warehouse.
 */
let catalog: Catalog;
beforeAll(() => {
  catalog = demoCatalog();
});
const { plan, refusal } = plannerOver(() => catalog);
const read = (q: string) => {
  const p = plan(q);
  const input = p.calls[0]!.input as { metric?: string; period?: unknown; filters?: { value: unknown }[] };
  return { intent: p.intent, metric: input.metric, period: input.period, filters: input.filters ?? [] };
};

describe("what someone pays is an amount: never a count of the payers", () => {
  test.each([
    ["what do our customers pay us each month", "latest", []],
    ["what do Pro customers pay us a month", "latest", ["Pro"]],
    ["roughly what does all of our customers pay per month right now", "latest", []],
  ])("%s → MRR", (q, period, values) => {
    const r = read(q);
    expect(r.metric).toBe("mrr");
    expect(r.period).toBe(period);
    expect(r.filters.map((f) => f.value)).toEqual(values);
  });

  test.each([
    "what do our Starter customers pay us",
    "what are customers on Growth paying us",
    "what does the enterprise segment pay",
  ])("%s: an amount no count answers, so no number is stated", (q) => {
    const r = refusal(q);
    expect(r.reason).not.toMatch(/^\d/);
    expect(r.kind === "clarify" || r.kind === "refuse").toBe(true);
  });

  test("the average payer is ARPA; a count of payers stays a count", () => {
    expect(read("what does the typical customer pay us per month in october").metric).toBe("arpa");
    expect(read("what does an average customer pay us a month").metric).toBe("arpa");
    expect(read("how many customers pay us").metric).toBe("active_customers");
    expect(read("how many people were paying us in june")).toMatchObject({
      metric: "active_customers",
      period: "2026-06",
    });
  });
});

describe("a score question is answered with its one value, never the list of metrics", () => {
  test.each([
    ["thanks for the help, what was csat in september", "csat", "2026-09"],
    ["were customers satisfied with support in august? what's the rating", "csat", "2026-08"],
    ["are customers happy with the support they get, score for q2 please", "csat", "2026-Q2"],
  ])("%s", (q, metric, period) => {
    const r = read(q);
    expect(r.intent).toBe("metric");
    expect(r.metric).toBe(metric);
    expect(r.period).toBe(period);
  });

  test("asking for help itself still lists what can be asked", () => {
    expect(plan("help").intent).toBe("list_metrics");
    expect(plan("can you help me").intent).toBe("list_metrics");
  });
});

describe("plain 'lost business' names churned MRR and lost deals: asked back naming both", () => {
  test.each([
    "lost business last quarter?",
    "how much biz did we lose last month",
    "what was the business we lost in q2",
    "did we lose a lot of business in august",
  ])("%s", (q) => {
    const r = refusal(q);
    expect(r.kind).toBe("clarify");
    expect(r.reason).toMatch(/churned MRR/);
    expect(r.reason).toMatch(/lost amount/);
  });

  test("the loss said outright is answered", () => {
    expect(read("how many deals did we lose in september").metric).toBe("deals_lost");
    expect(read("how much MRR did we lose in may").metric).toBe("churned_mrr");
    expect(read("how much MRR did we lose in may").period).toBe("2026-05");
  });
});

describe("plain words for metrics read as the catalog metric", () => {
  test.each([
    ["how much cash came in during q3", "revenue_collected", "2026-Q3"],
    ["how many folks cancelled in august", "churned_customers", "2026-08"],
    ["how many people left in september", "churned_customers", "2026-09"],
    ["how many accounts switched to a smaller plan in october", "contracted_customers", "2026-10"],
    ["customers that moved down to a cheaper tier in june", "contracted_customers", "2026-06"],
    ["how many charges bounced last month", "failed_payments", "last_month"],
    ["how much money was handed back in q2", "refunds", "2026-Q2"],
    ["how much did we pay back to clients in march", "refunds", "2026-03"],
    ["money given back to our customers last month", "refunds", "last_month"],
    ["how busy was support in october", "tickets_opened", "2026-10"],
    ["how long did people wait for a first reply in october", "first_response_minutes", "2026-10"],
    ["how many people use the app on a typical day in september", "daily_active_users", "2026-09"],
    ["how long does it typically take to close a deal in q3", "sales_cycle_days", "2026-Q3"],
    ["how long did ppl wait for a reply in august", "first_response_minutes", "2026-08"],
  ])("%s", (q, metric, period) => {
    const r = read(q);
    expect(r.metric).toBe(metric);
    expect(r.period).toBe(period);
  });

  test("behind or late on payments is the past-due status", () => {
    const p = plan("how many accounts are late on their payments");
    const input = p.calls[0]!.input as { filters: { column: string; value: unknown }[] };
    expect(input.filters).toEqual([{ column: "status", op: "=", value: "past_due" }] as never);
  });

  test("'new here' is who asks, never new customers", () => {
    const p = plan("new to the team — how long does it usually take to close a deal in q2");
    expect(p.calls[0]!.input.metric).toBe("sales_cycle_days");
    expect(read("new here, how many new customers did we sign in august").metric).toBe("new_customers");
  });

  test("the words still ask back where they name nothing or two metrics", () => {
    expect(refusal("how much did we make in june").status).toBe("refusal");
    // a plan named only as a ranking has no measure: asked back as before
    expect(refusal("top 3 plans").kind).toBe("clarify");
  });
});

describe("a period typed after the question is the question's period", () => {
  test.each([
    ["how many tickets did we get? last month", "tickets_opened", "last_month"],
    ["how many deals did we lose? q3 numbers pls", "deals_lost", "2026-Q3"],
    ["what was ARR? end of q2", "arr", "2026-Q2"],
  ])("%s", (q, metric, period) => {
    const r = read(q);
    expect(r.metric).toBe(metric);
    expect(r.period).toBe(period);
  });

  test("a part said before the question, or one saying more than a period, is still asked back", () => {
    const before = planQuestion("october was rough. how many tickets?", catalog, DEMO_AT);
    expect(before.status === "refusal" && before.kind).toBe("clarify");
    const more = planQuestion("how many tickets did we get? sales had a rough october", catalog, DEMO_AT);
    expect(more.status === "refusal" && more.kind).toBe("clarify");
  });
});

describe("an errand inside a request frame is still an errand", () => {
  test.each([
    "i need mark the Initech deal as closed lost",
    "could you tell me move the Acme deal to contract sent",
    "we need cancel the Hooli subscription today",
  ])("%s", (q) => {
    const r = refusal(q);
    expect(r.kind).toBe("refuse");
    expect(r.reason).toMatch(/only reads/);
  });

  test("a need for a number stays a question", () => {
    expect(read("i need new mrr for october")).toMatchObject({ metric: "new_mrr", period: "2026-10" });
    expect(read("could you tell me refunds in june")).toMatchObject({ metric: "refunds", period: "2026-06" });
  });
});

describe("a normal day's count is a mean per day: people in the app are average DAU, anything else asks back", () => {
  test.each([
    "on a normal day how many tickets do we get",
    "on a typical day, how many deals do we win?",
    "in a typical month how many customers churn",
    "how many refunds on an average week",
  ])("%s", (q) => {
    const r = refusal(q);
    expect(r.kind).toBe("clarify");
    expect(r.reason).toMatch(/average per (?:day|week|month)/);
  });

  test("people using the app on a normal day are DAU over the period", () => {
    expect(read("how many people use the app on an average day in august")).toMatchObject({
      metric: "daily_active_users",
      period: "2026-08",
    });
    expect(read("how many people use the product on a typical day? september numbers")).toMatchObject({
      metric: "daily_active_users",
      period: "2026-09",
    });
  });
});
