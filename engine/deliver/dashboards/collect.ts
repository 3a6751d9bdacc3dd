import { type CurrencyPair, currencyPairs } from "../../catalog/currency-pairs.ts";
import { now } from "../../clock.ts";
import { asDpError } from "../../errors.ts";
import type { Project } from "../../config/project.ts";
import type { Db } from "../../warehouse/duckdb.ts";
import { currentPointer, openReader } from "../../warehouse/snapshots.ts";
import { loadReaderCatalog } from "../../catalog/catalog-cache.ts";
import { readWarehouseStatus, type Catalog, type WarehouseStatus } from "../../catalog/catalog.ts";
import { citeModel, qualityIssues, type Citation } from "../../catalog/citation.ts";
import { buildMetricQuery, dataRangeQuery, type MetricQueryInput } from "../../catalog/metric-query.ts";
import { add, bucketLabel, labelOf, parseDate, truncate, ymd, type Grain } from "../../catalog/period.ts";
import { dashboardPages, DEFAULT_PERIODS, type ChartSpec } from "./chart-spec.ts";

/** One bucket of a chart's series. */
export interface Point {
  period: string;
  label: string;
  value: number | null;
}

export interface Breakdown {
  dimension: string;
  /** the values drawn, largest first; at most MAX_SERIES */
  values: string[];
  /** value → one number (or null) per bucket of the chart */
  series: Record<string, (number | null)[]>;
  /** how many distinct values there were, when more than were drawn */
  of: number;
}

/** A money metric's headline in one of its currencies (dollars and euros are never added up). */
export interface CurrencyHeadline {
  /** upper-case ISO code */
  currency: string;
  value: number | null;
  previous: number | null;
  change: number | null;
  change_ratio: number | null;
}

export interface Headline {
  period: string;
  label: string;
  value: number | null;
  /** the one currency the amounts are in (from the data), for a money metric; null when none or several */
  unit: string | null;
  /** a money metric whose amounts are in several currencies: one headline per currency, and `value` is null */
  by_currency: CurrencyHeadline[];
  /** the bucket has not ended yet */
  to_date: boolean;
  previous: { period: string; label: string; value: number | null } | null;
  change: number | null;
  change_ratio: number | null;
}

/** What a chart stands on: its mart, how fresh, how tested, and whether to trust it. */
export interface Receipt {
  /** null only when the metric names a mart the project does not have */
  citation: Citation | null;
  /** ok; warn (a source past its warn SLA, a test warning); bad (failing tests, a failed build, a source past its error SLA) */
  state: "ok" | "warn" | "bad";
  issues: string[];
}

/** A chart's numbers at one grain: what its grain switch shows. */
export interface GrainSeries {
  grain: Grain;
  points: Point[];
  /** the last bucket has not ended yet */
  last_to_date: boolean;
  /** the same bucket a year earlier, one per point; empty when there is no such data */
  year_ago: (number | null)[];
  breakdowns: Breakdown[];
  /** the query behind the points, as built from the catalog (values bound) */
  sql: string;
  params: (string | number | boolean | null)[];
}

/** A chart as it opens (its spec's grain, the fields of GrainSeries), with every grain its switch offers. */
export interface ChartData extends GrainSeries {
  id: string;
  spec: ChartSpec;
  /** one per grain in spec.grains, the opening one included */
  grains: GrainSeries[];
  headline: Headline | null;
  receipt: Receipt;
  error?: string;
}

export interface DashboardPage {
  slug: string;
  title: string;
  charts: ChartData[];
}

export interface DashboardsData {
  /** the snapshot read, or null before the first build */
  snapshot: string | null;
  generated_at: string;
  pages: DashboardPage[];
}

const MAX_SERIES = 8;
const ROW_CAP = 5000;

/** Every dashboard page's data from the published snapshot: the same metric query `query_metric` runs. */
export async function collectDashboards(project: Project): Promise<DashboardsData> {
  const pointer = currentPointer(project);
  const { catalog, status: cached } = loadReaderCatalog(project);
  const specs = dashboardPages(catalog);
  const generated_at = now().toISOString();
  if (!pointer) {
    const status: WarehouseStatus = { lastRun: new Map(), lastSuccess: new Map(), tests: [] };
    return {
      snapshot: null,
      generated_at,
      pages: specs.map((p) => ({
        slug: p.slug,
        title: p.title,
        charts: p.charts.map((spec) => emptyChart(catalog, status, spec, "no build published yet: run `dp run`")),
      })),
    };
  }
  const db = await openReader(project);
  try {
    const status = cached ?? (await readWarehouseStatus(db));
    const pages: DashboardPage[] = [];
    for (const p of specs) {
      const charts: ChartData[] = [];
      for (const spec of p.charts) {
        try {
          charts.push(await chartData(db, catalog, status, spec));
        } catch (e) {
          charts.push(emptyChart(catalog, status, spec, asDpError(e).message));
        }
      }
      pages.push({ slug: p.slug, title: p.title, charts });
    }
    return { snapshot: pointer.file, generated_at, pages };
  } finally {
    db.close();
  }
}

function receiptFor(catalog: Catalog, status: WarehouseStatus, mart: string): Receipt {
  const citation = citeModel(catalog, status, mart);
  const bad = qualityIssues([citation]);
  if (!status.lastSuccess.has(mart)) bad.push(`${citation.model} has never been built successfully`);
  const warn = [
    ...citation.sources
      .filter((s) => s.freshness === "warn")
      .map((s) => `source ${s.source} is past its warn SLA (last pull ${s.last_success_at ?? "never"})`),
    ...citation.tests.warnings.map((t) => `test ${t.id} warns: ${t.message}`),
  ];
  return { citation, state: bad.length ? "bad" : warn.length ? "warn" : "ok", issues: [...bad, ...warn] };
}

function emptyChart(catalog: Catalog, status: WarehouseStatus, spec: ChartSpec, error: string): ChartData {
  return {
    id: `chart-${spec.metric}`,
    spec,
    ...noSeries(spec.grain),
    grains: [],
    headline: null,
    receipt: catalog.models.has(spec.mart)
      ? receiptFor(catalog, status, spec.mart)
      : { citation: null, state: "bad", issues: [error] },
    error,
  };
}

const noSeries = (grain: Grain): GrainSeries => ({
  grain,
  points: [],
  last_to_date: false,
  year_ago: [],
  breakdowns: [],
  sql: "",
  params: [],
});

type Row = Record<string, unknown>;

async function run(
  db: Db,
  catalog: Catalog,
  spec: ChartSpec,
  grain: Grain,
  start: Date,
  end: Date,
  group_by: string[],
): Promise<{ rows: Row[]; sql: string; params: (string | number | boolean | null)[] }> {
  const input: MetricQueryInput = {
    metric: spec.metric,
    period: { start: ymd(start), end: ymd(add(end, "day", -1)) },
    grain,
    filters: [],
    group_by,
    order: "time",
  };
  const built = buildMetricQuery(
    catalog,
    input,
    { start: ymd(start), end: ymd(end), label: "", toDate: false },
    ROW_CAP,
  );
  const rows = await db.all(built.sql, built.params);
  const params = built.params.map((p) =>
    p instanceof Date ? p.toISOString() : typeof p === "bigint" ? Number(p) : (p as string | number | boolean | null),
  );
  return { rows: rows.slice(0, built.limit), sql: built.sql, params };
}

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
const day = (v: unknown) => String(v).slice(0, 10);

async function chartData(db: Db, catalog: Catalog, status: WarehouseStatus, spec: ChartSpec): Promise<ChartData> {
  const receipt = receiptFor(catalog, status, spec.mart);
  const latest = (await db.one<{ last: string | null }>(dataRangeQuery(catalog, spec.metric)))?.last;
  const base = { id: `chart-${spec.metric}`, spec, receipt };
  if (!latest) return { ...base, ...noSeries(spec.grain), grains: [], headline: null };
  const newest = new Date(Math.min(parseDate(day(latest)).getTime(), truncate(now(), "day").getTime()));
  const grains: GrainSeries[] = [];
  for (const grain of spec.grains) {
    const periods = grain === spec.grain ? spec.periods : DEFAULT_PERIODS[grain];
    grains.push(await grainSeries(db, catalog, spec, grain, periods, newest));
  }
  const opening = grains.find((g) => g.grain === spec.grain)!;
  const h = headline(spec, opening.points, opening.last_to_date);
  return { ...base, ...opening, grains, headline: h && (await inCurrencies(db, catalog, spec, h)) };
}

/**
 * A money metric (currency_column, currencies: split) read per currency over the headline's two buckets: one
 * currency names the unit (€ for an account billing in euros); several give one headline each, as `dp ask` does.
 */
async function inCurrencies(db: Db, catalog: Catalog, spec: ChartSpec, h: Headline): Promise<Headline> {
  const metric = catalog.metric(spec.metric);
  const col = metric.currency_column;
  if (!col || metric.currencies !== "split") return h;
  const start = parseDate(h.previous?.period ?? h.period);
  const { rows } = await run(db, catalog, spec, spec.grain, start, add(parseDate(h.period), spec.grain, 1), [col]);
  const codes = [...new Set(rows.filter((r) => Number(r._dp_rows) > 0 && r[col] != null).map((r) => String(r[col])))];
  if (codes.length === 1) return { ...h, unit: codes[0]!.toUpperCase() };
  if (codes.length < 2) return h;
  const at = (code: string, period: string | undefined) => {
    const r = rows.find((x) => String(x[col]) === code && day(x._dp_period) === period && Number(x._dp_rows) > 0);
    return r ? num(r.value) : null;
  };
  const hasRows = (period: string | undefined) =>
    rows.some((x) => day(x._dp_period) === period && Number(x._dp_rows) > 0);
  const pairs = currencyPairs(
    codes.sort(),
    (code, period) => (period === "current" ? at(code, h.period) : h.previous ? at(code, h.previous.period) : null),
    {
      current: hasRows(h.period),
      previous: !!h.previous && hasRows(h.previous.period),
      ratio: metric.time_rollup === "ratio",
    },
  );
  // one currency says something (the other held nothing in either bucket): the headline is in that currency
  if (pairs.length === 1) {
    const [{ currency, current, previous }] = pairs as [CurrencyPair];
    const change = current !== null && previous !== null ? current - previous : null;
    return {
      ...h,
      unit: currency.toUpperCase(),
      value: current,
      previous: h.previous ? { ...h.previous, value: previous } : null,
      change,
      change_ratio: change !== null && previous ? change / Math.abs(previous) : null,
    };
  }
  const by_currency = pairs.map(({ currency, current: value, previous }): CurrencyHeadline => {
    const change = value !== null && previous !== null ? value - previous : null;
    return {
      currency: currency.toUpperCase(),
      value,
      previous,
      change,
      change_ratio: change !== null && previous ? change / Math.abs(previous) : null,
    };
  });
  return { ...h, value: null, change: null, change_ratio: null, by_currency };
}

/** The chart at one grain: `periods` buckets up to the one holding `newest`, the year-ago comparison, the breakdowns. */
async function grainSeries(
  db: Db,
  catalog: Catalog,
  spec: ChartSpec,
  grain: Grain,
  periods: number,
  newest: Date,
): Promise<GrainSeries> {
  const today = truncate(now(), "day");
  const last = truncate(newest, grain);
  const first = add(last, grain, -(periods - 1));
  const end = add(last, grain, 1);
  const buckets: Date[] = [];
  for (let b = first; b < end; b = add(b, grain, 1)) buckets.push(b);
  // one query reaches a year further back, for the year-ago comparison
  const total = await run(db, catalog, spec, grain, truncate(add(first, "year", -1), grain), end, []);
  const byPeriod = new Map(total.rows.map((r) => [day(r._dp_period), Number(r._dp_rows) > 0 ? num(r.value) : null]));
  let points: Point[] = buckets.map((b) => ({
    period: ymd(b),
    label: bucketLabel(ymd(b), grain),
    value: byPeriod.get(ymd(b)) ?? null,
  }));
  // a chart starts where its data starts
  const firstData = points.findIndex((p) => p.value !== null);
  if (firstData > 0) points = points.slice(Math.min(firstData, points.length - 2));
  const shown = points.map((p) => parseDate(p.period));
  const yearAgo = shown.map((b) => byPeriod.get(ymd(truncate(add(b, "year", -1), grain))) ?? null);
  const breakdowns: Breakdown[] = [];
  for (const dimension of spec.dimensions)
    breakdowns.push(await breakdown(db, catalog, spec, grain, dimension, shown[0] ?? first, end, points));
  return {
    grain,
    points,
    last_to_date: end > add(today, "day", 1),
    year_ago: yearAgo.some((v) => v !== null) ? yearAgo : [],
    breakdowns,
    sql: total.sql,
    params: total.params,
  };
}

async function breakdown(
  db: Db,
  catalog: Catalog,
  spec: ChartSpec,
  grain: Grain,
  dimension: string,
  start: Date,
  end: Date,
  points: Point[],
): Promise<Breakdown> {
  const { rows } = await run(db, catalog, spec, grain, start, end, [dimension]);
  const index = new Map(points.map((p, i) => [p.period, i]));
  const series = new Map<string, (number | null)[]>();
  for (const r of rows) {
    const key = r[dimension] === null || r[dimension] === undefined ? "(none)" : String(r[dimension]);
    const i = index.get(day(r._dp_period));
    if (i === undefined) continue;
    const values = series.get(key) ?? points.map(() => null);
    values[i] = Number(r._dp_rows) > 0 ? num(r.value) : null;
    series.set(key, values);
  }
  // largest at the newest bucket first (a stock's split now), then over the whole range
  const weight = (v: (number | null)[]) => {
    const lastSeen = [...v].reverse().find((x) => x !== null) ?? 0;
    return [Math.abs(lastSeen), v.reduce<number>((a, x) => a + Math.abs(x ?? 0), 0)] as const;
  };
  const ranked = [...series.keys()].sort((a, b) => {
    const [la, ta] = weight(series.get(a)!);
    const [lb, tb] = weight(series.get(b)!);
    return lb - la || tb - ta || a.localeCompare(b);
  });
  const values = ranked.slice(0, MAX_SERIES);
  return { dimension, values, series: Object.fromEntries(values.map((v) => [v, series.get(v)!])), of: ranked.length };
}

/**
 * The number on the tile. A stock (MRR) is read now, even mid-month; a flow or a ratio over a month not
 * yet over would compare a part with a whole, so it shows the last full bucket.
 */
function headline(spec: ChartSpec, points: Point[], lastToDate: boolean): Headline | null {
  if (!points.length) return null;
  const stock = spec.time_rollup === "last" || spec.time_rollup === "first";
  const i = !stock && lastToDate && points.length > 1 ? points.length - 2 : points.length - 1;
  const cur = points[i]!;
  const prev = i > 0 ? points[i - 1]! : null;
  const change = cur.value !== null && prev?.value != null ? cur.value - prev.value : null;
  const long = (p: Point) => labelOf(parseDate(p.period), spec.grain);
  return {
    period: cur.period,
    label: long(cur),
    value: cur.value,
    unit: null,
    by_currency: [],
    to_date: i === points.length - 1 && lastToDate,
    previous: prev ? { period: prev.period, label: long(prev), value: prev.value } : null,
    change,
    change_ratio: change !== null && prev!.value ? change / Math.abs(prev!.value) : null,
  };
}
