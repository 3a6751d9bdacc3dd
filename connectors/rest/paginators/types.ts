import type { HttpResponse, Query } from "../../http/client.ts";

export interface PageRequest {
  /** a path under base_url, or an absolute URL on the same origin (link headers) */
  path: string;
  query: Query;
}

/** Turns one response into the next request; undefined when the last page was read. */
export interface Paginator {
  first(request: PageRequest): PageRequest;
  /** `count`: the records on the page just read */
  next(response: HttpResponse, count: number, request: PageRequest): PageRequest | undefined;
}
