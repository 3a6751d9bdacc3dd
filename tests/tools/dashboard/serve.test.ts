import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { drawnCharts, everyGrain, launchChromium, mismatches, openPage, sqlValues } from "../../browser.ts";
import { dp, runDp, spawnDp, tempDir } from "../../helpers.ts";

let dir: string;
let browser: Browser;
let server: ReturnType<typeof spawnDp>;
let base: string;

async function startServe(): Promise<{ child: ReturnType<typeof spawnDp>; url: string }> {
  const child = spawnDp(["serve", "-C", dir, "--port", "0"]);
  const reader = (child.stdout as ReadableStream<Uint8Array>).getReader();
  let text = "";
  const until = Date.now() + 20_000;
  while (!/dashboards on (\S+)\//.test(text)) {
    if (Date.now() > until) throw new Error(`dp serve did not start: ${text}`);
    const { value, done } = await reader.read();
    if (done) throw new Error(`dp serve exited: ${text}${await new Response(child.stderr as ReadableStream).text()}`);
    text += new TextDecoder().decode(value);
  }
  reader.releaseLock();
  return { child, url: /dashboards on (\S+)\//.exec(text)![1]! };
}

beforeAll(async () => {
  dir = join(tempDir("dp-serve-"), "demo");
  expect(dp(["init", dir, "--demo"]).code).toBe(0);
  expect((await runDp(["run", "-C", dir], { timeoutMs: 180_000 })).code).toBe(0);
  ({ child: server, url: base } = await startServe());
  browser = await launchChromium();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  server?.kill("SIGTERM");
  await server?.exited;
});

describe("dp serve: dashboards, docs and the ask box", () => {
  test("the served dashboards plot what dp sql computes on the snapshot, with receipts", async () => {
    const errors: string[] = [];
    const page = await openPage(browser, errors);
    await page.goto(`${base}/`);
    const boards = await page
      .locator("nav.top .group")
      .first()
      .locator("a")
      .evaluateAll((as) => as.map((a) => a.getAttribute("href")));
    expect(boards.length).toBeGreaterThanOrEqual(4);
    let total = 0;
    for (const href of boards) {
      await page.goto(`${base}/${href}`);
      const charts = await drawnCharts(page);
      expect(charts.length).toBe(await page.locator("section.chart-card").count());
      expect(charts.every((c) => c.inked)).toBe(true);
      expect(mismatches(charts, sqlValues(dir, charts))).toEqual([]);
      expect(await page.locator(".receipt .r-mart").count()).toBe(charts.length);
      total += charts.length;
      // and at every grain its switch offers
      const grains = await everyGrain(page, dir);
      expect(grains.mismatches).toEqual([]);
      expect(grains.offered.size).toBe(charts.length);
      expect(grains.drawn.length).toBeGreaterThanOrEqual(3 * charts.length);
    }
    expect(total).toBeGreaterThan(15);
    expect(errors).toEqual([]);
  }, 120_000);

  test("the ask box answers through the dp ask path, with its receipt and a chart for a series", async () => {
    const errors: string[] = [];
    const page = await openPage(browser, errors);
    await page.goto(`${base}/`);
    await page.locator("#ask-input").fill("MRR by month this year");
    await page.locator("#ask-form button").click();
    await page.locator("#ask-answer .text").waitFor({ timeout: 30_000 });
    expect(await page.locator("#ask-answer").getAttribute("data-status")).toBe("answered");
    const answer = await page.locator("#ask-answer .text").innerText();
    // the same words dp ask prints for the same question
    const cli = dp(["ask", "-C", dir, "--offline", "--json", "MRR by month this year"]);
    expect(answer).toBe(JSON.parse(cli.stdout).answer);
    expect(await page.locator("#ask-answer .receipt-lines").innerText()).toContain("source: marts.mrr_by_plan_monthly");
    const chart = await page.evaluate(() => {
      const { u, chart } = (globalThis as any).dpCharts["ask-chart"];
      return { periods: chart.periods as string[], plotted: [...u.data[1]] as (number | null)[] };
    });
    expect(chart.periods[0]).toBe("2026-01-01");
    expect(chart.periods.at(-1)).toBe("2026-11-01");
    const sql = dp([
      "sql",
      "-C",
      dir,
      "--json",
      "select cast(month as varchar) as m, sum(mrr)::double as v from marts.mrr_monthly where month >= '2026-01-01' group by 1 order by 1",
    ]);
    const want = (JSON.parse(sql.stdout) as { v: number }[]).map((r) => r.v);
    expect(chart.plotted.map((v) => Math.round(v! * 100) / 100)).toEqual(want.map((v) => Math.round(v * 100) / 100));
    await page.screenshot({ path: join(tempDir(), "ask.png") });
    if (process.env.DP_UPDATE_SCREENSHOTS)
      await page.screenshot({ path: join(import.meta.dir, "../../../docs/screenshots/ask.png") });
    // audited like any other ask
    const audit = readFileSync(join(dir, ".dp/audit.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(audit.some((r) => r.action === "ask" && r.question === "MRR by month this year")).toBe(true);

    // an act is never approved from a page
    const exp = await fetch(`${base}/api/ask`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ question: "export mrr_monthly to mrr.csv" }),
    });
    expect(["refused", "needs_approval"]).toContain(
      ((await exp.json()) as { result: { status: string } }).result.status,
    );
    const bad = await fetch(`${base}/api/ask`, { method: "POST", body: "{}" });
    expect(bad.status).toBe(400);
    expect(errors).toEqual([]);
  }, 90_000);

  test("dp serve keeps answering while dp run builds, and shows the new snapshot after it", async () => {
    const before = ((await (await fetch(`${base}/dashboards.json`)).json()) as { snapshot: string }).snapshot;
    const run = runDp(["run", "-C", dir], { timeoutMs: 180_000 });
    let finished = false;
    void run.then(() => (finished = true));
    const latencies: number[] = [];
    const statuses: number[] = [];
    const pages = ["/", "/dashboards/revenue.html", "/lineage.html", "/models/mrr_monthly.html", "/healthz"];
    for (let i = 0; !finished && i < 2000; i++) {
      const t0 = performance.now();
      const res = await fetch(`${base}${pages[i % pages.length]}`);
      await res.arrayBuffer();
      statuses.push(res.status);
      latencies.push(performance.now() - t0);
      await Bun.sleep(50);
    }
    const done = await run;
    expect(done.code).toBe(0);
    expect(statuses.length).toBeGreaterThan(10);
    expect(statuses.every((s) => s === 200)).toBe(true);
    latencies.sort((a, b) => a - b);
    // a page comes from memory; a rebuild of the pages happens beside it, never in the way
    expect(latencies.at(-1)!).toBeLessThan(3000);
    // the next request after the swap starts a re-render; a later one gets it
    let after = before;
    for (let i = 0; i < 100 && after === before; i++) {
      after = ((await (await fetch(`${base}/dashboards.json`)).json()) as { snapshot: string }).snapshot;
      if (after === before) await Bun.sleep(100);
    }
    expect(after).not.toBe(before);
    console.log(
      `dp serve during dp run: ${statuses.length} requests, median ${latencies[Math.floor(latencies.length / 2)]!.toFixed(0)} ms, max ${latencies.at(-1)!.toFixed(0)} ms`,
    );
  }, 240_000);
});
