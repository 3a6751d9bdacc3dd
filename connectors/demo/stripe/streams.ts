/**
 * `dataset: stripe`: the demo company's billing as the Stripe connector lands it — the same stream
 * names, objects and pinned columns (connectors/stripe/columns.ts), so the Stripe pack's models read
 * the demo as they read a real account. A pull lists every object as it is now; an incremental pull
 * lands only the objects that changed since the last one (minus lookback), as the Stripe connector
 * does through /v1/events.
 */
import type { Batch, ReadContext, StreamSpec } from "../../../engine/ingest/connector.ts";
import { TextBatch } from "../../../engine/ingest/text-batch.ts";
import { STRIPE_COLUMNS } from "../../stripe/columns.ts";
import { PLANS, TIERS } from "../company.ts";
import type { StripeStreamName } from "../config.ts";
import { MAX_BATCH } from "../timeline.ts";
import type { World } from "../world.ts";
import { JsonLines } from "../json-lines.ts";
import { COUPONS, account, couponFor, priceOf, type Account, type Held } from "./account.ts";
import { couponShape, productShape, sec } from "./shapes.ts";

const PER_CUSTOMER: Partial<Record<StripeStreamName, (a: Account) => Held[]>> = {
  customers: (a) => [a.customer],
  subscriptions: (a) => a.subscriptions,
  invoices: (a) => a.invoices,
  charges: (a) => a.charges,
  refunds: (a) => a.refunds,
  events: (a) => a.events,
};

const DESCRIPTIONS: Record<StripeStreamName, string> = {
  customers: "Stripe customers (billing accounts), ids shared with the product and support datasets",
  products: "Stripe products: one per tier",
  prices: "Stripe prices: per seat, monthly and annual, per tier",
  coupons: "Stripe coupons: a forever and a repeating one",
  subscriptions: "Stripe subscriptions in their current state, canceled ones included, items with nested prices",
  invoices: "Stripe invoices with lines (trial, renewals, prorations), discounts expanded",
  charges: "Stripe charges: one per payment attempt, failed ones included",
  refunds: "Stripe refunds of charges",
  events: "Stripe customer.subscription.* events of the last 30 days",
};

export function stripeStreamSpec(name: StripeStreamName): StreamSpec {
  return {
    name,
    primaryKey: ["id"],
    cursorField: "created",
    description: DESCRIPTIONS[name],
    columns: STRIPE_COLUMNS[name],
  };
}

export async function* readStripeStream(world: World, ctx: ReadContext, name: StripeStreamName): AsyncGenerator<Batch> {
  const cursor = ctx.state?.cursor;
  const since = typeof cursor === "number" ? cursor * 1000 - ctx.lookbackMs : Number.NEGATIVE_INFINITY;
  const state = { cursor: sec(world.now) };
  // made into JSON lines as they come: a batch of 10,000 invoices is never 10,000 objects on the heap
  const lines = new JsonLines();
  let rows = 0;
  const pick = PER_CUSTOMER[name];
  const all = pick ? perCustomer(world, name, pick) : catalog(world, name);
  for (const held of all) {
    if (held.changedAt <= since) continue;
    lines.add(held.record);
    if (lines.full(MAX_BATCH)) {
      rows += lines.count;
      ctx.progress?.({ records: rows });
      yield new TextBatch(lines.take());
      if (ctx.signal?.aborted) return;
    }
  }
  rows += lines.count;
  ctx.progress?.({ records: rows });
  yield new TextBatch(lines.take(), state);
}

function* perCustomer(world: World, name: StripeStreamName, pick: (a: Account) => Held[]): Generator<Held> {
  const want = { [name]: true };
  for (let index = 0; ; index++) {
    const signupAt = world.signupAt(index);
    if (signupAt > world.now) return;
    if (signupAt < world.start) continue;
    yield* pick(account(world, index, signupAt, want));
  }
}

function* catalog(world: World, name: StripeStreamName): Generator<Held> {
  const created = sec(world.start);
  const at = world.start;
  if (name === "products")
    for (const tier of TIERS)
      yield { record: productShape(tier, tier[0]!.toUpperCase() + tier.slice(1), created), changedAt: at };
  if (name === "prices") for (const p of PLANS) yield { record: priceOf(p, world), changedAt: at };
  if (name === "coupons") {
    const redeemed = new Map<string, number>();
    let last = at;
    for (let index = 0; ; index++) {
      const signupAt = world.signupAt(index);
      if (signupAt > world.now) break;
      const c = couponFor(world.seed, index);
      if (!c) continue;
      redeemed.set(c.id, (redeemed.get(c.id) ?? 0) + 1);
      last = signupAt;
    }
    for (const c of COUPONS) yield { record: couponShape(c, created, redeemed.get(c.id) ?? 0), changedAt: last };
  }
}
