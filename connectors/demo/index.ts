import { DpError } from "../../engine/errors.ts";
import { defineConnector, type Batch, type ReadContext } from "../../engine/ingest/connector.ts";
import {
  STREAM_NAMES,
  STRIPE_STREAM_NAMES,
  demoConfigSchema,
  type DemoConfig,
  type StreamName,
  type StripeStreamName,
} from "./config.ts";
import { readStripeStream, stripeStreamSpec } from "./stripe/streams.ts";
import { customers } from "./streams/customers.ts";
import { deals } from "./streams/deals.ts";
import { hubspotSpecs, readHubspot } from "./streams/hubspot.ts";
import { events } from "./streams/product-events.ts";
import { invoices, payments, subscriptions } from "./streams/billing.ts";
import { plans } from "./streams/plans.ts";
import type { DemoStream } from "./streams/stream.ts";
import { tickets } from "./streams/tickets.ts";
import { batches, shown, timeline } from "./timeline.ts";
import { makeWorld, type Emitted } from "./world.ts";

const STREAMS: Record<StreamName, DemoStream> = {
  plans,
  customers,
  subscriptions,
  invoices,
  payments,
  events,
  tickets,
  deals,
};

export const demo = defineConnector<DemoConfig>({
  name: "demo",
  description:
    "an embedded, seeded B2B SaaS company (billing, product events, support, CRM) anchored to now; `dataset: stripe` lands its billing as Stripe objects, `dataset: hubspot` its CRM as HubSpot objects",
  config: demoConfigSchema,
  streams(config) {
    if (config.dataset === "hubspot") return hubspotSpecs(config.streams);
    if (config.dataset === "stripe")
      return ((config.streams ?? STRIPE_STREAM_NAMES) as StripeStreamName[]).map(stripeStreamSpec);
    return ((config.streams ?? STREAM_NAMES) as StreamName[]).map((name) => STREAMS[name].spec);
  },
  read(config, ctx) {
    if (config.dataset === "hubspot") return readHubspot(config, ctx);
    return readStream(config, ctx);
  },
});

async function* readStream(config: DemoConfig, ctx: ReadContext): AsyncGenerator<Batch> {
  if (config.dataset === "stripe") {
    const name = ctx.stream.name as StripeStreamName;
    if (!STRIPE_STREAM_NAMES.includes(name)) {
      throw new DpError("CONFIG", `the demo's stripe dataset has no stream "${ctx.stream.name}"`, {
        fix: `use some of: ${STRIPE_STREAM_NAMES.join(", ")}`,
      });
    }
    yield* readStripeStream(makeWorld(config, ctx.now), ctx, name);
    return;
  }
  const stream = STREAMS[ctx.stream.name as StreamName];
  if (!stream) {
    throw new DpError("CONFIG", `the demo source has no stream "${ctx.stream.name}"`, {
      fix: `use some of: ${STREAM_NAMES.join(", ")} (Stripe's and HubSpot's streams need \`dataset: stripe\` / \`dataset: hubspot\`)`,
    });
  }
  const world = makeWorld(config, ctx.now);
  const cursor = ctx.state?.cursor;
  const after =
    cursor === undefined || cursor === null ? Number.NEGATIVE_INFINITY : Date.parse(String(cursor)) - ctx.lookbackMs;
  if (Number.isNaN(after)) {
    throw new DpError("SOURCE_DATA", `demo.${stream.name}: saved cursor ${JSON.stringify(cursor)} is not a timestamp`, {
      fix: `run \`dp pull ${ctx.source} --full-refresh\``,
    });
  }
  let rows = 0;
  const records = stream.ordered
    ? filter(stream.ordered(world, after), (e) => shown(world, after, e))
    : timeline({
        world,
        windowMs: stream.windowMs,
        leadMs: stream.leadMs,
        after,
        entity: (index, signupAt, from) => stream.entity(world, index, signupAt, from),
      });
  for (const batch of batches(records, stream.spec.cursorField!)) {
    rows += batch.records.length;
    ctx.progress?.({ records: rows });
    yield batch;
    if (ctx.signal?.aborted) return;
  }
}

function* filter(records: Iterator<Emitted>, keep: (e: Emitted) => boolean): Generator<Emitted> {
  for (let r = records.next(); !r.done; r = records.next()) if (keep(r.value)) yield r.value;
}
