/**
 * One demo customer's billing life (lifecycle.ts, the same life the `billing` dataset shows) as the
 * objects a Stripe account holds for it now: the customer, its subscriptions in their current state
 * (canceled ones included) with the item's nested price and period, invoices with lines (a $0 trial
 * invoice, one per billing period, and an immediately invoiced proration for each mid-period plan or
 * seat change), one charge per payment attempt, refunds, discounts from coupons, and the
 * `customer.subscription.*` events of the last 30 days (Stripe keeps no older ones).
 *
 * What Stripe adds to the world, each from its own seeded draw so the life itself is unchanged:
 * coupons on some first subscriptions (invoices and charges are discounted), and refunds of a few
 * succeeded charges.
 */
import type { RawRecord } from "../../../engine/ingest/connector.ts";
import { PLANS, type Plan } from "../company.ts";
import {
  customerId,
  isTestAccount,
  lifeChunks,
  type InvoiceVersion,
  type PaymentAttempt,
  type SubVersion,
} from "../lifecycle.ts";
import { intBetween, rngFor } from "../random.ts";
import { customers as customerStream } from "../streams/customers.ts";
import { DAY, HOUR, addMonths } from "../time.ts";
import type { World } from "../world.ts";
import {
  chargeShape,
  customerShape,
  discountShape,
  eventShape,
  invoiceShape,
  itemShape,
  lineShape,
  priceShape,
  refundShape,
  sec,
  subscriptionShape,
  type Coupon,
  type Obj,
} from "./shapes.ts";

/** Draw keys of the Stripe-only facts (distinct from the world's). */
const COUPON = 51;
const REFUND = 52;

export const COUPONS: readonly Coupon[] = [
  { id: "FOREVER15", name: "Partner discount (15% forever)", percentOff: 15, duration: "forever", months: null },
  { id: "LAUNCH25", name: "Launch offer (25% for 3 months)", percentOff: 25, duration: "repeating", months: 3 },
];

/** Stripe keeps events 30 days. */
export const EVENT_DAYS = 30;

/** A Stripe object with the moment it last changed (an incremental pull lands what changed since its cursor). */
export interface Held {
  record: RawRecord;
  changedAt: number;
}

export interface Account {
  customer: Held;
  subscriptions: Held[];
  invoices: Held[];
  charges: Held[];
  refunds: Held[];
  events: Held[];
}

const PRICES = new Map(PLANS.map((p) => [p.id, priceShape(p, 0)]));

/** The price objects as created at the start of the company's history. */
export function priceOf(plan: Plan, world: World): RawRecord {
  const key = `${world.start} ${plan.id}`;
  let price = priced.get(key);
  if (!price) priced.set(key, (price = { ...PRICES.get(plan.id)!, created: sec(world.start) }));
  return price;
}
const priced = new Map<string, RawRecord>();

/** The coupon on a customer's first subscription, if any: about 6% forever, 10% for three months. */
export function couponFor(seed: number, index: number): Coupon | null {
  if (isTestAccount(seed, index)) return null;
  const r = rngFor(seed, COUPON, index)();
  return r < 0.06 ? COUPONS[0]! : r < 0.16 ? COUPONS[1]! : null;
}

interface Sub {
  no: number;
  id: string;
  versions: SubVersion[];
}

interface Discount {
  object: Obj;
  id: string;
  coupon: Coupon;
  start: number;
  end: number | null;
}

/** Which objects to build: the rest of a life is simulated all the same, but not shaped. */
export interface Wanted {
  subscriptions?: boolean;
  invoices?: boolean;
  charges?: boolean;
  refunds?: boolean;
  events?: boolean;
}

export function account(world: World, index: number, signupAt: number, want: Wanted): Account {
  const now = world.now;
  const cid = customerId(index);
  const slug = cid.slice(4);
  const versions: SubVersion[] = [];
  const invoiceVersions: InvoiceVersion[] = [];
  const payments: PaymentAttempt[] = [];
  for (const chunk of lifeChunks(world.seed, index, signupAt, now)) {
    for (const v of chunk.versions) if (v.at <= now) versions.push(v);
    for (const v of chunk.invoices) if (v.at <= now) invoiceVersions.push(v);
    for (const p of chunk.payments) if (p.at <= now) payments.push(p);
  }

  // the customer as the billing system shows it now (the classic dataset's last visible version)
  let profile: RawRecord | undefined;
  let profileAt = signupAt;
  const rows = customerStream.ordered ? undefined : customerStream.entity(world, index, signupAt, -Infinity);
  for (let r = rows?.next(); r && !r.done; r = rows!.next())
    if (r.value.t <= now && r.value.visibleAt <= now) {
      profile = r.value.record;
      profileAt = Math.max(r.value.t, r.value.visibleAt);
    }
  const email = String(profile!.email).trim().toLowerCase();
  const who = { id: cid, email, name: String(profile!.name) };

  const subs: Sub[] = [];
  for (const v of versions) {
    const last = subs.at(-1);
    if (last?.no === v.subNo) last.versions.push(v);
    else subs.push({ no: v.subNo, id: v.subscriptionId, versions: [v] });
  }

  const coupon = couponFor(world.seed, index);
  const discountOf = (sub: Sub): Discount | null => {
    if (!coupon || sub.no !== 1) return null;
    const start = sec(sub.versions[0]!.startedAt);
    const end = coupon.duration === "repeating" ? sec(addMonths(sub.versions[0]!.startedAt, coupon.months!)) : null;
    const id = `di_${slug}_${sub.no}`;
    return {
      id,
      coupon,
      start,
      end,
      object: discountShape(id, { coupon: coupon.id, customer: cid, subscription: sub.id, start, end }),
    };
  };
  const inForce = (d: Discount | null, t: number): d is Discount =>
    d !== null && sec(t) >= d.start && (d.end === null || sec(t) < d.end);

  const out: Account = {
    customer: { record: {}, changedAt: signupAt },
    subscriptions: [],
    invoices: [],
    charges: [],
    refunds: [],
    events: [],
  };
  let invoiceSeq = 0;
  const nextNumber = () => `${prefixOf(index)}-${String(++invoiceSeq).padStart(4, "0")}`;
  const eventsFrom = now - EVENT_DAYS * DAY;
  let delinquent = false;

  for (const sub of subs) {
    const first = sub.versions[0]!;
    const itemId = `si_${slug}_${sub.no}`;
    const created = sec(first.startedAt);
    const discount = discountOf(sub);
    const periods: { start: number; end: number }[] = [];
    if (first.trialEndsAt !== null) periods.push({ start: first.startedAt, end: first.trialEndsAt });
    const subInvoices = latestByInvoice(invoiceVersions.filter((v) => v.subscriptionId === sub.id));
    for (const inv of subInvoices) periods.push({ start: inv.periodStart, end: inv.periodEnd });
    // undefined when nothing was billed yet (no trial, no invoice): a change then has nothing to prorate
    const periodAt = (t: number): { start: number; end: number } | undefined => {
      let p = periods[0];
      for (const q of periods) if (q.start <= t) p = q;
      return p;
    };
    const regular: { start: number; invoice: string; line: string }[] = [];
    let latestInvoice: string | null = null;
    const invoices: { at: number; held: Held }[] = [];

    // the trial: a $0 invoice for the trial period, paid at once
    if (first.trialEndsAt !== null) {
      const id = `in_${slug}_${sub.no}t`;
      const lineId = `il_${id.slice(3)}_1`;
      const price = priceOf(first.plan, world);
      const record = !want.invoices
        ? { id }
        : invoiceShape(id, created, {
            customer: who,
            subscription: sub.id,
            number: "",
            billingReason: "subscription_create",
            periodStart: created,
            periodEnd: created,
            lines: [
              lineShape(lineId, {
                invoice: id,
                subscription: sub.id,
                item: itemId,
                price,
                quantity: first.quantity,
                amount: 0,
                description: `Trial period for ${first.plan.name}`,
                period: { start: created, end: sec(first.trialEndsAt) },
                proration: false,
                credited: null,
                discountAmounts: [],
              }),
            ],
            discounts: [],
            status: "paid",
            attempts: 0,
            paidAt: created,
            uncollectibleAt: null,
            nextAttempt: null,
          });
      invoices.push({ at: first.startedAt, held: { record, changedAt: first.startedAt } });
      latestInvoice = id;
    }

    // one invoice per billing period, in the state it is in now, with its payment attempts as charges
    for (const inv of subInvoices) {
      const id = inv.invoiceId;
      const lineId = `il_${id.slice(3)}_1`;
      const price = priceOf(inv.plan, world);
      const gross = inv.plan.priceCents * inv.quantity;
      const d = inForce(discount, inv.createdAt) ? discount : null;
      const off = d ? Math.round((gross * d.coupon.percentOff) / 100) : 0;
      const attempts = payments.filter((p) => p.invoiceId === id);
      const failedAll = inv.status === "uncollectible";
      const record = !want.invoices
        ? { id }
        : invoiceShape(id, sec(inv.createdAt), {
            customer: who,
            subscription: sub.id,
            number: "",
            billingReason:
              first.trialEndsAt === null && inv === subInvoices[0] ? "subscription_create" : "subscription_cycle",
            periodStart: sec(inv.periodStart),
            periodEnd: sec(inv.periodStart),
            lines: [
              lineShape(lineId, {
                invoice: id,
                subscription: sub.id,
                item: itemId,
                price,
                quantity: inv.quantity,
                amount: gross,
                description: `${inv.quantity} seat × ${inv.plan.name}`,
                period: { start: sec(inv.periodStart), end: sec(inv.periodEnd) },
                proration: false,
                credited: null,
                discountAmounts: d ? [{ amount: off, discount: d.id }] : [],
              }),
            ],
            discounts: d ? [d.object] : [],
            status: inv.status,
            attempts: attempts.length,
            paidAt: inv.paidAt === null ? null : sec(inv.paidAt),
            uncollectibleAt: failedAll ? sec(inv.at) : null,
            nextAttempt:
              inv.status === "open"
                ? sec((attempts.at(-1)?.at ?? inv.createdAt) + (attempts.length ? 3 * DAY : HOUR))
                : null,
          });
      regular.push({ start: inv.periodStart, invoice: id, line: lineId });
      invoices.push({ at: inv.createdAt, held: { record, changedAt: inv.at } });
      latestInvoice = id;
      for (const p of want.charges || want.refunds ? attempts : []) {
        const charge = chargeShape(`ch_${p.paymentId.slice(3)}`, sec(p.at), {
          customer: who,
          amount: gross - off,
          paymentIntent: `pi_${id.slice(3)}`,
          description:
            inv === subInvoices[0] && first.trialEndsAt === null ? "Subscription creation" : "Subscription update",
          failureCode: p.failureCode,
          refunded: 0,
        });
        out.charges.push({ record: charge, changedAt: p.at });
        if (p.succeeded) refund(world, index, p, out);
      }
      if (inv === subInvoices.at(-1) && inv.status === "open") delinquent = true;
    }

    // a plan or seat change mid-period: Stripe credits the unused time of the old price and charges the
    // rest of the period at the new one (percent-off coupons apply), invoiced at once
    let changeNo = 0;
    for (let i = 1; i < sub.versions.length; i++) {
      const before = sub.versions[i - 1]!;
      const after = sub.versions[i]!;
      if (after.status === "canceled" || (before.plan === after.plan && before.quantity === after.quantity)) continue;
      if (before.status === "trialing") continue;
      const period = periodAt(after.at);
      if (!period) continue;
      const frac = (period.end - after.at) / (period.end - period.start);
      const net = inForce(discount, after.at) ? 1 - discount.coupon.percentOff / 100 : 1;
      const amount = (plan: Plan, q: number) => Math.round(plan.priceCents * q * frac * net);
      const id = `in_${slug}_${sub.no}u${++changeNo}`;
      const t = sec(after.at);
      // the credit reverses the line of the invoice that billed the period it falls in
      const credited = regular.filter((r) => r.start <= after.at).at(-1);
      const due = amount(after.plan, after.quantity) - amount(before.plan, before.quantity);
      const lines = !want.invoices
        ? []
        : [
            lineShape(`il_${id.slice(3)}_1`, {
              invoice: id,
              subscription: sub.id,
              item: itemId,
              price: priceOf(before.plan, world),
              quantity: before.quantity,
              amount: -amount(before.plan, before.quantity),
              description: `Unused time on ${before.quantity} × ${before.plan.name}`,
              period: { start: t, end: sec(period.end) },
              proration: true,
              credited: credited ? { invoice: credited.invoice, invoice_line_items: [credited.line] } : null,
              discountAmounts: [],
            }),
            lineShape(`il_${id.slice(3)}_2`, {
              invoice: id,
              subscription: sub.id,
              item: itemId,
              price: priceOf(after.plan, world),
              quantity: after.quantity,
              amount: amount(after.plan, after.quantity),
              description: `Remaining time on ${after.quantity} × ${after.plan.name}`,
              period: { start: t, end: sec(period.end) },
              proration: true,
              credited: null,
              discountAmounts: [],
            }),
          ];
      const record = !want.invoices
        ? { id }
        : invoiceShape(id, t, {
            customer: who,
            subscription: sub.id,
            number: "",
            billingReason: "subscription_update",
            periodStart: t,
            periodEnd: t,
            lines,
            discounts: [],
            status: "paid",
            attempts: due > 0 ? 1 : 0,
            paidAt: t,
            uncollectibleAt: null,
            nextAttempt: null,
          });
      invoices.push({ at: after.at, held: { record, changedAt: after.at } });
      if (due > 0 && want.charges)
        out.charges.push({
          record: chargeShape(`ch_${id.slice(3)}`, t, {
            customer: who,
            amount: due,
            paymentIntent: `pi_${id.slice(3)}`,
            description: "Subscription update",
            failureCode: null,
            refunded: 0,
          }),
          changedAt: after.at,
        });
    }
    // numbered in the order they were created, as Stripe numbers a customer's invoices
    invoices.sort((a, b) => a.at - b.at);
    for (const i of invoices) if (want.invoices) i.held.record.number = nextNumber();
    for (const i of invoices) out.invoices.push(i.held);
    latestInvoice = (invoices.at(-1)?.held.record.id as string | undefined) ?? latestInvoice;

    // a repeating discount leaves the subscription at the first renewal on or after its end (Stripe's
    // customer.discount.deleted); until then the subscription still lists it
    const leaveAt =
      discount?.end == null ? undefined : subInvoices.find((i) => i.periodStart >= discount.end! * 1000)?.periodStart;
    const discountOn = (t: number) =>
      discount !== null && sec(t) >= discount.start && (leaveAt === undefined || t < leaveAt);

    // the subscription as of a moment: now (listed), and at each change in the events of the last 30 days
    const stateAt = (v: SubVersion, expanded: boolean, latest: string | null, at: number): RawRecord => {
      // nothing billed yet (the first invoice is still to come): the first period runs from the start
      const period = periodAt(at) ?? { start: first.startedAt, end: first.startedAt + 30 * DAY };
      return subscriptionShape(sub.id, {
        customer: cid,
        status: v.status,
        item: itemShape(itemId, created, {
          subscription: sub.id,
          price: priceOf(v.plan, world),
          quantity: v.quantity,
          periodStart: sec(period.start),
          periodEnd: sec(period.end),
        }),
        created,
        anchor: sec(first.trialEndsAt ?? first.startedAt),
        trialStart: first.trialEndsAt === null ? null : created,
        trialEnd: first.trialEndsAt === null ? null : sec(first.trialEndsAt),
        canceledAt: v.canceledAt === null ? null : sec(v.canceledAt),
        endedAt: v.status === "canceled" && v.canceledAt !== null ? sec(v.canceledAt) : null,
        reason:
          v.cancelReason === null
            ? null
            : v.cancelReason === "payment_failed"
              ? "payment_failed"
              : "cancellation_requested",
        feedback: v.cancelReason !== null && FEEDBACK.has(v.cancelReason) ? v.cancelReason : null,
        comment: v.cancelReason === "trial_expired" ? "trial ended without a payment method" : null,
        discounts: discountOn(at) ? [expanded ? discount!.object : discount!.id] : [],
        latestInvoice: latest,
      });
    };
    const lastVersion = sub.versions.at(-1)!;
    const changedAt = Math.max(lastVersion.at, ...invoices.map((i) => i.at));
    if (want.subscriptions)
      out.subscriptions.push({ record: stateAt(lastVersion, true, latestInvoice, now), changedAt });

    // the changes Stripe sends customer.subscription.* events for: each version (created, updated,
    // deleted when it ended) and each renewal (new item periods, expired discounts, the new latest_invoice)
    if (want.events && changedAt > eventsFrom) {
      const points: { at: number; id: string; version?: number }[] = sub.versions.map((v, n) => ({
        at: v.at,
        id: `evt_${slug}_${sub.no}_${n + 1}`,
        version: n,
      }));
      subInvoices.forEach((inv, k) => {
        if (k > 0) points.push({ at: inv.createdAt, id: `evt_${slug}_${sub.no}_r${k}` });
      });
      points.sort((a, b) => a.at - b.at || (a.version === undefined ? 1 : 0) - (b.version === undefined ? 1 : 0));
      let previous: RawRecord | null = null;
      let v = sub.versions[0]!;
      for (const point of points) {
        if (point.version !== undefined) v = sub.versions[point.version]!;
        const latest = invoices.filter((i) => i.at <= point.at).at(-1)?.held.record.id as string | undefined;
        const state = stateAt(v, false, latest ?? null, point.at);
        if (point.at > eventsFrom) {
          const type =
            point.version === 0
              ? "customer.subscription.created"
              : point.version !== undefined && v.status === "canceled"
                ? "customer.subscription.deleted"
                : "customer.subscription.updated";
          out.events.push({
            record: eventShape(point.id, sec(point.at), type, state, previous ? changed(previous, state) : null),
            changedAt: point.at,
          });
        }
        previous = state;
      }
    }
  }

  const profileMeta: Obj = {};
  if (profile!.industry) profileMeta.industry = profile!.industry;
  if (profile!.company_size) profileMeta.company_size = profile!.company_size;
  out.customer = {
    record: customerShape(cid, sec(signupAt), {
      name: String(profile!.name),
      email: String(profile!.email),
      country: (profile!.country as string | null) ?? null,
      prefix: prefixOf(index),
      currency: subs.length ? "usd" : null,
      delinquent,
      metadata: profileMeta,
    }),
    // its currency is set by the first subscription, `delinquent` by the latest invoice's state
    changedAt: Math.max(profileAt, versions[0]?.at ?? 0, invoiceVersions.at(-1)?.at ?? 0),
  };
  return out;
}

const FEEDBACK = new Set(["too_expensive", "missing_features", "switched_service", "unused"]);

/** About 1.5% of succeeded charges are refunded in full 1–20 days later (requested by the customer). */
function refund(world: World, index: number, p: PaymentAttempt, out: Account): void {
  const rng = rngFor(world.seed, REFUND, index, Number(p.paymentId.slice(-4)));
  if (rng() >= 0.015) return;
  const at = p.at + intBetween(rng, 1, 20) * DAY + intBetween(rng, 0, 23) * HOUR;
  if (at > world.now) return;
  const held = out.charges.at(-1)!;
  const amount = held.record.amount as number;
  if (amount <= 0) return;
  held.record.amount_refunded = amount;
  held.record.refunded = true;
  held.changedAt = at;
  out.refunds.push({
    record: refundShape(`re_${p.paymentId.slice(3)}`, sec(at), {
      charge: held.record,
      amount,
      reason: "requested_by_customer",
    }),
    changedAt: at,
  });
}

/** The fields of `before` that differ in `after`, with their earlier values (an event's previous_attributes). */
function changed(before: RawRecord, after: RawRecord): Obj {
  const out: Obj = {};
  for (const k of Object.keys(after))
    if (JSON.stringify(before[k]) !== JSON.stringify(after[k])) out[k] = before[k] ?? null;
  return out;
}

/** Each invoice once, in its latest state, in creation order. */
function latestByInvoice(versions: InvoiceVersion[]): InvoiceVersion[] {
  const byId = new Map<string, InvoiceVersion>();
  for (const v of versions) byId.set(v.invoiceId, v);
  return [...byId.values()].sort((a, b) => a.createdAt - b.createdAt);
}

function prefixOf(index: number): string {
  return `AC${(index + 1).toString(16).toUpperCase().padStart(6, "0")}`;
}
