import { join, resolve } from "node:path";
import uplotJs from "uplot/dist/uPlot.iife.min.js" with { type: "text" };
import uplotCss from "uplot/dist/uPlot.min.css" with { type: "text" };
import { now } from "../../clock.ts";
import { formatValue } from "../../catalog/metric-format.ts";
import { writeFileAtomic } from "../../atomic-write.ts";
import type { Project } from "../../config/project.ts";
import { collectDashboards, type DashboardsData } from "../dashboards/collect.ts";
import { dashboardPage, tilesHtml } from "../dashboards/render.ts";
import siteJs from "./assets/site.js" with { type: "text" };
import { collectDocs, type DocsData } from "./collect.ts";
import { esc, fmtTime, page, slug, status, type PageContext, type SiteMode } from "./html.ts";
import { lineagePage, metricsPage, modelPage, modelsPage, sourcesPage, testsPage } from "./pages.ts";
import { searchIndex } from "./search-index.ts";

/** Path inside the site → file content. The same map is written by `dp docs` and served by `dp serve`. */
export type Site = Map<string, string>;

export interface SiteData {
  docs: DocsData;
  dashboards: DashboardsData;
}

export async function collectSite(project: Project): Promise<SiteData> {
  const docs = await collectDocs(project, now());
  const dashboards = await collectDashboards(project);
  return { docs, dashboards };
}

export function renderSite(data: SiteData, mode: SiteMode): Site {
  const { docs, dashboards } = data;
  const site: Site = new Map();
  const ctx = (section: string, root = ""): PageContext => ({
    project: docs.project,
    mode,
    root,
    section,
    publishedAt: docs.publishedAt,
    dashboards: dashboards.pages.map((p) => ({ slug: p.slug, title: p.title })),
  });
  site.set("index.html", overviewPage(ctx("overview"), data));
  for (const board of dashboards.pages)
    site.set(
      `dashboards/${slug(board.slug)}.html`,
      dashboardPage(ctx(`dashboard:${board.slug}`, "../"), dashboards, board),
    );
  for (const m of docs.models) site.set(`models/${slug(m.name)}.html`, modelPage(ctx("models", "../"), docs, m));
  site.set("models.html", modelsPage(ctx("models"), docs));
  const pageOf = new Map(dashboards.pages.flatMap((p) => p.charts.map((c) => [c.spec.metric, p.slug] as const)));
  site.set("metrics.html", metricsPage(ctx("metrics"), docs, pageOf));
  site.set("lineage.html", lineagePage(ctx("lineage"), docs));
  site.set("tests.html", testsPage(ctx("tests"), docs));
  site.set("sources.html", sourcesPage(ctx("sources"), docs));
  // the browser formats numbers with the very function dp ask uses (it needs nothing but Intl)
  site.set("assets/site.js", `const dpFormatValue = ${formatValue.toString()};\n${siteJs}`);
  site.set("assets/uplot.js", uplotJs);
  site.set("assets/uplot.css", uplotCss);
  site.set("assets/search-index.js", `window.DP_SEARCH = ${JSON.stringify(searchIndex(docs, pageOf))};\n`);
  site.set("docs.json", JSON.stringify(docs, null, 2));
  site.set("dashboards.json", JSON.stringify(dashboards, null, 2));
  return site;
}

function overviewPage(ctx: PageContext, data: SiteData): string {
  const { docs, dashboards } = data;
  const tests = docs.tests;
  const passed = tests.filter((t) => t.status === "pass" || t.status === "warn").length;
  const failing = tests.filter((t) => t.status === "fail" || t.status === "error");
  const ask =
    ctx.mode === "served"
      ? `<section class="card ask" id="ask"><form id="ask-form"><input id="ask-input" name="q" placeholder="Ask the marts: churn last month? MRR by plan this year?" autocomplete="off" aria-label="question"><button type="submit">Ask</button></form><div id="ask-answer"></div></section>`
      : `<p class="muted">This is the static copy (<code>dp docs</code>). Run <code>dp serve</code> to ask questions here.</p>`;
  const body = `<h1>${esc(docs.project)}</h1>
<p class="sub">published ${fmtTime(docs.publishedAt)} · tests ${passed}/${tests.length} passing${failing.length ? ` · <a class="st s-fail" href="tests.html">${failing.length} failing</a>` : ""} · ${docs.models.length} models · ${docs.metrics.length} metrics</p>
${ask}
${tilesHtml(ctx, dashboards)}
<h2>Data health</h2>
<div class="health"><div class="card"><h3>Sources</h3><table><thead><tr><th>source</th><th>last pull</th><th>status</th></tr></thead><tbody>${docs.freshness.map((f) => `<tr><td><a href="sources.html#source-${slug(f.source)}">${esc(f.source)}</a></td><td>${fmtTime(f.lastSuccessAt)}</td><td>${status(f.status)}</td></tr>`).join("")}</tbody></table></div>
<div class="card"><h3>Tests</h3>${failing.length ? `<ul>${failing.map((t) => `<li><code>${esc(t.id)}</code> ${status(t.status)} — ${esc(t.message)}</li>`).join("")}</ul>` : `<p><span class="st s-pass">all ${tests.length} passing</span> in the published build.</p>`}<p><a href="tests.html">every test →</a> · <a href="lineage.html">lineage →</a> · <a href="models.html">models →</a></p></div></div>`;
  // the ask box draws a series answer with the same chart code
  return page(ctx, "Overview", body, { charts: ctx.mode === "served" });
}

/** `dp docs`: the whole site as a folder that opens from file:// with no network (every asset inside it). */
export async function buildDocsSite(
  project: Project,
  options: { out?: string } = {},
): Promise<{ dir: string; index: string; models: number; tests: number; dashboards: number; charts: number }> {
  const dir = options.out ? resolve(options.out) : join(project.paths.work, "docs");
  const data = await collectSite(project);
  for (const [path, content] of renderSite(data, "static")) writeFileAtomic(join(dir, path), content);
  return {
    dir,
    index: join(dir, "index.html"),
    models: data.docs.models.length,
    tests: data.docs.tests.length,
    dashboards: data.dashboards.pages.length,
    charts: data.dashboards.pages.reduce((n, p) => n + p.charts.length, 0),
  };
}
