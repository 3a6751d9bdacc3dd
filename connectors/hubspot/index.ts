import { z } from "zod";
import { DpError } from "../../engine/errors.ts";
import { HttpClient } from "../http/client.ts";
import {
  defineConnector,
  type Batch,
  type RawRecord,
  type ReadContext,
  type StreamSpec,
} from "../../engine/ingest/connector.ts";

const OBJECT_TYPES = ["contacts", "companies", "deals"] as const;
type ObjectType = (typeof OBJECT_TYPES)[number];

const hubspotConfig = z.strictObject({
  /** private-app access token */
  access_token: z.string().min(1),
  streams: z
    .array(z.enum(OBJECT_TYPES))
    .min(1)
    .default([...OBJECT_TYPES]),
  base_url: z.url().default("https://api.hubapi.com"),
  /** per object type, the properties to fetch (HubSpot returns a small default set otherwise) */
  properties: z.partialRecord(z.enum(OBJECT_TYPES), z.array(z.string().min(1))).optional(),
  page_size: z.number().int().min(1).max(100).default(100),
  search_page_size: z.number().int().min(1).max(200).default(200),
  /** HubSpot refuses to page one search past 10,000 results; the pull re-anchors before that */
  search_cap: z.number().int().min(1).default(10_000),
  timeout_seconds: z.number().positive().default(30),
});

export type HubspotConfig = z.infer<typeof hubspotConfig>;

interface HubspotObject extends RawRecord {
  id: string;
  properties: Record<string, string | null>;
  updatedAt?: string;
}

interface HubspotPage {
  results: HubspotObject[];
  paging?: { next?: { after?: string } };
  total?: number;
}

export const hubspot = defineConnector<HubspotConfig>({
  name: "hubspot",
  description: "HubSpot CRM v3 objects (contacts, companies, deals); incremental by last-modified date through search",
  config: hubspotConfig,
  secretKeys: ["access_token"],
  streams: (config) =>
    [...new Set(config.streams)].map(
      (name): StreamSpec => ({
        name,
        primaryKey: ["id"],
        cursorField: "updatedAt",
        description: `HubSpot CRM ${name}`,
      }),
    ),
  read: readStream,
});

/** contacts keep the legacy name for their last-modified property */
export function modifiedProperty(type: ObjectType): string {
  return type === "contacts" ? "lastmodifieddate" : "hs_lastmodifieddate";
}

async function* readStream(config: HubspotConfig, ctx: ReadContext): AsyncGenerator<Batch> {
  const type = ctx.stream.name as ObjectType;
  const client = new HttpClient(ctx, {
    label: "hubspot",
    baseUrl: config.base_url,
    headers: { authorization: `Bearer ${config.access_token}` },
    timeoutMs: config.timeout_seconds * 1000,
    credential: { key: "access_token", value: config.access_token },
  });
  const extra = config.properties?.[type];
  const properties = extra ? [...new Set([...extra, modifiedProperty(type)])] : undefined;
  const cursor = typeof ctx.state?.cursor === "string" ? Date.parse(ctx.state.cursor) : Number.NaN;
  if (Number.isNaN(cursor)) yield* listAll(client, type, properties, config, ctx);
  else yield* searchSince(client, type, properties, cursor - ctx.lookbackMs, cursor, config, ctx);
}

/**
 * First pull: the list endpoint, in id order. Its pages are not in modification order, so the
 * cursor is committed only with the last page, and never later than the pull's start: anything
 * modified while listing is picked up by the next incremental pull.
 */
async function* listAll(
  client: HttpClient,
  type: ObjectType,
  properties: string[] | undefined,
  config: HubspotConfig,
  ctx: ReadContext,
): AsyncGenerator<Batch> {
  let after: string | undefined;
  let maxSeen: number | undefined;
  for (;;) {
    const res = await client.get<HubspotPage>(`/crm/v3/objects/${type}`, {
      limit: config.page_size,
      after,
      properties: properties?.join(","),
      archived: "false",
    });
    const results = checkPage(res.data, type, ctx);
    client.page(results.length, res.url);
    for (const o of results) maxSeen = maxOf(maxSeen, modifiedAt(o, type));
    after = res.data.paging?.next?.after;
    if (after) {
      yield { records: results };
      continue;
    }
    const safe = Math.min(maxSeen ?? ctx.now.getTime(), ctx.now.getTime());
    yield { records: results, state: { cursor: new Date(safe).toISOString() } };
    return;
  }
}

/**
 * Later pulls: search by last-modified >= cursor, ascending, so every page's last timestamp is a
 * safe cursor. A search cannot page past `search_cap` results, so before reaching it the filter
 * re-anchors on the last timestamp seen (equal timestamps are re-read; staging dedups).
 */
async function* searchSince(
  client: HttpClient,
  type: ObjectType,
  properties: string[] | undefined,
  fromMs: number,
  priorCursor: number,
  config: HubspotConfig,
  ctx: ReadContext,
): AsyncGenerator<Batch> {
  const prop = modifiedProperty(type);
  const limit = Math.min(config.search_page_size, config.search_cap);
  let anchor = fromMs;
  let after: string | undefined;
  let cursor = priorCursor;
  ctx.log.info(`incremental from ${prop} >= ${new Date(anchor).toISOString()}`);
  for (;;) {
    const res = await client.post<HubspotPage>(`/crm/v3/objects/${type}/search`, {
      filterGroups: [{ filters: [{ propertyName: prop, operator: "GTE", value: String(anchor) }] }],
      sorts: [{ propertyName: prop, direction: "ASCENDING" }],
      ...(properties ? { properties } : {}),
      limit,
      ...(after ? { after } : {}),
    });
    const results = checkPage(res.data, type, ctx);
    client.page(results.length, res.url);
    let last: number | undefined;
    for (const o of results) last = maxOf(last, modifiedAt(o, type));
    if (last !== undefined) cursor = Math.max(cursor, last);
    const state = { cursor: new Date(cursor).toISOString() };
    const next = res.data.paging?.next?.after;
    if (!next || results.length === 0) {
      yield { records: results, state };
      return;
    }
    if (Number(next) + limit > config.search_cap) {
      if (last === undefined || last <= anchor) {
        throw new DpError(
          "SOURCE_DATA",
          `hubspot ${type}: more than ${config.search_cap} records share ${prop} = ${new Date(anchor).toISOString()}; search cannot page past them`,
          {
            fix: `run \`dp pull ${ctx.source} --full-refresh\` to list them instead`,
          },
        );
      }
      ctx.log.info(
        `search reached HubSpot's ${config.search_cap}-result cap; re-anchoring at ${new Date(last).toISOString()}`,
      );
      anchor = last;
      after = undefined;
    } else {
      after = next;
    }
    yield { records: results, state };
  }
}

function checkPage(page: HubspotPage | null, type: string, ctx: ReadContext): HubspotObject[] {
  if (!page || !Array.isArray(page.results)) {
    throw new DpError(
      "SOURCE_DATA",
      `hubspot ${type}: expected { results: [...] }, got ${JSON.stringify(page).slice(0, 120)}`,
      { where: `sources.${ctx.source}.config` },
    );
  }
  return page.results;
}

function modifiedAt(o: HubspotObject, type: ObjectType): number | undefined {
  const v = o.properties?.[modifiedProperty(type)] ?? o.updatedAt;
  if (!v) return undefined;
  const ms = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  return Number.isNaN(ms) ? undefined : ms;
}

function maxOf(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.max(a, b);
}
