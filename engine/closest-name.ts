/**
 * The closest valid name to what a user typed, for "did you mean" hints on commands, flags, models,
 * metrics, sources and config keys. Optimal string alignment distance (a swapped pair of letters costs
 * one, so `biuld` → `build`), compared case-blind and also with separators dropped (`lastmonth` → `last month`).
 */
export function closestName(input: string, candidates: Iterable<string>): string | undefined {
  const typed = input.toLowerCase();
  let best: { name: string; distance: number } | undefined;
  for (const name of candidates) {
    const wanted = name.toLowerCase();
    const distance = Math.min(distanceOf(typed, wanted), distanceOf(bare(typed), bare(wanted)));
    if (distance > Math.max(1, Math.floor(wanted.length / 3))) continue;
    if (!best || distance < best.distance) best = { name, distance };
  }
  return best?.name;
}

/**
 * "did you mean X?" when one is close, else the valid names (up to `max`); for a DpError's fix. `list` adds
 * the valid names after the suggestion too, for readers that pick from them (an LLM over MCP).
 */
export function didYouMean(
  input: string,
  candidates: Iterable<string>,
  options: { max?: number; quote?: (s: string) => string; list?: boolean } = {},
): string {
  const names = [...candidates];
  const quote = options.quote ?? ((s: string) => s);
  const max = options.max ?? 12;
  const all = `use one of: ${names.slice(0, max).map(quote).join(", ")}${names.length > max ? `, … (${names.length} in all)` : ""}`;
  const near = closestName(input, names);
  if (near) return options.list ? `did you mean ${quote(near)}? (${all})` : `did you mean ${quote(near)}?`;
  return names.length ? all : "there is none yet";
}

const bare = (s: string) => s.replace(/[\s_\-.]+/g, "");

/** Optimal string alignment distance: insertions, deletions, substitutions and swapped neighbours cost one each. */
export function distanceOf(a: string, b: string): number {
  if (a === b) return 0;
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}
