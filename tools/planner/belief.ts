import type { Catalog } from "../../engine/catalog/catalog.ts";
import { resolvePeriod } from "../../engine/catalog/period.ts";
import { boundOp } from "./bound-op.ts";
import { withoutBeliefFrame } from "./checks.ts";
import { normalize } from "../../engine/catalog/phrase-stems.ts";
import type { Plan, Refusal } from "./plan-types.ts";
import { findPeriods } from "./periods.ts";
import { readLeader } from "./leader.ts";
import { type Interpretation, rowsInterpretation } from "./understand.ts";
import { execSaid } from "./may-match.ts";

/**
 * Belief checks (#15, batch 18): a yes/no question whose answer is the number that settles it. Each form here is
 * read as the plain question the planner already answers (the ranking, both metrics, the share), and the reading
 * carries the belief (`check`) so the answer can say whether it holds. A form whose plain question does not plan to
 * the expected shape (a ranking, two metrics of one unit, a share of a total) reads nothing here: the question's own
 * refusal stands, never a nearby number.
 */
export type BeliefCheck = NonNullable<Interpretation["check"]>;

type Core = (question: string) => Plan | Refusal;

function bare(typed: string): string {
  let t = normalize(typed)
    .replace(/[?!.]+$/, "")
    .trim();
  for (let i = 0; i < 3; i++)
    t = withoutBeliefFrame(t)
      .replace(/[?!.]+$/, "")
      .trim();
  // "(am I right that) October was our record month": the statement read as its question
  const stated =
    /^(?!(?:was|is|were|did|does|do|has|have|are|which|what|who)\b)([a-z0-9]+(?: [a-z0-9]+)?)\s+(was|is|were)\s+(.+)$/.exec(
      t,
    );
  return stated ? `${stated[2]} ${stated[1]} ${stated[3]}` : t;
}

const SUP_WORDS: Record<string, string> = {
  best: "best",
  strongest: "strongest",
  biggest: "biggest",
  largest: "biggest",
  highest: "highest",
  top: "best",
  record: "biggest",
  busiest: "biggest",
  worst: "worst",
  weakest: "weakest",
  lowest: "lowest",
  smallest: "lowest",
  slowest: "lowest",
  quietest: "lowest",
};
const SUP = Object.keys(SUP_WORDS).join("|");
const GRAIN = "month|quarter|week";
const EVER = String.raw`(?:ever|on record|of all time|all[- ]time)`;

/** "was September our best month this year for new customers", "was October our biggest month ever for cash collected" */
const NAMED_BUCKET = new RegExp(
  String.raw`^(?:was|is|were|has been)\s+(.+?)\s+(?:really\s+|actually\s+|truly\s+)?(?:our|the|a|an)\s+(?:single\s+|all[- ]time\s+|new\s+)?(${SUP})\s+(${GRAIN})(?:\s+(${EVER}))?\b(.*)$`,
);
/** "was September the month we lost the most customers this year", "was Q3 the quarter with the most new MRR" */
const THE_BUCKET = new RegExp(
  String.raw`^(?:was|is|were)\s+(.+?)\s+(?:really\s+|actually\s+)?the\s+(${GRAIN})\s+(?:that\s+|when\s+|where\s+|in\s+which\s+)?((?:we|our|with|had|has|saw|brought)\b.*\b(?:the\s+)?(?:most|least|fewest|highest|lowest|biggest|largest|smallest)\b.*)$`,
);
/** "was Sofia our top closer last quarter by closed-won value" */
const NAMED_PERSON =
  /^(?:was|is)\s+(.+?)\s+(?:really\s+|actually\s+)?(?:our|the)\s+(?:top|best|biggest|leading|number one|no\.? ?1|#1|highest[- ]performing|strongest)\s+(?:closer|rep|sales ?rep|seller|salesperson|sales person|account executive|ae|performer|deal owner|owner)\b(.*)$/;
/** "has there been a single month this year where MRR went down", "did MRR go down in any month this year" */
const DOWN = String.raw`(?:went down|go(?:ne)? down|fell|fall(?:en)?|dropped|drop|declined|decline|decreased|decrease|shr[au]nk|shrink|contracted)`;
const ANY_DOWN = [
  new RegExp(
    String.raw`^(?:has there been|have there been|was there|were there|is there|have we had|did we have|did we ever have|have we seen|did we see)\s+(?:even\s+)?(?:a|any|one)\s+(?:single\s+)?(${GRAIN})s?\s+(.*?)\s*(?:where|when|in which|that|with)\s+(?:our\s+|the\s+)?(mrr|arr)\s+(?:actually\s+|really\s+|ever\s+)?${DOWN}\b\s*(.*)$`,
  ),
  new RegExp(
    String.raw`^(?:did|has|have)\s+(?:our\s+|the\s+)?(mrr|arr)\s+(?:ever\s+|actually\s+)?${DOWN}\s+(?:in|during|for)\s+(?:a|any|one)\s+(?:single\s+)?(${GRAIN})\b\s*(.*)$`,
  ),
];
const BIGGER = String.raw`(?:bigger|larger|higher|greater|more|lower|smaller|less)`;
/** "which is bigger, expansion or contraction in Q3", "expansion or contraction: which was bigger in Q3" */
const WHICH_BIGGER = [
  new RegExp(
    String.raw`^(?:which|what)(?:'s|\s+is|\s+was|\s+were|\s+are)?\s+${BIGGER}\s*[,:;—–-]*\s*(.+?)\s+or\s+(.+)$`,
  ),
  new RegExp(
    String.raw`^(.+?)\s+or\s+(.+?)\s*[,:;—–-]+\s*(?:which|what)(?:'s|\s+is|\s+was|\s+were)\s+${BIGGER}\b\s*(.*)$`,
  ),
];
/** "did expansion make up for the MRR we lost to cancellations in H1", "does new MRR cover churned MRR" */
const COVERS =
  /^(?:did|does|do|has|have|is|was)\s+(.+?)\s+(?:(?:more than\s+)?make up for|made up for|more than cover(?:ed)?|cover(?:ed)?|offset|outweigh(?:ed)?|outpace(?:d)?|compensate(?:d)? for|cancel(?:led)? out|keep(?:ing)? up with|kept up with)\s+(.+)$/;
/** "is Starter less than 10% of our MRR right now", "do US customers account for more than half of our MRR" */
const SHARE_BOUND = String.raw`(less than|under|below|more than|over|above|at least|at most|no more than|no less than)\s+(half|a half|a third|a quarter|\d+(?:\.\d+)?\s*(?:%|percent|pct))`;
const SHARE_IS = new RegExp(
  String.raw`^(?:is|are|was|were|does|do|did)\s+(.+?)\s+(?:account(?:ing)? for\s+|make up\s+|made up\s+|represent\s+|bring in\s+|contribute\s+)?${SHARE_BOUND}\s+of\s+(?:our\s+|all\s+|the\s+|total\s+)*(.+)$`,
);
/** "is most of our MRR from Pro", "is the majority of MRR on Enterprise" */
const SHARE_MOST =
  /^(?:is|are|was|were)\s+(most|the majority|the bulk|over half|more than half|less than half|under half)\s+of\s+(?:our\s+|all\s+|the\s+|total\s+)*(.+?)\s+(?:from|on|in|with|coming from)\s+(.+)$/;

/** "are most of our paying customers in the US", "most of our paying customers are in the US" */
const PEOPLE_MOST =
  /^(?:are\s+)?(most|the majority|over half|more than half|less than half|under half)\s+of\s+(?:our\s+|all\s+|the\s+)*([a-z ]*?customers)\s+(?:are\s+|based\s+|located\s+)*((?:in|on|from)\s+.+)$/;

const fraction = (said: string): number =>
  /half/.test(said) ? 0.5 : /third/.test(said) ? 1 / 3 : /quarter/.test(said) ? 0.25 : Number.parseFloat(said) / 100;

/** The period words at the end of a phrase ("mrr right now" → "mrr", "right now"), when a period is said there */
function splitPeriod(text: string, at: Date): [string, string] {
  const found = findPeriods(text, at).at(-1);
  if (!found) {
    const now = /\s+(?:right now|now|currently|today|at the moment|at this point|these days)$/.exec(text);
    return now ? [text.slice(0, now.index), now[0].trim()] : [text, ""];
  }
  const head = text.slice(0, found.start).replace(/\s+(?:in|for|during|over|as of|at|of)$/, "");
  return [`${head} ${text.slice(found.end)}`.replace(/\s+/g, " ").trim(), text.slice(found.start, found.end).trim()];
}

function withCheck(plan: Plan, check: BeliefCheck, said: string): Plan {
  if (!plan.interpretation) return plan;
  return {
    ...plan,
    interpretation: {
      ...plan.interpretation,
      check,
      why: [...plan.interpretation.why, `"${said}": a belief to check, read as the question that settles it`],
    },
  };
}

/** the start of the one bucket a named period is ("september" → 2026-09-01), when it names one of the grain */
function bucketStart(named: string, grain: string, at: Date): string | undefined {
  // "was march our best month": a month's name that is also a word ("march", "may") is a period in this slot
  const said = /^(?:january|february|march|april|may|june|july|august|september|october|november|december)\b/.test(
    named,
  )
    ? `in ${named}`
    : named;
  const found = findPeriods(said, at);
  if (
    found.length !== 1 ||
    found[0]!.end !== said.length ||
    said
      .slice(0, found[0]!.start)
      .replace(/^in\s+/, "")
      .trim()
  )
    return undefined;
  const p = found[0]!.period;
  const r = resolvePeriod(p, at);
  const start = new Date(`${r.start}T00:00:00Z`);
  const end = new Date(`${r.end}T00:00:00Z`);
  const days = (end.getTime() - start.getTime()) / 86_400_000;
  const fits = grain === "month" ? days <= 31 : grain === "quarter" ? days <= 92 && days > 31 : days <= 7;
  return fits ? r.start : undefined;
}

function ranking(plan: Plan | Refusal, dimension: string): plan is Plan {
  return plan.status === "plan" && plan.intent === "argmax" && plan.interpretation?.argmax?.dimension === dimension;
}

/** a deal owner named by first name or in full ("Sofia" → "Sofia Rossi") */
function ownerNamed(named: string, catalog: Catalog): string | undefined {
  const owners = [...(catalog.dimensionValues ?? [])].filter(([k]) => k.split(".").at(-1) === "owner");
  const hits = new Set<string>();
  for (const [, values] of owners)
    for (const v of values) {
      const low = v.toLowerCase();
      if (low === named || low.split(/\s+/)[0] === named) hits.add(v);
    }
  return hits.size === 1 ? [...hits][0] : undefined;
}

function twoMetrics(plan: Plan | Refusal): plan is Plan {
  if (plan.status !== "plan" || plan.intent !== "metric") return false;
  const mains = plan.calls.filter((c) => c.role === "main" && c.name === "query_metric");
  return (
    mains.length === 2 &&
    mains[0]!.input.metric !== mains[1]!.input.metric &&
    plan.calls.every((c) => c.role === "main" || c.role === "trend" || c.role === "companion")
  );
}

/**
 * A belief read as the question that settles it, planned by `core`; undefined when no form here fits or its plain
 * question does not plan to the shape the belief needs (the caller keeps its own refusal).
 */
export function readBelief(typed: string, catalog: Catalog, at: Date, core: Core): Plan | Refusal | undefined {
  const text = bare(typed);
  // one sentence only: "June was our best month ever. How many paying customers do we have?" states a belief as
  // backstory and asks something else (the message's ask is found by message.ts, not read as a check)
  if (/[.?!;]\s+\S/.test(text)) return undefined;
  // "is Pro our most popular plan": a value named as a ranking's leader (leader.ts)
  const leader = readLeader(text, catalog, at, core);
  if (leader) return leader;
  // superlative over periods, a bucket named: the ranking of the buckets, and whether the named one leads it
  const nb = execSaid(NAMED_BUCKET, text);
  if (nb) {
    const [, named, sup, grain, ever, rest] = nb;
    const start = bucketStart(named!, grain!, at);
    if (start) {
      const plan = core(`what was our ${SUP_WORDS[sup!]} ${grain}${ever ? " ever" : ""} ${rest!.trim()}`.trim());
      if (ranking(plan, "period")) return withCheck(plan, { kind: "winner", named: named!, bucket: start }, named!);
    }
  }
  const tb = execSaid(THE_BUCKET, text);
  if (tb) {
    const [, named, grain, rest] = tb;
    const start = bucketStart(named!, grain!, at);
    if (start) {
      const clause = rest!.replace(/^with\s+/, "had ").replace(/^we\s+/, "did we ");
      const plan = core(`which ${grain} ${clause}`);
      if (ranking(plan, "period")) return withCheck(plan, { kind: "winner", named: named!, bucket: start }, named!);
    }
  }
  // a person named as the top of a ranking: the ranking of owners, and whether the named one leads it
  const np = execSaid(NAMED_PERSON, text);
  if (np) {
    const owner = ownerNamed(np[1]!, catalog);
    const rest = np[2]!.trim();
    if (owner && rest) {
      const plan = core(`top owner ${rest}`);
      if (ranking(plan, "owner")) return withCheck(plan, { kind: "winner", named: owner, value: owner }, np[1]!);
    }
  }
  // "a month where MRR went down": a level falls in a bucket when its net new is below 0; the lowest net new
  // settles it, and the running bucket counts (a fall so far is a fall)
  for (const re of ANY_DOWN) {
    const m = re.exec(text);
    if (!m) continue;
    const [grain, span, level, after] = re === ANY_DOWN[0] ? [m[1]!, m[2]!, m[3]!, m[4]!] : [m[2]!, "", m[1]!, m[3]!];
    const plan = core(
      `which ${grain} ${`${span} ${after}`.trim()} had the lowest net new ${level}`.replace(/\s+/g, " "),
    );
    if (ranking(plan, "period") && plan.interpretation?.argmax?.direction === "least")
      return withCheck(plan, { kind: "negative" }, m[0]);
  }
  // two metrics set against each other in one period: both, and which is larger
  const pair = (a: string, b: string, kind: "bigger" | "covers", said: string) => {
    if (!/[a-z]{3}/.test(b) || /^[$€£]?\d/.test(b.trim())) return undefined;
    // "in October, deals won or deals lost": a period said before the pair belongs to both
    const lead = /^(.+?),\s*(.+)$/.exec(a.trim());
    const [first, rest] = lead && findPeriods(lead[1]!, at).length ? [lead[2]!, `${b.trim()} ${lead[1]}`] : [a, b];
    const plan = core(`${first.trim()} vs ${rest.trim()}`);
    if (!twoMetrics(plan)) return undefined;
    // the first-named side is the one checked against the other, whatever order the plan lists them in
    const alone = core(first.trim());
    const named = alone.status === "plan" ? alone.calls.find((c) => c.role === "main")?.input.metric : undefined;
    const metrics = plan.calls.filter((c) => c.role === "main").map((c) => c.input.metric);
    if (typeof named !== "string" || !metrics.includes(named)) return undefined;
    return withCheck(plan, { kind, first: named }, said);
  };
  for (const re of WHICH_BIGGER) {
    const m = re.exec(text);
    if (!m) continue;
    const read = pair(m[1]!, `${m[2]!} ${m[3] ?? ""}`, "bigger", m[0]);
    if (read) return read;
  }
  const cv = execSaid(COVERS, text);
  if (cv) {
    // "the MRR we lost to cancellations": the relative clause is the metric's own words
    const b = cv[2]!.replace(/\b(?:that\s+)?we\s+(lost|churned|gave up|shed)\b/, "$1");
    const read = pair(cv[1]!, b, "covers", cv[0]);
    if (read) return read;
  }
  // a share of a total against a bound: the share, only where the metric adds up (a filter's part of its total)
  const share = (
    part: string,
    wholeSaid: string,
    bound: { op: "<" | ">" | "<=" | ">="; value: number },
    said: string,
  ) => {
    const [whole, period] = splitPeriod(wholeSaid.trim(), at);
    const plan = core(`what share of ${whole} is ${part.trim()}${period ? ` ${period}` : ""}`);
    if (plan.status !== "plan" || !plan.calls.some((c) => c.role === "share")) return undefined;
    return withCheck(plan, { kind: "share", ...bound }, said);
  };
  // "most of our paying customers are in the US", "US customers … half of our MRR": where no metric has the
  // dimension, the share of a mart's rows (or of their measure summed) kept to the value among those of its population
  const rows = (
    part: string,
    wholeSaid: string,
    bound: { op: "<" | ">" | "<=" | ">="; value: number },
    asked: string,
  ) => {
    const whole = wholeSaid.replace(/^(?:our|all|the|total)\s+/g, "").trim();
    // "customers" alone are the paying ones (status active or past due), as "how many customers" reads them
    const population =
      /\bcustomers$/.test(whole) && /\b(?:paying|active|churned|past due|trialing|canceled|cancelled)\b/.test(whole)
        ? whole
        : "paying customers";
    const measure = /\bcustomers$/.test(whole) ? undefined : whole;
    const who = /^(?:in|on|from|based in|located in)\s/.test(part) ? part : /^(.+?)\s+customers$/.exec(part)?.[1];
    if (!who) return undefined;
    const kept = who.startsWith("in ") || who.startsWith("on ") || who.startsWith("from ") ? who : `in the ${who}`;
    const plan = core(`how many ${population} are ${kept}`);
    if (plan.status !== "plan" || plan.intent !== "count_rows" || plan.calls.length !== 1) return undefined;
    const call = plan.calls[0]!;
    const input = call.input as Parameters<typeof rowsInterpretation>[0];
    if (measure && input.measure !== measure) return undefined;
    const words = new Set(kept.split(/\s+/));
    // the value said (US) or a name the mart's column gives it (germany → DE): the filter the part adds
    const columns = catalog.models.get(input.mart)?.columns ?? [];
    const said = (column: string, v: unknown) =>
      words.has(String(v).toLowerCase()) ||
      Object.entries(columns.find((c) => c.name === column)?.value_synonyms ?? {}).some(
        ([name, values]) =>
          values.includes(v as never) &&
          new RegExp(`(?:^|\\s)${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?:$|\\s)`).test(kept),
      );
    const named = (f: { column: string; value: unknown }) =>
      (Array.isArray(f.value) ? f.value : [f.value]).some((v) => said(f.column, v));
    const filters = input.filters ?? [];
    if (filters.filter(named).length !== 1) return undefined;
    const base = { ...input, filters: filters.filter((f) => !named(f)) };
    const interpretation = rowsInterpretation(input, catalog, at, true, [
      `"${asked}": a share of ${measure ? `the ${measure} of ` : ""}${population}, the kept rows over the same rows without "${kept}"`,
    ]);
    return {
      status: "plan",
      intent: "count_rows",
      calls: [call, { role: "share", name: "top_n", input: base }],
      interpretation: { ...interpretation, check: { kind: "share", ...bound, of: measure ? "total" : "rows" } },
    } satisfies Plan;
  };
  const si = execSaid(SHARE_IS, text);
  if (si) {
    const bound = { op: boundOp(si[2]!), value: fraction(si[3]!) };
    const read = share(si[1]!, si[4]!, bound, si[0]) ?? rows(si[1]!, splitPeriod(si[4]!, at)[0], bound, si[0]);
    if (read) return read;
  }
  const sm = execSaid(SHARE_MOST, text);
  if (sm) {
    const less = /^(?:less|under)/.test(sm[1]!);
    const bound = { op: less ? ("<" as const) : (">" as const), value: 0.5 };
    const read = share(sm[3]!, sm[2]!, bound, sm[0]) ?? rows(sm[3]!, sm[2]!, bound, sm[0]);
    if (read) return read;
  }
  // "most of our paying customers are in the US": the majority of a population said before where they are
  const pm = execSaid(PEOPLE_MOST, text);
  if (pm) {
    const less = /^(?:less|under)/.test(pm[1]!);
    const read = rows(pm[3]!, pm[2]!, { op: less ? "<" : ">", value: 0.5 }, pm[0]);
    if (read) return read;
  }
  return undefined;
}

const SHARE_SAID =
  /\b(?:as\s+an?\s+|in\s+)?(?:share|percentage|percent|proportion|fraction|portion|pct)\s+of\s+(?:all\s+|our\s+|the\s+|total\s+)*([a-z][a-z -]*?)(?=$|[,;:]|\s+(?:in|for|during|over|than|vs|versus|compared|higher|lower|bigger|smaller|larger|greater|more|less|worse|better)\b)/;

/**
 * "Are more of our tickets high priority in Q3 than in Q2, as a share of all tickets?": a plan that answers the
 * count (or its change) while the question asks for a share of a total states the wrong number. Each period's share
 * is planned on its own (part over whole, both summed over it); when that cannot be read, the question is asked
 * back rather than answered with the count.
 */
export function guardShare(typed: string, plan: Plan | Refusal, at: Date, core: Core): Plan | Refusal {
  if (plan.status !== "plan" || !plan.interpretation) return plan;
  if (plan.calls.some((c) => c.role === "share" || c.role === "per")) return plan;
  // "15 percent of ARR": a constant the metric is multiplied by (scaled.ts), no share asked
  if (plan.interpretation.scale) return plan;
  // "which stage holds the largest share of open pipeline": the ranking by share is the ranking by value
  if (plan.intent === "argmax") return plan;
  const text = bare(typed);
  const said = execSaid(SHARE_SAID, text);
  if (!said) return plan;
  const i = plan.interpretation;
  // a metric that is itself a share ("what percentage of trials converted": trial conversion rate) answers it
  if (/%|rate|share|percent/i.test(i.metric_label) || i.metric.endsWith("_rate")) return plan;
  const ask: Refusal = {
    status: "refusal",
    kind: "clarify",
    reason: `"${said[0].trim()}" asks for a share of a total, and this reading (${i.read_as}) gives ${i.metric_label.toLowerCase()} itself; ask for "${i.metric_label.toLowerCase()} as a share of ${said[1]!.trim()}" with one period`,
    known_metrics: [],
    interpretation: i,
  };
  const whole = said[1]!.trim();
  const periods = findPeriods(text, at);
  if (plan.intent !== "compare" || periods.length !== 2) return ask;
  const sides = periods.map((p) => core(`${i.metric_label} as a share of ${whole} ${text.slice(p.start, p.end)}`));
  const shares = sides.filter(
    (s): s is Plan => s.status === "plan" && s.intent === "arithmetic" && s.calls.some((c) => c.role === "share"),
  );
  if (shares.length !== 2 || shares[0]!.calls[0]!.input.metric !== plan.calls[0]!.input.metric) return ask;
  // the first-named period's share first, as the comparison states it
  const [later, earlier] = periods[0]!.start < periods[1]!.start ? shares : [shares[1]!, shares[0]!];
  return {
    status: "plan",
    intent: "arithmetic",
    calls: [...later!.calls, ...earlier!.calls],
    interpretation: {
      ...later!.interpretation!,
      read_as: `${later!.interpretation!.read_as}; also ${earlier!.interpretation!.period.text}, read the same way`,
      why: [
        ...later!.interpretation!.why,
        `"${said[0].trim()}": a share in each period, part over whole, never the change of the part alone`,
      ],
      check: { kind: "shares" },
    },
  };
}
