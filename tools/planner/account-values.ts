/**
 * The values the paying accounts' rows hold, as the catalog knows them (#15 review): the plan tiers a build reads
 * (the churn-risk decision carries the health rows' plan_tier, a dimension of its accounts_at_risk metric), a
 * decision's declared labels, and the columns' value synonyms — never the demo's own words (starter|growth|pro|
 * enterprise, high|medium|low). A project whose plans are Basic, Team and Scale is read by those.
 */
import type { Catalog, CatalogModel } from "../../engine/catalog/catalog.ts";

/** a value as words: lowercase, "_" and "-" said as spaces ("past_due", "at-risk" → "past due", "at risk") */
export const valueWords = (v: string): string =>
  v
    .toLowerCase()
    .replace(/[\s_-]+/g, " ")
    .trim();

const escaped = (v: string) => v.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** an alternation (no group) of phrases, the longest first, their words apart by spaces, "_" or "-" */
export function alternation(phrases: string[]): string {
  return [...new Set(phrases.map(valueWords).filter(Boolean))]
    .sort((a, b) => b.length - a.length)
    .map((p) => p.split(" ").map(escaped).join(String.raw`[\s_-]+`))
    .join("|");
}

/**
 * The values a column of these marts holds: declared (a decision's labels) or read from a build, with the column's
 * value synonyms; each phrase (valueWords) → the values it says.
 */
export function valuesOf(catalog: Catalog, marts: (CatalogModel | undefined)[], column: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const add = (phrase: string, values: string[]) => {
    const w = valueWords(phrase);
    if (w && !out.has(w)) out.set(w, values);
  };
  for (const mart of marts) {
    const col = mart?.columns.find((c) => c.name === column);
    if (!mart || !col) continue;
    for (const v of [...(col.values ?? []), ...(catalog.dimensionValues?.get(`${mart.name}.${column}`) ?? [])])
      add(v, [v]);
    for (const [phrase, vs] of Object.entries(col.value_synonyms ?? {})) add(phrase, vs.map(String));
  }
  return out;
}

/**
 * "on the Pro plan", "growth accounts", "in the enterprise tier": a plan tier of the catalog said, in group 1, the
 * tail after it as the caller reads it; undefined when the catalog knows no tier (a tier said is then left unplaced)
 */
export function tiersSaid(values: Map<string, string[]>, tail = String.raw`(?=\s|$)`): RegExp | undefined {
  if (!values.size) return undefined;
  return new RegExp(
    String.raw`\b(?:(?:on|in)\s+(?:the\s+)?)?(${alternation([...values.keys()])})(?:\s+(?:plan|tier))?${tail}`,
  );
}

/** the filter on a column for the values a phrase says: one value "=", several "in" */
export function valueFilter(
  column: string,
  values: Map<string, string[]>,
  said: string,
): { column: string; op: string; value: string | string[] } {
  const vs = values.get(valueWords(said))!;
  return vs.length === 1 ? { column, op: "=", value: vs[0]! } : { column, op: "in", value: vs };
}
