import type { Batch, ReadContext } from "../../engine/ingest/connector.ts";
import type { HttpClient } from "../http/client.ts";
import { resultsOf } from "./results.ts";

/**
 * `GET /crm/v3/pipelines/deals`: every live deal pipeline with its stages (label, display order,
 * `metadata.isClosed` and `metadata.probability` — what says a stage is won or lost; a custom
 * pipeline's won stage is a number, not `closedwon`). One unpaged answer, landed whole each pull.
 */
export async function* readPipelines(client: HttpClient, ctx: ReadContext): AsyncGenerator<Batch> {
  const res = await client.get("/crm/v3/pipelines/deals");
  const results = resultsOf(res.data, "pipelines", ctx);
  client.page(results.length, res.url);
  yield { records: results };
}
