import type { Catalog } from "../../engine/catalog/catalog.ts";
import { execSaid } from "./may-match.ts";
import type { Plan, Refusal } from "./plan-types.ts";
import { scaledMetricPlan } from "./scaled.ts";

/**
 * A duration asked in another unit than its metric's (#15, batch 50): "first response time in October, in hours"
 * (first_response_minutes ÷ 60), "how many days on average did it take to resolve tickets in Q3" (resolution_hours ÷
 * 24), "time to first reply in hours". The metric declares its unit (`unit: minutes`); the unit said is converted by
 * the fixed factors of clock time (60 minutes an hour, 24 hours a day, 7 days a week — no month or year, which are no
 * fixed number of days). The answer states the converted value with its unit and the metric's own value beside it.
 * Read only when the question without the unit is one metric of a clock unit over one period, nothing split or set
 * against it; a bound in another unit ("days over 5 hours") is rewritten in the metric's unit and read again.
 */
const MINUTES: Record<string, number> = { minute: 1, hour: 60, day: 60 * 24, week: 60 * 24 * 7 };
const UNIT = String.raw`(minutes?|mins?|hours?|hrs?|days?|weeks?)`;
/**
 * "in hours", "(days)", "how many days on average did it take": the unit a duration is asked in — never "on how many
 * days" (days counted) nor "how many days" alone, which counts days unless a span follows ("did it take", "on average")
 */
const ASKED_IN = new RegExp(
  String.raw`[\s,;:(—–-]*\b(?:(?:expressed|shown|given|measured)\s+)?(?:in|into|as)\s+${UNIT}\b\)?|\(${UNIT}\)|(?<!\b(?:on|in|for|of|during)\s+)\bhow\s+many\s+${UNIT}\b(?=\s+(?:on\s+average\b|(?:on\s+average\s+)?(?:does|did|do|will|would)\s+it\s+(?:usually\s+|typically\s+)?take\b|(?:does|did)\s+(?:it|a\s+ticket|tickets)\s+(?:usually\s+|typically\s+)?take\b))`,
);
/** "went over 5 hours": a bound said in a clock unit */
const BOUND_IN = new RegExp(
  String.raw`(?<=\b(?:over|above|exceed(?:s|ed)?|more\s+than|longer\s+than|under|below|less\s+than|shorter\s+than|at\s+least|at\s+most)\s+)(\d+(?:\.\d+)?)\s*${UNIT}(?![\w-])`,
);

function unitOf(word: string): string | undefined {
  const w = word.toLowerCase();
  if (/^min/.test(w)) return "minute";
  if (/^h/.test(w)) return "hour";
  if (/^day/.test(w)) return "day";
  if (/^week/.test(w)) return "week";
  return undefined;
}

function plural(unit: string): string {
  return `${unit}s`;
}

/** The declared clock unit of a metric ("minutes", "hours", "days"), or undefined. */
function metricUnit(catalog: Catalog, name: string): string | undefined {
  const unit = catalog.metrics.find((m) => m.name === name)?.unit;
  return unit ? unitOf(unit) : undefined;
}

export function durationUnits(
  text: string,
  catalog: Catalog,
  again: (q: string) => Plan | Refusal,
  bounds = true,
): Plan | Refusal | undefined {
  const t = text.replace(/[?!.]+$/, "").trim();
  const asked = execSaid(ASKED_IN, t);
  if (asked) {
    const said = unitOf((asked[1] ?? asked[2] ?? asked[3])!);
    if (!said) return undefined;
    const howMany = !!asked[3];
    const rest = `${t.slice(0, asked.index)}${howMany ? " how long " : " "}${t.slice(asked.index + asked[0].length)}`
      .replace(/\s+/g, " ")
      .trim();
    const read = again(rest);
    if (read.status !== "plan" || read.intent !== "metric" || !read.interpretation) return undefined;
    const main = read.calls.find((c) => c.role === "main");
    if (!main || main.name !== "query_metric") return undefined;
    const input = main.input as { metric: string; period: unknown; filters?: unknown[]; group_by?: unknown[] };
    if (input.group_by?.length) return undefined;
    const own = metricUnit(catalog, input.metric);
    // its own unit said is no conversion: the metric's reading already places it
    if (!own || own === said) return undefined;
    const factor = MINUTES[own]! / MINUTES[said]!;
    const i = read.interpretation;
    const how = factor >= 1 ? `× ${factor}` : `÷ ${1 / factor}`;
    return scaledMetricPlan(
      { metric: input.metric, period: input.period, filters: input.filters ?? [] },
      {
        ...i,
        read_as: `${i.read_as}, in ${plural(said)} (${input.metric} in ${plural(own)} ${how})`,
        scale: { factor, said: `in ${plural(said)}`, unit: plural(said), from: plural(own) },
        why: [...i.why, `"${asked[0].trim()}": ${input.metric} is in ${plural(own)}; ${how} gives ${plural(said)}`],
      },
    );
  }
  // "on how many days did the average first response go over 5 hours": the bound in the metric's unit, read again
  const bound = bounds ? execSaid(BOUND_IN, t) : null;
  if (!bound) return undefined;
  const said = unitOf(bound[2]!);
  if (!said) return undefined;
  const plain = again(`${t.slice(0, bound.index)}${t.slice(bound.index + bound[0].length)}`.replace(/\s+/g, " "));
  const metric =
    plain.status === "refusal"
      ? plain.interpretation?.metric
      : (plain.calls.find((c) => c.role === "main")?.input as { metric?: string } | undefined)?.metric;
  const own = metric ? metricUnit(catalog, metric) : undefined;
  if (!own || own === said) return undefined;
  const value = (Number(bound[1]) * MINUTES[said]!) / MINUTES[own]!;
  const read = again(`${t.slice(0, bound.index)}${value} ${plural(own)}${t.slice(bound.index + bound[0].length)}`);
  if (read.status !== "plan" || !read.interpretation?.threshold) return undefined;
  return {
    ...read,
    interpretation: {
      ...read.interpretation,
      read_as: `${read.interpretation.read_as} (${bound[0]} = ${value} ${plural(own)}, ${metric}'s unit)`,
      why: [...read.interpretation.why, `"${bound[0]}" is ${value} ${plural(own)}, the unit ${metric} is kept in`],
    },
  };
}
