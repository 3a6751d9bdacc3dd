import type { MetricDef } from "../transform/model-schema.ts";

export type MetricFormat = MetricDef["format"];

/** percent metrics hold fractions (0.041 → 4.1%); currency uses the metric's unit (default USD). */
export function formatValue(value: number | null | undefined, format: MetricFormat, unit?: string): string {
  if (value === null || value === undefined || Number.isNaN(value)) return "n/a";
  if (format === "percent") return `${(value * 100).toFixed(1)}%`;
  if (format === "currency") {
    // a row whose currency is not known ("(unknown currency)") is a number in no currency: never "$"
    if (unit && !/^[A-Z]{3}$/.test(unit)) return `${formatValue(value, "number")} ${unit.toLowerCase()}`;
    // an empty code is no currency known either (Intl throws on it): the number alone
    if (unit === "") return formatValue(value, "number");
    const currency = unit ?? "USD";
    const digits = Math.abs(value) >= 1000 ? 0 : 2;
    return new Intl.NumberFormat("en-US", {
      style: "currency",
      currency,
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    }).format(value);
  }
  const digits = Number.isInteger(value) ? 0 : Math.abs(value) >= 100 ? 0 : 2;
  const text =
    digits === 0 && Number.isInteger(value) && Math.abs(value) < 1e21
      ? groupedInteger(value)
      : new Intl.NumberFormat("en-US", { minimumFractionDigits: 0, maximumFractionDigits: digits }).format(value);
  return unit && !/^[A-Z]{3}$/.test(unit) ? `${text} ${unit}` : text;
}

/**
 * A whole number as Intl.NumberFormat("en-US") writes it ("12,345", "-0"), without building one: the first
 * NumberFormat of a process loads its locale data (≈1–2 ms of a one-shot `dp ask` that states two counts).
 */
function groupedInteger(n: number): string {
  return `${n < 0 || Object.is(n, -0) ? "-" : ""}${String(Math.abs(n)).replace(/\B(?=(\d{3})+$)/g, ",")}`;
}

/** A change between two values: percent points for percent metrics, relative change otherwise. */
export function formatChange(
  current: number | null,
  previous: number | null,
  format: MetricFormat,
  unit?: string,
): string {
  if (current === null || previous === null) return "change n/a";
  const delta = current - previous;
  const sign = delta > 0 ? "+" : delta < 0 ? "−" : "±";
  if (format === "percent") return `${sign}${Math.abs(delta * 100).toFixed(1)} pp`;
  const abs = formatValue(Math.abs(delta), format, unit);
  if (previous === 0) return `${sign}${abs}`;
  return `${sign}${abs}, ${sign}${Math.abs((delta / Math.abs(previous)) * 100).toFixed(1)}%`;
}

const BARS = "▁▂▃▄▅▆▇█";

export function sparkline(values: (number | null)[]): string {
  const nums = values.filter((v): v is number => v !== null && !Number.isNaN(v));
  if (nums.length === 0) return "";
  const min = Math.min(...nums);
  const max = Math.max(...nums);
  return values
    .map((v) => {
      if (v === null || Number.isNaN(v)) return " ";
      if (max === min) return BARS[3];
      return BARS[Math.round(((v - min) / (max - min)) * (BARS.length - 1))];
    })
    .join("");
}

export function humanize(name: string): string {
  const s = name.replaceAll("_", " ");
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export function metricLabel(metric: Pick<MetricDef, "name" | "label">): string {
  return metric.label ?? humanize(metric.name);
}
