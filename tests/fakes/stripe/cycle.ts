/**
 * What Stripe does on its own as time passes, in time order: renewals (a draft invoice, charged an
 * hour later), trials ending (convert, cancel or pause), cancellations at period end, paused
 * collection resuming, payment retries, incomplete subscriptions expiring after 23 hours.
 */
import type { StripeObject } from "./list.ts";
import {
  createInvoice,
  endSubscription,
  finalize,
  attempt,
  markUncollectible,
  voidInvoice,
  type LineSpec,
} from "./invoicing.ts";
import { periodEnd, type Ledger } from "./ledger.ts";

interface Task {
  at: number;
  rank: number;
  id: string;
  run: () => void;
}

/** Run every transition due up to `t` (earliest first), then set the clock to `t`. */
export function advance(L: Ledger, t: number): void {
  if (t < L.now)
    throw new Error(
      `the clock only moves forward (${new Date(L.now * 1000).toISOString()} → ${new Date(t * 1000).toISOString()})`,
    );
  for (;;) {
    const next = due(L, t).sort((a, b) => a.at - b.at || a.rank - b.rank || (a.id < b.id ? -1 : 1))[0];
    if (!next) break;
    L.now = next.at;
    next.run();
  }
  L.now = t;
}

function due(L: Ledger, t: number): Task[] {
  const tasks: Task[] = [];
  const add = (at: number | null | undefined, rank: number, id: string, run: () => void) => {
    if (typeof at === "number" && at <= t) tasks.push({ at, rank, id, run });
  };
  for (const inv of L.fake.objects.invoices ?? []) {
    if (inv.status === "draft" && inv.auto_advance)
      add(inv.automatically_finalizes_at as number, 0, inv.id, () => finalize(L, inv));
    if (inv.status === "open") add(inv.next_payment_attempt as number, 1, inv.id, () => attempt(L, inv));
  }
  for (const sub of L.fake.objects.subscriptions ?? []) {
    if (!L.subs.has(sub.id)) continue;
    const end = periodOf(sub).end;
    const pause = sub.pause_collection as { resumes_at: number | null } | null;
    add(pause?.resumes_at, 2, sub.id, () => L.fake.change(sub, (s) => void (s.pause_collection = null)));
    if (sub.status === "trialing") add(sub.trial_end as number, 3, sub.id, () => endTrial(L, sub));
    if (sub.status === "incomplete") add((sub.created as number) + 23 * 3600, 3, sub.id, () => expire(L, sub));
    if (sub.status !== "active" && sub.status !== "past_due") continue;
    const cancelAt = sub.cancel_at as number | null;
    if (cancelAt !== null && cancelAt <= end)
      add(cancelAt, 4, sub.id, () => endSubscription(L, sub, cancelAt, "cancellation_requested"));
    else add(end, 5, sub.id, () => renew(L, sub));
  }
  return tasks;
}

export function itemsOf(sub: StripeObject): Record<string, any>[] {
  return (sub.items as { data: Record<string, any>[] }).data;
}

export function periodOf(sub: StripeObject): { start: number; end: number } {
  const first = itemsOf(sub)[0]!;
  return { start: first.current_period_start, end: first.current_period_end };
}

const isMetered = (item: Record<string, any>) => item.price.recurring.usage_type === "metered";

/**
 * A renewal at the period end: expired discounts leave (a once-coupon after its invoice, a
 * repeating one at its `end`), items move to the next period, and a `subscription_cycle` invoice
 * bills licensed items in advance, metered usage of the period that ended in arrears, and the
 * prorations pending since the last invoice.
 */
function renew(L: Ledger, sub: StripeObject): void {
  const st = L.sub(sub.id);
  const old = periodOf(sub);
  st.cycles += 1;
  const next = {
    start: old.end,
    end: periodEnd(sub.billing_cycle_anchor as number, st.interval, st.intervalCount, st.cycles + 1),
  };
  const kept = expireDiscounts(L, sub, old.end);
  const lines: LineSpec[] = itemsOf(sub).map((item) =>
    isMetered(item) ? usageLine(L, item, old) : itemLine(L, item, next),
  );
  lines.push(...takePending(L, sub));
  let inv!: StripeObject;
  // one customer.subscription.updated: new item periods, expired discounts, the new latest_invoice
  L.fake.change(sub, (s) => {
    s.discounts = kept;
    for (const item of itemsOf(s))
      Object.assign(item, { current_period_start: next.start, current_period_end: next.end });
    inv = createInvoice(L, {
      customer: L.get("customers", sub.customer as string),
      subscription: s,
      reason: "subscription_cycle",
      periodStart: old.start,
      periodEnd: old.end,
      lines,
    });
    s.latest_invoice = inv.id;
  });
  const pause = sub.pause_collection as { behavior: string } | null;
  if (!pause) return;
  // paused collection: Stripe still makes the invoice, then voids it, marks it uncollectible, or keeps it a draft
  if (pause.behavior === "keep_as_draft")
    return void L.fake.change(inv, (o) => Object.assign(o, { auto_advance: false, automatically_finalizes_at: null }));
  finalize(L, inv, false);
  if (pause.behavior === "void") voidInvoice(L, inv);
  else markUncollectible(L, inv);
}

function expireDiscounts(L: Ledger, sub: StripeObject, at: number): string[] {
  const st = L.sub(sub.id);
  return (sub.discounts as string[]).filter((id) => {
    const d = L.fake.internal.get(id) as { end: number | null };
    const gone = st.usedOnce.has(id) || (d.end !== null && d.end <= at);
    if (gone) L.fake.emit("customer.discount.deleted", d as never);
    return !gone;
  });
}

export function itemLine(L: Ledger, item: Record<string, any>, period: { start: number; end: number }): LineSpec {
  const unit = item.price.unit_amount as number;
  return {
    amount: unit * item.quantity,
    description: `${item.quantity} × ${productName(L, item.price)} (at ${money(unit, item.price.currency)} / ${item.price.recurring.interval})`,
    price: item.price,
    quantity: item.quantity,
    period,
    subscriptionItem: item.id,
  };
}

function usageLine(L: Ledger, item: Record<string, any>, period: { start: number; end: number }): LineSpec {
  const st = L.sub(item.subscription);
  const used = st.usage.get(item.id) ?? 0;
  st.usage.set(item.id, 0);
  const unit = item.price.unit_amount as number;
  return {
    amount: unit * used,
    description: `${used} × ${productName(L, item.price)} (at ${money(unit, item.price.currency)} / unit)`,
    price: item.price,
    quantity: used,
    period,
    subscriptionItem: item.id,
  };
}

function takePending(L: Ledger, sub: StripeObject): LineSpec[] {
  const st = L.sub(sub.id);
  const lines = st.pending.map((ii: Record<string, any>) => ii.line as LineSpec);
  st.pending = [];
  return lines;
}

/** A trial ends: it converts (a first paid period), cancels, or pauses (no payment method). */
function endTrial(L: Ledger, sub: StripeObject): void {
  const st = L.sub(sub.id);
  const at = sub.trial_end as number;
  if (st.trialEnd === "cancel") return endSubscription(L, sub, at, null);
  if (st.trialEnd === "pause") {
    L.fake.change(sub, (s) => void (s.status = "paused"));
    return L.fake.emit("customer.subscription.paused", sub);
  }
  restartCycle(L, sub, at, "subscription_cycle");
}

/**
 * A new first period from `at` (after a trial, or resuming a paused subscription): the billing
 * cycle anchor moves to `at`, status becomes active, and an invoice bills the new period.
 */
export function restartCycle(L: Ledger, sub: StripeObject, at: number, reason: string): void {
  const st = L.sub(sub.id);
  st.cycles = 0;
  const period = { start: at, end: periodEnd(at, st.interval, st.intervalCount, 1) };
  L.fake.change(sub, (s) => {
    Object.assign(s, { status: "active", billing_cycle_anchor: at });
    for (const item of itemsOf(s))
      Object.assign(item, { current_period_start: period.start, current_period_end: period.end });
    const lines = itemsOf(s)
      .filter((i) => !isMetered(i))
      .map((i) => itemLine(L, i, period));
    s.latest_invoice = createInvoice(L, {
      customer: L.get("customers", s.customer as string),
      subscription: s,
      reason,
      periodStart: at,
      periodEnd: at,
      lines,
    }).id;
  });
}

export function productName(L: Ledger, price: Record<string, any>): string {
  return L.get("products", price.product).name as string;
}

/** An incomplete subscription whose first invoice stayed unpaid for 23 hours: incomplete_expired. */
function expire(L: Ledger, sub: StripeObject): void {
  const inv = L.fake.objects.invoices?.find((i) => i.id === sub.latest_invoice);
  if (inv?.status === "open") voidInvoice(L, inv);
  endSubscription(L, sub, L.now, null, "incomplete_expired");
}

export function money(cents: number, currency: string): string {
  const symbol = currency === "eur" ? "€" : currency === "usd" ? "$" : `${currency.toUpperCase()} `;
  return `${symbol}${(cents / 100).toFixed(2)}`;
}
