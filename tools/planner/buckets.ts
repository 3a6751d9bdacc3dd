import type { Catalog } from "../../engine/catalog/catalog.ts";
import { resolvePeriod, type Grain } from "../../engine/catalog/period.ts";
import { BOUND_SAID, boundOp } from "./bound-op.ts";
import { figureValue } from "./figure.ts";
import { findPeriods } from "./periods.ts";
import type { Plan, Refusal } from "./plan-types.ts";
import { type Understood, understand } from "./understand.ts";
import { execSaid } from "./may-match.ts";

/**
 * Two readings over a metric's buckets that no single value of it states (#15, trust12):
 * - "CMGR of MRR from March to September 2026": the compound monthly growth rate, (end ÷ start)^(1/n) − 1 over the
 *   n months between the two month ends (metrickittools.com/glossary/cmgr, saasgrid.com/metrics-library/cmgr);
 * - "in how many months this year did failed payments exceed 40": the buckets of a series whose value passes a
 *   bound, counted (and named).
 * Each is read only when every word is placed; anything else asks back, never a nearby number.
 */

const COMPOUND =
  /\b(?:cmgr|cmrr\s+growth|compound(?:ed)?\s+monthly\s+growth(?:\s+rate)?|monthly\s+compound(?:ed)?\s+growth(?:\s+rate)?|compound(?:ed)?\s+(?:average\s+)?(?:growth\s+(?:rate\s+)?)?(?:per|a|each)\s+month|compound(?:ed)?\s+month[\s-]over[\s-]month\s+growth(?:\s+rate)?)\b/;

/** "CMGR of MRR from March to September": the comparison of the two month ends, stated as growth compounded per month */
export function readCompound(
  text: string,
  at: Date,
  planRest: (q: string) => Plan | Refusal,
  askBack: (reason: string) => Refusal,
): Plan | Refusal | undefined {
  const m = execSaid(COMPOUND, text);
  if (!m) return undefined;
  const rest = `${text.slice(0, m.index)} growth ${text.slice(m.index + m[0].length)}`.replace(/\s+/g, " ").trim();
  const asked = planRest(rest);
  const ask = (why: string) =>
    askBack(
      `"${m[0]}" is growth compounded per month between two month ends; ${why} (e.g. "CMGR of MRR from March to September 2026")`,
    );
  if (asked.status !== "plan" || asked.intent !== "compare" || !asked.interpretation)
    return ask("name one metric and two months");
  const call = asked.calls[0]!;
  const cur = call.input.current;
  const prev = call.input.previous;
  if (typeof cur !== "string" || typeof prev !== "string" || !/^\d{4}-\d{2}$/.test(cur) || !/^\d{4}-\d{2}$/.test(prev))
    return ask("it needs two named months");
  const months =
    (Number(cur.slice(0, 4)) - Number(prev.slice(0, 4))) * 12 + (Number(cur.slice(5)) - Number(prev.slice(5)));
  if (months < 1) return ask("the later month must come after the earlier one");
  const i = asked.interpretation;
  const edge = i.kind === "stock" ? "the end of " : "";
  const from = resolvePeriod(prev, at).label;
  const to = resolvePeriod(cur, at).label;
  return {
    status: "plan",
    intent: "compound",
    calls: asked.calls,
    interpretation: {
      ...i,
      compound: { months },
      read_as: `${i.metric_label}: compound monthly growth from ${edge}${from} to ${edge}${to}, over ${months} months ((${to} ÷ ${from})^(1/${months}) − 1)${i.read_as.includes(",") ? i.read_as.slice(i.read_as.indexOf(",")) : ""}`,
      why: [
        ...i.why,
        `"${m[0]}": compound monthly growth rate, (end ÷ start)^(1/months) − 1 over the ${months} months between`,
      ],
    },
  };
}

const HOW_MANY_BUCKETS =
  /\b(?:(?:in|on|for|during)\s+)?how\s+many\s+(?:of\s+the\s+|different\s+|separate\s+|(consecutive|straight|successive)\s+)?(days|weeks|months|quarters)(\s+(?:in\s+a\s+row|running|straight))?\b/;
/** how far back a streak is looked for: two years of months (a longer one is said as "at least") */
const STREAK_LOOKBACK_MONTHS = 24;
const BOUND =
  /\b(exceed(?:ed|s|ing)?|top(?:ped|s)?|(?:(?:come|came|go|goes|went|get|got)\s+)?(?:over|above|more\s+than|greater\s+than|higher\s+than|at\s+least|below|under|less\s+than|fewer\s+than|lower\s+than|at\s+most))\s+(\$\s?\d[\d,]*(?:\.\d+)?\s?[km%]?|\d[\d,]*(?:\.\d+)?\s?[km%]?)(?![\w])/;

/** "in how many months this year did failed payments exceed 40", "how many days in October was DAU above 100" */
export function readBucketCount(
  text: string,
  catalog: Catalog,
  at: Date,
  ask: (reason: string) => Refusal,
): Plan | Refusal | undefined {
  const h = execSaid(HOW_MANY_BUCKETS, text);
  if (!h) return undefined;
  const b = BOUND.exec(text.slice(h.index + h[0].length));
  if (!b) return undefined;
  const bAt = h.index + h[0].length + b.index;
  const unit = h[2]!.replace(/s$/, "") as Grain;
  // "for how many consecutive months has churn been above 3%": the run of buckets that ends at the period said
  const streak = !!(h[1] || h[3]);
  const word = b[1]!.replace(/^(?:come|came|go|goes|went|get|got)\s+/, "").replace(/\s+/g, " ");
  // the figure as said, for the answer's wording ("5k", "3%": no dollar sign, as before)
  const figure = b[2]!.replace(/[$,\s]/g, "");
  const bound = figureValue(figure);
  if (!Number.isFinite(bound)) return undefined;
  const op = boundOp(word);
  // the question without its count and bound: the metric, its period and filters
  const rest = `${text.slice(0, h.index)} ${text.slice(h.index + h[0].length, bAt)} ${text.slice(bAt + b[0].length)}`
    .replace(/\b(?:was|were|is|are|has\s+been|have\s+been)\b/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  if (!findPeriods(rest, at).length) return ask(`"${h[0]}": name the period whose ${h[2]} to count`);
  const u = understand(rest, catalog, at);
  if (!("interpretation" in u)) return undefined;
  if (u.compare || u.argmax || u.groupBy.length || u.extra.length || (u.grain && u.grain !== unit)) return undefined;
  const GR: Record<Grain, number> = { day: 0, week: 1, month: 2, quarter: 3, year: 4 };
  if (GR[unit] < GR[u.metric.grain])
    return ask(`${u.metric.name} is counted by ${u.metric.grain}, so it has no value per ${unit}`);
  const misfit = boundMisfit(u.metric, figure, b[2]!);
  if (misfit) return ask(misfit);
  if (streak && unit !== "month") return ask(`"${h[0].trim()}": a run of ${h[2]} is read by month only; ask by month`);
  const said = BOUND_SAID[op];
  if (streak) return readStreak(u, op, bound, figure, said, h[0], b[0], at);
  const r = resolvePeriod(u.period, at);
  const label = u.metric.label ?? u.metric.name;
  return {
    status: "plan",
    intent: "bucket_count",
    calls: [
      {
        role: "main",
        name: "query_metric",
        input: { metric: u.metric.name, period: u.period, filters: u.filters, grain: unit },
      },
    ],
    interpretation: {
      ...u.interpretation,
      grain: unit,
      threshold: { op, value: bound },
      read_as: `${label} by ${unit}, ${r.label}: the ${unit}s ${said} ${figure.replace(/%$/, "")}${/%$/.test(figure) ? "%" : ""}, counted${filtersSaid(u.interpretation.filters)}`,
      why: [
        ...u.interpretation.why,
        `"${h[0].trim()} … ${b[0].trim()}": each ${unit}'s ${u.metric.name} over ${r.label}, the ${unit}s ${said} ${bound} counted`,
      ],
    },
  };
}

/**
 * "as of October, for how many consecutive months has logo churn been above 3%": the months up to the end of the
 * period said (two years back), and how many of the last ones in a row pass the bound — the answer counts back from
 * the last month until one does not.
 */
function readStreak(
  u: Understood,
  op: ">" | ">=" | "<" | "<=",
  bound: number,
  figure: string,
  said: string,
  howMany: string,
  boundSaid: string,
  at: Date,
): Plan {
  const r = resolvePeriod(u.period === "latest" ? "this_month" : u.period, at);
  const end = new Date(`${r.end}T00:00:00Z`);
  // resolvePeriod's end is exclusive or inclusive by its own rule; the last month is the month of the day before the end
  const last = new Date(Date.UTC(end.getUTCFullYear(), end.getUTCMonth(), end.getUTCDate() - 1));
  const first = new Date(Date.UTC(last.getUTCFullYear(), last.getUTCMonth() - (STREAK_LOOKBACK_MONTHS - 1), 1));
  const lastDay = new Date(Date.UTC(last.getUTCFullYear(), last.getUTCMonth() + 1, 0));
  const ymd = (d: Date) => d.toISOString().slice(0, 10);
  const period = { start: ymd(first), end: ymd(lastDay) };
  const label = u.metric.label ?? u.metric.name;
  const lastLabel = last.toLocaleString("en-US", { month: "long", year: "numeric", timeZone: "UTC" });
  return {
    status: "plan",
    intent: "bucket_count",
    calls: [
      {
        role: "main",
        name: "query_metric",
        input: { metric: u.metric.name, period, filters: u.filters, grain: "month" },
      },
    ],
    interpretation: {
      ...u.interpretation,
      grain: "month",
      threshold: { op, value: bound, streak: true },
      read_as: `${label} by month up to ${lastLabel}: the months in a row ${said} ${figure.replace(/%$/, "")}${/%$/.test(figure) ? "%" : ""} that end with ${lastLabel}, counted${filtersSaid(u.interpretation.filters)}`,
      why: [
        ...u.interpretation.why,
        `"${howMany.trim()} … ${boundSaid.trim()}": each month's ${u.metric.name} back from ${lastLabel}, counted until a month is not ${said} ${bound}`,
      ],
    },
  };
}

/**
 * Why a bound's figure cannot be a bound on a metric, or undefined when it can: a percent bound on a count, a count
 * bound on a rate, a dollar bound on what is no money — the bound says another metric.
 */
export function boundMisfit(
  metric: { name: string; format?: string; unit?: string },
  figure: string,
  said: string,
): string | undefined {
  const percent = metric.format === "percent";
  if (percent !== /%$/.test(figure))
    return percent
      ? `${metric.name} is a rate: say the bound in % (e.g. "above 3%")`
      : `${metric.name} is no percentage: say the bound in its own unit`;
  if (/^\$/.test(said.trim()) && metric.format !== "currency")
    return `${metric.name} is no amount of money: say the bound as a ${metric.unit ?? "count"}`;
  return undefined;
}

/** The filters of a reading as its read_as lists them: ", plan = Pro, owner in Maria Lopez, Tom Becker". */
export function filtersSaid(filters: readonly { dimension: string; op: string; value: unknown }[]): string {
  return filters
    .map((f) => `, ${f.dimension} ${f.op} ${Array.isArray(f.value) ? f.value.join(", ") : String(f.value)}`)
    .join("");
}
