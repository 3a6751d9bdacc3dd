/**
 * A customer success manager's words for the paying accounts as they stand (#15, batch 43): "how much MRR is sitting
 * in accounts flagged high risk", "accounts at medium churn risk", "MRR tied up in past-due accounts", "which tier has
 * the most accounts in dunning", "two or more failed payments in the last 30 days", "gone quiet — no product activity
 * in more than 3 days", "open tickets our paying accounts have between them", "seats our Pro accounts hold", "on
 * annual billing", and an owner's book of business ("Priya Nair's book", "logos James Chen owns", "whose book is
 * biggest by MRR"). Each is the rows of the mart that keeps one row per paying account (found by its columns: the
 * health signals, or the churn-risk decision's label, or the account owner) kept to the values said, counted, summed
 * or ranked by tier or owner. Every word must be placed, else undefined (the question is left to ask back).
 *
 * "My book", "my accounts", "my portfolio": dp does not know who is asking — asked back, never a number for the
 * whole company (the bookings a "book" also names).
 */
import type { Catalog, CatalogModel } from "../../engine/catalog/catalog.ts";
import type { Plan, Refusal } from "./plan-types.ts";
import { resolvePeriod } from "../../engine/catalog/period.ts";
import { alternation, tiersSaid, valueFilter, valuesOf, valueWords } from "./account-values.ts";
import { findPeriods, MONTH_NAMES } from "./periods.ts";
import { rowsInterpretation } from "./understand.ts";
import { execSaid, replaceSaid, testSaid } from "./may-match.ts";

const MY_BOOK =
  /\b(?:my|mine)\s+(?:own\s+)?(?:book(?:\s+of\s+business)?|portfolio|accounts|territory|patch)\b|\bthe\s+accounts\s+i\s+(?:own|manage|look\s+after|cover|run)\b/;

type Filter = { column: string; op: string; value: string | number | boolean | (string | number)[] };
type Ask =
  | { kind: "count" }
  | { kind: "sum"; measure: string }
  | { kind: "mean"; measure: string }
  | { kind: "rank"; label: string; measure?: string };

/** a column averaged over the rows, as said ("seats", "open tickets", "tickets opened in the last 30 days") */
const MEAN_OF: [RegExp, string][] = [
  [/^(?:mrr|monthly\s+recurring\s+revenue|recurring\s+revenue)\b/, "mrr"],
  [/^(?:seats|licen[cs]es|users\s+on\s+the\s+plan)\b/, "seats"],
  [/^(?:open\s+)?(?:urgent|high[\s-]priority)\s+(?:open\s+)?(?:support\s+)?tickets\b/, "urgent_open_tickets"],
  [/^(?:open|unresolved)\s+(?:support\s+)?tickets\b/, "open_tickets"],
  [/^(?:support\s+)?tickets\b/, "tickets"],
];
/** "days since our paying accounts were last seen (in the product)": the rows said inside the days since */
const SINCE_SEEN =
  /^days\s+since\s+(?:(?:our|the|a|an|each|every)\s+)?((?:paying\s+)?(?:accounts?|customers?|clients?))\s+(?:were|was|have\s+been|has\s+been)\s+last\s+(?:seen|active|in\s+the\s+(?:product|app))(?:\s+(?:in|on|using)\s+the\s+(?:product|app))?\s*$/;
/** "tickets" alone is either the open ones or those opened lately: said by what follows, else not read */
const OPENED_30D =
  /\b(?:(?:opened|raised|filed|logged|submitted|created|opened\s+up)\s+)?(?:in|over|during)\s+the\s+(?:last|past)\s+30\s+days\b/;
const HAVE_OPEN = /\b(?:have|has|with|got)\s+open\b|\bopen\s*$/;

/** "average MRR of a Pro customer", "on average how many seats does a Pro account have": the mean over the rows */
function meanAsked(text: string): { ask: Ask; rest: string } | undefined {
  let t = text;
  let averaged = false;
  const around = /^on\s+(?:average|avg)\s*,?\s*|\s*,?\s+on\s+(?:average|avg)\b/;
  if (around.test(t)) {
    t = t
      .replace(around, " ")
      .replace(/\s{2,}/g, " ")
      .trim();
    averaged = true;
  }
  let rest: string | undefined;
  let said: string | undefined;
  const many = averaged ? /^how\s+many\s+/.exec(t) : null;
  const avg = /^(?:what(?:'s|\s+is|\s+was)\s+)?(?:the\s+|our\s+)?(?:average|mean|avg\.?)\s+(?:number\s+of\s+)?/.exec(t);
  if (many) said = t.slice(many[0].length);
  else if (avg && !averaged) said = t.slice(avg[0].length);
  if (said === undefined) return undefined;
  // "how many days since our paying accounts were last seen in the product": the days since each one was last seen
  const seen = SINCE_SEEN.exec(said);
  if (seen) return { ask: { kind: "mean", measure: "days_since_last_seen" }, rest: ` ${seen[1] ?? ""} ` };
  const hit = MEAN_OF.map(([re, col]) => [re.exec(said!), col] as const).find(([m]) => m);
  if (!hit) return undefined;
  rest = said.slice(hit[0]![0].length);
  let measure = hit[1];
  if (measure === "tickets") {
    const opened = execSaid(OPENED_30D, rest);
    if (opened) {
      measure = "tickets_last_30d";
      rest = rest.replace(opened[0], " ");
    } else if (testSaid(HAVE_OPEN, rest)) {
      measure = "open_tickets";
      rest = replaceSaid(rest, HAVE_OPEN, " ");
    } else return undefined;
  }
  // the rows each one is of: "of a", "per", "does each … have", "has every … opened"
  rest = rest
    .replace(/^\s*(?:of|per|for|on|across|among|by)\s+/, " ")
    .replace(/^\s*(?:does|do|has|have|did)\s+/, " ")
    .replace(/^\s*(?:a|an|each|every|one|the|our|single)\s+/, " ")
    .replace(/\s+(?:have|has|hold|holds|own|owns|carry|carries|pay\s+for|opened|open|got)\s*$/, " ");
  return { ask: { kind: "mean", measure }, rest };
}

const ROWS = String.raw`(?:paying\s+)?(?:accounts?|customers?|logos?|clients?|accts?)`;

/**
 * The churn-risk labels said: "flagged high risk", "at medium churn risk", "marked healthy", and "at risk" — the
 * label named so, else the one the decision's own metric counts as at risk (accounts_at_risk: label = 'high').
 */
function risksOf(catalog: Catalog, mart: CatalogModel | undefined, labels: Map<string, string[]>) {
  if (!mart || !labels.size) return undefined;
  const counted = catalog.metrics
    .filter((m) => m.mart === mart.name)
    .map((m) => /\blabel\s*=\s*'([^']+)'/.exec(m.expression ?? "")?.[1])
    .find((l) => l !== undefined && labels.has(valueWords(l)));
  const atRisk = labels.get("at risk")?.[0] ?? (counted ? labels.get(valueWords(counted))?.[0] : undefined);
  const named = alternation([...labels.keys()]);
  const re = new RegExp(
    [
      String.raw`\b(?:(?:that\s+are\s+|which\s+are\s+|are\s+)?(?:flagged|marked|labell?ed|rated|sitting|sit)\s+)?(?:(?:as|at)\s+)?(?:a\s+)?(${named})[\s-]+(?:churn[\s-]+)?risk\b`,
      ...(atRisk
        ? [
            String.raw`\b(?:(?:that\s+are\s+|which\s+are\s+|are\s+|is\s+)?(?:flagged\s+(?:as\s+)?)?)?at[\s-]risk(?:\s+of\s+(?:churn|churning|cancell?ing|cancell?ation))?\b`,
          ]
        : []),
      String.raw`\b(?:(?:that\s+are\s+|which\s+are\s+|are\s+|is\s+)?(?:flagged|marked|labell?ed|rated)\s+(?:as\s+)?)(${named})(?=\s|$)`,
    ].join("|"),
  );
  // the phrase said, for valueFilter ("at risk" alone: the label counted at risk)
  const said = (m: RegExpExecArray): string => m[1] ?? m[2] ?? atRisk!;
  return { re, said };
}
const PAST_DUE =
  /\b(?:(?:that\s+are\s+|which\s+are\s+|are\s+|is\s+)?(?:currently\s+)?(?:past[\s-]due|in\s+dunning|delinquent|behind\s+on\s+(?:their\s+)?payments?))\b/;
const NUM: Record<string, number> = { one: 1, two: 2, three: 3, four: 4, five: 5 };
const FAILED_MORE =
  /\b(?:(?:have|has|had|with|seen)\s+)?(?:(?:had|seen)\s+)?(?:(\d|one|two|three|four|five)\s+or\s+more|at\s+least\s+(\d|one|two|three|four|five)|more\s+than\s+(\d|one|two|three|four|five))\s+failed\s+(?:card\s+)?(?:payments?|charges?)\s+(?:in|over|during|within)\s+the\s+(?:last|past|previous)\s+(30|90)\s+days\b/;
const USAGE_DOWN =
  /\b(?:(?:are|is)\s+)?(?:trending|going|heading)\s+down\s+(?:on|in)\s+(?:product\s+)?(?:usage|use|activity)\b|\b(?:whose\s+|with\s+)?(?:product\s+)?usage\s+(?:is\s+)?(?:trending|going|heading)\s+down\b|\b(?:with\s+)?(?:declining|falling|dropping|shrinking)\s+(?:product\s+)?(?:usage|use|activity)\b/;
const QUIET =
  /\b(?:(?:have|has|that\s+have|that\s+went|who\s+have)\s+)?(?:gone|went|go)\s+(?:quiet|dark|silent)\s*[—–,:;-]*\s*(?:with\s+)?no\s+(?:product\s+)?(?:activity|usage|events?|logins?)\s+(?:in|for)\s+(?:more\s+than|over)\s+(\d+)\s+days\b|\b(?:with\s+)?no\s+(?:product\s+)?(?:activity|usage|events?|logins?)\s+(?:in|for)\s+(?:more\s+than|over)\s+(\d+)\s+days\b|\b(?:(?:(?:have|has)(?:n't|\s+not)|not|never)\s+(?:been\s+seen|logged\s+in|been\s+active|used\s+(?:the\s+product|the\s+app|it))|not\s+seen|(?:been\s+)?inactive)\s+(?:in|for)\s+(?:more\s+than|over)\s+(\d+)\s+days\b/;
/** an open ticket, an urgent one: the accounts that have one, in a ranking of tiers */
const URGENT_OPEN =
  /\b(?:with|that\s+have|having)\s+(?:an?\s+|any\s+)?(?:open\s+)?(?:urgent|high[\s-]priority)\s+(?:support\s+)?tickets?(?:\s+(?:still\s+)?open)?\b/;
const ANY_OPEN = /\b(?:with|that\s+have|having)\s+(?:an?\s+|any\s+)?(?:open|unresolved)\s+(?:support\s+)?tickets?\b/;
const INTERVAL =
  /\b(?:on\s+(?:an?\s+)?(annual|yearly|monthly)\s+(?:billing|plans?|contracts?|subscriptions?|terms?))\b|\b(?:billed|paying|pay)\s+(annually|yearly|monthly)\b/;
/** words that say nothing more once the rows, their values and what is asked of them are placed */
const FREE =
  /^(?:do|does|we|have|has|had|are|is|there|the|a|an|our|with|who|that|which|us|now|right|currently|today|at|moment|in|on|of|them|between|total|altogether|combined|across|sitting|sits|sit|tied|stuck|up|parked|held|hold|holds|carry|carries|waiting|all|support|for|to)$/;

const lower = (v: string) => v.toLowerCase();

/** the mart of one row per paying account with these columns */
function martWith(catalog: Catalog, columns: string[]): CatalogModel | undefined {
  return catalog.marts().find((m) => columns.every((c) => m.columns.some((x) => x.name === c)));
}

/** the owner names the catalog's values know (a deal's or an account's owner) */
function ownersOf(catalog: Catalog): string[] {
  const out = new Set<string>();
  for (const [key, values] of catalog.dimensionValues ?? [])
    if (/\.owner$/.test(key)) for (const v of values) out.add(v);
  return [...out];
}

function asked(text: string): { ask: Ask; rest: string } | undefined {
  const mean = meanAsked(text);
  if (mean) return mean;
  const rank =
    /^(?:among\s+(?:our\s+|the\s+)?paying\s+(?:accounts|customers)\s*,?\s*)?which\s+(?:plan\s+)?tier\s+(?:has|have|had|holds|carries)\s+the\s+most\s+(.*)$/.exec(
      text,
    );
  if (rank) {
    const r = rank[1]!;
    const mrr = /^(?:mrr|recurring\s+revenue)\b/.exec(r);
    if (mrr) return { ask: { kind: "rank", label: "plan_tier", measure: "mrr" }, rest: r.slice(mrr[0].length) };
    const tickets = /^(?:unresolved|open)\s+(?:support\s+)?tickets\b/.exec(r);
    if (tickets)
      return { ask: { kind: "rank", label: "plan_tier", measure: "open_tickets" }, rest: r.slice(tickets[0].length) };
    return { ask: { kind: "rank", label: "plan_tier" }, rest: r };
  }
  const money =
    /^how\s+much\s+(?:mrr|recurring\s+revenue)\b|^(?:what(?:'s|\s+is)\s+)?(?:the\s+)?(?:total\s+)?(?:mrr|recurring\s+revenue)\s+(?:of|in|on|across|from)\b/.exec(
      text,
    );
  if (money) return { ask: { kind: "sum", measure: "mrr" }, rest: text.slice(money[0].length) };
  const urgent =
    /^how\s+many\s+(?:urgent|high[\s-]priority)\s+(?:support\s+)?tickets\s+(?:are\s+)?(?:still\s+)?open\b|^how\s+many\s+open\s+(?:urgent|high[\s-]priority)\s+(?:support\s+)?tickets\b/.exec(
      text,
    );
  if (urgent) return { ask: { kind: "sum", measure: "urgent_open_tickets" }, rest: text.slice(urgent[0].length) };
  const tickets =
    /^how\s+many\s+(?:open|unresolved)\s+(?:support\s+)?tickets\b|^(?:what(?:'s|\s+is)\s+)?(?:the\s+)?total\s+(?:number\s+of\s+)?(?:open|unresolved)\s+(?:support\s+)?tickets\s+(?:of|in|on|across|for)\b/.exec(
      text,
    );
  if (tickets) return { ask: { kind: "sum", measure: "open_tickets" }, rest: text.slice(tickets[0].length) };
  const seats =
    /^how\s+many\s+(?:seats|licen[cs]es)\b|^(?:what(?:'s|\s+is)\s+)?(?:the\s+)?total\s+(?:number\s+of\s+)?(?:seats|licen[cs]es)\s+(?:of|in|on|across|for)\b/.exec(
      text,
    );
  if (seats) return { ask: { kind: "sum", measure: "seats" }, rest: text.slice(seats[0].length) };
  const count = /^how\s+many\s+(?:of\s+(?:our|the)\s+)?/.exec(text);
  if (count) return { ask: { kind: "count" }, rest: text.slice(count[0].length) };
  return undefined;
}

type Read = { mart: CatalogModel; ask: Ask; filters: Filter[] };

/** the health and churn-risk rows the question asks of, or undefined when a word is left unplaced */
function accountRows(question: string, catalog: Catalog): Read | undefined {
  const text0 = lower(question)
    .replace(/[?!.…]+\s*$/, "")
    .replace(/\s+(?:right\s+now|at\s+the\s+moment|currently|today|as\s+of\s+today)$/, "")
    .trim();
  const head = asked(text0);
  if (!head) return undefined;
  let text = ` ${head.rest} `;
  const take = (re: RegExp): RegExpExecArray | null => {
    const m = re.exec(text);
    if (m) text = text.slice(0, m.index) + " ".repeat(m[0].length) + text.slice(m.index + m[0].length);
    return m;
  };
  const filters: Filter[] = [];
  let signal = false;
  const riskMart = martWith(catalog, ["label", "plan_tier", "mrr", "confidence"]);
  const healthMart = martWith(catalog, ["plan_tier", "open_tickets", "failed_payments_30d"]);
  // the labels and tiers are the catalog's: a word of another project's ("enterprise", "high") is left unplaced
  const labels = valuesOf(catalog, [riskMart], "label");
  const risks = risksOf(catalog, riskMart, labels);
  const risk = risks ? take(risks.re) : null;
  if (risks && risk) {
    // "at risk" is the label the decision counts as at risk (its accounts_at_risk metric); a label a person rejected
    // is none
    filters.push(valueFilter("label", labels, risks.said(risk)));
    filters.push({ column: "status", op: "!=", value: "rejected" });
    signal = true;
  }
  if (take(PAST_DUE)) {
    filters.push({ column: "status", op: "=", value: "past_due" });
    signal = true;
  }
  const failed = take(FAILED_MORE);
  if (failed) {
    const said = (failed[1] ?? failed[2] ?? failed[3])!;
    const n = NUM[said] ?? Number(said);
    filters.push({ column: `failed_payments_${failed[4]}d`, op: failed[3] ? ">" : ">=", value: n });
    signal = true;
  }
  if (take(USAGE_DOWN)) {
    filters.push({ column: "events_change_30d", op: "<", value: 0 });
    signal = true;
  }
  const quiet = take(QUIET);
  if (quiet) {
    filters.push({ column: "days_since_last_seen", op: ">", value: Number(quiet[1] ?? quiet[2] ?? quiet[3]) });
    signal = true;
  }
  // (a count of accounts with an open ticket is account-signals.ts's; here they are ranked by tier)
  if (head.ask.kind === "rank" && take(URGENT_OPEN)) {
    filters.push({ column: "urgent_open_tickets", op: ">", value: 0 });
    signal = true;
  }
  if (head.ask.kind === "rank" && take(ANY_OPEN)) {
    filters.push({ column: "open_tickets", op: ">", value: 0 });
    signal = true;
  }
  const interval = take(INTERVAL);
  if (interval) {
    filters.push({
      column: "billing_interval",
      op: "=",
      value: /month/.test(interval[1] ?? interval[2]!) ? "month" : "year",
    });
    signal = true;
  }
  const tierValues = valuesOf(catalog, [healthMart, riskMart], "plan_tier");
  const tiers = tiersSaid(tierValues);
  const tier = tiers ? take(tiers) : null;
  if (tier) filters.push(valueFilter("plan_tier", tierValues, tier[1]!));
  // ("which tier has the most MRR flagged high risk": a sum or a ranking with a signal says its rows by the signal)
  const rowsSaid = take(new RegExp(String.raw`\b${ROWS}\b`));
  // "customers on annual billing": those paying now, or every customer who ever was? only the paying ones are rows here
  if (interval && !/^paying\b/.test(rowsSaid?.[0] ?? "")) return undefined;
  // (seats and tickets are the paying accounts' own: "total seats on the growth plan" says its rows by the tier)
  const own = head.ask.kind === "sum" && head.ask.measure !== "mrr" && tier;
  if (head.ask.kind === "mean" && !rowsSaid) return undefined;
  if (!rowsSaid && !own && (head.ask.kind === "count" || (head.ask.kind === "rank" ? !head.ask.measure : !signal)))
    return undefined;
  const left = text
    .split(/[\s,—–-]+/)
    .filter(Boolean)
    .filter((w) => !testSaid(FREE, w));
  if (left.length) return undefined;
  // a count by a tier alone ("how many enterprise accounts") is a metric's; a signal, a sum of a column or a ranking
  // by tier is these rows'
  if (head.ask.kind === "count" && !signal) return undefined;
  if (head.ask.kind === "sum" && head.ask.measure === "mrr" && !signal) return undefined;
  const mart = risk ? riskMart : healthMart;
  if (!mart) return undefined;
  const has = (c: string) => mart.columns.some((x) => x.name === c);
  const measure = head.ask.kind === "count" ? undefined : head.ask.measure;
  // (a mean over the rows of one customer each: the health rows, never the risk decision's)
  if (head.ask.kind === "mean" && risk) return undefined;
  if (!filters.every((f) => has(f.column)) || (measure && !has(measure))) return undefined;
  return { mart, ask: head.ask, filters };
}

/** an owner's book of business: the accounts an owner has, their MRR or paying logos, or the biggest book */
function ownerBook(question: string, catalog: Catalog): Read | undefined {
  const mart = martWith(catalog, ["owner", "mrr", "is_paying"]);
  const owners = ownersOf(catalog);
  if (!mart || !owners.length) return undefined;
  const text = lower(question)
    .replace(/[?!.…]+\s*$/, "")
    .replace(/\s+(?:right\s+now|at\s+the\s+moment|currently|today)$/, "")
    .trim();
  // a full name, or a first name exactly one owner has
  const owner = (said: string) => {
    const full = owners.find((o) => lower(o) === said.trim());
    const first = owners.filter((o) => lower(o).split(" ")[0] === said.trim());
    return full ?? (first.length === 1 ? first[0] : undefined);
  };
  const NAME = String.raw`([a-z]+(?:\s+[a-z]+)?)`;
  const BOOK = String.raw`(?:book(?:\s+of\s+business)?|portfolio|accounts)`;
  const money = new RegExp(
    String.raw`^how\s+much\s+(?:mrr|recurring\s+revenue)\s+(?:is|sits)\s+(?:in|on)\s+${NAME}'s\s+${BOOK}$|^how\s+much\s+(?:mrr|recurring\s+revenue)\s+does\s+${NAME}\s+(?:own|manage|carry|have\s+in\s+(?:(?:his|her|their)\s+)?${BOOK})$|^how\s+much\s+(?:mrr|recurring\s+revenue)\s+does\s+${NAME}'s\s+${BOOK}\s+(?:hold|carry|have)$`,
  ).exec(text);
  if (money) {
    const o = owner((money[1] ?? money[2] ?? money[3])!);
    // (an account that pays nothing has no MRR: the paying ones hold all of it, in their billing currency)
    return o
      ? {
          mart,
          ask: { kind: "sum", measure: "mrr" },
          filters: [
            { column: "owner", op: "=", value: o },
            { column: "is_paying", op: "=", value: true },
          ],
        }
      : undefined;
  }
  const logos = new RegExp(
    String.raw`^how\s+many\s+(paying\s+)?(?:logos|accounts|customers|clients)\s+does\s+${NAME}\s+(?:own|manage|have(?:\s+in\s+(?:(?:his|her|their)\s+)?${BOOK})?)$|^how\s+many\s+(paying\s+)?(?:logos|accounts|customers|clients)\s+(?:are\s+)?in\s+${NAME}'s\s+${BOOK}$`,
  ).exec(text);
  if (logos) {
    const paying = logos[1] ?? logos[3];
    const o = owner(logos[2] ?? logos[4]!);
    // every account in the CRM, paying or not, is no book a CSM means: the paying ones only when said
    if (!o || !paying) return undefined;
    return {
      mart,
      ask: { kind: "count" },
      filters: [
        { column: "owner", op: "=", value: o },
        { column: "is_paying", op: "=", value: true },
      ],
    };
  }
  const biggest =
    /^(?:whose|which\s+(?:owner|csm|rep|account\s+manager)(?:'s)?)\s+(?:book(?:\s+of\s+business)?|portfolio)\s+is\s+(?:the\s+)?(?:biggest|largest)\s+(?:by|in)\s+(?:mrr|recurring\s+revenue)$|^who\s+(?:has|owns|carries)\s+the\s+(?:biggest|largest)\s+(?:book(?:\s+of\s+business)?|portfolio)\s+(?:by|in)\s+(?:mrr|recurring\s+revenue)$|^(?:who|which\s+(?:owner|csm|rep|account\s+manager))\s+(?:owns|has|manages|carries|looks\s+after)\s+the\s+most\s+(?:mrr|recurring\s+revenue)$/.exec(
      text,
    );
  if (biggest)
    return {
      mart,
      ask: { kind: "rank", label: "owner", measure: "mrr" },
      // an account with no owner is no one's book
      filters: [
        { column: "owner", op: "in", value: owners },
        { column: "is_paying", op: "=", value: true },
      ],
    };
  return undefined;
}

/**
 * The accounts no one owns: "how much MRR sits on accounts with no owner assigned", "MRR on unassigned accounts", "how
 * many paying accounts have no owner". The rows of the owner's mart whose owner is empty (is_null), paying; a count
 * only of the paying ones said (every CRM company with no owner is no book a CSM means).
 */
const NO_OWNER = String.raw`(?:with\s+no\s+(?:account\s+)?owner(?:\s+(?:assigned|set|attached))?|without\s+an?\s+(?:account\s+)?owner(?:\s+(?:assigned|set))?|that\s+have\s+no\s+owner|(?:that\s+)?(?:nobody|no\s+one|no-one)\s+owns)`;
const UNOWNED = String.raw`(?:unassigned|unowned|ownerless|orphaned)`;
function noOwner(question: string, catalog: Catalog): Read | undefined {
  const mart = martWith(catalog, ["owner", "mrr", "is_paying"]);
  if (!mart) return undefined;
  const text = lower(question)
    .replace(/[?!.…]+\s*$/, "")
    .replace(/\s+(?:right\s+now|at\s+the\s+moment|currently|today)$/, "")
    .trim();
  const ROWS_OF = String.raw`(?:paying\s+)?(?:accounts|customers|logos|clients|companies)`;
  const money = new RegExp(
    String.raw`^(?:how\s+much\s+(?:mrr|recurring\s+revenue)\s+(?:is\s+there\s+|do\s+we\s+have\s+)?(?:(?:is|sits|is\s+sitting)\s+)?|(?:what(?:'s|\s+is)\s+)?(?:the\s+)?(?:total\s+)?(?:mrr|recurring\s+revenue)\s+)(?:in|on|of|across|from)\s+(?:the\s+|our\s+)?(?:${ROWS_OF}\s+${NO_OWNER}|${UNOWNED}\s+${ROWS_OF})$`,
  ).exec(text);
  const filters: Filter[] = [
    { column: "owner", op: "is_null", value: true },
    { column: "is_paying", op: "=", value: true },
  ];
  if (money) return { mart, ask: { kind: "sum", measure: "mrr" }, filters };
  const count = new RegExp(
    String.raw`^how\s+many\s+paying\s+(?:accounts|customers|logos|clients)\s+(?:(?:do\s+we\s+have\s+|are\s+there\s+|are\s+)?${NO_OWNER}|(?:have|has)\s+no\s+(?:account\s+)?owner(?:\s+assigned)?|are\s+${UNOWNED})$|^how\s+many\s+${UNOWNED}\s+paying\s+(?:accounts|customers|logos|clients)(?:\s+(?:do\s+we\s+have|are\s+there))?$`,
  ).exec(text);
  if (count) return { mart, ask: { kind: "count" }, filters };
  return undefined;
}

/**
 * "what's the average size of a deal that's still open", "mean open deal amount": the mean of the amount over the
 * open deals' rows (their amount summed ÷ those with one), never the won deals' average (average_won_deal_size).
 */
function openDealMean(question: string, catalog: Catalog): Read | undefined {
  const mart = martWith(catalog, ["deal_id", "is_open", "amount"]);
  if (!mart) return undefined;
  const text = lower(question)
    .replace(/[?!.…]+\s*$/, "")
    .replace(/\s+(?:right\s+now|at\s+the\s+moment|currently|today)$/, "")
    .trim();
  const AVG = String.raw`^(?:what(?:'s|\s+is)\s+)?(?:the\s+|our\s+)?(?:average|mean|avg\.?)\s+`;
  const SIZE = String.raw`(?:size|amount|value|deal\s+size|deal\s+amount|deal\s+value)`;
  const OPEN = String.raw`(?:an?\s+|our\s+|the\s+)?(?:(?:currently\s+)?open\s+deals?|deals?\s+(?:that(?:'s|\s+is|\s+are)|which\s+(?:is|are)|still)\s+(?:still\s+)?open|deals?\s+in\s+(?:the\s+)?(?:open\s+)?pipeline)`;
  const hit =
    new RegExp(`${AVG}${SIZE}\\s+(?:of|for|per)\\s+${OPEN}$`).test(text) ||
    new RegExp(`${AVG}open\\s+deal\\s+(?:size|amount|value)$`).test(text);
  if (!hit) return undefined;
  return { mart, ask: { kind: "mean", measure: "amount" }, filters: [{ column: "is_open", op: "=", value: true }] };
}

/**
 * A head of CS's words around a metric, read as the planner's: "did we hold GRR above 95%" is whether it was, "did
 * CSAT dip" whether it dropped, "October, this year against last year" October vs October last year, "— how leaky was
 * the bucket?" a gloss of gross retention, accounts that "grew their spend with us" upgraded, "someone said we're
 * losing around 20 accounts a month — what was it in October?" the count lost in October (the figure heard set
 * aside), "is less than 1% of our paying base past due" the share of paying customers past due.
 */
const MONTH = `(?:${MONTH_NAMES})|q[1-4]`;
const VERB: Record<string, string> = { losing: "lose", adding: "add" };
const SAID: [RegExp, string | ((...m: string[]) => string)][] = [
  [
    /^\s*did\s+(?:we|it|they)\s+(?:hold|keep|stay|maintain|manage\s+to\s+keep)\s+(.+?)\s+(above|over|below|under|at\s+or\s+above|at\s+least)\s+(?=\d)/i,
    "was $1 $2 ",
  ],
  [
    /^\s*did\s+(.+?)\s+(?:hold|stay|remain|keep)\s+(above|over|below|under|at\s+or\s+above|at\s+least)\s+(?=\d)/i,
    "was $1 $2 ",
  ],
  [
    new RegExp(
      String.raw`\b(${MONTH})\s*,?\s*this\s+year\s+(?:against|vs\.?|versus|compared\s+(?:to|with)|over)\s+(?:the\s+same\s+(?:month|quarter)\s+)?last\s+year\b`,
      "i",
    ),
    "$1 vs $1 last year",
  ],
  [/\b(?:dip|slip|sag)\b/gi, "drop"],
  [/\b(?:creep|creeps|tick|ticks|inch|inches|edge|edges)\s+up\b/gi, "go up"],
  [/\b(?:crept|ticked|inched|edged)\s+up\b/gi, "went up"],
  [/\b(?:logos|accounts|clients)\s+(?=did\s+we\s+win\s+back\b)/gi, "customers "],
  [/\b(?:dips|slips|sags)\b/gi, "drops"],
  [/\b(?:dipped|slipped|sagged)\b/gi, "dropped"],
  [/\s*[—–-]+\s*how\s+leaky\s+(?:was|is|were)\s+(?:the|our)\s+bucket\s*(?=[?.!]*\s*$)/i, ""],
  [
    /\b(?:grew|increased|expanded|raised|upped)\s+(?:their|its)\s+(?:spend|spending|contracts?|footprint)(?:\s+with\s+us)?\b|\bspent\s+more\s+with\s+us\b/gi,
    "upgraded",
  ],
  [
    /^\s*(?:someone|somebody|a\s+colleague|[a-z]+)(?:\s+(?:on|from|in)\s+(?:the|my|our)\s+team)?\s+(?:said|says|told\s+me|mentioned|claimed|claims)\s+(?:that\s+)?we(?:'re|\s+are)\s+(losing|adding)\s+(?:around|about|roughly|approximately|~|like|maybe)?\s*\d[\d,]*\s+(accounts|customers|logos|clients)\s+(?:a|per|each)\s+(?:month|week|quarter)\s*[—–,;:-]+\s*(?:but\s+)?what\s+(?:was|is)\s+it\s+(in|for|last)\s+(.+?)\s*\??\s*$/i,
    (_m, verb, rows, prep, period) =>
      `how many ${rows} did we ${VERB[verb!.toLowerCase()]} ${prep!.toLowerCase()} ${period}?`,
  ],
  [
    /^\s*(?:is|are)\s+(?:less|fewer|more|under|over)\s+(?:than\s+)?\d+(?:\.\d+)?\s*%\s+of\s+(?:our|the)\s+(?:paying\s+(?:base|customers|accounts|customer\s+base|logos)|customer\s+base)\s+(past[\s-]due|in\s+dunning)(?:\s+(?:at\s+the\s+moment|right\s+now|now|currently|today))?\s*\??\s*$/i,
    "what share of our paying customers are past due right now?",
  ],
];

function csWordsSaid(question: string): string {
  let out = question;
  for (const [re, to] of SAID) out = replaceSaid(out, re, to as string);
  return out.replace(/\s{2,}/g, " ").trim();
}

/**
 * "how many subscriptions got cancelled this year because the payment failed": the subscriptions ended in the period
 * whose cancellation reason is a failed payment (involuntary churn)
 */
const INVOLUNTARY =
  /\b(?:because\s+(?:the|a|their)\s+payments?\s+failed|because\s+of\s+(?:a\s+)?failed\s+payments?|(?:due\s+to|for|over)\s+(?:a\s+)?(?:failed\s+payments?|non[\s-]?payment)|involuntarily)\b/;
function involuntary(question: string, catalog: Catalog, at: Date): Plan | undefined {
  const mart = martWith(catalog, ["cancellation_reason", "ended_at", "subscription_id"]);
  const text0 = lower(question)
    .replace(/[?!.…]+\s*$/, "")
    .trim();
  const head =
    /^how\s+many\s+subscriptions\s+(?:got|were|have\s+been|has\s+been)?\s*(?:cancell?ed|ended|churned|lost)\b/.exec(
      text0,
    );
  if (!mart || !head) return undefined;
  let text = ` ${text0.slice(head[0].length)} `;
  const why = execSaid(INVOLUNTARY, text);
  if (!why) return undefined;
  text = text.replace(why[0], " ");
  const periods = findPeriods(text.trim(), at);
  if (periods.length !== 1) return undefined;
  const p = periods[0]!;
  const rest = text.trim();
  const left = `${rest.slice(0, p.start)} ${rest.slice(p.end)}`.split(/\s+/).filter((w) => w && !testSaid(FREE, w));
  if (left.length) return undefined;
  const r = resolvePeriod(p.period, at);
  const input = {
    mart: mart.name,
    measure: "mrr",
    label: "subscription_id",
    n: 1,
    direction: "top" as const,
    filters: [
      { column: "cancellation_reason", op: "=", value: "payment_failed" },
      { column: "ended_at", op: ">=", value: r.start },
      { column: "ended_at", op: "<", value: r.end },
    ],
  };
  return {
    status: "plan",
    intent: "count_rows",
    calls: [{ role: "main", name: "top_n", input }],
    interpretation: rowsInterpretation(input, catalog, at, true, [
      `"${why[0].trim()}": the cancellation reason payment_failed (involuntary churn)`,
    ]),
  };
}

function planOf(read: Read, catalog: Catalog, at: Date, said: string): Plan {
  const { mart, ask, filters } = read;
  const rank = ask.kind === "rank";
  const label = rank ? ask.label : (mart.columns.find((c) => /_id$/.test(c.name))?.name ?? "mrr");
  const measure = ask.kind === "count" ? "mrr" : (ask.measure ?? "mrr");
  const input = {
    mart: mart.name,
    measure,
    label,
    n: 1,
    direction: "top" as const,
    ...(rank && !ask.measure ? { count: true } : {}),
    ...(ask.kind === "mean" ? { mean: true } : {}),
    filters,
  };
  const why = [`"${said}": the rows of ${mart.name} (one per paying account, as they stand) kept to the values said`];
  if (ask.kind === "mean") {
    // "average seats of a Pro account": the sum over the rows ÷ the count of the same rows
    const reading = rowsInterpretation(input, catalog, at, true, [
      ...why,
      `an average: ${measure} summed over the rows kept ÷ the number of the same rows`,
    ]);
    const m = measure.replaceAll("_", " ").replace(/^mrr$/, "MRR");
    const label = `Average ${m} per ${input.label.replace(/_id$/, "").replaceAll("_", " ")}`;
    // read as what is computed, "Average seats per customer over the rows of account health now (…), plan_tier =
    // pro (…)", never as the count of rows it divides by ("Number of account health now …, their seats summed too")
    const counted = `Number of ${mart.name.replaceAll("_", " ")} `;
    const kept = reading.read_as.startsWith(counted)
      ? reading.read_as.slice(counted.length).replace(/, their [^,]+ summed too$/, "")
      : reading.read_as;
    return {
      status: "plan",
      intent: "count_rows",
      calls: [{ role: "main", name: "top_n", input }],
      interpretation: {
        ...reading,
        metric_label: label,
        read_as: `${label} over the rows of ${mart.name.replaceAll("_", " ")} ${kept} (${m} summed over the rows ÷ the number of the same rows)`,
      },
    };
  }
  if (!rank)
    return {
      status: "plan",
      intent: "count_rows",
      calls: [{ role: "main", name: "top_n", input }],
      interpretation: rowsInterpretation(input, catalog, at, true, why),
    };
  // a ranking of a tier (an owner) reads as the label ranked: "Number of account health now, the plan tier with the
  // most, status = past_due"; by a measure, "Open tickets summed per plan tier over account health now, …"
  const human = (c: string) => c.replaceAll("_", " ");
  const reading = rowsInterpretation({ ...input, count: true }, catalog, at, false, why);
  const by = (t: string) =>
    input.count
      ? t
      : t.replace(
          `Number of ${human(mart.name)}`,
          `${human(measure)
            .replace(/^mrr$/, "MRR")
            .replace(/^./, (c) => c.toUpperCase())} summed per ${human(label)} over ${human(mart.name)}`,
        );
  return {
    status: "plan",
    intent: "top_n",
    calls: [{ role: "main", name: "top_n", input }],
    interpretation: { ...reading, metric_label: by(reading.metric_label), read_as: by(reading.read_as) },
  };
}

/**
 * The question read as a CSM's account rows when the planner could not read it; "my book" asked back whatever it was
 * read as. The plan (or refusal) as it was otherwise.
 */
export function accountBook(
  typed: string,
  planned: Plan | Refusal,
  catalog: Catalog,
  at: Date,
  again: (q: string) => Plan | Refusal,
): Plan | Refusal {
  // (a question trailing off in an ellipsis is asked as one ending in a question mark)
  const question = typed.replace(/\s*…+\s*$/, "?");
  const text = lower(question);
  if (testSaid(MY_BOOK, text))
    return {
      status: "refusal",
      kind: "clarify",
      reason:
        "whose book? I don't know who is asking: name the owner (\"Priya Nair's book of business\") and the number (their MRR, their paying logos, their accounts past due)",
      known_metrics: catalog.metrics.map((m) => m.name),
      unplaced: ["my"],
    };
  // "how many seats does a Pro account have, on average": a mean over the rows, never a total of the metric it names
  if (planned.status === "plan" && /\bon\s+(?:average|avg)\b/.test(text) && /\bhow\s+many\b/.test(text)) {
    const mean = accountRows(question, catalog);
    if (mean?.ask.kind === "mean") return planOf(mean, catalog, at, question.trim());
  }
  if (planned.status === "plan") return planned;
  const read =
    accountRows(question, catalog) ??
    ownerBook(question, catalog) ??
    noOwner(question, catalog) ??
    openDealMean(question, catalog);
  if (read) return planOf(read, catalog, at, question.trim());
  const ended = involuntary(question, catalog, at);
  if (ended) return ended;
  const said = csWordsSaid(question);
  if (said === question.trim()) return planned;
  const reread = again(said);
  if (reread.status !== "plan" || !reread.interpretation) return planned;
  return {
    ...reread,
    interpretation: {
      ...reread.interpretation,
      read_as: `${reread.interpretation.read_as} (the question read as "${said}")`,
      why: [...reread.interpretation.why, `read as "${said}"`],
    },
  };
}
