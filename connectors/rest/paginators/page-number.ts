import { getPath } from "../json-path.ts";
import type { Paginator } from "./types.ts";

export interface PageNumberOptions {
  page_param: string;
  start_page: number;
  page_size?: number;
  page_size_param?: string;
  total_pages_path?: string;
}

/** page=1,2,3…: stop on an empty (or short) page or at the body's total page count. */
export function pageNumberPaginator(opts: PageNumberOptions): Paginator {
  return {
    first: (request) => ({
      path: request.path,
      query: {
        ...request.query,
        [opts.page_param]: opts.start_page,
        ...(opts.page_size && opts.page_size_param ? { [opts.page_size_param]: opts.page_size } : {}),
      },
    }),
    next(response, count, request) {
      if (count === 0) return undefined;
      if (opts.page_size && count < opts.page_size) return undefined;
      const page = Number(request.query[opts.page_param] ?? opts.start_page);
      const totalPages = opts.total_pages_path ? Number(getPath(response.data, opts.total_pages_path)) : Number.NaN;
      const lastPage = Number.isNaN(totalPages) ? Number.POSITIVE_INFINITY : totalPages - 1 + opts.start_page;
      if (page >= lastPage) return undefined;
      return { path: request.path, query: { ...request.query, [opts.page_param]: page + 1 } };
    },
  };
}
