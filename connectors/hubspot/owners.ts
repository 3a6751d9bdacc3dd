import { DpError } from "../../engine/errors.ts";
import type { Batch, RawRecord, ReadContext } from "../../engine/ingest/connector.ts";
import type { HttpClient } from "../http/client.ts";

const OWNERS_PAGE = 500;

/**
 * `GET /crm/v3/owners`, then `?archived=true`: deals keep pointing at an owner who left, and only
 * the archived listing names them. Both land whole each pull, with `archived` telling them apart.
 */
export async function* readOwners(client: HttpClient, ctx: ReadContext): AsyncGenerator<Batch> {
  for (const archived of [false, true]) {
    for (let after: string | undefined, first = true; first || after; first = false) {
      const res = await client.get<{ results?: RawRecord[]; paging?: { next?: { after?: string } } }>(
        "/crm/v3/owners",
        { limit: OWNERS_PAGE, after, archived: String(archived) },
      );
      const results = res.data?.results;
      if (!Array.isArray(results)) {
        throw new DpError(
          "SOURCE_DATA",
          `hubspot owners: expected { results: [...] }, got ${JSON.stringify(res.data).slice(0, 120)}`,
          { where: `sources.${ctx.source}.config` },
        );
      }
      client.page(results.length, res.url);
      after = res.data?.paging?.next?.after;
      // the archived listing is what says an owner left, should a record not carry the flag
      if (results.length) yield { records: results.map((o) => ({ ...o, archived: o?.archived ?? archived })) };
    }
  }
}
