import { DpError } from "../../engine/errors.ts";
import type { Batch, RawRecord, ReadContext } from "../../engine/ingest/connector.ts";
import type { HttpClient } from "../http/client.ts";

/**
 * `GET /crm/v3/pipelines/deals`: every live deal pipeline with its stages (label, display order,
 * `metadata.isClosed` and `metadata.probability` — what says a stage is won or lost; a custom
 * pipeline's won stage is a number, not `closedwon`). One unpaged answer, landed whole each pull.
 */
export async function* readPipelines(client: HttpClient, ctx: ReadContext): AsyncGenerator<Batch> {
  const res = await client.get<{ results?: RawRecord[] }>("/crm/v3/pipelines/deals");
  const results = res.data?.results;
  if (!Array.isArray(results)) {
    throw new DpError(
      "SOURCE_DATA",
      `hubspot pipelines: expected { results: [...] }, got ${JSON.stringify(res.data).slice(0, 120)}`,
      { where: `sources.${ctx.source}.config` },
    );
  }
  client.page(results.length, res.url);
  yield { records: results };
}
