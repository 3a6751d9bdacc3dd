import { DpError } from "../../engine/errors.ts";
import type { HttpClient } from "../http/client.ts";
import { typeFilter, type StreamEvents } from "./event-types.ts";
import type { RawRecord, ReadContext } from "../../engine/ingest/connector.ts";

/** Stripe keeps events for 30 days; an events cursor older than that may have gaps. */
export const EVENT_RETENTION_S = 30 * 86_400;

export interface EventsPage {
  records: RawRecord[];
  /** max event `created` seen so far in this pass */
  maxCreated: number | undefined;
  last: boolean;
}

export interface EventsPassOptions {
  events: StreamEvents;
  since: number;
  pageSize: number;
  /** Bun.hash of each object the list pass of this pull emitted, by id */
  listed: Map<string, number | bigint>;
}

interface StripeEvent {
  id?: unknown;
  type?: unknown;
  created?: unknown;
  data?: { object?: RawRecord };
}

/**
 * Reads `/v1/events` since `since` and yields each changed object's newest state once: events come
 * newest first, so the first event seen for an id wins. Objects the list pass already emitted
 * unchanged are skipped. `*.deleted` events yield the object with `deleted: true`, except
 * `customer.subscription.deleted`: a subscription is never deleted, that event means it ended (its
 * object holds status canceled and `ended_at`), which is the churn itself.
 */
export async function* readStripeEvents(
  client: HttpClient,
  ctx: ReadContext,
  opts: EventsPassOptions,
): AsyncGenerator<EventsPage> {
  const { types, object } = opts.events;
  const filter = typeFilter(types);
  const seen = new Set<string>();
  let maxCreated: number | undefined;
  let startingAfter: string | undefined;
  for (;;) {
    const res = await getEvents(client, ctx, {
      limit: opts.pageSize,
      starting_after: startingAfter,
      "created[gte]": opts.since,
      ...filter,
    });
    const body = res.data;
    const records: RawRecord[] = [];
    for (const e of body.data as StripeEvent[]) {
      if (typeof e.created === "number" && (maxCreated === undefined || e.created > maxCreated)) maxCreated = e.created;
      const o = e.data?.object;
      if (!o || o.object !== object || typeof o.id !== "string" || seen.has(o.id)) continue;
      seen.add(o.id);
      const deleted = typeof e.type === "string" && e.type.endsWith(".deleted") && o.object !== "subscription";
      if (!deleted && opts.listed.get(o.id) === Bun.hash(JSON.stringify(o))) continue;
      records.push(deleted ? { ...o, deleted: true } : o);
    }
    client.page(records.length, res.url);
    const last = body.data.at(-1) as StripeEvent | undefined;
    const more = body.has_more && typeof last?.id === "string";
    yield { records, maxCreated, last: !more };
    if (!more) return;
    startingAfter = last!.id as string;
  }
}

async function getEvents(
  client: HttpClient,
  ctx: ReadContext,
  query: Record<string, string | number | string[] | undefined>,
) {
  const where = `sources.${ctx.source}.config.event_types.${ctx.stream.name}`;
  try {
    const res = await client.get<{ data: unknown; has_more: boolean }>("/v1/events", query);
    if (!res.data || !Array.isArray(res.data.data)) {
      throw new DpError(
        "SOURCE_DATA",
        `stripe events: expected a list object with data[], got ${JSON.stringify(res.data).slice(0, 120)}`,
        { where },
      );
    }
    return res as typeof res & { data: { data: unknown[]; has_more: boolean } };
  } catch (e) {
    if (e instanceof DpError && e.code === "SOURCE_HTTP" && / returned 400/.test(e.message)) {
      throw new DpError("SOURCE_HTTP", e.message, {
        where,
        fix: `set ${where} to event types Stripe has for ${ctx.stream.name}, or [] to catch its updates through lookback only`,
        cause: e,
      });
    }
    throw e;
  }
}
