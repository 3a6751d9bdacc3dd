import { formatValue } from "../../engine/catalog/metric-format.ts";
import { during } from "../../engine/catalog/period.ts";
import type { comparePeriods } from "../toolbox/compare-periods.ts";
import type { Intent } from "../planner/plan-types.ts";
import type { Check, Interpretation } from "../planner/understand.ts";
import { rowCurrency, type MetricResult } from "../toolbox/query-metric.ts";
import type { topN } from "../toolbox/top-n.ts";
import { meets } from "./bound.ts";
import { composeAnswer, type RoledResult } from "./compose.ts";

type Out<T extends { run: (...a: never[]) => Promise<unknown> }> = Awaited<ReturnType<T["run"]>>;

/** One side of a check: its value and how the answer writes it; undefined when it has no single value. */
interface Said {
  value: number;
  text: (v: number) => string;
  label: string;
}

function metricSide(r: RoledResult): Said | undefined {
  if (r.name === "top_n") {
    const o = r.output as unknown as Out<typeof topN>;
    const kept = o.filters
      .filter((f) => f.op === "=")
      .map((f) => `${f.column} ${String(f.value)}`)
      .join(", ");
    return {
      value: o.matched.rows,
      text: (v) => formatValue(v, "number"),
      label: `${o.mart}${kept ? ` (${kept})` : ""}`,
    };
  }
  if (r.name !== "query_metric") return undefined;
  const o = r.output as unknown as MetricResult;
  const rows = o.rows.filter((x) => x.rows);
  const row = rows[0];
  if (rows.length !== 1 || o.currency_split || !row || row.value === null) return undefined;
  const kept = o.filters
    .filter((f) => f.op === "=" && f.dimension !== o.currency_column)
    .map((f) => `${f.dimension} ${String(f.value)}`)
    .join(", ");
  return {
    value: row.value,
    // a number in days or minutes says its unit itself ("295 minutes")
    text: (v) => formatValue(v, o.format, rowCurrency(o, row) ?? o.unit ?? undefined),
    label: `${o.label}${kept ? ` (${kept})` : ""}`,
  };
}

/** A share of one metric over another ("failed payments as a share of payment attempts"), as one side */
function shareSide(results: RoledResult[]): Said | undefined {
  const [part, whole] = ["left", "share"].map((role) => results.find((r) => r.role === role));
  if (part?.name !== "query_metric" || whole?.name !== "query_metric") return undefined;
  const [a, b] = [part, whole].map((r) => metricSide(r));
  if (!a || !b || !b.value) return undefined;
  return {
    value: a.value / b.value,
    text: (v) => formatValue(v, "percent"),
    label: `${a.label} as a share of ${b.label}`,
  };
}

/** Two values the same at the answer's rounding are written with more digits, so "3.0% is below 3.0%" never shows. */
function apart(a: number, b: number, text: (v: number) => string): [string, string] {
  const [ta, tb] = [text(a), text(b)];
  if (ta !== tb || a === b) return [ta, tb];
  const fine = (v: number) => String(Number(v.toPrecision(6)));
  return [`${ta} (${fine(a)})`, `${tb} (${fine(b)})`];
}

function holds(check: Check, diff: number): boolean {
  const hib = check.higher_is_better ?? true;
  switch (check.claim) {
    case "more":
      return diff > 0;
    case "less":
      return diff < 0;
    case "better":
      return hib ? diff > 0 : diff < 0;
    case "worse":
      return hib ? diff < 0 : diff > 0;
    default:
      return false;
  }
}

/** "(worse)": the asker's judgement of a difference, by the metric's direction (churn up is worse) */
function judged(check: Check, diff: number): string {
  if (diff === 0 || (check.claim !== "better" && check.claim !== "worse")) return "";
  return ` (${(check.higher_is_better ?? true) === diff > 0 ? "better" : "worse"}: ${(check.higher_is_better ?? true) ? "higher" : "lower"} is better)`;
}

function thresholdLine(check: Check, side: Said | undefined): string | undefined {
  if (!side || check.value === undefined || !check.op) return undefined;
  const v = side.value;
  const f = check.value;
  const pass = meets(v, check.op, f);
  const [tv, tf] = apart(v, f, side.text);
  const where = v > f ? "above" : v < f ? "below" : "exactly at";
  return `${pass ? "Yes" : "No"} — ${tv} is ${where} ${tf}.`;
}

/** Whether an approximate figure holds: within the tolerance (a share of the figure) yes, within twice it close. */
export function approxVerdict(value: number, figure: number, tolerance: number): "Yes" | "Close" | "No" {
  const off = Math.abs(value - figure) / Math.abs(figure);
  return off <= tolerance + 1e-12 ? "Yes" : off <= 2 * tolerance + 1e-12 ? "Close" : "No";
}

/** "around 60k": yes within the tolerance, close within twice it, no beyond; the real value and how far off, said */
function approxLine(check: Check, side: Said | undefined): string | undefined {
  if (!side || check.value === undefined || !check.tolerance || check.value === 0) return undefined;
  const v = side.value;
  const f = check.value;
  const off = Math.abs(v - f) / Math.abs(f);
  const pct = Math.round(check.tolerance * 100);
  const verdict = approxVerdict(v, f, check.tolerance);
  const how =
    verdict === "Yes"
      ? `within ${pct}% of`
      : verdict === "Close"
        ? `not within ${pct}% but within ${pct * 2}% of`
        : `more than ${pct * 2}% off`;
  return `${verdict} — ${side.label} was ${side.text(v)}, ${how} the ${side.text(f)} you had (${Math.round(off * 100)}% ${v >= f ? "above" : "below"} it).`;
}

function periodsLine(check: Check, o: Out<typeof comparePeriods>): string | undefined {
  const [a, b] = [o.current.value, o.previous.value];
  if (o.by_currency.length || a === null || b === null) return undefined;
  const [ta, tb] = apart(a, b, (v) => formatValue(v, o.format, o.unit ?? undefined));
  const diff = a - b;
  const [cur, prev] = [during(o.current.period.label), during(o.previous.period.label)];
  const said = diff === 0 ? `the same ${cur} as ${prev}` : `${diff > 0 ? "higher" : "lower"} ${cur} than ${prev}`;
  if (check.either) return eitherLine(check, o.label, diff, [cur, ta], [prev, tb]);
  return `${holds(check, diff) ? "Yes" : "No"} — ${o.label} was ${said}${judged(check, diff)}: ${ta} vs ${tb}.`;
}

/** "was churn better in Q2 or Q3": the period that is better (higher, more) named first, with both values */
function eitherLine(check: Check, label: string, diff: number, a: [string, string], b: [string, string]): string {
  if (diff === 0) return `Neither — ${label} was the same ${a[0]} as ${b[0]}: ${a[1]}.`;
  const hib = check.higher_is_better ?? true;
  const judging = check.claim === "better" || check.claim === "worse";
  // the side the question's word picks: higher for more, the better one for better, the worse one for worse
  const wantsHigher =
    check.claim === "more" ? true : check.claim === "less" ? false : check.claim === "better" ? hib : !hib;
  const [win, lose] = wantsHigher === diff > 0 ? [a, b] : [b, a];
  const word = judging ? check.claim! : wantsHigher ? "higher" : "lower";
  const how = judging ? ` (${hib ? "higher" : "lower"} is better)` : "";
  const name = win[0].replace(/^(?:in|on|of)\s+/, "");
  return `${name.charAt(0).toUpperCase()}${name.slice(1)} — ${label} was ${word} ${win[0]} than ${lose[0]}${how}: ${win[1]} vs ${lose[1]}.`;
}

function versusLine(check: Check, a: Said | undefined, b: Said | undefined): string | undefined {
  if (!a || !b) return undefined;
  const [ta, tb] = apart(a.value, b.value, a.text);
  const diff = a.value - b.value;
  const said = diff > 0 ? "higher than" : diff < 0 ? "lower than" : "the same as";
  return `${holds(check, diff) ? "Yes" : "No"} — ${a.label} was ${said} ${b.label}${judged(check, diff)}: ${ta} vs ${tb}.`;
}

/**
 * A belief check's answer: yes or no first, with the number(s) that settle it, then the answer as usual. When a side
 * has no single value (per currency, no data) no verdict is given, and the usual answer says why.
 */
export function checkAnswer(intent: Intent, results: RoledResult[], reading: Interpretation): string[] {
  const check = reading.yes_no!;
  const usual = (i: Intent, group: RoledResult[]) =>
    composeAnswer(i, group, reading.argmax?.direction, reading.argmax?.n, reading);
  if (check.kind === "versus") {
    const groups: RoledResult[][] = [];
    for (const r of results) {
      if (r.role === "main") groups.push([r]);
      else groups.at(-1)?.push(r);
    }
    const [ga, gb] = groups;
    const line = ga && gb ? versusLine(check, metricSide(ga[0]!), metricSide(gb[0]!)) : undefined;
    const body = groups.flatMap((g) => usual(intent, g));
    return line ? [line, ...body] : [`I can't say yes or no: one side has no single value.`, ...body];
  }
  const main = results.find((r) => r.role === "main");
  const body = usual(intent, results);
  // "is the payment failure rate above 10%": a share of two metrics (left over share) against a percentage
  if (!main && check.kind === "threshold") {
    const line = thresholdLine(check, shareSide(results));
    return line ? [line, ...body] : body;
  }
  if (!main) return body;
  const line =
    check.kind === "threshold"
      ? thresholdLine(check, metricSide(main))
      : check.kind === "approx"
        ? approxLine(check, metricSide(main))
        : main.name === "compare_periods"
          ? periodsLine(check, main.output as unknown as Out<typeof comparePeriods>)
          : undefined;
  return line ? [line, ...body] : body;
}
