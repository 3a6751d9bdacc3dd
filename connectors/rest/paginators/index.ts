import type { PaginatorConfig } from "../config.ts";
import { cursorPaginator } from "./cursor.ts";
import { linkHeaderPaginator } from "./link-header.ts";
import { noPaginator } from "./none.ts";
import { offsetPaginator } from "./offset.ts";
import { pageNumberPaginator } from "./page-number.ts";
import type { Paginator } from "./types.ts";

export function makePaginator(config: PaginatorConfig): Paginator {
  switch (config.type) {
    case "none":
      return noPaginator();
    case "cursor":
      return cursorPaginator(config);
    case "link_header":
      return linkHeaderPaginator(config);
    case "offset":
      return offsetPaginator(config);
    case "page_number":
      return pageNumberPaginator(config);
  }
}
