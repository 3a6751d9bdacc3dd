import { askBack } from "./ask-back.ts";
import type { Catalog } from "../../engine/catalog/catalog.ts";
import type { Plan, Refusal } from "./plan-types.ts";
import { normalize } from "./text.ts";

/**
 * The top N rows taken together (#15, batch 52): "combined MRR of our 7 biggest customers", "what are our 3 biggest
 * open deals worth together" (the N ranked rows' measure summed), "what share of MRR comes from our top 15
 * customers" (that sum over the measure of every row the ranking keeps). The ranking is the plain one ("top 7
 * customers by mrr"), planned as any; the answer adds its N values (and, for a share, sets them over all the kept
 * rows' total) — a sum or share the reader would otherwise add up by hand, or get as the first row alone.
 */
const GROUP =
  /\b(?:(?:our|the|my)\s+)?(?:(?:top|biggest|largest)\s+(\d+)|(\d+)\s+(?:biggest|largest|top))\s+((?:[a-z-]+\s+){0,3}?(?:customers|accounts|deals|clients|companies))\b/;
const SUMMED = /\b(?:combined|together|altogether|in total|all told|between them|add(?:ed)? up|summed|sum of|total)\b/;
const SHARE =
  /\b(?:what|which|how much)\s+(?:%|pct|percent(?:age)?|share|proportion|fraction|portion|part)\s+of\s+(?:(?:our|the|all|total)\s+)*([a-z]+)\s+(?:comes?|came|is|are|do|does)\b|\bshare\s+of\s+(?:(?:our|the|all|total)\s+)*([a-z]+)\b|\bhow much of\s+(?:(?:our|the|all|total)\s+)*([a-z]+)\s+(?:comes?|came|is|do|does)\b/;
const MEASURE_BEFORE =
  /\b(?:combined|total|summed)\s+([a-z]+)\s+(?:of|from|for)\b|\bhow much\s+([a-z]+)\s+(?:do|does|did|have|has)\b/;

type Ranked = { mart: string; measure: string; n: number; direction: string; count?: boolean };

export function topSum(
  typed: string,
  catalog: Catalog,
  read: (q: string) => Plan | Refusal,
): Plan | Refusal | undefined {
  const text = normalize(typed)
    .replace(/[?!.]+$/, "")
    .trim();
  const group = GROUP.exec(text);
  if (!group) return undefined;
  const share = SHARE.exec(text);
  const summed = !share && SUMMED.test(text);
  if (!share && !summed) return undefined;
  const n = Number(group[1] ?? group[2]);
  const measure = share ? (share[1] ?? share[2] ?? share[3]) : (([m]) => m?.[1] ?? m?.[2])([MEASURE_BEFORE.exec(text)]);
  const ranking = `top ${n} ${group[3]}${measure ? ` by ${measure}` : ""}`;
  const ask = (why: string) =>
    askBack(catalog, `"${group[0]}" taken together: ${why}; ask for the ranking ("${ranking}") and I list them`);
  const planned = read(ranking);
  if (planned.status !== "plan" || planned.intent !== "top_n" || planned.calls.length !== 1)
    return ask(`I can't rank ${group[3]}${measure ? ` by ${measure}` : ""}`);
  const input = planned.calls[0]!.input as Ranked;
  if (input.count || input.n !== n || input.direction !== "top") return ask(`I can't rank ${group[3]} as said`);
  // a share of a measure the ranking does not sum ("share of customers from our top 15 deals") is no share of it
  if (share && measure && !sameMeasure(catalog, input, measure))
    return ask(`the ${group[3]} are ranked by ${input.measure}, not ${measure}`);
  const interpretation = planned.interpretation;
  if (!interpretation) return ask(`I can't say how they are read`);
  return {
    ...planned,
    interpretation: {
      ...interpretation,
      read_as: `${interpretation.read_as}; ${share ? `their ${input.measure} together as a share of all ${input.mart}' ${input.measure}` : `their ${input.measure} added together`}`,
      why: [
        ...interpretation.why,
        share
          ? `"${share[0]}": the ${n} largest ${input.measure} values summed, over the ${input.measure} of every ${input.mart} row the ranking keeps`
          : `the ${n} ranked rows' ${input.measure} summed`,
      ],
      check: { kind: "top_sum", share: !!share },
    },
  };
}

/** the measure the ranking sums is the one said: its column, or a metric over that column named by it */
function sameMeasure(catalog: Catalog, input: Ranked, said: string): boolean {
  if (input.measure === said) return true;
  return catalog.metrics.some(
    (m) =>
      m.mart === input.mart &&
      (m.name === input.measure || m.expression.replace(/\s+/g, "") === `sum(${input.measure})`) &&
      (m.name === said || (m.synonyms ?? []).some((s) => s.toLowerCase() === said) || m.label?.toLowerCase() === said),
  );
}
