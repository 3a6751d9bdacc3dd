/**
 * A row value negated in a count of rows as they stand (#15, batch 46): "paying customers that aren't past due", "how
 * many paying accounts are not behind on payments", "customers that are no longer on a trial". The words before a value
 * that leave it out of the rows, beside the leads of slices.ts ("outside the US", "non-US"), and how the values said of
 * one column combine: the values kept less the values left out ("paying" = active or past due, "aren't past due" →
 * active); a value said inside a longer one ("paying" of "no longer paying") is the longer one's.
 */
const NEGATED =
  /\b(?:(?:that|who|which)\s+)?(?:(?:are|is|were|was)(?:n'?t|\s+not)|not|no\s+longer)\s+(?:(?:on|in)\s+)?(?:the\s+|a\s+)?$/i;

/** The index the negating words before a value start at, or undefined when the value is said plainly. */
export function negatedBefore(text: string, index: number): number | undefined {
  const m = NEGATED.exec(text.slice(0, index));
  return m ? m.index : undefined;
}

/** soft: left out by "aren't", "not", "no longer" — only ever from values kept beside it ("customers that aren't
 * paying" alone is trialing, churned, never paid or a test account: asked back) */
export type ValueHit = { values: unknown[]; at: [number, number]; out: boolean; soft?: boolean };

/**
 * The one filter the hits of a column make: one set of values kept, or left out, or kept less the ones left out
 * (every value left out among those kept, some kept); undefined when they say two things (two values kept, or a value
 * left out that is not among those kept: asked back).
 */
export function combinedHits(hits: ValueHit[]): { values: string[]; out: boolean } | undefined {
  // a hit inside another's span is the longer one's ("paying" of "no longer paying")
  const whole = hits.filter(
    (h) =>
      !hits.some(
        (o) =>
          o !== h &&
          o.at[0] <= h.at[0] &&
          o.at[1] >= h.at[1] &&
          (o.at[1] - o.at[0] > h.at[1] - h.at[0] || (h.out && !o.out)),
      ),
  );
  const key = (h: ValueHit) => JSON.stringify(h.values.map(String).sort());
  const kept = [...new Map(whole.filter((h) => !h.out).map((h) => [key(h), h])).values()];
  const out = [...new Map(whole.filter((h) => h.out).map((h) => [key(h), h])).values()];
  if (kept.length > 1 || out.length > 1) return undefined;
  if (!kept.length) return out.length && !out[0]!.soft ? { values: out[0]!.values.map(String), out: true } : undefined;
  const keep = kept[0]!.values.map(String);
  if (!out.length) return { values: keep, out: false };
  const drop = new Set(out[0]!.values.map(String));
  const rest = keep.filter((v) => !drop.has(v));
  if (![...drop].every((v) => keep.includes(v)) || !rest.length) return undefined;
  return { values: rest, out: false };
}
