/**
 * Paying accounts counted by a signal of their health (#15, batch 38): "how many customers have an open ticket",
 * "accounts with an urgent ticket still open", "paying customers with a failed payment in the last 30 days", "past due
 * and on Pro", "starter customers paying under $20". The mart with one row per paying account and these columns
 * (account_health: plan_tier, status, open_tickets, urgent_open_tickets, failed_payments_30d/_90d, mrr) is found by
 * its columns, not its name; every word of the question must be placed, else undefined (the question is left to the
 * other readings, which ask back).
 */
import type { Catalog } from "../../engine/catalog/catalog.ts";
import { tiersSaid, valueFilter, valuesOf } from "./account-values.ts";
import { boundOp } from "./bound-op.ts";
import { figureValue } from "./figure.ts";
import { replaceSaid, testSaid } from "./may-match.ts";

export type SignalCount = {
  mart: string;
  measure: string;
  label: string;
  filters: { column: string; op: string; value: string | number | string[] }[];
};

type Signal = { said: RegExp; column: string; op: string; value: number };
const TICKETS = "(?:support\\s+)?(?:tickets?|cases?|requests?)";
/** the signals, the more particular first: a word placed by one is no longer free for the next */
const SIGNALS: Signal[] = [
  {
    said: new RegExp(
      `\\b(?:an?\\s+|any\\s+)?(?:urgent|high[\\s-]priority|(?:urgent|high)[\\s-]or[\\s-](?:urgent|high)[\\s-]priority)\\s+${TICKETS}(?:\\s+(?:still\\s+)?open)?\\b`,
    ),
    column: "urgent_open_tickets",
    op: ">",
    value: 0,
  },
  {
    said: new RegExp(
      `\\b(?:more\\s+than\\s+one|several|multiple|two\\s+or\\s+more|2\\s+or\\s+more|at\\s+least\\s+(?:two|2))\\s+(?:open\\s+${TICKETS}|${TICKETS}\\s+(?:still\\s+)?open)\\b`,
    ),
    column: "open_tickets",
    op: ">",
    value: 1,
  },
  {
    said: new RegExp(
      `\\b(?:an?\\s+|any\\s+|at\\s+least\\s+one\\s+)?(?:open\\s+${TICKETS}|${TICKETS}\\s+(?:still\\s+)?open)(?:\\s+with\\s+us)?\\b`,
    ),
    column: "open_tickets",
    op: ">",
    value: 0,
  },
];
/** a failed payment in a window the mart keeps (30 or 90 days); another window is no column */
const FAILED =
  /\b(?:(?:had|have|has|saw|seen|with)\s+)?(?:(?:had|have|has)\s+)?(?:an?\s+|any\s+|at\s+least\s+one\s+)?(?:failed\s+(?:card\s+)?(?:payments?|charges?)|(?:card\s+)?(?:payments?|charges?)\s+(?:fail|failed|failing|bounce|bounced))\s+(?:in|over|during|within)\s+the\s+(?:last|past|previous)\s+(\d+)\s+days\b/;
/**
 * product use falling (#15, batch 40): "using the product less than the month before", "usage down", "with falling
 * usage" — the last 30 days' events below the 30 days before (events_change_30d < 0)
 */
const USAGE_DOWN =
  /\b(?:(?:are|is)\s+)?(?:using|use|uses)\s+(?:the\s+product|the\s+app|it|us|dp)\s+less(?:\s+than\s+(?:(?:they|it|we)\s+did\s+)?(?:(?:the|a)\s+month\s+before|before|last\s+month|the\s+(?:previous|prior)\s+(?:month|30\s+days)))?\b|\b(?:with\s+|whose\s+|where\s+)?(?:(?:product\s+)?usage|product\s+use|activity)\s+(?:is\s+|has\s+|was\s+)?(?:down|falling|dropping|declining|dropped|fell|shrinking)(?:\s+(?:from|vs\.?|versus|on)\s+(?:the\s+)?(?:month\s+before|last\s+month|previous\s+month|prior\s+month))?\b|\b(?:with\s+)?(?:falling|declining|dropping|shrinking|lower)\s+(?:product\s+)?(?:usage|use|activity)\b/;
/**
 * gone quiet (#15, batch 44): "haven't been seen in the product for more than two weeks", "not logged in for over 30
 * days" — the days since the account's last event above the span (a span with no "more than" is no bound: left)
 */
const QUIET =
  /\b(?:haven't|hasn't|have\s+not|has\s+not|not)\s+(?:been\s+(?:seen|active|around)|(?:logged|signed)\s+in|used\s+(?:the\s+(?:product|app)|it)|shown\s+up)(?:\s+(?:in|on|to)\s+the\s+(?:product|app))?\s+(?:for|in)\s+(?:more\s+than|over|longer\s+than)\s+(\d+|one|two|three|four|five|six|a)\s+(days?|weeks?)\b/;
const SPAN: Record<string, number> = { a: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6 };
const PAST_DUE = /\b(?:are\s+|is\s+)?past[\s-]due\b/;
const MRR_BOUND =
  /\b(?:(?:who\s+|that\s+)?(?:pay|pays|paying)(?:\s+us)?\s+)?(over|above|more\s+than|under|below|less\s+than|at\s+least)\s+(\$\s?\d[\d,]*(?:\.\d+)?\s?k?|\d[\d,]*(?:\.\d+)?\s?k?\s+(?:dollars|bucks|usd))(?:\s+(?:a|per)\s+month|\s*\/\s*mo(?:nth)?)?(?![\w$])/;
const COUNT = /^\s*(?:how\s+many|number\s+of|count\s+of)\b|\s*[-—–,:]*\s*how\s+many\s*$/g;
const ROWS = /\b(?:paying\s+)?(?:customers?|accounts?|accts?|clients?)\b/;
/** words that say nothing more once the rows, the signal and the count are placed */
const FREE =
  /^(?:do|does|we|have|has|had|are|is|were|there|the|a|an|any|our|with|who|that|which|us|still|now|right|currently|today|at|moment|in|on|and|both|of|them)$/;

/** The count of paying accounts the question asks by a signal, or undefined when a word is left unplaced. */
export function signalCount(question: string, catalog: Catalog): SignalCount | undefined {
  const mart = catalog
    .marts()
    .find((m) =>
      ["plan_tier", "open_tickets", "failed_payments_30d"].every((c) => m.columns.some((x) => x.name === c)),
    );
  if (!mart) return undefined;
  const has = (c: string) => mart.columns.some((x) => x.name === c);
  let text = ` ${question.toLowerCase().replace(/[?!.]+$/, "")} `;
  if (!/how\s+many|number\s+of|count\s+of/.test(text)) return undefined;
  // "how many open tickets do enterprise accounts have" counts the tickets, not the accounts that have one
  if (
    /^\s*(?:how\s+many|number\s+of|count\s+of)\s+(?:open\s+|unresolved\s+|urgent\s+)?(?:support\s+)?tickets\b/.test(
      text,
    )
  )
    return undefined;
  const take = (re: RegExp): RegExpExecArray | null => {
    const m = re.exec(text);
    if (m) text = text.slice(0, m.index) + " ".repeat(m[0].length) + text.slice(m.index + m[0].length);
    return m;
  };
  const filters: SignalCount["filters"] = [];
  let signal = false;
  for (const s of SIGNALS) {
    if (filters.some((f) => f.column === s.column) || !has(s.column)) continue;
    if (take(s.said)) {
      filters.push({ column: s.column, op: s.op, value: s.value });
      signal = true;
    }
  }
  const failed = take(FAILED);
  if (failed) {
    const column = `failed_payments_${failed[1]}d`;
    if (!has(column)) return undefined;
    filters.push({ column, op: ">", value: 0 });
    signal = true;
  }
  if (has("events_change_30d") && take(USAGE_DOWN)) {
    filters.push({ column: "events_change_30d", op: "<", value: 0 });
    signal = true;
  }
  const quiet = has("days_since_last_seen") ? take(QUIET) : null;
  if (quiet) {
    const n = SPAN[quiet[1]!] ?? Number(quiet[1]);
    filters.push({ column: "days_since_last_seen", op: ">", value: /^week/.test(quiet[2]!) ? n * 7 : n });
    signal = true;
  }
  // the catalog's plan tiers (the decision that carries this mart's plan_tier has them built): another project's
  // plans are read by their names, and the demo's words ("enterprise") are no plan of theirs
  const tiers = valuesOf(
    catalog,
    [mart, ...catalog.marts().filter((m) => m.upstreamModels.includes(mart.name))],
    "plan_tier",
  );
  const said = tiersSaid(tiers, String.raw`\b`);
  const plan = said ? take(said) : null;
  if (plan) filters.push(valueFilter("plan_tier", tiers, plan[1]!));
  if (take(PAST_DUE)) filters.push({ column: "status", op: "=", value: "past_due" });
  const bound = take(MRR_BOUND);
  if (bound) {
    const amount = figureValue(bound[2]!);
    if (!Number.isFinite(amount)) return undefined;
    filters.push({ column: "mrr", op: boundOp(bound[1]!.replace(/\s+/g, " ")), value: amount });
  }
  // a plan alone ("how many accounts are on enterprise") is a metric's count; a signal or two filters are this one's
  if (!signal && filters.length < 2) return undefined;
  if (!plan && !signal) return undefined;
  if (!take(ROWS)) return undefined;
  text = replaceSaid(text, COUNT, " ");
  const left = text
    .split(/[\s,—–-]+/)
    .filter(Boolean)
    .filter((w) => !testSaid(FREE, w));
  if (left.length) return undefined;
  return { mart: mart.name, measure: "mrr", label: "customer_id", filters };
}
