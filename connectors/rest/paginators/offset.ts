import { getPath } from "../json-path.ts";
import type { Paginator } from "./types.ts";

export interface OffsetOptions {
  limit: number;
  offset_param: string;
  limit_param: string;
  start: number;
  total_path?: string;
}

/** offset/limit: stop when offset reaches the body's total, or without one, on a short page. */
export function offsetPaginator(opts: OffsetOptions): Paginator {
  return {
    first: (request) => ({
      path: request.path,
      query: { ...request.query, [opts.offset_param]: opts.start, [opts.limit_param]: opts.limit },
    }),
    next(response, count, request) {
      if (count === 0) return undefined;
      const offset = Number(request.query[opts.offset_param] ?? opts.start) + count;
      const total = opts.total_path ? Number(getPath(response.data, opts.total_path)) : Number.NaN;
      // a server may cap limit below what was asked; with a total, a short page is not the end
      if (Number.isNaN(total) ? count < opts.limit : offset >= total) return undefined;
      return { path: request.path, query: { ...request.query, [opts.offset_param]: offset } };
    },
  };
}
