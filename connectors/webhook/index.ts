import { isoDate } from "../../engine/clock.ts";
import {
  defineConnector,
  type Batch,
  type RawRecord,
  type ReadContext,
  type StreamSpec,
} from "../../engine/ingest/connector.ts";
import { parseJson } from "../../engine/ingest/exact-json.ts";
import { webhookConfig, type WebhookConfig } from "./config.ts";
import { inboxDir, inboxSegments, readSegment, removeDrainedSegments, type InboxEvent } from "./inbox.ts";
import { EVENTS_STREAM, lakeEventIds } from "./lake-ids.ts";

const BATCH_LINES = 1000;
/** files written this close before a committed drain may belong to it; re-checking them is cheap */
const CLOCK_MARGIN_MS = 5000;

interface DrainState {
  /** bytes of each inbox segment already landed in the lake */
  offsets: Record<string, number>;
  /** when the batch carrying these offsets was read; Parquet written after it may be uncommitted */
  drained_at: string;
  [key: string]: unknown;
}

export const EVENT_COLUMNS = {
  id: "VARCHAR",
  type: "VARCHAR",
  created: "BIGINT",
  received_at: "TIMESTAMPTZ",
  event: "JSON",
};

export const webhook = defineConnector<WebhookConfig>({
  name: "webhook",
  description:
    "events pushed to `dp serve` (POST /webhooks/<source>, Stripe-signed), spooled durably, landed once per event id",
  config: webhookConfig,
  secretKeys: ["signing_secret"],
  streams: (): StreamSpec[] => [
    {
      name: EVENTS_STREAM,
      primaryKey: ["id"],
      columns: EVENT_COLUMNS,
      description: "one row per delivered event; the full event is in the JSON column `event`",
    },
  ],
  read: drainInbox,
});

/**
 * Land what `dp serve` spooled since the last committed offsets. Ids already in the lake are
 * skipped: a pull killed between publishing a file and committing its offsets re-reads those
 * lines, and the lake written since the last commit says which of them already landed.
 */
async function* drainInbox(_config: WebhookConfig, ctx: ReadContext): AsyncGenerator<Batch> {
  if (!ctx.lakeDir) return;
  const dir = inboxDir(ctx.lakeDir, ctx.source);
  const prior = ctx.state as DrainState | undefined;
  const offsets: Record<string, number> = { ...(prior?.offsets ?? {}) };
  const since = prior?.drained_at ? Date.parse(prior.drained_at) - CLOCK_MARGIN_MS : undefined;
  const landed = await lakeEventIds(ctx.lakeDir, ctx.source, since);
  removeDrainedSegments(dir, offsets, isoDate(new Date()));
  const present = new Set(inboxSegments(dir));
  for (const f of Object.keys(offsets)) if (!present.has(f)) delete offsets[f];
  let records: RawRecord[] = [];
  let skipped = 0;
  let bad = 0;
  const batch = (): Batch => {
    const out = { records, state: { offsets: { ...offsets }, drained_at: new Date().toISOString() } };
    records = [];
    return out;
  };
  for (const segment of inboxSegments(dir)) {
    const { lines, end } = readSegment(`${dir}/${segment}`, offsets[segment] ?? 0);
    for (const line of lines) {
      offsets[segment] = line.end;
      let e: InboxEvent;
      try {
        e = parseJson<InboxEvent>(line.text);
      } catch {
        bad += 1;
        continue;
      }
      if (typeof e?.id !== "string" || landed.has(e.id)) {
        skipped += 1;
        continue;
      }
      landed.add(e.id);
      records.push({
        id: e.id,
        type: e.event?.type ?? null,
        created: typeof e.event?.created === "number" ? e.event.created : null,
        received_at: e.received_at,
        event: e.event,
      });
      if (records.length >= BATCH_LINES) yield batch();
    }
    offsets[segment] = end;
  }
  if (skipped) ctx.log.info(`skipped ${skipped} events already in the lake`);
  if (bad) ctx.log.warn(`skipped ${bad} unreadable inbox lines in ${dir}`);
  yield batch();
}
