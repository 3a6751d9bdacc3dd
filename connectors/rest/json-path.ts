import { exactValue, isBigInteger } from "../../engine/ingest/exact-json.ts";

/**
 * Read "meta.next_cursor" or "data.items" or "results[0].id" out of a JSON body; "$" or "" is the
 * body. An integer past 2^53 (kept as written by parseJson) reads as its digits.
 */
export function getPath(value: unknown, path: string | undefined): unknown {
  let cur: unknown = value;
  for (const key of pathKeys(path)) {
    if (cur === null || typeof cur !== "object" || isBigInteger(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return exactValue(cur);
}

/** The keys a path walks, in order; an array index as its digits; none for "$" or "". */
export function pathKeys(path: string | undefined): string[] {
  if (!path || path === "$") return [];
  return path
    .replace(/^\$\.?/, "")
    .split(/\.|\[(\d+)\]/)
    .filter((k) => k !== undefined && k !== "");
}
