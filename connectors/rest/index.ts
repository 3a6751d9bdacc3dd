import { DpError } from "../../engine/errors.ts";
import { exactValue, isBigInteger, parseJson } from "../../engine/ingest/exact-json.ts";
import { TextBatch } from "../../engine/ingest/text-batch.ts";
import { HttpClient } from "../http/client.ts";
import {
  defineConnector,
  type Batch,
  type RawRecord,
  type ReadContext,
  type StreamSpec,
} from "../../engine/ingest/connector.ts";
import { makeAuth } from "./auth/index.ts";
import { restConfig, type RestConfig } from "./config.ts";
import { cursorParam, laterCursor } from "./cursor-value.ts";
import { getPath } from "./json-path.ts";
import type { PageText } from "../../engine/ingest/records-text.ts";
import { pageParser } from "./page-text.ts";
import { makePaginator } from "./paginators/index.ts";
import type { PageRequest } from "./paginators/types.ts";

/** Where records sit when records_path is not given. */
const USUAL_RECORD_KEYS = ["data", "results", "items", "records"];

export const rest = defineConnector<RestConfig>({
  name: "rest",
  description: "any JSON REST API, declared in config: base_url, auth, paginator, streams",
  config: restConfig,
  secretKeys: ["authentication.token", "authentication.password", "authentication.api_key"],
  streams: (config) =>
    Object.entries(config.streams).map(([name, s]): StreamSpec => {
      const pk = s.primary_key ?? config.primary_key;
      return {
        name,
        primaryKey: Array.isArray(pk) ? pk : [pk],
        cursorField: s.cursor_field,
        columns: s.columns,
        description: `${config.base_url} ${s.path}`,
      };
    }),
  read: readStream,
});

/**
 * Page order of a generic API is unknown, so the new cursor (max cursor_field) is committed only
 * with the last page; a killed pull restarts from the previous cursor and re-reads (staging dedups).
 */
async function* readStream(config: RestConfig, ctx: ReadContext): AsyncGenerator<Batch> {
  const stream = config.streams[ctx.stream.name]!;
  const auth = makeAuth(config.authentication);
  const client = new HttpClient(ctx, {
    label: "rest",
    baseUrl: config.base_url,
    headers: { ...config.headers, ...auth?.headers },
    query: auth?.query,
    timeoutMs: config.timeout_seconds * 1000,
    credential: auth ? { key: auth.credentialKey, value: auth.credential } : undefined,
    secrets: auth?.secrets,
  });
  const paginator = makePaginator(stream.paginator ?? config.paginator);
  const format = stream.cursor_format;
  const prior = ctx.state?.cursor ?? undefined;
  const incremental = stream.cursor_field && stream.cursor_param && prior !== undefined && prior !== null;
  const query = {
    ...config.params,
    ...stream.params,
    ...(incremental ? { [stream.cursor_param!]: cursorParam(prior!, format, ctx.lookbackMs) } : {}),
  };
  if (incremental) ctx.log.info(`incremental from ${stream.cursor_param}=${query[stream.cursor_param!]}`);
  let request: PageRequest | undefined = paginator.first({ path: stream.path, query });
  let cursor = prior ?? undefined;
  const recordsPath = stream.records_path ?? config.records_path;
  const parse = pageParser({
    recordsPath,
    usualKeys: USUAL_RECORD_KEYS,
    paginator: stream.paginator ?? config.paginator,
    cursorField: stream.cursor_field,
  });
  const fetchPage = (r: PageRequest) => client.getBytes<PageText | null>(r.path, r.query, parse);
  let fetching: ReturnType<typeof fetchPage> | undefined = request && fetchPage(request);
  while (request) {
    const res = await fetching!;
    const page = res.data ?? { body: null };
    const text = page.text;
    const records = text ? undefined : extractRecords(page.body, recordsPath, ctx);
    const count = text ? text.count : records!.length;
    client.page(count, res.url);
    if (stream.cursor_field) {
      if (text)
        for (const raw of text.picked!)
          cursor = laterCursor(cursor, raw === undefined ? undefined : exactValue(parseJson(raw)), format);
      else for (const r of records!) cursor = laterCursor(cursor, getPath(r, stream.cursor_field), format);
    }
    const next = paginator.next({ ...res, data: page.body }, count, request);
    // the next page is on its way while this one is spooled (a failure surfaces when it is awaited)
    fetching = next && fetchPage(next);
    fetching?.catch(() => {});
    const state = next || cursor === undefined || !stream.cursor_field ? undefined : { cursor };
    yield text ? new TextBatch(text, state) : { records: records!, state };
    request = next;
  }
}

function extractRecords(body: unknown, path: string | undefined, ctx: ReadContext): RawRecord[] {
  const found = path
    ? getPath(body, path)
    : Array.isArray(body)
      ? body
      : USUAL_RECORD_KEYS.map((k) => getPath(body, k)).find(Array.isArray);
  if (!Array.isArray(found)) {
    throw new DpError(
      "SOURCE_DATA",
      `rest ${ctx.stream.name}: no record list ${path ? `at records_path "${path}"` : "in the response"} (got ${JSON.stringify(body)?.slice(0, 120)})`,
      {
        where: `sources.${ctx.source}.config.streams.${ctx.stream.name}.records_path`,
        fix: "set records_path to the JSON path of the array of records, like data or results.items",
      },
    );
  }
  return found.map((r) =>
    r !== null && typeof r === "object" && !Array.isArray(r) && !isBigInteger(r) ? (r as RawRecord) : { value: r },
  );
}
