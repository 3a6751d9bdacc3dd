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
