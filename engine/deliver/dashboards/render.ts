import { formatChange, formatValue } from "../../catalog/metric-format.ts";
import { esc, fmtTime, page, scriptJson, slug, type PageContext } from "../docs/html.ts";
import type { ChartData, DashboardPage, DashboardsData, Headline } from "./collect.ts";

function changeClass(chart: ChartData, change: number | null): string {
  if (change === null || change === 0) return "flat";
  return change > 0 === chart.spec.higher_is_better ? "good" : "badc";
}

function changeHtml(chart: ChartData, h: Headline, value: number | null, previous: number | null, unit?: string) {
  if (!h.previous) return "";
  const { format } = chart.spec;
  const change = value !== null && previous !== null ? value - previous : null;
  return `<span class="change ${changeClass(chart, change)}" title="vs ${esc(h.previous.label)}: ${esc(formatValue(previous, format, unit))}">${esc(formatChange(value, previous, format, unit))}</span>`;
}

export function headlineHtml(chart: ChartData): string {
  const h = chart.headline;
  const { format } = chart.spec;
  if (!h) return `<div class="headline muted">—</div>`;
  const period = `<div class="period">${esc(h.label)}${h.to_date ? " (to date)" : ""}${h.previous ? ` vs ${esc(h.previous.label)}` : ""}</div>`;
  // dollars and euros side by side, each with its own change, never one sum
  if (h.by_currency.length)
    return `<div class="headline split">${h.by_currency
      .map(
        (c) =>
          `<span class="cur" data-currency="${esc(c.currency)}" data-value="${c.value ?? ""}">${esc(formatValue(c.value, format, c.currency))} <small>${esc(c.currency)}</small>${changeHtml(chart, h, c.value, c.previous, c.currency)}</span>`,
      )
      .join('<span class="sep"> · </span>')}</div>
${period}`;
  const unit = h.unit ?? chart.spec.unit ?? undefined;
  return `<div class="headline" data-value="${h.value ?? ""}">${esc(formatValue(h.value, format, unit))}${changeHtml(chart, h, h.value, h.previous?.value ?? null, unit)}</div>
${period}`;
}

/** Source mart, as-of, freshness, test status: on every chart, as on every `dp ask` answer. */
export function receiptHtml(ctx: PageContext, chart: ChartData): string {
  const c = chart.receipt.citation;
  const issues = chart.receipt.issues.map((i) => `<p class="issue">⚠ ${esc(i)}</p>`).join("");
  if (!c) return `${issues}<div class="receipt">source <b>${esc(chart.spec.mart)}</b> (not a model)</div>`;
  const fresh = [...new Map(c.sources.map((s) => [s.source, s.freshness])).entries()]
    .map(([s, f]) => `${esc(s)}: <span class="st s-${esc(f)}">${esc(f)}</span>`)
    .join(", ");
  return `${issues}<div class="receipt" data-state="${chart.receipt.state}">
<span>source <a href="${ctx.root}models/${slug(chart.spec.mart)}.html"><b class="r-mart">${esc(c.model)}</b></a></span>
<span>data as of <b class="r-asof">${fmtTime(c.as_of)}</b></span>
${fresh ? `<span class="r-fresh">${fresh}</span>` : ""}
<span class="r-tests">tests <b class="st s-${c.tests.failing.length ? "fail" : "pass"}">${c.tests.passed}/${c.tests.total} passed</b></span>
${c.last_build_failed ? '<span class="st s-fail">last build failed</span>' : ""}
</div>`;
}

function chartCard(ctx: PageContext, chart: ChartData): string {
  const s = chart.spec;
  // dollars and euros have no total: a money metric in several currencies opens split by its currency column
  const opensBy = chart.headline?.by_currency.length ? chart.spec.currency_column : null;
  const views = [
    `<option value="">total</option>`,
    ...chart.breakdowns.map(
      (b) =>
        `<option value="${esc(b.dimension)}"${b.dimension === opensBy ? " selected" : ""}>by ${esc(b.dimension)}${b.of > b.values.length ? ` (top ${b.values.length} of ${b.of})` : ""}</option>`,
    ),
  ];
  const grains = chart.grains.map(
    (g) => `<option value="${g.grain}"${g.grain === s.grain ? " selected" : ""}>by ${g.grain}</option>`,
  );
  const controls = [
    chart.breakdowns.length ? `<select class="view" aria-label="split by">${views.join("")}</select>` : "",
    chart.grains.some((g) => g.year_ago.length)
      ? `<label><input type="checkbox" class="compare"${chart.year_ago.length ? "" : " disabled"}> vs a year earlier</label>`
      : "",
    grains.length > 1
      ? `<select class="grain" aria-label="grain">${grains.join("")}</select>`
      : `<span>by ${esc(s.grain)}</span>`,
  ].join("");
  const body = chart.error
    ? `<p class="muted plot">${esc(chart.error)}</p>`
    : chart.points.length
      ? `<div class="plot" data-chart="${esc(chart.id)}"></div>`
      : `<p class="muted plot">no rows in ${esc(s.mart)} yet</p>`;
  return `<section class="chart-card ${chart.receipt.state === "ok" ? "" : chart.receipt.state}" id="${esc(chart.id)}" data-metric="${esc(s.metric)}" data-grain="${esc(s.grain)}" data-state="${chart.receipt.state}">
<div class="chart-head"><div><h3>${esc(s.label)}</h3>${headlineHtml(chart)}<div class="desc">${esc(s.description)}</div></div>
<div class="controls">${controls}</div></div>
${body}
${receiptHtml(ctx, chart)}
${chart.sql ? `<details><summary>how this is computed</summary><pre class="sql">${esc(chart.sql)}</pre><div class="muted">bound values: <span class="params">${esc(JSON.stringify(chart.params))}</span></div></details>` : ""}
</section>`;
}

/** What the browser needs to draw a page's charts, at every grain of the switch; the numbers are the collected ones, untouched. */
function chartsJson(charts: ChartData[]) {
  return charts
    .filter((c) => c.points.length && !c.error)
    .map((c) => ({
      id: c.id,
      metric: c.spec.metric,
      label: c.spec.label,
      type: c.spec.type,
      grain: c.spec.grain,
      format: c.spec.format,
      unit: c.spec.unit,
      breakdown: c.spec.breakdown,
      grains: c.grains.map((g) => ({
        grain: g.grain,
        periods: g.points.map((p) => p.period),
        labels: g.points.map((p) => p.label),
        values: g.points.map((p) => p.value),
        last_to_date: g.last_to_date,
        year_ago: g.year_ago,
        breakdowns: g.breakdowns,
        sql: g.sql,
        params: g.params,
      })),
    }));
}

export function dashboardPage(ctx: PageContext, data: DashboardsData, board: DashboardPage): string {
  const bad = board.charts.filter((c) => c.receipt.state === "bad").length;
  const body = `<h1>${esc(board.title)}</h1>
<p class="sub">${board.charts.length} metrics from the published build${data.snapshot ? "" : " (none yet: run <code>dp run</code>)"}${bad ? ` · <span class="st s-fail">${bad} on data that failed its checks</span>` : ""}. Every chart says which mart it reads, how fresh it is and how its tests stand.</p>
<div class="grid">
${board.charts.map((c) => chartCard(ctx, c)).join("\n")}
</div>
${scriptJson("dp-charts", chartsJson(board.charts))}`;
  return page(ctx, board.title, body, { charts: true });
}

export function tilesHtml(ctx: PageContext, data: DashboardsData): string {
  return data.pages
    .map(
      (p) =>
        `<h2><a href="${ctx.root}dashboards/${slug(p.slug)}.html">${esc(p.title)}</a></h2><div class="tiles">${p.charts
          .map(
            (c) =>
              `<a class="tile ${c.receipt.state === "ok" ? "" : c.receipt.state}" href="${ctx.root}dashboards/${slug(p.slug)}.html#${esc(c.id)}" data-metric="${esc(c.spec.metric)}"><div class="name">${esc(c.spec.label)}</div>${headlineHtml(c)}</a>`,
          )
          .join("")}</div>`,
    )
    .join("\n");
}
