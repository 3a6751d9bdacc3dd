import type { Catalog } from "../../engine/catalog/catalog.ts";
import type { Plan, Refusal } from "./plan-types.ts";
import { rowsInterpretation } from "./understand.ts";
import { execSaid } from "./may-match.ts";

/**
 * "Is Pro our most popular plan?", "is Germany our biggest market?", "was Enterprise the top pipeline by won amount
 * this year?" (#15, batch 35): a value of a dimension named as the leader of a ranking. The answer is the ranking's
 * leader, with whether the named value is it — never the named value's own number (which reads as a yes). Read as
 * the ranking the planner already answers; when no ranking can be read the question is asked back, naming what to
 * rank by.
 */
type Core = (question: string) => Plan | Refusal;

const SUP =
  "most popular|most common|most used|biggest|largest|top|leading|best[- ]selling|best|strongest|number one|no\\.? ?1|#1|highest[- ]grossing|most valuable";
const LEAST = "least popular|least common|smallest|weakest|worst|lowest|bottom";
/** the dimensions a leader is said of, by the nouns said for them, and the ranking read when no measure is said */
const NOUNS: { noun: RegExp; dimension: string; plain?: string }[] = [
  {
    noun: /^(?:plans?|tiers?|packages?|pricing plans?)$/,
    dimension: "plan",
    plain: "which plan has the most customers",
  },
  {
    noun: /^(?:countr(?:y|ies)|markets?|geograph(?:y|ies)|regions?)$/,
    dimension: "country",
    plain: "which country has the most paying customers",
  },
  {
    noun: /^(?:stages?|deal stages?|pipeline stages?)$/,
    dimension: "stage",
    plain: "which stage has the most open pipeline",
  },
  { noun: /^(?:pipelines?)$/, dimension: "pipeline" },
  {
    noun: /^(?:reps?|sales ?reps?|sellers?|closers?|salespeople|salesperson|owners?|deal owners?|aes?)$/,
    dimension: "owner",
  },
];
const FORM = new RegExp(
  String.raw`^(?:is|was|are|were|isn't|wasn't)\s+(.+?)\s+(?:really\s+|actually\s+|still\s+|now\s+|currently\s+)*(?:our|the)\s+(?:single\s+)?(${SUP}|${LEAST})\s+((?:deal |pipeline |pricing |sales ?)?[a-z]+)\b(.*)$`,
);

function escape(v: string): string {
  return v.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** the value named, as the dimension's own value ("pro" → "Pro", "germany" → "DE") */
function valueNamed(named: string, dimension: string, catalog: Catalog): string | undefined {
  const said = named.replace(/^(?:the|our)\s+/, "").trim();
  const hits = new Set<string>();
  for (const [key, values] of catalog.dimensionValues ?? [])
    if (key.split(".").at(-1) === dimension)
      for (const v of values) {
        const low = v.toLowerCase();
        if (low === said || (dimension === "owner" && low.split(/\s+/)[0] === said)) hits.add(v);
      }
  for (const mart of catalog.marts())
    for (const col of mart.columns)
      if (col.name === dimension)
        for (const [phrase, values] of Object.entries(col.value_synonyms ?? {}))
          if (new RegExp(`^(?:the\\s+)?${escape(phrase.toLowerCase())}$`).test(said) && values.length === 1)
            hits.add(String(values[0]));
  // "the US", "the UK": a country's code said as its name (bare "us" is the pronoun, never read here)
  const code = dimension === "country" ? /^(?:the\s+)?(us|uk)$/.exec(named.trim()) : null;
  if (code && /^the\s/.test(named.trim()) && !hits.size) hits.add(code[1] === "uk" ? "GB" : "US");
  return hits.size === 1 ? [...hits][0] : undefined;
}

function ranks(plan: Plan | Refusal, dimension: string): plan is Plan {
  if (plan.status !== "plan") return false;
  if (plan.intent === "argmax") return plan.interpretation?.argmax?.dimension === dimension;
  // a ranking of a mart's rows ("which country has the most paying customers"): its leader, by the column
  const main = plan.calls.find((c) => c.role === "main");
  return plan.intent === "top_n" && main?.name === "top_n" && main.input.label === dimension && main.input.n === 1;
}

export function readLeader(text: string, catalog: Catalog, at: Date, core: Core): Plan | Refusal | undefined {
  const m = execSaid(FORM, text);
  if (!m) return undefined;
  const [, named, sup, noun, rest] = m;
  const kind = NOUNS.find((n) => n.noun.test(noun!));
  if (!kind) return undefined;
  const value = valueNamed(named!, kind.dimension, catalog);
  if (!value) return undefined;
  const least = new RegExp(`^(?:${LEAST})$`).test(sup!);
  const tail = rest!.trim();
  const tries = [
    `what is our ${sup} ${noun} ${tail}`,
    `top ${kind.dimension} ${tail}`,
    ...(least || /^(?:by|in terms of|for)\b/.test(tail) || !kind.plain ? [] : [`${kind.plain} ${tail}`]),
  ];
  for (const q of tries) {
    const plan = core(q.replace(/\s+/g, " ").trim());
    if (!ranks(plan, kind.dimension)) continue;
    // a ranking of a mart's rows carries its reading as the planner gives it (withRowsReading)
    const interpretation =
      plan.interpretation ??
      rowsInterpretation(plan.calls[0]!.input as Parameters<typeof rowsInterpretation>[0], catalog, at, false);
    return {
      ...plan,
      interpretation: {
        ...interpretation,
        check: { kind: "winner", named: value, value },
        why: [
          ...interpretation.why,
          `"${m[0]}": whether ${value} leads the ranking — the leader is stated, never ${value}'s own number alone`,
        ],
      },
    };
  }
  return {
    status: "refusal",
    kind: "clarify",
    reason: `"${sup} ${noun}" names the leader of a ranking, and I can't tell what to rank the ${noun}s by here; ask e.g. "which ${kind.dimension} has the most MRR" or "… the most customers"`,
    known_metrics: catalog.metrics.map((x) => x.name),
    unplaced: [`${sup} ${noun}`],
  };
}
