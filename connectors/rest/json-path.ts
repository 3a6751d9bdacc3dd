/** Read "meta.next_cursor" or "data.items" or "results[0].id" out of a JSON body; "$" or "" is the body. */
export function getPath(value: unknown, path: string | undefined): unknown {
  if (!path || path === "$") return value;
  let cur: unknown = value;
  for (const key of path.replace(/^\$\.?/, "").split(/\.|\[(\d+)\]/).filter((k) => k !== undefined && k !== "")) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}
