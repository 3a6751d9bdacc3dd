import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Catalog } from "../../../engine/catalog/catalog.ts";
import { loadProject } from "../../../engine/config/project.ts";
import { askOffline } from "../../../tools/ask/offline-answer.ts";
import { createToolContext } from "../../../tools/context.ts";
import { createFixture, type Fixture } from "../fixture.ts";
import { demoCatalog, plannerOver } from "./demo-planner.ts";

/**
 * The rules of branch trust12 (#15), on phrasings that are in no eval file, written before the code from SaaS metric
 * glossaries: "MRR growth rate … most typically a quarter or a year" (scalexp.com/saas-metrics-library), "MRR growth
 * rate is the percentage change in MRR from one month to the next" (atspark.com/glossary), CMGR = (ending ÷
 * starting)^(1/months) − 1 (metrickittools.com/glossary/cmgr, tripledart.com/tools/cmgr-calculator). Plans over the
 * demo's catalog at 2026-11-21 (pure); answers over the test fixture, their values checked by SQL on its warehouse.
 */
let catalog: Catalog;
beforeAll(() => {
  catalog = demoCatalog();
});
const { plan, refusal } = plannerOver(() => catalog);
const input = (q: string) => plan(q).calls[0]!.input;

describe("growth of a level over a year, quarter or month is the ratio of its two values", () => {
  test.each([
    ["what was our YoY MRR growth in October?", "mrr", "2026-10", "2025-10"],
    ["MRR growth rate year-over-year for October", "mrr", "2026-10", "2025-10"],
    ["mrr in october vs the same month last year", "mrr", "2026-10", "2025-10"],
    ["MRR growth in October compared to a year ago", "mrr", "2026-10", "2025-10"],
    ["quarter over quarter MRR growth in Q3", "mrr", "2026-Q3", "2026-Q2"],
    ["arr growth in q3 vs the same quarter last year", "arr", "2026-Q3", "2025-Q3"],
    ["MRR growth month over month in October", "mrr", "2026-10", "2026-09"],
    ["y-o-y mrr in september", "mrr", "2026-09", "2025-09"],
  ])("%p → %s %s vs %s (never net new MRR compared)", (q, metric, current, previous) => {
    expect(plan(q).intent).toBe("compare");
    expect(input(q)).toMatchObject({ metric, current, previous });
  });

  test("a flow said with a named period and the year back compares the same months a year apart", () => {
    expect(input("new customers in Q3 vs the same quarter last year")).toMatchObject({
      metric: "new_customers",
      current: "2026-Q3",
      previous: "2025-Q3",
    });
  });

  test("'MRR growth in Q3 vs Q2' (no unit-over-unit word) stays the growth in each quarter: net new MRR compared", () => {
    expect(input("mrr growth q3 vs q2")).toMatchObject({ metric: "net_new_mrr", current: "2026-Q3" });
  });
});

describe("a metric the catalog already defines net of another", () => {
  test.each([
    "net cash collected in september after refunds",
    "cash collected in september net of refunds",
    "money collected less refunds in september",
    "payments received in september minus refunds",
  ])("%p is revenue collected (charges less refunds), never less refunds again", (q) => {
    const p = plan(q);
    expect(p.intent).toBe("metric");
    expect(p.calls[0]!.input).toMatchObject({ metric: "revenue_collected", period: "2026-09" });
    expect(p.interpretation!.read_as).toContain("already net of refunds");
  });

  test("gross volume less refunds is the difference (gross volume is before refunds)", () => {
    const p = plan("gross volume less refunds in september");
    expect(p.intent).toBe("arithmetic");
    expect(p.calls.map((c) => c.input.metric)).toEqual(["charges_succeeded", "refunds"]);
  });

  test("'after refunds' said of a metric that does not net them out asks back", () => {
    expect(refusal("new mrr after refunds last month").unplaced).toContain("refunds");
  });
});

describe("a superlative of one bucket ranks the metric's own buckets", () => {
  test.each([
    ["busiest day for new tickets in october", "tickets_opened", "day"],
    ["max DAU in October", "daily_active_users", "day"],
    ["most tickets opened in a single day in october", "tickets_opened", "day"],
    ["lowest daily active users on any given day in october", "daily_active_users", "day"],
    ["what was the highest MRR this year", "mrr", "month"],
  ])("%p → %s by %s", (q, metric, grain) => {
    const p = plan(q);
    expect(p.intent).toBe("argmax");
    expect(p.calls[0]!.input).toMatchObject({ metric, grain });
  });

  test("'the biggest deal we won' is one deal (a row), never a month", () => {
    expect(plan("biggest deal we won this year").intent).toBe("top_n");
  });
});

describe("since launch, all-time, lifetime: every row of the mart", () => {
  test.each([
    ["total cash collected since inception", "revenue_collected"],
    ["lifetime refunds", "refunds"],
    ["all-time new customers", "new_customers"],
    ["how many customers have churned since we launched", "churned_customers"],
  ])("%p → %s over all time, said in the reading", (q, metric) => {
    const p = plan(q);
    expect(p.calls[0]!.input).toMatchObject({ metric, period: "all" });
    expect(p.interpretation!.read_as).toContain("from the mart's first row");
  });

  test("which month since day one had the most new MRR ranks every month", () => {
    expect(input("which month since day one had the most new MRR")).toMatchObject({
      metric: "new_mrr",
      period: "all",
      grain: "month",
    });
  });

  test("a level has no value over all time: 'MRR since launch' asks back", () => {
    expect(refusal("mrr since launch").kind).toBe("clarify");
  });

  test("'lifetime value' is no span of time", () => {
    expect(refusal("customer lifetime value").kind).toBe("clarify");
  });
});

describe("CMGR and buckets past a bound", () => {
  test.each([
    ["compound monthly growth rate of ARR from January to October 2026", "arr", "2026-10", "2026-01", 9],
    ["MRR CMGR between March and September 2026", "mrr", "2026-09", "2026-03", 6],
    ["cmgr of new customers from april to october", "new_customers", "2026-10", "2026-04", 6],
  ])("%p → %s %s vs %s over %d months", (q, metric, current, previous, months) => {
    const p = plan(q);
    expect(p.intent).toBe("compound");
    expect(p.calls[0]!.input).toMatchObject({ metric, current, previous });
    expect(p.interpretation!.compound).toEqual({ months });
  });

  test("CMGR with no two months named asks back", () => {
    expect(refusal("what's our cmgr of mrr").kind).toBe("clarify");
  });

  test.each([
    ["how many days in october was DAU above 900", "daily_active_users", "day", ">", 900],
    ["in how many weeks this quarter were more than 50 tickets opened", "tickets_opened", "week", ">", 50],
    ["in how many months of 2026 was customer churn rate below 3%", "churn_rate", "month", "<", 0.03],
    ["how many months this year did we collect at least $50k", "revenue_collected", "month", ">=", 50_000],
  ])("%p → %s by %s, %s %d", (q, metric, grain, op, value) => {
    const p = plan(q);
    expect(p.intent).toBe("bucket_count");
    expect(p.calls[0]!.input).toMatchObject({ metric, grain });
    expect(p.interpretation!.threshold).toEqual({ op: op as ">", value });
  });

  test("a bound on months with no period named asks back", () => {
    expect(refusal("how many months had failed payments over 40").reason).toContain("name the period");
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
  const mrrAt = (ctx: ReturnType<typeof createToolContext>, month: string) =>
    ctx
      .db()
      .then((db) =>
        db.all<{ v: number }>(`select sum(mrr) as v from marts.mrr_monthly where month = cast(? as date)`, [month]),
      )
      .then((r) => Number(r[0]!.v));
  const pct = (x: number) => `${Number((100 * x).toPrecision(3))}%`;

  test("QoQ MRR growth in Q3: September's MRR over June's, both stated", async () => {
    await withCtx(async (ctx) => {
      const r = await askOffline(ctx, "QoQ MRR growth in Q3");
      const [sep, jun] = [await mrrAt(ctx, "2026-09-01"), await mrrAt(ctx, "2026-06-01")];
      expect(r.answer).toContain(`${Number((100 * (sep / jun - 1)).toFixed(1))}%`);
      expect(r.answer).toContain(`$${Math.round(sep).toLocaleString("en-US")}`);
      expect(r.answer).toContain(`$${Math.round(jun).toLocaleString("en-US")}`);
    });
  });

  test("CMGR of MRR from March to September 2026: (Sep ÷ Mar)^(1/6) − 1, with n and both levels", async () => {
    await withCtx(async (ctx) => {
      const r = await askOffline(ctx, "What was our CMGR of MRR from March to September 2026?");
      const [sep, mar] = [await mrrAt(ctx, "2026-09-01"), await mrrAt(ctx, "2026-03-01")];
      expect(r.status).toBe("answered");
      expect(r.answer).toContain(pct((sep / mar) ** (1 / 6) - 1));
      expect(r.answer).toContain("6 months");
      expect(r.answer).toContain(`$${Math.round(mar).toLocaleString("en-US")}`);
    });
  });

  test("in how many months this year were new customers above 3: the count and the months", async () => {
    await withCtx(async (ctx) => {
      const r = await askOffline(ctx, "in how many months this year were new customers above 3?");
      const rows = await ctx.db().then((db) =>
        db.all<{ n: number }>(
          `select count(*) as n from (select month, sum(new_customers) as v from marts.churn_monthly
             where month between date '2026-01-01' and date '2026-11-01' group by month) where v > 3`,
        ),
      );
      expect(r.answer).toMatch(new RegExp(`above 3 in ${Number(rows[0]!.n)} of the 11 months`));
    });
  });

  test("total new customers since launch: every month of the mart summed", async () => {
    await withCtx(async (ctx) => {
      const r = await askOffline(ctx, "total new customers since launch");
      const rows = await ctx
        .db()
        .then((db) => db.all<{ n: number }>(`select sum(new_customers) as n from marts.churn_monthly`));
      expect(r.answer).toContain(`was ${Number(rows[0]!.n)}`);
      expect(r.answer).toMatch(/from [A-Z][a-z]+ \d{4}, the mart's first row/);
    });
  });
});

describe("a count over a period still running is never set against a whole one a year back", () => {
  test.each([
    "new customers this month vs the same period last year",
    "yoy new customers this quarter",
    "new mrr ytd vs the same period last year",
  ])("%p asks back", (q) => {
    const r = refusal(q);
    expect(r.kind).toBe("clarify");
    expect(r.reason).toContain("still running");
  });

  test("a level now against a year ago is the level at each instant", () => {
    expect(input("arr vs this time last year")).toMatchObject({
      metric: "arr",
      current: "this_month",
      previous: "2025-11",
    });
  });
});

describe("the edges of the new readings", () => {
  test("'month over month this year' is the series by month, never one change over the year", () => {
    const p = plan("mrr growth month over month this year");
    expect(p.intent).toBe("metric");
    expect(p.calls[0]!.input).toMatchObject({ period: "this_year", grain: "month" });
  });

  test.each([
    ["how many months this year did failed payments exceed $40", "no amount of money"],
    ["in how many months this year was churn rate above 3", "say the bound in %"],
  ])("a bound in another unit than the metric's asks back: %p", (q, why) => {
    const r = refusal(q);
    expect(r.kind).toBe("clarify");
    expect(r.reason).toContain(why);
  });
});
