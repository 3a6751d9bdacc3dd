import type { Catalog } from "../../catalog/catalog.ts";
import { metricLabel } from "../../catalog/metric-format.ts";
import { GRAINS, type Grain } from "../../catalog/period.ts";
import { DpError } from "../../errors.ts";
import type { MetricDef } from "../../transform/model-schema.ts";

/** A metric's chart with every default filled in: what the dashboards draw, decided from the YAML alone. */
export interface ChartSpec {
  metric: string;
  label: string;
  description: string;
  mart: string;
  format: MetricDef["format"];
  unit: string | null;
  /** the dimension holding each row's currency, for a money metric (its headline splits by it) */
  currency_column: string | null;
  time_rollup: MetricDef["time_rollup"];
  higher_is_better: boolean;
  type: "line" | "bar";
  /** the grain the chart opens on */
  grain: Grain;
  periods: number;
  /** the grains its switch offers, finest first: the metric's own and up to three coarser (a monthly mart: month, quarter, year) */
  grains: Grain[];
  /** dimensions the chart can be split by (PII columns left out) */
  dimensions: string[];
  breakdown: string | null;
  page: string;
}

export interface DashboardPageSpec {
  slug: string;
  title: string;
  charts: ChartSpec[];
}

export const DEFAULT_PERIODS: Record<Grain, number> = { day: 90, week: 26, month: 24, quarter: 8, year: 5 };

function fail(catalog: Catalog, metric: MetricDef, message: string, fix: string): DpError {
  return new DpError("CONFIG", `metric "${metric.name}": ${message}`, {
    where: catalog.graph.metricWhere(metric.name) ?? `metrics in models/*.yml (${metric.name})`,
    fix,
  });
}

export function chartSpec(catalog: Catalog, metric: MetricDef): ChartSpec | undefined {
  if (metric.chart === false) return undefined;
  const chart = metric.chart ?? {};
  const grain = chart.grain ?? metric.grain;
  if (GRAINS.indexOf(grain) < GRAINS.indexOf(metric.grain))
    throw fail(
      catalog,
      metric,
      `chart.grain ${grain} is finer than the metric's grain (${metric.grain})`,
      `use ${GRAINS.slice(GRAINS.indexOf(metric.grain)).join(", ")}, or leave chart.grain out`,
    );
  const pii = new Set(
    catalog.models
      .get(metric.mart)
      ?.columns.filter((c) => c.pii)
      .map((c) => c.name) ?? [],
  );
  const dimensions = metric.dimensions.filter((d) => !pii.has(d));
  if (chart.breakdown && !metric.dimensions.includes(chart.breakdown))
    throw fail(
      catalog,
      metric,
      `chart.breakdown "${chart.breakdown}" is not one of its dimensions`,
      metric.dimensions.length ? `use one of: ${metric.dimensions.join(", ")}` : "declare it under dimensions first",
    );
  const breakdown = chart.breakdown && dimensions.includes(chart.breakdown) ? chart.breakdown : (dimensions[0] ?? null);
  return {
    metric: metric.name,
    label: metricLabel(metric),
    description: metric.description,
    mart: metric.mart,
    format: metric.format,
    unit: metric.unit ?? null,
    currency_column: metric.currency_column ?? null,
    time_rollup: metric.time_rollup,
    higher_is_better: metric.higher_is_better,
    type: chart.type ?? (metric.time_rollup === "sum" ? "bar" : "line"),
    grain,
    periods: chart.periods ?? DEFAULT_PERIODS[grain],
    grains: offeredGrains(metric.grain, grain),
    // the breakdown the chart offers first
    dimensions: breakdown ? [breakdown, ...dimensions.filter((d) => d !== breakdown)] : dimensions,
    breakdown,
    page: chart.page ?? metric.mart,
  };
}

const OFFERED = 4;

/** A daily mart offers day, week, month, quarter; a monthly one month, quarter, year; the chart's own grain always. */
export function offeredGrains(finest: Grain, opens: Grain): Grain[] {
  const from = GRAINS.indexOf(finest);
  return GRAINS.filter((g, i) => (i >= from && i < from + OFFERED) || g === opens);
}

/** Pages in the order their first metric is declared; a page's charts in declaration order. */
export function dashboardPages(catalog: Catalog): DashboardPageSpec[] {
  const pages = new Map<string, DashboardPageSpec>();
  for (const metric of catalog.metrics) {
    const spec = chartSpec(catalog, metric);
    if (!spec) continue;
    const page = pages.get(spec.page) ?? { slug: spec.page, title: pageTitle(spec.page), charts: [] };
    page.charts.push(spec);
    pages.set(spec.page, page);
  }
  return [...pages.values()];
}

function pageTitle(slug: string): string {
  const s = slug.replace(/[_-]+/g, " ");
  return s.charAt(0).toUpperCase() + s.slice(1);
}
