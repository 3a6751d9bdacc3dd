import { z } from "zod";
import { DpError } from "../../engine/errors.ts";
import {
  bodyText,
  pageFromBytes,
  pageFromText,
  type PageText,
  type RecordsText,
} from "../../engine/ingest/records-text.ts";
import { TextBatch } from "../../engine/ingest/text-batch.ts";
import { parseJson } from "../../engine/ingest/exact-json.ts";
import { HttpClient } from "../http/client.ts";
import { deniedStream } from "./denied.ts";
import { objectId } from "./object-id.ts";
import { API_VERSION, STRIPE_COLUMNS } from "./columns.ts";
import { stripeEventsFor, typeFilter } from "./event-types.ts";
import { EVENT_RETENTION_S, readStripeEvents } from "./events.ts";
import { asListed, completeNestedLists, hasNestedLists } from "./objects.ts";
import {
  defineConnector,
  type Batch,
  type RawRecord,
  type ReadContext,
  type StreamSpec,
  type StreamState,
} from "../../engine/ingest/connector.ts";

const DEFAULT_STREAMS = ["customers", "subscriptions", "invoices", "charges"];

const stripeConfig = z.strictObject({
  api_key: z.string().min(1),
  /** any Stripe list endpoint under /v1 by name: customers, prices, payment_intents, ... */
  streams: z
    .array(z.string().regex(/^[a-z][a-z_]*$/, "a Stripe list endpoint name like customers or payment_intents"))
    .min(1)
    .default(DEFAULT_STREAMS),
  base_url: z.url().default("https://api.stripe.com"),
  /** the Stripe-Version every request asks for; the landed columns (columns.ts) are this version's shapes */
  api_version: z.string().min(1).default(API_VERSION),
  page_size: z.number().int().min(1).max(100).default(100),
  /** per stream, fields to expand: { invoices: [customer] } sends expand[]=data.customer */
  expand: z.record(z.string(), z.array(z.string())).optional(),
  /** how incremental pulls catch changes to objects created before the cursor */
  updates: z.enum(["events", "lookback"]).default("events"),
  /**
   * per stream, the /v1/events types to read ([] = lookback only): { refunds: [charge.refund.updated] };
   * for the `events` stream itself, the types it lists (default: every type)
   */
  event_types: z
    .record(z.string(), z.array(z.string().min(1)).max(20, "Stripe accepts at most 20 event types"))
    .optional(),
  timeout_seconds: z.number().positive().default(30),
});

export type StripeConfig = z.infer<typeof stripeConfig>;

interface StripeList {
  object: "list";
  data: RawRecord[];
  has_more: boolean;
}

/** A list page with its objects taken from the text, each with its `created` (engine/ingest/records-text.ts), or parsed whole. */
export function listPage(text: string): PageText<StripeList> {
  return pageFromText<StripeList>(text, ["data"], [], "created");
}

/** listPage over the body's bytes as they arrived. */
export function listPageBytes(bytes: Uint8Array): PageText<StripeList> {
  return pageFromBytes<StripeList>(bytes, ["data"], [], "created");
}

/** The `id` of a walked page's last record, the next page's `starting_after` (the walk refused any key twice, so a leading "id" is the one). */
function lastLineId(text: RecordsText): string | undefined {
  if (!text.count) return undefined;
  const b = text.bytes;
  return objectId(b, b.lastIndexOf(10, b.length - 2) + 1, b.length - 1);
}

export const stripe = defineConnector<StripeConfig>({
  name: "stripe",
  description:
    "Stripe list endpoints (customers, subscriptions, invoices, charges, ...), incremental on created, updates through /v1/events",
  config: stripeConfig,
  secretKeys: ["api_key"],
  streams: (config) =>
    [...new Set(config.streams)].map(
      (name): StreamSpec => ({
        name,
        primaryKey: ["id"],
        cursorField: "created",
        description: `Stripe /v1/${name}`,
        ...(STRIPE_COLUMNS[name] ? { columns: STRIPE_COLUMNS[name] } : {}),
      }),
    ),
  read: (config, ctx) => scoped(readStream(config, ctx), ctx),
});

/** A 403 reading the stream says which permission the key lacks (the pull decides whether the stream may go without). */
async function* scoped(batches: AsyncGenerator<Batch>, ctx: ReadContext): AsyncGenerator<Batch> {
  try {
    yield* batches;
  } catch (e) {
    throw deniedStream(e, ctx);
  }
}

/**
 * Stripe lists are newest first, so the pages of one pull are not in cursor order: the new
 * cursor (max `created`) is committed only with the last page, and each incremental pull
 * re-reads a lookback window behind it. Staging dedups by id, so re-reading is safe.
 *
 * With `updates: events`, an incremental pull then reads `/v1/events` since `events_cursor`
 * (minus lookback) for changes to older objects; `events_cursor` moves only with the final batch,
 * to the newer of the pull's start and the newest event seen, so a quiet stream never ages out
 * of Stripe's 30-day event retention. Past that retention the pull falls back to a full re-list.
 */
async function* readStream(config: StripeConfig, ctx: ReadContext): AsyncGenerator<Batch> {
  const name = ctx.stream.name;
  const client = new HttpClient(ctx, {
    label: "stripe",
    baseUrl: config.base_url,
    headers: { authorization: `Bearer ${config.api_key}`, "stripe-version": config.api_version },
    timeoutMs: config.timeout_seconds * 1000,
    credential: { key: "api_key", value: config.api_key },
  });
  const lookbackS = Math.ceil(ctx.lookbackMs / 1000);
  const startedAt = Math.floor(ctx.now.getTime() / 1000);
  // the events stream is a plain list (events never change); its event_types filter what it lists
  const listsEvents = name === "events";
  const events = stripeEventsFor(name, listsEvents ? [] : config.event_types?.[name]);
  const useEvents = config.updates === "events" && events.types.length > 0;
  const eventFilter = listsEvents ? typeFilter(config.event_types?.events ?? []) : {};
  let prior = typeof ctx.state?.cursor === "number" ? ctx.state.cursor : undefined;
  // a cursor from `updates: lookback` is at most the last pull's time, so events since it miss nothing
  const priorEvents = typeof ctx.state?.events_cursor === "number" ? ctx.state.events_cursor : prior;
  if (
    useEvents &&
    prior !== undefined &&
    priorEvents !== undefined &&
    startedAt - priorEvents > EVENT_RETENTION_S - 3600
  ) {
    ctx.log.warn(
      `events cursor ${new Date(priorEvents * 1000).toISOString()} is older than Stripe's 30-day event retention; updates since may have expired, re-listing all of ${name}`,
    );
    prior = undefined;
  }
  const since = prior === undefined ? undefined : Math.max(0, prior - lookbackS);
  const incrementalEvents = useEvents && prior !== undefined;
  const expandFields = config.expand?.[name]?.map((f) => f.replace(/^data\./, ""));
  const expand = expandFields?.map((f) => `data.${f}`);
  // objects with embedded lists are parsed, so their truncated lists can be read to the end
  const parsed = incrementalEvents || hasNestedLists(name);
  if (since !== undefined) ctx.log.info(`incremental from created >= ${new Date(since * 1000).toISOString()}`);
  const stateWith = (cursor: number | undefined, eventsCursor: number | undefined): StreamState | undefined =>
    cursor === undefined ? undefined : useEvents ? { cursor, events_cursor: eventsCursor } : { cursor };
  const listed = new Map<string, number | bigint>();
  let maxCreated = prior;
  const fetchPage = (startingAfter: string | undefined) =>
    client.getBytes<PageText<StripeList>>(
      `/v1/${name}`,
      {
        limit: config.page_size,
        starting_after: startingAfter,
        "created[gte]": since,
        "expand[]": expand,
        // Stripe hides canceled subscriptions unless asked; churn needs them
        status: name === "subscriptions" ? "all" : undefined,
        ...eventFilter,
      },
      // an incremental pull with events compares each listed object's JSON with its events: it needs them parsed
      parsed ? (b) => ({ body: parseJson<StripeList>(bodyText(b)) }) : listPageBytes,
    );
  let fetching = fetchPage(undefined);
  for (;;) {
    const res = await fetching;
    const { body, text } = res.data;
    if (!body || !Array.isArray(body.data)) {
      throw new DpError(
        "SOURCE_DATA",
        `stripe ${name}: expected a list object with data[], got ${JSON.stringify(body).slice(0, 120)}`,
        { where: `sources.${ctx.source}.config.streams` },
      );
    }
    client.page(text ? text.count : body.data.length, res.url);
    if (text) {
      for (const raw of text.picked!) {
        // a number token reads as JSON.parse reads it; anything else (a string, null) is no `created`
        const c = raw?.charCodeAt(0) ?? 0;
        if (c !== 45 && (c < 48 || c > 57)) continue;
        const created = Number(raw);
        if (maxCreated === undefined || created > maxCreated) maxCreated = created;
      }
    } else {
      for (const o of body.data) await completeNestedLists(client, name, o);
      for (const o of body.data) {
        if (typeof o.created === "number" && (maxCreated === undefined || o.created > maxCreated))
          maxCreated = o.created;
        if (incrementalEvents && typeof o.id === "string") listed.set(o.id, Bun.hash(JSON.stringify(o)));
      }
    }
    const lastId = text ? lastLineId(text) : body.data.at(-1)?.id;
    const more = body.has_more && typeof lastId === "string";
    // the next page is on its way while this one is spooled (a failure surfaces when it is awaited)
    if (more) {
      fetching = fetchPage(lastId as string);
      fetching.catch(() => {});
    }
    // a full pull has seen every object as of its start, so events start there
    const state = more ? undefined : stateWith(maxCreated, incrementalEvents ? priorEvents : startedAt);
    yield text ? new TextBatch(text, state) : { records: body.data, state };
    if (!more) break;
  }
  if (!incrementalEvents) return;
  const eventsSince = Math.max(0, priorEvents! - lookbackS);
  ctx.log.info(`updates from ${events.types.join(", ")} events since ${new Date(eventsSince * 1000).toISOString()}`);
  for await (const page of readStripeEvents(client, ctx, {
    events,
    since: eventsSince,
    pageSize: config.page_size,
    listed,
  })) {
    const eventsCursor = Math.max(priorEvents!, startedAt, page.maxCreated ?? 0);
    const records = await asListed(client, name, page.records, expandFields);
    yield { records, state: page.last ? stateWith(maxCreated, eventsCursor) : undefined };
  }
}
