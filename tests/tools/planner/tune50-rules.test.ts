import { describe, expect, test } from "bun:test";
import { demoCatalog, plannerOver } from "./demo-planner.ts";

/**
 * The rules of branch tune50 (#15, durations, ages and time-to), on phrasings in no eval file: "slowest / fastest
 * <day|week|month>" for a time (slow is the most of it), a superlative of an English word never read as a catalog
 * word ("slowest" is no slip of "lowest"), and "how old" of deals, tickets or customers (their age, never the data's
 * freshness). Plans over the demo's catalog at 2026-11-21.
 */
const catalog = demoCatalog();
const { plan, refusal } = plannerOver(() => catalog);
const main = (q: string) => plan(q).calls[0]!.input as Record<string, unknown>;

describe("'slowest <grain>' for a time to reply is the bucket with the most of it", () => {
  test.each([
    ["which was the slowest week for first response this year", "week", "most"],
    ["slowest month for first response time in 2026", "month", "most"],
    ["our slowest day for first response last week?", "day", "most"],
    ["fastest month for first response this year", "month", "least"],
    ["quickest week for first reply time in october", "week", "least"],
  ])("%p → first_response_minutes by %s, the %s", (q, grain, direction) => {
    const p = plan(q);
    expect(p.intent).toBe("argmax");
    expect(main(q)).toMatchObject({ metric: "first_response_minutes", grain });
    expect(p.interpretation?.argmax?.direction).toBe(direction as "most" | "least");
  });

  test("a count is still slow at its fewest", () => {
    const q = "slowest month for new signups this year";
    expect(plan(q).interpretation?.argmax?.direction).toBe("least");
  });
});

describe("a superlative of an English word is never read as another word", () => {
  test.each(["slowest first response day in september", "what was the slowest day for tickets in october"])(
    "%p is never the lowest of anything",
    (q) => {
      let why = "";
      try {
        why = JSON.stringify(plan(q).interpretation ?? {});
      } catch {
        return;
      }
      expect(why).not.toContain('"slowest" as "lowest"');
    },
  );
});

describe("'how old' of deals, tickets or customers is their age, never the data's freshness", () => {
  test.each([
    "how old are our open deals",
    "how old is the oldest deal still in the pipeline",
    "how old are the open tickets on average",
    "how old is our newest customer, in days",
    "how old are our opportunities right now",
  ])("%p is no freshness check", (q) => {
    let intent: string | undefined;
    try {
      intent = plan(q).intent;
    } catch {
      intent = undefined;
    }
    expect(intent).not.toBe("freshness");
    if (intent === undefined) expect(refusal(q)).toBeDefined();
  });

  test.each(["how old is the data", "how old is the deals data", "how old are the numbers for deals"])(
    "%p is still the freshness of the data",
    (q) => {
      expect(plan(q).intent).toBe("freshness");
    },
  );
});

describe("the longest (shortest) sales cycle of a won deal is that one deal's cycle, never the median", () => {
  test.each([
    ["what was the longest sales cycle of any deal we won last month", "top", "2026-10-01", "2026-11-01"],
    ["shortest sales cycle among deals we closed in Q2, in days", "bottom", "2026-04-01", "2026-07-01"],
    ["the slowest-closing deal we won in 2025 (days)", "top", "2025-01-01", "2026-01-01"],
    ["quickest won deal last quarter — how many days from creation to close?", "bottom", "2026-07-01", "2026-10-01"],
  ])("%p → one won deal ranked by sales_cycle_days, %s", (q, direction, start, end) => {
    const p = plan(q);
    expect(p.intent).toBe("top_n");
    expect(main(q)).toMatchObject({ mart: "deals", measure: "sales_cycle_days", n: 1, direction });
    expect(main(q).filters).toEqual([
      { column: "is_won", op: "=", value: true },
      { column: "close_date", op: ">=", value: start },
      { column: "close_date", op: "<", value: end },
    ]);
  });
});

describe("won deals counted by a bound on the days they took to close", () => {
  test.each([
    ["how many won deals last quarter had a sales cycle over 60 days", ">", 60, "2026-07-01"],
    ["count of deals we won in october that closed in under 14 days", "<", 14, "2026-10-01"],
    ["how many deals did we win in 2025 that took at least 120 days to close", ">=", 120, "2025-01-01"],
    ["number of wins last month that closed within 2 weeks", undefined, undefined, undefined],
  ])("%p → won deals with sales_cycle_days %s %s", (q, op, days, start) => {
    if (op === undefined) {
      // weeks are no figure of the cycle's days: left to the other readings, never a count of another bound
      let input: Record<string, unknown> | undefined;
      try {
        input = main(q);
      } catch {
        return;
      }
      expect(JSON.stringify(input)).not.toContain("sales_cycle_days");
      return;
    }
    expect(plan(q).intent).toBe("count_rows");
    const filters = main(q).filters as { column: string; op: string; value: unknown }[];
    expect(filters).toContainEqual({ column: "sales_cycle_days", op, value: days });
    expect(filters).toContainEqual({ column: "is_won", op: "=", value: true });
    expect(filters).toContainEqual({ column: "close_date", op: ">=", value: start });
  });

  test("no state or period said is asked back, never every deal ever", () => {
    expect(refusal("how many deals took more than 90 days to close").kind).toBe("clarify");
  });
});

describe("the average days since paying accounts were last seen is the mean over their rows", () => {
  test.each([
    "on average, how many days since our customers were last active in the app",
    "on average how many days since accounts were last seen",
    "how many days on average since our paying customers were last seen using the product",
  ])("%p → mean of days_since_last_seen", (q) => {
    expect(plan(q).intent).toBe("count_rows");
    expect(main(q)).toMatchObject({ mart: "account_health", measure: "days_since_last_seen", mean: true });
  });
});

describe("the mean sales cycle of won deals in an amount band is the mean over their rows", () => {
  test.each([
    ["average sales cycle of deals over $20k we won last quarter", ">", 20000, "2026-07-01"],
    ["mean time to close for deals above 10k won this year", ">", 10000, "2026-01-01"],
    ["what's the avg days to close for deals under $2,500 won in Q2", "<", 2500, "2026-04-01"],
  ])("%p → mean sales_cycle_days, amount %s %s", (q, op, amount, start) => {
    expect(plan(q).intent).toBe("count_rows");
    expect(main(q)).toMatchObject({ mart: "deals", measure: "sales_cycle_days", mean: true });
    const filters = main(q).filters as { column: string; op: string; value: unknown }[];
    expect(filters).toContainEqual({ column: "amount", op, value: amount });
    expect(filters).toContainEqual({ column: "is_won", op: "=", value: true });
    expect(filters).toContainEqual({ column: "close_date", op: ">=", value: start });
  });

  test("no won state or period said is never a mean over every deal", () => {
    let input: Record<string, unknown> | undefined;
    try {
      input = main("average sales cycle for deals over 5k");
    } catch {
      return;
    }
    expect(input.mean).toBeUndefined();
  });
});
