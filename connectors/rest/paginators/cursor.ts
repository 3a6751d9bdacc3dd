import { getPath } from "../json-path.ts";
import type { Paginator } from "./types.ts";

/** The next page's cursor is read from the body (`cursor_path`) and sent back as `cursor_param`. */
export function cursorPaginator(opts: { cursor_path: string; cursor_param: string }): Paginator {
  return {
    first: (request) => request,
    next(response, _count, request) {
      const cursor = getPath(response.data, opts.cursor_path);
      if (cursor === undefined || cursor === null || cursor === "" || cursor === false) return undefined;
      if (String(cursor) === String(request.query[opts.cursor_param] ?? "")) return undefined;
      return { path: request.path, query: { ...request.query, [opts.cursor_param]: String(cursor) } };
    },
  };
}
