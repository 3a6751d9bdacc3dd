import type { DocModel, DocsData, DocTest } from "./collect.ts";
import { layoutDag, type Layout } from "./layout.ts";

const esc = (s: unknown) =>
  String(s ?? "").replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );

const anchor = (kind: string, name: string) => `${kind}-${name.replace(/[^A-Za-z0-9_-]/g, "_")}`;

const STYLE = `
:root { --fg:#1d2330; --muted:#5d6778; --line:#d9dee7; --bg:#f7f8fa; --ok:#1a7f37; --warn:#9a6700; --bad:#cf222e; --src:#eef4ff; --stg:#f3f0ff; --mart:#e9f7ef; }
* { box-sizing: border-box; }
body { margin:0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color:var(--fg); background:#fff; }
header { padding:18px 28px; border-bottom:1px solid var(--line); background:var(--bg); }
header h1 { margin:0; font-size:20px; } header p { margin:4px 0 0; color:var(--muted); }
nav { padding:8px 28px; border-bottom:1px solid var(--line); } nav a { margin-right:16px; color:#0969da; text-decoration:none; }
main { padding:8px 28px 40px; max-width:1400px; }
h2 { margin-top:28px; border-bottom:1px solid var(--line); padding-bottom:4px; } h3 { margin:22px 0 4px; }
table { border-collapse:collapse; margin:8px 0; } th, td { text-align:left; padding:4px 10px; border-bottom:1px solid var(--line); vertical-align:top; }
th { background:var(--bg); font-weight:600; } td.num { text-align:right; font-variant-numeric: tabular-nums; }
code { font: 12.5px ui-monospace, SFMono-Regular, Menlo, monospace; }
.muted { color:var(--muted); } .pill { display:inline-block; padding:0 7px; border-radius:9px; font-size:12px; border:1px solid var(--line); margin-right:4px; }
.s-pass, .s-success, .s-fresh { color:var(--ok); font-weight:600; } .s-warn { color:var(--warn); font-weight:600; }
.s-fail, .s-error, .s-failed, .s-skipped { color:var(--bad); font-weight:600; } .s-never, .s-unknown, .s-not-run { color:var(--muted); }
.pii { background:#fff1e5; border-color:#f0b37e; }
.lineage { overflow:auto; border:1px solid var(--line); border-radius:6px; background:#fff; }
svg .edge { fill:none; stroke:#9aa4b5; stroke-width:1.3; }
svg .node rect { stroke:#7d8799; stroke-width:1; rx:6; }
svg .node.source rect { fill:var(--src); } svg .node.staging rect { fill:var(--stg); } svg .node.marts rect { fill:var(--mart); }
svg .node.failed rect { stroke:var(--bad); stroke-width:2; }
svg .node text { font: 12px ui-monospace, Menlo, monospace; fill:var(--fg); }
svg a:hover rect { stroke:#0969da; stroke-width:2; }
`;

function status(s: string | undefined): string {
  const v = s ?? "never";
  return `<span class="s-${esc(v.replace(/\s+/g, "-"))}">${esc(v)}</span>`;
}

function fmtTime(iso: string | null | undefined): string {
  return iso
    ? esc(
        iso
          .replace("T", " ")
          .replace(/\.\d+Z$/, "Z")
          .replace(/:00Z$/, "Z"),
      )
    : '<span class="muted">—</span>';
}

export function lineageLayout(data: DocsData): Layout {
  const sources = [...new Set(data.models.flatMap((m) => m.sources))];
  return layoutDag([
    ...sources.map((s) => ({ id: `source:${s}`, label: s, kind: "source", parents: [] })),
    ...data.models.map((m) => ({
      id: `model:${m.name}`,
      label: m.name,
      kind: m.schema,
      parents: [...m.sources.map((s) => `source:${s}`), ...m.parents.map((p) => `model:${p}`)],
    })),
  ]);
}

function lineageSvg(data: DocsData): string {
  const layout = lineageLayout(data);
  const failed = new Set(
    data.models.filter((m) => m.lastRun && m.lastRun.status !== "success").map((m) => `model:${m.name}`),
  );
  const edges = layout.edges.map(({ from, to }) => {
    const x1 = from.x + from.width,
      y1 = from.y + from.height / 2,
      x2 = to.x,
      y2 = to.y + to.height / 2,
      mx = (x1 + x2) / 2;
    return `<path class="edge" d="M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2 - 4},${y2}" marker-end="url(#arrow)"/>`;
  });
  const nodes = layout.nodes.map((n) => {
    const label = n.label.length > 26 ? `${n.label.slice(0, 25)}…` : n.label;
    const href = n.kind === "source" ? "#freshness" : `#${anchor("model", n.label)}`;
    return `<a href="${href}"><g class="node ${esc(n.kind)}${failed.has(n.id) ? " failed" : ""}" data-node="${esc(n.id)}"><title>${esc(n.kind)}: ${esc(n.label)}</title><rect x="${n.x}" y="${n.y}" width="${n.width}" height="${n.height}" rx="6"/><text x="${n.x + 10}" y="${n.y + n.height / 2 + 4}">${esc(label)}</text></g></a>`;
  });
  return `<svg id="lineage-graph" xmlns="http://www.w3.org/2000/svg" width="${layout.width}" height="${layout.height}" viewBox="0 0 ${layout.width} ${layout.height}" role="img" aria-label="lineage graph">
<defs><marker id="arrow" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L8,4 L0,8 z" fill="#9aa4b5"/></marker></defs>
${edges.join("\n")}
${nodes.join("\n")}
</svg>`;
}

function testRows(tests: DocTest[]): string {
  if (!tests.length) return '<p class="muted">no tests</p>';
  return `<table class="tests"><thead><tr><th>test</th><th>model</th><th>kind</th><th>severity</th><th>last status</th><th>failures</th><th>message</th><th>tested</th></tr></thead><tbody>
${tests.map((t) => `<tr data-status="${esc(t.status)}"><td><code>${esc(t.id)}</code></td><td>${esc(t.model)}</td><td>${esc(t.kind)}</td><td>${esc(t.severity)}</td><td>${status(t.status)}</td><td class="num">${t.failures}</td><td>${esc(t.message)}</td><td>${fmtTime(t.testedAt)}</td></tr>`).join("\n")}
</tbody></table>`;
}

function modelSection(m: DocModel): string {
  const run = m.lastRun;
  const cols = m.columns.length
    ? `<table class="columns"><thead><tr><th>column</th><th>type</th><th>description</th><th>from</th></tr></thead><tbody>${m.columns
        .map(
          (c) =>
            `<tr><td><code>${esc(c.name)}</code>${c.pii ? ' <span class="pill pii">PII</span>' : ""}</td><td><code>${esc(c.type ?? "")}</code></td><td>${esc(c.description ?? "")}</td><td class="muted">${c.from ? `<code>${esc(c.from)}</code>` : ""}</td></tr>`,
        )
        .join("")}</tbody></table>`
    : '<p class="muted">not built yet; no columns declared</p>';
  return `<section class="model" id="${anchor("model", m.name)}">
<h3>${esc(m.schema)}.${esc(m.name)} ${m.tags.map((t) => `<span class="pill">${esc(t)}</span>`).join("")}${m.contract ? '<span class="pill">contract</span>' : ""}</h3>
<p>${esc(m.description ?? "")}</p>
<p class="muted"><code>${esc(m.path)}</code> · ${esc(m.materialized)}${m.owner ? ` · owner ${esc(m.owner)}` : ""} · last build ${status(run?.status)}${run?.rows != null ? ` · ${run.rows} rows` : ""} · built ${fmtTime(run?.builtAt)} · data as of ${fmtTime(run?.asOf)}</p>
<p class="muted">reads: ${[...m.sources.map((s) => `raw ${esc(s)}`), ...m.parents.map((p) => `<a href="#${anchor("model", p)}">${esc(p)}</a>`)].join(", ") || "nothing"}</p>
${cols}
${m.tests.length ? `<details${m.tests.some((t) => t.status === "fail" || t.status === "error") ? " open" : ""}><summary>${m.tests.filter((t) => t.status === "pass").length}/${m.tests.length} tests passed</summary>${testRows(m.tests)}</details>` : ""}
</section>`;
}

export function renderDocs(data: DocsData): string {
  const marts = data.models.filter((m) => m.schema === "marts");
  const others = data.models.filter((m) => m.schema !== "marts");
  const passed = data.tests.filter((t) => t.status === "pass" || t.status === "warn").length;
  const failing = data.tests.filter((t) => t.status === "fail" || t.status === "error");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(data.project)} — data docs</title><style>${STYLE}</style></head>
<body>
<header><h1>${esc(data.project)} — data docs</h1>
<p>${data.models.length} models (${marts.length} marts) · ${data.metrics.length} metrics · tests ${passed}/${data.tests.length} passing${failing.length ? ` · <span class="s-fail">${failing.length} failing</span>` : ""} · published ${fmtTime(data.publishedAt)} · generated ${fmtTime(data.generatedAt)}</p></header>
<nav><a href="#lineage">Lineage</a><a href="#marts">Marts</a><a href="#models">Staging &amp; other models</a><a href="#metrics">Metrics</a><a href="#tests">Tests</a><a href="#freshness">Freshness</a></nav>
<main>
<h2 id="lineage">Lineage</h2>
<p class="muted">raw sources → staging → marts; click a node for its columns and tests.</p>
<div class="lineage">${lineageSvg(data)}</div>
<h2 id="marts">Marts</h2>
${marts.map(modelSection).join("\n") || '<p class="muted">no marts</p>'}
<h2 id="models">Staging &amp; other models</h2>
${others.map(modelSection).join("\n") || '<p class="muted">none</p>'}
<h2 id="metrics">Metrics</h2>
${data.metrics.length ? `<table class="metrics"><thead><tr><th>metric</th><th>description</th><th>mart</th><th>expression</th><th>time</th><th>dimensions</th></tr></thead><tbody>${data.metrics.map((m) => `<tr><td><code>${esc(m.name)}</code></td><td>${esc(m.description)}</td><td><a href="#${anchor("model", m.mart)}">${esc(m.mart)}</a></td><td><code>${esc(m.expression)}</code></td><td>${esc(m.time_column)} (${esc(m.grain)})</td><td>${esc(m.dimensions.join(", "))}</td></tr>`).join("")}</tbody></table>` : '<p class="muted">no metrics defined</p>'}
<h2 id="tests">Tests</h2>
${testRows(data.tests)}
<h2 id="freshness">Source freshness</h2>
${data.freshness.length ? `<table class="freshness"><thead><tr><th>source</th><th>connector</th><th>owner</th><th>last pull</th><th>status</th><th>warn / error after</th><th>rows</th></tr></thead><tbody>${data.freshness.map((f) => `<tr><td>${esc(f.source)}</td><td>${esc(f.connector)}</td><td>${esc(f.owner ?? "")}</td><td>${fmtTime(f.lastSuccessAt)}</td><td>${status(f.status)}</td><td>${esc(f.warnAfter ?? "—")} / ${esc(f.errorAfter ?? "—")}</td><td class="num">${f.rows}</td></tr>`).join("")}</tbody></table>` : '<p class="muted">no sources</p>'}
</main></body></html>
`;
}
