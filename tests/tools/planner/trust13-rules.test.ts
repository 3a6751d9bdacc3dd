import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Catalog } from "../../../engine/catalog/catalog.ts";
import { loadProject } from "../../../engine/config/project.ts";
import { askOffline } from "../../../tools/ask/offline-answer.ts";
import { createToolContext } from "../../../tools/context.ts";
import { planQuestion } from "../../../tools/planner/plan.ts";
import { createFixture, type Fixture } from "../fixture.ts";
import { DEMO_AT, demoCatalog, plannerOver } from "./demo-planner.ts";

/**
 * The rules of branch tune13 (#15, the terminal voice of fresh-13), on phrasings that are in no eval file, written
 * from outside sources: dashboard shorthand (WoW/MoM/QoQ/YoY and the British "week on week", help.powersuite.io,
 * Tenzo's date-range glossary), the false friends of business English (actually/actual = aktuell, actuellement,
 * actualmente, attualmente: somaxenglish.com, efbtraining.de, italki.com, ecnews.it), learners' "how much" of
 * countable nouns (ESL grammar guides: fatskills.com, espressoenglish.net), Indian English of office mail ("kindly
 * share", "revert with", "as on date"), and definition questions in German, French and Spanish word order. Plans
 * over the demo's catalog at 2026-11-21 (pure); answers over the test fixture, their values checked by SQL on its
 * warehouse.
 */
let catalog: Catalog;
beforeAll(() => {
  catalog = demoCatalog();
});
const { plan, refusal } = plannerOver(() => catalog);
const input = (q: string) => plan(q).calls[0]!.input;
const metricsOf = (q: string) => [...new Set(plan(q).calls.map((c) => String(c.input.metric)))];
const LAST_WEEK = { start: "2026-11-09", end: "2026-11-15" };

describe("unit-over-unit shorthand: wow, w/w, week on week", () => {
  test.each([
    "csat wow",
    "csat w/w",
    "csat w-o-w",
    "csat week on week",
    "csat growth week over week",
    "first response time wow",
  ])("%p: this week so far against last week (an average reads the same over part of a week)", (q) => {
    expect(plan(q).intent).toBe("compare");
    expect(input(q)).toMatchObject({ current: "this_week", previous: LAST_WEEK });
  });

  test.each([
    ["mrr mom", "mrr", "2026-10"],
    ["mrr month on month", "mrr", "2026-10"],
    ["open deals mom", "open_deals", "2026-10"],
    ["arr yoy", "arr", "2025-11"],
    ["active customers year on year", "active_customers", "2025-11"],
  ])("a level %p is now against the same instant one unit back", (q, metric, previous) => {
    expect(input(q)).toMatchObject({ metric, current: "this_month", previous });
  });

  test("'arr year on year in october' names its period: October against October 2025", () => {
    expect(input("arr year on year in october")).toMatchObject({ current: "2026-10", previous: "2025-10" });
  });

  test("a count with no period is never this week so far against a whole week: the series by week", () => {
    for (const q of ["tickets opened wow", "tickets opened week on week"]) {
      const p = plan(q);
      expect(p.intent).toBe("metric");
      expect(p.calls[0]!.input).toMatchObject({ metric: "tickets_opened", grain: "week" });
    }
  });

  test("a level kept by month has no week to compare: 'mrr wow' asks back", () => {
    const r = refusal("mrr wow");
    expect(r.kind).toBe("clarify");
    expect(r.reason).toContain("kept by month");
  });

  test("'arr qoq' with no quarter asks back: the end of last quarter, or the same month a quarter back?", () => {
    expect(refusal("arr qoq").kind).toBe("clarify");
  });

  test("the exclamation is no week over week", () => {
    for (const q of ["wow, churn rate last month", "wow! what is mrr"]) {
      const p = planQuestion(q, catalog, DEMO_AT);
      if (p.status === "plan") expect(JSON.stringify(p.calls)).not.toContain("this_week");
    }
  });
});

describe("two metrics set against each other with 'vs' in one period are both read, side by side", () => {
  test.each([
    ["expansion vs contraction mrr q3", ["expansion_mrr", "contraction_mrr"], "2026-Q3"],
    ["new mrr versus churned mrr last month", ["new_mrr", "churned_mrr"], "last_month"],
    ["expansion mrr compared to contraction mrr in september", ["expansion_mrr", "contraction_mrr"], "2026-09"],
    ["tickets opened vs closed last week", ["tickets_opened", "tickets_closed"], "last_week"],
    ["deals won vs lost in october", ["deals_won", "deals_lost"], "2026-10"],
  ])("%p", (q, metrics, period) => {
    const p = plan(q);
    expect(p.intent).toBe("metric");
    expect(p.calls.some((c) => c.name === "compare_periods")).toBe(false);
    for (const m of metrics) expect(p.calls.some((c) => c.input.metric === m && c.input.period === period)).toBe(true);
  });

  test("one metric between two periods stays a comparison", () => {
    expect(input("arr q3 vs q2")).toMatchObject({ metric: "arr", current: "2026-Q3", previous: "2026-Q2" });
    expect(input("mrr vs last month")).toMatchObject({ metric: "mrr", current: "this_month" });
  });

  test("'mrr vs new mrr in october' is never new MRR against its own September: asked back with both", () => {
    const r = refusal("mrr vs new mrr in october");
    expect(r.kind).toBe("clarify");
    expect(r.reason).toContain("two metrics");
  });

  test("a change said on a side ('mrr growth vs arr growth') is never ARR's level beside MRR growth", () => {
    refusal("mrr growth vs arr growth");
  });

  test("two metrics with no period ask back (the period is said once for both, or asked)", () => {
    expect(refusal("net new arr vs net new mrr").status).toBe("refusal");
    expect(refusal("mrr vs arr").status).toBe("refusal");
  });

  test("two metrics and two periods at once ask back", () => {
    refusal("new customers vs churned customers in q3 vs q2");
  });

  test("'the difference between new and churned MRR' is still no side-by-side reading (a difference is asked)", () => {
    expect(refusal("difference between new and churned mrr").kind).toBe("clarify");
  });
});

describe("learner English: 'how much' of a countable noun, clients", () => {
  test.each([
    ["how much customers we lost in october", "churned_customers", "2026-10"],
    ["how much clients churned in q3", "churned_customers", "2026-Q3"],
    ["how much new clients in october", "new_customers", "2026-10"],
    ["how much tickets we had last week", "tickets_opened", "last_week"],
  ])("%p is a count", (q, metric, period) => {
    expect(input(q)).toMatchObject({ metric, period });
  });

  test("'how much' before a noun that may be money keeps its amount ('how much payments failed')", () => {
    expect(input("how much payments failed in october")).toMatchObject({ metric: "failed_payments_amount" });
    // accounts receivable is money, and no metric here: never a count of accounts
    const p = planQuestion("how much accounts receivable do we have", catalog, DEMO_AT);
    expect(p.status).toBe("refusal");
  });

  test("clients are customers, in a filter and in a ranking of rows", () => {
    expect(input("how many clients on pro")).toMatchObject({
      metric: "plan_customers",
      filters: [{ dimension: "plan", op: "=", value: "Pro" }],
    });
    expect(input("top 5 clients by mrr")).toMatchObject({ mart: "customers", measure: "mrr", n: 5 });
    // their names are still personal data
    refusal("which clients pay the most");
  });
});

describe("Indian English of office mail: kindly share, revert with, as on date", () => {
  test.each([
    ["kindly share the mrr of october", "mrr", "2026-10"],
    ["please revert with the mrr of october", "mrr", "2026-10"],
    ["what is the mrr as on date", "mrr", "latest"],
    ["kindly share the number of clients active as on date", "active_customers", "latest"],
  ])("%p", (q, metric, period) => {
    expect(input(q)).toMatchObject({ metric, period });
  });

  test("'share of' stays a share; 'till date' (it may sum from the start) asks back", () => {
    expect(plan("can you share the share of mrr from pro").intent).toBe("arithmetic");
    refusal("how many customers till date");
  });
});

describe("'actually' and 'actual' as the false friends of aktuell / actuellement / actualmente", () => {
  test.each([
    ["what is the number of customers active actually", "active_customers"],
    ["how many clients do we have actually", "active_customers"],
    ["what is our actual mrr", "mrr"],
    ["actually, what is mrr", "mrr"],
  ])("a level %p is now (the same number either way)", (q, metric) => {
    expect(input(q)).toMatchObject({ metric, period: "latest" });
  });

  test("a count with 'actually' and no period asks back (now so far, or the last whole month?), naming the word typed", () => {
    expect(refusal("how many tickets opened actually").reason).toContain('"actually" (read as "currently"');
  });

  test("with a period said, 'actually' is the English filler", () => {
    expect(input("tickets opened in october actually")).toMatchObject({ metric: "tickets_opened", period: "2026-10" });
  });
});

describe("definition questions in learner and non-native word order", () => {
  test.each([
    ["what means nrr exactly, how you compute it", "nrr"],
    ["what means arpa", "arpa"],
    ["how you calculate churn rate", "churn_rate"],
    ["how nrr is calculated", "nrr"],
    ["how is calculated the churn rate", "churn_rate"],
    ["what is the formula of nrr", "nrr"],
    ["what nrr means", "nrr"],
    ["what is meant by nrr", "nrr"],
    ["what do you understand under arpa", "arpa"],
    ["explain me arpa", "arpa"],
    ["can you explain nrr", "nrr"],
    ["how to calculate win rate", "win_rate"],
    ["what does mrr stand for", "mrr"],
  ])("%p describes %s", (q, metric) => {
    const p = plan(q);
    expect(p.intent).toBe("describe_metric");
    expect(p.calls[0]!.input).toEqual({ metric });
  });

  test.each([
    "can you explain me the mrr drop in october",
    "explain me why mrr dropped",
    "how many customers are counted in october",
  ])("%p is no definition", (q) => {
    const p = planQuestion(q, catalog, DEMO_AT);
    expect(p.status === "plan" ? p.intent : "asked back").not.toBe("describe_metric");
  });
});

describe("the week before last", () => {
  test.each(["tickets opened the week before last", "csat the week before last"])("%p is 2–8 November", (q) => {
    expect(input(q)).toMatchObject({ period: { start: "2026-11-02", end: "2026-11-08" } });
  });
  test("the month before last is still September", () => {
    expect(input("new customers the month before last")).toMatchObject({ period: "2026-09" });
  });
});

describe("answers over the fixture, checked by SQL", () => {
  let fx: Fixture;
  beforeAll(async () => {
    fx = await createFixture();
  });
  afterAll(() => fx.cleanup());

  async function withCtx<T>(f: (ctx: ReturnType<typeof createToolContext>) => Promise<T>): Promise<T> {
    const ctx = createToolContext(loadProject(fx.dir));
    try {
      return await f(ctx);
    } finally {
      ctx.close();
    }
  }
  const sumOf = (ctx: ReturnType<typeof createToolContext>, column: string) =>
    ctx
      .db()
      .then((db) =>
        db.all<{ v: number }>(`select sum(${column}) as v from marts.churn_monthly where month = date '2026-09-01'`),
      )
      .then((r) => Number(r[0]!.v));
  const stated = (what: string, n: number) => new RegExp(`${what} in September 2026 was ${n}\\.`, "i");

  test("new vs churned customers in September 2026 states both counts", async () => {
    await withCtx(async (ctx) => {
      const r = await askOffline(ctx, "new customers vs churned customers in september 2026");
      expect(r.status).toBe("answered");
      expect(r.answer).toMatch(stated("new customers", await sumOf(ctx, "new_customers")));
      expect(r.answer).toMatch(stated("churned customers", await sumOf(ctx, "churned")));
    });
  });

  test("how much customers we lost in september 2026: the count of churned customers", async () => {
    await withCtx(async (ctx) => {
      const r = await askOffline(ctx, "how much customers we lost in september 2026");
      expect(r.status).toBe("answered");
      expect(r.answer).toMatch(stated("churned customers", await sumOf(ctx, "churned")));
      expect(r.answer).not.toContain("$");
    });
  });
});
