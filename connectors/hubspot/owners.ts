import type { Batch, ReadContext } from "../../engine/ingest/connector.ts";
import type { HttpClient } from "../http/client.ts";
import { resultsOf } from "./results.ts";

const OWNERS_PAGE = 500;

/**
 * `GET /crm/v3/owners`, then `?archived=true`: deals keep pointing at an owner who left, and only
 * the archived listing names them. Both land whole each pull, with `archived` telling them apart.
 */
export async function* readOwners(client: HttpClient, ctx: ReadContext): AsyncGenerator<Batch> {
  for (const archived of [false, true]) {
    for (let after: string | undefined, first = true; first || after; first = false) {
      const res = await client.get<{ paging?: { next?: { after?: string } } } | null>("/crm/v3/owners", {
        limit: OWNERS_PAGE,
        after,
        archived: String(archived),
      });
      const results = resultsOf(res.data, "owners", ctx);
      client.page(results.length, res.url);
      after = res.data?.paging?.next?.after;
      // the archived listing is what says an owner left, should a record not carry the flag
      if (results.length) yield { records: results.map((o) => ({ ...o, archived: o?.archived ?? archived })) };
    }
  }
}
