/** Read "meta.next_cursor" or "data.items" or "results[0].id" out of a JSON body; "$" or "" is the body. */
export function getPath(value: unknown, path: string | undefined): unknown {
  let cur: unknown = value;
  for (const key of pathKeys(path)) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

/** The keys a path walks, in order; an array index as its digits; none for "$" or "". */
export function pathKeys(path: string | undefined): string[] {
  if (!path || path === "$") return [];
  return path
    .replace(/^\$\.?/, "")
    .split(/\.|\[(\d+)\]/)
    .filter((k) => k !== undefined && k !== "");
}
