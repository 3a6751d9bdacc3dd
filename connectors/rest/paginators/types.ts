import type { HttpResponse, Query } from "../../http.ts";
import type { RawRecord } from "../../types.ts";

export interface PageRequest {
  /** a path under base_url, or an absolute URL on the same origin (link headers) */
  path: string;
  query: Query;
}

/** Turns one response into the next request; undefined when the last page was read. */
export interface Paginator {
  first(request: PageRequest): PageRequest;
  next(response: HttpResponse, records: RawRecord[], request: PageRequest): PageRequest | undefined;
}
