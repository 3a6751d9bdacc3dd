/**
 * What a merchant does to a subscription through the API, with the objects and events Stripe
 * produces: create (trial, coupon, tax), change items with prorations, cancel now or at period end,
 * pause collection, resume a paused subscription.
 */
import { itemList, itemShape, invoiceItemShape, subscriptionShape } from "./billing-shapes.ts";
import { itemLine, itemsOf, periodOf, productName, restartCycle } from "./cycle.ts";
import { createInvoice, endSubscription, finalize, type LineSpec } from "./invoicing.ts";
import { day, periodEnd, type Ledger, type TrialEnd } from "./ledger.ts";
import type { StripeObject } from "./list.ts";
import { discountShape, type Interval } from "./shapes.ts";

export interface ItemSpec {
  price: StripeObject;
  /** seats; ignored for a metered price */
  quantity?: number;
}

export interface SubscribeOptions {
  trialDays?: number;
  /** what happens when the trial ends: pays (default), is canceled, or pauses (no payment method) */
  trialEnd?: TrialEnd;
  coupon?: StripeObject;
  /** an exclusive tax rate in percent, as a default tax rate on the subscription */
  taxRate?: StripeObject;
}

export type Proration = "create_prorations" | "always_invoice" | "none";

export function subscribe(
  L: Ledger,
  customer: StripeObject,
  specs: ItemSpec[],
  opts: SubscribeOptions = {},
): StripeObject {
  const t = L.now;
  const prices = specs.map((s) => s.price);
  const recurring = prices.map((p) => p.recurring as { interval: Interval; interval_count: number });
  if (recurring.some((r) => r.interval !== recurring[0]!.interval || r.interval_count !== recurring[0]!.interval_count))
    throw new Error("classic billing: every price of a subscription has the same interval");
  const currency = prices[0]!.currency as string;
  if (customer.currency === null) L.fake.change(customer, (c) => void (c.currency = currency));
  else if (customer.currency !== currency)
    throw new Error(`${customer.id} pays in ${customer.currency}, not ${currency}`);
  const id = L.id("sub");
  const { interval, interval_count: count } = recurring[0]!;
  const trialEnd = opts.trialDays ? t + opts.trialDays * 86_400 : null;
  const end = trialEnd ?? periodEnd(t, interval, count, 1);
  const items = specs.map((s) =>
    itemShape(L.id("si"), t, {
      subscription: id,
      price: s.price,
      quantity: s.quantity ?? 1,
      periodStart: t,
      periodEnd: end,
    }),
  );
  const sub = subscriptionShape(id, t, {
    customer: customer.id,
    currency,
    items,
    status: trialEnd ? "trialing" : "incomplete",
  });
  L.subs.set(id, {
    cycles: 0,
    interval,
    intervalCount: count,
    trialEnd: opts.trialEnd ?? "convert",
    taxPercent: (opts.taxRate?.percentage as number) ?? 0,
    taxRate: opts.taxRate?.id ?? null,
    usedOnce: new Set(),
    pending: [],
    usage: new Map(),
  });
  if (trialEnd) {
    const behavior = { convert: "create_invoice", cancel: "cancel", pause: "pause" }[opts.trialEnd ?? "convert"];
    Object.assign(sub, {
      trial_start: t,
      trial_end: trialEnd,
      trial_settings: { end_behavior: { missing_payment_method: behavior } },
    });
  }
  if (opts.taxRate) sub.default_tax_rates = [structuredClone(opts.taxRate)];
  if (opts.coupon) sub.discounts = [addDiscount(L, opts.coupon, customer.id, id, t)];
  L.fake.insert("subscriptions", sub);
  for (const d of sub.discounts as string[]) L.fake.emit("customer.discount.created", L.fake.internal.get(d) as never);
  const period = { start: t, end };
  const lines: LineSpec[] = itemsOf(sub).map((item) =>
    trialEnd
      ? { ...itemLine(L, item, period), amount: 0, description: `Trial period for ${productName(L, item.price)}` }
      : itemLine(L, item, period),
  );
  // the first invoice covers the first period; its own period_start/period_end are both the creation time
  const inv = createInvoice(L, {
    customer,
    subscription: sub,
    reason: "subscription_create",
    periodStart: t,
    periodEnd: t,
    lines: lines.filter((l) => (l.price.recurring as any).usage_type === "licensed"),
  });
  L.fake.change(sub, (s) => void (s.latest_invoice = inv.id));
  finalize(L, inv);
  return sub;
}

function addDiscount(L: Ledger, coupon: StripeObject, customer: string, subscription: string, start: number): string {
  const end =
    coupon.duration === "repeating" ? periodEnd(start, "month", coupon.duration_in_months as number, 1) : null;
  const d = discountShape(L.id("di"), { coupon: coupon.id, customer, subscription, start, end });
  L.fake.internal.set(d.id as string, d);
  coupon.times_redeemed = (coupon.times_redeemed as number) + 1;
  return d.id as string;
}

/**
 * Replace the items (upgrade, downgrade, seat change). An item keeps its id when its price stays,
 * else items pair up in order (a price swap keeps the item id, as updating an item does). For the
 * rest of the period, Stripe credits the unused time of the old price × quantity and charges the
 * remaining time of the new one, net of percent-off discounts (proration lines are not discountable).
 */
export function changeItems(
  L: Ledger,
  sub: StripeObject,
  specs: ItemSpec[],
  proration: Proration = "create_prorations",
): void {
  const t = L.now;
  const period = periodOf(sub);
  if (!["active", "past_due", "trialing"].includes(sub.status as string))
    throw new Error(`cannot change ${sub.status} ${sub.id}`);
  const old = itemsOf(sub);
  const unmatched = [...old];
  const paired = specs.map((spec) => {
    const same = unmatched.findIndex((i) => i.price.id === spec.price.id);
    const at =
      same >= 0
        ? same
        : unmatched.findIndex(
            (i) =>
              (i.price.recurring.usage_type === "metered") === ((spec.price.recurring as any).usage_type === "metered"),
          );
    return { spec, before: at >= 0 ? unmatched.splice(at, 1)[0] : undefined };
  });
  const lines: LineSpec[] = [];
  const prorate = proration !== "none" && sub.status !== "trialing";
  const next = paired.map(({ spec, before }) => {
    const item = itemShape(before?.id ?? L.id("si"), before?.created ?? t, {
      subscription: sub.id,
      price: spec.price,
      quantity: spec.quantity ?? 1,
      periodStart: period.start,
      periodEnd: period.end,
    });
    if (prorate) lines.push(...prorations(L, sub, before, item, t, period));
    return item;
  });
  if (prorate) for (const gone of unmatched) lines.push(...prorations(L, sub, gone, undefined, t, period));
  L.fake.change(sub, (s) => void (s.items = itemList(sub.id, next)));
  const items = lines.map((line) => pendingItem(L, sub, line));
  if (proration !== "always_invoice" || !items.length) return void L.sub(sub.id).pending.push(...items);
  const inv = createInvoice(L, {
    customer: L.get("customers", sub.customer as string),
    subscription: sub,
    reason: "subscription_update",
    periodStart: t,
    periodEnd: t,
    lines,
  });
  L.fake.change(sub, (s) => void (s.latest_invoice = inv.id));
  finalize(L, inv);
}

function prorations(
  L: Ledger,
  sub: StripeObject,
  before: Record<string, any> | undefined,
  after: Record<string, any> | undefined,
  t: number,
  period: { start: number; end: number },
): LineSpec[] {
  const licensed = (i?: Record<string, any>) => i && i.price.recurring.usage_type === "licensed";
  const net = netOfPercentOff(L, sub);
  const frac = (period.end - t) / (period.end - period.start);
  const amount = (i: Record<string, any>) => Math.round(i.price.unit_amount * i.quantity * frac * net);
  const span = { start: t, end: period.end };
  const out: LineSpec[] = [];
  if (before && after && before.price.id === after.price.id && before.quantity === after.quantity) return out;
  if (licensed(before))
    out.push({
      amount: -amount(before!),
      description: `Unused time on ${before!.quantity} × ${productName(L, before!.price)} after ${day(t)}`,
      price: before!.price,
      quantity: before!.quantity,
      period: span,
      subscriptionItem: before!.id,
      proration: true,
      credited: creditedLine(L, sub, before!.id),
    });
  if (licensed(after))
    out.push({
      amount: amount(after!),
      description: `Remaining time on ${after!.quantity} × ${productName(L, after!.price)} after ${day(t)}`,
      price: after!.price,
      quantity: after!.quantity,
      period: span,
      subscriptionItem: after!.id,
      proration: true,
    });
  return out;
}

/** The share of the price a customer pays under the percent-off discounts on the subscription. */
function netOfPercentOff(L: Ledger, sub: StripeObject): number {
  return (sub.discounts as string[]).reduce((net, id) => {
    const coupon = L.get("coupons", (L.fake.internal.get(id) as { source: { coupon: string } }).source.coupon);
    return coupon.percent_off === null ? net : net * (1 - (coupon.percent_off as number) / 100);
  }, 1);
}

/** The invoice line a credit proration reverses: the item's line on the latest invoice that billed it. */
function creditedLine(
  L: Ledger,
  sub: StripeObject,
  itemId: string,
): { invoice: string; invoice_line_items: string[] } | null {
  const invoices = (L.fake.objects.invoices ?? [])
    .filter((i) => (i.parent as any)?.subscription_details?.subscription === sub.id && i.status !== "void")
    .reverse();
  for (const inv of invoices) {
    const line = (inv.lines as { data: Record<string, any>[] }).data.find(
      (l) =>
        l.parent.subscription_item_details?.subscription_item === itemId &&
        !l.parent.subscription_item_details.proration,
    );
    if (line) return { invoice: inv.id, invoice_line_items: [line.id] };
  }
  return null;
}

/** A proration waits as an invoice item (`invoiceitem.created`); the line that will bill it names it. */
function pendingItem(L: Ledger, sub: StripeObject, line: LineSpec): Record<string, unknown> {
  const ii = invoiceItemShape(L.id("ii"), L.now, {
    customer: sub.customer as string,
    currency: sub.currency as string,
    amount: line.amount,
    description: line.description,
    price: line.price,
    quantity: line.quantity,
    period: line.period,
    subscription: sub.id,
    subscriptionItem: line.subscriptionItem!,
  });
  L.fake.internal.set(ii.id as string, ii);
  L.fake.emit("invoiceitem.created", ii as never);
  line.invoiceItem = ii.id as string;
  return { ...ii, line };
}

export function cancelNow(L: Ledger, sub: StripeObject): void {
  L.sub(sub.id).pending = [];
  endSubscription(L, sub, L.now, "cancellation_requested");
}

/** Stays active (and billed MRR) until the period ends; `canceled_at` is the time of the request. */
export function cancelAtPeriodEnd(L: Ledger, sub: StripeObject): void {
  const end = periodOf(sub).end;
  L.fake.change(sub, (s) => {
    Object.assign(s, { cancel_at_period_end: true, cancel_at: end, canceled_at: L.now });
    (s.cancellation_details as Record<string, unknown>).reason = "cancellation_requested";
  });
}

export function pauseCollection(
  L: Ledger,
  sub: StripeObject,
  behavior: "void" | "mark_uncollectible" | "keep_as_draft",
  resumesAt: number | null,
): void {
  L.fake.change(sub, (s) => void (s.pause_collection = { behavior, resumes_at: resumesAt }));
}

/** A subscription in status paused resumes now: a new billing cycle anchored at now, invoiced. */
export function resumePaused(L: Ledger, sub: StripeObject): void {
  if (sub.status !== "paused") throw new Error(`${sub.id} is ${sub.status}, not paused`);
  restartCycle(L, sub, L.now, "subscription_cycle");
  L.fake.emit("customer.subscription.resumed", sub);
}
