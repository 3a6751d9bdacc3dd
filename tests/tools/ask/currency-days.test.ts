import { afterAll, beforeAll, expect, test } from "bun:test";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { catalogCacheFile } from "../../../engine/catalog/catalog-cache.ts";
import { currenciesOnDays, currencyScopeQuery, metricQuerySchema } from "../../../engine/catalog/metric-query.ts";
import { add, parseDate, ymd } from "../../../engine/catalog/period.ts";
import { loadProject } from "../../../engine/config/project.ts";
import { currentPointer } from "../../../engine/warehouse/snapshots.ts";
import { askOffline } from "../../../tools/ask/offline-answer.ts";
import { createToolContext } from "../../../tools/context.ts";
import { CLI_ENV, dp, tempDir } from "../../helpers.ts";

let root: string;
let dir: string;

beforeAll(() => {
  process.env.DP_NOW = CLI_ENV.DP_NOW;
  root = tempDir("dp-currency-days-");
  dir = join(root, "acme");
  expect(dp(["init", dir, "--demo"], { cwd: root }).code).toBe(0);
  expect(dp(["run"], { cwd: dir }).code).toBe(0);
}, 180_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

test("currenciesOnDays: the codes of the days in [start, end), once each and sorted", () => {
  const days: [string, string[]][] = [
    ["2026-01-31", ["USD"]],
    ["2026-02-01", ["EUR", "USD"]],
    ["2026-02-15", ["GBP"]],
    ["2026-03-01", ["AUD"]],
  ];
  expect(currenciesOnDays(days, { start: "2026-02-01", end: "2026-03-01" })).toEqual(["EUR", "GBP", "USD"]);
  expect(currenciesOnDays(days, { start: "2026-01-01", end: "2026-02-01" })).toEqual(["USD"]);
  expect(currenciesOnDays(days, { start: "2026-04-01", end: "2026-05-01" })).toEqual([]);
  expect(currenciesOnDays(days, { start: "2026-1-1", end: "2026-05-01" })).toBeUndefined();
});

test("every currency metric's currencies from the catalog cache are what its currency query reads", async () => {
  const ctx = createToolContext(loadProject(dir));
  try {
    const metrics = ctx.catalog.metrics.filter((m) => m.currency_column);
    expect(metrics.length).toBeGreaterThan(3);
    // every month from before the data to after it, quarters, years, single days and the whole range
    const periods: { start: string; end: string }[] = [];
    for (let m = parseDate("2023-01-01"); m < parseDate("2027-03-01"); m = add(m, "month", 1)) {
      periods.push({ start: ymd(m), end: ymd(add(m, "month", 1)) });
      periods.push({ start: ymd(m), end: ymd(add(m, "month", 3)) });
      periods.push({ start: ymd(m), end: ymd(add(m, "day", 1)) });
    }
    periods.push({ start: "2000-01-01", end: "2030-01-01" }, { start: "2026-03-01", end: "2026-11-01" });
    let cached = 0;
    let some = 0;
    const db = await ctx.db();
    for (const metric of metrics) {
      for (const period of periods) {
        const fromCache = ctx.cachedCurrencies!(metric, period);
        if (fromCache === undefined) continue;
        cached++;
        const input = metricQuerySchema.parse({ metric: metric.name, period: "last_month" });
        const scope = currencyScopeQuery(ctx.catalog, input, { ...period, label: "", toDate: false })!;
        const read = (await db.all<{ currency: string }>(scope.sql, scope.params)).map((r) => String(r.currency));
        expect({ metric: metric.name, period, currencies: fromCache }).toEqual({
          metric: metric.name,
          period,
          currencies: read,
        });
        if (read.length) some++;
      }
    }
    // most calls are answered from the cache, and those with rows name their currency
    expect(cached).toBeGreaterThan(metrics.length * periods.length * 0.5);
    expect(some).toBeGreaterThan(100);
  } finally {
    ctx.close();
  }
}, 120_000);

test("asks answer the same with the cache's currency days and without them (then each call queries)", async () => {
  const questions = [
    "churn last month?",
    "MRR last month",
    "MRR by plan this quarter",
    "net revenue retention last quarter",
    "how many new customers in September 2026",
    "revenue churn rate this year by month",
    "ARPA in EUR last month",
  ];
  const untimed = (r: unknown) =>
    JSON.parse(JSON.stringify(r), (k, v) =>
      k === "latency_ms" || k === "ms"
        ? 0
        : k === "receipt"
          ? (v as string[]).map((l) => l.replace(/\d+\.\d s$/, ""))
          : v,
    );
  const answers = async () => {
    const out: unknown[] = [];
    for (const q of questions) {
      const ctx = createToolContext(loadProject(dir));
      try {
        out.push(untimed(await askOffline(ctx, q)));
      } finally {
        ctx.close();
      }
    }
    return out;
  };
  const project = loadProject(dir);
  const file = join(project.paths.snapshots, catalogCacheFile(currentPointer(project)!.file));
  const text = readFileSync(file, "utf8");
  expect((JSON.parse(text) as { currencyDays: unknown[] }).currencyDays.length).toBeGreaterThan(0);
  const withDays = await answers();
  const { currencyDays: _, ...rest } = JSON.parse(text);
  writeFileSync(file, JSON.stringify(rest));
  try {
    const ctx = createToolContext(loadProject(dir));
    expect(
      ctx.cachedCurrencies!(ctx.catalog.metric("mrr"), { start: "2026-10-01", end: "2026-11-01" }),
    ).toBeUndefined();
    ctx.close();
    const without = await answers();
    expect(withDays.filter((a) => (a as { status: string }).status === "answered").length).toBeGreaterThan(4);
    expect(withDays).toEqual(without);
  } finally {
    writeFileSync(file, text);
  }
}, 120_000);
