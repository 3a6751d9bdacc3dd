import { expect, test } from "bun:test";
import { formatValue } from "../../../engine/catalog/metric-format.ts";

test("a whole number is written as Intl.NumberFormat en-US writes it, with or without a unit", () => {
  const intl = new Intl.NumberFormat("en-US", { minimumFractionDigits: 0, maximumFractionDigits: 0 });
  const values = [0, -0, 7, -7, 999, 1000, -1000, 19, 573, 1234567, -987654321, 2 ** 53, 1e20, -9.99e20];
  for (let i = 1; i < 21; i++) values.push(10 ** i - 1, -(10 ** i) + 3);
  for (const v of values) {
    expect(formatValue(v, "number")).toBe(intl.format(v));
    expect(formatValue(v, "number", "seats")).toBe(`${intl.format(v)} seats`);
  }
  // beyond where String() switches to exponents, and fractions, Intl still writes them
  expect(formatValue(1e21, "number")).toBe(intl.format(1e21));
  expect(formatValue(1234.5, "number")).toBe("1,235");
  expect(formatValue(12.345, "number")).toBe("12.35");
});

test("an amount in no known currency is a number that says so, never dollars", () => {
  expect(formatValue(12000, "currency", "(UNKNOWN CURRENCY)")).toBe("12,000 (unknown currency)");
  expect(formatValue(12.5, "currency", "(UNKNOWN CURRENCY)")).toBe("12.5 (unknown currency)");
  expect(formatValue(12000, "currency", "EUR")).toBe("€12,000");
  expect(formatValue(12000, "currency")).toBe("$12,000");
});
