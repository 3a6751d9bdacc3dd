import { describe, expect, test } from "bun:test";
import { figureValue } from "../../../tools/planner/figure.ts";

describe("figureValue: the number a written figure stands for", () => {
  test.each([
    ["$5k", 5_000],
    ["$ 5 k", 5_000],
    ["10,000", 10_000],
    ["$1.2m", 1_200_000],
    ["1.5mm", 1_500_000],
    ["$2 million", 2_000_000],
    ["3 mil", 3_000_000],
    ["4 thousand", 4_000],
    ["3bn", 3e9],
    ["1 billion", 1e9],
    ["2.5%", 0.025],
    ["40 percent", 0.4],
    ["12 pct", 0.12],
    ["€500", 500],
    ["£1,250.50", 1250.5],
    ["100", 100],
  ])("%s is %d", (said, value) => {
    expect(figureValue(said)).toBeCloseTo(value, 9);
  });

  test("no digits is not a number", () => {
    expect(Number.isNaN(figureValue("$k"))).toBe(true);
  });

  test("a scale word must follow the digits: 'mrr' after a figure is no million", () => {
    expect(figureValue("100 mrr")).toBe(100);
  });
});
