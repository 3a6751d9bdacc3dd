import { describe, expect, test } from "bun:test";
import { demoCatalog, plannerOver } from "./demo-planner.ts";

/**
 * The rules of branch tune49 (#15, non-native English in chat), on phrasings in no eval file: period phrases whose
 * reading differs between native and learner English asked back ("in the last year", "customers of this month"),
 * false friends read in their one business reading (actual/aktuell = current, teach me = tell me, became = got,
 * reimbursed = refunded, semester = half-year), the MRR lost with the customers who cancelled, and a guess followed
 * by "how much is it exactly". Plans over the demo's catalog at 2026-11-21.
 */
const catalog = demoCatalog();
const { plan, refusal } = plannerOver(() => catalog);
const main = (q: string) => plan(q).calls[0]!.input as Record<string, unknown>;

describe("'in the last year' is the calendar year or the last 12 months: asked back", () => {
  test.each([
    "customers in the last year",
    "how many deals did we win in the last year",
    "refunds over the past year",
    "MRR growth during the last year",
    "new signups within the past year?",
    "the last year, how many new clients?",
  ])("%p", (q) => {
    const r = refusal(q);
    expect(r.kind).toBe("clarify");
    expect(r.reason).toContain("2025");
    expect(r.reason).toContain("last 12 months");
  });

  test.each([
    ["how many new customers did we get last year?", "last_year"],
    ["new customers last year", "last_year"],
    ["refunds in the last 12 months", "last_12_months"],
    ["MRR at the end of the last year", "last_year"],
    ["churned customers in the last year's first quarter", undefined],
  ])("%p keeps its period", (q, period) => {
    if (period) expect(main(q).period).toBe(period);
    else expect(planOrAsk(q)).not.toContain("can be the calendar year");
  });
});

function planOrAsk(q: string): string {
  try {
    return JSON.stringify(plan(q).calls);
  } catch (e) {
    return String(e);
  }
}

describe("a bare customer noun 'of <period>' is the ones won or the ones had: asked back", () => {
  test.each([
    "how many customers of last month",
    "the accounts of this quarter?",
    "users of this week how many",
    "our customers of october",
    "customers of the precedent month pls",
  ])("%p", (q) => {
    const r = refusal(q);
    expect(r.kind).toBe("clarify");
    expect(r.reason).toMatch(/won .* \(new .*\) or .* had .* \(active /);
  });

  test.each([
    ["new customers of this month", "new_customers"],
    ["active customers of last month", "active_customers"],
    ["refunds of this month", "refunds"],
    ["new clients of september vs august", "new_customers"],
  ])("%p is answered: what happened to them is said", (q, metric) => {
    expect(main(q).metric).toBe(metric);
  });
});

describe("actual / aktuell and their cognates after the noun are now", () => {
  test.each([
    ["open pipeline actual please", "open_pipeline"],
    ["customers actual", "active_customers"],
    ["open deals actualmente", "open_deals"],
    ["ARR actuellement?", "arr"],
  ])("%p → %s latest", (q, metric) => {
    expect(main(q)).toMatchObject({ metric, period: "latest" });
  });

  test.each(["MRR actual vs plan", "budget vs actual MRR"])("%p (actual against a plan) is not answered", (q) => {
    expect(refusal(q).status).toBe("refusal");
  });
});

describe("'teach me' (教えて) is 'tell me'", () => {
  test.each([
    ["please teach me the churn rate of Q3", "churn_rate", "2026-Q3"],
    ["can you teach me the ARR of last month", "arr", "last_month"],
    ["pls teach me win rate of last quarter", "win_rate", "last_quarter"],
    ["teach me how many tickets were opened yesterday", "tickets_opened", "yesterday"],
  ])("%p", (q, metric, period) => {
    expect(main(q)).toMatchObject({ metric, period });
  });
});

describe("customers got (bekommen: became) are customers won", () => {
  test.each([
    ["how many customers we became last month", "last_month"],
    ["how many customers did we get last month", "last_month"],
    ["how many clients we got since january", undefined],
  ])("%p → new customers", (q, period) => {
    expect(main(q).metric).toBe("new_customers");
    if (period) expect(main(q).period).toBe(period);
  });

  test("the British 'have got' is have", () => {
    expect(main("how many customers have we got now").metric).toBe("active_customers");
  });

  test.each(["how many trials we became this month", "how many customers did we get back to in october"])(
    "%p is not read as won customers",
    (q) => {
      expect(planOrAsk(q)).not.toContain("new_customers");
    },
  );
});

describe("reimbursed (rembourser, reembolsar) is refunded", () => {
  test.each([
    ["how much did we reimburse in october", "2026-10"],
    ["reimbursements of last month", "last_month"],
    ["how much money we reimbursed to customers in Q3", "2026-Q3"],
    ["how much we refunded to clients in august", "2026-08"],
  ])("%p", (q, period) => {
    expect(main(q)).toMatchObject({ metric: "refunds", period });
  });
});

describe("the first (second) semester is the half-year", () => {
  test.each([
    ["MRR at end of second semester 2025", "2025-07-01", "2025-12-31"],
    ["new customers in the first semester", "2026-01-01", "2026-06-30"],
    ["churned customers of the first semester 2026", "2026-01-01", "2026-06-30"],
  ])("%p", (q, start, end) => {
    expect(main(q).period).toEqual({ start, end });
  });
});

describe("the MRR lost with the customers who cancelled is churned MRR", () => {
  test.each([
    ["MRR lost from the customers who churned in september", "2026-09"],
    ["how much MRR did we lose with clients that cancelled last month", "last_month"],
    ["how much MRR we lost to the churned customers in july", "2026-07"],
  ])("%p", (q, period) => {
    expect(main(q)).toMatchObject({ metric: "churned_mrr", period });
  });
});

describe("a guess, then 'how much is it exactly': the exact value", () => {
  test.each([
    ["ARR — are we close to 1M? what is it exactly", "arr"],
    ["new customers in october, we are near to 100 or not? how many exactly", "new_customers"],
    ["churn rate, is it above 5%? what is it exactly", "churn_rate"],
  ])("%p", (q, metric) => {
    const p = plan(q);
    expect(main(q).metric).toBe(metric);
    expect(p.interpretation?.read_as).toContain("a guess the exact value answers");
  });

  test("a guess with no ask for the exact value is not read so", () => {
    expect(planOrAsk("are we near 1 billion in open pipeline?")).not.toContain("a guess the exact value answers");
  });
});
