import { describe, expect, test } from "bun:test";
import { during, resolvePeriod } from "../../../engine/catalog/period.ts";

const at = new Date("2026-11-21T06:00:00Z");

describe("the words around a period", () => {
  test("today is to date (the day runs on past the data's instant); yesterday is whole", () => {
    expect(resolvePeriod("today", at)).toMatchObject({ start: "2026-11-21", end: "2026-11-22", toDate: true });
    expect(resolvePeriod("today", at).label).toBe("today (to date)");
    expect(resolvePeriod("yesterday", at)).toMatchObject({ start: "2026-11-20", toDate: false, label: "Nov 20, 2026" });
  });

  test("a label that is its own adverb takes no 'in'; a day takes 'on'; a month or quarter 'in'", () => {
    expect(during(resolvePeriod("today", at).label)).toBe("today (to date)");
    expect(during(resolvePeriod("yesterday", at).label)).toBe("on Nov 20, 2026");
    expect(during(resolvePeriod("this_week", at).label)).toBe("this week (to date)");
    expect(during(resolvePeriod("last_month", at).label)).toBe("in October 2026");
    expect(during(resolvePeriod("last_quarter", at).label)).toBe("in Q3 2026");
  });
});

describe("to date", () => {
  test("the running month is to date; a month that has not started is not", () => {
    expect(resolvePeriod("this_month", at)).toMatchObject({ label: "November 2026 (to date)", toDate: true });
    expect(resolvePeriod("2027-03", at)).toMatchObject({ start: "2027-03-01", label: "March 2027", toDate: false });
  });
});
