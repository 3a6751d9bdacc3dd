import type { DocModel, DocsData, DocTest } from "./collect.ts";
import { esc, fmtTime, page, slug, status, type PageContext } from "./html.ts";
import { LINEAGE_LEGEND, lineageSvg } from "./lineage.ts";

const passedOf = (tests: DocTest[]) => tests.filter((t) => t.status === "pass" || t.status === "warn").length;
const failing = (t: DocTest) => t.status === "fail" || t.status === "error";
const modelHref = (ctx: PageContext, name: string) => `${ctx.root}models/${slug(name)}.html`;

/** The tests table: fixed column widths so ids and messages wrap instead of running off a 1,400 px screen. */
export function testsTable(ctx: PageContext, tests: DocTest[], showModel = true): string {
  if (!tests.length) return '<p class="muted">no tests</p>';
  const cols = ["c-id", ...(showModel ? ["c-model"] : []), "c-kind", "c-sev", "c-st", "c-fail", "c-msg"];
  return `<table class="tests"><colgroup>${cols.map((c) => `<col class="${c}">`).join("")}</colgroup>
<thead><tr><th>test</th>${showModel ? "<th>model</th>" : ""}<th>kind</th><th>severity</th><th>status</th><th class="num">failures</th><th>message</th></tr></thead><tbody>
${tests
  .map(
    (t) =>
      `<tr data-status="${esc(t.status)}" data-test="${esc(t.id)}"><td><code>${esc(t.id)}</code></td>${showModel ? `<td><a href="${modelHref(ctx, t.model)}">${esc(t.model)}</a></td>` : ""}<td>${esc(t.kind)}</td><td>${esc(t.severity)}</td><td>${status(t.status)}</td><td class="num">${t.failures}</td><td>${esc(t.message)}${t.testedAt ? `<div class="muted">${fmtTime(t.testedAt)}</div>` : ""}</td></tr>`,
  )
  .join("\n")}
</tbody></table>`;
}

export function testsPage(ctx: PageContext, data: DocsData): string {
  const bad = data.tests.filter(failing).length;
  const body = `<h1>Tests</h1>
<p class="sub">${passedOf(data.tests)}/${data.tests.length} passing${bad ? ` · <span class="s-fail st">${bad} failing</span>` : ""} — the last result of every data test, singular test and unit test in the published build.</p>
<div class="toolbar"><input id="tests-filter" type="search" placeholder="filter by test, model or message" aria-label="filter tests"><select id="tests-status" aria-label="status"><option value="">any status</option><option>pass</option><option>fail</option><option>warn</option><option>error</option><option>not run</option></select><span id="tests-count" class="muted"></span></div>
${testsTable(ctx, data.tests)}`;
  return page(ctx, "Tests", body);
}

export function modelsPage(ctx: PageContext, data: DocsData): string {
  const rows = data.models
    .map((m) => {
      const tests = m.tests;
      return `<tr><td><a href="${modelHref(ctx, m.name)}"><code>${esc(m.name)}</code></a></td><td>${esc(m.schema)}</td><td>${esc(m.description ?? "")}</td><td>${status(m.lastRun?.status)}</td><td class="num">${m.lastRun?.rows ?? ""}</td><td class="num">${tests.length ? `${passedOf(tests)}/${tests.length}` : ""}</td></tr>`;
    })
    .join("\n");
  const body = `<h1>Models</h1><p class="sub">${data.models.length} models: staging cleans one source each, marts are the business concepts every reader uses.</p>
<table><thead><tr><th style="width:22%">model</th><th style="width:8%">schema</th><th>description</th><th style="width:8%">last build</th><th class="num" style="width:8%">rows</th><th class="num" style="width:8%">tests</th></tr></thead><tbody>${rows}</tbody></table>`;
  return page(ctx, "Models", body);
}

export function modelPage(ctx: PageContext, data: DocsData, m: DocModel): string {
  const run = m.lastRun;
  const cols = m.columns.length
    ? `<table class="columns"><thead><tr><th style="width:24%">column</th><th style="width:14%">type</th><th>description</th><th style="width:26%">from</th></tr></thead><tbody>${m.columns
        .map(
          (c) =>
            `<tr id="col-${slug(c.name)}"><td><code>${esc(c.name)}</code>${c.pii ? ' <span class="pill pii">PII</span>' : ""}</td><td><code>${esc(c.type ?? "")}</code></td><td>${esc(c.description ?? "")}</td><td class="muted">${c.from ? `<code>${esc(c.from)}</code>` : ""}</td></tr>`,
        )
        .join("")}</tbody></table>`
    : '<p class="muted">not built yet; no columns declared</p>';
  const metrics = data.metrics.filter((x) => x.mart === m.name);
  const reads = [
    ...m.sources.map((s) => `<a href="${ctx.root}sources.html">raw ${esc(s)}</a>`),
    ...m.parents.map((p) => `<a href="${modelHref(ctx, p)}">${esc(p)}</a>`),
  ];
  const readBy = m.children.map((c) => `<a href="${modelHref(ctx, c)}">${esc(c)}</a>`);
  const body = `<h1><span class="muted">${esc(m.schema)}.</span>${esc(m.name)} ${m.tags.map((t) => `<span class="pill">${esc(t)}</span>`).join("")}${m.contract ? '<span class="pill">contract</span>' : ""}</h1>
<p class="sub">${esc(m.description ?? "no description")}</p>
<div class="facts"><span><code>${esc(m.path)}</code></span><span>${esc(m.materialized)}</span>${m.owner ? `<span>owner ${esc(m.owner)}</span>` : ""}<span>last build ${status(run?.status)}</span>${run?.rows != null ? `<span>${run.rows} rows</span>` : ""}<span>built ${fmtTime(run?.builtAt)}</span><span>data as of ${fmtTime(run?.asOf)}</span>${m.tests.length ? `<span>tests ${passedOf(m.tests)}/${m.tests.length}</span>` : ""}</div>
${run?.error ? `<p class="issue">${esc(run.error)}</p>` : ""}
<p><b>reads</b> ${reads.join(", ") || '<span class="muted">nothing</span>'} &nbsp; · &nbsp; <b>read by</b> ${readBy.join(", ") || '<span class="muted">nothing</span>'}</p>
<div class="lineage-box small">${lineageSvg(data, { root: ctx.root, focus: m.name, id: "model-lineage" })}</div>
<h2>Columns</h2>
${cols}
${metrics.length ? `<h2>Metrics on this mart</h2><ul>${metrics.map((x) => `<li><a href="${ctx.root}metrics.html#metric-${slug(x.name)}"><code>${esc(x.name)}</code></a> — ${esc(x.description)}</li>`).join("")}</ul>` : ""}
<h2>Tests</h2>
${testsTable(ctx, m.tests, false)}
<h2>SQL</h2>
<details open><summary>as written (<code>${esc(m.path)}</code>)</summary><pre class="sql" id="sql-source">${esc(m.sql.trimEnd())}</pre></details>
<details><summary>compiled (refs and sources resolved, as a full build runs it)</summary><pre class="sql" id="sql-compiled">${esc(m.compiledSql.trimEnd())}</pre></details>`;
  return page(ctx, `${m.schema}.${m.name}`, body);
}

export function metricsPage(ctx: PageContext, data: DocsData, pageOf: Map<string, string>): string {
  const rows = data.metrics
    .map((x) => {
      const board = pageOf.get(x.name);
      return `<tr id="metric-${slug(x.name)}"><td><code>${esc(x.name)}</code><div>${esc(x.label ?? "")}</div></td><td>${esc(x.description)}${x.synonyms.length ? `<div class="muted">also: ${esc(x.synonyms.join(", "))}</div>` : ""}</td><td><a href="${modelHref(ctx, x.mart)}">${esc(x.mart)}</a></td><td><code>${esc(x.expression)}</code></td><td>${esc(x.time_column)} · ${esc(x.grain)} · ${esc(x.time_rollup)}</td><td>${esc(x.dimensions.join(", "))}</td><td>${board ? `<a href="${ctx.root}dashboards/${slug(board)}.html#chart-${slug(x.name)}">chart</a>` : '<span class="muted">none</span>'}</td></tr>`;
    })
    .join("");
  const body = `<h1>Metrics</h1><p class="sub">${data.metrics.length} named metrics: what <code>dp ask</code>, the dashboards and MCP clients compute, each from one mart.</p>
${data.metrics.length ? `<table class="metrics"><thead><tr><th style="width:15%">metric</th><th>description</th><th style="width:11%">mart</th><th style="width:20%">expression</th><th style="width:12%">time · grain · rollup</th><th style="width:12%">dimensions</th><th style="width:6%">chart</th></tr></thead><tbody>${rows}</tbody></table>` : '<p class="muted">no metrics defined</p>'}`;
  return page(ctx, "Metrics", body);
}

export function sourcesPage(ctx: PageContext, data: DocsData): string {
  const body = `<h1>Sources</h1><p class="sub">Every source, its owner and freshness SLA, and when it was last pulled.</p>
${data.freshness.length ? `<table class="freshness"><thead><tr><th>source</th><th>connector</th><th>owner</th><th>last pull</th><th>status</th><th>warn / error after</th><th class="num">rows</th></tr></thead><tbody>${data.freshness.map((f) => `<tr id="source-${slug(f.source)}"><td>${esc(f.source)}</td><td>${esc(f.connector)}</td><td>${esc(f.owner ?? "")}</td><td>${fmtTime(f.lastSuccessAt)}</td><td>${status(f.status)}</td><td>${esc(f.warnAfter ?? "—")} / ${esc(f.errorAfter ?? "—")}</td><td class="num">${f.rows}</td></tr>`).join("")}</tbody></table>` : '<p class="muted">no sources</p>'}`;
  return page(ctx, "Sources", body);
}

export function lineagePage(ctx: PageContext, data: DocsData): string {
  const body = `<h1>Lineage</h1>
<p class="sub">raw source streams → staging → marts. Click a node to light up what it reads and what reads it; open its page from the link. ${data.models.length} models.</p>
<div class="toolbar">${LINEAGE_LEGEND}<span style="margin-left:auto"></span><input id="lineage-filter" type="search" placeholder="highlight a model" aria-label="highlight a model"><button id="zoom-out" type="button">−</button><button id="zoom-fit" type="button">fit</button><button id="zoom-in" type="button">+</button></div>
<div class="lineage-box" id="lineage-box">${lineageSvg(data, { root: ctx.root })}</div>`;
  return page(ctx, "Lineage", body);
}
