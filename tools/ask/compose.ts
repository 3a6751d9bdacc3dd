import { BOUND_SAID } from "../planner/bound-op.ts";
import type { comparePeriods } from "../toolbox/compare-periods.ts";
import type { describeMart } from "../toolbox/describe-mart.ts";
import type { describeMetric } from "../toolbox/describe-metric.ts";
import type { explainLineage } from "../toolbox/explain-lineage.ts";
import { formatAge, now } from "../../engine/clock.ts";
import { formatChange, formatValue, humanize, sparkline } from "../../engine/catalog/metric-format.ts";
import type { Filter } from "../../engine/catalog/metric-query.ts";
import type { getFreshness } from "../toolbox/get-freshness.ts";
import type { ToolCallResult } from "../toolbox/index.ts";
import type { listMetrics } from "../toolbox/list-metrics.ts";
import { add, during, type Grain, labelOf, parseDate, truncate, ymd } from "../../engine/catalog/period.ts";
import type { CallRole, Intent } from "../planner/plan.ts";
import { type FormulaNode, type FormulaReading, spoken } from "../planner/formula.ts";
import type { Interpretation } from "../planner/understand.ts";
import { rowCurrency, type MetricResult, type MetricRow } from "../toolbox/query-metric.ts";
import { cohortLines } from "./cohort-lines.ts";
import { lineageLine, utcMinute } from "./receipt.ts";
import type { topN } from "../toolbox/top-n.ts";

type Out<T extends { run: (...a: never[]) => Promise<unknown> }> = Awaited<ReturnType<T["run"]>>;

export interface RoledResult extends ToolCallResult {
  role: CallRole;
}

const MAX_ROWS = 24;

function table(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => r[i]!.length))) ?? [];
  return rows.map(
    (r) => `  ${r.map((c, i) => (i === r.length - 1 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join("  ")}`,
  );
}

function capped(lines: string[], total: number): string[] {
  return total > MAX_ROWS
    ? [...lines.slice(0, MAX_ROWS), `  … ${total - MAX_ROWS} more rows (--json has them all)`]
    : lines;
}

/** The row's own currency (from the data) when it has one, else the result's. */

function value(r: MetricResult, v: number | null, row?: MetricRow): string {
  return formatValue(v, r.format, rowCurrency(r, row));
}

function dimText(r: MetricResult, row: MetricRow): string {
  return r.group_by
    .map((d) =>
      row[d] === null || row[d] === undefined
        ? "(none)"
        : d === r.currency_column
          ? String(row[d]).toUpperCase()
          : String(row[d]),
    )
    .join(" · ");
}

/** "$1,582 (USD) · €107.00 (EUR)": one value per currency, never their sum. */
function perCurrency(r: MetricResult, rows: MetricRow[]): string {
  return rows
    .map((row) => {
      const code = rowCurrency(r, row);
      // "12,000 (unknown currency)" already names it
      return code && /^[A-Z]{3}$/.test(code) ? `${value(r, row.value, row)} (${code})` : value(r, row.value, row);
    })
    .join(" · ");
}

/** How the currencies of a value were handled, said in the answer. */
function currencyNote(r: MetricResult): string {
  if (r.converted_to && r.fx_rate)
    return ` (every currency converted to ${r.converted_to} with the vars.fx_rates in project.yaml: 1 ${r.converted_to} = ${r.fx_rate} ${r.reporting_currency})`;
  if (r.converted_to) return ` (converted to ${r.converted_to} with the vars.fx_rates in project.yaml)`;
  if (r.currency_split)
    return `, one value per currency (project.yaml sets no vars.reporting_currency and fx_rates to convert them into one)`;
  if (r.currency_column && r.currencies.length > 1 && !r.group_by.includes(r.currency_column)) {
    const parts = (r.by_currency ?? []).map((p) => `${p.currency} ${formatValue(p.value, r.format)}`);
    return ` (${r.currencies.join(" and ")} customers counted together${parts.length ? `; ${parts.join(" · ")}` : ""})`;
  }
  return "";
}

/**
 * "all time" dated by its data: the period starts at the main call's first row, and the reading says the month
 * ("Revenue collected, total over all time (every month of data, from May 2025, the mart's first row)").
 */
export function datedAllTime(interpretation: Interpretation, results: RoledResult[]): Interpretation {
  if (interpretation.period.text !== "all time") return interpretation;
  const main = results.find((r) => r.name === "query_metric" && (r.role ?? "main") === "main");
  const first = (main?.output as MetricResult | undefined)?.data_range?.first?.slice(0, 10);
  if (!first) return interpretation;
  const from = monthYear(first);
  const read_as = interpretation.read_as.includes("from the mart's first row")
    ? interpretation.read_as.replace("from the mart's first row", `from ${from}, the mart's first row`)
    : interpretation.read_as.replace(/\ball time\b/, `all time (from ${from}, the mart's first row)`);
  return { ...interpretation, period: { ...interpretation.period, start: first }, read_as };
}

/** ": its data starts in January 2025": a period wholly before the mart's first row or after its last */
function outside(r: MetricResult): string {
  const { first, last } = r.data_range ?? {};
  if (!first || !last) return "";
  if (r.period.end <= first.slice(0, 10)) return `: its data starts in ${monthYear(first.slice(0, 10))}`;
  if (r.period.start > last.slice(0, 10)) return `: its data ends in ${monthYear(last.slice(0, 10))}`;
  return "";
}

// row.at comes from the warehouse, not the user: no parseDate (its error is about a period the user typed)
const monthOf = (date: string) => truncate(new Date(`${date}T00:00:00Z`), "month");
const monthYear = (date: string) => labelOf(monthOf(date), "month");
const nextMonth = (date: string) => ymd(add(monthOf(date), "month", 1));

function asOfNote(r: MetricResult, row: MetricRow | undefined): string {
  if (r.time_rollup !== "last" && r.time_rollup !== "first") return "";
  if (!row?.at || (row.at === r.period.start && r.period.end <= nextMonth(row.at))) return "";
  return ` (${r.time_rollup === "last" ? "as of" : "at"} ${monthYear(row.at)})`;
}

/**
 * "how has ARPA trended from January through October": a level's series is read by its two ends first — where it
 * started, where it is, and the change between them — then month by month (one currency, no split)
 */
function levelEnds(r: MetricResult): string[] {
  if (r.time_rollup !== "last" || r.group_by.length || r.currency_split) return [];
  const valued = r.rows.filter((row) => row.rows && row.value !== null);
  const [first, last] = [valued[0], valued.at(-1)];
  if (!first || !last || first === last) return [];
  return [
    `  from ${value(r, first.value, first)} (${first.period_label}) to ${value(r, last.value, last)} (${last.period_label}): ${formatChange(last.value, first.value, r.format, r.unit ?? undefined)}`,
  ];
}

export function trendLine(trend: MetricResult | undefined): string[] {
  if (!trend || trend.rows.length < 2) return [];
  const rows = trend.rows.slice(-8);
  return [
    `  ${sparkline(rows.map((r) => (r.rows ? r.value : null)))} ${trend.metric}, last ${rows.length} ${trend.grain}s (${rows[0]!.period_label} – ${rows.at(-1)!.period_label})`,
  ];
}

function filterText(r: MetricResult): string {
  if (!r.filters.length) return "";
  // "MRR in EUR", not "MRR for currency eur"
  const inCurrency = r.filters.find((f) => f.dimension === r.currency_column && f.op === "=");
  const rest = r.filters.filter((f) => f !== inCurrency);
  const code = inCurrency ? ` in ${String(inCurrency.value).toUpperCase()}` : "";
  if (!rest.length) return code;
  return `${code} for ${rest.map(filterWords).join(" and ")}`;
}

/** "plan other than Enterprise": a filter in the answer's words, so a left-out value cannot read as its opposite */
function filterWords(f: Filter): string {
  const op = f.op === "=" ? "" : f.op === "!=" || f.op === "not_in" ? "other than " : `${f.op} `;
  return `${f.dimension} ${op}${Array.isArray(f.value) ? f.value.join(", ") : String(f.value)}`;
}

function metricLines(group: RoledResult[]): string[] {
  const found = group.find((g) => g.role === "main")!.output as unknown as MetricResult;
  const main = { ...found, label: `${found.label}${filterText(found)}` };
  const other = (role: CallRole) => group.find((g) => g.role === role)?.output as unknown as MetricResult | undefined;
  const period = main.period.label;
  const noData = main.rows.length === 0 || main.rows.every((r) => r.rows === 0);
  const inCurrency = main.filters.find((f) => f.dimension === main.currency_column);
  if (main.fx_rate === null && inCurrency) {
    const code = String(inCurrency.value).toUpperCase();
    return [
      `I can't state ${found.label} in ${code}: project.yaml's vars.fx_rates has no rate for ${code} (the marts convert every amount to ${main.reporting_currency}, vars.reporting_currency). Add \`${code.toLowerCase()}: <${main.reporting_currency} per ${code}>\` to vars.fx_rates, or ask in ${main.reporting_currency}.`,
    ];
  }
  if (noData && inCurrency && main.reporting_currency)
    return [
      `There is no ${found.label} in ${String(inCurrency.value).toUpperCase()} for ${period}: amounts are converted to ${main.reporting_currency} (vars.reporting_currency and fx_rates in project.yaml); ask without the currency, or remove those vars to see each currency.`,
    ];
  // a sum under a filter no row matches, in a period that has rows: the sum is 0, said with what matched nothing
  const unfiltered = other("total");
  if (noData && main.filters.length && !main.group_by.length && unfiltered?.rows.some((r) => r.rows))
    return [
      `${main.label} ${during(period)} was ${value(main, 0)}: no rows of ${main.citations[0]?.model ?? "the mart"} match ${main.filters.map(filterWords).join(" and ")} in that period.`,
    ];
  if (noData)
    return [
      `There is no ${main.label} data for ${period} in ${main.citations[0]?.model ?? "the mart"}${outside(main)}.`,
    ];
  if (main.grain) {
    const head = `${main.label} by ${main.grain}${main.group_by.length ? ` and ${main.group_by.join(", ")}` : ""}, ${period}:`;
    const rows = main.rows.map((r) => [
      r.period_label ?? "",
      ...(main.group_by.length ? [dimText(main, r)] : []),
      value(main, r.value, r),
    ]);
    const spark = main.group_by.length ? [] : trendLine(main);
    const note = currencyNote(main);
    return [
      note ? `${head.slice(0, -1)}${note}:` : head,
      ...levelEnds(main),
      ...capped(table(rows), rows.length),
      ...spark,
    ];
  }
  const row = main.rows[0]!;
  if (main.currency_split && main.group_by.length === 1) {
    const rows = main.rows.filter((r) => r.rows);
    return [
      `${main.label} ${during(period)} was ${perCurrency(main, rows)}${asOfNote(main, row)}${currencyNote(main)}.`,
    ];
  }
  if (main.group_by.length) {
    const total = other("total");
    const totalRows = total?.rows.filter((r) => r.rows) ?? [];
    const totalText = total?.currency_split ? perCurrency(total, totalRows) : value(main, totalRows[0]?.value ?? null);
    const head = totalRows.length
      ? `${main.label} ${during(period)} was ${totalText}${asOfNote(main, totalRows[0])}${currencyNote(total!)}; by ${main.group_by.join(", ")}:`
      : `${main.label} by ${main.group_by.join(", ")} ${during(period)}${asOfNote(main, main.rows[0])}${currencyNote(main)}:`;
    const rows = main.rows.map((r) => [dimText(main, r), value(main, r.value, r)]);
    return [head, ...capped(table(rows), rows.length)];
  }
  const num = other("numerator")?.rows[0];
  const den = other("denominator");
  // what the number is made of, in parentheses: its parts ("19 of 599 customers …") and its companion
  // ("Open deals: 6"); a companion split by currency is left out (one line cannot hold it truthfully)
  const comp = other("companion");
  const compRow = comp?.rows.find((r) => r.rows);
  const inner = [
    num && den?.rows[0] && !other("numerator")!.currency_split && !den.currency_split
      ? `${value(other("numerator")!, num.value)} of ${value(den, den.rows[0].value)} ${den.label.toLowerCase()}`
      : "",
    comp && compRow && compRow.value !== null && !comp.currency_split
      ? `${comp.label}: ${value(comp, compRow.value)}`
      : "",
  ].filter(Boolean);
  const both = inner.length ? ` (${inner.join("; ")})` : "";
  const trend = other("trend");
  // a ratio over a denominator of 0 ("14 churned of 0 customers at the start of 2025", before the data starts) has no
  // value: say why rather than print "n/a (14 of 0 …)" or a 0.0% the SQL coalesced
  if ((row.value === null || row.value === 0) && num && den?.rows[0]?.value === 0)
    return [
      `${main.label} ${during(period)} has no value: ${den.label.toLowerCase()} was 0, and a ratio over 0 is undefined (${value(other("numerator")!, num.value)} ${other("numerator")!.label.toLowerCase()}).`,
      ...partlyCovered(main),
    ];
  return [
    `${main.label} ${during(period)} was ${value(main, row.value)}${asOfNote(main, row)}${currencyNote(main)}${both}.`,
    ...partlyCovered(main),
    ...(trend?.currency_split ? [] : trendLine(trend)),
  ];
}

/**
 * "New customers in 2025 was 260" when billing starts in May 2025: the total is over the months the data holds, and
 * the answer says so (a period wholly before the data is refused: before-data.ts).
 */
function partlyCovered(r: MetricResult): string[] {
  const first = r.data_range?.first?.slice(0, 10);
  if (!first || r.period.label === "all time" || !(r.period.start < first && first < r.period.end)) return [];
  return [
    `  the data starts ${first.endsWith("-01") ? `in ${monthYear(first)}` : `on ${labelOf(parseDate(first), "day")}`} (the first row of ${r.citations[0]?.model ?? "the mart"}): ${r.period.label} is covered from there only`,
  ];
}

/** "which plan has the most …": the first row of the breakdown, sorted, and the runner-up. */
function argmaxLines(group: RoledResult[], direction: "most" | "least", n = 1, place = 1): string[] {
  const r = group.find((g) => g.role === "main")!.output as unknown as MetricResult;
  const rows = r.rows.filter((x) => x.rows && x.value !== null);
  if (!rows.length) return [`There is no ${r.label} data for ${r.period.label} to rank.`];
  // a ranking of periods ("which month had the most …"): a bucket still running is left out when whole ones exist,
  // so a month to date never wins "the fewest"; a level (time_rollup last) is whole at any instant, so its running
  // bucket is the level now and ranks with the others ("the month with the most customers this year")
  const byPeriod = !r.group_by.length && !!r.grain;
  const ranked = byPeriod && r.time_rollup !== "last" ? wholeBuckets(r, rows) : rows;
  const sorted = [...ranked].sort((a, b) => (direction === "most" ? b.value! - a.value! : a.value! - b.value!));
  const dim = byPeriod ? "period" : r.group_by[0]!;
  const name = (row: MetricRow) =>
    byPeriod
      ? bucketName(String(row.period), r.grain!)
      : row[dim] === null || row[dim] === undefined
        ? "(none)"
        : String(row[dim]);
  if (r.currency_split) {
    // dollars are not compared with euros: the leader within each currency
    const codes = [...new Set(sorted.map((row) => rowCurrency(r, row)))].sort();
    const leaders = codes.map((code) => sorted.find((row) => rowCurrency(r, row) === code)!);
    if (place > 1) {
      // "the 2nd biggest": the row at that place within each currency, or none when a currency has fewer
      const atPlace = codes.flatMap((code) => {
        const row = sorted.filter((x) => rowCurrency(r, x) === code)[place - 1];
        return row ? [`${name(row)} ${value(r, row.value, row)} (${code})`] : [];
      });
      return [
        `The ${ordinal(place)} for the ${direction} ${r.label} ${during(r.period.label)}, per currency: ${atPlace.join(" · ") || "none (too few in each currency)"}.`,
      ];
    }
    if (n > 1) {
      // "top 3 plans by MRR": the n first within each currency, numbered in each
      const kind = byPeriod ? `${r.grain}s` : `${dim.replaceAll("_", " ")}s`;
      const measure = r.label.replace(new RegExp(`\\s+by\\s+${dim.replaceAll("_", " ")}$`, "i"), "");
      return [
        `${direction === "most" ? "Top" : "Bottom"} ${n} ${kind} by ${measure} ${during(r.period.label)}, in each currency${asOfNote(r, leaders[0])}${currencyNote(r)}:`,
        ...codes.flatMap((code) =>
          sorted
            .filter((row) => rowCurrency(r, row) === code)
            .slice(0, n)
            .map((row, i) => `  ${code} ${i + 1}. ${name(row)}  ${value(r, row.value, row)}`),
        ),
      ];
    }
    return [
      `The ${direction} ${r.label} ${during(r.period.label)}, per currency${asOfNote(r, leaders[0])}: ${leaders.map((row) => `${name(row)} ${value(r, row.value, row)} (${rowCurrency(r, row)})`).join(" · ")}.`,
    ];
  }
  const [first, second] = sorted;
  const label = /^[A-Z][a-z]/.test(r.label) ? r.label.charAt(0).toLowerCase() + r.label.slice(1) : r.label;
  const outs = rows.filter((x) => !ranked.includes(x));
  const partial = (x: MetricRow) =>
    String(x.period).slice(0, 10) < r.period.start.slice(0, 10) ||
    (!r.period.toDate &&
      ymd(add(parseDate(String(x.period).slice(0, 10)), r.grain ?? "day", 1)) > r.period.end.slice(0, 10));
  const left = outs.length
    ? ` (${outs.map((x) => `${name(x)}, ${partial(x) ? "only partly in the period" : "still running"}`).join("; ")}, left out)`
    : "";
  const kind = byPeriod ? `${r.grain}s` : `${dim.replaceAll("_", " ")}s`;
  if (place > 1)
    return placeLines(
      r,
      sorted,
      place,
      direction,
      name,
      label,
      `${ranked.length}${r.truncated ? "+" : ""} ${kind}${left}`,
    );
  if (n > 1) {
    // "top 3 plans by MRR": the n first, numbered; fewer when fewer have data, and said so
    const listed = sorted.slice(0, n);
    const fewer = listed.length < n ? ` (only ${listed.length} ${listed.length === 1 ? "has" : "have"} data)` : "";
    // "Customers by plan" ranked by plan is customers
    const measure = byPeriod ? label : label.replace(new RegExp(`\\s+by\\s+${dim.replaceAll("_", " ")}$`, "i"), "");
    const head = `${direction === "most" ? "Top" : "Bottom"} ${n} ${kind} by ${measure} ${during(r.period.label)}${asOfNote(r, first)}${fewer}:`;
    const lines = listed.map((row, i) => `  ${i + 1}. ${name(row)}  ${value(r, row.value, row)}`);
    return [head, ...lines, ...(left ? [`  of ${ranked.length}${r.truncated ? "+" : ""} ${kind}${left}`] : [])];
  }
  const tie = second && second.value === first!.value;
  const head = tie
    ? `${name(first!)} and ${name(second!)} tie for the ${direction} ${label} ${during(r.period.label)}: ${value(r, first!.value, first)} each${asOfNote(r, first)}.`
    : `${capital(name(first!))} has the ${direction} ${label} ${during(r.period.label)}: ${value(r, first!.value, first)}${asOfNote(r, first)}.`;
  const next =
    second && !tie
      ? [
          `  next: ${name(second)} (${value(r, second.value, second)}), of ${ranked.length}${r.truncated ? "+" : ""} ${kind}${left}`,
        ]
      : [];
  return [head, ...next];
}

/** "the 2nd biggest plan by ARR": the row at that place of the sorted ranking, with the ones ahead of it */
function placeLines(
  r: MetricResult,
  sorted: MetricRow[],
  place: number,
  direction: "most" | "least",
  name: (row: MetricRow) => string,
  label: string,
  of: string,
): string[] {
  const ord = ordinal(place);
  const at = sorted[place - 1];
  if (!at) return [`Only ${sorted.length} have ${label} ${during(r.period.label)}: there is no ${ord}.`];
  const tied = sorted.filter((row) => row !== at && row.value === at.value).map(name);
  const head = tied.length
    ? `${capital(name(at))} ties with ${tied.join(", ")} around ${ord} for the ${direction} ${label} ${during(r.period.label)}: ${value(r, at.value, at)} each${asOfNote(r, at)}.`
    : `${capital(name(at))} is ${ord} for the ${direction} ${label} ${during(r.period.label)}: ${value(r, at.value, at)}${asOfNote(r, at)}.`;
  const ahead = sorted
    .slice(0, place - 1)
    .filter((row) => !tied.includes(name(row)))
    .map((row, i) => `${i + 1}. ${name(row)} (${value(r, row.value, row)})`);
  return [head, ...(ahead.length ? [`  ahead: ${ahead.join(", ")}; of ${of}`] : [])];
}

function ordinal(n: number): string {
  return n === 2 ? "2nd" : n === 3 ? "3rd" : `${n}th`;
}

/** "average new MRR per month": the mean of the whole buckets of the period (a bucket still running is left out). */
function averageLines(group: RoledResult[], statistic?: "median"): string[] {
  const r = group.find((g) => g.role === "main")!.output as unknown as MetricResult;
  const rows = r.rows.filter((x) => x.rows && x.value !== null);
  const used = wholeBuckets(r, rows);
  if (!used.length) return [`There is no ${r.label} data for ${r.period.label} to average.`];
  const left =
    used.length < rows.length ? ` (${bucketName(String(rows.at(-1)!.period), r.grain!)}, still running, left out)` : "";
  const codes = [...new Set(used.map((row) => rowCurrency(r, row)))];
  const mean = (xs: MetricRow[]) => {
    if (statistic !== "median") return xs.reduce((a, x) => a + x.value!, 0) / xs.length;
    const sorted = xs.map((x) => x.value!).sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  };
  const word = statistic === "median" ? "median" : "average";
  const span = `${bucketName(String(used[0]!.period), r.grain!)} – ${bucketName(String(used.at(-1)!.period), r.grain!)}`;
  if (r.currency_split && codes.length > 1)
    return [
      `${r.label}, ${word} per ${r.grain}, ${span}, per currency: ${codes
        .map(
          (c) =>
            `${value(
              r,
              mean(used.filter((x) => rowCurrency(r, x) === c)),
              used.find((x) => rowCurrency(r, x) === c),
            )} (${c})`,
        )
        .join(" · ")}${left}.`,
    ];
  const total = used.reduce((a, x) => a + x.value!, 0);
  return [
    `${r.label} ${statistic === "median" ? "had a median of" : "averaged"} ${value(r, mean(used), used[0])} per ${r.grain} over ${used.length} ${r.grain}s (${span}; ${value(r, total, used[0])} in all)${left}.`,
  ];
}

/**
 * "high-priority tickets per week in October": the period's total over its length — its days, or its days ÷ 7 per
 * week (the days through today when it is still running), never one bucket's value nor a mean of partial weeks.
 */
function rateLines(group: RoledResult[], rate: { per: "day" | "week"; days: number }): string[] {
  const r = group.find((g) => g.role === "main")!.output as unknown as MetricResult;
  const rows = r.rows.filter((x) => x.rows && x.value !== null);
  if (rows.length !== 1)
    return [
      `I can't take ${r.label} per ${rate.per} for ${r.period.label}: it has no single total there (no data, or one per currency).`,
    ];
  const total = rows[0]!.value!;
  const units = rate.per === "week" ? rate.days / 7 : rate.days;
  const per = total / units;
  const shown = r.format === "currency" ? value(r, per, rows[0]) : String(Number(per.toPrecision(4)));
  const over =
    rate.per === "week" ? `${rate.days} days ÷ 7 = ${Number(units.toPrecision(4))} weeks` : `${rate.days} days`;
  return [
    `${r.label}${filterText(r)} averaged ${shown} per ${rate.per} over ${r.period.label} (${value(r, total, rows[0])} in all over ${over}).`,
  ];
}

/** "deals won per rep on average": the breakdown's values (one per member with data) averaged over its members */
function groupMeanLines(group: RoledResult[], over: string): string[] {
  const r = group.find((g) => g.role === "main")!.output as unknown as MetricResult;
  const rows = r.rows.filter((x) => x.rows && x.value !== null);
  if (!rows.length || r.currency_split)
    return [
      `I can't average ${r.label} over each ${over} for ${r.period.label}: ${rows.length ? "the values are per currency" : "there is no data"}.`,
    ];
  const total = rows.reduce((a, x) => a + x.value!, 0);
  const mean = total / rows.length;
  const shown = r.format === "currency" ? value(r, mean, rows[0]) : String(Number(mean.toPrecision(4)));
  return [
    `${r.label}${filterText(r)} averaged ${shown} per ${over} ${during(r.period.label)} (${value(r, total, rows[0])} over ${rows.length} ${over}s with data).`,
  ];
}

/** "customers" → "customer", "companies" → "company": a mart's name for one of its rows */
function singular(name: string): string {
  return name.replace(/ies$/, "y").replace(/s$/, "");
}

function capital(x: string): string {
  return x.charAt(0).toUpperCase() + x.slice(1);
}

/** The buckets of a series that are whole: the one still running (a period to date) is left out, when others exist. */
function wholeBuckets(r: MetricResult, all: MetricRow[]): MetricRow[] {
  // a bucket that starts before the period ("the quietest week since July": the week of June 29) holds only part of
  // it: left out when whole ones exist, as the running one is
  // (and one that runs past the period's end, a flow's week still running at "since July"'s today)
  const pastEnd = (x: MetricRow) =>
    r.time_rollup !== "last" &&
    ymd(add(parseDate(String(x.period).slice(0, 10)), r.grain!, 1)) > r.period.end.slice(0, 10);
  const cut = r.grain
    ? all.filter((x) => String(x.period).slice(0, 10) < r.period.start.slice(0, 10) || pastEnd(x))
    : [];
  const rows = cut.length && cut.length < all.length ? all.filter((x) => !cut.includes(x)) : all;
  if (!r.period.toDate) return rows;
  // rows asked for by value (a ranking of every day: planner/records.ts) hold the running bucket only if it ranks:
  // it is the bucket of now, never merely the latest of those returned
  const byValue = rows.some((x, i) => i > 0 && String(x.period) < String(rows[i - 1]!.period));
  const running = byValue
    ? r.grain
      ? ymd(truncate(now(), r.grain))
      : undefined
    : rows
        .map((x) => String(x.period))
        .sort()
        .at(-1);
  const whole = rows.filter((x) => String(x.period).slice(0, 10) !== running?.slice(0, 10));
  return whole.length ? whole : rows;
}

/**
 * "The biggest drop in win rate this year": the largest fall (rise) from one whole bucket to the next within the
 * period (the bucket still running left out), said with the bucket before it and the change.
 */
function moveLines(r: MetricResult, move: "drop" | "rise"): string[] {
  const used = wholeBuckets(
    r,
    r.rows.filter((x) => x.rows && x.value !== null),
  ).sort((a, b) => String(a.period).localeCompare(String(b.period)));
  const grain = r.grain ?? "month";
  let best: [MetricRow, MetricRow] | undefined;
  for (let i = 1; i < used.length; i++) {
    const step = used[i]!.value! - used[i - 1]!.value!;
    const bestStep = best ? best[1].value! - best[0].value! : 0;
    if (move === "drop" ? step < bestStep : step > bestStep) best = [used[i - 1]!, used[i]!];
  }
  const word = move === "drop" ? "drop" : "rise";
  if (!best) return [`${r.label} had no ${word} from one ${grain} to the next in ${r.period.label}.`];
  const [from, to] = best;
  const change = formatChange(to.value, from.value, r.format, r.unit ?? undefined);
  return [
    `The biggest ${word} in ${r.label} in ${r.period.label} was in ${bucketName(String(to.period), grain)}: ${value(r, to.value, to)}, from ${value(r, from.value, from)} in ${bucketName(String(from.period), grain)} (${change}).`,
  ];
}

/** "October 2026 was above the average month (Jan – Oct 2026): 314 vs 226 (+88, +39.1%)" */
function meanVersusLine(month: RoledResult[], meanSide: RoledResult): string[] {
  const m = month.find((g) => g.role === "main")!.output as unknown as MetricResult;
  const r = meanSide.output as unknown as MetricResult;
  const rows = m.rows.filter((x) => x.rows && x.value !== null);
  const used = wholeBuckets(
    r,
    r.rows.filter((x) => x.rows && x.value !== null),
  );
  if (rows.length !== 1 || !used.length || m.currency_split || r.currency_split) return [];
  const v = rows[0]!.value!;
  const mean = used.reduce((a, x) => a + x.value!, 0) / used.length;
  const grain = r.grain ?? "month";
  const span = `${bucketName(String(used[0]!.period), grain)} – ${bucketName(String(used.at(-1)!.period), grain)}`;
  const where = v > mean ? "above" : v < mean ? "below" : "at";
  return [
    `${m.period.label}: ${m.label} was ${where} the average ${grain} (${span}): ${value(m, v, rows[0])} vs ${value(r, mean, used[0])} (${formatChange(v, mean, r.format, r.unit ?? undefined)}).`,
  ];
}

/** A bucket said in full: "August 2026", "Q3 2026", "2025", "the week of 2026-11-09", "Nov 3, 2026". */
function bucketName(start: string, grain: Grain): string {
  // a day in full ("October 27, 2026"): the record day of a ranking is read aloud, never as "Oct 27"
  if (grain === "day") return fullDay(start);
  return `${grain === "week" ? "the " : ""}${labelOf(parseDate(start.slice(0, 10)), grain)}`;
}

/** "October 27, 2026" */
export function fullDay(start: string): string {
  return parseDate(start.slice(0, 10)).toLocaleString("en-US", {
    month: "long",
    day: "numeric",
    year: "numeric",
    timeZone: "UTC",
  });
}

function compareLines(o: Out<typeof comparePeriods>): string[] {
  if (o.by_currency.length)
    return [
      `${o.label}, ${o.current.period.label} vs ${o.previous.period.label}, per currency (project.yaml sets no vars.reporting_currency to convert them into one):`,
      ...table(
        o.by_currency.map((c) => {
          const f = (v: number | null) => formatValue(v, o.format, c.currency ?? undefined);
          return [
            `${c.currency}`,
            `${f(c.current)} vs ${f(c.previous)}`,
            formatChange(c.current, c.previous, o.format, c.currency ?? undefined),
          ];
        }),
      ),
    ];
  const f = (v: number | null) => formatValue(v, o.format, o.unit ?? undefined);
  const converted = o.converted_to ? ` (converted to ${o.converted_to} with the vars.fx_rates in project.yaml)` : "";
  if (o.current.value === null && o.previous.value === null)
    return [`There is no ${o.label} data for ${o.current.period.label} or ${o.previous.period.label}.`];
  return [
    `${o.label} was ${f(o.current.value)} ${during(o.current.period.label)}, vs ${f(o.previous.value)} ${during(o.previous.period.label)} (${formatChange(o.current.value, o.previous.value, o.format, o.unit ?? undefined)})${converted}.`,
  ];
}

/**
 * "CMGR of MRR from March to September": (end ÷ start)^(1/n) − 1 over the n months between, said with both values
 * and n; no value (or a start at or below zero, or per currency) states no rate.
 */
function compoundLines(o: Out<typeof comparePeriods>, months: number): string[] {
  const f = (v: number | null) => formatValue(v, o.format, o.unit ?? undefined);
  const a = o.previous.value;
  const b = o.current.value;
  if (o.by_currency.length || a === null || b === null || a <= 0 || b < 0 || months < 1)
    return [
      `I can't compound ${o.label} from ${o.previous.period.label} to ${o.current.period.label}: ${a === null || b === null ? "one of them has no value" : a <= 0 ? `it starts at ${f(a)}` : "the values are per currency"}.`,
      ...compareLines(o),
    ];
  const rate = (b / a) ** (1 / months) - 1;
  const pct = `${Number((100 * rate).toPrecision(3))}%`;
  return [
    `${o.label} grew at a compound monthly rate (CMGR) of ${pct} over the ${months} months from ${o.previous.period.label} to ${o.current.period.label}: ${f(a)} → ${f(b)}, (${f(b)} ÷ ${f(a)})^(1/${months}) − 1.`,
  ];
}

/**
 * "in how many months this year did failed payments exceed 40": the buckets of the series past the bound, counted
 * and named, out of all the buckets read (the one still running said as to date).
 */
function bucketCountLines(group: RoledResult[], bound: Interpretation["threshold"]): string[] {
  const r = group.find((g) => g.role === "main")!.output as unknown as MetricResult;
  if (!bound || !r.grain) return metricLines(group);
  const rows = r.rows.filter((x) => x.rows && x.value !== null);
  const codes = new Set(rows.map((row) => rowCurrency(r, row)));
  if (r.currency_split && codes.size > 1)
    return [`${r.label} is per currency here, so one bound cannot be set on it; ask for one currency.`];
  const pass = (v: number) =>
    bound.op === ">"
      ? v > bound.value
      : bound.op === ">="
        ? v >= bound.value
        : bound.op === "<"
          ? v < bound.value
          : v <= bound.value;
  if (bound.move || bound.pick) return recordLines(r, rows, pass, bound);
  const hits = rows.filter((row) => pass(row.value!));
  if (bound.streak) return streakLines(r, rows, pass, bound);
  const said = BOUND_SAID[bound.op];
  const limit =
    r.format === "percent" ? `${Number((100 * bound.value).toPrecision(4))}%` : value(r, bound.value, rows[0]);
  // a long list (days of a month) names the first dozen and says how many more
  const named = hits
    .slice(0, 12)
    .map((row) => `${bucketName(String(row.period), r.grain!)} (${value(r, row.value, row)})`);
  if (hits.length > 12) named.push(`and ${hits.length - 12} more`);
  const unit = (k: number) => `${k} ${r.grain}${k === 1 ? "" : "s"}`;
  return [
    `${r.label} was ${said} ${limit} in ${hits.length} of the ${unit(rows.length)} of ${r.period.label}${named.length ? `: ${named.join(", ")}` : ""}.`,
  ];
}

/**
 * "when did MRR first pass $50k" (the first or last bucket whose value passes the bound), "when did pipeline first go
 * down" and "how many months in a row has MRR grown" (the bound on each bucket's change from the one before): named
 * with the bucket's value, and the bucket before it.
 */
function recordLines(
  r: MetricResult,
  all: MetricRow[],
  pass: (v: number) => boolean,
  bound: NonNullable<Interpretation["threshold"]>,
): string[] {
  const rows = [...all].sort((a, b) => String(a.period).localeCompare(String(b.period)));
  if (!rows.length) return [`There is no ${r.label} data for ${r.period.label}.`];
  const name = (row: MetricRow) => bucketName(String(row.period), r.grain!);
  const grain = r.grain!;
  const running = r.period.toDate && r.time_rollup !== "last" ? rows.at(-1) : undefined;
  const shown = (row: MetricRow) =>
    `${value(r, row.value, row)}${row === running ? " to date" : ""}${r.time_rollup === "last" ? ` at its end` : ""}`;
  const said = BOUND_SAID[bound.op];
  const limit =
    r.format === "percent" ? `${Number((100 * bound.value).toPrecision(4))}%` : value(r, bound.value, rows[0]);
  const moved = (i: number) => i > 0 && pass(rows[i]!.value! - rows[i - 1]!.value!);
  if (bound.streak) {
    // the run of buckets each above the one before, ending with the last (a bucket still running is not yet a rise)
    const used = running && rows.length > 1 ? rows.slice(0, -1) : rows;
    const lastRow = used.at(-1)!;
    let k = 0;
    while (k < used.length - 1 && moved(used.length - 1 - k)) k++;
    const fromStart = k === used.length - 1;
    if (!k)
      return [
        `${r.label} did not grow in ${name(lastRow)} (${value(r, lastRow.value, lastRow)}, vs ${value(r, used.at(-2)?.value ?? null, used.at(-2))} in ${used.at(-2) ? name(used.at(-2)!) : "the month before"}): a run of 0 months.`,
      ];
    const firstRun = used[used.length - k]!;
    const before = used[used.length - k - 1]!;
    return [
      `${r.label} has grown ${k} month${k === 1 ? "" : "s"} in a row up to ${name(lastRow)} (${name(firstRun)} – ${name(lastRow)}, from ${value(r, before.value, before)} in ${name(before)} to ${value(r, lastRow.value, lastRow)})${fromStart ? `, every month since the data starts in ${name(rows[0]!)} (${k + 1} counting that first month's start from 0)` : `; ${name(before)} was no rise on ${used[used.length - k - 2] ? name(used[used.length - k - 2]!) : "the month before"}`}.`,
    ];
  }
  const hit = (i: number) => (bound.move ? moved(i) : pass(rows[i]!.value!));
  const order = rows.map((_, i) => i);
  if (bound.pick === "last") order.reverse();
  const i = order.find(hit);
  const what = bound.move ? `${said === "below" ? "fell" : "rose"} from the ${grain} before` : `was ${said} ${limit}`;
  if (i === undefined)
    return [
      `${r.label} never ${bound.move ? (said === "below" ? "fell from one " + grain + " to the next" : "rose from one " + grain + " to the next") : `was ${said} ${limit}`} in the data (${name(rows[0]!)} – ${name(rows.at(-1)!)}).`,
    ];
  const row = rows[i]!;
  const prev = rows[i - 1];
  const head = `${capital(name(row))} is the ${bound.pick} ${grain} ${/^[A-Z][a-z]/.test(r.label) ? r.label.charAt(0).toLowerCase() + r.label.slice(1) : r.label} ${what}: ${shown(row)}`;
  const tail = bound.move
    ? prev
      ? `, from ${value(r, prev.value, prev)} in ${name(prev)}`
      : ""
    : bound.pick === "first" && prev
      ? `; ${name(prev)} was ${value(r, prev.value, prev)}`
      : bound.pick === "last" && rows[i + 1]
        ? `; every ${grain} since has not been (${name(rows[i + 1]!)}: ${shown(rows[i + 1]!)})`
        : "";
  return [`${head}${tail}.`];
}

/** "for how many consecutive months has churn been above 3%": the run of passing months that ends with the last one */
function streakLines(
  r: MetricResult,
  rows: MetricRow[],
  pass: (v: number) => boolean,
  bound: NonNullable<Interpretation["threshold"]>,
): string[] {
  const said = BOUND_SAID[bound.op];
  const limit =
    r.format === "percent" ? `${Number((100 * bound.value).toPrecision(4))}%` : value(r, bound.value, rows[0]);
  const last = rows.at(-1);
  if (!last) return [`There is no ${r.label} data for ${r.period.label}.`];
  let k = 0;
  while (k < rows.length && pass(rows[rows.length - 1 - k]!.value!)) k++;
  const name = (row: MetricRow) => bucketName(String(row.period), r.grain!);
  const lastName = name(last);
  if (!k)
    return [`${r.label} was not ${said} ${limit} in ${lastName} (${value(r, last.value, last)}): a run of 0 months.`];
  const firstRun = rows[rows.length - k]!;
  const before = rows[rows.length - k - 1];
  return [
    `${r.label} has been ${said} ${limit} for ${k} consecutive month${k === 1 ? "" : "s"} up to ${lastName} (${name(firstRun)} – ${lastName})${before ? `; ${name(before)} was ${value(r, before.value, before)}` : `, every month of the data, so at least ${k}`}.`,
  ];
}

/**
 * "did ARR grow more in Q3 than in Q2": the level's change over each period, from the end of the period before to
 * the end of that one, and which was larger; per currency (or a period with no data) each comparison on its own.
 */
function growthVersusLines(a: Out<typeof comparePeriods>, b: Out<typeof comparePeriods>): string[] {
  if (a.by_currency.length || b.by_currency.length || a.change === null || b.change === null)
    return [...compareLines(a), ...compareLines(b)];
  const f = (v: number | null) => formatValue(v, a.format, a.unit ?? undefined);
  const said = (o: Out<typeof comparePeriods>) =>
    `${formatChange(o.current.value, o.previous.value, o.format, o.unit ?? undefined)} ${during(o.current.period.label)} (${f(o.previous.value)} at the end of ${o.previous.period.label} to ${f(o.current.value)} at the end of ${o.current.period.label})`;
  const verdict =
    a.change === b.change
      ? `${a.label} changed by the same amount ${during(a.current.period.label)} as ${during(b.current.period.label)}`
      : `${a.label} grew ${a.change > b.change ? "more" : "less"} ${during(a.current.period.label)} than ${during(b.current.period.label)}`;
  return [`${verdict}: ${said(a)}, vs ${said(b)}.`];
}

/**
 * The rows a ranking was kept to, in words: "is_won = true" is "won", a date column between two days is "close_date
 * 2026-07-01 to 2026-09-30", any other filter "owner = James Chen".
 */
function keptRows(filters: Out<typeof topN>["filters"]): string {
  const parts: string[] = [];
  const from = new Map(filters.filter((f) => f.op === ">=").map((f) => [f.column, String(f.value)]));
  for (const f of filters) {
    if (f.op === "is_null") parts.push(`${f.value === false ? "with a" : "no"} ${f.column.replaceAll("_", " ")}`);
    else if (typeof f.value === "boolean" && f.op === "=" && f.column.startsWith("is_"))
      parts.push(`${f.value ? "" : "not "}${f.column.slice(3).replaceAll("_", " ")}`);
    else if (f.op === ">=" && filters.some((g) => g.column === f.column && g.op === "<")) continue;
    else if (f.op === "<" && from.has(f.column) && /^\d{4}-\d{2}-\d{2}$/.test(String(f.value))) {
      parts.push(`${f.column} ${from.get(f.column)} to ${ymd(add(parseDate(String(f.value)), "day", -1))}`);
    } else parts.push(`${f.column} ${f.op} ${Array.isArray(f.value) ? f.value.join(", ") : String(f.value)}`);
  }
  return parts.join(", ");
}

/** How a ranking's amounts in several currencies were handled, said in the answer ("" for one currency). */
function rowsCurrencyNote(o: Out<typeof topN>): string {
  if (o.converted_to && !o.fx_rates) return ` (converted to ${o.converted_to} with the vars.fx_rates in project.yaml)`;
  if (o.converted_to)
    return ` (every currency converted to ${o.converted_to} with the vars.fx_rates in project.yaml: ${Object.entries(
      o.fx_rates ?? {},
    )
      .filter(([c]) => c !== o.converted_to)
      .map(([c, r]) => `1 ${c} = ${r} ${o.converted_to}`)
      .join(", ")})`;
  if (!o.currency_split) return "";
  const why =
    o.missing_rates.length && o.reporting_currency
      ? `project.yaml's vars.fx_rates has no rate for ${o.missing_rates.join(", ")} to convert into ${o.reporting_currency}`
      : "project.yaml sets no vars.reporting_currency and fx_rates to convert them into one";
  const bounds = o.filters
    .filter((f) => f.column === o.measure && /^[<>]=?$/.test(f.op))
    .map((f) => `${f.column} ${f.op} ${f.value}`);
  const unitsNote = o.bound_in_each_currency ? `; ${bounds.join(" and ")} is in each currency's own units` : "";
  return `, one value per currency (${why}${unitsNote})`;
}

/** "how many open deals are over $5k": the rows the filters keep, counted, and their measure summed. */
function countLines(o: Out<typeof topN>): string[] {
  const kept = keptRows(o.filters);
  const what = o.matched.rows === 1 ? singular(o.mart) : o.mart;
  // dollars and euros are never added: the measure in all within each currency
  const sums = o.currency_split
    ? o.matched.by_currency
        .filter((c) => c.rows)
        .map((c) => `${formatValue(c.total, o.format, c.currency)} (${c.currency})`)
        .join(" · ")
    : o.matched.total === null || !o.matched.rows
      ? ""
      : formatValue(o.matched.total, o.format, o.unit ?? undefined);
  const total = sums ? ` (${o.measure} ${sums} in all${rowsCurrencyNote(o)})` : "";
  const line = `${o.matched.rows} ${what}${kept ? ` kept to ${kept}` : ""}${total}.`;
  // "average seats of a Pro account": the sum over the rows ÷ the count of the same rows, said first
  // in several currencies, one mean each, never one across them
  if (o.averaged && o.currency_split)
    return [
      `Average ${o.measure} over the ${o.mart} rows kept, one per currency: ${o.matched.by_currency
        .filter((c) => c.mean !== null)
        .map((c) => `${formatValue(c.mean, o.format, c.currency)} (${c.currency})`)
        .join(" · ")}.`,
      line,
    ];
  if (o.averaged && (o.matched.mean === null || o.matched.mean === undefined))
    return [`No ${o.mart} row kept has a ${o.measure}: there is no average.`, line];
  if (o.matched.mean !== null && o.matched.mean !== undefined)
    return [
      `Average ${o.measure} over the ${o.matched.valued} ${o.mart} rows kept${o.matched.valued === o.matched.rows ? "" : ` with a ${o.measure} (of ${o.matched.rows})`}: ${formatValue(o.matched.mean, o.format, o.unit ?? undefined)} (their ${o.measure} summed ÷ ${o.matched.valued}).`,
      line,
    ];
  return [line];
}

/** "(owner: Priya Nair)": the columns shown beside a ranked label */
function alsoText(also: Record<string, string | null> | undefined): string {
  const said = Object.entries(also ?? {}).map(([c, v]) => `${c.replaceAll("_", " ")}: ${v ?? "(none)"}`);
  return said.length ? ` (${said.join("; ")})` : "";
}

function topLines(o: Out<typeof topN>): string[] {
  if (!o.rows.length) return [`${o.mart} has no rows to rank.`];
  // one row is "Top customer", never "Top 1 customers"; split, as many as the currency with the most listed
  const shown = o.currency_split
    ? Math.max(...o.matched.by_currency.map((c) => o.rows.filter((r) => r.currency === c.currency).length))
    : o.rows.length;
  // counted, the ranked are the label's values ("Top country by number of customers")
  const entity = o.counted ? o.label_column.replaceAll("_", " ") : o.mart;
  const what = shown === 1 ? singular(entity) : `${shown} ${o.counted ? `${entity} values` : entity}`;
  const kept = keptRows(o.filters);
  const head = `${o.direction === "top" ? "Top" : "Bottom"} ${what} by ${o.counted ? `number of ${o.mart}` : o.measure}${kept ? `, ${kept}` : ""}${o.label_masked ? ` (${o.label_column} is PII, masked)` : ""}${o.currency_split ? ", in each currency" : ""}${rowsCurrencyNote(o)}:`;
  const ties = o.currency_split
    ? o.matched.by_currency.filter((c) => c.tied_past_limit !== null).map((c) => [c.tied_past_limit, c.currency])
    : o.tied_past_limit !== null
      ? [[o.tied_past_limit, null]]
      : [];
  return [
    head,
    ...table(
      o.rows.map((r) => [
        `${o.currency_split ? `${r.currency} ` : ""}${r.rank}.`,
        `${r.label === null ? "(none)" : /_id$/.test(o.label_column) ? `${o.label_column} ${r.label}` : r.label}${alsoText(r.also)}`,
        formatValue(r.value, o.format, r.currency ?? undefined),
      ]),
    ),
    ...ties.map(
      ([label, code]) =>
        `  tied at the cut${code ? ` in ${code}` : ""}: ${label} has the same ${o.measure} as #${o.rows.filter((r) => !code || r.currency === code).length} (and is not listed)`,
    ),
  ];
}

function freshnessLines(o: Out<typeof getFreshness>): string[] {
  const lines = o.sources.map((s) => {
    const sla = [s.warn_after && `warn after ${s.warn_after}`, s.error_after && `error after ${s.error_after}`]
      .filter(Boolean)
      .join(", ");
    const last = s.last_success_at
      ? `last pull ${utcMinute(s.last_success_at)} (${formatAge(s.age_ms ?? 0)} ago)`
      : "never pulled";
    return `  ${s.source}: ${s.status} — ${last}${sla ? `; ${sla}` : ""}${s.last_error ? `; last error: ${s.last_error}` : ""}`;
  });
  const marts = o.marts.map(
    (m) =>
      `  marts.${m.mart}: built ${utcMinute(m.built_at)}, data as of ${utcMinute(m.as_of)}${m.last_build === "failed" ? " — the last build FAILED" : ""}`,
  );
  const stale = o.sources.filter((s) => s.status !== "fresh");
  // one source asked about is named: the first line says what was read
  const one = o.sources.length === 1 ? o.sources[0]! : undefined;
  const head = one
    ? `${one.source} is ${one.status === "fresh" ? "fresh" : `not fresh (${one.status})`}.`
    : stale.length
      ? `${stale.length} of ${o.sources.length} sources are not fresh.`
      : `All ${o.sources.length} sources are fresh.`;
  return [head, ...lines, ...marts];
}

function lineageLines(o: Out<typeof explainLineage>): string[] {
  return [
    `${o.citations[0] ? lineageLine(o.citations[0]) : o.model}`,
    `  downstream: ${o.downstream.length ? o.downstream.join(", ") : "(none)"}`,
  ];
}

function listLines(o: Out<typeof listMetrics>): string[] {
  return [
    `I know ${o.metrics.length} metrics:`,
    ...table(
      o.metrics.map((m) => [
        m.name,
        `${m.description} (${m.mart}${m.dimensions.length ? `; by ${m.dimensions.join(", ")}` : ""})`,
      ]),
    ),
  ];
}

const ROLLUP: Record<string, string> = {
  sum: "summed over the period",
  ratio: "computed over all rows of the period",
  last: "the value at the period's last",
  first: "the value at the period's first",
};

function describeMetricLines(o: Out<typeof describeMetric>): string[] {
  const m = o.metric;
  const rollup =
    m.time_rollup === "last" || m.time_rollup === "first"
      ? `${ROLLUP[m.time_rollup]} ${m.grain}`
      : ROLLUP[m.time_rollup];
  return [
    `${m.label} (${m.name}): ${m.description}.`,
    `  computed as ${m.expression} on marts.${m.mart}, one row per ${m.grain} (${m.time_column}); over longer periods: ${rollup}.`,
    `  format: ${m.format}${m.unit ? ` (${m.unit})` : ""}; dimensions: ${m.dimensions.map((d) => d.name).join(", ") || "none"}${m.synonyms.length ? `; also called: ${m.synonyms.join(", ")}` : ""}`,
  ];
}

function describeMartLines(o: Out<typeof describeMart>): string[] {
  const m = o.mart;
  return [
    `${m.relation}${m.description ? `: ${m.description}` : ""}${m.owner ? ` (owner ${m.owner})` : ""}${m.rows !== null ? `, ${m.rows} rows` : ""}.`,
    ...table(m.columns.map((c) => [c.name, c.type ?? "", `${c.pii ? "[PII] " : ""}${c.description ?? ""}`])).map((l) =>
      l.trimEnd(),
    ),
    `  metrics: ${m.metrics.join(", ") || "none"}; tests: ${m.tests.filter((t) => t.status === "pass").length}/${m.tests.length} passing`,
  ];
}

/** Tool results → the answer's lines, written only from what the tools returned. */
/** "new minus churned MRR", "tickets per customer": both sides stated, then what they make. */
/** A metric result's one row with data (no data, or one row per currency, is none): the value arithmetic reads. */
function singleRow(r: MetricResult): MetricRow | undefined {
  const rows = r.rows.filter((x) => x.rows);
  return rows.length === 1 ? rows[0] : undefined;
}

/** "MRR × 12 for October", "10% of our ARR": one value times the constant said, stated with the value and factor */
function scaledLines(
  result: RoledResult,
  scale: { factor: number; said: string; unit?: string; from?: string },
): string[] {
  const r = result.output as unknown as MetricResult;
  const row = singleRow(r);
  const period = r.period.label;
  const label = `${r.label}${filterText(r)}`;
  if (!row || row.value === null)
    return [`I can't scale ${label} for ${period}: it has no single value there (no data, or one per currency).`];
  const product = row.value * scale.factor;
  // "first response in October, in hours": the duration in the unit asked, its own unit's value beside it
  if (scale.unit && scale.from) {
    const how = scale.factor >= 1 ? `× ${scale.factor}` : `÷ ${1 / scale.factor}`;
    return [
      `${label} ${during(period)} was ${formatValue(product, "number")} ${scale.unit} (${formatValue(row.value, "number")} ${scale.from} ${how}).`,
    ];
  }
  return scale.said.startsWith("×")
    ? [
        `${label} ${scale.said} ${during(period)} was ${value(r, product, row)} (${value(r, row.value, row)} ${scale.said}).`,
      ]
    : [
        `${scale.said} ${label} ${during(period)} was ${value(r, product, row)} (${scale.said} ${value(r, row.value, row)}).`,
      ];
}

/**
 * "(new + expansion + reactivation MRR) ÷ (churned + contraction MRR)", "LTV = ARPA / monthly churn rate": the formula
 * computed from its leaves (one call each, in order), every leaf stated with its value, then the result in its unit.
 */
function formulaLines(results: RoledResult[], formula: FormulaReading): string[] {
  const leaves = results.map((x) => x.output as unknown as MetricResult);
  const label = (r: MetricResult) => `${r.label}${filterText(r)}`;
  const rows = leaves.map((r) => {
    const row = singleRow(r);
    return row?.value !== null ? row : undefined;
  });
  const missing = leaves.filter((_, i) => !rows[i]);
  if (missing.length)
    return [
      `I can't compute ${formula.name ?? "the formula"}: ${missing.map((r) => `${label(r)} for ${r.period.label}`).join(" and ")} has no single value (no data, or one per currency).`,
    ];
  const currencies = new Set(
    leaves.flatMap((r, i) => (r.format === "currency" ? [rowCurrency(r, rows[i]!) ?? r.converted_to ?? ""] : [])),
  );
  if (currencies.size > 1)
    return [
      `I can't compute ${formula.name ?? "the formula"}: its amounts are in different currencies (${[...currencies].join(", ")}).`,
    ];
  const currency = [...currencies][0] || undefined;
  // a period named once when every leaf shares it, else with each leaf
  const periods = new Set(leaves.map((r) => r.period.label));
  const compute = (n: FormulaNode): number => {
    if ("leaf" in n) return rows[n.leaf]!.value!;
    if ("constant" in n) return n.constant;
    if ("up" in n) return Math.ceil(compute(n.up) - 1e-9);
    const [a, b] = [compute(n.left), compute(n.right)];
    if (n.op === "/" && b === 0) zero ??= spoken(n.right, leafText);
    return n.op === "+" ? a + b : n.op === "-" ? a - b : n.op === "*" ? a * b : n.op === "/" ? a / b : a ** b;
  };
  const leafText = (i: number) => {
    const r = leaves[i]!;
    return `${label(r)}${periods.size > 1 ? ` (${r.period.label})` : ""} ${value(r, rows[i]!.value, rows[i])}`;
  };
  let zero: string | undefined;
  const v = compute(formula.tree);
  const text = spoken(formula.tree, leafText);
  if (zero) return [`I can't compute ${formula.name ?? "the formula"}: it divides by ${zero}, which is 0.`];
  const shown =
    formula.unit === "currency"
      ? formatValue(v, "currency", currency)
      : formula.unit === "percent" || formula.percent
        ? `${(v * 100).toFixed(Math.abs(v) >= 0.1 ? 1 : 2)}%`
        : formula.unit === "number" && Number.isInteger(v)
          ? formatValue(v, "number")
          : Math.abs(v) >= 100
            ? formatValue(v, "number")
            : String(Number(v.toPrecision(3)));
  const when = periods.size === 1 ? ` ${during([...periods][0]!)}` : "";
  return [`${formula.name ? `${formula.name} = ` : ""}${text} = ${shown}${when ? `,${when}` : ""}.`];
}

function arithmeticLines(results: RoledResult[]): string[] {
  // "as a share of all tickets, Q3 against Q2" (planner/belief.ts): one part-over-whole pair per period, each stated
  if (results.filter((r) => r.role === "left").length > 1 && results.length % 2 === 0)
    return results.flatMap((_, i) => (i % 2 ? [] : arithmeticLines(results.slice(i, i + 2))));
  const left = results.find((r) => r.role === "left")?.output as unknown as MetricResult;
  const rightR = results.find(
    (r) => r.role === "minus" || r.role === "plus" || r.role === "per" || r.role === "share" || r.role === "times",
  )!;
  const right = rightR.output as unknown as MetricResult;
  const [l, r] = [singleRow(left), singleRow(right)];
  const period = left.period.label;
  const lText = `${left.label}${filterText(left)}`;
  const rText = `${right.label}${filterText(right)}`;
  if (!l || !r || l.value === null || r.value === null)
    return [
      `I can't combine ${lText} and ${rText} for ${period}: ${!l || !r ? "one of them has no single value there (no data, or one per currency)" : "one of them is empty"}.`,
    ];
  // "new minus churned MRR" with only dollars on one side and only euros on the other: no one amount
  const [lc, rc] = [rowCurrency(left, l), rowCurrency(right, r)];
  const money = left.format === "currency" && right.format === "currency";
  if (money && lc && rc && lc !== rc && !left.converted_to && !right.converted_to)
    return [
      `I can't combine ${lText} (${value(left, l.value, l)}, ${lc}) and ${rText} (${value(right, r.value, r)}, ${rc}) for ${period}: they are in different currencies (project.yaml sets no vars.reporting_currency and fx_rates to convert them into one).`,
    ];
  if (rightR.role === "minus") {
    const diff = l.value - r.value;
    return [
      `${lText} minus ${rText} ${during(period)} was ${value(left, diff, l)} (${value(left, l.value, l)} − ${value(right, r.value, r)}).`,
    ];
  }
  if (rightR.role === "plus") {
    const sum = l.value + r.value;
    return [
      `${lText} plus ${rText} ${during(period)} was ${value(left, sum, l)} (${value(left, l.value, l)} + ${value(right, r.value, r)}).`,
    ];
  }
  if (rightR.role === "share") {
    if (r.value === 0) return [`${lText} has no share of ${rText} ${during(period)}: ${rText} was 0.`];
    const pct = `${Number(((100 * l.value) / r.value).toPrecision(3))}%`;
    // "churned MRR over starting MRR": the whole read at another time (the level the period began at) says its own
    const at = right.period.label !== period ? ` at the end of ${right.period.label}` : "";
    return [
      `${lText} was ${pct} of ${left.label === right.label ? "all " : ""}${right.label}${at} ${during(period)} (${value(left, l.value, l)} of ${value(right, r.value, r)}).`,
    ];
  }
  if (rightR.role === "times") {
    if (r.value === 0) return [`${lText} is no multiple of ${rText} ${during(period)}: ${rText} was 0.`];
    return [
      `${lText} was ${Number((l.value / r.value).toPrecision(3))} times ${rText} ${during(period)} (${value(left, l.value, l)} over ${value(right, r.value, r)}).`,
    ];
  }
  if (r.value === 0) return [`${lText} per ${rText} ${during(period)} has no value: ${rText} was 0.`];
  const ratio = l.value / r.value;
  // money over money is a plain multiple (new MRR 3.32× churned MRR), not an amount
  const shown =
    left.format === "currency" && right.format !== "currency"
      ? value(left, ratio, l)
      : Math.abs(ratio) >= 100
        ? formatValue(ratio, "number")
        : String(Number(ratio.toPrecision(3)));
  return [
    `${lText} per ${rText.toLowerCase()} ${during(period)} was ${shown} (${value(left, l.value, l)} over ${value(right, r.value, r)}).`,
  ];
}

export function composeAnswer(
  intent: Intent,
  results: RoledResult[],
  direction?: "most" | "least",
  /** "top 3 plans": how many of the ranked to list (one when unsaid) */
  n?: number,
  /** the reading's bound on buckets ("months above 40"), compound growth ("CMGR") or median */
  reading?: Pick<Interpretation, "threshold" | "compound" | "statistic" | "scale" | "formula"> &
    Partial<Pick<Interpretation, "argmax" | "rate" | "mean_over">>,
): string[] {
  if (intent === "arithmetic" && reading?.formula) return formulaLines(results, reading.formula);
  if (intent === "arithmetic")
    return reading?.scale && results.length === 1 ? scaledLines(results[0]!, reading.scale) : arithmeticLines(results);
  // (a biggest move's series is its only call: role drop or rise)
  const main = results.find((r) => r.role === "main") ?? results[0]!;
  const o = main.output as never;
  switch (intent) {
    case "metric": {
      const groups: RoledResult[][] = [];
      for (const r of results) {
        if (r.role === "main" || r.role === "mean" || r.role === "drop" || r.role === "rise") groups.push([r]);
        else groups.at(-1)!.push(r);
      }
      // "October vs the average month this year": the average side said as its mean per month (average-month.ts),
      // after a line setting the month against it
      const head =
        groups.length === 2 && groups[1]![0]!.role === "mean" ? meanVersusLine(groups[0]!, groups[1]![0]!) : [];
      return head.concat(
        groups.flatMap((g) =>
          g[0]!.role === "mean"
            ? averageLines([{ ...g[0]!, role: "main" }])
            : g[0]!.role === "drop" || g[0]!.role === "rise"
              ? moveLines(g[0]!.output as unknown as MetricResult, g[0]!.role)
              : metricLines(g),
        ),
      );
    }
    case "argmax":
      return argmaxLines(results, direction ?? "most", n, reading?.argmax?.place);
    case "average":
      return reading?.rate
        ? rateLines(results, reading.rate)
        : reading?.mean_over
          ? groupMeanLines(results, reading.mean_over)
          : averageLines(results, reading?.statistic);
    case "compound":
      return compoundLines(o, reading?.compound?.months ?? 0);
    case "bucket_count":
      return bucketCountLines(results, reading?.threshold);
    case "compare": {
      const companion = results.find((r) => r.role === "companion" && r.name === "compare_periods");
      return companion ? growthVersusLines(o, companion.output as never) : compareLines(o);
    }
    case "top_n":
      return topLines(o);
    case "cohort":
      return cohortLines(main);
    case "count_rows":
      // "US vs Germany paying customers": one count per side, the first named first
      return results.filter((r) => r.role === "main").flatMap((r) => countLines(r.output as never));
    case "freshness":
      return freshnessLines(o);
    case "lineage":
      return lineageLines(o);
    case "list_metrics":
      return listLines(o);
    case "describe_metric":
      return describeMetricLines(o);
    case "describe_mart":
      return describeMartLines(o);
  }
}

export { humanize };

/** One value the answer states, for `dp ask --json`: a metric's value per row (per currency when split). */
export interface AnswerValue {
  metric: string;
  period: string;
  /** the bucket, when the answer is a series */
  bucket?: string;
  /** ISO code of the value's currency (from the data); null for counts and plain numbers */
  currency: string | null;
  /** the amounts were converted to this vars.reporting_currency */
  converted_to: string | null;
  dimensions: Record<string, unknown>;
  value: number | null;
  text: string;
  /** a count or rate over several currencies together: its value in each currency */
  by_currency?: { currency: string; value: number | null; text: string }[];
}

/**
 * A ranking's rows (or, counted, its measure in all: one value per currency when the rows are in several), each
 * with its currency: the --json values of top_n and count_rows.
 */
function rowsValues(r: RoledResult, counted: boolean): AnswerValue[] {
  const o = r.output as unknown as Out<typeof topN>;
  const money = o.format === "currency";
  const base = { metric: o.measure, period: "rows kept", converted_to: o.converted_to };
  const totals = o.currency_split
    ? o.matched.by_currency.map((c) => ({ currency: c.currency, rows: c.rows, total: c.total }))
    : [{ currency: money ? o.unit : null, rows: o.matched.rows, total: o.matched.total }];
  if (counted)
    return totals.map((c) => ({
      ...base,
      currency: c.currency,
      dimensions: { rows: c.rows, in_all: true },
      value: c.total,
      text: formatValue(c.total, o.format, c.currency ?? undefined),
    }));
  return o.rows.map((row) => ({
    ...base,
    currency: money ? (row.currency ?? null) : null,
    dimensions: { [o.label_column]: row.label, rank: row.rank },
    value: row.value,
    text: formatValue(row.value, o.format, row.currency ?? undefined),
  }));
}

/** The values the answer states, for --json: every main query_metric row, and compare_periods per currency. */
export function answerValues(results: RoledResult[], intent?: Intent): AnswerValue[] {
  return results
    .filter((r) => r.role === "main")
    .flatMap((r): AnswerValue[] => {
      if (r.name === "compare_periods") {
        const o = r.output as unknown as Out<typeof comparePeriods>;
        const rows = o.by_currency.length
          ? o.by_currency
          : [{ currency: o.unit, current: o.current.value, previous: o.previous.value }];
        return rows.map((c) => ({
          metric: o.metric,
          period: o.current.period.label,
          currency: o.format === "currency" || o.by_currency.length ? (c.currency ?? null) : null,
          converted_to: o.converted_to,
          dimensions: { previous_period: o.previous.period.label, previous_value: c.previous },
          value: c.current,
          text: formatValue(c.current, o.format, c.currency ?? undefined),
        }));
      }
      if (r.name === "top_n") return rowsValues(r, intent === "count_rows");
      if (r.name !== "query_metric") return [];
      const o = r.output as unknown as MetricResult;
      const money = o.format === "currency" || o.per_currency;
      return o.rows
        .filter((row) => row.rows)
        .map((row) => ({
          metric: o.metric,
          period: o.period.label,
          ...(row.period_label ? { bucket: row.period_label } : {}),
          currency:
            money || (o.currency_column && o.group_by.includes(o.currency_column))
              ? (rowCurrency(o, row) ?? null)
              : null,
          converted_to: o.converted_to,
          dimensions: Object.fromEntries(o.group_by.map((d) => [d, row[d]])),
          value: row.value,
          text: value(o, row.value, row),
          ...(o.by_currency
            ? {
                by_currency: o.by_currency.map((p) => ({
                  currency: p.currency,
                  value: p.value,
                  text: formatValue(p.value, o.format),
                })),
              }
            : {}),
        }));
    });
}
