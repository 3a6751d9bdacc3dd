import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser } from "playwright-core";
import { build } from "../../../engine/transform/build.ts";
import { buildDocsSite } from "../../../engine/deliver/docs/site.ts";
import { layoutDag, type LayoutNode } from "../../../engine/deliver/docs/layout.ts";
import { loadProject } from "../../../engine/config/project.ts";
import { labelsOutsideNodes, launchChromium, openPage, overlappingNodes, screenshot } from "../../browser.ts";
import { dp, tempDir, writeProject } from "../../helpers.ts";

const ORDERS = (net: string) =>
  `select * from (values (1, 'a@x.io', 10.0, DATE '2026-10-03'), (2, 'b@x.io', ${net}, DATE '2026-11-05'), (3, 'c@x.io', 7.5, DATE '2026-11-09')) t(order_id, email, amount, ordered_on)\n`;

const files = {
  "project.yaml": "name: docs\n",
  "models/staging/stg_orders.sql": ORDERS("20.0"),
  "models/staging/stg_refunds.sql": "select * from (values (1, 2.5)) t(order_id, refund)\n",
  "models/marts/orders.sql":
    "select o.order_id, o.email, o.ordered_on, o.amount - coalesce(r.refund, 0) as net\nfrom {{ ref('stg_orders') }} o\nleft join {{ ref('stg_refunds') }} r using (order_id)\n",
  "models/marts/revenue.sql": "select sum(net) as revenue from {{ ref('orders') }}\n",
  "models/marts/tests/net_positive.sql": "select * from {{ ref('orders') }} where net < 0\n",
  "models/marts/marts.yml": `models:
  - name: orders
    description: One row per order, net of refunds
    columns:
      - { name: order_id, description: the order, tests: [not_null, unique] }
      - { name: email, pii: true }
    tests:
      - expression: { name: net_not_negative, sql: "net >= 0" }
  - name: revenue
    tests: [{ row_count: { min: 1 } }, { expression: "revenue > 100" }]
metrics:
  - { name: net_revenue, description: Net revenue, mart: orders, time_column: ordered_on, expression: sum(net), format: currency, dimensions: [email] }
`,
};

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

/** A pipeline shaped like real ones: raw streams, staging 1:1, intermediate layers, marts reading several models. */
function pipeline(models: number): LayoutNode[] {
  const nodes: LayoutNode[] = [];
  const sources = Math.ceil(models / 8);
  for (let s = 0; s < sources; s++)
    nodes.push({ id: `source:src_${s}.stream`, label: `src_${s}.stream`, kind: "source", parents: [] });
  for (let i = 0; i < models; i++) {
    const layer = i < models * 0.4 ? 0 : i < models * 0.7 ? 1 : 2;
    const parents =
      layer === 0
        ? [`source:src_${i % sources}.stream`]
        : [0, 1, 2].map((k) => `model:m${(i * 7 + k * 13) % Math.floor(layer === 1 ? models * 0.4 : models * 0.7)}`);
    const prefix = ["stg_billing__", "int_revenue_", "mart_"][layer];
    nodes.push({
      id: `model:m${i}`,
      label: `${prefix}${"x".repeat(i % 17)}${i}`,
      kind: layer ? "marts" : "staging",
      parents,
    });
  }
  return nodes;
}

function overlaps(nodes: { id: string; x: number; y: number; width: number; height: number }[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < nodes.length; i++)
    for (let j = i + 1; j < nodes.length; j++) {
      const a = nodes[i]!;
      const b = nodes[j]!;
      if (a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height)
        out.push(`${a.id} × ${b.id}`);
    }
  return out;
}

describe("lineage layout (dagre)", () => {
  test("layers follow the DAG, sources line up on the left, nodes never overlap", () => {
    const l = layoutDag([
      { id: "s", label: "s", kind: "source", parents: [] },
      { id: "t", label: "t", kind: "source", parents: [] },
      { id: "a", label: "a", kind: "staging", parents: ["s"] },
      { id: "b", label: "b", kind: "staging", parents: ["s"] },
      { id: "m", label: "m", kind: "marts", parents: ["a", "b"] },
      { id: "n", label: "n", kind: "marts", parents: ["m", "s"] },
      { id: "u", label: "a_long_staging_model_name_that_would_be_cut", kind: "staging", parents: ["t"] },
    ]);
    const layer = Object.fromEntries(l.nodes.map((n) => [n.id, n.layer]));
    expect(layer).toMatchObject({ s: 0, t: 0, a: 1, b: 1, m: 2, n: 3, u: 1 });
    expect(overlaps(l.nodes)).toEqual([]);
    expect(l.edges.length).toBe(7);
    const u = l.nodes.find((n) => n.id === "u")!;
    expect(u.width).toBeGreaterThan("a_long_staging_model_name_that_would_be_cut".length * 7);
    for (const n of l.nodes) expect(n.x + n.width).toBeLessThanOrEqual(l.width);
  });

  test("200 models: no overlapping nodes, every node inside the drawing, laid out in seconds", () => {
    const input = pipeline(200);
    const t0 = performance.now();
    const l = layoutDag(input);
    const ms = performance.now() - t0;
    expect(l.nodes.length).toBe(input.length);
    expect(overlaps(l.nodes)).toEqual([]);
    for (const n of l.nodes) {
      expect(n.x).toBeGreaterThanOrEqual(0);
      expect(n.y).toBeGreaterThanOrEqual(0);
      expect(n.x + n.width).toBeLessThanOrEqual(l.width);
      expect(n.y + n.height).toBeLessThanOrEqual(l.height);
    }
    // a model is always to the right of what it reads
    const byId = new Map(l.nodes.map((n) => [n.id, n]));
    for (const n of l.nodes) for (const p of n.parents) expect(byId.get(p)!.layer).toBeLessThan(n.layer);
    expect(ms).toBeLessThan(5000);
  });
});

/** The same 200-model pipeline as a project on disk: staging reads raw streams, the rest ref() three models each. */
function pipelineProject(models: number): string {
  const nodes = pipeline(models);
  const label = new Map(nodes.map((n) => [n.id, n.label]));
  const sources = nodes.filter((n) => n.kind === "source").map((n) => n.label.split(".")[0]!);
  const files: Record<string, string> = {
    "project.yaml": `name: big\nsources:\n${sources.map((s) => `  ${s}: { connector: demo }\n`).join("")}`,
  };
  for (const n of nodes.filter((n) => n.kind !== "source")) {
    const from = n.parents.map((p) =>
      p.startsWith("source:")
        ? `{{ source('${label.get(p)!.split(".")[0]}', 'stream') }}`
        : `{{ ref('${label.get(p)}') }}`,
    );
    files[`models/${n.kind}/${n.label}.sql`] = `${from.map((f) => `select 1 as x from ${f}`).join("\nunion all\n")}\n`;
  }
  return writeProject(files);
}

describe("dp docs", () => {
  test("a self-contained site: a page per model with SQL, statuses, PII tags, search, lineage; no request leaves file://", async () => {
    const dir = writeProject(files);
    const result = await build(loadProject(dir));
    expect(result.models.find((m) => m.model === "revenue")!.status).toBe("failed");
    const cli = dp(["docs", "-C", dir]);
    expect(cli.code).toBe(0);
    expect(cli.stdout).toContain("file://");
    const site = join(dir, ".dp/docs");
    for (const f of ["index.html", "models/orders.html", "models/stg_orders.html", "lineage.html", "tests.html"]) {
      const html = readFileSync(join(site, f), "utf8");
      // scripts and styles only from the folder itself
      expect(html).not.toMatch(/(?:src|href)="(?:https?:)?\/\//);
    }
    const errors: string[] = [];
    const page = await openPage(browser, errors);
    const requests: string[] = [];
    page.on("request", (r) => requests.push(r.url()));
    const url = (p: string) => pathToFileURL(join(site, p)).href;

    await page.goto(url("lineage.html"));
    expect(await page.locator("svg#lineage-graph g.node").count()).toBe(4);
    const stg = (await page.locator('g.node[data-node="model:stg_orders"]').boundingBox())!;
    const mart = (await page.locator('g.node[data-node="model:revenue"]').boundingBox())!;
    expect(mart.x).toBeGreaterThan(stg.x);
    expect(await page.locator("svg#lineage-graph path.edge").count()).toBe(3);
    expect(await page.locator('g.node.failed[data-node="model:revenue"]').count()).toBe(1);
    expect((await overlappingNodes(page, "svg#lineage-graph")).overlaps).toEqual([]);

    await page.goto(url("tests.html"));
    const statuses = await page
      .locator("table.tests tbody tr")
      .evaluateAll((trs) => trs.map((tr) => [tr.getAttribute("data-test"), tr.getAttribute("data-status")]));
    expect(statuses).toContainEqual(["orders.unique(order_id)", "pass"]);
    expect(statuses).toContainEqual(["test.net_positive", "pass"]);
    expect(statuses).toContainEqual(["revenue.expression(revenue > 100)", "fail"]);

    await page.goto(url("models/orders.html"));
    expect(await page.locator("tr#col-email .pill.pii").count()).toBe(1);
    expect(await page.locator("table.columns").innerText()).toContain("DECIMAL");
    expect(await page.locator("#sql-source").innerText()).toContain("{{ ref('stg_orders') }}");
    expect(await page.locator("#sql-compiled").textContent()).toContain('"staging"."stg_orders"');

    await page.locator("#search").fill("refund");
    const kinds = await page
      .locator("#search-results a.hit")
      .evaluateAll((as) => as.map((a) => a.getAttribute("data-kind")));
    expect(kinds).toContain("column");
    expect(kinds).toContain("model");

    await page.goto(url("metrics.html"));
    expect(await page.locator("table.metrics").innerText()).toContain("Net revenue");
    await page.goto(url("sources.html"));
    expect(errors).toEqual([]);
    expect(requests.every((u) => u.startsWith("file://"))).toBe(true);
  }, 60_000);

  test("the lineage of a 200-model project in Chromium: no two node boxes overlap, every label fits its box", async () => {
    const dir = pipelineProject(200);
    const out = join(tempDir(), "site");
    const docs = dp(["docs", "-C", dir, "--out", out, "--json"]);
    expect(docs.code).toBe(0);
    const errors: string[] = [];
    const page = await openPage(browser, errors);
    await page.goto(pathToFileURL(join(out, "lineage.html")).href);
    const graph = await overlappingNodes(page, "svg#lineage-graph");
    // 200 models and their 25 raw streams, each a box in the drawn SVG
    expect(graph.nodes).toBe(225);
    expect(graph.overlaps).toEqual([]);
    expect(await labelsOutsideNodes(page, "svg#lineage-graph")).toEqual([]);
    // every label is drawn whole: the text the browser lays out is the model's name, not cut
    const labels = await page
      .locator("svg#lineage-graph g.node text")
      .evaluateAll((ts) => ts.map((t) => t.textContent ?? ""));
    expect(labels).toContain("mart_xxxxxxxxxxxxxxxx152");
    expect(await page.locator("svg#lineage-graph path.edge").count()).toBe(80 + 3 * 120);
    // as it opens: full-size labels, the graph scrolls
    await screenshot(page, "lineage-200");
    // zoomed out to see it whole, the boxes still keep apart and hold their labels
    await page.locator("#zoom-fit").click();
    expect((await overlappingNodes(page, "svg#lineage-graph")).overlaps).toEqual([]);
    expect(await labelsOutsideNodes(page, "svg#lineage-graph")).toEqual([]);
    expect(errors).toEqual([]);
  }, 60_000);

  test("a mart whose last build failed its tests says so on its charts, beside the numbers it still holds", async () => {
    const dir = writeProject(files);
    const project = loadProject(dir);
    expect((await build(project)).models.find((m) => m.model === "orders")!.status).toBe("success");
    // a refund bigger than the order: net < 0 fails net_not_negative, so orders keeps its previous build
    writeFileSync(join(dir, "models/staging/stg_orders.sql"), ORDERS("1.0"));
    writeFileSync(join(dir, "models/staging/stg_refunds.sql"), "select * from (values (2, 2.5)) t(order_id, refund)\n");
    expect((await build(project)).models.find((m) => m.model === "orders")!.status).toBe("failed");
    const out = join(tempDir(), "site");
    expect(dp(["docs", "-C", dir, "--out", out]).code).toBe(0);
    const page = await openPage(browser, []);
    await page.goto(pathToFileURL(join(out, "dashboards/orders.html")).href);
    const card = page.locator("section#chart-net_revenue");
    expect(await card.getAttribute("data-state")).toBe("bad");
    const issues = await card.locator(".issue").allInnerTexts();
    expect(issues.join("\n")).toContain("orders.net_not_negative");
    expect(issues.join("\n")).toContain("the last build of marts.orders failed");
    // the numbers are the previous build's, still live: 10 − 2.5 in October, 20 + 7.5 in November
    const plotted = await page.evaluate(() => (globalThis as any).dpCharts["chart-net_revenue"].u.data[1]);
    expect(plotted).toEqual([7.5, 27.5]);
    // the email dimension is PII: no breakdown by it
    expect(await card.locator("select.view").count()).toBe(0);
  }, 60_000);

  test("--out writes the site elsewhere; a project never built still gets docs and empty dashboards", async () => {
    const dir = writeProject(files);
    const out = join(tempDir(), "site");
    const site = await buildDocsSite(loadProject(dir), { out });
    expect(site.index).toBe(join(out, "index.html"));
    expect(readFileSync(join(out, "tests.html"), "utf8")).toContain("not run");
    expect(readFileSync(join(out, "lineage.html"), "utf8")).toContain('data-node="model:revenue"');
    expect(readFileSync(join(out, "dashboards/orders.html"), "utf8")).toContain("no build published yet");
  });
});
