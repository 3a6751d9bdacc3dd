import type { Paginator } from "./types.ts";

/** RFC 8288 `Link: <https://…?page=2>; rel="next"` (GitHub style); the link carries every param. */
export function linkHeaderPaginator(opts: { rel: string }): Paginator {
  return {
    first: (request) => request,
    next(response) {
      const next = parseLinkHeader(response.headers.get("link"))[opts.rel];
      if (!next) return undefined;
      return { path: new URL(next, response.url).toString(), query: {} };
    },
  };
}

export function parseLinkHeader(header: string | null): Record<string, string> {
  const links: Record<string, string> = {};
  if (!header) return links;
  for (const part of header.split(/,(?=\s*<)/)) {
    const m = /<([^>]*)>\s*;(.*)/.exec(part.trim());
    if (!m) continue;
    const rel = /rel\s*=\s*"?([^";]+)"?/i.exec(m[2]!)?.[1];
    if (rel) for (const r of rel.trim().split(/\s+/)) links[r] = m[1]!;
  }
  return links;
}
