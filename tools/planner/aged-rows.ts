import type { Catalog, CatalogModel } from "../../engine/catalog/catalog.ts";
import { execSaid } from "./may-match.ts";
import { countRowsCall } from "./count-rows.ts";
import type { Plan, Refusal } from "./plan-types.ts";
import { NUMBER_WORDS } from "./periods.ts";
import { wordsOf } from "./text.ts";

/**
 * Rows counted by their age (#15, batch 50): "how many open deals are more than 90 days old", "open Enterprise deals
 * created over 180 days ago — how many?", "number of open deals older than 2 months" (HubSpot's deal age). The age is
 * a column the model declares — an integer column with the synonym "age" (deals.age_days: days from the create date
 * to the data's now, open deals only) — so the count is the rows with an age past the bound. The rest of the
 * question, without the bound, must read as a count metric over rows of that kind ("how many open deals in the
 * Enterprise pipeline": open_deals, a stock at the latest instant — an age is taken now, so "won deals" (a flow) or
 * "open at the end of Q3" are never read), and each filter it keeps must be a column of the aged mart; anything else is
 * left to the other readings (which ask back). A bound in weeks or months is said in days (7 and 30 a unit are no
 * calendar: "over 2 months" is read as more than 60 days and said so).
 */
const UNIT_DAYS: Record<string, number> = { day: 1, days: 1, week: 7, weeks: 7 };
const FIGURE = String.raw`(\d+|[a-z]+)\s+(days?|weeks?)`;
/** "more than 90 days old", "over 90 days old", "older than 90 days", "created over 180 days ago" */
const AGED = new RegExp(
  String.raw`\b(?:(?:that\s+)?(?:are|is|were)\s+)?(?:(more\s+than|over|at\s+least|less\s+than|under|fewer\s+than)\s+${FIGURE}\s+old|(older|younger|newer)\s+than\s+${FIGURE}|(?:created|opened|added)\s+(more\s+than|over|at\s+least|less\s+than|under|within\s+the\s+last|in\s+the\s+last)\s+${FIGURE}(?:\s+ago)?)\b`,
);
const OPS: Record<string, string> = {
  "more than": ">",
  over: ">",
  "at least": ">=",
  "less than": "<",
  under: "<",
  "fewer than": "<",
  older: ">",
  younger: "<",
  newer: "<",
  "within the last": "<=",
  "in the last": "<=",
};
/** the rows said: the noun counted, as the mart names them */
const stems = (p: string) =>
  wordsOf(p.toLowerCase())
    .map((w) => w.stem)
    .join(" ");

function ageColumn(mart: CatalogModel) {
  return mart.columns.find(
    (c) => /^(?:TINYINT|SMALLINT|INTEGER|BIGINT)/i.test(c.type ?? "") && (c.synonyms ?? []).includes("age"),
  );
}

export function agedRows(text: string, catalog: Catalog, again: (q: string) => Plan | Refusal): Plan | undefined {
  const t = text.toLowerCase().replace(/[?!.]+$/, "");
  const m = execSaid(AGED, t);
  if (!m) return undefined;
  const op = OPS[(m[1] ?? m[4] ?? m[7])!.replace(/\s+/g, " ")];
  const figure = (m[2] ?? m[5] ?? m[8])!;
  const unit = (m[3] ?? m[6] ?? m[9])!;
  const n = /^\d+$/.test(figure) ? Number(figure) : NUMBER_WORDS[figure];
  if (!op || n === undefined || !Number.isFinite(n)) return undefined;
  const days = n * UNIT_DAYS[unit]!;
  // the question without the bound: "how many open deals in the enterprise pipeline"
  const rest = `${t.slice(0, m.index)} ${t.slice(m.index + m[0].length)}`
    .replace(/\s*[—–-]+\s*how\s+many\s*$/, "")
    .replace(/\s+/g, " ")
    .trim();
  const asked = /^(?:how\s+many|number\s+of|count\s+of)\b/.test(rest) ? rest : `how many ${rest}`;
  const read = again(asked);
  if (read.status !== "plan" || read.intent !== "metric" || read.calls.length < 1) return undefined;
  const main = read.calls.find((c) => c.role === "main");
  if (main?.name !== "query_metric") return undefined;
  const input = main.input as {
    metric: string;
    period?: unknown;
    filters?: { dimension: string; op: string; value: unknown }[];
  };
  const metric = catalog.metrics.find((x) => x.name === input.metric);
  // an age is taken now: the rows counted are a stock at the latest instant ("open deals"), never a flow over a
  // period ("won deals" have no age) nor a stock at another instant ("open at the end of Q3")
  if (!metric || metric.format !== "number" || metric.time_rollup !== "last" || input.period !== "latest")
    return undefined;
  if (!/^sum\(|^count\(/.test(metric.expression.trim())) return undefined;
  // the aged mart: the one whose rows the metric counts, by the noun in its name ("open deals" → deals)
  const mart = catalog.marts().find((mm) => {
    const age = ageColumn(mm);
    return (
      age &&
      stems(metric.name.replaceAll("_", " "))
        .split(" ")
        .includes(stems(mm.name.replaceAll("_", " ")))
    );
  });
  const age = mart && ageColumn(mart);
  if (!mart || !age) return undefined;
  const columns = new Set(mart.columns.map((c) => c.name));
  const filters = (input.filters ?? []).map((f) => ({ column: f.dimension, op: f.op, value: f.value }));
  if (filters.some((f) => !columns.has(f.column))) return undefined;
  const money = mart.columns.find((c) => c.currency_column && /amount/.test(c.name))?.name;
  const label = mart.columns.find((c) => /name$/.test(c.name) && !c.pii)?.name ?? age.name;
  const said = `${op === ">" ? "more than" : op === ">=" ? "at least" : op === "<" ? "less than" : "at most"} ${days} days old`;
  return {
    status: "plan",
    intent: "count_rows",
    calls: [countRowsCall(mart, money ?? age.name, [...filters, { column: age.name, op, value: days }], { label })],
    interpretation: read.interpretation && {
      ...read.interpretation,
      read_as: `${read.interpretation.metric_label} ${said}, counted now (${read.interpretation.period.end})${filters.length ? ` (${filters.map((f) => `${f.column} = ${String(f.value)}`).join(", ")})` : ""} — the age is ${mart.name}.${age.name}: ${age.description ? age.description.charAt(0).toLowerCase() + age.description.slice(1) : "days"}`,
      why: [
        ...read.interpretation.why,
        `"${m[0].trim()}": ${mart.name}.${age.name} ${op} ${days}, the rows of ${metric.name} counted by their age`,
      ],
    },
  };
}
