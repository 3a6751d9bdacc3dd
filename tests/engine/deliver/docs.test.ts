import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import { build } from "../../../engine/transform/build.ts";
import { buildDocsSite } from "../../../engine/deliver/docs/site.ts";
import { layoutDag } from "../../../engine/deliver/docs/layout.ts";
import { loadProject } from "../../../engine/config/project.ts";
import { dp, tempDir, writeProject } from "../../helpers.ts";

const CHROMIUM = "/usr/bin/chromium";

const files = {
  "project.yaml": "name: docs\n",
  "models/staging/stg_orders.sql":
    "select * from (values (1, 'a@x.io', 10.0), (2, 'b@x.io', 20.0)) t(order_id, email, amount)\n",
  "models/staging/stg_refunds.sql": "select * from (values (1, 2.5)) t(order_id, refund)\n",
  "models/marts/orders.sql":
    "select o.order_id, o.email, o.amount - coalesce(r.refund, 0) as net\nfrom {{ ref('stg_orders') }} o\nleft join {{ ref('stg_refunds') }} r using (order_id)\n",
  "models/marts/revenue.sql": "select sum(net) as revenue from {{ ref('orders') }}\n",
  "models/marts/tests/net_positive.sql": "select * from {{ ref('orders') }} where net < 0\n",
  "models/marts/marts.yml": `models:
  - name: orders
    description: One row per order, net of refunds
    columns:
      - { name: order_id, description: the order, tests: [not_null, unique] }
      - { name: email, pii: true }
  - name: revenue
    tests: [{ row_count: { min: 1 } }, { expression: "revenue > 100" }]
metrics:
  - { name: revenue, description: Net revenue, mart: orders, time_column: order_id, expression: sum(net) }
`,
};

describe("dp docs", () => {
  test("layout: layers follow the DAG, nodes never overlap", () => {
    const l = layoutDag([
      { id: "s", label: "s", kind: "source", parents: [] },
      { id: "a", label: "a", kind: "staging", parents: ["s"] },
      { id: "b", label: "b", kind: "staging", parents: ["s"] },
      { id: "m", label: "m", kind: "marts", parents: ["a", "b"] },
      { id: "n", label: "n", kind: "marts", parents: ["m", "s"] },
    ]);
    expect(Object.fromEntries(l.nodes.map((n) => [n.id, n.layer]))).toEqual({ s: 0, a: 1, b: 1, m: 2, n: 3 });
    const boxes = l.nodes.map((n) => `${n.x},${n.y}`);
    expect(new Set(boxes).size).toBe(boxes.length);
    expect(l.edges.length).toBe(6);
  });

  test("a self-contained site opens offline in headless Chromium with a visible lineage graph and test statuses", async () => {
    const dir = writeProject(files);
    const result = await build(loadProject(dir));
    expect(result.models.find((m) => m.model === "revenue")!.status).toBe("failed");
    const cli = dp(["docs", "-C", dir]);
    expect(cli.code).toBe(0);
    expect(cli.stdout).toContain("file://");
    const index = join(dir, ".dp/docs/index.html");
    const html = readFileSync(index, "utf8");
    expect(html).not.toMatch(/<script|<link|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);

    if (!existsSync(CHROMIUM))
      throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does this)`);
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const requests: string[] = [];
      page.on("request", (r) => requests.push(r.url()));
      await page.goto(pathToFileURL(index).href);
      const nodes = page.locator("svg#lineage-graph g.node");
      expect(await nodes.count()).toBe(4);
      for (const name of ["stg_orders", "stg_refunds", "orders", "revenue"]) {
        const box = await page.locator(`svg#lineage-graph g.node[data-node="model:${name}"]`).boundingBox();
        expect(box && box.width > 0 && box.height > 0).toBe(true);
      }
      const stg = (await page.locator('g.node[data-node="model:stg_orders"]').boundingBox())!;
      const mart = (await page.locator('g.node[data-node="model:revenue"]').boundingBox())!;
      expect(mart.x).toBeGreaterThan(stg.x);
      expect(await page.locator("svg#lineage-graph path.edge").count()).toBe(3);
      expect(await page.locator('g.node.failed[data-node="model:revenue"]').count()).toBe(1);

      const statuses = await page
        .locator("#tests + table.tests tbody tr")
        .evaluateAll((trs) => trs.map((tr) => [tr.children[0]!.textContent, tr.children[4]!.textContent]));
      expect(statuses).toContainEqual(["orders.unique(order_id)", "pass"]);
      expect(statuses).toContainEqual(["test.net_positive", "pass"]);
      expect(statuses).toContainEqual(["revenue.expression(revenue > 100)", "fail"]);
      expect(await page.locator("#model-orders .pill.pii").count()).toBe(1);
      expect(await page.locator("#model-orders table.columns").innerText()).toContain("DECIMAL");
      expect(await page.locator("#metrics + table").innerText()).toContain("Net revenue");
      expect(await page.locator("#freshness").isVisible()).toBe(true);
      expect(requests.every((u) => u.startsWith("file://"))).toBe(true);
      const shot = join(tempDir("dp-docs-shot-"), "docs.png");
      await page.screenshot({ path: shot });
      expect(readFileSync(shot).length).toBeGreaterThan(10_000);
      if (process.env.DP_DOCS_SCREENSHOT) console.log(`screenshot: ${shot}`);
    } finally {
      await browser.close();
    }
  }, 60_000);

  test("--out writes the site elsewhere; a project never built still gets docs", async () => {
    const dir = writeProject(files);
    const out = join(tempDir(), "site");
    const site = await buildDocsSite(loadProject(dir), { out });
    expect(site.index).toBe(join(out, "index.html"));
    const html = readFileSync(site.index, "utf8");
    expect(html).toContain("not run");
    expect(html).toContain('data-node="model:revenue"');
  });
});
