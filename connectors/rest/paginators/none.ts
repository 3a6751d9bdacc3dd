import type { Paginator } from "./types.ts";

export function noPaginator(): Paginator {
  return { first: (request) => request, next: () => undefined };
}
