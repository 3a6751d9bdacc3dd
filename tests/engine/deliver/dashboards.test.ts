import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser } from "playwright-core";
import {
  drawnCharts,
  labelsOutsideNodes,
  launchChromium,
  metricsOf,
  mismatches,
  openPage,
  overlappingNodes,
  screenshot,
  SHOTS,
  sqlValues,
  everyGrain,
} from "../../browser.ts";
import { dp, runDp, tempDir } from "../../helpers.ts";

let dir: string;
let site: string;
let browser: Browser;

beforeAll(async () => {
  dir = join(tempDir("dp-dash-"), "demo");
  expect(dp(["init", dir, "--demo"]).code).toBe(0);
  const run = await runDp(["run", "-C", dir], { timeoutMs: 180_000 });
  expect(run.code).toBe(0);
  site = join(tempDir("dp-dash-site-"), "site");
  const docs = dp(["docs", "-C", dir, "--out", site, "--json"]);
  expect(docs.code).toBe(0);
  browser = await launchChromium();
}, 240_000);

afterAll(async () => {
  await browser?.close();
});

const url = (path: string) => pathToFileURL(join(site, path)).href;

describe("dashboards (dp docs, static, the demo)", () => {
  test("every chart of every page renders what dp sql computes on the snapshot, with its receipt", async () => {
    const pages = readdirSync(join(site, "dashboards")).sort();
    expect(pages).toEqual(["customers.html", "pipeline.html", "revenue.html", "support.html"]);
    const charted = new Set<string>();
    const errors: string[] = [];
    const page = await openPage(browser, errors);
    const requests: string[] = [];
    page.on("request", (r) => requests.push(r.url()));
    for (const file of pages) {
      await page.goto(url(`dashboards/${file}`));
      const cards = await page.locator("section.chart-card").count();
      const charts = await drawnCharts(page);
      expect(charts.length).toBe(cards);
      for (const c of charts) {
        expect(c.inked).toBe(true);
        expect(c.width).toBeGreaterThan(300);
        expect(c.plotted.filter((v) => v !== null).length).toBeGreaterThan(1);
        charted.add(c.metric);
      }
      expect(mismatches(charts, sqlValues(dir, charts))).toEqual([]);
      // the receipt on every chart: source mart, as-of, freshness, tests
      for (const card of await page.locator("section.chart-card").all()) {
        const receipt = card.locator(".receipt");
        expect(await receipt.locator(".r-mart").innerText()).toMatch(/^marts\.\w+$/);
        expect(await receipt.locator(".r-asof").innerText()).toBe("2026-11-21 06:00 UTC");
        expect(await receipt.locator(".r-fresh").innerText()).toMatch(/: fresh/);
        expect(await receipt.locator(".r-tests").innerText()).toMatch(/tests \d+\/\d+ passed/);
        expect(await card.getAttribute("data-state")).toBe("ok");
        expect(await card.locator(".headline").innerText()).not.toBe("—");
      }
      await screenshot(page, `dashboard-${file.replace(".html", "")}`);
    }
    // every metric that declares a chart (or leaves it to the defaults) is on a page; `chart: false` is not
    const declared = [...metricsOf(dir).entries()]
      .filter(([, m]) => (m as { chart?: unknown }).chart !== false)
      .map(([n]) => n);
    expect([...charted].sort()).toEqual(declared.sort());
    expect(errors).toEqual([]);
    expect(requests.every((u) => u.startsWith("file://"))).toBe(true);
  }, 120_000);

  test("every chart's grain switch redraws it at each grain with what dp sql computes on the snapshot", async () => {
    const errors: string[] = [];
    const page = await openPage(browser, errors);
    const offered = new Map<string, string[]>();
    const drawn = new Map<string, number>();
    for (const file of readdirSync(join(site, "dashboards")).sort()) {
      await page.goto(url(`dashboards/${file}`));
      const checked = await everyGrain(page, dir);
      expect(checked.mismatches).toEqual([]);
      for (const c of checked.drawn) {
        expect(c.inked).toBe(true);
        expect(c.plotted.some((v) => v !== null)).toBe(true);
        drawn.set(c.grain, (drawn.get(c.grain) ?? 0) + 1);
      }
      for (const [id, grains] of checked.offered) {
        offered.set(id, grains);
        expect(await page.locator(`section#${id}`).getAttribute("data-grain")).toBe(grains.at(-1)!);
      }
    }
    // a monthly mart offers month, quarter, year; a daily one day, week, month, quarter
    expect(offered.get("chart-mrr")).toEqual(["month", "quarter", "year"]);
    expect(offered.get("chart-tickets_opened")).toEqual(["day", "week", "month", "quarter"]);
    // every chart was drawn and checked by quarter; each grain on some chart
    expect(drawn.get("quarter")).toBe(offered.size);
    expect([...drawn.keys()].sort()).toEqual(["day", "month", "quarter", "week", "year"]);
    expect(errors).toEqual([]);
  }, 240_000);

  test("by quarter: a stock is its last month, a flow the sum of its months, a ratio recomputed from its parts", async () => {
    const errors: string[] = [];
    const page = await openPage(browser, errors);
    const quarterly = async (file: string, metrics: string[]) => {
      await page.goto(url(`dashboards/${file}`));
      for (const m of metrics) await page.locator(`section#chart-${m} select.grain`).selectOption("quarter");
      const charts = await drawnCharts(page);
      return new Map(
        charts
          .filter((c) => metrics.includes(c.metric))
          .map((c) => [c.metric, new Map(c.periods.map((p, i) => [p, c.plotted[i] ?? null]))]),
      );
    };
    const sql = (q: string) => {
      const r = dp(["sql", "-C", dir, "--json", q]);
      expect(r.code).toBe(0);
      return new Map((JSON.parse(r.stdout) as { q: string; v: number | null }[]).map((x) => [x.q, x.v]));
    };
    const near = (got: Map<string, number | null>, want: Map<string, number | null>) => {
      expect([...got.values()].filter((v) => v !== null).length).toBeGreaterThan(3);
      expect([...got.keys()].filter((q) => got.get(q) !== null).sort()).toEqual(
        [...want.keys()].filter((q) => got.has(q) && want.get(q) !== null).sort(),
      );
      for (const [q, v] of got) if (v !== null) expect(Math.abs(v - want.get(q)!)).toBeLessThan(1e-6 * Math.max(1, v));
    };
    const q = "cast(date_trunc('quarter', month) as date)::varchar as q";
    const revenue = await quarterly("revenue.html", ["mrr", "new_mrr"]);
    // MRR: the quarter's last month-end, not the sum of three
    near(
      revenue.get("mrr")!,
      sql(
        `select ${q}, sum(mrr)::double as v from marts.mrr_by_plan_monthly where month = (select max(month) from marts.mrr_by_plan_monthly m where date_trunc('quarter', m.month) = date_trunc('quarter', mrr_by_plan_monthly.month)) group by 1`,
      ),
    );
    near(revenue.get("new_mrr")!, sql(`select ${q}, sum(new_mrr)::double as v from marts.mrr_monthly group by 1`));
    await screenshot(page, "dashboard-revenue-by-quarter");
    // split by plan at the quarter, the plans add up to the quarter's MRR (the same quarter-end month)
    await page.locator("section#chart-mrr select.view").selectOption("plan");
    const split = await page.evaluate(() => {
      const { u, chart } = (globalThis as any).dpCharts["chart-mrr"];
      return { grain: chart.grain, periods: chart.periods as string[], data: u.data.slice(1) as (number | null)[][] };
    });
    expect(split.grain).toBe("quarter");
    expect(split.data.length).toBe(4);
    split.periods.forEach((p, i) => {
      const sum = split.data.reduce((a, s) => a + (s[i] ?? 0), 0);
      expect(Math.abs(sum - revenue.get("mrr")!.get(p)!)).toBeLessThan(1e-6);
    });
    const pipeline = await quarterly("pipeline.html", ["win_rate"]);
    // win rate: the quarter's deals won over its deals closed, not the mean of three monthly rates
    const winRate = sql(
      `select ${q}, (sum(deals_won) / nullif(sum(deals_closed), 0))::double as v from marts.deals_closed_monthly group by 1`,
    );
    near(pipeline.get("win_rate")!, winRate);
    const mean = sql(
      `select ${q}, avg(r)::double as v from (select month, sum(deals_won) / nullif(sum(deals_closed), 0) as r from marts.deals_closed_monthly group by 1) group by 1`,
    );
    expect([...winRate.keys()].some((k) => Math.abs((winRate.get(k) ?? 0) - (mean.get(k) ?? 0)) > 1e-6)).toBe(true);
    expect(errors).toEqual([]);
  }, 60_000);

  test("a breakdown by a dimension and the year-ago comparison redraw the chart from the same numbers", async () => {
    const errors: string[] = [];
    const page = await openPage(browser, errors);
    await page.goto(url("dashboards/revenue.html"));
    const card = page.locator("section#chart-mrr");
    await card.locator("select.view").selectOption("plan");
    const split = await page.evaluate(() => {
      const { u } = (globalThis as any).dpCharts["chart-mrr"];
      return { labels: u.series.slice(1).map((s: any) => s.label), data: u.data.slice(1) };
    });
    expect([...split.labels].sort()).toEqual(["Enterprise", "Growth", "Pro", "Starter"]);
    const total = (await drawnCharts(page)).find((c) => c.id === "chart-mrr")!;
    // the plans add up to the total in each month (MRR is a stock: the split of the same month-end)
    const r = dp([
      "sql",
      "-C",
      dir,
      "--json",
      "select cast(month as varchar) as m, plan, sum(mrr)::double as v from marts.mrr_by_plan_monthly group by all",
    ]);
    const byTier = new Map(
      (JSON.parse(r.stdout) as { m: string; plan: string; v: number }[]).map((x) => [`${x.m}|${x.plan}`, x.v]),
    );
    total.periods.forEach((p, i) => {
      split.labels.forEach((tier: string, k: number) => {
        const got = split.data[k][i];
        const want = byTier.get(`${p}|${tier}`) ?? null;
        if (got === null) expect(want ?? 0).toBe(0);
        else expect(Math.abs(got - want!)).toBeLessThan(1e-6);
      });
    });
    await card.locator("select.view").selectOption("");
    await card.locator("input.compare").check();
    const compared = await page.evaluate(() => (globalThis as any).dpCharts["chart-mrr"].u.data.length);
    expect(compared).toBe(3);
    expect(errors).toEqual([]);
  }, 60_000);

  test("the overview, the tests table at 1,400 px, search and lineage", async () => {
    const errors: string[] = [];
    const page = await openPage(browser, errors);
    await page.goto(url("index.html"));
    expect(await page.locator(".tile").count()).toBeGreaterThan(10);
    await screenshot(page, "overview");

    // search finds a column and goes to it
    await page.locator("#search").fill("email_domain");
    const hit = page.locator('#search-results a.hit[data-kind="column"]').first();
    expect(await hit.innerText()).toContain("email_domain");
    expect(await hit.innerText()).toContain("in customers");
    await screenshot(page, "search");
    await hit.click();
    await page.waitForURL(/models\/customers\.html#col-email_domain$/);
    expect(await page.locator("tr#col-email_domain.col-target").count()).toBe(1);
    expect(await page.locator("#sql-source").innerText()).toContain("{{ ref(");
    expect(await page.locator("#sql-compiled").textContent()).toContain('"staging"');
    // a metric and a model are found by words from their descriptions too
    await page.locator("#search").fill("monthly recurring");
    expect(await page.locator('#search-results a.hit[data-kind="metric"]').first().innerText()).toContain("mrr");

    await page.goto(url("tests.html"));
    const table = await page.locator("table.tests").boundingBox();
    expect(table!.x + table!.width).toBeLessThanOrEqual(1400);
    const overflow = await page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth);
    expect(overflow).toBeLessThanOrEqual(1400);
    expect(await page.locator("table.tests tbody tr").count()).toBeGreaterThan(100);
    await page.locator("#tests-status").selectOption("fail");
    expect(await page.locator("#tests-count").innerText()).toMatch(/^0 of \d+$/);
    await screenshot(page, "tests");

    await page.goto(url("lineage.html"));
    const graph = await overlappingNodes(page, "svg#lineage-graph");
    const models = readdirSync(join(site, "models")).length;
    expect(graph.nodes).toBeGreaterThan(models);
    expect(graph.overlaps).toEqual([]);
    expect(await labelsOutsideNodes(page, "svg#lineage-graph")).toEqual([]);
    const svg = (await page.locator("svg#lineage-graph").boundingBox())!;
    expect(svg.x + svg.width).toBeLessThanOrEqual(1400);
    await screenshot(page, "lineage");
    await page.locator('g.node[data-node="model:mrr_monthly"]').click();
    const lit = await page.locator("g.node.hl").evaluateAll((gs) => gs.map((g) => g.getAttribute("data-node")));
    expect(lit).toContain("model:customer_mrr_monthly");
    expect(lit).not.toContain("model:support_daily");

    await page.goto(url("models/mrr_monthly.html"));
    expect((await overlappingNodes(page, "svg#model-lineage")).overlaps).toEqual([]);
    await screenshot(page, "model");
    expect(errors).toEqual([]);
  }, 120_000);

  test("a stale source shows on its charts", async () => {
    const stale = join(tempDir("dp-dash-stale-"), "site");
    // three days on, every demo source is past its error SLA
    expect(dp(["docs", "-C", dir, "--out", stale], { env: { DP_NOW: "2026-11-24T06:00:00Z" } }).code).toBe(0);
    const page = await openPage(browser, []);
    await page.goto(pathToFileURL(join(stale, "dashboards/revenue.html")).href);
    const card = page.locator("section#chart-mrr");
    expect(await card.getAttribute("data-state")).toBe("bad");
    expect(await card.locator(".issue").first().innerText()).toContain("source stripe is past its freshness SLA");
    expect(await card.locator(".r-fresh").innerText()).toContain("stripe: error");
  }, 60_000);
});

test("the committed screenshots are the size the issue asks for", () => {
  for (const f of readdirSync(SHOTS).filter((f) => f.endsWith(".png"))) {
    const png = readFileSync(join(SHOTS, f));
    // PNG IHDR: width and height, big-endian, at bytes 16 and 20
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1400, 900]);
  }
});
