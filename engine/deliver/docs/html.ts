import { STYLE } from "./style.ts";

/** Served pages carry the ask box; static ones (`dp docs`) cannot ask and say how to. */
export type SiteMode = "static" | "served";

export interface PageContext {
  project: string;
  mode: SiteMode;
  /** "" for pages at the site's root, "../" one folder down */
  root: string;
  /** the dashboard pages, for the menu */
  dashboards: { slug: string; title: string }[];
  /** top-level section this page belongs to, highlighted in the menu */
  section: string;
  publishedAt?: string;
}

export const esc = (s: unknown) =>
  String(s ?? "").replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );

/** A name safe in a file name and an id: models and pages are lowercase identifiers already, this keeps it so. */
export const slug = (name: string) => name.replace(/[^A-Za-z0-9_-]/g, "_");

export function status(s: string | undefined): string {
  const v = s ?? "never";
  return `<span class="st s-${esc(v.replace(/\s+/g, "-"))}">${esc(v)}</span>`;
}

export function fmtTime(iso: string | null | undefined): string {
  return iso
    ? esc(
        iso
          .replace("T", " ")
          .replace(/\.\d+Z$/, "Z")
          .replace(/:\d\dZ$/, " UTC"),
      )
    : '<span class="muted">—</span>';
}

/** JSON inside a <script> element: `</script>` and `<!--` in data cannot end it. */
export function scriptJson(id: string, value: unknown): string {
  const text = JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
  return `<script type="application/json" id="${esc(id)}">${text}</script>`;
}

function nav(ctx: PageContext): string {
  const link = (section: string, href: string, text: string) =>
    `<a href="${ctx.root}${href}"${ctx.section === section ? ' class="on"' : ""}>${esc(text)}</a>`;
  const boards = ctx.dashboards
    .map(
      (d) =>
        `<a href="${ctx.root}dashboards/${slug(d.slug)}.html"${ctx.section === `dashboard:${d.slug}` ? ' class="on"' : ""}>${esc(d.title)}</a>`,
    )
    .join("");
  return `<nav class="top"><a class="brand" href="${ctx.root}index.html">${esc(ctx.project)}</a>
<span class="group">${boards}</span><span class="sep"></span>
<span class="group">${link("models", "models.html", "Models")}${link("metrics", "metrics.html", "Metrics")}${link("lineage", "lineage.html", "Lineage")}${link("tests", "tests.html", "Tests")}${link("sources", "sources.html", "Sources")}</span>
<div class="search"><input id="search" type="search" placeholder="Search models, columns, metrics  ( / )" autocomplete="off" aria-label="search models, columns and metrics"><div id="search-results" role="listbox" hidden></div></div></nav>`;
}

/** Every page: the same head, menu and search; the page's own body; the bundled scripts (no CDN, works from file://). */
export function page(ctx: PageContext, title: string, body: string, options: { charts?: boolean } = {}): string {
  const scripts = [
    options.charts ? `<script src="${ctx.root}assets/uplot.js"></script>` : "",
    `<script src="${ctx.root}assets/search-index.js"></script>`,
    `<script src="${ctx.root}assets/site.js"></script>`,
  ].join("");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} — ${esc(ctx.project)}</title><link rel="icon" href="data:,">
${options.charts ? `<link rel="stylesheet" href="${ctx.root}assets/uplot.css">` : ""}<style>${STYLE}</style></head>
<body data-root="${ctx.root}" data-mode="${ctx.mode}">
${nav(ctx)}
<main>
${body}
</main>
<footer>${esc(ctx.project)} · published ${fmtTime(ctx.publishedAt)} · made by dp ${ctx.mode === "served" ? "serve" : "docs"}</footer>
${scripts}
</body></html>
`;
}
