import { beforeAll, describe, expect, test } from "bun:test";
import { catalogOf, type Catalog } from "../../../engine/catalog/catalog.ts";
import { perMismatch } from "../../../tools/planner/arithmetic.ts";
import { exclusionFor, saysExclusion } from "../../../tools/planner/exclusion.ts";
import { planQuestion, ratioAsPer } from "../../../tools/planner/plan.ts";
import { DEMO_AT, demoCatalog, plannerOver } from "./demo-planner.ts";

/**
 * The rules of branch trust5 (#15), on phrasings that are in no eval file: per-unit ratios that make no number,
 * cohorts, and the billing exclusion of the project's test accounts. Planned over the demo's own catalog. Pure.
 */
let catalog: Catalog;
const at = DEMO_AT;

beforeAll(() => {
  catalog = demoCatalog();
});
const { plan, refusal } = plannerOver(() => catalog);

describe("a per-unit ratio that is no number asks back", () => {
  test("a rate or average divided again, and a level divided by a count over the period, are refused by kind", () => {
    const m = (n: string) => catalog.metric(n);
    expect(perMismatch(m("arpa"), m("active_customers"))).toContain("already a ratio");
    expect(perMismatch(m("churn_rate"), m("active_customers"))).toContain("already a ratio");
    expect(perMismatch(m("mrr"), m("churned_customers"))).toContain("level at an instant");
    expect(perMismatch(m("tickets_opened"), m("active_customers"))).toBeUndefined();
    expect(perMismatch(m("mrr"), m("plan_customers"))).toBeUndefined();
  });

  test.each([
    "arr per new customer in september",
    "open pipeline per deal won last quarter",
    "churn rate per new customer last month",
  ])("%p asks back and states no quotient", (q) => {
    const r = refusal(q);
    expect(r.kind).toBe("clarify");
    expect(r.reason).toMatch(/already a ratio|level at an instant/);
  });

  test("a flow per a level still answers: tickets per paying customer in september", () => {
    const p = plan("support tickets per paying customer in september");
    expect(p.calls.map((c) => [c.role, c.input.metric])).toEqual([
      ["left", "tickets_opened"],
      ["per", "active_customers"],
    ]);
  });
});

describe("a cohort asked across two times asks back", () => {
  test.each([
    "customers who churned in q2 and no longer pay",
    "of the deals that were open in september how many remain open",
  ])("%p", (q) => {
    const r = refusal(q);
    expect(r.kind).toBe("clarify");
    expect(r.reason).toContain("cohort");
  });

  test("a first-paid cohort followed to now is read by the cohort tool (tune53): accounts that joined in january", () => {
    const p = plan("how many accounts that joined in january are still active");
    expect(p.calls.map((c) => [c.name, c.input.cohort, c.input.measure])).toEqual([
      ["cohort", "2026-01", "still_paying"],
    ]);
  });

  test("a relative clause with one time only still answers: MRR lost from customers who cancelled in Q2", () => {
    expect(plan("MRR lost from customers who cancelled in Q2").calls[0]!.input.metric).toBe("churned_mrr");
  });
});

describe("the project's test accounts: excluded from billing metrics, and the reading says so", () => {
  test("which metrics apply the exclusion comes from the model graph: billing yes, support and sales no", () => {
    for (const m of ["mrr", "revenue_collected", "refunds", "failed_payments", "trial_conversion_rate"])
      expect(exclusionFor(catalog, m)?.vars).toEqual(["excluded_email_domains", "excluded_customer_names"]);
    for (const m of ["tickets_opened", "open_pipeline", "monthly_active_users"])
      expect(exclusionFor(catalog, m)).toBeUndefined();
  });

  test("a catalog without its model graph (as readers load it from the snapshot's cache) excludes the same", () => {
    const cached = catalogOf(catalog.project, {
      models: catalog.models,
      metrics: catalog.metrics,
      parents: catalog.parents,
      graph: () => {
        throw new Error("the exclusion loaded the model graph");
      },
      builtColumns: true,
    });
    expect(catalog.models.get("int_stripe__excluded_customers")!.varsRead).toContain("excluded_email_domains");
    for (const m of catalog.metrics) expect(exclusionFor(cached, m.name)).toEqual(exclusionFor(catalog, m.name));
    expect(exclusionFor(cached, "mrr")?.vars).toEqual(["excluded_email_domains", "excluded_customer_names"]);
  });

  test("cash collected and refunds read 'test accounts excluded', with the vars in why and excluded_by", () => {
    for (const q of ["total money collected in september", "money refunded this year"]) {
      const i = plan(q).interpretation!;
      expect(i.read_as).toEndWith("test accounts excluded");
      expect(i.excluded_by).toEqual(["excluded_email_domains", "excluded_customer_names"]);
      expect(i.why.join(" ")).toContain("excluded_email_domains: example.com");
    }
    expect(plan("support tickets in september").interpretation!.read_as).not.toContain("test accounts");
  });

  test("'excluding test accounts' is placed as that exclusion for a billing metric, and kept in why", () => {
    const p = plan("refunds in september not counting internal accounts");
    expect(p.calls[0]!.input).toMatchObject({ metric: "refunds", period: "2026-09" });
    expect(p.interpretation!.why.join(" ")).toContain('"not counting internal accounts": already left out');
  });

  test("'excluding test accounts' on a metric that keeps them asks back rather than drop the words", () => {
    const r = refusal("open pipeline excluding test accounts");
    expect(r.kind).toBe("clarify");
    expect(r.reason).toContain("open_pipeline and open_deals count every account");
  });

  test("the words are found in either order and cut out of the question", () => {
    expect(saysExclusion("mrr last month, test accounts excluded")).toEqual({
      rest: "mrr last month",
      said: "test accounts excluded",
    });
    expect(saysExclusion("mrr without the qa customers")?.rest).toBe("mrr");
    expect(saysExclusion("mrr excluding enterprise")).toBeUndefined();
  });
});

describe("a metric is named by its own words, as written, and never by a value's", () => {
  test("a name with 'per' in it needs the 'per': MRR from USD customers is MRR, not ARPA", () => {
    const p = plan("mrr from our usd customers in september");
    expect(p.calls[0]!.input).toMatchObject({ metric: "mrr", period: "2026-09" });
    expect(plan("average mrr per customer in september").calls[0]!.input.metric).toBe("arpa");
  });

  test("a past participle names the count, the noun the rate: customers churned vs customer churn", () => {
    expect(plan("customers churned in q2").calls[0]!.input.metric).toBe("churned_customers");
    expect(plan("customer churn in q2").calls[0]!.input.metric).toBe("churn_rate");
  });

  test("a value with its cue is no word of a metric's name: MRR on Growth is the Growth plan's MRR", () => {
    const p = plan("mrr on growth in september");
    expect(p.calls[0]!.input).toMatchObject({
      metric: "mrr",
      filters: [{ dimension: "plan", op: "=", value: "Growth" }],
    });
    expect(plan("mrr growth in september").calls[0]!.input.metric).toBe("net_new_mrr");
  });

  test("a word of change said as another metric's value is asked back, not read as a comparison", () => {
    const r = refusal("average revenue per account on growth in september");
    expect(r.kind).toBe("clarify");
    expect(r.unplaced).toContain("growth");
  });
});

describe("a level has no total over a range", () => {
  test("'total' with a stock over several months asks back; over one month it is all of it; a flow sums", () => {
    const r = refusal("total arr over the first half of 2026");
    expect(r.kind).toBe("clarify");
    expect(r.reason).toContain("level at an instant");
    expect(refusal("total open pipeline in q2").reason).toContain("no total over a range");
    expect(plan("total mrr in september").calls[0]!.input).toMatchObject({ metric: "mrr", period: "2026-09" });
    expect(plan("total new mrr in q2").calls[0]!.input.metric).toBe("new_mrr");
  });
});

describe("a typo that drops a letter is read as the longer word", () => {
  test("'monthy recuring revenue' is monthly recurring revenue, not 'month'", () => {
    expect(plan("monthy recuring revenue in september").calls[0]!.input).toMatchObject({
      metric: "mrr",
      period: "2026-09",
    });
  });
});

describe("a ranking of periods: which month, quarter or week had the most", () => {
  test("'which quarter had the most tickets this year' ranks quarters of the year, no group_by", () => {
    const p = plan("which quarter had the most support tickets this year");
    expect(p.intent).toBe("argmax");
    expect(p.calls[0]!.input).toEqual({ metric: "tickets_opened", period: "this_year", filters: [], grain: "quarter" });
    expect(p.interpretation!.argmax).toEqual({ dimension: "period", direction: "most" });
    expect(p.interpretation!.read_as).toContain("the quarter with the most");
  });

  test("best and worst follow the metric: the worst month for churn is the most churn, the worst win rate the least", () => {
    expect(plan("what was the worst month for customer churn in 2026").interpretation!.argmax!.direction).toBe("most");
    expect(plan("which month had the best win rate in 2026").interpretation!.argmax!.direction).toBe("most");
    expect(plan("which owner had the worst win rate in 2026").interpretation!.argmax).toEqual({
      dimension: "owner",
      direction: "least",
    });
  });

  test("a bucket finer than the metric's grain is not ranked: MRR is kept by month, not by day", () => {
    expect(planQuestion("which day had the highest mrr", catalog, at).status).toBe("refusal");
  });
});

describe("a qualifier is never absorbed", () => {
  test("a group counted over a period is part of a metric, not all of it: MRR from customers won in 2025 asks back", () => {
    expect(refusal("mrr from customers won in 2025").kind).toBe("clarify");
    // a group standing now, defined by the metric itself, is all of it
    expect(plan("mrr from paying customers in september").calls[0]!.input).toMatchObject({
      metric: "mrr",
      filters: [],
    });
  });

  test("an interval word before a thing ('annual subscriptions', 'monthly billing') is a filter, not a series", () => {
    for (const q of [
      "arr from annual subscriptions",
      "how many customers are on yearly billing",
      "mrr of monthly plans",
    ]) {
      const r = refusal(q);
      expect(r.kind).toBe("clarify");
    }
    expect(plan("new customers monthly in 2026").calls[0]!.input).toMatchObject({ grain: "month" });
  });
});

describe("'ever' with a level, and ratios of two metrics", () => {
  test("'ever' with a level asks back (everyone who ever was, or a peak); 'so far' is now", () => {
    expect(refusal("how many paying customers have we ever had").unplaced).toContain("ever");
    // (a superlative over "ever" is the peak, by month: tune47 — "the highest ARR we ever had" is the record month-end)
    expect(plan("highest arr we ever had").calls[0]!.input).toMatchObject({
      metric: "arr",
      period: "all",
      grain: "month",
    });
    expect(plan("arr so far").calls[0]!.input).toMatchObject({ metric: "arr", period: "latest" });
  });

  test("'ratio of A to B' and 'A to B ratio' are A per B; a metric named so keeps its name", () => {
    expect(ratioAsPer("ratio of won to lost deals in q2", catalog)).toBe("won per lost deals in q2");
    expect(ratioAsPer("new to churned customers ratio in q2", catalog)).toBe("new per churned customers in q2");
    expect(ratioAsPer("dau to mau ratio in october", catalog)).toBeUndefined();
    const p = plan("ratio of won to lost deals in q2");
    expect(p.calls.map((c) => [c.role, c.input.metric, c.input.period])).toEqual([
      ["left", "deals_won", "2026-Q2"],
      ["per", "deals_lost", "2026-Q2"],
    ]);
    // the bare side ("new") would read new MRR; the borrowed noun reads the count said
    expect(plan("new to churned customers ratio in q2").calls.map((c) => c.input.metric)).toEqual([
      "new_customers",
      "churned_customers",
    ]);
  });

  test("a ratio whose sides are no metrics asks back rather than answer the nearest rate", () => {
    const r = refusal("ratio of ltv to cac this year");
    expect(r.kind).toBe("clarify");
    expect(r.reason).toContain("one metric over another");
  });
});

describe("a level per a count of the period is the count's own amount (its companion)", () => {
  test("'average MRR per churned customer' is churned MRR per churned customer; ARR has no such amount", () => {
    const p = plan("average mrr per churned customer in september");
    expect(p.calls.map((c) => [c.role, c.input.metric, c.input.period])).toEqual([
      ["left", "churned_mrr", "2026-09"],
      ["per", "churned_customers", "2026-09"],
    ]);
    expect(p.interpretation!.why.join(" ")).toContain("the amount behind the count");
    expect(refusal("arr per churned customer in september").reason).toContain("level at an instant");
  });

  test("the new counts of MRR movements answer in words people use", () => {
    expect(plan("how many customers downgraded in september").calls[0]!.input.metric).toBe("contracted_customers");
    expect(plan("customers who came back in september").calls[0]!.input.metric).toBe("reactivated_customers");
    expect(plan("gross payments before refunds in september").calls[0]!.input.metric).toBe("charges_succeeded");
  });
});

describe("what is due in a running period is no count of what happened", () => {
  test("'deals closing this month' asks back; 'deals closed this month' and a past period answer", () => {
    for (const q of ["deals closing this quarter", "how many subscriptions are renewing this month"]) {
      const r = refusal(q);
      expect(r.kind).toBe("clarify");
      expect(r.reason).toContain("due to happen");
    }
    expect(plan("deals closed this quarter").calls[0]!.input).toMatchObject({ metric: "deals_closed" });
    expect(plan("deals closing in september").calls[0]!.input).toMatchObject({
      metric: "deals_closed",
      period: "2026-09",
    });
  });
});

describe("two values set against each other", () => {
  test("'pro vs growth mrr' reads each value on its own, never one of them dropped; a period vs a period compares", () => {
    // (tune15: each side read as its own question; before, asked back)
    const values = (q: string) =>
      plan(q)
        .calls.filter((c) => c.role === "main")
        .map((c) => (c.input as { filters: { value: unknown }[] }).filters[0]!.value);
    expect(values("pro vs growth mrr in september")).toEqual(["Pro", "Growth"]);
    expect(values("arr starter versus the enterprise plan")).toEqual(["Starter", "Enterprise"]);
    expect(plan("enterprise mrr vs last month").intent).toBe("compare");
  });
});
