import { DpError } from "../../engine/errors.ts";
import type { RawRecord, ReadContext } from "../../engine/ingest/connector.ts";

/** HubSpot's collection answers are `{ results: [...] }`; anything else is the API (or a proxy) misbehaving. */
export function resultsOf<T = RawRecord>(page: unknown, what: string, ctx: ReadContext): T[] {
  const results = (page as { results?: unknown } | null)?.results;
  if (!Array.isArray(results)) {
    throw new DpError(
      "SOURCE_DATA",
      `hubspot ${what}: expected { results: [...] }, got ${JSON.stringify(page ?? null).slice(0, 120)}`,
      { where: `sources.${ctx.source}.config` },
    );
  }
  return results as T[];
}
