import type { DocsData } from "./collect.ts";
import { slug } from "./html.ts";

/** One thing search can find: a model, a column, a metric or a dashboard; href is relative to the site's root. */
export interface SearchEntry {
  kind: "model" | "column" | "metric" | "dashboard";
  name: string;
  /** where it lives: the model of a column, the mart of a metric */
  in: string;
  text: string;
  href: string;
}

export function searchIndex(docs: DocsData, pageOf: Map<string, string>): SearchEntry[] {
  const entries: SearchEntry[] = [];
  // marts first: on equal scores the browser keeps this order, and marts are what people look for
  const models = [...docs.models].sort((a, b) => Number(b.schema === "marts") - Number(a.schema === "marts"));
  for (const m of models) {
    entries.push({
      kind: "model",
      name: m.name,
      in: m.schema,
      text: [m.description, ...m.tags].filter(Boolean).join(" · "),
      href: `models/${slug(m.name)}.html`,
    });
    for (const c of m.columns)
      entries.push({
        kind: "column",
        name: c.name,
        in: m.name,
        text: [c.type, c.description, c.pii ? "PII" : ""].filter(Boolean).join(" · "),
        href: `models/${slug(m.name)}.html#col-${slug(c.name)}`,
      });
  }
  for (const x of docs.metrics) {
    const board = pageOf.get(x.name);
    entries.push({
      kind: "metric",
      name: x.name,
      in: x.mart,
      text: [x.label, x.description, ...x.synonyms].filter(Boolean).join(" · "),
      href: board ? `dashboards/${slug(board)}.html#chart-${slug(x.name)}` : `metrics.html#metric-${slug(x.name)}`,
    });
  }
  for (const board of new Set(pageOf.values()))
    entries.push({
      kind: "dashboard",
      name: board,
      in: "dashboards",
      text: "",
      href: `dashboards/${slug(board)}.html`,
    });
  return entries;
}
