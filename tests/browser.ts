/**
 * Headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core) for the tests that open dp's pages,
 * and the independent check of a dashboard's numbers: SQL written here from the metric's YAML, run with `dp sql`.
 */
import { expect } from "bun:test";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Glob } from "bun";
import { chromium, type Browser, type Page } from "playwright-core";
import { parse } from "yaml";
import { dp, repoRoot } from "./helpers.ts";

export const CHROMIUM = "/usr/bin/chromium";

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does this)`);
  // playwright gives every launch a fresh, empty user data dir
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** A page at 1,400 × 900 that fails the test on any script error. */
export async function openPage(browser: Browser, errors: string[]): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  return page;
}

/** Where the screenshots committed for review live; DP_UPDATE_SCREENSHOTS=1 bun test … rewrites them. */
export const SHOTS = join(repoRoot, "docs/screenshots");

/** The page as a reviewer sees it at 1,400 × 900 (not blank), written to docs/screenshots/NAME.png when asked. */
export async function screenshot(page: Page, name: string): Promise<void> {
  const shot = await page.screenshot();
  expect(shot.length).toBeGreaterThan(20_000);
  if (process.env.DP_UPDATE_SCREENSHOTS) {
    mkdirSync(SHOTS, { recursive: true });
    await Bun.write(join(SHOTS, `${name}.png`), shot);
  }
}

/** What a drawn chart holds: the uPlot instance's own data, not the JSON it came from. */
export interface DrawnChart {
  id: string;
  metric: string;
  grain: string;
  periods: string[];
  /** u.data[1]: the plotted total */
  plotted: (number | null)[];
  /** the canvas has pixels other than the background */
  inked: boolean;
  width: number;
  height: number;
}

export async function drawnCharts(page: Page): Promise<DrawnChart[]> {
  return page.evaluate(() => {
    // runs in the page: globalThis is its window
    const charts = (globalThis as unknown as { dpCharts?: Record<string, { u: any; chart: any }> }).dpCharts ?? {};
    return Object.entries(charts).map(([id, { u, chart }]) => {
      const canvas = u.root.querySelector("canvas");
      const ctx = canvas.getContext("2d");
      const pixels = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
      let inked = false;
      for (let i = 3; i < pixels.length && !inked; i += 4) inked = pixels[i]! > 0;
      return {
        id,
        metric: chart.metric,
        grain: chart.grain,
        periods: chart.periods,
        plotted: [...u.data[1]],
        inked,
        width: canvas.getBoundingClientRect().width,
        height: canvas.getBoundingClientRect().height,
      };
    });
  });
}

/** The cards with a grain switch, and the grains each offers. */
export async function switchable(page: Page): Promise<{ id: string; grains: string[] }[]> {
  return page.locator("section.chart-card select.grain").evaluateAll((selects) =>
    selects.map((s) => ({
      id: s.closest("section")!.id,
      grains: [...(s as unknown as { options: { value: string }[] }).options].map((o) => o.value),
    })),
  );
}

const GRAIN_ORDER = ["day", "week", "month", "quarter", "year"];

/**
 * Turns every grain switch on the open page to each grain it offers, then checks what each chart draws against
 * `dp sql` on the snapshot. Returns the charts drawn per grain, and every bucket that disagrees.
 */
export async function everyGrain(
  page: Page,
  dir: string,
): Promise<{ drawn: DrawnChart[]; offered: Map<string, string[]>; mismatches: string[] }> {
  const cards = await switchable(page);
  const drawn: DrawnChart[] = [];
  const bad: string[] = [];
  for (const grain of GRAIN_ORDER) {
    const at = cards.filter((c) => c.grains.includes(grain)).map((c) => c.id);
    if (!at.length) continue;
    for (const id of at) await page.locator(`section#${id} select.grain`).selectOption(grain);
    const charts = (await drawnCharts(page)).filter((c) => at.includes(c.id));
    for (const c of charts) if (c.grain !== grain) bad.push(`${c.id}: switched to ${grain}, draws ${c.grain}`);
    bad.push(...mismatches(charts, sqlValues(dir, charts)));
    drawn.push(...charts);
  }
  return { drawn, offered: new Map(cards.map((c) => [c.id, c.grains])), mismatches: bad };
}

interface MetricYaml {
  name: string;
  mart: string;
  time_column: string;
  expression: string;
  time_rollup?: string;
}

/** Every metric declared in the project's models/**.yml, as the YAML says. */
export function metricsOf(dir: string): Map<string, MetricYaml> {
  const out = new Map<string, MetricYaml>();
  for (const f of new Glob("models/**/*.{yml,yaml}").scanSync(dir)) {
    if (f.includes("_proposals")) continue;
    for (const m of (parse(readFileSync(join(dir, f), "utf8"))?.metrics ?? []) as MetricYaml[]) out.set(m.name, m);
  }
  return out;
}

/**
 * The value of each bucket, written from the metric's definition alone: a flow or ratio is its expression over
 * the bucket's rows; a stock (time_rollup last/first) is its expression over the rows of the bucket's last (first) period.
 */
function bucketSql(m: MetricYaml, grain: string, first: string, end: string, tag: string): string {
  const t = `CAST("${m.time_column}" AS DATE)`;
  const bucket = `CAST(date_trunc('${grain}', ${t}) AS DATE)`;
  const scope = `FROM marts."${m.mart}" WHERE ${t} >= DATE '${first}' AND ${t} < DATE '${end}'`;
  if (m.time_rollup === "last" || m.time_rollup === "first") {
    const pick = m.time_rollup === "last" ? "max" : "min";
    return `SELECT '${tag}' AS chart, CAST(s._b AS VARCHAR) AS period, CAST((${m.expression}) AS DOUBLE) AS value
      FROM (SELECT *, ${bucket} AS _b ${scope}) s
      JOIN (SELECT ${bucket} AS _pb, ${pick}(${t}) AS _at ${scope} GROUP BY 1) p ON s._b = p._pb AND CAST(s."${m.time_column}" AS DATE) = p._at
      GROUP BY s._b`;
  }
  return `SELECT '${tag}' AS chart, CAST(${bucket} AS VARCHAR) AS period, CAST((${m.expression}) AS DOUBLE) AS value ${scope} GROUP BY ${bucket}`;
}

const nextBucket = (start: string, grain: string) => {
  const d = new Date(`${start}T00:00:00Z`);
  if (grain === "day") d.setUTCDate(d.getUTCDate() + 1);
  else if (grain === "week") d.setUTCDate(d.getUTCDate() + 7);
  else if (grain === "month") d.setUTCMonth(d.getUTCMonth() + 1);
  else if (grain === "quarter") d.setUTCMonth(d.getUTCMonth() + 3);
  else d.setUTCFullYear(d.getUTCFullYear() + 1);
  return d.toISOString().slice(0, 10);
};

/** `dp sql` on the published snapshot: one value per chart and bucket, for the charts drawn. */
export function sqlValues(dir: string, charts: DrawnChart[]): Map<string, Map<string, number | null>> {
  const metrics = metricsOf(dir);
  const parts = charts.map((c) =>
    bucketSql(metrics.get(c.metric)!, c.grain, c.periods[0]!, nextBucket(c.periods.at(-1)!, c.grain), c.id),
  );
  const r = dp(["sql", "-C", dir, "--json", "--limit", "100000", parts.join("\nUNION ALL\n")]);
  if (r.code !== 0) throw new Error(`dp sql failed: ${r.stderr}`);
  const out = new Map<string, Map<string, number | null>>();
  for (const row of JSON.parse(r.stdout) as { chart: string; period: string; value: number | null }[]) {
    const m = out.get(row.chart) ?? new Map();
    m.set(row.period, row.value === null ? null : Number(row.value));
    out.set(row.chart, m);
  }
  return out;
}

/** Every bucket a chart plots equals the independent SQL's value (1e-9 relative), and no bucket with data is left out. */
export function mismatches(charts: DrawnChart[], sql: Map<string, Map<string, number | null>>): string[] {
  const bad: string[] = [];
  for (const c of charts) {
    const want = sql.get(c.id) ?? new Map();
    c.periods.forEach((p, i) => {
      const got = c.plotted[i] ?? null;
      const exp = want.has(p) ? want.get(p)! : null;
      const same =
        got === null || exp === null ? got === exp : Math.abs(got - exp) <= 1e-9 * Math.max(1, Math.abs(exp));
      if (!same) bad.push(`${c.id} ${p}: chart ${got}, dp sql ${exp}`);
    });
    for (const p of want.keys()) if (!c.periods.includes(p)) bad.push(`${c.id}: dp sql has ${p}, the chart does not`);
  }
  return bad;
}

/** Node boxes as the browser lays them out; any two that intersect are reported. */
export async function overlappingNodes(page: Page, svg: string): Promise<{ nodes: number; overlaps: string[] }> {
  const boxes = await page.locator(`${svg} g.node rect`).evaluateAll((rects) =>
    rects.map((r) => {
      const b = r.getBoundingClientRect();
      return { id: r.parentElement!.getAttribute("data-node")!, x: b.x, y: b.y, w: b.width, h: b.height };
    }),
  );
  const overlaps: string[] = [];
  for (let i = 0; i < boxes.length; i++)
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i]!;
      const b = boxes[j]!;
      if (a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h) overlaps.push(`${a.id} × ${b.id}`);
    }
  return { nodes: boxes.length, overlaps };
}

/** Labels whose text runs past their node's box. */
export async function labelsOutsideNodes(page: Page, svg: string): Promise<string[]> {
  return page.locator(`${svg} g.node`).evaluateAll((gs) =>
    gs
      .filter((g) => {
        const r = g.querySelector("rect")!.getBoundingClientRect();
        const t = g.querySelector("text")!.getBoundingClientRect();
        return t.left < r.left || t.right > r.right || t.top < r.top || t.bottom > r.bottom;
      })
      .map((g) => g.getAttribute("data-node")!),
  );
}
