import { beforeAll, describe, expect, test } from "bun:test";
import { loadCatalog, type Catalog } from "../../../engine/catalog/catalog.ts";
import { loadProject } from "../../../engine/config/project.ts";
import { planQuestion, type Plan, type Refusal } from "../../../tools/planner/plan.ts";
import { isAverage } from "../../../tools/planner/understand.ts";
import { expandShorthand } from "../../../tools/planner/vocabulary.ts";
import { repoRoot } from "../../helpers.ts";

/**
 * General English around a placed question (#15, second pass): shorthand, fillers, time words, occurrence verbs,
 * averages, the subject a metric is measured on, and a "how many"/"how much"/"%" that contradicts the metric.
 * Each rule both places what never changes the number and keeps asking back on what could.
 */
let catalog: Catalog;
const at = new Date("2026-11-21T06:00:00Z");

beforeAll(() => {
  catalog = loadCatalog(loadProject(repoRoot));
  const owners = ["Priya Nair", "James Chen", "Tom Becker", "Maria Lopez", "Sofia Rossi"];
  catalog.dimensionValues = new Map<string, string[]>([
    ["mrr_by_plan_monthly.plan", ["Pro", "Starter", "Enterprise", "Growth"]],
    ["mrr_by_plan_monthly.currency", ["usd"]],
    ["mrr_monthly.currency", ["usd"]],
    ["pipeline_monthly.owner", owners],
    ["pipeline_monthly.pipeline", ["Sales Pipeline", "Enterprise"]],
    ["deals_closed_monthly.owner", owners],
    ["deals_closed_monthly.pipeline", ["Sales Pipeline", "Enterprise"]],
  ]);
});

function main(q: string): Record<string, unknown> {
  const p = planQuestion(q, catalog, at) as Plan | Refusal;
  if (p.status !== "plan") throw new Error(`${q}: refused (${p.reason})`);
  return p.calls.find((c) => c.role === "main")!.input;
}

function asksBack(q: string): Refusal {
  const p = planQuestion(q, catalog, at);
  if (p.status !== "refusal") throw new Error(`${q}: answered with ${JSON.stringify(p.calls[0]?.input)}`);
  return p;
}

describe("shorthand is read as the words it stands for", () => {
  test.each([
    ["avg deal size", "average deal size"],
    ["# of paying customers", "number of paying customers"],
    ["#deals won", "number of deals won"],
    ["no. of open deals", "number of open deals"],
    ["mrr pls", "mrr please"],
    ["mrr atm", "mrr at the moment"],
    ["mrr rn", "mrr right now"],
    ["what's our win % ytd", "what's our win percent ytd"],
    ["last month's mrr", "last month mrr"],
    ["october's churn rate", "october churn rate"],
    ["q3's win rate", "q3 win rate"],
    ["new customers for the month of october", "new customers for october"],
  ])("%p → %p", (q, expanded) => expect(expandShorthand(q)).toBe(expanded));

  test.each([
    ["pls tell me the avg deal size last quarter", "average_won_deal_size", "last_quarter"],
    ["# of paying customers right now", "active_customers", "latest"],
    ["no. of open deals currently", "open_deals", "latest"],
    ["what was last month's mrr", "mrr", "last_month"],
    ["october's churn rate", "churn_rate", "2026-10"],
    ["new customers for the month of october", "new_customers", "2026-10"],
  ])("%p plans %p over %p", (q, metric, period) => expect(main(q)).toMatchObject({ metric, period }));

  test("'no' without the abbreviation's dot stays a word (it is not 'number')", () => {
    expect(expandShorthand("deals with no owner")).toBe("deals with no owner");
  });
});

describe("fillers never need placing", () => {
  test.each([
    ["quick q: how many customers do we have", "active_customers"],
    ["could you pull mrr for me", "mrr"],
    ["what's mrr currently sitting at", "mrr"],
    ["hey, what's our arr", "arr"],
    ["mrr as it stands", "mrr"],
  ])("%p → %p", (q, metric) => expect(main(q).metric).toBe(metric));
});

describe("time words: a level now; a count needs a period", () => {
  test.each([
    "what's our mrr atm",
    "hey, what's the MRR looking like these days",
    "what's the latest mrr number",
    "mrr to date",
  ])("%p: MRR now", (q) => expect(main(q)).toMatchObject({ metric: "mrr", period: "latest" }));

  test.each(["deals won so far", "new customers so far", "new customers these days", "deals won to date"])(
    "%p: a count since when? asks back (it never falls back to last month)",
    (q) => expect(asksBack(q).kind).toBe("clarify"),
  );

  // "ever" says since when: every month of the mart (trust12, as "since launch", "all-time"), never last month
  test("'how many deals have we won ever' counts every month there is", () =>
    expect(main("how many deals have we won ever")).toMatchObject({ metric: "deals_won", period: "all" }));

  test.each([
    ["deals won so far this year", "deals_won", "this_year"],
    ["how many customers signed up this month so far", "new_customers", "this_month"],
    ["new customers in the current month", "new_customers", "this_month"],
    ["how many tickets got opened today", "tickets_opened", "today"],
    // "active users" alone is MAU; said with a day it is the day's count, never the month's to date
    ["how many active users today", "daily_active_users", "today"],
    ["active users yesterday", "daily_active_users", "yesterday"],
  ])("%p: the period said with it", (q, metric, period) => expect(main(q)).toMatchObject({ metric, period }));

  test("'today' for a monthly count still asks back (the count is by month)", () => {
    expect(asksBack("new customers today").kind).toBe("clarify");
  });
});

describe("periods people say", () => {
  test.each([
    ["new customers since the start of the year", "ytd"],
    ["new customers since the beginning of the quarter", "this_quarter"],
    ["new customers two months ago", "2026-09"],
    ["new customers the month before last", "2026-09"],
    ["new customers a quarter ago", "2026-Q3"],
    ["new customers last full month", "last_month"],
    ["new customers in the last complete month", "last_month"],
  ])("%p → %p", (q, period) => expect(main(q)).toMatchObject({ metric: "new_customers", period }));
});

describe("occurrence verbs are placed for counts over a period, not for levels", () => {
  test.each([
    ["how many tickets did we receive last week", "tickets_opened"],
    ["how many support tickets were logged last week", "tickets_opened"],
  ])("%p → %p", (q, metric) => expect(main(q)).toMatchObject({ metric, period: "last_week" }));

  test("'how much MRR did we receive' asks back: a level is not received", () => {
    expect(asksBack("how much mrr did we receive last month").kind).toBe("clarify");
  });
});

describe("'average' is placed only by a metric that is an average", () => {
  test("the catalog says which metrics are averages", () => {
    expect(isAverage(catalog.metric("first_response_minutes"))).toBe(true);
    expect(isAverage(catalog.metric("csat"))).toBe(true);
    expect(isAverage(catalog.metric("average_sales_cycle_days"))).toBe(true);
    expect(isAverage(catalog.metric("sales_cycle_days"))).toBe(false);
    expect(isAverage(catalog.metric("tickets_opened"))).toBe(false);
  });

  test.each([
    ["avg first response time last month", "first_response_minutes"],
    ["what was our average csat last month", "csat"],
    ["what's the avg sales cycle for deals won last quarter", "average_sales_cycle_days"],
  ])("%p → %p", (q, metric) => expect(main(q).metric).toBe(metric));

  test("'average tickets per day' is the mean of the daily counts (trust7), never the month's total", () => {
    const p = planQuestion("average tickets per day last month", catalog, at);
    expect(p.status).toBe("plan");
    if (p.status !== "plan") return;
    expect(p.intent).toBe("average");
    expect(p.calls[0]!.input).toEqual({ metric: "tickets_opened", period: "last_month", filters: [], grain: "day" });
  });
});

describe("what a metric is measured on, said after for/of/on/to, agrees with it", () => {
  test.each([
    ["how fast do we respond to tickets", "first_response_minutes"],
    ["what's the average first response time for tickets this week", "first_response_minutes"],
  ])("%p → %p", (q, metric) => expect(main(q).metric).toBe(metric));
});

describe("a 'how many', 'how much' or '%' that contradicts the metric's format asks back", () => {
  test.each([
    ["what % of tickets were opened last week", /percentage/],
    ["how much did customers pay us last month", /how much/],
    ["how many refunds did we issue last month", /how many/],
    // a share with no part named ("what share of mrr is on pro" is a share of a total: trust6-rules.test.ts)
    ["what share of mrr last month", /percentage/],
  ])("%p", (q, said) => {
    const r = asksBack(q);
    expect(r.kind).toBe("clarify");
    expect(r.unplaced!.join(" ")).toMatch(said);
  });

  test.each([
    ["current run-rate", "arr"],
    ["what's our win % ytd", "win_rate"],
    ["what percentage of customers churned last month", "churn_rate"],
    ["how many days does it take to close a deal", "sales_cycle_days"],
    ["how much pipeline does Maria Lopez have right now", "open_pipeline"],
  ])("%p: the words are the metric's own, or fit it → %p", (q, metric) => expect(main(q).metric).toBe(metric));
});

describe("event verbs are declared as synonyms in metric YAML", () => {
  test.each([
    ["how many customers joined last month", "new_customers"],
    ["how many accounts churned last month", "churned_customers"],
    ["how many tickets were created yesterday", "tickets_opened"],
    ["how many opportunities did we win last quarter", "deals_won"],
    ["how much MRR did we gain from upgrades last month", "expansion_mrr"],
  ])("%p → %p", (q, metric) => expect(main(q).metric).toBe(metric));

  test("'how much mrr did we gain' stays ambiguous (new or net new MRR): it asks back", () => {
    expect(asksBack("how much mrr did we gain last month").kind).toBe("clarify");
  });
});

describe("two values of one dimension joined by and/or are one filter on both", () => {
  test.each([
    ["mrr for pro and enterprise", ["Pro", "Enterprise"]],
    ["how many customers do we have on growth and pro", ["Pro", "Growth"]],
  ])("%p", (q, values) => {
    const input = main(q);
    const f = (input.filters as { dimension: string; op: string; value: string[] }[])[0]!;
    expect(f).toMatchObject({ dimension: "plan", op: "in" });
    expect([...f.value].sort()).toEqual([...values].sort());
  });

  test("'growth' that is a plan is never read as a comparison", () => {
    expect(planQuestion("how many customers do we have on growth and pro", catalog, at)).toMatchObject({
      status: "plan",
    });
    const p = planQuestion("how many customers do we have on growth and pro", catalog, at) as Plan;
    expect(p.calls.find((c) => c.role === "main")!.name).toBe("query_metric");
    expect(p.interpretation!.read_as).not.toContain(" vs ");
  });
});

describe("breakdowns, argmax and trends said in other words", () => {
  test("'the breakdown of MRR by plan' is MRR by plan", () => {
    expect(main("what's the breakdown of mrr by plan")).toMatchObject({ metric: "mrr", group_by: ["plan"] });
  });

  test("'who is our top sales rep by deals won' is the owner with the most deals won; 'who has the biggest pipeline' too", () => {
    const a = planQuestion("who is our top sales rep by deals won this year", catalog, at) as Plan;
    expect(a.interpretation!.argmax).toEqual({ dimension: "owner", direction: "most" });
    const b = planQuestion("who has the biggest pipeline currently", catalog, at) as Plan;
    expect(b.interpretation!.argmax).toEqual({ dimension: "owner", direction: "most" });
  });

  test("'how has MRR trended this year' is the monthly series", () => {
    expect(main("how has mrr trended this year")).toMatchObject({ metric: "mrr", grain: "month" });
  });
});

describe("words of a metric's definition, in its order, restate it", () => {
  test("'free trials ended' is trials ended (its definition: 'Free trials that ended')", () => {
    expect(main("how many free trials ended last month")).toMatchObject({
      metric: "trials_ended",
      period: "last_month",
    });
  });

  test("'paid trials ended' asks back: 'paid' is not in the definition", () => {
    expect(asksBack("how many paid trials ended last month").kind).toBe("clarify");
  });

  test("'rate' restates a percentage metric ('net retention rate'), and only a percentage metric", () => {
    expect(main("what is our net retention rate for this year")).toMatchObject({ metric: "nrr" });
    expect(asksBack("what's our refund rate").kind).toBe("clarify");
  });
});

describe("words that change the number are never dropped", () => {
  test.each([
    "how many more customers do we have than last month",
    "how many fewer deals did we win than last month",
    "mrr in the us",
    "mrr per customer on pro",
    "the average mrr this year",
  ])("%p asks back", (q) => expect(asksBack(q).kind).toBe("clarify"));

  test("'on average … per month' is kept: the mean of the months, never the year's total", () => {
    const p = planQuestion("how many deals did we win on average per month this year", catalog, at);
    expect(p.status).toBe("plan");
    expect((p as Plan).intent).toBe("average");
    expect((p as Plan).calls[0]!.input).toMatchObject({ metric: "deals_won", grain: "month" });
  });

  test("'go up' / 'go down' are read as a change: the period named against the one before it, never a plain level", () => {
    for (const q of ["how much did churn go up last month", "did mrr go down last month"]) {
      const p = planQuestion(q, catalog, at);
      expect(p.status).toBe("plan");
      expect((p as Plan).intent).toBe("compare");
      expect((p as Plan).calls[0]!.input).toMatchObject({ current: "last_month" });
    }
  });

  test("'average mrr per customer' is still ARPA: 'per customer' is part of its name, not a split", () => {
    expect(main("average mrr per customer last month")).toMatchObject({ metric: "arpa", period: "last_month" });
    expect(main("customers per plan right now")).toMatchObject({ metric: "plan_customers", group_by: ["plan"] });
  });

  test("'how many customers signed up' keeps its 'up' (a verb particle, not a change)", () => {
    expect(main("how many customers signed up last month")).toMatchObject({ metric: "new_customers" });
  });
});

describe("a count by month is never cut to a window it cannot hold", () => {
  test.each(["how many customers signed up in the last 30 days", "churn rate last 90 days"])(
    "%p asks back (a monthly count cannot start mid-month)",
    (q) => expect(asksBack(q).unplaced!.join(" ")).toMatch(/counted by month/),
  );

  test("a daily count over the last 30 days is answered", () => {
    expect(main("tickets last 30 days")).toMatchObject({ metric: "tickets_opened" });
  });

  test("'the most recent month' is not guessed (the current month or the last full one?); 'latest full month' is", () => {
    expect(asksBack("new customers in the most recent month").kind).toBe("clarify");
    expect(main("new customers latest full month")).toMatchObject({ period: "last_month" });
  });

  test("'how many deals did sales close' is never answered with an amount", () => {
    const p = planQuestion("how many deals did sales close last month", catalog, at);
    if (p.status === "plan") expect(p.calls[0]!.input.metric).not.toBe("won_amount");
  });
});

describe("amount words and splits the metric cannot make", () => {
  test.each([
    ["what's the total amount of deals won this year", "won_amount"],
    ["what's the dollar value of deals won last month", "won_amount"],
    ["how much is our pipeline worth right now", "open_pipeline"],
  ])("%p is an amount → %p (never the count of deals)", (q, metric) => expect(main(q).metric).toBe(metric));

  test("'tickets by priority' asks back: priority is no dimension of a ticket count, only a word of another metric", () => {
    expect(asksBack("tickets by priority last month").unplaced).toContain("priority");
  });

  test("'the biggest plan by MRR' ranks by the metric named after 'by'", () => {
    const p = planQuestion("what's our biggest plan by MRR", catalog, at) as Plan;
    expect(p.interpretation!.argmax).toEqual({ dimension: "plan", direction: "most" });
  });
});

describe("a value that is also a word of change needs a cue to be the value", () => {
  test("'ARR growth this year' is never ARR on the Growth plan", () => {
    const p = planQuestion("arr growth this year", catalog, at) as Plan;
    expect(p.interpretation?.filters ?? []).toEqual([]);
  });

  test.each(["arr for the growth plan", "how many growth customers do we have", "customers on growth and pro"])(
    "%p filters on the Growth plan",
    (q) => {
      const p = planQuestion(q, catalog, at) as Plan;
      expect(JSON.stringify(p.interpretation!.filters)).toContain("Growth");
    },
  );
});
