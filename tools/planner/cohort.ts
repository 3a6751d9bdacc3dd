import type { Catalog } from "../../engine/catalog/catalog.ts";
import type { MetricDef } from "../../engine/transform/model-schema.ts";
import { resolvePeriod, type PeriodInput } from "../../engine/catalog/period.ts";
import type { CohortMeasure } from "../toolbox/cohort.ts";
import { askBack } from "./ask-back.ts";
import { execSaid, testSaid } from "./may-match.ts";
import { findPeriods, MONTH_NAMES } from "./periods.ts";
import type { Plan, Refusal } from "./plan-types.ts";

/**
 * A group named at one time and asked about at another (#15, batch 53): "of the customers who started paying in Q1,
 * how many still pay", "the March cohort's MRR today vs at start", "of the customers paying us on Jan 1, how many
 * are still paying now". A first-paid cohort (ChartMogul's customer cohorts: the month of the first payment) is
 * answered by the cohort tool, its reading said; any other group followed across two times is asked back. Never the
 * group's own count with "still paying" dropped (the 260 answered for 178).
 */

const GROUP = String.raw`(?:customers|accounts|clients|companies|logos|users|people|folks|subscribers|signups|sign-ups|businesses|teams)`;

/** "the March cohort", "our Q1 2026 cohort", "cohort of May 2025", "our very first cohort, may 2025" */
const COHORT_NAMED = /\bcohort\b(?:'s)?(?:\s*(?:of|from|,|—|-)\s*([a-z0-9 ']{2,20}))?/;
/** "customers who started paying in Q1", "the customers we landed in 2025", "last year's new customers" */
const FIRST_PAID = new RegExp(
  String.raw`\b${GROUP}\s+(?:(?:who|that|which|we)\s+)?(?:first\s+paid|paid\s+(?:us\s+)?for\s+the\s+first\s+time|started\s+paying|began\s+paying|landed|acquired|won|became\s+(?:paying\s+)?customers|converted\s+to\s+paid|joined|signed\s+on)\b|\bnew\s+${GROUP}\b|\bnew\s+(?:customers|logos)\s+(?:from|in|of)\b`,
);
/** "signed up in Q1": a signup cohort, another group (customers.created_at): never read as the first-paid one */
const SIGNED_UP =
  /\b(?:signed\s+up|sign-?ups?|registered|created\s+(?:an\s+)?accounts?|started\s+(?:a\s+|their\s+)?(?:free\s+)?trials?)\b/;
/** words another reading owns: retention kinds, movements inside a cohort, things no mart holds, orders to me */
const OTHERS =
  /\b(?:retention|retain(?:ed)?|nrr|grr|ndr|net\s+(?:dollar|revenue)|gross\s+(?:dollar|revenue)|expan\w*|upgrad\w*|downgrad\w*|contract\w*|reactivat\w*|came\s+back|come\s+back|win-?backs?|nps|ltv|cac|channel|emails?|names?|card|ignore|system|list|who\s+are|which\s+(?:customers|accounts)|lost\s+to|arr|ltv|lifetime|by\s+cohort|each\s+cohort|every\s+cohort|cohorts)\b/;

/** "still", "any more", "no longer": the group asked about again at another time */
const PERSIST = /\b(?:still|any\s?more|no\s+longer|remain(?:s|ing|ed)?|stuck\s+around|stayed|survived)\b/;
/** the group asked about again: "still", "now", "so far", or a part of it ("of the …, how many", "how many of the …") */
const FOLLOWED =
  /\b(?:still|any\s?more|no\s+longer|remain(?:s|ing|ed)?|stuck\s+around|stayed|survived|today|now|currently|so\s+far|to\s+date|at\s+the\s+moment)\b|\bof\s+(?:the|those|our|all\s+the)\b.*\bhow\s+many\b|\bhow\s+many\s+of\s+(?:the|those|our|them)\b/;
const SHARE = /%|\b(?:percent(?:age)?|share|fraction|proportion|what\s+part|rate)\b/;
const MRR = /\bmrr\b|\brecurring\s+revenue\b|\brevenue\b/;
const VERSUS_START =
  /\b(?:vs\.?|versus|compared\s+(?:to|with)|against|relative\s+to|as\s+a\s+(?:percent(?:age)?|share|%)\s+of)\b.*\b(?:start\w*|first\s+month|beginning|initial(?:ly)?)\b|\b(?:start\w*|first\s+month|beginning)\b.*\b(?:vs\.?|versus|compared|against)\b.*\b(?:today|now|current(?:ly)?)\b|\bas\s+a\s+percent(?:age)?\b/;
const AT_START =
  /\b(?:start(?:ed|ing)?(?:\s+with)?|first\s+month|at\s+the\s+beginning|initial(?:ly)?|to\s+begin\s+with)\b/;
const PER_PAYING = /\b(?:avg|average|mean|per)\b/;
const CHURNED =
  /\b(?:churned|cancell?ed|canceled|have\s+left|has\s+left|left\s+us|walked|gone|dropped\s+off|no\s+longer\s+(?:paying|pay|with\s+us|customers|subscribed)|stopped\s+paying|lost)\b/;
const STILL =
  /\b(?:still|remain(?:s|ing|ed)?|stayed|stuck\s+around|survived|with\s+us|around|active|paying|pay|subscribed|left)\b/;
const SIZE = /\b(?:how\s+(?:many|big)|size|number\s+of|count)\b/;

/** A month said before "cohort" ("the March cohort"), yearless: the latest one begun, as a period says it. */
const MONTH_BEFORE = new RegExp(String.raw`^(?:${MONTH_NAMES})(?:\s+(20\d{2}))?$`);

/** "paying us on Jan 1", "we had at the start of the year", "active at the beginning of Q2", "at the end of June" */
const PAYING_AT =
  /\b(?:paying(?:\s+us)?|we\s+had|(?:who|that)\s+(?:were|was)\s+(?:paying(?:\s+us)?|active|customers)|active|on\s+the\s+books|subscribed)\s+(?:on|at|as\s+of|by)\s+(?:the\s+)?(?:(start|beginning|end)\s+of\s+(.+?)|(.+?))\s*(?:,|:|—|-|$|\b(?:how|are|is|were|what)\b)/;

/**
 * The month whose start is the instant a group was paying at: "on Jan 1" is January, "the start of the year" this
 * year's January, "the end of June" July (paying at the end of June); undefined for any other instant.
 */
function payingMonth(between: string, at: Date): string | undefined {
  const m = execSaid(PAYING_AT, between);
  if (!m) return undefined;
  if (m[1]) {
    const said = /^(?:the\s+|this\s+)?year$/.test(m[2]!.trim()) ? "this year" : m[2]!.trim();
    const found = findPeriods(MONTH_BEFORE.test(said) ? `in ${said}` : said, at);
    if (found.length !== 1) return undefined;
    const p = resolvePeriod(found[0]!.period, at);
    return (m[1] === "end" ? p.end : p.start).slice(0, 7);
  }
  const found = findPeriods(m[3]!, at);
  const day = found.length === 1 && typeof found[0]!.period === "string" ? found[0]!.period : "";
  return /^\d{4}-\d{2}-01$/.test(day) ? day.slice(0, 7) : undefined;
}

/** The catalog's first-paid cohort: a count metric whose synonyms call it a cohort (its time column is the key). */
export function cohortMetric(catalog: Catalog): MetricDef | undefined {
  return catalog.metrics.find(
    (m) => m.format === "number" && m.synonyms.some((s) => /\bcohort\b/.test(s) && !/\bsignup|sign-up/.test(s)),
  );
}

function periodIn(words: string, at: Date): PeriodInput | undefined {
  const w = words.trim();
  if (!w) return undefined;
  const month = MONTH_BEFORE.exec(w);
  const said = month ? `in ${w}` : w;
  const found = findPeriods(said, at).filter((p) => typeof p.period === "string" || p.period);
  return found.length === 1 ? found[0]!.period : undefined;
}

function measureOf(t: string): CohortMeasure | undefined {
  if (testSaid(MRR, t)) {
    if (testSaid(PER_PAYING, t)) return "mrr_per_paying";
    if (testSaid(VERSUS_START, t)) return "mrr_vs_start";
    if (testSaid(AT_START, t)) return "mrr_start";
    return "mrr_now";
  }
  const share = testSaid(SHARE, t);
  if (testSaid(CHURNED, t)) return share ? undefined : "churned";
  if (testSaid(STILL, t)) return share ? "share_still_paying" : "still_paying";
  if (testSaid(SIZE, t)) return share ? undefined : "size";
  return undefined;
}

const SAID: Record<CohortMeasure, string> = {
  size: "counted",
  still_paying: "still paying",
  share_still_paying: "the share still paying",
  churned: "churned (paid before, paying nothing now)",
  mrr_now: "their MRR now",
  mrr_start: "their MRR at the end of each one's first month",
  mrr_vs_start: "their MRR now as a percentage of their MRR at the end of each one's first month",
  mrr_per_paying: "their MRR now per customer still paying",
};

/**
 * The plan (or ask-back) for a group followed across two times; undefined when the question names no such group,
 * or another reading owns its words (retention, NRR, expansion, personal data).
 */
export function readCohort(typed: string, catalog: Catalog, at: Date): Plan | Refusal | undefined {
  const t = typed
    .toLowerCase()
    .replace(/[’‘]/g, "'")
    .replace(/[?!.]+\s*$/, "")
    .trim();
  if (testSaid(OTHERS, t)) return undefined;
  const metric = cohortMetric(catalog);
  const named = execSaid(COHORT_NAMED, t);
  const paid = execSaid(FIRST_PAID, t);
  const signup = testSaid(SIGNED_UP, t);
  if ((named || paid) && !signup && metric) {
    // the cohort's months: said beside "cohort", else anywhere in the question but the instant it is read at
    const periods = findPeriods(t, at).filter((p) => !/^(?:today|now|this_month|latest)$/.test(String(p.period)));
    // (the three to one words before "cohort", the longest first: "q1 2026", "march 2026", "march")
    const before = named
      ? t
          .slice(0, named.index)
          .replace(/'s\s*$/, "")
          .trim()
          .split(/\s+/)
      : [];
    const beside = [3, 2, 1].map((k) => periodIn(before.slice(-k).join(" "), at)).find(Boolean);
    const cohortPeriod =
      (named && (beside ?? periodIn(named[1] ?? "", at))) || (periods.length === 1 ? periods[0]!.period : undefined);
    // (read without the group's own words: "started paying" names the group, not "still paying")
    const asked = t.replace(paid?.[0] ?? "\u0000", " customers ");
    const measure = measureOf(asked);
    // "how many customers started paying in Q1", "MRR from new customers last month": the group alone, read in its
    // period; a group of new customers is followed only when asked about again ("still", "now", "of them, how many")
    if (!named && (!measure || measure === "size" || !testSaid(FOLLOWED, t))) return undefined;
    if (!cohortPeriod || !measure)
      return askBack(
        catalog,
        `${!cohortPeriod ? "which cohort (the month, quarter or year of the first payment) is not said" : "the number asked about the cohort is not said"}: for a first-paid cohort I can give its size, how many still pay, the share still paying, how many churned, and its MRR now against the end of its first month`,
        { unplaced: [named?.[0] ?? paid?.[0] ?? t] },
      );
    const period = resolvePeriod(cohortPeriod, at);
    const mart = catalog.models.get(metric.mart);
    const status = mart?.columns.find((c) => c.value_synonyms?.paying);
    const paying = (status?.value_synonyms?.paying ?? []).join(" or ");
    const day = at.toISOString().slice(0, 10);
    const reading =
      `${metric.label ?? metric.name} followed as a cohort: customers whose first payment was in ${period.label} (the ${period.label} cohort: ${metric.mart}.${metric.time_column}), ` +
      (measure === "size" || measure === "mrr_start"
        ? SAID[measure]
        : `${SAID[measure]} at the last pull (${day})${paying ? `; still paying is ${status!.name} ${paying}` : ""}`);
    return {
      status: "plan",
      intent: "cohort",
      calls: [{ name: "cohort", role: "main", input: { metric: metric.name, cohort: cohortPeriod, measure } }],
      interpretation: {
        metric: metric.name,
        metric_label: metric.label ?? metric.name,
        kind: "stock",
        period: { text: period.label, start: period.start, end: period.end, to_date: period.toDate },
        filters: [],
        grain: null,
        group_by: [],
        argmax: null,
        why: [`a first-paid cohort followed to now (${measure})`],
        read_as: reading,
      },
    };
  }
  // any other group named at one time and asked about at another ("customers paying us on Jan 1 … still paying",
  // "people who signed up in Q1 … still around"): asked back, never the group's count
  const group = execSaid(new RegExp(String.raw`\b${GROUP}\b`), t);
  const again = execSaid(PERSIST, t);
  if (group && again && group.index < again.index) {
    const between = t.slice(group.index, again.index);
    const month = metric && !signup ? payingMonth(between, at) : undefined;
    const after = t.slice(again.index);
    const measure = testSaid(SHARE, t) ? "share_still_paying" : testSaid(STILL, after) ? "still_paying" : undefined;
    if (metric && month && measure && !testSaid(CHURNED, after) && !testSaid(MRR, t)) {
      const p = resolvePeriod(month, at);
      const day = at.toISOString().slice(0, 10);
      return {
        status: "plan",
        intent: "cohort",
        calls: [
          { name: "cohort", role: "main", input: { metric: metric.name, cohort: month, measure, group: "paying_at" } },
        ],
        interpretation: {
          metric: metric.name,
          metric_label: `Customers paying on ${p.start}`,
          kind: "stock",
          period: { text: p.label, start: p.start, end: p.end, to_date: p.toDate },
          filters: [],
          grain: null,
          group_by: [],
          argmax: null,
          why: [`the customers paying on ${p.start} followed to now (${measure})`],
          read_as: `Customers paying on ${p.start} (MRR > 0 at the end of the month before), ${measure === "share_still_paying" ? "the share" : "how many"} still paying (MRR > 0) at the last pull (${day})`,
        },
      };
    }
    const timed = findPeriods(between, at).length > 0 || /\b(?:cohort|first|since|back\s+in)\b/.test(between);
    if (timed)
      return askBack(
        catalog,
        `"${t.slice(group.index, again.index + again[0].length)}" follows one group across two times: the metrics count a group in one period, and only a first-paid cohort (the month of the first payment) can be followed to now; say the cohort, or ask for each number`,
        { unplaced: [again[0]] },
      );
  }
  return undefined;
}
