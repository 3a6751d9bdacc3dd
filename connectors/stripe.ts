import { z } from "zod";
import { DpError } from "../engine/errors.ts";
import { HttpClient } from "./http.ts";
import { defineConnector, type Batch, type RawRecord, type ReadContext, type StreamSpec } from "./types.ts";

const DEFAULT_STREAMS = ["customers", "subscriptions", "invoices", "charges"];

const stripeConfig = z.strictObject({
  api_key: z.string().min(1),
  /** any Stripe list endpoint under /v1 by name: customers, prices, payment_intents, ... */
  streams: z
    .array(z.string().regex(/^[a-z][a-z_]*$/, "a Stripe list endpoint name like customers or payment_intents"))
    .min(1)
    .default(DEFAULT_STREAMS),
  base_url: z.url().default("https://api.stripe.com"),
  page_size: z.number().int().min(1).max(100).default(100),
  /** per stream, fields to expand: { invoices: [customer] } sends expand[]=data.customer */
  expand: z.record(z.string(), z.array(z.string())).optional(),
  timeout_seconds: z.number().positive().default(30),
});

export type StripeConfig = z.infer<typeof stripeConfig>;

interface StripeList {
  object: "list";
  data: RawRecord[];
  has_more: boolean;
}

export const stripe = defineConnector<StripeConfig>({
  name: "stripe",
  description: "Stripe list endpoints (customers, subscriptions, invoices, charges, ...), incremental on created",
  config: stripeConfig,
  secretKeys: ["api_key"],
  streams: (config) => [...new Set(config.streams)].map((name): StreamSpec => ({ name, primaryKey: ["id"], cursorField: "created", description: `Stripe /v1/${name}` })),
  read: readStream,
});

/**
 * Stripe lists are newest first, so the pages of one pull are not in cursor order: the new
 * cursor (max `created`) is committed only with the last page, and each incremental pull
 * re-reads a lookback window behind it. Staging dedups by id, so re-reading is safe.
 */
async function* readStream(config: StripeConfig, ctx: ReadContext): AsyncGenerator<Batch> {
  const name = ctx.stream.name;
  const client = new HttpClient(ctx, {
    label: "stripe",
    baseUrl: config.base_url,
    headers: { authorization: `Bearer ${config.api_key}` },
    timeoutMs: config.timeout_seconds * 1000,
    credential: { key: "api_key", value: config.api_key },
  });
  const prior = typeof ctx.state?.cursor === "number" ? ctx.state.cursor : undefined;
  const since = prior === undefined ? undefined : Math.max(0, prior - Math.ceil(ctx.lookbackMs / 1000));
  const expand = config.expand?.[name]?.map((f) => (f.startsWith("data.") ? f : `data.${f}`));
  if (since !== undefined) ctx.log.info(`incremental from created >= ${new Date(since * 1000).toISOString()}`);
  let maxCreated = prior;
  let startingAfter: string | undefined;
  for (;;) {
    const res = await client.get<StripeList>(`/v1/${name}`, {
      limit: config.page_size,
      starting_after: startingAfter,
      "created[gte]": since,
      "expand[]": expand,
      // Stripe hides canceled subscriptions unless asked; churn needs them
      status: name === "subscriptions" ? "all" : undefined,
    });
    const body = res.data;
    if (!body || !Array.isArray(body.data)) {
      throw new DpError("SOURCE_DATA", `stripe ${name}: expected a list object with data[], got ${JSON.stringify(body).slice(0, 120)}`, { where: `sources.${ctx.source}.config.streams` });
    }
    client.page(body.data.length, res.url);
    for (const o of body.data) {
      if (typeof o.created === "number" && (maxCreated === undefined || o.created > maxCreated)) maxCreated = o.created;
    }
    const last = body.data.at(-1);
    const more = body.has_more && typeof last?.id === "string";
    yield { records: body.data, state: more || maxCreated === undefined ? undefined : { cursor: maxCreated } };
    if (!more) return;
    startingAfter = last!.id as string;
  }
}
