import { describe, expect, test } from "bun:test";
import { demoCatalog, plannerOver } from "./demo-planner.ts";

/**
 * The rules of branch tune45 (#15, how people write dates and ranges), on phrasings in no eval file: the analyst's half
 * year (1H26, H2 '25), ISO 8601 weeks (2026-W44, CW 44, ISO wk 2), a year to date stopped at a month, the ISO interval
 * (a..b, a/b), days of one month (Oct 5–11, 1-7 November), a day said as its close (EOD, COB), US holidays with one
 * date (Labor Day, Memorial Day), and a level kept by month over a range of days, asked back. Plans over the demo's
 * catalog at 2026-11-21.
 */
const catalog = demoCatalog();
const { plan, refusal } = plannerOver(() => catalog);
const main = (q: string) => plan(q).calls[0]!.input as { metric: string; period: unknown };

describe("written periods read as their one agreed span", () => {
  test.each([
    // the analyst's half year
    ["new MRR 2H25", "new_mrr", { start: "2025-07-01", end: "2025-12-31" }],
    ["refunds 1H'26", "refunds", { start: "2026-01-01", end: "2026-06-30" }],
    ["tickets opened H1 '26", "tickets_opened", { start: "2026-01-01", end: "2026-06-30" }],
    // a year to date stopped at a month or quarter
    ["bookings YTD thru August", "won_amount", { start: "2026-01-01", end: "2026-08-31" }],
    ["refunds year to date through September", "refunds", { start: "2026-01-01", end: "2026-09-30" }],
    ["new customers YTD through the end of Q2", "new_customers", { start: "2026-01-01", end: "2026-06-30" }],
    // the ISO interval
    ["refunds 2026-09-01..2026-09-30", "refunds", { start: "2026-09-01", end: "2026-09-30" }],
    ["tickets opened 2026-10-05/2026-10-11", "tickets_opened", { start: "2026-10-05", end: "2026-10-11" }],
    // ISO weeks: Monday to Sunday, week 1 holding 4 January
    ["tickets opened in 2026-W44", "tickets_opened", { start: "2026-10-26", end: "2026-11-01" }],
    ["CSAT for CW 44", "csat", { start: "2026-10-26", end: "2026-11-01" }],
    ["DAU W43 2026", "daily_active_users", { start: "2026-10-19", end: "2026-10-25" }],
    ["tickets opened ISO wk 2", "tickets_opened", { start: "2026-01-05", end: "2026-01-11" }],
    // days of one month
    ["tickets Oct 5–11", "tickets_opened", { start: "2026-10-05", end: "2026-10-11" }],
    ["DAU 1-7 November", "daily_active_users", { start: "2026-11-01", end: "2026-11-07" }],
    ["tickets between Oct 3 and 9", "tickets_opened", { start: "2026-10-03", end: "2026-10-09" }],
    // a day said as its close
    ["open tickets EOD Oct 31", "open_tickets", "2026-10-31"],
    ["backlog as of close of business 2026-10-15", "open_tickets", "2026-10-15"],
    ["ARR at end of day Sept 30", "arr", "2026-09"],
    // US holidays with one date
    ["tickets since Labor Day", "tickets_opened", { start: "2026-09-07", end: "2026-11-21" }],
    ["DAU on Memorial Day", "daily_active_users", "2026-05-25"],
  ])("%p → %s over %j", (q, metric, period) => {
    expect(main(q)).toMatchObject({ metric, period });
  });
});

describe("a date form with no one reading is asked back, never read", () => {
  test.each([
    "tickets since labour day", // 1 May in much of the world, September in the US and Canada
    "tickets week 45", // an ISO week, or a US one starting Sunday?
    "first response time 2h 15 minutes last month",
  ])("%p is not answered", (q) => {
    expect(refusal(q).status).toBe("refusal");
  });
});

describe("a level kept by month over a range of days is asked back, never the month-end series", () => {
  test.each([
    "MRR from Aug 3 to Sep 14",
    "ARR between Jul 10 and Oct 20",
    "active customers Aug 3 - Sep 14",
    "MAU since Sep 15",
    "new customers between Aug 3 and Sep 14",
    "churned MRR between Aug 3 and Sep 14",
  ])("%p asks back", (q) => {
    expect(refusal(q).reason).toMatch(/kept by month|counted by month|kept at month ends/);
  });

  test.each([
    ["MRR since Aug 3", "mrr"],
    ["ARR from January to September", "arr"],
  ])("%p still reads (its ends are month ends or now)", (q, metric) => {
    expect(main(q).metric).toBe(metric);
  });
});

describe("deals won or lost over days that are no whole months are counted from the deals' rows by close date", () => {
  const rowsOf = (q: string) => {
    const p = plan(q);
    expect(p.intent).toBe("count_rows");
    return p.calls.map((c) => ({ role: c.role, ...(c.input as { mart: string; filters: unknown[] }) }));
  };
  test.each([
    ["deals won Oct 5–11", "is_won", "2026-10-05", "2026-10-12"],
    ["how many deals did we lose since Labor Day", "is_lost", "2026-09-07", "2026-11-22"],
    ["closed-won amount in the Enterprise pipeline between Aug 3 and Sep 14", "is_won", "2026-08-03", "2026-09-15"],
  ])("%p keeps %s deals closed from %s to before %s", (q, state, from, until) => {
    const [main] = rowsOf(q);
    expect(main!.mart).toBe("deals");
    expect(main!.filters).toContainEqual({ column: state, op: "=", value: true });
    expect(main!.filters).toContainEqual({ column: "close_date", op: ">=", value: from });
    expect(main!.filters).toContainEqual({ column: "close_date", op: "<", value: until });
  });

  test("a slice said is kept on the rows", () => {
    const [main] = rowsOf("closed-won amount in the Enterprise pipeline between Aug 3 and Sep 14");
    expect(main!.filters).toContainEqual({ column: "pipeline", op: "=", value: "Enterprise" });
  });

  test("a win rate over a week is the won deals over the deals won or lost those days", () => {
    const calls = rowsOf("win rate for 2026-W44");
    expect(calls.map((c) => c.role)).toEqual(["main", "share"]);
    expect(calls[1]!.filters).toContainEqual({ column: "close_date", op: ">=", value: "2026-10-26" });
    expect(calls[1]!.filters).not.toContainEqual({ column: "is_won", op: "=", value: true });
    expect(plan("win rate for 2026-W44").interpretation!.check).toEqual({ kind: "share_of", of: "rows" });
  });

  test.each(["deals won by owner since Labor Day", "average deal size since Labor Day"])(
    "%p (a breakdown, or a metric no row count states) is still asked back",
    (q) => {
      expect(refusal(q).reason).toMatch(/counted by month/);
    },
  );
});

describe("US numeric day ranges and holidays on one calendar day", () => {
  test.each([
    ["tickets 9/1-9/15", "tickets_opened", { start: "2026-09-01", end: "2026-09-15" }],
    ["tickets 9/1 to 9/15", "tickets_opened", { start: "2026-09-01", end: "2026-09-15" }],
    ["tickets 10/1..10/15", "tickets_opened", { start: "2026-10-01", end: "2026-10-15" }],
    ["DAU on Christmas Day 2025", "daily_active_users", "2025-12-25"],
    ["tickets since New Year's Day", "tickets_opened", { start: "2026-01-01", end: "2026-11-21" }],
    ["tickets on new years eve", "tickets_opened", "2025-12-31"],
  ])("%p → %s over %j", (q, metric, period) => {
    expect(main(q)).toMatchObject({ metric, period });
  });

  test.each([
    "tickets 3/4-3/10", // 3 April – 3 October, or 4–10 March?
    "tickets over christmas", // the season, not a day
  ])("%p is asked back", (q) => {
    expect(refusal(q).status).toBe("refusal");
  });
});

describe("two-digit years and the prior period to date", () => {
  test.each([
    ["new MRR Q3'26", "new_mrr", "2026-Q3"],
    ["new MRR Q3-26", "new_mrr", "2026-Q3"],
    ["tickets Oct'26", "tickets_opened", "2026-10"],
    ["tickets PYTD", "tickets_opened", { start: "2025-01-01", end: "2025-11-21" }],
    ["tickets PQTD", "tickets_opened", { start: "2026-07-01", end: "2026-08-21" }],
    ["DAU previous month to date", "daily_active_users", { start: "2026-10-01", end: "2026-10-21" }],
    ["new MRR 2026-07..2026-09", "new_mrr", { start: "2026-07-01", end: "2026-09-30" }],
    ["open tickets Oct 31 close of business", "open_tickets", "2026-10-31"],
  ])("%p → %s over %j", (q, metric, period) => {
    expect(main(q)).toMatchObject({ metric, period });
  });

  test.each(["new MRR PYTD", "new MRR from Jan 1 to Sep 14", "new customers from 2026-01-01 to 2026-09-14"])(
    "%p (a count by month ending inside a month that is over) is asked back",
    (q) => {
      expect(refusal(q).reason).toMatch(/counted by month/);
    },
  );
});
