import { describe, expect, test } from "bun:test";
import { demoCatalog, plannerOver } from "./demo-planner.ts";

/**
 * The rules of branch tune43b (#15, customer success capabilities), on phrasings in no eval file: logo retention as
 * 1 − logo churn over the same period, a filter for rows with no value in a dimension ("accounts with no owner"), and
 * a mean over rows (the sum over the rows ÷ the count of the same rows). Plans over the demo's catalog at 2026-11-21.
 */
const catalog = demoCatalog();
const { plan, refusal } = plannerOver(() => catalog);

describe("logo retention is a metric: 1 − logo churn over the same period", () => {
  test.each([
    ["logo retention in Q2", "2026-Q2"],
    ["what's our customer retention rate for August?", "2026-08"],
    ["customer retention last quarter", "last_quarter"],
    ["logo retention rate so far this year", "this_year"],
  ])("%p → logo_retention_rate", (q, period) => {
    const p = plan(q);
    expect(p.calls[0]!.input).toMatchObject({ metric: "logo_retention_rate", period });
  });
});
