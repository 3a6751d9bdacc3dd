import { formatValue } from "../../engine/catalog/metric-format.ts";
import { labelOf, parseDate } from "../../engine/catalog/period.ts";
import type { Interpretation } from "../planner/understand.ts";
import { rowCurrency, type MetricResult, type MetricRow } from "../toolbox/query-metric.ts";
import { BOUND_WORDS, meets } from "./bound.ts";
import type { RoledResult } from "./compose.ts";

/**
 * The verdict on a belief the question checks (see planner/belief.ts), written only from the tool results the
 * answer already states: whether the named month or person leads the ranking, whether a level fell in any bucket,
 * which of two is larger, where a share stands against its bound. No verdict when the results cannot settle it.
 */
export function beliefLines(
  check: Interpretation["check"],
  results: RoledResult[],
  direction: "most" | "least" = "most",
): string[] {
  if (!check) return [];
  const mains = results.filter((r) => r.role === "main" && r.name === "query_metric");
  const metric = mains[0]?.output as unknown as MetricResult | undefined;
  const shown = (r: MetricResult, v: number, row?: MetricRow) => formatValue(v, r.format, rowCurrency(r, row));
  if (check.kind === "winner" && metric) return winnerLines(check, metric, direction);
  if (check.kind === "winner" && check.value) return leaderLines(check.value, results);
  if (check.kind === "negative" && metric) {
    const rows = metric.rows.filter((x) => x.rows && x.value !== null);
    if (!rows.length || metric.currency_split) return [];
    const name = (row: MetricRow) => labelOf(parseDate(String(row.period).slice(0, 10)), metric.grain ?? "month");
    const fell = rows.filter((x) => x.value! < 0);
    const running = metric.period.toDate ? rows.at(-1) : undefined;
    if (fell.length)
      return [
        `So yes: ${metric.label} was below 0 in ${fell.map((x) => `${name(x)}${x === running ? " (to date)" : ""} (${shown(metric, x.value!, x)})`).join(", ")}.`,
      ];
    const lowest = [...rows].sort((a, b) => a.value! - b.value!)[0]!;
    return [
      `So no: ${metric.label} stayed above 0 in every ${metric.grain ?? "month"} of ${metric.period.label}; the lowest, counting ${running ? `${name(running)} to date` : "every one"}, was ${name(lowest)}${lowest === running ? " (to date)" : ""} (${shown(metric, lowest.value!, lowest)}).`,
    ];
  }
  if ((check.kind === "bigger" || check.kind === "covers") && mains.length === 2) {
    const outs = mains.map((m) => m.output as unknown as MetricResult);
    // the side named first is checked against the other ("did expansion make up for churned MRR")
    const [a, b] = outs[0]!.metric === check.first ? outs : [outs[1]!, outs[0]!];
    const one = (r: MetricResult) => {
      const rows = r.rows.filter((x) => x.rows && x.value !== null);
      return rows.length === 1 && !r.currency_split ? rows[0] : undefined;
    };
    const [ra, rb] = [one(a!), one(b!)];
    if (!ra || !rb || a!.format !== b!.format) return [];
    const [va, vb] = [ra.value!, rb.value!];
    const diff = shown(a!, Math.abs(va - vb), ra);
    if (va === vb) return [`So they are level: ${a!.label} and ${b!.label} are equal.`];
    if (check.kind === "covers")
      return [
        va > vb
          ? `So yes: ${a!.label} more than made up for ${b!.label} (by ${diff}).`
          : `So no: ${a!.label} fell short of ${b!.label} by ${diff}.`,
      ];
    const [big, small] = va > vb ? [a!, b!] : [b!, a!];
    return [`So ${big.label} is the bigger, by ${diff} over ${small.label}.`];
  }
  if (check.kind === "shares") {
    const pairs = [0, 2].map((i) => results.slice(i, i + 2).map((r) => r.output as unknown as MetricResult));
    const shares = pairs.map(([p, w]) => {
      const [pv, wv] = [p?.rows.find((x) => x.rows)?.value, w?.rows.find((x) => x.rows)?.value];
      return pv === null || pv === undefined || !wv ? undefined : pv / wv;
    });
    if (shares.some((x) => x === undefined) || pairs.length !== 2) return [];
    const [first, second] = shares as [number, number];
    const [a, b] = [pairs[0]![0]!.period.label, pairs[1]![0]!.period.label];
    if (first === second) return [`So the share was the same in ${a} as in ${b}.`];
    return [`So the share was ${first > second ? "higher" : "lower"} in ${a} than in ${b}.`];
  }
  if (check.kind === "top_sum") return topSumLines(check.share, results);
  if (check.kind === "any_bucket") {
    // every bucket of the range against the bound: it holds in some bucket iff it holds for the extreme
    if (!metric || metric.currency_split) return [];
    const rows = metric.rows.filter((x) => x.rows && x.value !== null);
    if (!rows.length) return [];
    const name = (row: MetricRow) =>
      labelOf(parseDate(String(row.period).slice(0, 10)), (metric.grain ?? "month") as never);
    const hit = rows.filter((x) => meets(x.value!, check.op, check.value));
    const from = check.op === "<" || check.op === "<=";
    const extreme = [...rows].sort((a, b) => (from ? a.value! - b.value! : b.value! - a.value!))[0]!;
    const running = metric.period.toDate ? rows.at(-1) : undefined;
    const at = (x: MetricRow) => `${name(x)}${x === running ? " (to date)" : ""} (${shown(metric, x.value!, x)})`;
    if (hit.length)
      return [
        `So yes: ${metric.label} was ${check.said} in ${hit.length} ${check.grain}${hit.length === 1 ? "" : "s"} of ${metric.period.label}: ${hit.map(at).join(", ")}.`,
      ];
    return [
      `So no: ${metric.label} was not ${check.said} in any ${check.grain} of ${metric.period.label}; the ${from ? "lowest" : "highest"} was ${at(extreme)}.`,
    ];
  }
  if (check.kind === "share_of") {
    // "what fraction of our paying customers are past due": the kept rows over the population's rows, stated
    type Counted = { matched: { rows: number }; mart: string };
    const part = results.find((r) => r.role === "main")?.output as unknown as Counted | undefined;
    const whole = results.find((r) => r.role === "share")?.output as unknown as Counted | undefined;
    if (!part || !whole?.matched.rows) return [];
    const s = part.matched.rows / whole.matched.rows;
    return [
      `That is ${Number((100 * s).toPrecision(3))}% of them (${part.matched.rows} of ${whole.matched.rows} ${whole.mart}).`,
    ];
  }
  if (check.kind === "share" && check.of) {
    // a share of a mart's rows: the kept rows (or their measure summed) over the same population without the value
    type Rows = {
      matched: { rows: number; total: number | null };
      currency_split?: boolean;
      format: string;
      unit?: string | null;
      measure: string;
      mart: string;
    };
    const part = results.find((r) => r.role === "main")?.output as unknown as Rows | undefined;
    const whole = results.find((r) => r.role === "share")?.output as unknown as Rows | undefined;
    if (!part || !whole) return [];
    const total = check.of === "total";
    if (total && (part.currency_split || whole.currency_split || part.matched.total === null || !whole.matched.total))
      return [`I can't give the share of ${whole.measure}: the amounts are in several currencies.`];
    const [pv, wv] = total ? [part.matched.total!, whole.matched.total!] : [part.matched.rows, whole.matched.rows];
    if (!wv) return [];
    const s = pv / wv;
    const holds = meets(s, check.op, check.value);
    const pct = `${Number((100 * s).toPrecision(3))}%`;
    const of = total
      ? `${formatValue(pv, part.format as never, part.unit ?? undefined)} of ${formatValue(wv, whole.format as never, whole.unit ?? undefined)} ${whole.measure}`
      : `${pv} of ${wv} ${whole.mart}`;
    const bound = `${Number((100 * check.value).toPrecision(3))}%`;
    const rel = BOUND_WORDS[check.op];
    return [`That is ${pct} (${of}); so ${holds ? "yes" : "no"}: the share is ${holds ? "" : "not "}${rel} ${bound}.`];
  }
  if (check.kind === "share") {
    const part = results.find((r) => r.role === "left")?.output as unknown as MetricResult | undefined;
    const whole = results.find((r) => r.role === "share")?.output as unknown as MetricResult | undefined;
    const pv = part?.rows.find((x) => x.rows)?.value;
    const wv = whole?.rows.find((x) => x.rows)?.value;
    if (pv === null || pv === undefined || !wv) return [];
    const s = pv / wv;
    const holds = meets(s, check.op, check.value);
    const bound = `${Number((100 * check.value).toPrecision(3))}%`;
    const rel = BOUND_WORDS[check.op];
    return [`So ${holds ? "yes" : "no"}: the share is ${holds ? "" : "not "}${rel} ${bound}.`];
  }
  return [];
}

function winnerLines(
  check: { named: string; bucket?: string; value?: string },
  r: MetricResult,
  direction: "most" | "least",
): string[] {
  const byPeriod = !r.group_by.length && !!r.grain;
  const rows = r.rows.filter((x) => x.rows && x.value !== null);
  if (!rows.length || r.currency_split) return [];
  // as the ranking does: a bucket still running is left out when whole ones exist (a level's is whole at any instant)
  const running = byPeriod && r.period.toDate && r.time_rollup !== "last" ? rows.at(-1) : undefined;
  const ranked = running && rows.length > 1 ? rows.filter((x) => x !== running) : rows;
  const key = (row: MetricRow) =>
    byPeriod ? String(row.period).slice(0, 10) : String(row[r.group_by[0]!] ?? "").toLowerCase();
  const want = byPeriod ? check.bucket : check.value?.toLowerCase();
  if (!want) return [];
  const name = byPeriod ? labelOf(parseDate(want), r.grain!) : check.value!;
  // the named bucket's own figure is said with the verdict ("is October our best month": October's value, and where it
  // stands against the record the head line names)
  const own = (row: MetricRow) => formatValue(row.value!, r.format, rowCurrency(r, row));
  if (running && key(running) === want) {
    const sorted = [...ranked].sort((a, b) => (direction === "most" ? b.value! - a.value! : a.value! - b.value!));
    const top = sorted[0];
    const beats = top && (direction === "most" ? running.value! > top.value! : running.value! < top.value!);
    return [
      `So not yet: ${name} is still running, so it is not ranked; to date it is ${own(running)}${top && top !== running ? `, ${beats ? "already past" : "against"} the record's ${own(top)}` : ""}.`,
    ];
  }
  const named = ranked.find((x) => key(x) === want);
  if (!named) return [`So no: there is no ${r.label.toLowerCase()} for ${name} in what was ranked.`];
  const sorted = [...ranked].sort((a, b) => (direction === "most" ? b.value! - a.value! : a.value! - b.value!));
  const place = sorted.findIndex((x) => x.value === named.value);
  const tied = ranked.filter((x) => x.value === named.value).length;
  if (place === 0 && tied > 1)
    return [`So partly: ${name} (${own(named)}) ties with ${tied - 1} other${tied > 2 ? "s" : ""} for it.`];
  if (place === 0) return [`So yes: it was ${name} (${own(named)}).`];
  return [`So no: it was not ${name} (${own(named)}), which ranks ${ordinal(place + 1)} of ${ranked.length}.`];
}

/** "is Germany our biggest market": a ranking of a mart's rows, its leader against the value named (leader.ts) */
function leaderLines(value: string, results: RoledResult[]): string[] {
  const main = results.find((r) => r.role === "main" && r.name === "top_n");
  const o = main?.output as unknown as
    | { rows: { label: string | null; value: number | null }[]; tied: string | null; currency_split?: boolean }
    | undefined;
  const top = o?.rows[0];
  if (!o || !top || top.label === null || o.currency_split) return [];
  const named = top.label.toLowerCase() === value.toLowerCase();
  if (o.tied) return [`So ${named ? "partly" : "no"}: ${top.label} ties with ${o.tied} for it.`];
  return [named ? `So yes: it is ${top.label}.` : `So no: it is ${top.label}, not ${value}.`];
}

function ordinal(n: number): string {
  const tail =
    n % 100 >= 11 && n % 100 <= 13 ? "th" : (({ 1: "st", 2: "nd", 3: "rd" } as Record<number, string>)[n % 10] ?? "th");
  return `${n}${tail}`;
}

/**
 * "combined MRR of our 7 biggest customers" (planner/top-sum.ts): the ranked rows' values added, and for a share
 * that sum over every kept row's measure. Never across currencies, and a tie at the cut is said (another row has
 * the same value as the last one counted).
 */
function topSumLines(share: boolean, results: RoledResult[]): string[] {
  type Ranked = {
    rows: { value: number | null }[];
    currency_split: boolean;
    tied_past_limit: string | null;
    matched: { total: number | null };
    format: "currency" | "number" | "percent";
    unit: string | null;
    measure: string;
    mart: string;
  };
  const o = results.find((r) => r.role === "main" && r.name === "top_n")?.output as unknown as Ranked | undefined;
  if (!o || !o.rows.length) return [];
  if (o.currency_split) return [`I can't add them up: their ${o.measure} is in several currencies.`];
  const sum = o.rows.reduce((a, r) => a + (r.value ?? 0), 0);
  const shown = (v: number) => formatValue(v, o.format, o.unit ?? undefined);
  // a tie at the cut leaves the sum as it is: the row left out has the same value as the last one counted
  const tie = o.tied_past_limit
    ? ` (${o.tied_past_limit} has the same ${o.measure} as the last of them: the sum is the same whichever is counted)`
    : "";
  const together = `Together the ${o.rows.length} have ${shown(sum)} of ${o.measure}${tie}.`;
  if (!share) return [together];
  if (!o.matched.total) return [together];
  const s = sum / o.matched.total;
  return [
    `${together} That is ${Number((100 * s).toPrecision(3))}% of all ${o.mart}' ${o.measure} (${shown(sum)} of ${shown(o.matched.total)}).`,
  ];
}
